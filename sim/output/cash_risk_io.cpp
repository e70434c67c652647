#include "sim/output/cash_risk_io.hpp"

#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/output/hdf5_file.hpp"

namespace acosim {

void write_cash_risk(h5::FileWriter& w, const SimulationResults& r) {
  if (r.cash_risk.empty()) return;
  w.group("/cash_risk",
          "per two-sided CMS track: the repayment mechanism RM = min(0.5% of expected expenditure, 1% of "
          "participant revenue) (42 CFR 425.204(f)(4)) and P(shared losses > RM) over completed runs");
  std::vector<std::string> labels;
  std::vector<double> rm, p, se, guard;
  std::vector<std::int8_t> revenue, has_guard;
  for (const TrackCashRisk& c : r.cash_risk) {
    labels.push_back(c.label);
    rm.push_back(c.repayment_mechanism);
    revenue.push_back(c.revenue_given ? 1 : 0);
    p.push_back(c.p_losses_exceed);
    se.push_back(c.p_losses_exceed_se);
    has_guard.push_back(c.p_guardrail ? 1 : 0);
    guard.push_back(c.p_guardrail.value_or(0.0));
  }
  w.strings("/cash_risk/label", labels, "track label of each row (a column of /runs/payment)");
  w.vector("/cash_risk/repayment_mechanism", rm, "USD", "repayment mechanism amount RM");
  w.vector("/cash_risk/revenue_given", revenue, "0/1", "1: RM used 1% of aco.participant_revenue");
  w.vector("/cash_risk/p_losses_exceed", p, "probability [0-1]", "P(shared losses > RM)");
  w.vector("/cash_risk/p_losses_exceed_se", se, "probability [0-1]", "binomial MC standard error");
  w.vector("/cash_risk/has_guardrail", has_guard, "0/1", "1: benchmark mode cms (p_guardrail is set)");
  w.vector("/cash_risk/p_guardrail", guard, "probability [0-1]",
           "P(ACPT loss guardrail triggered) (42 CFR 425.652(b)(5)); 0 where has_guardrail is 0");
}

void read_cash_risk(h5::FileReader& rd, SimulationResults& r) {
  if (!rd.exists("/cash_risk")) return;
  const std::vector<hsize_t> dims = rd.dims("/cash_risk/label");
  if (dims.size() != 1) rd.fail("dataset /cash_risk/label is not 1-D");
  const hsize_t n = dims[0];
  const auto labels = rd.strings("/cash_risk/label", {n});
  const auto rm = rd.numbers<double>("/cash_risk/repayment_mechanism", {n});
  const auto revenue = rd.numbers<std::int8_t>("/cash_risk/revenue_given", {n});
  const auto p = rd.numbers<double>("/cash_risk/p_losses_exceed", {n});
  const auto se = rd.numbers<double>("/cash_risk/p_losses_exceed_se", {n});
  const auto has_guard = rd.numbers<std::int8_t>("/cash_risk/has_guardrail", {n});
  const auto guard = rd.numbers<double>("/cash_risk/p_guardrail", {n});
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (std::find(r.table.tracks.begin(), r.table.tracks.end(), labels[i]) == r.table.tracks.end()) {
      rd.fail(fmt::format("/cash_risk row {} names no track: '{}'", i, labels[i]));
    }
    TrackCashRisk c{labels[i], rm[i], revenue[i] != 0, p[i], se[i], std::nullopt};
    if (has_guard[i]) c.p_guardrail = guard[i];
    r.cash_risk.push_back(std::move(c));
  }
}

}  // namespace acosim
