// The calibrated defaults (sim/engine/calibration.hpp) equal what scripts/calibrate.py fitted and
// documented, and init's forecast and scenario follow the model of docs/calibration.md.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/track.hpp"
#include "sim/engine/calibration.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/puf_scenario.hpp"
#include "sim/input/scenario_reader.hpp"
#include "tests/support.hpp"

using namespace acosim;
namespace fs = std::filesystem;

TEST_CASE("calibration: the C++ defaults equal sim/engine/calibration_defaults.json, which the docs show",
          "[calibration]") {
  const fs::path root(ACOSIM_SOURCE_DIR);
  std::ifstream in(root / "sim" / "engine" / "calibration_defaults.json");
  REQUIRE(in.good());
  const nlohmann::json j = nlohmann::json::parse(in);
  const CalibrationDefaults& c = kCalibration;
  CHECK(j.at("k_claims").get<double>() == c.k_claims);
  CHECK(j.at("k_baseline").get<double>() == c.k_baseline);
  CHECK(j.at("persistence").get<double>() == c.persistence);
  CHECK(j.at("drift_sd").get<double>() == c.drift_sd);
  CHECK(j.at("common_shift_mean").get<double>() == c.common_shift_mean);
  CHECK(j.at("common_shift_sd").get<double>() == c.common_shift_sd);
  CHECK(j.at("quality_persistence").get<double>() == c.quality_persistence);
  CHECK(j.at("quality_sd").get<double>() == c.quality_sd);
  CHECK(j.at("benchmark_growth").get<double>() == c.benchmark_growth);
  const std::string doc = test::slurp(root / "docs" / "calibration.md");
  CHECK(doc.find(fmt::format("| persistence phi | {:.4f} |", c.persistence)) != std::string::npos);
  CHECK(doc.find(fmt::format("| drift sd sigma_d | {:.2f} pp |", 100 * c.drift_sd)) != std::string::npos);
  CHECK(doc.find(fmt::format("| common shift mean gamma | {:.2f} pp |", 100 * c.common_shift_mean)) !=
        std::string::npos);
  CHECK(doc.find(fmt::format("| common shock sd sigma_c | {:.2f} pp |", 100 * c.common_shift_sd)) !=
        std::string::npos);
  CHECK(doc.find(fmt::format("| quality persistence b | {:.4f} |", c.quality_persistence)) !=
        std::string::npos);
}

namespace {

// A synthetic PY2022 BASIC E ACO: 10,000 beneficiaries, 9,750 person-years, savings rate 8%.
PufAcoYear synthetic_aco() {
  PufAcoYear a;
  a.record.aco_id = "A0001";
  a.record.aco_name = "Synthetic ACO";
  a.record.line = 2;
  a.record.track = find_track("BASIC_E");
  a.record.track_label = "E";
  a.record.input.performance_year = 2022;
  a.record.input.assigned_beneficiaries = 10000;
  a.record.input.benchmark = 120e6;
  a.record.input.expenditure = 110.4e6;
  a.record.input.msr_election = MsrElection::fixed(0.01);
  a.record.input.quality_score = 90;
  a.record.high_revenue = true;
  a.record.cms_earned = 2.5e6;
  a.start_date = "01/01/2022";
  a.start_year = 2022;
  a.person_years = 10000;
  a.savings_rate = 0.08;
  const double years[4] = {40, 730, 550, 8680};
  const double spend[4] = {88800, 11400, 17600, 11300};
  for (int e = 0; e < 4; ++e) {
    a.type_years[static_cast<std::size_t>(e)].value = years[e];
    a.type_spending[static_cast<std::size_t>(e)].value = spend[e];
  }
  return a;
}

}  // namespace

TEST_CASE("calibration: the own forecast shrinks the observed rate toward the file's mean by lam and phi",
          "[calibration]") {
  PufYear y;
  y.source = "synthetic";
  y.py = 2022;
  y.mean_savings_rate = 0.04;
  y.tau2 = 0.0012;
  y.mean_quality = 80;
  const PufAcoYear a = synthetic_aco();
  const OwnForecast f = own_forecast(a, y);
  // lam = 0.0012 / (0.0012 + 1.9^2/10000) = 0.768738; mean = 0.04 + 1.0415 x lam x 0.04;
  // sd = sqrt(1.0415^2 x 0.0012 x (1 - lam) + 0.00855^2) (scripts/calibrate.py forecast()).
  CHECK(f.shrinkage == Approx(0.7687379884689302).epsilon(1e-12));
  CHECK(f.mean_rate == Approx(0.07202562459961565).epsilon(1e-12));
  CHECK(f.sd_rate == Approx(0.019342403143999706).epsilon(1e-12));
  CHECK(f.quality_mean == Approx(80 + 0.7231 * 10));
}

