#include "sim/input/risk_reader.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {

RiskAppetite parse_risk(const YAML::Node& node, const Reader& rd) {
  RiskAppetite a;
  if (!node.IsDefined() || node.IsNull()) return a;
  rd.check_keys(node, "risk", {"max_loss", "confidence", "max_es", "risk_aversion", "risk_tolerance"});
  if (node["max_loss"]) {
    a.max_loss = rd.number_in(node["max_loss"], "risk.max_loss", 0, 1e13,
                              "a dollar amount >= 0, e.g. 2e6 (owing more than this is the risk)");
  }
  if (node["confidence"]) {
    a.confidence = rd.number_in(node["confidence"], "risk.confidence", 0.5, 0.9999,
                                "a probability in [0.5, 0.9999], e.g. 0.95 or 95%", true);
  }
  if (node["max_es"]) {
    a.max_es = rd.number_in(node["max_es"], "risk.max_es", 0, 1e13, "a dollar amount >= 0");
  }
  if (node["risk_aversion"] && node["risk_tolerance"]) {
    rd.fail(node["risk_tolerance"], "risk.risk_tolerance",
            "give risk_aversion (a, per dollar) or risk_tolerance (1/a, in dollars), not both");
  }
  if (node["risk_aversion"]) {
    a.risk_aversion = rd.number_in(node["risk_aversion"], "risk.risk_aversion", 0, 1e-2,
                                   "a coefficient a >= 0 per dollar, e.g. 1e-6 (= risk tolerance $1M)");
  }
  if (node["risk_tolerance"]) {
    const double t = rd.number_in(node["risk_tolerance"], "risk.risk_tolerance", 100, 1e13,
                                  "a dollar amount of at least 100, e.g. 1e6 (= risk aversion 1e-6)");
    a.risk_aversion = 1.0 / t;
  }
  if (!a.any()) {
    rd.fail(node, "risk", "states no limit: give max_loss (with confidence), max_es, and/or "
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
