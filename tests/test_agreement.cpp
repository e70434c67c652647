// Whole agreement periods (sim/engine/agreement.hpp): the one-year agreement reproduces the single-year
// engine bit for bit; the panel shows the configured persistence and turnover; the shipped path
// comparison gives sane orderings; results do not depend on the thread count; bad agreement
// sections fail at load with file:line:key.
#include <catch2/catch.hpp>

#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include <unistd.h>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/engine/agreement.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/output/agreement_file.hpp"
#include "sim/output/agreement_report.hpp"
#include "sim/output/hdf5_io.hpp"
#include "sim/output/report.hpp"
#include "tests/support.hpp"

using namespace acosim;
namespace fs = std::filesystem;
using namespace acosim::test;

namespace {

std::string scenario_text(const std::string& benchmark, long n, const std::string& agreement,
                          long runs = 100) {
  return fmt::format(R"(
performance_year: 2024
aco: {{beneficiaries: {}, participant_revenue: 3.0e7, low_revenue: true, agreement_start_year: 2024}}
benchmark: {}
true_effect: {{mean: -1%, sd: 2%}}
quality: {{score: {{mean: 80, sd: 7}}, alternative_probability: 0.5}}
correlation: {{effect_quality: 0.3}}
tracks:
  - BASIC_A
  - {{track: BASIC_E, msr: 0%}}
  - {{track: ENHANCED, msr: 1%}}
  - {{track: BASIC_C, msr: variable}}
agreement: {}
runs: {}
seed: 99
)",
                     n, benchmark, agreement, runs);
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Collects each (year, type) panel's costs and replacement flags.
struct Recorder : PanelObserver {
  std::vector<std::vector<double>> costs;  // by year (type 3 only)
  std::vector<std::vector<std::uint8_t>> replaced;
  void observe(int year, int type, std::span<const double> c, std::span<const std::uint8_t> r) override {
    if (type != 3) return;
    if (costs.size() <= static_cast<std::size_t>(year)) {
      costs.resize(static_cast<std::size_t>(year) + 1);
      replaced.resize(static_cast<std::size_t>(year) + 1);
    }
    costs[static_cast<std::size_t>(year)].assign(c.begin(), c.end());
    replaced[static_cast<std::size_t>(year)].assign(r.begin(), r.end());
  }
};

// Indices of the top `share` of costs (ties broken by index).
std::vector<char> top_set(const std::vector<double>& c, double share) {
  std::vector<std::size_t> idx(c.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  const auto k = static_cast<std::size_t>(std::llround(share * static_cast<double>(c.size())));
  std::nth_element(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
                   [&](std::size_t a, std::size_t b) { return c[a] > c[b] || (c[a] == c[b] && a < b); });
  std::vector<char> in(c.size(), 0);
  for (std::size_t i = 0; i < k; ++i) in[idx[i]] = 1;
  return in;
}

std::string load_error(const std::string& agreement_yaml) {
  const std::string text = fmt::format(R"(performance_year: 2024
aco: {{beneficiaries: 6000, participant_revenue: 1.0e7}}
tracks: [BASIC_A]
agreement:
{}
)",
                                       agreement_yaml);
  try {
    const Scenario s = parse_scenario(text, "bad.yaml");
    const AgreementModel m(s);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("A one-year agreement reproduces the single-year engine bit for bit", "[agreement]") {
  for (const std::string benchmark :
       {"{mode: historical, persistence: 0.52, update_factor: {mean: 1.0, sd: 0.01}}",
        "{mode: fixed, per_capita: expected, update_factor: {mean: 1.01, sd: 0.02}}"}) {
    for (const long n : {3001L, 6000L}) {
      const std::string agreement = R"({years: 1, paths: [{fixed: BASIC_A}, {fixed: BASIC_E, msr: 0%},
        {fixed: ENHANCED, msr: 1%}, {fixed: BASIC_C, msr: variable}, {glide: C, msr: 0%}]})";
      const Scenario s = parse_scenario(scenario_text(benchmark, n, agreement, 150), "one-year.yaml");
      const SimulationResults single = simulate(SimulationModel(s), {});
      const AgreementResults ar = simulate_agreement(AgreementModel(s), {});
      const RunTable& a = ar.results.table;
      const RunTable& b = single.table;
      const int width = kPathSummaryColumns + 1;
      // Path p's "year 1" (and total) column against the single-year track with the same rules.
      const std::array<int, 4> track_of_path = {0, 1, 2, 3};
      long compared = 0;
      for (long run = 0; run < s.runs; ++run) {
        REQUIRE(same_bits(a.expenditure(run), b.expenditure(run)));
        REQUIRE(same_bits(a.benchmark(run), b.benchmark(run)));
        REQUIRE(same_bits(a.quality(run), b.quality(run)));
        REQUIRE(same_bits(a.true_effect(run), b.true_effect(run)));
        REQUIRE(a.met_alt_qps(run) == b.met_alt_qps(run));
        for (std::size_t p = 0; p < track_of_path.size(); ++p) {
          const long col = static_cast<long>(p) * width + kPathSummaryColumns;
          REQUIRE(same_bits(a.payment(run, col), b.payment(run, track_of_path[p])));
          REQUIRE(a.outcome(run, col) == b.outcome(run, track_of_path[p]));
          REQUIRE(same_bits(a.payment(run, col - kPathSummaryColumns),
                            b.payment(run, track_of_path[p])));  // total
          ++compared;
        }
      }
      INFO(benchmark << " n=" << n);
      CHECK(compared == 4 * s.runs);
    }
  }
}

