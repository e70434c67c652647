#include "sim/output/sweep_report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/common/error.hpp"
#include "sim/common/format.hpp"
#include "sim/output/report/html_page.hpp"
#include "sim/output/report/json.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/table.hpp"
#include "sim/output/summary_fields.hpp"
#include "sim/output/sweep_io.hpp"
#include "sim/output/verdict_text.hpp"

namespace acosim {

namespace {

using namespace report::svg;
using report::plain_key_label;
using report::plain_key_value;
using report::plain_track_label;

// The point whose value index is `index` on every axis, or nullopt.
std::optional<std::size_t> point_at(const SweepResults& s, const std::vector<std::size_t>& index) {
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    if (s.points[i].index == index) return i;
  }
  return std::nullopt;
}

}  // namespace

Spider sweep_spider(const SweepResults& s) {
  Spider sp;
  if (s.axes.empty() || s.points.empty()) return sp;
  for (const auto& a : s.axes) sp.reference_index.push_back((a.values.size() - 1) / 2);
  const auto centre = point_at(s, sp.reference_index);
  if (!centre) return Spider{};
  sp.reference_point = *centre;
  for (std::size_t k = 0; k < s.axes.size(); ++k) {
    const SweepAxis& a = s.axes[k];
    const double ref = sweep_numeric(a.values[sp.reference_index[k]]);
    const bool numeric = std::all_of(a.values.begin(), a.values.end(),
                                     [](const std::string& v) { return std::isfinite(sweep_numeric(v)); });
    if (!numeric || !std::isfinite(ref) || ref == 0) {
      sp.skipped.push_back(a.key);
      continue;
    }
    SpiderAxis line{k, ref, {}};
    std::vector<std::size_t> index = sp.reference_index;
    for (std::size_t j = 0; j < a.values.size(); ++j) {
      index[k] = j;
      if (const auto p = point_at(s, index))
        line.points.push_back({*p, sweep_numeric(a.values[j]) / ref - 1});
    }
    sp.axes.push_back(std::move(line));
  }
  return sp;
}

