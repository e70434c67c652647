#include "sim/engine/runner.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/engine/benchmark_draw.hpp"
#include "sim/engine/cash_risk.hpp"
#include "sim/engine/memory.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/engine/progress.hpp"
#include "sim/engine/rng.hpp"
#include "sim/engine/sampler.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/engine/true_effect.hpp"

namespace acosim {

int resolve_threads(int option_threads, int scenario_threads) {
  const int threads = option_threads > 0 ? option_threads : scenario_threads;
  return threads > 0 ? threads : omp_get_max_threads();
}

SimulationModel::SimulationModel(const Scenario& scenario) : scenario_(scenario) {
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    costs_.emplace_back(scenario.cost_shapes[static_cast<std::size_t>(e)],
                        scenario.cost_means[static_cast<std::size_t>(e)]);
  }
  cholesky_ = Eigen::LLT<Eigen::Matrix3d>(scenario.correlation).matrixL();
}

Eigen::Vector3d run_level_normals(const SimulationModel& model, std::uint64_t seed, std::uint64_t run) {
  const auto z = normals4(PhiloxStream(seed, run, Purpose::RunLevel), 0);
  return model.cholesky() * Eigen::Vector3d(z[0], z[1], z[2]);
}

double alternative_qps_uniform(std::uint64_t seed, std::uint64_t run) {
  return to_uniform(PhiloxStream(seed, run, Purpose::QualityAlt).words(0)[0]);
}

RunSample sample_run(const SimulationModel& model, std::uint64_t seed, std::uint64_t run) {
  const Scenario& s = model.scenario();
  RunSample r;

  // Run-level inputs: correlated normals -> true effect, benchmark factor, quality.
  const Eigen::Vector3d x = run_level_normals(model, seed, run);
  r.true_effect = std::max(-0.9, s.true_effect.mean + s.true_effect.sd * x(0));
  r.benchmark_factor = std::max(0.01, s.update_factor.mean + s.update_factor.sd * x(1));
  r.quality = std::clamp(s.quality.mean + s.quality.sd * x(2), 0.0, 100.0);
  r.met_qps = !s.qps_threshold || r.quality >= *s.qps_threshold;
  r.met_alt_qps = !r.met_qps && alternative_qps_uniform(seed, run) < s.alt_qps_probability;

  // The true effect scales the ACO's PY spending before CMS truncates it (sim/engine/true_effect.hpp).
  const double multiplier = 1.0 + r.true_effect;
  double expenditure = 0, base = 0;
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const long n = s.beneficiaries[static_cast<std::size_t>(e)];
    if (n == 0) continue;
    const PhiloxStream stream(seed, run, Purpose::Beneficiary, static_cast<std::uint32_t>(e));
    const std::size_t k = static_cast<std::size_t>(e);
    if (s.benchmark_mode == BenchmarkMode::Historical) {
      std::array<double, 4> sums{};
      with_cost(model, e, [&](const auto& cost) {
        r.expenditure_by_type[k] = effect_spending(cost, multiplier, [&](const auto& py_cost) {
          sample_history(cost, py_cost, stream, n, s.persistence, sums);
          return sums[3];
        });
      });
      // Weighted base years of the same beneficiaries (spec §4.1 step 4: 10/30/60 or 1/3 each).
      r.benchmark_by_type[k] = s.base_year_weights[0] * sums[0] + s.base_year_weights[1] * sums[1] +
                               s.base_year_weights[2] * sums[2];
    } else {
      with_cost(model, e, [&](const auto& cost) {
        r.expenditure_by_type[k] = effect_spending(
            cost, multiplier, [&](const auto& py_cost) { return sample_py_only(py_cost, stream, n); });
      });
      const double per_capita = s.benchmark_per_capita.value_or(s.expected_spending_per_capita());
      r.benchmark_by_type[k] = per_capita * static_cast<double>(n);
    }
    expenditure += r.expenditure_by_type[k];
    base += r.benchmark_by_type[k];
  }
  r.expenditure = expenditure;
  r.benchmark = base * r.benchmark_factor;
  if (s.cms_benchmark) {  // benchmark mode cms: B = b3 n, B2 = b2 n (sim/engine/benchmark_draw.hpp)
    const BenchmarkDraw d = draw_benchmark(s, seed, run);
    const auto n = static_cast<double>(s.total_beneficiaries());
    const double k = n * r.benchmark_factor;  // benchmark.update_factor: 1 unless set (a sensitivity)
    r.benchmark = d.b3 * k;
    r.two_way_benchmark = d.b2 * k;
    r.proposed_benchmark = d.proposed_b3 * k;
    r.proposed_two_way_benchmark = d.proposed_b2 * k;
    r.expenditure *= d.spending_factor;
    for (double& by_type : r.expenditure_by_type) by_type *= d.spending_factor;
    for (std::size_t t = 0; t < r.benchmark_by_type.size(); ++t) {  // U3_t x n_t
      r.benchmark_by_type[t] = d.three_way_by_type[t] * static_cast<double>(s.beneficiaries[t]);
    }
  }
  return r;
}

