// What every command that writes results shares: the overrides its options make, and the
// provenance stamped into the results (program, commit, libraries, time).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/results.hpp"
#include "sim/scenario.hpp"

namespace acosim {

// --set KEY=VALUE (in order), then --runs and --seed when given (runs > 0, seed >= 0).
std::vector<Override> scenario_overrides(const std::vector<std::string>& sets, long runs, long long seed);

std::string utc_now();                                    // ISO 8601, e.g. 2026-11-22T10:32:17Z
std::map<std::string, std::string> library_versions();    // hdf5, eigen, boost, fmt, random123, compiler

// Sets program_version, git_commit, library_versions and created_utc.
void stamp_provenance(ResultMetadata& meta);

}  // namespace acosim
