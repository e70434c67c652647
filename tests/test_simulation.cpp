// The Monte Carlo core: statistical acceptance checks (fixed seeds, tolerances stated in standard
// errors), reproducibility across thread counts, replay, and common random numbers.
#include <catch2/catch.hpp>

#include <cmath>

#include <fmt/format.h>

#include "models/cost_model.hpp"
#include "models/msr.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/scenario_reader.hpp"
#include "tests/support.hpp"

using namespace acosim;

namespace {

// A national-average ACO with no true effect and quality that always passes.
std::string null_aco(long n, const std::string& benchmark, long runs,
                     const std::string& tracks = "[BASIC_A]") {
  return fmt::format(R"(
performance_year: 2024
aco: {{beneficiaries: {}, participant_revenue: 5.0e7}}
benchmark: {}
true_effect: 0
quality: {{score: 100}}
tracks: {}
runs: {}
seed: 7
)",
                     n, benchmark, tracks, runs);
}

double share_clearing_msr(const SimulationResults& r) {
  // Outcome savings or quality-failed both mean r >= MSR; quality always passes here.
  return r.tracks[0].p_savings + r.tracks[0].p_quality_failed;
}

}  // namespace

TEST_CASE("A no-effect ACO clears the one-sided MSR by chance about as often as CMS designed",
          "[simulation][statistical]") {
  // cost-model.md §4: CMS's table for an average ACO with a known benchmark (test::kMsrDesign).
  // Acceptance: within +-2 pp.
  for (const test::MsrDesign c : test::kMsrDesign) {
    const Scenario s =
        parse_scenario(null_aco(c.beneficiaries, "{mode: fixed, per_capita: expected}", c.runs), "test");
    const SimulationResults r = simulate(SimulationModel(s), {});
    const double p = share_clearing_msr(r);
    INFO(fmt::format("N = {}: P(clear MSR {:.3f}%) = {:.4f}, design {:.3f}", c.beneficiaries,
                     100 * msr_table(c.beneficiaries), p, c.p_clear));
    CHECK(std::abs(p - c.p_clear) <= 0.02);
  }
}

TEST_CASE("The noise constant k = SD(savings rate) sqrt(N) lies in [1.85, 2.3] with a historical benchmark",
          "[simulation][statistical]") {
  // cost-model.md §4: with the benchmark built from the same beneficiaries' base years (weights
  // 0.1/0.3/0.6) and realistic persistence, k is between about 1.85 and 2.3.
  const long n = 10000, runs = 2000;
  const Scenario s = parse_scenario(null_aco(n, "{mode: historical}", runs), "test");
  const SimulationResults r = simulate(SimulationModel(s), {});
  std::vector<double> rates;
  for (long i = 0; i < r.table.runs(); ++i) {
    rates.push_back((r.table.benchmark(i) - r.table.expenditure(i)) / r.table.benchmark(i));
  }
  double mean = 0, ss = 0;
  for (double x : rates) mean += x;
  mean /= static_cast<double>(rates.size());
  for (double x : rates) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / static_cast<double>(rates.size() - 1));
  const double k = sd * std::sqrt(static_cast<double>(n));
  // SE of an SD estimate ~ sd / sqrt(2 (R - 1)) = 1.6% relative: k's SE is about 0.035.
  INFO("k = " << k << ", mean savings rate = " << mean);
  CHECK(k >= 1.85);
  CHECK(k <= 2.3);
  // No true effect and an unbiased benchmark: the mean savings rate is 0 within 3 SE.
  CHECK(std::abs(mean) <= 3 * sd / std::sqrt(static_cast<double>(rates.size())));
}

