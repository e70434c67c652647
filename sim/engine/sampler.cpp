// models/det_math.hpp's templates are instantiated on __m512d below and always inlined (flatten):
// GCC's note that passing a 64-byte vector by value to a function compiled without AVX-512 would
// change the ABI concerns calls that never happen. (It is reported at the template, hence here.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
#include "sim/engine/sampler.hpp"

#include <bit>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
#endif

namespace acosim {

namespace {

// Each kernel is compiled once per instruction set: `flatten` inlines every call (Philox,
// Box-Muller, the cost kernel) into the function so all of it takes the function's target.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ACOSIM_HAVE_SIMD_LEVELS 1
#define ACOSIM_KERNEL_SSE2 __attribute__((flatten))
#define ACOSIM_KERNEL_AVX2 __attribute__((flatten, target("avx2,fma")))
#define ACOSIM_KERNEL_AVX512 __attribute__((flatten, target("avx512f,fma")))
#else
#define ACOSIM_HAVE_SIMD_LEVELS 0
#define ACOSIM_KERNEL_SSE2
#endif

#if ACOSIM_HAVE_SIMD_LEVELS
// GCC 12's AVX-512 intrinsics start from _mm512_undefined_epi32(), which -Wmaybe-uninitialized
// reports once inlined (a known false positive, -Wuninitialized for _mm512_extractf64x4_pd); the
// kernels below inline them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

// Philox4x32-10 with intrinsics, 8 blocks at a time: the same words as
// PhiloxStream::words (tests/test_bench.cpp), about 3x faster than what GCC 12 makes of the portable
// loop (it widens the 32 x 32 -> 64-bit products into emulated 64 x 64-bit multiplies).
// AVX-512 keeps each 32-bit word in the low half of a 64-bit lane: one vpmuludq gives the whole
// product (low half = the next x1/x3, high half shifted down = the next x0/x2 after the xors), and
// the garbage the upper halves collect is never read (vpmuludq reads the low halves only); a
// vpmovqd packs the words at the end. Six instructions per round for eight blocks.
// Ten Philox4x32-10 rounds on eight blocks, each word in the low half of a 64-bit lane (the upper
// halves collect garbage that is never read); ka, kb: the round keys.
__attribute__((target("avx512f"), always_inline)) inline void philox8_avx512(__m512i& x0, __m512i& x1,
                                                                             __m512i& x2, __m512i& x3,
                                                                             const __m512i* ka,
                                                                             const __m512i* kb) {
  const __m512i m0 = _mm512_set1_epi64(0xD2511F53), m1 = _mm512_set1_epi64(0xCD9E8D57);
  for (int round = 0; round < 10; ++round) {
    const __m512i p0 = _mm512_mul_epu32(x0, m0), p1 = _mm512_mul_epu32(x2, m1);
    x0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), x1, ka[round], 0x96);  // a ^ b ^ c
    x1 = p1;
    x2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), x3, kb[round], 0x96);
    x3 = p0;
  }
}
__attribute__((target("avx512f"))) inline void philox_keys_avx512(const PhiloxStream& s, __m512i* ka,
                                                                  __m512i* kb) {
  const auto key = s.key();
  for (std::uint32_t round = 0, a = key[0], b = key[1]; round < 10;
       ++round, a += 0x9E3779B9u, b += 0xBB67AE85u) {
    ka[round] = _mm512_set1_epi64(a);
    kb[round] = _mm512_set1_epi64(b);
  }
}

struct Avx512Words {
  // Box-Muller of 8 pairs: box_muller_double(wr[k], wa[k], zc[k], zs[k]), bit for bit.
  static void box_muller8(const std::uint32_t* wr, const std::uint32_t* wa, double* zc, double* zs);

  __attribute__((target("avx512f"))) void operator()(const PhiloxStream& s, std::uint32_t first,
                                                     std::uint32_t stride, int count, std::uint32_t* w0,
                                                     std::uint32_t* w1, std::uint32_t* w2,
                                                     std::uint32_t* w3) const {
    const auto tail = s.counter_tail();
    __m512i ka[10], kb[10];  // the round keys
    philox_keys_avx512(s, ka, kb);
    const __m512i lanes =
        _mm512_setr_epi64(0, stride, 2 * stride, 3 * stride, 4 * stride, 5 * stride, 6 * stride, 7 * stride);
    const int padded = (count + 15) & ~15;  // normals() reads this far
    for (int i = 0; i < padded; i += 8) {
      __m512i x0 = _mm512_add_epi64(_mm512_set1_epi64(first + static_cast<std::uint32_t>(i) * stride), lanes);
      __m512i x1 = _mm512_set1_epi64(tail[0]);
      __m512i x2 = _mm512_set1_epi64(tail[1]);
      __m512i x3 = _mm512_set1_epi64(tail[2]);
      philox8_avx512(x0, x1, x2, x3, ka, kb);
      _mm256_store_si256(reinterpret_cast<__m256i*>(w0 + i), _mm512_cvtepi64_epi32(x0));
      _mm256_store_si256(reinterpret_cast<__m256i*>(w1 + i), _mm512_cvtepi64_epi32(x1));
      _mm256_store_si256(reinterpret_cast<__m256i*>(w2 + i), _mm512_cvtepi64_epi32(x2));
      _mm256_store_si256(reinterpret_cast<__m256i*>(w3 + i), _mm512_cvtepi64_epi32(x3));
    }
  }
  // The engine's normals (box_muller: single precision), 16 pairs per call of bmf16_avx512.
  void normals(int count, const std::uint32_t* w0, const std::uint32_t* w1, const std::uint32_t* w2,
               const std::uint32_t* w3, double* z0, double* z1, double* z2, double* z3) const;
};
// The same words with box_muller_double's normals (the double limit's arithmetic).
struct Avx512WordsDouble : Avx512Words {
  __attribute__((target("avx512f,fma"))) void normals(int count, const std::uint32_t* w0,
                                                      const std::uint32_t* w1, const std::uint32_t* w2,
                                                      const std::uint32_t* w3, double* z0, double* z1,
                                                      double* z2, double* z3) const {
    // Four groups of 8 pairs per pass; the words exist up to count rounded up to 16.
    for (int i = 0; i < count; i += 16) {
      box_muller8(w0 + i, w1 + i, z0 + i, z1 + i);
      box_muller8(w2 + i, w3 + i, z2 + i, z3 + i);
      box_muller8(w0 + i + 8, w1 + i + 8, z0 + i + 8, z1 + i + 8);
      box_muller8(w2 + i + 8, w3 + i + 8, z2 + i + 8, z3 + i + 8);
    }
  }
};

