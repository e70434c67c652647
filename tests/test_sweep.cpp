// Sweeps and tornado (sim/sweep): grid points are bit-identical to plain runs (settle-only and
// re-sampling keys), settle-only points share one sampling pass, ranges and keys are validated
// before any sampling, the tornado ranks a known dominant input first, and the CLI writes files
// that parse and exits 2 on bad input.
#include <H5Cpp.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "sim/common/error.hpp"
#include "sim/engine/agreement.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/sampling_inputs.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/engine/sweep.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/input/sweep_reader.hpp"
#include "sim/output/sweep_io.hpp"
#include "sim/output/tornado_report.hpp"
#include "tests/support.hpp"

using namespace acosim;
namespace fs = std::filesystem;
using namespace acosim::test;
using Catch::Matchers::Contains;

namespace {

// 5,000 beneficiaries (elected MSRs apply from 5,000), few runs: each sampling pass is ~0.1 s.
const std::string kScenario = R"(name: sweep-test
performance_year: 2024
aco:
  beneficiaries: 5000
  participant_revenue: 8.0e6
  low_revenue: true
benchmark:
  mode: historical
  update_factor: {mean: 1.0, sd: 0.01}
true_effect: {mean: -1%, sd: 1%}
quality:
  score: {mean: 83.1, sd: 6.9}
  alternative_probability: 0.9
tracks:
  - BASIC_A
  - {track: BASIC_E, msr: 0%}
  - custom:
      name: contract
      two_sided: true
      sharing_rate: 50%
      loss_rate: 30%
      loss_limit: 5%
      msr: 1%
      quality: all_or_nothing
runs: 120
seed: 11
)";

Scenario base_scenario(const std::vector<Override>& o = {}) {
  return parse_scenario(kScenario, "sweep-test.yaml", o);
}

SimulationResults plain_run(const std::string& text, const std::vector<Override>& o = {}) {
  const Scenario s = parse_scenario(text, "sweep-test.yaml", o);
  RunOptions opt;
  opt.threads = 2;
  return simulate(SimulationModel(s), opt);
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

// Every column of the run tables equal, bit for bit.
void require_same_table(const RunTable& a, const RunTable& b) {
  REQUIRE(a.runs() == b.runs());
  CHECK(a.tracks == b.tracks);
  CHECK(a.payment == b.payment);
  CHECK(a.outcome == b.outcome);
  CHECK(a.benchmark == b.benchmark);
  CHECK(a.expenditure == b.expenditure);
  CHECK(a.true_effect == b.true_effect);
  CHECK(a.benchmark_factor == b.benchmark_factor);
  CHECK(a.quality == b.quality);
  CHECK(a.met_qps == b.met_qps);
  CHECK(a.met_alt_qps == b.met_alt_qps);
  CHECK(a.done == b.done);
}

RunOptions two_threads() {
  RunOptions o;
  o.threads = 2;
  return o;
}

}  // namespace

TEST_CASE("ranges expand inclusively and robustly to float rounding", "[sweep]") {
  CHECK(expand_values("k", "0%:2%:0.5%") == std::vector<std::string>{"0%", "0.5%", "1%", "1.5%", "2%"});
  CHECK(expand_values("k", "0.1:0.3:0.1") == std::vector<std::string>{"0.1", "0.2", "0.3"});
  CHECK(expand_values("k", "0:1:0.1").size() == 11);
  CHECK(expand_values("k", "0:1:0.1").back() == "1");
  CHECK(expand_values("k", "5000:20000:5000") == std::vector<std::string>{"5000", "10000", "15000", "20000"});
  CHECK(expand_values("k", "5:1:-2") == std::vector<std::string>{"5", "3", "1"});
  CHECK(expand_values("k", "1:2:0.4") == std::vector<std::string>{"1", "1.4", "1.8"});  // stop not reached
  CHECK(expand_values("k", "-3%:3%:3%") == std::vector<std::string>{"-3%", "0%", "3%"});
  CHECK(expand_values("k", "5000, 10000,variable") == std::vector<std::string>{"5000", "10000", "variable"});
  CHECK(expand_values("k", "1,2:4:1,9") == std::vector<std::string>{"1", "2", "3", "4", "9"});
  CHECK(expand_values("w", "[0.1, 0.3, 0.6],[0.2,0.3,0.5]").size() == 2);
}

