// The agreement section of a report (docs/agreements.md): totals, PV, P(net loss) and P(owes in any
// year) per path, and the mean payment and P(owes) by year; and the whole agreement report in every
// format of the registry (sim/output/report/format.hpp): the standard report of the per-path
// columns plus this section.
#pragma once

#include <string>
#include <vector>

#include "sim/engine/agreement.hpp"
#include "sim/output/report/format.hpp"
#include "sim/output/report/table.hpp"

namespace acosim {

// The agreement section, from the summaries in results.results (they must exist).
// format: "md", "text" or "csv" (rows in the tidy format section,track,metric,unit,value, without
// the header).
std::string agreement_report(const AgreementResults& results, const std::string& format);

// The section's tables: totals by path, mean payment by year, P(owes shared losses) by year.
std::vector<report::Table> agreement_tables(const AgreementResults& results);

// The report of in.agreement (required) in format f: text and Markdown add the section to the
// standard report, JSON adds the "agreement" member, CSV is the paths' tidy table, HTML is the
// agreement page (render_agreement_html), the workbook has one Summary row per path column.
// render_report calls it for every input with an agreement.
std::string render_agreement_report(ReportFormat f, const ReportInput& in);

// The agreement's HTML page: assumptions, the paths, one small chart per path (net payment by year:
// mean, P25-P75 and P5-P95; the distribution of the agreement total), the section's tables
// (sim/output/agreement_html.cpp).
std::string render_agreement_html(const ReportInput& in);

}  // namespace acosim
