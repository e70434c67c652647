// Financial reconciliation of one ACO in one performance year: what CMS pays or collects, and why.
// spec §0, §5 (CMS spec v11 §4.3 steps 1-11); 42 CFR 425.604/605/606/610.
#pragma once

#include <optional>
#include <string>

#include "models/msr.hpp"
#include "models/rules.hpp"
#include "models/track.hpp"

namespace acosim {

// Everything settle() needs about one ACO-year. Money in USD, rates as fractions.
struct SettlementInput {
  int performance_year = 2024;
  long assigned_beneficiaries = 0;            // N_AB [count]; drives the MSR table
  double benchmark = 0;                       // B, total updated benchmark [USD] (ABtotBnchmk)
  double expenditure = 0;                     // E, total assigned-beneficiary expenditure [USD] (ABtotExp)
  MsrElection msr_election;                   // two-sided tracks only
  std::optional<double> msr_override;         // an MSR given outright (below 500 beneficiaries) [fraction]
  double quality_score = 100;                 // Q [0-100] (HEA-adjusted where it applies)
  bool met_qps = true;                        // met the quality performance standard
  bool met_alt_qps = false;                   // met the alternative QPS (PY2023+)
  bool low_revenue = false;                   // participant revenue < 35% of assigned-beneficiary A+B spend
  std::optional<double> participant_revenue;  // ACO-participant A+B FFS revenue [USD]
  int agreement_start_year = 2019;            // selects the 425.605(h) half rate (2024+ starts)
  int track2_year = 3;                        // year of participation in Track 2 (1, 2, 3+) for its limit
  bool benchmark_based_loss_limit = false;    // Track 1+ with an IPPS/cancer/large rural hospital
  double euc_relief_fraction = 0;             // losses forgiven: months share x beneficiaries share, or the
                                              // PY's program-wide PHE relief when larger [fraction]
  std::optional<double> loss_relief_amount;   // relief given in dollars (PUF DisAdj) [USD >= 0];
                                              // replaces euc_relief_fraction when set
  // ACPT loss guardrail, 42 CFR 425.652(b)(5) (benchmark-rules.md §1): the two-way benchmark
  // B2 = b2 x n [USD] of a CMS track in an agreement starting 2024+; `benchmark` is then the
  // three-way-blend B3 = b3 x n. Absent (or a pre-2024 start, or a custom contract): no guardrail.
  std::optional<double> two_way_benchmark;
  RuleSet rules;  // current law unless an overlay (bench §10)
};

enum class Outcome {
  SharedSavings,    // met the MSR and quality: CMS pays
  SharedLosses,     // two-sided, met the MLR: the ACO owes
  BelowMsr,         // savings below the MSR (or one-sided with losses): nothing
  BelowMlr,         // two-sided losses below the MLR: nothing
  QualityFailed,    // met the MSR but the quality standard was failed: nothing
  GuardrailNeutral  // 425.652(b)(5)(ii): spending above B3 by the MLR but below B2: neither
                    // savings nor losses (benchmark-rules.md §1)
};

std::string_view to_string(Outcome o);

// Which benchmark settled the year (benchmark-rules.md §1).
enum class SettledBenchmark { ThreeWay, TwoWay };
std::string_view to_string(SettledBenchmark b);  // "three_way", "two_way"

// The payment and each step that produced it.
struct Settlement {
  double benchmark = 0;         // B the year was settled against [USD] (B2 when benchmark_used is TwoWay)
  double expenditure = 0;       // E [USD]
  double gross_savings = 0;     // G = B - E [USD]; negative means gross losses
  double savings_rate = 0;      // r = G / B [fraction]
  double msr = 0;               // minimum savings rate used [fraction]
  double mlr = 0;               // minimum loss rate used (two-sided) [fraction]
  bool msr_from_table = false;  // the variable table set the MSR (one-sided, election, or < 5,000)
  Outcome outcome = Outcome::BelowMsr;
  double sharing_rate = 0;             // final sharing rate applied [fraction]
  bool half_rate = false;              // 42 CFR 425.605(h) half rate applied
  double loss_rate = 0;                // shared-loss rate applied [fraction]
  double sequestration = 0;            // savings withheld by sequestration, before the cap [USD]
  double cap = 0;                      // performance payment limit or loss limit [USD]
  bool cap_bound = false;              // the cap set the amount
  bool revenue_limit_unknown = false;  // a revenue-based loss limit applies but no revenue was given;
                                       // only the benchmark-based cap was applied
  double loss_relief = 0;              // EUC / PHE relief removed from losses [USD]
  double payment = 0;                  // + paid to the ACO, - owed to CMS [USD]
  // ACPT loss guardrail (42 CFR 425.652(b)(5), benchmark-rules.md §1).
  bool guardrail_applies = false;    // 2024+ start, CMS track, B2 given
  bool guardrail_triggered = false;  // E exceeded B3 by at least the MLR (one-sided: the MSR)
  SettledBenchmark benchmark_used = SettledBenchmark::ThreeWay;
  double three_way_benchmark = 0;  // B3 [USD]
  double two_way_benchmark = 0;    // B2 [USD]; 0 when not given
};

// Settle one ACO-year under `track`. Pure; throws std::invalid_argument on inputs outside the
// rules (unknown PY, B <= 0, N_AB < 500 without an MSR override, ...).
Settlement settle(const Track& track, const SettlementInput& in);

// The maximum sharing rate of `track` in `performance_year` under `rules` (a custom contract's
// own; BASIC Level E 60% from PY2027 under cy2027_proposed, PROPOSED, NOT LAW) [fraction].
double max_sharing_rate(const Track& track, int performance_year, const RuleSet& rules);

// The MSR and MLR [fraction] the ACO faces (spec §2): one-sided -> Table 5; two-sided -> the
// election, or Table 5 when variable or when a CMS track has N_AB < 5,000 (425.110(b)(3)(iii);
// never for a custom contract, whose election is its own); Track 2 of 2012-2015 starts -> 2%.
struct MsrMlr {
  double msr, mlr;
  bool from_table;
};
MsrMlr minimum_rates(const Track& track, const SettlementInput& in);

// One sentence saying why the payment is what it is.
std::string explain(const Track& track, const Settlement& s);

}  // namespace acosim
