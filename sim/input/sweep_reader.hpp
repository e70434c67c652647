// The sweep and tornado inputs (docs/sweeps-and-risk.md): the `sweep:` and `tornado:` sections
// (read at load by the scenario reader), the --vary / --input / --metric / --track flags over them,
// scenario key paths and value lists, and the plans: every point's scenario is the base with its
// keys set, re-read and validated here, before any sampling; sim/engine/sweep.hpp runs the plan.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/engine/scenario.hpp"
#include "sim/engine/sweep.hpp"
#include "sim/engine/sweep_spec.hpp"

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

// The documented sweepable keys as patterns ("tracks[].msr").
const std::vector<std::string>& sweepable_keys();

// Expands a value list: comma-separated values and ranges start:stop:step (stop included when
// reached within rounding; "0%:2%:0.5%" gives 0%, 0.5%, ..., 2%; a negative step counts down).
// Throws InputError naming `key` and the offending text: empty list, bad or empty range, step 0,
// duplicates, more than kMaxValues values.
inline constexpr std::size_t kMaxValues = 1000;
inline constexpr std::size_t kMaxPoints = 2000;
std::vector<std::string> expand_values(const std::string& key, const std::string& spec);

// The `sweep:` section, `sweep: {vary: {KEY: [values] | "start:stop:step", ...}}`, its keys checked
// against the scenario tree `root`. Throws InputError "origin:line:col: ...".
SweepSection read_sweep_section(const YAML::Node& section, const YAML::Node& root, const std::string& origin);
// The `tornado:` section: inputs (optional here; the flags may give them), metric, track.
TornadoSpec read_tornado_section(const YAML::Node& section, const std::string& origin);

// Axes from `--vary KEY=VALUES` options (they replace the scenario's `sweep:` section), else the
// section's. Keys are validated against the scenario (unknown keys with a did-you-mean); throws
// InputError.
std::vector<SweepAxis> sweep_axes(const Scenario& base, const std::vector<std::string>& vary);

// Applies `set` to the scenario's YAML tree (map keys created as needed, sequence indices must
// exist, a scalar `x` becomes {mean: x} for .mean/.sd and a scalar track id {track: id}) and
// validates the result. Errors name the key and value.
Scenario apply_assignments(const Scenario& base, const std::vector<Assignment>& set);

// Every combination of the axes' values (the last axis varies fastest), each point's scenario
// built and validated, grouped into sampling passes (group_points).
SweepPlan plan_grid(const Scenario& base, std::vector<SweepAxis> axes);
// Arbitrary points (tornado): each a list of assignments.
SweepPlan plan_points(const Scenario& base, const std::vector<std::vector<Assignment>>& points);

// The scenario's `tornado:` section, then the command-line values over it (empty = keep); the
// metric checked and the track resolved among the base scenario's tracks.
TornadoSpec tornado_spec(const Scenario& base, const std::vector<std::string>& input_flags,
                         const std::string& metric_flag, const std::string& track_flag);

// Plans (and validates) base + low/high per input; run_tornado then simulates and ranks.
SweepPlan plan_tornado(const Scenario& base, const TornadoSpec& spec);

}  // namespace acosim
