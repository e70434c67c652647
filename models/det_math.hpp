// Deterministic elementary functions for the sampler's hot path: log, exp and the sine/cosine of
// a full turn fraction, written in plain IEEE-754 double arithmetic (adds, multiplies, fused
// multiply-adds, one divide, exact bit manipulation; no libm calls, no table look-ups).
//
// Why not std::log/std::exp/std::sin: (1) a loop of these functions vectorizes (SSE2, AVX2,
// AVX-512) under `#pragma omp simd`, where libm calls would not; (2) every operation is a
// correctly rounded IEEE operation, so a value does not depend on the vector width, the ISA the
// compiler picked, or the libm version — the scalar and the vectorized sampler give the same bits.
// Fused multiply-adds are written out (fmadd below) and are correctly rounded too: one instruction
// where the function is compiled for FMA (the sampler's AVX2 and AVX-512 kernels), the C library's
// fma() elsewhere (hardware through glibc's ifunc on FMA CPUs, exact software otherwise) -- the
// same bits either way. The compiler must not contract anything else: the project builds with
// -ffp-contract=off (models/CMakeLists.txt) and never with -ffast-math.
//
// Accuracy (tests/test_bench.cpp checks it against libm): log and exp within 1 ulp, sin/cos of
// 2 pi u within 2 ulp (the argument reduction is exact because u is a dyadic fraction; one of the
// two is a square root of 1 - the other squared, which costs up to an ulp). The
// polynomials are near-minimax fits (Chebyshev interpolation in 60-digit arithmetic) whose own
// error is at most 0.17 ulp on the reduced range; the rest is the rounding of the evaluation.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace acosim::detmath {

// a * b + c with one rounding (IEEE-754 fusedMultiplyAdd).
inline double fmadd(double a, double b, double c) { return __builtin_fma(a, b, c); }

// Uniform on (0, 1) from a 32-bit word: (w + 0.5) / 2^32, exact. Written with a signed
// conversion so that vector code uses the packed int32 -> double instruction.
inline double uniform(std::uint32_t w) {
  return (static_cast<double>(static_cast<std::int32_t>(w ^ 0x80000000u)) + 2147483648.5) * 0x1p-32;
}

constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3fe62e42fee00000: k * hi is exact
constexpr double kLn2Lo = 1.90821492927058770002e-10;

// The polynomial parts below are templates over the number type T and the fused multiply-add
// `fma`, so that the sampler's AVX-512 Box-Muller (sim/engine/sampler.cpp) runs the very same operations
// on eight lanes at once (T = __m512d) -- one definition of each polynomial, the same bits.
struct ScalarFma {
  double operator()(double a, double b, double c) const { return fmadd(a, b, c); }
};

// ln(m 2^dk) = dk ln2_hi - tail, for m in [~sqrt(1/2), ~sqrt(2)) and an integral dk: returns tail.
template <class T, class Fma>
inline T log_tail(T m, T dk, Fma fma) {
  const T f = m - 1.0;
  const T hfsq = 0.5 * f * f;
  const T s = f / (2.0 + f);  // log(1 + f) = 2 atanh(s), |s| <= 0.172
  const T z = s * s;
  // R = z Q(z), Q a degree-6 near-minimax fit of (2 atanh(s) - 2 s) / (s z) on z in [0, 0.0295]
  // (Chebyshev interpolation; fit error 0.05 ulp).
  T q = fma(z, 0.14619343453512615, 0.15331487235865734);
  q = fma(q, z, 0.18182896183483085);
  q = fma(q, z, 0.2222221103781659);
  q = fma(q, z, 0.28571428626570206);
  q = fma(q, z, 0.3999999999989819);
  q = fma(q, z, 0.666666666666667);
  return (hfsq - fma(s, fma(z, q, hfsq), dk * kLn2Lo)) - f;
}

// The exponent/mantissa split of log_tail: the mantissa above ~sqrt(2) (the bits of this double and
// up) is halved and the exponent raised by one.
constexpr std::uint64_t kLogHalveFrom = 0x3ff6a09c00000000ULL;  // 1.41421... in [1, 2)

// ln(x 2^-shift) = dk ln2_hi - tail for a positive, normal, finite x (the parts, so that callers
// can finish it scaled, exactly: see minus_two_log_uniform).
struct LogParts {
  double dk, tail;
};
inline LogParts log_parts(double x, double shift) {
  constexpr std::uint64_t kMantissa = 0x000fffffffffffffULL;
  const std::uint64_t ix = std::bit_cast<std::uint64_t>(x);
  const std::uint64_t mant = ix & kMantissa;
  // Normalize to m in [~sqrt(1/2), ~sqrt(2)): the carry of this add lands in bit 52 exactly when
  // the mantissa is at least kLogHalveFrom's (fdlibm's e_log.c trick); then m / 2 and k + 1.
  const std::uint64_t carry = (mant + (0x0010000000000000ULL - (kLogHalveFrom & kMantissa))) & 0x0010000000000000ULL;
  const double m = std::bit_cast<double>(mant | (carry ^ 0x3ff0000000000000ULL));
  // k + 1023 as an exact double without an int64 -> double conversion (none before AVX-512).
  const std::uint64_t kb = (ix >> 52) + (carry >> 52);
  const double dk = (std::bit_cast<double>(0x4330000000000000ULL | kb) - 0x1p52) - (1023.0 + shift);
  return {dk, log_tail(m, dk, ScalarFma{})};
}

// ln(x) for a positive, normal, finite x.
inline double log_positive(double x) {
  const LogParts p = log_parts(x, 0.0);
  return fmadd(p.dk, kLn2Hi, -p.tail);
}

