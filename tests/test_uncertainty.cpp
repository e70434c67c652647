// Uncertainty and sensitivity from one run table (sim/engine/uncertainty.hpp): order-statistic
// intervals of quantiles, the delta-method interval of the expected shortfall (both checked for
// coverage with a fixed seed), Spearman rank correlations with ties, the drivers' shares of the
// variance, and the /uncertainty group of the results file.
#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim/engine/statistics.hpp"
#include "sim/engine/target_se.hpp"
#include "sim/engine/uncertainty.hpp"
#include "sim/output/hdf5_io.hpp"
#include "support.hpp"

using namespace acosim;

TEST_CASE("a quantile's 95% interval is the order statistics of ranks n p -/+ 1.96 sqrt(n p (1 - p))",
          "[uncertainty]") {
  std::vector<double> x(1000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i + 1);
  // n p = 500, half-width 1.959964 sqrt(250) = 30.99: ranks ceil(469.01) = 470 and ceil(530.99) = 531.
  const Interval m = quantile_interval(x, 0.5);
  CHECK(m.lo == 470);
  CHECK(m.hi == 531);
  // n p = 950, half-width 1.959964 sqrt(47.5) = 13.51: ranks 937 and 964.
  const Interval p95 = quantile_interval(x, 0.95);
  CHECK(p95.lo == 937);
  CHECK(p95.hi == 964);
  // Clamped to the sample at the edges.
  CHECK(quantile_interval(x, 1.0).hi == 1000);
  CHECK(quantile_interval(x, 0.0).lo == 1);
}

TEST_CASE("the quantile and ES intervals cover the true values about 95% of the time",
          "[uncertainty][statistical]") {
  // X ~ N(0, 1) as the payment; losses L = max(0, -X): VaR95 = 1.644854, ES95 = phi(1.644854) / 0.05.
  constexpr double kP95 = 1.6448536269514722, kEs95 = 2.0627128075074257;
  std::mt19937_64 rng(20240101);
  std::normal_distribution<double> normal;
  constexpr int kTrials = 2000;
  constexpr std::size_t n = 1000;
  int median_in = 0, var_in = 0, es_in = 0;
  std::vector<double> x(n), loss(n);
  for (int trial = 0; trial < kTrials; ++trial) {
    for (std::size_t i = 0; i < n; ++i) x[i] = normal(rng);
    for (std::size_t i = 0; i < n; ++i) loss[i] = std::max(0.0, -x[i]);
    const Stats s = compute_stats(x);
    std::sort(x.begin(), x.end());
    std::sort(loss.begin(), loss.end());
    const Interval m = quantile_interval(x, 0.5);
    median_in += m.lo <= 0 && 0 <= m.hi;
    const Interval v = quantile_interval(loss, 0.95);
    var_in += v.lo <= kP95 && kP95 <= v.hi;
    const Interval e = es_interval(loss, 0.95, s.es95, s.var95);
    es_in += e.lo <= kEs95 && kEs95 <= e.hi;
  }
  // Binomial SE of a 95% coverage over 2000 trials: 0.49%; allow 3 SE (order statistics cover a
  // little more than 95%; the delta method a little less at n = 1000, 50 tail runs).
  CHECK(median_in / double(kTrials) == Approx(0.95).margin(0.015));
  CHECK(var_in / double(kTrials) == Approx(0.95).margin(0.015));
  CHECK(es_in / double(kTrials) == Approx(0.95).margin(0.025));
}

TEST_CASE("Spearman's rho uses average ranks for ties and is 0 for a constant sample", "[uncertainty]") {
  const std::vector<double> a{1, 2, 3, 4}, b{10, 20, 30, 40}, c{4, 3, 2, 1}, ties{1, 2, 2, 3},
      flat{5, 5, 5, 5};
  CHECK(rank_correlation(a, b) == Approx(1.0));
  CHECK(rank_correlation(a, c) == Approx(-1.0));
  // ranks of ties {1, 2.5, 2.5, 4} against {1, 2, 3, 4}: 4.5 / sqrt(4.5 x 5) = 0.948683.
  CHECK(rank_correlation(ties, a) == Approx(4.5 / std::sqrt(4.5 * 5.0)).epsilon(1e-12));
  CHECK(rank_correlation(flat, a) == 0.0);
}

TEST_CASE("the driver that decides the payment takes its variance share and a fixed driver is marked fixed",
          "[uncertainty]") {
  RunTable t;
  t.tracks = {"T"};
  t.resize(500, 1);
  t.done.setOnes();
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  for (long i = 0; i < 500; ++i) {
    t.true_effect(i) = 0.02 * normal(rng);
    t.benchmark_factor(i) = 1.0;  // fixed
    t.quality(i) = 80 + 5 * normal(rng);
    t.benchmark(i) = 1e8;
    t.expenditure(i) = 1e8 * (1 + t.true_effect(i)) * (1 + 0.001 * normal(rng));  // claims noise, independent
    t.payment(i, 0) = -5e7 * t.true_effect(i);  // decided by the true effect alone
  }
  const Sensitivity s = payment_sensitivity(t);
  CHECK(s.rank_correlation(0, 0) == Approx(-1.0));
  CHECK_FALSE(s.varies[1]);
  CHECK(s.rank_correlation(1, 0) == 0.0);
  CHECK(s.variance_share(0, 0) > 0.98);
  CHECK(s.variance_share.col(0).sum() == Approx(1.0));
  // Independent drivers: |rho| within 3 / sqrt(n) of 0.
  CHECK(std::abs(s.rank_correlation(2, 0)) < 3 / std::sqrt(500.0));
  CHECK(std::abs(s.rank_correlation(3, 0)) < 3 / std::sqrt(500.0));
}