// The fused multiply-add of models/det_math.hpp's templates on eight lanes.
struct Avx512Fma {
  __attribute__((target("avx512f"))) static __m512d v(double x) { return _mm512_set1_pd(x); }
  __attribute__((target("avx512f"))) static __m512d v(__m512d x) { return x; }
  template <class A, class B, class C>
  __attribute__((target("avx512f,fma"))) __m512d operator()(A a, B b, C c) const {
    return _mm512_fmadd_pd(v(a), v(b), v(c));
  }
};

// box_muller (sim/engine/rng.hpp) with the bit manipulations of models/det_math.hpp done by AVX-512
// instructions (vgetmantpd/vgetexppd for log_parts' split, mask registers for sincos_turn's
// quadrants) and the polynomials by the same templates: the same values, bit for bit
// (tests/test_bench.cpp), in fewer instructions.
__attribute__((target("avx512f,fma"), flatten)) inline void bm8_avx512(__m256i wr, __m256i w, __m512d& zc,
                                                                       __m512d& zs) {
  const Avx512Fma fma;
  // Radius: -2 ln u = -2 ln((w + 0.5) 2^-32) (detmath::minus_two_log_uniform).
  const __m512d v = _mm512_add_pd(_mm512_cvtepu32_pd(wr), _mm512_set1_pd(0.5));   // w + 0.5, exact
  const __m512d m1 = _mm512_getmant_pd(v, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);  // in [1, 2)
  const __m512d e = _mm512_sub_pd(_mm512_getexp_pd(v), _mm512_set1_pd(32.0));     // exponent of u
  const __mmask8 halve =
      _mm512_cmp_pd_mask(m1, _mm512_set1_pd(std::bit_cast<double>(detmath::kLogHalveFrom)), _CMP_GE_OQ);
  const __m512d m = _mm512_mask_mul_pd(m1, halve, m1, _mm512_set1_pd(0.5));
  const __m512d dk = _mm512_mask_add_pd(e, halve, e, _mm512_set1_pd(1.0));
  const __m512d tail = detmath::log_tail(m, dk, fma);
  const __m512d r = _mm512_sqrt_pd(fma(dk, -2.0 * detmath::kLn2Hi, _mm512_add_pd(tail, tail)));
  // Angle: detmath::sincos_turn.
  const __m256i q = _mm256_srli_epi32(_mm256_add_epi32(w, _mm256_set1_epi32(1 << 29)), 30);
  const __m256i d = _mm256_sub_epi32(w, _mm256_slli_epi32(q, 30));
  __m512d sa, ca2;
  detmath::sin_cos2_poly(_mm512_add_pd(_mm512_cvtepi32_pd(d), _mm512_set1_pd(0.5)), fma, sa, ca2);
  const __m512d ca = _mm512_sqrt_pd(ca2);
  const __m512i q64 = _mm512_cvtepu32_epi64(q), one = _mm512_set1_epi64(1), two = _mm512_set1_epi64(2);
  const __mmask8 swap = _mm512_test_epi64_mask(q64, one);
  const __mmask8 negate_sine = _mm512_test_epi64_mask(q64, two);
  const __mmask8 negate_cosine = _mm512_test_epi64_mask(_mm512_add_epi64(q64, one), two);
  const __m512i sign = _mm512_set1_epi64(static_cast<long long>(0x8000000000000000ULL));
  const __m512i s = _mm512_castpd_si512(_mm512_mask_blend_pd(swap, sa, ca));
  const __m512i c = _mm512_castpd_si512(_mm512_mask_blend_pd(swap, ca, sa));
  const __m512d sine = _mm512_castsi512_pd(_mm512_mask_xor_epi64(s, negate_sine, s, sign));
  const __m512d cosine = _mm512_castsi512_pd(_mm512_mask_xor_epi64(c, negate_cosine, c, sign));
  zc = _mm512_mul_pd(r, cosine);
  zs = _mm512_mul_pd(r, sine);
}
__attribute__((target("avx512f,fma"), flatten)) void Avx512Words::box_muller8(const std::uint32_t* wr,
                                                                              const std::uint32_t* wa,
                                                                              double* zc, double* zs) {
  __m512d c, s;
  bm8_avx512(_mm256_load_si256(reinterpret_cast<const __m256i*>(wr)),
             _mm256_load_si256(reinterpret_cast<const __m256i*>(wa)), c, s);
  _mm512_store_pd(zc, c);
  _mm512_store_pd(zs, s);
}

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

