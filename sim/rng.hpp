// Counter-based random streams (Random123 Philox4x32-10). A draw is a pure function of
// (seed, run, purpose, block): results do not depend on thread count, rank count or the order in
// which runs execute, and any run can be replayed alone (design.md, reproducibility contract).
//
// Layout: key = (seed low 32 bits, seed high 32 bits);
//         counter = (block, purpose << 16 | sub, run low 32 bits, run high 32 bits).
// One Philox call yields four 32-bit words -> four uniforms on (0, 1) -> two Box-Muller pairs.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace acosim {

// Why a stream is drawn. Append-only: a new purpose never shifts existing draws.
enum class Purpose : std::uint32_t {
  RunLevel = 1,       // true effect, benchmark factor, quality score (correlated normals)
  QualityAlt = 2,     // whether the alternative quality standard is met
  Beneficiary = 3,    // beneficiary-year latents; sub = enrollment type
  // Agreement periods (sim/agreement.hpp), path year y >= 1 (0-based; year 0 draws as above):
  Turnover = 4,        // whether a slot's beneficiary leaves; sub = 4y + type, block = slot / 4
  NewBeneficiary = 5,  // a replacement's fresh latents; sub = 4y + type, block = slot / 2
  AgreementYear = 6,   // run-level draws of year y (growth, spending gap, risk score, quality); sub = y
  PanelYear = 7,       // a staying beneficiary's AR(1) innovations; sub = 4y + type, block = slot / 2
};

inline constexpr const char* kRngLayout =
    "Random123 Philox4x32-10; key = (seed & 0xffffffff, seed >> 32); "
    "counter = (block, purpose << 16 | sub, run & 0xffffffff, run >> 32); "
    "purposes: 1 run-level normals, 2 alternative-QPS uniform, 3 beneficiary latents (sub = "
    "enrollment type 0 ESRD, 1 disabled, 2 aged/dual, 3 aged/non-dual; block = beneficiary "
    "index for single-year runs / 2, or beneficiary index x 2 + k for histories); uniforms "
    "u = (word + 0.5) / 2^32; normals by Box-Muller (r cos, r sin); "
    "agreements, path year y >= 1: 4 turnover (sub = 4y + type, block = slot / 4, word slot % 4), "
    "5 replacement latents and 7 stayer AR(1) innovations (sub = 4y + type, block = slot / 2, "
    "normals 2 (slot % 2), +1), 6 run-level year draws (sub = y; block 0 normals: growth, spending "
    "gap, risk score, quality; block 1 word 0: alternative-QPS uniform)";

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

 private:
  Engine::key_type key_;
  Engine::ctr_type ctr_;
};

// Uniform on the open interval (0, 1) from a 32-bit word.
inline double to_uniform(std::uint32_t w) { return (static_cast<double>(w) + 0.5) * 0x1p-32; }

// Two independent standard normals from two uniform words (Box-Muller).
inline void box_muller(std::uint32_t w1, std::uint32_t w2, double& z1, double& z2) {
  const double r = std::sqrt(-2.0 * std::log(to_uniform(w1)));
  const double theta = 2.0 * std::numbers::pi * to_uniform(w2);
  z1 = r * std::cos(theta);
  z2 = r * std::sin(theta);
}

// Four standard normals from one block.
inline std::array<double, 4> normals4(const PhiloxStream& s, std::uint32_t block) {
  const auto w = s.words(block);
  std::array<double, 4> z{};
  box_muller(w[0], w[1], z[0], z[1]);
  box_muller(w[2], w[3], z[2], z[3]);
  return z;
}

}  // namespace acosim
