// The agreement results file: the standard results layout (sim/output/hdf5_io.hpp) plus the
// /agreement group of per-run, per-year samples (docs/agreements.md lists the datasets).
#pragma once

#include <filesystem>

#include "sim/engine/agreement.hpp"

namespace acosim {

// write_results plus the /agreement group, atomically.
void write_agreement_results(const std::filesystem::path& path, const AgreementResults& results);

}  // namespace acosim
