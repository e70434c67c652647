// Counter-based random streams (Random123 Philox4x32-10). A draw is a pure function of
// (seed, run, purpose, block): results do not depend on thread count, rank count or the order in
// which runs execute, and any run can be replayed alone (design.md, reproducibility contract).
//
// Layout: key = (seed low 32 bits, seed high 32 bits);
//         counter = (block, purpose << 16 | sub, run low 32 bits, run high 32 bits).
// One Philox call yields four 32-bit words -> four uniforms on (0, 1) -> two Box-Muller pairs.
//
// Speed (docs/performance.md): the batched forms (PhiloxStream::words_batch, normals4_batch) compute
// many blocks at once in loops the compiler vectorizes; the Box-Muller transform uses the
// deterministic functions of models/det_math.hpp, so the batched and the one-block forms give the
// same bits whatever the vector width.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>

#include "models/det_math.hpp"

namespace acosim {

// Why a stream is drawn. Append-only: a new purpose never shifts existing draws.
enum class Purpose : std::uint32_t {
  RunLevel = 1,     // true effect, benchmark factor, quality score (correlated normals)
  QualityAlt = 2,   // whether the alternative quality standard is met
  Beneficiary = 3,  // beneficiary-year latents; sub = enrollment type
  // Agreement periods (sim/engine/agreement.hpp), path year y >= 1 (0-based; year 0 draws as above):
  Turnover = 4,        // whether a slot's beneficiary leaves; sub = 4y + type, block = slot / 4
  NewBeneficiary = 5,  // a replacement's fresh latents; sub = 4y + type, block = slot / 2
  AgreementYear = 6,   // run-level draws of year y (growth, spending gap, risk score, quality); sub = y
  PanelYear = 7,       // a staying beneficiary's AR(1) innovations; sub = 4y + type, block = slot / 2
  // Benchmark mode cms (sim/engine/benchmark_draw.hpp):
  BenchmarkTrend = 8,  // block k = annual step BY3+1+k: normals 0 national step, 1 regional deviation
  BenchmarkRisk = 9,   // block 0: normals 0 coding intensity (common to all types), 1 market share
};

inline constexpr const char* kRngLayout =
    "Random123 Philox4x32-10; key = (seed & 0xffffffff, seed >> 32); "
    "counter = (block, purpose << 16 | sub, run & 0xffffffff, run >> 32); "
    "purposes: 1 run-level normals, 2 alternative-QPS uniform, 3 beneficiary latents (sub = "
    "enrollment type 0 ESRD, 1 disabled, 2 aged/dual, 3 aged/non-dual; block = beneficiary "
    "index for single-year runs / 2, or beneficiary index x 2 + k for histories); uniforms "
    "u = (word + 0.5) / 2^32; normals by Box-Muller from words (w0, w1) and (w2, w3): "
    "r = sqrt(-2 ln u0), (r cos 2 pi u1, r sin 2 pi u1), in IEEE single precision with "
    "models/det_math.hpp's minus_two_log_uniform_f (division-free log polynomial) and sincos_turn_f "
    "(explicit fused multiply-adds), "
    "the latents floats, the AR(1) across years in float (fmaf(float(sqrt(1 - rho^2)), fresh, "
    "float(rho) previous)); lognormal costs: the state by float compares with the thresholds rounded "
    "outward, the log-cost fmaf(float(sigma), z, float(mu)) with the float rests of sigma and mu "
    "added after exp_f's range reduction, min(cap, exp_f) and the zero state in double; a type's "
    "beneficiary-year costs summed in double in 8 lanes (beneficiary i into lane i mod 8) added pairwise; "
    "agreements, path year y >= 1: 4 turnover (sub = 4y + type, block = slot / 4, word slot % 4), "
    "5 replacement latents and 7 stayer AR(1) innovations (sub = 4y + type, block = slot / 2, "
    "normals 2 (slot % 2), +1), 6 run-level year draws (sub = y; block 0 normals: growth, spending "
    "gap, risk score, quality; block 1 word 0: alternative-QPS uniform); benchmark mode cms: 8 trend (block "
    "k = step BY3+1+k; "
    "normals 0 national step, 1 regional deviation), 9 risk (block 0; normals 0 coding intensity, 1 market "
    "share)";

class PhiloxStream {
 public:
  using Engine = r123::Philox4x32;