TEST_CASE("bad ranges and value lists name the key and the text", "[sweep]") {
  CHECK_THROWS_WITH(expand_values("aco.beneficiaries", "5:1:1"),
                    Contains("aco.beneficiaries") && Contains("5:1:1") && Contains("empty"));
  CHECK_THROWS_WITH(expand_values("k", "1:5:0"), Contains("'1:5:0'") && Contains("step 0"));
  CHECK_THROWS_WITH(expand_values("k", ""), Contains("sweep key 'k': no values"));
  CHECK_THROWS_WITH(expand_values("k", "1,,2"), Contains("empty value"));
  CHECK_THROWS_WITH(expand_values("k", "a:2:1"), Contains("non-numeric start 'a'"));
  CHECK_THROWS_WITH(expand_values("k", "1:2"), Contains("start:stop:step"));
  CHECK_THROWS_WITH(expand_values("k", "0%:2%:0.005"), Contains("mixes percents"));
  CHECK_THROWS_WITH(expand_values("k", "1,2,1"), Contains("'1' is listed twice"));
  CHECK_THROWS_WITH(expand_values("k", "0:1e6:1"), Contains("at most"));
}

TEST_CASE("key paths: parsing and did-you-mean", "[sweep]") {
  const KeyPath k = parse_key_path("tracks[1].custom.msr");
  REQUIRE(k.parts.size() == 4);
  CHECK(k.parts[1].index == 1);
  CHECK(k.pattern() == "tracks[].custom.msr");
  CHECK_THROWS_WITH(parse_key_path("tracks[x].msr"), Contains("'[x]' is not a list index"));
  CHECK_THROWS_WITH(parse_key_path("aco..beneficiaries"), Contains("empty component"));
  CHECK_THROWS_WITH(parse_key_path("aco."), Contains("ends with"));

  const Scenario base = base_scenario();
  CHECK_THROWS_WITH(
      sweep_axes(base, {"aco.beneficiaris=5000,6000"}),
      Contains("unknown sweep key 'aco.beneficiaris'") && Contains("did you mean 'aco.beneficiaries'"));
  CHECK_THROWS_WITH(sweep_axes(base, {"beneficiaries=5000"}), Contains("did you mean 'aco.beneficiaries'"));
  CHECK_THROWS_WITH(sweep_axes(base, {"tracks[1].mrs=0%,1%"}), Contains("did you mean 'tracks[1].msr'"));
  CHECK_THROWS_WITH(sweep_axes(base, {"tracks[7].msr=0%,1%"}), Contains("index 7 does not exist"));
  CHECK_THROWS_WITH(sweep_axes(base, {"threads=1,2"}), Contains("not a model input"));
  CHECK_THROWS_WITH(sweep_axes(base, {"aco.beneficiaries"}), Contains("expected KEY=VALUES"));
  CHECK_THROWS_WITH(sweep_axes(base, {"runs=10,20", "runs=30"}), Contains("given twice"));
  CHECK_THROWS_WITH(sweep_axes(base, {}), Contains("nothing to sweep"));
}

TEST_CASE("a key is settle-only exactly when its points sample the same runs", "[sweep]") {
  const Scenario base = base_scenario();
  // Keys sampling never reads (sim/engine/sampling_inputs.hpp): one pass serves every value.
  for (const char* vary : {"tracks[1].msr=0%,1%", "tracks[2].custom.sharing_rate=50%,60%",
                           "tracks[1]=BASIC_B,{track: ENHANCED, msr: 1%}", "quality.threshold=70,80",
                           "quality.alternative_probability=0.5,0.9", "aco.participant_revenue=6e6,9e6",
                           "aco.low_revenue=true,false", "aco.agreement_start_year=2019,2022",
                           "aco.euc_relief_fraction=0,0.5", "performance_year=2023,2024"}) {
    INFO(vary);
    const SweepPlan p = plan_grid(base, sweep_axes(base, {vary}));
    CHECK(p.groups == 1);
    CHECK(p.axes[0].settle_only);
  }
  // Keys that change the draws: one pass per value.
  for (const char* vary :
       {"aco.beneficiaries=5000,6000", "true_effect.mean=-1%,0%", "quality.score.mean=80,83",
        "benchmark.update_factor.sd=0.01,0.02", "cost_model.mean_scale=1,1.1", "seed=1,2", "runs=100,120",
        "correlation.effect_quality=0,0.2", "benchmark.persistence=0.5,0.6"}) {
    INFO(vary);
    const SweepPlan p = plan_grid(base, sweep_axes(base, {vary}));
    CHECK(p.groups == 2);
    CHECK_FALSE(p.axes[0].settle_only);
  }
}

