// The tornado's outputs (sim/output/tornado_report.hpp).
#include "sim/output/tornado_report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/common/error.hpp"
#include "sim/common/format.hpp"
#include "sim/common/text.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/html_page.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/numbers.hpp"
#include "sim/output/report/svg_chart.hpp"
#include "sim/output/report/table.hpp"

namespace acosim {

namespace {

bool is_probability(const std::string& metric) { return metric == "p_losses" || metric == "p_savings"; }

std::string metric_value(const std::string& metric, double v) {
  return is_probability(metric) ? report_detail::probability(v) : format_money(v);
}

std::string metric_name(const std::string& m) {
  if (m == "mean") return "mean net payment";
  if (m == "p_losses") return "P(owing shared losses)";
  if (m == "p_savings") return "P(earning shared savings)";
  if (m == "p5") return "5th percentile of net payment";
  if (m == "p50") return "median net payment";
  if (m == "p95") return "95th percentile of net payment";
  if (m == "var95") return "VaR95 of losses";
  if (m == "es95") return "ES95 of losses";
  return m;
}

// The inputs' scenario keys, once, for users who type them (--input KEY=LOW,HIGH).
std::string tornado_keys_line(const TornadoResult& t) {
  std::vector<std::string> seen;
  for (const auto& tr : t.tracks) {
    for (const auto& b : tr.bars) {
      if (std::find(seen.begin(), seen.end(), b.key) == seen.end()) seen.push_back(b.key);
    }
  }
  std::string line;
  for (const auto& k : seen) {
    const std::string label = report::plain_key_label(k);
    line += fmt::format("{}{}", line.empty() ? "" : "; ", label == k ? k : fmt::format("{}: {}", label, k));
  }
  return line.empty() ? "" : "Scenario keys: " + line + ". ";
}

}  // namespace

namespace {

// One table per track, ranked by swing, and the note under them (text and Markdown).
std::vector<report::Table> tornado_tables(const TornadoResult& t) {
  std::vector<report::Table> tables;
  for (const auto& tr : t.tracks) {
    const std::string title =
        fmt::format("Tornado: {} of {} (base {}), {} runs, seed {}", metric_name(t.metric),
                    report::plain_track_label(tr.label), metric_value(t.metric, tr.base), t.runs, t.seed);
    report::Table table{title, "", {"Rank", "Input", "Low", "High", "At low", "At high", "Swing"}, {}, 2};
    int rank = 0;
    for (const auto& b : tr.bars) {
      const std::string swing =
          is_probability(t.metric) ? fmt::format("{:.2f} pts", 100 * b.swing) : format_money(b.swing);
      table.rows.push_back({std::to_string(++rank), report::plain_key_label(b.key),
                            report::plain_key_value(b.key, b.low), report::plain_key_value(b.key, b.high),
                            metric_value(t.metric, b.at_low), metric_value(t.metric, b.at_high), swing});
    }
    tables.push_back(std::move(table));
  }
  return tables;
}
std::string tornado_note(const TornadoResult& t) {
  return tornado_keys_line(t) +
         fmt::format(
             "Inputs varied one at a time between low and high, the others at the scenario's values; "
             "ranked by swing |at high - at low|. {} simulations in {} sampling pass{}, {:.2f} s.",
             t.stats.points, t.stats.sampling_passes, t.stats.sampling_passes == 1 ? "" : "es",
             t.stats.wall_seconds);
}

}  // namespace

std::string tornado_text(const TornadoResult& t) {
  std::string out;
  for (const auto& table : tornado_tables(t)) out += report::render_text(table);
  return out + report::wrap(tornado_note(t), report::kTextWidth);
}

std::string tornado_markdown(const TornadoResult& t) {
  std::string out = "# Tornado analysis\n\n";
  for (const auto& table : tornado_tables(t)) out += report::render_markdown(table);
  return out + tornado_note(t) + "\n";
}

std::string tornado_csv(const TornadoResult& t) {
  const auto cell = [&t](double v) {
    return is_probability(t.metric) ? report::csv_number(v) : report::csv_cents(v);
  };
  std::string out = "track,rank,input,low,high,metric,base,at_low,at_high,swing,settle_only\n";
  for (const auto& tr : t.tracks) {
    int rank = 0;
    for (const auto& b : tr.bars) {
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", csv_escape(tr.label), ++rank,
                         csv_escape(b.key), csv_escape(b.low), csv_escape(b.high), t.metric, cell(tr.base),
                         cell(b.at_low), cell(b.at_high), cell(b.swing), b.settle_only ? 1 : 0);
    }
  }
  return out;
}

