// `acosim run`: simulate a scenario, write the HDF5 results and print the percentile report.

#include <bit>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/output/atomic_file.hpp"
#include "sim/cli/commands.hpp"
#include "sim/common/error.hpp"
#include "sim/output/hdf5_io.hpp"
#include "sim/output/provenance.hpp"
#include "sim/engine/memory.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/output/report.hpp"
#include "sim/engine/risk.hpp"
#include "sim/input/yaml_reader.hpp"
#include "sim/engine/rng.hpp"
#include "sim/engine/runner.hpp"
#include "sim/common/version.hpp"

#ifndef ACOSIM_DEFAULT_SCENARIO
#define ACOSIM_DEFAULT_SCENARIO "scenarios/default.yaml"
#endif

namespace acosim {
namespace fs = std::filesystem;

namespace {

struct RunArgs {
  std::string scenario;
  std::string output;
  std::string report;
  std::vector<std::string> sets;
  long runs = 0;
  std::string seed;  // empty: the scenario's (parse_seed_option checks it)
  int threads = 0;
  std::string resume;
  long replay = -1;
  bool quiet = false;
  RiskFlags risk;
};

// The scenario used when none is given: scenarios/default.yaml here, else the one shipped with
// the sources.
fs::path default_scenario() {
  if (fs::exists(ACOSIM_DEFAULT_SCENARIO)) return ACOSIM_DEFAULT_SCENARIO;
  return fs::path(ACOSIM_SOURCE_DIR) / ACOSIM_DEFAULT_SCENARIO;
}

// Prints what run K sampled and how each track settled it.
int replay(const SimulationModel& model, long k) {
  const Scenario& s = model.scenario();
  if (k < 0 || k >= s.runs) {
    throw InputError(fmt::format("--replay {}: no such run; allowed: 0 to {}", k, s.runs - 1));
  }
  const RunSample r = sample_run(model, s.seed, static_cast<std::uint64_t>(k));
  std::cout << fmt::format("run {} of scenario {} (seed {})\n", k, s.name, s.seed);
  std::cout << fmt::format("  true effect {:+.4f}%, benchmark factor {:.6f}, quality {:.2f} (QPS {}, alternative {})\n",
                           100 * r.true_effect, r.benchmark_factor, r.quality, r.met_qps ? "met" : "missed",
                           r.met_alt_qps ? "met" : "no");
  const char* names[] = {"ESRD", "disabled", "aged/dual", "aged/non-dual"};
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto i = static_cast<std::size_t>(e);
    if (s.beneficiaries[i] == 0) continue;
    const double n = static_cast<double>(s.beneficiaries[i]);
    std::cout << fmt::format("  {:<14} {:>7} beneficiaries, spending ${:>10.2f} per capita, base ${:>10.2f}\n",
                             names[e], s.beneficiaries[i], r.expenditure_by_type[i] / n, r.benchmark_by_type[i] / n);
  }
  std::cout << fmt::format("  benchmark ${:.0f}, expenditure ${:.0f}, savings rate {:+.4f}%\n", r.benchmark,
                           r.expenditure, 100 * (r.benchmark - r.expenditure) / r.benchmark);
  for (const TrackChoice& c : s.tracks) {
    const Settlement st = settle(c.track, settlement_input(s, c, r));
    std::cout << fmt::format("  {:<24} {:>14.0f}  {}\n", c.label, st.payment, explain(c.track, st));
  }
  return 0;
}

// --resume trusts the file's scenario text; a damaged text that still parses would finish the file
// under another scenario. Re-sample the first completed run from it (one run: milliseconds) and
// require the stored draws back bit for bit. Only for files of this build's layout: others are
// already warned about and cannot match.
void verify_resumable(const SimulationModel& model, const RunTable& table, const std::string& file) {
  for (long k = 0; k < table.runs(); ++k) {
    if (!table.done(k)) continue;
    const RunSample r = sample_run(model, model.scenario().seed, static_cast<std::uint64_t>(k));
    const auto same = [](double x, double y) { return std::bit_cast<std::uint64_t>(x) == std::bit_cast<std::uint64_t>(y); };
    if (!same(r.expenditure, table.expenditure(k)) || !same(r.benchmark, table.benchmark(k)) ||
        !same(r.true_effect, table.true_effect(k)) || !same(r.quality, table.quality(k))) {
      throw InputError(fmt::format("{}: completed run {} does not reproduce from the scenario stored in the file (stored "
                                   "spending {:.17g}, recomputed {:.17g}): the file is damaged; start the run again "
                                   "instead of resuming it",
                                   file, k, table.expenditure(k), r.expenditure));
    }
    return;
  }
}

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

int run(const RunArgs& a) {
  const std::vector<Override> overrides = scenario_overrides(a.sets, a.runs, a.seed);

  // --resume: the scenario, seed and completed runs come from the file itself.
  std::optional<SimulationResults> previous;
  if (!a.resume.empty()) {
    if (!a.scenario.empty() || !overrides.empty()) {
      throw InputError("--resume takes the scenario, seed and runs from the results file; "
                       "do not also give a scenario, --set, --runs or --seed");
    }
    previous = read_results(a.resume);
    if (previous->meta.complete) {
      std::cerr << fmt::format("acosim: {} is already complete ({} runs); nothing to do\n", a.resume,
                               previous->meta.runs);
      return 0;
    }
  }
  const Scenario scenario = previous ? parse_scenario(previous->meta.scenario_text, previous->meta.scenario_path)
                                     : load_scenario(a.scenario.empty() ? default_scenario() : fs::path(a.scenario), overrides);
  if (previous && previous->meta.rng_layout != kRngLayout) {
    std::cerr << fmt::format("acosim: warning: {} was started by a build that draws differently (its rng_layout "
                             "attribute differs from this build's); the completed runs are kept and the rest are drawn "
                             "by this build, so the file will not be bit-identical to one uninterrupted run\n",
                             a.resume);
  }
  if (previous && previous->meta.seed != scenario.seed) {
    throw InputError(fmt::format("{}: the seed attribute {} disagrees with its scenario's seed {}", a.resume,
                                 previous->meta.seed, scenario.seed));
  }
  if (scenario.agreement && !previous) {
    std::cerr << fmt::format("acosim: note: {} has an agreement section; acosim run settles its first performance year "
                             "only (acosim agreement follows the whole agreement)\n",
                             scenario.path);
  }
  // The risk appetite (scenario section, then flags) is checked before any sampling.
  std::optional<RiskAppetite> risk;
  if (const auto it = scenario.sections.find("risk"); it != scenario.sections.end()) {
    risk = parse_risk(it->second, Reader(scenario.path));
  }
  risk = merge_risk(risk, a.risk);
  const SimulationModel model(scenario);
  if (a.replay >= 0) return replay(model, a.replay);
  if (previous && previous->meta.rng_layout == kRngLayout) verify_resumable(model, previous->table, a.resume);

  const fs::path output = !a.output.empty() ? fs::path(a.output)
                          : previous       ? fs::path(a.resume)
                                           : fs::path("results") / (scenario.name + ".h5");
  check_writable(output);  // before hours of work
  const std::size_t need = estimated_bytes(scenario);
  const double available = available_memory_bytes();
  if (available > 0 && static_cast<double>(need) > 0.8 * available) {
    throw InputError(fmt::format("{} runs x {} tracks need about {:.1f} GB but only {:.1f} GB of memory is available; "
                                 "reduce runs (--runs) or split the work (--resume keeps completed runs)",
                                 scenario.runs, scenario.tracks.size(), static_cast<double>(need) / 1e9, available / 1e9));
  }
  if (!a.report.empty()) check_writable(a.report);

  RunOptions options;
  options.threads = a.threads;
  options.progress = !a.quiet;
  options.stop = &g_stop;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  SimulationResults results = simulate(model, options, previous ? &previous->table : nullptr);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  // Under MPI every rank now holds every run (sample_runs); rank 0 alone writes and reports.
  if (!mpi::is_root()) return results.meta.complete ? 0 : 130;

  ResultMetadata& m = results.meta;
  stamp_provenance(m);
  write_results(output, results);

  if (!a.quiet) std::cout << report_text(results, risk);
  if (!a.report.empty()) {
    const std::string ext = fs::path(a.report).extension().string();
    const std::string text = ext == ".csv"    ? report_csv(results, risk)
                             : ext == ".json"  ? report_json(results, risk)
                             : ext == ".html"  ? report_html(results, risk)
                                               : report_markdown(results, risk);
    write_file_atomically(a.report, text);
  }
  const std::string workers = mpi::size() > 1 ? fmt::format("{} ranks x {} threads", mpi::size(), m.threads)
                                              : fmt::format("{} threads", m.threads);
  std::cerr << fmt::format("acosim: {} of {} runs, {:.3g} beneficiary-years in {:.2f} s ({:.3g} per second, {}) -> {}\n",
                           m.completed_runs, m.runs, m.beneficiary_years, m.wall_seconds,
                           m.beneficiary_years / std::max(m.wall_seconds, 1e-9), workers, output.string());
  if (!m.complete) {
    std::cerr << fmt::format("acosim: interrupted: {} holds the {} completed runs and is marked incomplete; "
                             "finish it with: acosim run --resume {}\n", output.string(), m.completed_runs, output.string());
    return 130;
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Simulate a scenario: sample, settle every track, write HDF5 and a report");
  cmd->add_option("scenario", args->scenario, "Scenario YAML (default: scenarios/default.yaml)");
  cmd->add_option("-o,--output", args->output, "HDF5 results file (default: results/<name>.h5)");
  cmd->add_option("--report", args->report, "Also write the report to FILE (.md, .csv, .json or .html)");
  cmd->add_option("--runs", args->runs, "Number of runs (overrides the scenario)")->check(CLI::Range(1L, 100000000L));
  cmd->add_option("--seed", args->seed, "Random seed (overrides the scenario)");
  cmd->add_option("--threads", args->threads, "Threads (0: all; results do not depend on it)")->check(CLI::Range(0, 4096));
  cmd->add_option("--set", args->sets, "Override a scenario key: --set aco.beneficiaries=20000 (repeatable)");
  cmd->add_option("--resume", args->resume, "Complete an interrupted results FILE (same numbers as an uninterrupted run)");
  cmd->add_option("--replay", args->replay, "Recompute run K alone and show its details")->check(CLI::NonNegativeNumber);
  cmd->add_flag("-q,--quiet", args->quiet, "No progress and no report on the terminal");
  add_risk_flags(*cmd, args->risk);
  cmd->callback([args, &action] { action = [args] { return run(*args); }; });
}

}  // namespace acosim
