// The agreement section of a report (docs/agreements.md): totals, PV, P(net loss) and P(owes in any
// year) per path, and the mean payment and P(owes) by year; and the whole agreement report as a
// file (the standard report of the per-path columns plus this section).
#pragma once

#include <string>

#include "sim/engine/agreement.hpp"

namespace acosim {

// The agreement section, from the summaries in results.results (they must exist).
// format: "md", "text" or "csv" (rows in report_csv's tidy format, without the header).
std::string agreement_report(const AgreementResults& results, const std::string& format);

// The full report for a file with extension `ext`: ".csv" (report_csv rows, then the section's),
// ".json" (report_json with an "agreement" object), else Markdown.
std::string agreement_report_file(const AgreementResults& results, const std::string& ext);

}  // namespace acosim
