// models/det_math.hpp's templates are instantiated on __m256d below and always inlined (flatten):
// GCC's note on passing 32-byte vectors to functions compiled without AVX concerns calls that never
// happen.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
// The AVX2 kernels (sim/engine/sampler_isa.hpp): Philox, Box-Muller and exp on 4 double or 8 float
// lanes.
#include "sim/engine/sampler_isa.hpp"

#if ACOSIM_HAVE_SIMD_LEVELS
#include <immintrin.h>

#include <bit>
#include <limits>

namespace acosim::sampler_isa {

namespace {

// GCC 12's AVX-512 intrinsics start from _mm512_undefined_epi32(), which -Wmaybe-uninitialized
// reports once inlined (a known false positive, -Wuninitialized for _mm512_extractf64x4_pd); the
// kernels below inline them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

// The fused multiply-add of models/det_math.hpp's templates on four lanes.
struct Avx2Fma {
  __attribute__((target("avx2"))) static __m256d v(double x) { return _mm256_set1_pd(x); }
  __attribute__((target("avx2"))) static __m256d v(__m256d x) { return x; }
  template <class A, class B, class C>
  __attribute__((target("avx2,fma"))) __m256d operator()(A a, B b, C c) const {
    return _mm256_fmadd_pd(v(a), v(b), v(c));
  }
};

// box_muller (sim/rng.hpp) on four pairs with AVX2 (the twin of Avx512Words::box_muller8): the
// exponent/mantissa split of log_parts done on the 64-bit lanes by the same bit manipulation, the
// exact quadrant reduction of sincos_turn in 32-bit lanes, the quadrant's swap and signs as a
// blend and xors of sign bits (no compares), the polynomials by models/det_math.hpp's templates:
// the same operations on the same values, so the same bits (tests/test_bench.cpp).
__attribute__((target("avx2,fma"), flatten)) inline void bm4_avx2(__m128i wr32, __m128i w, __m256d& zc,
                                                                  __m256d& zs) {
  const Avx2Fma fma;
  // Radius: -2 ln u = -2 ln((w + 0.5) 2^-32) (detmath::minus_two_log_uniform, log_parts).
  const __m256d v =
      _mm256_add_pd(_mm256_cvtepi32_pd(_mm_xor_si128(wr32, _mm_set1_epi32(static_cast<int>(0x80000000u)))),
                    _mm256_set1_pd(2147483648.5));  // w + 0.5, exact
  const __m256i ix = _mm256_castpd_si256(v);
  const __m256i mant = _mm256_and_si256(ix, _mm256_set1_epi64x(0x000fffffffffffffLL));
  const __m256i bit52 = _mm256_set1_epi64x(0x0010000000000000LL);
  const __m256i carry = _mm256_and_si256(
      _mm256_add_epi64(mant, _mm256_set1_epi64x(static_cast<long long>(
                                 0x0010000000000000ULL - (detmath::kLogHalveFrom & 0x000fffffffffffffULL)))),
      bit52);
  const __m256d m = _mm256_castsi256_pd(
      _mm256_or_si256(mant, _mm256_xor_si256(carry, _mm256_set1_epi64x(0x3ff0000000000000LL))));
  const __m256i kb = _mm256_add_epi64(_mm256_srli_epi64(ix, 52), _mm256_srli_epi64(carry, 52));
  const __m256d dk = _mm256_sub_pd(
      _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(kb, _mm256_set1_epi64x(0x4330000000000000LL))),
                    _mm256_set1_pd(0x1p52)),
      _mm256_set1_pd(1023.0 + 32.0));
  const __m256d tail = detmath::log_tail(m, dk, fma);
  const __m256d r = _mm256_sqrt_pd(fma(dk, -2.0 * detmath::kLn2Hi, _mm256_add_pd(tail, tail)));
  // Angle: detmath::sincos_turn.
  const __m128i q = _mm_srli_epi32(_mm_add_epi32(w, _mm_set1_epi32(1 << 29)), 30);
  const __m128i d = _mm_sub_epi32(w, _mm_slli_epi32(q, 30));
  __m256d sa, ca2;
  detmath::sin_cos2_poly(_mm256_add_pd(_mm256_cvtepi32_pd(d), _mm256_set1_pd(0.5)), fma, sa, ca2);
  const __m256d ca = _mm256_sqrt_pd(ca2);
  const __m256i q64 = _mm256_cvtepu32_epi64(q);
  // Odd q swaps sine and cosine (blendv reads the sign bit: q's bit 0 moved to bit 63); q's bit 1
  // is the sine's sign, (q + 1)'s bit 1 the cosine's (moved to bit 63).
  const __m256d swap = _mm256_castsi256_pd(_mm256_slli_epi64(q64, 63));
  const __m256d sine_sign = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_srli_epi64(q64, 1), 63));
  const __m256d cosine_sign = _mm256_castsi256_pd(
      _mm256_slli_epi64(_mm256_srli_epi64(_mm256_add_epi64(q64, _mm256_set1_epi64x(1)), 1), 63));
  const __m256d sine = _mm256_xor_pd(_mm256_blendv_pd(sa, ca, swap), sine_sign);
  const __m256d cosine = _mm256_xor_pd(_mm256_blendv_pd(ca, sa, swap), cosine_sign);
  zc = _mm256_mul_pd(r, cosine);
  zs = _mm256_mul_pd(r, sine);
}
__attribute__((target("avx2,fma"), flatten)) inline void box_muller4_avx2(const std::uint32_t* wr,
                                                                          const std::uint32_t* wa, double* zc,
                                                                          double* zs) {
  __m256d c, s;
  bm4_avx2(_mm_load_si128(reinterpret_cast<const __m128i*>(wr)),
           _mm_load_si128(reinterpret_cast<const __m128i*>(wa)), c, s);
  _mm256_store_pd(zc, c);
  _mm256_store_pd(zs, s);
}

