// acosim init --puf and acosim backtest on CMS's own results files (read from ../shared/data/puf
// or $ACOSIM_PUF_DIR; every test is skipped when the files are absent).
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/engine/backtest.hpp"
#include "sim/engine/forecast_scores.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/backtest_cases.hpp"
#include "sim/input/puf.hpp"
#include "sim/input/puf_scenario.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/output/backtest_io.hpp"
#include "tests/support.hpp"

using namespace acosim;
namespace fs = std::filesystem;

namespace {

fs::path puf_dir() {
  if (const char* d = std::getenv("ACOSIM_PUF_DIR")) return d;
  return fs::path(ACOSIM_SOURCE_DIR) / ".." / "shared" / "data" / "puf";
}
const fs::path kPy2022 = puf_dir() / "PY2022_ACO_Results_PUF.csv";
const fs::path kPy2023 = puf_dir() / "PY2023_ACO_Results_PUF.csv";

bool have_pufs() {
  if (fs::exists(kPy2022) && fs::exists(kPy2023)) return true;
  WARN("PY2022/PY2023 PUFs not found in " << puf_dir().string() << ": skipped");
  return false;
}

// The header and the first `rows` data lines of a PUF, as a new file.
void head(const fs::path& from, const fs::path& to, int rows) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary);
  std::string line;
  for (int k = 0; k <= rows && std::getline(in, line); ++k) out << line << '\n';
}

}  // namespace

TEST_CASE(
    "backtest: init for a one-sided BASIC, a two-sided BASIC and an ENHANCED ACO runs, and settle on the "
    "year-A row reproduces CMS",
    "[backtest][puf]") {
  if (!have_pufs()) return;
  const PufYear y = read_puf_year(kPy2022, 2022);
  // A1023 BASIC B, A1027 BASIC E (1% election), A1001 ENHANCED (2%): PY2022 rows CMS paid.
  for (const auto& [id, track, cms] :
       {std::tuple{"A1023", "BASIC_B", 1404194.0}, std::tuple{"A1027", "BASIC_E", 3238185.0},
        std::tuple{"A1001", "ENHANCED", 45867446.0}}) {
    INFO(id);
    const PufAcoYear* a = y.find(id);
    REQUIRE(a != nullptr);
    CHECK(a->record.track->id == track);
    const PufResult r = reproduce(a->record, y.source);
    CHECK(r.status == PufStatus::Match);
    CHECK(r.cms_earned == cms);
    CHECK(std::fabs(r.earned - cms) <= kPufDollarTolerance);

    InitSettings settings;
    settings.runs = 200;
    const Scenario s = parse_scenario(scenario_yaml(*a, y, track_choices(*a, 2023), settings), id);
    CHECK(s.performance_year == 2023);
    CHECK(s.total_beneficiaries() == a->n_ab());
    const SimulationModel model(s);
    RunOptions o;
    o.threads = 2;
    const SimulationResults res = simulate(model, o);
    REQUIRE(res.meta.complete);
    // The simulated mean savings rate is the forecast's within 4 MC standard errors.
    double sum = 0, ss = 0;
    for (long k = 0; k < res.table.runs(); ++k) {
      const double rate = 1 - res.table.expenditure(k) / res.table.benchmark(k);
      sum += rate;
      ss += rate * rate;
    }
    const double n = static_cast<double>(res.table.runs()), mean = sum / n,
                 sd = std::sqrt(ss / n - mean * mean);
    const OwnForecast f = own_forecast(*a, y);
    CHECK(std::fabs(mean - f.mean_rate - kCalibration.common_shift_mean) < 4 * sd / std::sqrt(n) + 2e-4);
  }
}

