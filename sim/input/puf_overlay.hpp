// A rule overlay on a CMS results PUF (`acosim settle --puf FILE --py YEAR --rules cy2027_proposed`):
// every row settled again with the overlay's RuleSet on the same inputs, and the change in what
// CMS pays totalled over the file -- a program-level impact estimate (benchmark-rules.md §10,
// PROPOSED, NOT LAW). Only the settlement-level parts of the overlay can act on a PUF row (BASIC
// Level E sharing 60% from PY2027): the benchmark parts (ACPT band and floor, PSA 75%, ENHANCED
// regional weight) need the ACO's per-type benchmark inputs, which the PUF does not print, so the
// printed benchmark is kept and the report says so.
#pragma once

#include <string>
#include <vector>

#include "models/rules.hpp"
#include "sim/input/puf.hpp"

namespace acosim {

struct PufOverlayRow {
  double current = 0;  // settle() payment under current law [USD; + paid to the ACO]
  double overlay = 0;  // the same under the overlay [USD]
};

struct PufOverlay {
  std::string rules_id;                                            // e.g. "cy2027_proposed"
  bool proposed = false;                                           // PROPOSED, NOT LAW
  std::vector<PufOverlayRow> rows;                                 // parallel to PufFile::records
  double current_total = 0;                                        // sum of current-law payments [USD]
  double overlay_total = 0;                                        // sum under the overlay [USD]
  std::size_t changed = 0;                                         // rows whose payment changed
  double change() const { return overlay_total - current_total; }  // + CMS pays more [USD]
};

// Settles every row of `file` under current law and under `rules`. Throws InputError (row's file
// and line) when settle() refuses a row.
PufOverlay overlay_puf(const PufFile& file, const RuleSet& rules);

// The summary lines for the settle report (each ends with a newline).
std::string describe_overlay(const PufFile& file, const PufOverlay& o);

}  // namespace acosim
