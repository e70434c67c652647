// `acosim report RESULTS.h5 [-o FILE|-] [--format F] [risk flags]`: renders a results file, with the
// assumptions of the scenario stored in it and, when the scenario has a `risk:` section or flags
// are given, the risk verdict. The format follows --format, else -o's extension
// (sim/output/report/format.hpp); standard output gets text unless --format says otherwise.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/cli/command_args.hpp"

#include "sim/cli/commands.hpp"
#include "sim/cli/risk_options.hpp"
#include "sim/common/error.hpp"
#include "sim/engine/cash_risk.hpp"
#include "sim/engine/risk.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/risk_reader.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/output/agreement_file.hpp"
#include "sim/output/hdf5_io.hpp"
#include "sim/output/output_paths.hpp"
#include "sim/output/report/format.hpp"

namespace acosim {

namespace {

struct ReportOptions {
  std::filesystem::path results;
  std::string format;  // "": from the extension (text on standard output)
  std::string output;  // "" or "-": standard output
  bool per_run = false;
  long per_run_rows = 100000;
  RiskFlags risk;
};

// The assumptions of the scenario stored in the file; what the metadata tells when the stored
// text no longer loads here (e.g. an empirical cost file that is not beside it).
Assumptions stored_assumptions(const SimulationResults& r, const std::string& origin) {
  try {
    const Scenario s =
        parse_scenario(r.meta.scenario_text, r.meta.scenario_path.empty() ? origin : r.meta.scenario_path);
    return describe_assumptions(s, r.meta);
  } catch (const std::exception& e) {
    return describe_assumptions(r.meta, r.table.tracks,
                                fmt::format("the stored scenario does not load here ({})", e.what()));
  }
}

int run_report(const ReportOptions& o) {
  if (!o.output.empty() && o.output != "-") {  // first: never onto the results file or a non-regular file
    CommandPaths paths;
    paths.input(o.results, "the results file");
    paths.output(o.output, "-o");
    paths.check();
  }
  const ReportTarget target = resolve_report_target(o.output, o.format, "-o");
  const SimulationResults results = read_results(o.results);
  ReportInput in;
  in.results = &results;
  const std::string origin = o.results.string() + ": /metadata/scenario";
  in.assumptions = stored_assumptions(results, origin);
  in.per_run_csv = o.per_run;
  in.per_run_rows = o.per_run_rows;
  // The stated appetite: /metadata/risk, or in a file from before it the stored scenario text.
  std::optional<RiskAppetite> stated = results.meta.risk;
  if (!results.meta.risk_recorded) {
    try {
      stated = risk_from_scenario_text(results.meta.scenario_text, origin);
    } catch (const std::exception& e) {
      if (o.risk.any()) throw;  // flags refine a section: a broken one is an error, not replaced
      in.risk_error = e.what();
    }
  }
  in.risk = o.risk.any() ? merge_risk(stated, o.risk) : stated;
  // An agreement results file gets the agreement's report (section, JSON member, page per path).
  const std::optional<AgreementResults> agreement = read_agreement_summary(o.results, results);
  if (agreement) {
    in.results = &agreement->results;
    in.agreement = &*agreement;
  }
  write_report(target, in);
  // The repayment mechanism and P(losses > RM) stored in /cash_risk, as `acosim run` prints them.
  if (target.to_stdout() && target.format == ReportFormat::Text)
    std::cout << cash_risk_text(results.cash_risk);
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, CommandAction& action) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* sub = app.add_subcommand(
      "report",
      "Render a results file (written by `acosim run`): the assumptions, per-track payment distribution, "
      "outcome probabilities, tail risk, track-versus-track differences and, with a risk appetite, the "
      "risk verdict, as text, Markdown, HTML, CSV, JSON or an Excel workbook.");
  sub->add_option("results", options->results, "results file (.h5)")->required();
  std::string formats;
  for (const ReportFormatInfo& f : report_formats()) {
    formats += fmt::format("{}{}: {} ({})", formats.empty() ? "" : "; ", f.name, f.description,
                           f.extensions.front());
  }
  sub->add_option("-f,--format", options->format,
                  "report format (default: from the -o extension; text on standard output): " + formats);
  sub->add_option(
      "-o,--output", options->output,
      "write the report to this file (atomically; missing folders are created) instead of standard "
      "output ('-'); the format follows the extension: " +
          report_format_extensions());
  sub->add_flag("--per-run", options->per_run, "CSV: also write NAME.runs.csv, one row per run and track");
  sub->add_option("--per-run-rows", options->per_run_rows,
                  "workbook: at most this many runs on the Per run sheet")
      ->check(whole_number_in(0, 1000000))
      ->capture_default_str();
  add_risk_flags(*sub, options->risk);
  sub->callback([&action, options] { action = [options] { return run_report(*options); }; });
}

}  // namespace acosim
