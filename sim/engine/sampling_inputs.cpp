#include "sim/engine/sampling_inputs.hpp"

#include <algorithm>
#include <array>

namespace acosim {

namespace {

bool same_uncertain(const Uncertain& a, const Uncertain& b) { return a.mean == b.mean && a.sd == b.sd; }

bool same_shape(const CostShape& a, const CostShape& b) {
  return a.family == b.family && a.p_zero == b.p_zero && a.sigma == b.sigma &&
         a.high_weight == b.high_weight && a.median_ratio == b.median_ratio &&
         a.gamma_shape == b.gamma_shape && a.truncation_percentile == b.truncation_percentile;
}

// Observed costs cannot be compared value by value (EmpiricalCost keeps them private), so two
// scenarios that resample observed costs never share a sampling pass: correct, only slower.
bool same_empirical(const Scenario& a, const Scenario& b) {
  return std::none_of(a.empirical.begin(), a.empirical.end(), [](const auto& e) { return e.has_value(); }) &&
         std::none_of(b.empirical.begin(), b.empirical.end(), [](const auto& e) { return e.has_value(); });
}

constexpr SamplingUse S = SamplingUse::Samples;

const std::array<SamplingField, 17> kFields = {{
    {"runs", S, [](const Scenario& a, const Scenario& b) { return a.runs == b.runs; }},
    {"seed", S, [](const Scenario& a, const Scenario& b) { return a.seed == b.seed; }},
    {"beneficiaries", S,
     [](const Scenario& a, const Scenario& b) { return a.beneficiaries == b.beneficiaries; }},
    {"cost_shapes", S,
     [](const Scenario& a, const Scenario& b) {
       return std::equal(a.cost_shapes.begin(), a.cost_shapes.end(), b.cost_shapes.begin(), same_shape);
     }},
    {"cost_means", S, [](const Scenario& a, const Scenario& b) { return a.cost_means == b.cost_means; }},
    {"empirical", S, same_empirical},
    {"benchmark_mode", S,
     [](const Scenario& a, const Scenario& b) { return a.benchmark_mode == b.benchmark_mode; }},
    {"benchmark_per_capita", S,
     [](const Scenario& a, const Scenario& b) { return a.benchmark_per_capita == b.benchmark_per_capita; }},
    {"base_year_weights", S,
     [](const Scenario& a, const Scenario& b) { return a.base_year_weights == b.base_year_weights; }},
    {"persistence", S, [](const Scenario& a, const Scenario& b) { return a.persistence == b.persistence; }},
    {"update_factor", S,
     [](const Scenario& a, const Scenario& b) { return same_uncertain(a.update_factor, b.update_factor); }},
    {"true_effect", S,
     [](const Scenario& a, const Scenario& b) { return same_uncertain(a.true_effect, b.true_effect); }},
    {"quality", S, [](const Scenario& a, const Scenario& b) { return same_uncertain(a.quality, b.quality); }},
    {"correlation", S, [](const Scenario& a, const Scenario& b) { return a.correlation == b.correlation; }},
    // An agreement scenario samples its whole agreement per point (sample_agreement reads the spec
    // and the panel): its points never share a pass.
    {"agreement", S, [](const Scenario& a, const Scenario& b) { return !a.agreement && !b.agreement; }},
    {"qps_threshold", SamplingUse::Requalifies,
     [](const Scenario& a, const Scenario& b) { return a.qps_threshold == b.qps_threshold; }},
    {"alt_qps_probability", SamplingUse::Requalifies,
     [](const Scenario& a, const Scenario& b) { return a.alt_qps_probability == b.alt_qps_probability; }},
}};

bool all_same(const Scenario& a, const Scenario& b, SamplingUse use) {
  return std::all_of(kFields.begin(), kFields.end(),
                     [&](const SamplingField& f) { return f.use != use || f.same(a, b); });
}

}  // namespace

std::span<const SamplingField> sampling_fields() { return kFields; }

bool same_samples(const Scenario& a, const Scenario& b) { return all_same(a, b, SamplingUse::Samples); }

bool same_qualification(const Scenario& a, const Scenario& b) {
  return all_same(a, b, SamplingUse::Requalifies);
}

}  // namespace acosim