SettlementInput settlement_input(const Scenario& s, const TrackChoice& choice, const RunRecord& r) {
  SettlementInput in;
  in.performance_year = s.performance_year;
  in.assigned_beneficiaries = s.total_beneficiaries();
  in.benchmark = r.benchmark;
  in.expenditure = r.expenditure;
  in.msr_election = choice.election;
  in.quality_score = r.quality;
  in.met_qps = r.met_qps;
  in.met_alt_qps = r.met_alt_qps;
  in.low_revenue = s.low_revenue;
  in.participant_revenue = s.participant_revenue;
  in.agreement_start_year = s.agreement_start_year;
  in.euc_relief_fraction = s.euc_relief_fraction;
  if (choice.proposed) in.rules = cy2027_proposed_not_law();  // the overlay (PROPOSED, NOT LAW)
  if (s.cms_benchmark) {
    if (choice.proposed) in.benchmark = r.proposed_benchmark;
    // 42 CFR 425.652(b)(5): CMS tracks of 2024+ starts; settle() applies it from the start year.
    if (choice.acpt_guardrail && !choice.track.custom) {
      in.two_way_benchmark = choice.proposed ? r.proposed_two_way_benchmark : r.two_way_benchmark;
    }
  }
  return in;
}

std::size_t estimated_bytes(const Scenario& s) {
  const auto runs = static_cast<std::size_t>(s.runs);
  const std::size_t tracks = s.tracks.size();
  // The table: payment and outcome per track, 5 sample doubles and 3 flags; the run list of
  // sample_runs; under MPI the exchanged rows (this rank's and everyone's, kRunFields.size()
  // doubles each, + kCmsRunFields.size() in benchmark mode cms).
  std::size_t per_run =
      tracks * (sizeof(double) + sizeof(OutcomeCode)) + 5 * sizeof(double) + 3 + sizeof(long);
  std::size_t row_width = kRunFields.size();
  if (s.cms_benchmark) {
    per_run +=
        kCmsRunFields.size() * sizeof(double) + tracks;  // B2, the overlay's B3 and B2, guardrail flags
    row_width += kCmsRunFields.size();
  }
  const std::size_t exchange = mpi::size() > 1 ? 2 * row_width * sizeof(double) : 0;
  const std::size_t statistics = 4 * sizeof(double) + sizeof(long);  // sorted copies, losses, rows
  // Beneficiaries cost no memory beyond each thread's tile (sim/engine/sampler.hpp: ~20 KB of stack).
  return runs * (per_run + exchange + statistics) + (1u << 20);
}

void require_memory_for(const Scenario& scenario) {
  const std::size_t need = estimated_bytes(scenario);
  const double available = available_memory_bytes();
  if (available <= 0 || static_cast<double>(need) <= 0.8 * available) return;
  const double per_run = static_cast<double>(need) / static_cast<double>(scenario.runs);
  const long fit = static_cast<long>(0.8 * available / per_run);
  throw InputError(
      fmt::format("{} runs x {} tracks need about {:.2f} GB of memory (about {:.0f} bytes per run); acosim "
                  "refuses a run that "
                  "needs more than 80% of the {:.2f} GB this process may still allocate (the tightest of "
                  "free memory, the "
                  "control group's limit and ulimit -v), so about {} runs fit now. Give fewer runs (--runs "
                  "{}: the Monte Carlo "
                  "error grows only as 1/sqrt(runs)) or fewer tracks, or free memory or raise the limit; "
                  "--threads and mpirun "
                  "do not reduce it (every process holds every run)",
                  scenario.runs, scenario.tracks.size(), static_cast<double>(need) / 1e9, per_run,
                  available / 1e9, fit, std::max(1L, fit)));
}

