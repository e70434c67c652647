// BASIC glide path and one-sided holds (benchmark-rules.md §7, cited "bench §7"; 42 CFR
// 425.600(a)(4), (g), (h), text as of 87 FR 70235; the 2027+ limit is from the CY2026 PFS [S]).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace acosim {

struct GlidePathRules {
  bool hold_a = false;  // a Level A hold may be elected
  bool hold_b = false;  // a Level B hold may be elected
  // Most one-sided PYs allowed in this agreement (2027+ starts: 5, in the first glide-path
  // agreement only, i.e. 0 in a second) [S]; nullopt: no such limit.
  std::optional<int> max_one_sided_years;
  int max_glide_path_agreements =
      0;  // 2024+: entering at A or B counts; at most 2 ((g)(1)); 0: no limit here
};

// The holds and limits of an agreement starting in `agreement_start_year`; glide_path_agreement is
// 1 for the ACO's first agreement on a BASIC glide path, 2 for the second.
//   July 2019-2023 starts: A and B holds (PY2023 / PY2024 elections, 425.600(a)(4)(i)(B)(2)).
//   2024+ starts: a Level A hold only ((a)(4)(i)(C)(3)); no B hold.
//   2027+ starts: additionally at most 5 one-sided PYs, in the first glide-path agreement only.
GlidePathRules glide_path_rules(int agreement_start_year, int glide_path_agreement = 1);

// The BASIC level ('A'..'E') of each PY of a glide path that starts in 2024 or later: entry at
// `entry`, automatic advancement each PY ((a)(4)(i)(C)), ending at E; with hold 'A' an ACO that
// entered at A stays at A. Throws std::invalid_argument with the reason when the hold is not
// allowed (B hold from 2024; a hold other than the entry level; a hold in a second glide-path
// agreement), when the one-sided PYs exceed the 2027+ limit, or for a start before 2024 (its
// freezes and elections are modelled in the agreement simulator).
std::vector<char> glide_path_levels(int agreement_start_year, char entry, std::optional<char> hold, int years,
                                    int glide_path_agreement = 1);

}  // namespace acosim
