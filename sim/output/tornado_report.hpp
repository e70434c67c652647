// The tornado's outputs (acosim tornado -o FILE): the same output convention as every report
// (sim/output/report/format.hpp: the format from --format or the extension, "-" for standard
// output, folders created) in text, Markdown, CSV, JSON, and an HTML page with one tornado chart per
// track. A tornado has no workbook: xlsx is refused before any work.
#pragma once

#include <string>

#include "sim/engine/sweep.hpp"
#include "sim/output/report/format.hpp"

namespace acosim {

// One table per track, inputs ranked by swing, values in words (100 columns).
std::string tornado_text(const TornadoResult& t);
std::string tornado_markdown(const TornadoResult& t);
// track,rank,input,low,high,metric,base,at_low,at_high,swing,settle_only: amounts in USD to the
// cent, probabilities as fractions to 6 significant digits.
std::string tornado_csv(const TornadoResult& t);
std::string tornado_json(const TornadoResult& t);  // format "acosim-tornado", version 1
// The page: per track a chart (a bar from the metric at each input's low to its high value, around
// the base) and its table.
std::string tornado_html(const TornadoResult& t);

// The tornado in format f (not xlsx: refuse_workbook(target, option, "a tornado") before any work).
std::string render_tornado(ReportFormat f, const TornadoResult& t);

}  // namespace acosim
