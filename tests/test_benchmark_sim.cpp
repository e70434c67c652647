// Benchmark mode cms in the simulation (docs/scenario.md "benchmark, CMS form"; benchmark-rules.md,
// cited "bench §N"): the report's inputs as scenario keys, the run-level trend, risk and market-share
// draws, b3 and b2 per run, the ACPT loss guardrail in every run's settlement (42 CFR 425.652(b)(5)),
// the cy2027_proposed overlay, and the validation of start years and holds. Statistical checks use
// fixed seeds and state their standard errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>

#include "models/benchmark.hpp"
#include "models/cost_model.hpp"
#include "models/empirical_cost.hpp"
#include "models/msr.hpp"
#include "models/rules.hpp"
#include "models/track.hpp"
#include "sim/common/error.hpp"
#include "sim/engine/agreement.hpp"
#include "sim/engine/benchmark_draw.hpp"
#include "sim/engine/cash_risk.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/sampler.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/engine/true_effect.hpp"
#include "sim/input/csv.hpp"
#include "sim/input/puf.hpp"
#include "sim/input/puf_overlay.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/output/hdf5_io.hpp"
#include "tests/support.hpp"

using namespace acosim;
using Catch::Matchers::Contains;

namespace {

// An ACO with only aged/non-dual beneficiaries, so b3 and b2 are one type's update (q = 1).
// The bench §2 example: H* = $12,000, RR* = 1.02, s = 0.20, national 9.0% then 9.5%, regional
// growth 1.17 over the two steps (9% then 7.33945%), ACPT 4.9% then 4.3%, PY2025 weight 1/3.
// The regional per capita ($11,000) is below H: a negative RA, not applied to a 2024 start (§3).
std::string single_type(const std::string& trend_sd, const std::string& extra_tracks = "", long runs = 200,
                        const std::string& acpt = "[4.9%, 4.3%]",
                        const std::string& regional = "[9%, 0.0733944954]") {
  return fmt::format(R"(
performance_year: 2025
aco: {{beneficiaries: {{aged_nondual: 10000}}, agreement_start_year: 2024, participant_revenue: 3.0e7}}
benchmark:
  mode: cms
  market_share: 0.20
  acpt: {}
  trend: {{national: [9%, 9.5%], regional: {}, {}}}
  types:
    aged_nondual: {{historical_benchmark: 12000, by3_person_years: 10000, regional_per_capita: 11000,
                    national_per_capita: 12500, hcc_growth: {{mean: 2%, sd: 0}}}}
true_effect: 0
quality: {{score: 90}}
tracks: [BASIC_A, {{track: BASIC_E, msr: 0%}}{}]
runs: {}
seed: 11
)",
                     acpt, regional, trend_sd, extra_tracks, runs);
}

constexpr const char* kFixed = "national_sd: 0, regional_sd: 0, coding_intensity_sd: 0";

void expect_error(const std::string& text, const std::vector<std::string>& fragments) {
  INFO(text);
  test::check_input_error([&] { parse_scenario(text, "bad.yaml"); }, fragments);
}

double p_owe(const SimulationResults& r, int track) {
  return r.tracks[static_cast<std::size_t>(track)].p_losses;
}

}  // namespace

TEST_CASE(
    "With fixed inputs every run's benchmark is the bench §2 example: b3 $14,049.59 and b2 $14,378.45 per "
    "capita",
    "[benchmark_sim]") {
  const Scenario s = parse_scenario(single_type(kFixed), "test");
  REQUIRE(s.benchmark_mode == BenchmarkMode::Cms);
  const SimulationModel model(s);
  for (std::uint64_t run : {0u, 5u, 99u}) {
    const RunSample r = sample_run(model, s.seed, run);
    // Rate form: 12,000 x 1.02 x (2/3 x 1.17471 + 1/3 x 1.094107) = 14,049.59; two-way 14,378.45.
    CHECK(r.benchmark / 10000 == Approx(14049.59).margin(0.005));
    CHECK(r.two_way_benchmark / 10000 == Approx(14378.45).margin(0.005));
  }
  // A no-effect ACO expects its historical spending grown at the regional trend: 12,000 x 1.17.
  CHECK(s.cost_means[3] == Approx(14040.0).margin(1e-6));
}