std::string tornado_json(const TornadoResult& t) {
  nlohmann::ordered_json j;
  j["format"] = "acosim-tornado";
  j["format_version"] = 1;
  j["scenario"] = t.scenario_name;
  j["runs"] = t.runs;
  j["seed"] = t.seed;
  j["metric"] = t.metric;
  j["metric_description"] = metric_name(t.metric);
  j["units"] = is_probability(t.metric) ? "probability [0-1]" : "USD";
  auto tracks = nlohmann::ordered_json::array();
  for (const auto& tr : t.tracks) {
    nlohmann::ordered_json e;
    e["label"] = tr.label;
    e["name"] = report::plain_track_label(tr.label);
    e["index"] = tr.index;
    e["base"] = tr.base;
    auto bars = nlohmann::ordered_json::array();
    int rank = 0;
    for (const auto& b : tr.bars) {
      bars.push_back({{"rank", ++rank},
                      {"input", b.key},
                      {"input_label", report::plain_key_label(b.key)},
                      {"low_label", report::plain_key_value(b.key, b.low)},
                      {"high_label", report::plain_key_value(b.key, b.high)},
                      {"low", b.low},
                      {"high", b.high},
                      {"at_low", b.at_low},
                      {"at_high", b.at_high},
                      {"swing", b.swing},
                      {"settle_only", b.settle_only}});
    }
    e["bars"] = std::move(bars);
    tracks.push_back(std::move(e));
  }
  j["tracks"] = std::move(tracks);
  j["sampling_passes"] = t.stats.sampling_passes;
  j["simulations"] = t.stats.points;
  j["wall_seconds"] = t.stats.wall_seconds;
  return j.dump(2) + "\n";
}

