// The fast sampler and the bench path: correctness only (no timed assertions).
// - the vectorizable Philox equals Random123's word for word;
// - the deterministic log/exp are within 1 ulp of libm, sincos within 2 of a long double reference;
//   their single-precision twins (the engine's arithmetic) within 2.5, 1 and 1.6 float ulps;
// - the single-precision arithmetic leaves the cost distribution, Lorenz points, k and the rates of
//   crossing the MSR unchanged within Monte Carlo error of the double one (fixed seeds);
// - the tiled sums equal the one-block-at-a-time definitions bit for bit at every instruction set
//   this CPU has (SSE2, AVX2, AVX-512), so every rank of a mixed cluster gets the same numbers;
// - `acosim bench` and `--print-model` run and report bit-identical tables across thread counts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/cost_model.hpp"
#include "models/det_math.hpp"
#include "models/empirical_cost.hpp"
#include "sim/engine/rng.hpp"
#include "sim/engine/sampler.hpp"
#include "sim/engine/sampler_isa.hpp"  // exp_in_fast_range
#include "tests/support.hpp"

using namespace acosim;
using namespace acosim::test;

namespace {

// |a - b| in units of the last place of b.
double ulps(double a, double b) {
  if (a == b) return 0;
  int e = 0;
  std::frexp(b, &e);
  return std::fabs(a - b) / std::ldexp(1.0, e - 53);
}

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// sin and cos of 2 pi u, u = (w + 0.5) 2^-32, in long double on the same exact reduction
// (4u = q + x) as the kernels.
struct ExactTurn {
  long double sine, cosine;
};
ExactTurn exact_sincos_turn(std::uint32_t w) {
  const long double t4 = (static_cast<long double>(w) + 0.5L) / 1073741824.0L;
  const long double q = std::round(t4);
  const long double a = (t4 - q) * 1.57079632679489661923132169163975144L;
  const long double sa = std::sin(a), ca = std::cos(a);
  const int quadrant = static_cast<int>(q) & 3;
  return {quadrant == 0   ? sa
          : quadrant == 1 ? ca
          : quadrant == 2 ? -sa
                          : -ca,
          quadrant == 0   ? ca
          : quadrant == 1 ? -sa
          : quadrant == 2 ? -ca
                          : sa};
}

std::vector<SimdLevel> supported_levels() {
  std::vector<SimdLevel> out;
  for (SimdLevel l : {SimdLevel::Sse2, SimdLevel::Avx2, SimdLevel::Avx512}) {
    if (simd_supported(l)) out.push_back(l);
  }
  return out;
}

}  // namespace

TEST_CASE("The batched Philox equals Random123 word for word", "[bench][rng]") {
  for (std::uint64_t seed : {0ULL, 1ULL, 20240101ULL, 0xffffffffffffffffULL}) {
    for (std::uint64_t run : {0ULL, 7ULL, 0x1234567890ULL}) {
      const PhiloxStream s(seed, run, Purpose::Beneficiary, 3);
      for (std::uint32_t stride : {1u, 2u, 5u}) {
        std::array<std::uint32_t, 37> w0{}, w1{}, w2{}, w3{};
        const std::uint32_t first = 0xfffffff0u;  // crosses the 32-bit block wrap-around
        s.words_batch(first, stride, 37, w0.data(), w1.data(), w2.data(), w3.data());
        for (std::uint32_t i = 0; i < 37; ++i) {
          const auto w = s.words(first + i * stride);
          REQUIRE(w[0] == w0[i]);
          REQUIRE(w[1] == w1[i]);
          REQUIRE(w[2] == w2[i]);
          REQUIRE(w[3] == w3[i]);
        }
      }
    }
  }
}

TEST_CASE("Batched normals equal normals4 bit for bit", "[bench][rng]") {
  const PhiloxStream s(99, 3, Purpose::RunLevel);
  std::array<double, kMaxBatch> z0{}, z1{}, z2{}, z3{};
  normals4_batch(s, 11, 2, kMaxBatch, z0.data(), z1.data(), z2.data(), z3.data());
  for (int i = 0; i < kMaxBatch; ++i) {
    const auto z = normals4(s, static_cast<std::uint32_t>(11 + 2 * i));
    const auto k = static_cast<std::size_t>(i);
    REQUIRE(same_bits(z[0], z0[k]));
    REQUIRE(same_bits(z[1], z1[k]));
    REQUIRE(same_bits(z[2], z2[k]));
    REQUIRE(same_bits(z[3], z3[k]));
  }
}