TEST_CASE("points the sampling table puts in one pass draw the same runs, bit for bit",
          "[sweep][simulation]") {
  // The table is the only guard: check it against sample_run itself for every settle-only key.
  const Scenario base = base_scenario();
  const SimulationModel base_model(base);
  for (const char* vary :
       {"tracks[1].msr=2%", "tracks[2].custom.loss_rate=40%", "quality.threshold=90",
        "quality.alternative_probability=0.2", "aco.participant_revenue=2e6", "aco.low_revenue=false",
        "aco.agreement_start_year=2019", "aco.euc_relief_fraction=0.5", "performance_year=2023"}) {
    INFO(vary);
    const auto axes = sweep_axes(base, {vary});
    const Scenario point = apply_assignments(base, {{axes[0].key, axes[0].values[0]}});
    REQUIRE(same_samples(base, point));
    const SimulationModel model(point);
    for (std::uint64_t run : {0u, 7u, 119u}) {
      const RunSample a = sample_run(base_model, base.seed, run), b = sample_run(model, point.seed, run);
      CHECK(a.benchmark == b.benchmark);
      CHECK(a.expenditure == b.expenditure);
      CHECK(a.true_effect == b.true_effect);
      CHECK(a.benchmark_factor == b.benchmark_factor);
      CHECK(a.quality == b.quality);
    }
  }
}

TEST_CASE("bad values fail while planning, before any sampling", "[sweep]") {
  const Scenario base = base_scenario();
  auto plan = [&](const std::string& vary) { return plan_grid(base, sweep_axes(base, {vary})); };
  CHECK_THROWS_WITH(plan("aco.beneficiaries=5000,lots"),
                    Contains("aco.beneficiaries=lots") && Contains("'lots' is not a number"));
  CHECK_THROWS_WITH(plan("tracks[1].msr=0%,0.7%"),
                    Contains("tracks[1].msr=0.7%") && Contains("not an allowed election"));
  CHECK_THROWS_WITH(plan("true_effect.mean=-1%,95%"),
                    Contains("true_effect.mean=95%") && Contains("out of range"));
  CHECK_THROWS_AS(plan("aco.beneficiaries=100"), InputError);  // below 500: the scenario's own rule
  const SweepPlan ok = plan("tracks[1].msr=variable,0%:2%:0.5%");
  CHECK(ok.points.size() == 6);
  CHECK(ok.groups == 1);
  CHECK(ok.points[0].scenario.tracks[1].label == "BASIC_E msr=variable");
  CHECK(ok.points[3].scenario.tracks[1].label == "BASIC_E msr=1%");
}

TEST_CASE("the sweep section is read and validated with file positions", "[sweep]") {
  const std::string text = kScenario +
                           "sweep:\n  vary:\n    aco.beneficiaries: [5000, 6000]\n"
                           "    \"tracks[1].msr\": \"0%:2%:1%\"\n";
  const Scenario s = parse_scenario(text, "sweep-test.yaml");
  const auto axes = sweep_axes(s, {});
  REQUIRE(axes.size() == 2);
  CHECK(axes[0].key == "aco.beneficiaries");
  CHECK(axes[1].values == std::vector<std::string>{"0%", "1%", "2%"});
  const SweepPlan p = plan_grid(s, axes);
  CHECK_FALSE(p.axes[0].settle_only);
  CHECK(p.axes[1].settle_only);
  CHECK(p.points.size() == 6);
  CHECK(p.groups == 2);
  CHECK(p.points[4].set[0].value == "6000");  // last axis fastest
  CHECK(p.points[4].set[1].value == "1%");
  const std::string bad = kScenario + "sweep:\n  vary:\n    aco.beneficiaris: [5000]\n";
  CHECK_THROWS_WITH(sweep_axes(parse_scenario(bad, "sweep-test.yaml"), {}),
                    Contains("sweep-test.yaml:") && Contains("did you mean 'aco.beneficiaries'"));
  const std::string empty = kScenario + "sweep:\n  vary:\n    aco.beneficiaries: []\n";
  CHECK_THROWS_WITH(sweep_axes(parse_scenario(empty, "sweep-test.yaml"), {}), Contains("empty list"));
}

