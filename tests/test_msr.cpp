// MSR table (42 CFR 425.605(b)(1); spec §2.1) and the two-sided election rules (spec §2.2-2.3).
#include <catch2/catch.hpp>

#include "models/msr.hpp"
#include "models/settle.hpp"

using namespace acosim;
using Catch::Matchers::WithinAbs;

TEST_CASE("MSR table end points and interpolation", "[msr]") {
  CHECK_THAT(msr_table(500), WithinAbs(0.122, 1e-12));
  CHECK_THAT(msr_table(999), WithinAbs(0.087, 1e-12));
  CHECK_THAT(msr_table(1000), WithinAbs(0.087, 1e-12));
  CHECK_THAT(msr_table(5000), WithinAbs(0.039, 1e-12));
  CHECK_THAT(msr_table(59999), WithinAbs(0.020, 1e-12));
  CHECK_THAT(msr_table(60000), WithinAbs(0.020, 1e-12));
  CHECK_THAT(msr_table(250000), WithinAbs(0.020, 1e-12));
  // spec §2.1 worked example: 5,333 -> 3.9% x 666/999 + 3.6% x 333/999 = 3.8%.
  CHECK_THAT(msr_table(5333), WithinAbs(0.038, 1e-12));
  // spec §2.3: N_AB = 4,486 -> 4.18% (PUF value, rounded to 2 decimals).
  CHECK_THAT(msr_table(4486), WithinAbs(0.0418, 5e-5));
  // 10,000-14,999 row: 12,500 -> 3.0% - 0.3% x 2500/4999.
  CHECK_THAT(msr_table(12500), WithinAbs(0.030 - 0.003 * 2500.0 / 4999.0, 1e-12));
}

TEST_CASE("MSR table refuses fewer than 500 beneficiaries", "[msr]") {
  CHECK_THROWS_WITH(msr_table(499), Catch::Contains("below 500"));
}

TEST_CASE("Two-sided election and the below-5,000 rule", "[msr]") {
  const Track& e = *find_track("BASIC_E");
  SettlementInput in;
  in.benchmark = 1e8;
  in.expenditure = 1e8;
  in.assigned_beneficiaries = 12000;
  in.msr_election = MsrElection::fixed(0.01);
  CHECK(minimum_rates(e, in).msr == 0.01);
  CHECK(minimum_rates(e, in).mlr == 0.01);
  in.msr_election = MsrElection::table();
  CHECK(minimum_rates(e, in).msr == msr_table(12000));
  // Fixed election replaced by the table below 5,000 (42 CFR 425.110(b)(3)(iii)).
  in.msr_election = MsrElection::fixed(0.0);
  in.assigned_beneficiaries = 4999;
  CHECK(minimum_rates(e, in).msr == msr_table(4999));
  CHECK(minimum_rates(e, in).from_table);
  // One-sided tracks always use the table.
  in.assigned_beneficiaries = 20000;
  CHECK(minimum_rates(*find_track("BASIC_A"), in).msr == msr_table(20000));
}