TEST_CASE(
    "The sampler kernels' normals equal normals4 (and the double ones box_muller_double) bit for bit at "
    "every instruction set",
    "[bench][rng]") {
  const PhiloxStream s(20240101, 77, Purpose::Beneficiary, 2);
  alignas(64) double z[4][kSamplerTile];
  for (SimdLevel level : {SimdLevel::Sse2, SimdLevel::Avx2, SimdLevel::Avx512}) {
    if (!simd_supported(level)) continue;
    for (Arithmetic arithmetic : {Arithmetic::Float, Arithmetic::Double}) {
      INFO("level " << to_string(level) << (arithmetic == Arithmetic::Float ? ", float" : ", double"));
      for (const int count : {kSamplerTile, 1, 9, 17, 100}) {
        for (std::uint32_t first = 0; first < 40000; first += 4999) {
          kernel_normals(s, first, 2, count, z[0], z[1], z[2], z[3], level, arithmetic);
          for (int k = 0; k < count; ++k) {
            const std::uint32_t block = first + 2 * static_cast<std::uint32_t>(k);
            std::array<double, 4> want = normals4(s, block);
            if (arithmetic == Arithmetic::Double) {
              const auto w = s.words(block);
              box_muller_double(w[0], w[1], want[0], want[1]);
              box_muller_double(w[2], w[3], want[2], want[3]);
            }
            for (std::size_t j = 0; j < 4; ++j) REQUIRE(same_bits(z[j][k], want[j]));
          }
        }
      }
    }
  }
}

TEST_CASE("Deterministic log and exp are within 1 ulp, sincos within 2", "[bench][math]") {
  std::mt19937_64 g(12345);
  double worst_log = 0, worst_exp = 0, worst_sin = 0, worst_cos = 0;
  for (int i = 0; i < 200000; ++i) {
    std::uint32_t w = static_cast<std::uint32_t>(g());
    if (i < 64) w = static_cast<std::uint32_t>(i);                                 // the smallest uniforms
    if (i >= 64 && i < 128) w = 0xffffffffu - static_cast<std::uint32_t>(i - 64);  // the largest
    const double u = detmath::uniform(w);
    REQUIRE(u == (static_cast<double>(w) + 0.5) * 0x1p-32);
    worst_log = std::max(worst_log, ulps(detmath::log_positive(u), std::log(u)));
    // The Box-Muller form folds the scalings in: it must still be exactly -2 log_positive(u).
    REQUIRE(same_bits(detmath::minus_two_log_uniform(w), -2.0 * detmath::log_positive(u)));
    // sin/cos of 2 pi u against long double (exact_sincos_turn).
    const auto [sine, cosine] = exact_sincos_turn(w);
    double s = 0, c = 0;
    detmath::sincos_turn(w, s, c);
    worst_sin = std::max(worst_sin, ulps(s, static_cast<double>(sine)));
    worst_cos = std::max(worst_cos, ulps(c, static_cast<double>(cosine)));
    const double y = std::uniform_real_distribution<double>(-700.0, 700.0)(g) / (i % 2 == 0 ? 1.0 : 40.0);
    worst_exp = std::max(worst_exp, ulps(detmath::exp(y), std::exp(y)));
  }
  INFO("worst ulps: log " << worst_log << ", exp " << worst_exp << ", sin " << worst_sin << ", cos "
                          << worst_cos);
  CHECK(worst_log <= 1.0);
  CHECK(worst_exp <= 1.0);
  CHECK(worst_sin <= 2.0);  // one of the two is sqrt(1 - the other^2)
  CHECK(worst_cos <= 2.0);
  // Out of range and special values.
  CHECK(detmath::exp(0.0) == 1.0);
  CHECK(detmath::exp(710.0) == std::numeric_limits<double>::infinity());
  CHECK(detmath::exp(std::numeric_limits<double>::infinity()) == std::numeric_limits<double>::infinity());
  CHECK(detmath::exp(-709.0) == 0.0);
  CHECK(detmath::exp(-std::numeric_limits<double>::infinity()) == 0.0);
  CHECK(std::isnan(detmath::exp(std::numeric_limits<double>::quiet_NaN())));
  CHECK(std::isnan(detmath::exp(-std::numeric_limits<double>::quiet_NaN())));
  CHECK(ulps(detmath::exp(709.78), std::exp(709.78)) <= 1.0);
  CHECK(ulps(detmath::exp(-707.9), std::exp(-707.9)) <= 1.0);
}

// |a - b| in units of the last place of a float at b.
double ulps_f(double a, double b) {
  if (a == b) return 0;
  int e = 0;
  std::frexp(b, &e);
  return std::fabs(a - b) / std::ldexp(1.0, e - 24);
}