// Ten Philox4x32-10 rounds on eight blocks with AVX2: words in 32-bit lanes; the products of the
// even lanes come from one vpmuludq, those of the odd lanes from another after a 32-bit shift, and
// blends assemble the high and low halves.
__attribute__((target("avx2"), always_inline)) inline void philox8_avx2(__m256i& x0, __m256i& x1, __m256i& x2,
                                                                        __m256i& x3, std::uint32_t ka,
                                                                        std::uint32_t kb) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u)),
                m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      ka += 0x9E3779B9u;
      kb += 0xBB67AE85u;
    }
    const __m256i pe0 = _mm256_mul_epu32(x0, m0), po0 = _mm256_mul_epu32(_mm256_srli_epi64(x0, 32), m0);
    const __m256i pe1 = _mm256_mul_epu32(x2, m1), po1 = _mm256_mul_epu32(_mm256_srli_epi64(x2, 32), m1);
    const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(pe0, 32), po0, 0xAA);
    const __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(pe1, 32), po1, 0xAA);
    const __m256i lo0 = _mm256_blend_epi32(pe0, _mm256_slli_epi64(po0, 32), 0xAA);
    const __m256i lo1 = _mm256_blend_epi32(pe1, _mm256_slli_epi64(po1, 32), 0xAA);
    x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), _mm256_set1_epi32(static_cast<int>(ka)));
    x1 = lo1;
    x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), _mm256_set1_epi32(static_cast<int>(kb)));
    x3 = lo0;
  }
}

// The AVX2 kernels' words (philox8_avx2) and normals (bm4_avx2).
struct Avx2Words {
  // The engine's normals (box_muller: single precision), 8 pairs per call of bmf8_avx2.
  void normals(int count, const std::uint32_t* w0, const std::uint32_t* w1, const std::uint32_t* w2,
               const std::uint32_t* w3, double* z0, double* z1, double* z2, double* z3) const;
  __attribute__((target("avx2"))) void operator()(const PhiloxStream& s, std::uint32_t first,
                                                  std::uint32_t stride, int count, std::uint32_t* w0,
                                                  std::uint32_t* w1, std::uint32_t* w2,
                                                  std::uint32_t* w3) const {
    const auto key = s.key();
    const auto tail = s.counter_tail();
    const __m256i lanes = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                             _mm256_set1_epi32(static_cast<int>(stride)));
    for (int i = 0; i < count; i += 8) {
      __m256i x0 = _mm256_add_epi32(
          _mm256_set1_epi32(static_cast<int>(first + static_cast<std::uint32_t>(i) * stride)), lanes);
      __m256i x1 = _mm256_set1_epi32(static_cast<int>(tail[0]));
      __m256i x2 = _mm256_set1_epi32(static_cast<int>(tail[1]));
      __m256i x3 = _mm256_set1_epi32(static_cast<int>(tail[2]));
      philox8_avx2(x0, x1, x2, x3, key[0], key[1]);
      _mm256_store_si256(reinterpret_cast<__m256i*>(w0 + i), x0);
      _mm256_store_si256(reinterpret_cast<__m256i*>(w1 + i), x1);
      _mm256_store_si256(reinterpret_cast<__m256i*>(w2 + i), x2);
      _mm256_store_si256(reinterpret_cast<__m256i*>(w3 + i), x3);
    }
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
constexpr double kLimitMu = 8.5, kLimitSigma = 0.9,
                 kLimitZero = -1.2815515655446004;  // national scale, p0 = 0.10

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

__attribute__((target("avx512f,fma"), flatten)) inline __m512d exp8_avx512(__m512d y) {
  const Avx512Fma fma;
  __m512d r;
  const __m512d t = detmath::exp_reduce(y, fma, r);
  const __m512d p = detmath::exp_poly(r, fma);
  const __m512i nb =
      _mm512_sub_epi64(_mm512_castpd_si512(t), _mm512_castpd_si512(_mm512_set1_pd(detmath::kExpShifter)));
  const __m512d scale =
      _mm512_castsi512_pd(_mm512_slli_epi64(_mm512_add_epi64(nb, _mm512_set1_epi64(1022)), 52));
  const __m512d half = fma(p, scale, scale);
  __m512d e = _mm512_add_pd(half, half);
  e = _mm512_mask_mov_pd(e, _mm512_cmp_pd_mask(y, _mm512_set1_pd(-708.0), _CMP_LT_OQ), _mm512_setzero_pd());
  return _mm512_mask_mov_pd(e, _mm512_cmp_pd_mask(y, _mm512_set1_pd(709.782712893384), _CMP_GT_OQ),
                            _mm512_set1_pd(std::numeric_limits<double>::infinity()));
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
struct Avx512FmaF {
  __attribute__((target("avx512f"))) static __m512 v(float x) { return _mm512_set1_ps(x); }
  __attribute__((target("avx512f"))) static __m512 v(__m512 x) { return x; }
  template <class A, class B, class C>
  __attribute__((target("avx512f,fma"))) __m512 operator()(A a, B b, C c) const {
    return _mm512_fmadd_ps(v(a), v(b), v(c));
  }
};

// Box-Muller in float on eight pairs: detmath::minus_two_log_uniform_f and sincos_turn_f's
// operations, lane by lane.
__attribute__((target("avx2,fma"), flatten)) inline void bmf8_avx2(__m256i wr, __m256i wa, __m256& zc,
                                                                   __m256& zs) {
  const Avx2FmaF fma;
  const __m256i one = _mm256_set1_epi32(1);
  const __m256 v = fma(_mm256_cvtepi32_ps(_mm256_srli_epi32(wr, 1)), 2.0f,
                       _mm256_add_ps(_mm256_cvtepi32_ps(_mm256_and_si256(wr, one)), _mm256_set1_ps(0.5f)));
  const __m256i ix = _mm256_castps_si256(v);
  const __m256i mant = _mm256_and_si256(ix, _mm256_set1_epi32(0x007fffff));
  const __m256i carry = _mm256_and_si256(
      _mm256_add_epi32(
          mant, _mm256_set1_epi32(static_cast<int>(0x00800000u - (detmath::kLogHalveFromF & 0x007fffffu)))),
      _mm256_set1_epi32(0x00800000));
  const __m256 m =
      _mm256_castsi256_ps(_mm256_or_si256(mant, _mm256_xor_si256(carry, _mm256_set1_epi32(0x3f800000))));
  const __m256 dk = _mm256_cvtepi32_ps(
      _mm256_sub_epi32(_mm256_add_epi32(_mm256_srli_epi32(ix, 23), _mm256_srli_epi32(carry, 23)),
                       _mm256_set1_epi32(127 + 32)));
  const __m256i nw = _mm256_xor_si256(wr, _mm256_set1_epi32(-1));  // ~w: 1 - u for u near 1
  const __m256 one_minus_u =
      fma(_mm256_cvtepi32_ps(_mm256_srli_epi32(nw, 1)), 2.0f,
          _mm256_add_ps(_mm256_cvtepi32_ps(_mm256_and_si256(nw, one)), _mm256_set1_ps(0.5f)));
  const __m256 f = _mm256_blendv_ps(_mm256_sub_ps(m, _mm256_set1_ps(1.0f)),
                                    _mm256_mul_ps(one_minus_u, _mm256_set1_ps(-0x1p-32f)),
                                    _mm256_cmp_ps(dk, _mm256_setzero_ps(), _CMP_EQ_OQ));
  const __m256 tail = detmath::log_tail_f(f, dk, fma);
  const __m256 r = _mm256_sqrt_ps(fma(dk, -2.0f * detmath::kLn2HiF, _mm256_add_ps(tail, tail)));
  const __m256i q = _mm256_srli_epi32(_mm256_add_epi32(wa, _mm256_set1_epi32(1 << 29)), 30);
  const __m256i x =
      _mm256_add_epi32(_mm256_slli_epi32(_mm256_sub_epi32(wa, _mm256_slli_epi32(q, 30)), 1), one);
  const __m256i x_lo =
      _mm256_sub_epi32(_mm256_and_si256(_mm256_add_epi32(x, _mm256_set1_epi32(64)), _mm256_set1_epi32(127)),
                       _mm256_set1_epi32(64));
  __m256 sa, ca;
  detmath::sin_cos_poly_f(
      detmath::turn_angle_f(_mm256_cvtepi32_ps(_mm256_sub_epi32(x, x_lo)), _mm256_cvtepi32_ps(x_lo), fma),
      fma, sa, ca);
  const __m256 swap = _mm256_castsi256_ps(_mm256_slli_epi32(q, 31));
  const __m256 sine_sign = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_srli_epi32(q, 1), 31));
  const __m256 cosine_sign =
      _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_srli_epi32(_mm256_add_epi32(q, one), 1), 31));
  zs = _mm256_mul_ps(r, _mm256_xor_ps(_mm256_blendv_ps(sa, ca, swap), sine_sign));
  zc = _mm256_mul_ps(r, _mm256_xor_ps(_mm256_blendv_ps(ca, sa, swap), cosine_sign));
}

