// Empirical cost mode: resampling a user's own per-beneficiary costs.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "models/empirical_cost.hpp"
#include "sim/common/error.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/scenario_reader.hpp"
#include "tests/support.hpp"

using namespace acosim;
using Catch::Matchers::Contains;

TEST_CASE("Empirical costs are truncated at the percentile and rescaled on request", "[empirical]") {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);  // 1..100
  const EmpiricalCost plain(v, 0.99);
  CHECK(plain.truncation_point() == 99.0);              // order statistic at rank ceil(0.99 x 100)
  CHECK(plain.mean() == Approx((5050.0 - 1.0) / 100));  // 100 truncated to 99
  const EmpiricalCost scaled(v, 1.0, 1000.0);
  CHECK(scaled.mean() == Approx(1000.0));
  CHECK(scaled.truncation_point() == Approx(100.0 * 1000.0 / 50.5));
  // The copula maps z to ranks: z -> -inf gives the smallest value, +inf the largest.
  CHECK(plain.cost(0, -40) == 1.0);
  CHECK(plain.cost(0, 40) == 99.0);
  CHECK(plain.cost(0, 0) == 51.0);  // Phi(0) x 100 = 50 -> the 51st value
  CHECK_THROWS_AS(EmpiricalCost({}, 0.99), std::invalid_argument);
  CHECK_THROWS_AS(EmpiricalCost({1.0, -2.0}, 0.99), std::invalid_argument);
}

TEST_CASE("A run with empirical costs reproduces the data's mean within 3 standard errors",
          "[empirical][statistical]") {
  const Scenario s = load_scenario(ACOSIM_SOURCE_DIR "/scenarios/empirical-costs.yaml",
                                   {{"runs", "400"}, {"true_effect", "0"}});
  REQUIRE(s.empirical[3].has_value());
  CHECK_THAT(s.text, Contains("FNV-1a 64"));
  const auto r = simulate(SimulationModel(s), {});
  const double n = static_cast<double>(s.total_beneficiaries());
  const Eigen::ArrayXd pc = r.table.expenditure.array() / n;
  const double mean = pc.mean();
  const double sd = std::sqrt((pc - mean).square().sum() / (static_cast<double>(pc.size()) - 1.0));
  const double se = sd / std::sqrt(static_cast<double>(pc.size()));
  INFO("sample mean " << mean << " expected " << s.expected_spending_per_capita() << " SE " << se);
  CHECK(std::abs(mean - s.expected_spending_per_capita()) <= 3 * se);
}

TEST_CASE("Bad empirical cost files fail at load naming file, line and column", "[empirical][errors]") {
  const test::TempDir dir("empirical");
  auto scenario_with = [&](const std::string& csv) {
    return "aco: {beneficiaries: 1000}\ncost_model: {empirical: {file: " + dir.write("c.csv", csv).string() +
           "}}\ntracks: [BASIC_A]\n";
  };
  CHECK_THROWS_WITH(
      parse_scenario(scenario_with("enrollment_type,annual_cost\naged_nondual,100\nmartian,5\n"), "s.yaml"),
      Contains("c.csv:3") && Contains("martian"));
  CHECK_THROWS_WITH(parse_scenario(scenario_with("enrollment_type,annual_cost\naged_nondual,-5\n"), "s.yaml"),
                    Contains("c.csv:2") && Contains("-5"));
  CHECK_THROWS_WITH(parse_scenario(scenario_with("enrollment_type,cost\naged_nondual,5\n"), "s.yaml"),
                    Contains("annual_cost"));
  // The ACO has ESRD beneficiaries but the file has none.
  CHECK_THROWS_WITH(parse_scenario(scenario_with("enrollment_type,annual_cost\naged_nondual,5\n"), "s.yaml"),
                    Contains("no esrd rows"));
}
