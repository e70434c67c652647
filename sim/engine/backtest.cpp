#include "sim/engine/backtest.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>

#include "sim/common/error.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/statistics.hpp"

namespace acosim {

namespace {
// Numbers one ACO's forecast leaves on its rank (exchanged under MPI): pit, q05..q95, crps,
// p_savings, p_losses, mean, sd.
constexpr int kRowWidth = 11;
}  // namespace

double baseline_variance(const std::vector<BacktestCase>& cases, const CalibrationDefaults& c) {
  if (cases.empty()) return 0;
  double sum = 0;
  for (const BacktestCase& x : cases) {
    const double d = x.realized_savings_rate - x.savings_rate_a;
    sum += d * d - 2.0 * c.k_baseline * c.k_baseline / x.person_years_a;
  }
  return std::max(0.0, sum / static_cast<double>(cases.size()));
}

BacktestSummary summarize_backtest(std::vector<BacktestRow>& rows, double base_savings_a,
                                   double base_losses_a) {
  BacktestSummary s;
  const std::size_t n = rows.size();
  if (n == 0) return s;
  // Size quartiles by N_AB in year A: rank r of n goes to quartile floor(4 r / n) + 1 (ties by ACO_ID order).
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return rows[i].n_ab < rows[j].n_ab; });
  for (std::size_t r = 0; r < n; ++r) rows[order[r]].size_quartile = static_cast<int>(4 * r / n) + 1;
  s.quartile_bounds[0] = rows[order.front()].n_ab;
  for (int q = 1; q < 4; ++q)
    s.quartile_bounds[static_cast<std::size_t>(q)] = rows[order[static_cast<std::size_t>(q) * n / 4]].n_ab;
  s.quartile_bounds[4] = rows[order.back()].n_ab;

  std::vector<double> pit, crps, crps0, ps, os, pl, ol;
  std::array<std::vector<double>, 4> pit_q;
  for (const BacktestRow& r : rows) {
    pit.push_back(r.pit);
    pit_q[static_cast<std::size_t>(r.size_quartile - 1)].push_back(r.pit);
    crps.push_back(r.crps);
    crps0.push_back(r.crps_baseline);
    ps.push_back(r.p_savings);
    os.push_back(r.earned_savings);
    pl.push_back(r.p_losses);
    ol.push_back(r.owed_losses);
  }
  for (std::size_t k = 0; k < BacktestSummary::kLevels.size(); ++k) {
    s.coverage[k] = coverage(pit, BacktestSummary::kLevels[k]);
    for (std::size_t q = 0; q < 4; ++q)
      s.coverage_by_quartile[q][k] = coverage(pit_q[q], BacktestSummary::kLevels[k]);
  }
  s.pit = pit_histogram(pit, 10);
  s.crps = mean_se(crps);
  s.crps_baseline = mean_se(crps0);
  s.crps_difference = paired_difference(crps, crps0);

  const auto rate = [](const std::vector<double>& o) {
    return std::accumulate(o.begin(), o.end(), 0.0) / static_cast<double>(o.size());
  };
  s.base_rate_savings_a = base_savings_a;
  s.base_rate_savings_b = rate(os);
  s.base_rate_losses_a = base_losses_a;
  s.base_rate_losses_b = rate(ol);
  const auto scores = [&](const std::vector<double>& p, const std::vector<double>& o, double base_a,
                          double base_b, MeanSe& model, MeanSe& ref_a, MeanSe& ref_b, MeanSe& gain_a,
                          MeanSe& gain_b) {
    const std::vector<double> ca(p.size(), base_a), cb(p.size(), base_b);
    model = brier(p, o);
    ref_a = brier(ca, o);
    ref_b = brier(cb, o);
    std::vector<double> sm(p.size()), sa(p.size()), sb(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
      sm[i] = (p[i] - o[i]) * (p[i] - o[i]);
      sa[i] = (base_a - o[i]) * (base_a - o[i]);
      sb[i] = (base_b - o[i]) * (base_b - o[i]);
    }
    gain_a = paired_difference(sm, sa);
    gain_b = paired_difference(sm, sb);
  };
  scores(ps, os, base_savings_a, s.base_rate_savings_b, s.brier_savings, s.brier_savings_base_a,
         s.brier_savings_base_b, s.brier_savings_gain_a, s.brier_savings_gain_b);
  scores(pl, ol, base_losses_a, s.base_rate_losses_b, s.brier_losses, s.brier_losses_base_a,
         s.brier_losses_base_b, s.brier_losses_gain_a, s.brier_losses_gain_b);
  s.reliability_savings = reliability(ps, os, 10);
  s.reliability_losses = reliability(pl, ol, 10);
  return s;
}

