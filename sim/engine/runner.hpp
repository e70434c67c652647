// The simulation: one parallel loop over runs. Each run samples the ACO's beneficiaries once and
// settles every requested track on that same outcome (common random numbers). A run's outcome is a
// pure function of (seed, scenario, run index).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include <Eigen/Dense>

#include "models/cost_model.hpp"
#include "models/settle.hpp"
#include "sim/engine/results.hpp"
#include "sim/engine/scenario.hpp"

namespace acosim {

// Immutable models built once from a scenario; shared read-only by every thread.
class SimulationModel {
 public:
  explicit SimulationModel(const Scenario& scenario);
  const Scenario& scenario() const { return scenario_; }
  const CostDistribution& cost(int type) const { return costs_[static_cast<std::size_t>(type)]; }
  // The type's observed costs when the scenario resamples them (empirical mode), else nullptr.
  const EmpiricalCost* empirical(int type) const {
    const auto& e = scenario_.empirical[static_cast<std::size_t>(type)];
    return e ? &*e : nullptr;
  }
  const Eigen::Matrix3d& cholesky() const { return cholesky_; }

 private:
  Scenario scenario_;
  std::vector<CostDistribution> costs_;  // by enrollment type
  Eigen::Matrix3d cholesky_;             // lower factor of the run-level correlation matrix
};

// What one run sampled, before settlement: the run record (sim/engine/results.hpp) and its parts.
struct RunSample : RunRecord {
  std::array<double, kEnrollmentTypes> expenditure_by_type{};  // [USD]
  std::array<double, kEnrollmentTypes> benchmark_by_type{};    // before the update factor [USD]
};

// The run's correlated run-level normals (true effect, update factor, quality), purpose RunLevel,
// and its alternative-QPS uniform, purpose QualityAlt: the draws every engine shares.
Eigen::Vector3d run_level_normals(const SimulationModel& model, std::uint64_t seed, std::uint64_t run);
double alternative_qps_uniform(std::uint64_t seed, std::uint64_t run);

// Samples run `run` (pure: depends only on the model, seed and run index).
RunSample sample_run(const SimulationModel& model, std::uint64_t seed, std::uint64_t run);

// The settlement input of a sampled run for one track.
SettlementInput settlement_input(const Scenario& s, const TrackChoice& choice, const RunRecord& r);

// The thread count a run uses: the option's, else the scenario's, else (0) all available.
int resolve_threads(int option_threads, int scenario_threads);

struct RunOptions {
  int threads = 0;                          // 0: the scenario's (0 there: all available)
  bool progress = false;                    // print progress to stderr
  const std::atomic<bool>* stop = nullptr;  // when set and true, stop after the current runs
};

// The sampling pass: the one parallel loop. Samples every run r in [first, last) whose
// table.done(r) is 0 into the table's sample columns (benchmark, expenditure, ...) and sets done.
// Stops early (leaving done = 0) when options.stop becomes true.
//
// Under MPI (sim/engine/mpi.hpp; every rank must call it with the same table) the runs to do are split
// into one contiguous share per rank, each rank samples its share with its OpenMP threads, and
// at the end every rank holds every row: the numbers are those of a single process. A stop or an
// error on any rank stops every rank at the next round boundary (1/16 of a share); a run's error
// is thrown on every rank.
void sample_runs(const SimulationModel& model, const RunOptions& options, RunTable& table, long first,
                 long last);

// The run loop under sample_runs and acosim agreement: the runs `todo` split into one contiguous
// share per MPI rank, each share done by the rank's `threads` OpenMP threads (in rounds after which
// the ranks agree whether an interrupt or error stops them all). `body(run)` computes and stores
// one run (it may throw: the first error stops every run, on every rank, and is rethrown as an
// InputError). Afterwards every rank holds every run: `pack(run, row)` writes a run's `width`
// doubles and `unpack(row, run)` stores another rank's. One rank: just the parallel loop.
void split_runs(const std::vector<long>& todo, int threads, const RunOptions& options, int width,
                const std::function<void(long)>& body, const std::function<void(long, double*)>& pack,
                const std::function<void(const double*, long)>& unpack);

// The settlement pass: settles every completed run under each of the scenario's tracks (common
// random numbers), filling table.payment and table.outcome. Cheap next to sampling, so a sweep over
// settle-only parameters reuses one sampling pass.
void settle_runs(const Scenario& scenario, RunTable& table);

// Sampling + settlement + statistics + metadata. With `resume`, runs already done there are kept
// (their rows must come from the same scenario and seed) and only the rest are sampled.
SimulationResults simulate(const SimulationModel& model, const RunOptions& options,
                           const RunTable* resume = nullptr);

// Memory a simulation of the scenario needs [bytes]: the run table (runs x tracks payments and
// outcomes, 5 doubles and 3 flags per run, the run list; under MPI the exchanged rows) plus the
// statistics' sorted copies: 145 bytes per run with 6 tracks (+128 under MPI; benchmark mode cms
// adds 3 doubles and a flag per track, +48 under MPI), plus 1 MB.
// Independent of the number of beneficiaries, whose draws are summed tile by tile on the fly.
std::size_t estimated_bytes(const Scenario& scenario);
// Refuses (InputError) a run whose estimated_bytes exceed 80% of what this process may still
// allocate (available_memory_bytes), stating the rule, the figures and how many runs fit: `acosim
// run` and the Python module check it before sampling instead of being killed halfway.
void require_memory_for(const Scenario& scenario);

// Fills the run description of `meta` (scenario, seed, runs, threads, RNG layout, wall time,
// completion, beneficiary-years drawn by the runs sampled after `done_before` were done).
void describe_run(ResultMetadata& meta, const Scenario& scenario, int threads, double seconds,
                  const RunTable& table, long done_before = 0);

// A table shaped for the scenario (runs x tracks, labels set, nothing done).
RunTable make_table(const Scenario& scenario);

}  // namespace acosim
