#include "sim/engine/benchmark_draw.hpp"

#include <algorithm>

#include "sim/engine/rng.hpp"
#include "sim/engine/scenario.hpp"

namespace acosim {

BenchmarkDrawInputs mean_benchmark_inputs(const CmsBenchmarkSpec& spec) {
  BenchmarkDrawInputs x;
  x.national_steps = spec.national_trend;
  x.regional_steps = spec.regional_trend;
  x.market_share = std::clamp(spec.market_share.mean, 0.0, 1.0);
  return x;
}

BenchmarkDrawInputs draw_benchmark_inputs(const CmsBenchmarkSpec& spec, std::uint64_t seed,
                                          std::uint64_t run) {
  BenchmarkDrawInputs x;
  const PhiloxStream trend(seed, run, Purpose::BenchmarkTrend);
  for (std::size_t k = 0; k < spec.national_trend.size(); ++k) {
    const auto z = normals4(trend, static_cast<std::uint32_t>(k));
    const double national = spec.national_trend[k] + spec.national_trend_sd * z[0];
    x.national_steps.push_back(national);
    x.regional_steps.push_back(national + (spec.regional_trend[k] - spec.national_trend[k]) +
                               spec.regional_trend_sd * z[1]);
  }
  const auto z = normals4(PhiloxStream(seed, run, Purpose::BenchmarkRisk), 0);
  x.coding = z[0];
  x.market_share = std::clamp(spec.market_share.mean + spec.market_share.sd * z[1], 0.0, 1.0);
  return x;
}

BenchmarkInput cms_benchmark_input(const Scenario& s, const BenchmarkDrawInputs& x, const RuleSet& rules) {
  const CmsBenchmarkSpec& sp = *s.cms_benchmark;
  BenchmarkInput in;
  in.agreement_start_year = s.agreement_start_year;
  in.performance_year = s.performance_year;
  double by3_total = 0, risk_num = 0, risk_den = 0;
  for (const CmsBenchmarkType& t : sp.type) by3_total += t.by3_person_years;
  double regional_growth = 1;
  for (double g : x.regional_steps) regional_growth *= 1 + g;
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto k = static_cast<std::size_t>(e);
    const CmsBenchmarkType& t = sp.type[k];
    BenchmarkTypeInput& o = in.type[k];
    o.historical_benchmark = sp.historical[k];
    o.by3_share = t.by3_person_years / by3_total;
    o.py_person_years = static_cast<double>(s.beneficiaries[k]);
    o.hcc_risk_ratio = std::max(0.01, 1 + t.hcc_growth.mean + t.hcc_growth.sd * x.coding);
    o.demographic_risk_ratio = 1 + t.demographic_growth;
    o.regional_per_capita_by3 = t.regional_per_capita;
    o.national_per_capita_by3 = t.national_per_capita;
    o.national_growth = x.national_steps;
    o.regional_growth = regional_growth;
    o.regional_hcc_ratio = 1 + t.regional_hcc_growth;
    o.regional_demographic_ratio = 1 + t.regional_demographic_growth;
    o.acpt = t.acpt;
    o.acpt_dollar_base = t.acpt_dollar_base;
    // rbar_BY3 default: BY3 HCC score weighted by BY3 per capita spending x person-years (bench §3).
    risk_num += t.hcc_risk[2] * sp.historical[k] * t.by3_person_years;
    risk_den += sp.historical[k] * t.by3_person_years;
  }
  in.market_share = x.market_share;
  in.times_regionally_adjusted = sp.times_regionally_adjusted;
  in.dual_share_by3 = sp.dual_share_by3;
  in.risk_score_by3 = sp.risk_score_by3.value_or(risk_den > 0 ? risk_num / risk_den : 1.0);
  if (sp.prior_savings) {
    PriorSavingsInput p;
    p.per_capita_savings = sp.prior_savings->per_capita_savings;
    p.proration = sp.prior_savings->proration;
    p.renewing_or_reentering = sp.prior_savings->renewing_or_reentering;
    p.agreement_start_year = s.agreement_start_year;
    p.rules = rules;
    in.prior_savings = p;
  }
  in.low_income_share = sp.low_income_share;
  in.acpt_weight = sp.acpt_weight;
  in.acpt_mode = sp.acpt_mode;
  in.zero_difference_is_lower = sp.zero_difference_is_lower;
  in.rules = rules;
  return in;
}

BenchmarkDraw draw_benchmark(const Scenario& s, std::uint64_t seed, std::uint64_t run) {
  const CmsBenchmarkSpec& sp = *s.cms_benchmark;
  const BenchmarkDrawInputs x = draw_benchmark_inputs(sp, seed, run);
  BenchmarkDraw d;
  const BenchmarkResult law = build_benchmark(cms_benchmark_input(s, x, current_law()));
  d.b3 = law.three_way;
  d.b2 = law.two_way;
  for (std::size_t k = 0; k < law.update.size(); ++k) d.three_way_by_type[k] = law.update[k].three_way;
  if (sp.proposed_overlay) {
    const BenchmarkResult proposed = build_benchmark(cms_benchmark_input(s, x, cy2027_proposed_not_law()));
    d.proposed_b3 = proposed.three_way;
    d.proposed_b2 = proposed.two_way;
  }
  double realized = 1, expected = 1;
  for (double g : x.regional_steps) realized *= 1 + g;
  for (double g : sp.regional_trend) expected *= 1 + g;
  d.spending_factor = realized / expected;
  return d;
}

}  // namespace acosim