__attribute__((target("avx512f,fma"), flatten)) inline void bmf16_avx512(__m512i wr, __m512i wa, __m512& zc,
                                                                         __m512& zs) {
  const Avx512FmaF fma;
  const __m512i one = _mm512_set1_epi32(1);
  const __m512 v = fma(_mm512_cvtepi32_ps(_mm512_srli_epi32(wr, 1)), 2.0f,
                       _mm512_add_ps(_mm512_cvtepi32_ps(_mm512_and_si512(wr, one)), _mm512_set1_ps(0.5f)));
  const __m512i ix = _mm512_castps_si512(v);
  const __m512i mant = _mm512_and_si512(ix, _mm512_set1_epi32(0x007fffff));
  const __m512i carry = _mm512_and_si512(
      _mm512_add_epi32(
          mant, _mm512_set1_epi32(static_cast<int>(0x00800000u - (detmath::kLogHalveFromF & 0x007fffffu)))),
      _mm512_set1_epi32(0x00800000));
  const __m512 m = _mm512_castsi512_ps(
      _mm512_ternarylogic_epi32(mant, carry, _mm512_set1_epi32(0x3f800000), 0xF6));  // a | (b ^ c)
  const __m512 dk = _mm512_cvtepi32_ps(
      _mm512_sub_epi32(_mm512_add_epi32(_mm512_srli_epi32(ix, 23), _mm512_srli_epi32(carry, 23)),
                       _mm512_set1_epi32(127 + 32)));
  const __m512i nw = _mm512_xor_si512(wr, _mm512_set1_epi32(-1));  // ~w: 1 - u for u near 1
  const __m512 one_minus_u =
      fma(_mm512_cvtepi32_ps(_mm512_srli_epi32(nw, 1)), 2.0f,
          _mm512_add_ps(_mm512_cvtepi32_ps(_mm512_and_si512(nw, one)), _mm512_set1_ps(0.5f)));
  const __m512 f = _mm512_mask_mul_ps(_mm512_sub_ps(m, _mm512_set1_ps(1.0f)),
                                      _mm512_cmp_ps_mask(dk, _mm512_setzero_ps(), _CMP_EQ_OQ), one_minus_u,
                                      _mm512_set1_ps(-0x1p-32f));
  const __m512 tail = detmath::log_tail_f(f, dk, fma);
  const __m512 r = _mm512_sqrt_ps(fma(dk, -2.0f * detmath::kLn2HiF, _mm512_add_ps(tail, tail)));
  const __m512i q = _mm512_srli_epi32(_mm512_add_epi32(wa, _mm512_set1_epi32(1 << 29)), 30);
  const __m512i x =
      _mm512_add_epi32(_mm512_slli_epi32(_mm512_sub_epi32(wa, _mm512_slli_epi32(q, 30)), 1), one);
  const __m512i x_lo =
      _mm512_sub_epi32(_mm512_and_si512(_mm512_add_epi32(x, _mm512_set1_epi32(64)), _mm512_set1_epi32(127)),
                       _mm512_set1_epi32(64));
  __m512 sa, ca;
  detmath::sin_cos_poly_f(
      detmath::turn_angle_f(_mm512_cvtepi32_ps(_mm512_sub_epi32(x, x_lo)), _mm512_cvtepi32_ps(x_lo), fma),
      fma, sa, ca);
  const __mmask16 swap = _mm512_test_epi32_mask(q, one);
  const __m512i sine_sign = _mm512_slli_epi32(_mm512_srli_epi32(q, 1), 31);
  const __m512i cosine_sign = _mm512_slli_epi32(_mm512_srli_epi32(_mm512_add_epi32(q, one), 1), 31);
  zs = _mm512_mul_ps(r, _mm512_castsi512_ps(_mm512_xor_si512(
                            _mm512_castps_si512(_mm512_mask_blend_ps(swap, sa, ca)), sine_sign)));
  zc = _mm512_mul_ps(r, _mm512_castsi512_ps(_mm512_xor_si512(
                            _mm512_castps_si512(_mm512_mask_blend_ps(swap, ca, sa)), cosine_sign)));
}