TEST_CASE(
    "Single-precision -2 ln u is within 2.5 float ulps of the exact uniform's, exp within 1, sincos within "
    "1.6",
    "[bench][math]") {
  std::mt19937_64 g(54321);
  double worst_log = 0, worst_exp = 0, worst_sin = 0, worst_cos = 0, worst_radius = 0;
  for (int i = 0; i < 200000; ++i) {
    std::uint32_t w = static_cast<std::uint32_t>(g());
    if (i < 64) w = static_cast<std::uint32_t>(i);
    if (i >= 64 && i < 128) w = 0xffffffffu - static_cast<std::uint32_t>(i - 64);
    // w + 0.5 in float: exact below 2^23, within one float ulp above.
    const float v = detmath::word_plus_half_f(w);
    if (w < (1u << 23)) REQUIRE(static_cast<double>(v) == static_cast<double>(w) + 0.5);
    REQUIRE(ulps_f(v, static_cast<double>(w) + 0.5) <= 1.0);
    // -2 ln u against long double on the exact u = (w + 0.5) 2^-32: for u >= sqrt(1/2) through
    // 1 - u from the complementary word, below through the float u (exact for w < 2^23).
    const float radius2 = detmath::minus_two_log_uniform_f(w);
    const long double exact = -2.0L * std::log((static_cast<long double>(w) + 0.5L) / 4294967296.0L);
    worst_log = std::max(worst_log, ulps_f(radius2, static_cast<double>(exact)));
    worst_radius =
        std::max(worst_radius, static_cast<double>(std::fabs(static_cast<long double>(radius2) - exact)));
    const auto [sine, cosine] = exact_sincos_turn(w);
    float s = 0, c = 0;
    detmath::sincos_turn_f(w, s, c);
    worst_sin = std::max(worst_sin, ulps_f(s, static_cast<double>(sine)));
    worst_cos = std::max(worst_cos, ulps_f(c, static_cast<double>(cosine)));
    const float y =
        static_cast<float>(std::uniform_real_distribution<double>(-86.5, 88.7)(g) / (i % 2 == 0 ? 1.0 : 8.0));
    worst_exp = std::max(worst_exp, ulps_f(detmath::exp_f(y), std::exp(static_cast<double>(y))));
  }
  INFO("worst float ulps: log " << worst_log << ", exp " << worst_exp << ", sin " << worst_sin << ", cos "
                                << worst_cos << "; worst |radius^2 - exact| " << worst_radius);
  CHECK(worst_log <= 2.5);  // u rounded to 24 bits between 2^-9 and sqrt(1/2): up to 2.4 ulps
  CHECK(worst_exp <= 1.05);
  CHECK(worst_sin <= 1.6);
  CHECK(worst_cos <= 1.6);
  CHECK(worst_radius < 4e-6);  // -2 ln u <= 45.4: a float ulp there is 3.8e-6
  CHECK(detmath::exp_f(0.0f) == 1.0f);
  CHECK(detmath::exp_f(89.0f) == std::numeric_limits<float>::infinity());
  CHECK(detmath::exp_f(-87.0f) == 0.0f);
  CHECK(std::isnan(detmath::exp_f(std::numeric_limits<float>::quiet_NaN())));
}

namespace {

// The previous, double-precision cost (detmath::exp of the double log-cost): the reference the
// single-precision arithmetic is compared with.
double cost_double(const LognormalCost& k, double zs, double zz) {
  if (zs < k.z_zero()) return 0.0;
  const double x = detmath::exp(detmath::fmadd(k.sigma(), zz, k.z_high() < zs ? k.mu_high() : k.mu_low()));
  return x < k.cap() ? x : k.cap();
}

struct Distribution {
  double mean = 0, sd = 0, p_zero = 0, p_cap = 0;
  std::array<double, 4> quantile{};   // 50, 90, 99, 99.9th percentiles
  std::array<double, 4> top_share{};  // shares of the total held by the top 1, 5, 10, 20%
};
Distribution describe(std::vector<double> c, double cap) {
  Distribution d;
  const double n = static_cast<double>(c.size());
  double sum = 0, sum2 = 0;
  for (double x : c) {
    sum += x;
    sum2 += x * x;
    d.p_zero += x == 0 ? 1 : 0;
    d.p_cap += x == cap ? 1 : 0;
  }
  d.mean = sum / n;
  d.sd = std::sqrt(sum2 / n - d.mean * d.mean);
  d.p_zero /= n;
  d.p_cap /= n;
  std::sort(c.begin(), c.end());
  const double q[] = {0.5, 0.9, 0.99, 0.999};
  for (std::size_t i = 0; i < 4; ++i) d.quantile[i] = c[static_cast<std::size_t>(q[i] * n)];
  const double top[] = {0.01, 0.05, 0.10, 0.20};
  for (std::size_t i = 0; i < 4; ++i) {
    double t = 0;
    for (std::size_t j = c.size() - static_cast<std::size_t>(top[i] * n); j < c.size(); ++j) t += c[j];
    d.top_share[i] = t / sum;
  }
  return d;
}

}  // namespace

