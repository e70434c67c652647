// Cash around settlement for one PY (benchmark-rules.md §9.1, cited "bench §9"): the repayment
// mechanism a two-sided ACO must hold (42 CFR 425.204(f)(4)) and, per two-sided CMS track, the
// probability that the run's shared losses exceed it; in benchmark mode cms also the share of
// runs in which the ACPT loss guardrail triggered (425.652(b)(5)). Computed from the run table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/engine/results.hpp"
#include "sim/engine/scenario.hpp"

namespace acosim {

// RM = min(0.5% x expected PY expenditure of the assigned beneficiaries, 1% x participant
// revenue), the expenditure-based amount alone when aco.participant_revenue is not given. The
// expected expenditure is the beneficiaries x the cost model's means (the most recent 12 months
// stand-in, bench §9.1). Two-sided CMS tracks only (custom contracts and one-sided tracks hold none).
double scenario_repayment_mechanism(const Scenario& s);
// The rows over the table's completed runs (simulate() stores them in SimulationResults::cash_risk).
std::vector<TrackCashRisk> cash_risk(const Scenario& s, const RunTable& t);

// A small text table for `acosim run` and `acosim report` (empty when no track holds a repayment
// mechanism).
std::string cash_risk_text(const std::vector<TrackCashRisk>& rows);

}  // namespace acosim
