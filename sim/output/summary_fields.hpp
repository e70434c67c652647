// The summary statistics as named fields, one HDF5 array per field: shared by the results file
// (sim/output/hdf5_io.cpp) and the sweep file (sim/output/sweep_io.cpp) so both name and describe them alike.
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include <fmt/format.h>

#include "sim/engine/results.hpp"

namespace acosim {

// The statistics of one quantity, stored as one array per field (Stats in sim/engine/results.hpp).
struct StatsField {
  const char* name;
  double Stats::*member;
  const char* description;
};
constexpr std::array<StatsField, 9> kStatsFields = {{
    {"mean", &Stats::mean, "mean over runs"},
    {"sd", &Stats::sd, "standard deviation over runs (n - 1 denominator)"},
    {"mcse", &Stats::mcse, "Monte Carlo standard error of the mean = sd / sqrt(runs)"},
    {"min", &Stats::min, "smallest value over runs"},
    {"max", &Stats::max, "largest value over runs"},
    {"var95", &Stats::var95, "value at risk: 95th percentile of losses L = max(0, -x)"},
    {"var99", &Stats::var99, "value at risk: 99th percentile of losses L = max(0, -x)"},
    {"es95", &Stats::es95, "expected shortfall: mean of the worst 5% of runs' losses L = max(0, -x)"},
    {"es99", &Stats::es99, "expected shortfall: mean of the worst 1% of runs' losses L = max(0, -x)"},
}};

// The name of percentile level j (kPercentileLevels): "p1", "p5", ..., "p99".
inline std::string percentile_key(std::size_t j) { return fmt::format("p{:g}", kPercentileLevels[j]); }

struct TrackField {
  const char* name;
  double TrackSummary::*member;
  const char* description;
};
constexpr std::array<TrackField, 6> kTrackFields = {{
    {"p_savings", &TrackSummary::p_savings, "share of runs earning shared savings"},
    {"p_losses", &TrackSummary::p_losses, "share of runs owing shared losses"},
    {"p_corridor", &TrackSummary::p_corridor,
     "share of runs inside the MSR/MLR corridor (below_msr, below_mlr or guardrail_neutral)"},
    {"p_quality_failed", &TrackSummary::p_quality_failed,
     "share of runs that met the MSR but failed the quality standard"},
    {"p_savings_se", &TrackSummary::p_savings_se, "binomial Monte Carlo standard error of p_savings"},
    {"p_losses_se", &TrackSummary::p_losses_se, "binomial Monte Carlo standard error of p_losses"},
}};

}  // namespace acosim
