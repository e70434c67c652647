#include "sim/output/agreement_report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/common/format.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/format.hpp"
#include "sim/output/report/json.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/table.hpp"

namespace acosim {

namespace {

std::string percent_label(double f) { return fmt::format("{:g}%", std::round(f * 1e6) / 1e4); }

// The reports' one table renderer (sim/output/report/table.hpp): Markdown, or text in 100 columns.
using SimpleTable = report::Table;
std::string render(const SimpleTable& t, bool markdown) {
  return markdown ? report::render_markdown(t) : report::render_text(t);
}

// Path p's column k (0: total, 1: PV, 2: worst year, 3 + y: year y + 1).
class PathColumns {
 public:
  explicit PathColumns(const AgreementResults& ar)
      : r_(ar.results), width_(kPathSummaryColumns + static_cast<int>(ar.performance_year.size())) {
    if (r_.tracks.size() != ar.path_labels.size() * static_cast<std::size_t>(width_)) {
      throw std::invalid_argument("agreement_report: the results have no summaries for every path column");
    }
  }
  const TrackSummary& operator()(std::size_t p, int k) const {
    return r_.tracks[p * static_cast<std::size_t>(width_) + static_cast<std::size_t>(k)];
  }

 private:
  const SimulationResults& r_;
  int width_;
};

std::string agreement_csv(const AgreementResults& ar) {
  const PathColumns col(ar);
  const int years = static_cast<int>(ar.performance_year.size());
  std::string out;
  auto row = [&](const std::string& track, const std::string& metric, const std::string& unit, double v) {
    std::string t = track.find_first_of(",\"") == std::string::npos ? track : "\"" + track + "\"";
    out += fmt::format("agreement,{},{},{},{}\n", t, metric, unit, v);
  };
  for (std::size_t p = 0; p < ar.path_labels.size(); ++p) {
    const std::string& l = ar.path_labels[p];
    row(l, "total_mean", "USD", col(p, 0).dollars.mean);
    row(l, "pv_mean", "USD", col(p, 1).dollars.mean);
    row(l, "p_cumulative_net_loss", "probability", col(p, 0).p_losses);
    row(l, "p_any_year_owed", "probability", col(p, 2).p_losses);
    row(l, "worst_year_mean", "USD", col(p, 2).dollars.mean);
    for (int y = 0; y < years; ++y) {
      row(l, fmt::format("year{}_mean", y + 1), "USD", col(p, kPathSummaryColumns + y).dollars.mean);
      row(l, fmt::format("year{}_p_losses", y + 1), "probability", col(p, kPathSummaryColumns + y).p_losses);
    }
  }
  for (const PathCashSummary& c : ar.cash) {  // agreement.cash (bench §9.4)
    for (std::size_t y = 0; y < c.net_by_year.size(); ++y) {
      row(c.label, fmt::format("year{}_net_cash_mean", y + 1), "USD", c.net_by_year[y].mean);
    }
    row(c.label, "net_cash_total_mean", "USD", c.net_total.mean);
    row(c.label, "p_net_cash_negative", "probability", c.p_negative_total);
  }
  return out;
}

// The section's heading, the paths and the notes.
std::string agreement_heading(const AgreementResults& ar, bool md) {
  const SimulationResults& r = ar.results;
  std::string out;
  const std::string head = fmt::format(
      "Agreement: {} performance year{} PY{}-PY{}{}, one panel of {} beneficiaries, turnover {} a year, "
      "PV at {} a year",
      ar.years + ar.renewal_years, ar.years + ar.renewal_years == 1 ? "" : "s", ar.performance_year.front(),
      ar.performance_year.back(),
      ar.renewal_years > 0 ? fmt::format(" (rebased renewal after PY{})",
                                         ar.performance_year[static_cast<std::size_t>(ar.years - 1)])
                           : "",
      r.meta.beneficiaries, percent_label(ar.turnover), percent_label(ar.discount_rate));
  const auto text = [md](const std::string& t) { return md ? report::md_cell(t) : t; };
  out += md ? "## Agreement period\n\n" + text(head) + ".\n\n" : head + "\n";
  for (std::size_t p = 0; p < ar.path_labels.size(); ++p) {
    out += fmt::format(fmt::runtime(md ? "- **{}**: {}\n" : "  {}: {}\n"),
                       text(report::plain_track_label(ar.path_labels[p])), text(ar.path_descriptions[p]));
  }
  if (!ar.notes.empty())
    out += fmt::format(fmt::runtime(md ? "\n> Note: {}.\n" : "  Note: {}.\n"), text(ar.notes));
  out += "\n";

  return out;
}

SimpleTable totals_table(const AgreementResults& ar) {
  const PathColumns col(ar);
  const SimulationResults& r = ar.results;
  SimpleTable totals{
      "Agreement totals by path",
      "Total and PV: net payment summed over the agreement (+ paid to the ACO); PV discounts PY k's "
      "payment by (1 + rate)^k. Worst year: the path's smallest annual payment. Runs: " +
          std::to_string(r.meta.completed_runs) + ".",
      {"Path", "Total mean ± SE", "Total P5", "Total P50", "Total P95", "PV mean", "P(net loss)",
       "P(owes in any year)", "Worst year mean", "Worst year P5"},
      {}};
  for (std::size_t p = 0; p < ar.path_labels.size(); ++p) {
    const TrackSummary& tot = col(p, 0);
    const TrackSummary& worst = col(p, 2);
    const std::string name = report::plain_track_label(ar.path_labels[p]);
    totals.rows.push_back({name, money_compact(tot.dollars.mean) + " ± " + money_compact(tot.dollars.mcse),
                           money_compact(tot.dollars.percentiles[1]),
                           money_compact(tot.dollars.percentiles[4]),
                           money_compact(tot.dollars.percentiles[7]), money_compact(col(p, 1).dollars.mean),
                           probability(tot.p_losses), probability(worst.p_losses),
                           money_compact(worst.dollars.mean), money_compact(worst.dollars.percentiles[1])});
  }
  return totals;
}

// Mean net payment and P(owes shared losses) by year: {by_year, owes}.
std::array<SimpleTable, 2> yearly_tables(const AgreementResults& ar) {
  const PathColumns col(ar);
  const int years = static_cast<int>(ar.performance_year.size());
  SimpleTable by_year{"Mean net payment by year", "", {"Path"}, {}};
  SimpleTable owes{"P(owes shared losses) by year", "", {"Path"}, {}};
  bool any_carried = false;
  for (int y = 0; y < years; ++y) {
    const int py = ar.performance_year[static_cast<std::size_t>(y)];
    const bool carried = ar.rules_year[static_cast<std::size_t>(y)] != py;
    any_carried = any_carried || carried;
    const std::string h = fmt::format("PY{}{}", py, carried ? "*" : "");
    by_year.header.push_back(h);
    owes.header.push_back(h);
  }
  if (any_carried) {
    by_year.note = fmt::format("* settled under PY{} rules.", kLastRuleYear);
    owes.note = by_year.note;
  }
  for (std::size_t p = 0; p < ar.path_labels.size(); ++p) {
    const std::string name = report::plain_track_label(ar.path_labels[p]);
    std::vector<std::string> a{name}, b{name};
    for (int y = 0; y < years; ++y) {
      a.push_back(money_compact(col(p, kPathSummaryColumns + y).dollars.mean));
      b.push_back(probability(col(p, kPathSummaryColumns + y).p_losses));
    }
    by_year.rows.push_back(std::move(a));
    owes.rows.push_back(std::move(b));
  }
  return {std::move(by_year), std::move(owes)};
}

// Net cash by year (agreement.cash; bench §9.4): mean per PY, the agreement total's distribution.
SimpleTable cash_table(const AgreementResults& ar) {
  SimpleTable t{"Net cash by year (AIP / prepaid shared savings)",
                "Net cash: advances received + (shared savings - recouped) - shared losses - balances due "
                "at an agreement's end (42 CFR 425.630, 425.640). Means by PY; the total over the agreement "
                "with its P5 / P50 / P95 and P(total < 0).",
                {"Path"},
                {}};
  for (int py : ar.performance_year) t.header.push_back(fmt::format("PY{}", py));
  for (const char* h : {"Total mean", "Total P5", "Total P50", "Total P95", "P(total < 0)"})
    t.header.push_back(h);
  for (const PathCashSummary& c : ar.cash) {
    std::vector<std::string> row{c.label};
    for (const Stats& st : c.net_by_year) row.push_back(money_compact(st.mean));
    row.push_back(money_compact(c.net_total.mean));
    for (std::size_t k : {1u, 4u, 7u}) row.push_back(money_compact(c.net_total.percentiles[k]));
    row.push_back(probability(c.p_negative_total));
    t.rows.push_back(std::move(row));
  }
  return t;
}

nlohmann::ordered_json cash_json(const AgreementResults& ar) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const PathCashSummary& c : ar.cash) {
    nlohmann::ordered_json j;
    j["path"] = c.label;
    j["aip_paid"] = c.aip_paid;
    j["prepaid_paid"] = c.prepaid_paid;
    std::vector<double> mean;
    for (const Stats& st : c.net_by_year) mean.push_back(st.mean);
    j["net_mean_by_year"] = mean;
    j["p_net_negative_by_year"] = c.p_negative_by_year;
    j["recouped_mean_by_year"] = c.recouped_mean;
    j["due_mean_by_year"] = c.due_mean;
    j["net_total"] = {{"mean", c.net_total.mean},          {"p5", c.net_total.percentiles[1]},
                      {"p50", c.net_total.percentiles[4]}, {"p95", c.net_total.percentiles[7]},
                      {"p_negative", c.p_negative_total},  {"p_negative_se", c.p_negative_total_se}};
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

nlohmann::ordered_json report::agreement_json(const AgreementResults& ar) {
  nlohmann::ordered_json a;
  a["years"] = ar.years;
  a["renewal_years"] = ar.renewal_years;
  a["start_year"] = ar.start_year;
  a["performance_year"] = ar.performance_year;
  a["rules_year"] = ar.rules_year;
  a["turnover"] = ar.turnover;
  a["discount_rate"] = ar.discount_rate;
  a["notes"] = ar.notes;
  a["paths"] = ar.path_labels;
  a["path_descriptions"] = ar.path_descriptions;
  a["columns"] =
      "per path: '<path> total', '<path> PV', '<path> worst year', '<path> year k' (see tracks); "
      "P(net loss) = p_losses of '<path> total', P(owes in any year) = p_losses of '<path> worst year'";
  if (!ar.cash.empty()) a["cash"] = cash_json(ar);
  return a;
}

std::string agreement_report(const AgreementResults& ar, const std::string& format) {
  if (format == "csv") return agreement_csv(ar);
  const bool md = format == "md";
  const auto [by_year, owes] = yearly_tables(ar);
  return agreement_heading(ar, md) + render(totals_table(ar), md) + render(by_year, md) + render(owes, md) +
         (ar.cash.empty() ? "" : render(cash_table(ar), md));
}

std::vector<report::Table> agreement_tables(const AgreementResults& ar) {
  auto [by_year, owes] = yearly_tables(ar);
  std::vector<report::Table> tables{totals_table(ar), std::move(by_year), std::move(owes)};
  if (!ar.cash.empty()) tables.push_back(cash_table(ar));
  return tables;
}

std::string render_agreement_report(ReportFormat f, const ReportInput& in) {
  const AgreementResults& ar = *in.agreement;
  switch (f) {
    case ReportFormat::Text: return report_detail::render_text_report(in) + agreement_report(ar, "text");
    case ReportFormat::Markdown:
      return report_detail::render_markdown_report(in) + agreement_report(ar, "md");
    case ReportFormat::Html: return render_agreement_html(in);
    // The per-column CSV is one row per track; the agreement's paths are their own tidy table.
    case ReportFormat::Csv: return "section,track,metric,unit,value\n" + agreement_report(ar, "csv");
    case ReportFormat::Json: return report_detail::render_json_report(in);  // with its "agreement" member
    case ReportFormat::Xlsx: return report_detail::render_xlsx_report(in);  // one Summary row per column
  }
  throw std::logic_error("render_agreement_report: a report format without its agreement case");
}

}  // namespace acosim
