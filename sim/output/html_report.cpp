// `acosim report --format html`: one self-contained page. Inline CSS, charts drawn here as inline
// SVG (no scripts, fonts, images or other files), so the page opens offline, prints, and can be
// mailed as a single attachment.
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "sim/common/format.hpp"
#include "sim/engine/risk.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/engine/uncertainty.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/html_page.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/svg_chart.hpp"
#include "sim/output/report/table.hpp"
#include "sim/output/verdict_text.hpp"

namespace acosim {

namespace {

using report::plain_track_label;
using report::Table;

using namespace report::svg;
using report::figure;

std::string pct_label(double p) {
  const double v = 100 * p;
  if (v >= 1) return fmt::format("{:g}%", v);
  return fmt::format("{:g}%", std::round(v * 1000) / 1000);
}

std::vector<long> done_rows(const RunTable& t) {
  std::vector<long> rows;
  for (long i = 0; i < t.runs(); ++i) {
    if (t.done(i)) rows.push_back(i);
  }
  return rows;
}

double mean_benchmark(const RunTable& t, const std::vector<long>& rows) {
  double s = 0;
  for (long i : rows) s += t.benchmark(i);
  return rows.empty() ? 0 : s / static_cast<double>(rows.size());
}

// Step histograms of the non-zero net payments, one line per track; the mass at exactly $0
// (no payment either way) goes in the legend, since it would dwarf every bin.
std::string histogram_chart(const SimulationResults& r, const Size& z, Legend& legend) {
  const RunTable& t = r.table;
  const auto rows = done_rows(t);
  if (rows.size() < 2) return "";
  const auto T = t.tracks.size();
  std::vector<std::vector<double>> values(T);
  double lo = INFINITY, hi = -INFINITY;
  for (std::size_t k = 0; k < T; ++k) {
    for (long i : rows) {
      const double v = t.payment(i, static_cast<long>(k));
      if (v != 0) values[k].push_back(v);
    }
    std::sort(values[k].begin(), values[k].end());
    if (values[k].empty()) continue;
    const std::span<const double> sv(values[k]);
    lo = std::min(lo, percentile_sorted(sv, 0.5));
    hi = std::max(hi, percentile_sorted(sv, 99.5));
  }
  if (!std::isfinite(lo)) return "";
  if (hi <= lo) hi = lo + 1;
  constexpr int kBins = 60;
  const double width = (hi - lo) / kBins;
  const double n = static_cast<double>(rows.size());
  std::vector<std::vector<double>> share(T, std::vector<double>(kBins, 0.0));
  double ymax = 0;
  for (std::size_t k = 0; k < T; ++k) {
    for (double v : values[k]) {
      const int b = std::clamp(static_cast<int>(std::floor((v - lo) / width)), 0, kBins - 1);
      share[k][static_cast<std::size_t>(b)] += 1.0 / n;
    }
    for (double s : share[k]) ymax = std::max(ymax, s);
  }
  Chart c(z.width, 320, 70, z.narrow ? 30 : 20, 34, 46);
  c.x_range(lo, hi);
  c.y_range(0, ymax * 1.08);
  c.open("Distribution of net payment per track", z);
  c.x_axis(nice_ticks(lo, hi, z.ticks), format_money,
           z.narrow ? "Net payment [USD]" : "Net payment to the ACO [USD] (negative: shared losses owed)");
  const double bench = mean_benchmark(t, rows);
  if (bench > 0) {
    c.top_axis(
        nice_ticks(100 * lo / bench, 100 * hi / bench, z.ticks), 100 / bench,
        [](double v) { return fmt::format("{:g}%", v); }, "% of mean benchmark");
  }
  c.y_axis(
      nice_ticks(0, ymax * 1.08, 5), [](double v) { return fmt::format("{:g}%", std::round(v * 1e5) / 1e3); },
      z.narrow ? "Share of runs" : "Share of runs per bin");
  if (lo < 0 && hi > 0) c.vline(0, "#666", "");
  legend.clear();
  for (std::size_t k = 0; k < T; ++k) {
    std::vector<std::pair<double, double>> pts;
    pts.emplace_back(lo, 0);
    for (int b = 0; b < kBins; ++b) {
      const double y = share[k][static_cast<std::size_t>(b)];
      pts.emplace_back(lo + b * width, y);
      pts.emplace_back(lo + (b + 1) * width, y);
    }
    pts.emplace_back(hi, 0);
    c.polyline(pts, color(k));
    const double zero = 1.0 - static_cast<double>(values[k].size()) / n;
    legend.emplace_back(fmt::format("{} ({} at $0)", plain_track_label(t.tracks[k]), pct_label(zero)),
                        color(k));
  }
  c.close();
  return c.svg();
}

// P(owe more than x) against x, log scale: the exceedance curve of losses L = max(0, -payment).
std::string exceedance_chart(const SimulationResults& r, const std::optional<RiskAppetite>& risk,
                             const Size& z, Legend& legend) {
  const RunTable& t = r.table;
  const auto rows = done_rows(t);
  if (rows.empty()) return "";
  const double n = static_cast<double>(rows.size());
  std::vector<std::vector<double>> losses(t.tracks.size());
  double max_loss = 0;
  for (std::size_t k = 0; k < t.tracks.size(); ++k) {
    for (long i : rows) {
      const double v = t.payment(i, static_cast<long>(k));
      if (v < 0) losses[k].push_back(-v);
    }
    std::sort(losses[k].begin(), losses[k].end());
    if (!losses[k].empty()) max_loss = std::max(max_loss, losses[k].back());
  }
  if (max_loss <= 0) return "";
  double xmax = max_loss;
  if (risk && risk->max_loss) xmax = std::max(xmax, *risk->max_loss * 1.1);
  const double ymin = std::pow(10.0, std::floor(std::log10(1.0 / n)));
  Chart c(z.width, 320, 70, z.narrow ? 30 : 20, 34, 46);
  c.x_range(0, xmax);
  c.y_range(ymin, 1, true);
  c.open("Exceedance curve of shared losses", z);
  c.x_axis(nice_ticks(0, xmax, z.ticks), format_money, "Loss owed to CMS, x [USD]");
  const double bench = mean_benchmark(t, rows);
  if (bench > 0) {
    c.top_axis(
        nice_ticks(0, 100 * xmax / bench, z.ticks), 100 / bench,
        [](double v) { return fmt::format("{:g}%", v); }, "% of mean benchmark");
  }
  std::vector<double> yt;
  for (double y = 1; y >= ymin * 0.999; y /= 10) yt.push_back(y);
  c.y_axis(yt, pct_label, z.narrow ? "P(owe more than x)" : "P(owe more than x), log scale");
  if (risk && risk->max_loss) {
    c.vline(*risk->max_loss, "#c00", "max loss " + format_money(*risk->max_loss));
    c.hline(1 - risk->confidence, "#c00", "limit " + pct_label(1 - risk->confidence));
  }
  legend.clear();
  constexpr int kPoints = 240;
  for (std::size_t k = 0; k < t.tracks.size(); ++k) {
    const auto& L = losses[k];
    if (L.empty()) continue;
    std::vector<std::pair<double, double>> pts;
    // Exceedance is a right-continuous step function; sample it just below each grid point and at
    // every jump near the tail so the last steps show.
    for (int g = 0; g <= kPoints; ++g) {
      const double x = xmax * g / kPoints;
      const auto above = L.end() - std::upper_bound(L.begin(), L.end(), x);
      if (above == 0) break;
      pts.emplace_back(x, static_cast<double>(above) / n);
    }
    const double last_x = pts.empty() ? 0 : pts.back().first;
    for (auto it = std::upper_bound(L.begin(), L.end(), last_x); it != L.end(); ++it) {
      const auto above = L.end() - it;
      pts.emplace_back(*it, static_cast<double>(above) / n);
    }
    c.polyline(pts, color(k));
    legend.emplace_back(plain_track_label(t.tracks[k]), color(k));
  }
  c.close();
  return c.svg();
}

// Per track: P5-P95 whisker, P25-P75 box, median tick and mean dot.
std::string range_chart(const SimulationResults& r, const Size& z) {
  if (r.tracks.empty()) return "";
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& t : r.tracks) {
    lo = std::min(lo, t.dollars.percentiles[1]);
    hi = std::max(hi, t.dollars.percentiles[7]);
  }
  const double pad = (hi - lo) * 0.05 + 1;
  lo -= pad;
  hi += pad;
  // Wide: track names left of the rows; narrow: above each row.
  const double row = z.narrow ? 48 : 34;
  const double height = 60 + row * static_cast<double>(r.tracks.size());
  Chart c(z.width, height, z.narrow ? 14 : 190, z.narrow ? 30 : 20, 14, 44);
  c.x_range(lo, hi);
  c.y_range(0, static_cast<double>(r.tracks.size()));
  c.open("Percentile ranges per track", z);
  c.x_axis(nice_ticks(lo, hi, z.ticks), format_money,
           z.narrow ? "Net payment [USD]" : "Net payment [USD]: box P25-P75, line P5-P95, | median, ● mean");
  if (lo < 0 && hi > 0) c.vline(0, "#666", "");
  auto& s = c.svg();
  for (std::size_t k = 0; k < r.tracks.size(); ++k) {
    const auto& t = r.tracks[k];
    const auto& p = t.dollars.percentiles;
    const double y = c.py(static_cast<double>(r.tracks.size() - k) - 0.5);
    if (z.narrow) {
      s += fmt::format(R"(<text x="{}" y="{}" class="tick">{}</text>)", num(c.left() + 4), num(y - 12),
                       esc(plain_track_label(t.label)));
    } else {
      s += fmt::format(R"(<text x="{}" y="{}" class="tick" text-anchor="end">{}</text>)", num(c.left() - 8),
                       num(y + 4), esc(plain_track_label(t.label)));
    }
    s += fmt::format(R"(<line x1="{0}" y1="{2}" x2="{1}" y2="{2}" stroke="{3}" stroke-width="2"/>)",
                     num(c.px(p[1])), num(c.px(p[7])), num(y), color(k));
    s += fmt::format(
        R"(<rect x="{}" y="{}" width="{}" height="14" fill="{}" fill-opacity="0.35" stroke="{}"/>)",
        num(c.px(p[3])), num(y - 7), num(std::max(1.0, c.px(p[5]) - c.px(p[3]))), color(k), color(k));
    s += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#222" stroke-width="2"/>)",
                     num(c.px(p[4])), num(y - 9), num(y + 9));
    s += fmt::format(R"(<circle cx="{}" cy="{}" r="4" fill="#222"/>)", num(c.px(t.dollars.mean)), num(y));
  }
  c.close();
  return c.svg();
}

// The tornado: each driver's rank correlation with each track's payment, one group of bars per
// driver (largest effect first), one bar per track; right of 0: the driver raises the payment.
std::string tornado_chart(const SimulationResults& r, const Size& z) {
  const Sensitivity sens = payment_sensitivity(r.table);
  const auto T = static_cast<long>(r.table.tracks.size());
  if (T == 0) return "";
  std::vector<std::size_t> order(kDrivers.size());
  for (std::size_t d = 0; d < order.size(); ++d) order[d] = d;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return sens.rank_correlation.row(static_cast<long>(a)).cwiseAbs().maxCoeff() >
           sens.rank_correlation.row(static_cast<long>(b)).cwiseAbs().maxCoeff();
  });
  const double bar = z.narrow ? 12 : 10, gap = z.narrow ? 30 : 22;
  const double group = bar * static_cast<double>(T) + gap;
  const double height = 50 + group * static_cast<double>(kDrivers.size());
  Chart c(z.width, height, z.narrow ? 14 : 190, z.narrow ? 30 : 20, 14, 44);
  c.x_range(-1, 1);
  c.y_range(0, height - 58);
  c.open("Rank correlation of each driver with each track's payment", z);
  c.x_axis(
      nice_ticks(-1, 1, z.ticks), [](double v) { return fmt::format("{:+.1f}", v); },
      z.narrow ? "Rank correlation with payment" : "Rank correlation with the payment (Spearman)");
  c.vline(0, "#666", "");
  auto& s = c.svg();
  double y = c.top() + 6;
  for (std::size_t d : order) {
    const std::string name = std::string(kDrivers[d].label) + (sens.varies[d] ? "" : " (fixed)");
    if (z.narrow) {
      s += fmt::format(R"(<text x="{}" y="{}" class="tick">{}</text>)", num(c.left() + 4), num(y + 8),
                       esc(name));
      y += 12;
    } else {
      s += fmt::format(R"(<text x="{}" y="{}" class="tick" text-anchor="end">{}</text>)", num(c.left() - 8),
                       num(y + bar * static_cast<double>(T) / 2 + 4), esc(name));
    }
    for (long k = 0; k < T; ++k) {
      const double rho = sens.rank_correlation(static_cast<long>(d), k);
      const double x0 = c.px(std::min(0.0, rho)), x1 = c.px(std::max(0.0, rho));
      s += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>)", num(x0), num(y),
                       num(std::max(0.5, x1 - x0)), num(bar - 2), color(static_cast<std::size_t>(k)));
      y += bar;
    }
    y += z.narrow ? gap - 12 : gap;
  }
  c.close();
  return c.svg();
}

