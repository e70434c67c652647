// Track catalog and rule years of the Medicare Shared Savings Program, as data.
//
// Source of truth: shared/spec/settlement-rules.md (cited as "spec §N"); CFR sections are
// 42 CFR 425.604 (Track 1), 425.606 (Track 2), 425.610 (Track 3 / ENHANCED), 425.605 (BASIC).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace acosim {

// How the quality score turns into the final sharing rate (spec §3, §7).
enum class QualityRule {
  None,                        // no quality link: FSR = max rate (commercial contracts)
  Scaled,                      // PY2012-2020: FSR = max x Q/100 if the standard is met, else 0
  AllOrNothing,                // PY2021-2022: FSR = max if the QPS is met, else 0 (42 CFR 425.512(a)(4))
  AllOrNothingWithAlternative  // PY2023+: QPS -> max; alternative QPS -> max x Q/100; else 0
};

// How the shared-loss rate is set (spec §1, §3.3).
enum class LossRateRule {
  None,            // one-sided
  Fixed,           // a fixed rate (BASIC C-E and Track 1+: 30%)
  OneMinusSharing  // 1 - FSR, bounded to [floor, ceiling] (Track 2, Track 3, ENHANCED); from
                   // PY2023 ENHANCED uses 1 - max x Q/100 even when the QPS is met (425.610(f))
};

// How the loss limit (loss sharing limit) is set (spec §1).
enum class LossLimitRule {
  None,                      // one-sided
  ShareOfBenchmark,          // share x updated benchmark (Track 3, ENHANCED 15%)
  RevenueCappedByBenchmark,  // min(revenue share x participant revenue, benchmark share x B)
                             // (BASIC C/D/E; Track 1+ with the revenue-based limit)
  ByTrack2Year               // 5% / 7.5% / 10% of B in the 1st / 2nd / 3rd+ year in Track 2
};

// Where the minimum savings (and loss) rate comes from (spec §2).
enum class MsrRule {
  Table,   // one-sided: variable MSR by assigned beneficiaries (42 CFR 425.605(b)(1), Table 5)
  Elected  // two-sided: elected 0%, 0.5-2.0%, or variable (425.605(b)(2), 425.610(b)(1))
};

// One track or level, or a user-defined contract with the same mechanics.
struct Track {
  std::string id;    // "BASIC_E", "ENHANCED", "TRACK_1", ... or a custom name
  std::string name;  // human-readable
  bool two_sided = false;
  bool basic = false;                    // BASIC track: eligible for the 425.605(h) half rate
  double max_sharing_rate = 0;           // [fraction]
  double performance_payment_limit = 0;  // savings cap [fraction of updated benchmark]
  LossRateRule loss_rate_rule = LossRateRule::None;
  double loss_rate = 0;        // Fixed rule [fraction]
  double loss_rate_floor = 0;  // OneMinusSharing bounds [fraction]
  double loss_rate_ceiling = 0;
  LossLimitRule loss_limit_rule = LossLimitRule::None;
  double loss_limit_revenue_share = 0;    // [fraction of participant revenue]
  double loss_limit_benchmark_share = 0;  // [fraction of updated benchmark]
  MsrRule msr_rule = MsrRule::Table;
  bool loss_rate_quality_scaled = false;  // 42 CFR 425.610(f) (Track 3, ENHANCED): from PY2021 the
                                          // loss rate is 1 - 0.75 x Q/100 when the QPS is met
  int first_py = 0, last_py = 0;          // performance years the track was reconciled in
  // Custom contracts replace the PY's rules with their own.
  std::optional<QualityRule> quality_rule_override;
  std::optional<double> sequestration_override;  // [fraction]
  bool custom = false;
};

// The catalog of CMS tracks (spec §1.1, §1.2).
std::span<const Track> track_catalog();

// The catalog entry with this id (case-insensitive; "A".."E", "EN" and "BASIC_A" etc. accepted).
// Returns nullptr when unknown.
const Track* find_track(std::string_view id);

// The ids the catalog knows, comma-separated, for error messages.
std::string known_track_ids();

// Rules that depend on the performance year, not the track (spec §7).
struct RuleYear {
  int py = 0;
  QualityRule quality_rule = QualityRule::Scaled;
  std::optional<double> qps_threshold;  // MIPS Quality score the QPS needs [0-100]; not published
                                        // for PY2027 (benchmark-rules.md §8: a required parameter)
  double sequestration_rate = 0.02;     // on savings only, before the cap (spec §5.1) [fraction]
  double phe_loss_relief = 0;           // share of losses forgiven program-wide (COVID PHE, spec §5.2)
  bool enhanced_loss_rate_from_quality = false;  // PY2021+: the 425.610(f) loss rate = 1 - 0.75 Q
                                                 // when the QPS is met (spec §3.3; bench §8)
  bool health_equity_adjustment = false;         // PY2023-2025: the 425.512(b) health equity adjustment
                                                 // feeds Q (bench §8); removed from PY2026 [S]
  bool complete_reporter_floor = false;          // PY2025+: 425.512(a)(7)(ii) floor (bench §8)
};

// Performance years with known rules: 2013-2027 (PY2027 as PY2026, without a published QPS).
constexpr int kFirstRuleYear = 2013;
constexpr int kLastRuleYear = 2027;

// Rules of the performance year; throws std::invalid_argument outside [2013, 2027].
const RuleYear& rule_year(int py);

std::string_view to_string(QualityRule r);

// Track 2 agreements that started 2012-2015 had a flat 2% MSR/MLR, with no election
// (settlement-rules.md §1.2 [V-data: PY2013-2014 Track 2 rows]; 42 CFR 425.606(b) as first
// issued). True for TRACK_2 when the PY is before 2016 (no later starter could be in it) or the
// agreement started 2012-2015.
bool flat_two_percent_msr(const Track& track, int performance_year, int agreement_start_year);
constexpr double kTrack2FlatMsr = 0.02;

}  // namespace acosim
