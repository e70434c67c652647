// Backtest output (docs/backtest.md): the per-ACO CSV, the HDF5 file (format acosim-backtest), and
// the report (Markdown or HTML) with its calibration chart (PIT histogram, coverage by size
// quartile, reliability diagram) as SVG.
#pragma once

#include <filesystem>
#include <string>

#include "sim/engine/backtest.hpp"

namespace acosim {

inline constexpr const char* kBacktestFormat = "acosim-backtest";  // root attribute `format`
inline constexpr int kBacktestFormatVersion = 1;

// CSV, one row per ACO, columns: aco_id, n_ab, track_b, realized_savings_rate, pit, q05, q25, q50,
// q75, q95, crps, crps_baseline, p_savings, earned_savings, p_losses, owed_losses.
std::string backtest_csv(const BacktestResult& r);

// Writes the HDF5 file atomically; throws InputError when it cannot be written.
void write_backtest(const std::filesystem::path& path, const BacktestResult& r);

// The summary as Markdown (`chart` is the SVG file name to link, empty for none) or one
// self-contained HTML page (the chart inline), and the chart alone.
std::string backtest_markdown(const BacktestResult& r, const std::string& chart);
std::string backtest_html(const BacktestResult& r);
std::string backtest_chart_svg(const BacktestResult& r);
// A few lines for the terminal.
std::string backtest_text(const BacktestResult& r);

}  // namespace acosim
