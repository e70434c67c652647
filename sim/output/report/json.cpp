// The JSON report: nested, raw numbers (format "acosim-report", version 1).
#include "sim/output/report/json.hpp"

#include <cmath>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "sim/engine/uncertainty.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/numbers.hpp"
#include "sim/output/summary_fields.hpp"
#include "sim/output/verdict_text.hpp"

namespace acosim::report {

using json = nlohmann::ordered_json;

json stats_json(const Stats& s) {
  json j;
  for (const StatsField& f : kStatsFields) j[f.name] = s.*f.member;
  json p;
  for (std::size_t i = 0; i < kPercentileLevels.size(); ++i) p[percentile_key(i)] = s.percentiles[i];
  j["percentiles"] = std::move(p);
  return j;
}

namespace {

json optional_json(const std::optional<double>& x) { return x ? json(*x) : json(nullptr); }

json scenario_json(const ResultMetadata& m) {
  json s;
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
  return s;
}

json tracks_json(const SimulationResults& r) {
  auto tracks = json::array();
  for (const auto& t : r.tracks) {
    json e;
    e["label"] = t.label;
    e["name"] = plain_track_label(t.label);
    e["dollars"] = stats_json(t.dollars);
    e["percent"] = stats_json(t.percent);
    for (const TrackField& f : kTrackFields) e[f.name] = t.*f.member;
    tracks.push_back(std::move(e));
  }
  return tracks;
}

// 95% confidence intervals [USD] and the drivers' rank correlations (sim/engine/uncertainty.hpp).
json uncertainty_json(const RunTable& table) {
  const auto ci = track_intervals(table);
  const Sensitivity sens = payment_sensitivity(table);
  auto intervals = json::array();
  const auto pair = [](const Interval& i) { return json::array({i.lo, i.hi}); };
  for (std::size_t k = 0; k < ci.size(); ++k) {
    json e;
    e["label"] = table.tracks[k];
    json p;
    for (std::size_t q = 0; q < kPercentileLevels.size(); ++q)
      p[percentile_key(q)] = pair(ci[k].percentiles[q]);
    e["percentiles"] = std::move(p);
    e["var95"] = pair(ci[k].var95);
    e["es95"] = pair(ci[k].es95);
    e["var99"] = pair(ci[k].var99);
    e["es99"] = pair(ci[k].es99);
    json drivers;
    for (std::size_t d = 0; d < kDrivers.size(); ++d) {
      drivers[kDrivers[d].key] = {
          {"rank_correlation", sens.rank_correlation(static_cast<long>(d), static_cast<long>(k))},
          {"variance_share", sens.variance_share(static_cast<long>(d), static_cast<long>(k))},
          {"varies", sens.varies[d]}};
    }
    e["drivers"] = std::move(drivers);
    intervals.push_back(std::move(e));
  }
  return intervals;
}

json pairs_json(const SimulationResults& r) {
  auto pairs = json::array();
  for (const auto& p : r.pairs) {
    json e;
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
  return pairs;
}

json risk_json(const RiskVerdict& v) {
  const RiskAppetite& a = v.appetite;
  json rj;
  rj["appetite"] = {{"max_loss", optional_json(a.max_loss)},
                    {"confidence", a.confidence},
                    {"max_es", optional_json(a.max_es)},
                    {"risk_aversion", optional_json(a.risk_aversion)},
                    {"description", describe_appetite(a)}};
  auto tr = json::array();
  int rank = 0;
  for (int i : v.ranking) {
    const TrackRisk& x = v.tracks[static_cast<std::size_t>(i)];
    json e;
    e["rank"] = ++rank;
    e["label"] = x.label;
    e["fits"] = x.fits();
    e["fits_max_loss"] = x.fits_loss;
    e["fits_max_es"] = x.fits_es;
    e["borderline"] = x.borderline;
    e["reason"] = report_detail::fit_words(x, a, money_full);
    e["mean"] = x.mean;
    e["p_exceed"] = x.p_exceed;
    e["p_exceed_se"] = x.p_exceed_se;
    e["var"] = x.var;
    e["es"] = x.es;
    e["certainty_equivalent"] = x.ce;
    tr.push_back(std::move(e));
  }
  rj["ranking"] = std::move(tr);
  rj["recommendation"] = recommendation_text(v);
  return rj;
}

}  // namespace

json report_json_value(const ReportInput& in) {
  SimulationResults storage;
  const SimulationResults& r = report_detail::summarized(*in.results, storage);
  json j;
  j["format"] = "acosim-report";
  j["format_version"] = 1;
  j["scenario"] = scenario_json(r.meta);
  auto assumptions = json::array();
  for (const auto& a : in.assumptions.rows) assumptions.push_back({{"item", a.item}, {"value", a.value}});
  j["assumptions"] = std::move(assumptions);
  j["warnings"] = in.assumptions.warnings;
  j["units"] = {
      {"dollars", "USD"}, {"percent", "percent of updated benchmark"}, {"probabilities", "fraction [0-1]"}};
  j["percentile_levels"] = kPercentileLevels;
  j["tracks"] = tracks_json(r);
  if (r.table.runs() > 0 && r.table.completed() > 1) {
    j["confidence_level"] = 0.95;
    j["uncertainty"] = uncertainty_json(r.table);
  }
  j["pairs"] = pairs_json(r);
  if (const auto v = report_detail::verdict(r, in.risk)) j["risk"] = risk_json(*v);
  if (in.agreement != nullptr) j["agreement"] = agreement_json(*in.agreement);
  return j;
}

}  // namespace acosim::report

std::string acosim::report_detail::render_json_report(const ReportInput& in) {
  return report::report_json_value(in).dump(2) + "\n";
}