void describe_run(ResultMetadata& m, const Scenario& s, int threads, double seconds, const RunTable& t,
                  long done_before) {
  m.scenario_name = s.name;
  m.scenario_path = s.path;
  m.scenario_text = s.text;
  m.risk = s.risk;
  m.warnings = s.warnings;
  m.seed = s.seed;
  m.runs = s.runs;
  m.threads = threads;
  m.ranks = mpi::size();
  m.rng_layout = kRngLayout;
  m.wall_seconds = seconds;
  m.completed_runs = t.completed();
  m.complete = m.completed_runs == s.runs;
  const double years = s.benchmark_mode == BenchmarkMode::Historical ? 4.0 : 1.0;
  m.beneficiary_years = static_cast<double>(m.completed_runs - done_before) *
                        static_cast<double>(s.total_beneficiaries()) * years;
  m.performance_year = s.performance_year;
  m.beneficiaries = s.total_beneficiaries();
}

RunTable make_table(const Scenario& s) {
  RunTable t;
  t.resize(s.runs, static_cast<long>(s.tracks.size()));
  for (const TrackChoice& c : s.tracks) t.tracks.push_back(c.label);
  if (s.cms_benchmark) {
    for (const RunField& f : kCmsRunFields) t.*f.real = Eigen::VectorXd::Zero(s.runs);
    t.guardrail = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic>::Zero(
        s.runs, static_cast<long>(s.tracks.size()));
  }
  return t;
}

void split_runs(const std::vector<long>& todo, int threads, const RunOptions& options, int width,
                const std::function<void(long)>& body, const std::function<void(long, double*)>& pack,
                const std::function<void(const double*, long)>& unpack) {
  // One contiguous share of `todo` per MPI rank (a single share without MPI). Every rank holds
  // the same list, so every rank computes the same split.
  const int ranks = mpi::size(), rank = mpi::rank();
  std::vector<long> share(static_cast<std::size_t>(ranks)), offset(static_cast<std::size_t>(ranks) + 1, 0);
  const long n_todo = static_cast<long>(todo.size());
  for (int k = 0; k < ranks; ++k) {
    share[static_cast<std::size_t>(k)] = n_todo / ranks + (k < n_todo % ranks ? 1 : 0);
    offset[static_cast<std::size_t>(k) + 1] =
        offset[static_cast<std::size_t>(k)] + share[static_cast<std::size_t>(k)];
  }
  const long my_first = offset[static_cast<std::size_t>(rank)],
             my_count = share[static_cast<std::size_t>(rank)];
  // With several ranks the share is done in rounds; after each, the ranks agree whether to stop
  // (an interrupt or an error on any rank stops all at the same round: no rank waits for another
  // in a collective it will never reach). Rounds are long (1/16 of the largest share, at least 64
  // runs): the all-reduce is microseconds.
  const long largest = share.empty() ? 0 : share[0];
  const long round = ranks > 1 ? std::max(64L, (largest + 15) / 16) : std::max(1L, my_count);
  const long rounds = ranks > 1 ? (largest + round - 1) / round : 1;

  std::atomic<long> completed{0};
  std::mutex error_mutex;
  std::optional<std::string> error;
  std::atomic<bool> failed{false};
  ProgressMeter progress(options.progress && mpi::is_root(), n_todo);
  const auto stopping = [&] {
    return failed.load(std::memory_order_relaxed) ||
           (options.stop && options.stop->load(std::memory_order_relaxed));
  };

  for (long r = 0; r < rounds; ++r) {
    const long lo = my_first + std::min(my_count, r * round),
               hi = my_first + std::min(my_count, (r + 1) * round);
    // The one parallel loop. A run writes only its own rows; its draws depend only on (seed, run),
    // so the schedule, thread and rank counts cannot change any number.
#pragma omp parallel for schedule(dynamic, 4) num_threads(threads)
    for (long i = lo; i < hi; ++i) {
      const long run = todo[static_cast<std::size_t>(i)];
      if (stopping()) continue;
      try {
        body(run);
      } catch (const std::bad_alloc&) {  // a memory limit, not a bad input: say so (exit 2)
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error)
          error = fmt::format(
              "run {}: out of memory (a memory limit such as ulimit -v, or too little free "
              "memory); give fewer runs (--runs) or raise the limit",
              run);
        failed.store(true);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = fmt::format("run {}: {}", run, e.what());
        failed.store(true);
      }
      const long n_done = completed.fetch_add(1, std::memory_order_relaxed) + 1;
      if (progress.enabled() && omp_get_thread_num() == 0) {
        // This rank's progress stands for all ranks' (equal shares).
        progress.update(static_cast<double>(n_done) / static_cast<double>(std::max(my_count, 1L)));
      }
    }
    if (ranks > 1 ? mpi::any(stopping()) : stopping()) break;
  }

  if (ranks > 1) {
    // Every rank gets every rank's rows (rank 0 writes them; all ranks then settle alike).
    std::vector<double> mine(static_cast<std::size_t>(my_count * width));
    for (long i = 0; i < my_count; ++i) {
      pack(todo[static_cast<std::size_t>(my_first + i)], &mine[static_cast<std::size_t>(i * width)]);
    }
    const std::vector<double> all = mpi::all_gather_rows(mine, share, width);
    for (long i = 0; i < n_todo; ++i)
      unpack(&all[static_cast<std::size_t>(i * width)], todo[static_cast<std::size_t>(i)]);
    if (mpi::any(error.has_value()) && !error)
      error = "a run failed on another MPI rank (its message is on that rank)";
  }
  if (error) throw InputError(*error);
}

