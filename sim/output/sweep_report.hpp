// The sweep's report (acosim sweep --report FILE): the same output convention as every report
// (sim/output/report/format.hpp: the format from --format or the extension, "-" for standard
// output, folders created), in text, Markdown, CSV (sim/output/sweep_io.hpp), JSON and an HTML page
// with a spider chart. A sweep has no workbook: xlsx is refused before any work.
#pragma once

#include <string>
#include <vector>

#include "sim/engine/sweep.hpp"
#include "sim/output/report/format.hpp"

namespace acosim {

// The spider chart's data (the @RISK / actuarial "spider"): for each swept key, the grid points
// where only that key moves and every other key stays at its reference value, with the key's
// relative change from its own reference (value / reference - 1). The reference of each key is the
// middle of its values (index (n - 1) / 2), the centre of the grid. A key whose values are not
// numbers (e.g. "variable") or whose reference is 0 has no relative change and is listed in
// `skipped`.
struct SpiderPoint {
  std::size_t point = 0;  // index into SweepResults::points
  double change = 0;      // value / reference - 1 [fraction]
};
struct SpiderAxis {
  std::size_t axis = 0;             // index into SweepResults::axes
  double reference = 0;             // the key's reference value (percent as a fraction)
  std::vector<SpiderPoint> points;  // in value order
};
struct Spider {
  std::vector<std::size_t> reference_index;  // per axis
  std::size_t reference_point = 0;           // the grid point with every key at its reference
  std::vector<SpiderAxis> axes;
  std::vector<std::string> skipped;  // keys without a relative change
};
// Empty (no axes) for a sweep without a grid (a plain list of points).
Spider sweep_spider(const SweepResults& s);

// The sweep's report in format f (not xlsx: refuse_workbook(target, option, "a sweep") before any
// work).
std::string render_sweep_report(ReportFormat f, const SweepResults& s);
// The HTML page: the grid, the spider charts of the mean payment and of P(owing shared losses),
// and the table, keys and values in words (the raw key in small print once).
std::string sweep_html(const SweepResults& s);
// JSON (format "acosim-sweep-report", version 1): axes, and per point its values and each track's
// statistics (report::stats_json) and probabilities, and the spider's data.
std::string sweep_json(const SweepResults& s);

}  // namespace acosim
