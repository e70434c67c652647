// `acosim init --puf FILE --py YEAR --aco ID [-o SCENARIO.yaml]`: a commented scenario for the
// ACO's next performance year from its row in a CMS results file (sim/input/puf_scenario.hpp).

#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/cli/command_args.hpp"

#include "models/track.hpp"
#include "sim/cli/commands.hpp"
#include "sim/common/error.hpp"
#include "sim/engine/calibration.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/puf_scenario.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/output_paths.hpp"
#include "sim/output/provenance.hpp"
#include "sim/output/report/format.hpp"

namespace acosim {
namespace fs = std::filesystem;

namespace {

struct InitArgs {
  std::string puf, aco, output, seed;
  std::optional<int> py;
  long runs = 10000;
};

int run_init(const InitArgs& a) {
  const int py = puf_file_year(a.puf, a.py, "--puf", "--py");
  if (py + 1 > kLastRuleYear) {
    throw InputError(fmt::format("--py {}: the next performance year PY{} has no rules; allowed --py {}-{}",
                                 py, py + 1, kFirstRuleYear, kLastRuleYear - 1));
  }
  if (!a.output.empty()) {  // before any work (sim/output/output_paths.hpp)
    CommandPaths paths;
    paths.input(a.puf, "--puf");
    refuse_misleading_extension(a.output, "-o", "a scenario (YAML)", kYamlExtensions);
    paths.output(a.output, "-o");
    paths.check();
  }
  const PufYear year = read_puf_year(a.puf, py);
  const PufAcoYear* aco = year.find(a.aco);
  if (!aco) year.fail_unusable(a.aco);
  InitSettings settings;
  settings.runs = a.runs;
  if (!a.seed.empty()) settings.seed = parse_seed_option(a.seed);
  const std::string text = scenario_yaml(*aco, year, track_choices(*aco, py + 1), settings);
  // The scenario must load as written (a check of this program, not of the user's input).
  const Scenario check = parse_scenario(text, a.output.empty() ? "<init>" : a.output);
  if (a.output.empty()) {
    std::cout << text;
  } else {
    write_file_atomically(a.output, text);
    std::cerr << fmt::format("acosim: wrote {} ({} tracks, PY{}); run it with: acosim run {}\n", a.output,
                             check.tracks.size(), check.performance_year, a.output);
  }
  return 0;
}

}  // namespace

void add_init_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* cmd = app.add_subcommand(
      "init",
      "Write a commented scenario for an ACO's next performance year from its row in a CMS results file");
  cmd->add_option("--puf", args->puf, "CMS ACO results file (PUF) of the ACO's latest year")->required();
  cmd->add_option("--py", args->py, "its performance year (default: from 'PY2023' in the file name)");
  cmd->add_option("--aco", args->aco, "ACO_ID, e.g. A1001")->required();
  cmd->add_option("-o,--output", args->output, "scenario YAML to write (default: print it)");
  cmd->add_option("--runs", args->runs, "runs in the scenario (default 10000)")->check(key_check("runs"));
  cmd->add_option("--seed", args->seed, "seed in the scenario (default 1)");
  cmd->callback([args, &action] { action = [args] { return run_init(*args); }; });
}

}  // namespace acosim
