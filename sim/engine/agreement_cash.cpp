#include "sim/engine/agreement_cash.hpp"

#include <cstddef>

#include "models/cash.hpp"
#include "sim/engine/statistics.hpp"

namespace acosim {

bool path_gets_aip(const AgreementPath& path) {
  return !path.by_year.empty() && !path.by_year.front().track.custom &&
         path.by_year.front().track.id == "BASIC_A";
}

bool prepaid_eligible(const TrackChoice& c) {
  const std::string& id = c.track.id;
  return !c.track.custom && (id == "BASIC_C" || id == "BASIC_D" || id == "BASIC_E" || id == "ENHANCED");
}

PathCash path_cash(const AgreementSpec& sp, const AgreementPath& path, std::span<const double> payment) {
  PathCash out;
  if (!sp.cash) return out;
  const AgreementCashSpec& c = *sp.cash;
  const bool aip = path_gets_aip(path);
  const int years = sp.total_years();
  CashLedger ledger;
  for (int y = 0; y < years; ++y) {
    const auto k = static_cast<std::size_t>(y);
    // Prepaid shared savings: the first agreement's years in Level C-E or ENHANCED (425.640(b)).
    const bool prepaid = !sp.in_renewal(y) && prepaid_eligible(path.by_year[k]);
    const CashYear cy =
        ledger.year({aip ? c.aip_paid[k] : 0.0, prepaid ? c.prepaid_paid[k] : 0.0, payment[k]});
    out.aip_paid[k] = cy.aip_paid;
    out.prepaid_paid[k] = cy.prepaid_paid;
    out.recouped[k] = cy.aip_recouped + cy.prepaid_recouped;
    // An agreement ends after this PY: the first one (before a rebased renewal) or the last one.
    const bool last = y == years - 1;
    if (last || (sp.renewal_years > 0 && y == sp.years - 1)) {
      // 425.640: the prepaid balance is due at the end of every agreement; 425.630: the AIP balance
      // carries into a renewal and is due when the ACO does not renew at once.
      out.due[k] = ledger.close(last ? c.renews_after : true);
    }
    out.net[k] = cy.cash - out.due[k];
    out.total += out.net[k];
  }
  out.aip_carried = ledger.aip_balance();
  return out;
}

std::vector<PathCashSummary> summarize_cash(const AgreementSpec& sp, const AgreementCashRuns& x,
                                            const Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1>& done) {
  std::vector<PathCashSummary> out;
  if (!sp.cash) return out;
  const int years = sp.total_years();
  std::vector<long> rows;
  for (long r = 0; r < static_cast<long>(done.size()); ++r) {
    if (done(r)) rows.push_back(r);
  }
  const double n = static_cast<double>(rows.size());
  for (std::size_t p = 0; p < sp.paths.size(); ++p) {
    PathCashSummary s;
    s.label = sp.paths[p].label;
    const PathCash paid =
        path_cash(sp, sp.paths[p], std::vector<double>(static_cast<std::size_t>(years), 0.0));
    std::vector<double> total(rows.size(), 0.0), v(rows.size());
    for (int y = 0; y < years; ++y) {
      const long col = static_cast<long>(p) * years + y;
      double negative = 0, recouped = 0, due = 0;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        v[i] = x.net(rows[i], col);
        total[i] += v[i];
        negative += v[i] < 0 ? 1 : 0;
        recouped += x.recouped(rows[i], col);
        due += x.due(rows[i], col);
      }
      const auto k = static_cast<std::size_t>(y);
      s.aip_paid.push_back(paid.aip_paid[k]);
      s.prepaid_paid.push_back(paid.prepaid_paid[k]);
      s.net_by_year.push_back(compute_stats(v));
      s.p_negative_by_year.push_back(n > 0 ? negative / n : 0.0);
      s.recouped_mean.push_back(n > 0 ? recouped / n : 0.0);
      s.due_mean.push_back(n > 0 ? due / n : 0.0);
    }
    s.net_total = compute_stats(total);
    double negative = 0;
    for (double t : total) negative += t < 0 ? 1 : 0;
    s.p_negative_total = n > 0 ? negative / n : 0.0;
    s.p_negative_total_se = binomial_se(s.p_negative_total, n);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace acosim
