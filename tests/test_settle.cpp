// settle(): MSSP financial reconciliation of one ACO-year (shared/spec/settlement-rules.md, cited
// "spec §N"; 42 CFR 425.604 Track 1, 425.605 BASIC, 425.606 Track 2, 425.610 Track 3/ENHANCED,
// 425.512 quality). Every expected value is computed by hand from the spec; the arithmetic is in
// the comment next to it. Money in USD, rates as fractions.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "models/msr.hpp"
#include "models/settle.hpp"
#include "models/track.hpp"

using namespace acosim;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

constexpr double kCent = 0.01;   // dollar amounts: one cent
constexpr double kRate = 1e-12;  // rates

const Track& track(const char* id) {
  const Track* t = find_track(id);
  REQUIRE(t != nullptr);
  return *t;
}

// One ACO-year with B and E given directly (reduced form, spec §4.3). N_AB = 60,000 puts a
// one-sided ACO on the flat 2.0% floor of Table 5 (spec §2.1), which is an exact double.
SettlementInput year(int py, double B, double E, long n_ab = 60000) {
  SettlementInput in;
  in.performance_year = py;
  in.benchmark = B;
  in.expenditure = E;
  in.assigned_beneficiaries = n_ab;
  in.quality_score = 100;
  in.met_qps = true;
  return in;
}

SettlementInput two_sided_year(int py, double B, double E, double elected) {
  SettlementInput in = year(py, B, E, 20000);
  in.msr_election = MsrElection::fixed(elected);
  return in;
}

constexpr double kB = 100'000'000.0;  // $100M benchmark used in most cases

}  // namespace

// ---------------------------------------------------------------------------------------------
// Historic tracks, PY2018: quality-scaled FSR = max x Q (spec §3.1, §7), 2% sequester (spec §5.1)
// ---------------------------------------------------------------------------------------------

