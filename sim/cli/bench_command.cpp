// `acosim bench`: throughput of the engine on the reference workload (docs/performance.md).
//
//   acosim bench [--runs 10000] [--beneficiaries 20000] [--threads 1,2] [--mode historical|fixed]
//                [--repeat 3] [--json] [--print-model]
//
// The reference workload: 20,000 beneficiaries with the national cost model (split by the
// national enrollment mix), every current track (BASIC A-E, ENHANCED; the two-sided ones with a
// 1% MSR/MLR election) settled on every run, 10,000 runs. For each thread count it times the
// sampling pass and the settlement pass (the minimum over --repeat repetitions), reports
// nanoseconds per beneficiary-year per core and beneficiary-years per second, and checks that
// every thread count gave bit-identical run tables. It also times the arithmetic limits: the bare
// Philox -> Box-Muller -> exp -> select -> sum work per beneficiary-year in the fastest loops
// written for the instruction set, with double and with float transforms (sim/engine/sampler.hpp), and
// estimates the core clock to give cycles per beneficiary-year.
// --print-model prints the workload's computed model parameters as JSON (for
// scripts/bench_numpy.py) and exits.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <omp.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include "sim/cli/command_args.hpp"

#include "sim/cli/commands.hpp"
#include "sim/common/error.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/sampler.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/output/provenance.hpp"

namespace acosim {

namespace {

struct BenchArgs {
  long runs = 10000;
  long beneficiaries = 20000;
  std::string threads = "1,2";
  std::string mode = "historical";
  int repeat = 3;
  std::string seed = "20240101";  // parse_seed_option checks it
  bool json = false;
  bool print_model = false;
};

std::string reference_yaml(const BenchArgs& a) {
  return fmt::format(R"(name: bench-reference
performance_year: 2024
aco: {{beneficiaries: {}, participant_revenue: 60.0e6, low_revenue: true}}
cost_model: {{preset: national}}
benchmark: {{mode: {}, update_factor: {{mean: 1.0, sd: 0.01}}}}
true_effect: {{mean: -1.5%, sd: 1.5%}}
quality: {{score: {{mean: 83.1, sd: 6.9}}, alternative_probability: 0.9}}
tracks:
  - BASIC_A
  - BASIC_B
  - {{track: BASIC_C, msr: 1%}}
  - {{track: BASIC_D, msr: 1%}}
  - {{track: BASIC_E, msr: 1%}}
  - {{track: ENHANCED, msr: 1%}}
runs: {}
seed: {}
)",
                     a.beneficiaries, a.mode, a.runs, parse_seed_option(a.seed));
}

std::vector<int> parse_threads(const std::string& text) {
  std::vector<int> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    try {
      std::size_t used = 0;
      const int t = std::stoi(item, &used);
      if (used != item.size() || t < 1 || t > 4096) throw std::invalid_argument("range");
      out.push_back(t);
    } catch (const std::exception&) {
      throw InputError(fmt::format("--threads {}: expected thread counts like 1,2 (each 1 to 4096)", text));
    }
  }
  if (out.empty()) throw InputError("--threads: give at least one thread count");
  return out;
}

