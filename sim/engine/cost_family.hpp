// The cost families (models/cost_model.hpp CostFamily) as a closed set: each declares how the
// sampler evaluates it, once per (run, enrollment type) in sample_py_only / sample_history
// (sim/engine/sampler.hpp), so the per-beneficiary loop stays monomorphic. A new family must be
// added to cost_kernel() (a missing case does not compile: -Wswitch is an error) and to
// kCostFamilies (the names a scenario may give); docs/cost-model.md "Adding a cost family".
#pragma once

#include <array>

#include "models/cost_model.hpp"

namespace acosim {

enum class CostKernel {
  Lognormal,  // CostDistribution::kernel(): the vectorised zero + lognormal(s) kernel
  Generic     // CostDistribution::cost() per beneficiary-year (scalar; any family)
};

constexpr CostKernel cost_kernel(CostFamily f) {
  switch (f) {
    case CostFamily::Lognormal: return CostKernel::Lognormal;
    case CostFamily::LognormalMixture: return CostKernel::Lognormal;
    case CostFamily::Gamma: return CostKernel::Generic;  // the gamma quantile has no closed form
  }
  return CostKernel::Generic;
}

// Every family, in the order messages list them (cost_model.family in a scenario).
inline constexpr std::array<CostFamily, 3> kCostFamilies = {CostFamily::Lognormal, CostFamily::Gamma,
                                                            CostFamily::LognormalMixture};

}  // namespace acosim
