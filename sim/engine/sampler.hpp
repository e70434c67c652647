// The beneficiary sampler's inner loops (sample_run in sim/engine/runner.cpp): sums of one enrollment
// type's beneficiary-year costs, computed in tiles so the compiler vectorizes Philox, Box-Muller
// and the cost transform (docs/performance.md). The stream layout and the summation order are
// those of the one-block-at-a-time definition (sample_py_only_reference and
// sample_history_reference below, kept as the specification and checked bit for bit by
// tests/test_bench.cpp): each year's costs summed in the lanes of a LaneSum (below).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "models/cost_model.hpp"
#include "sim/engine/cost_family.hpp"
#include "sim/engine/rng.hpp"

namespace acosim {

// A latent's AR(1) across years: rho * previous + sqrt(1 - rho^2) * fresh, fresh a new standard
// normal, in float (the latents are floats: box_muller; docs/performance.md, "Single precision").
// One definition for every sampler path; rho and the innovation's weight are rounded to float once.
struct Ar1 {
  explicit Ar1(double correlation)
      : rho(static_cast<float>(correlation)),
        innovation(static_cast<float>(std::sqrt(1.0 - correlation * correlation))) {}
  float rho, innovation;
  double step(double previous, double fresh) const {
    return static_cast<double>(
        detmath::fmaddf(innovation, static_cast<float>(fresh), rho * static_cast<float>(previous)));
  }
};

// A sum of beneficiary-year costs in kSumLanes interleaved partial sums -- beneficiary i goes to
// lane i mod kSumLanes, in index order -- added pairwise at the end. One vector add per eight
// beneficiaries instead of a chain of scalar adds that waits for each add's latency, and the same
// bits at every vector width (SSE2 holds the lanes in four registers, AVX-512 in one).
inline constexpr int kSumLanes = 8;
struct LaneSum {
  std::array<double, kSumLanes> lane{};
  void add(long i, double c) { lane[static_cast<std::size_t>(i % kSumLanes)] += c; }
  // Beneficiaries first .. first + m - 1, with first a multiple of kSumLanes.
  void add_run(const double* c, int m) {
    std::array<double, kSumLanes> acc = lane;  // a local copy: c cannot alias it
    int j = 0;
    for (; j + kSumLanes <= m; j += kSumLanes) {
      for (int l = 0; l < kSumLanes; ++l) acc[static_cast<std::size_t>(l)] += c[j + l];
    }
    for (int l = 0; j < m; ++j, ++l) acc[static_cast<std::size_t>(l)] += c[j];
    lane = acc;
  }
  double total() const {
    return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
  }
};

// Beneficiaries per tile: the tile's latents, costs and words stay in L1 (about 20 KB).
inline constexpr int kSamplerTile = 128;
static_assert(kSamplerTile <= kMaxBatch && kSamplerTile % 16 == 0 && kSamplerTile % kSumLanes == 0);

// Instruction sets the tiled loops are compiled for (sim/engine/sampler.cpp, sampler_avx2.cpp,
// sampler_avx512.cpp). Every version gives the same bits: models/det_math.hpp uses only correctly rounded
// operations (fused multiply-adds written out, no implicit contraction: -ffp-contract=off), so the vector
// width cannot change a result. The AVX2 and AVX-512 levels need FMA as well.
enum class SimdLevel { Sse2 = 0, Avx2 = 1, Avx512 = 2 };
const char* to_string(SimdLevel level);  // "sse2", "avx2", "avx512"
// The best level this CPU (and OS) supports, unless the environment variable ACOSIM_SIMD
// (sse2, avx2, avx512) asks for a lower one. Decided once per process.
SimdLevel simd_level();
bool simd_supported(SimdLevel level);
// Whether models/det_math.hpp's fused multiply-adds are instructions on this CPU. False only on
// x86-64 CPUs without FMA (Intel before Haswell, 2013; AMD before Piledriver, 2012; Atom, Celeron
// and Pentium models without AVX2): there the C library's fma() gives the same results, far more
// slowly (the CLI warns).
bool hardware_fma();

// The tiled loops for the lognormal families at the given (supported) level.
double sum_py_only(const LognormalCost& cost, const PhiloxStream& stream, long n,
                   SimdLevel level = simd_level());
// The base years' costs from `cost`, the PY's from `py_cost` (its own cap: sim/engine/true_effect.hpp;
// pass `cost` twice for none).
void sum_history(const LognormalCost& cost, const LognormalCost& py_cost, const PhiloxStream& stream, long n,
                 double rho, std::array<double, 4>& sums, SimdLevel level = simd_level());

// The engine's arithmetic for the Box-Muller transform and the cost's exp: Float (box_muller,
// LognormalCost; IEEE single precision, every cost and sum in double) -- and the previous Double
// one (box_muller_double, detmath::exp), kept for acosim bench's limit and the tests that compare
// the two.
enum class Arithmetic { Double, Float };

// The arithmetic limit of the sampler (acosim bench): the bare per-beneficiary-year work of n
// beneficiary-years -- half a Philox block, one Box-Muller pair, one exp, the zero-state select,
// a sum in double -- in the fastest loops written for the level (sim/engine/sampler_avx*.cpp: the hand Philox
// into a tile of words, then the transforms, select and sum fused in registers; no cap, no AR(1)),
// with the engine's single-precision transforms (Float) or the previous double ones (Double).
// Returns the sum so nothing is elided.
double transform_limit(std::uint64_t seed, std::uint64_t run, long n, Arithmetic arithmetic,
                       SimdLevel level = simd_level());

// The normals of blocks first, first + stride, ... (count <= kSamplerTile) as the sampler's kernels
// at `level` compute them (Float: the engine's; Double: the double limit's); z* must hold
// kSamplerTile values. They must equal normals4 (Float) or box_muller_double (Double) bit for bit
// (tests/test_bench.cpp).
void kernel_normals(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride, int count, double* z0,
                    double* z1, double* z2, double* z3, SimdLevel level = simd_level(),
                    Arithmetic arithmetic = Arithmetic::Float);

namespace sampler_detail {

// The portable Philox and Box-Muller of a tile (PhiloxStream::words_batch, normals_from_words).
// sim/engine/sampler_avx*.cpp have versions with intrinsics (the same bits) that work on `count` rounded up
// to 16 entries: the tile's arrays have room for that (kSamplerTile is a multiple of 16).
struct PortableWords {
  void operator()(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride, int count,
                  std::uint32_t* w0, std::uint32_t* w1, std::uint32_t* w2, std::uint32_t* w3) const {
    s.words_batch(first, stride, count, w0, w1, w2, w3);
  }
  void normals(int count, const std::uint32_t* w0, const std::uint32_t* w1, const std::uint32_t* w2,
               const std::uint32_t* w3, double* z0, double* z1, double* z2, double* z3) const {
    normals_from_words(count, w0, w1, w2, w3, z0, z1, z2, z3);
  }
};

// The normals of a tile: `words` fills the word arrays, then Box-Muller.
template <class Words>
inline void tile_normals(const Words& words, const PhiloxStream& s, std::uint32_t first, std::uint32_t stride,
                         int count, double* z0, double* z1, double* z2, double* z3) {
  alignas(64) std::uint32_t w0[kSamplerTile], w1[kSamplerTile], w2[kSamplerTile], w3[kSamplerTile];
  words(s, first, stride, count, w0, w1, w2, w3);
  words.normals(count, w0, w1, w2, w3, z0, z1, z2, z3);
}

// Tile loops shared by the compiled kernels and the generic (scalar-cost) path. `cost(zs, zz)` is
// the cost functor; `Vector` says whether its loop may be vectorized (no calls inside).
template <bool Vector, class K, class Words = PortableWords>
inline double py_only_tiles(const K& cost, const PhiloxStream& stream, long n, const Words& words = {}) {
  alignas(64) double z0[kSamplerTile], z1[kSamplerTile], z2[kSamplerTile], z3[kSamplerTile];
  alignas(64) double c[2 * kSamplerTile];  // beneficiaries 2 b0 .. 2 b0 + 2 m - 1
  LaneSum sum;
  const long blocks = n / 2;
  for (long b0 = 0; b0 < blocks; b0 += kSamplerTile) {
    const int m = static_cast<int>(std::min<long>(kSamplerTile, blocks - b0));
    tile_normals(words, stream, static_cast<std::uint32_t>(b0), 1, m, z0, z1, z2, z3);
    if constexpr (Vector) {
#pragma omp simd
      for (int j = 0; j < m; ++j) {
        c[2 * j] = cost(z0[j], z1[j]);
        c[2 * j + 1] = cost(z2[j], z3[j]);
      }
    } else {
      for (int j = 0; j < m; ++j) {
        c[2 * j] = cost(z0[j], z1[j]);
        c[2 * j + 1] = cost(z2[j], z3[j]);
      }
    }
    sum.add_run(c, 2 * m);
  }
  if (n % 2 == 1) {
    const auto z = normals4(stream, static_cast<std::uint32_t>(blocks));
    sum.add(n - 1, cost(z[0], z[1]));
  }
  return sum.total();
}

template <bool Vector, class K, class Words = PortableWords>
inline void history_tiles(const K& cost, const K& py_cost, const PhiloxStream& stream, long n, double rho,
                          std::array<double, 4>& sums, const Words& words = {}) {
  const Ar1 ar1(rho);
  alignas(64) double a0[kSamplerTile], a1[kSamplerTile], a2[kSamplerTile], a3[kSamplerTile];
  alignas(64) double b0[kSamplerTile], b1[kSamplerTile], b2[kSamplerTile], b3[kSamplerTile];
  alignas(64) double c[4][kSamplerTile];
  LaneSum sum[4];  // BY1, BY2, BY3, PY
  const auto costs = [&](int i) {
    double zs = a0[i], zz = a1[i];
    c[0][i] = cost(zs, zz);
    zs = ar1.step(zs, a2[i]);
    zz = ar1.step(zz, a3[i]);
    c[1][i] = cost(zs, zz);
    zs = ar1.step(zs, b0[i]);
    zz = ar1.step(zz, b1[i]);
    c[2][i] = cost(zs, zz);
    zs = ar1.step(zs, b2[i]);
    zz = ar1.step(zz, b3[i]);
    c[3][i] = py_cost(zs, zz);
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
    for (int y = 0; y < 4; ++y) sum[y].add_run(c[y], m);
  }
  for (int y = 0; y < 4; ++y) sums[static_cast<std::size_t>(y)] += sum[y].total();
}

template <class Cost>
struct CallCost {
  const Cost& cost;
  double operator()(double zs, double zz) const { return cost.cost(zs, zz); }
};

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ACOSIM_HAVE_FMA_ISA 1
template <class F>
__attribute__((flatten, target("avx2,fma"))) void call_with_fma_isa(F& f) {
  f();
}
#else
#define ACOSIM_HAVE_FMA_ISA 0
#endif

}  // namespace sampler_detail

// Runs f() -- scalar sampling code -- from a function compiled for AVX2 and FMA when the CPU has
// them (simd_level() above SSE2): everything inlined into it computes models/det_math.hpp's fused
// multiply-adds with the instruction instead of a call to the C library's fma(). The same bits
// either way; only the speed differs (acosim agreement on agreement-paths.yaml: 21.5 s with the
// library call, 7.6 s through this, one thread).
template <class F>
void with_fma_isa(F&& f) {
#if ACOSIM_HAVE_FMA_ISA
  if (simd_level() != SimdLevel::Sse2) return sampler_detail::call_with_fma_isa(f);
#endif
  f();
}

// Sum of one enrollment type's performance-year costs, summed in a LaneSum; beneficiaries
// 2b and 2b + 1 take the normals (0, 1) and (2, 3) of block b.
template <class Cost>
double sample_py_only(const Cost& cost, const PhiloxStream& stream, long n) {
  if constexpr (std::is_same_v<Cost, CostDistribution>) {
    if (cost_kernel(cost.family()) == CostKernel::Lognormal) return sum_py_only(cost.kernel(), stream, n);
  }
  double sum = 0;
  with_fma_isa(
      [&] { sum = sampler_detail::py_only_tiles<false>(sampler_detail::CallCost<Cost>{cost}, stream, n); });
  return sum;
}

// BY1, BY2, BY3 and PY cost sums of one enrollment type's panel, added to `sums`. Each
// beneficiary's latent normals follow an AR(1) across the four years with correlation rho
// (persistence of high spenders); blocks 2i and 2i+1 hold beneficiary i's BY1 latents and the
// BY2, BY3 and PY innovations.
// `py_cost` (when given) draws the PY costs: the same distribution with its own cap.
template <class Cost>
void sample_history(const Cost& cost, const Cost& py_cost, const PhiloxStream& stream, long n, double rho,
                    std::array<double, 4>& sums) {
  if constexpr (std::is_same_v<Cost, CostDistribution>) {
    if (cost_kernel(cost.family()) == CostKernel::Lognormal)
      return sum_history(cost.kernel(), py_cost.kernel(), stream, n, rho, sums);
  }
  with_fma_isa([&] {
    using Call = sampler_detail::CallCost<Cost>;
    sampler_detail::history_tiles<false>(Call{cost}, Call{py_cost}, stream, n, rho, sums);
  });
}

// The definitions the tiled loops must reproduce bit for bit: one block at a time. `visit(i, z_state,
// z_size, cost)` sees each beneficiary's PY latents and cost (sim/engine/agreement.cpp carries the latents
// into later years); the default visits nothing.
struct NoVisit {
  void operator()(long, double, double, double) const {}
};

template <class Cost, class Visit = NoVisit>
double sample_py_only_reference(const Cost& cost, const PhiloxStream& stream, long n, Visit&& visit = {}) {
  LaneSum sum;
  const long blocks = n / 2;
  for (long b = 0; b < blocks; ++b) {
    const auto z = normals4(stream, static_cast<std::uint32_t>(b));
    const double c0 = cost.cost(z[0], z[1]);
    sum.add(2 * b, c0);
    visit(2 * b, z[0], z[1], c0);
    const double c1 = cost.cost(z[2], z[3]);
    sum.add(2 * b + 1, c1);
    visit(2 * b + 1, z[2], z[3], c1);
  }
  if (n % 2 == 1) {
    const auto z = normals4(stream, static_cast<std::uint32_t>(blocks));
    const double c = cost.cost(z[0], z[1]);
    sum.add(n - 1, c);
    visit(n - 1, z[0], z[1], c);
  }
  return sum.total();
}

template <class Cost, class Visit = NoVisit>
void sample_history_reference(const Cost& cost, const Cost& py_cost, const PhiloxStream& stream, long n,
                              double rho, std::array<double, 4>& sums, Visit&& visit = {}) {
  const Ar1 ar1(rho);
  LaneSum sum[4];  // BY1, BY2, BY3, PY
  for (long i = 0; i < n; ++i) {
    const auto a = normals4(stream, static_cast<std::uint32_t>(2 * i));
    const auto b = normals4(stream, static_cast<std::uint32_t>(2 * i + 1));
    double zs = a[0], zz = a[1];
    sum[0].add(i, cost.cost(zs, zz));
    zs = ar1.step(zs, a[2]);
    zz = ar1.step(zz, a[3]);
    sum[1].add(i, cost.cost(zs, zz));
    zs = ar1.step(zs, b[0]);
    zz = ar1.step(zz, b[1]);
    sum[2].add(i, cost.cost(zs, zz));
    zs = ar1.step(zs, b[2]);
    zz = ar1.step(zz, b[3]);
    const double c = py_cost.cost(zs, zz);
    sum[3].add(i, c);
    visit(i, zs, zz, c);
  }
  for (int y = 0; y < 4; ++y) sums[static_cast<std::size_t>(y)] += sum[y].total();
}

}  // namespace acosim
