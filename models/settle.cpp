#include "models/settle.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace acosim {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

// Messages name the input, the offending value and what is allowed; callers add file and line.
void validate(const Track& track, const SettlementInput& in) {
  require(std::isfinite(in.benchmark) && in.benchmark > 0,
          fmt::format("benchmark {} is out of range; allowed: a positive, finite number of dollars",
                      in.benchmark));
  require(std::isfinite(in.expenditure) && in.expenditure >= 0,
          fmt::format("expenditure {} is out of range; allowed: a non-negative, finite number of dollars",
                      in.expenditure));
  require(in.assigned_beneficiaries > 0,
          fmt::format("assigned beneficiaries {} is out of range; allowed: a positive count",
                      in.assigned_beneficiaries));
  require(std::isfinite(in.quality_score) && in.quality_score >= 0 && in.quality_score <= 100,
          fmt::format("quality score {} is out of range; allowed: [0, 100]", in.quality_score));
  require(in.euc_relief_fraction >= 0 && in.euc_relief_fraction <= 1,
          fmt::format("EUC relief fraction {} is out of range; allowed: [0, 1]", in.euc_relief_fraction));
  require(
      !in.loss_relief_amount || (std::isfinite(*in.loss_relief_amount) && *in.loss_relief_amount >= 0),
      fmt::format("loss relief amount {} is out of range; allowed: a non-negative, finite number of dollars",
                  in.loss_relief_amount.value_or(0.0)));
  require(
      !in.participant_revenue || (std::isfinite(*in.participant_revenue) && *in.participant_revenue >= 0),
      fmt::format("participant revenue {} is out of range; allowed: a non-negative, finite number of dollars",
                  in.participant_revenue.value_or(0.0)));
  require(in.msr_election.variable || (in.msr_election.rate >= 0 && in.msr_election.rate < 1),
          fmt::format("elected MSR/MLR {} is out of range; allowed: [0, 1)", in.msr_election.rate));
  require(!in.msr_override || (*in.msr_override >= 0 && *in.msr_override < 1),
          fmt::format("MSR override {} is out of range; allowed: [0, 1)", in.msr_override.value_or(0.0)));
  require(in.track2_year >= 1,
          fmt::format("year of participation in Track 2 {} is out of range; allowed: 1, 2, 3, ...",
                      in.track2_year));
  require(!in.two_way_benchmark || (std::isfinite(*in.two_way_benchmark) && *in.two_way_benchmark > 0),
          fmt::format("two-way benchmark {} is out of range; allowed: a positive, finite number of dollars",
                      in.two_way_benchmark.value_or(0.0)));
  // Track 2, 2012-2015 starts: a flat 2% MSR/MLR, no election (settlement-rules.md §1.2).
  if (flat_two_percent_msr(track, in.performance_year, in.agreement_start_year) && !in.msr_override &&
      (in.msr_election.variable || std::abs(in.msr_election.rate - kTrack2FlatMsr) > 1e-12)) {
    throw std::invalid_argument(fmt::format(
        "TRACK_2 in PY{} (agreement start {}) has a flat 2% MSR/MLR; the election {} is not allowed "
        "(elections exist for 2016+ Track 2 starts only)",
        in.performance_year, in.agreement_start_year,
        in.msr_election.variable ? std::string("variable")
                                 : fmt::format("{:g}%", in.msr_election.rate * 100)));
  }
  if (!track.custom && (in.performance_year < track.first_py || in.performance_year > track.last_py)) {
    throw std::invalid_argument(fmt::format("{} was not reconciled in PY{} (only PY{}-PY{})", track.id,
                                            in.performance_year, track.first_py, track.last_py));
  }
}

// Final sharing rate before the 425.605(h) half rate (spec §3, §7).
double final_sharing_rate(double max_rate, QualityRule rule, const SettlementInput& in) {
  switch (rule) {
    case QualityRule::None: return max_rate;
    case QualityRule::Scaled: return in.met_qps ? max_rate * in.quality_score / 100.0 : 0.0;
    case QualityRule::AllOrNothing: return in.met_qps ? max_rate : 0.0;
    case QualityRule::AllOrNothingWithAlternative:
      if (in.met_qps) return max_rate;
      return in.met_alt_qps ? max_rate * in.quality_score / 100.0 : 0.0;
  }
  return 0.0;
}

