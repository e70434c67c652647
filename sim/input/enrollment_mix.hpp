// The national enrollment mix and the one way a total of beneficiaries is split into whole counts
// by enrollment type (the scenario reader's `aco.beneficiaries: N` and `acosim init`).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>

#include "models/cost_model.hpp"

namespace acosim {

// Share of assigned person-years by type, CMS PY2023 results (cost-model.md §2) [fraction].
inline constexpr std::array<double, kEnrollmentTypes> kNationalMix = {0.004, 0.073, 0.055, 0.868};

// Whole counts summing exactly to `total` from the real parts `exact` (which sum to it): each
// part's floor, then one more to each of the largest remainders in turn (ties: the first type).
inline std::array<long, kEnrollmentTypes> largest_remainder(
    long total, const std::array<double, kEnrollmentTypes>& exact) {
  std::array<long, kEnrollmentTypes> parts{};
  std::array<double, kEnrollmentTypes> rest{};
  long used = 0;
  for (std::size_t e = 0; e < parts.size(); ++e) {
    parts[e] = static_cast<long>(std::floor(exact[e]));
    rest[e] = exact[e] - std::floor(exact[e]);
    used += parts[e];
  }
  for (; used < total; ++used) {
    const auto k = static_cast<std::size_t>(std::max_element(rest.begin(), rest.end()) - rest.begin());
    ++parts[k];
    rest[k] = -1;
  }
  return parts;
}

}  // namespace acosim
