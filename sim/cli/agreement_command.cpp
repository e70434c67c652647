// `acosim agreement`: simulate whole agreement periods (sim/engine/agreement.hpp), write the HDF5 results
// (the standard layout plus /agreement) and print the report with its agreement section.
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/cli/command_args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/common/error.hpp"
#include "sim/common/version.hpp"
#include "sim/engine/agreement.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/output/agreement_file.hpp"
#include "sim/output/agreement_report.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/provenance.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/format.hpp"

namespace acosim {
namespace fs = std::filesystem;

namespace {

struct AgreementArgs {
  ScenarioArgs common;
  std::string output;
  std::string report;
  std::string format;  // --format: wins over the report's extension
};

std::atomic<bool> g_stop{false};

int run_agreement(const AgreementArgs& a) {
  const Scenario scenario = a.common.load();
  print_scenario_warnings(scenario);
  const AgreementModel model(scenario);  // validates the agreement section before any sampling

  refuse_binary_on_stdout(a.output, "-o", "agreement results file");
  const fs::path output =
      !a.output.empty() ? fs::path(a.output) : fs::path("results") / (scenario.name + "-agreement.h5");
  CommandPaths paths;
  add_scenario_inputs(paths, scenario);
  refuse_misleading_extension(output, "-o", "an HDF5 results file", kHdf5Extensions);
  paths.output(output, "-o");
  if (!a.report.empty() && a.report != "-") paths.output(a.report, "--report");
  paths.check();
  // The report follows the one output convention (sim/output/report/format.hpp), checked before any
  // work: the format from --format or the extension, "-" for standard output, folders created.
  const std::optional<ReportTarget> report = report_option_target(a.report, a.format);
  if (!model.spec().rules_note().empty()) std::cerr << "acosim: note: " << model.spec().rules_note() << "\n";

  RunOptions options;
  options.threads = a.common.threads;
  options.progress = !a.common.quiet;
  options.stop = &g_stop;
  std::optional<AgreementResults> done;
  {
    const StopOnSignals stop_on(g_stop);
    done = simulate_agreement(model, options);
  }
  AgreementResults& ar = *done;
  // Under mpirun the ranks split the runs (split_runs) and all hold the results; rank 0 writes and
  // prints.
  if (!mpi::is_root()) return 0;
  if (!ar.results.meta.complete) {
    std::cerr << fmt::format(
        "acosim: interrupted after {} of {} runs; nothing written (agreement runs cannot be resumed)\n",
        ar.results.meta.completed_runs, ar.results.meta.runs);
    return 130;
  }

  ResultMetadata& m = ar.results.meta;
  m.risk = scenario.risk;
  stamp_provenance(m);
  write_agreement_results(output, ar);

  ReportInput input{&ar.results, scenario.risk, "", describe_assumptions(scenario, m)};
  input.agreement = &ar;
  const bool report_to_terminal = report && report->to_stdout();
  if (!a.common.quiet && !report_to_terminal) std::cout << render_report(ReportFormat::Text, input);
  if (report) write_report(*report, input);
  const std::string workers = mpi::size() > 1 ? fmt::format("{} ranks x {} threads", mpi::size(), m.threads)
                                              : fmt::format("{} threads", m.threads);
  std::cerr << fmt::format("acosim: {} runs x {} years, {:.3g} beneficiary-years in {:.2f} s ({}) -> {}\n",
                           m.completed_runs, ar.performance_year.size(), m.beneficiary_years, m.wall_seconds,
                           workers, output.string());
  return 0;
}

}  // namespace

void add_agreement_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<AgreementArgs>();
  CLI::App* cmd = app.add_subcommand("agreement",
                                     "Simulate whole agreement periods (the scenario's agreement: section): "
                                     "turnover, persistence, benchmark updates, track paths");
  ScenarioArgHelp help;
  help.scenario = "Scenario YAML with an agreement: section";
  help.set = "Override a scenario key: --set agreement.turnover=0.2 (repeatable)";
  add_scenario_args(*cmd, args->common, help);
  cmd->add_option("-o,--output", args->output, "HDF5 results file (default: results/<name>-agreement.h5)");
  cmd->add_option(
      "--report", args->report,
      "Also write the report to FILE (- for standard output); the format follows the extension: " +
          report_format_extensions());
  cmd->add_option("--format", args->format,
                  "Report format, instead of the extension: " + report_format_names());
  cmd->callback([args, &action] { action = [args] { return run_agreement(*args); }; });
}

}  // namespace acosim
