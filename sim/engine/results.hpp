// What a simulation produces: the per-run table (runs x tracks), its statistics, and the metadata
// needed to reproduce it. Written by sim/hdf5_io (schema in docs/results-schema.md), read back by
// `acosim report`.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace acosim {

// Percentile levels every summary reports [percent].
inline constexpr std::array<double, 9> kPercentileLevels = {1, 5, 10, 25, 50, 75, 90, 95, 99};

// Distribution of one quantity over runs.
struct Stats {
  double mean = 0;
  double sd = 0;
  double mcse = 0;                                   // Monte Carlo standard error of the mean = sd / sqrt(R)
  std::array<double, kPercentileLevels.size()> percentiles{};  // linear interpolation (NumPy default)
  double min = 0, max = 0;
  // Losses L = max(0, -x): value at risk (quantile of L) and expected shortfall (mean of the worst
  // (1 - level) share of runs' L) at 95% and 99%; both >= 0.
  double var95 = 0, var99 = 0, es95 = 0, es99 = 0;
};

// Per track: the net payment [USD] (+ paid to the ACO, - owed) and the same as % of the run's benchmark.
struct TrackSummary {
  std::string label;       // e.g. "BASIC_E (MSR/MLR 1%)"
  Stats dollars;           // [USD]
  Stats percent;           // [% of updated benchmark]
  double p_savings = 0;    // P(earn shared savings)
  double p_losses = 0;     // P(owe shared losses)
  double p_corridor = 0;   // P(savings rate inside the MSR/MLR corridor: neither)
  double p_quality_failed = 0;  // P(met the MSR but failed quality)
  double p_savings_se = 0, p_losses_se = 0;  // binomial MC standard errors
};

// Per pair of tracks: difference a - b, run by run (common random numbers).
struct PairSummary {
  std::string a, b;        // labels
  int index_a = 0, index_b = 0;
  Stats dollars;           // [USD]
  Stats percent;           // [% of updated benchmark]
  double p_a_better = 0;   // P(payment_a > payment_b)
  double p_equal = 0;      // P(payment_a == payment_b)
};

// Outcome codes stored per run and track (models/settle.hpp Outcome, as an integer).
using OutcomeCode = std::int8_t;

// Row r is written only by run r (the one parallel loop); nothing else mutates it.
struct RunTable {
  std::vector<std::string> tracks;                                   // labels, column order
  Eigen::MatrixXd payment;                                           // runs x tracks [USD]
  Eigen::Matrix<OutcomeCode, Eigen::Dynamic, Eigen::Dynamic> outcome;  // runs x tracks
  Eigen::VectorXd benchmark;         // B per run [USD]
  Eigen::VectorXd expenditure;       // E per run [USD]
  Eigen::VectorXd true_effect;       // sampled true effect on spending [fraction]
  Eigen::VectorXd benchmark_factor;  // sampled benchmark update factor [ratio]
  Eigen::VectorXd quality;           // sampled quality score [0-100]
  Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1> met_qps, met_alt_qps;
  // Benchmark mode cms only (empty otherwise; sim/engine/benchmark_draw.hpp): the two-way
  // benchmark B2 = b2 n [USD], the benchmarks under the cy2027_proposed overlay (0 without it)
  // [USD], and per run and track 1 when the ACPT loss guardrail triggered (42 CFR 425.652(b)(5)).
  Eigen::VectorXd two_way_benchmark, proposed_benchmark, proposed_two_way_benchmark;
  Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic> guardrail;
  bool has_cms_benchmark() const { return two_way_benchmark.size() > 0; }
  Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1> done;  // 1 when run r completed (an interrupted
                                                       // run leaves 0s; statistics skip them)

  long runs() const { return static_cast<long>(payment.rows()); }
  long completed() const { return static_cast<long>(done.cast<long>().sum()); }
  void resize(long runs, long n_tracks);
};

struct ResultMetadata {
  std::string program_version, git_commit;
  std::string scenario_name, scenario_path, scenario_text;  // the full YAML as loaded
  std::uint64_t seed = 0;
  long runs = 0;
  int threads = 0;                  // recorded only; results do not depend on it
  int ranks = 1;                    // MPI processes (threads is per process); recorded only
  std::string rng_layout;           // how (seed, run, purpose, block) map to Philox counters/keys
  std::map<std::string, std::string> library_versions;
  std::string created_utc;          // ISO 8601
  double wall_seconds = 0;
  double beneficiary_years = 0;     // draws made (for throughput)
  long performance_year = 0;
  long beneficiaries = 0;           // assigned beneficiaries per run
  bool complete = true;             // false when interrupted (completed runs only)
  long completed_runs = 0;
};

struct SimulationResults {
  ResultMetadata meta;
  RunTable table;
  std::vector<TrackSummary> tracks;
  std::vector<PairSummary> pairs;
};

}  // namespace acosim
