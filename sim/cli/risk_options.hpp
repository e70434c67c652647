// The risk-appetite command-line flags shared by run, report and sweep: --max-loss, --confidence,
// --max-es, --risk-aversion, --risk-tolerance; they refine the scenario's risk: section.
#pragma once

#include <optional>

#include "sim/engine/risk_appetite.hpp"

namespace CLI {
class App;
}

namespace acosim {

struct RiskFlags {
  std::optional<double> max_loss, confidence, max_es, risk_aversion, risk_tolerance;
  bool any() const { return max_loss || confidence || max_es || risk_aversion || risk_tolerance; }
};

void add_risk_flags(CLI::App& cmd, RiskFlags& flags);

// The flags over `base` (the scenario's section, if any); throws InputError on contradictions.
std::optional<RiskAppetite> merge_risk(const std::optional<RiskAppetite>& base, const RiskFlags& flags);

}  // namespace acosim