// PhiloxLanes (sim/engine/sampler_isa.hpp) on four blocks per vector. Eight instructions per round
// for four blocks; words in 32-bit lanes (the products of odd lanes after a shift, blends to
// assemble the halves) took nine, and 2.7% more of the engine's time. Four sets in flight against
// two: 2.43 -> 2.10 ns per block with the file's pre-allocation scheduling (sim/CMakeLists.txt; the
// development Xeon).
struct Avx2Lanes {
  using V = __m256i;
  __attribute__((target("avx2"))) static V set1(std::uint32_t a) { return _mm256_set1_epi64x(a); }
  __attribute__((target("avx2"))) static V mul(V a, V m) { return _mm256_mul_epu32(a, m); }
  __attribute__((target("avx2"))) static V hi(V a) { return _mm256_srli_epi64(a, 32); }
  __attribute__((target("avx2"))) static V x(V a, V b) { return _mm256_xor_si256(a, b); }
  __attribute__((target("avx2"))) static V x3(V a, V b, V c) { return x(x(a, b), c); }
};

// The AVX2 kernels' words (PhiloxLanes<Avx2Lanes>) and normals (bm4_avx2).
struct Avx2Words {
  // The engine's normals (box_muller: single precision), 8 pairs per call of bmf8_avx2.
  void normals(int count, const std::uint32_t* w0, const std::uint32_t* w1, const std::uint32_t* w2,
               const std::uint32_t* w3, double* z0, double* z1, double* z2, double* z3) const;
  __attribute__((target("avx2"), flatten)) void operator()(const PhiloxStream& s, std::uint32_t first,
                                                           std::uint32_t stride, int count, std::uint32_t* w0,
                                                           std::uint32_t* w1, std::uint32_t* w2,
                                                           std::uint32_t* w3) const {
    const PhiloxLanes<Avx2Lanes> philox(s);
    // In a group of 8 blocks from i, blocks i, i + 2, i + 4, i + 6 (even) and i + 1, i + 3, ... (odd)
    // in the low halves of 64-bit lanes, interleaved back into 8 words per array at the end.
    const __m256i even = _mm256_setr_epi64x(0, 2 * stride, 4 * stride, 6 * stride);
    const __m256i odd = _mm256_add_epi64(even, _mm256_set1_epi64x(stride));
    std::uint32_t* w[4] = {w0, w1, w2, w3};
    // Sets / 2 groups at a time: 16 blocks while more than 8 remain, then 8 (the words exist up to
    // count rounded up to 8).
    const auto groups = [&]<int Sets>(int i) __attribute__((target("avx2"), always_inline)) {
      __m256i x[Sets][4];
      for (int set = 0; set < Sets; ++set) {
        const __m256i base =
            _mm256_set1_epi64x(first + static_cast<std::uint32_t>(i + 8 * (set / 2)) * stride);
        x[set][0] = _mm256_add_epi64(base, set % 2 == 0 ? even : odd);
      }
      philox.template rounds<Sets>(x);
      for (int set = 0; set < Sets;
           set += 2)  // even blocks' words in the even 32-bit lanes, odd ones in the odd
        for (int k = 0; k < 4; ++k)
          _mm256_store_si256(reinterpret_cast<__m256i*>(w[k] + i + 4 * set),
                             _mm256_blend_epi32(x[set][k], _mm256_slli_epi64(x[set + 1][k], 32), 0xAA));
    };
    int i = 0;
    for (; i + 8 < count; i += 16) groups.template operator()<4>(i);
    if (i < count) groups.template operator()<2>(i);
  }
};