TEST_CASE(
    "The historical benchmark is built from BY1-BY3 per capita risk-adjusted and trended to BY3, weighted "
    "10/30/60",
    "[benchmark_sim]") {
  std::string text = single_type(kFixed);
  const std::string from = "historical_benchmark: 12000";
  text.replace(text.find(from), from.size(),
               "per_capita: [10000, 10500, 11000], hcc_risk: [0.95, 1.0, 1.05], trend_to_by3: [1.10, 1.05]");
  const Scenario s = parse_scenario(text, "test");
  // 0.1 x 10,000 x 1.10 x 1.05/0.95 + 0.3 x 10,500 x 1.05 x 1.05/1.00 + 0.6 x 11,000
  //   = 1,215.789474 + 3,472.875 + 6,600 = 11,288.664474
  CHECK(s.cms_benchmark->historical[3] == Approx(11288.664474).margin(1e-5));
}

TEST_CASE(
    "The trend, coding intensity and market share are drawn per run on their own streams and other draws do "
    "not move",
    "[benchmark_sim][reproducibility]") {
  const Scenario cms = parse_scenario(single_type("national_sd: 2%"), "test");
  const BenchmarkDrawInputs a = draw_benchmark_inputs(*cms.cms_benchmark, 11, 3);
  const BenchmarkDrawInputs b = draw_benchmark_inputs(*cms.cms_benchmark, 11, 4);
  CHECK(a.national_steps[0] != b.national_steps[0]);
  CHECK(a.national_steps == draw_benchmark_inputs(*cms.cms_benchmark, 11, 3).national_steps);
  // The true effect, quality and beneficiary draws are those of the same ACO in mode fixed.
  std::string fixed = single_type(kFixed);
  const std::size_t at = fixed.find("benchmark:"), end = fixed.find("true_effect:");
  fixed.replace(
      at, end - at,
      "benchmark: {mode: fixed, per_capita: 14000}\ncost_model: {types: {aged_nondual: {mean: 14040}}}\n");
  const Scenario f = parse_scenario(fixed, "test");
  const SimulationModel mc(cms), mf(f);
  const RunSample rc = sample_run(mc, 11, 3), rf = sample_run(mf, 11, 3);
  CHECK(rc.quality == rf.quality);
  double realized = (1 + a.regional_steps[0]) * (1 + a.regional_steps[1]);
  // The cost's exp is single precision (docs/performance.md): the two means (H x 1.0900 x
  // 1.0733944954 = 14039.99999998 and 14040) round to the same float log-cost, so the sums agree
  // to the float arithmetic's 6e-7 relative, not to the means' 1e-11 difference.
  CHECK(rc.expenditure == Approx(rf.expenditure * realized / 1.17).epsilon(6e-7));
}

TEST_CASE("Between b3 and b2 a 0% MLR track's loss is settled at zero by the guardrail, and on b2 above b2",
          "[benchmark_sim]") {
  const Scenario s =
      parse_scenario(single_type(kFixed, ", {track: BASIC_E, msr: 0%, acpt_guardrail: false}"), "test");
  REQUIRE(s.tracks[2].label == "BASIC_E msr=0% no ACPT guardrail (counterfactual)");
  RunSample r;
  r.benchmark = 14049.59 * 10000;
  r.two_way_benchmark = 14378.45 * 10000;
  r.quality = 90;
  r.expenditure = 14200.0 * 10000;  // above b3, below b2: neither savings nor losses (b)(5)(ii)
  Settlement with = settle(s.tracks[1].track, settlement_input(s, s.tracks[1], r));
  Settlement without = settle(s.tracks[2].track, settlement_input(s, s.tracks[2], r));
  CHECK(with.outcome == Outcome::GuardrailNeutral);
  CHECK(with.payment == 0);
  CHECK(without.outcome == Outcome::SharedLosses);
  r.expenditure = 14500.0 * 10000;  // above b2: losses on b2, (14,378.45 - 14,500) x 10,000 = -1,215,500
  with = settle(s.tracks[1].track, settlement_input(s, s.tracks[1], r));
  CHECK(with.guardrail_triggered);
  CHECK(with.benchmark == Approx(14378.45 * 10000));
  CHECK(with.gross_savings == Approx(-1215500.0).margin(1));
}

