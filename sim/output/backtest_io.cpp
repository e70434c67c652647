#include "sim/output/backtest_io.hpp"

#include <H5Cpp.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/text.hpp"
#include "sim/common/version.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/output/report/table.hpp"

namespace acosim {

namespace {

std::string num(double x) { return std::isfinite(x) ? fmt::format("{:.8g}", x) : "NaN"; }
std::string pc(double f, int d = 1) { return fmt::format("{:.{}f}%", 100.0 * f, d); }
std::string pp(double f, int d = 2) { return fmt::format("{:.{}f}", 100.0 * f, d); }
std::string pm(const MeanSe& m, int d = 1) { return fmt::format("{} ± {}", pc(m.mean, d), pp(m.se, d)); }

// ------------------------------------------------------------------------------------------------
// HDF5 (the same conventions as the results and sweep files: checksummed layout, units and
// descriptions as attributes; docs/results-schema.md).

// Thin names over the HDF5 gateway (sim/output/hdf5_file.hpp) for the backtest file's datasets.
void doubles(h5::FileWriter& w, const std::string& path, const std::vector<double>& v,
             const std::string& units, const std::string& description) {
  w.vector(path, v, units.empty() ? nullptr : units.c_str(), description.c_str());
}
void ints(h5::FileWriter& w, const std::string& path, const std::vector<std::int64_t>& v,
          const std::string& description) {
  w.vector(path, v, nullptr, description.c_str());
}
void strings(h5::FileWriter& w, const std::string& path, const std::vector<std::string>& v,
             const std::string& description) {
  w.strings(path, v, description.c_str());
}
void mean_se_pair(h5::FileWriter& w, const std::string& path, const MeanSe& m, const std::string& units,
                  const std::string& description) {
  doubles(w, path, {m.mean, m.se}, units, description + " [mean, standard error]");
}

// The file's attributes: format, provenance, the run settings and the calibrated defaults.
void write_header(h5::FileWriter& w, const BacktestResult& r) {
  H5::Group root = w.file().openGroup("/");
  w.put_string(root, "format", kBacktestFormat);
  w.put_number<std::int64_t>(root, "format_version", kBacktestFormatVersion);
  w.put_string(root, "program_version", kVersion);
  w.put_string(root, "git_commit", kGitCommit);
  w.put_string(root, "file_a", r.file_a);
  w.put_string(root, "file_b", r.file_b);
  w.put_number<std::int64_t>(root, "py_a", r.py_a);
  w.put_number<std::int64_t>(root, "py_b", r.py_b);
  w.put_number<std::int64_t>(root, "runs_per_aco", r.runs);
  w.put_number<std::int64_t>(root, "seed", static_cast<std::int64_t>(r.seed));
  w.put_number<std::int64_t>(root, "threads", r.threads);
  w.put_number<std::int64_t>(root, "ranks", r.ranks);
  w.put_number<double>(root, "wall_seconds", r.wall_seconds);
  w.put_number<double>(root, "baseline_s", r.baseline_s);
  const CalibrationDefaults& c = r.calibration;
  H5::Group cal = w.file().createGroup("/calibration");
  w.put_string(cal, "description", "the calibrated defaults used (docs/calibration.md)");
  w.put_number<double>(cal, "k_claims", c.k_claims);
  w.put_number<double>(cal, "k_baseline", c.k_baseline);
  w.put_number<double>(cal, "persistence", c.persistence);
  w.put_number<double>(cal, "drift_sd", c.drift_sd);
  w.put_number<double>(cal, "common_shift_mean", c.common_shift_mean);
  w.put_number<double>(cal, "common_shift_sd", c.common_shift_sd);
  w.put_number<double>(cal, "quality_persistence", c.quality_persistence);
  w.put_number<double>(cal, "quality_sd", c.quality_sd);
  w.put_number<double>(cal, "benchmark_growth", c.benchmark_growth);
}

// /acos: one entry per ACO scored.
void write_acos(h5::FileWriter& w, const BacktestResult& r) {
  H5::Group acos = w.file().createGroup("/acos");
  w.put_string(acos, "description", "one entry per ACO scored, ACO_ID order (the --csv columns)");
  std::vector<std::string> id, track;
  std::vector<std::int64_t> n_ab, earned, owed, quartile;
  std::vector<double> col[14];
  for (const BacktestRow& x : r.rows) {
    id.push_back(x.aco_id);
    track.push_back(x.track_b);
    n_ab.push_back(x.n_ab);
    earned.push_back(x.earned_savings);
    owed.push_back(x.owed_losses);
    quartile.push_back(x.size_quartile);
    const double v[14] = {x.realized_savings_rate,
                          x.pit,
                          x.q05,
                          x.q25,
                          x.q50,
                          x.q75,
                          x.q95,
                          x.crps,
                          x.crps_baseline,
                          x.p_savings,
                          x.p_losses,
                          x.savings_rate_a,
                          x.forecast_mean,
                          x.forecast_sd};
    for (int k = 0; k < 14; ++k) col[k].push_back(v[k]);
  }
  strings(w, "/acos/aco_id", id, "ACO_ID");
  strings(w, "/acos/track_b", track, "year B's track (Current_Track in file B)");
  ints(w, "/acos/n_ab", n_ab, "N_AB in year A [beneficiaries]");
  ints(w, "/acos/earned_savings", earned, "1 when EarnSaveLoss > 0 in file B");
  ints(w, "/acos/owed_losses", owed, "1 when EarnSaveLoss < 0 in file B");
  ints(w, "/acos/size_quartile", quartile, "1-4 by N_AB in year A");
  const char* names[14] = {"realized_savings_rate",
                           "pit",
                           "q05",
                           "q25",
                           "q50",
                           "q75",
                           "q95",
                           "crps",
                           "crps_baseline",
                           "p_savings",
                           "p_losses",
                           "savings_rate_a",
                           "forecast_mean",
                           "forecast_sd"};
  const char* desc[14] = {"(B - E) / B in file B",
                          "forecast CDF at the realized rate (ties half)",
                          "forecast 5th percentile of the savings rate",
                          "25th percentile",
                          "median",
                          "75th percentile",
                          "95th percentile",
                          "CRPS of the forecast",
                          "CRPS of the persistence baseline",
                          "forecast P(earns shared savings)",
                          "forecast P(owes shared losses)",
                          "(B - E) / B in file A",
                          "forecast mean savings rate",
                          "forecast SD of the savings rate"};
  for (int k = 0; k < 14; ++k) {
    const bool prob = k == 1 || k == 9 || k == 10;
    doubles(w, std::string("/acos/") + names[k], col[k], prob ? "probability" : "fraction of benchmark",
            desc[k]);
  }
}

// /summary: calibration and skill with their standard errors.
void write_summary(h5::FileWriter& w, const BacktestSummary& s) {
  H5::Group sum = w.file().createGroup("/summary");
  w.put_string(sum, "description",
               "calibration and skill with their sampling standard errors (docs/backtest.md)");
  doubles(w, "/summary/coverage_levels", {0.5, 0.8, 0.9}, "probability", "nominal central-interval levels");
  std::vector<double> cov, cov_se, covq, covq_se;
  for (const MeanSe& m : s.coverage) {
    cov.push_back(m.mean);
    cov_se.push_back(m.se);
  }
  for (const auto& q : s.coverage_by_quartile) {
    for (const MeanSe& m : q) {
      covq.push_back(m.mean);
      covq_se.push_back(m.se);
    }
  }
  doubles(w, "/summary/coverage", cov, "fraction",
          "share of ACOs whose realized rate is inside each interval");
  doubles(w, "/summary/coverage_se", cov_se, "fraction", "its binomial standard error");
  doubles(w, "/summary/coverage_by_quartile", covq, "fraction",
          "coverage by size quartile, 4 x 3 row-major (quartile, level)");
  doubles(w, "/summary/coverage_by_quartile_se", covq_se, "fraction", "their standard errors");
  ints(w, "/summary/quartile_bounds", {s.quartile_bounds.begin(), s.quartile_bounds.end()},
       "N_AB at the quartile edges: min, q1, q2, q3, max");
  ints(w, "/summary/pit_histogram", {s.pit.counts.begin(), s.pit.counts.end()},
       "PIT counts in 10 equal bins");
  doubles(w, "/summary/pit_chi_square",
          {s.pit.chi_square, static_cast<double>(s.pit.degrees_of_freedom), s.pit.p_value}, "",
          "Pearson chi-square against the uniform [statistic, degrees of freedom, p-value]");
  mean_se_pair(w, "/summary/crps", s.crps, "fraction of benchmark", "mean CRPS of the forecast");
  mean_se_pair(w, "/summary/crps_baseline", s.crps_baseline, "fraction of benchmark",
               "mean CRPS of the persistence baseline");
  mean_se_pair(w, "/summary/crps_difference", s.crps_difference, "fraction of benchmark",
               "forecast minus baseline, paired");
  mean_se_pair(w, "/summary/brier_savings", s.brier_savings, "", "Brier score of P(savings)");
  mean_se_pair(w, "/summary/brier_savings_base_rate_a", s.brier_savings_base_a, "",
               "Brier score of year A's base rate");
  mean_se_pair(w, "/summary/brier_savings_base_rate_b", s.brier_savings_base_b, "",
               "Brier score of year B's own base rate (in-sample)");
  mean_se_pair(w, "/summary/brier_losses", s.brier_losses, "", "Brier score of P(losses)");
  mean_se_pair(w, "/summary/brier_losses_base_rate_a", s.brier_losses_base_a, "",
               "Brier score of year A's base rate");
  mean_se_pair(w, "/summary/brier_losses_base_rate_b", s.brier_losses_base_b, "",
               "Brier score of year B's own base rate (in-sample)");
  for (const auto& [name, table] :
       {std::pair{"savings", &s.reliability_savings}, std::pair{"losses", &s.reliability_losses}}) {
    std::vector<double> lo, mean, obs, se;
    std::vector<std::int64_t> cnt;
    for (const ReliabilityBin& b : *table) {
      lo.push_back(b.lo);
      cnt.push_back(b.n);
      mean.push_back(b.mean_forecast);
      obs.push_back(b.observed);
      se.push_back(b.observed_se);
    }
    const std::string p = std::string("/summary/reliability_") + name;
    w.file().createGroup(p);
    doubles(w, p + "/bin_lower", lo, "probability", "lower edge of the forecast bin (width 0.1)");
    ints(w, p + "/count", cnt, "ACOs in the bin");
    doubles(w, p + "/mean_forecast", mean, "probability", "mean forecast probability in the bin");
    doubles(w, p + "/observed", obs, "fraction", "observed frequency in the bin");
    doubles(w, p + "/observed_se", se, "fraction", "its binomial standard error");
  }
}

void write_file(h5::FileWriter& w, const BacktestResult& r) {
  write_header(w, r);
  write_acos(w, r);
  write_summary(w, r.summary);
  std::vector<std::string> ex_id, ex_reason;
  for (const auto& e : r.excluded) {
    ex_id.push_back(e.aco_id);
    ex_reason.push_back(e.reason);
  }
  w.file().createGroup("/excluded");
  strings(w, "/excluded/aco_id", ex_id, "ACOs not scored");
  strings(w, "/excluded/reason", ex_reason, "why");
}

// ------------------------------------------------------------------------------------------------
// Chart: three panels, SVG.

// SVG text: &, <, > (and quotes) escaped.
std::string esc(const std::string& s) { return report::html_escape(s); }

}  // namespace

std::string backtest_csv(const BacktestResult& r) {
  std::string out =
      "aco_id,n_ab,track_b,realized_savings_rate,pit,q05,q25,q50,q75,q95,crps,crps_baseline,p_savings,earned_"
      "savings,"
      "p_losses,owed_losses\n";
  for (const BacktestRow& x : r.rows) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_escape(x.aco_id), x.n_ab,
                       x.track_b, num(x.realized_savings_rate), num(x.pit), num(x.q05), num(x.q25),
                       num(x.q50), num(x.q75), num(x.q95), num(x.crps), num(x.crps_baseline),
                       num(x.p_savings), x.earned_savings, num(x.p_losses), x.owed_losses);
  }
  return out;
}