TEST_CASE("A one-year agreement reproduces the single-year engine in the empirical cost mode",
          "[agreement]") {
  for (const char* mode : {"fixed", "historical"}) {
    const Scenario s =
        load_scenario(source_path("scenarios/empirical-costs.yaml"),
                      {{"runs", "40"},
                       {"aco.beneficiaries", "3001"},
                       {"benchmark", fmt::format("{{mode: {}}}", mode)},
                       {"agreement", "{years: 1, paths: [{fixed: BASIC_A}, {fixed: ENHANCED, msr: 1%}]}"}});
    const SimulationResults single = simulate(SimulationModel(s), {});
    const AgreementResults ar = simulate_agreement(AgreementModel(s), {});
    for (long run = 0; run < s.runs; ++run) {
      REQUIRE(same_bits(ar.results.table.expenditure(run), single.table.expenditure(run)));
      REQUIRE(same_bits(ar.results.table.payment(run, kPathSummaryColumns), single.table.payment(run, 0)));
      REQUIRE(same_bits(ar.results.table.payment(run, (kPathSummaryColumns + 1) + kPathSummaryColumns),
                        single.table.payment(run, 2)));
    }
  }
}

TEST_CASE("The panel keeps ~30% of the top decile at rho 0.52 and replaces the configured share",
          "[agreement][statistical]") {
  // Persistence: 200,000 aged/non-dual beneficiaries, no turnover, top decile of PY1 vs PY2. Binomial
  // SE of the retention with 20,000 top-decile members: sqrt(0.3 x 0.7 / 20000) = 0.32 pp, so the
  // +-3 pp acceptance band (cost-model §3: ~30%, Yoon 2018 32%) is ~9 SE.
  {
    const std::string agreement = "{years: 2, start_year: 2022, turnover: 0, paths: [{fixed: BASIC_A}]}";
    const Scenario s =
        parse_scenario(scenario_text("{mode: historical, persistence: 0.52}", 200000, agreement, 1),
                       "persist.yaml", {{"aco.beneficiaries", "{aged_nondual: 200000}"}});
    const AgreementModel m(s);
    PanelWorkspace ws;
    Recorder rec;
    sample_agreement(m, 12345, 0, ws, &rec);
    REQUIRE(rec.costs.size() == 2);
    const auto top1 = top_set(rec.costs[0], 0.10), top2 = top_set(rec.costs[1], 0.10);
    long in1 = 0, both = 0;
    for (std::size_t i = 0; i < top1.size(); ++i) {
      in1 += top1[i];
      both += top1[i] && top2[i];
    }
    const double retention = static_cast<double>(both) / static_cast<double>(in1);
    const double se = std::sqrt(retention * (1 - retention) / static_cast<double>(in1));
    WARN(fmt::format(
        "top-decile retention PY1 -> PY2 at rho 0.52: {:.2f}% (SE {:.2f} pp, {} in the top decile)",
        100 * retention, 100 * se, in1));
    CHECK(std::abs(retention - 0.30) <= 0.03);
  }
  // Turnover: 100,000 slots x 3 later years at 16%: SE = sqrt(0.16 x 0.84 / 300000) = 0.067 pp.
  {
    const std::string agreement = "{years: 4, start_year: 2021, turnover: 0.16, paths: [{fixed: BASIC_A}]}";
    const Scenario s =
        parse_scenario(scenario_text("{mode: historical}", 100000, agreement, 1), "turnover.yaml",
                       {{"performance_year", "2021"}, {"aco.agreement_start_year", "2021"}});
    const AgreementModel m(s);
    PanelWorkspace ws;
    Recorder rec;
    const AgreementSample r = sample_agreement(m, 777, 3, ws, &rec);
    long replaced = 0;
    for (int y = 1; y < 4; ++y) replaced += r.year[static_cast<std::size_t>(y)].replaced;
    CHECK(r.year[0].replaced == 0);
    const double slots = 3.0 * 100000;
    const double share = static_cast<double>(replaced) / slots;
    const double se = std::sqrt(0.16 * 0.84 / slots);
    WARN(fmt::format("replaced share per year: {:.4f}% (configured 16%, SE {:.3f} pp)", 100 * share,
                     100 * se));
    CHECK(std::abs(share - 0.16) <= 3 * se);
    // The replaced slots' costs are independent of their predecessors': the top-decile retention
    // among replaced slots is ~10% (chance), not ~30%.
    const auto top1 = top_set(rec.costs[0], 0.10), top2 = top_set(rec.costs[1], 0.10);
    long in1 = 0, both = 0;
    for (std::size_t i = 0; i < top1.size(); ++i) {
      if (!rec.replaced[1][i]) continue;
      in1 += top1[i];
      both += top1[i] && top2[i];
    }
    CHECK(static_cast<double>(both) / static_cast<double>(in1) < 0.16);
  }
}