TEST_CASE(
    "With realized trend above the ACPT the guardrail lowers P(owe) of a 2024+ two-sided track, and with the "
    "ACPT equal to the trend it changes nothing",
    "[benchmark_sim][statistical]") {
  const std::string counterfactual = ", {track: BASIC_E, msr: 0%, acpt_guardrail: false}";
  {
    // National sd 2% per step (the docs' default), regional deviation sd 1%. At the means the
    // no-effect ACO spends 12,000 x 1.17 = $14,040, b3 = $14,049.59 and b2 = $14,378.45: it owes
    // in about half the runs without the guardrail, and with it only when E exceeds b2.
    const Scenario s =
        parse_scenario(single_type("national_sd: 2%, regional_sd: 1%", counterfactual, 2000), "gap");
    const SimulationResults r = simulate(SimulationModel(s), {});
    const double with = p_owe(r, 1), without = p_owe(r, 2);
    // Paired on the same runs: the guardrail never creates a loss, so the difference is the
    // share of runs it removed; its binomial SE is at most sqrt(0.25 / 2000) = 1.1 pp.
    const double removed = without - with;
    INFO(fmt::format("P(owe) with {:.4f}, without {:.4f}", with, without));
    CHECK(without > 0.3);
    CHECK(removed > 10 * std::sqrt(0.25 / 2000));
    // At a 0% MLR every loss of the counterfactual (E > b3) triggers the guardrail, and nothing else.
    long triggered = 0;
    for (long i = 0; i < r.table.runs(); ++i) triggered += r.table.guardrail(i, 1);
    CHECK(triggered == std::lround(without * 2000));
  }
  {
    // ACPT = the trend (9%, 9.5%) and regional = national: b3 = b2 in every run, so the guardrail
    // settles on the same benchmark. P(owe) with and without are equal run by run (MC error 0).
    const Scenario s =
        parse_scenario(single_type(kFixed, counterfactual, 1000, "[9%, 9.5%]", "[9%, 9.5%]"), "equal");
    const SimulationResults r = simulate(SimulationModel(s), {});
    CHECK(r.table.benchmark(0) == Approx(r.table.two_way_benchmark(0)).epsilon(1e-12));
    CHECK(p_owe(r, 1) == p_owe(r, 2));
    // E at the mean is 12,000 x 1.19355 against b3 = 1.02 x that: 2% below, k ~ 2.1 / sqrt(10,000),
    // so P(owe) ~ P(Z > 0.95) ~ 17%.
    CHECK(p_owe(r, 1) > 0.05);
    CHECK(r.table.payment.col(1) == r.table.payment.col(2));
  }
}

TEST_CASE(
    "A pre-2024 one-sided ACO with no trend gap still clears the MSR as often as CMS designed (10.0 / 8.1 / "
    "5.0 / 1.1%)",
    "[benchmark_sim][statistical]") {
  // cost-model.md §4. The national mix at the national means (the shipped cost model); a 2022
  // start: no ACPT; regional = national = the trend with sd 0, no coding growth, regional per
  // capita = H (RA 0): B equals the expected spending, as in mode fixed.
  // Acceptance: within +-2 pp of the design (test::kMsrDesign states the runs and the SE).
  for (const test::MsrDesign c : test::kMsrDesign) {
    const std::string text = fmt::format(R"(
performance_year: 2024
aco: {{beneficiaries: {}, agreement_start_year: 2022}}
benchmark:
  mode: cms
  market_share: 0.2
  trend: {{national: [5%, 6%, 4%], national_sd: 0, regional_sd: 0, coding_intensity_sd: 0}}
  types:
    esrd:         {{historical_benchmark: 88800, by3_person_years: 4,   regional_per_capita: 88800, national_per_capita: 88800}}
    disabled:     {{historical_benchmark: 11400, by3_person_years: 73,  regional_per_capita: 11400, national_per_capita: 11400}}
    aged_dual:    {{historical_benchmark: 17600, by3_person_years: 55,  regional_per_capita: 17600, national_per_capita: 17600}}
    aged_nondual: {{historical_benchmark: 11300, by3_person_years: 868, regional_per_capita: 11300, national_per_capita: 11300}}
true_effect: 0
quality: {{score: 100}}
tracks: [BASIC_A]
runs: {}
seed: 7
)",
                                         c.beneficiaries, c.runs);
    const Scenario s = parse_scenario(text, "design");
    const SimulationResults r = simulate(SimulationModel(s), {});
    const double p = r.tracks[0].p_savings + r.tracks[0].p_quality_failed;
    INFO(fmt::format("N = {}: P(clear MSR {:.3f}%) = {:.4f}, design {:.3f}", c.beneficiaries,
                     100 * msr_table(c.beneficiaries), p, c.p_clear));
    CHECK(r.table.benchmark(0) ==
          Approx(s.expected_spending_per_capita() * static_cast<double>(c.beneficiaries)).epsilon(1e-12));
    CHECK(std::abs(p - c.p_clear) <= 0.02);
  }
}

