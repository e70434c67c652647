#include "sim/input/key_schema.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "models/msr.hpp"
#include "models/track.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {

namespace {

using K = KeyType;
using S = SweepUse;

// The rows of one cost shape, under `prefix` ("cost_model.shape" or "cost_model.types.<type>").
void add_shape_keys(std::vector<KeySpec>& k, std::string_view family, std::string_view p_zero,
                    std::string_view sigma, std::string_view high_weight, std::string_view median_ratio,
                    std::string_view gamma_shape, std::string_view truncation) {
  k.push_back({family, K::Choice, 0, 0, "", S::Sampled, "a cost family",
               "Family of the positive costs: lognormal_mixture, lognormal or gamma."});
  k.push_back({p_zero, K::Fraction, 0, 0.999, "fraction", S::Sampled, "a probability",
               "P(no spending in the year)."});
  k.push_back({sigma, K::Number, 1e-6, 5, "log-scale SD", S::Sampled, "a log-scale SD",
               "Log-sd of each lognormal component."});
  k.push_back({high_weight, K::Fraction, 0, 1, "fraction", S::Sampled, "a probability",
               "Mixture: share of positive costs in the high component."});
  k.push_back({median_ratio, K::Number, 1, 1e4, "ratio", S::Sampled, "a ratio",
               "Mixture: high-component median / low-component median."});
  k.push_back({gamma_shape, K::Number, 1e-3, 100, "", S::Sampled, "a gamma shape", "Gamma family: shape k."});
  k.push_back({truncation, K::Fraction, 0.5001, 1, "fraction", S::Sampled, "a percentile",
               "CMS truncation point, a percentile of the whole distribution incl. zeros (1 = none)."});
}

std::vector<KeySpec> make_keys() {
  constexpr double kMaxSeed = 18446744073709551615.0;  // 2^64 - 1 (read as digits, exactly)
  std::vector<KeySpec> k = {
      {"name", K::Text, 0, 0, "", S::No, "a name",
       "Names the results (results/<name>.h5); 1-200 characters, no '/'."},
      {"description", K::Text, 0, 0, "", S::No, "text", "Free text, kept in the results file."},
      {"performance_year", K::Integer, kFirstRuleYear, kLastRuleYear, "year", S::Sampled, "a year",
       "Selects the PY's rules: quality standard, sequestration, PHE relief."},
      {"aco", K::Section, 0, 0, "", S::No, "", "The ACO."},
      {"aco.beneficiaries", K::Integer, kMsrTableMinBeneficiaries, 1e7, "beneficiaries", S::Sampled,
       "a count", "Assigned beneficiaries: a total (split by the national mix) or a map by enrollment type."},
      {"aco.beneficiaries.<type>", K::Integer, 0, 1e7, "beneficiaries", S::Sampled, "a count",
       "Assigned beneficiaries of one enrollment type (the total must be at least 500)."},
      {"aco.participant_revenue", K::Number, 0, 1e12, "USD", S::SettleOnly, "a dollar amount",
       "ACO-participant Parts A+B FFS revenue (revenue-based loss limits)."},
      {"aco.low_revenue", K::Boolean, 0, 0, "", S::SettleOnly, "", "Low-revenue ACO (42 CFR 425.20)."},
      {"aco.agreement_start_year", K::Integer, 2012, kLastRuleYear, "year", S::SettleOnly, "a year",
       "Agreement start year."},
      {"aco.euc_relief_fraction", K::Fraction, 0, 1, "fraction", S::SettleOnly, "a fraction",
       "Share of shared losses forgiven for extreme and uncontrollable circumstances."},
      {"cost_model", K::Section, 0, 0, "", S::No, "", "Per-beneficiary annual cost model."},
      {"cost_model.preset", K::Choice, 0, 0, "", S::No, "a preset",
       "The base model: national or commercial (MEPS non-elderly spread, no truncation)."},
      {"cost_model.shape", K::Section, 0, 0, "", S::No, "", "Shape for all enrollment types."},
  };
  add_shape_keys(k, "cost_model.shape.family", "cost_model.shape.p_zero", "cost_model.shape.sigma",
                 "cost_model.shape.high_weight", "cost_model.shape.median_ratio",
                 "cost_model.shape.gamma_shape", "cost_model.shape.truncation_percentile");
  k.push_back({"cost_model.types", K::Section, 0, 0, "", S::No, "", "Per enrollment type settings."});
  k.push_back(
      {"cost_model.types.<type>", K::Section, 0, 0, "", S::No, "", "One enrollment type's shape and mean."});
  add_shape_keys(k, "cost_model.types.<type>.family", "cost_model.types.<type>.p_zero",
                 "cost_model.types.<type>.sigma", "cost_model.types.<type>.high_weight",
                 "cost_model.types.<type>.median_ratio", "cost_model.types.<type>.gamma_shape",
                 "cost_model.types.<type>.truncation_percentile");
  const std::vector<KeySpec> rest = {
      {"cost_model.types.<type>.mean", K::Number, 1, 1e7, "USD per beneficiary-year", S::Sampled,
       "a dollar amount", "Truncated mean annual cost of the type."},
      {"cost_model.mean_scale", K::Number, 0.01, 100, "ratio", S::Sampled, "a ratio",
       "Multiplies every type's mean."},
      {"cost_model.cv", K::Number, 0.05, 20, "ratio", S::Sampled, "a coefficient of variation",
       "Every type's coefficient of variation of the truncated cost, by sigma (national model: 2.08)."},
      {"cost_model.empirical", K::Section, 0, 0, "", S::No, "", "Resample observed costs from a CSV file."},
      {"cost_model.empirical.file", K::Text, 0, 0, "", S::No, "a file path",
       "CSV with columns enrollment_type, annual_cost (relative to the scenario's folder)."},
      {"cost_model.empirical.truncation_percentile", K::Fraction, 0.5001, 1, "fraction", S::No,
       "a percentile", "Truncation percentile of the observed costs."},
      {"benchmark", K::Section, 0, 0, "", S::No, "", "How the benchmark is set."},
      {"benchmark.mode", K::Choice, 0, 0, "", S::Sampled, "a mode",
       "fixed, historical or cms (the CMS benchmark report's inputs, docs/benchmark.md)."},
      {"benchmark.per_capita", K::Number, 1, 1e7, "USD per beneficiary-year", S::Sampled,
       "'expected' or a dollar amount", "Fixed mode: the benchmark per capita, or expected."},
      {"benchmark.weights", K::List, 0, 0, "", S::Sampled, "",
       "first_agreement (0.1/0.3/0.6), rebased (1/3 each) or 3 weights for BY1, BY2, BY3 summing to 1."},
      {"benchmark.weights[]", K::Number, 0, 1, "fraction", S::No, "a weight", "One base year's weight."},
      {"benchmark.persistence", K::Number, 0, 0.999, "correlation", S::Sampled, "a correlation",
       "Year-to-year correlation of each beneficiary's latent normals (historical mode)."},
      {"benchmark.update_factor", K::Uncertain, 0.5, 2, "ratio", S::Sampled, "a ratio",
       "Multiplies the benchmark: a number or {mean, sd}."},
      {"benchmark.update_factor.mean", K::Number, 0.5, 2, "ratio", S::Sampled, "a ratio",
       "Mean update factor."},
      {"benchmark.update_factor.sd", K::Number, 0, 1.5, "ratio", S::Sampled, "a standard deviation",
       "SD of the update factor."},
      // Mode cms (sim/input/benchmark_reader.cpp; docs/scenario.md "benchmark, CMS form").
      {"benchmark.types", K::Section, 0, 0, "", S::No, "",
       "Mode cms: the CMS benchmark report's figures by enrollment type."},
      {"benchmark.types.<type>", K::Section, 0, 0, "", S::No, "",
       "Mode cms: one enrollment type's report figures."},
      {"benchmark.types.<type>.historical_benchmark", K::Number, 1, 1e7, "USD per person-year", S::Sampled,
       "a dollar amount", "Historical benchmark H_t (or per_capita for BY1-BY3)."},
      {"benchmark.types.<type>.per_capita", K::List, 0, 0, "", S::Sampled, "",
       "BY1, BY2, BY3 expenditure per capita, truncated (or historical_benchmark)."},
      {"benchmark.types.<type>.per_capita[]", K::Number, 1, 1e7, "USD per person-year", S::No,
       "a dollar amount", "One base year's expenditure per capita."},
      {"benchmark.types.<type>.hcc_risk", K::List, 0, 0, "", S::Sampled, "",
       "BY1, BY2, BY3 CMS-HCC risk scores (BY3 sets the default risk_score_by3)."},
      {"benchmark.types.<type>.hcc_risk[]", K::Number, 0.05, 20, "ratio", S::No, "a risk score",
       "One base year's risk score."},
      {"benchmark.types.<type>.trend_to_by3", K::List, 0, 0, "", S::Sampled, "",
       "Trend factors BY1 -> BY3, BY2 -> BY3 (with per_capita)."},
      {"benchmark.types.<type>.trend_to_by3[]", K::Number, 0.5, 2, "ratio", S::No, "a ratio",
       "One trend factor."},
      {"benchmark.types.<type>.by3_person_years", K::Number, 0, 1e8, "person-years", S::Sampled,
       "a number of person-years", "BY3 person-years of the type (required)."},
      {"benchmark.types.<type>.regional_per_capita", K::Number, 1, 1e7, "USD per person-year", S::Sampled,
       "a dollar amount", "BY3 regional per capita, risk-adjusted (required)."},
      {"benchmark.types.<type>.national_per_capita", K::Number, 1, 1e7, "USD per person-year", S::Sampled,
       "a dollar amount", "BY3 national assignable FFS per capita (required)."},
      {"benchmark.types.<type>.hcc_growth", K::Uncertain, -0.5, 0.5, "fraction", S::Sampled, "a fraction",
       "PY over BY3 HCC risk-score growth: a number or {mean, sd} (sd default: trend.coding_intensity_sd)."},
      {"benchmark.types.<type>.hcc_growth.mean", K::Fraction, -0.5, 0.5, "fraction", S::Sampled, "a fraction",
       "Mean risk-score growth."},
      {"benchmark.types.<type>.hcc_growth.sd", K::Fraction, 0, 1, "fraction", S::Sampled,
       "a standard deviation", "SD of the risk-score growth."},
      {"benchmark.types.<type>.demographic_growth", K::Fraction, -0.5, 0.5, "fraction", S::Sampled,
       "a fraction", "PY over BY3 demographic risk-score growth."},
      {"benchmark.types.<type>.regional_hcc_growth", K::Fraction, -0.5, 0.5, "fraction", S::Sampled,
       "a fraction", "The region's HCC risk-score growth."},
      {"benchmark.types.<type>.regional_demographic_growth", K::Fraction, -0.5, 0.5, "fraction", S::Sampled,
       "a fraction", "The region's demographic risk-score growth."},
      {"benchmark.types.<type>.acpt", K::List, 0, 0, "", S::Sampled, "",
       "The type's annual ACPT, steps BY3+1 .. PY (default benchmark.acpt)."},
      {"benchmark.types.<type>.acpt[]", K::Fraction, -0.2, 0.5, "fraction", S::No, "an annual growth rate",
       "One annual ACPT rate."},
      {"benchmark.types.<type>.acpt_dollar_base", K::Number, 1, 1e7, "USD per person-year", S::Sampled,
       "a dollar amount", "Flat-dollar ACPT base (default national_per_capita)."},
      {"benchmark.market_share", K::Uncertain, 0, 1, "fraction", S::Sampled, "a fraction",
       "Mode cms: the ACO's PY share of its region's assignable beneficiaries (required): a number or {mean, "
       "sd}."},
      {"benchmark.market_share.mean", K::Fraction, 0, 1, "fraction", S::Sampled, "a fraction",
       "Mean market share."},
      {"benchmark.market_share.sd", K::Fraction, 0, 1, "fraction", S::Sampled, "a standard deviation",
       "SD of the market share."},
      {"benchmark.times_regionally_adjusted", K::Integer, 1, 10, "agreements", S::Sampled, "a count",
       "Mode cms: the regional adjustment's agreement row (42 CFR 425.656(d))."},
      {"benchmark.dual_share_by3", K::Fraction, 0, 1, "fraction", S::Sampled, "a fraction",
       "Mode cms: BY3 dual share."},
      {"benchmark.risk_score_by3", K::Number, 0.05, 20, "ratio", S::Sampled, "a risk score",
       "Mode cms: BY3 risk score (default: the types' BY3 HCC scores weighted)."},
      {"benchmark.prior_savings", K::Section, 0, 0, "", S::No, "",
       "Mode cms, 2024+ starts: the prior savings adjustment."},
      {"benchmark.prior_savings.per_capita_savings", K::List, 0, 0, "", S::Sampled, "",
       "Per capita savings (+) or losses (-) of the 3 PYs before the agreement; null when not reconciled."},
      {"benchmark.prior_savings.per_capita_savings[]", K::Number, -1e6, 1e6, "USD per person-year", S::No,
       "a dollar amount", "One PY's per capita savings."},
      {"benchmark.prior_savings.proration", K::Fraction, 0, 1, "fraction", S::Sampled, "a fraction",
       "Proration pi."},
      {"benchmark.prior_savings.renewing_or_reentering", K::Boolean, 0, 0, "", S::Sampled, "",
       "A renewing or re-entering ACO (default true)."},
      {"benchmark.low_income_share", K::Fraction, 0, 1, "fraction", S::Sampled, "a fraction",
       "Mode cms, 2025+ starts: the low-income share q of the population adjustment."},
      {"benchmark.acpt", K::List, 0, 0, "", S::Sampled, "",
       "Mode cms, 2024+ starts: annual ACPT rates, steps BY3+1 .. PY, for every type."},
      {"benchmark.acpt[]", K::Fraction, -0.2, 0.5, "fraction", S::No, "an annual growth rate",
       "One annual ACPT rate."},
      {"benchmark.acpt_weight", K::Fraction, 0, 1, "fraction", S::Sampled, "a fraction",
       "Mode cms: the ACPT weight w_A (default 1/6 in PY2024, 1/3 otherwise)."},
      {"benchmark.acpt_mode", K::Choice, 0, 0, "", S::Sampled, "an ACPT mode",
       "Mode cms: rate or flat_dollar."},
      {"benchmark.zero_difference_is_lower", K::Boolean, 0, 0, "", S::Sampled, "",
       "Mode cms: a zero regional difference counts as lower spending."},
      {"benchmark.trend", K::Section, 0, 0, "", S::No, "",
       "Mode cms: the trend from BY3 to the PY (required)."},
      {"benchmark.trend.national", K::List, 0, 0, "", S::Sampled, "",
       "Annual national growth means, steps BY3+1 .. PY (required)."},
      {"benchmark.trend.national[]", K::Fraction, -0.2, 0.5, "fraction", S::No, "an annual growth rate",
       "One annual national growth rate."},
      {"benchmark.trend.national_sd", K::Fraction, 0, 0.2, "fraction", S::Sampled, "a standard deviation",
       "SD of each national step (default 2%)."},
      {"benchmark.trend.regional", K::List, 0, 0, "", S::Sampled, "",
       "Annual regional growth means (default national)."},
      {"benchmark.trend.regional[]", K::Fraction, -0.2, 0.5, "fraction", S::No, "an annual growth rate",
       "One annual regional growth rate."},
      {"benchmark.trend.regional_sd", K::Fraction, 0, 0.2, "fraction", S::Sampled, "a standard deviation",
       "SD of the regional deviation per step (default 1%)."},
      {"benchmark.trend.coding_intensity_sd", K::Fraction, 0, 0.2, "fraction", S::Sampled,
       "a standard deviation", "SD of the common shift of every type's HCC growth (default 1%)."},
      {"true_effect", K::Uncertain, -0.9, 0.9, "fraction", S::Sampled, "a fraction",
       "The ACO's true effect on its PY spending (-2% = spends 2% less): a number or {mean, sd}."},
      {"true_effect.mean", K::Fraction, -0.9, 0.9, "fraction", S::Sampled, "a fraction", "Mean true effect."},
      {"true_effect.sd", K::Fraction, 0, 1.8, "fraction", S::Sampled, "a standard deviation",
       "SD of the true effect."},
      {"quality", K::Section, 0, 0, "", S::No, "", "Quality model."},
      {"quality.score", K::Uncertain, 0, 100, "score [0-100]", S::Sampled, "a score",
       "Quality score, Normal(mean, sd) clipped to [0, 100]: a number or {mean, sd}."},
      {"quality.score.mean", K::Number, 0, 100, "score [0-100]", S::Sampled, "a score",
       "Mean quality score."},
      {"quality.score.sd", K::Number, 0, 100, "score [0-100]", S::Sampled, "a standard deviation",
       "SD of the quality score."},
      {"quality.threshold", K::Number, 0, 100, "score [0-100]", S::SettleOnly, "a score",
       "Score that meets the quality performance standard (default: the PY's)."},
      {"quality.alternative_probability", K::Fraction, 0, 1, "fraction", S::SettleOnly, "a probability",
       "P(meets the alternative QPS | missed the QPS), PY2023+."},
      {"correlation", K::Section, 0, 0, "", S::No, "", "Correlations between the run-level normals."},
      {"correlation.effect_benchmark", K::Number, -1, 1, "correlation", S::Sampled, "a correlation",
       "Correlation of the true effect and the update factor."},
      {"correlation.effect_quality", K::Number, -1, 1, "correlation", S::Sampled, "a correlation",
       "Correlation of the true effect and the quality score."},
      {"correlation.benchmark_quality", K::Number, -1, 1, "correlation", S::Sampled, "a correlation",
       "Correlation of the update factor and the quality score."},
      {"tracks", K::List, 0, 0, "", S::No, "", "Tracks to settle on every run."},
      {"tracks[]", K::Choice, 0, 0, "", S::SettleOnly, "",
       "A track id, {track: ID, msr: ELECTION, label: TEXT} or {custom: {...}}."},
      {"tracks[].track", K::Choice, 0, 0, "", S::SettleOnly, "a track id",
       "A CMS track id (BASIC_A ... ENHANCED)."},
      {"tracks[].msr", K::Choice, 0, 0, "", S::SettleOnly, "an election",
       "Two-sided tracks: variable, 0%, 0.5%, 1%, 1.5% or 2% (42 CFR 425.605(b)(2))."},
      {"tracks[].label", K::Text, 0, 0, "", S::SettleOnly, "a label", "Label (to list a track twice)."},
      {"tracks[].acpt_guardrail", K::Boolean, 0, 0, "", S::SettleOnly, "",
       "Mode cms, CMS tracks of 2024+ starts: false settles without the ACPT loss guardrail (a "
       "counterfactual)."},
      {"tracks[].custom", K::Section, 0, 0, "", S::SettleOnly, "", "A custom contract."},
      {"tracks[].custom.name", K::Text, 0, 0, "", S::SettleOnly, "a name", "The contract's label."},
      {"tracks[].custom.two_sided", K::Boolean, 0, 0, "", S::SettleOnly, "", "Shares losses too."},
      {"tracks[].custom.sharing_rate", K::Fraction, 0, 1, "fraction", S::SettleOnly, "a fraction",
       "First-dollar sharing rate once savings reach the MSR."},
      {"tracks[].custom.performance_payment_limit", K::Fraction, 0, 10, "fraction of benchmark",
       S::SettleOnly, "a fraction of the benchmark", "Savings cap (default uncapped)."},
      {"tracks[].custom.loss_rate", K::Fraction, 0, 1, "fraction", S::SettleOnly, "a fraction",
       "Fixed loss rate (or loss_rate_floor / loss_rate_ceiling for 1 - sharing rate)."},
      {"tracks[].custom.loss_rate_floor", K::Fraction, 0, 1, "fraction", S::SettleOnly, "a fraction",
       "Floor of the loss rate 1 - sharing rate."},
      {"tracks[].custom.loss_rate_ceiling", K::Fraction, 0, 1, "fraction", S::SettleOnly, "a fraction",
       "Ceiling of the loss rate 1 - sharing rate."},
      {"tracks[].custom.loss_limit", K::Fraction, 0, 10, "fraction of benchmark", S::SettleOnly,
       "a fraction of the benchmark", "Loss limit (default uncapped)."},
      {"tracks[].custom.msr", K::Fraction, 0, 0.5, "fraction", S::SettleOnly, "'variable' or a rate",
       "MSR/MLR: variable (the CMS table) or a fixed rate (default 0)."},
      {"tracks[].custom.quality", K::Choice, 0, 0, "", S::SettleOnly, "a quality rule",
       "none, scaled, all_or_nothing or all_or_nothing_with_alternative."},
      {"tracks[].custom.sequestration", K::Fraction, 0, 1, "fraction", S::SettleOnly, "a fraction",
       "Sequestration rate (default 0)."},
      {"rules", K::Choice, 0, 0, "", S::No, "a rule set",
       "current_law, or cy2027_proposed: adds a copy of every CMS track under the proposal (PROPOSED, NOT "
       "LAW)."},
      {"runs", K::Integer, 1, 1e8, "runs", S::Sampled, "a count", "Monte Carlo runs."},
      {"seed", K::Integer, 0, kMaxSeed, "", S::Sampled, "a seed",
       "Random seed (digits above 2^53 are read exactly)."},
      {"threads", K::Integer, 0, 4096, "threads", S::No, "a count",
       "OpenMP threads (0 = all); changes no number."},
      {"sweep", K::Section, 0, 0, "", S::No, "", "Sensitivity sweep (docs/sweeps-and-risk.md)."},
      {"tornado", K::Section, 0, 0, "", S::No, "", "Tornado analysis (docs/sweeps-and-risk.md)."},
      {"risk", K::Section, 0, 0, "", S::No, "", "Risk appetite (docs/sweeps-and-risk.md)."},
      {"risk.max_loss", K::Number, 0, 1e13, "USD", S::No, "a dollar amount",
       "Tolerable loss: fits when P(owing more) <= 1 - confidence."},
      {"risk.confidence", K::Fraction, 0.5, 0.9999, "fraction", S::No, "a probability",
       "Confidence for max_loss and the ES level (default 0.95)."},
      {"risk.max_es", K::Number, 0, 1e13, "USD", S::No, "a dollar amount",
       "Expected-shortfall limit at confidence."},
      {"risk.risk_aversion", K::Number, 0, 1e-2, "1/USD", S::No, "a coefficient",
       "Exponential-utility coefficient a (or risk_tolerance, not both)."},
      {"risk.risk_tolerance", K::Number, 100, 1e13, "USD", S::No, "a dollar amount", "Risk tolerance 1/a."},
      {"agreement", K::Section, 0, 0, "", S::No, "", "Multi-year agreement periods (docs/agreements.md)."},
      // Net cash across the agreement (benchmark-rules.md §9.2-§9.4; sim/input/agreement_cash_reader.cpp).
      {"agreement.cash", K::Section, 0, 0, "", S::No, "",
       "Net cash per PY: AIP or prepaid shared savings, recouped from savings (bench §9)."},
      {"agreement.cash.renews_after", K::Boolean, 0, 0, "", S::No, "",
       "The ACO renews at once after the last agreement: the AIP balance carries on (42 CFR 425.630)."},
      {"agreement.cash.aip", K::Section, 0, 0, "", S::No, "",
       "Advance investment payments (42 CFR 425.630): $250,000 in PY1 plus quarterly payments."},
      {"agreement.cash.aip.quarterly_payment", K::Number, 0, 450000, "USD", S::No, "a dollar amount",
       "One quarterly AIP payment: 425.630(e) rates over the top 10,000 beneficiaries."},
      {"agreement.cash.aip.quarters", K::Integer, 1, 8, "quarters", S::No, "a count",
       "Quarterly AIP payments received in PY1-PY2 (default 8; 425.630(e))."},
      {"agreement.cash.prepaid", K::Section, 0, 0, "", S::No, "",
       "Prepaid shared savings (42 CFR 425.640): renewing ACOs, Level C-E or ENHANCED, PY2026+."},
      {"agreement.cash.prepaid.prior_savings_by1", K::Number, -1e5, 1e5, "USD per person-year", S::No,
       "a dollar amount", "Per capita savings of the PY that is this agreement's BY1 (425.640(c))."},
      {"agreement.cash.prepaid.prior_savings_by2", K::Number, -1e5, 1e5, "USD per person-year", S::No,
       "a dollar amount", "Per capita savings of the PY that is this agreement's BY2 (425.640(c))."},
      {"agreement.cash.prepaid.proration", K::Fraction, 0, 1, "fraction", S::No, "a fraction",
       "Proration pi of the multiplier (default 1; a parameter [K], 425.640(c))."},
      {"agreement.cash.prepaid.national_per_capita_by2", K::Number, 1, 1e6, "USD per person-year", S::No,
       "a dollar amount", "National per capita in BY2: the multiplier's 5% cap (425.640(c))."},
  };
  k.insert(k.end(), rest.begin(), rest.end());
  return k;
}

constexpr std::string_view kTypeNames[] = {"esrd", "disabled", "aged_dual", "aged_nondual"};

// "1%" style of a fraction bound: 0.999 -> "99.9%".
std::string percent_bound(double v) { return format_bound(v * 100) + "%"; }

}  // namespace

