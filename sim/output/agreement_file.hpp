// The agreement results file: the standard results layout (sim/output/hdf5_io.hpp) plus the
// /agreement group of per-run, per-year samples (docs/agreements.md lists the datasets).
#pragma once

#include <filesystem>
#include <optional>

#include "sim/engine/agreement.hpp"

namespace acosim {

// write_results plus the /agreement group, atomically.
void write_agreement_results(const std::filesystem::path& path, const AgreementResults& results);

// What a report of an agreement results file needs: `results` (read_results of the same file) with
// the /agreement group's description (years, rules years, turnover, discount rate, paths, notes;
// not the per-run samples), or nullopt for a file without /agreement. Throws InputError naming
// the file when the group is unreadable or does not match the file's columns.
std::optional<AgreementResults> read_agreement_summary(const std::filesystem::path& path,
                                                       SimulationResults results);

}  // namespace acosim
