// What a simulation produces: the per-run table (runs x tracks), its statistics, and the metadata
// needed to reproduce it. Written by sim/hdf5_io (schema in docs/results-schema.md), read back by
// `acosim report`.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "sim/engine/risk_appetite.hpp"

namespace acosim {

// Percentile levels every summary reports [percent].
inline constexpr std::array<double, 9> kPercentileLevels = {1, 5, 10, 25, 50, 75, 90, 95, 99};

// Distribution of one quantity over runs.
struct Stats {
  double mean = 0;
  double sd = 0;
  double mcse = 0;  // Monte Carlo standard error of the mean = sd / sqrt(R)
  std::array<double, kPercentileLevels.size()> percentiles{};  // linear interpolation (NumPy default)
  double min = 0, max = 0;
  // Losses L = max(0, -x): value at risk (quantile of L) and expected shortfall (mean of the worst
  // (1 - level) share of runs' L) at 95% and 99%; both >= 0.
  double var95 = 0, var99 = 0, es95 = 0, es99 = 0;
};

// Per track: the net payment [USD] (+ paid to the ACO, - owed) and the same as % of the run's benchmark.
struct TrackSummary {
  std::string label;                         // e.g. "BASIC_E (MSR/MLR 1%)"
  Stats dollars;                             // [USD]
  Stats percent;                             // [% of updated benchmark]
  double p_savings = 0;                      // P(earn shared savings)
  double p_losses = 0;                       // P(owe shared losses)
  double p_corridor = 0;                     // P(savings rate inside the MSR/MLR corridor: neither)
  double p_quality_failed = 0;               // P(met the MSR but failed quality)
  double p_savings_se = 0, p_losses_se = 0;  // binomial MC standard errors
};

// Per pair of tracks: difference a - b, run by run (common random numbers).
struct PairSummary {
  std::string a, b;  // labels
  int index_a = 0, index_b = 0;
  Stats dollars;          // [USD]
  Stats percent;          // [% of updated benchmark]
  double p_a_better = 0;  // P(payment_a > payment_b)
  double p_equal = 0;     // P(payment_a == payment_b)
};

// Outcome codes stored per run and track (models/settle.hpp Outcome, as an integer).
using OutcomeCode = std::int8_t;
using FlagColumn = Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1>;  // 0/1 per run

// What one run sampled that settlement needs: one row of the RunTable's per-run columns.
struct RunRecord {
  double benchmark = 0;         // B [USD]
  double expenditure = 0;       // E [USD]
  double true_effect = 0;       // [fraction]
  double benchmark_factor = 1;  // [ratio]
  double quality = 0;           // [0-100]
  bool met_qps = true, met_alt_qps = false;
  // Benchmark mode cms only (0 otherwise; kCmsRunFields): B = b3 n above, and
  double two_way_benchmark = 0;           // B2 = b2 n [USD]
  double proposed_benchmark = 0;          // B3 under cy2027_proposed (PROPOSED, NOT LAW) [USD]
  double proposed_two_way_benchmark = 0;  // B2 under cy2027_proposed [USD]
};

// Row r is written only by run r (the one parallel loop); nothing else mutates it.
struct RunTable {
  std::vector<std::string> tracks;                                     // labels, column order
  Eigen::MatrixXd payment;                                             // runs x tracks [USD]
  Eigen::Matrix<OutcomeCode, Eigen::Dynamic, Eigen::Dynamic> outcome;  // runs x tracks
  // The per-run columns; kRunFields below lists them (names, units, the RunRecord field).
  Eigen::VectorXd benchmark;         // B per run [USD]
  Eigen::VectorXd expenditure;       // E per run [USD]
  Eigen::VectorXd true_effect;       // sampled true effect on spending [fraction]
  Eigen::VectorXd benchmark_factor;  // sampled benchmark update factor [ratio]
  Eigen::VectorXd quality;           // sampled quality score [0-100]
  FlagColumn met_qps, met_alt_qps;
  FlagColumn done;  // 1 when run r completed (an interrupted run leaves 0s;
                    // statistics skip them)
  // Benchmark mode cms only (empty otherwise; sim/engine/benchmark_draw.hpp), outside kRunFields
  // (kCmsRunFields below): the two-way benchmark B2 = b2 n [USD], the benchmarks under the
  // cy2027_proposed overlay (0 without it) [USD], and per run and track 1 when the ACPT loss
  // guardrail triggered (42 CFR 425.652(b)(5)).
  Eigen::VectorXd two_way_benchmark, proposed_benchmark, proposed_two_way_benchmark;
  Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic> guardrail;
  bool has_cms_benchmark() const { return two_way_benchmark.size() > 0; }