std::string format_bound(double v) {
  if (v == std::floor(v) && std::abs(v) < 1e8) return fmt::format("{:.0f}", v);
  std::string s = fmt::format("{:g}", v);
  for (const char* from : {"e+0", "e+", "e-0"}) {
    const std::size_t at = s.find(from);
    if (at != std::string::npos) {
      s.replace(at, std::string_view(from).size(), std::string_view(from).substr(0, 2) == "e-" ? "e-" : "e");
      break;
    }
  }
  return s;
}

bool KeySpec::percent_ok() const {
  return type == KeyType::Fraction || (type == KeyType::Uncertain && unit == "fraction");
}

std::string KeySpec::allowed() const {
  switch (type) {
    case KeyType::Integer:
      return fmt::format("a whole number from {:.0f} to {}", lo,
                         path == "seed" ? std::string("18446744073709551615") : fmt::format("{:.0f}", hi));
    case KeyType::Number:
    case KeyType::Fraction:
    case KeyType::Uncertain: {
      std::string s = fmt::format("{} in [{}, {}]", what, format_bound(lo), format_bound(hi));
      if (percent_ok()) s += fmt::format(" (or {} to {})", percent_bound(lo), percent_bound(hi));
      return s;
    }
    case KeyType::Boolean: return "true or false";
    case KeyType::Section: return "a mapping of keys to values";
    case KeyType::List: return "a list";
    case KeyType::Text:
    case KeyType::Choice: return std::string(what);
  }
  return std::string(what);
}

