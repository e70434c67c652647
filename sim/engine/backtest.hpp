// The backtest (docs/backtest.md): for every ACO in two consecutive CMS results files in the same
// agreement period, the scenario `acosim init` would write from year A (plus what is known before
// year B starts: year B's track and MSR/MLR election), simulated, and scored against what CMS
// reported for year B. ACOs are split across MPI ranks and threads by the one run loop
// (split_runs, sim/engine/runner.hpp); each ACO's runs are sampled in order inside it.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/engine/calibration.hpp"
#include "sim/engine/forecast_scores.hpp"
#include "sim/input/puf_scenario.hpp"

namespace acosim {

struct BacktestOptions {
  long runs = 10000;         // per ACO
  std::uint64_t seed = 1;    // ACO k (in ACO_ID order) uses seed + k
  int threads = 0;           // 0: all available
  bool progress = false;
  const std::atomic<bool>* stop = nullptr;
};

// One ACO's forecast and outcome (the --csv columns, then diagnostics).
struct BacktestRow {
  std::string aco_id;
  long n_ab = 0;                  // N_AB in year A [beneficiaries]
  std::string track_b;            // year B's track id
  double realized_savings_rate = 0;  // (B - E) / B in file B [fraction]
  double pit = 0;                 // forecast CDF at the realized rate (ties count half) [0-1]
  double q05 = 0, q25 = 0, q50 = 0, q75 = 0, q95 = 0;  // forecast quantiles of the savings rate
  double crps = 0, crps_baseline = 0;                    // [fraction of benchmark]
  double p_savings = 0;           // forecast P(earns shared savings)
  int earned_savings = 0;         // EarnSaveLoss > 0 in file B
  double p_losses = 0;            // forecast P(owes shared losses)
  int owed_losses = 0;            // EarnSaveLoss < 0 in file B
  // Diagnostics.
  double savings_rate_a = 0, person_years_a = 0;
  double forecast_mean = 0, forecast_sd = 0, baseline_sd = 0;
  int size_quartile = 0;          // 1-4 by N_AB in year A
};

struct BacktestSummary {
  static constexpr std::array<double, 3> kLevels{0.5, 0.8, 0.9};
  std::array<MeanSe, 3> coverage;                     // overall, by level
  std::array<std::array<MeanSe, 3>, 4> coverage_by_quartile;
  std::array<long, 5> quartile_bounds{};              // N_AB at the quartile edges (min, q1, q2, q3, max)
  PitHistogram pit;
  MeanSe crps, crps_baseline, crps_difference;        // model - baseline
  MeanSe brier_savings, brier_savings_base_a, brier_savings_base_b;  // model; year-A base rate; year-B rate
  MeanSe brier_savings_gain_a, brier_savings_gain_b;  // model - reference (negative: better)
  double base_rate_savings_a = 0, base_rate_savings_b = 0;
  MeanSe brier_losses, brier_losses_base_a, brier_losses_base_b;
  MeanSe brier_losses_gain_a, brier_losses_gain_b;
  double base_rate_losses_a = 0, base_rate_losses_b = 0;
  std::vector<ReliabilityBin> reliability_savings, reliability_losses;
};

struct BacktestExclusion {
  std::string aco_id;
  std::string reason;
};

struct BacktestResult {
  std::string file_a, file_b;
  int py_a = 0, py_b = 0;
  long runs = 0;
  std::uint64_t seed = 0;
  int threads = 0, ranks = 1;
  double wall_seconds = 0;
  double baseline_s = 0;  // s of the persistence baseline, fitted on the pair [fraction]
  CalibrationDefaults calibration;
  std::vector<BacktestRow> rows;  // ACO_ID order
  std::vector<BacktestExclusion> excluded;
  BacktestSummary summary;
};

// The ACOs of both files in the same agreement period (same Current_Start_Date), ACO_ID order,
// and why the others are left out.
struct BacktestPair {
  const PufAcoYear* a = nullptr;
  const PufAcoYear* b = nullptr;
};
std::vector<BacktestPair> match_years(const PufYear& a, const PufYear& b, std::vector<BacktestExclusion>& excluded);

// The persistence baseline's s^2 = max(0, mean((s_B - s_A)^2 - 2 k_b^2 / n_A)) on the pairs.
double baseline_variance(const std::vector<BacktestPair>& pairs, const CalibrationDefaults& c = kCalibration);

// Runs the backtest. Throws InputError when no ACO is in both files in the same agreement period.
BacktestResult run_backtest(const PufYear& a, const PufYear& b, const BacktestOptions& options,
                            const CalibrationDefaults& c = kCalibration);

// The summary of scored rows (rows' size_quartile is set here).
BacktestSummary summarize_backtest(std::vector<BacktestRow>& rows, double base_rate_savings_a,
                                   double base_rate_losses_a);

}  // namespace acosim
