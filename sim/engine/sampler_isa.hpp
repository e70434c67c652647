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

// Philox4x32-10 in the vector kernels' layout: each 32-bit word in the low half of a 64-bit lane,
// so one vpmuludq gives a whole product (low half = the next x1/x3, high half shifted down = the
// next x0/x2 after the xors); the garbage the upper halves collect is never read. `Lanes` gives the
// instruction set's operations on its vector V as static functions compiled for its target: set1 (a
// word broadcast), mul (vpmuludq), hi (the high halves shifted down), x (xor) and x3 (a ^ b ^ c);
// the kernels' `flatten` inlines them, as it does models/det_math.hpp's templates.
template <class Lanes>
struct PhiloxLanes {
  using V = typename Lanes::V;
  V ka[10], kb[10];  // the round keys, broadcast once per call (GCC had redone it in a word loop)
  V h[4];            // PhiloxStream::head's constants
  V m0, m1;          // PHILOX_M4x32_0, _1

  explicit PhiloxLanes(const PhiloxStream& s) {
    const auto key = s.key();
    for (std::uint32_t round = 0, a = key[0], b = key[1]; round < 10;
         ++round, a += 0x9E3779B9u, b += 0xBB67AE85u) {
      ka[round] = Lanes::set1(a);
      kb[round] = Lanes::set1(b);
    }
    const PhiloxStream::Head head = s.head();
    h[0] = Lanes::set1(head.b1);
    h[1] = Lanes::set1(head.a2);
    h[2] = Lanes::set1(head.b2);
    h[3] = Lanes::set1(head.d2);
    m0 = Lanes::set1(0xD2511F53u);
    m1 = Lanes::set1(0xCD9E8D57u);
  }

  // The ten rounds on Sets vectors of blocks (x[set][0]: the blocks; words 1-3 are the stream's, in
  // head), round-major: a round is a chain of ~8 cycles (vpmuludq's latency 5 among them), so four
  // sets in flight keep the multipliers busier than two (docs/performance.md, "Third round").
  template <int Sets>
  void rounds(V (*x)[4]) const {
    for (int set = 0; set < Sets; ++set) {  // rounds 0-2 (PhiloxStream::head)
      V* v = x[set];
      const V p0 = Lanes::mul(v[0], m0);
      const V p1 = Lanes::mul(Lanes::x(Lanes::hi(p0), h[0]), m1);
      v[0] = Lanes::x(Lanes::hi(p1), h[1]);
      v[2] = Lanes::x(p0, h[2]);
      const V q0 = Lanes::mul(v[0], m0), q1 = Lanes::mul(v[2], m1);
      v[0] = Lanes::x3(Lanes::hi(q1), p1, ka[2]);
      v[1] = q1;
      v[2] = Lanes::x(Lanes::hi(q0), h[3]);
      v[3] = q0;
    }
#pragma GCC unroll 7
    for (int round = 3; round < 10; ++round) {
#pragma GCC unroll 4
      for (int set = 0; set < Sets; ++set) {
        V* v = x[set];
        const V p0 = Lanes::mul(v[0], m0), p1 = Lanes::mul(v[2], m1);
        v[0] = Lanes::x3(Lanes::hi(p1), v[1], ka[round]);
        v[1] = p1;
        v[2] = Lanes::x3(Lanes::hi(p0), v[3], kb[round]);
        v[3] = p0;
      }
    }
  }
};

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
