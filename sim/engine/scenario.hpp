// A scenario: one ACO, its cost and quality model, its benchmark, the tracks to compare and the
// run settings. Loaded from YAML and validated once into an immutable value; every error names the
// file, line, key, the offending value and what is allowed (docs/scenario.md lists every key).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "models/cost_model.hpp"
#include "models/empirical_cost.hpp"
#include "models/msr.hpp"
#include "models/track.hpp"
#include "sim/engine/agreement_spec.hpp"
#include "sim/engine/benchmark_spec.hpp"
#include "sim/engine/risk_appetite.hpp"
#include "sim/engine/scenario_values.hpp"
#include "sim/engine/sweep_spec.hpp"

namespace acosim {

enum class BenchmarkMode {
  Fixed,       // the ACO holds its benchmark report: B = per_capita x N x update factor
  Historical,  // B = update factor x weighted base-year spending of the same beneficiaries
  Cms          // the benchmark as CMS builds it from its report's inputs (Scenario::cms_benchmark):
               // B = b3 x n, B2 = b2 x n per run (sim/engine/benchmark_draw.hpp)
};

struct Scenario {
  std::string name;
  std::string path;  // file it came from ("" for text)
  std::string text;  // the YAML as loaded, with --set overrides applied (what reproduces it)

  // The ACO.
  int performance_year = 2024;
  std::array<long, kEnrollmentTypes> beneficiaries{};  // assigned, by enrollment type [count]
  std::optional<double> participant_revenue;           // [USD]
  bool low_revenue = false;
  int agreement_start_year = 2022;
  double euc_relief_fraction = 0;  // [fraction of losses]

  // Costs.
  std::array<CostShape, kEnrollmentTypes> cost_shapes;
  std::array<double, kEnrollmentTypes> cost_means{};  // truncated mean [USD per beneficiary-year]
  // Empirical mode: a type with observed costs resamples them instead of the parametric shape.
  std::array<std::optional<EmpiricalCost>, kEnrollmentTypes> empirical;

  // Benchmark.
  BenchmarkMode benchmark_mode = BenchmarkMode::Historical;
  std::optional<double> benchmark_per_capita;              // Fixed mode; empty = expected spending [USD]
  std::array<double, 3> base_year_weights{0.1, 0.3, 0.6};  // BY1, BY2, BY3
  double persistence = 0.52;          // AR(1) year-to-year correlation of each beneficiary's latent normals;
                                      // 0.52 keeps ~30% of the top decile there next year (cost-model §3)
  Uncertain update_factor{1.0, 0.0};  // multiplies the benchmark [ratio]
  std::optional<CmsBenchmarkSpec> cms_benchmark;  // mode Cms: the CMS report's inputs

  // The ACO's true effect on its PY spending [fraction; -0.02 = spends 2% less].
  Uncertain true_effect;

  // Quality.
  Uncertain quality{83.1, 6.9};         // score [0-100], clipped to [0, 100]
  std::optional<double> qps_threshold;  // score needed for the QPS; empty = always met (pre-2021)
  double alt_qps_probability = 1.0;     // P(alternative QPS met | QPS missed), PY2023+

  // Correlation of the run-level normals (true effect, update factor, quality).
  Eigen::Matrix3d correlation = Eigen::Matrix3d::Identity();

  std::vector<TrackChoice> tracks;

  // The feature sections, read and validated at load (sim/input/agreement_reader.cpp,
  // sim/input/sweep_reader.cpp, sim/input/risk_reader.cpp); empty when the scenario has none.
  std::optional<AgreementSpec> agreement;  // `agreement:` (acosim agreement)
  std::optional<SweepSection> sweep;       // `sweep:` (acosim sweep without --vary)
  std::optional<TornadoSpec> tornado;      // `tornado:` (acosim tornado; flags override it)
  std::optional<RiskAppetite> risk;        // `risk:` (every command that judges tracks)

  // Values that are legal but almost certainly a unit slip (sim/input/unit_slips.hpp): one
  // sentence each, naming the key and the rule; printed on stderr and shown with the assumptions.
  std::vector<std::string> warnings;

  long runs = 1000;
  std::uint64_t seed = 1;
  int threads = 0;  // 0: all available

  long total_beneficiaries() const;
  double expected_spending_per_capita() const;  // with no true effect [USD]
};

// "a.b.c=value": replaces or adds that key before validation (value parsed as YAML).
struct Override {
  std::string key;
  std::string value;
};

}  // namespace acosim
