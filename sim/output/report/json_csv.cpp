// The CSV report people can pivot (one row per track, one column per metric with its unit in the
// header; amounts to the cent, rates to six significant digits), with the pairs and, when asked,
// every run in companion files. The JSON report is in json.cpp.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "models/settle.hpp"
#include "sim/engine/uncertainty.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/numbers.hpp"
#include "sim/output/report/table.hpp"
#include "sim/output/verdict_text.hpp"

namespace acosim::report_detail {

namespace {

using report::csv_cents;
using report::csv_line;
using report::csv_number;

// One quantity's columns: name_unit for mean, SE, SD, min, max, percentiles and tail risk.
void stats_header(std::vector<std::string>& h, const std::string& unit) {
  for (const char* m : {"mean", "mean_se", "sd", "min", "max"}) h.push_back(fmt::format("{}_{}", m, unit));
  for (double level : kPercentileLevels) h.push_back(fmt::format("p{}_{}", level, unit));
  for (const char* m : {"var95", "es95", "var99", "es99"}) h.push_back(fmt::format("{}_{}", m, unit));
}
void stats_cells(std::vector<std::string>& row, const Stats& s, std::string (*cell)(double)) {
  for (double v : {s.mean, s.mcse, s.sd, s.min, s.max}) row.push_back(cell(v));
  for (double v : s.percentiles) row.push_back(cell(v));
  for (double v : {s.var95, s.es95, s.var99, s.es99}) row.push_back(cell(v));
}
std::string cents(double x) { return csv_cents(x); }
std::string rate(double x) { return csv_number(x); }

}  // namespace

std::string render_csv_report(const ReportInput& in) {
  SimulationResults storage;
  const SimulationResults& r = summarized(*in.results, storage);
  const auto v = verdict(r, in.risk);
  std::vector<std::string> h{"track_key", "track"};
  stats_header(h, "usd");
  stats_header(h, "pct_of_benchmark");
  for (const char* p :
       {"p_savings", "p_savings_se", "p_losses", "p_losses_se", "p_corridor", "p_quality_failed"}) {
    h.push_back(fmt::format("{}_fraction", p));
  }
  if (v) {
    for (const char* c :
         {"risk_rank", "risk_fits", "risk_reason", "risk_p_exceed_fraction", "risk_p_exceed_se_fraction",
          "risk_var_usd", "risk_es_usd", "risk_certainty_equivalent_usd"}) {
      h.emplace_back(c);
    }
  }
  std::string out = csv_line(h);
  for (std::size_t k = 0; k < r.tracks.size(); ++k) {
    const TrackSummary& t = r.tracks[k];
    std::vector<std::string> row{t.label, report::plain_track_label(t.label)};
    stats_cells(row, t.dollars, cents);
    stats_cells(row, t.percent, rate);
    for (double p :
         {t.p_savings, t.p_savings_se, t.p_losses, t.p_losses_se, t.p_corridor, t.p_quality_failed}) {
      row.push_back(rate(p));
    }
    if (v) {
      const auto at = std::find(v->ranking.begin(), v->ranking.end(), static_cast<int>(k));
      const TrackRisk& x = v->tracks[k];
      row.push_back(std::to_string(at - v->ranking.begin() + 1));
      row.emplace_back(x.fits() ? "yes" : "no");
      row.push_back(fit_words(x, v->appetite, report::money_full));
      row.push_back(v->appetite.max_loss ? rate(x.p_exceed) : "");
      row.push_back(v->appetite.max_loss ? rate(x.p_exceed_se) : "");
      for (double d : {x.var, x.es, x.ce}) row.push_back(cents(d));
    }
    out += csv_line(row);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> csv_companions(const ReportInput& in) {
  SimulationResults storage;
  const SimulationResults& r = summarized(*in.results, storage);
  std::vector<std::pair<std::string, std::string>> files;
  if (!r.pairs.empty()) {
    std::vector<std::string> h{"a_key", "b_key", "a", "b"};
    stats_header(h, "usd");
    stats_header(h, "pct_of_benchmark");
    h.emplace_back("p_a_better_fraction");
    h.emplace_back("p_equal_fraction");
    std::string out = csv_line(h);
    for (const auto& p : r.pairs) {
      std::vector<std::string> row{p.a, p.b, report::plain_track_label(p.a), report::plain_track_label(p.b)};
      stats_cells(row, p.dollars, cents);
      stats_cells(row, p.percent, rate);
      row.push_back(rate(p.p_a_better));
      row.push_back(rate(p.p_equal));
      out += csv_line(row);
    }
    files.emplace_back(".pairs.csv", std::move(out));
  }
  if (in.per_run_csv) {
    const RunTable& t = r.table;
    std::string out = csv_line({"run", "track_key", "track", "payment_usd", "payment_pct_of_benchmark",
                                "outcome", "benchmark_usd", "expenditure_usd", "true_effect_fraction",
                                "benchmark_factor", "quality_score"});
    for (long i = 0; i < t.runs(); ++i) {
      if (!t.done(i)) continue;
      for (std::size_t k = 0; k < t.tracks.size(); ++k) {
        const double pay = t.payment(i, static_cast<long>(k));
        out += csv_line({std::to_string(i), t.tracks[k], report::plain_track_label(t.tracks[k]), cents(pay),
                         rate(100 * pay / t.benchmark(i)),
                         std::string(to_string(static_cast<Outcome>(t.outcome(i, static_cast<long>(k))))),
                         cents(t.benchmark(i)), cents(t.expenditure(i)), rate(t.true_effect(i)),
                         csv_number(t.benchmark_factor(i), 8), report::fixed(t.quality(i), 2)});
      }
    }
    files.emplace_back(".runs.csv", std::move(out));
  }
  return files;
}

}  // namespace acosim::report_detail
