#include "sim/input/puf.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "models/msr.hpp"
#include "sim/common/error.hpp"
#include "sim/common/format.hpp"
#include "sim/common/text.hpp"
#include "sim/input/csv.hpp"

namespace acosim {
namespace {

std::string money(double v) { return fmt::format("${:.0f}", v); }
std::string pct(double fraction) { return percent_of(fraction, 4); }

}  // namespace

std::string_view to_string(PufStatus s) {
  switch (s) {
    case PufStatus::Match: return "yes";
    case PufStatus::Mismatch: return "no";
    case PufStatus::Undetermined: return "undetermined";
  }
  return "?";
}

double loss_before_relief(const Settlement& s) {
  if (s.outcome != Outcome::SharedLosses) return 0.0;
  return -s.payment + s.loss_relief;
}

bool revenue_limit_determined(const Track& track, const Settlement& s, std::optional<bool> high_revenue) {
  if (!s.revenue_limit_unknown) return true;
  const double loss = loss_before_relief(s);
  if (loss <= 0) return true;
  if (!high_revenue.value_or(false)) return false;
  // Revenue >= 35% of E, so the revenue-based limit is at least this much.
  const double floor_limit = track.loss_limit_revenue_share * kHighRevenueShare * s.expenditure;
  return loss <= floor_limit;
}

namespace {

Settlement settle_row(const PufRecord& rec, const SettlementInput& in, const std::string& source) {
  try {
    return settle(*rec.track, in);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("{}:{}: ACO {}: {}", source, rec.line, rec.aco_id, e.what()));
  }
}

// Why a determined row does not match, from what the file says about each step.
std::string diagnose(const PufRecord& rec, const Settlement& s, double earned) {
  const double cms = rec.cms_earned;
  if (rec.guardrail && std::fabs(cms) < 0.5 && earned > 0) {
    return "Guardrail flag set and CMS paid nothing: the PY2024 benchmark guardrail rule is not "
           "public (spec §8.7); not reproduced";
  }
  std::vector<std::string> parts;
  if (rec.mid_year_termination) {
    parts.push_back(
        "mid-year termination (Impact_Mid_Year_Termination = 1): CMS pro-rates by months, not modelled");
  }
  if (rec.input.performance_year == 2019 && earned != 0 && std::fabs(cms / earned - 0.5) < 0.01) {
    parts.push_back(
        "6-month 2019 performance year: CMS pro-rates the full-year result by months (spec §5.4), not "
        "modelled");
  }
  const bool ours_met = s.outcome == Outcome::SharedSavings || s.outcome == Outcome::SharedLosses ||
                        s.outcome == Outcome::QualityFailed;
  if (rec.gen_save_loss) {
    const bool cms_met = std::fabs(*rec.gen_save_loss) > 0.5;
    const char* what = s.gross_savings >= 0 ? "savings" : "losses";
    const char* threshold = s.gross_savings >= 0 ? "MSR" : "MLR";
    if (ours_met && !cms_met) {
      parts.push_back(fmt::format(
          "CMS's GenSaveLoss is 0: CMS did not count {} of {} as meeting the {} of {} although the "
          "rate is at or above it (spec §6.4 lists such PUF rows as unexplained)",
          what, pct(std::fabs(s.savings_rate)), threshold, pct(s.gross_savings >= 0 ? s.msr : s.mlr)));
    } else if (!ours_met && cms_met) {
      parts.push_back(
          fmt::format("CMS's GenSaveLoss is {}: CMS counted the {} as meeting the {} but settle() "
                      "did not ({} vs {} {})",
                      money(*rec.gen_save_loss), what, threshold, pct(std::fabs(s.savings_rate)), threshold,
                      pct(s.gross_savings >= 0 ? s.msr : s.mlr)));
    }
  }
  if (rec.file_msr && std::fabs(s.msr - *rec.file_msr) > rec.file_msr_half_ulp + 1e-9) {
    parts.push_back(
        fmt::format("MSR {} differs from the file's MinSavPerc {}", pct(s.msr), pct(*rec.file_msr)));
  }
  if (s.outcome == Outcome::SharedSavings && rec.file_sharing_rate &&
      std::fabs(s.sharing_rate - *rec.file_sharing_rate) > 1e-4) {
    parts.push_back(fmt::format("sharing rate {} differs from the file's FinalShareRate {}",
                                pct(s.sharing_rate), pct(*rec.file_sharing_rate)));
  }
  if (s.outcome == Outcome::SharedLosses && rec.file_loss_rate &&
      std::fabs(s.loss_rate - *rec.file_loss_rate) > 1e-4) {
    parts.push_back(fmt::format("loss rate {} differs from the file's FinalLossRate {}", pct(s.loss_rate),
                                pct(*rec.file_loss_rate)));
  }
  if (parts.empty()) {
    parts.push_back(earned != 0 ? fmt::format("unexplained: CMS / settle() = {:.6f}", cms / earned)
                                : "unexplained: settle() gives 0");
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace

namespace {

// Why the revenue-based loss limit leaves the amount open, and whether CMS's loss exceeds the
// bound that no revenue could explain (`exceeds`).
std::string revenue_limit_reason(const PufRecord& rec, const Settlement& s, double tolerance, bool& exceeds) {
  const Track& track = *rec.track;
  const double loss = loss_before_relief(s);
  // CMS's loss before relief, to test it against the bound: revenue can only lower the loss.
  std::optional<double> cms_loss;
  if (rec.input.loss_relief_amount) {
    cms_loss = -rec.cms_earned + *rec.input.loss_relief_amount;
  } else if (loss > 0 && s.loss_relief < loss) {
    cms_loss = -rec.cms_earned / (1.0 - s.loss_relief / loss);
  }
  const double share = track.loss_limit_revenue_share;
  std::string why = fmt::format(
      "revenue-based loss limit unknown ({} of participant revenue; the PUF has no revenue): ", pct(share));
  if (rec.high_revenue.value_or(false)) {
    why += fmt::format(
        "high-revenue ACO, revenue >= 35% of E only bounds the limit below by {}, less than "
        "the loss of {} after the benchmark cap",
        money(share * kHighRevenueShare * s.expenditure), money(loss));
  } else {
    why += fmt::format(
        "{} ACO, revenue only known to be >= 0, so any loss (here {} after the benchmark cap) "
        "may be limited",
        rec.high_revenue ? "low-revenue" : "unclassified (no Rev_Exp_Cat)", money(loss));
  }
  if (!cms_loss) return why;
  if (*cms_loss > loss + tolerance) {
    exceeds = true;
    why += fmt::format("; but CMS's loss of {} exceeds that bound, which no revenue can explain",
                       money(*cms_loss));
  } else if (*cms_loss >= loss - tolerance) {
    why += fmt::format("; CMS's loss equals it: consistent with revenue >= {}", money(loss / share));
  } else {
    const double revenue = *cms_loss / share;
    const double ratio = revenue / s.expenditure;
    const bool category_ok = !rec.high_revenue || (*rec.high_revenue ? ratio >= kHighRevenueShare - 1e-3
                                                                     : ratio < kHighRevenueShare + 1e-3);
    why += fmt::format(
        "; CMS's loss of {} implies a revenue-based limit, i.e. participant revenue {} "
        "({:.1f}% of E{})",
        money(*cms_loss), money(revenue), 100.0 * ratio,
        category_ok ? ", consistent with Rev_Exp_Cat" : ", INCONSISTENT with Rev_Exp_Cat");
  }
  return why;
}

// How far the amount moves over the quality scores the file's rounding leaves open [USD].
double quality_spread(const PufRecord& rec, const std::string& source) {
  SettlementInput lo = rec.input, hi = rec.input;
  if (rec.quality_missing) {
    lo.quality_score = 0;
    hi.quality_score = 100;
  } else {
    lo.quality_score = std::max(0.0, rec.input.quality_score - rec.quality_half_ulp);
    hi.quality_score = std::min(100.0, rec.input.quality_score + rec.quality_half_ulp);
  }
  return std::fabs(settle_row(rec, hi, source).payment - settle_row(rec, lo, source).payment);
}

}  // namespace

PufResult reproduce(const PufRecord& rec, const std::string& source) {
  PufResult r;
  const Track& track = *rec.track;
  const Settlement s = settle_row(rec, rec.input, source);
  r.settlement = s;
  r.earned = s.payment;
  r.cms_earned = rec.cms_earned;
  r.diff = r.earned - r.cms_earned;

  // Does the amount depend on the quality score within what the file's rounding leaves open?
  const double q_spread = quality_spread(rec, source);
  const bool q_dependent = q_spread > 0.005;
  r.tolerance = kPufDollarTolerance;
  if (q_dependent && !rec.quality_missing) {
    r.tolerance = std::max(kPufDollarTolerance, kPufQualityRelTolerance * std::fabs(rec.cms_earned));
  }

  // What the file cannot tell.
  std::vector<std::string> unknown;
  bool cms_exceeds_bound = false;
  if (rec.quality_missing && q_dependent)
    unknown.push_back("QualScore is missing and the amount depends on it");
  if (s.revenue_limit_unknown && !revenue_limit_determined(track, s, rec.high_revenue)) {
    unknown.push_back(revenue_limit_reason(rec, s, r.tolerance, cms_exceeds_bound));
  }
  if (track.id == "TRACK_2" && !rec.track2_year_known && s.outcome == Outcome::SharedLosses) {
    SettlementInput first = rec.input;
    first.track2_year = 1;
    if (std::fabs(settle_row(rec, first, source).payment - s.payment) > 0.005) {
      unknown.push_back("year of participation in Track 2 unknown and the 5% / 7.5% / 10% loss limit binds");
    }
  }

  if (!unknown.empty() && !cms_exceeds_bound) {
    r.status = PufStatus::Undetermined;
    for (const std::string& u : unknown) r.reason += (r.reason.empty() ? "" : "; ") + u;
    return r;
  }
  if (std::fabs(r.diff) <= r.tolerance) {
    r.status = PufStatus::Match;
    return r;
  }
  r.status = PufStatus::Mismatch;
  r.reason = diagnose(rec, s, r.earned);
  if (cms_exceeds_bound) r.reason = unknown.back() + "; " + r.reason;
  if (q_dependent && !rec.quality_missing) {
    r.reason += fmt::format(" (the rounding of QualScore moves the amount by up to {})", money(q_spread / 2));
  }
  return r;
}

PufReport reproduce_all(const PufFile& file) {
  PufReport report;
  report.results.reserve(file.records.size());
  for (const PufRecord& rec : file.records) {
    PufResult r = reproduce(rec, file.source);
    switch (r.status) {
      case PufStatus::Match: ++report.matched; break;
      case PufStatus::Mismatch: ++report.mismatched; break;
      case PufStatus::Undetermined: ++report.undetermined; break;
    }
    report.results.push_back(std::move(r));
  }
  return report;
}

}  // namespace acosim