bool same_bits(const RunTable& a, const RunTable& b) {
  const auto eq = [](const auto& x, const auto& y) {
    return x.size() == y.size() &&
           std::memcmp(x.data(), y.data(), sizeof(*x.data()) * static_cast<std::size_t>(x.size())) == 0;
  };
  bool same = eq(a.payment, b.payment) && eq(a.outcome, b.outcome);
  for (const RunField& f : kRunFields)
    same = same && (f.real ? eq(a.*f.real, b.*f.real) : eq(a.*f.flag, b.*f.flag));
  return same;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// CPU time of the whole process (all threads) [s]: on a machine shared with other work, CPU
// seconds per beneficiary-year show the engine's own cost and parallel overhead, which wall time
// mixes with waiting for a core.
double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

nlohmann::json model_json(const SimulationModel& model) {
  const Scenario& s = model.scenario();
  nlohmann::json types = nlohmann::json::array();
  const char* names[] = {"esrd", "disabled", "aged_dual", "aged_nondual"};
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const CostDistribution& d = model.cost(e);
    const LognormalCost k = d.kernel();
    types.push_back({{"type", names[e]},
                     {"beneficiaries", s.beneficiaries[static_cast<std::size_t>(e)]},
                     {"z_zero", k.z_zero()},
                     {"z_high", k.z_high()},
                     {"mu_low", k.mu_low()},
                     {"mu_high", d.mu_high()},
                     {"sigma", k.sigma()},
                     {"cap", k.cap()},
                     {"mean", d.mean()}});
  }
  return {{"workload", "acosim bench reference"},
          {"mode", s.benchmark_mode == BenchmarkMode::Historical ? "historical" : "fixed"},
          {"runs", s.runs},
          {"seed", s.seed},
          {"beneficiaries", s.total_beneficiaries()},
          {"tracks", s.tracks.size()},
          {"persistence", s.persistence},
          {"base_year_weights", s.base_year_weights},
          {"benchmark_per_capita", s.benchmark_per_capita.value_or(s.expected_spending_per_capita())},
          {"true_effect", {{"mean", s.true_effect.mean}, {"sd", s.true_effect.sd}}},
          {"update_factor", {{"mean", s.update_factor.mean}, {"sd", s.update_factor.sd}}},
          {"types", types},
          {"cost",
           "state: zero if z_state < z_zero, high if z_state > z_high, else low; "
           "cost = min(cap, exp(mu + sigma z_size)); historical: (z_state, z_size) follow an AR(1) "
           "with correlation `persistence` over BY1, BY2, BY3, PY"}};
}

// The 1-minute load average (how busy the machine was), or -1.
double load_average() {
  double l[1] = {-1};
  return ::getloadavg(l, 1) == 1 ? l[0] : -1;
}

// This thread's CPU time [s].
double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// The core clock [GHz], estimated by timing a chain of dependent register-to-register integer adds
// (each waits for the previous one: one cycle apiece on x86-64 and ARMv8 cores; adds of an
// immediate are not used, recent Intel cores fold them at register renaming) against this thread's
// CPU time, so that waiting for a core on a loaded machine does not count. A VM's clock is not
// shown and wanders: cycles per beneficiary-year (CPU time x this clock) are the figure that
// repeats. -1 on other processors.
double estimate_clock_ghz() {
#if defined(__x86_64__) || defined(__aarch64__)
  constexpr long kLoops = 2000000;  // x 100 adds: 2 x 10^8 cycles, ~0.07 s at 3 GHz
  std::uint64_t x = 0;
  const std::uint64_t one = 1;
  const double t0 = thread_cpu_seconds();
  for (long i = 0; i < kLoops; ++i) {
#if defined(__x86_64__)
    asm volatile(".rept 100\n\taddq %1, %0\n\t.endr" : "+r"(x) : "r"(one));
#else
    asm volatile(".rept 100\n\tadd %0, %0, %1\n\t.endr" : "+r"(x) : "r"(one));
#endif
  }
  const double s = thread_cpu_seconds() - t0;
  return x == 100ULL * kLoops && s > 0 ? 100.0 * kLoops / s * 1e-9 : -1;
#else
  return -1;
#endif
}

struct Limit {
  double ns = 1e300, cpu_ns = 1e300;  // per beneficiary-year, minimum over repetitions
};

struct Timing {
  int threads = 0;
  double sample_seconds = 0, settle_seconds = 0;  // wall [s], minimum over repetitions
  double cpu_seconds = 0;                         // CPU time of that repetition [s]
};

// What one bench measured.
struct BenchFigures {
  double beneficiary_years = 0;  // per pass
  std::vector<Timing> timings;   // one per thread count
  RunTable first;                // the first repetition's run table
  bool identical = true;         // every repetition's table equals it bit for bit
  Limit limit_double, limit_float;
  double sink = 0, clock_ghz = -1;