// e^y in float: detmath::exp_f's operations.
__attribute__((target("avx2,fma"), flatten)) inline __m256 expf8_avx2(__m256 y) {
  const Avx2FmaF fma;
  const __m256 t = fma(y, 1.44269504f, detmath::kExpShifterF);
  const __m256 n = _mm256_sub_ps(t, _mm256_set1_ps(detmath::kExpShifterF));
  const __m256 r = fma(_mm256_sub_ps(_mm256_setzero_ps(), n), -2.12194440e-4f,
                       fma(_mm256_sub_ps(_mm256_setzero_ps(), n), 0.693359375f, y));
  const __m256 p = detmath::exp_poly_f(r, fma);
  const __m256i nb =
      _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_castps_si256(_mm256_set1_ps(detmath::kExpShifterF)));
  const __m256 half = _mm256_mul_ps(
      p, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(nb, _mm256_set1_epi32(126)), 23)));
  const __m256 e = _mm256_add_ps(half, half);
  const __m256 big = _mm256_cmp_ps(y, _mm256_set1_ps(detmath::kExpMaxF), _CMP_GT_OQ);
  const __m256 small = _mm256_cmp_ps(y, _mm256_set1_ps(detmath::kExpMinF), _CMP_LT_OQ);
  return _mm256_blendv_ps(_mm256_andnot_ps(small, e), _mm256_set1_ps(std::numeric_limits<float>::infinity()),
                          big);
}

__attribute__((target("avx512f,fma"), flatten)) inline __m512 expf16_avx512(__m512 y) {
  const Avx512FmaF fma;
  const __m512 t = fma(y, 1.44269504f, detmath::kExpShifterF);
  const __m512 n = _mm512_sub_ps(t, _mm512_set1_ps(detmath::kExpShifterF));
  const __m512 r = fma(_mm512_sub_ps(_mm512_setzero_ps(), n), -2.12194440e-4f,
                       fma(_mm512_sub_ps(_mm512_setzero_ps(), n), 0.693359375f, y));
  const __m512 p = detmath::exp_poly_f(r, fma);
  const __m512i nb =
      _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_castps_si512(_mm512_set1_ps(detmath::kExpShifterF)));
  const __m512 half = _mm512_mul_ps(
      p, _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(nb, _mm512_set1_epi32(126)), 23)));
  __m512 e = _mm512_add_ps(half, half);
  e = _mm512_mask_mov_ps(e, _mm512_cmp_ps_mask(y, _mm512_set1_ps(detmath::kExpMinF), _CMP_LT_OQ),
                         _mm512_setzero_ps());
  return _mm512_mask_mov_ps(e, _mm512_cmp_ps_mask(y, _mm512_set1_ps(detmath::kExpMaxF), _CMP_GT_OQ),
                            _mm512_set1_ps(std::numeric_limits<float>::infinity()));
}