namespace {

// One track's tornado: a bar per input from the metric at its low value to the metric at its high
// value (the low end's colour and the high end's on either side of the base line), largest swing on
// top; labels in words.
std::string tornado_chart(const TornadoResult& t, const TornadoTrack& tr, const report::svg::Size& z) {
  using namespace report::svg;
  double lo = tr.base, hi = tr.base;
  for (const auto& b : tr.bars)
    lo = std::min({lo, b.at_low, b.at_high}), hi = std::max({hi, b.at_low, b.at_high});
  const bool prob = is_probability(t.metric);
  const double pad = (hi - lo) * 0.08 + (prob ? 0.005 : 1.0);
  const double bar = z.narrow ? 16 : 20, gap = z.narrow ? 24 : 16;
  const double rows = static_cast<double>(std::max<std::size_t>(tr.bars.size(), 1));
  const double top = 34, height = top + 50 + rows * (bar + gap);
  Chart c(z.width, height, z.narrow ? 14 : 250, z.narrow ? 14 : 20, top, 44);
  c.x_range(lo - pad, hi + pad);
  c.y_range(0, 1);
  c.open(fmt::format("Tornado of {} for {}", metric_name(t.metric), report::plain_track_label(tr.label)), z);
  c.x_axis(
      nice_ticks(lo - pad, hi + pad, z.ticks),
      [prob](double v) { return prob ? report::probability(v) : format_money(v); },
      prob ? metric_name(t.metric) : metric_name(t.metric) + " [USD]");
  c.vline(tr.base, "#666", "");
  auto& s = c.svg();
  s += fmt::format(R"(<text x="{}" y="{}" class="note" text-anchor="middle">base {}</text>)",
                   num(c.px(tr.base)), num(top - 8), esc(metric_value(t.metric, tr.base)));
  double y = c.top() + gap / 2 + (z.narrow ? 10 : 0);
  for (const auto& b : tr.bars) {
    const std::string name = report::plain_key_label(b.key), range = report::plain_key_value(b.key, b.low) +
                                                                     " to " +
                                                                     report::plain_key_value(b.key, b.high);
    if (z.narrow) {
      s += fmt::format(R"(<text x="{}" y="{}" class="tick">{}: {}</text>)", num(c.left() + 4), num(y - 4),
                       esc(name), esc(range));
    } else {
      s += fmt::format(R"(<text x="{}" y="{}" class="tick" text-anchor="end">{}</text>)", num(c.left() - 8),
                       num(y + bar / 2 - 2), esc(name));
      s += fmt::format(R"(<text x="{}" y="{}" class="note" text-anchor="end">{}</text>)", num(c.left() - 8),
                       num(y + bar / 2 + 11), esc(range));
    }
    // Each end's segment from the base (blue: the input at its low value, orange: at its high),
    // the longer first so that both show when they lie on the same side.
    std::array<std::tuple<double, const char*, const char*>, 2> ends = {
        std::tuple{b.at_low, color(0), "low"}, std::tuple{b.at_high, color(1), "high"}};
    if (std::abs(b.at_high - tr.base) > std::abs(b.at_low - tr.base)) std::swap(ends[0], ends[1]);
    for (const auto& [value, fill, end] : ends) {
      const double x0 = c.px(std::min(tr.base, value)), x1 = c.px(std::max(tr.base, value));
      s += fmt::format(
          R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} at its {} value: {}</title></rect>)",
          num(x0), num(y), num(std::max(0.5, x1 - x0)), num(bar - 2), fill, esc(name), end,
          esc(metric_value(t.metric, value)));
    }
    y += bar + gap;
  }
  c.close();
  return c.svg();
}

}  // namespace

std::string tornado_html(const TornadoResult& t) {
  std::string h = report::page_open(
      "acosim tornado: " + t.scenario_name,
      fmt::format("{}: each input varied alone between its low and high value, the others at the "
                  "scenario's values; {} runs per simulation, seed {}, the same random draws at every point.",
                  metric_name(t.metric), count(t.runs), t.seed));
  const std::vector<report::Table> tables = tornado_tables(t);
  const report::svg::Legend legend = {{"input at its low value", report::svg::color(0)},
                                      {"input at its high value", report::svg::color(1)}};
  for (std::size_t k = 0; k < t.tracks.size(); ++k) {
    const TornadoTrack& tr = t.tracks[k];
    h += report::figure(fmt::format("{}: {}", report::plain_track_label(tr.label), metric_name(t.metric)),
                        fmt::format("<p class=\"note\">Base {}; inputs ranked by swing, largest on top.</p>",
                                    report::html_escape(metric_value(t.metric, tr.base))),
                        tornado_chart(t, tr, report::svg::kWide), tornado_chart(t, tr, report::svg::kNarrow),
                        legend);
    h += report::render_html(tables[k]);
  }
  h += "<p class=\"note\">" + report::html_escape(tornado_note(t)) + "</p>\n";
  return h + report::page_close(t.stats, t.seed, "simulations");
}

std::string render_tornado(ReportFormat f, const TornadoResult& t) {
  switch (f) {
    case ReportFormat::Text: return tornado_text(t);
    case ReportFormat::Markdown: return tornado_markdown(t);
    case ReportFormat::Html: return tornado_html(t);
    case ReportFormat::Csv: return tornado_csv(t);
    case ReportFormat::Json: return tornado_json(t);
    case ReportFormat::Xlsx: break;
  }
  throw InputError("a tornado has no workbook; allowed: text, md, html, csv, json");
}

}  // namespace acosim