void write_backtest(const std::filesystem::path& path, const BacktestResult& r) {
  check_writable(path);
  H5::Exception::dontPrint();
  std::string bytes;
  try {
    h5::FileWriter w(path.string());  // in memory; published by one atomic write
    write_file(w, r);
    bytes = w.image();
  } catch (const H5::Exception& e) {
    throw InputError(fmt::format("cannot write backtest file {}: {}", path.string(), h5::describe(e)));
  }
  write_file_atomically(path, bytes);
}

namespace {

// The chart's geometry [px]: the page, one panel, its top edge, the first panel's left edge and the
// distance between panels.
namespace chart {
constexpr int W = 960, H = 300, pw = 260, ph = 200, top = 50, left0 = 50, gap = 320;
}  // namespace chart

// A panel's title, frame and axis labels.
void frame(std::string& o, int x0, const std::string& title, const std::string& xl, const std::string& yl) {
  using namespace chart;
  o += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"13\" font-weight=\"bold\">{}</text>\n", x0, top - 20,
                   esc(title));
  o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#444\"/>\n", x0,
                   top, pw, ph);
  o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x0 + pw / 2, top + ph + 32,
                   esc(xl));
  o += fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 {} {})\">{}</text>\n", x0 - 34,
      top + ph / 2, x0 - 34, top + ph / 2, esc(yl));
}

