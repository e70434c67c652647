#include "models/quality.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "models/track.hpp"

namespace acosim {

double quality_performance_standard(int performance_year, std::optional<double> given) {
  if (given) {
    if (!std::isfinite(*given) || *given < 0 || *given > 100) {
      throw std::invalid_argument(
          fmt::format("quality performance standard {} is out of range; allowed: [0, 100]", *given));
    }
    return *given;
  }
  const RuleYear& year = rule_year(performance_year);  // throws outside the rule years
  if (!year.qps_threshold) {
    throw std::invalid_argument(fmt::format(
        "PY{} has no published quality performance standard (40th percentile of MIPS Quality scores, "
        "benchmark-rules.md §8); give the threshold as a score in [0, 100]",
        performance_year));
  }
  return *year.qps_threshold;
}

QualityResult quality_score(const QualityInput& in) {
  for (double v : {in.raw_score, in.health_equity_points}) {
    if (!std::isfinite(v) || v < 0 || v > 100) {
      throw std::invalid_argument(fmt::format("quality score {} is out of range; allowed: [0, 100]", v));
    }
  }
  const RuleYear& year = rule_year(in.performance_year);
  QualityResult r;
  r.threshold = quality_performance_standard(in.performance_year, in.threshold);
  // 425.512(b): the health equity adjustment applies in PY2023-2025 only.
  r.health_equity_applied = year.health_equity_adjustment && in.health_equity_points > 0;
  r.adjusted_score =
      std::min(100.0, in.raw_score + (r.health_equity_applied ? in.health_equity_points : 0.0));
  r.score = r.adjusted_score;
  // 425.512(c)(1)-(3) EUC floor (PY2021+ in these rules), 425.512(a)(7)(ii) complete reporters
  // (PY2025+): the higher of the ACO's score and the percentile value (= the PY's QPS value).
  if (in.euc_affected && r.threshold > r.score) {
    r.score = r.threshold;
    r.floor = QualityFloor::Euc;
  }
  if (in.complete_reporter && year.complete_reporter_floor && r.threshold > r.score) {
    r.score = r.threshold;
    r.floor = QualityFloor::CompleteReporter;
  }
  r.met_qps = r.score >= r.threshold;
  return r;
}

}  // namespace acosim
