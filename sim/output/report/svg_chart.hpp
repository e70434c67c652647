// The SVG drawing the HTML pages share (the results, agreement and sweep reports): a palette,
// round tick positions, the two drawing sizes (wide for screens and print, narrow for phones) and
// one plotting frame that maps data to pixels and writes axes, reference lines and polylines.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/output/report/table.hpp"

namespace acosim::report::svg {

constexpr std::array<const char*, 10> kPalette = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                                  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
inline const char* color(std::size_t k) { return kPalette[k % kPalette.size()]; }

inline std::string esc(std::string_view s) { return report::html_escape(s); }

// Round, readable tick positions covering [lo, hi]: steps of 1, 2 or 5 x 10^k.
inline std::vector<double> nice_ticks(double lo, double hi, int target = 8) {
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

inline std::string num(double x) { return fmt::format("{:.1f}", x); }

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
  // `dash`: an SVG stroke-dasharray ("" solid).
  void polyline(const std::vector<std::pair<double, double>>& pts, const char* stroke, double width = 1.8,
                std::string_view dash = "") {
    if (pts.empty()) return;
    std::string d;
    for (const auto& [x, y] : pts) d += fmt::format("{},{} ", num(px(x)), num(py(y)));
    d.pop_back();
    s_ += fmt::format(
        R"(<polyline fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round"{} points="{}"/>)",
        stroke, width, dash.empty() ? "" : fmt::format(R"( stroke-dasharray="{}")", dash), d);
  }
  // A closed band between two lines over the same x (e.g. P5-P95 by year).
  void band(const std::vector<std::pair<double, double>>& low,
            const std::vector<std::pair<double, double>>& high, const char* fill, double opacity) {
    if (low.empty() || low.size() != high.size()) return;
    std::string d;
    for (const auto& [x, y] : low) d += fmt::format("{},{} ", num(px(x)), num(py(y)));
    for (auto it = high.rbegin(); it != high.rend(); ++it)
      d += fmt::format("{},{} ", num(px(it->first)), num(py(it->second)));
    d.pop_back();
    s_ +=
        fmt::format(R"(<polygon fill="{}" fill-opacity="{}" stroke="none" points="{}"/>)", fill, opacity, d);
  }
  // A dot at each point, with `title` as its tooltip (the figure it shows).
  void dot(double x, double y, const char* fill, const std::string& title, double r = 3.5) {
    s_ += fmt::format(R"(<circle cx="{}" cy="{}" r="{}" fill="{}"><title>{}</title></circle>)", num(px(x)),
                      num(py(y)), r, fill, esc(title));
  }
  // A legend inside the plot area (top left or top right corner) on a white box, so that it never
  // leaves the plot nor hides behind another element: one swatch (line with `dash`) and label per
  // entry; `char_width` estimates the label widths [user units per character].
  struct Key {
    std::string label;
    const char* color;
    std::string dash;    // "" solid
    double width = 2.5;  // of the swatch line (wide for a band)
  };
  void inside_legend(const std::vector<Key>& keys, bool at_left, double line_height = 16,
                     double char_width = 6.6) {
    if (keys.empty()) return;
    std::size_t longest = 0;
    for (const Key& k : keys) longest = std::max(longest, k.label.size());
    const double w = 34 + char_width * static_cast<double>(longest),
                 h = 6 + line_height * static_cast<double>(keys.size());
    const double x = at_left ? l_ + 6 : w_ - r_ - 6 - w, y = t_ + 6;
    s_ += fmt::format(
        R"(<rect x="{}" y="{}" width="{}" height="{}" fill="#fff" fill-opacity="0.9" stroke="#ccc"/>)",
        num(x), num(y), num(w), num(h));
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const double yy = y + 3 + line_height * (static_cast<double>(i) + 0.5);
      s_ += fmt::format(R"(<line x1="{0}" y1="{2}" x2="{1}" y2="{2}" stroke="{3}" stroke-width="{5}"{4}/>)",
                        num(x + 6), num(x + 26), num(yy), keys[i].color,
                        keys[i].dash.empty() ? "" : fmt::format(R"( stroke-dasharray="{}")", keys[i].dash),
                        keys[i].width);
      s_ += fmt::format(R"(<text x="{}" y="{}" class="legend">{}</text>)", num(x + 30), num(yy + 4),
                        esc(keys[i].label));
    }
  }

 private:
  double w_, h_, l_, r_, t_, b_;
  double x0_ = 0, x1_ = 1, y0_ = 0, y1_ = 1;
  bool log_ = false;
  std::string s_;
};

}  // namespace acosim::report::svg