// 1. PIT histogram (density: 1 = uniform).
void pit_panel(std::string& o, const BacktestResult& r) {
  using namespace chart;
  const BacktestSummary& s = r.summary;
  const int x0 = left0;
  const double n = static_cast<double>(r.rows.size());
  double ymax = 2.0;
  for (long c : s.pit.counts) ymax = std::max(ymax, 1.1 * static_cast<double>(c) * 10.0 / n);
  frame(o, x0, fmt::format("PIT histogram (chi² {:.1f}, p = {:.2f})", s.pit.chi_square, s.pit.p_value), "PIT",
        "density");
  for (std::size_t k = 0; k < s.pit.counts.size(); ++k) {
    const double d = static_cast<double>(s.pit.counts[k]) * 10.0 / n;
    const double h = d / ymax * ph;
    o +=
        fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#4e79a7\"/>\n",
                    x0 + static_cast<double>(k) * pw / 10.0 + 1, top + ph - h, pw / 10.0 - 2, h);
  }
  const double y1 = top + ph - ph / ymax;
  o += fmt::format(
      "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#e15759\" stroke-dasharray=\"4 "
      "3\"/>\n",
      x0, y1, x0 + pw, y1);
  for (int t = 0; t <= 10; t += 5) {
    o += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{:.1f}</text>\n", x0 + t * pw / 10.0,
                     top + ph + 14, t / 10.0);
  }
}

