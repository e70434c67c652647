// A risk appetite as plain numbers: what the ACO can bear (docs/sweeps-and-risk.md). Read from a
// scenario's `risk:` section (sim/input/risk_reader.hpp) or command-line flags
// (sim/cli/risk_options.hpp); judged by sim/engine/risk.hpp.
#pragma once

#include <optional>

namespace acosim {

struct RiskAppetite {
  std::optional<double> max_loss;       // [USD > 0]
  double confidence = 0.95;             // [fraction in (0, 1)]; also the ES level
  std::optional<double> max_es;         // [USD >= 0]
  std::optional<double> risk_aversion;  // a [1/USD >= 0]
  bool any() const { return max_loss || max_es || risk_aversion; }
};

}  // namespace acosim