namespace {

// Dash patterns telling the keys apart (the colour tells the track).
constexpr std::array<const char*, 5> kDashes = {"", "7 4", "2 3", "10 3 2 3", "4 2"};
const char* dash(std::size_t k) { return kDashes[k % kDashes.size()]; }

struct SpiderMetric {
  const char* title;
  const char* axis;
  bool probability;
  double (*value)(const TrackSummary&);
};
constexpr SpiderMetric kSpiderMetrics[2] = {
    {"Mean net payment", "Mean net payment [USD]", false,
     [](const TrackSummary& t) { return t.dollars.mean; }},
    {"Chance of owing shared losses", "P(owe shared losses)", true,
     [](const TrackSummary& t) { return t.p_losses; }},
};

std::string signed_percent(double f) {
  const double v = std::round(f * 1e4) / 1e2;
  return fmt::format("{}{:g}%", v > 0 ? "+" : "", v == 0 ? 0.0 : v);
}

// One spider chart: a line per (swept key, track); x the key's relative change from its reference,
// y the metric. Every dot carries its figures (data-point, data-track, data-change, data-value) and
// a tooltip with the key's value in words.
std::string spider_chart(const SweepResults& s, const Spider& sp, const SpiderMetric& m, const Size& z) {
  const std::size_t T = s.points.front().results.tracks.size();
  double x0 = 0, x1 = 0, y0 = INFINITY, y1 = -INFINITY;
  for (const SpiderAxis& a : sp.axes) {
    for (const SpiderPoint& p : a.points) {
      x0 = std::min(x0, p.change);
      x1 = std::max(x1, p.change);
      for (const TrackSummary& t : s.points[p.point].results.tracks) {
        y0 = std::min(y0, m.value(t));
        y1 = std::max(y1, m.value(t));
      }
    }
  }
  if (!std::isfinite(y0)) return "";
  const double xpad = (x1 - x0) * 0.04 + 1e-9, ypad = (y1 - y0) * 0.08 + (m.probability ? 0.005 : 1);
  x0 -= xpad, x1 += xpad, y0 -= ypad, y1 += ypad;
  if (m.probability) y0 = std::max(y0, 0.0);
  Chart c(z.width, 320, z.narrow ? 92 : 84, z.narrow ? 30 : 20, 14, 46);
  c.x_range(x0, x1);
  c.y_range(y0, y1);
  c.open(std::string("Spider chart: ") + m.title, z);
  c.x_axis(nice_ticks(x0, x1, z.ticks), signed_percent,
           z.narrow ? "Change of the key from its reference"
                    : "Change of each swept key from its reference value");
  if (m.probability) {
    c.y_axis(
        nice_ticks(y0, y1, 5), [](double v) { return fmt::format("{:g}%", std::round(v * 1e5) / 1e3); },
        m.axis);
  } else {
    c.y_axis(nice_ticks(y0, y1, 5), money_compact, m.axis);
  }
  c.vline(0, "#666", "");
  auto& svg = c.svg();
  for (const SpiderAxis& a : sp.axes) {
    const SweepAxis& ax = s.axes[a.axis];
    for (std::size_t t = 0; t < T; ++t) {
      std::vector<std::pair<double, double>> pts;
      for (const SpiderPoint& p : a.points)
        pts.emplace_back(p.change, m.value(s.points[p.point].results.tracks[t]));
      c.polyline(pts, color(t), 2, dash(a.axis));
      for (std::size_t j = 0; j < a.points.size(); ++j) {
        const SpiderPoint& p = a.points[j];
        const TrackSummary& tr = s.points[p.point].results.tracks[t];
        const double v = m.value(tr);
        const std::string tip =
            fmt::format("{} = {} ({}): {}, {}", plain_key_label(ax.key),
                        plain_key_value(ax.key, ax.values[j]), signed_percent(p.change),
                        plain_track_label(tr.label), m.probability ? probability(v) : money_full(v));
        svg += fmt::format(
            R"(<circle cx="{}" cy="{}" r="3.5" fill="{}" data-point="{}" data-track="{}" data-change="{}" )"
            R"(data-value="{}"><title>{}</title></circle>)",
            num(c.px(p.change)), num(c.py(v)), color(t), p.point, t, p.change, v, esc(tip));
      }
    }
  }
  c.close();
  return c.svg();
}

// The legend under a spider chart: the tracks' colours and the keys' dash patterns, each key in
// words with its raw name in small print.
std::string spider_legend(const SweepResults& s, const Spider& sp) {
  const auto swatch = [](const char* stroke, const char* dashes) {
    return fmt::format(
        R"(<svg width="30" height="10" aria-hidden="true"><line x1="1" y1="5" x2="29" y2="5" stroke="{}" )"
        R"(stroke-width="2.5"{}/></svg> )",
        stroke, *dashes ? fmt::format(R"( stroke-dasharray="{}")", dashes) : "");
  };
  std::string h = "<ul class=\"legend\">";
  const auto& tracks = s.points[sp.reference_point].results.tracks;
  for (std::size_t t = 0; t < tracks.size(); ++t) {
    h += "<li>" + swatch(color(t), "") + esc(plain_track_label(tracks[t].label)) + "</li>";
  }
  h += "</ul>\n<ul class=\"legend\">";
  for (const SpiderAxis& a : sp.axes) {
    const SweepAxis& ax = s.axes[a.axis];
    h += fmt::format("<li>{}{} <span class=\"key\">{}</span>, reference {}</li>",
                     swatch("#444", dash(a.axis)), esc(plain_key_label(ax.key)), esc(ax.key),
                     esc(plain_key_value(ax.key, ax.values[sp.reference_index[a.axis]])));
  }
  return h + "</ul>\n";
}

// The table of every point and track, keys and values in words.
report::Table sweep_table(const SweepResults& s) {
  report::Table t;
  t.title = "Every grid point";
  t.note =
      "Net payment to the ACO [USD] (negative: shared losses owed); ES95: mean loss in the worst 5% of runs.";
  for (const auto& a : s.axes) t.header.push_back(plain_key_label(a.key));
  for (const char* c : {"Track", "Mean", "± SE", "P(losses)", "P5", "P50", "P95", "ES95"})
    t.header.emplace_back(c);
  t.left_columns = s.axes.size() + 1;
  for (const auto& p : s.points) {
    for (const TrackSummary& x : p.results.tracks) {
      std::vector<std::string> row;
      for (const auto& a : p.set) row.push_back(plain_key_value(a.key, a.value));
      row.push_back(plain_track_label(x.label));
      for (double v : {x.dollars.mean, x.dollars.mcse}) row.push_back(money_full(v));
      row.push_back(probability(x.p_losses));
      for (double v :
           {x.dollars.percentiles[1], x.dollars.percentiles[4], x.dollars.percentiles[7], x.dollars.es95})
        row.push_back(money_full(v));
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

std::string spider_section(const SweepResults& s, const Spider& sp) {
  std::string h = "<h2>Spider chart</h2>\n";
  if (sp.axes.empty()) {
    return h +
           "<p class=\"note\">No swept key has numeric values around a non-zero reference: no spider "
           "chart.</p>\n";
  }
  std::string note =
      "Each line moves one swept key alone, the others at their reference value (the middle of their "
      "values), "
      "and shows the track's figure against the key's change from its reference: a steep line is a key the "
      "figure is sensitive to. Colour: the track; dash: the key.";
  if (!sp.skipped.empty()) {
    std::string keys;
    for (const auto& k : sp.skipped) keys += (keys.empty() ? "" : ", ") + plain_key_label(k) + " (" + k + ")";
    note += " Not drawn (values not numbers, or a reference of 0): " + keys + ".";
  }
  h += "<p class=\"note\">" + esc(note) + "</p>\n";
  for (const SpiderMetric& m : kSpiderMetrics) {
    h += fmt::format("<div class=\"keep\">\n<h3>{}</h3>\n{}\n{}\n{}</div>\n", esc(m.title),
                     spider_chart(s, sp, m, kWide), spider_chart(s, sp, m, kNarrow), spider_legend(s, sp));
  }
  return h;
}

}  // namespace

std::string sweep_html(const SweepResults& s) {
  std::string keys;
  for (const auto& a : s.axes) keys += (keys.empty() ? "" : " x ") + plain_key_label(a.key);
  std::string h = report::page_open(
      "acosim sweep: " + s.base.name,
      fmt::format("{} grid points of {} ({} runs each, seed {}), every point with the same random draws.",
                  s.points.size(), keys.empty() ? std::string("listed points") : keys,
                  s.stats.runs > 0 ? count(s.stats.runs) : std::string("varied"), s.base.seed));
  h += "<h2>Swept keys</h2>\n<table class=\"kv\">\n";
  for (const auto& a : s.axes) {
    std::string values;
    for (const auto& v : a.values) values += (values.empty() ? "" : ", ") + plain_key_value(a.key, v);
    h += fmt::format("<tr><td>{}<br><span class=\"key\">{}</span></td><td>{}{}</td></tr>\n",
                     esc(plain_key_label(a.key)), esc(a.key), esc(values),
                     a.settle_only ? " (settle-only: one sampling pass)" : "");
  }
  h += "</table>\n";
  if (s.risk) h += "<p class=\"note\">Risk appetite: " + esc(describe_appetite(*s.risk)) + ".</p>\n";
  if (!s.points.empty()) h += spider_section(s, sweep_spider(s));
  h += "<h2>Tables</h2>\n" + report::render_html(sweep_table(s));
  return h + report::page_close(s.stats, s.base.seed, "points");
}

std::string sweep_json(const SweepResults& s) {
  using json = nlohmann::ordered_json;
  json j;
  j["format"] = "acosim-sweep-report";
  j["format_version"] = 1;
  j["scenario"] = s.base.name;
  j["seed"] = s.base.seed;
  auto axes = json::array();
  for (const auto& a : s.axes) {
    axes.push_back({{"key", a.key},
                    {"label", plain_key_label(a.key)},
                    {"values", a.values},
                    {"settle_only", a.settle_only}});
  }
  j["axes"] = std::move(axes);
  auto points = json::array();
  for (const auto& p : s.points) {
    json e;
    e["index"] = p.index;
    auto set = json::object();
    for (const auto& a : p.set) set[a.key] = a.value;
    e["set"] = std::move(set);
    e["sampling_pass"] = p.group;
    auto tracks = json::array();
    for (const TrackSummary& t : p.results.tracks) {
      json x;
      x["label"] = t.label;
      x["name"] = plain_track_label(t.label);
      x["dollars"] = report::stats_json(t.dollars);
      x["percent"] = report::stats_json(t.percent);
      for (const TrackField& f : kTrackFields) x[f.name] = t.*f.member;
      tracks.push_back(std::move(x));
    }
    e["tracks"] = std::move(tracks);
    points.push_back(std::move(e));
  }
  j["points"] = std::move(points);
  const Spider sp = sweep_spider(s);
  json spider;
  spider["reference_index"] = sp.reference_index;
  auto lines = json::array();
  for (const SpiderAxis& a : sp.axes) {
    auto pts = json::array();
    for (const SpiderPoint& p : a.points) pts.push_back({{"point", p.point}, {"change", p.change}});
    lines.push_back({{"key", s.axes[a.axis].key}, {"reference", a.reference}, {"points", std::move(pts)}});
  }
  spider["axes"] = std::move(lines);
  spider["skipped"] = sp.skipped;
  j["spider"] = std::move(spider);
  return j.dump(2) + "\n";
}

std::string render_sweep_report(ReportFormat f, const SweepResults& s) {
  switch (f) {
    case ReportFormat::Text: return sweep_text(s);
    case ReportFormat::Markdown: return sweep_markdown(s);
    case ReportFormat::Html: return sweep_html(s);
    case ReportFormat::Csv: return sweep_csv(s);
    case ReportFormat::Json: return sweep_json(s);
    case ReportFormat::Xlsx: break;
  }
  throw InputError("a sweep has no workbook; allowed for a sweep: text, md, html, csv, json");
}

}  // namespace acosim
