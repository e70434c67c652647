// Risk verdicts (sim/risk) on hand-made payment distributions: the max-loss-at-confidence test,
// the expected-shortfall limit, the certainty equivalent against hand-computed values (stable for
// tiny and huge risk aversion), the ranking and the plain-words recommendation.
#include <cmath>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include "sim/cli/risk_options.hpp"
#include "sim/common/error.hpp"
#include "sim/engine/risk.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/input/risk_reader.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/input/yaml_reader.hpp"
#include "sim/output/hdf5_io.hpp"
#include "sim/output/report.hpp"
#include "sim/output/verdict_text.hpp"
#include "support.hpp"

using namespace acosim;
using Catch::Matchers::Contains;

namespace {

// n payments: `k` runs at each of the given values, then zeros to fill.
std::vector<double> dist(std::size_t n, const std::vector<std::pair<std::size_t, double>>& parts) {
  std::vector<double> x;
  for (const auto& [k, v] : parts) x.insert(x.end(), k, v);
  x.resize(n, 0.0);
  return x;
}

RiskAppetite parse(const std::string& yaml) {
  const YAML::Node n = YAML::Load(yaml);
  return parse_risk(n["risk"], Reader("test.yaml"));
}

RunTable table_of(const std::vector<std::string>& labels, const std::vector<std::vector<double>>& cols) {
  RunTable t;
  t.tracks = labels;
  const auto runs = static_cast<long>(cols.front().size());
  t.resize(runs, static_cast<long>(cols.size()));
  t.done.setOnes();
  t.benchmark.setConstant(1e8);
  for (std::size_t k = 0; k < cols.size(); ++k) {
    for (long i = 0; i < runs; ++i) t.payment(i, static_cast<long>(k)) = cols[k][static_cast<std::size_t>(i)];
  }
  return t;
}

}  // namespace

TEST_CASE("exceedance probability counts losses strictly above the threshold", "[risk]") {
  // 100 runs: 3 owe more than $2M, one owes exactly $2M (not "more than").
  const auto x = dist(100, {{2, -3e6}, {1, -2.000001e6}, {1, -2e6}, {10, -5e5}, {40, 1e6}});
  CHECK(exceedance_probability(x, 2e6) == Approx(0.03).epsilon(0));
  CHECK(exceedance_probability(x, 0) == Approx(0.14).epsilon(0));
  CHECK(exceedance_probability(x, 1e7) == 0);
  CHECK(exceedance_probability(std::vector<double>{}, 1) == 0);
}

TEST_CASE("max loss at confidence: fits at 3%, fails at 6%", "[risk]") {
  RiskAppetite a;
  a.max_loss = 2e6;
  a.confidence = 0.95;
  const auto safe = dist(100, {{3, -3e6}, {97, 5e5}});
  const auto risky = dist(100, {{6, -3e6}, {94, 9e5}});
  const TrackRisk s = assess_track(safe, "safe", a);
  const TrackRisk r = assess_track(risky, "risky", a);
  CHECK(s.p_exceed == Approx(0.03).epsilon(0));
  CHECK(s.fits_loss);
  CHECK(s.fits());
  CHECK(r.p_exceed == Approx(0.06).epsilon(0));
  CHECK_FALSE(r.fits_loss);
  CHECK_FALSE(r.fits());
  // Exactly at the limit fits ("no more than 5%").
  const auto edge = dist(100, {{5, -3e6}, {95, 1e5}});
  CHECK(assess_track(edge, "edge", a).fits_loss);
  // The SE of p = 0.03 over 100 runs.
  CHECK(s.p_exceed_se == Approx(std::sqrt(0.03 * 0.97 / 100)));
}

TEST_CASE("expected shortfall by hand and as in sim/statistics", "[risk]") {
  // 100 runs; worst 5 losses: 5, 4, 3, 2, 1 ($M) -> ES95 = 3M; VaR95 interpolates the loss quantile.
  const auto x = dist(100, {{1, -5e6}, {1, -4e6}, {1, -3e6}, {1, -2e6}, {1, -1e6}, {10, -5e5}, {50, 2e6}});
  CHECK(expected_shortfall(x, 0.95) == Approx(3e6).epsilon(1e-15));
  CHECK(expected_shortfall(x, 0.99) == Approx(5e6).epsilon(1e-15));
  const Stats st = compute_stats(x);
  CHECK(expected_shortfall(x, 0.95) == st.es95);  // bit-identical to the report's ES95
  CHECK(expected_shortfall(x, 0.99) == st.es99);

  RiskAppetite a;
  a.max_es = 3e6;
  CHECK(assess_track(x, "t", a).fits_es);  // at the limit
  a.max_es = 2.9e6;
  const TrackRisk t = assess_track(x, "t", a);
  CHECK_FALSE(t.fits_es);
  CHECK(t.var == st.var95);
  CHECK(t.es == st.es95);
}

