// Forecast scores (sim/engine/forecast_scores.hpp) against values computed by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include "sim/engine/forecast_scores.hpp"

using namespace acosim;

TEST_CASE("forecast scores: the CRPS of a sample is E|X - y| - E|X - X'|/2, exactly", "[scores]") {
  // {1, 2, 3} at 2: E|X - y| = 2/3; E|X - X'| = (2/9)(-2*1 + 0*2 + 2*3) = 8/9; CRPS = 2/3 - 4/9 = 2/9.
  const std::vector<double> x{1, 2, 3};
  CHECK(crps_sample(x, 2.0) == Approx(2.0 / 9.0).epsilon(1e-14));
  // At 5 (outside): E|X - y| = (4 + 3 + 2)/3 = 3; CRPS = 3 - 4/9.
  CHECK(crps_sample(x, 5.0) == Approx(3.0 - 4.0 / 9.0).epsilon(1e-14));
  // One point: the absolute error.
  const std::vector<double> one{0.5};
  CHECK(crps_sample(one, -0.25) == Approx(0.75).epsilon(1e-15));
}

TEST_CASE("forecast scores: the CRPS of a Normal has its closed form and a fine sample approaches it",
          "[scores]") {
  // At the mean: 2 phi(0) - 1/sqrt(pi) = 0.7978846 - 0.5641896 = 0.2336950 (x sigma).
  CHECK(crps_normal(0, 1, 0) == Approx(0.23369497).epsilon(1e-7));
  CHECK(crps_normal(3, 2, 3) == Approx(2 * 0.23369497).epsilon(1e-7));
  // z = 1: 1 (2 Phi(1) - 1) + 2 phi(1) - 1/sqrt(pi) = 0.6826895 + 0.4839414 - 0.5641896 = 0.6024413.
  CHECK(crps_normal(0, 1, 1) == Approx(0.6024413).epsilon(1e-6));
  // The quantiles (i - 1/2)/n of N(0.04, 0.02), n = 20,000: the sample CRPS is within 1e-5 of it.
  const boost::math::normal dist(0.04, 0.02);
  std::vector<double> q(20000);
  for (std::size_t i = 0; i < q.size(); ++i) q[i] = quantile(dist, (static_cast<double>(i) + 0.5) / 20000.0);
  for (double y : {0.0, 0.04, 0.07})
    CHECK(crps_sample(q, y) == Approx(crps_normal(0.04, 0.02, y)).margin(1e-5));
}

TEST_CASE("forecast scores: the PIT counts ties half and is 0 or 1 outside the sample", "[scores]") {
  const std::vector<double> x{1, 2, 3, 4};
  CHECK(pit_sample(x, 2.5) == 0.5);
  CHECK(pit_sample(x, 2.0) == 0.375);  // (1 below + 1/2 tie) / 4
  CHECK(pit_sample(x, 0.0) == 0.0);
  CHECK(pit_sample(x, 9.0) == 1.0);
}

TEST_CASE("forecast scores: coverage is the share of PITs inside the central interval, with a binomial SE",
          "[scores]") {
  const std::vector<double> pit{0.05, 0.3, 0.5, 0.74, 0.76, 0.95};
  const MeanSe c50 = coverage(pit, 0.5);  // [0.25, 0.75] holds 0.3, 0.5, 0.74
  CHECK(c50.mean == Approx(0.5));
  CHECK(c50.se == Approx(std::sqrt(0.25 / 6)));
  CHECK(coverage(pit, 0.9).mean == Approx(1.0));      // [0.05, 0.95], edges included
  CHECK(coverage(pit, 0.8).mean == Approx(4.0 / 6));  // [0.1, 0.9]
}

TEST_CASE("forecast scores: the PIT histogram's chi-square and p-value", "[scores]") {
  std::vector<double> even;
  for (int k = 0; k < 20; ++k) even.push_back((k + 0.5) / 20.0);
  const PitHistogram h = pit_histogram(even, 10);
  CHECK(h.counts == std::vector<long>(10, 2));
  CHECK(h.chi_square == 0.0);
  CHECK(h.p_value == Approx(1.0));
  // All 10 PITs in the first bin (and a PIT of exactly 1 counts in the last): expected 1 per bin.
  std::vector<double> lumped(9, 0.05);
  lumped.push_back(1.0);
  const PitHistogram g = pit_histogram(lumped, 10);
  CHECK(g.counts.front() == 9);
  CHECK(g.counts.back() == 1);
  CHECK(g.chi_square == Approx(64.0 + 8.0));  // (9-1)^2 + 8 empty bins x 1
  CHECK(g.degrees_of_freedom == 9);
  // Chi-square 9 on 9 degrees of freedom: upper tail 0.437274 (scipy.stats.chi2.sf(9, 9)).
  // Counts 5,3,3,2,2,2,1,1,1,0 of 20 (expected 2): sum (O - 2)^2 / 2 = (9+1+1+0+0+0+1+1+1+4)/2 = 9.
  std::vector<double> nine;
  const int counts[10] = {5, 3, 3, 2, 2, 2, 1, 1, 1, 0};
  for (int k = 0; k < 10; ++k) nine.insert(nine.end(), static_cast<std::size_t>(counts[k]), (k + 0.5) / 10.0);
  const PitHistogram n9 = pit_histogram(nine, 10);
  CHECK(n9.chi_square == Approx(9.0));
  CHECK(n9.p_value == Approx(0.437274).epsilon(1e-5));
}

TEST_CASE("forecast scores: Brier score, paired differences and the reliability table", "[scores]") {
  const std::vector<double> p{0.8, 0.3}, o{1, 0};
  const MeanSe b = brier(p, o);  // (0.04 + 0.09) / 2; SE = sd / sqrt(2) = 0.0353553 / 1.41421
  CHECK(b.mean == Approx(0.065));
  CHECK(b.se == Approx(0.025));
  const std::vector<double> base{0.5, 0.5};
  const MeanSe d = paired_difference(std::vector<double>{0.04, 0.09}, std::vector<double>{0.25, 0.25});
  CHECK(d.mean == Approx(-0.185));
  CHECK(brier(base, o).mean == Approx(0.25));

  const std::vector<double> pr{0.05, 0.15, 0.12, 1.0}, ob{0, 1, 0, 1};
  const auto t = reliability(pr, ob, 10);
  REQUIRE(t.size() == 10);
  CHECK(t[0].n == 1);
  CHECK(t[0].observed == 0.0);
  CHECK(t[1].n == 2);
  CHECK(t[1].mean_forecast == Approx(0.135));
  CHECK(t[1].observed == Approx(0.5));
  CHECK(t[1].observed_se == Approx(std::sqrt(0.25 / 2)));
  CHECK(t[9].n == 1);  // a forecast of exactly 1 goes in the last bin
  CHECK(t[5].n == 0);
}