// The trade-off: expected payment against expected shortfall at the appetite's confidence.
std::string tradeoff_chart(const RiskVerdict& v, const Size& z) {
  if (v.tracks.empty()) return "";
  double x0 = 0, x1 = 0, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& t : v.tracks) {
    x1 = std::max(x1, t.es);
    y0 = std::min(y0, std::min(t.mean, t.ce));
    y1 = std::max(y1, std::max(t.mean, t.ce));
  }
  if (v.appetite.max_es) x1 = std::max(x1, *v.appetite.max_es);
  x1 = x1 * 1.15 + 1;
  const double pad = (y1 - y0) * 0.15 + 1;
  y0 -= pad;
  y1 += pad;
  Chart c(z.width, 320, 80, z.narrow ? 30 : 20, 14, 46);
  c.x_range(x0, x1);
  c.y_range(y0, y1);
  c.open("Expected payment against tail loss", z);
  const std::string level = fmt::format("{:g}%", std::round((1 - v.appetite.confidence) * 1e6) / 1e4);
  c.x_axis(nice_ticks(x0, x1, z.ticks), format_money,
           z.narrow ? std::string("Tail loss: expected shortfall [USD]")
                    : "Tail loss: expected shortfall, mean loss in the worst " + level + " of runs [USD]");
  c.y_axis(nice_ticks(y0, y1, 5), format_money, z.narrow ? "Mean [USD]" : "Mean net payment [USD]");
  if (v.appetite.max_es) c.vline(*v.appetite.max_es, "#c00", "ES limit " + format_money(*v.appetite.max_es));
  auto& s = c.svg();
  const bool ce = v.appetite.risk_aversion && *v.appetite.risk_aversion > 0;
  for (std::size_t k = 0; k < v.tracks.size(); ++k) {
    const auto& t = v.tracks[k];
    const double x = c.px(t.es), y = c.py(t.mean);
    if (ce) {  // the certainty equivalent below (or at) the mean: the price of the spread
      s += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-dasharray="3 3"/>)",
                       num(x), num(y), num(c.py(t.ce)), color(k));
      s += fmt::format(
          R"(<rect x="{}" y="{}" width="8" height="8" fill="none" stroke="{}" stroke-width="1.5"/>)",
          num(x - 4), num(c.py(t.ce) - 4), color(k));
    }
    s += fmt::format(R"(<circle cx="{}" cy="{}" r="6" fill="{}" stroke="{}" stroke-width="2"/>)", num(x),
                     num(y), t.fits() ? color(k) : "#fff", color(k));
    const std::string text =
        z.narrow ? std::to_string(k + 1) : plain_track_label(t.label) + (t.fits() ? "" : " (over a limit)");
    const bool flip = x + 9 + 6.9 * static_cast<double>(text.size()) > c.right();  // keep labels inside
    s += fmt::format(R"(<text x="{}" y="{}" class="legend" text-anchor="{}">{}</text>)",
                     num(flip ? x - 9 : x + 9), num(y - 6), flip ? "end" : "start", esc(text));
  }
  c.close();
  return c.svg();
}

