#include "sim/cli/risk_options.hpp"

#include <string>

#include <CLI/CLI.hpp>

#include "sim/cli/command_args.hpp"

#include "sim/common/error.hpp"

namespace acosim {

void add_risk_flags(CLI::App& cmd, RiskFlags& f) {
  const std::string g = "Risk appetite (overrides the scenario's risk: section)";
  cmd.add_option("--max-loss", f.max_loss, "Tolerable loss [USD]: fits when P(owing more) <= 1 - confidence")
      ->check(key_check("risk.max_loss"))
      ->group(g);
  cmd.add_option("--confidence", f.confidence, "Confidence for --max-loss and the ES level (default 0.95)")
      ->check(key_check("risk.confidence"))
      ->group(g);
  cmd.add_option("--max-es", f.max_es, "Expected-shortfall limit [USD] at --confidence")
      ->check(key_check("risk.max_es"))
      ->group(g);
  cmd.add_option("--risk-aversion", f.risk_aversion, "Exponential-utility coefficient a [1/USD], e.g. 1e-6")
      ->check(key_check("risk.risk_aversion"))
      ->group(g);
  cmd.add_option("--risk-tolerance", f.risk_tolerance, "Risk tolerance 1/a [USD], e.g. 1e6")
      ->check(key_check("risk.risk_tolerance"))
      ->group(g);
}

std::optional<RiskAppetite> merge_risk(const std::optional<RiskAppetite>& base, const RiskFlags& f) {
  if (!f.any()) return base;
  if (f.risk_aversion && f.risk_tolerance) {
    throw InputError("give --risk-aversion or --risk-tolerance, not both");
  }
  RiskAppetite a = base.value_or(RiskAppetite{});
  if (f.max_loss) a.max_loss = *f.max_loss;
  if (f.confidence) a.confidence = *f.confidence;
  if (f.max_es) a.max_es = *f.max_es;
  if (f.risk_aversion) a.risk_aversion = *f.risk_aversion;
  if (f.risk_tolerance) a.risk_aversion = 1.0 / *f.risk_tolerance;
  if (!a.any()) {
    throw InputError("--confidence alone states no limit: add --max-loss, --max-es or --risk-aversion");
  }
  return a;
}

}  // namespace acosim
