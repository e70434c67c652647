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
  const std::uint64_t carry =
      (mant + (0x0010000000000000ULL - (kLogHalveFrom & kMantissa))) & 0x0010000000000000ULL;
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
// exp's range reduction and polynomial, templates (like log_tail) so that vector kernels run the
// same operations: t = y / ln2 + 1.5 2^52 (n = t - 1.5 2^52, round to nearest), r = y - n ln2 exactly
// in two steps, and e^r - 1 = r + r^2 P(r), P a degree-9 near-minimax fit on |r| <= ln2 / 2 (fit
// error 0.15 ulp).
constexpr double kExpShifter = 0x1.8p52;  // adding it rounds to an integer (round to nearest)
template <class T, class Fma>
inline T exp_reduce(T y, Fma fma, T& r) {
  const T t = fma(y, 1.4426950408889634, kExpShifter);
  const T n = t - kExpShifter;  // n * kLn2Hi is exact for |n| < 2^21
  r = fma(-n, kLn2Lo, fma(-n, kLn2Hi, y));
  return t;
}
template <class T, class Fma>
inline T exp_poly(T r, Fma fma) {
  T q = fma(r, 2.5100375832561234e-08, 2.7620075879983367e-07);
  q = fma(q, r, 2.7557268480310024e-06);
  q = fma(q, r, 2.4801521322368692e-05);
  q = fma(q, r, 0.00019841269863040545);
  q = fma(q, r, 0.0013888888917196719);
  q = fma(q, r, 0.008333333333330065);
  q = fma(q, r, 0.041666666666624164);
  q = fma(q, r, 0.16666666666666669);
  q = fma(q, r, 0.5000000000000001);
  return fma(r * r, q, r);
}

