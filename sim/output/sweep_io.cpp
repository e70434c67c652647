// Sweep output: the sweep HDF5 file (docs/results-schema.md, "Sweep files") and the sweep's CSV /
// Markdown / terminal tables (the tornado's: sim/output/tornado_report.cpp).
#include <H5Cpp.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/parse.hpp"
#include "sim/common/text.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/table.hpp"
#include "sim/output/summary_fields.hpp"
#include "sim/output/sweep_io.hpp"
#include "sim/output/verdict_text.hpp"

namespace acosim {

namespace {

// ---------------------------------------------------------------------------------------------
// HDF5

// Thin names over the HDF5 gateway (sim/output/hdf5_file.hpp) for the sweep file's objects.
void attr(h5::FileWriter& w, H5::H5Object& o, const char* name, const std::string& v) {
  w.put_string(o, name, v);
}
void attr(h5::FileWriter& w, H5::H5Object& o, const char* name, double v) {
  w.put_number<double>(o, name, v);
}
void attr_i64(h5::FileWriter& w, H5::H5Object& o, const char* name, std::int64_t v) {
  w.put_number(o, name, v);
}
void attr_u64(h5::FileWriter& w, H5::H5Object& o, const char* name, std::uint64_t v) {
  w.put_number(o, name, v);
}

H5::Group group(h5::FileWriter& w, const std::string& path, const std::string& description) {
  return w.group(path, description.c_str());
}

H5::DataSet doubles(h5::FileWriter& w, const std::string& path, const std::vector<double>& v,
                    const std::vector<hsize_t>& dims, const std::string& units,
                    const std::string& description) {
  return w.numbers(path, v.data(), dims, units.empty() ? nullptr : units.c_str(), description.c_str());
}

void ints(h5::FileWriter& w, const std::string& path, const std::vector<std::int64_t>& v,
          const std::vector<hsize_t>& dims, const std::string& description) {
  w.numbers(path, v.data(), dims, nullptr, description.c_str());
}

void flags(h5::FileWriter& w, const std::string& path, const std::vector<std::int8_t>& v,
           const std::vector<hsize_t>& dims, const std::string& description) {
  w.numbers(path, v.data(), dims, "0/1", description.c_str());
}

void strings(h5::FileWriter& w, const std::string& path, const std::vector<std::string>& v,
             const std::vector<hsize_t>& dims, const std::string& description) {
  w.strings(path, v, dims, description.c_str());
}

// The numeric reading of a value as written: "1.5%" -> 0.015, "5000" -> 5000; NaN otherwise.

std::size_t n_tracks(const SweepResults& s) {
  return s.points.empty() ? 0 : s.points.front().results.tracks.size();
}

// /metadata: what produced the sweep and how long it took.
void write_sweep_metadata(h5::FileWriter& w, const SweepResults& s, const SweepProvenance& prov) {
  H5::Group meta = group(w, "/metadata", "what produced the sweep and how long it took");
  attr(w, meta, "program_version", prov.program_version);
  attr(w, meta, "git_commit", prov.git_commit);
  attr(w, meta, "created_utc", prov.created_utc);
  attr(w, meta, "scenario_name", s.base.name);
  attr(w, meta, "scenario_path", s.base.path);
  attr_u64(w, meta, "seed", s.base.seed);
  attr_i64(w, meta, "runs", s.stats.runs);
  attr_i64(w, meta, "threads", s.stats.threads);
  attr_i64(w, meta, "points", s.stats.points);
  attr_i64(w, meta, "sampling_passes", s.stats.sampling_passes);
  attr(w, meta, "wall_seconds", s.stats.wall_seconds);
  attr(w, meta, "sampling_seconds", s.stats.sampling_seconds);
  attr(w, meta, "settle_seconds", s.stats.settle_seconds);
  strings(w, "/metadata/scenario", {s.base.text}, {},
          "the base scenario YAML as loaded (with --set overrides)");
}

// /sweep: the varied keys and their values.
void write_sweep_axes(h5::FileWriter& w, const SweepResults& s) {
  const auto K = static_cast<hsize_t>(s.axes.size());
  H5::Group sw =
      group(w, "/sweep", "the grid: varied keys, their values, and per grid point a summary table");
  std::vector<std::string> keys;
  std::vector<std::int8_t> settle;
  std::vector<std::int64_t> shape;
  for (const auto& a : s.axes) {
    keys.push_back(a.key);
    settle.push_back(a.settle_only ? 1 : 0);
    shape.push_back(static_cast<std::int64_t>(a.values.size()));
  }
  strings(w, "/sweep/keys", keys, {K}, "varied scenario keys, in axis order");
  std::vector<std::string> labels;
  for (const auto& a : s.axes) labels.push_back(report::plain_key_label(a.key));
  strings(w, "/sweep/labels", labels, {K}, "each key's name in words, for charts and tables");
  flags(w, "/sweep/settle_only", settle, {K},
        "1: the key changes only settlement (points share a sampling pass)");
  ints(w, "/sweep/shape", shape, {K}, "number of values of each key; the grid has prod(shape) points");
  group(w, "/sweep/values", "values/<k>: the values of key k as written (string)");
  group(w, "/sweep/value_labels", "value_labels/<k>: the values of key k in words, for charts and tables");
  group(w, "/sweep/numeric",
        "numeric/<k>: the values of key k as numbers (percent as a fraction; NaN if not numeric)");
  for (std::size_t k = 0; k < s.axes.size(); ++k) {
    const auto& a = s.axes[k];
    const auto n = static_cast<hsize_t>(a.values.size());
    strings(w, fmt::format("/sweep/values/{}", k), a.values, {n}, "values of key " + a.key + " as written");
    std::vector<double> num;
    for (const auto& v : a.values) num.push_back(sweep_numeric(v));
    doubles(w, fmt::format("/sweep/numeric/{}", k), num, {n}, "", "values of key " + a.key + " as numbers");
    std::vector<std::string> words;
    for (const auto& v : a.values) words.push_back(report::plain_key_value(a.key, v));
    strings(w, fmt::format("/sweep/value_labels/{}", k), words, {n},
            "values of key " + a.key + " in words ($, %, thousands separators)");
  }
}

// /sweep/points: one row per grid point.
void write_sweep_points(h5::FileWriter& w, const SweepResults& s) {
  const auto P = static_cast<hsize_t>(s.points.size());
  const auto T = static_cast<hsize_t>(n_tracks(s));
  const auto K = static_cast<hsize_t>(s.axes.size());
  group(w, "/sweep/points", "one row per grid point, row-major over the axes (the last key varies fastest)");
  std::vector<std::int64_t> index, pass;
  std::vector<std::string> value, scen, labels;
  for (const auto& p : s.points) {
    for (std::size_t k = 0; k < s.axes.size(); ++k) {
      index.push_back(k < p.index.size() ? static_cast<std::int64_t>(p.index[k]) : -1);
      value.push_back(k < p.set.size() ? p.set[k].value : "");
    }
    pass.push_back(p.group);
    scen.push_back(p.results.meta.scenario_text);
    for (std::size_t t = 0; t < T; ++t) labels.push_back(p.results.tracks[t].label);
  }
  std::vector<std::string> names;
  for (const auto& l : labels) names.push_back(report::plain_track_label(l));
  ints(w, "/sweep/points/index", index, {P, K}, "index into each key's values");
  strings(w, "/sweep/points/value", value, {P, K}, "each key's value at the point, as written");
  ints(w, "/sweep/points/sampling_pass", pass, {P},
       "the sampling pass (shared random draws) that served the point");
  strings(w, "/sweep/points/scenario", scen, {P},
          "the point's complete scenario YAML (acosim run reproduces it)");
  strings(w, "/sweep/points/labels", labels, {P, T},
          "track labels at each point (a settle-only key may change them)");
  strings(w, "/sweep/points/names", names, {P, T}, "the track labels in words, for charts and tables");
}

// /sweep/summary: statistics per grid point and track slot.
void write_sweep_summary(h5::FileWriter& w, const SweepResults& s) {
  const auto P = static_cast<hsize_t>(s.points.size());
  const auto T = static_cast<hsize_t>(n_tracks(s));
  H5::Group sum = group(w, "/sweep/summary", "statistics per grid point (rows) and track slot (columns)");
  attr(w, sum, "dimensions", "points x tracks");
  for (const auto& [name, member, units] :
       {std::tuple{"dollars", &TrackSummary::dollars, "USD"},
        std::tuple{"percent", &TrackSummary::percent, "percent of updated benchmark"}}) {
    const std::string gp = std::string("/sweep/summary/") + name;
    H5::Group g = group(w, gp, std::string("net payment statistics, ") + units);
    attr(w, g, "units", units);
    for (const auto& field : kStatsFields) {
      std::vector<double> v;
      for (const auto& p : s.points) {
        for (std::size_t t = 0; t < T; ++t) v.push_back(p.results.tracks[t].*member.*field.member);
      }
      doubles(w, gp + "/" + field.name, v, {P, T}, units, field.description);
    }
    std::vector<double> pct;
    for (const auto& p : s.points) {
      for (std::size_t t = 0; t < T; ++t) {
        const auto& ps = (p.results.tracks[t].*member).percentiles;
        pct.insert(pct.end(), ps.begin(), ps.end());
      }
    }
    const hsize_t L = kPercentileLevels.size();
    H5::DataSet ds =
        doubles(w, gp + "/percentiles", pct, {P, T, L}, units, "percentiles; [p, t, j] is level levels[j]");
    w.put_doubles(ds, "levels", {kPercentileLevels.begin(), kPercentileLevels.end()});
  }
  for (const auto& field : kTrackFields) {
    std::vector<double> v;
    for (const auto& p : s.points) {
      for (std::size_t t = 0; t < T; ++t) v.push_back(p.results.tracks[t].*field.member);
    }
    doubles(w, std::string("/sweep/summary/") + field.name, v, {P, T}, "probability [0-1]",
            field.description);
  }
}

// /sweep/risk: the risk verdict per grid point and track slot.
void write_sweep_risk(h5::FileWriter& w, const SweepResults& s) {
  const auto P = static_cast<hsize_t>(s.points.size());
  const auto T = static_cast<hsize_t>(n_tracks(s));
  H5::Group rg =
      group(w, "/sweep/risk", "the risk verdict per grid point and track slot (sim/engine/risk.hpp)");
  attr(w, rg, "max_loss", s.risk->max_loss.value_or(NAN));
  attr(w, rg, "confidence", s.risk->confidence);
  attr(w, rg, "max_es", s.risk->max_es.value_or(NAN));
  attr(w, rg, "risk_aversion", s.risk->risk_aversion.value_or(NAN));
  attr(w, rg, "appetite", describe_appetite(*s.risk));
  std::vector<double> pe, var, es, ce;
  std::vector<std::int8_t> fits;
  std::vector<std::int64_t> rank;
  std::vector<std::string> rec;
  for (const auto& p : s.points) {
    std::vector<std::int64_t> r(T, 0);
    for (std::size_t i = 0; i < p.risk->ranking.size(); ++i)
      r[static_cast<std::size_t>(p.risk->ranking[i])] = static_cast<std::int64_t>(i) + 1;
    for (std::size_t t = 0; t < T; ++t) {
      const TrackRisk& x = p.risk->tracks[t];
      pe.push_back(x.p_exceed);
      var.push_back(x.var);
      es.push_back(x.es);
      ce.push_back(x.ce);
      fits.push_back(x.fits() ? 1 : 0);
      rank.push_back(r[t]);
    }
    rec.push_back(recommendation_text(*p.risk));
  }
  doubles(w, "/sweep/risk/p_exceed", pe, {P, T}, "probability [0-1]", "P(owing more than max_loss)");
  doubles(w, "/sweep/risk/var", var, {P, T}, "USD", "value at risk of losses at the confidence level");
  doubles(w, "/sweep/risk/es", es, {P, T}, "USD", "expected shortfall of losses at the confidence level");
  doubles(w, "/sweep/risk/certainty_equivalent", ce, {P, T}, "USD",
          "CE = -(1/a) ln E[exp(-a x)] (mean when a = 0)");
  flags(w, "/sweep/risk/fits", fits, {P, T}, "1 when the track meets every stated limit");
  ints(w, "/sweep/risk/rank", rank, {P, T}, "1 = recommended at that point");
  strings(w, "/sweep/risk/recommendation", rec, {P}, "the recommendation in plain words");
}

void write_sweep_file(h5::FileWriter& w, const SweepResults& s, const SweepProvenance& prov) {
  attr(w, w.file(), "format", kSweepFormat);
  attr_i64(w, w.file(), "format_version", kSweepFormatVersion);
  write_sweep_metadata(w, s, prov);
  write_sweep_axes(w, s);
  write_sweep_points(w, s);
  write_sweep_summary(w, s);
  if (s.risk) write_sweep_risk(w, s);
}

// ---------------------------------------------------------------------------------------------
// Tables

std::string raw(double x) { return std::isfinite(x) ? fmt::format("{}", x) : "NaN"; }

using report::md_cell;

std::string prob(double p) { return report_detail::probability(p); }

std::string header_line(const SweepResults& s) {
  std::string keys;
  for (const auto& a : s.axes) {
    keys += fmt::format("{}{} ({}, {} value{}{})", keys.empty() ? "" : " x ", report::plain_key_label(a.key),
                        a.key, a.values.size(), a.values.size() == 1 ? "" : "s",
                        a.settle_only ? ", settle-only" : "");
  }
  return fmt::format("Sweep of {}: {}", s.base.name, keys);
}

// True when the table shows a certainty equivalent (only with risk aversion; else CE = mean).
bool show_ce(const SweepResults& s) { return s.risk && s.risk->risk_aversion && *s.risk->risk_aversion > 0; }

std::string stats_line(const SweepResults& s) {
  const std::string runs =
      s.stats.runs > 0 ? fmt::format("{} runs", s.stats.runs) : std::string("runs as varied");
  return fmt::format(
      "{} points x {}, seed {}; {} sampling pass{} ({:.2f} s), settlement and statistics {:.2f} s, "
      "{:.2f} s in all on {} threads",
      s.stats.points, runs, s.base.seed, s.stats.sampling_passes, s.stats.sampling_passes == 1 ? "" : "es",
      s.stats.sampling_seconds, s.stats.settle_seconds, s.stats.wall_seconds, s.stats.threads);
}

}  // namespace

double sweep_numeric(const std::string& v) {
  if (const auto x = parse_decimal_or_percent(v)) return x->percent ? x->value * 0.01 : x->value;
  if (v == "true" || v == "yes" || v == "on") return 1;
  if (v == "false" || v == "no" || v == "off") return 0;
  return NAN;
}

void write_sweep(const std::filesystem::path& path, const SweepResults& s, const SweepProvenance& prov) {
  for (const auto& p : s.points) {
    if (p.results.tracks.size() != n_tracks(s))
      throw std::invalid_argument("write_sweep: points differ in track count");
    if (s.risk && !p.risk) throw std::invalid_argument("write_sweep: a point lacks its risk verdict");
  }
  check_writable(path);
  H5::Exception::dontPrint();
  std::string bytes;
  try {
    h5::FileWriter w(path.string());  // in memory; published by one atomic write
    write_sweep_file(w, s, prov);
    bytes = w.image();
  } catch (const H5::Exception& e) {
    throw InputError(fmt::format("cannot write sweep file {}: {}", path.string(), h5::describe(e)));
  }
  write_file_atomically(path, bytes);
}

std::string sweep_csv(const SweepResults& s) {
  std::vector<std::string> h = {"point"};
  for (const auto& a : s.axes) h.push_back(a.key);
  for (const char* c : {"track_index", "track", "sampling_pass", "mean", "mcse", "sd", "min"})
    h.emplace_back(c);
  for (double l : kPercentileLevels) h.push_back(fmt::format("p{}", l));
  for (const char* c : {"max", "var95", "es95", "var99", "es99", "mean_pct", "mcse_pct", "p5_pct", "p50_pct",
                        "p95_pct", "es95_pct", "p_savings", "p_savings_se", "p_losses", "p_losses_se",
                        "p_corridor", "p_quality_failed"}) {
    h.emplace_back(c);
  }
  if (s.risk) {
    for (const char* c :
         {"risk_rank", "risk_fits", "risk_p_exceed", "risk_var", "risk_es", "certainty_equivalent"})
      h.emplace_back(c);
  }
  std::string out;
  for (std::size_t j = 0; j < h.size(); ++j) out += (j ? "," : "") + csv_escape(h[j]);
  out += "\n";
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const auto& p = s.points[i];
    std::vector<int> rank(p.results.tracks.size(), 0);
    if (p.risk) {
      for (std::size_t r = 0; r < p.risk->ranking.size(); ++r)
        rank[static_cast<std::size_t>(p.risk->ranking[r])] = static_cast<int>(r) + 1;
    }
    for (std::size_t t = 0; t < p.results.tracks.size(); ++t) {
      const TrackSummary& x = p.results.tracks[t];
      std::vector<std::string> row = {std::to_string(i)};
      for (const auto& a : p.set) row.push_back(a.value);
      row.push_back(std::to_string(t));
      row.push_back(x.label);
      row.push_back(std::to_string(p.group));
      for (double v : {x.dollars.mean, x.dollars.mcse, x.dollars.sd, x.dollars.min}) row.push_back(raw(v));
      for (double v : x.dollars.percentiles) row.push_back(raw(v));
      for (double v : {x.dollars.max, x.dollars.var95, x.dollars.es95, x.dollars.var99, x.dollars.es99,
                       x.percent.mean, x.percent.mcse, x.percent.percentiles[1], x.percent.percentiles[4],
                       x.percent.percentiles[7], x.percent.es95, x.p_savings, x.p_savings_se, x.p_losses,
                       x.p_losses_se, x.p_corridor, x.p_quality_failed}) {
        row.push_back(raw(v));
      }
      if (s.risk) {
        const TrackRisk& r = p.risk->tracks[t];
        row.push_back(std::to_string(rank[t]));
        row.push_back(r.fits() ? "1" : "0");
        for (double v : {r.p_exceed, r.var, r.es, r.ce}) row.push_back(raw(v));
      }
      for (std::size_t j = 0; j < row.size(); ++j) out += (j ? "," : "") + csv_escape(row[j]);
      out += "\n";
    }
  }
  return out;
}

