// models/det_math.hpp's templates are instantiated on __m512d below and always inlined (flatten):
// GCC's note that passing a 64-byte vector by value to a function compiled without AVX-512 would
// change the ABI concerns calls that never happen. (It is reported at the template, hence here.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
// The AVX-512 kernels (sim/engine/sampler_isa.hpp): Philox, Box-Muller and exp on 8 double or 16
// float lanes, mask registers for the selects.
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

// Philox4x32-10 with intrinsics: PhiloxLanes (sim/engine/sampler_isa.hpp) on eight blocks per
// vector, the same words as PhiloxStream::words (tests/test_bench.cpp), about 3x faster than what
// GCC 12 makes of the portable loop (it widens the 32 x 32 -> 64-bit products into emulated 64 x
// 64-bit multiplies). The two xors of a round are one vpternlogq: six instructions per round for
// eight blocks.
struct Avx512Lanes {
  using V = __m512i;
  __attribute__((target("avx512f"))) static V set1(std::uint32_t a) { return _mm512_set1_epi64(a); }
  __attribute__((target("avx512f"))) static V mul(V a, V m) { return _mm512_mul_epu32(a, m); }
  __attribute__((target("avx512f"))) static V hi(V a) { return _mm512_srli_epi64(a, 32); }
  __attribute__((target("avx512f"))) static V x(V a, V b) { return _mm512_xor_si512(a, b); }
  __attribute__((target("avx512f"))) static V x3(V a, V b, V c) {
    return _mm512_ternarylogic_epi64(a, b, c, 0x96);  // a ^ b ^ c
  }
};

struct Avx512Words {
  // Box-Muller of 8 pairs: box_muller_double(wr[k], wa[k], zc[k], zs[k]), bit for bit.
  static void box_muller8(const std::uint32_t* wr, const std::uint32_t* wa, double* zc, double* zs);

