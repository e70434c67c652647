#include "sim/engine/backtest.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/engine/statistics.hpp"

namespace acosim {

namespace {
// Numbers one ACO's forecast leaves on its rank (exchanged under MPI): pit, q05..q95, crps,
// p_savings, p_losses, mean, sd.
constexpr int kRowWidth = 11;
}  // namespace

std::vector<BacktestPair> match_years(const PufYear& a, const PufYear& b, std::vector<BacktestExclusion>& excluded) {
  std::map<std::string, const PufAcoYear*> in_b;
  for (const PufAcoYear& x : b.acos) in_b[x.id()] = &x;
  std::map<std::string, std::string> unusable_b;
  for (const auto& u : b.unusable) unusable_b[u.aco_id] = u.reason;
  std::vector<BacktestPair> pairs;
  for (const PufAcoYear& x : a.acos) {
    const auto it = in_b.find(x.id());
    if (it == in_b.end()) {
      const auto u = unusable_b.find(x.id());
      excluded.push_back({x.id(), u != unusable_b.end() ? fmt::format("PY{} row unusable: {}", b.py, u->second)
                                                        : fmt::format("not in the PY{} file", b.py)});
      continue;
    }
    if (it->second->start_date != x.start_date) {
      excluded.push_back({x.id(), fmt::format("a new agreement in PY{} (Current_Start_Date {} -> {})", b.py,
                                              x.start_date, it->second->start_date)});
      continue;
    }
    pairs.push_back({&x, it->second});
  }
  for (const auto& u : a.unusable) excluded.push_back({u.aco_id, fmt::format("PY{} row unusable: {}", a.py, u.reason)});
  std::sort(pairs.begin(), pairs.end(), [](const BacktestPair& p, const BacktestPair& q) { return p.a->id() < q.a->id(); });
  std::sort(excluded.begin(), excluded.end(),
            [](const BacktestExclusion& p, const BacktestExclusion& q) { return p.aco_id < q.aco_id; });
  return pairs;
}

double baseline_variance(const std::vector<BacktestPair>& pairs, const CalibrationDefaults& c) {
  if (pairs.empty()) return 0;
  double sum = 0;
  for (const BacktestPair& p : pairs) {
    const double d = p.b->savings_rate - p.a->savings_rate;
    sum += d * d - 2.0 * c.k_baseline * c.k_baseline / p.a->person_years;
  }
  return std::max(0.0, sum / static_cast<double>(pairs.size()));
}

BacktestSummary summarize_backtest(std::vector<BacktestRow>& rows, double base_savings_a, double base_losses_a) {
  BacktestSummary s;
  const std::size_t n = rows.size();
  if (n == 0) return s;
  // Size quartiles by N_AB in year A: rank r of n goes to quartile floor(4 r / n) + 1 (ties by ACO_ID order).
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return rows[i].n_ab < rows[j].n_ab; });
  for (std::size_t r = 0; r < n; ++r) rows[order[r]].size_quartile = static_cast<int>(4 * r / n) + 1;
  s.quartile_bounds[0] = rows[order.front()].n_ab;
  for (int q = 1; q < 4; ++q) s.quartile_bounds[static_cast<std::size_t>(q)] = rows[order[static_cast<std::size_t>(q) * n / 4]].n_ab;
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
    for (std::size_t q = 0; q < 4; ++q) s.coverage_by_quartile[q][k] = coverage(pit_q[q], BacktestSummary::kLevels[k]);
  }
  s.pit = pit_histogram(pit, 10);
  s.crps = mean_se(crps);
  s.crps_baseline = mean_se(crps0);
  s.crps_difference = paired_difference(crps, crps0);

  const auto rate = [](const std::vector<double>& o) { return std::accumulate(o.begin(), o.end(), 0.0) / static_cast<double>(o.size()); };
  s.base_rate_savings_a = base_savings_a;
  s.base_rate_savings_b = rate(os);
  s.base_rate_losses_a = base_losses_a;
  s.base_rate_losses_b = rate(ol);
  const auto scores = [&](const std::vector<double>& p, const std::vector<double>& o, double base_a, double base_b,
                          MeanSe& model, MeanSe& ref_a, MeanSe& ref_b, MeanSe& gain_a, MeanSe& gain_b) {
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
  scores(ps, os, base_savings_a, s.base_rate_savings_b, s.brier_savings, s.brier_savings_base_a, s.brier_savings_base_b,
         s.brier_savings_gain_a, s.brier_savings_gain_b);
  scores(pl, ol, base_losses_a, s.base_rate_losses_b, s.brier_losses, s.brier_losses_base_a, s.brier_losses_base_b,
         s.brier_losses_gain_a, s.brier_losses_gain_b);
  s.reliability_savings = reliability(ps, os, 10);
  s.reliability_losses = reliability(pl, ol, 10);
  return s;
}