std::string html_table(const Table& t) { return report::render_html(t); }

// The verdict, the ranked table and the trade-off chart.
std::string verdict_section(const RiskVerdict& v, const RunTable& table) {
  std::string h;
  const bool none =
      std::none_of(v.tracks.begin(), v.tracks.end(), [](const TrackRisk& t) { return t.fits(); });
  h += "<h2>Risk verdict</h2>\n";
  h += fmt::format("<div class=\"verdict{}\">{}</div>\n", none ? " none" : "",
                   esc(report::plain_sentence(recommendation_text(v), table.tracks)));
  Table ranked = report_detail::risk_table(v, format_money_full);
  ranked.title = "Tracks ranked against your appetite";
  h += html_table(ranked);
  std::string note =
      "Each dot is a track (hollow: over a limit). Further up pays more on average; further "
      "right loses more in bad years.";
  if (v.appetite.risk_aversion && *v.appetite.risk_aversion > 0) {
    note += " The square below each dot is its certainty equivalent: the mean less the price of the spread.";
  }
  Legend numbered;
  for (std::size_t k = 0; k < v.tracks.size(); ++k) {
    numbered.emplace_back(fmt::format("{}. {}", k + 1, plain_track_label(v.tracks[k].label)), color(k));
  }
  h += figure("Trade-off: expected payment against tail loss", esc(note), tradeoff_chart(v, kWide),
              tradeoff_chart(v, kNarrow), numbered);
  return h;
}