TEST_CASE("calibration: init's scenario expects the own forecast plus the common shift and names its sources",
          "[calibration]") {
  PufYear y;
  y.source = "synthetic.csv";
  y.py = 2022;
  y.mean_savings_rate = 0.04;
  y.tau2 = 0.0012;
  y.mean_quality = 80;
  const PufAcoYear a = synthetic_aco();
  const std::string text = scenario_yaml(a, y, track_choices(a, 2023));
  const Scenario s = parse_scenario(text, "synthetic");
  CHECK(s.performance_year == 2023);
  CHECK(s.total_beneficiaries() == 10000);
  CHECK(s.benchmark_mode == BenchmarkMode::Fixed);
  // B = 120M / 10,000 x 1.0296 per beneficiary.
  REQUIRE(s.benchmark_per_capita);
  CHECK(*s.benchmark_per_capita == Approx(12355.20).margin(0.005));
  // With no noise the savings rate is 1 - (1 + e) (expected / per_capita) / u: e gives the own forecast.
  const OwnForecast f = own_forecast(a, y);
  const double r0 = s.expected_spending_per_capita() / *s.benchmark_per_capita;
  CHECK((1 + s.true_effect.mean) * r0 == Approx(1 - f.mean_rate).epsilon(1e-5));
  CHECK(s.true_effect.sd * r0 == Approx(f.sd_rate).epsilon(1e-4));
  CHECK(s.update_factor.mean == Approx(1 + kCalibration.common_shift_mean));
  CHECK(s.update_factor.sd == Approx(kCalibration.common_shift_sd));
  CHECK(s.quality.mean == Approx(87.23).margin(0.006));
  // BASIC E stays at E; the ENHANCED alternative keeps the 1% election.
  REQUIRE(s.tracks.size() == 2);
  CHECK(s.tracks[0].track.id == "BASIC_E");
  CHECK(s.tracks[1].track.id == "ENHANCED");
  CHECK_FALSE(s.tracks[1].election.variable);
  CHECK(s.tracks[1].election.rate == Approx(0.01));
  // Every value line names a column or says it is an assumption.
  std::size_t pos = 0, values = 0;
  while ((pos = text.find('\n', pos)) != std::string::npos) {
    const std::size_t next = text.find('\n', pos + 1);
    const std::string line =
        text.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
    pos = next == std::string::npos ? text.size() : next;
    if (line.empty() || line[0] == '#' || line.find(": ") == std::string::npos || line.find("  - ") == 0)
      continue;
    if (line.rfind("name:", 0) == 0 || line.rfind("description:", 0) == 0) continue;
    ++values;
    INFO(line);
    CHECK(line.find(" # ") != std::string::npos);
  }
  CHECK(values > 15);
}

TEST_CASE("calibration: a BASIC A ACO's choices are the glide step, the hold, the higher levels and ENHANCED",
          "[calibration]") {
  PufAcoYear a = synthetic_aco();
  a.record.track = find_track("BASIC_A");
  a.record.track_label = "A";
  a.start_year = 2020;
  const std::vector<TrackOption> t = track_choices(a, 2023);
  REQUIRE(t.size() == 6);
  CHECK(t[0].yaml.find("BASIC_B") != std::string::npos);  // glide path step
  CHECK(t[1].yaml.find("BASIC_A (hold)") != std::string::npos);
  CHECK(t[2].yaml.find("BASIC_C, msr: variable") != std::string::npos);  // first election assumed variable
  CHECK(t[2].comment.find("assumption") != std::string::npos);
  CHECK(t[5].yaml.find("ENHANCED") != std::string::npos);
  // A 2024 start at B may not hold (benchmark-rules.md §7): B -> C only.
  a.record.track = find_track("BASIC_B");
  a.start_year = 2024;
  const std::vector<TrackOption> u = track_choices(a, 2025);
  CHECK(u[0].yaml.find("BASIC_C") != std::string::npos);
  CHECK(u[1].yaml.find("hold") == std::string::npos);
}
