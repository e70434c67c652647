// The benchmark of 2024+ agreements, quality, glide-path holds and cash items
// (shared/spec/benchmark-rules.md, cited "bench §N"; 42 CFR 425.652, 425.655-425.662, 425.512,
// 425.600, 425.204, 425.630, 425.640). Every expected value is a worked example of the spec, to the
// cent where the spec gives cents; the arithmetic is in the comment next to it.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "models/benchmark.hpp"
#include "models/cash.hpp"
#include "models/glide_path.hpp"
#include "models/quality.hpp"
#include "models/rules.hpp"

using namespace acosim;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

namespace {

constexpr double kCent = 0.005;  // "to the cent": within half a cent of the spec's rounded figure
constexpr double kRatio = 5e-7;  // ratios the spec prints to 6 decimals
constexpr std::size_t ESRD = 0, DIS = 1, AGDU = 2, AGND = 3;

PerType per_type(double esrd, double dis, double agdu, double agnd) { return {esrd, dis, agdu, agnd}; }

// bench §3 example: first agreement, dual share 0.12, rbar 1.05 (phi = 0.17).
RegionalAdjustmentInput regional_example(int start_year) {
  RegionalAdjustmentInput in;
  in.by3_share = per_type(0.02, 0.06, 0.07, 0.85);
  in.historical = per_type(90'000, 13'000, 20'000, 11'000);
  in.regional = per_type(95'000, 13'500, 19'000, 12'000);
  in.national = per_type(92'000, 12'000, 22'000, 11'500);
  in.agreement_start_year = start_year;
  in.times_adjusted = 1;
  in.dual_share_by3 = 0.12;
  in.risk_score_by3 = 1.05;
  return in;
}

// bench §2 example as a four-type pipeline input: every type is the AGND example (H* = 12,000,
// RR* = 1.02, s = 0.20, g_nat = 1.09 x 1.095, g_reg = 1.17, ACPT 4.9% then 4.3%), with no
// regional adjustment (Rtilde = H, so d = 0 and RA = 0) and no binding risk cap (C = 1.03).
BenchmarkInput pipeline_example() {
  BenchmarkInput in;
  in.agreement_start_year = 2024;
  in.performance_year = 2025;
  in.market_share = 0.20;
  for (BenchmarkTypeInput& t : in.type) {
    t.historical_benchmark = 12'000;
    t.by3_share = 0.25;
    t.py_person_years = 2'500;
    t.hcc_risk_ratio = 1.02;
    t.demographic_risk_ratio = 1.00;
    t.regional_per_capita_by3 = 12'000;
    t.national_per_capita_by3 = 12'500;
    t.national_growth = {0.09, 0.095};
    t.regional_growth = 1.17;
    t.acpt = {0.049, 0.043};
  }
  in.low_income_share = 0.0;
  return in;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// §2 Three-way blend and the ACPT (425.652(b)(1)-(4), 425.660)
// ---------------------------------------------------------------------------------------------

TEST_CASE("ACPT weight is 1/6 in PY2024 and 1/3 otherwise, and can be overridden", "[benchmark][acpt]") {
  CHECK(acpt_weight(2024) == 1.0 / 6.0);
  CHECK(acpt_weight(2025) == 1.0 / 3.0);
  CHECK(acpt_weight(2027) == 1.0 / 3.0);
  CHECK(acpt_weight(2024, 1.0 / 3.0) == 1.0 / 3.0);
  CHECK_THROWS_AS(acpt_weight(2025, 1.5), std::invalid_argument);
}

TEST_CASE(
    "bench §2 example: AGND PY2025 is $14,049.59 (rate), $14,065.59 (flat dollar), $14,378.45 (two-way)",
    "[benchmark][acpt]") {
  // A = 1.049 x 1.043 - 1 = 0.094107; g_nat = 1.09 x 1.095 = 1.19355; g2 = 0.2 x 1.19355 + 0.8 x 1.17.
  const std::vector<double> acpt = {0.049, 0.043}, national = {0.09, 0.095};
  const double A = cumulative_growth(acpt);
  CHECK_THAT(A, WithinAbs(0.094107, kRatio));
  UpdateInput u;
  u.adjusted_benchmark = 12'000;
  u.risk_ratio = 1.02;
  u.national_growth = 1.0 + cumulative_growth(national);
  u.regional_growth = 1.17;
  u.market_share = 0.20;
  u.acpt_cumulative = A;
  u.acpt_weight = acpt_weight(2025);
  u.acpt_dollar_base = 12'500;
  CHECK_THAT(u.national_growth, WithinAbs(1.19355, 1e-12));
  const TypeUpdate rate = update_benchmark(u, AcptMode::Rate);
  CHECK_THAT(rate.two_way_growth, WithinAbs(1.17471, 1e-12));
  // u = 2/3 x 1.17471 + 1/3 x 1.094107 = 1.147842; 12,000 x 1.02 x u = 14,049.59.
  CHECK_THAT(rate.three_way / (12'000 * 1.02), WithinAbs(1.147842, kRatio));
  CHECK_THAT(rate.three_way, WithinAbs(14'049.59, kCent));
  // Flat dollar [K]: A$ = 12,500 x 0.094107 = 1,176.34; U = 1.02 x (13,397.68 + 392.11).
  const TypeUpdate flat = update_benchmark(u, AcptMode::FlatDollar);
  CHECK_THAT(flat.three_way, WithinAbs(14'065.59, kCent));
  // Two-way only: 12,000 x 1.02 x 1.17471 = 14,378.45.
  CHECK_THAT(rate.two_way, WithinAbs(14'378.45, kCent));
  CHECK(flat.two_way == rate.two_way);
}

TEST_CASE("bench §2: in PY2024 b2 exceeds b3 by 0.63% at the 1/6 weight and 1.27% at 1/3",
          "[benchmark][acpt]") {
  // g2 = 1.09, A = 4.9%: u = 5/6 x 1.09 + 1/6 x 1.049 = 1.083167; at 1/3, 1.076333.
  UpdateInput u;
  u.adjusted_benchmark = 10'000;
  u.national_growth = 1.09;
  u.regional_growth = 1.09;
  u.market_share = 0.2;
  u.acpt_cumulative = cumulative_growth(std::vector<double>{0.049});
  u.acpt_weight = acpt_weight(2024);
  const TypeUpdate sixth = update_benchmark(u, AcptMode::Rate);
  CHECK_THAT(sixth.three_way / 10'000, WithinAbs(1.083167, kRatio));
  CHECK_THAT(sixth.two_way / sixth.three_way - 1.0, WithinAbs(0.0063, 0.00005));
  u.acpt_weight = 1.0 / 3.0;
  const TypeUpdate third = update_benchmark(u, AcptMode::Rate);
  CHECK_THAT(third.three_way / 10'000, WithinAbs(1.076333, kRatio));
  CHECK_THAT(third.two_way / third.three_way - 1.0, WithinAbs(0.0127, 0.00005));
}

TEST_CASE("AcptMode names parse both ways", "[benchmark][acpt]") {
  CHECK(parse_acpt_mode("rate") == AcptMode::Rate);
  CHECK(parse_acpt_mode("flat-dollar") == AcptMode::FlatDollar);
  CHECK(to_string(AcptMode::FlatDollar) == "flat_dollar");
  CHECK_FALSE(parse_acpt_mode("dollars").has_value());
}

// ---------------------------------------------------------------------------------------------
// §3 Regional adjustment (425.656, 425.652(a)(8); 425.601 for July 2019-2023 starts)
// ---------------------------------------------------------------------------------------------

TEST_CASE(
    "bench §3 example, 2024+ rules: RA = +$323.83 and the benchmark moves from $13,330.00 to $13,653.83",
    "[benchmark][regional]") {
  const RegionalAdjustment r = regional_adjustment(regional_example(2024));
  // S = 0.85 x 1,000 - 0.07 x 1,000 + 0.06 x 500 + 0.02 x 5,000 = +910: lower spending, w = 35%.
  CHECK_THAT(r.aggregate_difference, WithinAbs(910.0, 1e-9));
  CHECK(r.lower_spending);
  CHECK(r.weight == 0.35);
  CHECK_THAT(r.offset, WithinAbs(0.17, 1e-12));
  // AGDU: -350 capped at -1.5% x 22,000 = -330, then x (1 - 0.17) = -273.90.
  CHECK_THAT(r.after_caps[AGDU], WithinAbs(-330.0, 1e-9));
  CHECK_THAT(r.adjustment[AGDU], WithinAbs(-273.90, kCent));
  CHECK_THAT(r.adjustment[AGND], WithinAbs(350.00, kCent));
  CHECK_THAT(r.adjustment[DIS], WithinAbs(175.00, kCent));
  CHECK_THAT(r.adjustment[ESRD], WithinAbs(1'750.00, kCent));
  CHECK_THAT(r.single_value, WithinAbs(323.83, kCent));
  CHECK(r.applied);
  const PerType p = regional_example(2024).by3_share, H = regional_example(2024).historical;
  double before = 0, after = 0;
  for (std::size_t t = 0; t < 4; ++t) {
    before += p[t] * H[t];
    after += p[t] * (H[t] + r.applied_per_type[t]);
  }
  CHECK_THAT(before, WithinAbs(13'330.00, kCent));
  CHECK_THAT(after, WithinAbs(13'653.83, kCent));
}

TEST_CASE("bench §3 example, pre-2024 rules: no offset, the -5% cap does not bind, RA = +$318.50",
          "[benchmark][regional]") {
  const RegionalAdjustment r = regional_adjustment(regional_example(2022));
  CHECK(r.offset == 0.0);
  CHECK_THAT(r.adjustment[AGDU], WithinAbs(-350.0, 1e-9));
  CHECK_THAT(r.single_value, WithinAbs(318.50, kCent));
  CHECK(r.applied);
}

TEST_CASE("bench §3 higher-spending variant: RA = -$42.13 and $0 is applied for 2024+, -$54.75 before",
          "[benchmark][regional]") {
  RegionalAdjustmentInput in = regional_example(2024);
  in.regional[AGND] = 10'500;  // S = -365: higher spending, w = 15%
  const RegionalAdjustment r = regional_adjustment(in);
  CHECK_THAT(r.aggregate_difference, WithinAbs(-365.0, 1e-9));
  CHECK_FALSE(r.lower_spending);
  CHECK(r.weight == 0.15);
  CHECK_THAT(r.single_value, WithinAbs(-42.13, kCent));
  CHECK_FALSE(r.applied);  // no overall negative adjustment (425.652(a)(8))
  CHECK(r.applied_per_type == PerType{0, 0, 0, 0});
  CHECK(choose_adjustment(r, nullptr, nullptr).kind == BenchmarkAdjustment::None);
  in.agreement_start_year = 2023;
  const RegionalAdjustment pre = regional_adjustment(in);
  CHECK_THAT(pre.single_value, WithinAbs(-54.75, kCent));
  CHECK(pre.applied);  // negative adjustments applied for July 2019-2023 starts (425.601(a)(8))
  const AdjustmentChoice c = choose_adjustment(pre, nullptr, nullptr);
  CHECK(c.kind == BenchmarkAdjustment::Regional);
  CHECK_THAT(c.per_type[AGND], WithinAbs(-0.15 * 500, 1e-9));
}

TEST_CASE("425.656(d) weights by times adjusted and spending, +5% cap of national per capita",
          "[benchmark][regional]") {
  const RuleSet law;
  CHECK(regional_weight(1, true, false, 2024, law) == 0.35);
  CHECK(regional_weight(2, true, false, 2024, law) == 0.50);
  CHECK(regional_weight(3, false, false, 2024, law) == 0.35);
  CHECK(regional_weight(2, false, false, 2024, law) == 0.25);
  CHECK(regional_weight(7, false, false, 2024, law) == 0.50);
  CHECK_THROWS_AS(regional_weight(0, true, false, 2024, law), std::invalid_argument);
  // ESRD d = +20,000 at w = 50% (2nd time, lower spending) is 10,000 -> capped at 5% x 92,000 = 4,600.
  RegionalAdjustmentInput in = regional_example(2024);
  in.times_adjusted = 2;
  in.regional[ESRD] = 110'000;
  CHECK_THAT(regional_adjustment(in).after_caps[ESRD], WithinAbs(4'600.0, 1e-9));
}

// ---------------------------------------------------------------------------------------------
// §4 Prior savings adjustment (425.658) and §5 population adjustment (425.662)
// ---------------------------------------------------------------------------------------------

TEST_CASE("bench §4 example: PSA = $63.33 beats RA = $45 on every type, $95.00 at the proposed 75%",
          "[benchmark][psa]") {
  // v = (+500, -100, unreconciled) -> vbar = 133.33; pi = 0.95 -> 126.67; 50% -> 63.33 < 5% x 12,800 = 640.
  PriorSavingsInput in;
  in.per_capita_savings = {500.0, -100.0, std::nullopt};
  in.proration = 0.95;
  in.national_per_capita = 12'800;
  in.agreement_start_year = 2026;
  const PriorSavingsAdjustment psa = prior_savings_adjustment(in);
  CHECK_THAT(psa.mean_savings, WithinAbs(133.33, kCent));
  CHECK(psa.eligible);
  CHECK(psa.cap == 640.0);
  CHECK_THAT(psa.amount, WithinAbs(63.33, kCent));
  RegionalAdjustment ra;
  ra.applied = true;
  ra.single_value = 45;
  ra.applied_per_type = {45, 45, 45, 45};
  const AdjustmentChoice c = choose_adjustment(ra, &psa, nullptr);
  CHECK(c.kind == BenchmarkAdjustment::PriorSavings);
  for (double v : c.per_type) CHECK_THAT(v, WithinAbs(63.33, kCent));
  // bench §10 (PROPOSED, NOT LAW): 75% for 2027+ agreements -> 0.75 x 126.67 = 95.00.
  in.agreement_start_year = 2027;
  in.rules = cy2027_proposed_not_law();
  CHECK_THAT(prior_savings_adjustment(in).amount, WithinAbs(95.00, kCent));
  // Current law keeps 50% in 2027.
  in.rules = current_law();
  CHECK_THAT(prior_savings_adjustment(in).amount, WithinAbs(63.33, kCent));
}

TEST_CASE("PSA: cap at 5% of national per capita, ineligible without savings or before 2024",
          "[benchmark][psa]") {
  PriorSavingsInput in;
  in.per_capita_savings = {3'000.0, 3'000.0, 3'000.0};
  in.national_per_capita = 12'000;
  in.agreement_start_year = 2024;
  CHECK(prior_savings_adjustment(in).amount == 600.0);    // 50% x 3,000 = 1,500 -> 5% x 12,000
  in.per_capita_savings = {-300.0, 100.0, std::nullopt};  // vbar < 0
  CHECK_FALSE(prior_savings_adjustment(in).eligible);
  in.per_capita_savings = {std::nullopt, std::nullopt, std::nullopt};  // never reconciled
  CHECK_FALSE(prior_savings_adjustment(in).eligible);
  in.per_capita_savings = {300.0, 300.0, 300.0};
  in.agreement_start_year = 2023;  // 425.658 is a 2024+ rule
  CHECK_FALSE(prior_savings_adjustment(in).eligible);
  // Assumed proration [K]: min(1, prior-PY person-years / BY person-years).
  CHECK(psa_proration(9'500, 10'000) == 0.95);
  CHECK(psa_proration(12'000, 10'000) == 1.0);
}

TEST_CASE("bench §5 example: HEBA = $220 beats RA = $100, and with q = 0.12 the ACO keeps RA",
          "[benchmark][population]") {
  // Nbar = 13,000, RA = 100, no PSA: sigma = 650 - 100 = 550; q = 0.40 -> 220.
  const PopulationAdjustment h = population_adjustment(13'000, 100, std::nullopt, 0.40, 2025);
  CHECK(h.applies);
  CHECK(h.eligible);
  CHECK_THAT(h.scaler, WithinAbs(550.0, 1e-9));
  CHECK_THAT(h.amount, WithinAbs(220.0, 1e-9));
  RegionalAdjustment ra;
  ra.applied = true;
  ra.single_value = 100;
  ra.applied_per_type = {100, 100, 100, 100};
  const AdjustmentChoice c = choose_adjustment(ra, nullptr, &h);
  CHECK(c.kind == BenchmarkAdjustment::Population);
  CHECK_THAT(c.single_value, WithinAbs(220.0, 1e-9));
  const PopulationAdjustment low = population_adjustment(13'000, 100, std::nullopt, 0.12, 2025);
  CHECK_FALSE(low.eligible);
  CHECK(low.amount == 0.0);
  const AdjustmentChoice keep = choose_adjustment(ra, nullptr, &low);
  CHECK(keep.kind == BenchmarkAdjustment::Regional);
  CHECK(keep.single_value == 100.0);
  // Never for 2024 starters.
  CHECK_FALSE(population_adjustment(13'000, 100, std::nullopt, 0.40, 2024).eligible);
}

// ---------------------------------------------------------------------------------------------
// §6 Risk-score caps (425.605(a)(1), 425.610(a)(2), 425.655)
// ---------------------------------------------------------------------------------------------

TEST_CASE(
    "bench §6.1 example: AGND $11,794.92 capped at C = 1.0392, $12,031.00 uncapped, $11,690.50 pre-2024",
    "[benchmark][risk]") {
  const PerType omega = per_type(0.04, 0.06, 0.10, 0.80);
  const PerType rho = per_type(0.99, 1.08, 1.02, 1.06);
  const PerType delta = per_type(1.00, 1.02, 1.00, 1.01);
  const RiskRatioCap cap = cap_risk_ratios(rho, delta, omega, 2024);
  CHECK_THAT(cap.aggregate, WithinAbs(1.0544, 1e-12));
  CHECK_THAT(cap.demographic, WithinAbs(1.0092, 1e-12));
  CHECK_THAT(cap.cap, WithinAbs(1.0392, 1e-12));
  CHECK(cap.binding);
  CHECK_THAT(cap.capped[AGND], WithinAbs(1.0392, 1e-12));
  CHECK_THAT(cap.capped[AGDU], WithinAbs(1.02, 1e-12));
  CHECK_THAT(cap.capped[DIS], WithinAbs(1.0392, 1e-12));
  CHECK_THAT(cap.capped[ESRD], WithinAbs(0.99, 1e-12));  // declines uncapped
  CHECK_THAT(11'350 * cap.capped[AGND], WithinAbs(11'794.92, kCent));
  CHECK_THAT(11'350 * cap.uncapped[AGND], WithinAbs(12'031.00, kCent));
  const RiskRatioCap pre = cap_risk_ratios(rho, delta, omega, 2023);
  CHECK_THAT(11'350 * pre.capped[AGND], WithinAbs(11'690.50, kCent));
  CHECK_THAT(pre.capped[AGDU], WithinAbs(1.02, 1e-12));
  // Below the aggregate cap nothing is capped for 2024+, even a type above C.
  const RiskRatioCap none = cap_risk_ratios(per_type(1.10, 1.00, 1.00, 1.00), delta, omega, 2024);
  CHECK_FALSE(none.binding);
  CHECK(none.capped[ESRD] == 1.10);
}

TEST_CASE("risk_weights are H x PY person-years, normalized", "[benchmark][risk]") {
  const PerType w = risk_weights(per_type(90'000, 13'000, 20'000, 11'000), per_type(10, 60, 70, 860));
  const double total = 900'000 + 780'000 + 1'400'000 + 9'460'000;
  CHECK_THAT(w[ESRD], WithinAbs(900'000 / total, 1e-15));
  CHECK_THAT(w[AGND], WithinAbs(9'460'000 / total, 1e-15));
}

TEST_CASE("bench §6.2 example: f = 1.012536 raises H = $12,000 to $12,944.77 instead of $12,816.00",
          "[benchmark][risk]") {
  // Deltabar = 1.005, Rhobar = 0.8 x 1.05 + 0.2 x 1.025 = 1.045, m = 0.20 -> C_reg = 1.037.
  const PerType omega = per_type(0.04, 0.06, 0.10, 0.80);
  const PerType Rho = per_type(1.025, 1.025, 1.025, 1.05);
  const PerType Delta = per_type(1.005, 1.005, 1.005, 1.005);
  const RegionalRiskCap cap = regional_risk_cap(Rho, Delta, omega, 0.20, 2024);
  CHECK_THAT(cap.aggregate, WithinAbs(1.045, 1e-12));
  CHECK_THAT(cap.cap, WithinAbs(1.037, 1e-12));
  CHECK_THAT(cap.factor[AGND], WithinAbs(1.012536, kRatio));
  CHECK(cap.factor[AGDU] == 1.0);  // Rho = 1.025 <= C_reg
  CHECK_THAT(1.07 * cap.factor[AGND], WithinAbs(1.083414, kRatio));
  UpdateInput u;
  u.adjusted_benchmark = 12'000;
  u.national_growth = 1.06;
  u.regional_growth = 1.07;
  u.regional_cap_factor = cap.factor[AGND];
  u.market_share = 0.20;
  const TypeUpdate with = update_benchmark(u, AcptMode::Rate);
  CHECK_THAT(with.two_way_growth, WithinAbs(1.078731, kRatio));
  CHECK_THAT(with.two_way, WithinAbs(12'944.77, kCent));
  u.regional_cap_factor = 1.0;
  CHECK_THAT(update_benchmark(u, AcptMode::Rate).two_way, WithinAbs(12'816.00, kCent));
  // No regional cap before 2024 starts.
  CHECK(regional_risk_cap(Rho, Delta, omega, 0.20, 2023).factor[AGND] == 1.0);
}

// ---------------------------------------------------------------------------------------------
// §11 Order of operations, and the §10 overlay on the ACPT
// ---------------------------------------------------------------------------------------------

TEST_CASE("build_benchmark follows bench §11 and reproduces the §2 example: b3 $14,049.59, b2 $14,378.45",
          "[benchmark][pipeline]") {
  const BenchmarkResult r = build_benchmark(pipeline_example());
  CHECK(r.base_year_3 == 2023);
  CHECK(r.adjustment.kind == BenchmarkAdjustment::None);  // d = 0 everywhere; HEBA: q = 0
  CHECK_FALSE(r.risk.binding);
  CHECK(r.acpt_weight == 1.0 / 3.0);
  CHECK_THAT(r.acpt_cumulative[AGND], WithinAbs(0.094107, kRatio));
  CHECK_THAT(r.three_way, WithinAbs(14'049.59, kCent));
  CHECK_THAT(r.two_way, WithinAbs(14'378.45, kCent));
  BenchmarkInput flat = pipeline_example();
  flat.acpt_mode = AcptMode::FlatDollar;
  CHECK_THAT(build_benchmark(flat).three_way, WithinAbs(14'065.59, kCent));
}

TEST_CASE("build_benchmark applies the regional adjustment to H before the update and caps risk per type",
          "[benchmark][pipeline]") {
  // The §3 example types with g_nat = g_reg = 1 and no ACPT growth: b2 = sum q_t (H_t + a_t) RR*_t.
  BenchmarkInput in = pipeline_example();
  const RegionalAdjustmentInput ex = regional_example(2024);
  in.dual_share_by3 = 0.12;
  in.risk_score_by3 = 1.05;
  for (std::size_t t = 0; t < 4; ++t) {
    BenchmarkTypeInput& ti = in.type[t];
    ti.historical_benchmark = ex.historical[t];
    ti.by3_share = ex.by3_share[t];
    ti.py_person_years = 10'000 * ex.by3_share[t];
    ti.regional_per_capita_by3 = ex.regional[t];
    ti.national_per_capita_by3 = ex.national[t];
    ti.national_growth = {0.0, 0.0};
    ti.regional_growth = 1.0;
    ti.acpt = {0.0, 0.0};
    ti.hcc_risk_ratio = 1.0;
  }
  const BenchmarkResult r = build_benchmark(in);
  CHECK(r.adjustment.kind == BenchmarkAdjustment::Regional);
  CHECK_THAT(r.adjustment.single_value, WithinAbs(323.83, kCent));
  CHECK_THAT(r.two_way, WithinAbs(13'653.83, kCent));  // q_t = p_t here
  CHECK_THAT(r.three_way, WithinAbs(13'653.83, kCent));
}

TEST_CASE(
    "build_benchmark applies the highest of RA, PSA and the population adjustment, with M = max(RA, PSA)",
    "[benchmark][pipeline]") {
  // 2025 start, PY2025: H = 12,000, Rtilde = 12,200, 2nd regional adjustment (w = 50%): RA = +100.
  // PSA: v = 300 x 3, pi = 1 -> 150. Population: Nbar = 13,000, M = 150, sigma = 650 - 150 = 500,
  // q = 0.40 -> 200, the highest. b2 = 12,200 x 1.05 = 12,810; b3 = 12,200 x (2/3 x 1.05 + 1/3 x 1.051).
  BenchmarkInput in = pipeline_example();
  in.agreement_start_year = 2025;
  in.performance_year = 2025;
  in.times_regionally_adjusted = 2;
  in.low_income_share = 0.40;
  PriorSavingsInput psa;
  psa.per_capita_savings = {300.0, 300.0, 300.0};
  in.prior_savings = psa;
  for (BenchmarkTypeInput& t : in.type) {
    t.regional_per_capita_by3 = 12'200;
    t.national_per_capita_by3 = 13'000;
    t.national_growth = {0.05};
    t.regional_growth = 1.05;
    t.acpt = {0.051};
    t.hcc_risk_ratio = 1.0;
  }
  const BenchmarkResult r = build_benchmark(in);
  CHECK_THAT(r.regional.single_value, WithinAbs(100.0, 1e-9));
  REQUIRE(r.prior_savings.has_value());
  CHECK_THAT(r.prior_savings->amount, WithinAbs(150.0, 1e-9));
  CHECK_THAT(r.prior_savings->cap, WithinAbs(650.0, 1e-9));  // 5% of Nbar_BY3 = sum p_t N_t
  REQUIRE(r.population.has_value());
  CHECK_THAT(r.population->competing, WithinAbs(150.0, 1e-9));
  CHECK_THAT(r.population->amount, WithinAbs(200.0, 1e-9));
  CHECK(r.adjustment.kind == BenchmarkAdjustment::Population);
  CHECK_THAT(r.adjusted_historical[AGND], WithinAbs(12'200.0, 1e-9));
  CHECK(r.acpt_weight == 1.0 / 3.0);
  CHECK_THAT(r.two_way, WithinAbs(12'810.00, kCent));
  CHECK_THAT(r.three_way, WithinAbs(12'200 * (2.0 / 3.0 * 1.05 + 1.051 / 3.0), 1e-6));
  CHECK_THAT(r.three_way, WithinAbs(12'814.07, kCent));
}

TEST_CASE("build_benchmark refuses ACPT lists that do not run from BY3 to the PY, and a PY before the start",
          "[benchmark][pipeline]") {
  BenchmarkInput in = pipeline_example();
  in.type[AGND].acpt = {0.043};  // "from PY2 only" would give one step; BY3 2023 -> PY2025 has two
  CHECK_THROWS_WITH(build_benchmark(in), Contains("aged_nondual: 1 annual ACPT rates"));
  in = pipeline_example();
  in.performance_year = 2023;
  CHECK_THROWS_AS(build_benchmark(in), std::invalid_argument);
  in = pipeline_example();
  in.agreement_start_year = 2025;
  in.performance_year = 2026;
  in.low_income_share.reset();  // 2025+ starts need q for the population adjustment
  CHECK_THROWS_WITH(build_benchmark(in), Contains("population adjustment"));
}

TEST_CASE("bench §10 ACPT lower guardrail (PROPOSED, NOT LAW): a 2024 starter's PY2025 b3 rises by $179.76",
          "[benchmark][overlay]") {
  // 2024->25 ACPT 4.3% lifted to 9.5% - 1.0pp = 8.5%: cumulative 1.049 x 1.085 = 1.138165;
  // at 1/3 weight the update rises by (1.138165 - 1.094107) / 3 = 0.014686, x H* RR* = 12,240.
  const BenchmarkResult law = build_benchmark(pipeline_example());
  BenchmarkInput in = pipeline_example();
  in.rules = cy2027_proposed_not_law();
  const BenchmarkResult proposed = build_benchmark(in);
  CHECK_THAT(proposed.acpt_annual[AGND][0], WithinAbs(0.049, 1e-15));  // 2023->24 not floored [K]
  CHECK_THAT(proposed.acpt_annual[AGND][1], WithinAbs(0.085, 1e-15));
  CHECK_THAT(1.0 + proposed.acpt_cumulative[AGND], WithinAbs(1.138165, kRatio));
  CHECK_THAT(proposed.three_way - law.three_way, WithinAbs(179.76, kCent));
  CHECK(proposed.two_way == law.two_way);
  // The band for 2027+ starts: national - 1.0pp <= ACPT <= national + 1.5pp, every step.
  const std::vector<double> band =
      acpt_after_band(std::vector<double>{0.12, 0.02}, std::vector<double>{0.05, 0.05}, 2026, 2027,
                      cy2027_proposed_not_law());
  CHECK_THAT(band[0], WithinAbs(0.065, 1e-15));
  CHECK_THAT(band[1], WithinAbs(0.04, 1e-15));
  // Current law never moves the ACPT.
  CHECK(acpt_after_band(std::vector<double>{0.12}, std::vector<double>{0.05}, 2026, 2027, current_law())[0] ==
        0.12);
}

TEST_CASE(
    "bench §10 ENHANCED lower-spending regional weight at most 35% for 2027+ agreements (PROPOSED, NOT LAW)",
    "[benchmark][overlay]") {
  const RuleSet proposed = cy2027_proposed_not_law();
  CHECK(proposed.proposed);
  CHECK(std::string(proposed.id) == "cy2027_proposed");
  CHECK(regional_weight(2, true, true, 2027, proposed) == 0.35);
  CHECK(regional_weight(2, true, false, 2027, proposed) == 0.50);  // BASIC unchanged
  CHECK(regional_weight(2, true, true, 2026, proposed) == 0.50);   // earlier agreements unchanged
  CHECK(regional_weight(2, false, true, 2027, proposed) == 0.25);  // higher spending unchanged
  CHECK(regional_weight(2, true, true, 2027, current_law()) == 0.50);
  CHECK(find_rule_set("cy2027_proposed").has_value());
  CHECK(find_rule_set("current_law").has_value());
  CHECK_FALSE(find_rule_set("cy2028").has_value());
}

// ---------------------------------------------------------------------------------------------
// §8 Quality performance standard, health equity adjustment, floors (425.512)
// ---------------------------------------------------------------------------------------------

TEST_CASE("QPS by PY is 65.76, 77.05, 76.70, 73.85 and PY2027 is a required parameter", "[quality]") {
  CHECK(quality_performance_standard(2023) == 65.76);
  CHECK(quality_performance_standard(2024) == 77.05);
  CHECK(quality_performance_standard(2025) == 76.70);
  CHECK(quality_performance_standard(2026) == 73.85);
  CHECK_THROWS_WITH(quality_performance_standard(2027),
                    Contains("PY2027 has no published quality performance standard"));
  CHECK(quality_performance_standard(2027, 75.0) == 75.0);
  CHECK_THROWS_AS(quality_performance_standard(2027, 101.0), std::invalid_argument);
}

TEST_CASE("bench §8 PY2026: a complete reporter at 62.00 is floored to 73.85 and meets the QPS",
          "[quality]") {
  QualityInput in;
  in.performance_year = 2026;
  in.raw_score = 62.00;
  in.complete_reporter = true;
  const QualityResult q = quality_score(in);
  CHECK(q.floor == QualityFloor::CompleteReporter);
  CHECK(q.score == 73.85);
  CHECK(q.met_qps);
  in.complete_reporter = false;
  const QualityResult raw = quality_score(in);
  CHECK(raw.score == 62.00);
  CHECK_FALSE(raw.met_qps);
  // The complete-reporter floor starts in PY2025: not in PY2024.
  in.performance_year = 2024;
  in.complete_reporter = true;
  CHECK(quality_score(in).floor == QualityFloor::None);
}

TEST_CASE(
    "EUC floor is the PY's percentile value (30th in PY2023), health equity points count only in PY2023-2025",
    "[quality]") {
  QualityInput in;
  in.performance_year = 2023;
  in.raw_score = 50;
  in.euc_affected = true;
  const QualityResult euc = quality_score(in);
  CHECK(euc.floor == QualityFloor::Euc);
  CHECK(euc.score == 65.76);
  CHECK(euc.met_qps);
  in.raw_score = 80;  // a higher own score is kept
  CHECK(quality_score(in).score == 80);
  QualityInput hea;
  hea.performance_year = 2025;
  hea.raw_score = 72;
  hea.health_equity_points = 5;
  const QualityResult h25 = quality_score(hea);
  CHECK(h25.health_equity_applied);
  CHECK(h25.score == 77);
  CHECK(h25.met_qps);           // 77 >= 76.70
  hea.performance_year = 2026;  // removed from PY2026 [S]
  CHECK(quality_score(hea).score == 72);
}

// ---------------------------------------------------------------------------------------------
// §7 Glide path and holds (425.600(a)(4), (g), (h))
// ---------------------------------------------------------------------------------------------

TEST_CASE("bench §7: a 2024 starter entering at B runs B, C, D, E, E and may not hold B", "[glide]") {
  CHECK(glide_path_levels(2024, 'B', std::nullopt, 5) == std::vector<char>{'B', 'C', 'D', 'E', 'E'});
  CHECK_THROWS_WITH(glide_path_levels(2024, 'B', 'B', 5),
                    Contains("hold B is not allowed for an agreement starting in 2024"));
  const GlidePathRules r = glide_path_rules(2024);
  CHECK(r.hold_a);
  CHECK_FALSE(r.hold_b);
  CHECK_FALSE(r.max_one_sided_years.has_value());
  // Before 2024 both holds existed.
  CHECK(glide_path_rules(2023).hold_b);
}

TEST_CASE("bench §7: a 2024 starter at A may hold A for five PYs, which stays legal from 2027", "[glide]") {
  const std::vector<char> aaaaa{'A', 'A', 'A', 'A', 'A'};
  CHECK(glide_path_levels(2024, 'A', 'A', 5) == aaaaa);
  CHECK(glide_path_levels(2027, 'A', 'A', 5) == aaaaa);
  CHECK(glide_path_rules(2027).max_one_sided_years == 5);
  // 2027+: one-sided PYs only in the first glide-path agreement.
  CHECK(glide_path_rules(2027, 2).max_one_sided_years == 0);
  CHECK_THROWS_WITH(glide_path_levels(2027, 'A', std::nullopt, 5, 2), Contains("at most 0"));
  CHECK(glide_path_levels(2027, 'C', std::nullopt, 5, 2) == std::vector<char>{'C', 'D', 'E', 'E', 'E'});
  CHECK(glide_path_levels(2024, 'A', std::nullopt, 5) == std::vector<char>{'A', 'B', 'C', 'D', 'E'});
  CHECK_THROWS_AS(glide_path_levels(2024, 'C', 'A', 5), std::invalid_argument);  // hold A needs entry at A
  CHECK_THROWS_AS(glide_path_levels(2027, 'A', 'A', 6), std::invalid_argument);  // 6 one-sided PYs > 5
}

// ---------------------------------------------------------------------------------------------
// §9 Cash: repayment mechanism, AIP, prepaid shared savings, net cash
// ---------------------------------------------------------------------------------------------

TEST_CASE("bench §9.1: repayment mechanism $600,000, and a $1.5M recalculation is no required increase",
          "[cash]") {
  // 20,000 x 12,000 = 240M -> 0.5% = 1.2M; revenue 60M -> 1% = 0.6M.
  CHECK(repayment_mechanism_amount(20'000 * 12'000.0, 60e6) == 600'000.0);
  CHECK_FALSE(repayment_mechanism_increase_required(600'000, 1'500'000));  // +0.9M < 1M
  CHECK(repayment_mechanism_increase_required(600'000, 1'600'000));        // +1.0M
}

TEST_CASE(
    "bench §9.2: AIP pays $289,000 a quarter, $1,406,000 in PY1, and $900,000 of savings leaves $506,000 "
    "owed",
    "[cash]") {
  std::vector<int> scores;
  scores.insert(scores.end(), 5'000, aip_score(true, -1));  // LIS/dual: 100 -> $45
  scores.insert(scores.end(), 2'000, 60);                   // $32
  scores.insert(scores.end(), 1'000, 10);                   // $0
  const double quarter = aip_quarterly_payment(scores);
  CHECK(quarter == 289'000.0);
  CashLedger ledger;
  const CashYear py1 = ledger.year({kAipOneTimePayment + 4 * quarter, 0, 900'000});
  CHECK(py1.aip_paid == 1'406'000.0);
  CHECK(py1.aip_recouped == 900'000.0);
  CHECK(py1.savings - py1.aip_recouped == 0.0);  // the net payment of savings is $0
  CHECK(py1.aip_balance == 506'000.0);
  // A loss year recovers nothing; the balance carries.
  const CashYear py2 = ledger.year({0, 0, -200'000});
  CHECK(py2.aip_recouped == 0.0);
  CHECK(py2.cash == -200'000.0);
  CHECK(ledger.aip_balance() == 506'000.0);
  // Only the 10,000 highest scores count, and the score bands: 25 -> $20, 24 -> $0, 50 if ADI unknown.
  CHECK(aip_quarterly_payment(std::vector<int>(12'000, 100)) == 450'000.0);
  CHECK(aip_quarterly_rate(25) == 20.0);
  CHECK(aip_quarterly_rate(24) == 0.0);
  CHECK(aip_score(false, -1) == 50);
  CHECK(aip_eligible(true, true, true, true));
  CHECK_FALSE(aip_eligible(false, true, true, true));  // renewing ACOs are not eligible
}

TEST_CASE(
    "bench §9.3: prepaid multiplier $105.00, $393,750 a quarter, $575,000 carried after $1,000,000 of "
    "savings",
    "[cash]") {
  // avg(400, 300) = 350; x 0.9 = 315; x 50% = 157.50; x 2/3 = 105.00 (cap 5% x 12,000 = 600).
  const double m = prepaid_multiplier(400, 300, 0.9, 12'000);
  CHECK_THAT(m, WithinAbs(105.00, 1e-9));
  const double quarter = prepaid_quarterly_payment(m, 15'000);
  CHECK_THAT(quarter, WithinAbs(393'750.0, 1e-6));
  CashLedger ledger;
  const CashYear y = ledger.year({0, 4 * quarter, 1'000'000});
  CHECK_THAT(y.prepaid_paid, WithinAbs(1'575'000.0, 1e-6));
  CHECK_THAT(y.prepaid_recouped, WithinAbs(1'000'000.0, 1e-6));
  CHECK_THAT(y.prepaid_balance, WithinAbs(575'000.0, 1e-6));
  // At the end of the agreement the prepaid balance is due.
  CHECK_THAT(ledger.close(true), WithinAbs(575'000.0, 1e-6));
  CHECK(ledger.prepaid_balance() == 0.0);
  // The cap binds: 5% x 12,000 = 600.
  CHECK(prepaid_multiplier(3'000, 3'000, 1.0, 12'000) == 600.0);
  CHECK(prepaid_multiplier(-100, 50, 1.0, 12'000) == 0.0);
}

TEST_CASE(
    "bench §9.4: net cash recoups the AIP before the prepaid balance, and the AIP carries into a renewal",
    "[cash]") {
  CashLedger ledger(300'000, 0);  // an AIP balance from the earlier agreement
  const CashYear y = ledger.year({0, 400'000, 500'000});
  CHECK(y.aip_recouped == 300'000.0);
  CHECK(y.prepaid_recouped == 200'000.0);
  // cash = 0 + 400,000 + (500,000 - 300,000 - 200,000) - 0.
  CHECK(y.cash == 400'000.0);
  CHECK(y.prepaid_balance == 200'000.0);
  CHECK(ledger.close(true) == 200'000.0);  // renewing: the AIP balance (0 now) carries
  CashLedger leaving(100'000, 50'000);
  CHECK(leaving.close(false) == 150'000.0);  // not renewing: everything is due
}
