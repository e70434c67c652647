// Human- and machine-readable reports of a simulation's results: the scenario summary, one row per
// track (net payment distribution in USD and in % of benchmark, outcome probabilities, loss tail
// risk) and one row per pair of tracks (run-by-run differences). All four formats carry the same
// numbers; when `results` has a run table but no summaries, they are computed first.
#pragma once

#include <string>

#include "sim/results.hpp"

namespace acosim {

// GitHub-flavoured Markdown: a metadata table and one table per section; money as $1,234,567.
std::string report_markdown(const SimulationResults& results);

// One tidy long-format table with the header `section,track,metric,unit,value` (RFC 4180 quoting);
// values are raw numbers (shortest round-trip form) except scenario text fields.
// section: scenario | track | pair; track: the track label, or "A vs B" for a pair.
std::string report_csv(const SimulationResults& results);

// Nested JSON (format "acosim-report", version 1) with raw numbers; NaN becomes null.
std::string report_json(const SimulationResults& results);

// Aligned plain text for a terminal; money in compact form ($1.23M).
std::string report_text(const SimulationResults& results);

}  // namespace acosim