// The engine's normals: bmf8_avx2 / bmf16_avx512 (box_muller's single-precision operations, bit for
// bit), converted to double.
__attribute__((target("avx2"))) inline void store_as_double_avx2(double* p, __m256 z) {
  _mm256_store_pd(p, _mm256_cvtps_pd(_mm256_castps256_ps128(z)));
  _mm256_store_pd(p + 4, _mm256_cvtps_pd(_mm256_extractf128_ps(z, 1)));
}
__attribute__((target("avx512f"))) inline void store_as_double_avx512(double* p, __m512 z) {
  _mm512_store_pd(p, _mm512_cvtps_pd(_mm512_castps512_ps256(z)));
  _mm512_store_pd(p + 8, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(z), 1))));
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

__attribute__((target("avx512f,fma"), flatten)) void Avx512Words::normals(
    int count, const std::uint32_t* w0, const std::uint32_t* w1, const std::uint32_t* w2,
    const std::uint32_t* w3, double* z0, double* z1, double* z2, double* z3) const {
  // Groups of 16 pairs; the words exist up to count rounded up to 16 (operator() above).
  for (int i = 0; i < count; i += 16) {
    __m512 a, b, c, d;
    bmf16_avx512(_mm512_load_si512(w0 + i), _mm512_load_si512(w1 + i), a, b);
    bmf16_avx512(_mm512_load_si512(w2 + i), _mm512_load_si512(w3 + i), c, d);
    store_as_double_avx512(z0 + i, a);
    store_as_double_avx512(z1 + i, b);
    store_as_double_avx512(z2 + i, c);
    store_as_double_avx512(z3 + i, d);
  }
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
          _mm256_andnot_ps(_mm256_cmp_ps(zs0, zero, _CMP_LT_OQ), expf8_avx2(_mm256_fmadd_ps(sigma, zz0, mu)));
      const __m256 c1 =
          _mm256_andnot_ps(_mm256_cmp_ps(zs1, zero, _CMP_LT_OQ), expf8_avx2(_mm256_fmadd_ps(sigma, zz1, mu)));
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

__attribute__((target("avx512f,fma"), flatten)) double limit_double_avx512(const PhiloxStream& s,
                                                                           long blocks) {
  const __m512d mu = _mm512_set1_pd(kLimitMu), sigma = _mm512_set1_pd(kLimitSigma),
                zero = _mm512_set1_pd(kLimitZero);
  __m512d acc0 = _mm512_setzero_pd(), acc1 = _mm512_setzero_pd();
  alignas(64) std::uint32_t w0[kSamplerTile], w1[kSamplerTile], w2[kSamplerTile], w3[kSamplerTile];
  for (long b0 = 0; b0 < blocks; b0 += kSamplerTile) {
    const int m = limit_words<Avx512Words>(s, b0, blocks, w0, w1, w2, w3);
    for (int j = 0; j < m; j += 8) {
      __m512d zs0, zz0, zs1, zz1;
      bm8_avx512(_mm256_load_si256(reinterpret_cast<const __m256i*>(w0 + j)),
                 _mm256_load_si256(reinterpret_cast<const __m256i*>(w1 + j)), zs0, zz0);
      bm8_avx512(_mm256_load_si256(reinterpret_cast<const __m256i*>(w2 + j)),
                 _mm256_load_si256(reinterpret_cast<const __m256i*>(w3 + j)), zs1, zz1);
      const __m512d c0 = exp8_avx512(_mm512_fmadd_pd(sigma, zz0, mu)),
                    c1 = exp8_avx512(_mm512_fmadd_pd(sigma, zz1, mu));
      acc0 = _mm512_add_pd(
          acc0, _mm512_mask_mov_pd(c0, _mm512_cmp_pd_mask(zs0, zero, _CMP_LT_OQ), _mm512_setzero_pd()));
      acc1 = _mm512_add_pd(
          acc1, _mm512_mask_mov_pd(c1, _mm512_cmp_pd_mask(zs1, zero, _CMP_LT_OQ), _mm512_setzero_pd()));
    }
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(acc0, acc1));
}

__attribute__((target("avx512f,fma"), flatten)) double limit_float_avx512(const PhiloxStream& s,
                                                                          long blocks) {
  const __m512 mu = _mm512_set1_ps(static_cast<float>(kLimitMu)),
               sigma = _mm512_set1_ps(static_cast<float>(kLimitSigma));
  const __m512 zero = _mm512_set1_ps(static_cast<float>(kLimitZero));
  __m512d acc0 = _mm512_setzero_pd(), acc1 = _mm512_setzero_pd();
  alignas(64) std::uint32_t w0[kSamplerTile], w1[kSamplerTile], w2[kSamplerTile], w3[kSamplerTile];
  for (long b0 = 0; b0 < blocks; b0 += kSamplerTile) {
    const int m = limit_words<Avx512Words>(s, b0, blocks, w0, w1, w2, w3);
    for (int j = 0; j < m; j += 16) {
      __m512 zs0, zz0, zs1, zz1;
      bmf16_avx512(_mm512_load_si512(w0 + j), _mm512_load_si512(w1 + j), zs0, zz0);
      bmf16_avx512(_mm512_load_si512(w2 + j), _mm512_load_si512(w3 + j), zs1, zz1);
      const __m512 c0 = _mm512_mask_mov_ps(expf16_avx512(_mm512_fmadd_ps(sigma, zz0, mu)),
                                           _mm512_cmp_ps_mask(zs0, zero, _CMP_LT_OQ), _mm512_setzero_ps());
      const __m512 c1 = _mm512_mask_mov_ps(expf16_avx512(_mm512_fmadd_ps(sigma, zz1, mu)),
                                           _mm512_cmp_ps_mask(zs1, zero, _CMP_LT_OQ), _mm512_setzero_ps());
      acc0 = _mm512_add_pd(acc0, _mm512_cvtps_pd(_mm512_castps512_ps256(c0)));
      acc1 = _mm512_add_pd(
          acc1, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(c0), 1))));
      acc0 = _mm512_add_pd(acc0, _mm512_cvtps_pd(_mm512_castps512_ps256(c1)));
      acc1 = _mm512_add_pd(
          acc1, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(c1), 1))));
    }
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(acc0, acc1));
}
#endif

