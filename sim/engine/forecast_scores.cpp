#include "sim/engine/forecast_scores.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include <boost/math/special_functions/gamma.hpp>

namespace acosim {

MeanSe mean_se(std::span<const double> v) {
  MeanSe r;
  r.n = static_cast<long>(v.size());
  if (v.empty()) return r;
  double sum = 0;
  for (double x : v) sum += x;
  r.mean = sum / static_cast<double>(v.size());
  if (v.size() > 1) {
    double ss = 0;
    for (double x : v) ss += (x - r.mean) * (x - r.mean);
    r.se = std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
  }
  return r;
}

double pit_sample(std::span<const double> sorted, double y) {
  if (sorted.empty()) throw std::invalid_argument("pit_sample: empty sample");
  const auto lo = std::lower_bound(sorted.begin(), sorted.end(), y);
  const auto hi = std::upper_bound(lo, sorted.end(), y);
  const double below = static_cast<double>(lo - sorted.begin()), ties = static_cast<double>(hi - lo);
  return (below + 0.5 * ties) / static_cast<double>(sorted.size());
}

double crps_sample(std::span<const double> sorted, double y) {
  if (sorted.empty()) throw std::invalid_argument("crps_sample: empty sample");
  const double n = static_cast<double>(sorted.size());
  double abs_sum = 0, spread = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    abs_sum += std::fabs(sorted[i] - y);
    spread += (2.0 * static_cast<double>(i + 1) - n - 1.0) * sorted[i];
  }
  return abs_sum / n - spread / (n * n);
}

double crps_normal(double mu, double sigma, double y) {
  if (!(sigma > 0)) throw std::invalid_argument("crps_normal: sigma must be positive");
  const double z = (y - mu) / sigma;
  const double cdf = 0.5 * std::erfc(-z / std::numbers::sqrt2);
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
  return sigma * (z * (2.0 * cdf - 1.0) + 2.0 * pdf - 1.0 / std::sqrt(std::numbers::pi));
}

MeanSe coverage(std::span<const double> pits, double level) {
  MeanSe r;
  r.n = static_cast<long>(pits.size());
  if (pits.empty()) return r;
  const double lo = 0.5 * (1.0 - level), hi = 0.5 * (1.0 + level);
  long in = 0;
  for (double u : pits) in += (u >= lo && u <= hi) ? 1 : 0;
  r.mean = static_cast<double>(in) / static_cast<double>(r.n);
  r.se = std::sqrt(r.mean * (1.0 - r.mean) / static_cast<double>(r.n));
  return r;
}

namespace {
std::size_t bin_of(double u, int bins) {
  const long k = static_cast<long>(std::floor(u * bins));
  return static_cast<std::size_t>(std::clamp(k, 0L, static_cast<long>(bins) - 1));
}
}  // namespace

PitHistogram pit_histogram(std::span<const double> pits, int bins) {
  if (bins < 2) throw std::invalid_argument("pit_histogram: at least 2 bins");
  PitHistogram h;
  h.counts.assign(static_cast<std::size_t>(bins), 0);
  for (double u : pits) ++h.counts[bin_of(u, bins)];
  h.degrees_of_freedom = bins - 1;
  if (pits.empty()) return h;
  const double expected = static_cast<double>(pits.size()) / bins;
  for (long c : h.counts)
    h.chi_square += (static_cast<double>(c) - expected) * (static_cast<double>(c) - expected) / expected;
  h.p_value = boost::math::gamma_q(0.5 * h.degrees_of_freedom, 0.5 * h.chi_square);
  return h;
}

MeanSe brier(std::span<const double> p, std::span<const double> o) {
  if (p.size() != o.size()) throw std::invalid_argument("brier: forecasts and outcomes differ in length");
  std::vector<double> sq(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) sq[i] = (p[i] - o[i]) * (p[i] - o[i]);
  return mean_se(sq);
}

MeanSe paired_difference(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) throw std::invalid_argument("paired_difference: lengths differ");
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return mean_se(d);
}

std::vector<ReliabilityBin> reliability(std::span<const double> p, std::span<const double> o, int bins) {
  if (p.size() != o.size())
    throw std::invalid_argument("reliability: forecasts and outcomes differ in length");
  if (bins < 1) throw std::invalid_argument("reliability: at least 1 bin");
  std::vector<ReliabilityBin> t(static_cast<std::size_t>(bins));
  for (int k = 0; k < bins; ++k) {
    t[static_cast<std::size_t>(k)].lo = static_cast<double>(k) / bins;
    t[static_cast<std::size_t>(k)].hi = static_cast<double>(k + 1) / bins;
  }
  for (std::size_t i = 0; i < p.size(); ++i) {
    ReliabilityBin& b = t[bin_of(p[i], bins)];
    ++b.n;
    b.mean_forecast += p[i];
    b.observed += o[i];
  }
  for (ReliabilityBin& b : t) {
    if (b.n == 0) continue;
    const double n = static_cast<double>(b.n);
    b.mean_forecast /= n;
    b.observed /= n;
    b.observed_se = std::sqrt(b.observed * (1.0 - b.observed) / n);
  }
  return t;
}

}  // namespace acosim