// The same words with box_muller_double's normals (the double limit's arithmetic).
struct Avx2WordsDouble : Avx2Words {
  __attribute__((target("avx2,fma"))) void normals(int count, const std::uint32_t* w0,
                                                   const std::uint32_t* w1, const std::uint32_t* w2,
                                                   const std::uint32_t* w3, double* z0, double* z1,
                                                   double* z2, double* z3) const {
    // Groups of 4 pairs; the words exist up to count rounded up to 8 (operator() below).
    for (int i = 0; i < count; i += 8) {
      box_muller4_avx2(w0 + i, w1 + i, z0 + i, z1 + i);
      box_muller4_avx2(w2 + i, w3 + i, z2 + i, z3 + i);
      box_muller4_avx2(w0 + i + 4, w1 + i + 4, z0 + i + 4, z1 + i + 4);
      box_muller4_avx2(w2 + i + 4, w3 + i + 4, z2 + i + 4, z3 + i + 4);
    }
  }
};

// ---- The arithmetic limit (acosim bench) -------------------------------------------------------
// The fastest loops written here for the bench's per-beneficiary-year work -- half a Philox4x32-10
// block, one Box-Muller pair, one exp, the zero-state select, a sum in double -- with everything in
// registers: no cap, no AR(1). Float: the engine's single-precision functions (models/det_math.hpp)
// on 8 (AVX2) or 16 (AVX-512) lanes, each cost converted to double before it is added. Double: the
// same work in double precision (box_muller_double, detmath::exp), the previous arithmetic.

// e^y on four lanes: detmath::exp's operations (the same bits).
__attribute__((target("avx2,fma"), flatten)) inline __m256d exp4_avx2(__m256d y) {
  const Avx2Fma fma;
  __m256d r;
  const __m256d t = detmath::exp_reduce(y, fma, r);
  const __m256d p = detmath::exp_poly(r, fma);
  const __m256i nb =
      _mm256_sub_epi64(_mm256_castpd_si256(t), _mm256_castpd_si256(_mm256_set1_pd(detmath::kExpShifter)));
  const __m256d scale =
      _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(nb, _mm256_set1_epi64x(1022)), 52));
  const __m256d half = fma(p, scale, scale);
  const __m256d e = _mm256_add_pd(half, half);
  const __m256d big = _mm256_cmp_pd(y, _mm256_set1_pd(709.782712893384), _CMP_GT_OQ);
  const __m256d small = _mm256_cmp_pd(y, _mm256_set1_pd(-708.0), _CMP_LT_OQ);
  return _mm256_blendv_pd(_mm256_andnot_pd(small, e), _mm256_set1_pd(std::numeric_limits<double>::infinity()),
                          big);
}

// The float fused multiply-adds of models/det_math.hpp's single-precision templates.
struct Avx2FmaF {
  __attribute__((target("avx2"))) static __m256 v(float x) { return _mm256_set1_ps(x); }
  __attribute__((target("avx2"))) static __m256 v(__m256 x) { return x; }
  template <class A, class B, class C>
  __attribute__((target("avx2,fma"))) __m256 operator()(A a, B b, C c) const {
    return _mm256_fmadd_ps(v(a), v(b), v(c));
  }
};

