// `acosim backtest --from FILE_A --from-py A --to FILE_B --to-py B [--runs N] [--threads T]
// [-o OUT.h5] [--csv OUT.csv] [--report OUT.md|.html]`: forecast every ACO of file A that is in
// file B in the same agreement period and score the forecasts against file B (docs/backtest.md).

#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "sim/output/atomic_file.hpp"
#include "sim/cli/commands.hpp"
#include "sim/engine/backtest.hpp"
#include "sim/common/error.hpp"
#include "sim/input/puf_scenario.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/output/backtest_io.hpp"
#include "sim/output/provenance.hpp"

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
extern "C" void on_backtest_signal(int) { g_stop.store(true); }

void check_output(const std::string& path, const BacktestArgs& a, const char* option) {
  if (path.empty()) return;
  std::error_code ec;
  for (const std::string& input : {a.from, a.to}) {
    if (fs::exists(path) && fs::equivalent(path, input, ec)) {
      throw InputError(fmt::format("{} {}: that is an input file; give another path", option, path));
    }
  }
  check_writable(path);
}

int run_backtest_command(const BacktestArgs& a) {
  const int py_a = puf_file_year(a.from, a.from_py, "--from", "--from-py");
  const int py_b = puf_file_year(a.to, a.to_py, "--to", "--to-py");
  if (py_b != py_a + 1) {
    throw InputError(fmt::format("--to-py {}: the backtest forecasts the next year; allowed: --to-py {} (--from-py + 1)",
                                 py_b, py_a + 1));
  }
  if (!a.report.empty()) {
    const std::string ext = fs::path(a.report).extension().string();
    if (ext != ".md" && ext != ".html") {
      throw InputError(fmt::format("--report {}: unknown format '{}'; allowed: .md or .html", a.report, ext));
    }
  }
  check_output(a.output, a, "-o");
  check_output(a.csv, a, "--csv");
  check_output(a.report, a, "--report");
  const PufYear year_a = read_puf_year(a.from, py_a);
  const PufYear year_b = read_puf_year(a.to, py_b);

  BacktestOptions o;
  o.runs = a.runs;
  if (!a.seed.empty()) o.seed = parse_seed_option(a.seed);
  o.threads = a.threads;
  o.progress = !a.quiet;
  o.stop = &g_stop;
  std::signal(SIGINT, on_backtest_signal);
  std::signal(SIGTERM, on_backtest_signal);
  const BacktestResult r = run_backtest(year_a, year_b, o);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
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
      "backtest", "Forecast every ACO's next year from one CMS results file and score it against the next file");
  cmd->add_option("--from", args->from, "CMS results file of year A")->required();
  cmd->add_option("--from-py", args->from_py, "its performance year (default: from 'PY2022' in its name)");
  cmd->add_option("--to", args->to, "CMS results file of year B = A + 1")->required();
  cmd->add_option("--to-py", args->to_py, "its performance year (default: from its name)");
  cmd->add_option("--runs", args->runs, "runs per ACO (default 10000)")->check(CLI::Range(10L, 10000000L));
  cmd->add_option("--seed", args->seed, "seed (ACO k in ACO_ID order uses seed + k; default 1)");
  cmd->add_option("--threads", args->threads, "threads (0: all; results do not depend on it)")->check(CLI::Range(0, 4096));
  cmd->add_option("-o,--output", args->output, "HDF5 file of per-ACO scores and the summary");
  cmd->add_option("--csv", args->csv, "per-ACO CSV");
  cmd->add_option("--report", args->report, "summary report (.md, with a .svg chart beside it, or .html)");
  cmd->add_flag("-q,--quiet", args->quiet, "no progress and no summary on the terminal");
  cmd->callback([args, &action] { action = [args] { return run_backtest_command(*args); }; });
}

}  // namespace acosim