std::string sweep_markdown(const SweepResults& s) {
  std::string out = "# " + md_cell(header_line(s)) + "\n\n" + md_cell(stats_line(s)) + ".\n\n";
  if (s.risk) out += "Risk appetite: " + md_cell(describe_appetite(*s.risk)) + ".\n\n";
  out +=
      "Net payment to the ACO per grid point and track (USD; negative: shared losses owed). Mean ± Monte "
      "Carlo "
      "standard error; P5/P50/P95 percentiles over runs; ES95: mean loss in the worst 5% of runs.\n\n";
  std::vector<std::string> h;
  for (const auto& a : s.axes) h.push_back(report::plain_key_label(a.key));
  for (const char* c : {"Track", "Mean ± SE", "P(losses)", "P5", "P50", "P95", "ES95"}) h.emplace_back(c);
  if (s.risk && s.risk->max_loss) h.push_back("P(owe > " + format_money_full(*s.risk->max_loss) + ")");
  if (show_ce(s)) h.emplace_back("CE");
  if (s.risk) h.emplace_back("Fits");
  out += "|";
  for (const auto& c : h) out += " " + md_cell(c) + " |";
  out += "\n|";
  for (std::size_t j = 0; j < h.size(); ++j) out += j <= s.axes.size() ? ":---|" : "---:|";
  out += "\n";
  for (const auto& p : s.points) {
    for (std::size_t t = 0; t < p.results.tracks.size(); ++t) {
      const TrackSummary& x = p.results.tracks[t];
      std::vector<std::string> row;
      for (const auto& a : p.set) row.push_back(report::plain_key_value(a.key, a.value));
      row.push_back(report::plain_track_label(x.label));
      row.push_back(format_money_full(x.dollars.mean) + " ± " + format_money_full(x.dollars.mcse));
      row.push_back(prob(x.p_losses));
      for (double v :
           {x.dollars.percentiles[1], x.dollars.percentiles[4], x.dollars.percentiles[7], x.dollars.es95}) {
        row.push_back(format_money_full(v));
      }
      if (s.risk && s.risk->max_loss) row.push_back(prob(p.risk->tracks[t].p_exceed));
      if (show_ce(s)) row.push_back(format_money_full(p.risk->tracks[t].ce));
      if (s.risk) row.push_back(p.risk->tracks[t].fits() ? "yes" : "no");
      out += "|";
      for (const auto& c : row) out += " " + md_cell(c) + " |";
      out += "\n";
    }
  }
  return out + "\n";
}

