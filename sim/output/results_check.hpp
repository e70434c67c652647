// The consistency checks of a results file read back (sim/output/hdf5_io.cpp, read_results): a
// damaged file must not produce a report.
#pragma once

#include <array>
#include <filesystem>

#include "sim/engine/results.hpp"

namespace acosim {

// Outcome names by code in the results file: models/settle.hpp Outcome order (SharedSavings = 0,
// ... QualityFailed = 4, GuardrailNeutral = 5).
inline constexpr std::array<const char*, 6> kOutcomeNames = {
    "shared_savings", "shared_losses", "below_msr", "below_mlr", "quality_failed", "guardrail_neutral"};

// Throws InputError "PATH: the file is damaged: WHAT" when the strings, flags, samples, payments,
// counts or summaries of `r` (as read from `path`) are impossible or disagree with each other.
void check_results(const std::filesystem::path& path, const SimulationResults& r);

}  // namespace acosim