// Box-Muller in float on eight pairs: detmath::minus_two_log_uniform_f and sincos_turn_f's
// operations, lane by lane.
__attribute__((target("avx2,fma"), flatten)) inline void bmf8_avx2(__m256i wr, __m256i wa, __m256& zc,
                                                                   __m256& zs) {
  const Avx2FmaF fma;
  // word_plus_half_f(w) = 2 float(w >> 1) + ((w & 1) + 0.5), the last from a table by w's low bit;
  // for ~w: ~w >> 1 = (w >> 1) ^ 0x7fffffff and ((~w & 1) + 0.5) = 2 - ((w & 1) + 0.5), exactly.
  const __m256i h = _mm256_srli_epi32(wr, 1);
  const __m256 low =
      _mm256_permutevar8x32_ps(_mm256_setr_ps(0.5f, 1.5f, 0.5f, 1.5f, 0.5f, 1.5f, 0.5f, 1.5f), wr);
  const __m256 v = fma(_mm256_cvtepi32_ps(h), 2.0f, low);
  const __m256i ix = _mm256_castps_si256(v);
  const __m256i mant = _mm256_and_si256(ix, _mm256_set1_epi32(0x007fffff));
  const __m256i carry = _mm256_and_si256(
      _mm256_add_epi32(
          mant, _mm256_set1_epi32(static_cast<int>(0x00800000u - (detmath::kLogHalveFromF & 0x007fffffu)))),
      _mm256_set1_epi32(0x00800000));
  const __m256 m =
      _mm256_castsi256_ps(_mm256_or_si256(mant, _mm256_xor_si256(carry, _mm256_set1_epi32(0x3f800000))));
  // (ix >> 23) + (carry >> 23) as (ix + carry) >> 23: carry is bit 23 alone and mant < 2^23.
  const __m256 dk = _mm256_cvtepi32_ps(
      _mm256_sub_epi32(_mm256_srli_epi32(_mm256_add_epi32(ix, carry), 23), _mm256_set1_epi32(127 + 32)));
  const __m256 one_minus_u =  // ~w + 0.5: 1 - u for u near 1
      fma(_mm256_cvtepi32_ps(_mm256_xor_si256(h, _mm256_set1_epi32(0x7fffffff))), 2.0f,
          _mm256_sub_ps(_mm256_set1_ps(2.0f), low));
  // f = dk == 0 ? -(1 - u) : m - 1 as a bit select (an and and two xors: cheaper than a blendv here).
  const __m256 m_minus_1 = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
  const __m256 f = _mm256_xor_ps(
      m_minus_1,
      _mm256_and_ps(_mm256_xor_ps(m_minus_1, _mm256_mul_ps(one_minus_u, _mm256_set1_ps(-0x1p-32f))),
                    _mm256_cmp_ps(dk, _mm256_setzero_ps(), _CMP_EQ_OQ)));
  const __m256 r = _mm256_sqrt_ps(fma(dk, -2.0f * detmath::kLn2HiF, detmath::log_tail_twice_f(f, dk, fma)));
  // The quadrant q = t >> 30 of t = w + 2^29 by its bits in place: q << 30 = t & 0xc0000000, q's bit
  // 0 (swap) is t's bit 30, q's bit 1 (the sine's sign) t's bit 31, (q + 1)'s bit 1 (the cosine's)
  // bit 31 of t + 2^30.
  const __m256i t = _mm256_add_epi32(wa, _mm256_set1_epi32(1 << 29));
  const __m256i sign = _mm256_set1_epi32(static_cast<int>(0x80000000u));
  // sincos_turn_f's x = 2d + 1 (d = w - (q << 30)) and its split x_lo = ((x + 64) & 127) - 64 from
  // s = d + 32: x - x_lo = 2 (s & ~63) and x_lo = 2 (s & 63) - 63 (exact integers).
  const __m256i s = _mm256_sub_epi32(_mm256_add_epi32(wa, _mm256_set1_epi32(32)),
                                     _mm256_and_si256(t, _mm256_set1_epi32(static_cast<int>(0xc0000000u))));
  const __m256 x_hi_half = _mm256_cvtepi32_ps(_mm256_and_si256(s, _mm256_set1_epi32(~63)));
  const __m256 x_lo = fma(_mm256_cvtepi32_ps(_mm256_and_si256(s, _mm256_set1_epi32(63))), 2.0f, -63.0f);
  __m256 sa, ca;
  detmath::sin_cos_poly_f(detmath::turn_angle_half_f(x_hi_half, x_lo, fma), fma, sa, ca);
  // The swap as bit selects: d = (sa ^ ca) & swap, then sa ^ d and ca ^ d (swap: t's bit 30 spread).
  const __m256 swap = _mm256_castsi256_ps(_mm256_srai_epi32(_mm256_slli_epi32(t, 1), 31));
  const __m256 d = _mm256_and_ps(_mm256_xor_ps(sa, ca), swap);
  const __m256 sine_sign = _mm256_castsi256_ps(_mm256_and_si256(t, sign));
  const __m256 cosine_sign =
      _mm256_castsi256_ps(_mm256_and_si256(_mm256_add_epi32(t, _mm256_set1_epi32(1 << 30)), sign));
  zs = _mm256_mul_ps(r, _mm256_xor_ps(_mm256_xor_ps(sa, d), sine_sign));
  zc = _mm256_mul_ps(r, _mm256_xor_ps(_mm256_xor_ps(ca, d), cosine_sign));
}

