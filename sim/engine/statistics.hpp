// Statistics over runs: moments with Monte Carlo standard errors, percentiles, probabilities,
// value at risk and expected shortfall (formulas in the comments, after QuantLib's
// riskstatistics.hpp). Pure functions of the run table.
#pragma once

#include <span>

#include "sim/engine/results.hpp"

namespace acosim {

// Percentile p [percent] of sorted values, linear interpolation between order statistics
// (Hyndman-Fan type 7, NumPy's default): h = (n-1) p/100, x[floor h] + (h - floor h)(x[ceil h] - x[floor h]).
double percentile_sorted(std::span<const double> sorted, double p);

// Expected shortfall at level a [fraction] of payments x [USD]: the mean of the
// k = max(1, ceil((1 - a) n)) largest losses L = max(0, -x), summed in ascending order. The one
// definition: Stats::es95/es99 and the risk verdict (sim/engine/risk.hpp) use it.
double expected_shortfall(std::span<const double> x, double level);
// The same from losses L already sorted ascending.
double expected_shortfall_sorted(std::span<const double> losses_sorted, double level);

// The binomial Monte Carlo standard error sqrt(p (1 - p) / runs) of a share p [fraction]; NaN
// (undefined, reported "n/a") for a single run.
double binomial_se(double p, double runs);

// mean, sd (n-1 denominator), mcse = sd/sqrt(n) (NaN for n = 1: undefined), percentiles at kPercentileLevels,
// min, max; for losses L = max(0, -x): VaR_a = percentile_a(L), ES_a = mean of the ceil((1-a) n) largest L.
// Values are summed in index order (the result does not depend on thread count).
Stats compute_stats(std::span<const double> values);

// Fills results.tracks and results.pairs from results.table.
void summarize(SimulationResults& results);

}  // namespace acosim