// 2. Coverage by size quartile: observed vs nominal per level.
void coverage_panel(std::string& o, const BacktestSummary& s) {
  using namespace chart;
  const int x0 = left0 + gap;
  frame(o, x0, "Coverage by size quartile (N_AB)", "size quartile (1 = smallest; O = overall)", "coverage");
  const char* colors[3] = {"#4e79a7", "#f28e2b", "#59a14f"};
  for (std::size_t k = 0; k < 3; ++k) {
    const double nominal = BacktestSummary::kLevels[k];
    const double yn = top + ph - nominal * ph;
    o += fmt::format(
        "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-dasharray=\"4 "
        "3\"/>\n",
        x0, yn, x0 + pw, yn, colors[k]);
    for (int q = 0; q < 5; ++q) {
      const MeanSe& m = q < 4 ? s.coverage_by_quartile[static_cast<std::size_t>(q)][k] : s.coverage[k];
      const double x = x0 + (q + 0.5) * pw / 5.0 + (static_cast<double>(k) - 1.0) * 8.0;
      const double y = top + ph - m.mean * ph;
      o += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\"/>\n", x,
                       top + ph - std::min(1.0, m.mean + 2 * m.se) * ph, x,
                       top + ph - std::max(0.0, m.mean - 2 * m.se) * ph, colors[k]);
      o += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"/>\n", x, y, colors[k]);
    }
    o += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"{}\">{:.0f}%</text>\n", x0 + pw + 4,
                     static_cast<int>(yn) + 4, colors[k], 100 * nominal);
  }
  for (int q = 0; q < 5; ++q) {
    o += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     x0 + (q + 0.5) * pw / 5.0, top + ph + 14, q < 4 ? std::to_string(q + 1) : "O");
  }
  for (int t = 0; t <= 10; t += 5) {
    o += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{:.1f}</text>\n", x0 - 4,
                     top + ph - t * ph / 10.0 + 4, t / 10.0);
  }
}