TEST_CASE("The shipped path comparison gives sane orderings", "[agreement]") {
  const Scenario s = load_scenario(source_path("scenarios/agreement-paths.yaml"), {{"runs", "200"}});
  const AgreementModel m(s);
  CHECK(m.spec().rules_note().find("PY2028 settled under PY2027 rules") != std::string::npos);
  const AgreementResults ar = simulate_agreement(m, {});
  const RunTable& t = ar.results.table;
  const int years = 5, width = kPathSummaryColumns + years;
  REQUIRE(ar.path_labels == std::vector<std::string>{"BASIC_E msr=1%", "glide A-E msr=1%", "glide A hold A",
                                                     "ENHANCED msr=1%"});
  REQUIRE(t.tracks[static_cast<std::size_t>(width + kPathSummaryColumns + 2)] == "glide A-E msr=1% year 3");
  auto pay = [&](int path, int y, long run) {
    return t.payment(run, path * width + kPathSummaryColumns + y);
  };
  auto outcome = [&](int path, int y, long run) {
    return static_cast<Outcome>(t.outcome(run, path * width + kPathSummaryColumns + y));
  };
  long e_owed = 0, glide_owed = 0;
  for (long run = 0; run < s.runs; ++run) {
    for (int y = 0; y < years; ++y) {
      // Glide A-E is one-sided in PY1-PY2 (A, B); holding A never owes.
      if (y < 2) CHECK(pay(1, y, run) >= 0);
      CHECK(pay(2, y, run) >= 0);
      // Same MSR/MLR, same outcomes: ENHANCED (40-75% loss rate) owes at least what BASIC E (30%)
      // owes; above the MSR ENHANCED shares 75% where BASIC E shares 50%. (Below the MSR a
      // low-revenue BASIC ACO of a 2024+ agreement still gets the half rate, 425.605(h); ENHANCED not.)
      if (pay(0, y, run) < 0) CHECK(pay(3, y, run) <= pay(0, y, run));
      if (pay(0, y, run) > 0 && outcome(3, y, run) != Outcome::BelowMsr)
        CHECK(pay(3, y, run) >= pay(0, y, run));
      if (outcome(3, y, run) == Outcome::SharedSavings) CHECK(outcome(0, y, run) == Outcome::SharedSavings);
      // The glide path (same 1% MLR) owes only when BASIC E owes.
      if (pay(1, y, run) < 0) CHECK(pay(0, y, run) < 0);
    }
    e_owed += ar.runs.any_year_owed(run, 0);
    glide_owed += ar.runs.any_year_owed(run, 1);
    CHECK(ar.runs.any_year_owed(run, 2) == 0);
  }
  CHECK(glide_owed <= e_owed);
  const auto& tr = ar.results.tracks;
  CHECK(tr[3 * width].dollars.sd > tr[0].dollars.sd);  // ENHANCED total spreads wider than BASIC E
  CHECK(tr[2 * width + 2].p_losses == 0.0);            // hold A: P(owes in any year) = 0
  CHECK(tr[2].p_losses == Approx(static_cast<double>(e_owed) / static_cast<double>(s.runs)));
  // Turnover and the benchmark update are visible in the per-year samples.
  CHECK(ar.runs.replaced.col(0).sum() == 0);
  CHECK(ar.runs.replaced.col(1).minCoeff() > 0);
  CHECK(ar.runs.risk_ratio.maxCoeff() <= 1.03 + 1e-12);
  // Pairs compare the same column across paths only.
  for (const PairSummary& p : ar.results.pairs) CHECK(p.index_a % width == p.index_b % width);
  CHECK(ar.results.pairs.size() == 6u * static_cast<std::size_t>(width));
  // Reports work on agreement results.
  const std::string text = report_text(ar.results) + agreement_report(ar, "text");
  CHECK(text.find("glide A-E msr=1% total") != std::string::npos);
  CHECK(text.find("PY2028*") != std::string::npos);
}

