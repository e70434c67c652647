// Rule sets: current law, and overlays that replace some of its values (benchmark-rules.md §10).
//
// A RuleSet is plain data passed by value into settle() (SettlementInput::rules) and into the
// benchmark functions (models/benchmark.hpp). Default-constructed it is current law; the only
// overlay is cy2027_proposed_not_law(): the CY2027 PFS proposed rule (CMS-1848-P, 91 FR 43842,
// 16 Jul 2026), which is PROPOSED, NOT LAW. Every proposed value is [S] in the spec (third-party
// notes quoting the CMS fact sheet) and its scope is [K] where the spec says so.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace acosim {

struct RuleSet {
  const char* id = "current_law";  // the `rules:` value that selects it
  bool proposed = false;           // true: PROPOSED, NOT LAW (reports must say so)

  // §10 row 1: BASIC Level E final sharing rate (current law 50%, 42 CFR 425.605(d)(1)(v)).
  // Set: the rate [fraction] for PYs >= basic_e_sharing_from_py (proposed 60% from PY2027 [K]).
  std::optional<double> basic_e_sharing_rate;
  int basic_e_sharing_from_py = 0;

  // §4 / §10 row 3: PSA scaling, 42 CFR 425.658 (current law 50%; proposed 75% for agreements
  // starting in or after psa_scaling_from_start [K]) [fraction].
  double psa_scaling = 0.50;
  double psa_scaling_proposed = 0.50;
  int psa_scaling_from_start = 0;  // 0: psa_scaling_proposed never applies

  // §10 row 2: ENHANCED maximum regional weight for lower-spending ACOs (current law: the
  // 425.656(d) table, up to 50%; proposed 35% for agreements starting >= the year) [fraction].
  std::optional<double> enhanced_lower_spending_weight_cap;
  int enhanced_weight_cap_from_start = 0;

  // §10 rows 6-7: ACPT guardrail band around national growth, per annual step [fraction].
  // For agreements starting >= acpt_band_from_start: national - below <= ACPT <= national + above.
  bool acpt_band = false;
  double acpt_band_below = 0.010;
  double acpt_band_above = 0.015;
  int acpt_band_from_start = 2027;
  // Retroactive lower guardrail for starts in [first, last], from the from_py reconciliation on:
  // ACPT >= national - below. Whether the steps before from_py are floored too is [K]
  // (acpt_retro_floor_earlier_steps; default: no, only the steps into PY >= from_py).
  bool acpt_retro_floor = false;
  double acpt_retro_floor_below = 0.010;
  int acpt_retro_first_start = 2024, acpt_retro_last_start = 2026, acpt_retro_from_py = 2025;
  bool acpt_retro_floor_earlier_steps = false;

  // The PSA scaling for an agreement starting in `start_year` [fraction].
  double psa_scaling_for(int start_year) const {
    return psa_scaling_from_start > 0 && start_year >= psa_scaling_from_start ? psa_scaling_proposed
                                                                              : psa_scaling;
  }
};

// Current law (default-constructed RuleSet).
RuleSet current_law();

// CY2027 PFS proposed rule, PROPOSED, NOT LAW (spec §10): Level E 60% from PY2027, PSA 75% and the
// ENHANCED lower-spending regional weight capped at 35% for 2027+ agreements, ACPT band
// [national - 1.0pp, national + 1.5pp] for 2027+ starts and the retroactive floor national - 1.0pp
// for 2024-2026 starts from PY2025.
RuleSet cy2027_proposed_not_law();

// The rule set named `id` ("current_law", "cy2027_proposed"); nullopt when unknown.
std::optional<RuleSet> find_rule_set(std::string_view id);

// The ids find_rule_set() knows, comma-separated, for error messages.
std::string known_rule_set_ids();

}  // namespace acosim