TEST_CASE("rules: cy2027_proposed settles a copy of every CMS track under the proposal on the same runs",
          "[benchmark_sim]") {
  // A 2024 start in PY2025 under the proposal's retroactive ACPT floor (national - 1.0pp from
  // PY2025, bench §10, PROPOSED, NOT LAW): the 2024->25 ACPT step 4.3% is floored at 8.5%.
  const Scenario s = parse_scenario("rules: cy2027_proposed\n" + single_type(kFixed), "overlay");
  REQUIRE(s.tracks.size() == 4);
  CHECK(s.tracks[3].label == "BASIC_E msr=0% (CY2027 proposed, not law)");
  CHECK(s.tracks[3].proposed);
  const RunSample r = sample_run(SimulationModel(s), s.seed, 0);
  // A = 1.049 x 1.085 - 1 = 0.138165; b3 = 12,000 x 1.02 x (2/3 x 1.17471 + 1/3 x 1.138165).
  CHECK(r.proposed_benchmark / 10000 ==
        Approx(12000 * 1.02 * (2.0 / 3 * 1.17471 + 1.138165 / 3)).margin(0.01));
  CHECK(r.proposed_two_way_benchmark == Approx(r.two_way_benchmark).epsilon(1e-12));
  CHECK(settlement_input(s, s.tracks[3], r).benchmark == r.proposed_benchmark);
  CHECK(settlement_input(s, s.tracks[3], r).rules.proposed);
  CHECK(settlement_input(s, s.tracks[1], r).benchmark == r.benchmark);
  CHECK_FALSE(settlement_input(s, s.tracks[1], r).rules.proposed);
}

TEST_CASE(
    "Benchmark mode cms refuses a start year outside the PY's agreement and an ACPT list of the wrong length",
    "[benchmark_sim][errors]") {
  std::string text = single_type(kFixed);
  const std::string start = "agreement_start_year: 2024";
  std::string late = text;
  late.replace(late.find(start), start.size(), "agreement_start_year: 2026");
  expect_error(late, {"aco.agreement_start_year", "2026 does not contain PY2025", "allowed: 2020 to 2025"});
  std::string wrong = text;
  wrong.replace(wrong.find("acpt: [4.9%, 4.3%]"), 18, "acpt: [4.9%]");
  expect_error(wrong,
               {"benchmark.acpt", "must be a list of 2 values", "one annual rate per step 2024 .. 2025"});
  expect_error(
      "aco: {beneficiaries: 10000, agreement_start_year: 2024, participant_revenue: 3.0e7}\ntracks: [{track: "
      "BASIC_E, msr: 1%, acpt_guardrail: false}]\n",
      {"tracks[0].acpt_guardrail", "needs benchmark mode cms"});
  expect_error("rules: cy2028\naco: {beneficiaries: 10000}\ntracks: [BASIC_A]\n",
               {"key 'rules'", "'cy2028' is not a rule set"});
}

TEST_CASE("A Level B hold is refused for an agreement starting 2024 or later (42 CFR 425.600(a)(4)(i)(C)(3))",
          "[benchmark_sim][errors]") {
  const std::string text = R"(
performance_year: 2024
aco: {beneficiaries: 10000, participant_revenue: 3.0e7, agreement_start_year: 2024}
tracks: [BASIC_A]
agreement:
  years: 5
  start_year: 2024
  acpt: 4.9%
  growth: {mean: 1.05, sd: 0.01}
  paths: [{glide: B, hold: B, msr: 1%}]
)";
  try {
    (void)parse_scenario(text, "hold.yaml");
    FAIL("a B hold of a 2024 start was accepted");
  } catch (const InputError& e) {
    CHECK_THAT(std::string(e.what()), Contains("hold.yaml:10:") && Contains("agreement.paths[0].hold"));
  }
  std::string a_hold = text;
  a_hold.replace(a_hold.find("{glide: B, hold: B, msr: 1%}"), 28, "{glide: A, hold: A}");
  CHECK_NOTHROW(parse_scenario(a_hold, "hold.yaml"));
}

TEST_CASE("The true effect scales spending before CMS truncation: min(cap, m X), not m min(cap, X)",
          "[benchmark_sim][cost]") {
  // A beneficiary-year just under the cap with m = 1.5: min(cap, 1.5 X) = cap, while 1.5 min(cap, X)
  // is 1.5 X > cap. models' CostDistribution::cost is the former.
  const CostDistribution d(national_shape(), 11300);
  const double cap = d.truncation_point();
  // z_size whose high-component cost is 0.9 cap: exp(mu_high + sigma z) = 0.9 cap.
  const double z = (std::log(0.9 * cap) - d.mu_high()) / d.sigma();
  const double z_state = 10;                                       // the high component
  REQUIRE(d.cost(z_state, z) == Approx(0.9 * cap).epsilon(6e-7));  // single-precision exp (test_cost_model)
  CHECK(d.cost(z_state, z, std::log(1.5)) == cap);
  CHECK(1.5 * d.cost(z_state, z) > cap);
}