// The portable limit loops (SSE2, and CPUs without the hand kernels): tiles of words, then the
// transforms in a loop the compiler vectorizes.
constexpr double kLimitMuP = 8.5, kLimitSigmaP = 0.9, kLimitZeroP = -1.2815515655446004;
// The portable words with box_muller_double's normals.
struct PortableWordsDouble : sampler_detail::PortableWords {
  void normals(int count, const std::uint32_t* w0, const std::uint32_t* w1, const std::uint32_t* w2,
               const std::uint32_t* w3, double* z0, double* z1, double* z2, double* z3) const {
#pragma omp simd
    for (int i = 0; i < count; ++i) {
      box_muller_double(w0[i], w1[i], z0[i], z1[i]);
      box_muller_double(w2[i], w3[i], z2[i], z3[i]);
    }
  }
};
inline double limit_tiles_double(const PhiloxStream& stream, long blocks) {
  alignas(64) double z0[kSamplerTile], z1[kSamplerTile], z2[kSamplerTile], z3[kSamplerTile];
  double sum = 0;
  for (long b0 = 0; b0 < blocks; b0 += kSamplerTile) {
    const int m = static_cast<int>(std::min<long>(kSamplerTile, blocks - b0));
    sampler_detail::tile_normals(PortableWordsDouble{}, stream, static_cast<std::uint32_t>(b0), 1, m, z0, z1,
                                 z2, z3);
#pragma omp simd reduction(+ : sum)
    for (int j = 0; j < m; ++j) {
      const double c0 = detmath::exp(detmath::fmadd(kLimitSigmaP, z1[j], kLimitMuP));
      const double c1 = detmath::exp(detmath::fmadd(kLimitSigmaP, z3[j], kLimitMuP));
      sum += (z0[j] < kLimitZeroP ? 0.0 : c0) + (z2[j] < kLimitZeroP ? 0.0 : c1);
    }
  }
  return sum;
}
inline double limit_tiles_float(const PhiloxStream& stream, long blocks) {
  alignas(64) std::uint32_t w0[kSamplerTile], w1[kSamplerTile], w2[kSamplerTile], w3[kSamplerTile];
  constexpr float mu = static_cast<float>(kLimitMuP), sigma = static_cast<float>(kLimitSigmaP);
  constexpr float zero = static_cast<float>(kLimitZeroP);
  double sum = 0;
  for (long b0 = 0; b0 < blocks; b0 += kSamplerTile) {
    const int m = static_cast<int>(std::min<long>(kSamplerTile, blocks - b0));
    stream.words_batch(static_cast<std::uint32_t>(b0), 1, m, w0, w1, w2, w3);
#pragma omp simd reduction(+ : sum)
    for (int j = 0; j < m; ++j) {
      float zs0 = 0, zz0 = 0, zs1 = 0, zz1 = 0;
      detmath::box_muller_f(w0[j], w1[j], zs0, zz0);
      detmath::box_muller_f(w2[j], w3[j], zs1, zz1);
      const float c0 = detmath::exp_f(detmath::fmaddf(sigma, zz0, mu));
      const float c1 = detmath::exp_f(detmath::fmaddf(sigma, zz1, mu));
      sum += static_cast<double>(zs0 < zero ? 0.0f : c0) + static_cast<double>(zs1 < zero ? 0.0f : c1);
    }
  }
  return sum;
}

#define ACOSIM_DEFINE_KERNELS(SUFFIX, ATTR, WORDS, WORDS_DOUBLE)                                          \
  ATTR double py_only_##SUFFIX(const LognormalCost& cost, const PhiloxStream& stream, long n) {           \
    const LognormalCost k = cost; /* a local copy: no store in the loop can change it */                  \
    return sampler_detail::py_only_tiles<true>(k, stream, n, WORDS{});                                    \
  }                                                                                                       \
  ATTR void history_##SUFFIX(const LognormalCost& cost, const PhiloxStream& stream, long n, double rho,   \
                             std::array<double, 4>& sums, const LognormalCost& py_cost) {                 \
    const LognormalCost k = cost, kp = py_cost;                                                           \
    std::array<double, 4> s = sums;                                                                       \
    sampler_detail::history_tiles<true>(k, kp, stream, n, rho, s, WORDS{});                               \
    sums = s;                                                                                             \
  }                                                                                                       \
  ATTR void normals_##SUFFIX(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride, int count, \
                             double* z0, double* z1, double* z2, double* z3) {                            \
    sampler_detail::tile_normals(WORDS{}, s, first, stride, count, z0, z1, z2, z3);                       \
  }                                                                                                       \
  ATTR void normals_double_##SUFFIX(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride,     \
                                    int count, double* z0, double* z1, double* z2, double* z3) {          \
    sampler_detail::tile_normals(WORDS_DOUBLE{}, s, first, stride, count, z0, z1, z2, z3);                \
  }

