// Minimum savings rate (MSR) and minimum loss rate (MLR): spec §2, 42 CFR 425.605(b),
// 425.610(b); CMS spec v11 §4.2.
#pragma once

namespace acosim {

// Smallest assigned-beneficiary count the one-sided table defines (the table's first row says only
// ">= 12.2%" below 500; CMS set ad hoc values there, spec §2.1).
constexpr int kMsrTableMinBeneficiaries = 500;

// One-sided MSR [fraction] for n assigned beneficiaries (N_AB, not person-years), Table 5 with the
// exact linear interpolation of spec v11 §4.2.1:
//   MSR(n) = (m_lo (hi - n) + m_hi (n - lo)) / (hi - lo),  row [lo, hi] with hi = 999, 2,999, ...
// Throws std::invalid_argument for n < 500.
double msr_table(long n);

// Number of beneficiaries below which a two-sided ACO's fixed election is replaced by the
// variable table (42 CFR 425.110(b)(3)(iii); spec §2.3).
constexpr long kFixedElectionMinBeneficiaries = 5000;

// A two-sided ACO's MSR/MLR election (spec §2.2): variable (Table 5), or a fixed symmetric rate.
struct MsrElection {
  bool variable = true;
  double rate = 0;  // fixed MSR = MLR [fraction]: 0, 0.005, 0.01, 0.015, 0.02 (or any, for custom)
  static MsrElection table() { return {true, 0}; }
  static MsrElection fixed(double r) { return {false, r}; }
};

}  // namespace acosim
