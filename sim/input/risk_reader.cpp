#include "sim/input/risk_reader.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/input/key_schema.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {

RiskAppetite parse_risk(const YAML::Node& node, const Reader& rd) {
  RiskAppetite a;
  if (!node.IsDefined() || node.IsNull()) return a;
  check_section_keys(rd, node, "risk");
  if (node["max_loss"]) a.max_loss = read_number(rd, node["max_loss"], "risk.max_loss");
  if (node["confidence"]) a.confidence = read_number(rd, node["confidence"], "risk.confidence");
  if (node["max_es"]) a.max_es = read_number(rd, node["max_es"], "risk.max_es");
  if (node["risk_aversion"] && node["risk_tolerance"]) {
    rd.fail(node["risk_tolerance"], "risk.risk_tolerance",
            "give risk_aversion (a, per dollar) or risk_tolerance (1/a, in dollars), not both");
  }
  if (node["risk_aversion"]) a.risk_aversion = read_number(rd, node["risk_aversion"], "risk.risk_aversion");
  if (node["risk_tolerance"])
    a.risk_aversion = 1.0 / read_number(rd, node["risk_tolerance"], "risk.risk_tolerance");
  if (!a.any()) {
    rd.fail(node, "risk",
            "states no limit: give max_loss (with confidence), max_es, and/or "
            "risk_aversion / risk_tolerance");
  }
  return a;
}

std::optional<RiskAppetite> risk_from_scenario_text(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}: scenario text is not valid YAML: {}", origin, e.msg));
  }
  if (!root.IsMap() || !root["risk"]) return std::nullopt;
  const Reader rd(origin);
  return parse_risk(root["risk"], rd);
}

}  // namespace acosim
