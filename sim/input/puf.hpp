// The CMS ACO results public-use file (PUF): one row per ACO per performance year, with CMS's own
// settlement (EarnSaveLoss). read_puf() maps every row to a SettlementInput; reproduce() settles
// it and compares with CMS. Column meanings and format quirks: spec §6.3 (settlement-rules.md).
//
// Layouts (spec §6.3):
// - track flags, PY2013-2021: Current_Track_1 / _2 / _3 / _1_Plus, Current_BASIC_A..E,
//   Current_ENHANCED (0/1; case-insensitive), Track1 / Track2 in PY2014;
// - Current_Track, PY2022+: A, B, C, D, E, EN (any id models/track find_track() accepts).
// Rates (Sav_rate, MinSavPerc, QualScore, FinalShareRate, FinalLossRate): a "%" suffix is always a
// percent ("2.00%", PY2022-23); a bare number is a fraction in PY <= 2020 files (QualScore 0.9084,
// MinSavPerc 0.02) and a percent from PY2021 (PY2024: "2.00", "-" for not applicable).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/settle.hpp"
#include "models/track.hpp"

namespace acosim {

class CsvTable;

// 42 CFR 425.20: an ACO is "high revenue" when its participants' Parts A+B FFS revenue is at least
// 35% of its assigned beneficiaries' total Parts A+B expenditures (spec §1.1).
constexpr double kHighRevenueShare = 0.35;

// A match is within $2, or within 1e-4 of CMS's amount when the amount depends on a quality score
// the file rounds (PY2016-18 print QualScore to 4 decimals, PY2022+ to 2 decimals of a percent).
constexpr double kPufDollarTolerance = 2.0;
constexpr double kPufQualityRelTolerance = 1e-4;

enum class PufLayout { TrackFlags, TrackColumn };

// One PUF row, mapped.
struct PufRecord {
  std::size_t line = 0;  // 1-based line in the file
  std::string aco_id, aco_name;
  std::string track_label;  // as written ("EN") or the flag column set ("Current_Track_1")
  const Track* track = nullptr;
  SettlementInput input;
  double cms_earned = 0;  // EarnSaveLoss [USD]

  // What the file says beyond the inputs: used to judge and explain a comparison.
  std::optional<double> gen_save_loss;      // GenSaveLoss [USD]
  std::optional<double> dis_adj;            // DisAdj [USD, <= 0]
  std::optional<double> file_msr;           // MinSavPerc [fraction]
  double file_msr_half_ulp = 0;             // its rounding [fraction]
  std::optional<double> file_sharing_rate;  // FinalShareRate [fraction]
  std::optional<double> file_loss_rate;     // FinalLossRate [fraction]
  std::optional<bool> high_revenue;         // Rev_Exp_Cat: true "High Revenue", false "Low Revenue"
  bool revenue_based_limit = false;         // the loss limit depends on participant revenue (BASIC C-E;
                                            // Track 1+ unless RevLossLimit = 0)
  bool quality_missing = false;             // QualScore empty: Q unknown in [0, 100]
  double quality_half_ulp = 0;              // rounding of QualScore [points of 0-100]
  bool track2_year_known = true;            // Track 2: year of participation derived from the dates
  bool guardrail = false;                   // Guardrail set (PY2024; the rule is not public, spec §8.7)
  bool mid_year_termination = false;        // Impact_Mid_Year_Termination = 1
  bool reduced_ss = false;                  // ReducedSS = 1 (PY2024, 42 CFR 425.605(h) half rate)
  std::vector<std::string> notes;           // how indirect inputs were derived
};

struct PufFile {
  std::string source;
  int py = 0;
  PufLayout layout = PufLayout::TrackColumn;
  bool bare_rates_are_fractions = false;  // PY <= 2020
  std::vector<PufRecord> records;
  std::vector<std::string> warnings;  // e.g. a known column that looks renamed (printed by acosim settle)
};

// Reads a PUF of performance year `py`. Throws InputError naming file, line, column, value and
// what is allowed (missing column, unknown track, non-numeric cell, PY without rules, ...).
PufFile read_puf(const std::filesystem::path& path, int py);
PufFile read_puf(const CsvTable& table, int py);

enum class PufStatus { Match, Mismatch, Undetermined };
std::string_view to_string(PufStatus s);  // "yes", "no", "undetermined"

struct PufResult {
  Settlement settlement;
  double earned = 0;  // settle()'s payment: comparable to EarnSaveLoss
  double cms_earned = 0;
  double diff = 0;       // earned - cms_earned
  double tolerance = 0;  // allowed |diff|
  PufStatus status = PufStatus::Match;
  std::string reason;  // why it does not match, or why it cannot be determined
};

// Settles one row and compares it with CMS. std::invalid_argument from settle() is rethrown as
// InputError with the row's file and line.
PufResult reproduce(const PufRecord& rec, const std::string& source);

struct PufReport {
  std::vector<PufResult> results;  // parallel to PufFile::records
  std::size_t matched = 0, mismatched = 0, undetermined = 0;
  std::size_t determined() const { return matched + mismatched; }
};
PufReport reproduce_all(const PufFile& file);

// A loss settled without participant revenue under a revenue-based loss limit (BASIC C-E, Track
// 1+) is still determined when the revenue limit cannot bind: a high-revenue ACO has revenue
// >= 35% of E, so its revenue limit is >= revenue share x 0.35 x E; if the loss after the benchmark
// cap is no larger, the revenue limit is not the smaller one. A low-revenue (or unclassified)
// ACO's revenue is only known to be >= 0, so any such loss is undetermined. True when `s` does
// not depend on the unknown revenue.
bool revenue_limit_determined(const Track& track, const Settlement& s, std::optional<bool> high_revenue);

// The loss `s` would owe after the benchmark-based cap but before relief [USD, >= 0].
double loss_before_relief(const Settlement& s);

}  // namespace acosim
