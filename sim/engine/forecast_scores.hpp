// Scores of probabilistic forecasts against what happened (acosim backtest, docs/backtest.md):
// the probability integral transform (PIT), central-interval coverage, the continuous ranked
// probability score (CRPS) of a Monte Carlo sample and of a Normal, Brier scores and reliability
// tables, each with its sampling standard error. Pure functions: no I/O.
//
// References: Gneiting & Raftery, "Strictly proper scoring rules, prediction, and estimation",
// JASA 102 (2007) (CRPS, its kernel form, the Normal closed form); Hersbach, Weather and
// Forecasting 15 (2000) (CRPS of an ensemble); Brier, Monthly Weather Review 78 (1950).
#pragma once

#include <array>
#include <span>
#include <vector>

namespace acosim {

// A mean over forecasts and its standard error sd / sqrt(n) (sd with the n - 1 denominator).
struct MeanSe {
  double mean = 0;
  double se = 0;
  long n = 0;
};
MeanSe mean_se(std::span<const double> values);

// PIT of y under the empirical distribution of `sorted`: (#{x < y} + #{x = y} / 2) / n, so a tie
// counts half (the mid-distribution function) [0-1].
double pit_sample(std::span<const double> sorted, double y);

// CRPS of the empirical distribution of `sorted` at y: E|X - y| - E|X - X'| / 2 with X, X' drawn
// from the sample, exactly: (1/n) sum |x_i - y| - (1/n^2) sum_i (2i - n - 1) x_(i), i = 1..n.
double crps_sample(std::span<const double> sorted, double y);

// CRPS of Normal(mu, sigma) at y: sigma [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)], z = (y - mu) / sigma.
double crps_normal(double mu, double sigma, double y);

// Share of forecasts whose central `level` interval holds the outcome: PIT in
// [(1 - level)/2, (1 + level)/2]; SE sqrt(p (1 - p) / n) (binomial).
MeanSe coverage(std::span<const double> pits, double level);

// PIT histogram with `bins` equal bins on [0, 1] (a PIT of exactly 1 goes in the last) and the
// Pearson chi-square statistic against the uniform: sum (O - n/bins)^2 / (n/bins), bins - 1
// degrees of freedom, and its p-value (upper tail of the chi-square distribution).
struct PitHistogram {
  std::vector<long> counts;
  double chi_square = 0;
  int degrees_of_freedom = 0;
  double p_value = 1;
};
PitHistogram pit_histogram(std::span<const double> pits, int bins = 10);

// Brier score mean (p - o)^2 of probabilities p against 0/1 outcomes o, with its SE.
MeanSe brier(std::span<const double> p, std::span<const double> outcome);

// Mean and SE of a paired difference a_i - b_i (e.g. CRPS of the model minus the baseline's).
MeanSe paired_difference(std::span<const double> a, std::span<const double> b);

// Reliability table: forecasts binned by probability into `bins` equal bins on [0, 1] (1 goes in
// the last); per bin the count, mean forecast and observed frequency with its binomial SE.
struct ReliabilityBin {
  double lo = 0, hi = 0;
  long n = 0;
  double mean_forecast = 0;
  double observed = 0;
  double observed_se = 0;
};
std::vector<ReliabilityBin> reliability(std::span<const double> p, std::span<const double> outcome,
                                        int bins = 10);

}  // namespace acosim
