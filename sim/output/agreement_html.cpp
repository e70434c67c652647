// The agreement's HTML page (acosim agreement --report FILE.html): the same page as a results
// report, but its charts are small multiples, one small chart per path with its legend inside the
// plot, all on the same scale, so that 4 paths x 8 columns never crowd one chart.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/common/format.hpp"
#include "sim/output/agreement_report.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/html_page.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/table.hpp"

namespace acosim {

namespace {

using namespace report::svg;

// One small chart: 420 x 270 user units, type large enough at 390 px (svg.small in the stylesheet).
constexpr double kSmallWidth = 420, kSmallHeight = 270;
constexpr const char* kMean = "#2f5d8a";

const TrackSummary& column(const AgreementResults& ar, std::size_t p, int k) {
  const std::size_t width = kPathSummaryColumns + ar.performance_year.size();
  return ar.results.tracks[p * width + static_cast<std::size_t>(k)];
}

// Net payment by year of path p: mean (line and dots), P25-P75 and P5-P95 bands; y range [lo, hi]
// shared by every path.
std::string by_year_chart(const AgreementResults& ar, std::size_t p, double lo, double hi) {
  const int years = static_cast<int>(ar.performance_year.size());
  Chart c(kSmallWidth, kSmallHeight, 80, 14, 12, 40);
  c.x_range(-0.4, years - 0.6);
  c.y_range(lo, hi);
  c.open(ar.path_labels[p] + ": net payment by year", Size{kSmallWidth, 4, true, "chart small"});
  std::vector<double> ticks;
  for (int y = 0; y < years; ++y) ticks.push_back(y);
  c.x_axis(
      ticks, [&](double v) { return fmt::format("PY{}", ar.performance_year[static_cast<std::size_t>(v)]); },
      "Performance year");
  c.y_axis(nice_ticks(lo, hi, 5), money_compact, "Net payment [USD]");
  if (lo < 0 && hi > 0) c.hline(0, "#666", "");
  std::vector<std::pair<double, double>> p5, p25, p75, p95, mean;
  for (int y = 0; y < years; ++y) {
    const Stats& d = column(ar, p, kPathSummaryColumns + y).dollars;
    p5.emplace_back(y, d.percentiles[1]);
    p25.emplace_back(y, d.percentiles[3]);
    p75.emplace_back(y, d.percentiles[5]);
    p95.emplace_back(y, d.percentiles[7]);
    mean.emplace_back(y, d.mean);
  }
  c.band(p5, p95, kMean, 0.12);
  c.band(p25, p75, kMean, 0.28);
  c.polyline(mean, kMean, 2.2);
  for (int y = 0; y < years; ++y) {
    const Stats& d = column(ar, p, kPathSummaryColumns + y).dollars;
    c.dot(
        y, d.mean, kMean,
        fmt::format("PY{}: mean {}, P5 {}, P95 {}", ar.performance_year[static_cast<std::size_t>(y)],
                    money_compact(d.mean), money_compact(d.percentiles[1]), money_compact(d.percentiles[7])));
  }
  c.inside_legend({{"Mean", kMean, ""}, {"P25-P75", "#a9bdd1", "", 9}, {"P5-P95", "#dbe3ec", "", 9}}, true);
  c.close();
  return c.svg();
}

constexpr int kBins = 40;

// The share of completed runs in each of kBins bins of width `bin` from `lo` of path p's column k
// (0: total, 1: PV); values outside fall in the edge bins.
std::vector<double> bin_shares(const AgreementResults& ar, std::size_t p, int k, double lo, double bin) {
  const RunTable& t = ar.results.table;
  const long col = static_cast<long>(p * (kPathSummaryColumns + ar.performance_year.size())) + k;
  std::vector<double> share(kBins, 0.0);
  double n = 0;
  for (long i = 0; i < t.runs(); ++i) {
    if (!t.done(i)) continue;
    const int b = std::clamp(static_cast<int>(std::floor((t.payment(i, col) - lo) / bin)), 0, kBins - 1);
    share[static_cast<std::size_t>(b)] += 1;
    n += 1;
  }
  if (n > 0) {
    for (double& x : share) x /= n;
  }
  return share;
}

// The distribution of path p's agreement total and its present value (step histograms of the runs,
// shares of runs per bin); x range [lo, hi] shared by every path.
std::string total_chart(const AgreementResults& ar, std::size_t p, double lo, double hi, double ymax) {
  const double bin = (hi - lo) / kBins;
  Chart c(kSmallWidth, kSmallHeight, 62, 14, 12, 40);
  c.x_range(lo, hi);
  c.y_range(0, ymax);
  c.open(ar.path_labels[p] + ": agreement total", Size{kSmallWidth, 4, true, "chart small"});
  c.x_axis(nice_ticks(lo, hi, 4), money_compact, "Agreement total [USD]");
  c.y_axis(
      nice_ticks(0, ymax, 4), [](double v) { return fmt::format("{:g}%", std::round(v * 1e5) / 1e3); },
      "Share of runs");
  if (lo < 0 && hi > 0) c.vline(0, "#666", "");
  const char* colors[2] = {kMean, "#f28e2b"};
  for (int k = 0; k < 2; ++k) {  // 0: total, 1: PV
    const std::vector<double> share = bin_shares(ar, p, k, lo, bin);
    std::vector<std::pair<double, double>> pts{{lo, 0}};
    for (int b = 0; b < kBins; ++b) {
      const double y = share[static_cast<std::size_t>(b)];
      pts.emplace_back(lo + b * bin, y);
      pts.emplace_back(lo + (b + 1) * bin, y);
    }
    pts.emplace_back(hi, 0);
    c.polyline(pts, colors[k], k == 0 ? 2.2 : 1.6, k == 0 ? "" : "5 3");
  }
  c.inside_legend({{"Total", colors[0], ""}, {"Present value", colors[1], "5 3"}}, false);
  c.close();
  return c.svg();
}

// The range every path's chart shares: [P5 - pad, P95 + pad] of the yearly payments.
std::pair<double, double> yearly_range(const AgreementResults& ar) {
  double lo = 0, hi = 0;
  for (std::size_t p = 0; p < ar.path_labels.size(); ++p) {
    for (std::size_t y = 0; y < ar.performance_year.size(); ++y) {
      const Stats& d = column(ar, p, kPathSummaryColumns + static_cast<int>(y)).dollars;
      lo = std::min(lo, d.percentiles[1]);
      hi = std::max(hi, d.percentiles[7]);
    }
  }
  const double pad = (hi - lo) * 0.08 + 1;
  return {lo - pad, hi + pad};
}

// Shared histogram scale of the totals: the central 99% of every path's total and PV, and the
// tallest bin.
struct TotalScale {
  double lo = 0, hi = 1, ymax = 1;
};
TotalScale total_scale(const AgreementResults& ar) {
  TotalScale z{INFINITY, -INFINITY, 0};
  for (std::size_t p = 0; p < ar.path_labels.size(); ++p) {
    for (int k = 0; k < 2; ++k) {
      const Stats& d = column(ar, p, k).dollars;
      z.lo = std::min(z.lo, d.percentiles[0]);
      z.hi = std::max(z.hi, d.percentiles[8]);
    }
  }
  if (!(z.hi > z.lo)) z = {z.lo - 1, z.lo + 1, 0};
  const double pad = (z.hi - z.lo) * 0.05;
  z.lo -= pad;
  z.hi += pad;
  // The tallest bin over paths: the charts share one y scale.
  for (std::size_t p = 0; p < ar.path_labels.size(); ++p) {
    for (int k = 0; k < 2; ++k) {
      for (double x : bin_shares(ar, p, k, z.lo, (z.hi - z.lo) / kBins)) z.ymax = std::max(z.ymax, x);
    }
  }
  z.ymax = z.ymax * 1.1 + 1e-9;
  return z;
}

std::string multiples(const std::vector<std::pair<std::string, std::string>>& charts) {
  std::string h = "<div class=\"multiples\">\n";
  for (const auto& [caption, svg] : charts) {
    h += fmt::format("<figure><figcaption>{}</figcaption>{}</figure>\n", esc(caption), svg);
  }
  return h + "</div>\n";
}

std::string paths_list(const AgreementResults& ar) {
  std::string h = "<ul>\n";
  for (std::size_t p = 0; p < ar.path_labels.size(); ++p) {
    const std::string name = report::plain_track_label(ar.path_labels[p]);
    h += fmt::format("<li><b>{}</b>{}: {}</li>\n", esc(name),
                     name == ar.path_labels[p]
                         ? ""
                         : fmt::format(" <span class=\"key\">{}</span>", esc(ar.path_labels[p])),
                     esc(ar.path_descriptions[p]));
  }
  h += "</ul>\n";
  if (!ar.notes.empty()) h += fmt::format("<p class=\"note\">Note: {}.</p>\n", esc(ar.notes));
  return h;
}

}  // namespace

std::string render_agreement_html(const ReportInput& in) {
  const AgreementResults& ar = *in.agreement;
  const ResultMetadata& m = ar.results.meta;
  const int years = static_cast<int>(ar.performance_year.size());
  std::string h = report::page_open(
      "acosim agreement: " + m.scenario_name,
      fmt::format("Medicare Shared Savings Program: {} performance year{} PY{}-PY{} on {} path{}, {} Monte "
                  "Carlo runs of one panel of {} assigned beneficiaries.",
                  years, years == 1 ? "" : "s", ar.performance_year.front(), ar.performance_year.back(),
                  ar.path_labels.size(), ar.path_labels.size() == 1 ? "" : "s", count(m.completed_runs),
                  count(m.beneficiaries)));
  h += report::assumptions_section(in.assumptions);
  h += "<h2>Paths</h2>\n" + paths_list(ar);
  if (m.completed_runs > 0 && !ar.path_labels.empty()) {
    const auto [lo, hi] = yearly_range(ar);
    std::vector<std::pair<std::string, std::string>> yearly, totals;
    const TotalScale z = total_scale(ar);
    for (std::size_t p = 0; p < ar.path_labels.size(); ++p) {
      const std::string name = report::plain_track_label(ar.path_labels[p]);
      yearly.emplace_back(name, by_year_chart(ar, p, lo, hi));
      totals.emplace_back(name, total_chart(ar, p, z.lo, z.hi, z.ymax));
    }
    h += "<h2>Net payment by year</h2>\n<p class=\"note\">One chart per path, all on the same scale: the "
         "mean net payment to the ACO each year (negative: shared losses owed), the middle half of runs "
         "(P25-P75) and 90% of runs (P5-P95).</p>\n" +
         multiples(yearly);
    h += "<h2>Agreement total</h2>\n<p class=\"note\">One chart per path, same scale: the share of runs in "
         "each bin of the net payment summed over the agreement, and of its present value (central 98% of "
         "runs; the rest fall in the edge bins).</p>\n" +
         multiples(totals);
  }
  h += "<h2>Tables</h2>\n";
  for (const report::Table& t : agreement_tables(ar)) h += report::render_html(t);
  h += report::glossary_section();
  return h + report::page_close(m);
}

}  // namespace acosim
