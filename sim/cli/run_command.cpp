// `acosim run`: simulate a scenario, write the HDF5 results and print the percentile report.

#include <unistd.h>
#include <csignal>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/cli/command_args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/install_paths.hpp"
#include "sim/cli/resume_check.hpp"
#include "sim/cli/risk_options.hpp"
#include "sim/common/error.hpp"
#include "sim/common/format.hpp"
#include "sim/common/version.hpp"
#include "sim/engine/cash_risk.hpp"
#include "sim/engine/memory.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/engine/risk.hpp"
#include "sim/engine/rng.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/target_se.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/input/yaml_reader.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/hdf5_io.hpp"
#include "sim/output/provenance.hpp"
#include "sim/output/report.hpp"
#include "sim/output/report/format.hpp"

namespace acosim {
namespace fs = std::filesystem;

namespace {

struct RunArgs {
  ScenarioArgs common;
  std::string output;
  std::string report;
  std::string format;  // --format: wins over the report's extension
  std::string resume;
  long replay = -1;
  double target_se = 0;  // 0: run all the scenario's runs
  RiskFlags risk;
};

// Prints what run K sampled and how each track settled it.
int replay(const SimulationModel& model, long k) {
  const Scenario& s = model.scenario();
  if (k < 0 || k >= s.runs) {
    throw InputError(fmt::format("--replay {}: no such run; allowed: 0 to {}", k, s.runs - 1));
  }
  const RunSample r = sample_run(model, s.seed, static_cast<std::uint64_t>(k));
  std::cout << fmt::format("run {} of scenario {} (seed {})\n", k, s.name, s.seed);
  std::cout << fmt::format(
      "  true effect {:+.4f}%, benchmark factor {:.6f}, quality {:.2f} (QPS {}, alternative {})\n",
      100 * r.true_effect, r.benchmark_factor, r.quality, r.met_qps ? "met" : "missed",
      r.met_alt_qps ? "met" : "no");
  const char* names[] = {"ESRD", "disabled", "aged/dual", "aged/non-dual"};
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto i = static_cast<std::size_t>(e);
    if (s.beneficiaries[i] == 0) continue;
    const double n = static_cast<double>(s.beneficiaries[i]);
    std::cout << fmt::format(
        "  {:<14} {:>7} beneficiaries, spending ${:>10.2f} per capita, base ${:>10.2f}\n", names[e],
        s.beneficiaries[i], r.expenditure_by_type[i] / n, r.benchmark_by_type[i] / n);
  }
  std::cout << fmt::format("  benchmark ${:.0f}, expenditure ${:.0f}, savings rate {:+.4f}%\n", r.benchmark,
                           r.expenditure, 100 * (r.benchmark - r.expenditure) / r.benchmark);
  if (s.cms_benchmark) {  // benchmark mode cms: the benchmark above is B3 = b3 x n
    std::cout << fmt::format(
        "  two-way benchmark B2 ${:.0f} (ACPT loss guardrail, 42 CFR 425.652(b)(5)){}\n", r.two_way_benchmark,
        s.cms_benchmark->proposed_overlay
            ? fmt::format("; under cy2027_proposed (PROPOSED, NOT LAW) B3 ${:.0f}, B2 ${:.0f}",
                          r.proposed_benchmark, r.proposed_two_way_benchmark)
            : "");
  }
  for (const TrackChoice& c : s.tracks) {
    const Settlement st = settle(c.track, settlement_input(s, c, r));
    std::cout << fmt::format("  {:<24} {:>14.0f}  {}\n", c.label, st.payment, explain(c.track, st));
  }
  return 0;
}

// An interrupted run never replaces an existing file other than the one it resumes (that could be
// a complete result): its partial file goes beside the target, "<stem>.partial-<pid><ext>" (the
// stem cut so that the name fits), and the message says where.
fs::path partial_destination(const fs::path& output, const std::string& resumed) {
  std::error_code ec;
  if (!fs::exists(output, ec)) return output;
  if (!resumed.empty() && fs::equivalent(output, resumed, ec)) return output;
  const std::string ext = output.extension().string();
  const std::string tail = fmt::format(".partial-{}{}", static_cast<long>(::getpid()), ext);
  std::string stem = output.stem().string();
  if (stem.size() + tail.size() > 255) stem.resize(255 - tail.size());
  return output.parent_path() / (stem + tail);
}

// Writes the results (a partial run beside an existing file: partial_destination) and the report,
// and says what was written; 130 when the run was interrupted.
int publish(const RunArgs& a, SimulationResults& results, const fs::path& output,
            const std::optional<ReportTarget>& report, const ReportInput& input) {
  ResultMetadata& m = results.meta;
  stamp_provenance(m);
  const fs::path written = m.complete ? output : partial_destination(output, a.resume);
  write_results(written, results);

  if (!a.common.quiet && !(report && report->to_stdout()))
    std::cout << render_report(ReportFormat::Text, input) << cash_risk_text(results.cash_risk);
  if (report && m.complete) write_report(*report, input);
  const std::string workers = mpi::size() > 1 ? fmt::format("{} ranks x {} threads", mpi::size(), m.threads)
                                              : fmt::format("{} threads", m.threads);
  std::cerr << fmt::format(
      "acosim: {} of {} runs, {:.3g} beneficiary-years in {:.2f} s ({:.3g} per second, {}) -> {}\n",
      m.completed_runs, m.runs, m.beneficiary_years, m.wall_seconds,
      m.beneficiary_years / std::max(m.wall_seconds, 1e-9), workers, written.string());
  if (!m.complete) {
    if (written != output) {
      std::cerr << fmt::format(
          "acosim: interrupted: {} already exists and is left as it was; the {} completed runs "
          "are in {} (marked incomplete)\n",
          output.string(), m.completed_runs, written.string());
    } else {
      std::cerr << fmt::format(
          "acosim: interrupted: {} holds the {} completed runs and is marked incomplete\n", written.string(),
          m.completed_runs);
    }
    std::cerr << fmt::format("acosim: finish it with: acosim run --resume {}{}{}\n", written.string(),
                             a.report.empty() ? "" : fmt::format(" --report {}", a.report),
                             a.format.empty() ? "" : fmt::format(" --format {}", a.format));
    return 130;
  }
  return 0;
}

std::atomic<bool> g_stop{false};

int run_scenario(const RunArgs& a, const std::optional<SimulationResults>& previous);

int run(const RunArgs& a) {
  const std::vector<Override> overrides = a.common.overrides();

  // --resume: the scenario, seed and completed runs come from the file itself.
  std::optional<SimulationResults> previous;
  if (!a.resume.empty()) {
    if (!a.common.scenario.empty() || !overrides.empty()) {
      throw InputError(
          "--resume takes the scenario, seed and runs from the results file; "
          "do not also give a scenario, --set, --runs or --seed");
    }
    previous = read_results(a.resume);
    if (previous->meta.complete) {
      std::cerr << fmt::format("acosim: {} is already complete ({} runs); nothing to do\n", a.resume,
                               previous->meta.runs);
      return 0;
    }
  }
  return run_scenario(a, previous);
}

int run_scenario(const RunArgs& a, const std::optional<SimulationResults>& previous) {
  const Scenario scenario = previous
                                ? parse_scenario(previous->meta.scenario_text, previous->meta.scenario_path)
                                : a.common.load(find_default_scenario());
  const fs::path output = !a.output.empty() ? fs::path(a.output)
                          : previous        ? fs::path(a.resume)
                                            : fs::path("results") / (scenario.name + ".h5");
  if (a.replay < 0) {  // every output path, before any work (sim/output/output_paths.hpp)
    CommandPaths paths;
    if (previous)
      paths.input(a.resume, "--resume");
    else
      add_scenario_inputs(paths, scenario);
    refuse_misleading_extension(output, "-o", "an HDF5 results file", kHdf5Extensions);
    paths.output(output, "-o", "--resume");
    if (!a.report.empty() && a.report != "-") paths.output(a.report, "--report");
    paths.check();
  }
  // The report follows the one output convention (sim/output/report/format.hpp), checked before any
  // work: the format from --format or the extension, "-" for standard output, folders created.
  const std::optional<ReportTarget> report = report_option_target(a.report, a.format);
  if (!previous) print_scenario_warnings(scenario);
  // A file started by a build whose arithmetic differs cannot be completed bit-identically (its runs
  // and this build's would mix two arithmetics): refused, with what to do instead.
  const bool same_layout = !previous || previous->meta.rng_layout == kRngLayout;
  if (!same_layout) {
    throw InputError(
        fmt::format("{}: cannot resume: the file was started by a build that draws or computes differently "
                    "(its rng_layout attribute differs from this build's), so its {} completed runs and this "
                    "build's would not match one uninterrupted run; rerun the scenario with this build "
                    "(acosim run SCENARIO), or resume with the build that started the file",
                    a.resume, previous->meta.completed_runs));
  }
  if (previous && previous->meta.seed != scenario.seed) {
    throw InputError(fmt::format("{}: the seed attribute {} disagrees with its scenario's seed {}", a.resume,
                                 previous->meta.seed, scenario.seed));
  }
  if (scenario.agreement && !previous) {
    std::cerr << fmt::format(
        "acosim: note: {} has an agreement section; acosim run settles its first performance year "
        "only (acosim agreement follows the whole agreement)\n",
        scenario.path);
  }
  // The risk appetite (scenario section, then flags) is checked before any sampling.
  const std::optional<RiskAppetite> risk = merge_risk(scenario.risk, a.risk);
  const SimulationModel model(scenario);
  if (a.replay >= 0) return replay(model, a.replay);
  if (previous) verify_resumable(model, *previous, a.resume, same_layout);
  require_memory_for(scenario);
  if (a.target_se > 0 && previous)
    throw InputError("--target-se starts a run; it cannot be combined with --resume");

  RunOptions options;
  options.threads = a.common.threads;
  options.progress = !a.common.quiet;
  options.stop = &g_stop;
  SimulationResults results;
  {
    const StopOnSignals stop_on(g_stop);
    const auto show_se = [&](long runs, double se) {
      if (!a.common.quiet && mpi::is_root()) {
        std::cerr << fmt::format("acosim: {} runs: largest standard error {} (target {})\n", runs,
                                 percent_of(se, 3), percent_of(a.target_se, 3));
      }
    };
    results = a.target_se > 0 ? simulate_to_target(model, options, a.target_se, show_se)
                              : simulate(model, options, previous ? &previous->table : nullptr);
  }
  // Under MPI every rank now holds every run (sample_runs); rank 0 alone writes and reports.
  if (!mpi::is_root()) return results.meta.complete ? 0 : 130;

  const ReportInput input{&results, risk, "", describe_assumptions(scenario, results.meta)};
  return publish(a, results, output, report, input);
}

}  // namespace

