#include "sim/engine/sampler.hpp"

#include <bit>
#include <cstdlib>
#include <cstring>

#include "sim/engine/sampler_isa.hpp"

namespace acosim {

namespace sampler_isa {

namespace {

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

}  // namespace

ACOSIM_DEFINE_KERNELS(sse2, ACOSIM_KERNEL_SSE2, sampler_detail::PortableWords, PortableWordsDouble)
ACOSIM_DEFINE_HISTORY(sse2, ACOSIM_KERNEL_SSE2, sampler_detail::PortableWords)
ACOSIM_KERNEL_SSE2 double limit_double_sse2(const PhiloxStream& s, long blocks) {
  return limit_tiles_double(s, blocks);
}
ACOSIM_KERNEL_SSE2 double limit_float_sse2(const PhiloxStream& s, long blocks) {
  return limit_tiles_float(s, blocks);
}

}  // namespace sampler_isa

using namespace sampler_isa;

namespace {

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
