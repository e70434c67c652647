// One run's benchmark in benchmark mode cms (docs/scenario.md "benchmark, CMS form"): the run-level
// draws of what is uncertain when the scenario is written -- the national and regional trend from
// BY3 to the PY (so the gap between realized trend and the ACPT), the HCC risk-score growth
// (coding intensity against the §6.1 cap) and the regional market share -- on the purpose-tagged
// streams BenchmarkTrend and BenchmarkRisk (sim/engine/rng.hpp), then b3 and b2 from models'
// build_benchmark (benchmark-rules.md §11, cited "bench §N"). Pure: a function of (scenario, seed, run).
#pragma once

#include <cstdint>
#include <vector>

#include "models/benchmark.hpp"
#include "models/rules.hpp"
#include "sim/engine/benchmark_spec.hpp"

namespace acosim {

struct Scenario;

// The run-level benchmark inputs.
struct BenchmarkDrawInputs {
  std::vector<double> national_steps;  // annual national growth, steps BY3+1 .. PY [fraction]
  std::vector<double> regional_steps;  // annual regional growth [fraction]
  double coding = 0;                   // the standard normal of the coding-intensity shift
  double market_share = 0;             // s, clamped to [0, 1] [fraction]
};

// The mean inputs (every normal at 0): what the scenario expects.
BenchmarkDrawInputs mean_benchmark_inputs(const CmsBenchmarkSpec& spec);
// Run `run`'s inputs: national step k = mean_k + national_sd z_k; regional step = national step +
// (regional mean_k - national mean_k) + regional_sd z'_k; coding normal z_c; market share
// mean + sd z_s clamped to [0, 1].
BenchmarkDrawInputs draw_benchmark_inputs(const CmsBenchmarkSpec& spec, std::uint64_t seed,
                                          std::uint64_t run);

// The models/ input of one run under `rules`: H_t, shares, PY person-years (the scenario's
// beneficiaries by type), risk ratios rho_t = 1 + mean_t + sd_t z_c, the trend and the ACPT.
BenchmarkInput cms_benchmark_input(const Scenario& s, const BenchmarkDrawInputs& x, const RuleSet& rules);

struct BenchmarkDraw {
  double b3 = 0, b2 = 0;        // per capita, current law [USD per person-year]
  PerType three_way_by_type{};  // U3_t, each type's updated benchmark [USD per person-year]
  double proposed_b3 = 0,
         proposed_b2 = 0;      // under cy2027_proposed (PROPOSED, NOT LAW); 0 without the overlay
  double spending_factor = 1;  // realized over mean cumulative regional growth: multiplies the
                               // ACO's PY spending (its costs grow with its region's) [ratio]
};
BenchmarkDraw draw_benchmark(const Scenario& s, std::uint64_t seed, std::uint64_t run);

}  // namespace acosim
