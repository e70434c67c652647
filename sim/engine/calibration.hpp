// Defaults for what one ACO's results row cannot tell: persistence of its own effect, the common
// trend shock of a year, idiosyncratic drift, quality persistence (docs/calibration.md). Fitted by
// scripts/calibrate.py on PY2022 -> PY2023 (the common shock on the PY2014-2024 history of spec
// §6.5) and written to sim/engine/calibration_defaults.json; tests/test_calibration.cpp requires
// these constants to equal that file, so the C++ cannot drift from the documented fit. The
// standard errors are in docs/calibration.md.
#pragma once

namespace acosim {

struct CalibrationDefaults {
  // Claims noise constant of one PY's spending with the benchmark fixed: SD(savings rate) =
  // k / sqrt(person-years) (cost-model.md §4: k ~ c ~ 1.9 after truncation) [1].
  double k_claims = 1.9;
  // The persistence baseline's noise constant (the MSR table's 2.15, cost-model.md §4) [1].
  double k_baseline = 2.15;
  // phi: share of the ACO's own effect (its true savings rate above the year's mean) that persists
  // to the next year [1].
  double persistence = 1.0415;
  // sigma_d: SD of the idiosyncratic drift of the own effect [fraction of benchmark].
  double drift_sd = 0.00855;
  // gamma, sigma_c: mean and SD of the common shift of every ACO's savings rate in a year
  // [fraction of benchmark]: the yearly changes of the mean savings rate, PY2014-2024 (spec §6.5).
  double common_shift_mean = 0.00416;
  double common_shift_sd = 0.00492;
  // Quality score: Q_B = mean_A + b (Q_A - mean_A) + N(0, sd^2) [points of 0-100].
  double quality_persistence = 0.7231;
  double quality_sd = 4.993;
  // Growth of the benchmark per capita a year: median UpdatedBnchmk PY2014 -> PY2024 (spec §6.5)
  // [fraction]; scales dollars, not rates.
  double benchmark_growth = 0.0296;
};

inline constexpr CalibrationDefaults kCalibration{};

}  // namespace acosim