TEST_CASE("Track 1 PY2018: FSR = 50% x Q, first dollar, 2% sequester", "[settle][track1]") {
  // spec §1.2 / 42 CFR 425.604: max 50%; N_AB 60,000 -> MSR 2% (425.605(b)(1) Table 5 floor).
  // B = 100M, E = 95M: G = 5M, r = 5% >= 2%. Q = 90 -> FSR = 0.50 x 0.90 = 0.45.
  SettlementInput in = year(2018, kB, 95e6);
  in.quality_score = 90;
  const Settlement s = settle(track("TRACK_1"), in);
  CHECK(s.outcome == Outcome::SharedSavings);
  CHECK_THAT(s.sharing_rate, WithinAbs(0.45, kRate));
  // 5M x 0.45 = 2,250,000; sequester 2% = 45,000; paid 2,205,000 (cap 10% x 100M = 10M not hit).
  CHECK_THAT(s.sequestration, WithinAbs(45'000.0, kCent));
  CHECK_THAT(s.payment, WithinAbs(2'205'000.0, kCent));
}

TEST_CASE("Track 2 PY2018: FSR = 60% x Q, loss rate 1 - FSR (41.2% at Q = 98)", "[settle][track2]") {
  const Track& t2 = track("TRACK_2");
  // spec §1.2 / 425.606: 2012-2015 starts have a fixed 2% MSR/MLR.
  // Savings: B = 100M, E = 96M, G = 4M, r = 4% >= 2%; Q = 90 -> FSR = 0.60 x 0.90 = 0.54;
  // 4M x 0.54 x 0.98 = 2,116,800 (cap 15% x B = 15M not hit).
  SettlementInput in = two_sided_year(2018, kB, 96e6, 0.02);
  in.quality_score = 90;
  CHECK_THAT(settle(t2, in).payment, WithinAbs(2'116'800.0, kCent));
  // Losses: E = 103M, G = -3M, |r| = 3% >= 2% MLR. Q = 98 -> FSR 0.588 -> loss rate
  // 1 - 0.588 = 0.412 (spec §1.2 [V-data]: "41.2% at FSR 58.8%"); 3M x 0.412 = 1,236,000
  // (limit 10% x B in the 3rd year = 10M not hit). No sequester on losses (spec §5.1).
  in.expenditure = 103e6;
  in.quality_score = 98;
  const Settlement s = settle(t2, in);
  CHECK(s.outcome == Outcome::SharedLosses);
  CHECK_THAT(s.loss_rate, WithinAbs(0.412, kRate));
  CHECK_THAT(s.payment, WithinAbs(-1'236'000.0, kCent));
}

TEST_CASE("Track 3 PY2018: FSR = 75% x Q, loss rate 1 - FSR in [40%, 75%]", "[settle][track3]") {
  const Track& t3 = track("TRACK_3");
  // spec §1.2 / 425.610: elected MSR 0.5%. Savings: B = 100M, E = 95M, G = 5M; Q = 80 ->
  // FSR = 0.75 x 0.80 = 0.60; 5M x 0.60 x 0.98 = 2,940,000 (cap 20M not hit).
  SettlementInput in = two_sided_year(2018, kB, 95e6, 0.005);
  in.quality_score = 80;
  CHECK_THAT(settle(t3, in).payment, WithinAbs(2'940'000.0, kCent));
  // Losses: E = 102M, G = -2M. Q = 50 -> FSR 0.375 -> loss rate 0.625 (inside [0.40, 0.75]);
  // 2M x 0.625 = 1,250,000 (limit 15% x B = 15M not hit).
  in.expenditure = 102e6;
  in.quality_score = 50;
  const Settlement s = settle(t3, in);
  CHECK_THAT(s.loss_rate, WithinAbs(0.625, kRate));
  CHECK_THAT(s.payment, WithinAbs(-1'250'000.0, kCent));
  // Q = 80 -> FSR 0.60 -> 1 - 0.60 = 0.40, the floor: 2M x 0.40 = 800,000.
  in.quality_score = 80;
  CHECK_THAT(settle(t3, in).payment, WithinAbs(-800'000.0, kCent));
}

TEST_CASE("Track 1+ PY2018: FSR = 50% x Q, 30% fixed loss rate", "[settle][track1plus]") {
  const Track& t1p = track("TRACK_1_PLUS");
  // spec §1.2: elected MSR 1%. Savings: G = 4M, Q = 90 -> FSR 0.45; 4M x 0.45 x 0.98 = 1,764,000.
  SettlementInput in = two_sided_year(2018, kB, 96e6, 0.01);
  in.quality_score = 90;
  CHECK_THAT(settle(t1p, in).payment, WithinAbs(1'764'000.0, kCent));
  // Losses: G = -3M; loss rate 30% whatever Q (spec §1.2 [V-data]); 3M x 0.30 = 900,000;
  // revenue 50M -> limit min(8% x 50M = 4M, 4% x 100M = 4M) = 4M, not hit.
  in.expenditure = 103e6;
  in.participant_revenue = 50e6;
  const Settlement s = settle(t1p, in);
  CHECK_THAT(s.loss_rate, WithinAbs(0.30, kRate));
  CHECK_THAT(s.payment, WithinAbs(-900'000.0, kCent));
}

// ---------------------------------------------------------------------------------------------
// PY-dependent rules: no sequester PY2019-20, all-or-nothing PY2021-22, alternative QPS PY2023+,
// PHE relief (spec §3, §5.1, §5.2, §7)
// ---------------------------------------------------------------------------------------------

TEST_CASE("PY2019 and PY2020 savings are not sequestered", "[settle][sequester]") {
  // spec §5.1 [V-data]: ratio 0.9999-1.0000 in PY2019-20. Track 1 PY2019: G = 5M, Q = 90 ->
  // FSR 0.45 -> 5M x 0.45 = 2,250,000 with no sequester.
  SettlementInput in = year(2019, kB, 95e6);
  in.quality_score = 90;
  const Settlement t1 = settle(track("TRACK_1"), in);
  CHECK(t1.sequestration == 0.0);
  CHECK_THAT(t1.payment, WithinAbs(2'250'000.0, kCent));
  // BASIC A PY2020 (42 CFR 425.605, still quality-scaled in PY2020, spec §3.1): FSR = 0.40 x 0.90
  // = 0.36; 5M x 0.36 = 1,800,000.
  in.performance_year = 2020;
  CHECK_THAT(settle(track("BASIC_A"), in).payment, WithinAbs(1'800'000.0, kCent));
}

TEST_CASE("PY2022 all-or-nothing: QPS met pays the full max rate, missed pays nothing", "[settle][quality]") {
  // spec §3.2 / 425.512(a)(3)-(4): meeting the QPS pays max (not max x Q). BASIC B PY2022, Q = 75:
  // G = 5M -> 5M x 0.40 x 0.98 = 1,960,000.
  SettlementInput in = year(2022, kB, 95e6);
  in.quality_score = 75;
  const Settlement met = settle(track("BASIC_B"), in);
  CHECK_THAT(met.sharing_rate, WithinAbs(0.40, kRate));
  CHECK_THAT(met.payment, WithinAbs(1'960'000.0, kCent));
  // QPS missed: no savings. The alternative QPS does not exist before PY2023 (spec §3.3, §7).
  in.met_qps = false;
  in.met_alt_qps = true;
  const Settlement failed = settle(track("BASIC_B"), in);
  CHECK(failed.outcome == Outcome::QualityFailed);
  CHECK(failed.payment == 0.0);
}

TEST_CASE("PY2024 alternative QPS: FSR = max x Q/100 (Level B, Q = 76.59 -> 30.636%)", "[settle][quality]") {
  // spec §3.3 [V-doc][V-data]: "Level B with Q = 76.59 -> 30.64%": 0.40 x 0.7659 = 0.30636.
  // G = 5M -> 5M x 0.30636 x 0.98 = 1,501,164.
  SettlementInput in = year(2024, kB, 95e6);
  in.quality_score = 76.59;
  in.met_qps = false;
  in.met_alt_qps = true;
  const Settlement s = settle(track("BASIC_B"), in);
  CHECK_THAT(s.sharing_rate, WithinAbs(0.30636, kRate));
  CHECK_THAT(s.payment, WithinAbs(1'501'164.0, kCent));
  // Neither standard met: no savings (spec §3.3).
  in.met_alt_qps = false;
  CHECK(settle(track("BASIC_B"), in).outcome == Outcome::QualityFailed);
}

TEST_CASE("PY2023 PHE relief forgives 5/12 of shared losses", "[settle][relief]") {
  // spec §5.2 [V-data: 7/12 = 0.5831 owed]. BASIC C PY2023, MLR 1%, B = 100M, E = 102M:
  // G = -2M -> 2M x 0.30 = 600,000; limit min(2% x 100M = 2M, 1% x 100M = 1M) = 1M not hit;
  // relief 600,000 x 5/12 = 250,000 -> owed 350,000.
  SettlementInput in = two_sided_year(2023, kB, 102e6, 0.01);
  in.participant_revenue = 100e6;
  const Settlement s = settle(track("BASIC_C"), in);
  CHECK_THAT(s.loss_relief, WithinAbs(250'000.0, kCent));
  CHECK_THAT(s.payment, WithinAbs(-350'000.0, kCent));
}

TEST_CASE("PY2022 PHE relief zeroes losses, ENHANCED loss rate is 1 - FSR = 40% when QPS met",
          "[settle][relief]") {
  // spec §3.2: ENHANCED PY2021-22 loss rate 1 - 0.75 = 0.25 -> floor 0.40 (425.610(f)).
  // spec §5.2: PY2020-22 relief 100%. MLR 0, G = -2M -> 2M x 0.40 = 800,000, all forgiven.
  SettlementInput in = two_sided_year(2022, kB, 102e6, 0.0);
  const Settlement s = settle(track("ENHANCED"), in);
  CHECK_THAT(s.loss_rate, WithinAbs(0.40, kRate));
  CHECK_THAT(s.loss_relief, WithinAbs(800'000.0, kCent));
  CHECK_THAT(s.payment, WithinAbs(0.0, kCent));
}

// ---------------------------------------------------------------------------------------------
// Thresholds: inclusive MSR / MLR, first-dollar sharing, one-sided losses (spec §0, §2, §5)
// ---------------------------------------------------------------------------------------------

TEST_CASE("One-sided MSR is inclusive: below / at / above 2.0%", "[settle][msr]") {
  // BASIC A PY2024, N_AB 60,000 -> MSR 2.0% (425.605(b)(1) floor). B = 100M.
  const Track& a = track("BASIC_A");
  // Below: E = 98,000,001 -> G = 1,999,999, r < 2% -> nothing.
  const Settlement below = settle(a, year(2024, kB, 98'000'001.0));
  CHECK(below.outcome == Outcome::BelowMsr);
  CHECK(below.payment == 0.0);
  // At: E = 98M -> G = 2M, r = 2% exactly (2e6/1e8 rounds to the same double as 0.02) -> shared
  // from the first dollar: 2M x 0.40 x 0.98 = 784,000.
  CHECK_THAT(settle(a, year(2024, kB, 98e6)).payment, WithinAbs(784'000.0, kCent));
  // Above: E = 97M -> G = 3M -> 3M x 0.40 x 0.98 = 1,176,000.
  CHECK_THAT(settle(a, year(2024, kB, 97e6)).payment, WithinAbs(1'176'000.0, kCent));
}

TEST_CASE("Two-sided MLR is inclusive: below / at / above 1.5%", "[settle][msr]") {
  // BASIC E PY2024, elected MSR = MLR = 1.5% (425.605(b)(2)); revenue 100M -> limit
  // min(8M, 4M) = 4M, never hit here.
  const Track& e = track("BASIC_E");
  SettlementInput in = two_sided_year(2024, kB, 101'499'999.0, 0.015);
  in.participant_revenue = 100e6;
  // Below: |G| = 1,499,999 < 1.5M -> nothing.
  const Settlement below = settle(e, in);
  CHECK(below.outcome == Outcome::BelowMlr);
  CHECK(below.payment == 0.0);
  // At: E = 101.5M -> |G| = 1.5M, |r| = 1.5% exactly -> 1.5M x 0.30 = 450,000 owed.
  in.expenditure = 101.5e6;
  CHECK_THAT(settle(e, in).payment, WithinAbs(-450'000.0, kCent));
  // Above: E = 102M -> 2M x 0.30 = 600,000 owed.
  in.expenditure = 102e6;
  CHECK_THAT(settle(e, in).payment, WithinAbs(-600'000.0, kCent));
}

TEST_CASE("Fixed election below 5,000 beneficiaries falls back to the variable table", "[settle][msr]") {
  // 425.110(b)(3)(iii), spec §2.3: BASIC E elected 0%, but N_AB 4,999 -> Table 5 end point
  // 3.9%. r = 3% (G = 3M) < 3.9% -> nothing, although it would clear a 0% MSR.
  SettlementInput in = two_sided_year(2024, kB, 97e6, 0.0);
  in.assigned_beneficiaries = 4999;
  const Settlement s = settle(track("BASIC_E"), in);
  CHECK_THAT(s.msr, WithinAbs(0.039, 1e-12));
  CHECK(s.payment == 0.0);
}

TEST_CASE("Sharing is first-dollar: the rate applies to all of G, not G - MSR x B", "[settle][msr]") {
  // spec §0, §2 [V-doc][V-data]: BASIC A PY2024, MSR 2%, G = 5M ->
  // 5M x 0.40 x 0.98 = 1,960,000 (net-of-threshold would be 3M x 0.40 x 0.98 = 1,176,000).
  CHECK_THAT(settle(track("BASIC_A"), year(2024, kB, 95e6)).payment, WithinAbs(1'960'000.0, kCent));
}

TEST_CASE("One-sided tracks never owe losses", "[settle][losses]") {
  // spec §1 tables: Track 1, BASIC A/B are one-sided; G = -10M -> 0.
  const Settlement a = settle(track("BASIC_A"), year(2024, kB, 110e6));
  CHECK(a.payment == 0.0);
  CHECK(a.outcome == Outcome::BelowMsr);
  CHECK(settle(track("TRACK_1"), year(2018, kB, 110e6)).payment == 0.0);
}

// ---------------------------------------------------------------------------------------------
// Caps: performance payment limit after sequestration; loss limits (spec §1, §5 step 9)
// ---------------------------------------------------------------------------------------------

TEST_CASE("Performance payment limit 10% binds after the sequester: payment = exactly PPL x B",
          "[settle][cap]") {
  const Track& a = track("BASIC_A");
  // BASIC A PY2024: G = 30M -> 30M x 0.40 = 12M, x 0.98 = 11.76M > 10% x 100M -> exactly 10M
  // (spec §5 step 9 [V-data]: capped cases equal PPL x B, not 0.98 x PPL x B).
  const Settlement capped = settle(a, year(2024, kB, 70e6));
  CHECK(capped.cap_bound);
  CHECK_THAT(capped.payment, WithinAbs(10'000'000.0, kCent));
  // G = 25.3M -> 10.12M before the sequester, 10.12M x 0.98 = 9,917,600 < 10M: not capped
  // (capping first would give 10M x 0.98 = 9.8M).
  const Settlement under = settle(a, year(2024, kB, 74.7e6));
  CHECK_FALSE(under.cap_bound);
  CHECK_THAT(under.payment, WithinAbs(9'917'600.0, kCent));
}

TEST_CASE("Performance payment limits 15% (Track 2) and 20% (ENHANCED, Track 3)", "[settle][cap]") {
  // Track 2 PY2018, Q = 100 -> FSR 0.60; G = 30M -> 18M x 0.98 = 17.64M > 15% x 100M = 15M
  // (425.606, spec §1.2).
  CHECK_THAT(settle(track("TRACK_2"), two_sided_year(2018, kB, 70e6, 0.02)).payment,
             WithinAbs(15'000'000.0, kCent));
  // ENHANCED PY2024, FSR 0.75; G = 30M -> 22.5M x 0.98 = 22.05M > 20% x 100M = 20M (425.610).
  CHECK_THAT(settle(track("ENHANCED"), two_sided_year(2024, kB, 70e6, 0.0)).payment,
             WithinAbs(20'000'000.0, kCent));
  // Track 3 PY2018, Q = 100, FSR 0.75; G = 30M -> 22.05M > 20M.
  CHECK_THAT(settle(track("TRACK_3"), two_sided_year(2018, kB, 70e6, 0.0)).payment,
             WithinAbs(20'000'000.0, kCent));
}

TEST_CASE("BASIC C/D/E loss limit: revenue-based vs benchmark-based, whichever is smaller",
          "[settle][losslimit]") {
  // spec §1.1 / 425.605(d): loss 30%. B = 100M, E = 120M, G = -20M -> 6M before the limit.
  SettlementInput in = two_sided_year(2024, kB, 120e6, 0.0);
  in.participant_revenue = 20e6;  // low revenue figures -> revenue-based limit binds
  // C: min(2% x 20M = 400,000, 1% x 100M = 1M) = 400,000.
  CHECK_THAT(settle(track("BASIC_C"), in).payment, WithinAbs(-400'000.0, kCent));
  // D: min(4% x 20M = 800,000, 2% x 100M = 2M) = 800,000.
  CHECK_THAT(settle(track("BASIC_D"), in).payment, WithinAbs(-800'000.0, kCent));
  // E: min(8% x 20M = 1.6M, 4% x 100M = 4M) = 1.6M.
  CHECK_THAT(settle(track("BASIC_E"), in).payment, WithinAbs(-1'600'000.0, kCent));
  // Revenue 200M -> the benchmark-based cap is smaller:
  in.participant_revenue = 200e6;
  // C: min(4M, 1M) = 1M; D: min(8M, 2M) = 2M; E: min(16M, 4M) = 4M.
  CHECK_THAT(settle(track("BASIC_C"), in).payment, WithinAbs(-1'000'000.0, kCent));
  CHECK_THAT(settle(track("BASIC_D"), in).payment, WithinAbs(-2'000'000.0, kCent));
  const Settlement e = settle(track("BASIC_E"), in);
  CHECK(e.cap_bound);
  CHECK_THAT(e.payment, WithinAbs(-4'000'000.0, kCent));
}

TEST_CASE("Revenue unknown: benchmark-based cap only, revenue_limit_unknown flagged", "[settle][losslimit]") {
  // spec §1.1, §6: revenue is not in the PUF. BASIC D, G = -20M -> 6M; limit 2% x 100M = 2M.
  const Settlement s = settle(track("BASIC_D"), two_sided_year(2024, kB, 120e6, 0.0));
  CHECK(s.revenue_limit_unknown);
  CHECK_THAT(s.payment, WithinAbs(-2'000'000.0, kCent));
}

TEST_CASE("ENHANCED loss limit 15% of the benchmark", "[settle][losslimit]") {
  // 425.610, spec §1.1. PY2024, quality failed -> loss rate 75%; G = -30M -> 22.5M > 15% x 100M
  // = 15M -> 15M owed.
  SettlementInput in = two_sided_year(2024, kB, 130e6, 0.0);
  in.met_qps = false;
  const Settlement s = settle(track("ENHANCED"), in);
  CHECK(s.cap_bound);
  CHECK_THAT(s.payment, WithinAbs(-15'000'000.0, kCent));
}

TEST_CASE("Track 2 loss limit 5% / 7.5% / 10% by year in Track 2", "[settle][losslimit]") {
  // 425.606, spec §1.2 [V-doc]. PY2018, Q = 100 -> FSR 0.60 -> loss rate 0.40;
  // G = -30M -> 12M, above every limit.
  SettlementInput in = two_sided_year(2018, kB, 130e6, 0.02);
  in.track2_year = 1;  // 5% x 100M
  CHECK_THAT(settle(track("TRACK_2"), in).payment, WithinAbs(-5'000'000.0, kCent));
  in.track2_year = 2;  // 7.5% x 100M
  CHECK_THAT(settle(track("TRACK_2"), in).payment, WithinAbs(-7'500'000.0, kCent));
  in.track2_year = 4;  // 3rd and later: 10% x 100M
  CHECK_THAT(settle(track("TRACK_2"), in).payment, WithinAbs(-10'000'000.0, kCent));
}

TEST_CASE("Track 1+ loss limit: 8% of revenue capped at 4% of B, or 4% of B for hospital ACOs",
          "[settle][losslimit]") {
  // spec §1.2 [S + V-data]. PY2018, loss 30%: G = -20M -> 6M.
  SettlementInput in = two_sided_year(2018, kB, 120e6, 0.01);
  in.participant_revenue = 20e6;
  // Revenue-based: min(8% x 20M = 1.6M, 4% x 100M = 4M) = 1.6M.
  CHECK_THAT(settle(track("TRACK_1_PLUS"), in).payment, WithinAbs(-1'600'000.0, kCent));
  // Benchmark-based (IPPS hospital participant): 4% x 100M = 4M, revenue ignored.
  in.benchmark_based_loss_limit = true;
  const Settlement s = settle(track("TRACK_1_PLUS"), in);
  CHECK_FALSE(s.revenue_limit_unknown);
  CHECK_THAT(s.payment, WithinAbs(-4'000'000.0, kCent));
}

// ---------------------------------------------------------------------------------------------
// Quality and the loss rate (spec §3.3; 425.610(f))
// ---------------------------------------------------------------------------------------------

TEST_CASE("Quality failed: no savings, ENHANCED loss rate 75%, Track 2 60%", "[settle][quality]") {
  // Savings that clear the MSR are not shared when quality fails (spec §3.3).
  SettlementInput sav = two_sided_year(2024, kB, 95e6, 0.01);
  sav.met_qps = false;
  const Settlement s = settle(track("ENHANCED"), sav);
  CHECK(s.outcome == Outcome::QualityFailed);
  CHECK(s.payment == 0.0);
  // ENHANCED PY2024 fails both standards -> 75%; G = -2M -> 1,500,000.
  SettlementInput loss = two_sided_year(2024, kB, 102e6, 0.01);
  loss.met_qps = false;
  CHECK_THAT(settle(track("ENHANCED"), loss).loss_rate, WithinAbs(0.75, kRate));
  // Track 2 PY2018 failed -> FSR 0 -> 1 - 0 capped at 0.60 (spec §1.2); G = -4M -> 2.4M.
  SettlementInput t2 = two_sided_year(2018, kB, 104e6, 0.02);
  t2.met_qps = false;
  const Settlement l2 = settle(track("TRACK_2"), t2);
  CHECK_THAT(l2.loss_rate, WithinAbs(0.60, kRate));
  CHECK_THAT(l2.payment, WithinAbs(-2'400'000.0, kCent));
}

TEST_CASE("ENHANCED PY2023+ loss rate = 1 - 0.75 Q bounded to [40%, 75%]", "[settle][quality]") {
  const Track& en = track("ENHANCED");
  SettlementInput in = two_sided_year(2024, kB, 102e6, 0.01);  // G = -2M, MLR 1%
  // Q = 77.05 (QPS met): 1 - 0.75 x 0.7705 = 1 - 0.577875 = 0.422125 (spec §3.3: A1001 42.21%);
  // owed 2M x 0.422125 = 844,250.
  in.quality_score = 77.05;
  const Settlement s = settle(en, in);
  CHECK_THAT(s.loss_rate, WithinAbs(0.422125, kRate));
  CHECK_THAT(s.payment, WithinAbs(-844'250.0, kCent));
  // Q = 56.45: 1 - 0.423375 = 0.576625 (spec §6.4: 57.66%).
  in.quality_score = 56.45;
  CHECK_THAT(settle(en, in).loss_rate, WithinAbs(0.576625, kRate));
  // Q = 80: 1 - 0.60 = 0.40; Q = 95: 1 - 0.7125 = 0.2875 -> floor 0.40.
  in.quality_score = 80;
  CHECK_THAT(settle(en, in).loss_rate, WithinAbs(0.40, kRate));
  in.quality_score = 95;
  CHECK_THAT(settle(en, in).loss_rate, WithinAbs(0.40, kRate));
  // Alternative QPS, Q = 45 (spec §5.4, v11 second example): 1 - 0.3375 = 0.6625.
  in.quality_score = 45;
  in.met_qps = false;
  in.met_alt_qps = true;
  CHECK_THAT(settle(en, in).loss_rate, WithinAbs(0.6625, kRate));
}

TEST_CASE("Alternative QPS scales ENHANCED savings: FSR = 0.75 x Q/100 (PY2023)", "[settle][quality]") {
  // spec §3.3. ENHANCED PY2023, Q = 60, alt-QPS: FSR = 0.45; G = 4M (MSR 2%) ->
  // 4M x 0.45 x 0.98 = 1,764,000.
  SettlementInput in = two_sided_year(2023, kB, 96e6, 0.02);
  in.quality_score = 60;
  in.met_qps = false;
  in.met_alt_qps = true;
  CHECK_THAT(settle(track("ENHANCED"), in).payment, WithinAbs(1'764'000.0, kCent));
}

// ---------------------------------------------------------------------------------------------
// 42 CFR 425.605(h) half rate (spec §5.3)
// ---------------------------------------------------------------------------------------------

namespace {
// BASIC A PY2024, low revenue, 2024 start, N_AB 5,000 (Table 5 MSR 3.9%), QPS met;
// B = 100M, E = 98M: G = 2M, r = 2%, 0 < r < MSR.
SettlementInput half_rate_case() {
  SettlementInput in = year(2024, kB, 98e6, 5000);
  in.low_revenue = true;
  in.agreement_start_year = 2024;
  return in;
}
}  // namespace

TEST_CASE("425.605(h): low-revenue BASIC 2024+ start below the MSR shares at half the rate",
          "[settle][halfrate]") {
  // FSR 0.40 / 2 = 0.20 (spec §5.3 [V-data]: twelve Level A ACOs at 20%);
  // 2M x 0.20 x 0.98 = 392,000.
  const Settlement s = settle(track("BASIC_A"), half_rate_case());
  CHECK(s.half_rate);
  CHECK_THAT(s.payment, WithinAbs(392'000.0, kCent));
  // Level E at 25% (spec §5.3): elected MSR 2%, r = 1% (E = 99M) -> 1M x 0.25 x 0.98 = 245,000.
  SettlementInput e = half_rate_case();
  e.msr_election = MsrElection::fixed(0.02);
  e.expenditure = 99e6;
  CHECK_THAT(settle(track("BASIC_E"), e).payment, WithinAbs(245'000.0, kCent));
  // With the alternative QPS, Q = 76.59: 0.40 x 0.7659 / 2 = 0.15318;
  // 2M x 0.15318 x 0.98 = 300,232.80.
  SettlementInput alt = half_rate_case();
  alt.met_qps = false;
  alt.met_alt_qps = true;
  alt.quality_score = 76.59;
  CHECK_THAT(settle(track("BASIC_A"), alt).payment, WithinAbs(300'232.80, kCent));
}

TEST_CASE(
    "425.605(h) half rate is blocked by ENHANCED, high revenue, 2023 start, 4,999 beneficiaries, failed "
    "quality",
    "[settle][halfrate]") {
  // spec §5.3: each condition alone removes the half rate -> 0 paid.
  SettlementInput enh = half_rate_case();
  enh.msr_election = MsrElection::fixed(0.03);  // r = 2% < 3% elected MSR
  CHECK(settle(track("ENHANCED"), enh).payment == 0.0);

  SettlementInput high = half_rate_case();
  high.low_revenue = false;
  CHECK(settle(track("BASIC_A"), high).payment == 0.0);

  SettlementInput start2023 = half_rate_case();
  start2023.agreement_start_year = 2023;
  CHECK(settle(track("BASIC_A"), start2023).payment == 0.0);

  SettlementInput small = half_rate_case();
  small.assigned_beneficiaries = 4999;  // MSR 3.9% still above r = 2%
  CHECK(settle(track("BASIC_A"), small).payment == 0.0);

  SettlementInput failed = half_rate_case();
  failed.met_qps = false;
  const Settlement f = settle(track("BASIC_A"), failed);
  CHECK_FALSE(f.half_rate);
  CHECK(f.payment == 0.0);
}

// ---------------------------------------------------------------------------------------------
// EUC relief (spec §5 step 10, §5.4)
// ---------------------------------------------------------------------------------------------

TEST_CASE("EUC relief applies after the loss limit", "[settle][relief]") {
  // BASIC C PY2024, G = -20M -> 6M; revenue 20M -> limit min(400,000, 1M) = 400,000;
  // relief fraction 0.25 -> 100,000 -> owed 300,000 (relief before the limit would leave 400,000).
  SettlementInput in = two_sided_year(2024, kB, 120e6, 0.0);
  in.participant_revenue = 20e6;
  in.euc_relief_fraction = 0.25;
  const Settlement s = settle(track("BASIC_C"), in);
  CHECK_THAT(s.loss_relief, WithinAbs(100'000.0, kCent));
  CHECK_THAT(s.payment, WithinAbs(-300'000.0, kCent));
}

// ---------------------------------------------------------------------------------------------
// Worked examples (shared/spec/cost-model.md §6)
// ---------------------------------------------------------------------------------------------

TEST_CASE("Worked example: CMS spec v11 ENHANCED, quality failed, MLR 1%, EUC 15% x 90%",
          "[settle][example]") {
  // cost-model §6, settlement-rules §5.4, 425.610: B = 130M, E = 132.6M, G = -2.6M, |r| = 2% >= 1%.
  // Loss 2.6M x 0.75 = 1,950,000 (limit 15% x 130M = 19.5M); relief 0.15 x 0.90 = 0.135 x
  // 1,950,000 = 263,250; owed 1,686,750. PY2024 to avoid the PY2023 PHE relief.
  SettlementInput in = two_sided_year(2024, 130e6, 132.6e6, 0.01);
  in.met_qps = false;
  in.euc_relief_fraction = 0.15 * 0.90;
  const Settlement s = settle(track("ENHANCED"), in);
  CHECK_THAT(s.cap, WithinAbs(19'500'000.0, kCent));
  CHECK_THAT(s.loss_relief, WithinAbs(263'250.0, kCent));
  CHECK_THAT(s.payment, WithinAbs(-1'686'750.0, kCent));
  // Same relief given in dollars (PUF DisAdj): 1,950,000 - 263,250.
  in.euc_relief_fraction = 0;
  in.loss_relief_amount = 263'250.0;
  CHECK_THAT(settle(track("ENHANCED"), in).payment, WithinAbs(-1'686'750.0, kCent));
  // Relief in dollars cannot exceed the loss: 5M of relief -> nothing owed.
  in.loss_relief_amount = 5e6;
  CHECK_THAT(settle(track("ENHANCED"), in).payment, WithinAbs(0.0, kCent));
}

TEST_CASE("Worked example: CMS spec v11 Level E loss limit $1.09M", "[settle][example]") {
  // cost-model §6, settlement-rules §1.1, 425.605(d): revenue 13.63M, B = 93.4M:
  // 8% x 13.63M = 1,090,400 < 4% x 93.4M = 3,736,000 -> limit 1,090,400.
  // E = 98.4M -> G = -5M, |r| = 5.35% >= 1%; 5M x 0.30 = 1.5M > limit -> owed 1,090,400.
  SettlementInput in = two_sided_year(2024, 93.4e6, 98.4e6, 0.01);
  in.participant_revenue = 13.63e6;
  const Settlement s = settle(track("BASIC_E"), in);
  CHECK(s.cap_bound);
  CHECK_THAT(s.payment, WithinRel(-1'090'400.0, 1e-12));
}

TEST_CASE("Worked example: Axene commercial contract, MSR 1% blocks 0.9% savings", "[settle][example]") {
  // cost-model §6: target 500 PMPM x 125,000 member-months = 62,500,000;
  // actual 495.50 x 125,000 = 61,937,500; G = 562,500, r = 0.9% < 1% -> 0.
  Track commercial;
  commercial.id = "AXENE";
  commercial.custom = true;
  commercial.two_sided = false;
  commercial.max_sharing_rate = 0.50;
  commercial.performance_payment_limit = 1.0;  // no cap in the contract
  commercial.msr_rule = MsrRule::Elected;
  commercial.quality_rule_override = QualityRule::None;
  commercial.sequestration_override = 0.0;

  SettlementInput in;
  in.performance_year = 2024;
  in.assigned_beneficiaries = 10417;  // ~125,000 / 12 members (>= 5,000 keeps the fixed election)
  in.benchmark = 500.0 * 125000;
  in.expenditure = 495.50 * 125000;
  in.msr_election = MsrElection::fixed(0.01);
  const Settlement s = settle(commercial, in);
  CHECK_THAT(s.savings_rate, WithinAbs(0.009, kRate));
  CHECK(s.payment == 0.0);
  // No MSR: 562,500 x 0.50 = 281,250 (no sequester, no quality link).
  in.msr_override = 0.0;
  CHECK_THAT(settle(commercial, in).payment, WithinAbs(281'250.0, kCent));
}

// ---------------------------------------------------------------------------------------------
// Invalid inputs
// ---------------------------------------------------------------------------------------------

TEST_CASE("Invalid inputs throw std::invalid_argument", "[settle][validate]") {
  const Track& a = track("BASIC_A");
  CHECK_THROWS_AS(settle(a, year(2024, 0.0, 1e6)), std::invalid_argument);   // B = 0
  CHECK_THROWS_AS(settle(a, year(2024, -1e6, 1e6)), std::invalid_argument);  // B < 0
  SettlementInput q = year(2024, kB, 95e6);
  q.quality_score = 100.5;  // Q > 100
  CHECK_THROWS_AS(settle(a, q), std::invalid_argument);
  CHECK_THROWS_AS(settle(a, year(2018, kB, 95e6)), std::invalid_argument);  // BASIC starts PY2019
  CHECK_THROWS_AS(settle(track("TRACK_1"), year(2022, kB, 95e6)), std::invalid_argument);  // T1 ends PY2021
  CHECK_THROWS_AS(settle(a, year(2024, kB, 95e6, 499)), std::invalid_argument);            // N_AB < 500
  // With an explicit MSR (spec §2.1: CMS sets < 500 ad hoc) it settles: MSR 25%, r = 5% -> 0.
  SettlementInput small = year(2024, kB, 95e6, 499);
  small.msr_override = 0.25;
  CHECK_NOTHROW(settle(a, small));
}

// ---------------------------------------------------------------------------------------------
// ACPT loss guardrail, 42 CFR 425.652(b)(5) (shared/spec/benchmark-rules.md §1, cited "bench §N")
// ---------------------------------------------------------------------------------------------

namespace {
// bench §1 example: ENHANCED, Q = 90 (loss rate 1 - 0.675 -> floor 40%), n = 10,000,
// b3 = $13,400, b2 = $13,600; a 2024 start in PY2024 (Q 90 meets the QPS 77.05).
SettlementInput guardrail_case(double e, double mlr, bool with_b2 = true) {
  SettlementInput in = two_sided_year(2024, 13'400.0 * 10'000, e * 10'000, mlr);
  in.assigned_beneficiaries = 10'000;
  in.agreement_start_year = 2024;
  in.quality_score = 90;
  if (with_b2) in.two_way_benchmark = 13'600.0 * 10'000;
  return in;
}
}  // namespace

TEST_CASE("bench §1 row 1: e = $13,500 is above b3 but below b2: $0 instead of owing $400,000",
          "[settle][guardrail]") {
  const Track& en = track("ENHANCED");
  const Settlement s = settle(en, guardrail_case(13'500, 0.0));
  CHECK(s.guardrail_applies);
  CHECK(s.guardrail_triggered);
  CHECK(s.outcome == Outcome::GuardrailNeutral);
  CHECK(s.benchmark_used == SettledBenchmark::TwoWay);
  CHECK(s.payment == 0.0);
  CHECK_THAT(s.three_way_benchmark, WithinAbs(134'000'000.0, kCent));
  CHECK(explain(en, s).find("425.652(b)(5)(ii)") != std::string::npos);
  // Without the guardrail: G = -1,000,000 -> 40% -> owe 400,000.
  CHECK_THAT(settle(en, guardrail_case(13'500, 0.0, false)).payment, WithinAbs(-400'000.0, kCent));
}

TEST_CASE("bench §1 row 2: e = $13,700 settles losses on b2: owe $400,000 instead of $1,200,000",
          "[settle][guardrail]") {
  const Track& en = track("ENHANCED");
  const Settlement s = settle(en, guardrail_case(13'700, 0.0));
  CHECK(s.guardrail_triggered);
  CHECK(s.benchmark_used == SettledBenchmark::TwoWay);
  CHECK(s.outcome == Outcome::SharedLosses);
  // G = (13,600 - 13,700) x 10,000 = -1,000,000 -> 400,000; the 15% limit is on b2: 20.4M, not binding.
  CHECK_THAT(s.gross_savings, WithinAbs(-1'000'000.0, kCent));
  CHECK_THAT(s.cap, WithinAbs(20'400'000.0, kCent));
  CHECK_THAT(s.payment, WithinAbs(-400'000.0, kCent));
  // Without: G = (13,400 - 13,700) x 10,000 = -3M -> 1.2M.
  CHECK_THAT(settle(en, guardrail_case(13'700, 0.0, false)).payment, WithinAbs(-1'200'000.0, kCent));
}

TEST_CASE("bench §1 row 3: e = $13,650 at MLR 1% triggers (1.87%) but is 0.37% above b2, below the MLR: $0",
          "[settle][guardrail]") {
  const Track& en = track("ENHANCED");
  const Settlement s = settle(en, guardrail_case(13'650, 0.01));
  CHECK(s.guardrail_triggered);
  CHECK(s.benchmark_used == SettledBenchmark::TwoWay);
  CHECK(s.outcome == Outcome::BelowMlr);  // the MLR test uses b2
  CHECK_THAT(-s.savings_rate, WithinAbs(50.0 / 13'600.0, 1e-15));
  CHECK(s.payment == 0.0);
  // Without: G = -2.5M, 1.87% >= 1% -> 2.5M x 40% = 1,000,000.
  CHECK_THAT(settle(en, guardrail_case(13'650, 0.01, false)).payment, WithinAbs(-1'000'000.0, kCent));
}

TEST_CASE(
    "The guardrail never creates savings, and does not trigger below the MLR, before 2024 or when b2 <= b3",
    "[settle][guardrail]") {
  const Track& en = track("ENHANCED");
  // Not triggered: 0.5% above b3 at a 1% MLR settles on b3 (below the MLR).
  SettlementInput in = guardrail_case(13'467, 0.01);
  Settlement s = settle(en, in);
  CHECK_FALSE(s.guardrail_triggered);
  CHECK(s.benchmark_used == SettledBenchmark::ThreeWay);
  // Savings against b3 are settled on b3 (G = 100 x 10,000 = 1M x 75% x 0.98 = 735,000).
  s = settle(en, guardrail_case(13'300, 0.0));
  CHECK_FALSE(s.guardrail_triggered);
  CHECK_THAT(s.payment, WithinAbs(735'000.0, kCent));
  // b2 below b3: losses stay on b3 (e = 13,700, b2 = 13,300: G = -3M -> 1.2M).
  in = guardrail_case(13'700, 0.0);
  in.two_way_benchmark = 13'300.0 * 10'000;
  s = settle(en, in);
  CHECK(s.guardrail_triggered);
  CHECK(s.benchmark_used == SettledBenchmark::ThreeWay);
  CHECK_THAT(s.payment, WithinAbs(-1'200'000.0, kCent));
  // A 2023 start has no ACPT, so no guardrail.
  in = guardrail_case(13'500, 0.0);
  in.agreement_start_year = 2023;
  s = settle(en, in);
  CHECK_FALSE(s.guardrail_applies);
  CHECK_THAT(s.payment, WithinAbs(-400'000.0, kCent));
  // One-sided: unaffected financially (BASIC A, MSR from the table).
  SettlementInput a = guardrail_case(13'500, 0.0);
  a.msr_election = MsrElection::table();
  const Settlement one = settle(track("BASIC_A"), a);
  CHECK(one.payment == 0.0);
}

namespace {
// bench §1.1: a PY2024 flagged row from the PUF's printed columns. The printed benchmark is read as
// b2 (the spec's reading); b3 = b2 / 1.0063 is the §2 PY2024 gap, which the PUF does not print.
// G = printed B - E = signed_gross, Sav_rate = signed_gross / B.
SettlementInput flagged_row(double gross, double sav_rate, double mlr, double q, bool met_qps,
                            double dis_adj) {
  const double b2 = std::abs(gross / sav_rate);
  SettlementInput in = two_sided_year(2024, b2 / 1.0063, b2 - gross, mlr);
  in.assigned_beneficiaries = 10'000;  // >= 5,000 keeps the fixed election
  in.agreement_start_year = 2024;
  in.two_way_benchmark = b2;
  in.quality_score = q;
  in.met_qps = met_qps;
  in.met_alt_qps = !met_qps;
  in.loss_relief_amount = dis_adj;
  return in;
}
}  // namespace

TEST_CASE("bench §1.1: the seven flagged PY2024 ENHANCED loss rows reproduce within $1 of EarnSaveLoss",
          "[settle][guardrail][puf]") {
  const Track& en = track("ENHANCED");
  struct Row {
    const char* aco;
    double gross, sav_rate, mlr, q;
    bool met_qps;
    double dis_adj, earn_save_loss;
  };
  // Q >= 80 gives the 40% floor (the spec prints only "x 40%"); Q 54.10 and 71.78 met the
  // alternative QPS (below 77.05): 1 - 0.75 Q = 59.425% and 46.165%; Q 77.05 -> 42.2125%.
  const Row rows[] = {
      {"A2029", -3'432'303, -0.0069, 0.0, 90.0, true, 1'382, -1'371'539},
      {"A4638", -2'455'458, -0.0425, 0.0, 90.0, true, 1'533, -980'650},
      {"A5331", -2'436'590, -0.0074, 0.0, 90.0, true, 1'042, -973'594},
      {"A5386", -358'136, -0.0041, 0.0, 54.10, false, 551, -212'271},
      {"A5387", -478'647, -0.0039, 0.0, 90.0, true, 1'003, -190'455},
      {"A5407", -2'576'265, -0.0105, 0.01, 71.78, false, 5'398, -1'183'935},
      {"A5471", -279'952, -0.0021, 0.0, 77.05, true, 6'830, -111'345},
  };
  for (const Row& r : rows) {
    INFO(r.aco);
    const Settlement s = settle(en, flagged_row(r.gross, r.sav_rate, r.mlr, r.q, r.met_qps, r.dis_adj));
    CHECK(s.guardrail_triggered);
    CHECK(s.benchmark_used == SettledBenchmark::TwoWay);
    CHECK(s.outcome == Outcome::SharedLosses);
    CHECK_THAT(s.payment, WithinAbs(r.earn_save_loss, 1.0));
  }
}

TEST_CASE(
    "bench §1.1: the two flagged Level E 'savers' at 0% MSR settle at $0 (b2 printed), not $4,732 / $34,771",
    "[settle][guardrail][puf]") {
  const Track& e = track("BASIC_E");
  struct Row {
    const char* aco;
    double gross, sav_rate, without;
  };
  // Without the guardrail, reading the printed B as b3: G x 50% x 0.98.
  const Row rows[] = {{"A5309", 9'657, 0.0001, 4'731.93}, {"A5321", 70'961, 0.0011, 34'770.89}};
  for (const Row& r : rows) {
    INFO(r.aco);
    SettlementInput in = flagged_row(r.gross, r.sav_rate, 0.0, 90.0, true, 0.0);
    in.participant_revenue = 1e9;
    const Settlement s = settle(e, in);
    CHECK(s.guardrail_triggered);  // above b3 = b2 / 1.0063, a loss at a 0% MLR
    CHECK(s.outcome == Outcome::GuardrailNeutral);
    CHECK(s.payment == 0.0);
    CHECK_THAT(s.savings_rate, WithinAbs(r.sav_rate, 1e-12));  // the printed Sav_rate is against b2
    SettlementInput as_b3 = in;
    as_b3.benchmark = *in.two_way_benchmark;
    as_b3.two_way_benchmark.reset();
    CHECK_THAT(settle(e, as_b3).payment, WithinAbs(r.without, kCent));
  }
}

// ---------------------------------------------------------------------------------------------
// Quality and the ENHANCED loss rate (bench §8; 425.512, 425.610(f))
// ---------------------------------------------------------------------------------------------

TEST_CASE("bench §8 PY2026: floored to 73.85 the ENHANCED loss rate is 44.61%, unfloored at 62 it is 53.5%",
          "[settle][quality]") {
  const Track& en = track("ENHANCED");
  SettlementInput in = two_sided_year(2026, kB, 102e6, 0.0);
  in.quality_score = 73.85;  // complete-reporter floor (models/quality.hpp), QPS met
  const Settlement floored = settle(en, in);
  CHECK_THAT(floored.loss_rate, WithinAbs(0.446125, kRate));  // 1 - 0.75 x 0.7385
  // Without the floor: alternative QPS only, FSR 75% x 0.62 = 46.5%, loss rate 53.5%.
  in.quality_score = 62.0;
  in.met_qps = false;
  in.met_alt_qps = true;
  CHECK_THAT(settle(en, in).loss_rate, WithinAbs(0.535, kRate));
  in.expenditure = 95e6;
  CHECK_THAT(settle(en, in).sharing_rate, WithinAbs(0.465, kRate));
}

TEST_CASE("425.610(f)(2): the PY2021-22 ENHANCED loss rate is quality-scaled: 47.5% at 0.70, 40% at 0.85",
          "[settle][quality]") {
  const Track& en = track("ENHANCED");
  SettlementInput in = two_sided_year(2022, kB, 102e6, 0.0);
  in.quality_score = 70;
  const Settlement s = settle(en, in);
  CHECK_THAT(s.loss_rate, WithinAbs(0.475, kRate));  // 1 - 0.75 x 0.70
  CHECK(s.payment == 0.0);                           // PHE relief 100%: net effect nil
  in.quality_score = 85;
  CHECK_THAT(settle(en, in).loss_rate, WithinAbs(0.40, kRate));  // 1 - 0.6375 -> floor 40%
  in.met_qps = false;
  in.met_alt_qps = true;  // no alternative QPS before PY2023: the ceiling
  CHECK_THAT(settle(en, in).loss_rate, WithinAbs(0.75, kRate));
  in.performance_year = 2021;
  in.met_qps = true;
  in.quality_score = 70;
  CHECK_THAT(settle(track("TRACK_3"), in).loss_rate, WithinAbs(0.475, kRate));
}

TEST_CASE("PY2022 PUF A1539: CMS's disaster relief equals the quality-scaled loss, 47.03% of $13,280,553",
          "[settle][quality][puf]") {
  // PY2022 PUF row A1539 (ENHANCED, MLR 1%, QualScore 70.63, the PY's QPS value): ABtotBnchmk
  // 236,275,356, ABtotExp 249,555,909, DisAdj -6,245,512, EarnSaveLoss 0. The relief is the whole
  // loss: 13,280,553 x (1 - 0.75 x 0.7063) = 13,280,553 x 0.470275 = 6,245,512.06, not the
  // 5,312,221 of a flat 40% (425.610(f)(2)).
  SettlementInput in = two_sided_year(2022, 236'275'356.0, 249'555'909.0, 0.01);
  in.quality_score = 70.63;
  const Settlement s = settle(track("ENHANCED"), in);
  CHECK_THAT(s.loss_rate, WithinAbs(0.470275, kRate));
  CHECK_THAT(s.loss_relief, WithinAbs(6'245'512.0, 1.0));
  CHECK(s.payment == 0.0);
}

// ---------------------------------------------------------------------------------------------
// Rule overlay cy2027_proposed: PROPOSED, NOT LAW (bench §10)
// ---------------------------------------------------------------------------------------------

TEST_CASE(
    "bench §10 (PROPOSED, NOT LAW): Level E at 60% pays $2,352,000 on G = $4M, $1,960,000 under current law",
    "[settle][overlay]") {
  const Track& e = track("BASIC_E");
  SettlementInput in = two_sided_year(2027, kB, 96e6, 0.0);
  in.participant_revenue = 100e6;
  CHECK_THAT(settle(e, in).payment, WithinAbs(1'960'000.0, kCent));  // 4M x 50% x 0.98
  in.rules = cy2027_proposed_not_law();
  const Settlement s = settle(e, in);
  CHECK_THAT(s.sharing_rate, WithinAbs(0.60, kRate));
  CHECK_THAT(s.payment, WithinAbs(2'352'000.0, kCent));  // 4M x 60% x 0.98; 10% cap $10M not binding
  // Only from PY2027, only Level E.
  in.performance_year = 2026;
  CHECK_THAT(settle(e, in).payment, WithinAbs(1'960'000.0, kCent));
  in.performance_year = 2027;
  CHECK_THAT(settle(track("ENHANCED"), in).sharing_rate, WithinAbs(0.75, kRate));
}

// ---------------------------------------------------------------------------------------------
// MSR rules for custom contracts and early Track 2 (issue: independent statistical check)
// ---------------------------------------------------------------------------------------------

TEST_CASE("A custom contract's msr 0% is never replaced by the CMS table below 5,000 beneficiaries",
          "[settle][msr]") {
  Track commercial;
  commercial.id = "COMMERCIAL";
  commercial.custom = true;
  commercial.max_sharing_rate = 0.50;
  commercial.performance_payment_limit = 1.0;
  commercial.msr_rule = MsrRule::Elected;
  commercial.quality_rule_override = QualityRule::None;
  commercial.sequestration_override = 0.0;
  SettlementInput in = year(2024, 6e6, 5.94e6, 500);  // G = 60,000, r = 1% (the table gives 12.2%)
  in.msr_election = MsrElection::fixed(0.0);
  const Settlement s = settle(commercial, in);
  CHECK(s.msr == 0.0);
  CHECK_FALSE(s.msr_from_table);
  CHECK_THAT(s.payment, WithinAbs(30'000.0, kCent));  // 60,000 x 50%
  // A CMS track still falls back to the table (425.110(b)(3)(iii)).
  in.assigned_beneficiaries = 4'999;
  in.participant_revenue = 1e9;
  CHECK(settle(track("BASIC_E"), in).msr_from_table);
}

TEST_CASE("Track 2 of 2012-2015 starts has a flat 2% MSR/MLR: other elections are refused", "[settle][msr]") {
  const Track& t2 = track("TRACK_2");
  SettlementInput in = two_sided_year(2013, kB, 97e6, 0.01);
  in.agreement_start_year = 2012;
  CHECK_THROWS_WITH(settle(t2, in), Catch::Matchers::Contains("flat 2% MSR/MLR"));
  in.msr_election = MsrElection::table();
  CHECK_THROWS_AS(settle(t2, in), std::invalid_argument);
  in.msr_election = MsrElection::fixed(0.02);
  const Settlement s = settle(t2, in);
  CHECK(s.msr == 0.02);
  CHECK_THAT(s.payment, WithinAbs(3e6 * 0.60 * 0.98, kCent));
  // A PY2015 row is flat whatever start it reports; a 2016 start may elect.
  in.performance_year = 2015;
  in.agreement_start_year = 0;
  in.msr_election = MsrElection::fixed(0.005);
  CHECK_THROWS_AS(settle(t2, in), std::invalid_argument);
  in.performance_year = 2017;
  in.agreement_start_year = 2016;
  CHECK_NOTHROW(settle(t2, in));
}
