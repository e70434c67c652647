// `acosim settle`: settle ACO-years given as a simple CSV (docs/settle-format.md), or reproduce a
// CMS ACO results PUF (`--puf FILE --py YEAR`) and report how many rows match CMS's EarnSaveLoss.
// add_settle_command() itself is declared in sim/cli/commands.hpp.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "models/settle.hpp"
#include "models/track.hpp"

namespace acosim {

class CsvTable;

struct SettleOptions {
  std::string input;      // simple-format CSV (positional)
  std::string puf;        // --puf FILE
  std::optional<int> py;  // --py YEAR (inferred from "PY2023" in the PUF's file name if absent)
  std::string output;     // -o FILE
  std::string rules;  // --rules ID: re-settle the --puf rows under a rule overlay (sim/input/puf_overlay.hpp)
};

// Runs the command; writes the report to `out`. Throws InputError for the user's mistakes; the
// output file is written atomically and only after every row settled.
int run_settle(const SettleOptions& options, std::ostream& out);

// One row of the simple input format.
struct SettleCase {
  std::string id;
  std::size_t line = 0;
  const Track* track = nullptr;
  SettlementInput input;
};

// Columns the simple format accepts, in documentation order.
const std::vector<std::string>& settle_input_columns();

// Reads and validates the simple format (errors name file, line, column, value, what is allowed).
std::vector<SettleCase> read_settle_cases(const CsvTable& table);

// Settles every case and renders the output CSV (header + one row per case).
std::string settle_cases_csv(const std::vector<SettleCase>& cases, const std::string& source);

}  // namespace acosim