inline double exp(double y) {
  constexpr double kMax = 709.782712893384, kMin = -708.0;
  constexpr double kShifter = kExpShifter;
  double r = 0;
  const double t = exp_reduce(y, ScalarFma{}, r);
  const double p = exp_poly(r, ScalarFma{});
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
  const double x = static_cast<double>(d) + 0.5;                    // (4u - q) 2^30, exact
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

// ---- Single precision (docs/performance.md, "Single precision") --------------------------------
// The same functions in IEEE-754 binary32 arithmetic, for kernels that carry eight (AVX2) or
// sixteen (AVX-512) lanes per register: correctly rounded operations, explicit fused
// multiply-adds, exact bit manipulation, no tables, so every vector width gives the same bits.
// These are the engine's arithmetic (sim/rng.hpp's box_muller, LognormalCost's exp); the double
// functions above remain for acosim bench's double limit and the tests that compare the two.
// Accuracy (tests/test_bench.cpp, against long double or double libm): -2 ln u within 2.4 float
// ulps of the exact uniform's (the rounding of u to 24 bits), exp within 1 ulp, sin and cos of
// 2 pi u within 1.5 ulp. The polynomials are Cephes' logf/sinf/cosf/expf (with e_logf.c's split of
// ln 2 and its sqrt(2) threshold), evaluated with fused multiply-adds.

inline float fmaddf(float a, float b, float c) { return __builtin_fmaf(a, b, c); }
struct ScalarFmaF {
  float operator()(float a, float b, float c) const { return fmaddf(a, b, c); }
};

constexpr float kLn2HiF = 6.9313812256e-01f;  // 0x3f317180: k * hi is exact for |k| < 2^7
constexpr float kLn2LoF = 9.0580006145e-06f;  // 0x3717f7d1
// The float mantissa (bits) at and above which log's argument is halved: ~sqrt(2) (e_logf.c).
constexpr std::uint32_t kLogHalveFromF = 0x3fb504e0u;

// ln((1 + f) 2^dk) = dk ln2_hi - tail for 1 + f in [~sqrt(1/2), ~sqrt(2)): returns 2 tail, what
// -2 ln u needs. No divide: log(1 + f) = f - f^2/2 + f^3 P(f) with Cephes logf's degree-8 P (a
// minimax fit on this range), in place of e_logf.c's 2 atanh(f / (2 + f)), whose divide shares the
// vector divider with the Box-Muller square root (docs/performance.md). The same accuracy: -2 ln u
// within 2.4 float ulps of the exact uniform's either way (20 million words; the rounding of u
// dominates). Every step is Cephes' tail = (f^2/2 - (f^3 P(f) + dk ln2_lo)) - f times 2 (P's
// coefficients doubled, f^2 for f^2/2, -2f by one multiply-add): the same roundings scaled by an
// exact 2, so bit for bit twice the tail, in two operations fewer than doubling it.
template <class T, class Fma>
inline T log_tail_twice_f(T f, T dk, Fma fma) {
  const T z = f * f;
  T p = fma(f, 2.0f * 7.0376836292e-2f, 2.0f * -1.1514610310e-1f);
  p = fma(p, f, 2.0f * 1.1676998740e-1f);
  p = fma(p, f, 2.0f * -1.2420140846e-1f);
  p = fma(p, f, 2.0f * 1.4249322787e-1f);
  p = fma(p, f, 2.0f * -1.6668057665e-1f);
  p = fma(p, f, 2.0f * 2.0000714765e-1f);
  p = fma(p, f, 2.0f * -2.4999993993e-1f);
  p = fma(p, f, 2.0f * 3.3333331174e-1f);
  return fma(f, -2.0f, z - fma(f * z, p, dk * (2.0f * kLn2LoF)));
}

// The float next to x on the given side: up(x) >= x >= down(x), x itself when it is a float. For
// a float z: z < x <=> z < float_up(x), and x < z <=> float_down(x) < z.
inline float float_up(double x) {
  const float f = static_cast<float>(x);
  return static_cast<double>(f) < x ? std::nextafter(f, std::numeric_limits<float>::infinity()) : f;
}
inline float float_down(double x) {
  const float f = static_cast<float>(x);
  return static_cast<double>(f) > x ? std::nextafter(f, -std::numeric_limits<float>::infinity()) : f;
}
// x as a float and the float of the rest x - float(x) (0 for a non-finite x).
struct FloatSplit {
  float head, rest;
};
inline FloatSplit float_split(double x) {
  const float f = static_cast<float>(x);
  return {f, std::isfinite(x) ? static_cast<float>(x - static_cast<double>(f)) : 0.0f};
}

// w + 0.5 for a 32-bit word in float (exact for w < 2^23, within one float ulp above):
// 2 float(w >> 1) + ((w & 1) + 0.5) with one fused multiply-add (float(w >> 1) is the correctly
// rounded signed conversion, which every vector instruction set has).
inline float word_plus_half_f(std::uint32_t w) {
  return fmaddf(static_cast<float>(static_cast<std::int32_t>(w >> 1)), 2.0f,
                static_cast<float>(static_cast<std::int32_t>(w & 1u)) + 0.5f);
}

// -2 ln u for u = (w + 0.5) 2^-32 in float (the Box-Muller radius squared): the split of
// word_plus_half_f(w) into m 2^k by bits, then log_tail_twice_f, with the 2^-32 and the -2 folded into
// the exponent (exact). For u in [~sqrt(1/2), 1] (dk = 0) f = u - 1 is taken as -(~w + 0.5) 2^-32,
// which is 1 - u from the complementary word (exact below 2^23, rounded once or twice above),
// instead of m - 1 from the rounded u: near u = 1 the rounding of u (up to 2^-25) would be a large
// error in 1 - u, and so in the radius of a small normal.
inline float minus_two_log_uniform_f(std::uint32_t w) {
  const std::uint32_t ix = std::bit_cast<std::uint32_t>(word_plus_half_f(w));
  const std::uint32_t mant = ix & 0x007fffffu;
  const std::uint32_t carry = (mant + (0x00800000u - (kLogHalveFromF & 0x007fffffu))) & 0x00800000u;
  const float m = std::bit_cast<float>(mant | (carry ^ 0x3f800000u));
  const float dk = static_cast<float>(static_cast<std::int32_t>((ix >> 23) + (carry >> 23)) - (127 + 32));
  const float f = dk == 0.0f ? word_plus_half_f(~w) * -0x1p-32f : m - 1.0f;
  return fmaddf(dk, -2.0f * kLn2HiF, log_tail_twice_f(f, dk, ScalarFmaF{}));
}

// The reduced angle of sincos_turn in float: a = (2d + 1) pi/2 2^-31 for d = w - (q << 30), from
// the exact split of 2d + 1 into a multiple of 128 (<= 24 bits) and a remainder in [-64, 64) (a
// signed remainder: no cancellation between the two products).
constexpr float kHalfPiHiF = 1.57079637050628662109375f * 0x1p-31f;  // float(pi/2) 2^-31
constexpr float kHalfPiLoF = -4.37113900018624283e-08f * 0x1p-31f;   // (pi/2 - float(pi/2)) 2^-31
template <class T, class Fma>
inline T turn_angle_f(T x_hi, T x_lo, Fma fma) {
  return fma(x_hi, kHalfPiHiF, fma(x_hi, kHalfPiLoF, x_lo * kHalfPiHiF));
}
// The same from half the multiple of 128, x_hi / 2 (the vector kernels get it one operation
// sooner): the constants doubled, so every product and rounding is turn_angle_f's, bit for bit.
template <class T, class Fma>
inline T turn_angle_half_f(T x_hi_half, T x_lo, Fma fma) {
  return fma(x_hi_half, 2.0f * kHalfPiHiF, fma(x_hi_half, 2.0f * kHalfPiLoF, x_lo * kHalfPiHiF));
}

// sin a and cos a for |a| <= pi/4 (Cephes sinf/cosf polynomials).
template <class T, class Fma>
inline void sin_cos_poly_f(T a, Fma fma, T& sa, T& ca) {
  const T z = a * a;
  T ps = fma(z, -1.9515295891e-4f, 8.3321608736e-3f);
  ps = fma(ps, z, -1.6666654611e-1f);
  sa = fma(a * z, ps, a);
  T pc = fma(z, 2.443315711809948e-5f, -1.388731625493765e-3f);
  pc = fma(pc, z, 4.166664568298827e-2f);
  ca = fma(z * z, pc, fma(z, -0.5f, 1.0f));
}

// sin and cos of 2 pi u, u = (w + 0.5) / 2^32, in float: the quadrant in integers as sincos_turn.
inline void sincos_turn_f(std::uint32_t w, float& sine, float& cosine) {
  const std::uint32_t q = (w + (1u << 29)) >> 30;
  const std::int32_t x = 2 * static_cast<std::int32_t>(w - (q << 30)) + 1;  // odd, |x| <= 2^30 + 1
  const std::int32_t x_lo = ((x + 64) & 127) - 64;
  float sa = 0, ca = 0;
  sin_cos_poly_f(turn_angle_f(static_cast<float>(x - x_lo), static_cast<float>(x_lo), ScalarFmaF{}),
                 ScalarFmaF{}, sa, ca);
  const bool swap = (q & 1u) != 0;
  const float s = swap ? ca : sa;
  const float c = swap ? sa : ca;
  sine = (q & 2u) != 0 ? -s : s;
  cosine = ((q + 1u) & 2u) != 0 ? -c : c;
}

// A Box-Muller pair in float from two words: r cos 2 pi u2, r sin 2 pi u2, r = sqrt(-2 ln u1).
inline void box_muller_f(std::uint32_t w1, std::uint32_t w2, float& z1, float& z2) {
  const float r = std::sqrt(minus_two_log_uniform_f(w1));
  float s = 0, c = 0;
  sincos_turn_f(w2, s, c);
  z1 = r * c;
  z2 = r * s;
}

// e^r for |r| <= ln2 / 2 (Cephes expf's polynomial): 1 + r + r^2 P(r).
template <class T, class Fma>
inline T exp_poly_f(T r, Fma fma) {
  T p = fma(r, 1.9875691500e-4f, 1.3981999507e-3f);
  p = fma(p, r, 8.3334519073e-3f);
  p = fma(p, r, 4.1665795894e-2f);
  p = fma(p, r, 1.6666665459e-1f);
  p = fma(p, r, 5.0000001201e-1f);
  return fma(r * r, p, r) + 1.0f;
}
constexpr float kExpShifterF = 0x1.8p23f;  // adding it rounds to an integer (round to nearest)
constexpr float kExpMaxF = 88.72283f, kExpMinF = -86.5f;
// On [kExpInRangeMinF, kExpInRangeMaxF] exp_f is p 2^n with 2^n a normal float (n in [-125, 126])
// and no range handling applies: the vector kernels' in-range exp scales by 2^n directly, the same bits.
constexpr float kExpInRangeMinF = -86.5f, kExpInRangeMaxF = 87.0f;

// e^(y + y_rest) in float, y_rest a small addition (a few ulps of y at most: the float rounding
// rests of a log-cost, LognormalCost) taken in after the range reduction, at the reduced argument's
// scale where it is not rounded away (y - n ln2_hi is exact). Returns +inf above 88.72, 0 below -86.5 (no
// subnormal results; both decided on y), NaN for NaN. exp_f(y) = exp_f(y, 0).
inline float exp_f(float y, float y_rest) {
  const float t = fmaddf(y, 1.44269504f, kExpShifterF);
  const float n = t - kExpShifterF;
  const float r = fmaddf(-n, -2.12194440e-4f, fmaddf(-n, 0.693359375f, y) + y_rest);
  const float p = exp_poly_f(r, ScalarFmaF{});
  // 2^(n-1) from the integer in t's low bits, then x 2 (exact for n in [-125, 128]).
  const std::uint32_t nb = std::bit_cast<std::uint32_t>(t) - std::bit_cast<std::uint32_t>(kExpShifterF);
  const float half = p * std::bit_cast<float>((nb + 126u) << 23);
  const float e = half + half;
  return y > kExpMaxF ? std::numeric_limits<float>::infinity() : (y < kExpMinF ? 0.0f : e);
}
inline float exp_f(float y) { return exp_f(y, 0.0f); }

}  // namespace acosim::detmath
