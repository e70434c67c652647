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
// reports once inlined (a known false positive); the kernels below inline them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// Philox4x32-10 with intrinsics, 8 blocks at a time: the same words as
// PhiloxStream::words (tests/test_bench.cpp), about 3x faster than what GCC 12 makes of the portable
// loop (it widens the 32 x 32 -> 64-bit products into emulated 64 x 64-bit multiplies).
// AVX-512 keeps each 32-bit word in the low half of a 64-bit lane: one vpmuludq gives the whole
// product (low half = the next x1/x3, high half shifted down = the next x0/x2 after the xors), and
// the garbage the upper halves collect is never read (vpmuludq reads the low halves only); a
// vpmovqd packs the words at the end. Six instructions per round for eight blocks.
struct Avx512Words {
  // Box-Muller of 8 pairs: box_muller(wr[k], wa[k], zc[k], zs[k]), bit for bit.
  static void box_muller8(const std::uint32_t* wr, const std::uint32_t* wa, double* zc, double* zs);

  __attribute__((target("avx512f"))) void operator()(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride,
                                                      int count, std::uint32_t* w0, std::uint32_t* w1, std::uint32_t* w2,
                                                      std::uint32_t* w3) const {
    const auto key = s.key();
    const auto tail = s.counter_tail();
    const __m512i m0 = _mm512_set1_epi64(0xD2511F53), m1 = _mm512_set1_epi64(0xCD9E8D57);
    __m512i ka[10], kb[10];  // the round keys
    for (std::uint32_t round = 0, a = key[0], b = key[1]; round < 10; ++round, a += 0x9E3779B9u, b += 0xBB67AE85u) {
      ka[round] = _mm512_set1_epi64(a);
      kb[round] = _mm512_set1_epi64(b);
    }
    const __m512i lanes = _mm512_setr_epi64(0, stride, 2 * stride, 3 * stride, 4 * stride, 5 * stride, 6 * stride, 7 * stride);
    const int padded = (count + 15) & ~15;  // normals() reads this far
    for (int i = 0; i < padded; i += 8) {
      __m512i x0 = _mm512_add_epi64(_mm512_set1_epi64(first + static_cast<std::uint32_t>(i) * stride), lanes);
      __m512i x1 = _mm512_set1_epi64(tail[0]);
      __m512i x2 = _mm512_set1_epi64(tail[1]);
      __m512i x3 = _mm512_set1_epi64(tail[2]);
      for (int round = 0; round < 10; ++round) {
        const __m512i p0 = _mm512_mul_epu32(x0, m0), p1 = _mm512_mul_epu32(x2, m1);
        x0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), x1, ka[round], 0x96);  // a ^ b ^ c
        x1 = p1;
        x2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), x3, kb[round], 0x96);
        x3 = p0;
      }
      _mm256_store_si256(reinterpret_cast<__m256i*>(w0 + i), _mm512_cvtepi64_epi32(x0));
      _mm256_store_si256(reinterpret_cast<__m256i*>(w1 + i), _mm512_cvtepi64_epi32(x1));
      _mm256_store_si256(reinterpret_cast<__m256i*>(w2 + i), _mm512_cvtepi64_epi32(x2));
      _mm256_store_si256(reinterpret_cast<__m256i*>(w3 + i), _mm512_cvtepi64_epi32(x3));
    }
  }
  __attribute__((target("avx512f,fma"))) void normals(int count, const std::uint32_t* w0, const std::uint32_t* w1,
                                                     const std::uint32_t* w2, const std::uint32_t* w3, double* z0,
                                                     double* z1, double* z2, double* z3) const {
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
__attribute__((target("avx512f,fma"), flatten)) void Avx512Words::box_muller8(const std::uint32_t* wr,
                                                                           const std::uint32_t* wa, double* zc,
                                                                           double* zs) {
  const Avx512Fma fma;
  // Radius: -2 ln u = -2 ln((w + 0.5) 2^-32) (detmath::minus_two_log_uniform).
  const __m512d v = _mm512_add_pd(_mm512_cvtepu32_pd(_mm256_load_si256(reinterpret_cast<const __m256i*>(wr))),
                                  _mm512_set1_pd(0.5));  // w + 0.5, exact
  const __m512d m1 = _mm512_getmant_pd(v, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);  // in [1, 2)
  const __m512d e = _mm512_sub_pd(_mm512_getexp_pd(v), _mm512_set1_pd(32.0));     // exponent of u
  const __mmask8 halve = _mm512_cmp_pd_mask(m1, _mm512_set1_pd(std::bit_cast<double>(detmath::kLogHalveFrom)), _CMP_GE_OQ);
  const __m512d m = _mm512_mask_mul_pd(m1, halve, m1, _mm512_set1_pd(0.5));
  const __m512d dk = _mm512_mask_add_pd(e, halve, e, _mm512_set1_pd(1.0));
  const __m512d tail = detmath::log_tail(m, dk, fma);
  const __m512d r = _mm512_sqrt_pd(fma(dk, -2.0 * detmath::kLn2Hi, _mm512_add_pd(tail, tail)));
  // Angle: detmath::sincos_turn.
  const __m256i w = _mm256_load_si256(reinterpret_cast<const __m256i*>(wa));
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
  _mm512_store_pd(zc, _mm512_mul_pd(r, cosine));
  _mm512_store_pd(zs, _mm512_mul_pd(r, sine));
}

// AVX2: words in 32-bit lanes; the products of the even lanes come from one vpmuludq, those of the
// odd lanes from another after a 32-bit shift, and blends assemble the high and low halves.
struct Avx2Words : sampler_detail::PortableWords {
  __attribute__((target("avx2"))) void operator()(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride,
                                                   int count, std::uint32_t* w0, std::uint32_t* w1, std::uint32_t* w2,
                                                   std::uint32_t* w3) const {
    const auto key = s.key();
    const auto tail = s.counter_tail();
    const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u)), m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
    const __m256i lanes = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(static_cast<int>(stride)));
    for (int i = 0; i < count; i += 8) {
      __m256i x0 = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(first + static_cast<std::uint32_t>(i) * stride)), lanes);
      __m256i x1 = _mm256_set1_epi32(static_cast<int>(tail[0]));
      __m256i x2 = _mm256_set1_epi32(static_cast<int>(tail[1]));
      __m256i x3 = _mm256_set1_epi32(static_cast<int>(tail[2]));
      std::uint32_t ka = key[0], kb = key[1];
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
      _mm256_store_si256(reinterpret_cast<__m256i*>(w0 + i), x0);
      _mm256_store_si256(reinterpret_cast<__m256i*>(w1 + i), x1);
      _mm256_store_si256(reinterpret_cast<__m256i*>(w2 + i), x2);
      _mm256_store_si256(reinterpret_cast<__m256i*>(w3 + i), x3);
    }
  }
};
#endif

