#include "sim/engine/target_se.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <omp.h>

#include "sim/engine/cash_risk.hpp"
#include "sim/engine/statistics.hpp"

namespace acosim {

namespace {

// The first `runs` rows of `t`.
RunTable first_rows(const RunTable& t, long runs) {
  RunTable out;
  out.tracks = t.tracks;
  out.payment = t.payment.topRows(runs);
  out.outcome = t.outcome.topRows(runs);
  out.benchmark = t.benchmark.head(runs);
  out.expenditure = t.expenditure.head(runs);
  out.true_effect = t.true_effect.head(runs);
  out.benchmark_factor = t.benchmark_factor.head(runs);
  out.quality = t.quality.head(runs);
  out.met_qps = t.met_qps.head(runs);
  out.met_alt_qps = t.met_alt_qps.head(runs);
  out.done = t.done.head(runs);
  return out;
}

}  // namespace

double largest_reported_se(const SimulationResults& r) {
  const double n = static_cast<double>(r.table.completed());
  if (n < 2) return INFINITY;
  const auto binomial = [n](double p) { return std::sqrt(p * (1 - p) / n); };
  double worst = 0;
  for (const TrackSummary& t : r.tracks) {
    for (double p : {t.p_savings, t.p_losses, t.p_corridor, t.p_quality_failed})
      worst = std::max(worst, binomial(p));
    worst = std::max(worst, t.percent.mcse / 100);
  }
  return worst;
}

SimulationResults simulate_to_target(const SimulationModel& model, const RunOptions& options, double target,
                                     const std::function<void(long, double)>& progress) {
  const Scenario& s = model.scenario();
  RunTable t = make_table(s);
  const auto start = std::chrono::steady_clock::now();
  SimulationResults results;
  long end = 0;
  while (end < s.runs) {
    end = std::min(end + kTargetSeBlock, s.runs);
    sample_runs(model, options, t, 0, end);
    if (options.stop != nullptr && options.stop->load()) break;
    results.table = first_rows(t, end);
    settle_runs(s, results.table);
    results.tracks.clear();
    results.pairs.clear();
    summarize(results);
    const double se = largest_reported_se(results);
    if (progress) progress(end, se);
    if (se <= target) break;
  }
  // An interrupt leaves the partial block out of the statistics like any interrupted run.
  Scenario done = s;
  done.runs = end;
  results.table = first_rows(t, end);
  settle_runs(s, results.table);
  results.tracks.clear();
  results.pairs.clear();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int threads = options.threads > 0 ? options.threads : s.threads;
  if (threads <= 0) threads = omp_get_max_threads();
  describe_run(results.meta, done, threads, secs, results.table);
  summarize(results);
  results.cash_risk = cash_risk(s, results.table);  // bench §9.1, stored in the results file
  return results;
}

}  // namespace acosim
