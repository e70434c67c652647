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
#include "sim/output/report/input.hpp"
#include "sim/output/report/table.hpp"

namespace acosim {

// GitHub-flavoured Markdown: a metadata table and one table per section; money as $1,234,567.
std::string report_markdown(const SimulationResults& results);
std::string report_markdown(const SimulationResults& results, const std::optional<RiskAppetite>& risk);

// One row per track, one column per metric with its unit in the header (mean_usd, p5_usd,
// mean_pct_of_benchmark, p_losses_fraction, ...; RFC 4180 quoting); amounts to the cent, other
// numbers to 6 significant digits; with a verdict, risk_* columns (rank, fits, reason in words).
// track_key is the internal label (the key of the results file), track its plain name.
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

// Money formats shared by the reports, risk and sweep output (sim/output/report/numbers.hpp).
std::string format_money(double usd);       // compact: "$1.23M", "-$456K", "$87"
std::string format_money_full(double usd);  // whole dollars: "$1,234,567"

namespace report_detail {

using Table = report::Table;
using MoneyFormat = std::function<std::string(double)>;

// The renderers of the formats (sim/output/report/format.cpp's registry calls them).
std::string render_text_report(const ReportInput& in);
std::string render_markdown_report(const ReportInput& in);
std::string render_html_report(const ReportInput& in);  // sim/output/html_report.cpp
std::string render_csv_report(const ReportInput& in);   // sim/output/report/json_csv.cpp
std::string render_json_report(const ReportInput& in);  // sim/output/report/json_csv.cpp
std::string render_xlsx_report(const ReportInput& in);  // sim/output/report/xlsx.cpp
// CSV companions: NAME.pairs.csv (when there are pairs), NAME.runs.csv (when in.per_run_csv).
std::vector<std::pair<std::string, std::string>> csv_companions(const ReportInput& in);

// The results with summaries: `r` itself, or a summarized copy in `storage` when it has none.
const SimulationResults& summarized(const SimulationResults& r, SimulationResults& storage);
// Payment percentiles [USD], probabilities and tail risk, payment [% of benchmark], pairs.
std::vector<Table> build_tables(const SimulationResults& r, const MoneyFormat& money);
// How the run was made (program, seed, wall time) as (item, value) pairs.
std::vector<std::pair<std::string, std::string>> scenario_items(const SimulationResults& r);
// The assumptions as a two-column table.
Table assumptions_table(const Assumptions& a);
// The verdict's ranked table; fit_words says in words whether and why a track fits.
Table risk_table(const RiskVerdict& v, const MoneyFormat& money);
std::string fit_words(const TrackRisk& x, const RiskAppetite& a, const MoneyFormat& money);
// The verdict for `r` under `risk` (nullopt when no appetite or no completed run).
std::optional<RiskVerdict> verdict(const SimulationResults& r, const std::optional<RiskAppetite>& risk);
// The appetite a one-argument report uses: the scenario's risk: section (nullopt when absent);
// `error` receives the message when the section is invalid.
std::optional<RiskAppetite> scenario_risk(const SimulationResults& r, std::string& error);
std::string fixed(double x, int decimals);
std::string probability(double p);  // "12.34%"

}  // namespace report_detail

}  // namespace acosim