TEST_CASE("backtest: acosim init writes a scenario acosim run accepts, and bad input exits 2 with the reason",
          "[backtest][puf]") {
  if (!have_pufs()) return;
  test::TempDir dir("init");
  const fs::path out = dir.path / "a1027.yaml";
  int status = 0;
  std::string msg = test::run_acosim(
      fmt::format("init --puf '{}' --aco A1027 -o '{}' --runs 100", kPy2022.string(), out.string()), status);
  REQUIRE(status == 0);
  const std::string text = test::slurp(out);
  CHECK(text.find("# assumption:") != std::string::npos);
  CHECK(text.find("BnchmkMinExp / ABtotBnchmk") != std::string::npos);
  CHECK(text.find("BASIC_E (next step)") != std::string::npos);
  msg = test::run_acosim(fmt::format("run '{}' -q -o '{}'", out.string(), (dir.path / "a.h5").string()),
                         status);
  CHECK(status == 0);

  msg = test::run_acosim(fmt::format("init --puf '{}' --aco A9999", kPy2022.string()), status);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(msg.find("no ACO 'A9999' in column ACO_ID") != std::string::npos);
  msg = test::run_acosim(fmt::format("init --puf '{}' --aco A1080", kPy2022.string()), status);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(msg.find("terminated during the year") != std::string::npos);
  msg = test::run_acosim(fmt::format("init --puf '{}' --py 2021 --aco A1001", kPy2022.string()), status);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(msg.find("the file name says PY2022 but --py is 2021") != std::string::npos);
  // The output may not replace an input.
  const fs::path copy = dir.path / "PY2022_copy.csv";
  fs::copy_file(kPy2022, copy);
  msg = test::run_acosim(fmt::format("init --puf '{}' --aco A1001 -o '{}'", copy.string(), copy.string()),
                         status);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(test::slurp(copy) == test::slurp(kPy2022));
  // Nor carry another format's name (a scenario as .h5), nor backtest's CSV one as .md.
  msg = test::run_acosim(
      fmt::format("init --puf '{}' --aco A1001 -o '{}'", kPy2022.string(), (dir.path / "x.h5").string()),
      status);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(msg.find("writes a scenario (YAML), but .h5 names another format") != std::string::npos);
  msg = test::run_acosim(fmt::format("backtest --from '{}' --to '{}' --runs 10 --csv '{}'", kPy2022.string(),
                                     kPy2023.string(), (dir.path / "b.md").string()),
                         status);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(msg.find("--csv") != std::string::npos);
  CHECK(msg.find("but .md names another format; give a name ending in .csv") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path / "x.h5"));
  CHECK_FALSE(fs::exists(dir.path / "b.md"));
}

TEST_CASE("backtest: a handful of ACOs: the CSV columns in order, the same numbers on 1 and 2 threads",
          "[backtest][puf]") {
  if (!have_pufs()) return;
  test::TempDir dir("backtest");
  const fs::path a = dir.path / "PY2022_head.csv", b = dir.path / "PY2023_head.csv";
  head(kPy2022, a, 20);
  head(kPy2023, b, 20);
  int status = 0;
  const std::string base =
      fmt::format("backtest --from '{}' --to '{}' --runs 300 -q", a.string(), b.string());
  test::run_acosim(
      base + fmt::format(" --threads 1 --csv '{}' -o '{}' --report '{}'", (dir.path / "one.csv").string(),
                         (dir.path / "bt.h5").string(), (dir.path / "bt.md").string()),
      status);
  REQUIRE(status == 0);
  test::run_acosim(base + fmt::format(" --threads 2 --csv '{}'", (dir.path / "two.csv").string()), status);
  REQUIRE(status == 0);
  const std::string one = test::slurp(dir.path / "one.csv");
  CHECK(one == test::slurp(dir.path / "two.csv"));
  CHECK(one.substr(0, one.find('\n')) ==
        "aco_id,n_ab,track_b,realized_savings_rate,pit,q05,q25,q50,q75,q95,crps,crps_baseline,p_savings,"
        "earned_savings,p_losses,owed_losses");
  const PufYear ya = read_puf_year(a, 2022), yb = read_puf_year(b, 2023);
  std::vector<BacktestExclusion> ex;
  const auto pairs = match_years(ya, yb, ex);
  CHECK(pairs.size() >= 8);
  CHECK(static_cast<std::size_t>(std::count(one.begin(), one.end(), '\n')) == pairs.size() + 1);
  CHECK(fs::exists(dir.path / "bt.h5"));
  CHECK(test::slurp(dir.path / "bt.md").find("## Coverage of the central intervals") != std::string::npos);
  CHECK(test::slurp(dir.path / "bt.svg").find("<svg") == 0);
  // --to-py must be the next year.
  const std::string msg = test::run_acosim(
      fmt::format("backtest --from '{}' --to '{}' --to-py 2024", a.string(), b.string()), status);
  CHECK(WEXITSTATUS(status) == 2);
}

TEST_CASE(
    "backtest: on PY2022 -> PY2023 coverage is within 3 standard errors of nominal overall and in every size "
    "quartile, the PIT is not far from uniform, and the forecasts beat persistence and the base rate",
    "[backtest][puf]") {
  if (!have_pufs()) return;
  const PufYear a = read_puf_year(kPy2022, 2022), b = read_puf_year(kPy2023, 2023);
  InitSettings settings;
  settings.runs = 200;  // the README's figures are at 10,000 runs; 200 keeps this test to seconds
  BacktestOptions o;
  o.threads = 2;
  const BacktestResult r = run_backtest(backtest_plan(a, b, settings), o);
  CHECK(r.rows.size() == 402);
  const BacktestSummary& s = r.summary;
  for (std::size_t k = 0; k < 3; ++k) {
    INFO("level " << BacktestSummary::kLevels[k]);
    const double nominal = BacktestSummary::kLevels[k];
    const double se_all = std::sqrt(nominal * (1 - nominal) / 402.0),
                 se_q = std::sqrt(nominal * (1 - nominal) / 100.0);
    CHECK(std::fabs(s.coverage[k].mean - nominal) <= 3 * se_all);
    for (std::size_t q = 0; q < 4; ++q) {
      INFO("quartile " << q + 1);
      CHECK(std::fabs(s.coverage_by_quartile[q][k].mean - nominal) <= 3 * se_q);
    }
  }
  CHECK(s.pit.p_value > 0.01);
  CHECK(s.crps.mean < s.crps_baseline.mean);
  CHECK(s.brier_savings.mean < s.brier_savings_base_a.mean);
  CHECK(s.brier_savings.mean < s.brier_savings_base_b.mean);
}