std::string sweep_text(const SweepResults& s) {
  // One table per point (titled with its values in words), so that every line fits kTextWidth.
  std::string out = report::wrap(header_line(s), report::kTextWidth) + "\n";
  std::vector<std::string> h;
  for (const char* c : {"Track", "Mean", "P(losses)", "P5", "ES95"}) h.emplace_back(c);
  if (s.risk && s.risk->max_loss) h.push_back("P(owe>" + format_money(*s.risk->max_loss) + ")");
  if (show_ce(s)) h.emplace_back("CE");
  if (s.risk) h.emplace_back("Fits");
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const auto& p = s.points[i];
    report::Table t;
    for (const auto& a : p.set) {
      t.title += fmt::format("{}{} {}", t.title.empty() ? "" : "; ", report::plain_key_label(a.key),
                             report::plain_key_value(a.key, a.value));
    }
    if (t.title.empty()) t.title = fmt::format("Point {}", i + 1);
    t.header = h;
    for (std::size_t k = 0; k < p.results.tracks.size(); ++k) {
      const TrackSummary& x = p.results.tracks[k];
      std::vector<std::string> row{report::plain_track_label(x.label), format_money(x.dollars.mean),
                                   prob(x.p_losses), format_money(x.dollars.percentiles[1]),
                                   format_money(x.dollars.es95)};
      if (s.risk && s.risk->max_loss) row.push_back(prob(p.risk->tracks[k].p_exceed));
      if (show_ce(s)) row.push_back(format_money(p.risk->tracks[k].ce));
      if (s.risk) {
        const TrackRisk& r = p.risk->tracks[k];
        row.push_back(r.fits() ? (r.borderline ? "yes*" : "yes") : "no");
      }
      t.rows.push_back(std::move(row));
    }
    out += report::render_text(t);
  }
  std::string notes =
      "Mean: net payment to the ACO (negative: owed); P5: 5th percentile; ES95: mean loss in the worst 5% of "
      "runs.";
  if (s.risk) {
    notes += " Risk appetite: " + describe_appetite(*s.risk) +
             (show_ce(s) ? "; CE: certainty equivalent" : "") +
             "; Fits: meets every limit (*: within Monte Carlo error of one).";
  }
  return out + report::wrap(notes, report::kTextWidth) +
         report::wrap(stats_line(s) + ".", report::kTextWidth);
}

}  // namespace acosim