// -2 ln u for the uniform u = uniform(w): the Box-Muller radius squared. Bit for bit
// -2.0 * log_positive(uniform(w)) (u = (w + 0.5) 2^-32 has w + 0.5's mantissa, and scaling by -2
// is exact), with the scalings folded into the exponent and an add.
inline double minus_two_log_uniform(std::uint32_t w) {
  const double v = static_cast<double>(static_cast<std::int32_t>(w ^ 0x80000000u)) + 2147483648.5;  // w + 0.5
  const LogParts p = log_parts(v, 32.0);
  return fmadd(p.dk, -2.0 * kLn2Hi, p.tail + p.tail);
}

// e^y. Exact range reduction y = n ln2 + r, |r| <= ln2 / 2, then a degree-13 polynomial.
// Returns +inf above 709.78, 0 below -708 (no subnormal results), NaN for NaN.
inline double exp(double y) {
  constexpr double kMax = 709.782712893384, kMin = -708.0;
  constexpr double kShifter = 0x1.8p52;  // adding it rounds to an integer (round to nearest)
  const double t = fmadd(y, 1.4426950408889634, kShifter);
  const double n = t - kShifter;  // n * kLn2Hi is exact for |n| < 2^21
  const double r = fmadd(-n, kLn2Lo, fmadd(-n, kLn2Hi, y));
  // e^r = 1 + r + r^2 P(r), P a degree-9 near-minimax fit on |r| <= ln2 / 2 (fit error 0.15 ulp).
  double q = 2.5100375832561234e-08;
  q = fmadd(q, r, 2.7620075879983367e-07);
  q = fmadd(q, r, 2.7557268480310024e-06);
  q = fmadd(q, r, 2.4801521322368692e-05);
  q = fmadd(q, r, 0.00019841269863040545);
  q = fmadd(q, r, 0.0013888888917196719);
  q = fmadd(q, r, 0.008333333333330065);
  q = fmadd(q, r, 0.041666666666624164);
  q = fmadd(q, r, 0.16666666666666669);
  q = fmadd(q, r, 0.5000000000000001);
  const double p = fmadd(r * r, q, r);
  // 2^(n-1) from the integer in t's low bits, then x 2: both steps exact for n in [-1021, 1024].
  const std::uint64_t nb = std::bit_cast<std::uint64_t>(t) - std::bit_cast<std::uint64_t>(kShifter);
  const double scale = std::bit_cast<double>((nb + 1022) << 52);
  const double half = fmadd(p, scale, scale);
  const double e = half + half;
  // Outside [kMin, kMax] e is garbage: replace it by selects, not branches (a branch here would
  // keep GCC from vectorizing; these become vector compares and blends). A NaN y fails both
  // compares and keeps e, which is NaN.
  return y > kMax ? std::numeric_limits<double>::infinity() : (y < kMin ? 0.0 : e);
}

// sin a and cos^2 a for a = x pi/2 2^-30, |x| <= 2^29 + 1/2 an exact half-integer (|a| <= pi/4).
// The cosine is taken as sqrt(1 - sin^2 a) -- cos a >= 0.7 here, so this loses at most about one
// ulp against a polynomial of its own, and saves six multiply-adds and five other operations.
template <class T, class Fma>
inline void sin_cos2_poly(T x, Fma fma, T& sa, T& ca2) {
  // a as a_hi + a_lo: x has at most 31 significant bits and pi/2's high part 21, so a_hi is exact
  // (the 2^-30 is in the constants).
  const T a_hi = x * (1.570796012878418 * 0x1p-30);  // 0x1.921fbp+0 2^-30
  const T a_lo = x * (3.139164786504813e-07 * 0x1p-30);
  const T a = a_hi + a_lo;
  const T z = a * a;
  // sin a = a + a^3 S(a^2): a degree-5 near-minimax fit on a^2 in [0, (pi/4)^2] (fit error 0.17 ulp).
  T ps = fma(z, 1.5918129294866608e-10, -2.5051131845003624e-08);
  ps = fma(ps, z, 2.755731610255244e-06);
  ps = fma(ps, z, -0.00019841269836758574);
  ps = fma(ps, z, 0.008333333333330948);
  ps = fma(ps, z, -0.16666666666666666);
  sa = a_hi + fma(a * z, ps, a_lo);
  ca2 = fma(-sa, sa, 1.0);
}

// sin and cos of 2 pi u with u = (w + 0.5) / 2^32: the angle of a Box-Muller pair. The quadrant
// q = round(4u) and the remainder x = 4u - q in [-1/2, 1/2] are computed exactly in integers.
inline void sincos_turn(std::uint32_t w, double& sine, double& cosine) {
  // q = round(4u) mod 4 (the add wraps for w >= 7 2^29, which is q = 4 = 0 mod 4, as it should).
  const std::uint32_t q = (w + (1u << 29)) >> 30;
  const std::int32_t d = static_cast<std::int32_t>(w - (q << 30));  // in [-2^29, 2^29)
  const double x = static_cast<double>(d) + 0.5;  // (4u - q) 2^30, exact
  double sa = 0, ca2 = 0;  // of the angle a = (4u - q) pi/2 in [-pi/4, pi/4]
  sin_cos2_poly(x, ScalarFma{}, sa, ca2);
  const double ca = std::sqrt(ca2);
  // 2 pi u = q pi/2 + a: odd q swaps sine and cosine; signs by quadrant.
  const bool swap = (q & 1u) != 0;
  const double s = swap ? ca : sa;
  const double c = swap ? sa : ca;
  sine = (q & 2u) != 0 ? -s : s;
  cosine = ((q + 1u) & 2u) != 0 ? -c : c;
}

}  // namespace acosim::detmath