TEST_CASE("The sample mean of costs matches the configured mean within 3 standard errors",
          "[simulation][statistical]") {
  const Scenario s = parse_scenario(null_aco(8000, "{mode: fixed, per_capita: 12000}", 1500), "test");
  const SimulationResults r = simulate(SimulationModel(s), {});
  const double n = static_cast<double>(s.total_beneficiaries());
  const Eigen::ArrayXd per_capita = r.table.expenditure.array() / n;
  const double mean = per_capita.mean();
  const double sd =
      std::sqrt((per_capita - mean).square().sum() / (static_cast<double>(per_capita.size()) - 1.0));
  const double se = sd / std::sqrt(static_cast<double>(per_capita.size()));
  INFO("sample mean " << mean << ", configured " << s.expected_spending_per_capita() << ", SE " << se);
  CHECK(std::abs(mean - s.expected_spending_per_capita()) <= 3 * se);
  // The run-level SD of per-capita spending is CV x mean / sqrt(N) with the population CV ~2.08.
  CHECK(sd * std::sqrt(n) / mean == Approx(2.08).epsilon(0.08));
}

TEST_CASE(
    "A -5% true effect lowers measured spending by at most 5%, and by exactly 5% when nothing is truncated",
    "[simulation][statistical]") {
  // CMS truncates the spending that occurred: min(cap, 0.95 X) lies between 0.95 min(cap, X) and
  // min(cap, X), and is strictly above the former for a beneficiary-year beyond the cap.
  std::string text = null_aco(8000, "{mode: fixed, per_capita: 12000}", 200);
  const Scenario base = parse_scenario(text, "test");
  const Scenario cut = parse_scenario(text, "test", {{"true_effect", "-0.05"}});
  const auto a = simulate(SimulationModel(base), {});
  const auto b = simulate(SimulationModel(cut), {});
  for (long i = 0; i < a.table.runs(); ++i) {  // same seed, same latents, run by run
    REQUIRE(b.table.expenditure(i) > 0.95 * a.table.expenditure(i) * (1 + 1e-9));
    REQUIRE(b.table.expenditure(i) < a.table.expenditure(i));
  }
  // With no truncation (percentile 1) the effect is exactly proportional.
  const std::string uncapped = "\ncost_model: {shape: {truncation_percentile: 1}}\n";
  const Scenario base1 = parse_scenario(text + uncapped, "test");
  const Scenario cut1 = parse_scenario(text + uncapped, "test", {{"true_effect", "-0.05"}});
  const auto a1 = simulate(SimulationModel(base1), {});
  const auto b1 = simulate(SimulationModel(cut1), {});
  for (long i = 0; i < a1.table.runs(); ++i) {
    REQUIRE(b1.table.expenditure(i) / a1.table.expenditure(i) == Approx(0.95).epsilon(1e-12));
  }
}

TEST_CASE(
    "The commercial cost preset's noise constant k is its stated value, 3.56 for the default mix, "
    "within Monte Carlo error",
    "[simulation][statistical][cost]") {
  // models' commercial_shape(): the national mixture with sigma solved for MEPS Statistical Brief
  // #81's non-elderly top-1% share (24%), no truncation: a beneficiary-year's CV is 3.279.
  const CostDistribution unit(commercial_shape(), 1.0);
  REQUIRE(unit.sd() / unit.mean() == Approx(3.279).margin(0.001));
  REQUIRE(unit.top_share(0.01) == Approx(0.24).margin(1e-9));
  const long n = 8000, runs = 1500;
  const Scenario s = parse_scenario(
      null_aco(n, "{mode: fixed, per_capita: expected}", runs) + "cost_model: {preset: commercial}\n",
      "test");
  const SimulationModel model(s);
  // A fixed benchmark: k = SD(savings rate) sqrt(N) = sqrt(N sum_t n_t sd_t^2) / sum_t n_t mean_t, the
  // CV raised by the spread of the type means (docs/cost-model.md §1: 3.56 for the default mix).
  double var = 0, total = 0;
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto nt = static_cast<double>(s.beneficiaries[static_cast<std::size_t>(e)]);
    var += nt * model.cost(e).sd() * model.cost(e).sd();
    total += nt * model.cost(e).mean();
  }
  const double stated = std::sqrt(static_cast<double>(n) * var) / total;
  CHECK(stated == Approx(3.56).margin(0.01));
  const SimulationResults r = simulate(model, {});
  std::vector<double> rates;
  for (long i = 0; i < r.table.runs(); ++i) {
    rates.push_back((r.table.benchmark(i) - r.table.expenditure(i)) / r.table.benchmark(i));
  }
  double mean = 0, ss = 0;
  for (double x : rates) mean += x;
  mean /= static_cast<double>(rates.size());
  for (double x : rates) ss += (x - mean) * (x - mean);
  const double k = std::sqrt(ss / static_cast<double>(rates.size() - 1)) * std::sqrt(static_cast<double>(n));
  // SE of an SD estimate ~ k / sqrt(2 (R - 1)) = 1.8% relative; the sums of 8,000 heavy-tailed costs
  // add excess kurtosis, so the bound is 4 of those SEs (7.3%). The national model (k ~ 2.08) is far
  // outside it.
  INFO("k = " << k << ", stated " << stated);
  CHECK(std::abs(k - stated) <= 4 * stated / std::sqrt(2.0 * (runs - 1)));
}

