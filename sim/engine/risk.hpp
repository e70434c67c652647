// Risk tolerance: does a track's distribution of net payments fit what the ACO can bear, and which
// track should a risk-averse ACO choose? Pure functions of payment vectors and the run table, so
// they are testable on hand-made distributions (tests/test_risk.cpp). Docs: docs/sweeps-and-risk.md.
//
// Three independent ways to state a risk appetite (any combination):
//   max_loss + confidence   "no more than (1 - confidence) chance of owing more than max_loss":
//                           fits when P(L > max_loss) <= 1 - confidence, L = max(0, -payment);
//   max_es                  expected shortfall limit: the mean of the worst (1 - confidence) share
//                           of runs' losses must not exceed max_es [USD];
//   risk_aversion a         exponential utility u(x) = -exp(-a x) [a in 1/USD]; the certainty
//                           equivalent CE = -(1/a) ln E[exp(-a X)] is the sure payment the ACO
//                           would value as much as the gamble (a = 0: CE = mean).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/engine/results.hpp"

namespace CLI {
class App;
}

namespace acosim {

class Reader;

struct RiskAppetite {
  std::optional<double> max_loss;       // [USD > 0]
  double confidence = 0.95;             // [fraction in (0, 1)]; also the ES level
  std::optional<double> max_es;         // [USD >= 0]
  std::optional<double> risk_aversion;  // a [1/USD >= 0]
  bool any() const { return max_loss || max_es || risk_aversion; }
};

// The `risk:` section: {max_loss, confidence, max_es, risk_aversion | risk_tolerance}; amounts in
// USD (2e6, 2000000), confidence as 0.95 or 95%, risk_tolerance T = 1/a [USD]. Throws InputError
// naming file:line and key on a bad value.
RiskAppetite parse_risk(const YAML::Node& node, const Reader& rd);

// The `risk:` section of a scenario's YAML text (e.g. ResultMetadata::scenario_text); empty when
// the text has none. Throws InputError when the section is invalid.
std::optional<RiskAppetite> risk_from_scenario_text(const std::string& yaml_text,
                                                    const std::string& origin);

// Command-line flags --max-loss, --confidence, --max-es, --risk-aversion, --risk-tolerance.
struct RiskFlags {
  std::optional<double> max_loss, confidence, max_es, risk_aversion, risk_tolerance;
  bool any() const { return max_loss || confidence || max_es || risk_aversion || risk_tolerance; }
};
void add_risk_flags(CLI::App& cmd, RiskFlags& flags);
// The flags over `base` (the scenario's section, if any); throws InputError on contradictions.
std::optional<RiskAppetite> merge_risk(const std::optional<RiskAppetite>& base, const RiskFlags& flags);

// ---- pure statistics of one payment vector x [USD] (+ paid to the ACO, - owed) ----

// P(L > threshold), L = max(0, -x): the share of runs owing strictly more than `threshold`.
double exceedance_probability(std::span<const double> x, double threshold);
// Mean of the k = max(1, ceil((1 - level) n)) largest losses (sim/engine/statistics.cpp's definition).
double expected_shortfall(std::span<const double> x, double level);
// Certainty equivalent under exponential utility with aversion a [1/USD]; a = 0 gives the mean.
// Computed with a log-sum-exp shift and expm1/log1p, so it neither overflows for large a|x| nor
// loses precision for tiny a.
double certainty_equivalent(std::span<const double> x, double a);

// One track judged against an appetite.
struct TrackRisk {
  std::string label;
  double mean = 0;           // [USD]
  double p_exceed = 0;       // P(L > max_loss) (0 when no max_loss)
  double p_exceed_se = 0;    // binomial MC standard error
  double var = 0;            // VaR at `confidence`: percentile of L [USD]
  double es = 0;             // ES at `confidence` [USD]
  double ce = 0;             // certainty equivalent (= mean when no risk_aversion) [USD]
  bool fits_loss = true, fits_es = true;
  bool borderline = false;   // a limit is within 2 MC standard errors of being crossed
  bool fits() const { return fits_loss && fits_es; }
};

struct RiskVerdict {
  RiskAppetite appetite;
  std::vector<TrackRisk> tracks;  // table column order
  std::vector<int> ranking;       // indices into tracks: fitting tracks first, each group by CE
                                  // (mean when no risk_aversion), best first
  std::string recommendation;     // plain words: the choice and the trade-off
};

TrackRisk assess_track(std::span<const double> x, const std::string& label, const RiskAppetite& a);
// Every track of the table (completed runs only).
RiskVerdict assess_risk(const RunTable& table, const RiskAppetite& a);
// From already-assessed tracks (ranking + recommendation).
RiskVerdict rank_tracks(std::vector<TrackRisk> tracks, const RiskAppetite& a);

// "no more than 5% chance of owing more than $2.00M; expected shortfall (worst 5%) at most ...".
std::string describe_appetite(const RiskAppetite& a);

}  // namespace acosim