// Shared-loss rate (spec §1, §3.3; 42 CFR 425.606(f), 425.610(f), 425.605(d)).
double shared_loss_rate(const Track& track, bool loss_rate_from_quality, bool alternative_exists, double fsr,
                        const SettlementInput& in) {
  switch (track.loss_rate_rule) {
    case LossRateRule::None: return 0.0;
    case LossRateRule::Fixed: return track.loss_rate;
    case LossRateRule::OneMinusSharing: {
      // 425.610(f): PY2023+ ENHANCED: 1 - 0.75 x Q/100 whenever the QPS or the alternative QPS
      // is met, the ceiling (75%) otherwise (spec §3.3, e.g. Q = 77.05 -> 42.21%); PY2021-22
      // (f)(2): 1 - 0.75 x points ratio when the QPS is met (bench §8: 0.70 -> 47.5%), not 40%.
      double share = fsr;
      if (loss_rate_from_quality) {
        const bool met = in.met_qps || (alternative_exists && in.met_alt_qps);
        share = met ? track.max_sharing_rate * in.quality_score / 100.0 : 0.0;
      }
      return std::clamp(1.0 - share, track.loss_rate_floor, track.loss_rate_ceiling);
    }
  }
  return 0.0;
}

}  // namespace

MsrMlr minimum_rates(const Track& track, const SettlementInput& in) {
  if (in.msr_override) return {*in.msr_override, *in.msr_override, false};
  if (flat_two_percent_msr(track, in.performance_year, in.agreement_start_year)) {
    return {kTrack2FlatMsr, kTrack2FlatMsr, false};
  }
  // The < 5,000 fallback is a CMS rule (425.110(b)(3)(iii)): a custom contract keeps its own MSR.
  const bool use_table = track.msr_rule == MsrRule::Table || in.msr_election.variable ||
                         (!track.custom && in.assigned_beneficiaries < kFixedElectionMinBeneficiaries);
  if (use_table) {
    const double m = msr_table(in.assigned_beneficiaries);
    return {m, m, true};  // variable MLR = MSR (symmetric, 425.605(b)(2)(iii))
  }
  return {in.msr_election.rate, in.msr_election.rate, false};
}

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::SharedSavings: return "shared_savings";
    case Outcome::SharedLosses: return "shared_losses";
    case Outcome::BelowMsr: return "below_msr";
    case Outcome::BelowMlr: return "below_mlr";
    case Outcome::QualityFailed: return "quality_failed";
    case Outcome::GuardrailNeutral: return "guardrail_neutral";
  }
  return "?";
}

std::string_view to_string(SettledBenchmark b) {
  return b == SettledBenchmark::TwoWay ? "two_way" : "three_way";
}

double max_sharing_rate(const Track& track, int performance_year, const RuleSet& rules) {
  // bench §10 (PROPOSED, NOT LAW): Level E 60% from PY2027 under cy2027_proposed.
  if (!track.custom && track.id == "BASIC_E" && rules.basic_e_sharing_rate &&
      performance_year >= rules.basic_e_sharing_from_py) {
    return *rules.basic_e_sharing_rate;
  }
  return track.max_sharing_rate;
}

