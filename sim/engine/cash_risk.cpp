#include "sim/engine/cash_risk.hpp"

#include <cmath>

#include <fmt/format.h>

#include "models/cash.hpp"
#include "sim/common/format.hpp"

namespace acosim {

double scenario_repayment_mechanism(const Scenario& s) {
  const double expenditure = s.expected_spending_per_capita() * static_cast<double>(s.total_beneficiaries());
  // 425.204(f)(4): min(0.5% of expenditures, 1% of revenue); revenue unknown: the first alone.
  return s.participant_revenue ? repayment_mechanism_amount(expenditure, *s.participant_revenue)
                               : repayment_mechanism_amount(expenditure, expenditure);
}

std::vector<TrackCashRisk> cash_risk(const Scenario& s, const RunTable& t) {
  std::vector<TrackCashRisk> out;
  const double rm = scenario_repayment_mechanism(s);
  for (std::size_t k = 0; k < s.tracks.size(); ++k) {
    const TrackChoice& c = s.tracks[k];
    if (!c.track.two_sided || c.track.custom) continue;
    TrackCashRisk r;
    r.label = c.label;
    r.repayment_mechanism = rm;
    r.revenue_given = s.participant_revenue.has_value();
    long done = 0, exceed = 0, guard = 0;
    for (long i = 0; i < t.runs(); ++i) {
      if (!t.done(i)) continue;
      ++done;
      if (-t.payment(i, static_cast<long>(k)) > rm) ++exceed;
      if (t.has_cms_benchmark() && t.guardrail(i, static_cast<long>(k))) ++guard;
    }
    if (done > 0) {
      const double n = static_cast<double>(done);
      r.p_losses_exceed = static_cast<double>(exceed) / n;
      r.p_losses_exceed_se = std::sqrt(r.p_losses_exceed * (1 - r.p_losses_exceed) / n);
      if (t.has_cms_benchmark()) r.p_guardrail = static_cast<double>(guard) / n;
    }
    out.push_back(r);
  }
  return out;
}

std::string cash_risk_text(const std::vector<TrackCashRisk>& rows) {
  if (rows.empty()) return {};
  std::string text = fmt::format(
      "\nRepayment mechanism (42 CFR 425.204(f)(4)): {} = min(0.5% of expected expenditure, {})\n",
      money_full(rows[0].repayment_mechanism),
      rows[0].revenue_given ? "1% of participant revenue" : "participant revenue not given");
  std::size_t width = 5;
  for (const auto& r : rows) width = std::max(width, r.label.size());
  const bool cms = rows[0].p_guardrail.has_value();
  text += fmt::format("{:<{}}  {:>22}{}\n", "Track", width, "P(losses > RM) ± SE",
                      cms ? "  P(ACPT guardrail triggered)" : "");
  for (const auto& r : rows) {
    text +=
        fmt::format("{:<{}}  {:>22}{}\n", r.label, width,
                    fmt::format("{} ± {}", probability(r.p_losses_exceed), probability(r.p_losses_exceed_se)),
                    cms ? fmt::format("  {:>27}", probability(*r.p_guardrail)) : "");
  }
  return text;
}

}  // namespace acosim