TEST_CASE("Results are bit-identical for 1, 2 and 4 threads", "[simulation][reproducibility]") {
  const Scenario s =
      parse_scenario(null_aco(3000, "{mode: historical}", 64,
                              "[BASIC_A, {track: BASIC_E, msr: 1%}, {track: ENHANCED, msr: variable}]"),
                     "test");
  const SimulationModel model(s);
  RunOptions one, two, four;
  one.threads = 1;
  two.threads = 2;
  four.threads = 4;
  const auto r1 = simulate(model, one), r2 = simulate(model, two), r4 = simulate(model, four);
  CHECK(r1.table.payment == r2.table.payment);
  CHECK(r1.table.payment == r4.table.payment);
  CHECK(r1.table.benchmark == r4.table.benchmark);
  CHECK(r1.table.expenditure == r2.table.expenditure);
  CHECK(r1.tracks[1].dollars.mean == r4.tracks[1].dollars.mean);
}

TEST_CASE("Replaying run k alone gives the run's row, every track settles the same sample",
          "[simulation][reproducibility]") {
  const Scenario s = parse_scenario(
      null_aco(2000, "{mode: historical}", 40, "[BASIC_A, {track: BASIC_E, msr: 0%}]"), "test");
  const SimulationModel model(s);
  const auto r = simulate(model, {});
  for (long k : {0L, 17L, 39L}) {
    const RunSample one = sample_run(model, s.seed, static_cast<std::uint64_t>(k));
    CHECK(one.benchmark == r.table.benchmark(k));
    CHECK(one.expenditure == r.table.expenditure(k));
    for (std::size_t t = 0; t < s.tracks.size(); ++t) {
      const Settlement st = settle(s.tracks[t].track, settlement_input(s, s.tracks[t], one));
      CHECK(st.payment == r.table.payment(k, static_cast<long>(t)));
    }
  }
  // Common random numbers: adding a track changes no other track's numbers.
  const Scenario more =
      parse_scenario(null_aco(2000, "{mode: historical}", 40,
                              "[BASIC_A, {track: BASIC_E, msr: 0%}, {track: ENHANCED, msr: 2%}]"),
                     "test");
  const auto r3 = simulate(SimulationModel(more), {});
  CHECK(r3.table.payment.leftCols(2) == r.table.payment);
}

TEST_CASE("A different seed gives different draws", "[simulation][reproducibility]") {
  const std::string text = null_aco(1000, "{mode: fixed}", 20);
  const auto a = simulate(SimulationModel(parse_scenario(text, "t")), {});
  const auto b = simulate(SimulationModel(parse_scenario(text, "t", {{"seed", "8"}})), {});
  CHECK(a.table.expenditure != b.table.expenditure);
}