void add_run_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd =
      app.add_subcommand("run", "Simulate a scenario: sample, settle every track, write HDF5 and a report");
  ScenarioArgHelp help;
  help.scenario = "Scenario YAML (default: scenarios/default.yaml)";
  help.scenario_required = false;
  add_scenario_args(*cmd, args->common, help);
  cmd->add_option("-o,--output", args->output, "HDF5 results file (default: results/<name>.h5)");
  cmd->add_option(
      "--report", args->report,
      "Also write the report to FILE (- for standard output, instead of the text report); the format follows "
      "the extension: " +
          report_format_extensions());
  cmd->add_option("--format", args->format,
                  "Report format, instead of the extension: " + report_format_names());
  cmd->add_option("--resume", args->resume,
                  "Complete an interrupted results FILE (same numbers as an uninterrupted run)");
  cmd->add_option(
         "--target-se", args->target_se,
         "Stop at the first block of 1000 runs where every reported probability's standard error and every "
         "track's mean payment SE (as a fraction of the benchmark) is at most this (e.g. 0.005); the "
         "scenario's runs are the maximum. Same seed and scenario, same stopping point")
      ->check(decimal_in(1e-6, 0.5));
  cmd->add_option("--replay", args->replay, "Recompute run K alone and show its details")
      ->check(run_index_check());
  add_risk_flags(*cmd, args->risk);
  cmd->callback([args, &action] { action = [args] { return run(*args); }; });
}

}  // namespace acosim