TEST_CASE("Agreement results are bit-identical for 1 and 2 threads and round-trip through HDF5",
          "[agreement]") {
  const Scenario s = load_scenario(source_path("scenarios/agreement-paths.yaml"),
                                   {{"runs", "48"},
                                    {"aco.beneficiaries", "5000"},
                                    {"agreement.renewal", "{years: 2}"},
                                    {"agreement.future_rules", "carry_forward"}});
  const AgreementModel m(s);
  RunOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const AgreementResults a = simulate_agreement(m, one);
  const AgreementResults b = simulate_agreement(m, two);
  REQUIRE(a.results.table.payment.size() == b.results.table.payment.size());
  CHECK(std::memcmp(a.results.table.payment.data(), b.results.table.payment.data(),
                    sizeof(double) * static_cast<std::size_t>(a.results.table.payment.size())) == 0);
  CHECK(a.results.table.outcome == b.results.table.outcome);
  CHECK(std::memcmp(a.runs.benchmark.data(), b.runs.benchmark.data(),
                    sizeof(double) * static_cast<std::size_t>(a.runs.benchmark.size())) == 0);
  CHECK(a.runs.replaced == b.runs.replaced);
  CHECK(a.performance_year.size() == 7u);  // 5 + rebased renewal of 2

  const TempDir tmp("agreement");
  const fs::path& dir = tmp.path;
  const fs::path file = dir / "a.h5";
  write_agreement_results(file, a);
  const SimulationResults back = read_results(file);
  CHECK(back.table.tracks == a.results.table.tracks);
  CHECK(back.table.payment == a.results.table.payment);
  CHECK(back.pairs.size() == a.results.pairs.size());
  {
    H5::H5File h5(file.string(), H5F_ACC_RDONLY);
    H5::DataSet ds = h5.openDataSet("/agreement/benchmark");
    hsize_t dims[2];
    ds.getSpace().getSimpleExtentDims(dims);
    CHECK(dims[0] == 48);
    CHECK(dims[1] == 7);
    std::vector<double> v(48 * 7);
    ds.read(v.data(), H5::PredType::NATIVE_DOUBLE);
    CHECK(v[7 + 6] == a.runs.benchmark(1, 6));  // row-major
  }
  CHECK(report_markdown(back).find("ENHANCED msr=1% PV") != std::string::npos);
}

