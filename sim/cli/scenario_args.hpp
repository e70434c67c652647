// Checks and notices shared by the commands that load a scenario (run, agreement, sweep, tornado).
#pragma once

#include <CLI/CLI.hpp>

#include "sim/engine/scenario.hpp"

namespace acosim {

// --seed's validator: refuses what parse_seed_option refuses, the empty value included (it would
// otherwise read as "not given" and silently use the scenario's seed).
CLI::Validator seed_check();

// --replay's validator: a run index as plain digits (the scenario's run count bounds it later);
// CLI11's own range check printed a bound of 1.8e308 for -1.
CLI::Validator run_index_check();

// The scenario's unit-slip warnings (sim/input/unit_slips.hpp), one "acosim: warning:" line each on
// stderr.
void print_scenario_warnings(const Scenario& s);

}  // namespace acosim
