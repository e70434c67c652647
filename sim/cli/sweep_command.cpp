// `acosim sweep` and `acosim tornado` (docs/sweeps-and-risk.md).
//
//   acosim sweep SCENARIO.yaml --vary KEY=V1,V2,... [--vary KEY2=start:stop:step] [-o OUT.h5]
//   acosim tornado SCENARIO.yaml [--input KEY=LOW,HIGH ...] [--metric mean|p_losses|p5|...] [--track LABEL]
//
// Every key, value and grid point is validated before any sampling; a bad one exits 2.
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/cli/command_args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/risk_options.hpp"
#include "sim/common/error.hpp"
#include "sim/common/version.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/engine/risk.hpp"
#include "sim/engine/sweep.hpp"
#include "sim/input/sweep_reader.hpp"
#include "sim/input/yaml_reader.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/provenance.hpp"
#include "sim/output/report/format.hpp"
#include "sim/output/sweep_io.hpp"
#include "sim/output/sweep_report.hpp"
#include "sim/output/tornado_report.hpp"

namespace acosim {
namespace fs = std::filesystem;

namespace {

void add_common(CLI::App* cmd, ScenarioArgs& a) {
  ScenarioArgHelp help;
  help.set = "Override a scenario key for every point: --set runs=2000 (repeatable)";
  help.runs = "Runs per point (overrides the scenario)";
  help.seed = "Random seed (overrides the scenario); every point uses it";
  help.quiet = "No progress and no table on the terminal";
  add_scenario_args(*cmd, a, help);
}

fs::path with_extension(fs::path p, const char* ext) { return p.replace_extension(ext); }

// ---- sweep ----

struct SweepArgs {
  ScenarioArgs common;
  std::vector<std::string> vary;
  std::string output, csv, md;
  std::string report, format;  // --report FILE|- and --format: the one output convention
  RiskFlags risk;
};

int run_sweep_command(const SweepArgs& a) {
  const Scenario base = a.common.load();
  print_scenario_warnings(base);
  const std::optional<RiskAppetite> risk = merge_risk(base.risk, a.risk);
  // Validate everything before sampling: keys, values, every point's scenario, output paths.
  const SweepPlan plan = plan_grid(base, sweep_axes(base, a.vary));
  const fs::path h5 = a.output.empty() ? fs::path("results") / (base.name + "-sweep.h5") : fs::path(a.output);
  const fs::path csv = a.csv.empty() ? with_extension(h5, ".csv") : fs::path(a.csv);
  const fs::path md = a.md.empty() ? with_extension(h5, ".md") : fs::path(a.md);
  refuse_binary_on_stdout(a.output, "-o", "sweep file");
  refuse_misleading_extension(h5, "-o", "an HDF5 sweep file", kHdf5Extensions);
  refuse_misleading_extension(csv, "--csv", "CSV", {".csv"});
  refuse_misleading_extension(md, "--md", "Markdown", {".md", ".markdown"});
  CommandPaths paths;
  add_scenario_inputs(paths, base);
  paths.output(h5, "-o");
  paths.output(csv, "--csv");
  paths.output(md, "--md");
  if (!a.report.empty() && a.report != "-") paths.output(a.report, "--report");
  paths.check();
  const std::optional<ReportTarget> report = report_option_target(a.report, a.format);
  if (report) refuse_workbook(*report, "--report", "a sweep");
  if (!a.common.quiet) {
    std::cerr << fmt::format("acosim sweep: {} points, {} sampling pass{} of {} runs\n", plan.points.size(),
                             plan.groups, plan.groups == 1 ? "" : "es", base.runs);
  }

  RunOptions options;
  options.threads = a.common.threads;
  options.progress = !a.common.quiet;
  const SweepResults results = run_sweep(plan, options, false, risk);
  if (!mpi::is_root()) return 0;  // under MPI every rank holds the results; rank 0 writes them
  write_sweep(h5, results, {kVersion, kGitCommit, utc_now()});
  write_report_bytes({csv, ReportFormat::Csv}, sweep_csv(results));
  write_report_bytes({md, ReportFormat::Markdown}, sweep_markdown(results));
  const bool report_to_terminal = report && report->to_stdout();
  if (!a.common.quiet && !report_to_terminal) std::cout << sweep_text(results) << std::flush;
  if (report) write_report_bytes(*report, render_sweep_report(report->format, results));
  std::cerr << fmt::format("acosim: sweep -> {}, {}, {}{}\n", h5.string(), csv.string(), md.string(),
                           report && !report->to_stdout() ? ", " + report->path.string() : "");
  return 0;
}

// ---- tornado ----

struct TornadoArgs {
  ScenarioArgs common;
  std::vector<std::string> inputs;
  std::string metric, track, output, format, json;
};

// --json FILE must be a JSON file name; without it, a CSV table file gets its JSON beside it (the
// table in another format, or on standard output, gets none).
fs::path tornado_json_path(const std::string& json, const ReportTarget& table) {
  if (!json.empty()) {
    if (json == "-")
      throw InputError("--json -: give a file name ending in .json (-o - --format json prints it)");
    refuse_misleading_extension(json, "--json", "JSON", {".json"});
    return json;
  }
  if (table.to_stdout() || table.format != ReportFormat::Csv) return {};
  return with_extension(table.path, ".json");
}

int run_tornado_command(const TornadoArgs& a) {
  const Scenario base = a.common.load();
  const TornadoSpec spec = tornado_spec(base, a.inputs, a.metric, a.track);
  const SweepPlan plan = plan_tornado(base, spec);
  const ReportTarget table = resolve_report_target(
      a.output.empty() ? (fs::path("results") / (base.name + "-tornado.csv")).string() : a.output, a.format,
      "-o");
  refuse_workbook(table, "-o", "a tornado");
  const fs::path json = tornado_json_path(a.json, table);
  CommandPaths paths;
  add_scenario_inputs(paths, base);
  if (!table.to_stdout()) paths.output(table.path, "-o");
  if (!json.empty()) paths.output(json, "--json");
  paths.check();
  if (!a.common.quiet) {
    std::cerr << fmt::format("acosim tornado: {} inputs, {} simulations in {} sampling pass{} of {} runs\n",
                             spec.inputs.size(), plan.points.size(), plan.groups,
                             plan.groups == 1 ? "" : "es", base.runs);
  }
  RunOptions options;
  options.threads = a.common.threads;
  options.progress = !a.common.quiet;
  const TornadoResult t = run_tornado(plan, spec, options);
  if (!mpi::is_root()) return 0;  // under MPI every rank holds the results; rank 0 writes them
  write_report_bytes(table, render_tornado(table.format, t));
  if (!json.empty()) write_report_bytes({json, ReportFormat::Json}, tornado_json(t));
  if (!a.common.quiet && !table.to_stdout()) std::cout << tornado_text(t) << std::flush;
  std::string written = table.to_stdout() ? "" : table.path.string();
  if (!json.empty()) written += (written.empty() ? "" : ", ") + json.string();
  if (!written.empty()) std::cerr << fmt::format("acosim: tornado -> {}\n", written);
  return 0;
}

}  // namespace

void add_sweep_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "Sensitivity sweep: simulate the scenario at every combination of the varied keys' values "
      "(same seed at every point); write HDF5, CSV and Markdown tables");
  add_common(cmd, args->common);
  cmd->add_option(
         "--vary", args->vary,
         "KEY=V1,V2,... or KEY=start:stop:step (stop included), e.g. aco.beneficiaries=5000,10000 or "
         "tracks[1].msr=0%:2%:0.5%; repeat for a 2-D grid. Replaces the scenario's sweep: section")
      ->allow_extra_args(false);
  cmd->add_option("-o,--output", args->output, "HDF5 sweep file (default: results/<name>-sweep.h5)");
  cmd->add_option("--csv", args->csv, "CSV table (default: the output path with .csv)");
  cmd->add_option("--md", args->md, "Markdown table (default: the output path with .md)");
  cmd->add_option(
      "--report", args->report,
      "Also write the sweep report to FILE (- for standard output); the format follows the extension: "
      ".txt, .md, .html (with a spider chart), .csv, .json");
  cmd->add_option("--format", args->format,
                  "Report format, instead of the extension: text, md, html, csv, json");
  add_risk_flags(*cmd, args->risk);
  cmd->callback([args, &action] { action = [args] { return run_sweep_command(*args); }; });
}

void add_tornado_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<TornadoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "tornado",
      "Tornado analysis: vary each input alone between its low and high value and rank the inputs "
      "by the swing of a metric");
  add_common(cmd, args->common);
  cmd->add_option("--input", args->inputs,
                  "KEY=LOW,HIGH (repeatable); replaces the scenario's tornado.inputs, e.g. "
                  "true_effect.mean=-4.5%,1.5%")
      ->allow_extra_args(false);
  cmd->add_option("--metric", args->metric,
                  "mean, p_losses, p_savings, p5, p50, p95, var95 or es95 (default: the "
                  "section's, else mean)");
  cmd->add_option("--track", args->track, "Rank for this track only (label or index; default: every track)");
  cmd->add_option("-o,--output", args->output,
                  "The ranked table (default: results/<name>-tornado.csv; - for standard output); the format "
                  "follows the extension: .txt, .md, .html (a tornado chart per track), .csv, .json");
  cmd->add_option("--format", args->format,
                  "Table format, instead of the extension: text, md, html, csv, json");
  cmd->add_option("--json", args->json, "Also write JSON to FILE.json (default: beside a .csv table)");
  cmd->callback([args, &action] { action = [args] { return run_tornado_command(*args); }; });
}

}  // namespace acosim