  // Cycles per beneficiary-year: CPU time at the estimated clock (-1 where it cannot be estimated).
  double cycles(double ns) const { return clock_ghz > 0 ? ns * clock_ghz : -1.0; }
  double ns_per_core(const Timing& t) const {
    return (t.sample_seconds + t.settle_seconds) * t.threads / beneficiary_years * 1e9;
  }
  double per_second(const Timing& t) const {
    return beneficiary_years / (t.sample_seconds + t.settle_seconds);
  }
};

// Samples and settles the scenario `a.repeat` times per thread count; the fastest repetition counts.
void time_engine(const BenchArgs& a, const Scenario& scenario, const SimulationModel& model,
                 const std::vector<int>& thread_counts, bool human, BenchFigures& f) {
  for (int threads : thread_counts) {
    Timing t;
    t.threads = threads;
    t.sample_seconds = t.settle_seconds = 1e300;
    for (int rep = 0; rep < a.repeat; ++rep) {
      RunTable table = make_table(scenario);
      RunOptions options;
      options.threads = threads;
      const double c0 = cpu_seconds();
      const auto t0 = std::chrono::steady_clock::now();
      sample_runs(model, options, table, 0, scenario.runs);
      const double sampled = seconds_since(t0);
      const auto t1 = std::chrono::steady_clock::now();
      settle_runs(scenario, table);
      const double settled = seconds_since(t1);
      if (sampled + settled < t.sample_seconds + t.settle_seconds) {
        t.sample_seconds = sampled;
        t.settle_seconds = settled;
        t.cpu_seconds = cpu_seconds() - c0;
      }
      if (f.timings.empty() && rep == 0) {
        f.first = std::move(table);
      } else if (!same_bits(f.first, table)) {
        f.identical = false;
      }
    }
    f.timings.push_back(t);
    if (human) {
      const double total = t.sample_seconds + t.settle_seconds;
      std::cout << fmt::format(
          "  {:>3} thread{}  {:7.3f} s (sampling {:.3f} s, settling {} tracks {:.3f} s)  "
          "{:6.2f} ns per beneficiary-year per core  {:.3g} beneficiary-years/s  "
          "(CPU time {:.2f} ns per beneficiary-year)\n",
          threads, threads == 1 ? " " : "s", total, t.sample_seconds, scenario.tracks.size(),
          t.settle_seconds, total * threads / f.beneficiary_years * 1e9, f.beneficiary_years / total,
          t.cpu_seconds / f.beneficiary_years * 1e9);
    }
  }
}

// The arithmetic limits on one thread (double, float), over up to 2,000 runs' worth of
// beneficiary-years, alternating with each other and with the clock estimate.
void time_limits(const BenchArgs& a, const Scenario& scenario, double years, BenchFigures& f) {
  const long limit_runs = std::min<long>(scenario.runs, 2000);
  const long per_run = static_cast<long>(static_cast<double>(scenario.total_beneficiaries()) * years);
  const double limit_years = static_cast<double>(limit_runs) * static_cast<double>(per_run);
  for (int rep = 0; rep < a.repeat; ++rep) {
    f.clock_ghz = std::max(f.clock_ghz, estimate_clock_ghz());
    for (Limit* l : {&f.limit_double, &f.limit_float}) {
      const Arithmetic arithmetic = l == &f.limit_float ? Arithmetic::Float : Arithmetic::Double;
      const double c0 = cpu_seconds();
      const auto t0 = std::chrono::steady_clock::now();
      for (long r = 0; r < limit_runs; ++r) {
        f.sink += transform_limit(scenario.seed, static_cast<std::uint64_t>(r), per_run, arithmetic);
      }
      l->ns = std::min(l->ns, seconds_since(t0) / limit_years * 1e9);
      l->cpu_ns = std::min(l->cpu_ns, (cpu_seconds() - c0) / limit_years * 1e9);
    }
  }
}