namespace {

// The performance year's rules as they bind this track; a custom contract brings its own quality
// rule and sequestration.
struct BindingRules {
  QualityRule quality_rule = QualityRule::None;
  double sequestration_rate = 0.0;  // [fraction of shared savings]
  double phe_relief = 0.0;          // [fraction of shared losses]
  bool loss_rate_from_quality = false, alternative_exists = false;
};

BindingRules binding_rules(const Track& track, const SettlementInput& in) {
  BindingRules b;
  if (track.custom) {
    b.quality_rule = track.quality_rule_override.value_or(QualityRule::None);
    b.sequestration_rate = track.sequestration_override.value_or(0.0);
    return b;
  }
  const RuleYear& year = rule_year(in.performance_year);
  b.quality_rule = track.quality_rule_override.value_or(year.quality_rule);
  b.sequestration_rate = track.sequestration_override.value_or(year.sequestration_rate);
  b.phe_relief = year.phe_loss_relief;
  b.alternative_exists = b.quality_rule == QualityRule::AllOrNothingWithAlternative;
  b.loss_rate_from_quality = year.enhanced_loss_rate_from_quality && track.loss_rate_quality_scaled &&
                             (b.quality_rule == QualityRule::AllOrNothing || b.alternative_exists);
  return b;
}

// ACPT loss guardrail, 42 CFR 425.652(b)(5) (benchmark-rules.md §1), before the MLR test: when
// E exceeds B3 by at least the MLR (one-sided: the MSR), losses are settled against B2 if B2 is
// kinder, and nothing is settled if E < B2. Against B2 the MLR test and the loss limit use B2.
// Returns the benchmark to settle against; sets s.outcome = GuardrailNeutral (and the totals) when
// nothing is settled.
double guardrail_benchmark(const Track& track, const SettlementInput& in, Settlement& s) {
  s.three_way_benchmark = in.benchmark;
  if (!in.two_way_benchmark || track.custom || in.agreement_start_year < 2024) return in.benchmark;
  s.guardrail_applies = true;
  s.two_way_benchmark = *in.two_way_benchmark;
  const double threshold = track.two_sided ? s.mlr : s.msr;
  const double r3 = (in.benchmark - in.expenditure) / in.benchmark;
  if (!(r3 < 0 && -r3 >= threshold)) return in.benchmark;
  s.guardrail_triggered = true;
  if (in.expenditure < *in.two_way_benchmark) {  // (b)(5)(ii)
    s.benchmark_used = SettledBenchmark::TwoWay;
    s.benchmark = *in.two_way_benchmark;
    s.expenditure = in.expenditure;
    s.gross_savings = s.benchmark - s.expenditure;
    s.savings_rate = s.gross_savings / s.benchmark;
    s.outcome = Outcome::GuardrailNeutral;
    return s.benchmark;
  }
  if (*in.two_way_benchmark > in.benchmark) {  // (b)(5)(i)(A)
    s.benchmark_used = SettledBenchmark::TwoWay;
    return *in.two_way_benchmark;
  }
  return in.benchmark;
}

// Gross savings G > 0: the MSR test, the half rate, quality, then steps 7-9 (spec §5).
void settle_savings(const Track& track, const SettlementInput& in, const BindingRules& rules, double fsr,
                    Settlement& s) {
  const double G = s.gross_savings, B = s.benchmark;
  bool qualifies = s.savings_rate >= s.msr;
  // 42 CFR 425.605(h): a low-revenue BASIC ACO of an agreement starting 2024 or later, with at
  // least 5,000 beneficiaries and the QPS or alternative QPS met, shares at half the rate when
  // 0 < r < MSR (spec §5.3).
  if (!qualifies && track.basic && !track.custom && in.low_revenue && in.agreement_start_year >= 2024 &&
      in.assigned_beneficiaries >= 5000 && fsr > 0) {
    fsr *= 0.5;
    s.half_rate = true;
    qualifies = true;
  }
  if (!qualifies) {
    s.outcome = Outcome::BelowMsr;
    return;
  }
  if (fsr <= 0) {
    s.outcome = Outcome::QualityFailed;
    return;
  }
  // Steps 7-9: first-dollar sharing, sequestration (savings only) before the cap.
  s.outcome = Outcome::SharedSavings;
  s.sharing_rate = fsr;
  const double shared = G * fsr;
  s.sequestration = shared * rules.sequestration_rate;
  const double after_sequester = shared - s.sequestration;
  s.cap = track.performance_payment_limit * B;
  s.cap_bound = after_sequester > s.cap;
  s.payment = s.cap_bound ? s.cap : after_sequester;
}

// The loss limit [USD] against benchmark B (spec §5 step 9).
double loss_limit(const Track& track, const SettlementInput& in, double B, Settlement& s) {
  switch (track.loss_limit_rule) {
    case LossLimitRule::None: return 0;
    case LossLimitRule::ShareOfBenchmark: return track.loss_limit_benchmark_share * B;
    case LossLimitRule::RevenueCappedByBenchmark: {
      double cap = track.loss_limit_benchmark_share * B;
      if (!in.benchmark_based_loss_limit) {
        if (in.participant_revenue) {
          cap = std::min(cap, track.loss_limit_revenue_share * *in.participant_revenue);
        } else {
          s.revenue_limit_unknown = true;
        }
      }
      return cap;
    }
    case LossLimitRule::ByTrack2Year:
      // 42 CFR 425.606(g): 5%, 7.5%, 10% of B in the 1st, 2nd, 3rd+ year in Track 2.
      return (in.track2_year <= 1 ? 0.05 : in.track2_year == 2 ? 0.075 : 0.10) * B;
  }
  return 0;
}

// Shared losses: rate, limit, then relief (spec §5 steps 6-10).
void settle_losses(const Track& track, const SettlementInput& in, const BindingRules& rules, double fsr,
                   Settlement& s) {
  s.outcome = Outcome::SharedLosses;
  s.sharing_rate = fsr;
  s.loss_rate = shared_loss_rate(track, rules.loss_rate_from_quality, rules.alternative_exists, fsr, in);
  s.cap = loss_limit(track, in, s.benchmark, s);
  const double owed = -s.gross_savings * s.loss_rate;
  s.cap_bound = owed > s.cap;
  const double limited = s.cap_bound ? s.cap : owed;
  // EUC relief after the loss limit (spec §5 step 10); PHE relief is program-wide.
  if (in.loss_relief_amount) {
    s.loss_relief = std::min(*in.loss_relief_amount, limited);
  } else {
    s.loss_relief = limited * std::max(in.euc_relief_fraction, rules.phe_relief);
  }
  s.payment = -(limited - s.loss_relief);
}

}  // namespace

