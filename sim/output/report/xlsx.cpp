// The Excel workbook (libxlsxwriter): numbers are stored as numbers with number formats, so every
// sheet sorts, filters and pivots. Sheets: Summary (one row per track), Percentiles, Differences
// (pairs of tracks), Per run (run x track, capped at ReportInput::per_run_rows), Assumptions, and
// Verdict when a risk appetite is given, plus Intervals (95% CIs) and Drivers (rank correlations); an
// agreement's workbook opens with Agreement (and Agreement cash). Amounts
// [USD]; probabilities and "% of benchmark" are stored as fractions with a percent format (0.0123 shows
// as 1.23%).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xlsxwriter.h>

#include "models/settle.hpp"
#include "sim/common/error.hpp"
#include "sim/engine/uncertainty.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/numbers.hpp"
#include "sim/output/verdict_text.hpp"

namespace acosim::report_detail {

namespace {

namespace fs = std::filesystem;

struct Formats {
  lxw_format* header;
  lxw_format* money;   // whole dollars
  lxw_format* cents;   // to the cent (per-run amounts)
  lxw_format* share;   // a fraction shown as a percentage
  lxw_format* ratio;   // four decimals
  lxw_format* number;  // two decimals
  lxw_format* wrap;    // long text
};

// One sheet being filled row by row.
class Sheet {
 public:
  Sheet(lxw_workbook* wb, const char* name, const Formats& f) : ws_(workbook_add_worksheet(wb, name)), f_(f) {
    if (ws_ == nullptr) throw std::runtime_error(fmt::format("libxlsxwriter could not add sheet {}", name));
  }
  // A bold header row with column widths [characters]; the first row and `label_columns` stay frozen.
  void header(const std::vector<std::string>& names, const std::vector<double>& widths, int label_columns) {
    for (std::size_t j = 0; j < names.size(); ++j) {
      worksheet_write_string(ws_, row_, static_cast<lxw_col_t>(j), names[j].c_str(), f_.header);
      worksheet_set_column(ws_, static_cast<lxw_col_t>(j), static_cast<lxw_col_t>(j),
                           j < widths.size() ? widths[j] : 14, nullptr);
    }
    worksheet_freeze_panes(ws_, 1, static_cast<lxw_col_t>(label_columns));
    ++row_;
    col_ = 0;
  }
  Sheet& text(const std::string& s, lxw_format* f = nullptr) {
    worksheet_write_string(ws_, row_, col_++, s.c_str(), f);
    return *this;
  }
  Sheet& number(double x, lxw_format* f) {
    if (std::isfinite(x)) worksheet_write_number(ws_, row_, col_, x, f);
    ++col_;
    return *this;
  }
  Sheet& money(double x) { return number(x, f_.money); }
  Sheet& share(double x) { return number(x, f_.share); }
  void next() {
    ++row_;
    col_ = 0;
  }
  lxw_row_t row() const { return row_; }