void sample_runs(const SimulationModel& model, const RunOptions& options, RunTable& t, long first,
                 long last) {
  const Scenario& s = model.scenario();
  const int threads = resolve_threads(options.threads, s.threads);
  std::vector<long> todo;
  for (long run = first; run < last; ++run) {
    if (t.done(run) == 0) todo.push_back(run);
  }
  split_runs(
      todo, threads, options, run_row_width(t),
      [&](long run) { t.store(run, sample_run(model, s.seed, static_cast<std::uint64_t>(run))); },
      [&](long run, double* row) { pack_run(t, run, row); },
      [&](const double* row, long run) { unpack_run(row, run, t); });
}

void settle_runs(const Scenario& s, RunTable& t) {
  const long n_tracks = static_cast<long>(s.tracks.size());
  for (long run = 0; run < t.runs(); ++run) {
    if (!t.done(run)) continue;
    const RunRecord r = t.record(run);
    for (long k = 0; k < n_tracks; ++k) {
      const TrackChoice& choice = s.tracks[static_cast<std::size_t>(k)];
      Settlement st;
      try {
        st = settle(choice.track, settlement_input(s, choice, r));
      } catch (const std::invalid_argument& e) {
        throw InputError(fmt::format("run {}, track {}: {}", run, choice.label, e.what()));
      }
      t.payment(run, k) = st.payment;
      t.outcome(run, k) = static_cast<OutcomeCode>(st.outcome);
      if (t.has_cms_benchmark()) t.guardrail(run, k) = st.guardrail_triggered ? 1 : 0;
    }
  }
}

SimulationResults simulate(const SimulationModel& model, const RunOptions& options, const RunTable* resume) {
  const Scenario& s = model.scenario();
  SimulationResults results;
  RunTable& t = results.table;
  if (resume) {
    if (resume->runs() != s.runs || resume->tracks.size() != s.tracks.size()) {
      throw InputError(fmt::format("cannot resume: the file has {} runs x {} tracks, the scenario {} x {}",
                                   resume->runs(), resume->tracks.size(), s.runs, s.tracks.size()));
    }
    if (s.cms_benchmark && !resume->has_cms_benchmark()) {
      throw InputError(
          "cannot resume: the scenario uses benchmark mode cms but the file has no two-way benchmarks per "
          "run");
    }
    t = *resume;
  } else {
    t = make_table(s);
  }
  const auto start = std::chrono::steady_clock::now();
  const long done_before = t.completed();
  sample_runs(model, options, t, 0, s.runs);
  settle_runs(s, t);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const int threads = resolve_threads(options.threads, s.threads);
  describe_run(results.meta, s, threads, secs, t, done_before);
  summarize(results);
  results.cash_risk = cash_risk(s, t);  // bench §9.1, stored in the results file
  return results;
}

}  // namespace acosim
