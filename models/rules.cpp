#include "models/rules.hpp"

#include <cctype>

namespace acosim {

RuleSet current_law() { return RuleSet{}; }

RuleSet cy2027_proposed_not_law() {
  // bench §10: CY2027 PFS proposed rule (CMS-1848-P, 91 FR 43842), PROPOSED, NOT LAW; every value
  // [S], every scope [K] where the spec says so.
  RuleSet r;
  r.id = "cy2027_proposed";
  r.proposed = true;
  r.basic_e_sharing_rate = 0.60;  // Level E 50% -> 60%, 2027+ PYs [K]
  r.basic_e_sharing_from_py = 2027;
  r.psa_scaling_proposed = 0.75;  // PSA 50% -> 75%, 2027+ agreements [K]
  r.psa_scaling_from_start = 2027;
  r.enhanced_lower_spending_weight_cap = 0.35;  // ENHANCED lower-spending weight 50% -> 35% [K]
  r.enhanced_weight_cap_from_start = 2027;
  r.acpt_band = true;  // national - 1.0pp <= ACPT <= national + 1.5pp, 2027+ starts
  r.acpt_band_below = 0.010;
  r.acpt_band_above = 0.015;
  r.acpt_band_from_start = 2027;
  r.acpt_retro_floor = true;  // ACPT >= national - 1.0pp, 2024-2026 starts, from PY2025
  r.acpt_retro_floor_below = 0.010;
  r.acpt_retro_first_start = 2024;
  r.acpt_retro_last_start = 2026;
  r.acpt_retro_from_py = 2025;
  return r;
}

std::optional<RuleSet> find_rule_set(std::string_view id) {
  std::string k(id);
  for (char& c : k) c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (k == "current_law") return current_law();
  if (k == "cy2027_proposed") return cy2027_proposed_not_law();
  return std::nullopt;
}

std::string known_rule_set_ids() { return "current_law, cy2027_proposed (PROPOSED, NOT LAW)"; }

}  // namespace acosim
