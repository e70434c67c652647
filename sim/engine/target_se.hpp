// `acosim run --target-se T`: run until precise enough. Runs are sampled in fixed blocks of
// kTargetSeBlock (0..B-1, B..2B-1, ...); after each block the largest standard error of the
// reported figures is checked — every track's P(savings), P(losses), P(corridor), P(quality
// failed) (binomial SE [fraction]) and its mean payment in % of the benchmark (MC SE, as a
// fraction) — and the run stops at the first block boundary where it is at most T, or at the
// scenario's runs. Runs are the same draws as in a fixed-size run (each is a pure function of
// seed, scenario and run index) and the stopping point depends only on them, so the result is a
// pure function of seed and scenario: `--runs R` with the R it stopped at gives the same file.
#pragma once

#include <functional>

#include "sim/engine/results.hpp"
#include "sim/engine/runner.hpp"

namespace acosim {

inline constexpr long kTargetSeBlock = 1000;  // runs between checks

// The largest standard error of the reported probabilities and means of `r` (summarized) [fraction].
double largest_reported_se(const SimulationResults& r);

// Simulates blocks until largest_reported_se <= target (or the scenario's runs are done, or
// options.stop is set). The results cover the runs done: meta.runs is the stopping point, which
// a block boundary or the scenario's runs. `progress(runs, se)` is called after each block.
SimulationResults simulate_to_target(const SimulationModel& model, const RunOptions& options, double target,
                                     const std::function<void(long, double)>& progress = {});

}  // namespace acosim
