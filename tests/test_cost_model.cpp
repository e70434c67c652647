// Per-beneficiary annual cost model (models/cost_model.hpp): calibration to the facts of
// shared/spec/cost-model.md (cited as "cost §N"), the CMS truncation rule (settlement-rules.md
// §4.1), Monte Carlo agreement of cost() with the closed forms, and parameter validation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "models/cost_model.hpp"

using namespace acosim;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

// Wallis et al. 2021 (cost §1): share of spending held by the top 1/5/10/20/50% [V].
constexpr std::array<double, 5> kTopShares = {0.01, 0.05, 0.10, 0.20, 0.50};
constexpr std::array<double, 5> kWallis = {0.149, 0.415, 0.600, 0.791, 0.957};
constexpr double kLorenzTolerance = 0.015;  // "within about 1.5 percentage points" (cost §1)

CostShape untruncated(CostShape s) {
  s.truncation_percentile = 1.0;
  return s;
}

// n costs drawn through cost() from independent standard-normal latents (fixed seed).
std::vector<double> sample(const CostDistribution& d, std::size_t n, std::uint64_t seed,
                           double log_multiplier = 0.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z;
  std::vector<double> x(n);
  for (auto& v : x) {
    const double z_state = z(rng);
    const double z_size = z(rng);
    v = d.cost(z_state, z_size, log_multiplier);
  }
  return x;
}

struct Moments {
  double mean, sd, se_mean, se_sd;
};

// Sample mean and SD with their standard errors: SE(mean) = s / sqrt(n);
// SE(s) ~ sqrt((m4 - s^4) / n) / (2 s) (delta method on the sample variance, m4 = 4th central moment).
Moments moments(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  double sum = 0;
  for (double v : x) sum += v;
  const double mean = sum / n;
  double m2 = 0, m4 = 0;
  for (double v : x) {
    const double d2 = (v - mean) * (v - mean);
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  const double sd = std::sqrt(m2);
  return {mean, sd, sd / std::sqrt(n), std::sqrt((m4 - m2 * m2) / n) / (2 * sd)};
}

// Share of the sample total held by the top `share` of draws (x sorted descending).
double sample_top_share(const std::vector<double>& sorted_desc, double total, double share) {
  const auto k = static_cast<std::size_t>(share * static_cast<double>(sorted_desc.size()));
  double top = 0;
  for (std::size_t i = 0; i < k; ++i) top += sorted_desc[i];
  return top / total;
}

}  // namespace