TEST_CASE("a sweep's grid points equal plain runs, bit for bit", "[sweep][simulation]") {
  const Scenario base = base_scenario();
  // A re-sampling key x a settle-only key: 2 sampling passes serve 4 points.
  const SweepPlan plan =
      plan_grid(base, sweep_axes(base, {"aco.beneficiaries=5000,5600", "tracks[1].msr=0%,2%"}));
  REQUIRE(plan.points.size() == 4);
  CHECK(plan.groups == 2);
  const SweepResults res = run_sweep(plan, two_threads(), /*keep_tables=*/true);
  CHECK(res.stats.sampling_passes == 2);

  const std::string msr2 = replace(kScenario, "{track: BASIC_E, msr: 0%}", "{track: BASIC_E, msr: 2%}");
  const std::vector<SimulationResults> plain = {plain_run(kScenario), plain_run(msr2),
                                                plain_run(kScenario, {{"aco.beneficiaries", "5600"}}),
                                                plain_run(msr2, {{"aco.beneficiaries", "5600"}})};
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("point " << i);
    require_same_table(res.points[i].results.table, plain[i].table);
    REQUIRE(res.points[i].results.tracks.size() == plain[i].tracks.size());
    for (std::size_t k = 0; k < plain[i].tracks.size(); ++k) {
      CHECK(res.points[i].results.tracks[k].dollars.mean == plain[i].tracks[k].dollars.mean);
      CHECK(res.points[i].results.tracks[k].dollars.es95 == plain[i].tracks[k].dollars.es95);
      CHECK(res.points[i].results.tracks[k].p_losses == plain[i].tracks[k].p_losses);
    }
  }
  // The election matters here, so the test would notice a point settled with the wrong one.
  CHECK(res.points[0].results.table.payment.col(1) != res.points[1].results.table.payment.col(1));
  // Common random numbers: the MSR points share every sampled column.
  CHECK(res.points[0].results.table.expenditure == res.points[1].results.table.expenditure);
}

TEST_CASE("settle-only quality threshold and contract terms equal plain runs", "[sweep][simulation]") {
  const Scenario base = base_scenario();
  // The threshold changes met_qps of stored runs (re-applied without re-sampling); the contract's
  // sharing rate, the participant revenue and the performance year change only settlement.
  const SweepPlan plan = plan_points(
      base, {{{"quality.threshold", "90"}},
             {{"tracks[2].custom.sharing_rate", "65%"}, {"quality.alternative_probability", "0.2"}},
             {{"aco.participant_revenue", "2e6"}},
             {{"performance_year", "2023"}}});
  CHECK(plan.groups == 1);
  const SweepResults res = run_sweep(plan, two_threads(), true);
  const auto t0 = plain_run(
      replace(kScenario, "alternative_probability: 0.9", "alternative_probability: 0.9\n  threshold: 90"));
  const auto t1 = plain_run(replace(replace(kScenario, "sharing_rate: 50%", "sharing_rate: 65%"),
                                    "alternative_probability: 0.9", "alternative_probability: 0.2"));
  const auto t2 = plain_run(kScenario, {{"aco.participant_revenue", "2e6"}});
  require_same_table(res.points[0].results.table, t0.table);
  require_same_table(res.points[1].results.table, t1.table);
  require_same_table(res.points[2].results.table, t2.table);
  // The performance year changes the rules and the default quality standard, not the draws.
  const auto t3 = plain_run(replace(kScenario, "performance_year: 2024", "performance_year: 2023"));
  require_same_table(res.points[3].results.table, t3.table);
  const auto def = plain_run(kScenario);
  CHECK(t0.table.met_qps != def.table.met_qps);  // the threshold did change who met the QPS
}