  long runs() const { return static_cast<long>(payment.rows()); }
  long completed() const { return static_cast<long>(done.cast<long>().sum()); }
  void resize(long runs, long n_tracks);

  // Run r's sampled values, and storing them (marks the run done).
  RunRecord record(long run) const;
  void store(long run, const RunRecord& r);
};

// One per-run column of the RunTable: exactly one of `real` / `flag` is set; `field` is the
// RunRecord member it holds (none for `done`). Results files store each as /runs/<name>.
struct RunField {
  const char* name;
  const char* units;
  const char* description;
  Eigen::VectorXd RunTable::*real = nullptr;
  FlagColumn RunTable::*flag = nullptr;
  double RunRecord::*real_field = nullptr;
  bool RunRecord::*flag_field = nullptr;
};

// THE table of a run's sampled fields, in the order of the MPI row (row_width doubles) and of the
// results file's /runs datasets. A new per-run field is added here (and to RunRecord/RunTable).
inline constexpr std::array<RunField, 8> kRunFields = {{
    {"benchmark", "USD", "updated benchmark B", &RunTable::benchmark, nullptr, &RunRecord::benchmark,
     nullptr},
    {"expenditure", "USD", "performance-year expenditure E", &RunTable::expenditure, nullptr,
     &RunRecord::expenditure, nullptr},
    {"true_effect", "fraction", "sampled true effect on spending", &RunTable::true_effect, nullptr,
     &RunRecord::true_effect, nullptr},
    {"benchmark_factor", "ratio", "sampled benchmark update factor", &RunTable::benchmark_factor, nullptr,
     &RunRecord::benchmark_factor, nullptr},
    {"quality", "score [0-100]", "sampled quality score", &RunTable::quality, nullptr, &RunRecord::quality,
     nullptr},
    {"met_qps", "0/1", "1 when the quality performance standard was met", nullptr, &RunTable::met_qps,
     nullptr, &RunRecord::met_qps},
    {"met_alt_qps", "0/1", "1 when the alternative quality performance standard was met", nullptr,
     &RunTable::met_alt_qps, nullptr, &RunRecord::met_alt_qps},
    {"done", "0/1", "1 when the run completed (0: not yet run, the file is incomplete; acosim run --resume)",
     nullptr, &RunTable::done, nullptr, nullptr},
}};

// Benchmark mode cms's per-run columns, kept out of kRunFields so other scenarios' files and MPI
// rows are unchanged: present only when RunTable::has_cms_benchmark() (then after kRunFields in
// the MPI row). The guardrail matrix (runs x tracks) is settlement's output, not a run's sample.
inline constexpr std::array<RunField, 3> kCmsRunFields = {{
    {"two_way_benchmark", "USD", "two-way benchmark B2 = b2 x n (42 CFR 425.652(b)(5))",
     &RunTable::two_way_benchmark, nullptr, &RunRecord::two_way_benchmark, nullptr},
    {"proposed_benchmark", "USD", "B3 under cy2027_proposed, PROPOSED, NOT LAW (0: no overlay)",
     &RunTable::proposed_benchmark, nullptr, &RunRecord::proposed_benchmark, nullptr},
    {"proposed_two_way_benchmark", "USD", "B2 under cy2027_proposed, PROPOSED, NOT LAW (0: no overlay)",
     &RunTable::proposed_two_way_benchmark, nullptr, &RunRecord::proposed_two_way_benchmark, nullptr},
}};

// Doubles in a run's MPI row: kRunFields, plus kCmsRunFields in benchmark mode cms.
inline int run_row_width(const RunTable& t) {
  return static_cast<int>(kRunFields.size() + (t.has_cms_benchmark() ? kCmsRunFields.size() : 0));
}

// Run r's per-run columns as doubles (flags 0/1), kRunFields order then (mode cms) kCmsRunFields:
// a row of the MPI exchange, run_row_width(t) doubles.
inline void pack_run(const RunTable& t, long run, double* row) {
  for (const RunField& f : kRunFields)
    *row++ = f.real ? (t.*f.real)(run) : static_cast<double>((t.*f.flag)(run));
  if (t.has_cms_benchmark()) {
    for (const RunField& f : kCmsRunFields) *row++ = (t.*f.real)(run);
  }
}
inline void unpack_run(const double* row, long run, RunTable& t) {
  for (const RunField& f : kRunFields) {
    if (f.real)
      (t.*f.real)(run) = *row++;
    else
      (t.*f.flag)(run) = static_cast<std::int8_t>(*row++);
  }
  if (t.has_cms_benchmark()) {
    for (const RunField& f : kCmsRunFields) (t.*f.real)(run) = *row++;
  }
}

// Two records hold the same bits in every field (a NaN equals itself, -0 differs from +0); the
// cms fields are 0 in both outside benchmark mode cms.
inline bool same_bits(const RunRecord& a, const RunRecord& b) {
  const auto same = [&](const RunField& f) {
    if (f.real_field &&
        std::bit_cast<std::uint64_t>(a.*f.real_field) != std::bit_cast<std::uint64_t>(b.*f.real_field)) {
      return false;
    }
    return !(f.flag_field && a.*f.flag_field != b.*f.flag_field);
  };
  for (const RunField& f : kRunFields) {
    if (!same(f)) return false;
  }
  for (const RunField& f : kCmsRunFields) {
    if (!same(f)) return false;
  }
  return true;
}

inline RunRecord RunTable::record(long run) const {
  RunRecord r;
  for (const RunField& f : kRunFields) {
    if (f.real_field) r.*f.real_field = (this->*f.real)(run);
    if (f.flag_field) r.*f.flag_field = (this->*f.flag)(run) != 0;
  }
  if (has_cms_benchmark()) {
    for (const RunField& f : kCmsRunFields) r.*f.real_field = (this->*f.real)(run);
  }
  return r;
}

inline void RunTable::store(long run, const RunRecord& r) {
  for (const RunField& f : kRunFields) {
    if (f.real_field) (this->*f.real)(run) = r.*f.real_field;
    if (f.flag_field) (this->*f.flag)(run) = r.*f.flag_field ? 1 : 0;
  }
  if (has_cms_benchmark()) {
    for (const RunField& f : kCmsRunFields) (this->*f.real)(run) = r.*f.real_field;
  }
  done(run) = 1;
}

struct ResultMetadata {
  std::string program_version, git_commit;
  std::string scenario_name, scenario_path, scenario_text;  // the full YAML as loaded
  std::vector<std::string> warnings;  // raised when the scenario was loaded: unit slips (/metadata/warnings;
                                      // every report shows them)
  std::uint64_t seed = 0;
  long runs = 0;
  int threads = 0;         // recorded only; results do not depend on it
  int ranks = 1;           // MPI processes (threads is per process); recorded only
  std::string rng_layout;  // how (seed, run, purpose, block) map to Philox counters/keys
  std::map<std::string, std::string> library_versions;
  std::string created_utc;  // ISO 8601
  double wall_seconds = 0;
  double beneficiary_years = 0;  // draws made (for throughput)
  long performance_year = 0;
  long beneficiaries = 0;  // assigned beneficiaries per run
  bool complete = true;    // false when interrupted (completed runs only)
  long completed_runs = 0;
  // The scenario's risk: section as numbers (/metadata/risk), so reports need not re-read the YAML.
  std::optional<RiskAppetite> risk;
  bool risk_recorded = true;  // false: a file from before /metadata/risk (read the YAML text)
};

// Per two-sided CMS track: the repayment mechanism and P(shared losses exceed it) (benchmark-rules.md
// §9.1, 42 CFR 425.204(f)(4); sim/engine/cash_risk.hpp computes it, the results file stores it).
struct TrackCashRisk {
  std::string label;
  double repayment_mechanism = 0;     // RM [USD]
  bool revenue_given = false;         // RM = min(0.5% of expenditure, 1% of participant revenue)
  double p_losses_exceed = 0;         // P(shared losses > RM) over completed runs
  double p_losses_exceed_se = 0;      // binomial MC standard error
  std::optional<double> p_guardrail;  // P(guardrail triggered), benchmark mode cms only
};

struct SimulationResults {
  ResultMetadata meta;
  RunTable table;
  std::vector<TrackSummary> tracks;
  std::vector<PairSummary> pairs;
  std::vector<TrackCashRisk> cash_risk;  // two-sided CMS tracks only; /cash_risk in the results file
};

}  // namespace acosim