TEST_CASE("The rebased renewal takes its benchmark from the last three years", "[agreement]") {
  const Scenario s = load_scenario(source_path("scenarios/agreement-paths.yaml"),
                                   {{"aco.beneficiaries", "5000"},
                                    {"agreement.renewal", "{years: 2, prior_savings_share: 0}"},
                                    {"agreement.risk_score_growth", "0"},
                                    {"agreement.growth", "{mean: 1.04, sd: 0}"}});
  const AgreementModel m(s);
  PanelWorkspace ws;
  const AgreementSample r = sample_agreement(m, 5, 11, ws);
  // growth sd 0: trend-to-PY5 factors are 1.04^2, 1.04, 1 for PY3, PY4, PY5.
  const double rebased =
      (r.year[2].expenditure * 1.04 * 1.04 + r.year[3].expenditure * 1.04 + r.year[4].expenditure) / 3.0;
  CHECK(r.rebased_base == Approx(rebased).epsilon(1e-12));
  // Renewal PY1: (2/3) x 1.04 + (1/3) x 1.049 (the ACPT carried to the renewal).
  CHECK(r.year[5].benchmark == Approx(rebased * (2.0 / 3.0 * 1.04 + 1.0 / 3.0 * 1.049)).epsilon(1e-12));
  CHECK(r.year[5].risk_ratio == 1.0);
}

TEST_CASE("Glide paths advance one level a year, may hold at A or B from PY2023, and lock the election",
          "[agreement]") {
  const std::string agreement =
      R"({years: 5, start_year: 2021, paths: [{glide: A, hold: A}, {glide: A, hold: B},
    {glide: B, msr: 0%}, {glide: A, msr: 1%}, {fixed: ENHANCED, msr: variable}]})";
  const AgreementModel m(parse_scenario(scenario_text("{mode: historical}", 6000, agreement), "glide.yaml"));
  auto levels = [&](std::size_t p) {
    std::string out;
    for (const TrackChoice& c : m.spec().paths[p].by_year) out += c.track.id.back();
    return out;
  };
  CHECK(levels(0) == "ABBBB");  // forced to B in PY2022 (before the PY2023 rule), then holds at B
  CHECK(levels(1) == "ABBBB");
  CHECK(levels(2) == "BCDEE");
  CHECK(levels(3) == "ABCDE");
  CHECK(levels(4) == "DDDDD");  // ENHANCED
  for (const TrackChoice& c : m.spec().paths[3].by_year) {
    if (c.track.two_sided) CHECK((!c.election.variable && c.election.rate == 0.01));
  }
  CHECK(m.spec().paths[3].label == "glide A-E msr=1%");
  CHECK(m.spec().paths[0].label == "glide A hold A");
  CHECK(m.spec().rules_note().find("settled under") == std::string::npos);  // PY2021-PY2025 all have rules
  // A 2024 start holds A from PY2025 on.
  const AgreementModel m2(
      parse_scenario(scenario_text("{mode: historical}", 6000,
                                   "{years: 4, acpt: 4.9%, growth: 1.04, paths: [{glide: A, hold: A}]}"),
                     "glide.yaml"));
  CHECK(m2.spec().paths[0].by_year[2].track.id == "BASIC_A");
  // PY2025 has its QPS value (76.70, benchmark-rules.md §8); PY2027 has none published: the PY2026
  // one is used and the output says so.
  CHECK(m2.spec().rules_note().find("PY2025 has no published") == std::string::npos);
  CHECK(m2.spec().rules_note().find(
            "PY2027 has no published quality standard value in the spec: used PY2026's value 73.85") !=
        std::string::npos);
}