TEST_CASE("The engines count min(cap, m X) per beneficiary-year: $200 + $75 at m = 1.5, $80 at m = 0.2",
          "[benchmark_sim][cost]") {
  // Observed costs $10, 20, ..., 90, 400; truncation at the 90th percentile: rank ceil(0.9 x 10) = 9,
  // cap = $90. Ranks by z_size: Phi(z) x 10, so z = 1.645 (u = 0.95) draws $400, z = 0 draws $60.
  const EmpiricalCost observed({10, 20, 30, 40, 50, 60, 70, 80, 90, 400}, 0.90);
  REQUIRE(observed.truncation_point() == 90);
  REQUIRE(observed.mean() == Approx(54.0).margin(1e-12));  // (450 + 90) / 10
  const double z400 = 1.645, z60 = 0;
  const auto two = [&](const EmpiricalCost& c) { return c.cost(0, z400) + c.cost(0, z60); };
  // m = 1.5: min(90, 600) + min(90, 90) = $180; the old order 1.5 x (90 + 60) = $225.
  CHECK(effect_spending(observed, 1.5, two) == Approx(180.0).margin(1e-9));
  // m = 0.2: min(90, 80) + min(90, 12) = $92; the old order 0.2 x (90 + 60) = $30.
  CHECK(effect_spending(observed, 0.2, two) == Approx(92.0).margin(1e-9));
  CHECK(effect_spending(observed, 1.0, two) == 150.0);  // no effect: the truncated costs as they are
}

TEST_CASE("The sampler's PY sum under a true effect equals the sum of CostDistribution::cost(z, log m)",
          "[benchmark_sim][cost]") {
  // Reference: models' cost(z_state, z_size, log m) = min(cap, m X) one beneficiary at a time; the
  // engine's sum (vector kernels, cap / m, times m) must match within float-exp rounding (1e-6), and
  // differ clearly from m min(cap, X) when m X crosses the cap (m = 1.5 moves ~1% of beneficiaries).
  const CostDistribution d(national_shape(), 11300);
  const double m = 1.5;
  struct Scaled {
    const CostDistribution& d;
    double log_m;
    double cost(double zs, double zz) const { return d.cost(zs, zz, log_m); }
  };
  const PhiloxStream stream(11, 3, Purpose::Beneficiary, 3);
  const long n = 20000;
  const double want = sample_py_only_reference(Scaled{d, std::log(m)}, stream, n);
  const double got =
      effect_spending(d, m, [&](const CostDistribution& c) { return sample_py_only(c, stream, n); });
  CHECK(got == Approx(want).epsilon(1e-6));
  const double old_order = m * sample_py_only(d, stream, n);
  CHECK(old_order > want * 1.01);
  // The historical sampler: base years keep the cap, only the PY is truncated at cap / m.
  std::array<double, 4> plain{}, effect{};
  sample_history(d, d, stream, n, 0.5, plain);
  const double py = effect_spending(d, m, [&](const CostDistribution& c) {
    sample_history(d, c, stream, n, 0.5, effect);
    return effect[3];
  });
  for (int y = 0; y < 3; ++y)
    CHECK(effect[static_cast<std::size_t>(y)] == plain[static_cast<std::size_t>(y)]);
  CHECK(py < m * plain[3]);
  CHECK(py > plain[3]);
}

TEST_CASE("The shipped 2026 renewal gets the PSA, the higher of a positive regional adjustment and the PSA",
          "[benchmark_sim]") {
  const Scenario s =
      load_scenario(std::string(ACOSIM_SOURCE_DIR) + "/scenarios/renewal-2026-regional-psa.yaml");
  const BenchmarkResult b =
      build_benchmark(cms_benchmark_input(s, mean_benchmark_inputs(*s.cms_benchmark), current_law()));
  // vbar = (310 + 420 + 260) / 3 = 330; PSA = 50% x 1 x 330 = $165 < 5% of national per capita.
  REQUIRE(b.prior_savings);
  CHECK(b.prior_savings->amount == Approx(165.0).margin(1e-9));
  CHECK(b.regional.applied);
  CHECK(b.regional.single_value > 0);
  CHECK(b.regional.single_value < 165.0);
  CHECK(b.adjustment.kind == BenchmarkAdjustment::PriorSavings);
  // Second regional adjustment of a lower-spending ACO: weight 50% (425.656(d)).
  CHECK(b.regional.weight == 0.50);
  CHECK(s.tracks.size() == 6);
}