BacktestResult run_backtest(const PufYear& a, const PufYear& b, const BacktestOptions& o, const CalibrationDefaults& c) {
  BacktestResult res;
  res.file_a = a.source;
  res.file_b = b.source;
  res.py_a = a.py;
  res.py_b = b.py;
  res.runs = o.runs;
  res.seed = o.seed;
  res.calibration = c;
  res.ranks = mpi::size();
  const std::vector<BacktestPair> pairs = match_years(a, b, res.excluded);
  if (pairs.empty()) {
    throw InputError(fmt::format("{} and {}: no ACO is in both files in the same agreement period (same ACO_ID and "
                                 "Current_Start_Date); allowed: results files of consecutive years",
                                 a.source, b.source));
  }
  res.baseline_s = std::sqrt(baseline_variance(pairs, c));

  // Every ACO's scenario exactly as `acosim init` writes it, with year B's track and election;
  // built (and validated) before the parallel loop.
  std::vector<std::unique_ptr<SimulationModel>> models;
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    InitSettings settings;
    settings.runs = o.runs;
    settings.seed = o.seed + k;
    const std::string text = scenario_yaml(*pairs[k].a, a, {track_as_reported(*pairs[k].b)}, settings, c);
    models.push_back(std::make_unique<SimulationModel>(parse_scenario(text, "backtest ACO " + pairs[k].a->id())));
  }

  const std::size_t n = pairs.size();
  std::vector<double> out(n * kRowWidth, 0.0);
  std::vector<long> todo(n);
  std::iota(todo.begin(), todo.end(), 0L);
  int threads = o.threads > 0 ? o.threads : omp_get_max_threads();
  RunOptions ro;
  ro.threads = threads;
  ro.progress = o.progress;
  ro.stop = o.stop;
  const auto start = std::chrono::steady_clock::now();
  split_runs(
      todo, threads, ro, kRowWidth,
      [&](long k) {
        const SimulationModel& model = *models[static_cast<std::size_t>(k)];
        const Scenario& s = model.scenario();
        RunTable t = make_table(s);
        for (long r = 0; r < s.runs; ++r) {  // this ACO's runs, in order, on this thread
          const RunSample x = sample_run(model, s.seed, static_cast<std::uint64_t>(r));
          t.benchmark(r) = x.benchmark;
          t.expenditure(r) = x.expenditure;
          t.true_effect(r) = x.true_effect;
          t.benchmark_factor(r) = x.benchmark_factor;
          t.quality(r) = x.quality;
          t.met_qps(r) = x.met_qps;
          t.met_alt_qps(r) = x.met_alt_qps;
          t.done(r) = 1;
        }
        settle_runs(s, t);
        std::vector<double> rate(static_cast<std::size_t>(s.runs));
        double paid = 0, owed = 0;
        for (long r = 0; r < s.runs; ++r) {
          rate[static_cast<std::size_t>(r)] = (t.benchmark(r) - t.expenditure(r)) / t.benchmark(r);
          paid += t.payment(r, 0) > 0 ? 1 : 0;
          owed += t.payment(r, 0) < 0 ? 1 : 0;
        }
        std::sort(rate.begin(), rate.end());
        const double y = pairs[static_cast<std::size_t>(k)].b->savings_rate;
        double* row = &out[static_cast<std::size_t>(k) * kRowWidth];
        row[0] = pit_sample(rate, y);
        row[1] = percentile_sorted(rate, 5);
        row[2] = percentile_sorted(rate, 25);
        row[3] = percentile_sorted(rate, 50);
        row[4] = percentile_sorted(rate, 75);
        row[5] = percentile_sorted(rate, 95);
        row[6] = crps_sample(rate, y);
        row[7] = paid / static_cast<double>(s.runs);
        row[8] = owed / static_cast<double>(s.runs);
        const MeanSe m = mean_se(rate);
        row[9] = m.mean;
        row[10] = m.se * std::sqrt(static_cast<double>(m.n));
      },
      [&](long k, double* row) { std::copy_n(&out[static_cast<std::size_t>(k) * kRowWidth], kRowWidth, row); },
      [&](const double* row, long k) { std::copy_n(row, kRowWidth, &out[static_cast<std::size_t>(k) * kRowWidth]); });
  res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  res.threads = threads;
  if (o.stop && o.stop->load()) throw InputError("backtest interrupted; nothing written");

  const double s2 = res.baseline_s * res.baseline_s;
  for (std::size_t k = 0; k < n; ++k) {
    const PufAcoYear& ya = *pairs[k].a;
    const PufAcoYear& yb = *pairs[k].b;
    const double* row = &out[k * kRowWidth];
    BacktestRow r;
    r.aco_id = ya.id();
    r.n_ab = ya.n_ab();
    r.track_b = yb.record.track->id;
    r.realized_savings_rate = yb.savings_rate;
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
    r.earned_savings = yb.record.cms_earned > 0 ? 1 : 0;
    r.owed_losses = yb.record.cms_earned < 0 ? 1 : 0;
    r.savings_rate_a = ya.savings_rate;
    r.person_years_a = ya.person_years;
    r.baseline_sd = std::sqrt(2.0 * c.k_baseline * c.k_baseline / ya.person_years + s2);
    r.crps_baseline = crps_normal(ya.savings_rate, r.baseline_sd, yb.savings_rate);
    res.rows.push_back(r);
  }
  res.summary = summarize_backtest(res.rows, a.base_rate_savings, a.base_rate_losses);
  return res;
}

}  // namespace acosim