TEST_CASE("National shape: analytic Lorenz points within 1.5 pp of Wallis et al.", "[cost]") {
  const CostDistribution d(national_shape(), 12'000);
  for (std::size_t i = 0; i < kTopShares.size(); ++i) {
    INFO("top " << kTopShares[i] << ": model " << d.top_share(kTopShares[i]) << ", Wallis " << kWallis[i]);
    CHECK_THAT(d.top_share(kTopShares[i]), WithinAbs(kWallis[i], kLorenzTolerance));
  }
  // RMSE over the 5 points: 0.47 pp for this fit (cost §1 table).
  double sse = 0;
  for (std::size_t i = 0; i < kTopShares.size(); ++i)
    sse += std::pow(d.top_share(kTopShares[i]) - kWallis[i], 2);
  CHECK_THAT(std::sqrt(sse / 5), WithinAbs(0.0047, 0.0005));
  // Scale-free: another mean or the truncation setting does not move the Lorenz curve.
  const CostDistribution other(untruncated(national_shape()), 88'800);
  CHECK_THAT(other.top_share(0.05), WithinRel(d.top_share(0.05), 1e-9));
  CHECK(d.top_share(0.0) == 0.0);
  CHECK(d.top_share(0.95) == 1.0);  // beyond the 90% with spending: all of it
  // CBO 2005 (cost §1): top-25% threshold about 0.85 x the mean; bottom 50% hold about 4%.
  CHECK_THAT(d.quantile(0.75) / d.untruncated_mean(), WithinAbs(0.85, 0.03));
  CHECK_THAT(1 - d.top_share(0.50), WithinAbs(0.04, 0.01));
}

TEST_CASE("National shape: moments, truncation and percentiles", "[cost]") {
  const CostDistribution d(national_shape(), 12'000);
  // Truncated mean equals the configured mean (analytic, closed forms).
  CHECK_THAT(d.mean(), WithinRel(12'000.0, 1e-9));
  // cost §1: untruncated CV 2.22; truncation at P99 lowers the mean ~5.4% and the CV to ~1.88.
  CHECK_THAT(d.untruncated_sd() / d.untruncated_mean(), WithinAbs(2.22, 0.05));
  CHECK_THAT(d.sd() / d.mean(), WithinAbs(1.88, 0.05));
  CHECK_THAT(1 - d.mean() / d.untruncated_mean(), WithinAbs(0.054, 0.005));
  // The truncation point is the 99th percentile of the whole distribution, zeros included.
  CHECK_THAT(d.cdf(d.truncation_point()), WithinAbs(0.99, 1e-12));
  CHECK_THAT(d.quantile(0.99), WithinRel(d.truncation_point(), 1e-12));
  CHECK_THAT(d.log_cap(), WithinRel(std::log(d.truncation_point()), 1e-15));
  CHECK_THAT(d.truncation_point() / d.mean(), WithinAbs(10.9, 0.1));  // "about 10 x the mean"

  // State thresholds: P(zero) = 0.10, P(high) = 0.9 x 0.3 = 0.27; medians 12x apart.
  CHECK_THAT(d.z_zero(), WithinAbs(-1.2815515655446004, 1e-12));
  CHECK_THAT(d.z_high(), WithinAbs(0.612812991016627, 1e-12));  // Phi^-1(0.73)
  CHECK_THAT(d.mu_high() - d.mu_low(), WithinAbs(std::log(12.0), 1e-12));
  CHECK(d.sigma() == 0.90);
  CHECK(d.family() == CostFamily::LognormalMixture);

  // Percentiles quoted in cost §1 are for an UNTRUNCATED mean of $12,000.
  const CostDistribution u(untruncated(national_shape()), 12'000);
  CHECK_THAT(u.untruncated_mean(), WithinRel(12'000.0, 1e-9));
  CHECK(std::isinf(u.truncation_point()));
  CHECK_THAT(u.quantile(0.50), WithinRel(2'800.0, 0.05));
  CHECK_THAT(u.quantile(0.75), WithinRel(10'200.0, 0.05));
  CHECK_THAT(u.quantile(0.90), WithinRel(33'600.0, 0.05));
  CHECK_THAT(u.quantile(0.95), WithinRel(55'600.0, 0.05));
  CHECK_THAT(u.quantile(0.99), WithinRel(124'000.0, 0.05));
  CHECK(u.quantile(0.05) == 0.0);
  CHECK(u.quantile(0.10) == 0.0);
  CHECK(u.cdf(0.0) == 0.10);
  CHECK(u.cdf(-1.0) == 0.0);
  for (double p : {0.11, 0.3, 0.63, 0.73, 0.9, 0.999, 0.999999})
    CHECK_THAT(u.cdf(u.quantile(p)), WithinAbs(p, 1e-12));
}

TEST_CASE("National shape: Monte Carlo through cost() agrees with the closed forms", "[cost]") {
  constexpr std::size_t n = 1'000'000;
  // Untruncated: Lorenz points from 1e6 draws.
  const CostDistribution u(untruncated(national_shape()), 12'000);
  std::vector<double> x = sample(u, n, 20240601);
  const Moments mu = moments(x);
  // SE(mean) = sd / sqrt(n) ~ 26.6 USD.
  INFO("untruncated MC mean " << mu.mean << " +- " << mu.se_mean);
  CHECK(std::abs(mu.mean - u.mean()) < 3 * mu.se_mean);
  std::sort(x.begin(), x.end(), std::greater<>());
  const double total = mu.mean * static_cast<double>(n);
  for (std::size_t i = 0; i < kTopShares.size(); ++i) {
    const double mc = sample_top_share(x, total, kTopShares[i]);
    INFO("top " << kTopShares[i] << ": MC " << mc << ", analytic " << u.top_share(kTopShares[i]));
    CHECK_THAT(mc, WithinAbs(kWallis[i], kLorenzTolerance));
    CHECK_THAT(mc, WithinAbs(u.top_share(kTopShares[i]), 0.005));
  }

  // Truncated, same latents: mean and SD within 3 SE; zero and capped fractions.
  const CostDistribution d(national_shape(), 12'000);
  const std::vector<double> y = sample(d, n, 20240601);
  const Moments m = moments(y);
  // SE(mean) = 22,515 / 1000 ~ 22.5 USD; SE(sd) from the sample 4th moment.
  INFO("truncated MC mean " << m.mean << " +- " << m.se_mean << ", sd " << m.sd << " +- " << m.se_sd
                            << "; analytic " << d.mean() << ", " << d.sd());
  CHECK(std::abs(m.mean - d.mean()) < 3 * m.se_mean);
  CHECK(std::abs(m.sd - d.sd()) < 3 * m.se_sd);
  const double nd = static_cast<double>(n);
  const auto zeros = static_cast<double>(std::count(y.begin(), y.end(), 0.0));
  const auto capped = static_cast<double>(std::count(y.begin(), y.end(), d.truncation_point()));
  CHECK(std::abs(zeros / nd - 0.10) < 3 * std::sqrt(0.10 * 0.90 / nd));
  CHECK(std::abs(capped / nd - 0.01) < 3 * std::sqrt(0.01 * 0.99 / nd));
  CHECK(*std::max_element(y.begin(), y.end()) == d.truncation_point());
}

TEST_CASE("cost(): states, the multiplier and the fixed-dollar cap", "[cost]") {
  const CostDistribution d(national_shape(), 12'000);
  const double cap = d.truncation_point();
  CHECK(d.cost(d.z_zero() - 1e-9, 5.0) == 0.0);
  CHECK(d.cost(-10.0, 10.0, 1.0) == 0.0);
  // Low and high component at z_size = 0 are the component medians. The cost's exp is single
  // precision (docs/performance.md): the log-cost rounded to float (half an ulp: 4.8e-7 at ~12)
  // and exp_f's ulp put each cost within 6e-7 relative of the exact value.
  CHECK_THAT(d.cost(0.0, 0.0), WithinRel(std::exp(d.mu_low()), 6e-7));
  CHECK_THAT(d.cost(1.0, 0.0), WithinRel(std::exp(d.mu_high()), 6e-7));
  CHECK_THAT(d.cost(1.0, 0.0) / d.cost(0.0, 0.0), WithinRel(12.0, 1.2e-6));
  // The multiplier scales the cost below the cap; the cap stays fixed in dollars.
  const double x = d.cost(0.0, 0.3);
  CHECK_THAT(d.cost(0.0, 0.3, std::log(0.95)), WithinRel(0.95 * x, 1.2e-6));
  CHECK(d.cost(1.0, 8.0) == cap);
  CHECK(d.cost(1.0, 8.0, std::log(0.5)) == cap);
  // m x X crosses the cap: the high-component value just below the cap, scaled up 10%.
  const double z_below = (std::log(0.95 * cap) - d.mu_high()) / d.sigma();
  CHECK_THAT(d.cost(1.0, z_below), WithinRel(0.95 * cap, 6e-7));
  CHECK(d.cost(1.0, z_below, std::log(1.10)) == cap);

  // With a true effect m = 0.97 the ACO's mean is E[min(cap, 0.97 X)]: MC vs a numeric check
  // through the distribution with 3% lower mean but the national cap.
  const std::vector<double> y = sample(d, 200'000, 7, std::log(0.97));
  const Moments m = moments(y);
  CHECK(m.mean < d.mean());
  CHECK(m.mean > 0.97 * d.mean() - 3 * m.se_mean);  // the cap binds less often when m < 1
}

TEST_CASE("Lognormal and gamma families: truncated mean, MC mean and SD", "[cost]") {
  struct Case {
    CostShape shape;
    double mean;
    std::size_t n;
  };
  CostShape ln = national_shape();
  ln.family = CostFamily::Lognormal;
  ln.p_zero = 0.0;
  ln.sigma = 1.49;  // cost §1 lognormal fit
  CostShape ln0 = ln;
  ln0.p_zero = 0.41;
  ln0.sigma = 1.18;  // cost §1 zero + lognormal fit
  CostShape ga = national_shape();
  ga.family = CostFamily::Gamma;
  ga.p_zero = 0.0;
  ga.gamma_shape = 0.24;  // cost §1 gamma fit
  CostShape ga0 = ga;
  ga0.p_zero = 0.05;
  ga0.gamma_shape = 0.5;
  CostShape ga_u = untruncated(ga);
  const std::array<Case, 5> cases = {{{ln, 11'300, 1'000'000},
                                      {ln0, 17'600, 1'000'000},
                                      {ga, 11'400, 200'000},
                                      {ga0, 88'800, 200'000},
                                      {ga_u, 12'000, 200'000}}};
  std::uint64_t seed = 1;
  for (const Case& c : cases) {
    const CostDistribution d(c.shape, c.mean);
    INFO(to_string(c.shape.family) << " p_zero " << c.shape.p_zero << " mean " << c.mean);
    CHECK_THAT(d.mean(), WithinRel(c.mean, 1e-9));
    if (c.shape.truncation_percentile < 1) {
      CHECK(d.mean() < d.untruncated_mean());
      CHECK_THAT(d.cdf(d.truncation_point()), WithinAbs(0.99, 1e-10));
    }
    for (double p : {0.2, 0.5, 0.9, 0.99})
      if (p > c.shape.p_zero) CHECK_THAT(d.cdf(d.quantile(p)), WithinAbs(p, 1e-10));
    const Moments m = moments(sample(d, c.n, seed++));
    INFO("MC mean " << m.mean << " +- " << m.se_mean << " vs " << d.mean() << "; MC sd " << m.sd << " +- "
                    << m.se_sd << " vs " << d.sd());
    CHECK(std::abs(m.mean - d.mean()) < 3 * m.se_mean);
    CHECK(std::abs(m.sd - d.sd()) < 3 * m.se_sd);
  }
  // The cost §1 fit table: gamma 0.24 has CV 2.04, lognormal 1.49 has CV 2.87 (untruncated).
  const CostDistribution g(ga, 12'000), l(ln, 12'000);
  CHECK_THAT(g.untruncated_sd() / g.untruncated_mean(), WithinAbs(2.04, 0.01));
  CHECK_THAT(l.untruncated_sd() / l.untruncated_mean(), WithinAbs(2.87, 0.01));
  CHECK(l.top_share(0.01) > 0.19);  // the lognormal's top 1% is too high (cost §1)
  // Gamma: the quantile at Phi(z_size) (median at z = 0), capped.
  CHECK_THAT(g.cost(0.0, 0.0), WithinRel(g.quantile(0.5), 1e-10));
  CHECK(g.cost(0.0, 9.0) == g.truncation_point());
  CHECK(g.cost(0.0, -40.0) == 0.0);
}

TEST_CASE("Enrollment types: national means, per-type truncation points, names", "[cost]") {
  const CostShape s = national_shape();
  const std::array<double, kEnrollmentTypes> means = {88'800, 11'400, 17'600, 11'300};
  for (int i = 0; i < kEnrollmentTypes; ++i) {
    const auto t = static_cast<EnrollmentType>(i);
    CHECK(national_mean(t) == means[static_cast<std::size_t>(i)]);
    const CostDistribution d(s, national_mean(t));
    CHECK_THAT(d.mean(), WithinRel(national_mean(t), 1e-9));
    // Same shape, so the cap is the same multiple of the mean for every type.
    CHECK_THAT(d.truncation_point() / d.mean(), WithinRel(10.911, 1e-3));
    CHECK(parse_enrollment_type(to_string(t)) == t);
  }
  CHECK(to_string(EnrollmentType::AgedNonDual) == "aged_nondual");
  CHECK(parse_enrollment_type("Aged/Non-dual") == EnrollmentType::AgedNonDual);
  CHECK(parse_enrollment_type("aged-dual") == EnrollmentType::AgedDual);
  CHECK(parse_enrollment_type("ESRD") == EnrollmentType::ESRD);
  CHECK_FALSE(parse_enrollment_type("aged").has_value());
  CHECK(parse_cost_family("Lognormal_Mixture") == CostFamily::LognormalMixture);
  CHECK(parse_cost_family("gamma") == CostFamily::Gamma);
  CHECK_FALSE(parse_cost_family("weibull").has_value());
}

TEST_CASE("Bad shapes and means throw, naming the parameter and the allowed range", "[cost]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto make = [](CostShape s, double mean = 12'000) { return CostDistribution(s, mean); };
  CostShape s;

  s = {}, s.p_zero = -0.01;
  CHECK_THROWS_WITH(make(s), Contains("p_zero") && Contains("[0, 1)"));
  s = {}, s.p_zero = 1.0;
  CHECK_THROWS_WITH(make(s), Contains("p_zero") && Contains("[0, 1)"));
  s = {}, s.p_zero = nan;
  CHECK_THROWS_WITH(make(s), Contains("p_zero") && Contains("[0, 1)"));
  s = {}, s.p_zero = 0.995;  // above the truncation percentile: the cap would be $0
  CHECK_THROWS_WITH(make(s), Contains("p_zero") && Contains("truncation_percentile"));

  s = {}, s.sigma = 0.0;
  CHECK_THROWS_WITH(make(s), Contains("sigma") && Contains("(0, inf)"));
  s = {}, s.sigma = -1.0;
  CHECK_THROWS_WITH(make(s), Contains("sigma") && Contains("(0, inf)"));
  s = {}, s.sigma = nan;
  CHECK_THROWS_WITH(make(s), Contains("sigma") && Contains("(0, inf)"));
  s = {}, s.family = CostFamily::Lognormal, s.sigma = 0.0;
  CHECK_THROWS_WITH(make(s), Contains("sigma"));

  s = {}, s.high_weight = -0.1;
  CHECK_THROWS_WITH(make(s), Contains("high_weight") && Contains("[0, 1]"));
  s = {}, s.high_weight = 1.5;
  CHECK_THROWS_WITH(make(s), Contains("high_weight") && Contains("[0, 1]"));
  s = {}, s.high_weight = nan;
  CHECK_THROWS_WITH(make(s), Contains("high_weight") && Contains("[0, 1]"));

  s = {}, s.median_ratio = 0.9;
  CHECK_THROWS_WITH(make(s), Contains("median_ratio") && Contains("[1, inf)"));
  s = {}, s.median_ratio = nan;
  CHECK_THROWS_WITH(make(s), Contains("median_ratio") && Contains("[1, inf)"));

  s = {}, s.family = CostFamily::Gamma, s.gamma_shape = 0.0;
  CHECK_THROWS_WITH(make(s), Contains("gamma_shape") && Contains("(0, inf)"));
  s = {}, s.family = CostFamily::Gamma, s.gamma_shape = nan;
  CHECK_THROWS_WITH(make(s), Contains("gamma_shape") && Contains("(0, inf)"));

  s = {}, s.truncation_percentile = 0.5;
  CHECK_THROWS_WITH(make(s), Contains("truncation_percentile") && Contains("(0.5, 1]"));
  s = {}, s.truncation_percentile = 1.01;
  CHECK_THROWS_WITH(make(s), Contains("truncation_percentile") && Contains("(0.5, 1]"));
  s = {}, s.truncation_percentile = nan;
  CHECK_THROWS_WITH(make(s), Contains("truncation_percentile") && Contains("(0.5, 1]"));

  CHECK_THROWS_WITH(make({}, 0.0), Contains("mean") && Contains("(0, inf)"));
  CHECK_THROWS_WITH(make({}, -5.0), Contains("mean") && Contains("(0, inf)"));
  CHECK_THROWS_WITH(make({}, nan), Contains("mean") && Contains("(0, inf)"));
  CHECK_THROWS_AS(make({}, std::numeric_limits<double>::infinity()), std::invalid_argument);

  // Edge values inside the ranges are accepted.
  s = {}, s.p_zero = 0.0, s.high_weight = 0.0, s.median_ratio = 1.0;
  CHECK_NOTHROW(make(s));
  s = {}, s.high_weight = 1.0, s.truncation_percentile = 1.0;
  CHECK_NOTHROW(make(s));
  // Out-of-range queries.
  const CostDistribution d(national_shape(), 12'000);
  CHECK_THROWS_AS(d.quantile(1.5), std::invalid_argument);
  CHECK_THROWS_AS(d.top_share(-0.1), std::invalid_argument);
}
