// What sampling reads from a Scenario: the one table of sampling-relevant fields, next to the
// sampler's inputs (SimulationModel, sample_run in sim/engine/runner.hpp; sample_agreement in
// sim/engine/agreement.hpp). A field sample_run or SimulationModel starts reading belongs here.
//
// Two scenarios equal on every Samples field draw the same runs bit for bit (same seed, same
// counts, same distributions), so a sweep serves them with one sampling pass; the Requalifies
// fields decide only who met the quality standard, which the sweep re-applies to the stored scores
// exactly as sample_run does. Every other field (the tracks and elections, revenue, low revenue,
// the agreement start year, EUC relief, the performance year, ...) changes only settlement.
#pragma once

#include <span>

#include "sim/engine/scenario.hpp"

namespace acosim {

enum class SamplingUse {
  Samples,     // changes the drawn runs: a different value needs its own sampling pass
  Requalifies  // changes met_qps / met_alt_qps only: re-applied to stored quality scores
};

struct SamplingField {
  const char* name;  // the Scenario member(s), for messages and docs
  SamplingUse use;
  bool (*same)(const Scenario& a, const Scenario& b);
};

// Every Scenario field sampling reads.
std::span<const SamplingField> sampling_fields();

// a and b agree on every Samples field (their runs are the same draws).
bool same_samples(const Scenario& a, const Scenario& b);
// a and b agree on every Requalifies field.
bool same_qualification(const Scenario& a, const Scenario& b);

}  // namespace acosim