// The distributions: payment histograms and the exceedance curve of losses.
std::string distribution_section(const SimulationResults& r, const std::optional<RiskAppetite>& risk) {
  std::string h;
  h += "<h2>Distributions</h2>\n";
  Legend legend;
  const std::string hist_narrow = histogram_chart(r, kNarrow, legend);
  const std::string hist_wide = histogram_chart(r, kWide, legend);
  h += figure("Net payment per track",
              "Share of runs in each bin of net payment (central 99% of non-zero payments; the rest fall "
              "in the edge "
              "bins). Runs with no payment either way are not drawn; the legend gives their share.",
              hist_wide, hist_narrow, legend);
  const std::string exc_narrow = exceedance_chart(r, risk, kNarrow, legend);
  const std::string exc = exceedance_chart(r, risk, kWide, legend);
  if (exc.empty()) {
    h += "<h3>Chance of owing more than a given amount</h3>\n<p class=\"note\">No run owed shared losses "
         "on any "
         "track.</p>\n";
  } else {
    std::string note =
        "Exceedance curve of shared losses: the share of runs in which the ACO owes CMS more than x. "
        "Read it as &ldquo;a y chance of owing more than x&rdquo;.";
    if (risk && risk->max_loss)
      note += " Red lines: your limit; a track fits where its curve passes below the cross.";
    h += figure("Chance of owing more than a given amount", note, exc, exc_narrow, legend);
  }
  return h;
}

}  // namespace