// exp_f's range reduction on 8 lanes: t (n in its low bits) and the polynomial of r with the
// rest taken in after the reduction (WithRest false: none, as for a log-cost that is a float)
// (models/det_math.hpp's operations; -n c + y as one fnmadd).
struct Avx2ExpParts {
  __m256 t, p;
};
template <bool WithRest = true>
__attribute__((target("avx2,fma"), flatten)) inline Avx2ExpParts expf8_parts(__m256 y, __m256 rest) {
  const Avx2FmaF fma;
  const __m256 t = fma(y, 1.44269504f, detmath::kExpShifterF);
  const __m256 n = _mm256_sub_ps(t, _mm256_set1_ps(detmath::kExpShifterF));
  __m256 c = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), y);  // y - n ln2_hi, exact
  if constexpr (WithRest) c = _mm256_add_ps(c, rest);
  const __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), c);
  return {t, detmath::exp_poly_f(r, fma)};
}
// exp_f(y, rest) on 8 lanes, bit for bit.
__attribute__((target("avx2,fma"), flatten)) inline __m256 expf8_avx2(__m256 y, __m256 rest) {
  const Avx2ExpParts x = expf8_parts(y, rest);
  const __m256i nb =
      _mm256_sub_epi32(_mm256_castps_si256(x.t), _mm256_castps_si256(_mm256_set1_ps(detmath::kExpShifterF)));
  const __m256 half = _mm256_mul_ps(
      x.p, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(nb, _mm256_set1_epi32(126)), 23)));
  const __m256 e = _mm256_add_ps(half, half);
  const __m256 big = _mm256_cmp_ps(y, _mm256_set1_ps(detmath::kExpMaxF), _CMP_GT_OQ);
  const __m256 small = _mm256_cmp_ps(y, _mm256_set1_ps(detmath::kExpMinF), _CMP_LT_OQ);
  return _mm256_blendv_ps(_mm256_andnot_ps(small, e), _mm256_set1_ps(std::numeric_limits<float>::infinity()),
                          big);
}
// 2^n as bits: bits(t) = bits(shifter) + n, so bits(2^n) = (bits(t) - bits(shifter) + 127) << 23
// (mod 2^32), one add and a shift; exact for n in [-126, 127].
__attribute__((target("avx2"))) inline __m256 pow2_avx2(__m256 t) {
  const __m256i bias =
      _mm256_set1_epi32(static_cast<int>(127u - std::bit_cast<std::uint32_t>(detmath::kExpShifterF)));
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_castps_si256(t), bias), 23));
}
// The same for y inside [detmath::kExpInRangeMinF, kExpInRangeMaxF]: no range handling, p 2^n in
// one multiply (exact there, as exp_f's two steps are): the same bits.
// WithRest false: no rest (the limit's exp, whose log-cost is a float).
template <bool WithRest = true>
__attribute__((target("avx2,fma"), flatten)) inline __m256 expf8_in_range_avx2(__m256 y, __m256 rest) {
  const Avx2ExpParts x = expf8_parts<WithRest>(y, rest);
  return _mm256_mul_ps(x.p, pow2_avx2(x.t));
}
template <bool InRange>
__attribute__((target("avx2,fma"), always_inline)) inline __m256 expf8(__m256 y, __m256 rest) {
  if constexpr (InRange) return expf8_in_range_avx2(y, rest);
  return expf8_avx2(y, rest);
}

