// The machine-readable reports: nested JSON with raw numbers, and CSV people can pivot (one row
// per track, one column per metric with its unit in the header; amounts to the cent, rates to six
// significant digits), with the pairs and, when asked, every run in companion files.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

nlohmann::ordered_json stats_json(const Stats& s) {
  nlohmann::ordered_json j;
  j["mean"] = s.mean;
  j["mcse"] = s.mcse;
  j["sd"] = s.sd;
  j["min"] = s.min;
  j["max"] = s.max;
  nlohmann::ordered_json p;
  for (std::size_t i = 0; i < kPercentileLevels.size(); ++i)
    p[fmt::format("p{}", kPercentileLevels[i])] = s.percentiles[i];
  j["percentiles"] = std::move(p);
  j["var95"] = s.var95;
  j["var99"] = s.var99;
  j["es95"] = s.es95;
  j["es99"] = s.es99;
  return j;
}

nlohmann::ordered_json optional_json(const std::optional<double>& x) {
  return x ? nlohmann::ordered_json(*x) : nlohmann::ordered_json(nullptr);
}

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

std::string render_json_report(const ReportInput& in) {
  SimulationResults storage;
  const SimulationResults& r = summarized(*in.results, storage);
  const ResultMetadata& m = r.meta;
  nlohmann::ordered_json j;
  j["format"] = "acosim-report";
  j["format_version"] = 1;
  nlohmann::ordered_json s;
  s["name"] = m.scenario_name;
  s["path"] = m.scenario_path;
  s["performance_year"] = m.performance_year;
  s["beneficiaries"] = m.beneficiaries;
  s["runs"] = m.runs;
  s["completed_runs"] = m.completed_runs;
  s["complete"] = m.complete;
  s["seed"] = m.seed;
  s["program_version"] = m.program_version;
  s["git_commit"] = m.git_commit;
  s["created_utc"] = m.created_utc;
  s["wall_seconds"] = m.wall_seconds;
  s["threads"] = m.threads;
  s["ranks"] = m.ranks;
  s["beneficiary_years"] = m.beneficiary_years;
  s["rng_layout"] = m.rng_layout;
  s["library_versions"] = m.library_versions;
  j["scenario"] = std::move(s);
  auto assumptions = nlohmann::ordered_json::array();
  for (const auto& a : in.assumptions.rows) assumptions.push_back({{"item", a.item}, {"value", a.value}});
  j["assumptions"] = std::move(assumptions);
  j["warnings"] = in.assumptions.warnings;
  j["units"] = {
      {"dollars", "USD"}, {"percent", "percent of updated benchmark"}, {"probabilities", "fraction [0-1]"}};
  j["percentile_levels"] = kPercentileLevels;
  auto tracks = nlohmann::ordered_json::array();
  for (const auto& t : r.tracks) {
    nlohmann::ordered_json e;
    e["label"] = t.label;
    e["name"] = report::plain_track_label(t.label);
    e["dollars"] = stats_json(t.dollars);
    e["percent"] = stats_json(t.percent);
    e["p_savings"] = t.p_savings;
    e["p_savings_se"] = t.p_savings_se;
    e["p_losses"] = t.p_losses;
    e["p_losses_se"] = t.p_losses_se;
    e["p_corridor"] = t.p_corridor;
    e["p_quality_failed"] = t.p_quality_failed;
    tracks.push_back(std::move(e));
  }
  j["tracks"] = std::move(tracks);
  if (r.table.runs() > 0 && r.table.completed() > 1) {
    // 95% confidence intervals [USD] and the drivers' rank correlations (sim/engine/uncertainty.hpp).
    const auto ci = track_intervals(r.table);
    const Sensitivity sens = payment_sensitivity(r.table);
    auto intervals = nlohmann::ordered_json::array();
    for (std::size_t k = 0; k < ci.size(); ++k) {
      const auto pair = [](const Interval& i) { return nlohmann::ordered_json::array({i.lo, i.hi}); };
      nlohmann::ordered_json e;
      e["label"] = r.table.tracks[k];
      nlohmann::ordered_json p;
      for (std::size_t q = 0; q < kPercentileLevels.size(); ++q)
        p[fmt::format("p{}", kPercentileLevels[q])] = pair(ci[k].percentiles[q]);
      e["percentiles"] = std::move(p);
      e["var95"] = pair(ci[k].var95);
      e["es95"] = pair(ci[k].es95);
      e["var99"] = pair(ci[k].var99);
      e["es99"] = pair(ci[k].es99);
      nlohmann::ordered_json drivers;
      for (std::size_t d = 0; d < kDrivers.size(); ++d) {
        drivers[kDrivers[d].key] = {
            {"rank_correlation", sens.rank_correlation(static_cast<long>(d), static_cast<long>(k))},
            {"variance_share", sens.variance_share(static_cast<long>(d), static_cast<long>(k))},
            {"varies", sens.varies[d]}};
      }
      e["drivers"] = std::move(drivers);
      intervals.push_back(std::move(e));
    }
    j["confidence_level"] = 0.95;
    j["uncertainty"] = std::move(intervals);
  }
  auto pairs = nlohmann::ordered_json::array();
  for (const auto& p : r.pairs) {
    nlohmann::ordered_json e;
    e["a"] = p.a;
    e["b"] = p.b;
    e["index_a"] = p.index_a;
    e["index_b"] = p.index_b;
    e["dollars"] = stats_json(p.dollars);
    e["percent"] = stats_json(p.percent);
    e["p_a_better"] = p.p_a_better;
    e["p_equal"] = p.p_equal;
    pairs.push_back(std::move(e));
  }
  j["pairs"] = std::move(pairs);
  if (const auto v = verdict(r, in.risk)) {
    const RiskAppetite& a = v->appetite;
    nlohmann::ordered_json rj;
    rj["appetite"] = {{"max_loss", optional_json(a.max_loss)},
                      {"confidence", a.confidence},
                      {"max_es", optional_json(a.max_es)},
                      {"risk_aversion", optional_json(a.risk_aversion)},
                      {"description", describe_appetite(a)}};
    auto tr = nlohmann::ordered_json::array();
    int rank = 0;
    for (int i : v->ranking) {
      const TrackRisk& x = v->tracks[static_cast<std::size_t>(i)];
      nlohmann::ordered_json e;
      e["rank"] = ++rank;
      e["label"] = x.label;
      e["fits"] = x.fits();
      e["fits_max_loss"] = x.fits_loss;
      e["fits_max_es"] = x.fits_es;
      e["borderline"] = x.borderline;
      e["reason"] = fit_words(x, a, report::money_full);
      e["mean"] = x.mean;
      e["p_exceed"] = x.p_exceed;
      e["p_exceed_se"] = x.p_exceed_se;
      e["var"] = x.var;
      e["es"] = x.es;
      e["certainty_equivalent"] = x.ce;
      tr.push_back(std::move(e));
    }
    rj["ranking"] = std::move(tr);
    rj["recommendation"] = recommendation_text(*v);
    j["risk"] = std::move(rj);
  }
  return j.dump(2) + "\n";
}

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