TEST_CASE("certainty equivalent of a two-point distribution", "[risk]") {
  // X = +$1M or -$1M with equal chance. CE = -(1/a) ln(0.5 e^{-a 1e6} + 0.5 e^{a 1e6}) = -(1/a) ln cosh(a
  // 1e6).
  const std::vector<double> x = {1e6, -1e6};
  const double a = 1e-6;
  CHECK(certainty_equivalent(x, a) == Approx(-1e6 * std::log(std::cosh(1.0))).epsilon(1e-12));
  CHECK(certainty_equivalent(x, a) == Approx(-433780.8).margin(0.1));
  // a = 0: the mean.
  CHECK(certainty_equivalent(x, 0.0) == 0.0);
  const std::vector<double> y = {3e5, 1e5, 2e5};
  CHECK(certainty_equivalent(y, 0.0) == Approx(2e5));
  // Tiny a: CE -> mean - a var / 2 (var = 1e12 population variance), no precision collapse.
  const double tiny = 1e-12;
  CHECK(certainty_equivalent(x, tiny) == Approx(-tiny * 1e12 / 2).epsilon(1e-6));
  // Huge a: naive exp(a 1e6) = exp(1000) overflows; the stable form gives -1e6 + ln 2 / a.
  const double huge = 1e-3;
  const double ce = certainty_equivalent(x, huge);
  REQUIRE(std::isfinite(ce));
  CHECK(ce == Approx(-1e6 + std::log(2.0) / huge).epsilon(1e-12));
  // A sure payment is its own CE at any aversion.
  const std::vector<double> sure(7, 123456.0);
  CHECK(certainty_equivalent(sure, 1e-4) == Approx(123456.0).epsilon(1e-14));
  // CE never exceeds the mean (Jensen).
  CHECK(certainty_equivalent(y, 1e-5) < 2e5);
}

TEST_CASE("verdict ranks fitting tracks by CE and explains the trade-off", "[risk]") {
  // "steady": mean $0.6M, never owes more than $2M. "bold": mean $1.05M, 8% chance of owing $3M.
  const auto steady = dist(100, {{2, -1e6}, {98, 0.63265306e6}});
  const auto bold = dist(100, {{8, -3e6}, {92, 1.4021739e6}});
  const auto oneside = dist(100, {{50, 8e5}});
  const RunTable t = table_of({"steady", "bold", "BASIC_A"}, {steady, bold, oneside});
  const RiskAppetite a = parse("risk: {max_loss: 2e6, confidence: 95%, risk_aversion: 1e-7}");
  const RiskVerdict v = assess_risk(t, a);
  REQUIRE(v.tracks.size() == 3);
  CHECK(v.tracks[0].fits());
  CHECK_FALSE(v.tracks[1].fits());
  CHECK(v.tracks[2].fits());
  CHECK(v.tracks[1].p_exceed == Approx(0.08).epsilon(0));
  // Both fitting tracks rank before the one that does not, each group by CE.
  CHECK(v.ranking.back() == 1);
  const double ce_steady = v.tracks[0].ce, ce_one = v.tracks[2].ce;
  CHECK(v.ranking.front() == (ce_steady > ce_one ? 0 : 2));
  const std::string& s = recommendation_text(v);
  INFO(s);
  CHECK_THAT(s, Contains("has the highest certainty equivalent"));
  CHECK_THAT(s, Contains("bold pays more on average"));
  CHECK_THAT(s, Contains("an 8.0% chance of owing more than $2.00M, above your 5% limit"));
}

TEST_CASE("no track fits: the verdict says so and names the closest", "[risk]") {
  const auto a1 = dist(100, {{20, -4e6}, {80, 2e6}});
  const auto a2 = dist(100, {{10, -4e6}, {90, 1e6}});
  RiskAppetite a;
  a.max_loss = 1e6;
  const RiskVerdict v = assess_risk(table_of({"wild", "milder"}, {a1, a2}), a);
  CHECK_THAT(recommendation_text(v), Contains("No track fits your limits"));
  CHECK_THAT(recommendation_text(v), Contains("The closest is milder"));
}

TEST_CASE("risk-neutral ranking by mean when only limits are given", "[risk]") {
  const auto lo = dist(100, {{100, 1e5}});
  const auto hi = dist(100, {{1, -5e5}, {99, 3e5}});
  RiskAppetite a;
  a.max_loss = 1e6;
  const RiskVerdict v = assess_risk(table_of({"lo", "hi"}, {lo, hi}), a);
  CHECK(v.ranking.front() == 1);
  CHECK(v.tracks[1].ce == v.tracks[1].mean);
  CHECK_THAT(recommendation_text(v), Contains("hi has the highest expected payment ($292K)"));
  CHECK_THAT(recommendation_text(v), Contains("a 0% chance of owing more than $1.00M, within your 5% limit"));
}

