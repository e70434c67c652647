// Cash across an agreement (benchmark-rules.md §9.2-§9.4; sim/engine/agreement_cash.hpp): advance
// investment payments (42 CFR 425.630) and prepaid shared savings (425.640) recouped from savings
// over the PYs of an agreement, to the dollar; the agreement.cash keys; the shipped scenario.
#include <catch2/catch.hpp>

#include <H5Cpp.h>

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "models/track.hpp"
#include "sim/common/error.hpp"
#include "sim/engine/agreement.hpp"
#include "sim/engine/agreement_cash.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/output/agreement_file.hpp"
#include "sim/output/agreement_report.hpp"
#include "sim/output/report/json.hpp"

using namespace acosim;
using Catch::Matchers::Contains;

namespace {

TrackChoice choice(const char* id) {
  TrackChoice c;
  c.track = *find_track(id);
  c.label = id;
  return c;
}

// An agreement of `years` PYs (+ `renewal` PYs) on one path settled under `id` every year.
AgreementSpec spec(int years, int renewal, const char* id, const AgreementCashSpec& cash) {
  AgreementSpec sp;
  sp.years = years;
  sp.renewal_years = renewal;
  AgreementPath p;
  p.label = id;
  for (int y = 0; y < years + renewal; ++y) p.by_year.push_back(choice(id));
  sp.paths.push_back(p);
  sp.cash = cash;
  return sp;
}

// bench §9.2 example: $250,000 + 4 x $289,000 in PY1, 4 x $289,000 in PY2.
AgreementCashSpec aip_cash(int total_years, bool renews_after = false) {
  AgreementCashSpec c;
  c.aip_paid.assign(static_cast<std::size_t>(total_years), 0.0);
  c.prepaid_paid.assign(static_cast<std::size_t>(total_years), 0.0);
  c.aip_paid[0] = 1'406'000;
  c.aip_paid[1] = 1'156'000;
  c.renews_after = renews_after;
  return c;
}

const std::string kScenario = std::string(ACOSIM_SOURCE_DIR) + "/scenarios/agreement-aip.yaml";

}  // namespace