ACOSIM_DEFINE_KERNELS(sse2, ACOSIM_KERNEL_SSE2, sampler_detail::PortableWords, PortableWordsDouble)
#if ACOSIM_HAVE_SIMD_LEVELS
ACOSIM_DEFINE_KERNELS(avx2, ACOSIM_KERNEL_AVX2, Avx2Words, Avx2WordsDouble)
ACOSIM_DEFINE_KERNELS(avx512, ACOSIM_KERNEL_AVX512, Avx512Words, Avx512WordsDouble)
#endif

SimdLevel detect() {
  SimdLevel best = SimdLevel::Sse2;
#if ACOSIM_HAVE_SIMD_LEVELS
  __builtin_cpu_init();
  // The kernels above AVX2 use fused multiply-adds (models/det_math.hpp): they need FMA as well.
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = SimdLevel::Avx2;
  if (__builtin_cpu_supports("avx512f") && best == SimdLevel::Avx2) best = SimdLevel::Avx512;
#endif
  if (const char* env = std::getenv("ACOSIM_SIMD")) {
    for (SimdLevel l : {SimdLevel::Sse2, SimdLevel::Avx2, SimdLevel::Avx512}) {
      if (std::strcmp(env, to_string(l)) == 0 && static_cast<int>(l) < static_cast<int>(best)) best = l;
    }
  }
  return best;
}

SimdLevel usable(SimdLevel level) { return simd_supported(level) ? level : SimdLevel::Sse2; }

}  // namespace

const char* to_string(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx2: return "avx2";
    case SimdLevel::Avx512: return "avx512";
    case SimdLevel::Sse2: break;
  }
  return "sse2";
}

bool simd_supported(SimdLevel level) {
#if ACOSIM_HAVE_SIMD_LEVELS
  __builtin_cpu_init();
  switch (level) {
    case SimdLevel::Avx2: return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
    case SimdLevel::Avx512:
      return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("fma") != 0;
    case SimdLevel::Sse2: return true;
  }
  return false;
#else
  return level == SimdLevel::Sse2;
#endif
}

bool hardware_fma() {
#if ACOSIM_HAVE_SIMD_LEVELS
  __builtin_cpu_init();
  return __builtin_cpu_supports("fma") != 0;
#elif defined(__FP_FAST_FMA)
  return true;
#else
  return false;
#endif
}

SimdLevel simd_level() {
  static const SimdLevel level = detect();
  return level;
}

double sum_py_only(const LognormalCost& cost, const PhiloxStream& stream, long n, SimdLevel level) {
  switch (usable(level)) {
#if ACOSIM_HAVE_SIMD_LEVELS
    case SimdLevel::Avx512: return py_only_avx512(cost, stream, n);
    case SimdLevel::Avx2: return py_only_avx2(cost, stream, n);
#endif
    default: return py_only_sse2(cost, stream, n);
  }
}

void sum_history(const LognormalCost& cost, const LognormalCost& py_cost, const PhiloxStream& stream, long n,
                 double rho, std::array<double, 4>& sums, SimdLevel level) {
  switch (usable(level)) {
#if ACOSIM_HAVE_SIMD_LEVELS
    case SimdLevel::Avx512: return history_avx512(cost, stream, n, rho, sums, py_cost);
    case SimdLevel::Avx2: return history_avx2(cost, stream, n, rho, sums, py_cost);
#endif
    default: return history_sse2(cost, stream, n, rho, sums, py_cost);
  }
}

void sum_history(const LognormalCost& cost, const PhiloxStream& stream, long n, double rho,
                 std::array<double, 4>& sums, SimdLevel level) {
  sum_history(cost, cost, stream, n, rho, sums, level);
}

void kernel_normals(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride, int count, double* z0,
                    double* z1, double* z2, double* z3, SimdLevel level, Arithmetic arithmetic) {
  const bool single = arithmetic == Arithmetic::Float;
  switch (usable(level)) {
#if ACOSIM_HAVE_SIMD_LEVELS
    case SimdLevel::Avx512:
      return single ? normals_avx512(s, first, stride, count, z0, z1, z2, z3)
                    : normals_double_avx512(s, first, stride, count, z0, z1, z2, z3);
    case SimdLevel::Avx2:
      return single ? normals_avx2(s, first, stride, count, z0, z1, z2, z3)
                    : normals_double_avx2(s, first, stride, count, z0, z1, z2, z3);
#endif
    default:
      return single ? normals_sse2(s, first, stride, count, z0, z1, z2, z3)
                    : normals_double_sse2(s, first, stride, count, z0, z1, z2, z3);
  }
}

ACOSIM_KERNEL_SSE2 double limit_double_sse2(const PhiloxStream& s, long blocks) {
  return limit_tiles_double(s, blocks);
}
ACOSIM_KERNEL_SSE2 double limit_float_sse2(const PhiloxStream& s, long blocks) {
  return limit_tiles_float(s, blocks);
}

double transform_limit(std::uint64_t seed, std::uint64_t run, long n, Arithmetic arithmetic,
                       SimdLevel level) {
  const PhiloxStream s(seed, run, Purpose::Beneficiary, 0);
  const long blocks = (n + 1) / 2;  // two beneficiary-years per block
  const bool single = arithmetic == Arithmetic::Float;
  switch (usable(level)) {
#if ACOSIM_HAVE_SIMD_LEVELS
    case SimdLevel::Avx512: return single ? limit_float_avx512(s, blocks) : limit_double_avx512(s, blocks);
    case SimdLevel::Avx2: return single ? limit_float_avx2(s, blocks) : limit_double_avx2(s, blocks);
#endif
    default: return single ? limit_float_sse2(s, blocks) : limit_double_sse2(s, blocks);
  }
}

}  // namespace acosim
