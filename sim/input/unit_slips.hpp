// Values that are legal but almost certainly a unit slip (a fraction where a 0-100 score is meant,
// thousands of dollars where dollars are meant): the answer would look right and be wrong. Each
// rule has a name, listed in docs/hardening.md ("Unit slips"); the warnings go to stderr and stay
// on the Scenario for the reports' assumptions.
#pragma once

#include <string>
#include <vector>

#include "sim/engine/scenario.hpp"

namespace acosim {

// One sentence per rule that fires, each starting with the key and ending with "[rule NAME]".
std::vector<std::string> unit_slip_warnings(const Scenario& s);

}  // namespace acosim
