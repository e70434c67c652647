// Sensitivity sweeps and tornado analysis (docs/sweeps-and-risk.md).
//
// A sweep varies scenario keys over value lists or ranges: one key gives a 1-D sweep, two a 2-D
// grid (every combination; more keys likewise). A tornado varies each input alone between a low
// and a high value. Both run a list of points, each the base scenario with some keys set, and
// every point is a complete simulation: same seed -> same random streams (common random numbers
// across points, since draws depend only on (seed, run, purpose, block)).
//
// Settle-only keys (the tracks list and MSR/MLR elections, custom-contract terms, the quality
// threshold and alternative-QPS probability, participant revenue, low_revenue,
// agreement_start_year, euc relief) change only how sampled runs settle: points differing only in
// them share one sampling pass (sample_runs once, settle_runs per point on a copy of the table).
// Every other key re-samples. Each point is bit-identical to a plain `acosim run` with its values.
//
// All keys and values are checked, and every point's scenario validated, before any sampling.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/engine/results.hpp"
#include "sim/engine/risk.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"

namespace acosim {

// A path into the scenario's YAML: map keys and sequence indices, e.g. "tracks[1].msr".
struct KeyPath {
  struct Part {
    std::string key;  // a map key, or empty for a sequence index
    long index = -1;  // >= 0: sequence element
  };
  std::string text;
  std::vector<Part> parts;
  std::string pattern() const;  // indices as "[]": "tracks[].msr"
};

// Parses "a.b[2].c"; throws InputError naming the key when malformed.
KeyPath parse_key_path(const std::string& text);

// The documented sweepable keys as patterns ("tracks[].msr"), and the settle-only whitelist.
const std::vector<std::string>& sweepable_keys();
bool is_settle_only(const KeyPath& key);

// Expands a value list: comma-separated values and ranges start:stop:step (stop included when
// reached within rounding; "0%:2%:0.5%" gives 0%, 0.5%, ..., 2%; a negative step counts down).
// Throws InputError naming `key` and the offending text: empty list, bad or empty range, step 0,
// duplicates, more than kMaxValues values.
inline constexpr std::size_t kMaxValues = 1000;
inline constexpr std::size_t kMaxPoints = 2000;
std::vector<std::string> expand_values(const std::string& key, const std::string& spec);

// Axes from `--vary KEY=VALUES` options (they replace the scenario's `sweep:` section), else from
// the section `sweep: {vary: {KEY: [values] | "start:stop:step", ...}}`. Keys are validated
// against the scenario (unknown keys with a did-you-mean); throws InputError.
std::vector<SweepAxis> sweep_axes(const Scenario& base, const std::vector<std::string>& vary);

// One scenario to simulate: the base with `set` applied, validated.
struct PlannedPoint {
  std::vector<Assignment> set;
  std::vector<std::size_t> index;  // value index per axis (grid sweeps)
  Scenario scenario;
  int group = 0;                   // the sampling pass serving this point
};

struct SweepPlan {
  Scenario base;
  std::vector<SweepAxis> axes;     // grid axes; empty for a plain point list
  std::vector<PlannedPoint> points;
  int groups = 0;                  // sampling passes needed
};

// Applies `set` to the scenario's YAML tree (map keys created as needed, sequence indices must
// exist, a scalar `x` becomes {mean: x} for .mean/.sd and a scalar track id {track: id}) and
// validates the result. Errors name the key and value.
Scenario apply_assignments(const Scenario& base, const std::vector<Assignment>& set);

// Every combination of the axes' values (the last axis varies fastest).
SweepPlan plan_grid(const Scenario& base, std::vector<SweepAxis> axes);
// Arbitrary points (tornado): each a list of assignments.
SweepPlan plan_points(const Scenario& base, const std::vector<std::vector<Assignment>>& points);

struct SweepPointResult {
  std::vector<Assignment> set;
  std::vector<std::size_t> index;
  int group = 0;
  SimulationResults results;            // meta and summaries; the run table only with keep_tables
  std::optional<RiskVerdict> risk;      // with a risk appetite
};

struct SweepStats {
  int points = 0;
  int sampling_passes = 0;
  long runs = 0;                        // per point (0 when `runs` itself is varied)
  int threads = 0;
  double sampling_seconds = 0;
  double settle_seconds = 0;            // settlement + statistics, all points
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

// From the scenario's `tornado:` section, then the command-line values over it (empty = keep).
TornadoSpec tornado_spec(const Scenario& base, const std::vector<std::string>& input_flags,
                         const std::string& metric_flag, const std::string& track_flag);

struct TornadoBar {
  std::string key, low, high;
  double at_low = 0, at_high = 0;
  double swing = 0;  // |at_high - at_low|
  bool settle_only = false;
};

struct TornadoTrack {
  int index = 0;     // column in the base scenario's tracks
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

// Plans (and validates) base + low/high per input; run_tornado then simulates and ranks.
SweepPlan plan_tornado(const Scenario& base, const TornadoSpec& spec);
TornadoResult run_tornado(const SweepPlan& plan, const TornadoSpec& spec, const RunOptions& options);

// ---- output (sim/output/sweep_io.cpp) ----

inline constexpr const char* kSweepFormat = "acosim-sweep";  // root attribute `format`
inline constexpr int kSweepFormatVersion = 1;

// Provenance recorded in sweep files (the command fills it).
struct SweepProvenance {
  std::string program_version, git_commit, created_utc;
};

// One HDF5 file (schema: docs/results-schema.md, "Sweep files"), written atomically.
void write_sweep(const std::filesystem::path& path, const SweepResults& s, const SweepProvenance& p);

// One row per (point, track): the varied keys' values, then every statistic (raw numbers).
std::string sweep_csv(const SweepResults& s);
// A compact table per point and track: mean ± SE, P(losses), P5, P50, P95, ES95 (+ risk columns).
std::string sweep_markdown(const SweepResults& s);
// The terminal table: mean, P(losses), P5, ES95 per track per point (+ CE and fit with a risk
// appetite), and how many sampling passes served how many points.
std::string sweep_text(const SweepResults& s);

std::string tornado_text(const TornadoResult& t);
std::string tornado_csv(const TornadoResult& t);   // rank,track,input,low,high,at_low,at_high,swing,...
std::string tornado_json(const TornadoResult& t);  // format "acosim-tornado", version 1

}  // namespace acosim