TEST_CASE("Bad agreement sections fail at load with file:line:key", "[agreement][validation]") {
  struct Case {
    std::string yaml, expect;
  };
  const std::vector<Case> cases = {
      {"  years: 7", "bad.yaml:5:10: key 'agreement.years': value 7 is out of range; allowed: 1 to 6"},
      {"  turnovr: 0.1\n  paths: [{fixed: BASIC_A}]",
       "key 'agreement.turnovr': unknown key (did you mean 'turnover'?)"},
      {"  years: 2\n  start_year: 2022", "bad.yaml:5:3: key 'agreement.paths': must list at least one path"},
      {"  years: 2\n  start_year: 2022\n  paths: [{glide: F}]",
       "bad.yaml:7:19: key 'agreement.paths[0].glide': 'F' is not a BASIC level"},
      {"  years: 2\n  start_year: 2022\n  paths: [{fixed: BASIC_E}]",
       "key 'agreement.paths[0].msr': BASIC_E is two-sided"},
      {"  years: 3\n  start_year: 2022\n  paths: [{glide: A}]",
       "key 'agreement.paths[0].msr': the path reaches BASIC C in PY2024"},
      {"  years: 2\n  start_year: 2022\n  acpt: 4%\n  paths: [{fixed: BASIC_A}]",
       "bad.yaml:7:9: key 'agreement.acpt': the ACPT applies to agreements starting in 2024"},
      {"  years: 2\n  paths: [{fixed: BASIC_A}]",
       "key 'agreement.acpt': is required for an agreement starting in 2024"},
      {"  years: 5\n  start_year: 2024\n  acpt: 4.9%\n  growth: 1.04\n  future_rules: refuse\n  paths: "
       "[{fixed: BASIC_A}]",
       "bad.yaml:5:10: key 'agreement.years': PY2028 is after PY2027"},
      {"  years: 2\n  start_year: 2022\n  paths: [{glide: A, hold: C}]",
       "key 'agreement.paths[0].hold': 'C' cannot be held"},
      {"  years: 2\n  start_year: 2022\n  renewal: {years: 2}\n  paths: [{fixed: BASIC_A}]",
       "key 'agreement.renewal': a rebased renewal"},
      {"  years: 2\n  start_year: 2022\n  true_effect_ramp: [0, 0, 0]\n  paths: [{fixed: BASIC_A}]",
       "key 'agreement.true_effect_ramp': lists 3 years"},
      {"  years: 2\n  start_year: 2018\n  paths: [{fixed: BASIC_A}]", "BASIC_A was not reconciled in PY2018"},
      {"  years: 2\n  start_year: 2024\n  acpt: 4.9%\n  paths: [{fixed: BASIC_A}]",
       "key 'agreement.growth': is required with an ACPT"},
      {"  years: 2\n  start_year: 2022\n  paths: [{fixed: BASIC_A}, {fixed: BASIC_A}]",
       "path 'BASIC_A' is listed twice"},
  };
  for (const Case& c : cases) {
    const std::string msg = load_error(c.yaml);
    INFO(c.yaml << "\n-> " << msg);
    CHECK(msg.find(c.expect) != std::string::npos);
  }
  // No agreement section at all.
  try {
    const AgreementModel m(parse_scenario("aco: {beneficiaries: 6000}\ntracks: [BASIC_A]\n", "plain.yaml"));
    FAIL("accepted a scenario without an agreement section");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("plain.yaml: the scenario has no 'agreement:' section") !=
          std::string::npos);
  }
}

TEST_CASE("acosim agreement writes results and a report", "[agreement][cli]") {
  const TempDir tmp("agreement_cli");
  const fs::path& dir = tmp.path;
  int status = 0;
  const std::string log = run_acosim(
      fmt::format("agreement '{}' --runs 16 --set aco.beneficiaries=3000 -o '{}' --report '{}' --quiet",
                  source_path("scenarios/agreement-paths.yaml").string(), (dir / "a.h5").string(),
                  (dir / "a.md").string()),
      status);
  INFO(log);
  REQUIRE(status == 0);
  CHECK(slurp(dir / "a.md").find("## Agreement totals by path") != std::string::npos);
  CHECK(read_results(dir / "a.h5").table.tracks.size() == 4u * 8u);
}
