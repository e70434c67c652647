// Quality score used in settlement: the quality performance standard (QPS) of each PY, the health
// equity adjustment years, and the EUC and complete-reporter floors (benchmark-rules.md §8, cited
// "bench §8"; 42 CFR 425.512). The PY facts live in the rule years (models/track.hpp, RuleYear:
// qps_threshold, health_equity_adjustment, complete_reporter_floor); this file applies them.
// The ENHANCED loss rate that the score feeds is in settle() (425.610(f)).
#pragma once

#include <optional>

namespace acosim {

// The QPS value (MIPS Quality score at the 30th/40th percentile) [0-100] of `performance_year`:
// 2021 61.73, 2022 70.63, 2023 65.76, 2024 77.05 [V-data], 2025 76.70 [S], 2026 73.85 [S];
// `given` overrides it. PY2027 is not published [K]: without `given` it throws
// std::invalid_argument naming the PY and what to give; so does a PY without rules.
double quality_performance_standard(int performance_year, std::optional<double> given = std::nullopt);

struct QualityInput {
  int performance_year = 2024;
  double raw_score = 0;             // the ACO's MIPS Quality score [0-100]
  double health_equity_points = 0;  // 425.512(b) health equity adjustment bonus points,
                                    // counted only in PY2023-2025 [0-100]
  bool euc_affected = false;        // >= 20% of assigned beneficiaries (Q4 list) in an EUC
                                    // area, or legal entity in one (425.512(c)(1)-(3))
  bool complete_reporter = false;   // reported all APP Plus measures with data completeness
                                    // and was floored under 425.512(a)(7)(ii) (PY2025+):
                                    // points reduced or >= 1 required measure without a
                                    // benchmark (every eCQM/MIPS CQM reporter in PY2026 [D])
  std::optional<double> threshold;  // overrides the PY's QPS value (required for PY2027)
};

enum class QualityFloor { None, Euc, CompleteReporter };

struct QualityResult {
  double threshold = 0;  // the QPS value [0-100]
  bool health_equity_applied = false;
  double adjusted_score = 0;                // raw + health equity points (PY2023-2025), at most 100
  QualityFloor floor = QualityFloor::None;  // the floor that raised the score, if any
  double score = 0;                         // Q used in settlement [0-100]
  bool met_qps = false;                     // score >= threshold
};

// Q with the PY's health equity adjustment and floors (bench §8): the EUC floor is the 40th
// percentile value (30th for PY2021-2023), the complete-reporter floor (PY2025+) the 40th; both
// are the PY's QPS value, so a floored ACO always meets the QPS. Throws on scores outside [0, 100].
QualityResult quality_score(const QualityInput& in);

}  // namespace acosim