// 3. Reliability diagram for P(savings) (and P(losses)).
void reliability_panel(std::string& o, const BacktestSummary& s) {
  using namespace chart;
  const int x0 = left0 + 2 * gap;
  frame(o, x0, "Reliability: P(savings) ●, P(losses) ▲", "forecast probability", "observed frequency");
  o += fmt::format(
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n", x0,
      top + ph, x0 + pw, top);
  for (const auto& [table, color, tri] : {std::tuple{&s.reliability_savings, "#4e79a7", false},
                                          std::tuple{&s.reliability_losses, "#e15759", true}}) {
    for (const ReliabilityBin& b : *table) {
      if (b.n == 0) continue;
      const double x = x0 + b.mean_forecast * pw, y = top + ph - b.observed * ph;
      const double rr = 2.0 + std::sqrt(static_cast<double>(b.n));
      o += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\"/>\n", x,
                       top + ph - std::min(1.0, b.observed + 2 * b.observed_se) * ph, x,
                       top + ph - std::max(0.0, b.observed - 2 * b.observed_se) * ph, color);
      if (tri) {
        o += fmt::format(
            "<polygon points=\"{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\" fill=\"{}\" "
            "fill-opacity=\"0.7\"/>\n",
            x, y - rr, x - rr, y + rr, x + rr, y + rr, color);
      } else {
        o += fmt::format(
            "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"{}\" fill-opacity=\"0.7\"/>\n", x, y, rr,
            color);
      }
    }
  }
  for (int t = 0; t <= 10; t += 5) {
    o += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{:.1f}</text>\n", x0 + t * pw / 10.0,
                     top + ph + 14, t / 10.0);
  }
}

}  // namespace

std::string backtest_chart_svg(const BacktestResult& r) {
  using namespace chart;
  std::string o = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" "
      "fill=\"white\"/>\n",
      W, H, W, H);
  pit_panel(o, r);
  coverage_panel(o, r.summary);
  reliability_panel(o, r.summary);
  o += "</svg>\n";
  return o;
}

