#include "models/glide_path.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace acosim {

GlidePathRules glide_path_rules(int agreement_start_year, int glide_path_agreement) {
  if (glide_path_agreement < 1) {
    throw std::invalid_argument(
        fmt::format("glide-path agreement number {} is out of range; allowed: 1, 2", glide_path_agreement));
  }
  GlidePathRules r;
  if (agreement_start_year < 2024) {
    r.hold_a = r.hold_b = true;  // 425.600(a)(4)(i)(B)(2): PY2023 / PY2024 elections by A or B
    return r;
  }
  // 425.600(a)(4)(i)(C)(3): only a Level A hold, for an inexperienced ACO in its first BASIC
  // agreement that entered at A; (g)(1): at most 2 glide-path agreements.
  r.hold_a = glide_path_agreement == 1;
  r.max_glide_path_agreements = 2;
  if (agreement_start_year >= 2027) r.max_one_sided_years = glide_path_agreement == 1 ? 5 : 0;  // [S]
  return r;
}

std::vector<char> glide_path_levels(int agreement_start_year, char entry, std::optional<char> hold, int years,
                                    int glide_path_agreement) {
  if (agreement_start_year < 2024) {
    throw std::invalid_argument(fmt::format(
        "glide_path_levels covers agreements starting 2024 or later; a {} start has the one-year freezes "
        "and PY2023/PY2024 elections of 425.600(a)(4)(i)(B)",
        agreement_start_year));
  }
  if (entry < 'A' || entry > 'E') {
    throw std::invalid_argument(fmt::format("'{}' is not a BASIC level; allowed: A, B, C, D, E", entry));
  }
  if (years < 1) throw std::invalid_argument(fmt::format("{} years; allowed: at least 1", years));
  if (glide_path_agreement > 2) {
    throw std::invalid_argument(fmt::format(
        "glide-path agreement {}: at most 2 agreements on the glide path are allowed for 2024+ starts "
        "(425.600(g)(1))",
        glide_path_agreement));
  }
  const GlidePathRules rules = glide_path_rules(agreement_start_year, glide_path_agreement);
  if (hold) {
    const bool allowed = (*hold == 'A' && rules.hold_a) || (*hold == 'B' && rules.hold_b);
    if (!allowed) {
      throw std::invalid_argument(fmt::format(
          "hold {} is not allowed for an agreement starting in {}{}; allowed: {} (425.600(a)(4)(i)(C)(3), "
          "benchmark-rules.md §7)",
          *hold, agreement_start_year, glide_path_agreement > 1 ? " (second glide-path agreement)" : "",
          rules.hold_a ? "hold A, for an ACO that entered at A" : "no hold"));
    }
    if (*hold != entry) {
      throw std::invalid_argument(
          fmt::format("hold {} needs entry at {} (entered at {})", *hold, *hold, entry));
    }
  }
  std::vector<char> levels;
  char level = entry;
  for (int y = 0; y < years; ++y) {
    levels.push_back(level);
    if (!(hold && level == *hold) && level < 'E') ++level;  // automatic advancement each PY
  }
  if (rules.max_one_sided_years) {
    const auto one_sided = std::count_if(levels.begin(), levels.end(), [](char c) { return c <= 'B'; });
    if (one_sided > *rules.max_one_sided_years) {
      throw std::invalid_argument(
          fmt::format("{} one-sided PYs (levels A-B) in an agreement starting in {}; allowed: at most {} for "
                      "2027+ starts, "
                      "in the first glide-path agreement only (CY2026 PFS, benchmark-rules.md §7)",
                      one_sided, agreement_start_year, *rules.max_one_sided_years));
    }
  }
  return levels;
}

}  // namespace acosim