TEST_CASE("An AIP balance left after PY1's savings is recouped from PY2's savings", "[agreement][cash]") {
  // PY1: $1,406,000 received, savings $900,000 all recouped: net cash $1,406,000, $506,000 owed.
  // PY2: $1,156,000 received, balance $1,662,000, savings $2,000,000: $1,662,000 recouped, so
  // net cash = 1,156,000 + (2,000,000 - 1,662,000) = $1,494,000 and nothing is left to repay.
  const AgreementSpec sp = spec(2, 0, "BASIC_A", aip_cash(2));
  const std::array<double, 2> pay = {900'000, 2'000'000};
  const PathCash c = path_cash(sp, sp.paths[0], pay);
  CHECK(c.recouped[0] == 900'000);
  CHECK(c.net[0] == 1'406'000);
  CHECK(c.recouped[1] == 1'662'000);
  CHECK(c.net[1] == 1'494'000);
  CHECK(c.due[1] == 0);
  CHECK(c.total == 2'900'000);  // = the settlements: every advance came back
}

TEST_CASE(
    "Recoupment is capped by the savings earned, nothing is recouped in a loss year, and an ACO that "
    "leaves repays the AIP balance at the agreement's end",
    "[agreement][cash]") {
  // PY1 owes $300,000: nothing recouped, net cash 1,406,000 - 300,000 = $1,106,000. PY2 earns
  // $400,000 against a $2,562,000 balance: $400,000 recouped, $2,162,000 left; the ACO does not renew
  // (425.630: repaid when it leaves), so PY2's net cash is 1,156,000 - 2,162,000 = -$1,006,000.
  const AgreementSpec sp = spec(2, 0, "BASIC_A", aip_cash(2));
  const std::array<double, 2> pay = {-300'000, 400'000};
  const PathCash c = path_cash(sp, sp.paths[0], pay);
  CHECK(c.recouped[0] == 0);
  CHECK(c.net[0] == 1'106'000);
  CHECK(c.recouped[1] == 400'000);
  CHECK(c.due[1] == 2'162'000);
  CHECK(c.net[1] == -1'006'000);
  CHECK(c.total == 100'000);
  CHECK(c.aip_carried == 0);
  // Renewing at once: the balance carries into the next agreement instead (425.630).
  const AgreementSpec renew = spec(2, 0, "BASIC_A", aip_cash(2, true));
  const PathCash r = path_cash(renew, renew.paths[0], pay);
  CHECK(r.due[1] == 0);
  CHECK(r.net[1] == 1'156'000);
  CHECK(r.aip_carried == 2'162'000);
}

TEST_CASE("The AIP balance carries into a rebased renewal and is recouped there", "[agreement][cash]") {
  // 3-PY agreement + 1-PY renewal: PY1-PY3 lose $100,000 each (nothing recouped); at the first
  // agreement's end the $2,562,000 balance carries (the ACO renews at once); PY4 earns $3,000,000:
  // $2,562,000 recouped, net cash $438,000, nothing due when it then leaves.
  const AgreementSpec sp = spec(3, 1, "BASIC_A", aip_cash(4));
  const std::array<double, 4> pay = {-100'000, -100'000, -100'000, 3'000'000};
  const PathCash c = path_cash(sp, sp.paths[0], pay);
  CHECK(c.due[2] == 0);
  CHECK(c.net[2] == -100'000);
  CHECK(c.recouped[3] == 2'562'000);
  CHECK(c.net[3] == 438'000);
  CHECK(c.due[3] == 0);
}

TEST_CASE("Prepaid shared savings are recouped from savings and the balance is due at the agreement's end",
          "[agreement][cash]") {
  // bench §9.3 example: multiplier $105 x 15,000 person-years = $393,750 a quarter, $1,575,000 a year.
  // PY1 earns $1,000,000: all recouped, $575,000 carried. PY2: balance $2,150,000, earns $500,000:
  // recouped, $1,650,000 due at the end (425.640), PY2 net cash 1,575,000 - 1,650,000 = -$75,000.
  AgreementCashSpec cash;
  cash.aip_paid.assign(2, 0.0);
  cash.prepaid_paid.assign(2, 1'575'000.0);
  const AgreementSpec sp = spec(2, 0, "ENHANCED", cash);
  const std::array<double, 2> pay = {1'000'000, 500'000};
  const PathCash c = path_cash(sp, sp.paths[0], pay);
  CHECK(c.net[0] == 1'575'000);
  CHECK(c.recouped[0] == 1'000'000);
  CHECK(c.recouped[1] == 500'000);
  CHECK(c.due[1] == 1'650'000);
  CHECK(c.net[1] == -75'000);
  // A path in Level A/B gets none (425.640(b): Level C-E or ENHANCED), and no AIP either.
  const AgreementSpec basic_b = spec(2, 0, "BASIC_B", cash);
  const PathCash b = path_cash(basic_b, basic_b.paths[0], pay);
  CHECK(b.prepaid_paid[0] == 0);
  CHECK(b.net[0] == 1'000'000);
}

TEST_CASE("agreement.cash.aip gives $250,000 plus the quarterly payments, 4 a year in PY1-PY2",
          "[agreement][cash][scenario]") {
  const Scenario s = load_scenario(kScenario);
  REQUIRE(s.agreement);
  REQUIRE(s.agreement->cash);
  const AgreementCashSpec& c = *s.agreement->cash;
  CHECK(c.aip_paid == std::vector<double>{1'406'000, 1'156'000, 0, 0, 0});
  CHECK_FALSE(c.renews_after);
  CHECK(path_gets_aip(s.agreement->paths[0]));
  CHECK_FALSE(path_gets_aip(s.agreement->paths[2]));  // BASIC E from PY1
}

TEST_CASE("agreement.cash refuses ineligible ACOs and impossible amounts, naming the key and the rule",
          "[agreement][cash][scenario]") {
  const auto error = [](const std::vector<Override>& set) {
    try {
      (void)load_scenario(kScenario, set);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(error({{"aco.low_revenue", "false"}}),
             Contains("agreement.cash.aip") && Contains("low-revenue") && Contains("425.630(b)"));
  // 8,000 beneficiaries: at most $45 x 8,000 = $360,000 a quarter.
  CHECK_THAT(
      error({{"agreement.cash.aip.quarterly_payment", "400000"}}),
      Contains("agreement.cash.aip.quarterly_payment") && Contains("$360,000") && Contains("425.630(e)"));
  CHECK_THAT(error({{"agreement.cash.aip.quarters", "9"}}),
             Contains("agreement.cash.aip.quarters") && Contains("allowed: 1 to 8"));
  CHECK_THAT(error({{"agreement.cash.prepaid",
                     "{prior_savings_by1: 400, prior_savings_by2: 300, "
                     "national_per_capita_by2: 12000}"}}),
             Contains("not both"));
  CHECK_THAT(error({{"agreement.cash.aip", "{quarterly_payment: 289000, extra: 1}"}}),
             Contains("agreement.cash.aip") && Contains("extra"));
}

TEST_CASE("The shipped AIP scenario stores net cash per PY in the agreement file and reports it",
          "[agreement][cash][scenario]") {
  Scenario s = load_scenario(kScenario, {{"runs", "200"}});
  const AgreementModel model(s);
  const AgreementResults ar = simulate_agreement(model, {});
  REQUIRE(ar.cash.size() == 3);
  const int years = 5;
  // Run by run, the stored net cash is path_cash of the stored payments.
  for (long run = 0; run < 200; run += 37) {
    for (std::size_t p = 0; p < 3; ++p) {
      std::array<double, 5> pay{};
      for (int y = 0; y < years; ++y) {
        pay[static_cast<std::size_t>(y)] = ar.results.table.payment(
            run, static_cast<long>(p) * (kPathSummaryColumns + years) + kPathSummaryColumns + y);
      }
      const PathCash c = path_cash(model.spec(), model.spec().paths[p], pay);
      for (int y = 0; y < years; ++y) {
        CHECK(ar.runs.cash.net(run, static_cast<long>(p) * years + y) == c.net[static_cast<std::size_t>(y)]);
      }
    }
  }
  // The ACO leaves after PY2029, so every advance comes back: total net cash = total payment.
  CHECK(ar.cash[0].net_total.mean == Approx(ar.results.tracks[0].dollars.mean).epsilon(1e-12));
  // PY1 on the glide path: the AIP received less what PY1's savings repay, at least $1,406,000 - 0.
  CHECK(ar.cash[0].aip_paid[0] == 1'406'000);
  CHECK(ar.cash[2].aip_paid[0] == 0);                        // BASIC E: no AIP
  CHECK(ar.cash[0].net_by_year[0].min >= 1'406'000 - 1e-6);  // Level A: no losses, savings net of recoupment

  const auto path = std::filesystem::temp_directory_path() / "acosim-agreement-cash.h5";
  write_agreement_results(path, ar);
  {
    H5::H5File f(path.string(), H5F_ACC_RDONLY);
    H5::DataSet net = f.openDataSet("/agreement/cash/net");
    hsize_t dims[2];
    net.getSpace().getSimpleExtentDims(dims);
    CHECK(dims[0] == 200);
    CHECK(dims[1] == 15);
    H5::DataSet mean = f.openDataSet("/agreement/cash/net_mean");
    std::vector<double> m(3 * 6);
    mean.read(m.data(), H5::PredType::NATIVE_DOUBLE);
    CHECK(m[5] == ar.cash[0].net_total.mean);
    H5::DataSet negative = f.openDataSet("/agreement/cash/p_net_negative");
    std::vector<double> pn(3 * 6);
    negative.read(pn.data(), H5::PredType::NATIVE_DOUBLE);
    CHECK(pn[6 + 5] == ar.cash[1].p_negative_total);
  }
  std::filesystem::remove(path);
  CHECK_THAT(agreement_report(ar, "text"), Contains("Net cash by year") && Contains("P(total < 0)"));
  CHECK_THAT(agreement_report(ar, "csv"), Contains("net_cash_total_mean"));
  CHECK_THAT(report::agreement_json(ar).dump(), Contains("\"cash\"") && Contains("net_mean_by_year"));
}