std::string backtest_markdown(const BacktestResult& r, const std::string& chart) {
  const BacktestSummary& s = r.summary;
  std::string o;
  o += fmt::format("# Backtest PY{} → PY{}\n\n", r.py_a, r.py_b);
  o += fmt::format(
      "{} ACOs in both files in the same agreement period ({} → {}), {} runs each, seed {}; {} left out "
      "(listed in the HDF5 file). Forecasts built as `acosim init` does from PY{} plus PY{}'s track and "
      "MSR/MLR election; defaults in docs/calibration.md. {:.1f} s on {} thread{}{}.\n\n",
      r.rows.size(), r.file_a, r.file_b, r.runs, r.seed, r.excluded.size(), r.py_a, r.py_b, r.wall_seconds,
      r.threads, r.threads == 1 ? "" : "s", r.ranks > 1 ? fmt::format(" x {} ranks", r.ranks) : "");
  if (!chart.empty())
    o += fmt::format("![Calibration: PIT histogram, coverage by size quartile, reliability]({})\n\n", chart);
  o += "## Coverage of the central intervals (± standard error, pp)\n\n";
  o += "| Interval | All | Q1 | Q2 | Q3 | Q4 |\n|---|---:|---:|---:|---:|---:|\n";
  for (std::size_t k = 0; k < 3; ++k) {
    o += fmt::format("| {:.0f}% | {}", 100 * BacktestSummary::kLevels[k], pm(s.coverage[k]));
    for (std::size_t q = 0; q < 4; ++q) o += " | " + pm(s.coverage_by_quartile[q][k]);
    o += " |\n";
  }
  o += fmt::format("\nSize quartiles by N_AB in PY{}: {} – {} – {} – {} – {} beneficiaries.\n\n", r.py_a,
                   s.quartile_bounds[0], s.quartile_bounds[1], s.quartile_bounds[2], s.quartile_bounds[3],
                   s.quartile_bounds[4]);
  o += "## PIT histogram (10 bins)\n\n| Bin | ";
  for (int k = 0; k < 10; ++k) o += fmt::format("{:.1f}–{:.1f} | ", k / 10.0, (k + 1) / 10.0);
  o += "\n|---|";
  for (int k = 0; k < 10; ++k) o += "---:|";
  o += "\n| ACOs | ";
  for (long c : s.pit.counts) o += fmt::format("{} | ", c);
  o += fmt::format(
      "\n\nChi-square against the uniform {:.2f} on {} degrees of freedom, p = {:.3f} (expected {:.1f} "
      "per "
      "bin).\n\n",
      s.pit.chi_square, s.pit.degrees_of_freedom, s.pit.p_value, static_cast<double>(r.rows.size()) / 10);
  o += "## Scores (mean ± standard error)\n\n| Score | Forecast | Reference | Difference (paired) "
       "|\n|---|---:|---:|---:|\n";
  o += fmt::format(
      "| CRPS of the savings rate (pp) | {} ± {} | {} ± {} (persistence, s = {} pp) | {} ± {} |\n",
      pp(s.crps.mean, 3), pp(s.crps.se, 3), pp(s.crps_baseline.mean, 3), pp(s.crps_baseline.se, 3),
      pp(r.baseline_s), pp(s.crps_difference.mean, 3), pp(s.crps_difference.se, 3));
  o += fmt::format(
      "| Brier P(savings) | {:.4f} ± {:.4f} | {:.4f} ± {:.4f} (PY{} base rate {}) | {:+.4f} ± {:.4f} |\n",
      s.brier_savings.mean, s.brier_savings.se, s.brier_savings_base_a.mean, s.brier_savings_base_a.se,
      r.py_a, pc(s.base_rate_savings_a), s.brier_savings_gain_a.mean, s.brier_savings_gain_a.se);
  o += fmt::format(
      "| Brier P(savings) | | {:.4f} ± {:.4f} (PY{}'s own rate {}, in-sample) | {:+.4f} ± {:.4f} |\n",
      s.brier_savings_base_b.mean, s.brier_savings_base_b.se, r.py_b, pc(s.base_rate_savings_b),
      s.brier_savings_gain_b.mean, s.brier_savings_gain_b.se);
  o += fmt::format(
      "| Brier P(losses) | {:.4f} ± {:.4f} | {:.4f} ± {:.4f} (PY{} base rate {}) | {:+.4f} ± {:.4f} |\n",
      s.brier_losses.mean, s.brier_losses.se, s.brier_losses_base_a.mean, s.brier_losses_base_a.se, r.py_a,
      pc(s.base_rate_losses_a), s.brier_losses_gain_a.mean, s.brier_losses_gain_a.se);
  o += fmt::format(
      "| Brier P(losses) | | {:.4f} ± {:.4f} (PY{}'s own rate {}, in-sample) | {:+.4f} ± {:.4f} |\n\n",
      s.brier_losses_base_b.mean, s.brier_losses_base_b.se, r.py_b, pc(s.base_rate_losses_b),
      s.brier_losses_gain_b.mean, s.brier_losses_gain_b.se);
  for (const auto& [name, table] :
       {std::pair{"P(savings)", &s.reliability_savings}, std::pair{"P(losses)", &s.reliability_losses}}) {
    o += fmt::format(
        "## Reliability of {}\n\n| Forecast bin | ACOs | Mean forecast | Observed ± SE "
        "|\n|---|---:|---:|---:|\n",
        name);
    for (const ReliabilityBin& b : *table) {
      if (b.n == 0) continue;
      o += fmt::format("| {:.1f}–{:.1f} | {} | {} | {} ± {} |\n", b.lo, b.hi, b.n, pc(b.mean_forecast),
                       pc(b.observed), pp(b.observed_se, 1));
    }
    o += "\n";
  }
  return o;
}