TEST_CASE("ten settle-only points need one sampling pass", "[sweep][simulation]") {
  const Scenario base = base_scenario();
  const SweepPlan plan = plan_grid(base, sweep_axes(base, {"tracks[2].custom.msr=0%:4.5%:0.5%"}));
  REQUIRE(plan.points.size() == 10);
  CHECK(plan.groups == 1);
  const SweepResults res = run_sweep(plan, two_threads());
  CHECK(res.stats.sampling_passes == 1);
  CHECK(res.points[9].results.table.runs() == 0);  // tables dropped without keep_tables
  // A higher MSR/MLR on a symmetric contract: fewer runs owe losses.
  CHECK(res.points[9].results.tracks[2].p_losses < res.points[0].results.tracks[2].p_losses);
}

TEST_CASE("tornado ranks the dominant input first", "[sweep][tornado][simulation]") {
  const std::string text = kScenario + R"(tornado:
  metric: mean
  track: BASIC_E msr=0%
  inputs:
    quality.score.mean: [82.1, 84.1]
    true_effect.mean: {low: -4%, high: 2%}
    aco.participant_revenue: [6e6, 10e6]
)";
  const Scenario base = parse_scenario(text, "sweep-test.yaml");
  const TornadoSpec spec = tornado_spec(base, {}, "", "");
  REQUIRE(spec.inputs.size() == 3);
  const SweepPlan plan = plan_tornado(base, spec);
  CHECK(plan.points.size() == 7);
  CHECK(plan.groups == 5);  // base + revenue (settle-only) share one pass
  const TornadoResult t = run_tornado(plan, spec, two_threads());
  REQUIRE(t.tracks.size() == 1);
  const TornadoTrack& tr = t.tracks[0];
  CHECK(tr.label == "BASIC_E msr=0%");
  REQUIRE(tr.bars.size() == 3);
  CHECK(tr.bars[0].key == "true_effect.mean");
  CHECK(tr.bars[0].at_low > tr.bars[0].at_high);  // spending less earns more
  CHECK(tr.bars[0].swing > 3 * tr.bars[1].swing);
  CHECK(tr.bars[0].swing >= tr.bars[1].swing);
  CHECK(tr.bars[1].swing >= tr.bars[2].swing);
  // Output parses.
  const auto j = nlohmann::json::parse(tornado_json(t));
  CHECK(j.at("tracks")[0].at("bars")[0].at("input") == "true_effect.mean");
  CHECK(j.at("metric") == "mean");
  std::istringstream csv(tornado_csv(t));
  std::string line;
  std::getline(csv, line);
  CHECK(line == "track,rank,input,low,high,metric,base,at_low,at_high,swing,settle_only");
  std::getline(csv, line);
  CHECK(line.rfind("BASIC_E msr=0%,1,true_effect.mean,-4%,2%,mean,", 0) == 0);

  CHECK_THROWS_WITH(tornado_spec(base, {}, "median", ""), Contains("unknown metric") && Contains("mean"));
  CHECK_THROWS_WITH(plan_tornado(base, tornado_spec(base, {}, "", "BASIC_F")), Contains("no such track"));
  CHECK_THROWS_WITH(tornado_spec(base, {"true_effect.mean=1%"}, "", ""), Contains("KEY=LOW,HIGH"));
}

