// From an ACO's row in a CMS results file (PUF) to a scenario for its next performance year:
// `acosim init --puf` writes it, `acosim backtest` builds one per ACO the same way. What the row
// gives is taken with its column named; what it cannot give (how much of this year's savings
// persists, the next year's trend shock, the drift of the ACO's own effect, quality persistence)
// comes from the calibrated defaults (sim/engine/calibration.hpp, docs/calibration.md).
//
// The forecast (docs/calibration.md, "Model"): the savings rate s = (B - E)/B of year B given year
// A's s_A is Normal(mu_A + gamma + phi lam (s_A - mu_A), phi^2 tau^2 (1 - lam) + sigma_d^2 +
// sigma_c^2 + k^2/n), lam = tau^2 / (tau^2 + k^2/n): mu_A and tau^2 from year A's cross-section of
// the same file. In the scenario the ACO's own part is `true_effect`, the common shock
// `benchmark.update_factor`, and the claims noise k^2/n comes from sampling every beneficiary.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/cost_model.hpp"
#include "models/msr.hpp"
#include "sim/engine/calibration.hpp"
#include "sim/input/puf.hpp"

namespace acosim {

// One value of a per-type input and where it came from.
struct TypedValue {
  double value = 0;
  std::string assumption;  // empty: from the file's column; else why and how it was filled in
};

// A usable PUF row, with what a scenario needs beyond the settlement inputs.
struct PufAcoYear {
  PufRecord record;        // settlement inputs and CMS's amount (sim/input/puf.hpp)
  std::string start_date;  // Current_Start_Date as written
  int start_year = 0, start_month = 1;
  std::string agree_type;                               // Agree_Type: Initial / Renewal / Re-entering
  double person_years = 0;                              // N_AB_Year_PY [person-years]
  std::array<TypedValue, kEnrollmentTypes> type_years;  // N_AB_Year_<type>_PY [person-years]
  std::array<TypedValue, kEnrollmentTypes>
      type_spending;        // Per_Capita_Exp_ALL_<type>_PY [USD per person-year]
  double savings_rate = 0;  // BnchmkMinExp / ABtotBnchmk = (B - E) / B [fraction]

  const std::string& id() const { return record.aco_id; }
  long n_ab() const { return record.input.assigned_beneficiaries; }
};

// A results file read for forecasting: its usable rows, why the others are not, and the
// cross-section the forecast shrinks toward.
struct PufYear {
  std::string source;
  int py = 0;
  std::vector<PufAcoYear> acos;  // usable rows, file order
  struct Unusable {
    std::string aco_id;
    std::size_t line = 0;
    std::string reason;
  };
  std::vector<Unusable> unusable;
  double mean_savings_rate = 0;  // mu_A over the usable rows [fraction]
  double tau2 = 0;               // var(s) - mean(k^2/n), at least 1e-6 [fraction^2]
  double mean_quality = 0;       // mean QualScore of the usable rows that have one [0-100]
  double base_rate_savings = 0;  // share of usable rows with EarnSaveLoss > 0 [fraction]
  double base_rate_losses = 0;   // share of usable rows with EarnSaveLoss < 0 [fraction]

  const PufAcoYear* find(const std::string& aco_id) const;
  // Throws InputError: the ACO is in the file but unusable (and why), or not in it at all (with a
  // close id when there is one).
  [[noreturn]] void fail_unusable(const std::string& aco_id) const;
};

// Performance year from "PY2023" in a file name, when present.
std::optional<int> py_from_file_name(const std::filesystem::path& path);

// The performance year of a results file given as `file_option` FILE: `given` (from
// `year_option`), else "PY2023" in its name; they must agree, the year must have rules and the
// file must exist. Throws InputError naming the options, the values and what is allowed.
int puf_file_year(const std::string& file, const std::optional<int>& given, const std::string& file_option,
                  const std::string& year_option);

// Reads a PUF of performance year `py` for forecasting. Throws InputError (file, line, column,
// value, what is allowed) for malformed files; rows that cannot be forecast from are listed in
// `unusable` with the reason (mid-year termination, missing or suppressed core cells, N_AB < 500).
PufYear read_puf_year(const std::filesystem::path& path, int py,
                      const CalibrationDefaults& calibration = kCalibration);

// The ACO's own part of the forecast of the next year's savings rate.
struct OwnForecast {
  double shrinkage = 0;                     // lam [fraction]
  double mean_rate = 0;                     // mu_A + phi lam (s_A - mu_A) [fraction]
  double sd_rate = 0;                       // sqrt(phi^2 tau^2 (1 - lam) + sigma_d^2) [fraction]
  double quality_mean = 0, quality_sd = 0;  // [0-100]
};
OwnForecast own_forecast(const PufAcoYear& aco, const PufYear& year,
                         const CalibrationDefaults& c = kCalibration);

// One entry of the scenario's `tracks` list, with why it is there.
struct TrackOption {
  std::string yaml;  // flow map, e.g. {track: BASIC_E, msr: 1%, label: "..."}
  std::string comment;
};

// The tracks the ACO may be on in `next_py`: first its current track's next step (the glide path
// advances BASIC A-D one level a year, 42 CFR 425.600(a)(4); E and ENHANCED stay), then a hold
// where the rules allow one, then the higher levels and ENHANCED it may elect (42 CFR
// 425.226(a)(1)). Two-sided tracks keep the ACO's MSR/MLR election (fixed for the agreement, spec
// §2.2); a one-sided ACO's first election is assumed `variable`.
std::vector<TrackOption> track_choices(const PufAcoYear& aco, int next_py);

// The one track a backtest settles year B under: file B's track and MSR/MLR election.
TrackOption track_as_reported(const PufAcoYear& year_b);

struct InitSettings {
  long runs = 10000;
  std::uint64_t seed = 1;
};

// The scenario for the ACO's next PY (year.py + 1) as commented YAML. Every value taken from the
// file names its column; every assumed value says `# assumption: ...` with its default and source.
// Throws InputError when the next PY has no rules or the ACO's track does not exist in it.
std::string scenario_yaml(const PufAcoYear& aco, const PufYear& year, const std::vector<TrackOption>& tracks,
                          const InitSettings& settings = {}, const CalibrationDefaults& c = kCalibration);

// The agreement's last performance year (5 years; a July 2019 start ran 5.5 years, to PY2024; spec §1.1).
int agreement_last_py(const PufAcoYear& aco);

}  // namespace acosim
