#include "sim/engine/uncertainty.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "sim/engine/statistics.hpp"

namespace acosim {

Interval quantile_interval(std::span<const double> sorted, double p, double z) {
  const auto n = static_cast<double>(sorted.size());
  if (sorted.empty()) return {NAN, NAN};
  const double half = z * std::sqrt(n * p * (1 - p));
  // 1-based ranks r = ceil(n p - half) and s = ceil(n p + half) (Conover 3.2), clamped to 1..n.
  const auto at = [&](double rank) { return sorted[static_cast<std::size_t>(std::clamp(rank, 1.0, n) - 1)]; };
  return {at(std::ceil(n * p - half)), at(std::ceil(n * p + half))};
}

Interval es_interval(std::span<const double> sorted_losses, double level, double es, double var, double z) {
  const auto n = static_cast<double>(sorted_losses.size());
  if (sorted_losses.empty()) return {NAN, NAN};
  // The tail the ES averages: the ceil((1 - level) n) largest losses (statistics.cpp).
  const auto k = static_cast<std::size_t>(std::max(1.0, std::ceil((1 - level) * n - 1e-9)));
  const auto tail = sorted_losses.subspan(sorted_losses.size() - std::min(k, sorted_losses.size()));
  double ss = 0;
  for (double x : tail) ss += (x - es) * (x - es);
  const double tail_var = tail.size() > 1 ? ss / static_cast<double>(tail.size() - 1) : 0.0;
  const double v = (tail_var + level * (es - var) * (es - var)) / (n * (1 - level));
  const double half = z * std::sqrt(v);
  return {std::max(0.0, es - half), es + half};
}

namespace {

std::vector<long> completed_rows(const RunTable& t) {
  std::vector<long> rows;
  for (long i = 0; i < t.runs(); ++i) {
    if (t.done(i)) rows.push_back(i);
  }
  return rows;
}

// Average ranks (1-based) of x; ties share the mean of their ranks.
std::vector<double> ranks(std::span<const double> x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double mean_rank = 0.5 * static_cast<double>(i + j) + 1;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = mean_rank;
    i = j + 1;
  }
  return r;
}

}  // namespace

double rank_correlation(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) return 0;
  const std::vector<double> rx = ranks(x), ry = ranks(y);
  const double m = 0.5 * static_cast<double>(x.size() + 1);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - m) * (ry[i] - m);
    sxx += (rx[i] - m) * (rx[i] - m);
    syy += (ry[i] - m) * (ry[i] - m);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

std::vector<TrackIntervals> track_intervals(const RunTable& t) {
  const std::vector<long> rows = completed_rows(t);
  std::vector<TrackIntervals> out(t.tracks.size());
  if (rows.empty()) return out;
  for (std::size_t k = 0; k < t.tracks.size(); ++k) {
    std::vector<double> x, loss;
    for (long i : rows) {
      const double v = t.payment(i, static_cast<long>(k));
      x.push_back(v);
      loss.push_back(std::max(0.0, -v));
    }
    std::sort(x.begin(), x.end());
    std::sort(loss.begin(), loss.end());
    const Stats s = compute_stats(x);
    TrackIntervals& c = out[k];
    for (std::size_t j = 0; j < kPercentileLevels.size(); ++j)
      c.percentiles[j] = quantile_interval(x, kPercentileLevels[j] / 100);
    c.var95 = quantile_interval(loss, 0.95);
    c.var99 = quantile_interval(loss, 0.99);
    c.es95 = es_interval(loss, 0.95, s.es95, s.var95);
    c.es99 = es_interval(loss, 0.99, s.es99, s.var99);
  }
  return out;
}

Sensitivity payment_sensitivity(const RunTable& t) {
  const std::vector<long> rows = completed_rows(t);
  const auto n_tracks = static_cast<long>(t.tracks.size());
  Sensitivity s;
  s.rank_correlation = Eigen::MatrixXd::Zero(static_cast<long>(kDrivers.size()), n_tracks);
  s.variance_share = s.rank_correlation;
  std::array<std::vector<double>, kDrivers.size()> drivers;
  for (long i : rows) {
    drivers[0].push_back(t.true_effect(i));
    drivers[1].push_back(t.benchmark_factor(i));
    drivers[2].push_back(t.quality(i));
    drivers[3].push_back(t.expenditure(i) * t.benchmark_factor(i) /
                         (t.benchmark(i) * (1 + t.true_effect(i))));
  }
  for (std::size_t d = 0; d < kDrivers.size(); ++d) {
    const auto [lo, hi] = std::minmax_element(drivers[d].begin(), drivers[d].end());
    s.varies[d] = lo != drivers[d].end() && *lo != *hi;
  }
  for (long k = 0; k < n_tracks; ++k) {
    std::vector<double> pay;
    for (long i : rows) pay.push_back(t.payment(i, k));
    double total = 0;
    for (std::size_t d = 0; d < kDrivers.size(); ++d) {
      const double rho = s.varies[d] ? rank_correlation(drivers[d], pay) : 0.0;
      s.rank_correlation(static_cast<long>(d), k) = rho;
      total += rho * rho;
    }
    for (std::size_t d = 0; d < kDrivers.size() && total > 0; ++d) {
      const double rho = s.rank_correlation(static_cast<long>(d), k);
      s.variance_share(static_cast<long>(d), k) = rho * rho / total;
    }
  }
  return s;
}

}  // namespace acosim
