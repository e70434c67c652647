#include "models/track.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <stdexcept>

namespace acosim {
namespace {

Track one_sided(std::string id, std::string name, bool basic, double rate, double ppl, int first, int last) {
  Track t;
  t.id = std::move(id);
  t.name = std::move(name);
  t.basic = basic;
  t.max_sharing_rate = rate;
  t.performance_payment_limit = ppl;
  t.msr_rule = MsrRule::Table;
  t.first_py = first;
  t.last_py = last;
  return t;
}

Track two_sided(std::string id, std::string name, bool basic, double rate, double ppl, int first, int last) {
  Track t = one_sided(std::move(id), std::move(name), basic, rate, ppl, first, last);
  t.two_sided = true;
  t.msr_rule = MsrRule::Elected;
  return t;
}

// BASIC C/D/E: 50% sharing, 10% cap, 30% loss rate, loss limit = min(rev% x revenue, bench% x B)
// (spec §1.1; 42 CFR 425.605(d)(1)(iii)-(v)).
Track basic_two_sided(char level, double revenue_share, double benchmark_share) {
  Track t = two_sided(std::string("BASIC_") + level, std::string("BASIC Level ") + level, true, 0.50, 0.10,
                      2019, kLastRuleYear);
  t.loss_rate_rule = LossRateRule::Fixed;
  t.loss_rate = 0.30;
  t.loss_limit_rule = LossLimitRule::RevenueCappedByBenchmark;
  t.loss_limit_revenue_share = revenue_share;
  t.loss_limit_benchmark_share = benchmark_share;
  return t;
}

std::array<Track, 10> make_catalog() {
  // spec §1.1 table, 42 CFR 425.605(d)(1)(i)-(ii): BASIC A/B one-sided, 40% sharing, 10% cap.
  Track a = one_sided("BASIC_A", "BASIC Level A", true, 0.40, 0.10, 2019, kLastRuleYear);
  Track b = one_sided("BASIC_B", "BASIC Level B", true, 0.40, 0.10, 2019, kLastRuleYear);
  Track c = basic_two_sided('C', 0.02, 0.01);
  Track d = basic_two_sided('D', 0.04, 0.02);
  Track e = basic_two_sided('E', 0.08, 0.04);

  // ENHANCED (42 CFR 425.610): 75% sharing, 20% cap, loss rate 1 - FSR in [40%, 75%] (from PY2023
  // 1 - 0.75 Q), loss limit 15% of the updated benchmark (spec §1.1, §3.3).
  Track en = two_sided("ENHANCED", "ENHANCED", false, 0.75, 0.20, 2019, kLastRuleYear);
  en.loss_rate_quality_scaled = true;
  en.loss_rate_rule = LossRateRule::OneMinusSharing;
  en.loss_rate_floor = 0.40;
  en.loss_rate_ceiling = 0.75;
  en.loss_limit_rule = LossLimitRule::ShareOfBenchmark;
  en.loss_limit_benchmark_share = 0.15;

  // Track 1 (42 CFR 425.604): one-sided, 50% x Q, 10% cap (spec §1.2).
  Track t1 = one_sided("TRACK_1", "Track 1", false, 0.50, 0.10, 2013, 2021);

  // Track 2 (42 CFR 425.606): 60% x Q, 15% cap, loss rate 1 - FSR capped at 60% (floor 40%),
  // loss limit 5% / 7.5% / 10% of B by year of participation in Track 2 (spec §1.2, §8.1).
  Track t2 = two_sided("TRACK_2", "Track 2", false, 0.60, 0.15, 2013, 2021);
  t2.loss_rate_rule = LossRateRule::OneMinusSharing;
  t2.loss_rate_floor = 0.40;
  t2.loss_rate_ceiling = 0.60;
  t2.loss_limit_rule = LossLimitRule::ByTrack2Year;

  // Track 3 (42 CFR 425.610, 2016-2019 starts): 75% x Q, 20% cap, loss rate in [40%, 75%],
  // loss limit 15% of B (spec §1.2).
  Track t3 = two_sided("TRACK_3", "Track 3", false, 0.75, 0.20, 2016, 2021);
  t3.loss_rate_rule = LossRateRule::OneMinusSharing;
  t3.loss_rate_floor = 0.40;
  t3.loss_rate_ceiling = 0.75;
  t3.loss_limit_rule = LossLimitRule::ShareOfBenchmark;
  t3.loss_limit_benchmark_share = 0.15;
  t3.loss_rate_quality_scaled = true;  // 425.610 covers Track 3 too

  // Track 1+ (CMMI model, 2018-2019 starts): 50% x Q, 10% cap, 30% fixed loss rate, loss limit
  // 8% of participant revenue capped at 4% of B, or 4% of B when the ACO includes an IPPS
  // hospital etc. (input flag benchmark_based_loss_limit) (spec §1.2 [S + V-data]).
  Track t1p = two_sided("TRACK_1_PLUS", "Track 1+", false, 0.50, 0.10, 2018, 2021);
  t1p.loss_rate_rule = LossRateRule::Fixed;
  t1p.loss_rate = 0.30;
  t1p.loss_limit_rule = LossLimitRule::RevenueCappedByBenchmark;
  t1p.loss_limit_revenue_share = 0.08;
  t1p.loss_limit_benchmark_share = 0.04;

  return {a, b, c, d, e, en, t1, t2, t3, t1p};
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    ch = ch == '-' || ch == ' ' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return out;
}

// Rule years, spec §7 and §5.1-5.2. QPS thresholds: PY2021 61.73, PY2022 70.63 (30th percentile),
// PY2023 65.76 (30th), PY2024 77.05 (40th) [V-data]; PY2025 76.70 [S, benchmark-rules.md §8];
// PY2026 73.85 [S]; PY2027 not published [K]. Sequestration 2% except PY2019-2020 payments (CARES
// Act moratorium) [V-data]. PY2027 otherwise as PY2026 (benchmark-rules.md §8, §10).
std::array<RuleYear, kLastRuleYear - kFirstRuleYear + 1> make_rule_years() {
  std::array<RuleYear, kLastRuleYear - kFirstRuleYear + 1> years{};
  for (int py = kFirstRuleYear; py <= kLastRuleYear; ++py) {
    RuleYear& y = years[static_cast<std::size_t>(py - kFirstRuleYear)];
    y.py = py;
    y.sequestration_rate = (py == 2019 || py == 2020) ? 0.0 : 0.02;
    if (py <= 2020) {
      y.quality_rule = QualityRule::Scaled;
    } else if (py <= 2022) {
      y.quality_rule = QualityRule::AllOrNothing;
    } else {
      y.quality_rule = QualityRule::AllOrNothingWithAlternative;
    }
    // 425.610(f)(2) (PY2021-22) and (f)(3) (PY2023+): quality-scaled, not a flat 40% (bench §8).
    y.enhanced_loss_rate_from_quality = py >= 2021;
    y.health_equity_adjustment = py >= 2023 && py <= 2025;  // 425.512(b); removed PY2026 [S]
    y.complete_reporter_floor = py >= 2025;                 // 425.512(a)(7)(ii)
    if (py >= 2020 && py <= 2022) y.phe_loss_relief = 1.0;  // PHE covered all months
    if (py == 2023) y.phe_loss_relief = 5.0 / 12.0;         // PHE January-May 2023
  }
  auto set_threshold = [&](int py, double v) {
    years[static_cast<std::size_t>(py - kFirstRuleYear)].qps_threshold = v;
  };
  set_threshold(2021, 61.73);
  set_threshold(2022, 70.63);
  set_threshold(2023, 65.76);
  set_threshold(2024, 77.05);
  set_threshold(2025, 76.70);
  set_threshold(2026, 73.85);
  return years;
}

}  // namespace

std::span<const Track> track_catalog() {
  static const std::array<Track, 10> catalog = make_catalog();
  return catalog;
}

const Track* find_track(std::string_view id) {
  std::string key = upper(id);
  if (key.size() == 1 && key[0] >= 'A' && key[0] <= 'E') key = "BASIC_" + key;
  if (key == "EN" || key == "ENH") key = "ENHANCED";
  if (key == "LEVEL_A" || key == "LEVEL_B" || key == "LEVEL_C" || key == "LEVEL_D" || key == "LEVEL_E")
    key = "BASIC_" + key.substr(6);
  if (key == "T1" || key == "TRACK1") key = "TRACK_1";
  if (key == "T2" || key == "TRACK2") key = "TRACK_2";
  if (key == "T3" || key == "TRACK3") key = "TRACK_3";
  if (key == "T1+" || key == "TRACK_1+" || key == "TRACK1+" || key == "T1_PLUS" || key == "TRACK1_PLUS")
    key = "TRACK_1_PLUS";
  for (const Track& t : track_catalog()) {
    if (t.id == key) return &t;
  }
  return nullptr;
}

std::string known_track_ids() {
  std::string out;
  for (const Track& t : track_catalog()) {
    if (!out.empty()) out += ", ";
    out += t.id;
  }
  return out;
}

const RuleYear& rule_year(int py) {
  static const auto years = make_rule_years();
  if (py < kFirstRuleYear || py > kLastRuleYear) {
    throw std::invalid_argument("performance year " + std::to_string(py) +
                                " has no settlement rules; allowed: " + std::to_string(kFirstRuleYear) + "-" +
                                std::to_string(kLastRuleYear));
  }
  return years[static_cast<std::size_t>(py - kFirstRuleYear)];
}

bool flat_two_percent_msr(const Track& track, int performance_year, int agreement_start_year) {
  if (track.custom || track.id != "TRACK_2") return false;
  return performance_year <= 2015 || (agreement_start_year >= 2012 && agreement_start_year <= 2015);
}

std::string_view to_string(QualityRule r) {
  switch (r) {
    case QualityRule::None: return "none";
    case QualityRule::Scaled: return "scaled";
    case QualityRule::AllOrNothing: return "all_or_nothing";
    case QualityRule::AllOrNothingWithAlternative: return "all_or_nothing_with_alternative";
  }
  return "?";
}

}  // namespace acosim
