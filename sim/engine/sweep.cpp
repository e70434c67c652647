#include "sim/engine/sweep.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/engine/agreement.hpp"
#include "sim/engine/rng.hpp"
#include "sim/engine/sampling_inputs.hpp"
#include "sim/engine/statistics.hpp"

namespace acosim {

namespace {

// Re-applies the quality standard to stored quality scores, exactly as sample_run does.
void requalify(const Scenario& s, RunTable& t) {
  for (long run = 0; run < t.runs(); ++run) {
    if (!t.done(run)) continue;
    const bool met = !s.qps_threshold || t.quality(run) >= *s.qps_threshold;
    const double u_alt = alternative_qps_uniform(s.seed, static_cast<std::uint64_t>(run));
    t.met_qps(run) = met;
    t.met_alt_qps(run) = !met && u_alt < s.alt_qps_probability;
  }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
// Axis k is settle-only when the points that differ only in axis k's value share one pass.
bool axis_settle_only(const std::vector<PlannedPoint>& points, std::size_t k) {
  std::map<std::vector<std::size_t>, int> group_of_rest;
  for (const PlannedPoint& p : points) {
    std::vector<std::size_t> rest = p.index;
    rest[k] = 0;
    const auto [it, inserted] = group_of_rest.emplace(rest, p.group);
    if (!inserted && it->second != p.group) return false;
  }
  return true;
}

// Drops the run table, keeping its column labels (what a sweep point keeps without keep_tables).
void drop_table(RunTable& t) {
  RunTable empty;
  empty.tracks = t.tracks;
  t = std::move(empty);
}

// An agreement scenario's points: each simulates its whole agreement (sim/engine/agreement.cpp);
// the columns are the per-path total, PV, worst year and year-k payments.
void run_agreement_points(const SweepPlan& plan, const std::vector<std::size_t>& members, int g,
                          const RunOptions& options, bool keep_tables,
                          const std::optional<RiskAppetite>& risk, SweepResults& out) {
  for (std::size_t i : members) {
    const PlannedPoint& pt = plan.points[i];
    const auto t1 = std::chrono::steady_clock::now();
    SweepPointResult& res = out.points[i];
    res.set = pt.set;
    res.index = pt.index;
    res.group = g;
    res.results = simulate_agreement(AgreementModel(pt.scenario), options).results;
    if (risk) res.risk = assess_risk(res.results.table, *risk);
    if (!keep_tables) drop_table(res.results.table);
    out.stats.sampling_seconds += seconds_since(t1);
  }
}

// One sampling pass for the group's points, then settlement and statistics per point.
void run_sampled_points(const SweepPlan& plan, const std::vector<std::size_t>& members, int g,
                        const RunOptions& options, bool keep_tables, const std::optional<RiskAppetite>& risk,
                        SweepResults& out) {
  const Scenario& first = plan.points[members.front()].scenario;
  const auto t0 = std::chrono::steady_clock::now();
  const SimulationModel model(first);
  RunTable sampled = make_table(first);
  sample_runs(model, options, sampled, 0, first.runs);
  const double sample_secs = seconds_since(t0);
  out.stats.sampling_seconds += sample_secs;

  for (std::size_t i : members) {
    const PlannedPoint& pt = plan.points[i];
    const Scenario& s = pt.scenario;
    const auto t1 = std::chrono::steady_clock::now();
    SweepPointResult& res = out.points[i];
    res.set = pt.set;
    res.index = pt.index;
    res.group = g;
    RunTable& t = res.results.table;
    t = sampled;
    t.tracks.clear();
    for (const auto& c : s.tracks) t.tracks.push_back(c.label);
    const auto n_tracks = static_cast<Eigen::Index>(s.tracks.size());
    t.payment = Eigen::MatrixXd::Zero(t.runs(), n_tracks);
    t.outcome = Eigen::Matrix<OutcomeCode, Eigen::Dynamic, Eigen::Dynamic>::Zero(t.runs(), n_tracks);
    if (!same_qualification(s, first)) requalify(s, t);
    settle_runs(s, t);
    describe_run(res.results.meta, s, out.stats.threads,
                 sample_secs / static_cast<double>(members.size()) + seconds_since(t1), t);
    summarize(res.results);
    if (risk) res.risk = assess_risk(t, *risk);
    if (!keep_tables) drop_table(t);
    out.stats.settle_seconds += seconds_since(t1);
  }
}

}  // namespace

SweepPlan group_points(const Scenario& base, std::vector<SweepAxis> axes, std::vector<PlannedPoint> points) {
  SweepPlan p;
  p.base = base;
  std::vector<std::size_t> representative;  // the first point of each pass
  for (std::size_t i = 0; i < points.size(); ++i) {
    PlannedPoint& pt = points[i];
    const auto found = std::find_if(representative.begin(), representative.end(), [&](std::size_t r) {
      return same_samples(points[r].scenario, pt.scenario);
    });
    pt.group = static_cast<int>(found - representative.begin());
    if (found == representative.end()) representative.push_back(i);
  }
  for (std::size_t k = 0; k < axes.size(); ++k) axes[k].settle_only = axis_settle_only(points, k);
  p.axes = std::move(axes);
  p.points = std::move(points);
  p.groups = static_cast<int>(representative.size());
  return p;
}

SweepResults run_sweep(const SweepPlan& plan, const RunOptions& options, bool keep_tables,
                       const std::optional<RiskAppetite>& risk) {
  const auto t_start = std::chrono::steady_clock::now();
  SweepResults out;
  out.base = plan.base;
  out.axes = plan.axes;
  out.risk = risk;
  out.points.resize(plan.points.size());
  int threads = options.threads > 0 ? options.threads : plan.base.threads;
  if (threads <= 0) threads = omp_get_max_threads();
  out.stats.points = static_cast<int>(plan.points.size());
  out.stats.sampling_passes = plan.groups;
  out.stats.runs = plan.points.empty() ? plan.base.runs : plan.points.front().scenario.runs;
  for (const auto& pt : plan.points) {
    if (pt.scenario.runs != out.stats.runs) out.stats.runs = 0;  // `runs` is varied
  }
  out.stats.threads = threads;
  const bool progress = options.progress && ::isatty(STDERR_FILENO);

  for (int g = 0; g < plan.groups; ++g) {
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < plan.points.size(); ++i) {
      if (plan.points[i].group == g) members.push_back(i);
    }
    if (members.empty()) continue;
    if (progress) std::fprintf(stderr, "acosim sweep: sampling pass %d of %d\n", g + 1, plan.groups);
    if (plan.points[members.front()].scenario.agreement) {
      run_agreement_points(plan, members, g, options, keep_tables, risk, out);
    } else {
      run_sampled_points(plan, members, g, options, keep_tables, risk, out);
    }
  }
  out.stats.wall_seconds = seconds_since(t_start);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tornado

const std::vector<std::string>& tornado_metrics() {
  static const std::vector<std::string> m = {"mean", "p_losses", "p_savings", "p5",
                                             "p50",  "p95",      "var95",     "es95"};
  return m;
}

double tornado_metric(const TrackSummary& t, const std::string& metric) {
  if (metric == "mean") return t.dollars.mean;
  if (metric == "p_losses") return t.p_losses;
  if (metric == "p_savings") return t.p_savings;
  if (metric == "p5") return t.dollars.percentiles[1];
  if (metric == "p50") return t.dollars.percentiles[4];
  if (metric == "p95") return t.dollars.percentiles[7];
  if (metric == "var95") return t.dollars.var95;
  if (metric == "es95") return t.dollars.es95;
  // The input layer checks metrics (sim/input/sweep_reader.cpp); another one is a program error.
  throw std::invalid_argument(fmt::format("tornado_metric: unknown metric '{}'", metric));
}

TornadoResult run_tornado(const SweepPlan& plan, const TornadoSpec& spec, const RunOptions& options) {
  const SweepResults s = run_sweep(plan, options);
  TornadoResult out;
  out.metric = spec.metric;
  out.scenario_name = plan.base.name;
  out.runs = plan.base.runs;
  out.seed = plan.base.seed;
  out.stats = s.stats;
  std::vector<int> which;
  if (spec.track_index) {
    which.push_back(*spec.track_index);
  } else if (spec.track.empty()) {
    for (std::size_t k = 0; k < plan.base.tracks.size(); ++k) which.push_back(static_cast<int>(k));
  } else {
    throw std::invalid_argument("run_tornado: the track '" + spec.track +
                                "' was not resolved (tornado_spec does it)");
  }
  const int base_group = plan.points.at(0).group;
  for (int k : which) {
    TornadoTrack tt;
    tt.index = k;
    tt.label = plan.base.tracks[static_cast<std::size_t>(k)].label;
    const auto ku = static_cast<std::size_t>(k);
    tt.base = tornado_metric(s.points[0].results.tracks.at(ku), spec.metric);
    for (std::size_t i = 0; i < spec.inputs.size(); ++i) {
      TornadoBar b;
      b.key = spec.inputs[i].key;
      b.low = spec.inputs[i].low;
      b.high = spec.inputs[i].high;
      b.at_low = tornado_metric(s.points[1 + 2 * i].results.tracks.at(ku), spec.metric);
      b.at_high = tornado_metric(s.points[2 + 2 * i].results.tracks.at(ku), spec.metric);
      b.swing = std::abs(b.at_high - b.at_low);
      // Settle-only: both ends sample the base's runs.
      b.settle_only =
          plan.points[1 + 2 * i].group == base_group && plan.points[2 + 2 * i].group == base_group;
      tt.bars.push_back(std::move(b));
    }
    std::stable_sort(tt.bars.begin(), tt.bars.end(),
                     [](const TornadoBar& a, const TornadoBar& b) { return a.swing > b.swing; });
    out.tracks.push_back(std::move(tt));
  }
  return out;
}

}  // namespace acosim
