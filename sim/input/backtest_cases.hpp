// From two CMS results files to the backtest's cases (docs/backtest.md): the ACOs of both files in
// the same agreement period, each with the scenario `acosim init` writes from its year-A row and
// year B's track and MSR/MLR election (sim/input/puf_scenario.hpp), and what file B reports. The
// numbers are done in sim/engine/backtest.hpp.
#pragma once

#include <vector>

#include "sim/engine/backtest.hpp"
#include "sim/engine/calibration.hpp"
#include "sim/input/puf_scenario.hpp"

namespace acosim {

// The ACOs of both files in the same agreement period (same Current_Start_Date), ACO_ID order,
// and why the others are left out (appended to `excluded`, which is then sorted by ACO_ID).
struct BacktestPair {
  const PufAcoYear* a = nullptr;
  const PufAcoYear* b = nullptr;
};
std::vector<BacktestPair> match_years(const PufYear& a, const PufYear& b,
                                      std::vector<BacktestExclusion>& excluded);

// The backtest of year a -> b: one case per matched ACO (ACO k in ACO_ID order gets
// settings.runs runs and seed settings.seed + k), every scenario built and validated here. Throws
// InputError when no ACO is in both files in the same agreement period, or when a scenario is
// rejected.
BacktestPlan backtest_plan(const PufYear& a, const PufYear& b, const InitSettings& settings,
                           const CalibrationDefaults& c = kCalibration);

}  // namespace acosim