TEST_CASE(
    "cost_model.cv sets the truncated coefficient of variation, and the national model's CV gives back sigma "
    "0.90",
    "[benchmark_sim][cost]") {
  const CostDistribution national(national_shape(), 11300);
  const double cv = national.sd() / national.mean();
  CHECK(shape_with_cv(national_shape(), cv).sigma == Approx(0.90).epsilon(1e-9));
  const Scenario s =
      parse_scenario("aco: {beneficiaries: 10000}\ncost_model: {cv: 3.7}\ntracks: [BASIC_A]\n", "cv");
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const CostDistribution d(s.cost_shapes[static_cast<std::size_t>(e)],
                             s.cost_means[static_cast<std::size_t>(e)]);
    CHECK(d.sd() / d.mean() == Approx(3.7).epsilon(1e-9));
  }
  expect_error(
      "aco: {beneficiaries: 10000}\ncost_model: {cv: 15, shape: {truncation_percentile: 0.9}}\ntracks: "
      "[BASIC_A]\n",
      {"cost_model.cv", "cannot be reached", "allowed:"});
}

TEST_CASE(
    "A custom contract's msr 0% is its own below 5,000 beneficiaries, and the explanation names 0%, not the "
    "CMS table",
    "[benchmark_sim]") {
  const Scenario s = parse_scenario(R"(
aco: {beneficiaries: 500}
benchmark: {mode: fixed, per_capita: 12000}
tracks: [{custom: {name: payer-x, sharing_rate: 50%, msr: 0%}}]
)",
                                    "custom");
  RunSample r;
  r.benchmark = 12000.0 * 500;
  r.expenditure = 0.99 * r.benchmark;  // 1% savings: below the CMS table's 12.2% at 500, above 0%
  r.quality = 90;
  const Settlement st = settle(s.tracks[0].track, settlement_input(s, s.tracks[0], r));
  CHECK(st.msr == 0);
  CHECK_FALSE(st.msr_from_table);
  CHECK(st.payment == Approx(0.5 * 60000.0));
  const std::string why = explain(s.tracks[0].track, st);
  CHECK_THAT(why, Contains("MSR 0.00%"));
  CHECK_THAT(why, !Contains("12.20"));
}

TEST_CASE("settle --puf --rules cy2027_proposed totals the change in CMS payments: Level E 60% from PY2027",
          "[benchmark_sim][puf]") {
  // One BASIC Level E row of PY2027 with 5% savings (MSR 2% met, quality met): current law shares
  // 50%, the proposal 60% (PROPOSED, NOT LAW); sequestration 2%: 5,000,000 x 0.5 x 0.98 = 2,450,000
  // against 5,000,000 x 0.6 x 0.98 = 2,940,000, a change of +$490,000. A PY2023 row does not change.
  PufFile file;
  file.source = "test.csv";
  for (int py : {2027, 2023}) {
    PufRecord rec;
    rec.line = static_cast<std::size_t>(py - 2020);
    rec.aco_id = fmt::format("A{}", py);
    rec.track = find_track("BASIC_E");
    rec.input.performance_year = py;
    rec.input.assigned_beneficiaries = 10000;
    rec.input.benchmark = 100e6;
    rec.input.expenditure = 95e6;
    rec.input.msr_election = MsrElection::fixed(0.02);
    rec.input.quality_score = 90;
    rec.input.agreement_start_year = 2024;
    rec.input.participant_revenue = 30e6;
    file.records.push_back(rec);
  }
  const PufOverlay o = overlay_puf(file, *find_rule_set("cy2027_proposed"));
  REQUIRE(o.rows.size() == 2);
  CHECK(o.rows[0].current == Approx(2450000.0).margin(0.01));
  CHECK(o.rows[0].overlay == Approx(2940000.0).margin(0.01));
  CHECK(o.rows[1].overlay == o.rows[1].current);
  CHECK(o.changed == 1);
  CHECK(o.change() == Approx(490000.0).margin(0.01));
  CHECK_THAT(describe_overlay(file, o), Contains("PROPOSED, NOT LAW") && Contains("change $490,000"));
}