std::string KeySpec::type_name() const {
  switch (type) {
    case KeyType::Section: return "map";
    case KeyType::List: return "list";
    case KeyType::Text: return "text";
    case KeyType::Choice: return "choice";
    case KeyType::Boolean: return "bool";
    case KeyType::Integer: return "integer";
    case KeyType::Number: return "number";
    case KeyType::Fraction: return "fraction, percent ok";
    case KeyType::Uncertain:
      return percent_ok() ? "number or {mean, sd}, percent ok" : "number or {mean, sd}";
  }
  return "";
}

const std::vector<KeySpec>& scenario_keys() {
  static const std::vector<KeySpec> keys = make_keys();
  return keys;
}

std::string schema_path(std::string_view key) {
  std::string out;
  std::size_t i = 0;
  while (i < key.size()) {
    if (key[i] == '[') {  // [N] -> []
      const std::size_t close = key.find(']', i);
      if (close == std::string_view::npos) return std::string(key);
      out += "[]";
      i = close + 1;
      continue;
    }
    const std::size_t end = std::min(key.find_first_of(".[", i), key.size());
    const std::string_view part = key.substr(i, end - i);
    bool type_name = false;
    for (std::string_view t : kTypeNames) type_name = type_name || part == t;
    // Enrollment types appear as keys under aco.beneficiaries, cost_model.types and benchmark.types only.
    const bool typed_parent =
        out == "aco.beneficiaries." || out == "cost_model.types." || out == "benchmark.types.";
    out += type_name && typed_parent ? std::string("<type>") : std::string(part);
    if (end < key.size() && key[end] == '.') out += '.';
    i = end < key.size() && key[end] == '.' ? end + 1 : end;
  }
  return out;
}

