// The benchmark as CMS reports it (`benchmark: {mode: cms, ...}`, docs/scenario.md "benchmark,
// CMS form"): per enrollment type the base-year figures of the CMS historical benchmark report and
// the ACO-level inputs of the 2024+ benchmark (benchmark-rules.md, cited "bench §N"; 42 CFR
// 425.652-425.662), plus the run-level uncertainty of what is not known when the scenario is
// written: the national and regional trend from BY3 to the PY, the risk-score growth (coding
// intensity against the caps) and the regional market share. Plain values, read and validated by
// sim/input/benchmark_reader.cpp; drawn per run by sim/engine/benchmark_draw.hpp.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "models/benchmark.hpp"
#include "models/cost_model.hpp"
#include "models/rules.hpp"

namespace acosim {

// A run-level normal input given as mean and sd in the benchmark spec (sd = 0: fixed).
struct NormalInput {
  double mean = 0;
  double sd = 0;
};

// One enrollment type's inputs (bench §11 steps 1-4).
struct CmsBenchmarkType {
  // H_t: the historical benchmark before adjustments (report: "historical benchmark per capita",
  // PUF HistBnchmk<type>); when absent it is built from the base years below (bench §11 step 2).
  std::optional<double> historical_benchmark;
  std::array<double, 3> per_capita{};        // BY1, BY2, BY3 expenditure per capita, truncated [USD]
  std::array<double, 3> hcc_risk{1, 1, 1};   // BY1-BY3 CMS-HCC risk scores, PY model renormalized [ratio]
  std::array<double, 2> trend_to_by3{1, 1};  // national-regional trend factors BY1 -> BY3, BY2 -> BY3 [ratio]
  double by3_person_years = 0;               // person-years in BY3 (report; PUF N_AB_Year_<type>_BY3)
  double demographic_risk_by3 = 1;           // BY3 demographic risk score [ratio]
  double regional_per_capita = 0;            // Rtilde_t: BY3 regional per capita, risk-adjusted [USD]
  double national_per_capita = 0;            // N_t: BY3 national assignable FFS per capita [USD]
  NormalInput hcc_growth{0, 0};              // rho_t - 1: PY over BY3 HCC risk score growth [fraction];
                                             // sd default: the spec's coding_intensity_sd
  double demographic_growth = 0;             // delta_t - 1 [fraction]
  double regional_hcc_growth = 0;            // Rho_t - 1 (bench §6.2) [fraction]
  double regional_demographic_growth = 0;    // Delta_t - 1 [fraction]
  std::vector<double> acpt;                  // annual ACPT, steps BY3+1 .. PY (2024+ starts) [fraction]
  std::optional<double> acpt_dollar_base;    // Nhat_t, flat-dollar form [USD]; default N_t [K]
};

// The prior savings adjustment inputs (bench §4; 425.658).
struct CmsPriorSavings {
  std::array<std::optional<double>, 3> per_capita_savings{};  // v_1..v_3 [USD per person-year]
  double proration = 1;                                       // pi [K]
  bool renewing_or_reentering = true;
};

struct CmsBenchmarkSpec {
  std::array<CmsBenchmarkType, kEnrollmentTypes> type{};
  std::array<double, 3> weights{0.1, 0.3, 0.6};  // BY1-BY3 weights of H_t (bench §11 step 2)
  NormalInput market_share{0, 0};                // s = m: PY share of assignable beneficiaries [fraction]
  int times_regionally_adjusted = 1;             // 425.656(d) row
  double dual_share_by3 = 0;                     // [fraction]
  std::optional<double> risk_score_by3;          // rbar_BY3; default: BY3 HCC weighted by H x person-years
  std::optional<CmsPriorSavings> prior_savings;  // renewing / re-entering 2024+ ACOs
  std::optional<double> low_income_share;        // q (2025+ starts, bench §5) [fraction]
  std::optional<double> acpt_weight;             // w_A override; default 1/6 in PY2024, 1/3 otherwise
  AcptMode acpt_mode = AcptMode::Rate;
  bool zero_difference_is_lower = false;  // §3 tie S = 0 [K]

  // Run-level trend from BY3 to the PY, one annual step per year (bench §2): the national step k
  // is mean_k + national_sd z_k; the regional step is the drawn national step plus the regional
  // excess (regional mean_k - national mean_k) plus regional_sd z'_k. The ACO's own PY spending
  // moves with the realized regional trend (its costs are those of its region).
  std::vector<double> national_trend;  // annual means, steps BY3+1 .. PY [fraction]
  double national_trend_sd = 0.02;     // per step [fraction]; docs/benchmark.md "Defaults"
  std::vector<double> regional_trend;  // annual means; default: the national means [fraction]
  double regional_trend_sd = 0.01;     // regional deviation per step [fraction]
  double coding_intensity_sd = 0.01;   // sd of the common shift of every type's HCC growth [fraction]

  // `rules: cy2027_proposed` (bench §10, PROPOSED, NOT LAW): each run also builds b3 and b2 under
  // the proposal, for the overlay tracks settled beside current law on the same draws.
  bool proposed_overlay = false;

  // Derived at load.
  int base_year_3 = 0;          // agreement start year - 1
  int steps = 0;                // PY - BY3 annual steps
  PerType historical{};         // H_t used (given or built) [USD per person-year]
  PerType expected_spending{};  // H_t x the mean regional growth: a no-effect ACO's expected
                                // PY spending per capita, the default cost means [USD]
};

}  // namespace acosim
