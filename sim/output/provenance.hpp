// What every command that writes results shares: the overrides its options make, and the
// provenance stamped into the results (program, commit, libraries, time).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/engine/results.hpp"
#include "sim/engine/scenario.hpp"

namespace acosim {

std::string utc_now();                                  // ISO 8601, e.g. 2026-11-22T10:32:17Z
std::map<std::string, std::string> library_versions();  // hdf5, eigen, boost, fmt, random123, compiler

// Sets program_version, git_commit, library_versions and created_utc.
void stamp_provenance(ResultMetadata& meta);

}  // namespace acosim
