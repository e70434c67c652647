// Risk tolerance: does a track's distribution of net payments fit what the ACO can bear, and which
// track should a risk-averse ACO choose? Pure functions of payment vectors and the run table, so
// they are testable on hand-made distributions (tests/test_risk.cpp). Numbers only: the verdict's
// plain words are sim/output/verdict_text.hpp. Docs: docs/sweeps-and-risk.md.
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

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/engine/results.hpp"
#include "sim/engine/risk_appetite.hpp"
#include "sim/engine/statistics.hpp"

namespace acosim {

// ---- pure statistics of one payment vector x [USD] (+ paid to the ACO, - owed) ----

// P(L > threshold), L = max(0, -x): the share of runs owing strictly more than `threshold`.
double exceedance_probability(std::span<const double> x, double threshold);
// expected_shortfall(x, level): sim/engine/statistics.hpp (one definition, also the reports' ES).
// Certainty equivalent under exponential utility with aversion a [1/USD]; a = 0 gives the mean.
// Computed with a log-sum-exp shift and expm1/log1p, so it neither overflows for large a|x| nor
// loses precision for tiny a.
double certainty_equivalent(std::span<const double> x, double a);

// Which limits of the appetite a track breaks (bit set).
enum class RiskBreach : std::uint8_t {
  None = 0,
  Loss = 1,       // P(owe more than max_loss) above 1 - confidence
  Shortfall = 2,  // expected shortfall above max_es
  Both = 3
};

// One track judged against an appetite.
struct TrackRisk {
  std::string label;
  double mean = 0;         // [USD]
  double p_exceed = 0;     // P(L > max_loss) (0 when no max_loss)
  double p_exceed_se = 0;  // binomial MC standard error
  double var = 0;          // VaR at `confidence`: percentile of L [USD]
  double es = 0;           // ES at `confidence` [USD]
  double ce = 0;           // certainty equivalent (= mean when no risk_aversion) [USD]
  bool fits_loss = true, fits_es = true;
  bool borderline = false;  // a limit is within 2 MC standard errors of being crossed
  bool fits() const { return fits_loss && fits_es; }
  RiskBreach breach() const { return static_cast<RiskBreach>((fits_loss ? 0 : 1) | (fits_es ? 0 : 2)); }
};

// Whether some track fits the appetite.
enum class RiskOutcome : std::uint8_t {
  NoTracks,  // nothing to judge
  Fits,      // `chosen` is the best of the tracks that fit
  NoneFits   // no track fits; `chosen` is the one closest to the limits
};

struct RiskVerdict {
  RiskAppetite appetite;
  std::vector<TrackRisk> tracks;  // table column order
  std::vector<int> ranking;       // indices into tracks: fitting tracks first, each group by CE
                                  // (mean when no risk_aversion), best first
  RiskOutcome outcome = RiskOutcome::NoTracks;
  int chosen = -1;              // index into tracks (see RiskOutcome); -1 when NoTracks
  int n_fit = 0;                // tracks that fit
  std::vector<int> richer;      // Fits: up to 3 tracks paying more on average than `chosen`,
                                // highest mean first (the trade-off)
  std::vector<int> borderline;  // tracks within Monte Carlo error of a limit, ranking order
  bool uses_ce() const { return appetite.risk_aversion && *appetite.risk_aversion > 0; }
};

TrackRisk assess_track(std::span<const double> x, const std::string& label, const RiskAppetite& a);
// Every track of the table (completed runs only).
RiskVerdict assess_risk(const RunTable& table, const RiskAppetite& a);
// From already-assessed tracks: ranking, outcome, choice and trade-offs.
RiskVerdict rank_tracks(std::vector<TrackRisk> tracks, const RiskAppetite& a);

}  // namespace acosim
