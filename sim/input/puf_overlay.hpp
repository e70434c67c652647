// A rule overlay on a CMS results PUF (`acosim settle --puf FILE --py YEAR --rules cy2027_proposed`):
// every row settled again with the overlay's RuleSet on the same inputs, and the change in what
// CMS pays totalled over the file -- a program-level impact estimate (benchmark-rules.md §10,
// PROPOSED, NOT LAW). Two parts of the overlay act on a PUF row: BASIC Level E sharing 60% (from
// PY2027), and the ENHANCED regional weight cap of 35% for lower-spending ACOs (agreements from
// 2027), from the printed positive regional adjustment (PosRegAdj, PY2019-2023 files; below). The
// other benchmark parts (ACPT band and floor, PSA 75%) need per-type inputs the PUF does not print:
// the printed benchmark is kept for them and the report says so.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/rules.hpp"
#include "sim/input/csv.hpp"
#include "sim/input/puf.hpp"

namespace acosim {

// What a PUF row prints about its regional adjustment (bench §3; settlement-rules.md §4.1).
struct PufRegionalInputs {
  double adjustment = 0;   // PosRegAdj: the positive regional adjustment in the benchmark [USD per capita]
  double historical = 0;   // HistBnchmk: the adjusted historical benchmark [USD per capita]
  int times_adjusted = 1;  // Agreement_Period_Num, read as the 425.656(d) row [K]
};

// The rows' regional inputs, parallel to file.records (nullopt where a cell is missing or the file
// has no PosRegAdj / HistBnchmk / Agreement_Period_Num column), read from the same CSV.
std::vector<std::optional<PufRegionalInputs>> read_puf_regional(const CsvTable& table, const PufFile& file);

// The benchmark [USD] of `rec` (printed B) with the overlay's ENHANCED regional weight cap: for an
// ENHANCED row with a positive regional adjustment (lower spending [D]) in an agreement the rule
// covers, the adjustment scales by w' / w (w: the 425.656(d) weight, w': the capped one), carried
// through the update: B' = B - adjustment (1 - w'/w) B / HistBnchmk. Exact when no per-type
// +5%-of-national cap binds (the PUF does not say) [D]. B unchanged otherwise.
double capped_regional_benchmark(const PufRecord& rec, const PufRegionalInputs& regional,
                                 const RuleSet& rules);

struct PufOverlayRow {
  double current = 0;  // settle() payment under current law [USD; + paid to the ACO]
  double overlay = 0;  // the same under the overlay [USD]
};

struct PufOverlay {
  std::string rules_id;             // e.g. "cy2027_proposed"
  bool proposed = false;            // PROPOSED, NOT LAW
  std::vector<PufOverlayRow> rows;  // parallel to PufFile::records
  double current_total = 0;         // sum of current-law payments [USD]
  double overlay_total = 0;         // sum under the overlay [USD]
  std::size_t changed = 0;          // rows whose payment changed
  std::size_t regional_capped = 0;  // rows whose benchmark the ENHANCED weight cap lowered
  double benchmark_change = 0;      // sum of those benchmark changes [USD, <= 0]
  double change() const { return overlay_total - current_total; }  // + CMS pays more [USD]
};

// Settles every row of `file` under current law and under `rules`. Throws InputError (row's file
// and line) when settle() refuses a row.
// `regional` (read_puf_regional; empty: none) adds the ENHANCED regional weight cap.
PufOverlay overlay_puf(const PufFile& file, const RuleSet& rules,
                       const std::vector<std::optional<PufRegionalInputs>>& regional = {});

// The summary lines for the settle report (each ends with a newline).
std::string describe_overlay(const PufFile& file, const PufOverlay& o);

}  // namespace acosim