// The engine's normals: bmf8_avx2 / bmf16_avx512 (box_muller's single-precision operations, bit for
// bit), converted to double.
__attribute__((target("avx2"))) inline void store_as_double_avx2(double* p, __m256 z) {
  _mm256_store_pd(p, _mm256_cvtps_pd(_mm256_castps256_ps128(z)));
  _mm256_store_pd(p + 4, _mm256_cvtps_pd(_mm256_extractf128_ps(z, 1)));
}
__attribute__((target("avx2,fma"), flatten)) void Avx2Words::normals(
    int count, const std::uint32_t* w0, const std::uint32_t* w1, const std::uint32_t* w2,
    const std::uint32_t* w3, double* z0, double* z1, double* z2, double* z3) const {
  const auto* v0 = reinterpret_cast<const __m256i*>(w0);
  const auto* v1 = reinterpret_cast<const __m256i*>(w1);
  const auto* v2 = reinterpret_cast<const __m256i*>(w2);
  const auto* v3 = reinterpret_cast<const __m256i*>(w3);
  // Groups of 8 pairs; the words exist up to count rounded up to 8 (operator() above).
  for (int i = 0; i < count; i += 8) {
    __m256 a, b, c, d;
    bmf8_avx2(_mm256_load_si256(v0 + i / 8), _mm256_load_si256(v1 + i / 8), a, b);
    bmf8_avx2(_mm256_load_si256(v2 + i / 8), _mm256_load_si256(v3 + i / 8), c, d);
    store_as_double_avx2(z0 + i, a);
    store_as_double_avx2(z1 + i, b);
    store_as_double_avx2(z2 + i, c);
    store_as_double_avx2(z3 + i, d);
  }
}

}  // namespace

