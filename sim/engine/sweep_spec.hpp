// The validated `sweep:` and `tornado:` sections as plain values (docs/sweeps-and-risk.md). Read
// from YAML by sim/input/sweep_reader.cpp at load; planned and run by sim/engine/sweep.hpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace acosim {

// One scenario key set to one value, e.g. {"tracks[1].msr", "1%"}.
struct Assignment {
  std::string key;
  std::string value;  // as written (YAML scalar text)
};

// One varied key and its values (expanded from lists and start:stop:step ranges).
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
  bool settle_only = false;  // set by planning: every value samples the same runs
};

// `sweep: {vary: {KEY: [values] | "start:stop:step", ...}}`: the axes, keys checked against the
// scenario.
struct SweepSection {
  std::vector<SweepAxis> axes;
};

struct TornadoInput {
  std::string key, low, high;
};

// Metrics a tornado can rank by: mean, p_losses, p_savings, p5, p50, p95, var95, es95.
const std::vector<std::string>& tornado_metrics();

struct TornadoSpec {
  std::vector<TornadoInput> inputs;
  std::string metric = "mean";
  std::string track;               // a label of the base scenario (or its index); empty: every track
  std::optional<int> track_index;  // `track` resolved among the base scenario's tracks
  std::string location;            // where the section is ("file:line:col"), for messages about it
};

}  // namespace acosim