TEST_CASE("acosim sweep and tornado: files parse, bad input exits 2 before sampling", "[sweep][cli]") {
  if (!fs::exists(ACOSIM_BINARY)) {
    WARN("acosim binary not built: skipped");
    return;
  }
  const TempDir dir("sweep");
  const fs::path scen = dir.write("s.yaml", kScenario + "risk: {max_loss: 3e5, confidence: 90%}\n");
  const fs::path out = dir.path / "sw.h5";
  int status = 0;

  // Bad keys and values: exit 2, a message naming key and value, nothing written.
  struct Bad {
    std::string args, expect;
  };
  for (const Bad& b :
       {Bad{"--vary aco.beneficiaris=5000", "did you mean 'aco.beneficiaries'"},
        Bad{"--vary aco.beneficiaries=5000,abc", "'abc' is not a number"},
        Bad{"--vary aco.beneficiaries=", "no values"}, Bad{"--vary aco.beneficiaries=5:1:1", "range '5:1:1'"},
        Bad{"--vary runs=1:5:0", "step 0"}}) {
    INFO(b.args);
    const std::string log =
        run_acosim(fmt::format("sweep '{}' -q -o '{}' {}", scen.string(), out.string(), b.args), status);
    CHECK(exit_code(status) == 2);
    CHECK_THAT(log, Contains(b.expect));
    CHECK_FALSE(fs::exists(out));
  }

  const std::string text =
      run_acosim(fmt::format("sweep '{}' -o '{}' --vary tracks[1].msr=0%,2% --vary runs=60,80 --threads 2",
                             scen.string(), out.string()),
                 status);
  CHECK(exit_code(status) == 0);
  INFO(text);
  CHECK_THAT(text, Contains("P(losses)") && Contains("ES95") && Contains("BASIC Level E, 2% MSR/MLR") &&
                       Contains("Fits"));
  // CSV: header + 4 points x 3 tracks, same field count everywhere (labels hold no commas here).
  std::istringstream csv(slurp(dir.path / "sw.csv"));
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(csv, line);) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) f.push_back(cell);
    rows.push_back(f);
  }
  REQUIRE(rows.size() == 13);
  CHECK(rows[0][1] == "tracks[1].msr");
  CHECK(rows[0][2] == "runs");
  for (const auto& r : rows) CHECK(r.size() == rows[0].size());
  // People read the keys in words; the raw key is named once, in the heading.
  CHECK_THAT(slurp(dir.path / "sw.md"), Contains("| MSR/MLR election of track 2 | Runs | Track |") &&
                                            Contains("MSR/MLR election of track 2 (tracks[1].msr, 2 values"));
  // HDF5: the /sweep group with keys and per-point summaries.
  H5::H5File f(out.string(), H5F_ACC_RDONLY);
  std::string format;
  f.openAttribute("format").read(f.openAttribute("format").getStrType(), format);
  CHECK(format == "acosim-sweep");
  H5::DataSet mean = f.openDataSet("/sweep/summary/dollars/mean");
  hsize_t dims[2] = {0, 0};
  mean.getSpace().getSimpleExtentDims(dims);
  CHECK(dims[0] == 4);
  CHECK(dims[1] == 3);
  CHECK(f.nameExists("/sweep/risk/certainty_equivalent"));
  f.close();

  const fs::path tcsv = dir.path / "t.csv";
  run_acosim(
      fmt::format("tornado '{}' -q -o '{}' --input true_effect.mean=-4%,2% --input quality.score.mean=82,84 "
                  "--metric p5 --track 1",
                  scen.string(), tcsv.string()),
      status);
  CHECK(exit_code(status) == 0);
  const auto j = nlohmann::json::parse(slurp(dir.path / "t.json"));
  CHECK(j.at("metric") == "p5");
  CHECK(j.at("tracks")[0].at("bars")[0].at("input") == "true_effect.mean");
  const std::string median = run_acosim(
      fmt::format("tornado '{}' -q --input true_effect.mean=-4%,2% --metric median", scen.string()), status);
  CHECK(exit_code(status) == 2);
  CHECK_THAT(median, Contains("median"));
}