  PhiloxStream(std::uint64_t seed, std::uint64_t run, Purpose purpose, std::uint32_t sub = 0) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{0, (static_cast<std::uint32_t>(purpose) << 16) | sub, static_cast<std::uint32_t>(run),
             static_cast<std::uint32_t>(run >> 32)}};
  }

  // The four 32-bit words of block `block`.
  std::array<std::uint32_t, 4> words(std::uint32_t block) const {
    Engine::ctr_type c = ctr_;
    c[0] = block;
    const Engine::ctr_type out = Engine{}(c, key_);
    return {out[0], out[1], out[2], out[3]};
  }

  // The key and the counter words 1-3 (word 0 is the block).
  std::array<std::uint32_t, 2> key() const { return {key_[0], key_[1]}; }
  std::array<std::uint32_t, 3> counter_tail() const { return {ctr_[1], ctr_[2], ctr_[3]}; }

  // Philox4x32-10's first three rounds with the counter's words 1-3 folded in: they are the same
  // for every block of the stream, so after round 0 words 0 and 1 are constants, after round 1 word
  // 3 is, and with x0 the block and p0 = M0 x0 (64 bits), p1 = M1 (hi(p0) ^ b1) the rounds are
  //   round 0: x2 = hi(p0) ^ b1, x3 = lo(p0)
  //   round 1: x0 = hi(p1) ^ a2, x1 = lo(p1), x2 = lo(p0) ^ b2
  //   round 2: as any round, with x3 ^ kb folded into d2.
  // The vector kernels do the three rounds in 14 operations instead of 24 (AVX2; AVX-512 13 instead
  // of 18), with the same bits.
  struct Head {
    std::uint32_t b1, a2, b2, d2;
  };
  Head head() const {
    const std::uint32_t ka0 = key_[0], kb0 = key_[1];
    const std::uint64_t c1 = std::uint64_t{0xCD9E8D57u} * ctr_[2];                  // round 0's M1 x2
    const std::uint32_t a1 = static_cast<std::uint32_t>(c1 >> 32) ^ ctr_[1] ^ ka0;  // round 0's x0
    const std::uint64_t c2 = std::uint64_t{0xD2511F53u} * a1;                       // round 1's M0 x0
    return {ctr_[3] ^ kb0, static_cast<std::uint32_t>(c1) ^ (ka0 + 0x9E3779B9u),
            static_cast<std::uint32_t>(c2 >> 32) ^ (kb0 + 0xBB67AE85u),
            static_cast<std::uint32_t>(c2) ^ (kb0 + 2 * 0xBB67AE85u)};
  }

  // The words of `count` blocks first, first + stride, first + 2 stride, ... as structure of
  // arrays: w0[i], w1[i], w2[i], w3[i] are words(first + i * stride). A vectorizable Philox4x32-10
  // (the same function as Engine; tests/test_bench.cpp checks it word for word).
  void words_batch(std::uint32_t first, std::uint32_t stride, int count, std::uint32_t* w0, std::uint32_t* w1,
                   std::uint32_t* w2, std::uint32_t* w3) const {
    const std::uint32_t k0 = key_[0], k1 = key_[1], c1 = ctr_[1], c2 = ctr_[2], c3 = ctr_[3];
#pragma omp simd
    for (int i = 0; i < count; ++i) {
      std::uint32_t x0 = first + static_cast<std::uint32_t>(i) * stride, x1 = c1, x2 = c2, x3 = c3;
      std::uint32_t ka = k0, kb = k1;
      for (int round = 0; round < 10; ++round) {
        if (round > 0) {
          ka += 0x9E3779B9u;  // PHILOX_W32_0
          kb += 0xBB67AE85u;  // PHILOX_W32_1
        }
        const std::uint64_t p0 = std::uint64_t{0xD2511F53u} * x0;  // PHILOX_M4x32_0
        const std::uint64_t p1 = std::uint64_t{0xCD9E8D57u} * x2;  // PHILOX_M4x32_1
        x0 = static_cast<std::uint32_t>(p1 >> 32) ^ x1 ^ ka;
        x1 = static_cast<std::uint32_t>(p1);
        x2 = static_cast<std::uint32_t>(p0 >> 32) ^ x3 ^ kb;
        x3 = static_cast<std::uint32_t>(p0);
      }
      w0[i] = x0;
      w1[i] = x1;
      w2[i] = x2;
      w3[i] = x3;
    }
  }

 private:
  Engine::key_type key_;
  Engine::ctr_type ctr_;
};

