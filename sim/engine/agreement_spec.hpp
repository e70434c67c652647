// The validated `agreement:` section as plain values (docs/agreements.md): how many performance
// years, the benchmark update's uncertain inputs, the quality standard by year and the track paths.
// Read from YAML by sim/input/agreement_reader.cpp at load; used by sim/engine/agreement.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/engine/scenario_values.hpp"

namespace acosim {

inline constexpr int kMaxAgreementYears = 6;                  // PYs in one agreement period
inline constexpr int kMaxPathYears = 2 * kMaxAgreementYears;  // first agreement + renewal
inline constexpr int kMinRenewalBaseYears = 3;                // a rebase needs 3 PYs of history
// Columns of one path before its per-year columns: total, PV, worst year.
inline constexpr int kPathSummaryColumns = 3;

// What to do with performance years after kLastRuleYear (models/track.hpp has no rules for them).
enum class FutureRules {
  CarryForward,  // settle them under the last known rule year (PY2026), and say so in the output
  Refuse         // reject the scenario at load
};

// One way of going through the agreement: the track and MSR/MLR election settled in each year.
struct AgreementPath {
  std::string label;                 // unique; column names are "<label> total", ...
  std::string description;           // e.g. "BASIC A, B, C, D, E; MSR/MLR 1% from the first two-sided year"
  std::vector<TrackChoice> by_year;  // one entry per path year (first agreement, then renewal)
};

// The validated `agreement.cash` section (benchmark-rules.md §9.2-§9.4; docs/agreements.md): the
// advance payments received for each path year, before eligibility by path (sim/engine/agreement_cash.hpp).
struct AgreementCashSpec {
  std::vector<double> aip_paid;      // AIP for each path year: one-time + quarterly (425.630) [USD]
  std::vector<double> prepaid_paid;  // prepaid shared savings for each path year (425.640) [USD]
  double prepaid_multiplier = 0;     // 425.640 multiplier [USD per person-year]
  bool renews_after = false;         // the ACO renews at once after the last simulated agreement
};

// The validated `agreement:` section. Per-year vectors have total_years() entries.
struct AgreementSpec {
  int years = 5;                          // PYs of the (first) agreement
  int renewal_years = 0;                  // PYs of a rebased second agreement (0: none)
  int start_year = 2024;                  // PY1 = the agreement start year
  double turnover = 0.16;                 // share of the panel replaced each year [fraction]
  double discount_rate = 0.03;            // annual rate for the present value [fraction]
  Uncertain growth{1.0, 0.0};             // realized national-regional blend growth per PY after PY1 [ratio]
  std::optional<double> acpt;             // ACPT annual growth, first agreement [fraction]
  std::optional<double> renewal_acpt;     // ACPT of the renewal [fraction]
  double acpt_weight = 1.0 / 3.0;         // ACPT share of the update (2024+ agreements) [fraction]
  Uncertain spending_gap{0.0, 0.0};       // ACO counterfactual growth minus the blend, per PY [fraction]
  Uncertain risk_score_growth{0.0, 0.0};  // risk-score change per PY not matched by spending [fraction]
  double risk_score_cap = 0.03;           // cap on cumulative positive risk-score growth [fraction]
  double quality_persistence = 0.5;       // AR(1) correlation of the quality latent year to year
  double prior_savings_share = 0;         // renewal's prior savings adjustment share [fraction]
  double prior_savings_cap = 0.05;        // its cap [fraction of the rebased benchmark]
  FutureRules future_rules = FutureRules::CarryForward;
  std::optional<AgreementCashSpec> cash;  // agreement.cash; none: no net cash columns

  std::vector<int> performance_year;                 // start_year + y
  std::vector<int> rules_year;                       // the rule year settle() uses
  std::vector<double> true_effect_mean;              // [fraction]
  std::vector<std::optional<double>> qps_threshold;  // [0-100]; empty: standard always met
  std::vector<AgreementPath> paths;
  std::vector<std::string> threshold_notes;  // QPS values assumed for years without one

  int total_years() const { return years + renewal_years; }
  bool in_renewal(int y) const { return y >= years; }
  int agreement_start(int y) const { return in_renewal(y) ? start_year + years : start_year; }
  // What the output must say about the rules: "" when every PY has its own rules and published QPS
  // value, else e.g. "PY2027-PY2028 settled under PY2026 rules; PY2025 has no published ...".
  std::string rules_note() const;
};

}  // namespace acosim
