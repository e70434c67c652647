// What `acosim run --resume FILE` checks before it trusts FILE: the completed runs must come from
// the scenario, seed and layout stored in the file (docs/hardening.md, "Resume").
#pragma once

#include <string>

#include "sim/engine/results.hpp"
#include "sim/engine/runner.hpp"

namespace acosim {

// Throws InputError naming `file` unless
// - its track labels are the stored scenario's, in order, and its run count is the scenario's;
// - re-sampling the first, the last and up to 8 evenly spread completed runs from the stored
//   scenario gives their stored draws back bit for bit (only for files of this build's rng_layout:
//   others cannot match, and are warned about);
// - settling every completed run's stored draws under the stored scenario's tracks gives its stored
//   payment and outcome bit for bit (an edited MSR, sharing rate or revenue changes them).
void verify_resumable(const SimulationModel& model, const SimulationResults& previous,
                      const std::string& file, bool same_rng_layout);

}  // namespace acosim
