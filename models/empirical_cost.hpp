// Resampling a user's own per-beneficiary annual costs (the empirical cost mode, docs/scenario.md).
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <optional>
#include <vector>

namespace acosim {

// One enrollment type's observed annual costs [USD], truncated as CMS does (at a percentile of the
// observed values, spec §4.1) and optionally rescaled to a target mean (the untruncated values are
// kept, so the engine can truncate m X for a true effect m: sim/engine/true_effect.hpp). A beneficiary-year
// draws the observed cost at rank Phi(z_size) x n (a Gaussian copula), so the AR(1) latents that give the
// parametric model its year-to-year persistence give the empirical mode the same persistence.
class EmpiricalCost {
 public:
  // costs: at least 1 value, each finite and >= 0. truncation_percentile in (0.5, 1]. mean: when
  // given, the truncated values are scaled so that their mean is `mean` [USD]. Throws
  // std::invalid_argument on bad input.
  EmpiricalCost(std::vector<double> costs, double truncation_percentile,
                std::optional<double> mean = std::nullopt);

  double cost(double /*z_state*/, double z_size) const {
    const double u = 0.5 * std::erfc(-z_size / std::numbers::sqrt2);
    const auto i = static_cast<std::size_t>(u * static_cast<double>(sorted_->size()));
    return std::min(cap_, (*sorted_)[i < sorted_->size() ? i : sorted_->size() - 1]);
  }
  // A copy that truncates at `cap` [USD] instead (mean() and sd() stay this one's).
  EmpiricalCost truncated_at(double cap) const {
    EmpiricalCost e = *this;
    e.cap_ = cap;
    return e;
  }

  double mean() const { return mean_; }             // truncated (and scaled) mean [USD]
  double sd() const { return sd_; }                 // [USD]
  double truncation_point() const { return cap_; }  // [USD], after scaling
  std::size_t size() const { return sorted_->size(); }

 private:
  std::shared_ptr<const std::vector<double>> sorted_;  // ascending, scaled, not truncated
  double mean_ = 0, sd_ = 0, cap_ = 0;
};

}  // namespace acosim
