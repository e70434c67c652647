// How sure the reported figures are, and what drives them, from one run table (no re-running):
// 95% confidence intervals of the payment percentiles, VaR and ES, and per-run drivers' rank
// correlations with each track's payment and their share of its variance (an @RISK-style
// tornado). Pure functions of the completed runs.
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "sim/engine/results.hpp"

namespace acosim {

struct Interval {
  double lo = 0, hi = 0;
};

// Two-sided 95% normal quantile.
inline constexpr double kZ95 = 1.959963984540054;

// Distribution-free CI of the p-quantile (p in [0, 1]) from sorted values: the order statistics of
// ranks n p -/+ z sqrt(n p (1 - p)) (normal approximation of the binomial count of values below
// the quantile; Conover, Practical Nonparametric Statistics, 3.2), clamped to the sample.
Interval quantile_interval(std::span<const double> sorted, double p, double z = kZ95);

// CI of the expected shortfall ES at `level` of losses L (sorted ascending), delta method
// (Manistre & Hancock 2005, "Variance of the CTE estimator"): Var(ES) ~ [Var(L | L >= VaR)
// + level (ES - VaR)^2] / (n (1 - level)); the interval is ES -/+ z sqrt(Var), floored at 0.
Interval es_interval(std::span<const double> sorted_losses, double level, double es, double var,
                     double z = kZ95);

// Per track, in USD: the CIs of the percentiles at kPercentileLevels, of VaR95/99 and ES95/99
// (losses L = max(0, -payment), as in Stats).
struct TrackIntervals {
  std::array<Interval, kPercentileLevels.size()> percentiles{};
  Interval var95, var99, es95, es99;
};
std::vector<TrackIntervals> track_intervals(const RunTable& t);

// The per-run drivers the results file stores, and one derived from them: the claims noise
// (spending against its benchmark base, with the true effect and trend taken out:
// E x factor / (B x (1 + effect))), the part of the outcome the beneficiaries' costs decide.
struct Driver {
  const char* key;    // HDF5 / CSV name
  const char* label;  // plain words
};
inline constexpr std::array<Driver, 4> kDrivers = {{
    {"true_effect", "True effect"},
    {"benchmark_factor", "Benchmark trend"},
    {"quality", "Quality score"},
    {"claims_noise", "Claims noise"},
}};

struct Sensitivity {
  // drivers x tracks. Spearman rank correlation (average ranks for ties) of the driver with the
  // track's payment; 0 for a driver that does not vary. Variance share: rho^2 / sum over drivers
  // of rho^2 (the contribution-to-variance convention of @RISK), 0 when no driver correlates.
  Eigen::MatrixXd rank_correlation;
  Eigen::MatrixXd variance_share;
  std::array<bool, kDrivers.size()> varies{};  // false: the driver is fixed in this scenario
};
Sensitivity payment_sensitivity(const RunTable& t);

// Spearman's rho of two equally long samples (average ranks for ties); 0 when either is constant.
double rank_correlation(std::span<const double> x, std::span<const double> y);

}  // namespace acosim
