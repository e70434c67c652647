// The sampler's per-instruction-set kernels (internal to sim/engine/sampler*.cpp): one file per
// instruction set -- sampler_avx512.cpp, sampler_avx2.cpp, and the portable kernels with the dispatch
// in sampler.cpp -- each compiled for its target by function attributes (`flatten` inlines every
// call, Philox, Box-Muller and the cost kernel, so all of it takes the function's target). Every
// version gives the same bits (docs/performance.md).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "sim/engine/sampler.hpp"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ACOSIM_HAVE_SIMD_LEVELS 1
#define ACOSIM_KERNEL_SSE2 __attribute__((flatten))
#define ACOSIM_KERNEL_AVX2 __attribute__((flatten, target("avx2,fma")))
#define ACOSIM_KERNEL_AVX512 __attribute__((flatten, target("avx512f,fma")))
#else
#define ACOSIM_HAVE_SIMD_LEVELS 0
#define ACOSIM_KERNEL_SSE2
#endif

namespace acosim::sampler_isa {

// The arithmetic limit's workload (acosim bench): national scale, p0 = 0.10.
constexpr double kLimitMu = 8.5, kLimitSigma = 0.9, kLimitZero = -1.2815515655446004;

// The largest |latent| of a history: four years of Ar1 on Box-Muller normals, each within 6.77
// (u >= 2^-33), so within 4 x 6.77 with room for the roundings.
constexpr double kHistoryLatentBound = 28.0;
// Whether every log-cost mu + sigma z with |z| <= bound lies inside exp_f's in-range interval
// (models/det_math.hpp: [-86.5, 87], here with half a unit to spare), so the kernels may use the
// exp without range handling (the same bits). False for NaN parameters.
inline bool exp_in_fast_range(const LognormalCost& k, double bound) {
  const double reach = std::max(std::fabs(k.mu_low()), std::fabs(k.mu_high())) + std::fabs(k.sigma()) * bound;
  return reach < static_cast<double>(-detmath::kExpInRangeMinF) - 0.5;
}

// The kernels of one instruction set (SUFFIX sse2, avx2, avx512).
#define ACOSIM_DECLARE_KERNELS(SUFFIX)                                                                      \
  double py_only_##SUFFIX(const LognormalCost& cost, const PhiloxStream& stream, long n);                   \
  void history_##SUFFIX(const LognormalCost& cost, const PhiloxStream& stream, long n, double rho,          \
                        std::array<double, 4>& sums, const LognormalCost& py_cost);                         \
  void normals_##SUFFIX(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride, int count,        \
                        double* z0, double* z1, double* z2, double* z3);                                    \
  void normals_double_##SUFFIX(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride, int count, \
                               double* z0, double* z1, double* z2, double* z3);                             \
  double limit_float_##SUFFIX(const PhiloxStream& s, long blocks);                                          \
  double limit_double_##SUFFIX(const PhiloxStream& s, long blocks);

ACOSIM_DECLARE_KERNELS(sse2)
#if ACOSIM_HAVE_SIMD_LEVELS
ACOSIM_DECLARE_KERNELS(avx2)
ACOSIM_DECLARE_KERNELS(avx512)
#endif

// The tiled loops of sampler.hpp on one instruction set's words and normals.
#define ACOSIM_DEFINE_KERNELS(SUFFIX, ATTR, WORDS, WORDS_DOUBLE)                                          \
  ATTR double py_only_##SUFFIX(const LognormalCost& cost, const PhiloxStream& stream, long n) {           \
    const LognormalCost k = cost; /* a local copy: no store in the loop can change it */                  \
    return sampler_detail::py_only_tiles<true>(k, stream, n, WORDS{});                                    \
  }                                                                                                       \
  ATTR void normals_##SUFFIX(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride, int count, \
                             double* z0, double* z1, double* z2, double* z3) {                            \
    sampler_detail::tile_normals(WORDS{}, s, first, stride, count, z0, z1, z2, z3);                       \
  }                                                                                                       \
  ATTR void normals_double_##SUFFIX(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride,     \
                                    int count, double* z0, double* z1, double* z2, double* z3) {          \
    sampler_detail::tile_normals(WORDS_DOUBLE{}, s, first, stride, count, z0, z1, z2, z3);                \
  }

// history_SUFFIX as sampler.hpp's history_tiles (the compiler's cost loop; AVX2 and AVX-512 have
// hand-written ones that fuse Box-Muller and the costs in registers).
#define ACOSIM_DEFINE_HISTORY(SUFFIX, ATTR, WORDS)                                                      \
  ATTR void history_##SUFFIX(const LognormalCost& cost, const PhiloxStream& stream, long n, double rho, \
                             std::array<double, 4>& sums, const LognormalCost& py_cost) {               \
    const LognormalCost k = cost, kp = py_cost;                                                         \
    std::array<double, 4> s = sums;                                                                     \
    sampler_detail::history_tiles<true>(k, kp, stream, n, rho, s, WORDS{});                             \
    sums = s;                                                                                           \
  }

// The limit loops, over `blocks` Philox blocks (two beneficiary-years each): the words of a tile of
// blocks first (the engine's hand Philox, into L1), then the transforms, select and sum fused over
// them in registers. (Philox fused in as well, with no words in memory, was slower: 4.1 against
// 3.4 ns per beneficiary-year for AVX-512 double, 5.4 against 5.0 for AVX2; it keeps too many
// registers live.)
template <class Words>
__attribute__((always_inline)) inline int limit_words(const PhiloxStream& s, long b0, long blocks,
                                                      std::uint32_t* w0, std::uint32_t* w1, std::uint32_t* w2,
                                                      std::uint32_t* w3) {
  const int m = static_cast<int>(std::min<long>(kSamplerTile, blocks - b0));
  Words{}(s, static_cast<std::uint32_t>(b0), 1, m, w0, w1, w2, w3);
  return m;
}

}  // namespace acosim::sampler_isa
