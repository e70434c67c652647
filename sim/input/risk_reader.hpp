// Reads a scenario's `risk:` section into a RiskAppetite (sim/engine/risk_appetite.hpp).
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/engine/risk_appetite.hpp"

namespace acosim {

class Reader;

// The `risk:` section: {max_loss, confidence, max_es, risk_aversion | risk_tolerance}; amounts in
// USD (2e6, 2000000), confidence as 0.95 or 95%, risk_tolerance T = 1/a [USD]. Throws InputError
// naming file:line and key on a bad value.
RiskAppetite parse_risk(const YAML::Node& node, const Reader& rd);

// The `risk:` section of a scenario's YAML text; empty when the text has none. For results files
// written before /metadata/risk existed. Throws InputError when the section is invalid.
std::optional<RiskAppetite> risk_from_scenario_text(const std::string& yaml_text, const std::string& origin);

}  // namespace acosim
