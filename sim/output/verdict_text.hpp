// The risk verdict in plain words (the numbers are sim/engine/risk.hpp): the appetite as a
// sentence and the recommendation (the choice and the trade-off). Used by every report format and
// the sweep output.
#pragma once

#include <string>

#include "sim/engine/risk.hpp"

namespace acosim {

// "no more than a 5% chance of owing more than $2.00M; and expected shortfall (mean loss in the
// worst 5% of outcomes) of at most ...".
std::string describe_appetite(const RiskAppetite& a);

// The recommendation: which track, its figures against the limits, the tracks paying more on
// average and why they were not chosen, and the tracks within Monte Carlo error of a limit. ""
// when the verdict has no tracks.
std::string recommendation_text(const RiskVerdict& v);

}  // namespace acosim