Settlement settle(const Track& track, const SettlementInput& in) {
  validate(track, in);
  const BindingRules rules = binding_rules(track, in);

  // Step 5: thresholds, inclusive (spec §2).
  Settlement s;
  const MsrMlr rates = minimum_rates(track, in);
  s.msr = rates.msr;
  s.mlr = track.two_sided ? rates.mlr : 0.0;
  s.msr_from_table = rates.from_table;

  const double B = guardrail_benchmark(track, in, s);
  if (s.outcome == Outcome::GuardrailNeutral) return s;

  // Steps 3-4: totals, gross savings, savings rate (spec §5).
  s.benchmark = B;
  s.expenditure = in.expenditure;
  s.gross_savings = B - in.expenditure;
  s.savings_rate = s.gross_savings / B;

  // Step 6: final sharing rate.
  const double fsr =
      final_sharing_rate(max_sharing_rate(track, in.performance_year, in.rules), rules.quality_rule, in);
  if (s.gross_savings > 0) {
    settle_savings(track, in, rules, fsr, s);
  } else if (!track.two_sided || s.gross_savings == 0) {
    s.outcome = Outcome::BelowMsr;
  } else if (-s.savings_rate < s.mlr) {
    s.outcome = Outcome::BelowMlr;
  } else {
    settle_losses(track, in, rules, fsr, s);
  }
  return s;
}

std::string explain(const Track& track, const Settlement& s) {
  const double pct = 100.0;
  switch (s.outcome) {
    case Outcome::SharedSavings:
      return fmt::format(
          "{}: savings rate {:.2f}% {} the MSR {:.2f}%{}; {:.2f}% of ${:.0f} shared{}{}", track.id,
          s.savings_rate * pct, s.half_rate ? "was below" : "met", s.msr * pct,
          s.half_rate ? ", shared at the 42 CFR 425.605(h) half rate" : "", s.sharing_rate * pct,
          s.gross_savings,
          s.sequestration > 0 ? fmt::format(", less ${:.0f} sequestration", s.sequestration) : "",
          s.cap_bound ? fmt::format("; capped at the performance payment limit ${:.0f}", s.cap) : "");
    case Outcome::SharedLosses:
      return fmt::format("{}: loss rate {:.2f}% met the MLR {:.2f}%; {:.2f}% of ${:.0f} owed{}{}{}{}",
                         track.id, -s.savings_rate * pct, s.mlr * pct, s.loss_rate * pct, -s.gross_savings,
                         s.benchmark_used == SettledBenchmark::TwoWay
                             ? fmt::format(" (against the two-way benchmark ${:.0f}: ACPT loss guardrail, "
                                           "42 CFR 425.652(b)(5))",
                                           s.benchmark)
                             : "",
                         s.cap_bound ? fmt::format("; capped at the loss limit ${:.0f}", s.cap) : "",
                         s.loss_relief > 0 ? fmt::format("; ${:.0f} disaster relief", s.loss_relief) : "",
                         s.revenue_limit_unknown ? "; revenue-based limit unknown" : "");
    case Outcome::BelowMsr:
      return s.gross_savings < 0 ? fmt::format("{}: losses of {:.2f}% are not shared on a one-sided track",
                                               track.id, -s.savings_rate * pct)
                                 : fmt::format("{}: savings rate {:.2f}% below the MSR {:.2f}%", track.id,
                                               s.savings_rate * pct, s.msr * pct);
    case Outcome::BelowMlr:
      return fmt::format("{}: loss rate {:.2f}% below the MLR {:.2f}%", track.id, -s.savings_rate * pct,
                         s.mlr * pct);
    case Outcome::QualityFailed:
      return fmt::format("{}: savings rate {:.2f}% met the MSR {:.2f}% but the quality standard was not met",
                         track.id, s.savings_rate * pct, s.msr * pct);
    case Outcome::GuardrailNeutral:
      return fmt::format(
          "{}: spending exceeded the three-way benchmark ${:.0f} by {:.2f}% (at least the MLR {:.2f}%) "
          "but was below the two-way benchmark ${:.0f}: neither savings nor losses "
          "(42 CFR 425.652(b)(5)(ii) ACPT loss guardrail)",
          track.id, s.three_way_benchmark,
          (s.expenditure - s.three_way_benchmark) / s.three_way_benchmark * pct,
          (track.two_sided ? s.mlr : s.msr) * pct, s.two_way_benchmark);
  }
  return track.id;
}

}  // namespace acosim
