// Human- and machine-readable reports of a simulation's results: the scenario summary, one row per
// track (net payment distribution in USD and in % of benchmark, outcome probabilities, loss tail
// risk), one row per pair of tracks (run-by-run differences) and, when a risk appetite is known,
// the risk verdict (sim/engine/risk.hpp). All formats carry the same numbers; when `results` has a run
// table but no summaries, they are computed first.
//
// The one-argument functions take the risk appetite from the scenario's `risk:` section (recorded
// in results.meta.scenario_text); an invalid section shows as a note instead of a verdict. The
// two-argument functions use exactly the appetite given (nullopt: no verdict).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/results.hpp"
#include "sim/engine/risk.hpp"

namespace acosim {

// GitHub-flavoured Markdown: a metadata table and one table per section; money as $1,234,567.
std::string report_markdown(const SimulationResults& results);
std::string report_markdown(const SimulationResults& results, const std::optional<RiskAppetite>& risk);

// One tidy long-format table with the header `section,track,metric,unit,value` (RFC 4180 quoting);
// values are raw numbers (shortest round-trip form) except scenario text fields.
// section: scenario | track | pair | risk; track: the track label, or "A vs B" for a pair.
std::string report_csv(const SimulationResults& results);
std::string report_csv(const SimulationResults& results, const std::optional<RiskAppetite>& risk);

// Nested JSON (format "acosim-report", version 1) with raw numbers; NaN becomes null. A "risk"
// object is present only with a risk appetite.
std::string report_json(const SimulationResults& results);
std::string report_json(const SimulationResults& results, const std::optional<RiskAppetite>& risk);

// Aligned plain text for a terminal; money in compact form ($1.23M).
std::string report_text(const SimulationResults& results);
std::string report_text(const SimulationResults& results, const std::optional<RiskAppetite>& risk);

// One self-contained HTML page (inline CSS, charts as inline SVG; no scripts, no external files):
// scenario summary, risk verdict, payment distributions, loss exceedance curves, percentile,
// probability and tail-risk tables per track and pair (sim/output/html_report.cpp).
std::string report_html(const SimulationResults& results);
std::string report_html(const SimulationResults& results, const std::optional<RiskAppetite>& risk);

// Money formats shared by the reports, risk and sweep output.
std::string format_money(double usd);       // compact: "$1.23M", "-$456K", "$87"
std::string format_money_full(double usd);  // whole dollars: "$1,234,567"

namespace report_detail {

struct Table {
  std::string title;
  std::string note;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t left_columns = 1;  // the first columns are left-aligned, the rest right-aligned
};

using MoneyFormat = std::function<std::string(double)>;

// The results with summaries: `r` itself, or a summarized copy in `storage` when it has none.
const SimulationResults& summarized(const SimulationResults& r, SimulationResults& storage);
// Payment percentiles [USD], probabilities and tail risk, payment [% of benchmark], pairs.
std::vector<Table> build_tables(const SimulationResults& r, const MoneyFormat& money);
// Scenario summary as (item, value) pairs.
std::vector<std::pair<std::string, std::string>> scenario_items(const SimulationResults& r);
// The verdict's ranked table.
Table risk_table(const RiskVerdict& v, const MoneyFormat& money);
// The appetite a one-argument report uses: the scenario's risk: section (nullopt when absent);
// `error` receives the message when the section is invalid.
std::optional<RiskAppetite> scenario_risk(const SimulationResults& r, std::string& error);
std::string fixed(double x, int decimals);
std::string probability(double p);  // "12.34%"

}  // namespace report_detail

}  // namespace acosim