TEST_CASE(
    "Single-precision transforms leave the per-type cost distribution and the Lorenz points unchanged within "
    "Monte "
    "Carlo error of the double arithmetic",
    "[bench][math][float]") {
  // 400,000 beneficiary-years of the national model, every enrollment type: the same Philox words
  // through the engine's arithmetic (box_muller, the cost's exp_f) and the double one.
  for (EnrollmentType type : {EnrollmentType::ESRD, EnrollmentType::AgedNonDual}) {
    const CostDistribution d(national_shape(), national_mean(type));
    const LognormalCost k = d.kernel();
    const PhiloxStream s(20240101, 5, Purpose::Beneficiary, 3);
    constexpr long kBlocks = 200000;
    std::vector<double> cf, cd;
    cf.reserve(2 * kBlocks);
    cd.reserve(2 * kBlocks);
    double worst_z = 0, worst_cost = 0;
    long flips = 0;
    for (long b = 0; b < kBlocks; ++b) {
      const auto w = s.words(static_cast<std::uint32_t>(b));
      const auto zf = normals4(s, static_cast<std::uint32_t>(b));
      std::array<double, 4> zd{};
      box_muller_double(w[0], w[1], zd[0], zd[1]);
      box_muller_double(w[2], w[3], zd[2], zd[3]);
      for (std::size_t j = 0; j < 4; ++j) worst_z = std::max(worst_z, std::fabs(zf[j] - zd[j]));
      for (std::size_t j = 0; j < 4; j += 2) {
        const double f = d.cost(zf[j], zf[j + 1]), g = cost_double(k, zd[j], zd[j + 1]);
        cf.push_back(f);
        cd.push_back(g);
        if ((f == 0) != (g == 0))
          ++flips;
        else if (g > 0)
          worst_cost = std::max(worst_cost, std::fabs(f / g - 1));
      }
    }
    const Distribution a = describe(cf, k.cap()), b = describe(cd, k.cap());
    const double n = static_cast<double>(cf.size());
    INFO("type " << static_cast<int>(type) << ": worst |z_float - z_double| " << worst_z
                 << ", worst relative cost difference " << worst_cost << ", state flips " << flips
                 << "; mean " << a.mean << " vs " << b.mean);
    // Each latent within a few float ulps of |z| <= 6.8, each cost within a few float ulps (the
    // log-cost is rounded to float before exp: 5e-7), and a zero-state flip only where z_state lies
    // within ~1e-6 of the threshold (expected ~0.2 of 400,000).
    CHECK(worst_z < 2e-6);
    CHECK(worst_cost < 3e-6);
    CHECK(flips <= 2);
    // The distribution: every figure within 1% of its Monte Carlo standard error (the SE of a mean
    // is sd / sqrt(n); of a proportion sqrt(p (1 - p) / n); quantiles and top shares are compared
    // relatively, against their own ~1% sampling error at this n, to 1e-4).
    CHECK(std::fabs(a.mean - b.mean) < 0.01 * b.sd / std::sqrt(n));
    CHECK(std::fabs(a.sd - b.sd) < 0.01 * b.sd / std::sqrt(2 * n));
    CHECK(std::fabs(a.p_zero - b.p_zero) < 0.01 * std::sqrt(b.p_zero * (1 - b.p_zero) / n) + 1.0 / n);
    CHECK(std::fabs(a.p_cap - b.p_cap) < 0.01 * std::sqrt(b.p_cap * (1 - b.p_cap) / n) + 1.0 / n);
    for (std::size_t i = 0; i < 4; ++i) {
      CHECK(std::fabs(a.quantile[i] / b.quantile[i] - 1) < 1e-4);
      CHECK(std::fabs(a.top_share[i] - b.top_share[i]) < 1e-4);
    }
  }
}