  __attribute__((target("avx512f"), flatten)) void operator()(const PhiloxStream& s, std::uint32_t first,
                                                              std::uint32_t stride, int count,
                                                              std::uint32_t* w0, std::uint32_t* w1,
                                                              std::uint32_t* w2, std::uint32_t* w3) const {
    const PhiloxLanes<Avx512Lanes> philox(s);
    const __m512i lanes =
        _mm512_setr_epi64(0, stride, 2 * stride, 3 * stride, 4 * stride, 5 * stride, 6 * stride, 7 * stride);
    // The low halves of two vectors' 64-bit lanes as one vector of 16 words: one vpermt2d where two
    // vpmovqd would take four uops.
    const __m512i low_halves = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    std::uint32_t* w[4] = {w0, w1, w2, w3};
    // Sets / 2 groups of 16 blocks at a time: 32 while more than 16 remain, then 16 (normals() reads
    // up to count rounded up to 16).
    const auto groups = [&]<int Sets>(int i) __attribute__((target("avx512f"), always_inline)) {
      __m512i x[Sets][4];
      for (int set = 0; set < Sets; ++set) {
        x[set][0] = _mm512_add_epi64(
            _mm512_set1_epi64(first + static_cast<std::uint32_t>(i + 8 * set) * stride), lanes);
      }
      philox.template rounds<Sets>(x);
      for (int set = 0; set < Sets; set += 2)
        for (int k = 0; k < 4; ++k)
          _mm512_store_si512(w[k] + i + 8 * set,
                             _mm512_permutex2var_epi32(x[set][k], low_halves, x[set + 1][k]));
    };
    int i = 0;
    for (; i + 16 < count; i += 32) groups.template operator()<4>(i);
    if (i < count) groups.template operator()<2>(i);
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

struct Avx512FmaF {
  __attribute__((target("avx512f"))) static __m512 v(float x) { return _mm512_set1_ps(x); }
  __attribute__((target("avx512f"))) static __m512 v(__m512 x) { return x; }
  template <class A, class B, class C>
  __attribute__((target("avx512f,fma"))) __m512 operator()(A a, B b, C c) const {
    return _mm512_fmadd_ps(v(a), v(b), v(c));
  }
};

__attribute__((target("avx512f,fma"), flatten)) inline void bmf16_avx512(__m512i wr, __m512i wa, __m512& zc,
                                                                         __m512& zs) {
  const Avx512FmaF fma;
  // word_plus_half_f(w) = 2 float(w >> 1) + ((w & 1) + 0.5), the last from a table by w's low bit;
  // for ~w: ~w >> 1 = (w >> 1) ^ 0x7fffffff and ((~w & 1) + 0.5) = 2 - ((w & 1) + 0.5), exactly.
  const __m512i h = _mm512_srli_epi32(wr, 1);
  const __m512 low =
      _mm512_permutexvar_ps(wr, _mm512_setr_ps(0.5f, 1.5f, 0.5f, 1.5f, 0.5f, 1.5f, 0.5f, 1.5f, 0.5f, 1.5f,
                                               0.5f, 1.5f, 0.5f, 1.5f, 0.5f, 1.5f));
  const __m512 v = fma(_mm512_cvtepi32_ps(h), 2.0f, low);
  // minus_two_log_uniform_f's split by vgetmantps/vgetexpps: m1 in [1, 2) and the exponent e, halved
  // (m1 / 2, e + 1) at and above kLogHalveFromF's mantissa -- the bit manipulation's m and dk exactly.
  const __m512 m1 = _mm512_getmant_ps(v, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
  const __mmask16 halve =
      _mm512_cmp_ps_mask(m1, _mm512_set1_ps(std::bit_cast<float>(detmath::kLogHalveFromF)), _CMP_GE_OQ);
  const __m512 m = _mm512_mask_mul_ps(m1, halve, m1, _mm512_set1_ps(0.5f));
  const __m512 e = _mm512_sub_ps(_mm512_getexp_ps(v), _mm512_set1_ps(32.0f));  // the exponent of u
  const __m512 dk = _mm512_mask_add_ps(e, halve, e, _mm512_set1_ps(1.0f));
  const __m512 one_minus_u =  // ~w + 0.5: 1 - u for u near 1
      fma(_mm512_cvtepi32_ps(_mm512_xor_si512(h, _mm512_set1_epi32(0x7fffffff))), 2.0f,
          _mm512_sub_ps(_mm512_set1_ps(2.0f), low));
  const __m512 f = _mm512_mask_mul_ps(_mm512_sub_ps(m, _mm512_set1_ps(1.0f)),
                                      _mm512_cmp_ps_mask(dk, _mm512_setzero_ps(), _CMP_EQ_OQ), one_minus_u,
                                      _mm512_set1_ps(-0x1p-32f));
  const __m512 r = _mm512_sqrt_ps(fma(dk, -2.0f * detmath::kLn2HiF, detmath::log_tail_twice_f(f, dk, fma)));
  // The quadrant q = t >> 30 of t = w + 2^29 by its bits in place: q << 30 = t & 0xc0000000, q's bit
  // 0 (swap) is t's bit 30, q's bit 1 (the sine's sign) t's bit 31, (q + 1)'s bit 1 (the cosine's)
  // bit 31 of t + 2^30.
  const __m512i t = _mm512_add_epi32(wa, _mm512_set1_epi32(1 << 29));
  const __m512i sign = _mm512_set1_epi32(static_cast<int>(0x80000000u));
  // sincos_turn_f's x = 2d + 1 (d = w - (q << 30)) and its split x_lo = ((x + 64) & 127) - 64 from
  // s = d + 32: x - x_lo = 2 (s & ~63) and x_lo = 2 (s & 63) - 63 (exact integers).
  const __m512i s = _mm512_sub_epi32(_mm512_add_epi32(wa, _mm512_set1_epi32(32)),
                                     _mm512_and_si512(t, _mm512_set1_epi32(static_cast<int>(0xc0000000u))));
  const __m512 x_hi_half = _mm512_cvtepi32_ps(_mm512_and_si512(s, _mm512_set1_epi32(~63)));
  const __m512 x_lo = fma(_mm512_cvtepi32_ps(_mm512_and_si512(s, _mm512_set1_epi32(63))), 2.0f, -63.0f);
  __m512 sa, ca;
  detmath::sin_cos_poly_f(detmath::turn_angle_half_f(x_hi_half, x_lo, fma), fma, sa, ca);
  const __mmask16 swap = _mm512_test_epi32_mask(t, _mm512_set1_epi32(1 << 30));
  const __m512i t1 = _mm512_add_epi32(t, _mm512_set1_epi32(1 << 30));
  // a ^ (b & c): the value with the sign bit of t (or t1) flipped in.
  zs = _mm512_mul_ps(r, _mm512_castsi512_ps(_mm512_ternarylogic_epi32(
                            _mm512_castps_si512(_mm512_mask_blend_ps(swap, sa, ca)), t, sign, 0x78)));
  zc = _mm512_mul_ps(r, _mm512_castsi512_ps(_mm512_ternarylogic_epi32(
                            _mm512_castps_si512(_mm512_mask_blend_ps(swap, ca, sa)), t1, sign, 0x78)));
}

// exp_f's range reduction on 16 lanes: t (n in its low bits), n and the polynomial of r with the
// rest taken in after the reduction (WithRest false: none, as for a log-cost that is a float)
// (models/det_math.hpp's operations; -n c + y as one fnmadd).
struct Avx512ExpParts {
  __m512 t, n, p;
};
template <bool WithRest = true>
__attribute__((target("avx512f,fma"), flatten)) inline Avx512ExpParts expf16_parts(__m512 y, __m512 rest) {
  const Avx512FmaF fma;
  const __m512 t = fma(y, 1.44269504f, detmath::kExpShifterF);
  const __m512 n = _mm512_sub_ps(t, _mm512_set1_ps(detmath::kExpShifterF));
  __m512 c = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), y);  // y - n ln2_hi, exact
  if constexpr (WithRest) c = _mm512_add_ps(c, rest);
  const __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), c);
  return {t, n, detmath::exp_poly_f(r, fma)};
}
// exp_f(y, rest) on 16 lanes, bit for bit.
__attribute__((target("avx512f,fma"), flatten)) inline __m512 expf16_avx512(__m512 y, __m512 rest) {
  const Avx512ExpParts x = expf16_parts(y, rest);
  const __m512i nb =
      _mm512_sub_epi32(_mm512_castps_si512(x.t), _mm512_castps_si512(_mm512_set1_ps(detmath::kExpShifterF)));
  const __m512 half = _mm512_mul_ps(
      x.p, _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(nb, _mm512_set1_epi32(126)), 23)));
  __m512 e = _mm512_add_ps(half, half);
  e = _mm512_mask_mov_ps(e, _mm512_cmp_ps_mask(y, _mm512_set1_ps(detmath::kExpMinF), _CMP_LT_OQ),
                         _mm512_setzero_ps());
  return _mm512_mask_mov_ps(e, _mm512_cmp_ps_mask(y, _mm512_set1_ps(detmath::kExpMaxF), _CMP_GT_OQ),
                            _mm512_set1_ps(std::numeric_limits<float>::infinity()));
}
// The same for y inside [detmath::kExpInRangeMinF, kExpInRangeMaxF]: no range handling, and p 2^n
// as one vscalefps (exact there, as exp_f's two steps are): the same bits.
// WithRest false: no rest (the limit's exp, whose log-cost is a float).
template <bool WithRest = true>
__attribute__((target("avx512f,fma"), flatten)) inline __m512 expf16_in_range_avx512(__m512 y, __m512 rest) {
  const Avx512ExpParts x = expf16_parts<WithRest>(y, rest);
  return _mm512_scalef_ps(x.p, x.n);
}
template <bool InRange>
__attribute__((target("avx512f,fma"), always_inline)) inline __m512 expf16(__m512 y, __m512 rest) {
  if constexpr (InRange) return expf16_in_range_avx512(y, rest);
  return expf16_avx512(y, rest);
}

