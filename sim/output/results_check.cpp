// The consistency checks of a results file read back (sim/output/results_check.hpp).
#include "sim/output/results_check.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/text.hpp"
#include "sim/engine/statistics.hpp"

namespace acosim {
namespace {

// Checks after reading: a damaged file must not produce a report. Files written by this version
// carry checksums (metadata, and Fletcher-32 per numeric chunk), which libhdf5 verifies; strings
// (in the global heap) and files from earlier versions have none, and these checks catch what a
// wrong byte does to the numbers and strings.

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len = utf8_length(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

// Equal up to summation-order rounding, relative to `scale` (the largest magnitude summed).
bool close(double stored, double recomputed, double scale) {
  if (std::isnan(stored) || std::isnan(recomputed)) return std::isnan(stored) && std::isnan(recomputed);
  return std::fabs(stored - recomputed) <=
         1e-11 * std::max({scale, std::fabs(stored), std::fabs(recomputed)}) + 1e-300;
}

class Checker {
 public:
  explicit Checker(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(
        fmt::format("{}: the file is damaged: {} (rerun the simulation to write it again)", name_, what));
  }

  void text(std::string_view s, const std::string& what) const {
    if (!valid_utf8(s)) fail(fmt::format("{} is not valid UTF-8 text", what));
  }

  // The summary statistics of one quantity: internally consistent, and (for the mean, min and max)
  // equal to what the per-run values give.
  void stats(const Stats& st, const std::string& what, double runs, double mean, double min, double max,
             double scale) const {
    auto bad = [&](const char* field) {
      fail(fmt::format("{}: the {} stored in /summary does not match the per-run data", what, field));
    };
    if (!close(st.mean, mean, scale)) bad("mean");
    if (!close(st.min, min, 0) || !close(st.max, max, 0)) bad("minimum or maximum");
    if (!(st.sd >= 0) && !std::isnan(st.sd)) bad("standard deviation");
    if (runs > 1 && !close(st.mcse, st.sd / std::sqrt(runs), 0)) bad("Monte Carlo standard error");
    double prev = st.min;
    for (const double p : st.percentiles) {
      if (!(p >= prev - 1e-9 * scale) || p > st.max + 1e-9 * scale) bad("percentile order");
      prev = p;
    }
    for (const double v : {st.var95, st.var99, st.es95, st.es99}) {
      if (!(v >= 0) || v > std::max(0.0, -st.min) * (1 + 1e-9) + 1e-300)
        bad("value at risk or expected shortfall");
    }
  }

  // Every field equal to the statistics recomputed from the per-run values.
  void same(const Stats& stored, const Stats& again, const std::string& what, double scale) const {
    bool ok = close(stored.mean, again.mean, scale) && close(stored.sd, again.sd, scale) &&
              close(stored.mcse, again.mcse, scale) && close(stored.min, again.min, 0) &&
              close(stored.max, again.max, 0) && close(stored.var95, again.var95, scale) &&
              close(stored.var99, again.var99, scale) && close(stored.es95, again.es95, scale) &&
              close(stored.es99, again.es99, scale);
    for (std::size_t j = 0; j < stored.percentiles.size(); ++j) {
      ok = ok && close(stored.percentiles[j], again.percentiles[j], scale);
    }
    if (!ok) fail(fmt::format("{}: a statistic stored in /summary does not match the per-run data", what));
  }

 private:
  std::string name_;
};

// Strings, flags, samples and payments of the completed runs, and the counts; returns the runs done.
long check_runs(const Checker& ck, const SimulationResults& r) {
  const ResultMetadata& m = r.meta;
  const RunTable& t = r.table;
  const long runs = t.runs();
  const auto n_tracks = static_cast<long>(t.tracks.size());

  for (const std::string* s : {&m.program_version, &m.git_commit, &m.scenario_name, &m.scenario_path,
                               &m.scenario_text, &m.rng_layout, &m.created_utc}) {
    ck.text(*s, "a /metadata string");
  }
  for (const auto& [k, v] : m.library_versions) ck.text(k + v, "a /metadata/library_versions string");
  for (const std::string& label : t.tracks) ck.text(label, "a track label in /tracks/labels");
  if (m.runs != runs)
    ck.fail(fmt::format("the runs attribute says {} but /runs holds {} rows", m.runs, runs));

  long done = 0;
  for (long i = 0; i < runs; ++i) {
    for (const auto* flags : {&t.done, &t.met_qps, &t.met_alt_qps}) {
      if ((*flags)(i) != 0 && (*flags)(i) != 1) {
        ck.fail(fmt::format("run {} has a 0/1 flag of {} in /runs", i, static_cast<int>((*flags)(i))));
      }
    }
    if (!t.done(i)) continue;
    ++done;
    if (!(std::isfinite(t.benchmark(i)) && t.benchmark(i) > 0) || !std::isfinite(t.expenditure(i)) ||
        !std::isfinite(t.true_effect(i)) || !std::isfinite(t.benchmark_factor(i)) ||
        !(t.quality(i) >= 0 && t.quality(i) <= 100)) {
      ck.fail(fmt::format("run {} has an impossible sample (benchmark {}, expenditure {}, quality {})", i,
                          t.benchmark(i), t.expenditure(i), t.quality(i)));
    }
    for (long k = 0; k < n_tracks; ++k) {
      if (!std::isfinite(t.payment(i, k)) || t.outcome(i, k) < 0 ||
          t.outcome(i, k) >= static_cast<OutcomeCode>(kOutcomeNames.size())) {
        ck.fail(fmt::format("run {}, track {}: payment {} or outcome code {} is impossible", i, k,
                            t.payment(i, k), static_cast<int>(t.outcome(i, k))));
      }
    }
  }
  if (m.completed_runs != done) {
    ck.fail(fmt::format("completed_runs says {} but /runs/done marks {} runs", m.completed_runs, done));
  }
  if (m.complete != (done == runs)) {
    ck.fail(
        fmt::format("the complete flag says {} but {} of {} runs are done", m.complete ? 1 : 0, done, runs));
  }
  return done;
}

// The summaries against the per-run data of the completed runs (O(runs) per row: means,
// extremes, probabilities; every statistic recomputed while that stays cheap).
class SummaryChecker {
 public:
  SummaryChecker(const Checker& ck, const SimulationResults& r, long done)
      : ck_(ck),
        t_(r.table),
        runs_(r.table.runs()),
        n_(static_cast<double>(done)),
        // Recomputing every statistic (compute_stats sorts each column) costs O(R log R) per summary
        // row; up to ~1e8 values that is a few seconds at most, beyond it only the O(R) statistics
        // are checked.
        full_(static_cast<double>(done) * static_cast<double>(r.tracks.size() + r.pairs.size()) <= 1e8) {}

  void track(long k, const TrackSummary& s) {
    ck_.text(s.label, "a track label in /summary/tracks/label");
    if (s.label != t_.tracks[static_cast<std::size_t>(k)]) {
      ck_.fail(fmt::format("/summary/tracks row {} is labelled '{}' but column {} of /runs is '{}'", k,
                           s.label, k, t_.tracks[static_cast<std::size_t>(k)]));
    }
    column("track " + s.label, s.dollars, s.percent, [&](long i) { return t_.payment(i, k); });
    std::array<long, kOutcomeNames.size()> counts{};
    for (long i = 0; i < runs_; ++i) {
      if (t_.done(i)) ++counts[static_cast<std::size_t>(t_.outcome(i, k))];
    }
    const double p_savings = static_cast<double>(counts[0]) / n_,
                 p_losses = static_cast<double>(counts[1]) / n_;
    // summarize() counts below_msr, below_mlr and guardrail_neutral (nothing settled) as the corridor.
    const double p_corridor = static_cast<double>(counts[2] + counts[3] + counts[5]) / n_;
    const double p_quality = static_cast<double>(counts[4]) / n_;
    if (!close(s.p_savings, p_savings, 1) || !close(s.p_losses, p_losses, 1) ||
        !close(s.p_corridor, p_corridor, 1) || !close(s.p_quality_failed, p_quality, 1) ||
        !close(s.p_savings_se, binomial_se(p_savings, n_), 1) ||
        !close(s.p_losses_se, binomial_se(p_losses, n_), 1)) {
      ck_.fail(fmt::format("track {} outcome probabilities disagree with /runs/outcome", s.label));
    }
  }

  void pair(const PairSummary& p) {
    const auto a = static_cast<long>(p.index_a), b = static_cast<long>(p.index_b);
    ck_.text(p.a + p.b, "a track label in /summary/pairs");
    if (a == b || p.a != t_.tracks[static_cast<std::size_t>(a)] ||
        p.b != t_.tracks[static_cast<std::size_t>(b)]) {
      ck_.fail(
          fmt::format("/summary/pairs row ({}, {}) does not match the tracks '{}' and '{}'", a, b, p.a, p.b));
    }
    column("pair " + p.a + " - " + p.b, p.dollars, p.percent,
           [&](long i) { return t_.payment(i, a) - t_.payment(i, b); });
    long better = 0, equal = 0;
    for (long i = 0; i < runs_; ++i) {
      if (!t_.done(i)) continue;
      better += t_.payment(i, a) > t_.payment(i, b);
      equal += t_.payment(i, a) == t_.payment(i, b);
    }
    if (!close(p.p_a_better, static_cast<double>(better) / n_, 1) ||
        !close(p.p_equal, static_cast<double>(equal) / n_, 1)) {
      ck_.fail(fmt::format("pair {} - {} probabilities disagree with /runs/payment", p.a, p.b));
    }
  }

 private:
  struct Moments {
    double sum = 0, min = HUGE_VAL, max = -HUGE_VAL, scale = 0;
    void add(double v) {
      sum += v;
      min = std::min(min, v);
      max = std::max(max, v);
      scale = std::max(scale, std::fabs(v));
    }
  };

  // The dollar and percent-of-benchmark statistics of `value(run)` over the completed runs.
  template <class Value>
  void column(const std::string& what, const Stats& dollars, const Stats& percent, Value&& value) {
    Moments d, p;
    dv_.clear();
    pv_.clear();
    for (long i = 0; i < runs_; ++i) {
      if (!t_.done(i)) continue;
      const double v = value(i);
      d.add(v);
      p.add(100.0 * v / t_.benchmark(i));
      if (full_) {
        dv_.push_back(v);
        pv_.push_back(100.0 * v / t_.benchmark(i));
      }
    }
    ck_.stats(dollars, what + " (dollars)", n_, d.sum / n_, d.min, d.max, d.scale);
    ck_.stats(percent, what + " (percent)", n_, p.sum / n_, p.min, p.max, p.scale);
    if (full_) {
      ck_.same(dollars, compute_stats(dv_), what + " (dollars)", d.scale);
      ck_.same(percent, compute_stats(pv_), what + " (percent)", p.scale);
    }
  }

  const Checker& ck_;
  const RunTable& t_;
  long runs_;
  double n_;
  bool full_;
  std::vector<double> dv_, pv_;
};

void check_summaries(const Checker& ck, const SimulationResults& r, long done) {
  const auto n_tracks = static_cast<long>(r.table.tracks.size());
  if (static_cast<long>(r.tracks.size()) != n_tracks) {
    ck.fail(fmt::format("/summary/tracks has {} rows for {} tracks", r.tracks.size(), n_tracks));
  }
  SummaryChecker sc(ck, r, done);
  for (long k = 0; k < n_tracks; ++k) sc.track(k, r.tracks[static_cast<std::size_t>(k)]);
  for (const PairSummary& p : r.pairs) sc.pair(p);
}

}  // namespace

void check_results(const std::filesystem::path& path, const SimulationResults& r) {
  const Checker ck(path.string());
  const long done = check_runs(ck, r);
  if (done > 0) check_summaries(ck, r, done);  // none to check otherwise
}

}  // namespace acosim
