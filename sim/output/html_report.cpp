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

#include "sim/engine/risk.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/engine/uncertainty.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/table.hpp"
#include "sim/output/verdict_text.hpp"

namespace acosim {

namespace {

using report::plain_track_label;
using report::Table;

constexpr std::array<const char*, 10> kPalette = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                                  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
const char* color(std::size_t k) { return kPalette[k % kPalette.size()]; }

std::string esc(std::string_view s) { return report::html_escape(s); }

// Round, readable tick positions covering [lo, hi]: steps of 1, 2 or 5 x 10^k.
std::vector<double> nice_ticks(double lo, double hi, int target = 8) {
  if (!(hi > lo)) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step; t += step) {
    ticks.push_back(std::abs(t) < 1e-9 * step ? 0.0 : t);
  }
  return ticks;
}

std::string num(double x) { return fmt::format("{:.1f}", x); }

// Every chart is drawn twice: wide for screens and print, narrow (fewer ticks, larger type) for
// phones; the page's CSS shows one. Legends are HTML lists under the chart, readable at any width.
struct Size {
  double width;  // [SVG user units]
  int ticks;     // target tick count on x
  bool narrow;
  const char* css;  // class of the <svg>
};
constexpr Size kWide{760, 8, false, "chart wide"};
constexpr Size kNarrow{400, 4, true, "chart narrow"};
using Legend = std::vector<std::pair<std::string, const char*>>;

// One plotting frame: data -> pixel mapping and the SVG text being built.
class Chart {
 public:
  Chart(double width, double height, double left, double right, double top, double bottom)
      : w_(width), h_(height), l_(left), r_(right), t_(top), b_(bottom) {}

  void x_range(double lo, double hi) { x0_ = lo, x1_ = hi > lo ? hi : lo + 1; }
  void y_range(double lo, double hi, bool log = false) {
    log_ = log;
    y0_ = lo;
    y1_ = hi > lo ? hi : lo + 1;
  }
  double px(double x) const { return l_ + (x - x0_) / (x1_ - x0_) * (w_ - l_ - r_); }
  double py(double y) const {
    const double f = log_ ? (std::log10(y) - std::log10(y0_)) / (std::log10(y1_) - std::log10(y0_))
                          : (y - y0_) / (y1_ - y0_);
    return h_ - b_ - f * (h_ - t_ - b_);
  }
  double left() const { return l_; }
  double right() const { return w_ - r_; }
  double top() const { return t_; }
  double bottom() const { return h_ - b_; }

  std::string& svg() { return s_; }

  void open(const std::string& label, const Size& z) {
    s_ += fmt::format(
        R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{}" class="{}">)",
        w_, h_, esc(label), z.css);
    s_ += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="#fff" stroke="#ccc"/>)", num(l_),
                      num(t_), num(w_ - l_ - r_), num(h_ - t_ - b_));
  }
  void close() { s_ += "</svg>"; }

  template <class Fmt>
  void x_axis(const std::vector<double>& ticks, Fmt&& label, const std::string& title) {
    for (double v : ticks) {
      const double x = px(v);
      if (x < l_ - 0.5 || x > w_ - r_ + 0.5) continue;
      s_ += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#eee"/>)", num(x), num(t_),
                        num(bottom()));
      s_ += fmt::format(R"(<text x="{}" y="{}" class="tick" text-anchor="middle">{}</text>)", num(x),
                        num(bottom() + 16), esc(label(v)));
    }
    s_ += fmt::format(R"(<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>)",
                      num((l_ + w_ - r_) / 2), num(h_ - 8), esc(title));
  }
  // A second x scale along the top edge (e.g. % of benchmark for a dollar axis).
  template <class Fmt>
  void top_axis(const std::vector<double>& ticks, double scale, Fmt&& label, const std::string& title) {
    for (double v : ticks) {
      const double x = px(v / scale);
      if (x < l_ - 0.5 || x > w_ - r_ + 0.5) continue;
      s_ += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#999"/>)", num(x), num(t_ - 4),
                        num(t_));
      s_ += fmt::format(R"(<text x="{}" y="{}" class="tick" text-anchor="middle">{}</text>)", num(x),
                        num(t_ - 7), esc(label(v)));
    }
    s_ += fmt::format(R"(<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>)", num(w_ - r_),
                      num(12), esc(title));
  }
  template <class Fmt>
  void y_axis(const std::vector<double>& ticks, Fmt&& label, const std::string& title) {
    for (double v : ticks) {
      const double y = py(v);
      if (y < t_ - 0.5 || y > bottom() + 0.5) continue;
      s_ += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#eee"/>)", num(l_), num(y),
                        num(w_ - r_));
      s_ += fmt::format(R"(<text x="{}" y="{}" class="tick" text-anchor="end">{}</text>)", num(l_ - 6),
                        num(y + 4), esc(label(v)));
    }
    s_ += fmt::format(
        R"svg(<text x="14" y="{0}" class="axis" text-anchor="middle" transform="rotate(-90 14 {0})">{1}</text>)svg",
        num((t_ + bottom()) / 2), esc(title));
  }
  void vline(double x, const char* stroke, const std::string& label) {
    const double p = px(x);
    s_ += fmt::format(
        R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-dasharray="5 4" stroke-width="1.5"/>)",
        num(p), num(t_), num(bottom()), stroke);
    if (!label.empty()) {
      s_ += fmt::format(R"(<text x="{}" y="{}" class="note" fill="{}">{}</text>)", num(p + 4), num(t_ + 14),
                        stroke, esc(label));
    }
  }
  void hline(double y, const char* stroke, const std::string& label) {
    const double p = py(y);
    s_ += fmt::format(
        R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="{3}" stroke-dasharray="5 4" stroke-width="1.5"/>)",
        num(l_), num(p), num(w_ - r_), stroke);
    if (!label.empty()) {
      s_ += fmt::format(R"(<text x="{}" y="{}" class="note" text-anchor="end" fill="{}">{}</text>)",
                        num(w_ - r_ - 4), num(p - 4), stroke, esc(label));
    }
  }
  void polyline(const std::vector<std::pair<double, double>>& pts, const char* stroke, double width = 1.8) {
    if (pts.empty()) return;
    std::string d;
    for (const auto& [x, y] : pts) d += fmt::format("{},{} ", num(px(x)), num(py(y)));
    d.pop_back();
    s_ += fmt::format(
        R"(<polyline fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round" points="{}"/>)",
        stroke, width, d);
  }

 private:
  double w_, h_, l_, r_, t_, b_;
  double x0_ = 0, x1_ = 1, y0_ = 0, y1_ = 1;
  bool log_ = false;
  std::string s_;
};

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

