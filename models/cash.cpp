#include "models/cash.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace acosim {
namespace {

void require_amount(double x, const char* what) {
  if (!std::isfinite(x) || x < 0) {
    throw std::invalid_argument(
        fmt::format("{} {} is out of range; allowed: a non-negative, finite number of dollars", what, x));
  }
}

}  // namespace

double repayment_mechanism_amount(double assigned_expenditure, double participant_revenue) {
  require_amount(assigned_expenditure, "assigned-beneficiary expenditure");
  require_amount(participant_revenue, "participant revenue");
  return std::min(0.005 * assigned_expenditure, 0.01 * participant_revenue);  // 425.204(f)(4)
}

bool repayment_mechanism_increase_required(double existing, double recalculated) {
  require_amount(existing, "existing repayment mechanism");
  require_amount(recalculated, "recalculated repayment mechanism");
  return recalculated - existing >= kRepaymentIncreaseThreshold;
}

bool aip_eligible(bool new_aco, bool inexperienced, bool low_revenue, bool level_a_in_py1) {
  return new_aco && inexperienced && low_revenue && level_a_in_py1;  // 425.630(b)
}

int aip_score(bool lis_or_dual, int adi_percentile) {
  if (lis_or_dual) return 100;
  if (adi_percentile < 0) return 50;  // ADI unknown
  if (adi_percentile < 1 || adi_percentile > 100) {
    throw std::invalid_argument(
        fmt::format("ADI national percentile {} is out of range; allowed: 1-100", adi_percentile));
  }
  return adi_percentile;
}

double aip_quarterly_rate(int score) {
  if (score < 1 || score > 100) {
    throw std::invalid_argument(
        fmt::format("AIP risk factors score {} is out of range; allowed: 1-100", score));
  }
  // 425.630(f) table (bench §9.2).
  if (score >= 85) return 45;
  if (score >= 75) return 40;
  if (score >= 65) return 36;
  if (score >= 55) return 32;
  if (score >= 45) return 28;
  if (score >= 35) return 24;
  if (score >= 25) return 20;
  return 0;
}

double aip_quarterly_payment(std::span<const int> scores) {
  std::vector<int> top(scores.begin(), scores.end());
  const std::size_t keep = std::min(top.size(), static_cast<std::size_t>(kAipMaxBeneficiaries));
  std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(keep), top.end(),
                    std::greater<>());
  for (int s : top) (void)aip_quarterly_rate(s);  // validate every score
  double sum = 0;
  for (std::size_t i = 0; i < keep; ++i) sum += aip_quarterly_rate(top[i]);
  return sum;
}

double prepaid_multiplier(double per_capita_savings_by1, double per_capita_savings_by2, double proration,
                          double national_per_capita_by2) {
  if (!std::isfinite(proration) || proration < 0 || proration > 1) {
    throw std::invalid_argument(
        fmt::format("prepaid shared savings proration {} is out of range; allowed: [0, 1]", proration));
  }
  require_amount(national_per_capita_by2, "national per capita");
  const double average = (per_capita_savings_by1 + per_capita_savings_by2) / 2.0;
  if (!std::isfinite(average)) throw std::invalid_argument("prior per capita savings must be finite");
  if (average <= 0) return 0.0;
  // 425.640: (2/3) x 50% x pi x average, capped at 5% of national per capita (BY2).
  return std::min((2.0 / 3.0) * 0.50 * proration * average, 0.05 * national_per_capita_by2);
}

double prepaid_quarterly_payment(double multiplier, double person_years) {
  require_amount(multiplier, "prepaid multiplier");
  require_amount(person_years, "person-years");
  return 0.25 * multiplier * person_years;
}

double recoup(double balance, double earned_savings) {
  require_amount(balance, "balance");
  return std::min(balance, std::max(0.0, earned_savings));
}

CashLedger::CashLedger(double aip_balance, double prepaid_balance)
    : aip_balance_(aip_balance), prepaid_balance_(prepaid_balance) {
  require_amount(aip_balance, "AIP balance");
  require_amount(prepaid_balance, "prepaid shared savings balance");
}

CashYear CashLedger::year(const CashYearInput& in) {
  require_amount(in.aip_paid, "AIP paid");
  require_amount(in.prepaid_paid, "prepaid shared savings paid");
  if (!std::isfinite(in.settlement)) throw std::invalid_argument("settlement payment must be finite");
  CashYear y;
  y.aip_paid = in.aip_paid;
  y.prepaid_paid = in.prepaid_paid;
  aip_balance_ += in.aip_paid;
  prepaid_balance_ += in.prepaid_paid;
  y.savings = std::max(0.0, in.settlement);
  y.losses = std::max(0.0, -in.settlement);
  y.aip_recouped = recoup(aip_balance_, y.savings);  // AIP first (bench §11 step 9)
  aip_balance_ -= y.aip_recouped;
  y.prepaid_recouped = recoup(prepaid_balance_, y.savings - y.aip_recouped);
  prepaid_balance_ -= y.prepaid_recouped;
  y.aip_balance = aip_balance_;
  y.prepaid_balance = prepaid_balance_;
  y.cash = y.aip_paid + y.prepaid_paid + (y.savings - y.aip_recouped - y.prepaid_recouped) - y.losses;
  return y;
}

double CashLedger::close(bool renews_immediately) {
  double due = prepaid_balance_;
  prepaid_balance_ = 0;
  if (!renews_immediately) {
    due += aip_balance_;
    aip_balance_ = 0;
  }
  return due;
}

}  // namespace acosim
