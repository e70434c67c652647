// Scenario loading: defaults, overrides, and bad scenarios that fail at load with file, line and key.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "sim/common/error.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/scenario_reader.hpp"
#include "tests/support.hpp"

using namespace acosim;
using Catch::Matchers::Contains;

namespace {

const char* kGood = R"(performance_year: 2024
aco:
  beneficiaries: 10000
  participant_revenue: 3.0e7
tracks:
  - BASIC_A
  - {track: BASIC_E, msr: 1%}
)";

void expect_error(const std::string& text, const std::vector<std::string>& fragments) {
  INFO(text);
  test::check_input_error([&] { parse_scenario(text, "bad.yaml"); }, fragments);
}

}  // namespace

TEST_CASE("A minimal scenario loads with documented defaults", "[scenario]") {
  const Scenario s = parse_scenario(kGood, "good.yaml");
  CHECK(s.total_beneficiaries() == 10000);
  // National mix 0.4 / 7.3 / 5.5 / 86.8% (cost-model.md §2), largest remainder.
  CHECK(s.beneficiaries[0] == 40);
  CHECK(s.beneficiaries[1] == 730);
  CHECK(s.beneficiaries[2] == 550);
  CHECK(s.beneficiaries[3] == 8680);
  CHECK(s.qps_threshold.value() == 77.05);  // PY2024, spec §3.3
  CHECK(s.tracks.size() == 2);
  CHECK(s.tracks[1].label == "BASIC_E msr=1%");
  CHECK_FALSE(s.tracks[1].election.variable);
  CHECK(s.tracks[1].election.rate == 0.01);
  CHECK(s.benchmark_mode == BenchmarkMode::Historical);
  CHECK(s.name == "good");
}

TEST_CASE("Overrides (--set) replace any key before validation", "[scenario]") {
  const Scenario s = parse_scenario(
      kGood, "good.yaml", {{"aco.beneficiaries", "20000"}, {"true_effect.mean", "-2%"}, {"runs", "77"}});
  CHECK(s.total_beneficiaries() == 20000);
  CHECK(s.true_effect.mean == Approx(-0.02));
  CHECK(s.runs == 77);
  CHECK_THAT(s.text, Contains("20000"));
  CHECK_THROWS_AS(parse_override("no_equals_sign"), InputError);
}

TEST_CASE("Bad scenarios fail at load naming file, line and key", "[scenario][errors]") {
  // unknown key, with a suggestion
  expect_error("aco: {beneficiaries: 10000}\ntracks: [BASIC_A]\nrunz: 5\n",
               {"bad.yaml:3:1", "runz", "did you mean 'runs'"});
  // wrong type
  expect_error("aco: {beneficiaries: many}\ntracks: [BASIC_A]\n",
               {"bad.yaml:1", "aco.beneficiaries", "'many' is not a number"});
  // probability outside [0, 1]
  expect_error("aco: {beneficiaries: 10000}\ntracks: [BASIC_A]\nquality: {alternative_probability: 1.5}\n",
               {"bad.yaml:3", "quality.alternative_probability", "1.5", "[0, 1]"});
  // zero beneficiaries
  expect_error("aco: {beneficiaries: 0}\ntracks: [BASIC_A]\n", {"bad.yaml:1", "aco.beneficiaries"});
  // unknown track
  expect_error("aco: {beneficiaries: 10000}\ntracks: [BASIC_F]\n",
               {"bad.yaml:2", "tracks[0]", "BASIC_F", "ENHANCED"});
  // two-sided track without its election
  expect_error("aco: {beneficiaries: 10000, participant_revenue: 1.0e7}\ntracks: [BASIC_E]\n",
               {"tracks[0]", "msr"});
  // an election CMS does not offer
  expect_error(
      "aco: {beneficiaries: 10000, participant_revenue: 1.0e7}\ntracks: [{track: ENHANCED, msr: 3%}]\n",
      {"tracks[0].msr", "3%", "0.5%"});
  // BASIC C-E without participant revenue
  expect_error("aco: {beneficiaries: 10000}\ntracks: [{track: BASIC_D, msr: 0}]\n", {"participant_revenue"});
  // historic track in a current year
  expect_error("aco: {beneficiaries: 10000}\ntracks: [TRACK_1]\n", {"TRACK_1", "PY2024"});
  // correlation matrix not positive definite
  expect_error(
      "aco: {beneficiaries: 10000}\ntracks: [BASIC_A]\ncorrelation: {effect_benchmark: 0.9, effect_quality: "
      "0.9, benchmark_quality: -0.9}\n",
      {"correlation", "positive definite"});
  // Track 2 of 2012-2015 starts had a flat 2% MSR/MLR (settlement-rules.md §1.2)
  expect_error("performance_year: 2013\naco: {beneficiaries: 10000}\ntracks: [{track: TRACK_2, msr: 1%}]\n",
               {"tracks[0].msr", "flat 2% MSR/MLR"});
  expect_error(
      "performance_year: 2016\naco: {beneficiaries: 10000, agreement_start_year: 2014}\ntracks: [{track: "
      "TRACK_2, msr: variable}]\n",
      {"tracks[0].msr", "flat 2% MSR/MLR"});
  // PY2027 has no published QPS threshold (benchmark-rules.md §8)
  expect_error("performance_year: 2027\naco: {beneficiaries: 10000}\ntracks: [BASIC_A]\n",
               {"quality.threshold", "PY2027"});
  // below 500 beneficiaries
  expect_error("aco: {beneficiaries: 300}\ntracks: [BASIC_A]\n", {"300", "500"});
  // not YAML
  expect_error("aco: [unclosed\n", {"bad.yaml:", "not valid YAML"});
  // negative sd
  expect_error("aco: {beneficiaries: 10000}\ntracks: [BASIC_A]\ntrue_effect: {mean: 0, sd: -1}\n",
               {"true_effect.sd"});
  // weights not summing to 1
  expect_error("aco: {beneficiaries: 10000}\nbenchmark: {weights: [0.2, 0.3, 0.6]}\ntracks: [BASIC_A]\n",
               {"benchmark.weights", "sum to 1"});
  // bad cost model parameter
  expect_error("aco: {beneficiaries: 10000}\ncost_model: {shape: {p_zero: 1.2}}\ntracks: [BASIC_A]\n",
               {"cost_model.shape.p_zero", "1.2"});
}

TEST_CASE("A missing scenario file is a clear error", "[scenario][errors]") {
  CHECK_THROWS_WITH(load_scenario("/nonexistent/x.yaml"), Contains("/nonexistent/x.yaml"));
}

TEST_CASE("The shipped scenarios all load", "[scenario]") {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(ACOSIM_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    CHECK_NOTHROW(load_scenario(entry.path()));
    ++n;
  }
  CHECK(n >= 4);
}