TEST_CASE(
    "Single-precision transforms leave k and the rates of crossing the MSR unchanged within Monte Carlo "
    "error of the "
    "double arithmetic",
    "[bench][math][float]") {
  // 400 runs of an ACO of 5,000 aged/non-dual beneficiaries with a historical benchmark and no
  // true effect: the engine's per-run sums (sum_history) against a one-beneficiary-at-a-time double
  // reference (box_muller_double, the double cost, the same AR(1) and lane sums). Savings rate
  // r = (B - E) / B with B = 0.1 BY1 + 0.3 BY2 + 0.6 BY3; k = SD(r) sqrt(N) (cost-model spec
  // section 4); the design rates: P(r >= m) for the MSRs 2% and 3.9% (the variable MSR at 5,000,
  // 42 CFR 425.604(b)) and P(r <= -2%).
  const CostDistribution d(national_shape(), national_mean(EnrollmentType::AgedNonDual));
  const LognormalCost k = d.kernel();
  constexpr long kN = 5000, kRuns = 400;
  constexpr double rho = 0.52;
  const double innovation = std::sqrt(1.0 - rho * rho);
  std::vector<double> rf, rd;
  double worst = 0;  // over the runs without a state flip
  long apart = 0;    // runs where a beneficiary-year's state flipped (z within ~1e-6 of a threshold)
  for (long run = 0; run < kRuns; ++run) {
    const PhiloxStream s(99, static_cast<std::uint64_t>(run), Purpose::Beneficiary, 3);
    std::array<double, 4> f{};
    sum_history(k, k, s, kN, rho, f);
    LaneSum sum[4];
    for (long i = 0; i < kN; ++i) {
      std::array<double, 8> z{};
      for (std::uint32_t h = 0; h < 2; ++h) {
        const auto w = s.words(static_cast<std::uint32_t>(2 * i) + h);
        box_muller_double(w[0], w[1], z[4 * h], z[4 * h + 1]);
        box_muller_double(w[2], w[3], z[4 * h + 2], z[4 * h + 3]);
      }
      double zs = z[0], zz = z[1];
      sum[0].add(i, cost_double(k, zs, zz));
      for (std::size_t y = 1; y < 4; ++y) {
        zs = detmath::fmadd(innovation, z[2 * y], rho * zs);  // the AR(1) in double
        zz = detmath::fmadd(innovation, z[2 * y + 1], rho * zz);
        sum[y].add(i, cost_double(k, zs, zz));
      }
    }
    const double bf = 0.1 * f[0] + 0.3 * f[1] + 0.6 * f[2];
    const double bd = 0.1 * sum[0].total() + 0.3 * sum[1].total() + 0.6 * sum[2].total();
    rf.push_back((bf - f[3]) / bf);
    rd.push_back((bd - sum[3].total()) / bd);
    if (std::fabs(rf.back() - rd.back()) > 1e-6)
      ++apart;
    else
      worst = std::max(worst, std::fabs(rf.back() - rd.back()));
  }
  const auto k_of = [&](const std::vector<double>& r) {
    double m = 0, m2 = 0;
    for (double x : r) m += x;
    m /= static_cast<double>(r.size());
    for (double x : r) m2 += (x - m) * (x - m);
    return std::sqrt(m2 / static_cast<double>(r.size() - 1)) * std::sqrt(static_cast<double>(kN));
  };
  const double kf = k_of(rf), kd = k_of(rd);
  INFO("k " << kf << " (float) vs " << kd << " (double); worst per-run |r_float - r_double| " << worst
            << " in runs "
               "without a state flip; "
            << apart << " runs with one");
  // Per run the savings rates agree to ~1e-8 (the SD of r is ~0.03 here) unless a beneficiary-year
  // changed state (low/high/zero: expected in well under one run of 400 -- 8e6 beneficiary-years,
  // each within ~1e-7 of one of two thresholds with probability ~1e-7), so k agrees far inside its
  // SE (k / sqrt(2 x 400) = 3.5%), and each rate's count can move only for a run within 1e-6 of a
  // threshold.
  CHECK(worst < 1e-7);
  CHECK(apart <= 2);
  CHECK(std::fabs(kf / kd - 1) < 2e-3);
  CHECK(kd > 1.5);  // the spec's anchors put k near 2 (1.85-2.3 for the truncated national model)
  CHECK(kd < 2.6);
  for (double m : {0.02, 0.039, -0.02}) {
    long cf = 0, cd = 0;
    for (long i = 0; i < kRuns; ++i) {
      const auto u = static_cast<std::size_t>(i);
      cf += m > 0 ? (rf[u] >= m) : (rf[u] <= m);
      cd += m > 0 ? (rd[u] >= m) : (rd[u] <= m);
    }
    INFO("threshold " << m << ": " << cf << " vs " << cd << " of " << kRuns << " runs");
    CHECK(std::abs(cf - cd) <= 1);
  }
}

