// Sensitivity sweeps and tornado analysis (docs/sweeps-and-risk.md): running a planned list of
// points. The points' scenarios are built and validated by the input layer
// (sim/input/sweep_reader.hpp: keys, values, grids, the base with each point's keys set); this
// file groups them into sampling passes and simulates them.
//
// Every point is a complete simulation: same seed -> same random streams (common random numbers
// across points, since draws depend only on (seed, run, purpose, block)). Points whose scenarios
// agree on every field sampling reads (sim/engine/sampling_inputs.hpp) share one sampling pass
// (sample_runs once, settle_runs per point on a copy of the table, the quality standard re-applied
// when it differs); the others re-sample. Each point is bit-identical to a plain `acosim run` (or
// `acosim agreement`) with its values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/engine/results.hpp"
#include "sim/engine/risk.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/engine/sweep_spec.hpp"

namespace acosim {

// One scenario to simulate: the base with `set` applied, validated.
struct PlannedPoint {
  std::vector<Assignment> set;
  std::vector<std::size_t> index;  // value index per axis (grid sweeps)
  Scenario scenario;
  int group = 0;  // the sampling pass serving this point
};

struct SweepPlan {
  Scenario base;
  std::vector<SweepAxis> axes;  // grid axes; empty for a plain point list
  std::vector<PlannedPoint> points;
  int groups = 0;  // sampling passes needed
};

// The plan of already-built points: each point joins the first sampling pass whose scenario
// samples the same runs (same_samples), else opens a new one; a grid axis is settle-only when
// changing its value alone never changes the pass.
SweepPlan group_points(const Scenario& base, std::vector<SweepAxis> axes, std::vector<PlannedPoint> points);

struct SweepPointResult {
  std::vector<Assignment> set;
  std::vector<std::size_t> index;
  int group = 0;
  SimulationResults results;        // meta and summaries; the run table only with keep_tables
  std::optional<RiskVerdict> risk;  // with a risk appetite
};

struct SweepStats {
  int points = 0;
  int sampling_passes = 0;
  long runs = 0;  // per point (0 when `runs` itself is varied)
  int threads = 0;
  double sampling_seconds = 0;
  double settle_seconds = 0;  // settlement + statistics, all points
  double wall_seconds = 0;
};

struct SweepResults {
  Scenario base;
  std::vector<SweepAxis> axes;
  std::vector<SweepPointResult> points;
  SweepStats stats;
  std::optional<RiskAppetite> risk;
};

// Runs the plan: one sampling pass per group, then settlement and statistics per point.
SweepResults run_sweep(const SweepPlan& plan, const RunOptions& options, bool keep_tables = false,
                       const std::optional<RiskAppetite>& risk = std::nullopt);

// ---- tornado ----

double tornado_metric(const TrackSummary& t, const std::string& metric);

struct TornadoBar {
  std::string key, low, high;
  double at_low = 0, at_high = 0;
  double swing = 0;  // |at_high - at_low|
  bool settle_only = false;
};

struct TornadoTrack {
  int index = 0;  // column in the base scenario's tracks
  std::string label;
  double base = 0;
  std::vector<TornadoBar> bars;  // ranked by swing, largest first
};

struct TornadoResult {
  std::string metric;
  std::string scenario_name;
  long runs = 0;
  std::uint64_t seed = 0;
  std::vector<TornadoTrack> tracks;
  SweepStats stats;
};

// Simulates a tornado plan (sim/input/sweep_reader.hpp's plan_tornado: the base, then low and high
// per input) and ranks the inputs.
TornadoResult run_tornado(const SweepPlan& plan, const TornadoSpec& spec, const RunOptions& options);

}  // namespace acosim