std::string legend_html(const Legend& legend) {
  if (legend.empty()) return "";
  std::string s = "<ul class=\"legend\">";
  for (const auto& [label, c] : legend) {
    s += fmt::format("<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>", c, esc(label));
  }
  return s + "</ul>\n";
}

// A heading, its note, the chart at both widths and the legend, kept together on a printed page.
std::string figure(const std::string& title, const std::string& note_html, const std::string& wide,
                   const std::string& narrow, const Legend& legend) {
  std::string s = fmt::format("<div class=\"keep\">\n<h3>{}</h3>\n", esc(title));
  if (!note_html.empty()) s += "<p class=\"note\">" + note_html + "</p>\n";
  return s + wide + "\n" + narrow + "\n" + legend_html(legend) + "</div>\n";
}

constexpr const char* kCss = R"(
:root { --ink: #1d2330; --muted: #5c6577; --line: #d9dee7; --accent: #2f5d8a; }
* { box-sizing: border-box; }
body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       margin: 0; background: #f5f7fa; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; min-height: 100vh; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 6px; }
p.sub { color: var(--muted); margin: 0 0 16px; }
p.note { color: var(--muted); font-size: 13px; margin: 4px 0 8px; }
.banner { background: #fff4e5; border-left: 5px solid #e8a33d; padding: 10px 14px; margin: 12px 0; }
.verdict { background: #eef5ee; border-left: 5px solid #3f8f4f; padding: 12px 16px; margin: 12px 0; font-size: 16px; }
.verdict.none { background: #fdecec; border-left-color: #c0392b; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; margin: 4px 0 8px; }
th, td { padding: 4px 7px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { background: #eef1f6; font-weight: 600; }
td.l, th.l { text-align: left; } td.r, th.r { text-align: right; }
tbody tr:nth-child(even) { background: #fafbfd; }
table.kv td { white-space: normal; vertical-align: top; }
table.kv td:first-child { color: var(--muted); padding-right: 24px; white-space: nowrap; }
div.print { display: none; }
svg.chart { width: 100%; max-width: 900px; height: auto; display: block; margin: 6px 0 4px; }
svg.narrow { display: none; }
svg .tick { font-size: 11px; fill: #444; }
svg .axis { font-size: 12px; fill: #222; }
svg .legend { font-size: 11.5px; fill: #222; }
svg .note { font-size: 11px; }
svg.narrow .tick, svg.narrow .legend { font-size: 14px; }
svg.narrow .axis { font-size: 15px; }
svg.narrow .note { font-size: 13px; }
ul.legend { list-style: none; padding: 0; margin: 2px 0 10px; display: flex; flex-wrap: wrap; gap: 4px 18px;
            font-size: 13px; }
ul.legend .swatch { display: inline-block; width: 18px; height: 4px; vertical-align: middle; margin-right: 6px; }
dl.glossary dt { font-weight: 600; margin-top: 6px; } dl.glossary dd { margin: 0 0 0 18px; }
details { margin: 10px 0; } summary { cursor: pointer; color: var(--accent); }
pre { background: #f3f4f7; padding: 10px; overflow-x: auto; font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 36px; }
@media (max-width: 640px) {
  main { padding: 14px 12px 32px; }
  svg.wide { display: none; }
  svg.narrow { display: block; }
  table.kv td:first-child { padding-right: 10px; }
}
/* Print (A4 or Letter, portrait): every column stays on the page (cells wrap instead of
   scrolling), headings stay with their charts, no scroll bars, the wide charts. */
@page { margin: 12mm 10mm; }
@media print {
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; min-height: 0; }
  .scroll { overflow: visible; }
  table { width: 100%; font-size: 8pt; }
  th, td { white-space: normal; padding: 2px 4px; }
  .screen { display: none; }
  div.print { display: block; }
  div.print table { margin-bottom: 6px; }
  thead { display: table-header-group; }
  tr, .banner, .verdict { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .keep { break-inside: avoid; }
  svg.wide { display: block; max-width: 100%; }
  svg.narrow { display: none; }
  details { display: none; }
}
)";

}  // namespace

std::string report_detail::render_html_report(const ReportInput& in) {
  const std::optional<RiskAppetite>& risk = in.risk;
  SimulationResults storage;
  const SimulationResults& r = report_detail::summarized(*in.results, storage);
  const ResultMetadata& m = r.meta;
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += fmt::format("<title>acosim results: {}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n",
                   esc(m.scenario_name), kCss);
  h += fmt::format("<h1>acosim results: {}</h1>\n", esc(m.scenario_name));
  h += fmt::format(
      "<p class=\"sub\">Medicare Shared Savings Program: distribution of shared savings and losses "
      "over {} Monte Carlo runs, PY{}, {} assigned beneficiaries.</p>\n",
      m.completed_runs, m.performance_year, m.beneficiaries);
  if (!m.complete) {
    h += fmt::format("<div class=\"banner\"><b>Interrupted run:</b> statistics cover {} of {} runs.</div>\n",
                     m.completed_runs, m.runs);
  }

  h += "<section class=\"assumptions\">\n<h2>Assumptions</h2>\n<table class=\"kv\">\n";
  for (const auto& a : in.assumptions.rows) {
    h += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", esc(a.item), esc(a.value));
  }
  h += "</table>\n";
  if (!in.assumptions.note.empty())
    h += fmt::format("<p class=\"note\">Not shown: {}.</p>\n", esc(in.assumptions.note));
  for (const auto& w : in.assumptions.warnings) {
    h += fmt::format("<div class=\"banner\"><b>Warning:</b> {}</div>\n", esc(w));
  }
  h += "</section>\n";
  if (!in.risk_error.empty()) {
    h += fmt::format("<div class=\"banner\">Risk verdict unavailable: {}</div>\n", esc(in.risk_error));
  }

  const bool have_runs = r.table.runs() > 0 && r.table.completed() > 0;
  std::optional<RiskVerdict> v;
  if (risk && have_runs) v = assess_risk(r.table, *risk);
  if (v) {
    const bool none =
        std::none_of(v->tracks.begin(), v->tracks.end(), [](const TrackRisk& t) { return t.fits(); });
    h += "<h2>Risk verdict</h2>\n";
    h += fmt::format("<div class=\"verdict{}\">{}</div>\n", none ? " none" : "",
                     esc(report::plain_sentence(recommendation_text(*v), r.table.tracks)));
    Table ranked = report_detail::risk_table(*v, format_money_full);
    ranked.title = "Tracks ranked against your appetite";
    h += html_table(ranked);
    std::string note =
        "Each dot is a track (hollow: over a limit). Further up pays more on average; further "
        "right loses more in bad years.";
    if (v->appetite.risk_aversion && *v->appetite.risk_aversion > 0) {
      note +=
          " The square below each dot is its certainty equivalent: the mean less the price of the spread.";
    }
    Legend numbered;
    for (std::size_t k = 0; k < v->tracks.size(); ++k) {
      numbered.emplace_back(fmt::format("{}. {}", k + 1, plain_track_label(v->tracks[k].label)), color(k));
    }
    h += figure("Trade-off: expected payment against tail loss", esc(note), tradeoff_chart(*v, kWide),
                tradeoff_chart(*v, kNarrow), numbered);
  }

  if (have_runs) {
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
  }
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

  h += "<h2>Glossary</h2>\n<dl class=\"glossary\">\n";
  for (const auto& [term, text] : report::glossary())
    h += fmt::format("<dt>{}</dt><dd>{}</dd>\n", esc(term), esc(text));
  h += "</dl>\n";
  h += "<h2>Run</h2>\n<table class=\"kv\">\n";
  for (const auto& [item, value] : report_detail::scenario_items(r)) {
    h += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", esc(item), esc(value));
  }
  h += "</table>\n";
  if (!m.scenario_text.empty()) {
    h += fmt::format("<details><summary>Scenario file as loaded</summary><pre>{}</pre></details>\n",
                     esc(m.scenario_text));
  }

  h += fmt::format(
      "<footer>acosim {} (commit {}), seed {}, {} runs{}. Monte Carlo standard errors are shown as "
      "&plusmn;; results are a pure function of the scenario and seed.</footer>\n",
      esc(m.program_version), esc(m.git_commit), m.seed, m.runs,
      m.created_utc.empty() ? "" : ", created " + esc(m.created_utc));
  h += "</main>\n</body>\n</html>\n";
  return h;
}

}  // namespace acosim
