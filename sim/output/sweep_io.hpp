// Sweep output: the sweep HDF5 file (docs/results-schema.md, "Sweep files") and the sweep's CSV /
// Markdown / terminal tables (the tornado's: sim/output/tornado_report.hpp).
#pragma once

#include <filesystem>
#include <string>

#include "sim/engine/sweep.hpp"

namespace acosim {

inline constexpr const char* kSweepFormat = "acosim-sweep";  // root attribute `format`
inline constexpr int kSweepFormatVersion = 1;

// Provenance recorded in sweep files (the command fills it).
struct SweepProvenance {
  std::string program_version, git_commit, created_utc;
};

// A swept value as a number: percent as a fraction, true/yes/on 1, false/no/off 0, else NaN (the
// file's /sweep/numeric, the spider chart's relative changes).
double sweep_numeric(const std::string& value);

// One HDF5 file (schema: docs/results-schema.md, "Sweep files"), written atomically.
void write_sweep(const std::filesystem::path& path, const SweepResults& s, const SweepProvenance& p);

// One row per (point, track): the varied keys' values, then every statistic (raw numbers).
std::string sweep_csv(const SweepResults& s);
// A compact table per point and track: mean ± SE, P(losses), P5, P50, P95, ES95 (+ risk columns).
std::string sweep_markdown(const SweepResults& s);
// The terminal table: mean, P(losses), P5, ES95 per track per point (+ CE and fit with a risk
// appetite), and how many sampling passes served how many points.
std::string sweep_text(const SweepResults& s);

}  // namespace acosim