// Uniform on the open interval (0, 1) from a 32-bit word.
inline double to_uniform(std::uint32_t w) { return detmath::uniform(w); }

// Two independent standard normals from two uniform words (Box-Muller): z1 = r cos(2 pi u2),
// z2 = r sin(2 pi u2), r = sqrt(-2 ln u1), computed in single precision (models/det_math.hpp's
// box_muller_f: -2 ln u within 2.3 float ulps, sin and cos within 1.5) and returned as doubles
// (exactly). A float's
// 6e-8 relative rounding is five orders of magnitude below any Monte Carlo error here, and it
// doubles the lanes per vector (docs/performance.md, "Single precision").
inline void box_muller(std::uint32_t w1, std::uint32_t w2, double& z1, double& z2) {
  float a = 0, b = 0;
  detmath::box_muller_f(w1, w2, a, b);
  z1 = static_cast<double>(a);
  z2 = static_cast<double>(b);
}

// The same in double precision (the previous arithmetic): acosim bench's double limit and the
// tests that compare the two arithmetics.
inline void box_muller_double(std::uint32_t w1, std::uint32_t w2, double& z1, double& z2) {
  const double r = std::sqrt(detmath::minus_two_log_uniform(w1));
  double s = 0, c = 0;
  detmath::sincos_turn(w2, s, c);
  z1 = r * c;
  z2 = r * s;
}

// Four standard normals from one block.
inline std::array<double, 4> normals4(const PhiloxStream& s, std::uint32_t block) {
  const auto w = s.words(block);
  std::array<double, 4> z{};
  box_muller(w[0], w[1], z[0], z[1]);
  box_muller(w[2], w[3], z[2], z[3]);
  return z;
}

// Most blocks normals4_batch computes per call.
inline constexpr int kMaxBatch = 256;

// The Box-Muller normals of `count` blocks' words (structure of arrays, as words_batch gives them):
// z0[i], z1[i], z2[i], z3[i] from w0[i], w1[i], w2[i], w3[i], bit for bit as normals4.
inline void normals_from_words(int count, const std::uint32_t* w0, const std::uint32_t* w1,
                               const std::uint32_t* w2, const std::uint32_t* w3, double* z0, double* z1,
                               double* z2, double* z3) {
#pragma omp simd
  for (int i = 0; i < count; ++i) {
    box_muller(w0[i], w1[i], z0[i], z1[i]);
    box_muller(w2[i], w3[i], z2[i], z3[i]);
  }
}

// normals4 of `count` (<= kMaxBatch) blocks first, first + stride, ... as structure of arrays:
// z0[i], z1[i], z2[i], z3[i] = normals4(s, first + i * stride), bit for bit.
inline void normals4_batch(const PhiloxStream& s, std::uint32_t first, std::uint32_t stride, int count,
                           double* z0, double* z1, double* z2, double* z3) {
  alignas(64) std::uint32_t w0[kMaxBatch], w1[kMaxBatch], w2[kMaxBatch], w3[kMaxBatch];
  s.words_batch(first, stride, count, w0, w1, w2, w3);
  normals_from_words(count, w0, w1, w2, w3, z0, z1, z2, z3);
}

}  // namespace acosim