TEST_CASE("cost() and its vector kernel agree and the cap is exact", "[bench][cost]") {
  const CostDistribution d(national_shape(), 12000);
  const LognormalCost k = d.kernel();
  std::mt19937_64 g(7);
  std::normal_distribution<double> z;
  for (int i = 0; i < 10000; ++i) {
    const double zs = z(g), zz = 3 * z(g), lm = 0.05 * z(g);
    REQUIRE(same_bits(d.cost(zs, zz, lm), k(zs, zz, lm)));
  }
  CHECK(d.cost(1.0, 9.0) == d.truncation_point());
  // The latents are floats: the float threshold up(z_zero) is the first latent outside the zero
  // state, exactly as the double comparison z < z_zero decides (z_zero itself is not a float).
  constexpr float kInfF = std::numeric_limits<float>::infinity();
  const float up = k.single().z_zero;
  CHECK(static_cast<double>(up) >= d.z_zero());
  CHECK(static_cast<double>(std::nextafter(up, -kInfF)) < d.z_zero());
  CHECK(d.cost(static_cast<double>(up), 0.0) > 0.0);
  CHECK(d.cost(static_cast<double>(std::nextafter(up, -kInfF)), 9.0) == 0.0);
  const float high = k.single().z_high;  // down(z_high): the last latent of the low component
  CHECK(static_cast<double>(high) <= d.z_high());
  CHECK(static_cast<double>(std::nextafter(high, kInfF)) > d.z_high());
  CHECK(d.cost(static_cast<double>(high), 0.0) <
        d.cost(static_cast<double>(std::nextafter(high, kInfF)), 0.0));
}

TEST_CASE("The float operands of the cost carry no bias from their rounding", "[bench][cost][float]") {
  // mu and sigma enter as a float and the float of the rest, the rest taken into exp_f after its
  // range reduction: the cost of a float latent is within the log-cost's one float rounding of
  // exp(mu + sigma z) in double, with no systematic shift. (Rounding mu to float alone would shift
  // every cost by up to half a float ulp of mu, 2.4e-7 here; adding the rest to the float log-cost
  // instead of inside exp_f loses it the same way.)
  const CostDistribution d(national_shape(), national_mean(EnrollmentType::AgedNonDual));
  const LognormalCost k = d.kernel();
  const LognormalCost::Single& f = k.single();
  REQUIRE(static_cast<double>(f.mu_low) != k.mu_low());  // the test needs a rest
  CHECK(std::fabs(static_cast<double>(f.mu_low) + static_cast<double>(f.mu_low_rest) - k.mu_low()) <
        1e-13 * std::fabs(k.mu_low()));
  CHECK(std::fabs(static_cast<double>(f.sigma) + static_cast<double>(f.sigma_rest) - k.sigma()) < 1e-14);
  std::mt19937_64 g(11);
  std::normal_distribution<float> z;
  double bias = 0, worst = 0;
  constexpr int kDraws = 400000;
  for (int i = 0; i < kDraws; ++i) {
    const float zz = z(g);
    const double exact = std::exp(k.mu_low() + k.sigma() * static_cast<double>(zz));
    const LognormalCost::LogSize y = k.log_size(zz, f.mu_low, f.mu_low_rest);
    const double e = static_cast<double>(detmath::exp_f(y.head, y.rest)) / exact - 1;
    bias += e;
    worst = std::max(worst, std::fabs(e));
  }
  INFO("mean relative error " << bias / kDraws << ", worst " << worst);
  CHECK(worst < 6.5e-7);                   // half a float ulp of a log-cost in [8, 16) + exp_f's ulp
  CHECK(std::fabs(bias / kDraws) < 5e-9);  // measured 1.4e-9 (exp_f's own error); -1.8e-7 without the rest
}

TEST_CASE("Tiled sums equal the one-block definitions bit for bit at every instruction set",
          "[bench][sampler]") {
  const CostDistribution d(national_shape(), national_mean(EnrollmentType::AgedNonDual));
  const CostDistribution esrd(national_shape(), national_mean(EnrollmentType::ESRD));
  const auto levels = supported_levels();
  INFO("this CPU: " << levels.size() << " instruction sets; default " << to_string(simd_level()));
  for (const CostDistribution* cost : {&d, &esrd}) {
    for (long n : {0L, 1L, 2L, 3L, 127L, 128L, 129L, 255L, 256L, 257L, 1001L, 4096L}) {
      const PhiloxStream s(20240101, static_cast<std::uint64_t>(n), Purpose::Beneficiary, 3);
      std::array<double, 4> want{};
      sample_history_reference(*cost, *cost, s, n, 0.52, want);
      const double want_py = sample_py_only_reference(*cost, s, n);
      for (SimdLevel l : levels) {
        std::array<double, 4> got{};
        sum_history(cost->kernel(), cost->kernel(), s, n, 0.52, got, l);
        INFO("n = " << n << ", " << to_string(l));
        for (int y = 0; y < 4; ++y)
          REQUIRE(same_bits(got[static_cast<std::size_t>(y)], want[static_cast<std::size_t>(y)]));
        REQUIRE(same_bits(sum_py_only(cost->kernel(), s, n, l), want_py));
      }
      // The templates the engine calls dispatch to the same kernels.
      std::array<double, 4> via{};
      sample_history(*cost, *cost, s, n, 0.52, via);
      CHECK(std::memcmp(via.data(), want.data(), sizeof via) == 0);
      CHECK(same_bits(sample_py_only(*cost, s, n), want_py));
    }
  }
}

