// The results file: one HDF5 file per simulation, versioned and self-describing (after OpenMC's
// statepoint: a root `format` / `format_version`, units and descriptions as attributes). The full
// schema is in docs/results-schema.md; bump kResultsFormatVersion on any incompatible change.
#pragma once

#include <filesystem>

#include "sim/engine/results.hpp"

namespace acosim {

namespace h5 {
class FileWriter;  // sim/output/hdf5_file.hpp
}

inline constexpr const char* kResultsFormat = "acosim-results";  // root attribute `format`
inline constexpr int kResultsFormatVersion = 1;                  // root attribute `format_version`

// Writes `results` (metadata, the run table, the track and pair summaries, the content checksums)
// to `path` atomically: built in memory, written beside the target under a temporary name and
// renamed onto it only when complete, so a failure leaves no partial file (and any previous file
// at `path` untouched). Throws InputError when the file cannot be created or written (with errno's
// text: a full disk, a file-size limit), std::invalid_argument when `results` is inconsistent
// (array lengths differ from the run count, summaries out of step).
void write_results(const std::filesystem::path& path, const SimulationResults& results);

// The results file's objects written into `w` (an in-memory file of the HDF5 gateway), for files
// that extend the layout (the agreement file adds /agreement) before publishing it.
void write_results_into(h5::FileWriter& w, const SimulationResults& results);

// Reads a file written by write_results. Per-run arrays and summaries come back bit-for-bit as
// written. Throws InputError naming the file and the problem when it is missing, not HDF5,
// truncated or corrupt, not an acosim results file, of another format_version, lacks a dataset or
// attribute, or holds a value whose content checksum differs from what was written.
SimulationResults read_results(const std::filesystem::path& path);

}  // namespace acosim