 private:
  lxw_worksheet* ws_;
  const Formats& f_;
  lxw_row_t row_ = 0;
  lxw_col_t col_ = 0;
};

std::string pname(double level) { return fmt::format("P{}", level); }

// An agreement's workbook (acosim agreement --report FILE.xlsx) opens with Agreement: one row per
// path -- totals over the agreement, PV, the worst year, and each performance year's mean and
// P(owing shared losses) -- and, with agreement.cash, Agreement cash: each path's mean net cash by
// year and over the agreement (the per-column sheets follow: one Summary row per path and column).
void agreement_sheets(lxw_workbook* wb, const Formats& f, const AgreementResults& ar) {
  const std::size_t years = ar.performance_year.size(), width = kPathSummaryColumns + years;
  if (ar.results.tracks.size() != ar.path_labels.size() * width)
    throw std::invalid_argument("agreement workbook: the results have no summaries for every path column");
  const auto col = [&](std::size_t p, std::size_t k) -> const TrackSummary& {
    return ar.results.tracks[p * width + k];
  };
  Sheet s(wb, "Agreement", f);
  std::vector<std::string> head = {"Path",
                                   "Path key",
                                   "Tracks by year",
                                   "Total mean [USD]",
                                   "Total MC SE [USD]",
                                   "Total P5 [USD]",
                                   "Total P50 [USD]",
                                   "Total P95 [USD]",
                                   "PV mean [USD]",
                                   "P(net loss over the agreement)",
                                   "P(owes in any year)",
                                   "Worst year mean [USD]",
                                   "Worst year P5 [USD]"};
  for (int py : ar.performance_year) head.push_back(fmt::format("PY{} mean [USD]", py));
  for (int py : ar.performance_year) head.push_back(fmt::format("PY{} P(owes shared losses)", py));
  s.header(head, {30, 22, 40}, 1);
  for (std::size_t p = 0; p < ar.path_labels.size(); ++p) {
    const Stats& total = col(p, 0).dollars;
    const TrackSummary& worst = col(p, 2);
    s.text(report::plain_track_label(ar.path_labels[p])).text(ar.path_labels[p]);
    s.text(p < ar.path_descriptions.size() ? ar.path_descriptions[p] : "", f.wrap);
    s.money(total.mean).money(total.mcse).money(total.percentiles[1]).money(total.percentiles[4]);
    s.money(total.percentiles[7]).money(col(p, 1).dollars.mean);
    s.share(col(p, 0).p_losses)
        .share(worst.p_losses)
        .money(worst.dollars.mean)
        .money(worst.dollars.percentiles[1]);
    for (std::size_t y = 0; y < years; ++y) s.money(col(p, kPathSummaryColumns + y).dollars.mean);
    for (std::size_t y = 0; y < years; ++y) s.share(col(p, kPathSummaryColumns + y).p_losses);
    s.next();
  }
  if (ar.cash.empty()) return;
  Sheet c(wb, "Agreement cash", f);
  std::vector<std::string> cash_head = {"Path"};
  for (std::size_t y = 0; y < ar.cash.front().net_by_year.size(); ++y)
    cash_head.push_back(fmt::format("Year {} net cash mean [USD]", y + 1));
  cash_head.insert(cash_head.end(), {"Net cash over the agreement, mean [USD]", "P(net cash < 0)"});
  c.header(cash_head, {30}, 1);
  for (const PathCashSummary& p : ar.cash) {
    c.text(report::plain_track_label(p.label));
    for (const Stats& y : p.net_by_year) c.money(y.mean);
    c.money(p.net_total.mean).share(p.p_negative_total);
    c.next();
  }
}

void summary_sheet(lxw_workbook* wb, const Formats& f, const SimulationResults& r) {
  Sheet s(wb, "Summary", f);
  s.header({"Track",
            "Track key",
            "Mean [USD]",
            "Mean MC SE [USD]",
            "SD [USD]",
            "P5 [USD]",
            "P50 [USD]",
            "P95 [USD]",
            "P(savings)",
            "P(savings) SE",
            "P(losses)",
            "P(losses) SE",
            "P(corridor)",
            "P(quality failed)",
            "VaR95 [USD]",
            "ES95 [USD]",
            "VaR99 [USD]",
            "ES99 [USD]",
            "Mean [% of benchmark]",
            "Mean MC SE [% of benchmark]"},
           {30, 22}, 1);
  for (const auto& t : r.tracks) {
    const auto& d = t.dollars;
    s.text(report::plain_track_label(t.label)).text(t.label);
    s.money(d.mean)
        .money(d.mcse)
        .money(d.sd)
        .money(d.percentiles[1])
        .money(d.percentiles[4])
        .money(d.percentiles[7]);
    s.share(t.p_savings).share(t.p_savings_se).share(t.p_losses).share(t.p_losses_se).share(t.p_corridor);
    s.share(t.p_quality_failed).money(d.var95).money(d.es95).money(d.var99).money(d.es99);
    s.share(t.percent.mean / 100).share(t.percent.mcse / 100);
    s.next();
  }
}

void percentile_sheet(lxw_workbook* wb, const Formats& f, const SimulationResults& r) {
  Sheet s(wb, "Percentiles", f);
  std::vector<std::string> h{"Track", "Unit", "Min"};
  for (double level : kPercentileLevels) h.push_back(pname(level));
  h.emplace_back("Max");
  s.header(h, {30, 18}, 2);
  for (const auto& t : r.tracks) {
    s.text(report::plain_track_label(t.label)).text("USD").money(t.dollars.min);
    for (double v : t.dollars.percentiles) s.money(v);
    s.money(t.dollars.max).next();
  }
  for (const auto& t : r.tracks) {
    s.text(report::plain_track_label(t.label)).text("% of benchmark").share(t.percent.min / 100);
    for (double v : t.percent.percentiles) s.share(v / 100);
    s.share(t.percent.max / 100).next();
  }
}

void intervals_sheet(lxw_workbook* wb, const Formats& f, const SimulationResults& r) {
  Sheet s(wb, "Intervals", f);
  std::vector<std::string> h{"Track"};
  for (const char* m : {"P5", "P50", "P95", "VaR95", "ES95", "VaR99", "ES99"}) {
    h.push_back(fmt::format("{} low [USD]", m));
    h.push_back(fmt::format("{} high [USD]", m));
  }
  s.header(h, {30}, 1);
  const auto ci = track_intervals(r.table);
  for (std::size_t k = 0; k < ci.size(); ++k) {
    const auto& c = ci[k];
    s.text(report::plain_track_label(r.table.tracks[k]));
    for (const Interval& i :
         {c.percentiles[1], c.percentiles[4], c.percentiles[7], c.var95, c.es95, c.var99, c.es99}) {
      s.money(i.lo).money(i.hi);
    }
    s.next();
  }
  s.next();
  s.text("95% confidence intervals: order statistics for percentiles and VaR, delta method for ES.");
}

void drivers_sheet(lxw_workbook* wb, const Formats& f, const SimulationResults& r) {
  Sheet s(wb, "Drivers", f);
  const Sensitivity sens = payment_sensitivity(r.table);
  std::vector<std::string> h{"Track"};
  for (const Driver& d : kDrivers) h.push_back(std::string(d.label) + ": rank correlation");
  for (const Driver& d : kDrivers) h.push_back(std::string(d.label) + ": share of variance");
  s.header(h, {30}, 1);
  for (std::size_t k = 0; k < r.table.tracks.size(); ++k) {
    s.text(report::plain_track_label(r.table.tracks[k]));
    for (std::size_t d = 0; d < kDrivers.size(); ++d)
      s.number(sens.rank_correlation(static_cast<long>(d), static_cast<long>(k)), f.number);
    for (std::size_t d = 0; d < kDrivers.size(); ++d)
      s.share(sens.variance_share(static_cast<long>(d), static_cast<long>(k)));
    s.next();
  }
}

void differences_sheet(lxw_workbook* wb, const Formats& f, const SimulationResults& r) {
  Sheet s(wb, "Differences", f);
  s.header({"A", "B", "Mean A - B [USD]", "Mean MC SE [USD]", "P(A better)", "P(equal)", "P5 [USD]",
            "P50 [USD]", "P95 [USD]", "Mean A - B [% of benchmark]"},
           {30, 30}, 2);
  for (const auto& p : r.pairs) {
    s.text(report::plain_track_label(p.a)).text(report::plain_track_label(p.b));
    s.money(p.dollars.mean).money(p.dollars.mcse).share(p.p_a_better).share(p.p_equal);
    s.money(p.dollars.percentiles[1]).money(p.dollars.percentiles[4]).money(p.dollars.percentiles[7]);
    s.share(p.percent.mean / 100).next();
  }
}

void per_run_sheet(lxw_workbook* wb, const Formats& f, const SimulationResults& r, long cap) {
  Sheet s(wb, "Per run", f);
  const RunTable& t = r.table;
  std::vector<std::string> h{"Run",         "Benchmark [USD]",  "Spending [USD]",
                             "True effect", "Benchmark factor", "Quality score"};
  for (const auto& label : t.tracks) h.push_back(report::plain_track_label(label) + " [USD]");
  s.header(h, {8, 16, 16, 12, 16, 13}, 1);
  long written = 0;
  for (long i = 0; i < t.runs() && written < cap; ++i) {
    if (!t.done(i)) continue;
    s.number(static_cast<double>(i), nullptr)
        .number(t.benchmark(i), f.cents)
        .number(t.expenditure(i), f.cents);
    s.share(t.true_effect(i)).number(t.benchmark_factor(i), f.ratio).number(t.quality(i), f.number);
    for (long k = 0; k < static_cast<long>(t.tracks.size()); ++k) s.number(t.payment(i, k), f.cents);
    s.next();
    ++written;
  }
  if (written < t.completed()) {
    s.text(fmt::format("First {} of {} completed runs (the cap); every run is in the results file.", written,
                       t.completed()));
  }
}

void assumptions_sheet(lxw_workbook* wb, const Formats& f, const ReportInput& in) {
  Sheet s(wb, "Assumptions", f);
  s.header({"Assumption", "Value"}, {24, 110}, 1);
  for (const auto& a : in.assumptions.rows) s.text(a.item).text(a.value, f.wrap).next();
  if (!in.assumptions.note.empty()) s.text("Not shown").text(in.assumptions.note, f.wrap).next();
  for (const auto& w : in.assumptions.warnings) s.text("Warning").text(w, f.wrap).next();
}

void verdict_sheet(lxw_workbook* wb, const Formats& f, const RiskVerdict& v,
                   const std::vector<std::string>& labels) {
  Sheet s(wb, "Verdict", f);
  const RiskAppetite& a = v.appetite;
  s.header({"Rank", "Track", "Fits", "Why", "Mean [USD]", "P(owe more than the limit)", "MC SE", "VaR [USD]",
            "ES [USD]", "Certainty equivalent [USD]"},
           {6, 30, 6, 60}, 2);
  int rank = 0;
  for (int i : v.ranking) {
    const TrackRisk& x = v.tracks[static_cast<std::size_t>(i)];
    s.number(++rank, nullptr).text(report::plain_track_label(x.label)).text(x.fits() ? "yes" : "no");
    s.text(fit_words(x, a, report::money_full), f.wrap).money(x.mean);
    if (a.max_loss) {
      s.share(x.p_exceed).share(x.p_exceed_se);
    } else {
      s.text("").text("");
    }
    s.money(x.var).money(x.es).money(x.ce).next();
  }
  s.next();
  s.text("").text("Appetite").text("").text(describe_appetite(a), f.wrap).next();
  s.text("")
      .text("Recommendation")
      .text("")
      .text(report::plain_sentence(recommendation_text(v), labels), f.wrap)
      .next();
}

std::atomic<unsigned> g_workbooks{0};

}  // namespace

std::string render_xlsx_report(const ReportInput& in) {
  SimulationResults storage;
  const SimulationResults& r = summarized(*in.results, storage);
  const fs::path tmp = fs::temp_directory_path() / fmt::format("acosim-workbook-{}-{}.xlsx",
                                                               static_cast<long>(::getpid()), g_workbooks++);
  lxw_workbook* wb = workbook_new(tmp.c_str());
  if (wb == nullptr)
    throw InputError(fmt::format("cannot create a workbook in {}", tmp.parent_path().string()));
  Formats f{};
  f.header = workbook_add_format(wb);
  format_set_bold(f.header);
  format_set_text_wrap(f.header);
  format_set_bg_color(f.header, 0xEEF1F6);
  f.money = workbook_add_format(wb);
  format_set_num_format(f.money, "$#,##0;[Red]-$#,##0");
  f.cents = workbook_add_format(wb);
  format_set_num_format(f.cents, "$#,##0.00;[Red]-$#,##0.00");
  f.share = workbook_add_format(wb);
  format_set_num_format(f.share, "0.00%");
  f.ratio = workbook_add_format(wb);
  format_set_num_format(f.ratio, "0.0000");
  f.number = workbook_add_format(wb);
  format_set_num_format(f.number, "0.00");
  f.wrap = workbook_add_format(wb);
  format_set_text_wrap(f.wrap);
  lxw_doc_properties props{};
  std::string title = "acosim results: " + r.meta.scenario_name;
  std::string comments = "Monte Carlo distribution of MSSP shared savings and losses";
  props.title = title.data();
  props.comments = comments.data();
  workbook_set_properties(wb, &props);

  try {
    if (in.agreement != nullptr) agreement_sheets(wb, f, *in.agreement);
    summary_sheet(wb, f, r);
    percentile_sheet(wb, f, r);
    if (!r.pairs.empty()) differences_sheet(wb, f, r);
    if (r.table.completed() > 1) {
      intervals_sheet(wb, f, r);
      drivers_sheet(wb, f, r);
    }
    per_run_sheet(wb, f, r, in.per_run_rows);
    assumptions_sheet(wb, f, in);
    if (const auto v = verdict(r, in.risk)) verdict_sheet(wb, f, *v, r.table.tracks);
  } catch (...) {
    workbook_close(wb);
    fs::remove(tmp);
    throw;
  }
  const lxw_error err = workbook_close(wb);
  std::ifstream file(tmp, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(file)), {});
  file.close();
  std::error_code ec;
  fs::remove(tmp, ec);
  if (err != LXW_NO_ERROR || bytes.empty()) {
    throw InputError(fmt::format("writing the workbook failed: {}", lxw_strerror(err)));
  }
  return bytes;
}

}  // namespace acosim::report_detail