TEST_CASE("acosim tornado writes the format its -o names and refuses others before sampling",
          "[sweep][cli]") {
  if (!fs::exists(ACOSIM_BINARY)) {
    WARN("acosim binary not built: skipped");
    return;
  }
  const TempDir dir("tornado-formats");
  const fs::path scen = dir.write("s.yaml", kScenario);
  const std::string base = fmt::format(
      "tornado '{}' -q --runs 60 --input true_effect.mean=-4%,2% --input quality.score.mean=82,84",
      scen.string());
  int status = 0;
  const auto run_to = [&](const std::string& name, const std::string& extra = "") {
    return run_acosim(fmt::format("{} -o '{}' {}", base, (dir.path / name).string(), extra), status);
  };
  run_to("t.md");
  CHECK(exit_code(status) == 0);
  const std::string md = slurp(dir.path / "t.md");
  CHECK_THAT(md, Contains("| Rank | Input | Low | High | At low | At high | Swing |") &&
                     Contains("| 1 | True effect on spending (mean) | -4% | 2% |"));
  CHECK_FALSE(fs::exists(dir.path / "t.json"));  // a JSON companion only beside a CSV table
  run_to("t.html");
  CHECK(exit_code(status) == 0);
  const std::string html = slurp(dir.path / "t.html");
  CHECK_THAT(html, Contains("<svg") && Contains("Tornado of mean net payment for BASIC Level A") &&
                       Contains("input at its high value") && Contains("Quality score (mean)") &&
                       Contains("(commit ") && Contains("seed 11: 5 simulations"));
  const std::string text = run_acosim(base + " -o -", status);
  CHECK(exit_code(status) == 0);
  CHECK_THAT(text, Contains("Rank") && Contains("True effect on spending (mean)"));
  // CSV: amounts to the cent (no 17-digit floats), the JSON beside it.
  run_to("t.csv");
  CHECK(exit_code(status) == 0);
  std::istringstream csv(slurp(dir.path / "t.csv"));
  std::string line;
  std::getline(csv, line);
  CHECK(line == "track,rank,input,low,high,metric,base,at_low,at_high,swing,settle_only");
  int rows = 0;
  for (; std::getline(csv, line); ++rows) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) f.push_back(cell);
    REQUIRE(f.size() == 11);
    for (std::size_t k = 6; k <= 9; ++k) {
      INFO(line);
      const auto dot = f[k].find('.');
      CHECK((dot == std::string::npos || f[k].size() - dot - 1 <= 2));
    }
  }
  CHECK(rows == 6);  // 3 tracks x 2 inputs
  CHECK(nlohmann::json::parse(slurp(dir.path / "t.json")).at("format") == "acosim-tornado");
  // Refused before any work, nothing written.
  struct Bad {
    std::string name, extra, expect;
  };
  for (const Bad& b :
       {Bad{"t.xlsx", "", "a tornado has no workbook; allowed for a tornado: text, md, html"},
        Bad{"t.foo", "", "unknown extension .foo"},
        Bad{"u.csv", "--json u.txt", "--json u.txt: writes JSON, but .txt names another format"},
        Bad{"u.csv", "--format pdf", "--format pdf: unknown report format"}}) {
    INFO(b.name + " " + b.extra);
    const std::string log = run_to(b.name, b.extra);
    CHECK(exit_code(status) == 2);
    CHECK_THAT(log, Contains(b.expect));
    CHECK_FALSE(fs::exists(dir.path / b.name));
    CHECK_FALSE(fs::exists(dir.path / "u.txt"));
  }
}

TEST_CASE("a sweep over an agreement scenario equals plain agreement runs, bit for bit",
          "[sweep][agreement]") {
  const Scenario base = load_scenario(ACOSIM_SOURCE_DIR "/scenarios/agreement-paths.yaml",
                                      {{"runs", "24"}, {"aco.beneficiaries", "5000"}});
  const SweepPlan plan = plan_grid(base, sweep_axes(base, {"agreement.turnover=0.1,0.2"}));
  REQUIRE(plan.points.size() == 2);
  const SweepResults res = run_sweep(plan, two_threads(), /*keep_tables=*/true);
  for (std::size_t i = 0; i < 2; ++i) {
    const Scenario s = load_scenario(
        ACOSIM_SOURCE_DIR "/scenarios/agreement-paths.yaml",
        {{"runs", "24"}, {"aco.beneficiaries", "5000"}, {"agreement.turnover", i == 0 ? "0.1" : "0.2"}});
    const AgreementResults plain = simulate_agreement(AgreementModel(s), two_threads());
    INFO("point " << i);
    REQUIRE(res.points[i].results.table.tracks == plain.results.table.tracks);
    CHECK(res.points[i].results.table.payment == plain.results.table.payment);
  }
  // Turnover changes later years, so the two points differ.
  CHECK(res.points[0].results.table.payment != res.points[1].results.table.payment);
}
