#include "sim/input/unit_slips.hpp"

#include <cmath>

#include <fmt/format.h>

namespace acosim {

namespace {

// A plausible floor for dollars per beneficiary-year: the lowest national enrollment-type mean is
// $11,300 (cost-model.md §2); a mean below $500 is thousands of dollars typed as dollars.
constexpr double kMinPlausibleCostPerCapita = 500;  // [USD per beneficiary-year]
// ACO-participant A+B FFS revenue per assigned beneficiary is thousands of dollars; below $100 it
// is a figure in thousands or millions.
constexpr double kMinPlausibleRevenuePerBeneficiary = 100;  // [USD per beneficiary]
// Risk limits below $1,000 for an ACO whose benchmark is millions: millions typed as units.
constexpr double kMinPlausibleRiskAmount = 1000;  // [USD]
// Measured ACO effects on spending are a few percent; beyond 25% it is a percent typed as a fraction.
constexpr double kMaxPlausibleTrueEffect = 0.25;  // [fraction]

std::string money(double x) { return fmt::format("${:.6g}", x); }

}  // namespace

std::vector<std::string> unit_slip_warnings(const Scenario& s) {
  std::vector<std::string> w;
  if (s.quality.mean > 0 && s.quality.mean <= 1) {
    w.push_back(
        fmt::format("quality.score: mean {:g} reads as a score of {:g} out of 100 (quality scores run 0-100, "
                    "not 0-1); did you mean {:g}? [rule quality-score-fraction]",
                    s.quality.mean, s.quality.mean, 100 * s.quality.mean));
  }
  if (s.qps_threshold && *s.qps_threshold > 0 && *s.qps_threshold <= 1) {
    w.push_back(fmt::format(
        "quality.threshold: {:g} reads as a score of {:g} out of 100 (quality scores run 0-100, not "
        "0-1); did you mean {:g}? [rule quality-threshold-fraction]",
        *s.qps_threshold, *s.qps_threshold, 100 * *s.qps_threshold));
  }
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto k = static_cast<std::size_t>(e);
    if (s.beneficiaries[k] > 0 && !s.empirical[k] && s.cost_means[k] < kMinPlausibleCostPerCapita) {
      w.push_back(
          fmt::format("cost_model.types.{}.mean: {} per beneficiary-year is far below any Medicare "
                      "population (national means $11,300 to $88,800): the amount is in dollars, not "
                      "thousands [rule cost-mean-dollars]",
                      to_string(static_cast<EnrollmentType>(e)), money(s.cost_means[k])));
    }
  }
  if (s.benchmark_per_capita && *s.benchmark_per_capita < kMinPlausibleCostPerCapita) {
    w.push_back(
        fmt::format("benchmark.per_capita: {} per beneficiary-year is far below any Medicare benchmark: the "
                    "amount is in dollars, not thousands [rule per-capita-dollars]",
                    money(*s.benchmark_per_capita)));
  }
  const double n = static_cast<double>(s.total_beneficiaries());
  if (s.participant_revenue && *s.participant_revenue > 0 &&
      *s.participant_revenue < kMinPlausibleRevenuePerBeneficiary * n) {
    w.push_back(
        fmt::format("aco.participant_revenue: {} is under ${:g} per assigned beneficiary: the amount is in "
                    "dollars (3e7 for $30 million) [rule revenue-dollars]",
                    money(*s.participant_revenue), kMinPlausibleRevenuePerBeneficiary));
  }
  if (std::abs(s.true_effect.mean) > kMaxPlausibleTrueEffect) {
    w.push_back(fmt::format(
        "true_effect: mean {:g} is a {:g}% change in spending, far beyond measured ACO effects (a "
        "few percent); if you meant {:g}%, write {:g}% [rule true-effect-percent]",
        s.true_effect.mean, 100 * s.true_effect.mean, s.true_effect.mean, s.true_effect.mean));
  }
  if (s.risk) {
    for (const auto& [key, value] :
         {std::pair{"risk.max_loss", s.risk->max_loss}, std::pair{"risk.max_es", s.risk->max_es}}) {
      if (value && *value > 0 && *value < kMinPlausibleRiskAmount) {
        w.push_back(
            fmt::format("{}: {} is a limit of a few dollars: amounts are in dollars (2e6 for $2 million) "
                        "[rule risk-amount-dollars]",
                        key, money(*value)));
      }
    }
  }
  return w;
}

}  // namespace acosim
