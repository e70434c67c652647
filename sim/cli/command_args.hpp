// The arguments every simulating command shares (run, agreement, sweep, tornado): the scenario,
// --set, --runs, --seed, --threads, --quiet; the termination signals that stop a run cleanly; and
// the output-path check that runs before any work (sim/output/output_paths.hpp).
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sim/engine/scenario.hpp"
#include "sim/output/output_paths.hpp"

namespace CLI {
class App;
class Validator;
}  // namespace CLI

namespace acosim {

struct ScenarioArgs {
  std::string scenario;
  std::vector<std::string> sets;
  long runs = 0;
  std::string seed;  // empty: the scenario's (parse_seed_option checks it)
  int threads = 0;
  bool quiet = false;

  // The --set, --runs and --seed overrides, checked.
  std::vector<Override> overrides() const;
  // Loads `scenario` (or `fallback` when none was given) with the overrides applied.
  Scenario load(const std::filesystem::path& fallback = {}) const;
};

// What the shared options say in --help for one command.
struct ScenarioArgHelp {
  const char* scenario = "Scenario YAML";
  bool scenario_required = true;
  const char* runs = "Number of runs (overrides the scenario)";
  const char* seed = "Random seed (overrides the scenario)";
  const char* set = "Override a scenario key: --set aco.beneficiaries=20000 (repeatable)";
  const char* quiet = "No progress and no report on the terminal";
};

void add_scenario_args(CLI::App& cmd, ScenarioArgs& args, const ScenarioArgHelp& help = {});

// --seed's validator: refuses what parse_seed_option refuses, the empty value included (it would
// otherwise read as "not given" and silently use the scenario's seed).
CLI::Validator seed_check();

// Validators for every numeric option, so each message says what a person typed wrong: a whole
// number in [lo, hi] ("1e3", "2.5", "10abc" are not whole numbers), or a plain decimal in [lo, hi]
// (sim/common/parse.hpp: "nan", "inf", "0x10" are refused, which CLI11's Range let through).
CLI::Validator whole_number_in(long lo, long hi);
CLI::Validator decimal_in(double lo, double hi);
// The validator of an option that sets a scenario key: the key schema's row gives its bounds
// (sim/input/key_schema.cpp), so `--runs` and `runs:` accept exactly the same values.
CLI::Validator key_check(const std::string& key);

// Every option and argument that takes a value refuses an empty one ("-o ''", "--report ''"):
// it would otherwise read as "not given" and write to the default path, or use a default.
// Called once on the whole command tree after the subcommands register.
void refuse_empty_values(CLI::App& app);

// --replay's validator: a run index as plain digits (the scenario's run count bounds it later);
// CLI11's own range check printed a bound of 1.8e308 for -1.
CLI::Validator run_index_check();

// The scenario's unit-slip warnings (sim/input/unit_slips.hpp), one "acosim: warning:" line each on
// stderr.
void print_scenario_warnings(const Scenario& s);

// The files a loaded scenario was read from: the YAML itself and any empirical cost file (named in
// the "# empirical cost file PATH (" lines that the scenario reader appends to its text).
std::vector<std::filesystem::path> scenario_inputs(const Scenario& scenario);

// Registers the scenario's files as inputs of `paths`.
void add_scenario_inputs(CommandPaths& paths, const Scenario& scenario);

// "OPTION -" for an HDF5 output: refused (InputError, exit 2), since only text reports go to
// standard output; `what` names the file ("sweep file").
void refuse_binary_on_stdout(const std::string& path, const char* option, const char* what);

// While alive, SIGINT, SIGTERM and SIGHUP (a closed terminal or ssh session) set `stop` instead of
// killing the process, so the run ends after the runs in progress and writes what it has; the
// previous dispositions come back on destruction.
class StopOnSignals {
 public:
  explicit StopOnSignals(std::atomic<bool>& stop);
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  struct Saved;
  std::unique_ptr<Saved> saved_;
};

}  // namespace acosim