TEST_CASE("borderline fits are flagged", "[risk]") {
  RiskAppetite a;
  a.max_loss = 1e6;
  const auto x = dist(200, {{9, -2e6}, {191, 1e5}});  // 4.5% vs a 5% limit, SE ~ 1.5%
  const TrackRisk t = assess_track(x, "t", a);
  CHECK(t.fits());
  CHECK(t.borderline);
  const auto far = dist(200, {{1, -2e6}, {199, 1e5}});
  CHECK_FALSE(assess_track(far, "f", a).borderline);
}

TEST_CASE("risk section validation names the key and value", "[risk]") {
  const RiskAppetite a = parse("risk: {max_loss: 2e6, confidence: 0.9, max_es: 1.5e6, risk_tolerance: 2e6}");
  CHECK(*a.max_loss == 2e6);
  CHECK(a.confidence == 0.9);
  CHECK(*a.max_es == 1.5e6);
  CHECK(*a.risk_aversion == Approx(5e-7));
  CHECK_THROWS_WITH(parse("risk: {max_loss: 2e6, confidence: 1.5}"),
                    Contains("risk.confidence") && Contains("1.5"));
  CHECK_THROWS_WITH(parse("risk: {max_loss: lots}"),
                    Contains("risk.max_loss") && Contains("'lots' is not a number"));
  CHECK_THROWS_WITH(parse("risk: {risk_aversion: 1e-6, risk_tolerance: 1e6}"), Contains("not both"));
  CHECK_THROWS_WITH(parse("risk: {max_los: 1}"), Contains("did you mean 'max_loss'"));
  CHECK_THROWS_WITH(parse("risk: {confidence: 0.9}"), Contains("states no limit"));
  CHECK_THROWS_AS(parse("risk: {max_loss: 2e6, confidence: 1.5}"), InputError);
}

TEST_CASE("risk from scenario text and command-line flags", "[risk]") {
  CHECK_FALSE(risk_from_scenario_text("name: x\nruns: 10\n", "x.yaml"));
  const auto r = risk_from_scenario_text("name: x\nrisk:\n  max_loss: 2e6\n", "x.yaml");
  REQUIRE(r);
  CHECK(*r->max_loss == 2e6);
  CHECK(r->confidence == 0.95);
  RiskFlags f;
  CHECK(merge_risk(r, f)->max_loss == r->max_loss);  // no flags: the section
  f.confidence = 0.99;
  f.risk_tolerance = 1e6;
  const auto m = merge_risk(r, f);
  CHECK(*m->max_loss == 2e6);
  CHECK(m->confidence == 0.99);
  CHECK(*m->risk_aversion == Approx(1e-6));
  RiskFlags only_conf;
  only_conf.confidence = 0.9;
  CHECK_THROWS_WITH(merge_risk(std::nullopt, only_conf), Contains("states no limit"));
  CHECK_THAT(describe_appetite(*m),
             Contains("1% chance of owing more than $2.00M") && Contains("risk tolerance $1.00M"));
}

TEST_CASE("a results file carries the scenario's risk appetite as numbers in /metadata/risk",
          "[risk][hdf5]") {
  test::TempDir dir("risk_meta");
  const Scenario s = parse_scenario(
      "aco: {beneficiaries: 1000}\ntracks: [BASIC_A, {track: ENHANCED, msr: 1%}]\n"
      "runs: 20\nrisk: {max_loss: 2e6, confidence: 90%, risk_tolerance: 4e6}\n",
      "risk.yaml");
  REQUIRE(s.risk);
  RunOptions options;
  options.threads = 1;
  SimulationResults r = simulate(SimulationModel(s), options);
  REQUIRE(r.meta.risk);
  write_results(dir.path / "r.h5", r);
  const SimulationResults back = read_results(dir.path / "r.h5");
  CHECK(back.meta.risk_recorded);
  REQUIRE(back.meta.risk);
  CHECK(*back.meta.risk->max_loss == 2e6);
  CHECK(back.meta.risk->confidence == 0.9);
  CHECK_FALSE(back.meta.risk->max_es);
  CHECK(*back.meta.risk->risk_aversion == 1.0 / 4e6);

  // No risk: section: recorded as none (not "unknown"), so no report looks for one in the YAML.
  const Scenario plain =
      parse_scenario("aco: {beneficiaries: 1000}\ntracks: [BASIC_A]\nruns: 5\n", "plain.yaml");
  write_results(dir.path / "p.h5", simulate(SimulationModel(plain), options));
  const SimulationResults p = read_results(dir.path / "p.h5");
  CHECK(p.meta.risk_recorded);
  CHECK_FALSE(p.meta.risk);
}