TEST_CASE(
    "The overlay's ENHANCED 35% regional weight cap scales a second-agreement adjustment by 0.35 / 0.50",
    "[benchmark_sim][puf][overlay]") {
  // B = $100,000,000 (8,000 person-years at $12,500), HistBnchmk $12,000 holding a $300 positive
  // regional adjustment at 50% (second time adjusted, 425.656(d)). Capped at 35% (bench §10, PROPOSED,
  // NOT LAW): 300 x (1 - 0.35/0.50) = $90 per capita, x 100,000,000 / 12,000 = $750,000 less benchmark.
  PufRecord rec;
  rec.track = find_track("ENHANCED");
  rec.input.benchmark = 100e6;
  rec.input.agreement_start_year = 2027;
  const RuleSet proposed = *find_rule_set("cy2027_proposed");
  const PufRegionalInputs second{300, 12000, 2};
  CHECK(capped_regional_benchmark(rec, second, proposed) == Approx(99'250'000.0).margin(1e-6));
  CHECK(capped_regional_benchmark(rec, {300, 12000, 1}, proposed) == 100e6);  // first time: 35% already
  CHECK(capped_regional_benchmark(rec, second, current_law()) == 100e6);
  PufRecord early = rec;
  early.input.agreement_start_year = 2026;  // before the rule's scope (2027+ agreements [K])
  CHECK(capped_regional_benchmark(early, second, proposed) == 100e6);
  PufRecord basic = rec;
  basic.track = find_track("BASIC_E");
  CHECK(capped_regional_benchmark(basic, second, proposed) == 100e6);
  CHECK(capped_regional_benchmark(rec, {0, 12000, 2}, proposed) == 100e6);  // no positive adjustment
}

TEST_CASE(
    "On the PY2023 PUF the ENHANCED weight cap moves A1001's benchmark by $8,038,408 as a 2027 "
    "agreement, and no PY2023 row is in the rule's scope",
    "[benchmark_sim][puf][overlay][real]") {
  const std::filesystem::path path = std::filesystem::path(ACOSIM_SOURCE_DIR) / ".." / "shared" / "data" /
                                     "puf" / "PY2023_ACO_Results_PUF.csv";
  if (!std::filesystem::exists(path)) {
    WARN("PY2023 PUF not found at " << path.string() << ": skipped");
    return;
  }
  const CsvTable table = CsvTable::read(path);
  const PufFile file = read_puf(table, 2023);
  const auto regional = read_puf_regional(table, file);
  REQUIRE(regional.size() == file.records.size());
  std::size_t k = 0;
  while (k < file.records.size() && file.records[k].aco_id != "A1001") ++k;
  REQUIRE(k < file.records.size());
  // A1001 (EN, agreement period 3, start 2019): PosRegAdj $312, HistBnchmk $12,793, ABtotBnchmk
  // $1,098,668,352. As if in a 2027 agreement: 312 x (1 - 0.35/0.50) = $93.60 per capita, x
  // 1,098,668,352 / 12,793 = $8,038,408.33 less benchmark.
  REQUIRE(regional[k]);
  CHECK(regional[k]->adjustment == 312);
  CHECK(regional[k]->historical == 12793);
  CHECK(regional[k]->times_adjusted == 3);
  PufRecord what_if = file.records[k];
  REQUIRE(what_if.input.benchmark == 1'098'668'352.0);
  what_if.input.agreement_start_year = 2027;
  const RuleSet proposed = *find_rule_set("cy2027_proposed");
  CHECK(what_if.input.benchmark - capped_regional_benchmark(what_if, *regional[k], proposed) ==
        Approx(8'038'408.33).margin(0.01));
  // The file as it is: every agreement started before 2027, so the cap changes no row.
  const PufOverlay o = overlay_puf(file, proposed, regional);
  CHECK(o.regional_capped == 0);
  CHECK(o.benchmark_change == 0);
  CHECK_THAT(describe_overlay(file, o),
             Contains("ENHANCED regional weight at most 35%") && Contains("0 rows"));
}

TEST_CASE(
    "The repayment mechanism is min(0.5% of expected expenditure, 1% of revenue), and P(losses > RM) is "
    "counted per two-sided track",
    "[benchmark_sim][cash]") {
  // 10,000 aged/non-dual at $14,040 expected: 0.5% x $140,400,000 = $702,000; 1% x $30,000,000 = $300,000.
  const Scenario s =
      parse_scenario(single_type(kFixed, ", {track: BASIC_E, msr: 0%, acpt_guardrail: false}", 400), "rm");
  CHECK(scenario_repayment_mechanism(s) == Approx(300000.0).margin(1e-6));
  const SimulationResults r = simulate(SimulationModel(s), {});
  const std::vector<TrackCashRisk> rows = cash_risk(s, r.table);
  REQUIRE(rows.size() == 2);  // BASIC_A holds none
  long exceed = 0;
  for (long i = 0; i < r.table.runs(); ++i) exceed += -r.table.payment(i, 2) > 300000.0 ? 1 : 0;
  CHECK(rows[1].p_losses_exceed == Approx(static_cast<double>(exceed) / 400));
  CHECK(rows[0].p_losses_exceed <= rows[1].p_losses_exceed);  // the guardrail only removes losses
  REQUIRE(rows[0].p_guardrail);
  CHECK_THAT(cash_risk_text(rows), Contains("$300,000") && Contains("P(ACPT guardrail triggered)"));
}

TEST_CASE("The repayment mechanism and P(losses > RM) are stored in the results file and read back exactly",
          "[benchmark_sim][cash][hdf5]") {
  const Scenario s =
      parse_scenario(single_type(kFixed, ", {track: BASIC_E, msr: 0%, acpt_guardrail: false}", 200), "rm");
  const SimulationResults r = simulate(SimulationModel(s), {});
  REQUIRE(r.cash_risk.size() == 2);  // simulate() fills them: BASIC_E with and without the guardrail
  CHECK(r.cash_risk[1].repayment_mechanism == Approx(300000.0).margin(1e-6));
  CHECK(r.cash_risk[1].revenue_given);
  const auto path = std::filesystem::temp_directory_path() / "acosim-cash-risk-test.h5";
  write_results(path, r);
  const SimulationResults back = read_results(path);
  REQUIRE(back.cash_risk.size() == r.cash_risk.size());
  for (std::size_t i = 0; i < r.cash_risk.size(); ++i) {
    CHECK(back.cash_risk[i].label == r.cash_risk[i].label);
    CHECK(back.cash_risk[i].repayment_mechanism == r.cash_risk[i].repayment_mechanism);
    CHECK(back.cash_risk[i].p_losses_exceed == r.cash_risk[i].p_losses_exceed);
    CHECK(back.cash_risk[i].p_losses_exceed_se == r.cash_risk[i].p_losses_exceed_se);
    CHECK(back.cash_risk[i].p_guardrail == r.cash_risk[i].p_guardrail);
  }
  CHECK(cash_risk_text(back.cash_risk) == cash_risk_text(r.cash_risk));
  // `acosim report` prints the stored table.
  const std::string out = (std::filesystem::temp_directory_path() / "acosim-cash-risk-report.txt").string();
  REQUIRE(std::system(fmt::format("{} report {} > {}", ACOSIM_BINARY, path.string(), out).c_str()) == 0);
  std::ifstream in(out);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Contains("Repayment mechanism (42 CFR 425.204(f)(4)): $300,000"));
  std::filesystem::remove(path);
  std::filesystem::remove(out);
}

