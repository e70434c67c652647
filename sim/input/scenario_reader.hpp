// Reading a scenario: YAML text or file plus --set overrides -> a validated plain-value Scenario
// (sim/engine/scenario.hpp). Defined in sim/input/scenario_reader.cpp and scenario_text.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/engine/scenario.hpp"

namespace acosim {

// Loads and validates. Throws InputError with file:line: key: message.
Scenario load_scenario(const std::filesystem::path& path, const std::vector<Override>& overrides = {});
Scenario parse_scenario(const std::string& yaml_text, const std::string& origin,
                        const std::vector<Override>& overrides = {});

// Parses "key=value" (from --set); throws InputError when malformed.
Override parse_override(const std::string& text);

// --set KEY=VALUE (in order), then --runs and --seed when given (runs > 0, seed not empty).
std::vector<Override> scenario_overrides(const std::vector<std::string>& sets, long runs,
                                         const std::string& seed);

// A --seed value: plain digits, 0 to 2^64 - 1. Taken as text so that no value is silently clamped
// to the range of an integer type; throws InputError naming --seed, the value and the range.
std::uint64_t parse_seed_option(const std::string& text);

}  // namespace acosim
