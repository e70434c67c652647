#include "models/empirical_cost.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace acosim {

EmpiricalCost::EmpiricalCost(std::vector<double> costs, double truncation_percentile,
                             std::optional<double> mean) {
  if (costs.empty()) throw std::invalid_argument("empirical costs: no values (expected at least one cost)");
  for (std::size_t i = 0; i < costs.size(); ++i) {
    if (!std::isfinite(costs[i]) || costs[i] < 0) {
      throw std::invalid_argument(
          fmt::format("empirical costs: value {} (number {}) is not a finite non-negative dollar amount",
                      costs[i], i + 1));
    }
  }
  if (!(truncation_percentile > 0.5 && truncation_percentile <= 1.0)) {
    throw std::invalid_argument(
        fmt::format("empirical costs: truncation_percentile {:g} is out of range; allowed: (0.5, 1]",
                    truncation_percentile));
  }
  if (mean && !(std::isfinite(*mean) && *mean > 0)) {
    throw std::invalid_argument(
        fmt::format("empirical costs: mean {:g} must be a positive dollar amount", *mean));
  }
  std::sort(costs.begin(), costs.end());
  // CMS truncates at the percentile value (spec §4.1): the order statistic at rank ceil(p n).
  const std::size_t n = costs.size();
  const auto rank = static_cast<std::size_t>(std::ceil(truncation_percentile * static_cast<double>(n)));
  cap_ = costs[std::clamp<std::size_t>(rank, 1, n) - 1];
  double sum = 0;
  for (double c : costs) sum += std::min(c, cap_);
  double m = sum / static_cast<double>(n);
  if (m <= 0) {
    throw std::invalid_argument(
        fmt::format("empirical costs: every value is 0 after truncation at the {:g} percentile (expected "
                    "some positive costs)",
                    truncation_percentile));
  }
  if (!std::isfinite(m)) {
    throw std::invalid_argument(
        "empirical costs: the values are too large to average (expected dollar amounts)");
  }
  if (mean) {
    const double k = *mean / m;
    for (double& c : costs) c *= k;
    cap_ *= k;
    m = *mean;
  }
  double ss = 0;
  for (double c : costs) ss += (std::min(c, cap_) - m) * (std::min(c, cap_) - m);
  mean_ = m;
  sd_ = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0.0;
  sorted_ = std::make_shared<const std::vector<double>>(std::move(costs));
}

}  // namespace acosim
