// The true effect on spending as CMS measures it, one helper for every engine (sample_run in
// sim/engine/runner.cpp, the agreement years in sim/engine/agreement.cpp).
//
// CMS truncates the spending that actually occurred at the national truncation point (spec §4.1,
// settlement-rules.md; docs/cost-model.md §1), and the true effect m = 1 + effect scales the ACO's
// costs, not that fixed dollar cap: a beneficiary-year counts min(cap, m X). The samplers' kernels sum
// min(cap', X) for whatever cap' a cost carries, so the engines draw min(cap, m X) = m min(cap / m, X)
// (exact for m > 0): the PY costs truncated at cap / m, the sum times m.
#pragma once

namespace acosim {

// Calls f with the enrollment type's cost sampler: the parametric CostDistribution, or the observed
// costs when the scenario resamples them (empirical mode). Both have cost(zs, zz) and truncated_at().
template <class Model, class F>
void with_cost(const Model& model, int e, F&& f) {
  if constexpr (requires { model.empirical(e); }) {
    if (const auto* observed = model.empirical(e)) {
      f(*observed);
      return;
    }
  }
  f(model.cost(e));
}

// One enrollment type's PY spending under the true effect, sum over beneficiaries of min(cap, m X)
// [USD]: `py_sum(py_cost)` draws the type's sums with the PY costs from `py_cost` (the type's cost
// truncated at cap / m) and returns the PY sum; the result is m times it. m = multiplier > 0 [1].
template <class Cost, class F>
double effect_spending(const Cost& cost, double multiplier, F&& py_sum) {
  return multiplier * py_sum(cost.truncated_at(cost.truncation_point() / multiplier));
}

}  // namespace acosim