__attribute__((target("avx512f"))) inline void store_as_double_avx512(double* p, __m512 z) {
  _mm512_store_pd(p, _mm512_cvtps_pd(_mm512_castps512_ps256(z)));
  _mm512_store_pd(p + 8, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(z), 1))));
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
}  // namespace

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
      const __m512 c0 = _mm512_mask_mov_ps(
          expf16_in_range_avx512<false>(_mm512_fmadd_ps(sigma, zz0, mu), _mm512_setzero_ps()),
          _mm512_cmp_ps_mask(zs0, zero, _CMP_LT_OQ), _mm512_setzero_ps());
      const __m512 c1 = _mm512_mask_mov_ps(
          expf16_in_range_avx512<false>(_mm512_fmadd_ps(sigma, zz1, mu), _mm512_setzero_ps()),
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

namespace {

// The cost of one year for 16 beneficiaries with float latents zs, zz: LognormalCost's operations
// (the state by float compares, log_size and exp_f on 16 float lanes; min with the cap and the
// zero state in double), added to the year's LaneSum lanes (beneficiaries j..j+7, then j+8..j+15,
// each into lane i mod 8: the order of LaneSum::add_run); `keep` masks the lanes past the tile's end.
struct Avx512Cost {
  __m512 z_zero, z_high, mu_low, mu_low_rest, mu_high, mu_high_rest, sigma, sigma_rest;
  __m512d cap;
  __attribute__((target("avx512f"))) explicit Avx512Cost(const LognormalCost& k) {
    const LognormalCost::Single& f = k.single();
    z_zero = _mm512_set1_ps(f.z_zero);
    z_high = _mm512_set1_ps(f.z_high);
    mu_low = _mm512_set1_ps(f.mu_low);
    mu_low_rest = _mm512_set1_ps(f.mu_low_rest);
    mu_high = _mm512_set1_ps(f.mu_high);
    mu_high_rest = _mm512_set1_ps(f.mu_high_rest);
    sigma = _mm512_set1_ps(f.sigma);
    sigma_rest = _mm512_set1_ps(f.sigma_rest);
    cap = _mm512_set1_pd(k.cap());
  }
  template <bool InRange>
  __attribute__((target("avx512f,fma"), flatten)) void add(__m512 zs, __m512 zz, __mmask16 keep,
                                                           __m512d& acc) const {
    const __mmask16 high = _mm512_cmp_ps_mask(z_high, zs, _CMP_LT_OQ);
    // LognormalCost::log_size: head and rest.
    const __m512 head = _mm512_fmadd_ps(sigma, zz, _mm512_mask_blend_ps(high, mu_low, mu_high));
    const __m512 rest =
        _mm512_fmadd_ps(sigma_rest, zz, _mm512_mask_blend_ps(high, mu_low_rest, mu_high_rest));
    const __m512 e = expf16<InRange>(head, rest);
    const __mmask16 cost = _mm512_mask_cmp_ps_mask(keep, zs, z_zero, _CMP_NLT_UQ);  // not zero
    const __m512d lo = _mm512_min_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(e)), cap);
    const __m512d hi =
        _mm512_min_pd(_mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))), cap);
    acc = _mm512_mask_add_pd(acc, static_cast<__mmask8>(cost), acc, lo);
    acc = _mm512_mask_add_pd(acc, static_cast<__mmask8>(cost >> 8), acc, hi);
  }
};

