#include "sim/engine/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "models/settle.hpp"

namespace acosim {

double percentile_sorted(std::span<const double> sorted, double p) {
  if (sorted.empty()) throw std::invalid_argument("percentile of an empty sample");
  const double h = (static_cast<double>(sorted.size()) - 1.0) * p / 100.0;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double expected_shortfall_sorted(std::span<const double> losses_sorted, double level) {
  const std::size_t n = losses_sorted.size();
  if (n == 0) return 0;
  const auto k = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::ceil((1.0 - level) * static_cast<double>(n) - 1e-9)));
  double sum = 0;
  for (std::size_t i = n - k; i < n; ++i) sum += losses_sorted[i];
  return sum / static_cast<double>(k);
}

double expected_shortfall(std::span<const double> x, double level) {
  std::vector<double> losses(x.size());
  std::transform(x.begin(), x.end(), losses.begin(), [](double v) { return std::max(0.0, -v); });
  std::sort(losses.begin(), losses.end());
  return expected_shortfall_sorted(losses, level);
}

namespace {

// VaR and ES of L = max(0, -x) at level a [fraction], from L sorted ascending.
void tail_risk(const std::vector<double>& losses_sorted, double a, double& var, double& es) {
  var = percentile_sorted(losses_sorted, 100.0 * a);
  es = expected_shortfall_sorted(losses_sorted, a);
}

}  // namespace

double binomial_se(double p, double runs) {
  return runs > 1 ? std::sqrt(p * (1 - p) / runs) : std::numeric_limits<double>::quiet_NaN();
}

Stats compute_stats(std::span<const double> values) {
  Stats s;
  const std::size_t n = values.size();
  if (n == 0) return s;
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / static_cast<double>(n);
  double ss = 0;
  for (double v : values) ss += (v - s.mean) * (v - s.mean);
  s.sd = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0.0;
  // One run has no spread to estimate: its Monte Carlo error is undefined (NaN, "n/a"), not 0.
  s.mcse = n > 1 ? s.sd / std::sqrt(static_cast<double>(n)) : std::numeric_limits<double>::quiet_NaN();

  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < kPercentileLevels.size(); ++i) {
    s.percentiles[i] = percentile_sorted(sorted, kPercentileLevels[i]);
  }
  s.min = sorted.front();
  s.max = sorted.back();

  std::vector<double> losses(n);
  for (std::size_t i = 0; i < n; ++i) losses[i] = std::max(0.0, -sorted[n - 1 - i]);
  // losses is ascending because sorted is ascending and we read it backwards with a sign flip.
  tail_risk(losses, 0.95, s.var95, s.es95);
  tail_risk(losses, 0.99, s.var99, s.es99);
  return s;
}

void summarize(SimulationResults& results) {
  const RunTable& t = results.table;
  const long n_tracks = static_cast<long>(t.tracks.size());
  results.tracks.clear();
  results.pairs.clear();
  // Completed runs only, in index order.
  std::vector<long> rows;
  for (long i = 0; i < t.runs(); ++i) {
    if (t.done(i)) rows.push_back(i);
  }
  const long runs = static_cast<long>(rows.size());
  if (runs == 0) return;
  const double r = static_cast<double>(runs);
  std::vector<double> dollars(static_cast<std::size_t>(runs)), percent(dollars.size());

  auto fill = [&](auto&& value) {
    for (long j = 0; j < runs; ++j) {
      const long i = rows[static_cast<std::size_t>(j)];
      const double v = value(i);
      dollars[static_cast<std::size_t>(j)] = v;
      percent[static_cast<std::size_t>(j)] = 100.0 * v / t.benchmark(i);
    }
  };

  for (long k = 0; k < n_tracks; ++k) {
    TrackSummary s;
    s.label = t.tracks[static_cast<std::size_t>(k)];
    fill([&](long i) { return t.payment(i, k); });
    s.dollars = compute_stats(dollars);
    s.percent = compute_stats(percent);
    long savings = 0, losses = 0, corridor = 0, quality_failed = 0;
    for (const long i : rows) {
      switch (static_cast<Outcome>(t.outcome(i, k))) {
        case Outcome::SharedSavings: ++savings; break;
        case Outcome::SharedLosses: ++losses; break;
        case Outcome::BelowMsr:
        case Outcome::BelowMlr:
        case Outcome::GuardrailNeutral: ++corridor; break;  // nothing settled (425.652(b)(5)(ii))
        case Outcome::QualityFailed: ++quality_failed; break;
      }
    }
    // A shared-savings outcome can round to zero only if G x FSR is 0, which settle() excludes.
    s.p_savings = static_cast<double>(savings) / r;
    s.p_losses = static_cast<double>(losses) / r;
    s.p_corridor = static_cast<double>(corridor) / r;
    s.p_quality_failed = static_cast<double>(quality_failed) / r;
    s.p_savings_se = binomial_se(s.p_savings, r);
    s.p_losses_se = binomial_se(s.p_losses, r);
    results.tracks.push_back(std::move(s));
  }

  for (long a = 0; a < n_tracks; ++a) {
    for (long b = a + 1; b < n_tracks; ++b) {
      PairSummary p;
      p.a = t.tracks[static_cast<std::size_t>(a)];
      p.b = t.tracks[static_cast<std::size_t>(b)];
      p.index_a = static_cast<int>(a);
      p.index_b = static_cast<int>(b);
      fill([&](long i) { return t.payment(i, a) - t.payment(i, b); });
      p.dollars = compute_stats(dollars);
      p.percent = compute_stats(percent);
      long better = 0, equal = 0;
      for (const long i : rows) {
        better += t.payment(i, a) > t.payment(i, b);
        equal += t.payment(i, a) == t.payment(i, b);
      }
      p.p_a_better = static_cast<double>(better) / r;
      p.p_equal = static_cast<double>(equal) / r;
      results.pairs.push_back(std::move(p));
    }
  }
}

void RunTable::resize(long runs, long n_tracks) {
  payment = Eigen::MatrixXd::Zero(runs, n_tracks);
  outcome = Eigen::Matrix<OutcomeCode, Eigen::Dynamic, Eigen::Dynamic>::Zero(runs, n_tracks);
  for (const RunField& f : kRunFields) {
    if (f.real)
      this->*f.real = Eigen::VectorXd::Zero(runs);
    else
      this->*f.flag = FlagColumn::Zero(runs);
  }
}

}  // namespace acosim