TEST_CASE("the results file stores the intervals and the drivers' correlations under /uncertainty",
          "[uncertainty][hdf5]") {
  acosim::test::TempDir dir("uncertainty");
  SimulationResults r;
  r.meta.runs = r.meta.completed_runs = 300;
  RunTable& t = r.table;
  t.tracks = {"A", "B"};
  t.resize(300, 2);
  t.done.setOnes();
  for (long i = 0; i < 300; ++i) {
    t.true_effect(i) = 0.001 * static_cast<double>(i % 17) - 0.008;
    t.benchmark_factor(i) = 1.0 + 0.0001 * static_cast<double>(i % 5);
    t.quality(i) = 70 + static_cast<double>(i % 23);
    t.benchmark(i) = 1e8;
    t.expenditure(i) = 1e8 * (1 + t.true_effect(i));
    t.payment(i, 0) = 1000.0 * static_cast<double>(i) - 1e5;
    t.payment(i, 1) = -2.0 * t.payment(i, 0);
  }
  summarize(r);
  write_results(dir.path / "r.h5", r);
  H5::H5File f((dir.path / "r.h5").string(), H5F_ACC_RDONLY);
  H5::DataSet ds = f.openDataSet("/uncertainty/percentile_ci");
  hsize_t dims[3];
  REQUIRE(ds.getSpace().getSimpleExtentNdims() == 3);
  ds.getSpace().getSimpleExtentDims(dims);
  CHECK(dims[0] == 2);
  CHECK(dims[1] == kPercentileLevels.size());
  CHECK(dims[2] == 2);
  std::vector<double> v(dims[0] * dims[1] * dims[2]);
  ds.read(v.data(), H5::PredType::NATIVE_DOUBLE);
  const auto ci = track_intervals(t);
  CHECK(v[4 * 2] == ci[0].percentiles[4].lo);  // track 0, P50, low
  CHECK(v[(kPercentileLevels.size() + 4) * 2 + 1] == ci[1].percentiles[4].hi);
  H5::DataSet rho = f.openDataSet("/uncertainty/rank_correlation");
  std::vector<double> rv(kDrivers.size() * 2);
  rho.read(rv.data(), H5::PredType::NATIVE_DOUBLE);
  const Sensitivity s = payment_sensitivity(t);
  CHECK(rv[0] == s.rank_correlation(0, 0));
  CHECK(rv[1] == s.rank_correlation(0, 1));
  // The file still reads back as before.
  CHECK(read_results(dir.path / "r.h5").tracks.size() == 2);
}

TEST_CASE("run --target-se stops at a block boundary that depends only on seed and scenario",
          "[uncertainty][cli]") {
  acosim::test::TempDir dir("target_se");
  const std::string scenario = std::string(ACOSIM_SOURCE_DIR) + "/scenarios/small-aco.yaml";
  const auto run = [&](const std::string& args, const std::string& out) {
    int status = 0;
    const std::string log =
        acosim::test::run_command(fmt::format("'{}' run '{}' {} -o '{}' 2>&1 > /dev/null", ACOSIM_BINARY,
                                              scenario, args, (dir.path / out).string()),
                                  status);
    INFO(log);
    REQUIRE(status == 0);
    return log;
  };
  const std::string log = run("--runs 20000 --target-se 0.008 --threads 2", "a.h5");
  CHECK_THAT(log, Catch::Contains("runs: largest standard error"));
  const SimulationResults a = read_results(dir.path / "a.h5");
  CHECK(a.meta.complete);
  CHECK(a.meta.runs % kTargetSeBlock == 0);
  CHECK(a.meta.runs < 20000);
  CHECK(largest_reported_se(a) <= 0.008);
  // One block fewer would not have been precise enough.
  if (a.meta.runs > kTargetSeBlock) {
    run(fmt::format("--runs {} --threads 1", a.meta.runs - kTargetSeBlock), "short.h5");
    CHECK(largest_reported_se(read_results(dir.path / "short.h5")) > 0.008);
  }
  // Another thread count stops at the same run, and --runs R gives the same file.
  run("--runs 20000 --target-se 0.008 --threads 1", "b.h5");
  run(fmt::format("--runs {} --threads 2", a.meta.runs), "c.h5");
  const SimulationResults b = read_results(dir.path / "b.h5"), c = read_results(dir.path / "c.h5");
  acosim::test::require_same_runs(a, b);
  acosim::test::require_same_runs(a, c);
}