// sampler.hpp's history_tiles with hand-written loops: the normals of a tile as floats (bmf16_avx512),
// then the AR(1) (Ar1's float operations) and costs of 16 beneficiaries at a time in registers -- the
// same operations as sample_history_reference, so the same bits (tests/test_bench.cpp).
template <bool InRange>
__attribute__((target("avx512f,fma"), flatten)) void history_tiles_avx512(const LognormalCost& k,
                                                                          const LognormalCost& kp,
                                                                          const PhiloxStream& stream, long n,
                                                                          double rho,
                                                                          std::array<double, 4>& sums) {
  // The base years' costs from k, the PY's from kp (its own cap: sim/engine/true_effect.hpp).
  const Avx512Cost cost(k), py_cost(kp);
  const Ar1 ar1(rho);
  const __m512 vrho = _mm512_set1_ps(ar1.rho), inn = _mm512_set1_ps(ar1.innovation);
  alignas(64) std::uint32_t wa[4][kSamplerTile], wb[4][kSamplerTile];
  alignas(64) float zf[8][kSamplerTile];
  __m512d acc[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd()};
  for (long i0 = 0; i0 < n; i0 += kSamplerTile) {
    const int m = static_cast<int>(std::min<long>(kSamplerTile, n - i0));
    Avx512Words{}(stream, static_cast<std::uint32_t>(2 * i0), 2, m, wa[0], wa[1], wa[2], wa[3]);
    Avx512Words{}(stream, static_cast<std::uint32_t>(2 * i0 + 1), 2, m, wb[0], wb[1], wb[2], wb[3]);
    // The normals as floats (BY1 latents, then the BY2, BY3 and PY innovations), then the costs.
    for (int j = 0; j < m; j += 16) {
      __m512 s, z;
      for (int p = 0; p < 2; ++p) {
        bmf16_avx512(_mm512_load_si512(wa[2 * p] + j), _mm512_load_si512(wa[2 * p + 1] + j), s, z);
        _mm512_store_ps(zf[2 * p] + j, s);
        _mm512_store_ps(zf[2 * p + 1] + j, z);
        bmf16_avx512(_mm512_load_si512(wb[2 * p] + j), _mm512_load_si512(wb[2 * p + 1] + j), s, z);
        _mm512_store_ps(zf[4 + 2 * p] + j, s);
        _mm512_store_ps(zf[5 + 2 * p] + j, z);
      }
    }
    for (int j = 0; j < m; j += 16) {
      const int left = m - j;  // lanes of this group inside the tile
      const __mmask16 keep = left >= 16 ? 0xffff : static_cast<__mmask16>((1u << left) - 1);
      __m512 zs = _mm512_load_ps(zf[0] + j), zz = _mm512_load_ps(zf[1] + j);
      cost.add<InRange>(zs, zz, keep, acc[0]);
      for (int y = 1; y < 4; ++y) {  // Ar1::step: innovation * fresh + rho * previous
        zs = _mm512_fmadd_ps(inn, _mm512_load_ps(zf[2 * y] + j), _mm512_mul_ps(vrho, zs));
        zz = _mm512_fmadd_ps(inn, _mm512_load_ps(zf[2 * y + 1] + j), _mm512_mul_ps(vrho, zz));
        (y == 3 ? py_cost : cost).add<InRange>(zs, zz, keep, acc[y]);
      }
    }
  }
  for (int y = 0; y < 4; ++y) {
    LaneSum total;
    _mm512_storeu_pd(total.lane.data(), acc[y]);
    sums[static_cast<std::size_t>(y)] += total.total();
  }
}

}  // namespace

ACOSIM_KERNEL_AVX512 void history_avx512(const LognormalCost& k, const PhiloxStream& stream, long n,
                                         double rho, std::array<double, 4>& sums, const LognormalCost& kp) {
  if (exp_in_fast_range(k, kHistoryLatentBound) && exp_in_fast_range(kp, kHistoryLatentBound))
    history_tiles_avx512<true>(k, kp, stream, n, rho, sums);
  else
    history_tiles_avx512<false>(k, kp, stream, n, rho, sums);
}

// The tiled loops of sampler.hpp that stay the compiler's (PY only) and the normals for the tests.
ACOSIM_DEFINE_KERNELS(avx512, ACOSIM_KERNEL_AVX512, Avx512Words, Avx512WordsDouble)

}  // namespace acosim::sampler_isa
#endif