void print_bench_text(const Scenario& scenario, const BenchFigures& f) {
  const Timing& base = f.timings.front();
  const double engine_ns = f.ns_per_core(base);
  if (f.clock_ghz > 0) {
    std::cout << fmt::format(
        "  clock {:.2f} GHz (a dependent-add chain timed against its CPU time); engine, "
        "{} thread{}: {:.1f} cycles per beneficiary-year\n",
        f.clock_ghz, base.threads, base.threads == 1 ? "" : "s",
        f.cycles(base.cpu_seconds / f.beneficiary_years * 1e9));
  }
  for (const auto& [name, l] : {std::pair{"double", f.limit_double}, std::pair{"float ", f.limit_float}}) {
    std::cout << fmt::format(
        "  limit, {} transforms ({}, 1 thread, hand kernel: Philox -> Box-Muller -> exp -> select -> "
        "double sum): {:.2f} ns per beneficiary-year{} (CPU time {:.2f}); engine / limit = {:.2f} "
        "(CPU time {:.2f})\n",
        name, to_string(simd_level()), l.ns,
        f.clock_ghz > 0 ? fmt::format(", {:.1f} cycles", f.cycles(l.cpu_ns)) : std::string(), l.cpu_ns,
        engine_ns / l.ns, base.cpu_seconds / f.beneficiary_years * 1e9 / l.cpu_ns);
  }
  for (std::size_t i = 1; i < f.timings.size(); ++i) {
    std::cout << fmt::format(
        "  speedup {} vs {} threads: {:.2f}x wall (parallel efficiency {:.0f}%); CPU time per "
        "beneficiary-year {:.2f}x the {}-thread figure\n",
        f.timings[i].threads, base.threads, f.per_second(f.timings[i]) / f.per_second(base),
        100.0 * f.per_second(f.timings[i]) / f.per_second(base) * base.threads / f.timings[i].threads,
        f.timings[i].cpu_seconds / base.cpu_seconds, base.threads);
  }
  std::cout << fmt::format("  run tables bit-identical across thread counts and repetitions: {}\n",
                           f.identical ? "yes" : "NO");
  const double n = static_cast<double>(scenario.total_beneficiaries());
  std::cout << fmt::format("  mean spending per capita {:.2f}, benchmark per capita {:.2f}\n",
                           f.first.expenditure.mean() / n, f.first.benchmark.mean() / n);
  std::cout << fmt::format("  memory: {} bytes per run ({} tracks), independent of beneficiaries\n",
                           (estimated_bytes(scenario) - (1u << 20)) / static_cast<std::size_t>(scenario.runs),
                           scenario.tracks.size());
}

void print_bench_json(const BenchArgs& a, const Scenario& scenario, const BenchFigures& f) {
  const Timing& base = f.timings.front();
  nlohmann::json j;
  j["mode"] = a.mode;
  j["beneficiaries"] = scenario.total_beneficiaries();
  j["runs"] = scenario.runs;
  j["tracks"] = scenario.tracks.size();
  j["beneficiary_years"] = f.beneficiary_years;
  j["simd"] = to_string(simd_level());
  j["repeat"] = a.repeat;
  j["load_average"] = load_average();
  j["identical"] = f.identical;
  j["limit_ns_per_beneficiary_year"] = f.limit_double.ns;  // double transforms
  j["limit_cpu_ns_per_beneficiary_year"] = f.limit_double.cpu_ns;
  j["limit_float_ns_per_beneficiary_year"] = f.limit_float.ns;
  j["limit_float_cpu_ns_per_beneficiary_year"] = f.limit_float.cpu_ns;
  j["clock_ghz"] = f.clock_ghz;
  j["engine_cycles_per_beneficiary_year"] = f.cycles(base.cpu_seconds / f.beneficiary_years * 1e9);
  j["limit_cycles_per_beneficiary_year"] = f.cycles(f.limit_double.cpu_ns);
  j["limit_float_cycles_per_beneficiary_year"] = f.cycles(f.limit_float.cpu_ns);
  j["bytes_per_run"] = (estimated_bytes(scenario) - (1u << 20)) / static_cast<std::size_t>(scenario.runs);
  j["limit_checksum"] = f.sink;
  const double n = static_cast<double>(scenario.total_beneficiaries());
  j["mean_expenditure_per_capita"] = f.first.expenditure.mean() / n;
  j["mean_benchmark_per_capita"] = f.first.benchmark.mean() / n;
  for (const Timing& t : f.timings) {
    j["threads"].push_back({{"threads", t.threads},
                            {"sample_seconds", t.sample_seconds},
                            {"settle_seconds", t.settle_seconds},
                            {"ns_per_beneficiary_year_per_core", f.ns_per_core(t)},
                            {"cpu_seconds", t.cpu_seconds},
                            {"cpu_ns_per_beneficiary_year", t.cpu_seconds / f.beneficiary_years * 1e9},
                            {"beneficiary_years_per_second", f.per_second(t)}});
  }
  std::cout << j.dump(2) << '\n';
}

