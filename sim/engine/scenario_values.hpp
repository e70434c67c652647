// Small value types shared by the scenario (sim/engine/scenario.hpp) and the feature specs it
// carries (sim/engine/agreement_spec.hpp): an uncertain input and a track with its election.
#pragma once

#include <string>

#include "models/msr.hpp"
#include "models/track.hpp"

namespace acosim {

// A run-level input that is uncertain: Normal(mean, sd) (sd = 0: fixed).
struct Uncertain {
  double mean = 0;
  double sd = 0;
};

// One track to settle, with the ACO's MSR/MLR election for two-sided tracks.
struct TrackChoice {
  Track track;
  MsrElection election;
  std::string label;  // unique, e.g. "BASIC_E msr=1%"
};

}  // namespace acosim
