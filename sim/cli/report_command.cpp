// `acosim report RESULTS.h5 --format md|html|csv|json|text [-o FILE] [risk flags]`: renders a
// results file, with the risk verdict when the scenario has a `risk:` section or flags are given.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "sim/output/atomic_file.hpp"
#include "sim/output/output_paths.hpp"
#include "sim/cli/commands.hpp"
#include "sim/common/error.hpp"
#include "sim/output/hdf5_io.hpp"
#include "sim/output/report.hpp"
#include "sim/cli/risk_options.hpp"
#include "sim/input/risk_reader.hpp"

namespace acosim {

namespace {

struct ReportOptions {
  std::filesystem::path results;
  std::string format = "text";
  std::filesystem::path output;  // empty: stdout
  RiskFlags risk;
};

int run_report(const ReportOptions& o) {
  if (!o.output.empty()) {
    CommandPaths paths;
    paths.input(o.results, "the results file");
    paths.output(o.output, "-o");
    paths.check();
  }
  SimulationResults results = read_results(o.results);
  if (!results.meta.risk_recorded) {  // a file from before /metadata/risk: its scenario text says
    results.meta.risk =
        risk_from_scenario_text(results.meta.scenario_text, o.results.string() + ": /metadata/scenario");
  }
  std::string text;
  if (o.risk.any()) {
    // Flags refine the scenario's section.
    const std::optional<RiskAppetite> risk = merge_risk(results.meta.risk, o.risk);
    if (o.format == "md") text = report_markdown(results, risk);
    else if (o.format == "html") text = report_html(results, risk);
    else if (o.format == "csv") text = report_csv(results, risk);
    else if (o.format == "json") text = report_json(results, risk);
    else text = report_text(results, risk);
  } else {
    if (o.format == "md") text = report_markdown(results);
    else if (o.format == "html") text = report_html(results);
    else if (o.format == "csv") text = report_csv(results);
    else if (o.format == "json") text = report_json(results);
    else text = report_text(results);
  }
  if (o.output.empty()) {
    std::cout << text << std::flush;
  } else {
    write_file_atomically(o.output, text);
  }
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, CommandAction& action) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* sub = app.add_subcommand(
      "report", "Render a results file (written by `acosim run`) as a text, Markdown, HTML, CSV or "
                "JSON report: per-track payment distribution, outcome probabilities, tail risk, "
                "track-versus-track differences and, with a risk appetite, the risk verdict.");
  sub->add_option("results", options->results, "results file (.h5)")->required();
  sub->add_option("-f,--format", options->format,
                  "md: GitHub Markdown; html: one self-contained page with charts; csv: tidy long "
                  "table (section,track,metric,unit,value); json: nested, raw numbers; text: "
                  "aligned plain text")
      ->check(CLI::IsMember({"md", "html", "csv", "json", "text"}))
      ->capture_default_str();
  sub->add_option("-o,--output", options->output,
                  "write the report to this file (atomically) instead of standard output");
  add_risk_flags(*sub, options->risk);
  sub->callback([&action, options] { action = [options] { return run_report(*options); }; });
}

}  // namespace acosim