namespace {

// Simulates one ACO's runs in order and writes its kRowWidth numbers to `row`.
void forecast_case(const SimulationModel& model, double realized, double* row) {
  const Scenario& s = model.scenario();
  RunTable t = make_table(s);
  for (long r = 0; r < s.runs; ++r) t.store(r, sample_run(model, s.seed, static_cast<std::uint64_t>(r)));
  settle_runs(s, t);
  std::vector<double> rate(static_cast<std::size_t>(s.runs));
  double paid = 0, owed = 0;
  for (long r = 0; r < s.runs; ++r) {
    rate[static_cast<std::size_t>(r)] = (t.benchmark(r) - t.expenditure(r)) / t.benchmark(r);
    paid += t.payment(r, 0) > 0 ? 1 : 0;
    owed += t.payment(r, 0) < 0 ? 1 : 0;
  }
  std::sort(rate.begin(), rate.end());
  row[0] = pit_sample(rate, realized);
  row[1] = percentile_sorted(rate, 5);
  row[2] = percentile_sorted(rate, 25);
  row[3] = percentile_sorted(rate, 50);
  row[4] = percentile_sorted(rate, 75);
  row[5] = percentile_sorted(rate, 95);
  row[6] = crps_sample(rate, realized);
  row[7] = paid / static_cast<double>(s.runs);
  row[8] = owed / static_cast<double>(s.runs);
  const MeanSe m = mean_se(rate);
  row[9] = m.mean;
  row[10] = m.se * std::sqrt(static_cast<double>(m.n));
}

// The case's scored row from its forecast numbers and the persistence baseline
// Normal(s_A, 2 k_b^2 / n_A + s^2).
BacktestRow scored_row(const BacktestCase& x, const double* row, double baseline_s2,
                       const CalibrationDefaults& c) {
  BacktestRow r;
  r.aco_id = x.aco_id;
  r.n_ab = x.n_ab;
  r.track_b = x.track_b;
  r.realized_savings_rate = x.realized_savings_rate;
  r.pit = row[0];
  r.q05 = row[1];
  r.q25 = row[2];
  r.q50 = row[3];
  r.q75 = row[4];
  r.q95 = row[5];
  r.crps = row[6];
  r.p_savings = row[7];
  r.p_losses = row[8];
  r.forecast_mean = row[9];
  r.forecast_sd = row[10];
  r.earned_savings = x.earned_savings;
  r.owed_losses = x.owed_losses;
  r.savings_rate_a = x.savings_rate_a;
  r.person_years_a = x.person_years_a;
  r.baseline_sd = std::sqrt(2.0 * c.k_baseline * c.k_baseline / x.person_years_a + baseline_s2);
  r.crps_baseline = crps_normal(x.savings_rate_a, r.baseline_sd, x.realized_savings_rate);
  return r;
}

}  // namespace

BacktestResult run_backtest(const BacktestPlan& plan, const BacktestOptions& o) {
  BacktestResult res;
  static_cast<BacktestSetup&>(res) = plan;
  res.ranks = mpi::size();
  res.excluded = plan.excluded;
  res.baseline_s = std::sqrt(baseline_variance(plan.cases, plan.calibration));

  // Every model built (and validated) before the parallel loop.
  std::vector<std::unique_ptr<SimulationModel>> models;
  for (const BacktestCase& x : plan.cases) models.push_back(std::make_unique<SimulationModel>(x.scenario));

  const std::size_t n = plan.cases.size();
  std::vector<double> out(n * kRowWidth, 0.0);
  std::vector<long> todo(n);
  std::iota(todo.begin(), todo.end(), 0L);
  const int threads = resolve_threads(o.threads, 0);
  RunOptions ro;
  ro.threads = threads;
  ro.progress = o.progress;
  ro.stop = o.stop;
  const auto start = std::chrono::steady_clock::now();
  split_runs(
      todo, threads, ro, kRowWidth,
      [&](long k) {
        const auto i = static_cast<std::size_t>(k);
        forecast_case(*models[i], plan.cases[i].realized_savings_rate, &out[i * kRowWidth]);
      },
      [&](long k, double* row) {
        std::copy_n(&out[static_cast<std::size_t>(k) * kRowWidth], kRowWidth, row);
      },
      [&](const double* row, long k) {
        std::copy_n(row, kRowWidth, &out[static_cast<std::size_t>(k) * kRowWidth]);
      });
  res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  res.threads = threads;
  if (o.stop && o.stop->load()) throw InputError("backtest interrupted; nothing written");

  const double s2 = res.baseline_s * res.baseline_s;
  for (std::size_t k = 0; k < n; ++k)
    res.rows.push_back(scored_row(plan.cases[k], &out[k * kRowWidth], s2, plan.calibration));
  res.summary = summarize_backtest(res.rows, plan.base_rate_savings_a, plan.base_rate_losses_a);
  return res;
}

}  // namespace acosim
