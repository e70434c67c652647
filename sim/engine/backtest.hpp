// The backtest (docs/backtest.md): for every ACO in two consecutive CMS results files in the same
// agreement period, the scenario `acosim init` would write from year A (plus what is known before
// year B starts: year B's track and MSR/MLR election), simulated, and scored against what CMS
// reported for year B. The cases arrive as plain values (built from the files by
// sim/input/backtest_cases.hpp); here are the numbers: the runs, the persistence baseline and the
// scores. ACOs are split across MPI ranks and threads by the one run loop (split_runs,
// sim/engine/runner.hpp); each ACO's runs are sampled in order inside it.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/engine/calibration.hpp"
#include "sim/engine/forecast_scores.hpp"
#include "sim/engine/scenario.hpp"

namespace acosim {

struct BacktestOptions {
  int threads = 0;  // 0: all available
  bool progress = false;
  const std::atomic<bool>* stop = nullptr;
};

// One ACO's forecast and outcome (the --csv columns, then diagnostics).
struct BacktestRow {
  std::string aco_id;
  long n_ab = 0;                     // N_AB in year A [beneficiaries]
  std::string track_b;               // year B's track id
  double realized_savings_rate = 0;  // (B - E) / B in file B [fraction]
  double pit = 0;                    // forecast CDF at the realized rate (ties count half) [0-1]
  double q05 = 0, q25 = 0, q50 = 0, q75 = 0, q95 = 0;  // forecast quantiles of the savings rate
  double crps = 0, crps_baseline = 0;                  // [fraction of benchmark]
  double p_savings = 0;                                // forecast P(earns shared savings)
  int earned_savings = 0;                              // EarnSaveLoss > 0 in file B
  double p_losses = 0;                                 // forecast P(owes shared losses)
  int owed_losses = 0;                                 // EarnSaveLoss < 0 in file B
  // Diagnostics.
  double savings_rate_a = 0, person_years_a = 0;
  double forecast_mean = 0, forecast_sd = 0, baseline_sd = 0;
  int size_quartile = 0;  // 1-4 by N_AB in year A
};

struct BacktestSummary {
  static constexpr std::array<double, 3> kLevels{0.5, 0.8, 0.9};
  std::array<MeanSe, 3> coverage;  // overall, by level
  std::array<std::array<MeanSe, 3>, 4> coverage_by_quartile;
  std::array<long, 5> quartile_bounds{};  // N_AB at the quartile edges (min, q1, q2, q3, max)
  PitHistogram pit;
  MeanSe crps, crps_baseline, crps_difference;                       // model - baseline
  MeanSe brier_savings, brier_savings_base_a, brier_savings_base_b;  // model; year-A base rate; year-B rate
  MeanSe brier_savings_gain_a, brier_savings_gain_b;                 // model - reference (negative: better)
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

// What a backtest compares and how: the two files, their years, the runs per ACO, the seed and the
// calibrated defaults (shared by the plan and its result).
struct BacktestSetup {
  std::string file_a, file_b;
  int py_a = 0, py_b = 0;
  long runs = 0;  // per ACO
  std::uint64_t seed = 0;
  CalibrationDefaults calibration;  // the scenarios' defaults; k_baseline for the baseline
};

struct BacktestResult : BacktestSetup {
  int threads = 0, ranks = 1;
  double wall_seconds = 0;
  double baseline_s = 0;          // s of the persistence baseline, fitted on the pair [fraction]
  std::vector<BacktestRow> rows;  // ACO_ID order
  std::vector<BacktestExclusion> excluded;
  BacktestSummary summary;
};

// One ACO to forecast: its year-B scenario and what the files say about it [from file A, file B].
struct BacktestCase {
  std::string aco_id;
  long n_ab = 0;                     // N_AB in year A [beneficiaries]
  std::string track_b;               // year B's track id
  Scenario scenario;                 // year A's scenario as `acosim init` writes it, year B's track
  double realized_savings_rate = 0;  // (B - E) / B in file B [fraction]
  int earned_savings = 0;            // EarnSaveLoss > 0 in file B
  int owed_losses = 0;               // EarnSaveLoss < 0 in file B
  double savings_rate_a = 0;         // (B - E) / B in file A [fraction]
  double person_years_a = 0;         // N_AB_Year_PY in file A [person-years]
};

// Everything the backtest runs on: the cases (ACO_ID order; case k's scenario has `runs` runs and
// seed `seed + k`), the ACOs left out and why, and year A's base rates (the Brier references).
struct BacktestPlan : BacktestSetup {
  std::vector<BacktestCase> cases;
  std::vector<BacktestExclusion> excluded;
  double base_rate_savings_a = 0;  // share of year A's usable rows with EarnSaveLoss > 0 [fraction]
  double base_rate_losses_a = 0;   // share with EarnSaveLoss < 0 [fraction]
};

// The persistence baseline's s^2 = max(0, mean((s_B - s_A)^2 - 2 k_b^2 / n_A)) on the cases.
double baseline_variance(const std::vector<BacktestCase>& cases, const CalibrationDefaults& c = kCalibration);

// Runs every case and scores it (the baseline fitted on the cases, k_b from plan.calibration).
// Throws InputError when interrupted (options.stop) or when a run fails.
BacktestResult run_backtest(const BacktestPlan& plan, const BacktestOptions& options);

// The summary of scored rows (rows' size_quartile is set here).
BacktestSummary summarize_backtest(std::vector<BacktestRow>& rows, double base_rate_savings_a,
                                   double base_rate_losses_a);

}  // namespace acosim