__attribute__((target("avx2,fma"), flatten)) double limit_double_avx2(const PhiloxStream& s, long blocks) {
  const __m256d mu = _mm256_set1_pd(kLimitMu), sigma = _mm256_set1_pd(kLimitSigma),
                zero = _mm256_set1_pd(kLimitZero);
  __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
  alignas(64) std::uint32_t w0[kSamplerTile], w1[kSamplerTile], w2[kSamplerTile], w3[kSamplerTile];
  for (long b0 = 0; b0 < blocks; b0 += kSamplerTile) {
    const int m = limit_words<Avx2Words>(s, b0, blocks, w0, w1, w2, w3);
    for (int j = 0; j < m; j += 4) {
      __m256d zs0, zz0, zs1, zz1;
      bm4_avx2(_mm_load_si128(reinterpret_cast<const __m128i*>(w0 + j)),
               _mm_load_si128(reinterpret_cast<const __m128i*>(w1 + j)), zs0, zz0);
      bm4_avx2(_mm_load_si128(reinterpret_cast<const __m128i*>(w2 + j)),
               _mm_load_si128(reinterpret_cast<const __m128i*>(w3 + j)), zs1, zz1);
      const __m256d c0 = exp4_avx2(_mm256_fmadd_pd(sigma, zz0, mu)),
                    c1 = exp4_avx2(_mm256_fmadd_pd(sigma, zz1, mu));
      acc0 = _mm256_add_pd(acc0, _mm256_andnot_pd(_mm256_cmp_pd(zs0, zero, _CMP_LT_OQ), c0));
      acc1 = _mm256_add_pd(acc1, _mm256_andnot_pd(_mm256_cmp_pd(zs1, zero, _CMP_LT_OQ), c1));
    }
  }
  alignas(32) double lane[4];
  _mm256_store_pd(lane, _mm256_add_pd(acc0, acc1));
  return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

__attribute__((target("avx2,fma"), flatten)) double limit_float_avx2(const PhiloxStream& s, long blocks) {
  const __m256 mu = _mm256_set1_ps(static_cast<float>(kLimitMu)),
               sigma = _mm256_set1_ps(static_cast<float>(kLimitSigma));
  const __m256 zero = _mm256_set1_ps(static_cast<float>(kLimitZero));
  __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
  alignas(64) std::uint32_t w0[kSamplerTile], w1[kSamplerTile], w2[kSamplerTile], w3[kSamplerTile];
  for (long b0 = 0; b0 < blocks; b0 += kSamplerTile) {
    const int m = limit_words<Avx2Words>(s, b0, blocks, w0, w1, w2, w3);
    for (int j = 0; j < m; j += 8) {
      __m256 zs0, zz0, zs1, zz1;
      bmf8_avx2(_mm256_load_si256(reinterpret_cast<const __m256i*>(w0 + j)),
                _mm256_load_si256(reinterpret_cast<const __m256i*>(w1 + j)), zs0, zz0);
      bmf8_avx2(_mm256_load_si256(reinterpret_cast<const __m256i*>(w2 + j)),
                _mm256_load_si256(reinterpret_cast<const __m256i*>(w3 + j)), zs1, zz1);
      const __m256 c0 =
          _mm256_andnot_ps(_mm256_cmp_ps(zs0, zero, _CMP_LT_OQ),
                           expf8_in_range_avx2<false>(_mm256_fmadd_ps(sigma, zz0, mu), _mm256_setzero_ps()));
      const __m256 c1 =
          _mm256_andnot_ps(_mm256_cmp_ps(zs1, zero, _CMP_LT_OQ),
                           expf8_in_range_avx2<false>(_mm256_fmadd_ps(sigma, zz1, mu), _mm256_setzero_ps()));
      acc0 = _mm256_add_pd(acc0, _mm256_cvtps_pd(_mm256_castps256_ps128(c0)));
      acc1 = _mm256_add_pd(acc1, _mm256_cvtps_pd(_mm256_extractf128_ps(c0, 1)));
      acc0 = _mm256_add_pd(acc0, _mm256_cvtps_pd(_mm256_castps256_ps128(c1)));
      acc1 = _mm256_add_pd(acc1, _mm256_cvtps_pd(_mm256_extractf128_ps(c1, 1)));
    }
  }
  alignas(32) double lane[4];
  _mm256_store_pd(lane, _mm256_add_pd(acc0, acc1));
  return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

namespace {

// The cost of one year for 8 beneficiaries with float latents zs, zz: LognormalCost's operations
// (the state by float compares, log_size and exp_f on 8 float lanes; min with the cap in double),
// added to the year's LaneSum lanes acc (lanes 0..3 and 4..7; beneficiary i into lane i mod 8). The
// zero state and the lanes past the tile's end (`gone`) are zeroed in float before the min: min(+0,
// cap) = +0, and adding +0 leaves a lane's bits unchanged (the sums start at +0, costs are >= 0).
struct Avx2Cost {
  __m256 z_zero, z_high, mu_low, mu_low_rest, mu_flip, mu_rest_flip, sigma, sigma_rest;  // flip: low ^ high
  __m256d cap;
  __attribute__((target("avx2"))) explicit Avx2Cost(const LognormalCost& k) {
    const LognormalCost::Single& f = k.single();
    z_zero = _mm256_set1_ps(f.z_zero);
    z_high = _mm256_set1_ps(f.z_high);
    mu_low = _mm256_set1_ps(f.mu_low);
    mu_low_rest = _mm256_set1_ps(f.mu_low_rest);
    mu_flip = _mm256_xor_ps(mu_low, _mm256_set1_ps(f.mu_high));
    mu_rest_flip = _mm256_xor_ps(mu_low_rest, _mm256_set1_ps(f.mu_high_rest));
    sigma = _mm256_set1_ps(f.sigma);
    sigma_rest = _mm256_set1_ps(f.sigma_rest);
    cap = _mm256_set1_pd(k.cap());
  }
  template <bool InRange>
  __attribute__((target("avx2,fma"), flatten)) void add(__m256 zs, __m256 zz, __m256 gone,
                                                        __m256d acc[2]) const {
    const __m256 high = _mm256_cmp_ps(z_high, zs, _CMP_LT_OQ);
    // LognormalCost::log_size: head and rest.
    // mu by state as a bit select, low ^ (high & (low ^ high)): an and and an xor.
    const __m256 mu = _mm256_xor_ps(mu_low, _mm256_and_ps(high, mu_flip));
    const __m256 mu_rest = _mm256_xor_ps(mu_low_rest, _mm256_and_ps(high, mu_rest_flip));
    const __m256 head = _mm256_fmadd_ps(sigma, zz, mu);
    const __m256 rest = _mm256_fmadd_ps(sigma_rest, zz, mu_rest);
    const __m256 zero = _mm256_or_ps(_mm256_cmp_ps(zs, z_zero, _CMP_LT_OQ), gone);
    const __m256 e = _mm256_andnot_ps(zero, expf8<InRange>(head, rest));
    acc[0] = _mm256_add_pd(acc[0], _mm256_min_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(e)), cap));
    acc[1] = _mm256_add_pd(acc[1], _mm256_min_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)), cap));
  }
};

__attribute__((target("avx2"))) inline __m256i load(const std::uint32_t* w) {
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
}

