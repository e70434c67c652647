// `acosim agreement`: simulate whole agreement periods (sim/engine/agreement.hpp), write the HDF5 results
// (the standard layout plus /agreement) and print the report with its agreement section.
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "sim/engine/agreement.hpp"
#include "sim/output/agreement_file.hpp"
#include "sim/output/agreement_report.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/cli/commands.hpp"
#include "sim/common/error.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/output/provenance.hpp"
#include "sim/output/report.hpp"
#include "sim/common/version.hpp"

namespace acosim {
namespace fs = std::filesystem;

namespace {

struct AgreementArgs {
  std::string scenario;
  std::string output;
  std::string report;
  std::vector<std::string> sets;
  long runs = 0;
  std::string seed;  // empty: the scenario's (parse_seed_option checks it)
  int threads = 0;
  bool quiet = false;
};

std::atomic<bool> g_stop{false};
extern "C" void on_agreement_signal(int) { g_stop.store(true); }

int run_agreement(const AgreementArgs& a) {
  const std::vector<Override> overrides = scenario_overrides(a.sets, a.runs, a.seed);
  const Scenario scenario = load_scenario(a.scenario, overrides);
  const AgreementModel model(scenario);  // validates the agreement section before any sampling

  const fs::path output = !a.output.empty() ? fs::path(a.output) : fs::path("results") / (scenario.name + "-agreement.h5");
  check_writable(output);
  if (!a.report.empty()) check_writable(a.report);
  if (!model.spec().rules_note().empty()) std::cerr << "acosim: note: " << model.spec().rules_note() << "\n";

  RunOptions options;
  options.threads = a.threads;
  options.progress = !a.quiet;
  options.stop = &g_stop;
  std::signal(SIGINT, on_agreement_signal);
  std::signal(SIGTERM, on_agreement_signal);
  AgreementResults ar = simulate_agreement(model, options);
  // Under mpirun the ranks split the runs (split_runs) and all hold the results; rank 0 writes and
  // prints.
  if (!mpi::is_root()) return 0;
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!ar.results.meta.complete) {
    std::cerr << fmt::format("acosim: interrupted after {} of {} runs; nothing written (agreement runs cannot be resumed)\n",
                             ar.results.meta.completed_runs, ar.results.meta.runs);
    return 130;
  }

  ResultMetadata& m = ar.results.meta;
  stamp_provenance(m);
  write_agreement_results(output, ar);

  if (!a.quiet) std::cout << report_text(ar.results) << agreement_report(ar, "text");
  if (!a.report.empty()) write_file_atomically(a.report, agreement_report_file(ar, fs::path(a.report).extension().string()));
  const std::string workers = mpi::size() > 1 ? fmt::format("{} ranks x {} threads", mpi::size(), m.threads)
                                             : fmt::format("{} threads", m.threads);
  std::cerr << fmt::format("acosim: {} runs x {} years, {:.3g} beneficiary-years in {:.2f} s ({}) -> {}\n",
                           m.completed_runs, ar.performance_year.size(), m.beneficiary_years, m.wall_seconds, workers,
                           output.string());
  return 0;
}

}  // namespace

void add_agreement_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<AgreementArgs>();
  CLI::App* cmd = app.add_subcommand("agreement", "Simulate whole agreement periods (the scenario's agreement: section): "
                                                  "turnover, persistence, benchmark updates, track paths");
  cmd->add_option("scenario", args->scenario, "Scenario YAML with an agreement: section")->required();
  cmd->add_option("-o,--output", args->output, "HDF5 results file (default: results/<name>-agreement.h5)");
  cmd->add_option("--report", args->report, "Also write the report to FILE (.md, .csv or .json)");
  cmd->add_option("--runs", args->runs, "Number of runs (overrides the scenario)")->check(CLI::Range(1L, 100000000L));
  cmd->add_option("--seed", args->seed, "Random seed (overrides the scenario)");
  cmd->add_option("--threads", args->threads, "Threads (0: all; results do not depend on it)")->check(CLI::Range(0, 4096));
  cmd->add_option("--set", args->sets, "Override a scenario key: --set agreement.turnover=0.2 (repeatable)");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress and no report on the terminal");
  cmd->callback([args, &action] { action = [args] { return run_agreement(*args); }; });
}

}  // namespace acosim