template <class Words>
double limit_tiles(std::uint64_t seed, std::uint64_t run, long n) {
  const PhiloxStream stream(seed, run, Purpose::Beneficiary, 0);
  constexpr double mu = 8.5, sigma = 0.9;  // the national model's scale (values do not matter)
  alignas(64) double z0[kSamplerTile], z1[kSamplerTile], z2[kSamplerTile], z3[kSamplerTile];
  double sum = 0;
  const long blocks = (n + 1) / 2;  // two beneficiary-years per block
  for (long b0 = 0; b0 < blocks; b0 += kSamplerTile) {
    const int m = static_cast<int>(std::min<long>(kSamplerTile, blocks - b0));
    sampler_detail::tile_normals(Words{}, stream, static_cast<std::uint32_t>(b0), 1, m, z0, z1, z2, z3);
#pragma omp simd reduction(+ : sum)
    for (int j = 0; j < m; ++j) {
      sum += detmath::exp(mu + sigma * z1[j]) + detmath::exp(mu + sigma * z3[j]) + (z0[j] + z2[j]);
    }
  }
  return sum;
}

#define ACOSIM_DEFINE_KERNELS(SUFFIX, ATTR, WORDS)                                                           \
  ATTR double py_only_##SUFFIX(const LognormalCost& cost, const PhiloxStream& stream, long n) {           \
    const LognormalCost k = cost; /* a local copy: no store in the loop can change it */                 \
    return sampler_detail::py_only_tiles<true>(k, stream, n, WORDS{});                                   \
  }                                                                                                      \
  ATTR void history_##SUFFIX(const LognormalCost& cost, const PhiloxStream& stream, long n, double rho,  \
                             std::array<double, 4>& sums) {                                              \
    const LognormalCost k = cost;                                                                        \
    std::array<double, 4> s = sums;                                                                      \
    sampler_detail::history_tiles<true>(k, stream, n, rho, s, WORDS{});                                  \
    sums = s;                                                                                            \
  }                                                                                                      \
  ATTR double limit_##SUFFIX(std::uint64_t seed, std::uint64_t run, long n) { return limit_tiles<WORDS>(seed, run, n); } \
  ATTR void normals_##SUFFIX(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride, int count,      \
                             double* z0, double* z1, double* z2, double* z3) {                                  \
    sampler_detail::tile_normals(WORDS{}, s, first, stride, count, z0, z1, z2, z3);                              \
  }

ACOSIM_DEFINE_KERNELS(sse2, ACOSIM_KERNEL_SSE2, sampler_detail::PortableWords)
#if ACOSIM_HAVE_SIMD_LEVELS
ACOSIM_DEFINE_KERNELS(avx2, ACOSIM_KERNEL_AVX2, Avx2Words)
ACOSIM_DEFINE_KERNELS(avx512, ACOSIM_KERNEL_AVX512, Avx512Words)
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
    case SimdLevel::Avx512: return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("fma") != 0;
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

void sum_history(const LognormalCost& cost, const PhiloxStream& stream, long n, double rho, std::array<double, 4>& sums,
                 SimdLevel level) {
  switch (usable(level)) {
#if ACOSIM_HAVE_SIMD_LEVELS
    case SimdLevel::Avx512: return history_avx512(cost, stream, n, rho, sums);
    case SimdLevel::Avx2: return history_avx2(cost, stream, n, rho, sums);
#endif
    default: return history_sse2(cost, stream, n, rho, sums);
  }
}

void kernel_normals(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride, int count, double* z0, double* z1,
                    double* z2, double* z3, SimdLevel level) {
  switch (usable(level)) {
#if ACOSIM_HAVE_SIMD_LEVELS
    case SimdLevel::Avx512: return normals_avx512(s, first, stride, count, z0, z1, z2, z3);
    case SimdLevel::Avx2: return normals_avx2(s, first, stride, count, z0, z1, z2, z3);
#endif
    default: return normals_sse2(s, first, stride, count, z0, z1, z2, z3);
  }
}

double transform_limit(std::uint64_t seed, std::uint64_t run, long n, SimdLevel level) {
  switch (usable(level)) {
#if ACOSIM_HAVE_SIMD_LEVELS
    case SimdLevel::Avx512: return limit_avx512(seed, run, n);
    case SimdLevel::Avx2: return limit_avx2(seed, run, n);
#endif
    default: return limit_sse2(seed, run, n);
  }
}

}  // namespace acosim