// sampler.hpp's history_tiles with hand-written loops: the normals of a tile as floats (bmf8_avx2),
// then the AR(1) (Ar1's float operations) and costs of 8 beneficiaries at a time in registers -- the
// same operations as sample_history_reference, so the same bits (tests/test_bench.cpp).
template <bool InRange>
__attribute__((target("avx2,fma"), flatten)) void history_tiles_avx2(const LognormalCost& k,
                                                                     const LognormalCost& kp,
                                                                     const PhiloxStream& stream, long n,
                                                                     double rho,
                                                                     std::array<double, 4>& sums) {
  // The base years' costs from k, the PY's from kp (its own cap: sim/engine/true_effect.hpp).
  const Avx2Cost cost(k), py_cost(kp);
  const Ar1 ar1(rho);
  const __m256 vrho = _mm256_set1_ps(ar1.rho), inn = _mm256_set1_ps(ar1.innovation);
  alignas(64) std::uint32_t wa[4][kSamplerTile], wb[4][kSamplerTile];
  alignas(64) float zf[8][kSamplerTile];
  __m256d acc[4][2];
  for (auto& year : acc) year[0] = year[1] = _mm256_setzero_pd();
  for (long i0 = 0; i0 < n; i0 += kSamplerTile) {
    const int m = static_cast<int>(std::min<long>(kSamplerTile, n - i0));
    Avx2Words{}(stream, static_cast<std::uint32_t>(2 * i0), 2, m, wa[0], wa[1], wa[2], wa[3]);
    Avx2Words{}(stream, static_cast<std::uint32_t>(2 * i0 + 1), 2, m, wb[0], wb[1], wb[2], wb[3]);
    // The normals as floats (BY1 latents, then the BY2, BY3 and PY innovations), then the costs.
    for (int j = 0; j < m; j += 8) {
      __m256 s, z;
      for (int p = 0; p < 2; ++p) {
        bmf8_avx2(load(wa[2 * p] + j), load(wa[2 * p + 1] + j), s, z);
        _mm256_store_ps(zf[2 * p] + j, s);
        _mm256_store_ps(zf[2 * p + 1] + j, z);
        bmf8_avx2(load(wb[2 * p] + j), load(wb[2 * p + 1] + j), s, z);
        _mm256_store_ps(zf[4 + 2 * p] + j, s);
        _mm256_store_ps(zf[5 + 2 * p] + j, z);
      }
    }
    const __m256i last = _mm256_set1_epi32(m - 1);
    __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);  // j + lane
    for (int j = 0; j < m; j += 8, index = _mm256_add_epi32(index, _mm256_set1_epi32(8))) {
      const __m256 gone = _mm256_castsi256_ps(_mm256_cmpgt_epi32(index, last));
      __m256 zs = _mm256_load_ps(zf[0] + j), zz = _mm256_load_ps(zf[1] + j);
      cost.add<InRange>(zs, zz, gone, acc[0]);
      for (int y = 1; y < 4; ++y) {  // Ar1::step: innovation * fresh + rho * previous
        zs = _mm256_fmadd_ps(inn, _mm256_load_ps(zf[2 * y] + j), _mm256_mul_ps(vrho, zs));
        zz = _mm256_fmadd_ps(inn, _mm256_load_ps(zf[2 * y + 1] + j), _mm256_mul_ps(vrho, zz));
        (y == 3 ? py_cost : cost).add<InRange>(zs, zz, gone, acc[y]);
      }
    }
  }
  for (int y = 0; y < 4; ++y) {
    LaneSum total;
    _mm256_storeu_pd(total.lane.data(), acc[y][0]);
    _mm256_storeu_pd(total.lane.data() + 4, acc[y][1]);
    sums[static_cast<std::size_t>(y)] += total.total();
  }
}

}  // namespace

ACOSIM_KERNEL_AVX2 void history_avx2(const LognormalCost& k, const PhiloxStream& stream, long n, double rho,
                                     std::array<double, 4>& sums, const LognormalCost& kp) {
  if (exp_in_fast_range(k, kHistoryLatentBound) && exp_in_fast_range(kp, kHistoryLatentBound))
    history_tiles_avx2<true>(k, kp, stream, n, rho, sums);
  else
    history_tiles_avx2<false>(k, kp, stream, n, rho, sums);
}

// The tiled loops of sampler.hpp that stay the compiler's (PY only) and the normals for the tests.
ACOSIM_DEFINE_KERNELS(avx2, ACOSIM_KERNEL_AVX2, Avx2Words, Avx2WordsDouble)

}  // namespace acosim::sampler_isa
#endif