const KeySpec* find_key(std::string_view key) {
  const std::string p = schema_path(key);
  for (const KeySpec& k : scenario_keys()) {
    if (k.path == p) return &k;
  }
  return nullptr;
}

std::vector<std::string> child_keys(std::string_view parent) {
  std::vector<std::string> out;
  const std::string prefix = parent.empty() ? std::string() : std::string(parent) + ".";
  for (const KeySpec& k : scenario_keys()) {
    if (k.path.substr(0, prefix.size()) != prefix) continue;
    const std::string_view rest = k.path.substr(prefix.size());
    if (rest.empty() || rest.find_first_of(".[<") != std::string_view::npos) continue;
    out.emplace_back(rest);
  }
  return out;
}

const KeySpec& key_spec(const std::string& key) {
  const KeySpec* k = find_key(key);
  if (k == nullptr) throw std::logic_error("scenario key '" + key + "' is not in the key schema");
  return *k;
}

double read_number(const Reader& rd, const YAML::Node& node, const std::string& key) {
  const KeySpec& k = key_spec(key);
  return rd.number_in(node, key, k.lo, k.hi, k.allowed(), k.percent_ok());
}

long read_integer(const Reader& rd, const YAML::Node& node, const std::string& key) {
  const KeySpec& k = key_spec(key);
  return rd.integer_in(node, key, static_cast<long>(k.lo), static_cast<long>(k.hi));
}

void check_section_keys(const Reader& rd, const YAML::Node& node, const std::string& key) {
  rd.check_keys(node, key, child_keys(schema_path(key)));
}

Uncertain read_uncertain(const Reader& rd, const YAML::Node& node, const std::string& key) {
  Uncertain u;
  if (node.IsScalar()) {
    const KeySpec& k = key_spec(key);
    u.mean = rd.number_in(node, key, k.lo, k.hi, k.allowed(), k.percent_ok());
    return u;
  }
  check_section_keys(rd, node, key);
  if (node["sd"]) u.sd = read_number(rd, node["sd"], key + ".sd");
  if (!node["mean"]) rd.fail(node, key + ".mean", "is required");
  u.mean = read_number(rd, node["mean"], key + ".mean");
  return u;
}

}  // namespace acosim