std::string report_detail::render_html_report(const ReportInput& in) {
  const std::optional<RiskAppetite>& risk = in.risk;
  SimulationResults storage;
  const SimulationResults& r = report_detail::summarized(*in.results, storage);
  const ResultMetadata& m = r.meta;
  std::string h = report::page_open(
      "acosim results: " + m.scenario_name,
      fmt::format("Medicare Shared Savings Program: distribution of shared savings and losses over {} Monte "
                  "Carlo runs, PY{}, {} assigned beneficiaries.",
                  count(m.completed_runs), m.performance_year, count(m.beneficiaries)));
  if (!m.complete) {
    h += fmt::format("<div class=\"banner\"><b>Interrupted run:</b> statistics cover {} of {} runs.</div>\n",
                     m.completed_runs, m.runs);
  }
  h += report::assumptions_section(in.assumptions);
  if (!in.risk_error.empty()) {
    h += fmt::format("<div class=\"banner\">Risk verdict unavailable: {}</div>\n", esc(in.risk_error));
  }

  const bool have_runs = r.table.runs() > 0 && r.table.completed() > 0;
  std::optional<RiskVerdict> v;
  if (risk && have_runs) v = assess_risk(r.table, *risk);
  if (v) h += verdict_section(*v, r.table);

  if (have_runs) h += distribution_section(r, risk);
  if (have_runs && r.table.completed() > 1) {
    Legend tracks;
    for (std::size_t k = 0; k < r.table.tracks.size(); ++k)
      tracks.emplace_back(plain_track_label(r.table.tracks[k]), color(k));
    h += figure(
        "What drives the payment",
        "From this run, without re-running: how each per-run input moves each track's payment (Spearman rank "
        "correlation; the table below gives each input's share of the variance). Claims noise is the year's "
        "random spending against its benchmark base.",
        tornado_chart(r, kWide), tornado_chart(r, kNarrow), tracks);
  }
  if (!r.tracks.empty()) {
    h += figure("Percentile ranges", "Box: P25-P75; line: P5-P95; bar: median; dot: mean.",
                range_chart(r, kWide), range_chart(r, kNarrow), {});
  }

  h += "<h2>Tables</h2>\n";
  for (const auto& t : report_detail::build_tables(r, format_money_full)) h += html_table(t);

  h += report::glossary_section();
  h += "<h2>Run</h2>\n<table class=\"kv\">\n";
  for (const auto& [item, value] : report_detail::scenario_items(r)) {
    h += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", esc(item), esc(value));
  }
  h += "</table>\n";
  h += report::page_close(m);
  return h;
}

}  // namespace acosim
