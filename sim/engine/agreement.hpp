// Whole agreement periods (docs/agreements.md): one beneficiary panel followed over 1-6
// performance years (plus an optional rebased second agreement), with annual turnover, AR(1)
// persistence of each beneficiary's spending, a true effect that can ramp up, a quality score each
// year, and a benchmark that is set from the base years and then updated each PY by uncertain
// growth (blended with the ACPT for 2024+ agreements) and a capped risk-score ratio. Every run is
// settled under each requested track path (a fixed track, the BASIC glide path, ENHANCED) on the
// same sampled years (common random numbers).
//
// Year 1 of an agreement draws exactly what sample_run() draws for the same scenario (same purposes,
// blocks and AR(1) recursion), so a one-year agreement reproduces `acosim run` bit for bit. Later
// years use the purposes Turnover, NewBeneficiary, AgreementYear and PanelYear (sim/engine/rng.hpp).
//
// Results are a SimulationResults whose columns are per path: "<path> total", "<path> PV",
// "<path> worst year", "<path> year k", so write_results, read_results, the reports and summarize()
// work unchanged; the per-year samples live in the extra HDF5 group /agreement
// (sim/output/agreement_file.hpp). The section is read by sim/input/agreement_reader.hpp and the
// report's agreement section written by sim/output/agreement_report.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "models/settle.hpp"
#include "sim/engine/agreement_cash.hpp"
#include "sim/engine/agreement_spec.hpp"
#include "sim/engine/results.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"

namespace acosim {

// Immutable: the single-year model (costs, Cholesky factor) plus the agreement spec, which the
// scenario carries (read at load); throws InputError when the scenario has no agreement section.
class AgreementModel {
 public:
  explicit AgreementModel(const Scenario& scenario);
  const SimulationModel& base() const { return base_; }
  const Scenario& scenario() const { return base_.scenario(); }
  const AgreementSpec& spec() const { return spec_; }

 private:
  SimulationModel base_;
  AgreementSpec spec_;
};

// What one run sampled in one path year.
struct AgreementYear {
  double true_effect = 0;  // [fraction]
  double quality = 0;      // [0-100]
  bool met_qps = true, met_alt_qps = false;
  double growth = 1;          // realized blend growth into this PY (1 in PY1) [ratio]
  double spending_level = 1;  // ACO counterfactual per-capita spending level vs PY1 [ratio]
  double update_factor = 1;   // benchmark / historical (or rebased) base [ratio]
  double risk_ratio = 1;      // risk-score ratio applied to the benchmark, after the cap [ratio]
  double benchmark = 0;       // B [USD]
  double expenditure = 0;     // E [USD]
  long replaced = 0;          // beneficiaries replaced at the start of this year [count]
};

struct AgreementSample {
  int years = 0;
  std::array<AgreementYear, kMaxPathYears> year{};
  double historical_base = 0;           // weighted base-year spending (first agreement) [USD]
  double rebased_base = 0;              // renewal base incl. the prior savings adjustment [USD]
  double prior_savings_adjustment = 0;  // [USD]
};

// Sees every (year, enrollment type) panel: each slot's cost (before the true effect m, truncated at
// cap / m: sim/engine/true_effect.hpp) and whether it was replaced that year
// (diagnostics and tests; slows sampling down).
class PanelObserver {
 public:
  virtual ~PanelObserver() = default;
  virtual void observe(int year, int type, std::span<const double> costs,
                       std::span<const std::uint8_t> replaced) = 0;
};

// Per-thread scratch space, sized by beneficiaries and reused across runs.
struct PanelWorkspace {
  std::array<std::vector<double>, kEnrollmentTypes> z_state, z_size;  // current latents per slot
  std::vector<double> costs;                                          // observer only
  std::vector<std::uint8_t> replaced;                                 // observer only
};

// Samples run `run` (pure function of the model, seed and run index).
AgreementSample sample_agreement(const AgreementModel& model, std::uint64_t seed, std::uint64_t run,
                                 PanelWorkspace& workspace, PanelObserver* observer = nullptr);

// The settlement input of path year y under `choice`.
SettlementInput agreement_settlement_input(const AgreementModel& model, const AgreementSample& r, int y,
                                           const TrackChoice& choice);

// One path settled on one run.
struct PathResult {
  std::array<double, kMaxPathYears> payment{};  // + paid to the ACO, - owed [USD]
  std::array<Outcome, kMaxPathYears> outcome{};
  double total = 0;            // sum of the payments [USD]
  double present_value = 0;    // sum of payment_k / (1 + discount)^k, k = 1..years [USD]
  int worst_year = 0;          // 0-based year of the smallest payment (earliest on ties)
  bool any_year_owed = false;  // some payment < 0
};
PathResult settle_path(const AgreementModel& model, const AgreementSample& r, const AgreementPath& path);

// Per-run, per-year samples (runs x path years) and per-path flags (runs x paths).
struct AgreementRuns {
  Eigen::MatrixXd benchmark, expenditure, true_effect, quality, growth, spending_level, update_factor,
      risk_ratio;
  Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic> met_qps, met_alt_qps, any_year_owed;
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> replaced;
  AgreementCashRuns cash;  // agreement.cash: runs x (paths x path years); empty without it
};

struct AgreementResults {
  SimulationResults results;  // columns per path: total, PV, worst year, year 1..n
  AgreementRuns runs;
  std::vector<std::string> path_labels;
  std::vector<std::string> path_descriptions;
  std::vector<int> performance_year, rules_year;
  int years = 0, renewal_years = 0, start_year = 0;
  double discount_rate = 0, turnover = 0;
  std::string notes;                  // rules carried forward, etc.
  std::vector<PathCashSummary> cash;  // net cash per path (agreement.cash); empty without it
};

// Column label of path `label`, column `k` (0: total, 1: PV, 2: worst year, 3 + y: year y + 1).
std::string agreement_column(const std::string& label, int k);

// Samples and settles every run (one parallel loop; the panel lives inside the run), summarizes,
// and keeps only the pairs that compare the same column kind across paths.
AgreementResults simulate_agreement(const AgreementModel& model, const RunOptions& options);

}  // namespace acosim