std::string backtest_html(const BacktestResult& r) {
  // The Markdown's tables as HTML: a minimal converter for the subset backtest_markdown writes.
  const std::string md = backtest_markdown(r, "");
  std::string body;
  bool in_table = false, header = true;
  std::size_t pos = 0;
  while (pos < md.size()) {
    std::size_t end = md.find('\n', pos);
    if (end == std::string::npos) end = md.size();
    const std::string line = md.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("|", 0) == 0) {
      if (line.find("---") != std::string::npos) continue;
      if (!in_table) {
        body += "<table>\n";
        in_table = true;
        header = true;
      }
      body += "<tr>";
      std::size_t p = 1;
      while (true) {
        const std::size_t q = line.find('|', p);
        if (q == std::string::npos) break;
        const std::string cell = line.substr(p, q - p);
        body += (header ? "<th>" : "<td>") + esc(cell) + (header ? "</th>" : "</td>");
        p = q + 1;
      }
      body += "</tr>\n";
      header = false;
      continue;
    }
    if (in_table) {
      body += "</table>\n";
      in_table = false;
    }
    if (line.rfind("## ", 0) == 0)
      body += "<h2>" + esc(line.substr(3)) + "</h2>\n";
    else if (line.rfind("# ", 0) == 0)
      body += "<h1>" + esc(line.substr(2)) + "</h1>\n" + backtest_chart_svg(r);
    else if (!line.empty())
      body += "<p>" + esc(line) + "</p>\n";
  }
  if (in_table) body += "</table>\n";
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>acosim backtest PY{} → "
      "PY{}</title>\n<style>body{{font-family:sans-serif;max-width:1000px;margin:2em auto}}table{{border-"
      "collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}"
      "th{{background:#f4f4f4}}</style></head><body>\n{}</body></html>\n",
      r.py_a, r.py_b, body);
}

std::string backtest_text(const BacktestResult& r) {
  const BacktestSummary& s = r.summary;
  std::string o = fmt::format("backtest PY{} -> PY{}: {} ACOs x {} runs ({} left out) in {:.1f} s\n", r.py_a,
                              r.py_b, r.rows.size(), r.runs, r.excluded.size(), r.wall_seconds);
  o += fmt::format("  coverage 50/80/90%: {} / {} / {}\n", pm(s.coverage[0]), pm(s.coverage[1]),
                   pm(s.coverage[2]));
  for (std::size_t q = 0; q < 4; ++q) {
    o += fmt::format("    size quartile {}: {} / {} / {}\n", q + 1, pm(s.coverage_by_quartile[q][0]),
                     pm(s.coverage_by_quartile[q][1]), pm(s.coverage_by_quartile[q][2]));
  }
  o += fmt::format("  PIT chi-square {:.2f} (df {}, p = {:.3f})\n", s.pit.chi_square,
                   s.pit.degrees_of_freedom, s.pit.p_value);
  o += fmt::format("  mean CRPS {} pp vs persistence baseline {} pp (difference {} ± {})\n",
                   pp(s.crps.mean, 3), pp(s.crps_baseline.mean, 3), pp(s.crps_difference.mean, 3),
                   pp(s.crps_difference.se, 3));
  o += fmt::format("  Brier P(savings) {:.4f} vs base rate PY{} {:.4f}, PY{} {:.4f}\n", s.brier_savings.mean,
                   r.py_a, s.brier_savings_base_a.mean, r.py_b, s.brier_savings_base_b.mean);
  o += fmt::format("  Brier P(losses)  {:.4f} vs base rate PY{} {:.4f}, PY{} {:.4f}\n", s.brier_losses.mean,
                   r.py_a, s.brier_losses_base_a.mean, r.py_b, s.brier_losses_base_b.mean);
  return o;
}

}  // namespace acosim
