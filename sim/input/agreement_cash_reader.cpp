#include "sim/input/agreement_cash_reader.hpp"

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "models/cash.hpp"
#include "sim/common/format.hpp"
#include "sim/engine/agreement_cash.hpp"
#include "sim/input/key_schema.hpp"

namespace acosim {

namespace {

constexpr double kAipTopRate = 45.0;  // 425.630: the highest quarterly rate [USD per beneficiary]

// 425.630: $250,000 at the start of PY1, then `quarters` quarterly payments, 4 a year in PY1-PY2.
void read_aip(const Reader& rd, const YAML::Node& node, const Scenario& s, const AgreementSpec& sp,
              AgreementCashSpec& c) {
  const std::string key = "agreement.cash.aip";
  check_section_keys(rd, node, key);
  const long quarters =
      node["quarters"] ? read_integer(rd, node["quarters"], key + ".quarters") : kAipMaxQuarters;
  if (!node["quarterly_payment"]) rd.fail(node, key + ".quarterly_payment", "is required (USD per quarter)");
  const double quarterly = read_number(rd, node["quarterly_payment"], key + ".quarterly_payment");
  const long scored = std::min<long>(s.total_beneficiaries(), kAipMaxBeneficiaries);
  if (quarterly > kAipTopRate * static_cast<double>(scored)) {
    rd.fail(
        node["quarterly_payment"], key + ".quarterly_payment",
        fmt::format("{} exceeds $45 x {} beneficiaries = {}: a payment is at most $45 for each of the "
                    "ACO's 10,000 highest-scoring assigned beneficiaries (42 CFR 425.630(e))",
                    money_full(quarterly), scored, money_full(kAipTopRate * static_cast<double>(scored))));
  }
  if (!s.low_revenue) {
    rd.fail(node, key,
            "advance investment payments go to low-revenue ACOs only (42 CFR 425.630(b)); set "
            "aco.low_revenue: true or remove agreement.cash.aip");
  }
  if (sp.start_year < 2024) {
    rd.fail(node, key,
            fmt::format("advance investment payments start with agreements beginning 1 January "
                        "2024 (42 CFR 425.630(b)); agreement.start_year is {}",
                        sp.start_year));
  }
  if (std::none_of(sp.paths.begin(), sp.paths.end(), path_gets_aip)) {
    rd.fail(node, key,
            "no path starts in BASIC Level A, so none is eligible (42 CFR 425.630(b): Level A "
            "in PY1); start a path with {glide: A} or remove agreement.cash.aip");
  }
  for (long q = 0; q < quarters; ++q) {
    const auto y = static_cast<std::size_t>(q / 4);
    if (y < c.aip_paid.size()) c.aip_paid[y] += quarterly;
  }
  c.aip_paid[0] += kAipOneTimePayment;
}

// 425.640: multiplier [USD per person-year] from the prior savings; 4 quarterly payments a year of
// 25% x multiplier x person-years (the assigned panel), in PYs from 2026.
void read_prepaid(const Reader& rd, const YAML::Node& node, const Scenario& s, const AgreementSpec& sp,
                  AgreementCashSpec& c) {
  const std::string key = "agreement.cash.prepaid";
  check_section_keys(rd, node, key);
  // Every value given is range-checked first (its schema row), then the required ones.
  const auto value = [&](const char* k, double fallback) {
    return node[k] ? read_number(rd, node[k], key + "." + k) : fallback;
  };
  const double by1 = value("prior_savings_by1", 0), by2 = value("prior_savings_by2", 0);
  const double national = value("national_per_capita_by2", 0), proration = value("proration", 1.0);
  for (const char* k : {"prior_savings_by1", "prior_savings_by2", "national_per_capita_by2"}) {
    if (!node[k]) rd.fail(node, key + "." + k, "is required (USD per person-year)");
  }
  if (sp.start_year < 2025) {
    rd.fail(node, key,
            fmt::format("prepaid shared savings go to renewing ACOs in agreements from 2026 (or a "
                        "2025 renewal, from PY2026: 42 CFR 425.640(b)); agreement.start_year is {}",
                        sp.start_year));
  }
  c.prepaid_multiplier = prepaid_multiplier(by1, by2, proration, national);
  if (c.prepaid_multiplier <= 0) {
    rd.fail(node, key,
            fmt::format("the prior per capita savings average {} <= 0: an ACO needs savings to be "
                        "eligible, and the multiplier would be $0 (42 CFR 425.640(b), (c))",
                        money_full((by1 + by2) / 2)));
  }
  const double quarterly =
      prepaid_quarterly_payment(c.prepaid_multiplier, static_cast<double>(s.total_beneficiaries()));
  bool any = false;
  for (int y = 0; y < sp.years; ++y) {
    if (sp.performance_year[static_cast<std::size_t>(y)] < 2026) continue;
    c.prepaid_paid[static_cast<std::size_t>(y)] = 4 * quarterly;
    for (const AgreementPath& p : sp.paths)
      any = any || prepaid_eligible(p.by_year[static_cast<std::size_t>(y)]);
  }
  if (!any) {
    rd.fail(node, key,
            "no path is in Level C-E or ENHANCED in a PY from 2026 of the first agreement, so none "
            "is eligible (42 CFR 425.640(b))");
  }
}

}  // namespace

AgreementCashSpec read_agreement_cash(const Reader& rd, const YAML::Node& node, const Scenario& s,
                                      const AgreementSpec& sp) {
  check_section_keys(rd, node, "agreement.cash");
  AgreementCashSpec c;
  c.aip_paid.assign(static_cast<std::size_t>(sp.total_years()), 0.0);
  c.prepaid_paid.assign(static_cast<std::size_t>(sp.total_years()), 0.0);
  if (node["aip"] && node["prepaid"]) {
    rd.fail(node, "agreement.cash",
            "give aip or prepaid, not both: AIP goes to new ACOs (425.630(b)), prepaid "
            "shared savings to renewing ACOs with no AIP outstanding (425.640(b))");
  }
  if (!node["aip"] && !node["prepaid"]) rd.fail(node, "agreement.cash", "needs aip or prepaid");
  if (node["aip"]) read_aip(rd, node["aip"], s, sp, c);
  if (node["prepaid"]) read_prepaid(rd, node["prepaid"], s, sp, c);
  if (node["renews_after"]) c.renews_after = rd.boolean(node["renews_after"], "agreement.cash.renews_after");
  return c;
}

}  // namespace acosim
