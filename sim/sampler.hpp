// The beneficiary sampler's inner loops (sample_run in sim/runner.cpp): sums of one enrollment
// type's beneficiary-year costs, computed in tiles so the compiler vectorizes Philox, Box-Muller
// and the cost transform (docs/performance.md). The stream layout and the summation order are
// those of the one-block-at-a-time definition (sample_py_only_reference and
// sample_history_reference below, kept as the specification and checked bit for bit by
// tests/test_bench.cpp): beneficiaries in index order, one running sum per year.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "models/cost_model.hpp"
#include "sim/rng.hpp"

namespace acosim {

// Beneficiaries per tile: the tile's latents, costs and words stay in L1 (about 20 KB).
inline constexpr int kSamplerTile = 128;
static_assert(kSamplerTile <= kMaxBatch && kSamplerTile % 16 == 0);

// Instruction sets the tiled loops are compiled for (sim/sampler.cpp). Every version gives the
// same bits: models/det_math.hpp uses only correctly rounded operations, and the build disables
// FMA contraction (-ffp-contract=off), so the vector width cannot change a result.
enum class SimdLevel { Sse2 = 0, Avx2 = 1, Avx512 = 2 };
const char* to_string(SimdLevel level);  // "sse2", "avx2", "avx512"
// The best level this CPU (and OS) supports, unless the environment variable ACOSIM_SIMD
// (sse2, avx2, avx512) asks for a lower one. Decided once per process.
SimdLevel simd_level();
bool simd_supported(SimdLevel level);

// The tiled loops for the lognormal families at the given (supported) level.
double sum_py_only(const LognormalCost& cost, const PhiloxStream& stream, long n, SimdLevel level = simd_level());
void sum_history(const LognormalCost& cost, const PhiloxStream& stream, long n, double rho,
                 std::array<double, 4>& sums, SimdLevel level = simd_level());

// The arithmetic limit of the sampler (acosim bench): the bare per-beneficiary-year work of n
// beneficiary-years — half a Philox block, one Box-Muller pair, one exp — in the tightest loop
// (no states, no cap, no AR(1), an unordered vector sum). Returns the sum so nothing is elided.
double transform_limit(std::uint64_t seed, std::uint64_t run, long n, SimdLevel level = simd_level());

namespace sampler_detail {

// The portable Philox of a tile (PhiloxStream::words_batch). sim/sampler.cpp has AVX2 and AVX-512
// versions with intrinsics (the same words) that write `count` rounded up to 8 or 16 entries: the
// tile's word arrays have room for that (kSamplerTile is a multiple of 16).
struct PortableWords {
  void operator()(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride, int count, std::uint32_t* w0,
                  std::uint32_t* w1, std::uint32_t* w2, std::uint32_t* w3) const {
    s.words_batch(first, stride, count, w0, w1, w2, w3);
  }
};

// The normals of a tile: `words` fills the word arrays, then Box-Muller.
template <class Words>
inline void tile_normals(const Words& words, const PhiloxStream& s, std::uint32_t first, std::uint32_t stride, int count,
                         double* z0, double* z1, double* z2, double* z3) {
  alignas(64) std::uint32_t w0[kSamplerTile], w1[kSamplerTile], w2[kSamplerTile], w3[kSamplerTile];
  words(s, first, stride, count, w0, w1, w2, w3);
  normals_from_words(count, w0, w1, w2, w3, z0, z1, z2, z3);
}

// Tile loops shared by the compiled kernels and the generic (scalar-cost) path. `cost(zs, zz)` is
// the cost functor; `Vector` says whether its loop may be vectorized (no calls inside).
template <bool Vector, class K, class Words = PortableWords>
inline double py_only_tiles(const K& cost, const PhiloxStream& stream, long n, const Words& words = {}) {
  alignas(64) double z0[kSamplerTile], z1[kSamplerTile], z2[kSamplerTile], z3[kSamplerTile];
  alignas(64) double c0[kSamplerTile], c1[kSamplerTile];
  double sum = 0;
  const long blocks = n / 2;
  for (long b0 = 0; b0 < blocks; b0 += kSamplerTile) {
    const int m = static_cast<int>(std::min<long>(kSamplerTile, blocks - b0));
    tile_normals(words, stream, static_cast<std::uint32_t>(b0), 1, m, z0, z1, z2, z3);
    if constexpr (Vector) {
#pragma omp simd
      for (int j = 0; j < m; ++j) {
        c0[j] = cost(z0[j], z1[j]);
        c1[j] = cost(z2[j], z3[j]);
      }
    } else {
      for (int j = 0; j < m; ++j) {
        c0[j] = cost(z0[j], z1[j]);
        c1[j] = cost(z2[j], z3[j]);
      }
    }
    for (int j = 0; j < m; ++j) {  // index order: beneficiary 2b, then 2b + 1
      sum += c0[j];
      sum += c1[j];
    }
  }
  if (n % 2 == 1) {
    const auto z = normals4(stream, static_cast<std::uint32_t>(blocks));
    sum += cost(z[0], z[1]);
  }
  return sum;
}

template <bool Vector, class K, class Words = PortableWords>
inline void history_tiles(const K& cost, const PhiloxStream& stream, long n, double rho, std::array<double, 4>& sums,
                          const Words& words = {}) {
  const double innovation = std::sqrt(1.0 - rho * rho);
  alignas(64) double a0[kSamplerTile], a1[kSamplerTile], a2[kSamplerTile], a3[kSamplerTile];
  alignas(64) double b0[kSamplerTile], b1[kSamplerTile], b2[kSamplerTile], b3[kSamplerTile];
  alignas(64) double c[4][kSamplerTile];
  const auto costs = [&](int i) {
    double zs = a0[i], zz = a1[i];
    c[0][i] = cost(zs, zz);
    zs = rho * zs + innovation * a2[i];
    zz = rho * zz + innovation * a3[i];
    c[1][i] = cost(zs, zz);
    zs = rho * zs + innovation * b0[i];
    zz = rho * zz + innovation * b1[i];
    c[2][i] = cost(zs, zz);
    zs = rho * zs + innovation * b2[i];
    zz = rho * zz + innovation * b3[i];
    c[3][i] = cost(zs, zz);
  };
  for (long i0 = 0; i0 < n; i0 += kSamplerTile) {
    const int m = static_cast<int>(std::min<long>(kSamplerTile, n - i0));
    tile_normals(words, stream, static_cast<std::uint32_t>(2 * i0), 2, m, a0, a1, a2, a3);
    tile_normals(words, stream, static_cast<std::uint32_t>(2 * i0 + 1), 2, m, b0, b1, b2, b3);
    if constexpr (Vector) {
#pragma omp simd
      for (int i = 0; i < m; ++i) costs(i);
    } else {
      for (int i = 0; i < m; ++i) costs(i);
    }
    for (int i = 0; i < m; ++i) {  // four running sums, beneficiaries in index order
      sums[0] += c[0][i];
      sums[1] += c[1][i];
      sums[2] += c[2][i];
      sums[3] += c[3][i];
    }
  }
}

template <class Cost>
struct CallCost {
  const Cost& cost;
  double operator()(double zs, double zz) const { return cost.cost(zs, zz); }
};

}  // namespace sampler_detail

// Sum of one enrollment type's performance-year costs, beneficiaries in index order; beneficiaries
// 2b and 2b + 1 take the normals (0, 1) and (2, 3) of block b.
template <class Cost>
double sample_py_only(const Cost& cost, const PhiloxStream& stream, long n) {
  if constexpr (std::is_same_v<Cost, CostDistribution>) {
    if (!cost.is_gamma()) return sum_py_only(cost.kernel(), stream, n);
  }
  return sampler_detail::py_only_tiles<false>(sampler_detail::CallCost<Cost>{cost}, stream, n);
}

// BY1, BY2, BY3 and PY cost sums of one enrollment type's panel, added to `sums`. Each
// beneficiary's latent normals follow an AR(1) across the four years with correlation rho
// (persistence of high spenders); blocks 2i and 2i+1 hold beneficiary i's BY1 latents and the
// BY2, BY3 and PY innovations.
template <class Cost>
void sample_history(const Cost& cost, const PhiloxStream& stream, long n, double rho, std::array<double, 4>& sums) {
  if constexpr (std::is_same_v<Cost, CostDistribution>) {
    if (!cost.is_gamma()) return sum_history(cost.kernel(), stream, n, rho, sums);
  }
  sampler_detail::history_tiles<false>(sampler_detail::CallCost<Cost>{cost}, stream, n, rho, sums);
}

// The definitions the tiled loops must reproduce bit for bit: one block at a time. `visit(i, z_state,
// z_size, cost)` sees each beneficiary's PY latents and cost (sim/agreement.cpp carries the latents
// into later years); the default visits nothing.
struct NoVisit {
  void operator()(long, double, double, double) const {}
};

template <class Cost, class Visit = NoVisit>
double sample_py_only_reference(const Cost& cost, const PhiloxStream& stream, long n, Visit&& visit = {}) {
  double sum = 0;
  const long blocks = n / 2;
  for (long b = 0; b < blocks; ++b) {
    const auto z = normals4(stream, static_cast<std::uint32_t>(b));
    const double c0 = cost.cost(z[0], z[1]);
    sum += c0;
    visit(2 * b, z[0], z[1], c0);
    const double c1 = cost.cost(z[2], z[3]);
    sum += c1;
    visit(2 * b + 1, z[2], z[3], c1);
  }
  if (n % 2 == 1) {
    const auto z = normals4(stream, static_cast<std::uint32_t>(blocks));
    const double c = cost.cost(z[0], z[1]);
    sum += c;
    visit(n - 1, z[0], z[1], c);
  }
  return sum;
}

template <class Cost, class Visit = NoVisit>
void sample_history_reference(const Cost& cost, const PhiloxStream& stream, long n, double rho,
                              std::array<double, 4>& sums, Visit&& visit = {}) {
  const double innovation = std::sqrt(1.0 - rho * rho);
  for (long i = 0; i < n; ++i) {
    const auto a = normals4(stream, static_cast<std::uint32_t>(2 * i));
    const auto b = normals4(stream, static_cast<std::uint32_t>(2 * i + 1));
    double zs = a[0], zz = a[1];
    sums[0] += cost.cost(zs, zz);
    zs = rho * zs + innovation * a[2];
    zz = rho * zz + innovation * a[3];
    sums[1] += cost.cost(zs, zz);
    zs = rho * zs + innovation * b[0];
    zz = rho * zz + innovation * b[1];
    sums[2] += cost.cost(zs, zz);
    zs = rho * zs + innovation * b[2];
    zz = rho * zz + innovation * b[3];
    const double c = cost.cost(zs, zz);
    sums[3] += c;
    visit(i, zs, zz, c);
  }
}

}  // namespace acosim
