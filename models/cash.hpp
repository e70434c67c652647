// Cash items around settlement (benchmark-rules.md §9, cited "bench §9"): the repayment mechanism
// (42 CFR 425.204(f)(4)), advance investment payments and their recoupment (425.630), prepaid
// shared savings (425.640), and net cash per PY with balances carried across the years of an
// agreement. Pure; money in USD.
#pragma once

#include <span>

namespace acosim {

// ---- §9.1 Repayment mechanism (425.204(f)(4)) --------------------------------------------------

// min(0.5% x A+B expenditures of assigned beneficiaries, 1% x ACO participants' A+B FFS revenue),
// from the most recent CY with 12 months of data [USD].
double repayment_mechanism_amount(double assigned_expenditure, double participant_revenue);

// An increase is required only when the recalculated amount exceeds the existing one by
// >= $1,000,000 (recalculated each year from PY2).
constexpr double kRepaymentIncreaseThreshold = 1'000'000.0;
bool repayment_mechanism_increase_required(double existing, double recalculated);

// ---- §9.2 Advance investment payments (425.630) ------------------------------------------------

constexpr double kAipOneTimePayment = 250'000.0;  // at the start of PY1 [USD]
constexpr int kAipMaxBeneficiaries = 10'000;      // the highest-scoring assigned beneficiaries
constexpr int kAipMaxQuarters = 8;                // quarterly payments in PY1-PY2

// Eligibility: new (not renewing or re-entering), inexperienced, low revenue, Level A in PY1.
bool aip_eligible(bool new_aco, bool inexperienced, bool low_revenue, bool level_a_in_py1);

// A beneficiary's score: 100 for LIS or dual, else the ADI national percentile (50 if unknown,
// give adi_percentile < 0) [1-100].
int aip_score(bool lis_or_dual, int adi_percentile);

// Quarterly payment per beneficiary for a score: 1-24 $0, 25-34 $20, 35-44 $24, 45-54 $28,
// 55-64 $32, 65-74 $36, 75-84 $40, 85-100 $45 [USD per beneficiary per quarter].
double aip_quarterly_rate(int score);

// One quarterly payment: the sum of aip_quarterly_rate over the 10,000 highest-scoring assigned
// beneficiaries [USD]. Scores outside [1, 100] throw std::invalid_argument.
double aip_quarterly_payment(std::span<const int> scores);

// ---- §9.3 Prepaid shared savings (425.640) -----------------------------------------------------

// multiplier = min((2/3) x 50% x pi x avg(per capita savings of the BY1, BY2 PYs),
//                  5% x Nbar_BY2) [USD per person-year]; pi is the proration [K]. A non-positive
// average gives 0 (no prepayment).
double prepaid_multiplier(double per_capita_savings_by1, double per_capita_savings_by2, double proration,
                          double national_per_capita_by2);

// One quarterly prepayment: 25% x multiplier x PY person-years (latest assignment list) [USD].
double prepaid_quarterly_payment(double multiplier, double person_years);

// ---- §9.4 Net cash per PY, balances across the agreement ---------------------------------------

// Recovery from earned savings: min(balance, max(0, savings)); nothing in a loss year.
double recoup(double balance, double earned_savings);

struct CashYearInput {
  double aip_paid = 0;      // AIP received for the PY (one-time + quarterly) [USD]
  double prepaid_paid = 0;  // prepaid shared savings received for the PY [USD]
  double settlement = 0;    // settle() payment: + shared savings (after sequester and cap),
                            // - shared losses [USD]
};

struct CashYear {
  double aip_paid = 0, prepaid_paid = 0;
  double savings = 0;           // S_y >= 0 [USD]
  double losses = 0;            // L_y >= 0 [USD], due 90 days after notice
  double aip_recouped = 0;      // R_AIP,y (first) [USD]
  double prepaid_recouped = 0;  // R_pre,y (then) [USD]
  double aip_balance = 0;       // outstanding after this PY [USD]
  double prepaid_balance = 0;
  double cash = 0;  // paid_AIP + paid_prepaid + (S - R_AIP - R_pre) - L [USD]
};

// Balances carried across the years of an agreement (bench §9.2-§9.4; §11 step 9: the AIP is
// recouped before the prepaid balance).
class CashLedger {
 public:
  CashLedger() = default;
  // Balances brought in from an earlier agreement (the AIP balance carries into later agreements).
  CashLedger(double aip_balance, double prepaid_balance);

  CashYear year(const CashYearInput& in);

  // End of the agreement: the prepaid balance is due (90 days after notice, then from the RM);
  // the AIP balance is due unless the ACO renews at once (it then carries forward), and so it is
  // on termination (425.630). Returns the amount due [USD] and clears what was due.
  double close(bool renews_immediately);

  double aip_balance() const { return aip_balance_; }
  double prepaid_balance() const { return prepaid_balance_; }

 private:
  double aip_balance_ = 0, prepaid_balance_ = 0;
};

}  // namespace acosim
