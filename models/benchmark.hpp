// The MSSP benchmark for agreements starting 2024 and later (with the July 2019-2023 variants for
// contrast): ACPT and the three-way blend update, regional adjustment, prior savings adjustment,
// population (health equity) adjustment, risk-score caps, and the order of operations that turns
// per-type benchmark inputs into the two updated benchmarks b3 and b2 of one performance year.
//
// Source of truth: shared/spec/benchmark-rules.md (cited "bench §N"); 42 CFR 425.652 (benchmark
// 2024+), 425.655 (regional risk cap), 425.656 (regional adjustment), 425.658 (PSA), 425.659 (risk
// scores), 425.660 (ACPT), 425.662 (population adjustment), 425.601 (July 2019-2023 starts).
// Pure: no I/O, no RNG. Money in USD per person-year unless stated; rates as fractions; growth
// "ratios" are PY over BY3 (1.05 = +5%). Inputs outside their domain throw std::invalid_argument.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "models/cost_model.hpp"  // EnrollmentType, kEnrollmentTypes
#include "models/rules.hpp"

namespace acosim {

// One value per enrollment type, indexed by static_cast<int>(EnrollmentType): ESRD, disabled,
// aged/dual, aged/non-dual.
using PerType = std::array<double, kEnrollmentTypes>;

// First agreement start year under 42 CFR 425.652 (ACPT, guardrail, no negative RA, offset).
constexpr int kBenchmark2024Start = 2024;
// First agreement start year with the population (health equity) adjustment, 425.662.
constexpr int kPopulationAdjustmentStart = 2025;

// ---------------------------------------------------------------------------------------------
// §2 ACPT and the update factor (425.652(b)(1)-(4), 425.660)
// ---------------------------------------------------------------------------------------------

// How the ACPT enters the update (bench §2, §12 item 1).
enum class AcptMode {
  Rate,       // U = H* RR* (w_2 g2 + w_A (1 + A))  [S, Milliman]
  FlatDollar  // U = RR* (H* (1 + w_2 (g2 - 1)) + w_A Nhat A)  [K]: 425.660(b)(2) on is not in the
              // mirror (dollar base, averaging with a rate, where risk adjustment enters)
};
std::string_view to_string(AcptMode m);                       // "rate", "flat_dollar"
std::optional<AcptMode> parse_acpt_mode(std::string_view s);  // nullopt when unknown

// The ACPT weight w_A of a PY: 1/6 in PY2024 [S: CMS cut it for the "unusually large
// discrepancy"], 1/3 otherwise (425.652(b)(2) "absent unforeseen circumstances"); `given`
// overrides it. Throws when `given` is outside [0, 1].
double acpt_weight(int performance_year, std::optional<double> given = std::nullopt);

// prod(1 + a_y) - 1 over the annual rates [fraction].
double cumulative_growth(std::span<const double> annual);

// The annual ACPT rates of steps BY3+1 .. PY after the rule set's guardrail band (bench §10,
// PROPOSED, NOT LAW; current law returns `acpt` unchanged). national[k] is the annual national
// growth of the same step; step k goes into year by3 + 1 + k. Throws when the lengths differ.
std::vector<double> acpt_after_band(std::span<const double> acpt, std::span<const double> national, int by3,
                                    int agreement_start_year, const RuleSet& rules);

// One type's update in one PY (bench §2).
struct UpdateInput {
  double adjusted_benchmark = 0;   // H*_t, after §3-§5 adjustments [USD per person-year]
  double risk_ratio = 1;           // RR*_t, capped (§6.1) [ratio]
  double national_growth = 1;      // g_nat,t = N_PY,t / N_BY3,t [ratio]
  double regional_growth = 1;      // R_PY,t / R_BY3,t before the §6.2 factor [ratio]
  double regional_cap_factor = 1;  // f_t (§6.2) [ratio >= 1]
  double market_share = 0;         // s: ACO share of assignable beneficiaries in its region, PY [fraction]
  double acpt_cumulative = 0;      // A_PY = prod(1 + a_y) - 1, BY3 -> PY [fraction]
  double acpt_weight = 0;          // w_A [fraction]; 0 gives the two-way benchmark
  double acpt_dollar_base = 0;     // Nhat_t for the flat-dollar form [USD per person-year]
};

struct TypeUpdate {
  double two_way_growth = 1;  // g2_t = s g_nat + (1 - s) g_reg f [ratio]
  double three_way = 0;       // U_t with the ACPT [USD per person-year]
  double two_way = 0;         // U_t with w_A = 0: H* RR* g2 [USD per person-year]
};
TypeUpdate update_benchmark(const UpdateInput& in, AcptMode mode);

// ---------------------------------------------------------------------------------------------
// §6 Risk-score growth caps (425.605(a)(1), 425.610(a)(2), 425.659; 425.655)
// ---------------------------------------------------------------------------------------------

// omega_t = H_t n_PY,t / sum(H n): the aggregation weights of bench §6.1 (PUF RR_weight_*_PY).
PerType risk_weights(const PerType& historical_benchmark, const PerType& py_person_years);

struct RiskRatioCap {
  PerType uncapped{};      // rho_t = HCC_PY / HCC_BY3 [ratio]
  PerType capped{};        // rho*_t [ratio]
  double aggregate = 0;    // rhobar = sum omega rho (2024+)
  double demographic = 0;  // deltabar = sum omega delta (2024+)
  double cap = 0;          // C = deltabar + 0.03 (2024+), 1.03 before [ratio]
  bool binding = false;    // some rho*_t < rho_t
};
// 2024+ starts: rho*_t = min(rho_t, C) for every t when rhobar > C, else rho_t (tested in
// aggregate, applied per type); July 2019-2023 starts: min(rho_t, 1.03) always.
RiskRatioCap cap_risk_ratios(const PerType& hcc_ratio, const PerType& demographic_ratio, const PerType& omega,
                             int agreement_start_year);

struct RegionalRiskCap {
  double aggregate = 1;        // Rhobar [ratio]
  double demographic = 1;      // Deltabar [ratio]
  double cap = 0;              // C_reg = Deltabar + 0.03 + m max(0, Rhobar - Deltabar - 0.03)
  PerType factor{1, 1, 1, 1};  // f_t >= 1, multiplies the regional growth
};
// 425.655 (2024+ starts; factor 1 before): f_t = Rho_t / C_reg when Rhobar > C_reg and
// Rho_t > C_reg, else 1. market_share: m, the PY market share [fraction].
RegionalRiskCap regional_risk_cap(const PerType& regional_hcc_ratio,
                                  const PerType& regional_demographic_ratio, const PerType& omega,
                                  double market_share, int agreement_start_year);

// ---------------------------------------------------------------------------------------------
// §3 Regional adjustment (425.656; 425.652(a)(8); 425.601(a)(8), (f) for July 2019-2023 starts)
// ---------------------------------------------------------------------------------------------

struct RegionalAdjustmentInput {
  PerType by3_share{};   // p_t: the ACO's BY3 share of assigned beneficiaries [fraction]
  PerType historical{};  // H_t [USD per person-year]
  PerType regional{};    // Rtilde_t: BY3 regional per capita, risk-adjusted [USD]
  PerType national{};    // N_t: national assignable FFS per capita, BY3 [USD]
  int agreement_start_year = 2024;
  int times_adjusted = 1;                 // 1st, 2nd, 3rd, 4th+ time the benchmark is regionally adjusted
  double dual_share_by3 = 0;              // share of BY3 assigned beneficiaries dually eligible [fraction]
  double risk_score_by3 = 1;              // rbar_BY3: BY3 HCC score across types, weighted by BY3 per
                                          // capita spending x person-years [ratio]
  bool enhanced = false;                  // ENHANCED track (the §10 overlay caps its weight)
  bool zero_difference_is_lower = false;  // S = 0 reads as lower spending [K, bench §12 item 8]
  RuleSet rules;
};

struct RegionalAdjustment {
  PerType difference{};             // d_t = Rtilde_t - H_t
  double aggregate_difference = 0;  // S = sum p_t d_t; > 0 "lower spending"
  bool lower_spending = false;
  double weight = 0;           // w (425.656(d) table, §10 overlay)
  PerType weighted{};          // w d_t
  PerType after_caps{};        // clamped to [-1.5% N_t, +5% N_t] (2024+) or [-5%, +5%] (before)
  double offset = 0;           // phi = clamp(dual share + rbar - 1, 0, 1) (2024+; 0 before)
  PerType adjustment{};        // a_t after the offset
  double single_value = 0;     // RA = sum p_t a_t
  bool applied = false;        // 2024+: RA > 0; before: always
  PerType applied_per_type{};  // a_t when applied, else 0
};
// Throws when shares are negative or do not sum to 1 (within 1e-6), or times_adjusted < 1.
RegionalAdjustment regional_adjustment(const RegionalAdjustmentInput& in);

// w from the 425.656(d) table: 1st 35%/15%, 2nd 50%/25%, 3rd 50%/35%, 4th+ 50%/50%
// (lower / higher spending), then the rule set's ENHANCED cap (bench §10).
double regional_weight(int times_adjusted, bool lower_spending, bool enhanced, int agreement_start_year,
                       const RuleSet& rules);

// ---------------------------------------------------------------------------------------------
// §4 Prior savings adjustment (425.658; 425.652(a)(8)(ii)-(v))
// ---------------------------------------------------------------------------------------------

struct PriorSavingsInput {
  // v_j: per capita savings (+) or losses (-) of the 3 PYs before the agreement, read as gross
  // (B - E) / n [D]; nullopt when the PY was not reconciled (counts as 0). Give 0 for a PY with
  // savings the ACO was ineligible to be paid for noncompliance.
  std::array<std::optional<double>, 3> per_capita_savings{};
  double proration = 1;            // pi [K]: the 425.658 formula is not in the spec; see psa_proration()
  double national_per_capita = 0;  // Nbar_BY3, person-year-weighted single value [USD]
  int agreement_start_year = 2024;
  bool renewing_or_reentering = true;
  RuleSet rules;
};

struct PriorSavingsAdjustment {
  double mean_savings = 0;  // vbar = (v_1 + v_2 + v_3) / 3, zeros included [USD]
  bool eligible = false;    // 2024+ start, renewing/re-entering, >= 1 PY reconciled, vbar > 0
  double scaling = 0;       // 50% (current law), 75% proposed (§10) [fraction]
  double uncapped = 0;      // scaling x pi x vbar [USD]
  double cap = 0;           // 5% x Nbar_BY3 [USD]
  double amount = 0;        // PSA [USD per person-year], flat on all four types; 0 if ineligible
};
PriorSavingsAdjustment prior_savings_adjustment(const PriorSavingsInput& in);

// The assumed proration [K] (bench §4): min(1, prior-PY person-years / BY person-years).
double psa_proration(double prior_py_person_years, double benchmark_person_years);

// ---------------------------------------------------------------------------------------------
// §5 Population (formerly health equity) benchmark adjustment, 2025+ starts (425.662)
// ---------------------------------------------------------------------------------------------

struct PopulationAdjustment {
  bool applies = false;         // agreement starts 2025+
  double national = 0;          // Nbar = sum p_t N_t [USD]
  double competing = 0;         // M = max(RA, PSA if eligible, 0) [USD]
  double scaler = 0;            // sigma = 5% Nbar - M [USD]
  double low_income_share = 0;  // q: PY share in Part D LIS or dually eligible [fraction]
  bool eligible = false;        // q >= 15%
  double amount = 0;            // HEBA = sigma q if eligible, else 0 [USD per person-year]
};
// `psa`: the PSA amount when the ACO is PSA-eligible, else nullopt.
PopulationAdjustment population_adjustment(double national_per_capita, double regional_single_value,
                                           std::optional<double> psa, double low_income_share,
                                           int agreement_start_year);

// Which adjustment the historical benchmark receives (bench §4 table, §5 "highest of").
enum class BenchmarkAdjustment { None, Regional, PriorSavings, Population };
std::string_view to_string(BenchmarkAdjustment a);  // "none", "regional", "prior_savings", "population"

struct AdjustmentChoice {
  BenchmarkAdjustment kind = BenchmarkAdjustment::None;
  PerType per_type{};  // added to H_t [USD per person-year]
  double single_value = 0;
};
// The highest eligible of RA (only when applied), PSA and HEBA; ties keep the earlier of
// regional, prior savings, population [D]. Before 2024 the RA is applied as is (negative too).
AdjustmentChoice choose_adjustment(const RegionalAdjustment& ra, const PriorSavingsAdjustment* psa,
                                   const PopulationAdjustment* population);

// ---------------------------------------------------------------------------------------------
// §11 Order of operations: per-type inputs -> b3 and b2 of one PY, with every intermediate
// ---------------------------------------------------------------------------------------------

struct BenchmarkTypeInput {
  double historical_benchmark = 0;      // H_t: BY3 historical benchmark before adjustments
                                        // (restated and weighted BY1-BY3, §11 step 2) [USD per person-year]
  double by3_share = 0;                 // p_t [fraction]
  double py_person_years = 0;           // n_PY,t [person-years]
  double hcc_risk_ratio = 1;            // rho_t = HCC_PY / HCC_BY3 (PY model, renormalized) [ratio]
  double demographic_risk_ratio = 1;    // delta_t [ratio]
  double regional_per_capita_by3 = 0;   // Rtilde_t [USD per person-year]
  double national_per_capita_by3 = 0;   // N_t [USD per person-year]
  std::vector<double> national_growth;  // annual national growth, steps BY3+1 .. PY [fraction]
  double regional_growth = 1;           // R_PY,t / R_BY3,t [ratio]
  double regional_hcc_ratio = 1;        // Rho_t, regional HCC growth [ratio]
  double regional_demographic_ratio = 1;   // Delta_t [ratio]
  std::vector<double> acpt;                // annual ACPT, steps BY3+1 .. PY [fraction] (2024+ starts)
  std::optional<double> acpt_dollar_base;  // Nhat_t; default N_t [K]
};

struct BenchmarkInput {
  int agreement_start_year = 2024;
  int performance_year = 2024;  // >= start year; BY3 = start year - 1
  std::array<BenchmarkTypeInput, kEnrollmentTypes> type{};
  double market_share = 0;  // s (§2) = m (§6.2), PY [fraction]
  int times_regionally_adjusted = 1;
  double dual_share_by3 = 0;  // [fraction]
  double risk_score_by3 = 1;  // rbar_BY3 [ratio]
  bool enhanced = false;
  std::optional<PriorSavingsInput> prior_savings;  // renewing / re-entering 2024+ ACOs; its start year
                                                   // and rules are this input's; national_per_capita
                                                   // 0 means the BY3 single value sum p_t N_t
  std::optional<double> low_income_share;          // q for the population adjustment (2025+)
  std::optional<double> acpt_weight;               // overrides acpt_weight(PY)
  AcptMode acpt_mode = AcptMode::Rate;
  bool zero_difference_is_lower = false;  // §3 tie [K]
  RuleSet rules;
};

struct BenchmarkResult {
  int base_year_3 = 0;
  RegionalAdjustment regional;
  std::optional<PriorSavingsAdjustment> prior_savings;
  std::optional<PopulationAdjustment> population;
  AdjustmentChoice adjustment;
  PerType adjusted_historical{};  // H*_t [USD per person-year]
  PerType omega{};                // §6.1 weights
  RiskRatioCap risk;
  RegionalRiskCap regional_risk;
  PerType py_share{};         // q_t: PY person-year shares [fraction]
  PerType national_growth{};  // g_nat,t cumulative [ratio]
  PerType acpt_cumulative{};  // A_PY,t after the rule set's band [fraction]
  std::array<std::vector<double>, kEnrollmentTypes> acpt_annual{};  // after the band [fraction]
  double acpt_weight = 0;                                           // w_A (0 before 2024 starts)
  std::array<TypeUpdate, kEnrollmentTypes> update{};
  double three_way = 0;  // b3 = sum q_t U3_t [USD per person-year]
  double two_way = 0;    // b2 = sum q_t U2_t [USD per person-year]
};
BenchmarkResult build_benchmark(const BenchmarkInput& in);

}  // namespace acosim