TEST_CASE("Log-costs beyond the in-range exp take the kernels' range-handled path, with the same bits",
          "[bench][sampler]") {
  // mu + sigma z reaches past 86 (exp_in_fast_range is false): the kernels keep exp_f's range
  // handling. `high`: log-costs up to about 114, past 88.72 where exp_f is inf (then the cap, $1e30;
  // 2^n from bits would wrap there). `low`: log-costs around -95, below -86.5 where exp_f is 0 (an
  // exp without the check would give subnormals down to e^-103), with no other state to hide them.
  const double inf = std::numeric_limits<double>::infinity();
  const LognormalCost high(-1.0, 0.8, 8.0, 60.0, 2.0, 1e30), low(-1.0, inf, -95.0, -95.0, 2.0, 1e30);
  const LognormalCost narrow(-1.0, 0.8, 8.0, 10.0, 1.0, 1e5);
  REQUIRE_FALSE(sampler_isa::exp_in_fast_range(high, sampler_isa::kHistoryLatentBound));
  REQUIRE_FALSE(sampler_isa::exp_in_fast_range(low, sampler_isa::kHistoryLatentBound));
  REQUIRE(sampler_isa::exp_in_fast_range(narrow, sampler_isa::kHistoryLatentBound));
  for (long n : {1L, 127L, 1001L}) {
    const PhiloxStream s(7, static_cast<std::uint64_t>(n), Purpose::Beneficiary, 1);
    for (const auto& [base, py] : {std::pair{high, narrow}, std::pair{narrow, high}, std::pair{low, low}}) {
      struct Kernel {  // the reference's Cost interface over a LognormalCost
        const LognormalCost& k;
        double cost(double z_state, double z_size) const { return k(z_state, z_size); }
      };
      std::array<double, 4> want{};
      sample_history_reference(Kernel{base}, Kernel{py}, s, n, 0.6, want);
      for (SimdLevel l : supported_levels()) {
        std::array<double, 4> got{};
        sum_history(base, py, s, n, 0.6, got, l);
        INFO("n = " << n << ", " << to_string(l));
        for (std::size_t y = 0; y < 4; ++y) REQUIRE(same_bits(got[y], want[y]));
      }
    }
  }
}

TEST_CASE("Float latents compare with the outward-rounded thresholds exactly as with the double ones",
          "[bench][cost][float]") {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  for (double x : {-1.2815515655446004, 0.52440051270804078, 1.0, -0.0, 3e38, -3e38, 1e300, -1e300}) {
    const float up = detmath::float_up(x), down = detmath::float_down(x);
    INFO("x = " << x);
    CHECK(static_cast<double>(up) >= x);
    CHECK(static_cast<double>(down) <= x);
    CHECK(static_cast<double>(std::nextafter(up, -kInf)) < x);   // the next float down is below x
    CHECK(static_cast<double>(std::nextafter(down, kInf)) > x);  // the next float up is above x
    // Every float z: z < x <=> z < up(x), and x < z <=> down(x) < z (around the threshold).
    float z = std::nextafter(down, -kInf);
    for (int k = 0; k < 4; ++k, z = std::nextafter(z, kInf)) {
      CHECK((static_cast<double>(z) < x) == (z < up));
      CHECK((x < static_cast<double>(z)) == (down < z));
    }
  }
  CHECK(detmath::float_up(kInf) == kInf);
  CHECK(detmath::float_down(-kInf) == -kInf);
  const detmath::FloatSplit s = detmath::float_split(9.123456789012345);
  CHECK(static_cast<double>(s.head) + static_cast<double>(s.rest) ==
        Approx(9.123456789012345).epsilon(1e-15));
  CHECK(std::fabs(s.rest) <= 0.5f * (std::nextafter(s.head, kInf) - s.head));
  CHECK(detmath::float_split(kInf).rest == 0.0f);
  // Ar1 in float: rho and the innovation's weight rounded once; a float previous and fresh give a float.
  const Ar1 ar1(0.52);
  CHECK(ar1.rho == 0.52f);
  CHECK(ar1.innovation == static_cast<float>(std::sqrt(1 - 0.52 * 0.52)));
  const double next = ar1.step(1.25, -0.5);
  CHECK(next == static_cast<double>(static_cast<float>(next)));
  CHECK(next == static_cast<double>(std::fma(ar1.innovation, -0.5f, ar1.rho * 1.25f)));
}

