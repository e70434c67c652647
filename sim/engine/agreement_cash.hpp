// Net cash per PY across an agreement (benchmark-rules.md §9.2-§9.4, cited "bench §9"): the advance
// investment payments (42 CFR 425.630) and prepaid shared savings (425.640) a path receives, their
// recoupment from the shared savings it earns, and the balances due when an agreement ends, kept on
// models/cash.hpp's CashLedger. docs/agreements.md "Cash across the agreement".
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "sim/engine/agreement_spec.hpp"
#include "sim/engine/results.hpp"

namespace acosim {

// AIP goes to an ACO in BASIC Level A in PY1 (425.630(b)): a path whose first year is BASIC_A.
bool path_gets_aip(const AgreementPath& path);
// Prepaid shared savings go to an ACO in Level C-E or ENHANCED (425.640(b)): the years of the first
// agreement settled under those tracks.
bool prepaid_eligible(const TrackChoice& c);

// One path's cash on one run, by path year [USD].
struct PathCash {
  std::array<double, kMaxPathYears> aip_paid{}, prepaid_paid{};
  std::array<double, kMaxPathYears> recouped{};  // AIP + prepaid recouped from that PY's savings
  std::array<double, kMaxPathYears> due{};       // balances due at the end of an agreement (its last PY)
  std::array<double, kMaxPathYears> net{};       // paid + (savings - recouped) - losses - due
  double total = 0;                              // sum of net
  double aip_carried = 0;                        // AIP balance carried past the last agreement
};

// The ledger of one path: `payment[y]` is settle()'s payment of path year y (+ savings, - losses).
// The first agreement's end (with a renewal): the prepaid balance is due, the AIP balance carries
// into the renewal (425.630: it carries into later agreements); the last agreement's end: the
// prepaid balance is due, and the AIP balance too unless the ACO renews at once (renews_after).
PathCash path_cash(const AgreementSpec& sp, const AgreementPath& path, std::span<const double> payment);

// Net cash over the completed runs of one path.
struct PathCashSummary {
  std::string label;
  std::vector<double> aip_paid, prepaid_paid;   // per path year [USD] (the same every run)
  std::vector<Stats> net_by_year;               // [USD]
  std::vector<double> p_negative_by_year;       // P(net cash < 0) per path year
  std::vector<double> recouped_mean, due_mean;  // per path year [USD]
  Stats net_total;                              // over the agreement(s) [USD]
  double p_negative_total = 0, p_negative_total_se = 0;
};

// Per-run matrices (runs x (paths x path years), path-major) from store_run, summarized.
struct AgreementCashRuns {
  Eigen::MatrixXd net, recouped, due;
};
std::vector<PathCashSummary> summarize_cash(const AgreementSpec& sp, const AgreementCashRuns& x,
                                            const Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1>& done);

}  // namespace acosim