int run_bench(const BenchArgs& a) {
  if (a.mode != "historical" && a.mode != "fixed") {
    throw InputError(fmt::format("--mode {}: allowed: historical, fixed", a.mode));
  }
  const std::vector<int> thread_counts = parse_threads(a.threads);
  const Scenario scenario = parse_scenario(reference_yaml(a), "acosim bench");
  const SimulationModel model(scenario);
  if (a.print_model) {
    std::cout << model_json(model).dump(2) << '\n';
    return 0;
  }
  BenchFigures f;
  const double years = scenario.benchmark_mode == BenchmarkMode::Historical ? 4.0 : 1.0;
  f.beneficiary_years =
      static_cast<double>(scenario.runs) * static_cast<double>(scenario.total_beneficiaries()) * years;
  const bool human = !a.json;
  if (human) {
    std::cout << fmt::format(
        "acosim bench: {} beneficiaries x {} runs, {} benchmark ({:.3g} beneficiary-years per pass), "
        "{} tracks, sampler {}, best of {}; load average {:.2f} on {} cores\n",
        scenario.total_beneficiaries(), scenario.runs, a.mode, f.beneficiary_years, scenario.tracks.size(),
        to_string(simd_level()), a.repeat, load_average(), omp_get_num_procs());
  }
  time_engine(a, scenario, model, thread_counts, human, f);
  time_limits(a, scenario, years, f);
  if (human) {
    print_bench_text(scenario, f);
  } else {
    print_bench_json(a, scenario, f);
  }
  if (!f.identical) {
    std::cerr << "acosim bench: the run tables differ between thread counts: the reproducibility contract is "
                 "broken\n";
    return 1;
  }
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Time the engine on the reference workload (20,000 beneficiaries, 6 tracks, 10,000 runs) for "
      "1 and 2 threads; check the results are bit-identical; time the arithmetic limit");
  cmd->add_option("--runs", args->runs, "Runs (default 10000)")->check(key_check("runs"));
  cmd->add_option("--beneficiaries", args->beneficiaries,
                  "Assigned beneficiaries (default 20000; 500 to 10000000, as aco.beneficiaries)")
      ->check(key_check("aco.beneficiaries"));
  cmd->add_option("--threads", args->threads, "Comma-separated thread counts (default 1,2)");
  cmd->add_option("--mode", args->mode,
                  "Benchmark mode: historical (BY1-3 + PY, the default) or fixed (PY only)");
  cmd->add_option("--repeat", args->repeat,
                  "Repetitions per thread count; the minimum time counts (default 3)")
      ->check(whole_number_in(1, 100));
  cmd->add_option("--seed", args->seed, "Seed (default 20240101)");
  cmd->add_flag("--json", args->json, "Print the figures as JSON");
  cmd->add_flag("--print-model", args->print_model, "Print the workload's model parameters as JSON and exit");
  cmd->callback([args, &action] { action = [args] { return run_bench(*args); }; });
}

}  // namespace acosim