TEST_CASE("The generic path (empirical costs, gamma family) equals its definition", "[bench][sampler]") {
  const EmpiricalCost observed({0, 0, 100, 250, 900, 1200, 5000, 40000, 120000}, 0.99);
  CostShape gamma_shape = national_shape();
  gamma_shape.family = CostFamily::Gamma;
  const CostDistribution gamma(gamma_shape, 12000);
  const PhiloxStream s(5, 6, Purpose::Beneficiary, 1);
  for (long n : {1L, 130L, 301L}) {
    std::array<double, 4> a{}, b{};
    sample_history(observed, observed, s, n, 0.4, a);
    sample_history_reference(observed, observed, s, n, 0.4, b);
    CHECK(std::memcmp(a.data(), b.data(), sizeof a) == 0);
    CHECK(same_bits(sample_py_only(observed, s, n), sample_py_only_reference(observed, s, n)));
    CHECK(same_bits(sample_py_only(gamma, s, n), sample_py_only_reference(gamma, s, n)));
  }
}

TEST_CASE("The arithmetic-limit kernels compute the bench's sum at every instruction set, double and float",
          "[bench][sampler]") {
  // The sum of n beneficiary-years of exp(8.5 + 0.9 z) outside the zero state (z_state below the
  // 10% quantile), so its mean is 0.9 exp(8.5 + 0.405) = 6,676 [USD] with a relative SE of about
  // 1.4 / sqrt(n) (the lognormal's coefficient of variation over sqrt(n)): n = 2^17 gives 0.4%.
  const long n = 1L << 17;
  const double want = 0.9 * std::exp(8.5 + 0.5 * 0.81) * static_cast<double>(n);
  for (SimdLevel l : supported_levels()) {
    const double d = transform_limit(1, 2, n, Arithmetic::Double, l);
    const double f = transform_limit(1, 2, n, Arithmetic::Float, l);
    INFO(to_string(l) << ": double " << d << ", float " << f << ", expected " << want);
    CHECK(std::fabs(d / want - 1) < 0.016);  // 4 SE
    // The float transforms of the same words give the same sum to a float's rounding.
    CHECK(std::fabs(f / d - 1) < 1e-5);
    // Every level computes the double sum from the same costs (only the order of the adds differs).
    CHECK(std::fabs(d / transform_limit(1, 2, n, Arithmetic::Double, SimdLevel::Sse2) - 1) < 1e-12);
  }
}

TEST_CASE("acosim bench reports bit-identical tables for 1 and 2 threads and --print-model is JSON",
          "[bench][cli]") {
  int status = 0;
  const std::string out =
      run_command(std::string(ACOSIM_BINARY) +
                      " bench --runs 24 --beneficiaries 700 --repeat 1 --threads 1,2 --json 2>&1",
                  status);
  INFO(out);
  REQUIRE(status == 0);
  const auto j = nlohmann::json::parse(out);
  CHECK(j["identical"] == true);
  CHECK(j["threads"].size() == 2);
  CHECK(j["threads"][0]["ns_per_beneficiary_year_per_core"].get<double>() > 0);
  CHECK(j["beneficiary_years"].get<double>() == 24.0 * 700 * 4);
  CHECK(j["bytes_per_run"].get<long>() == 145);

  const std::string model =
      run_command(std::string(ACOSIM_BINARY) + " bench --print-model --mode fixed 2>&1", status);
  INFO(model);
  REQUIRE(status == 0);
  const auto m = nlohmann::json::parse(model);
  CHECK(m["mode"] == "fixed");
  CHECK(m["beneficiaries"] == 20000);
  CHECK(m["tracks"] == 6);
  REQUIRE(m["types"].size() == 4);
  long total = 0;
  for (const auto& t : m["types"]) {
    total += t["beneficiaries"].get<long>();
    CHECK(t["mu_high"].get<double>() > t["mu_low"].get<double>());
    CHECK(t["cap"].get<double>() > 0);
  }
  CHECK(total == 20000);

  run_command(std::string(ACOSIM_BINARY) + " bench --threads 0 2>&1", status);
  CHECK(status != 0);
}
