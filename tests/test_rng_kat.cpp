// Known-answer tests for the random streams: Random123's published Philox4x32-10 vectors
// (Random123 1.14, examples/kat_vectors), through the library and through acosim's own vectorized
// Philox, and one pinned block of acosim's stream layout (seed, run, purpose, block -> words ->
// normals). A change of stream layout or of the Box-Muller arithmetic fails here until the pinned
// values are changed on purpose (and rng_layout with them).
#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cstdint>

#include "sim/engine/rng.hpp"

using namespace acosim;

namespace {

struct PhiloxKat {
  std::array<std::uint32_t, 4> counter;
  std::array<std::uint32_t, 2> key;
  std::array<std::uint32_t, 4> expected;
};

// Random123 kat_vectors, "philox4x32 10" rows.
constexpr std::array<PhiloxKat, 3> kPhiloxKat = {{
    {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
     {0x00000000, 0x00000000},
     {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
}};

// The PhiloxStream whose block `counter[0]` is exactly this counter and key (layout in rng.hpp).
PhiloxStream stream_for(const PhiloxKat& v) {
  const std::uint64_t seed = (std::uint64_t{v.key[1]} << 32) | v.key[0];
  const std::uint64_t run = (std::uint64_t{v.counter[3]} << 32) | v.counter[2];
  const auto purpose = static_cast<Purpose>(v.counter[1] >> 16);
  return PhiloxStream(seed, run, purpose, v.counter[1] & 0xffffu);
}

}  // namespace

TEST_CASE("Random123's Philox4x32-10 gives its published known-answer vectors") {
  for (const auto& v : kPhiloxKat) {
    const r123::Philox4x32::ctr_type c = {{v.counter[0], v.counter[1], v.counter[2], v.counter[3]}};
    const r123::Philox4x32::key_type k = {{v.key[0], v.key[1]}};
    const auto out = r123::Philox4x32{}(c, k);
    for (int i = 0; i < 4; ++i) CHECK(out[i] == v.expected[i]);
  }
}

TEST_CASE("acosim's one-block and batched Philox give the published known-answer vectors") {
  for (const auto& v : kPhiloxKat) {
    const PhiloxStream s = stream_for(v);
    CHECK(s.words(v.counter[0]) == v.expected);
    std::array<std::uint32_t, 1> w0{}, w1{}, w2{}, w3{};
    s.words_batch(v.counter[0], 1, 1, w0.data(), w1.data(), w2.data(), w3.data());
    CHECK(std::array<std::uint32_t, 4>{w0[0], w1[0], w2[0], w3[0]} == v.expected);
  }
}

TEST_CASE("The stream layout maps seed, run, purpose and block to pinned words and normals") {
  // Beneficiary latents of the default scenario's seed, run 7, enrollment type 2, block 3.
  const PhiloxStream s(20240101, 7, Purpose::Beneficiary, 2);
  const auto w = s.words(3);
  const auto z = normals4(s, 3);
  INFO("words " << std::hex << w[0] << " " << w[1] << " " << w[2] << " " << w[3]);
  INFO("normal bits " << std::hex << std::bit_cast<std::uint64_t>(z[0]) << " "
                      << std::bit_cast<std::uint64_t>(z[1]) << " " << std::bit_cast<std::uint64_t>(z[2])
                      << " " << std::bit_cast<std::uint64_t>(z[3]));
  CHECK(w == std::array<std::uint32_t, 4>{0x64eff477u, 0xca70fc9au, 0x0711deedu, 0x550e9b01u});
  // z = (0.34581776, -1.31975961, -1.32388888, 2.32937900): single-precision Box-Muller (the
  // double arithmetic gave the same values to 8 digits), pinned to the bit.
  CHECK(std::bit_cast<std::uint64_t>(z[0]) == 0x3fd621e0c0000000u);
  CHECK(std::bit_cast<std::uint64_t>(z[1]) == 0xbff51dbc40000000u);
  CHECK(std::bit_cast<std::uint64_t>(z[2]) == 0xbff52ea620000000u);
  CHECK(std::bit_cast<std::uint64_t>(z[3]) == 0x4002a29180000000u);
}
