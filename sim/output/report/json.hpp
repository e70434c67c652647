// The JSON the reports share: one quantity's statistics (the results report, the agreement report,
// anything that writes a Stats) and the whole report as one JSON value, so that a report which
// extends it (the agreement's) adds members to the value instead of editing dumped text.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/engine/results.hpp"
#include "sim/output/report/input.hpp"

namespace acosim::report {

// {mean, sd, mcse, min, max, var95, var99, es95, es99 (kStatsFields), percentiles: {p1 ... p99}};
// NaN becomes null.
nlohmann::ordered_json stats_json(const Stats& s);

// The report of `in` (format "acosim-report", version 1): scenario, assumptions, warnings, units,
// tracks, uncertainty, pairs, and the risk verdict when there is one; with in.agreement, an
// "agreement" member (sim/output/agreement_report.hpp).
nlohmann::ordered_json report_json_value(const ReportInput& in);

// The agreement's member of the JSON report: years, rules years, turnover, discount rate, paths
// and their descriptions, notes (defined in sim/output/agreement_report.cpp).
nlohmann::ordered_json agreement_json(const AgreementResults& ar);

}  // namespace acosim::report