TEST_CASE("aco.agreement_start_year must contain the performance year in every benchmark mode",
          "[benchmark_sim][errors]") {
  expect_error(
      "performance_year: 2023\naco: {beneficiaries: 10000, agreement_start_year: 2024}\ntracks: [BASIC_A]\n",
      {"bad.yaml:2:51", "aco.agreement_start_year", "2024 does not contain PY2023", "allowed: 2018 to 2023"});
  expect_error(
      "performance_year: 2025\naco: {beneficiaries: 10000, agreement_start_year: 2019}\ntracks: [BASIC_A]\n",
      {"aco.agreement_start_year", "2019 does not contain PY2025"});
  CHECK_NOTHROW(parse_scenario(
      "performance_year: 2024\naco: {beneficiaries: 10000, agreement_start_year: 2019}\ntracks: [BASIC_A]\n",
      "ok"));
}

TEST_CASE(
    "The default BY3 risk score weights each type's BY3 HCC score by its historical benchmark x BY3 "
    "person-years",
    "[benchmark_sim]") {
  std::string text = single_type(kFixed);
  const std::string from = "historical_benchmark: 12000,";
  text.replace(text.find(from), from.size(), "historical_benchmark: 12000, hcc_risk: [1.0, 1.0, 1.08],");
  const Scenario s = parse_scenario(text, "rbar");
  const BenchmarkInput in = cms_benchmark_input(s, mean_benchmark_inputs(*s.cms_benchmark), current_law());
  CHECK(in.risk_score_by3 == Approx(1.08));  // one type: its own BY3 score
  std::string bad = single_type(kFixed);
  bad.replace(bad.find(from), from.size(), "historical_benchmark: 12000, trend_to_by3: [1.1, 1.05],");
  expect_error(bad, {"benchmark.types.aged_nondual.trend_to_by3", "goes with per_capita"});
}