TEST_CASE(
    "backtest: the persistence baseline's s^2 is the mean squared change of the savings rate less the "
    "claims noise 2 k_b^2 / n_A, and never below 0",
    "[backtest]") {
  std::vector<BacktestCase> cases(2);
  cases[0].savings_rate_a = 0.01;
  cases[0].realized_savings_rate = 0.06;  // change +5 pp
  cases[0].person_years_a = 10000;
  cases[1].savings_rate_a = 0.02;
  cases[1].realized_savings_rate = -0.02;  // change -4 pp
  cases[1].person_years_a = 20000;
  // ((0.0025 - 2 * 2.15^2 / 10000) + (0.0016 - 2 * 2.15^2 / 20000)) / 2 = (0.0015755 + 0.00113775) / 2.
  CHECK(baseline_variance(cases) == Approx(0.001356625).epsilon(1e-12));
  cases[0].realized_savings_rate = 0.02;  // changes of 1 and 0 pp: less than the claims noise
  cases[1].realized_savings_rate = 0.02;
  CHECK(baseline_variance(cases) == 0.0);
  CHECK(baseline_variance({}) == 0.0);
}

TEST_CASE(
    "backtest: each case is simulated as its scenario alone would be, scored against its realized "
    "rate, and its baseline is Normal(s_A, 2 k_b^2 / n_A + s^2), whatever the thread count",
    "[backtest]") {
  BacktestPlan plan;
  plan.runs = 300;
  plan.seed = 11;
  plan.base_rate_savings_a = 0.5;
  for (int k = 0; k < 3; ++k) {
    BacktestCase x;
    x.aco_id = fmt::format("T{}", k);
    x.n_ab = 5200 + k;
    x.track_b = "BASIC_A";
    x.scenario = load_scenario(ACOSIM_SOURCE_DIR "/scenarios/small-aco.yaml",
                               {{"runs", "300"}, {"seed", std::to_string(11 + k)}});
    x.realized_savings_rate = 0.01 * k;
    x.earned_savings = k == 2 ? 1 : 0;
    x.savings_rate_a = -0.01 + 0.01 * k;
    x.person_years_a = 5000;
    plan.cases.push_back(x);
  }
  BacktestOptions o;
  o.threads = 1;
  const BacktestResult one = run_backtest(plan, o);
  o.threads = 2;
  const BacktestResult two = run_backtest(plan, o);
  REQUIRE(one.rows.size() == 3);
  REQUIRE(two.rows.size() == 3);
  const double s2 = baseline_variance(plan.cases);
  CHECK(one.baseline_s == Approx(std::sqrt(s2)));
  for (std::size_t k = 0; k < 3; ++k) {
    INFO("case " << k);
    const BacktestCase& x = plan.cases[k];
    const BacktestRow& r = one.rows[k];
    RunOptions ro;
    ro.threads = 1;
    const SimulationResults sim = simulate(SimulationModel(x.scenario), ro);
    std::vector<double> rate;
    double paid = 0;
    for (long i = 0; i < sim.table.runs(); ++i) {
      rate.push_back((sim.table.benchmark(i) - sim.table.expenditure(i)) / sim.table.benchmark(i));
      paid += sim.table.payment(i, 0) > 0 ? 1 : 0;
    }
    std::sort(rate.begin(), rate.end());
    CHECK(r.aco_id == x.aco_id);
    CHECK(r.n_ab == x.n_ab);
    CHECK(r.earned_savings == x.earned_savings);
    CHECK(r.pit == pit_sample(rate, x.realized_savings_rate));
    CHECK(r.crps == crps_sample(rate, x.realized_savings_rate));
    CHECK(r.p_savings == paid / 300.0);
    CHECK(r.p_losses == 0.0);  // BASIC_A is one-sided (settlement-rules.md §1.1; 42 CFR 425.605)
    const double sd = std::sqrt(2 * 2.15 * 2.15 / 5000 + s2);
    CHECK(r.baseline_sd == Approx(sd));
    CHECK(r.crps_baseline == Approx(crps_normal(x.savings_rate_a, sd, x.realized_savings_rate)));
    CHECK(r.pit == two.rows[k].pit);
    CHECK(r.crps == two.rows[k].crps);
    CHECK(r.q50 == two.rows[k].q50);
  }
  CHECK(one.summary.base_rate_savings_a == 0.5);
  CHECK(one.summary.base_rate_savings_b == Approx(1.0 / 3));
}
