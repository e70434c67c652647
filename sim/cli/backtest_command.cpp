// `acosim backtest --from FILE_A --from-py A --to FILE_B --to-py B [--runs N] [--threads T]
// [-o OUT.h5] [--csv OUT.csv] [--report OUT.md|.html]`: forecast every ACO of file A that is in
// file B in the same agreement period and score the forecasts against file B (docs/backtest.md).

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/cli/command_args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/common/error.hpp"
#include "sim/engine/backtest.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/input/backtest_cases.hpp"
#include "sim/input/puf_scenario.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/backtest_io.hpp"
#include "sim/output/output_paths.hpp"
#include "sim/output/provenance.hpp"
#include "sim/output/report/format.hpp"

namespace acosim {
namespace fs = std::filesystem;

namespace {

struct BacktestArgs {
  std::string from, to, output, csv, report, seed;
  std::optional<int> from_py, to_py;
  long runs = 10000;
  int threads = 0;
  bool quiet = false;
};

std::atomic<bool> g_stop{false};

int run_backtest_command(const BacktestArgs& a) {
  const int py_a = puf_file_year(a.from, a.from_py, "--from", "--from-py");
  const int py_b = puf_file_year(a.to, a.to_py, "--to", "--to-py");
  if (py_b != py_a + 1) {
    throw InputError(
        fmt::format("--to-py {}: the backtest forecasts the next year; allowed: --to-py {} (--from-py + 1)",
                    py_b, py_a + 1));
  }
  if (!a.report.empty()) {
    const std::string ext = fs::path(a.report).extension().string();
    if (ext != ".md" && ext != ".html") {
      throw InputError(fmt::format("--report {}: unknown format '{}'; allowed: .md or .html", a.report, ext));
    }
  }
  // Every output, before any work (sim/output/output_paths.hpp): not an input, not another output
  // (the Markdown report's chart is <report>.svg), a regular file or new.
  CommandPaths paths;
  paths.input(a.from, "--from");
  paths.input(a.to, "--to");
  refuse_misleading_extension(a.output, "-o", "an HDF5 file", kHdf5Extensions);
  refuse_misleading_extension(a.csv, "--csv", "CSV", {".csv"});
  if (!a.output.empty()) paths.output(a.output, "-o");
  if (!a.csv.empty()) paths.output(a.csv, "--csv");
  if (!a.report.empty()) {
    paths.output(a.report, "--report");
    if (fs::path(a.report).extension() != ".html") {
      paths.output(fs::path(a.report).replace_extension(".svg"), "the --report chart");
    }
  }
  paths.check();
  const PufYear year_a = read_puf_year(a.from, py_a);
  const PufYear year_b = read_puf_year(a.to, py_b);

  InitSettings settings;
  settings.runs = a.runs;
  if (!a.seed.empty()) settings.seed = parse_seed_option(a.seed);
  const BacktestPlan plan = backtest_plan(year_a, year_b, settings);

  BacktestOptions o;
  o.threads = a.threads;
  o.progress = !a.quiet;
  o.stop = &g_stop;
  std::optional<BacktestResult> done;
  {
    const StopOnSignals stop_on(g_stop);  // SIGINT, SIGTERM, SIGHUP
    done = run_backtest(plan, o);
  }
  const BacktestResult& r = *done;
  if (!mpi::is_root()) return 0;

  if (!a.output.empty()) write_backtest(a.output, r);
  if (!a.csv.empty()) write_file_atomically(a.csv, backtest_csv(r));
  if (!a.report.empty()) {
    if (fs::path(a.report).extension() == ".html") {
      write_file_atomically(a.report, backtest_html(r));
    } else {
      const fs::path svg = fs::path(a.report).replace_extension(".svg");
      write_file_atomically(svg, backtest_chart_svg(r));
      write_file_atomically(a.report, backtest_markdown(r, svg.filename().string()));
    }
  }
  if (!a.quiet) std::cout << backtest_text(r);
  return 0;
}

}  // namespace

void add_backtest_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<BacktestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "backtest",
      "Forecast every ACO's next year from one CMS results file and score it against the next file");
  cmd->add_option("--from", args->from, "CMS results file of year A")->required();
  cmd->add_option("--from-py", args->from_py, "its performance year (default: from 'PY2022' in its name)");
  cmd->add_option("--to", args->to, "CMS results file of year B = A + 1")->required();
  cmd->add_option("--to-py", args->to_py, "its performance year (default: from its name)");
  cmd->add_option("--runs", args->runs, "runs per ACO (default 10000)")->check(whole_number_in(10, 10000000));
  cmd->add_option("--seed", args->seed, "seed (ACO k in ACO_ID order uses seed + k; default 1)");
  cmd->add_option("--threads", args->threads, "threads (0: all; results do not depend on it)")
      ->check(key_check("threads"));
  cmd->add_option("-o,--output", args->output, "HDF5 file of per-ACO scores and the summary");
  cmd->add_option("--csv", args->csv, "per-ACO CSV");
  cmd->add_option("--report", args->report, "summary report (.md, with a .svg chart beside it, or .html)");
  cmd->add_flag("-q,--quiet", args->quiet, "no progress and no summary on the terminal");
  cmd->callback([args, &action] { action = [args] { return run_backtest_command(*args); }; });
}

}  // namespace acosim
