#include "sim/input/benchmark_reader.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/benchmark.hpp"
#include "models/rules.hpp"
#include "sim/engine/benchmark_draw.hpp"
#include "sim/input/key_schema.hpp"

namespace acosim {
namespace {

// Agreement periods run at most 6 PYs (July 2019 starts to PY2024; 5-year agreements otherwise,
// 42 CFR 425.200(b)): the PY is at most 5 years after the start.
constexpr int kMaxYearsAfterStart = 5;
// First start under 425.601 / 425.652, whose benchmark mode cms models (July 2019 on).
constexpr int kFirstCmsStart = 2019;

NormalInput read_normal(const Reader& rd, const YAML::Node& node, const std::string& key) {
  const Uncertain u = read_uncertain(rd, node, key);  // the ranges of key, key.mean, key.sd
  return {u.mean, u.sd};
}

// A list of exactly `n` numbers, each in the range of the schema row `key[]`.
std::vector<double> read_list(const Reader& rd, const YAML::Node& node, const std::string& key, std::size_t n,
                              const std::string& why) {
  if (!node.IsSequence() || node.size() != n) {
    rd.fail(node, key,
            fmt::format("must be a list of {} values ({}); got {}", n, why,
                        node.IsSequence() ? fmt::format("{} values", node.size()) : node_kind(node)));
  }
  std::vector<double> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(read_number(rd, node[i], fmt::format("{}[{}]", key, i)));
  return v;
}

// The keys only mode cms reads (the others of `benchmark` are shared, or fixed / historical only).
constexpr const char* kCmsOnlyKeys[] = {
    "types",          "market_share",  "times_regionally_adjusted", "dual_share_by3",
    "risk_score_by3", "prior_savings", "low_income_share",          "acpt",
    "acpt_weight",    "acpt_mode",     "zero_difference_is_lower",  "trend"};

void read_type(const Reader& rd, const YAML::Node& tn, const std::string& k, std::size_t steps,
               bool acpt_rule, const std::vector<double>& common_acpt, CmsBenchmarkType& t) {
  check_section_keys(rd, tn, k);
  if (tn["historical_benchmark"]) {
    if (tn["per_capita"])
      rd.fail(tn["per_capita"], k + ".per_capita",
              "give historical_benchmark or per_capita (BY1-BY3), not both");
    if (tn["trend_to_by3"])
      rd.fail(tn["trend_to_by3"], k + ".trend_to_by3",
              "restates the base years: it goes with per_capita, not with historical_benchmark");
    t.historical_benchmark = read_number(rd, tn["historical_benchmark"], k + ".historical_benchmark");
  } else {
    if (!tn["per_capita"])
      rd.fail(tn, k + ".per_capita",
              "is required (BY1, BY2, BY3 expenditure per capita), or give historical_benchmark");
    const auto v = read_list(rd, tn["per_capita"], k + ".per_capita", 3, "BY1, BY2, BY3");
    std::copy(v.begin(), v.end(), t.per_capita.begin());
    if (tn["trend_to_by3"]) {
      const auto r = read_list(rd, tn["trend_to_by3"], k + ".trend_to_by3", 2, "BY1 -> BY3, BY2 -> BY3");
      std::copy(r.begin(), r.end(), t.trend_to_by3.begin());
    }
  }
  if (tn["hcc_risk"]) {  // restates BY1, BY2 (with per_capita); BY3 weights the default risk_score_by3
    const auto r = read_list(rd, tn["hcc_risk"], k + ".hcc_risk", 3, "BY1, BY2, BY3");
    std::copy(r.begin(), r.end(), t.hcc_risk.begin());
  }
  if (!tn["by3_person_years"])
    rd.fail(tn, k + ".by3_person_years",
            "is required (BY3 person-years of the type; its share p_t weights the regional adjustment)");
  t.by3_person_years = read_number(rd, tn["by3_person_years"], k + ".by3_person_years");
  if (!tn["regional_per_capita"])
    rd.fail(tn, k + ".regional_per_capita", "is required (BY3 regional per capita, risk-adjusted, bench §3)");
  t.regional_per_capita = read_number(rd, tn["regional_per_capita"], k + ".regional_per_capita");
  if (!tn["national_per_capita"])
    rd.fail(tn, k + ".national_per_capita", "is required (BY3 national assignable FFS per capita, bench §3)");
  t.national_per_capita = read_number(rd, tn["national_per_capita"], k + ".national_per_capita");
  if (tn["hcc_growth"]) t.hcc_growth = read_normal(rd, tn["hcc_growth"], k + ".hcc_growth");
  if (tn["demographic_growth"])
    t.demographic_growth = read_number(rd, tn["demographic_growth"], k + ".demographic_growth");
  if (tn["regional_hcc_growth"])
    t.regional_hcc_growth = read_number(rd, tn["regional_hcc_growth"], k + ".regional_hcc_growth");
  if (tn["regional_demographic_growth"])
    t.regional_demographic_growth =
        read_number(rd, tn["regional_demographic_growth"], k + ".regional_demographic_growth");
  if (tn["acpt"]) {
    if (!acpt_rule)
      rd.fail(tn["acpt"], k + ".acpt",
              "the ACPT applies to agreements starting in 2024 or later (42 CFR 425.652(b)); remove it");
    t.acpt = read_list(rd, tn["acpt"], k + ".acpt", steps,
                       "one annual ACPT rate per step BY3+1 .. PY, 42 CFR 425.660");
  } else {
    t.acpt = common_acpt;
  }
  if (tn["acpt_dollar_base"])
    t.acpt_dollar_base = read_number(rd, tn["acpt_dollar_base"], k + ".acpt_dollar_base");
}

}  // namespace

bool is_cms_benchmark(const YAML::Node& b) {
  return b && b.IsMap() && b["mode"] && b["mode"].IsScalar() && b["mode"].Scalar() == "cms";
}

void refuse_cms_only_keys(const Reader& rd, const YAML::Node& b) {
  for (const char* k : kCmsOnlyKeys) {
    if (b[k]) rd.fail(b[k], std::string("benchmark.") + k, "applies only to mode: cms");
  }
}

namespace {

// The agreement must start July 2019 or later and contain the PY (42 CFR 425.200(b)).
void check_cms_agreement(const Reader& rd, const YAML::Node& b, const YAML::Node& root, int start, int py) {
  const YAML::Node start_node =
      root["aco"] && root["aco"]["agreement_start_year"] ? root["aco"]["agreement_start_year"] : b["mode"];
  if (start < kFirstCmsStart) {
    rd.fail(
        start_node, "aco.agreement_start_year",
        fmt::format(
            "{}: benchmark mode cms models agreements starting July 2019 or later (42 CFR 425.601, 425.652); "
            "allowed: 2019 to {} (use mode fixed or historical for earlier agreements)",
            start, py));
  }
  if (start > py || py - start > kMaxYearsAfterStart) {
    rd.fail(
        start_node, "aco.agreement_start_year",
        fmt::format(
            "{} does not contain PY{}: an agreement period runs at most 6 performance years from its start "
            "(42 CFR 425.200(b)); allowed: {} to {}",
            start, py, py - kMaxYearsAfterStart, py));
  }
}

// benchmark.prior_savings (42 CFR 425.658).
CmsPriorSavings read_prior_savings(const Reader& rd, const YAML::Node& ps, int start) {
  check_section_keys(rd, ps, "benchmark.prior_savings");
  if (start < kBenchmark2024Start)
    rd.fail(ps, "benchmark.prior_savings",
            fmt::format("the prior savings adjustment applies to agreements starting 2024 or later (42 CFR "
                        "425.658); this one starts in {}",
                        start));
  CmsPriorSavings p;
  const YAML::Node v = ps["per_capita_savings"];
  if (!v || !v.IsSequence() || v.size() != 3)
    rd.fail(v ? v : ps, "benchmark.prior_savings.per_capita_savings",
            "must list the per capita savings (+) or losses (-) of the 3 PYs before the agreement [USD]; "
            "null for a PY not reconciled");
  for (std::size_t i = 0; i < 3; ++i) {
    if (!v[i].IsNull())
      p.per_capita_savings[i] =
          read_number(rd, v[i], fmt::format("benchmark.prior_savings.per_capita_savings[{}]", i));
  }
  if (ps["proration"]) p.proration = read_number(rd, ps["proration"], "benchmark.prior_savings.proration");
  if (ps["renewing_or_reentering"])
    p.renewing_or_reentering =
        rd.boolean(ps["renewing_or_reentering"], "benchmark.prior_savings.renewing_or_reentering");
  return p;
}

// The weights, the market share and the adjustments' inputs (bench §2-§5, §12).
void read_cms_settings(const Reader& rd, const YAML::Node& b, int start, CmsBenchmarkSpec& sp, Scenario& s) {
  if (b["weights"]) {
    const YAML::Node w = b["weights"];
    if (w.IsScalar() && (w.Scalar() == "first_agreement" || w.Scalar() == "rebased")) {
      sp.weights = w.Scalar() == "rebased" ? std::array<double, 3>{1.0 / 3, 1.0 / 3, 1.0 / 3}
                                           : std::array<double, 3>{0.1, 0.3, 0.6};
    } else {
      const auto v = read_list(rd, w, "benchmark.weights", 3, "BY1, BY2, BY3; or first_agreement, rebased");
      if (std::abs(v[0] + v[1] + v[2] - 1.0) > 1e-9)
        rd.fail(w, "benchmark.weights", fmt::format("weights sum to {}, must sum to 1", v[0] + v[1] + v[2]));
      std::copy(v.begin(), v.end(), sp.weights.begin());
    }
  }
  if (!b["market_share"])
    rd.fail(b, "benchmark.market_share",
            "is required: the ACO's PY share of assignable beneficiaries in its region (bench §2), e.g. 0.2 "
            "or {mean: 0.2, sd: 0.02}");
  sp.market_share = read_normal(rd, b["market_share"], "benchmark.market_share");
  if (b["times_regionally_adjusted"])
    sp.times_regionally_adjusted = static_cast<int>(
        read_integer(rd, b["times_regionally_adjusted"], "benchmark.times_regionally_adjusted"));
  if (b["dual_share_by3"])
    sp.dual_share_by3 = read_number(rd, b["dual_share_by3"], "benchmark.dual_share_by3");
  if (b["risk_score_by3"])
    sp.risk_score_by3 = read_number(rd, b["risk_score_by3"], "benchmark.risk_score_by3");
  if (b["low_income_share"]) {
    if (start < kPopulationAdjustmentStart)
      rd.fail(b["low_income_share"], "benchmark.low_income_share",
              fmt::format("the population adjustment applies to agreements starting 2025 or later (42 CFR "
                          "425.662); this one starts in {}: remove it",
                          start));
    sp.low_income_share = read_number(rd, b["low_income_share"], "benchmark.low_income_share");
  }
  if (const YAML::Node ps = b["prior_savings"]) sp.prior_savings = read_prior_savings(rd, ps, start);
  if (b["acpt_weight"]) sp.acpt_weight = read_number(rd, b["acpt_weight"], "benchmark.acpt_weight");
  if (b["acpt_mode"]) {
    const std::string m = rd.string(b["acpt_mode"], "benchmark.acpt_mode");
    const auto mode = parse_acpt_mode(m);
    if (!mode)
      rd.fail(b["acpt_mode"], "benchmark.acpt_mode",
              fmt::format("'{}' is not allowed; allowed: rate, flat_dollar (bench §2, §12 item 1)", m));
    sp.acpt_mode = *mode;
  }
  if (b["update_factor"]) {  // the reduced-form knob: multiplies b3 and b2 alike (a sensitivity, not a CMS
                             // rule)
    s.update_factor = read_uncertain(rd, b["update_factor"], "benchmark.update_factor");
  }
  if (b["zero_difference_is_lower"])
    sp.zero_difference_is_lower =
        rd.boolean(b["zero_difference_is_lower"], "benchmark.zero_difference_is_lower");
}

// benchmark.trend: the annual national (and regional) growth BY3 -> PY and their uncertainty.
void read_cms_trend(const Reader& rd, const YAML::Node& b, int py, std::size_t steps, CmsBenchmarkSpec& sp) {
  const YAML::Node tr = b["trend"];
  if (!tr)
    rd.fail(b, "benchmark.trend",
            fmt::format("is required: {{national: [...]}} with {} annual national growth rate(s), steps {} "
                        ".. {} (bench §2)",
                        steps, sp.base_year_3 + 1, py));
  check_section_keys(rd, tr, "benchmark.trend");
  if (!tr["national"])
    rd.fail(tr, "benchmark.trend.national",
            fmt::format("is required: {} annual national growth rate(s), steps {} .. {}", steps,
                        sp.base_year_3 + 1, py));
  const std::string why = fmt::format("one annual rate per step {} .. {}", sp.base_year_3 + 1, py);
  sp.national_trend = read_list(rd, tr["national"], "benchmark.trend.national", steps, why);
  sp.regional_trend = tr["regional"] ? read_list(rd, tr["regional"], "benchmark.trend.regional", steps, why)
                                     : sp.national_trend;
  if (tr["national_sd"])
    sp.national_trend_sd = read_number(rd, tr["national_sd"], "benchmark.trend.national_sd");
  if (tr["regional_sd"])
    sp.regional_trend_sd = read_number(rd, tr["regional_sd"], "benchmark.trend.regional_sd");
  if (tr["coding_intensity_sd"])
    sp.coding_intensity_sd =
        read_number(rd, tr["coding_intensity_sd"], "benchmark.trend.coding_intensity_sd");
}

// H_t (bench §11 step 2): each base year risk-adjusted to BY3 (x HCC_BY3 / HCC_j), trended and
// restated to BY3, then weighted [USD per beneficiary-year].
double historical_benchmark(const CmsBenchmarkType& t, const std::array<double, 3>& weights) {
  double h = 0;
  for (std::size_t j = 0; j < 3; ++j) {
    const double trend = j < 2 ? t.trend_to_by3[j] : 1.0;
    h += weights[j] * t.per_capita[j] * trend * (t.hcc_risk[2] / t.hcc_risk[j]);
  }
  return h;
}

// H_t, the expected spending and the ACPT of each enrollment type (bench §11 step 2).
void read_cms_types(const Reader& rd, const YAML::Node& b, const Scenario& s, int start, std::size_t steps,
                    CmsBenchmarkSpec& sp) {
  const bool acpt_rule = start >= kBenchmark2024Start;
  const std::string why =
      fmt::format("one annual rate per step {} .. {}", sp.base_year_3 + 1, s.performance_year);
  std::vector<double> common_acpt;
  if (b["acpt"]) {
    if (!acpt_rule)
      rd.fail(b["acpt"], "benchmark.acpt",
              fmt::format("the ACPT applies to agreements starting in 2024 or later (42 CFR 425.652(b)); "
                          "this one starts in {}: remove it",
                          start));
    common_acpt = read_list(rd, b["acpt"], "benchmark.acpt", steps,
                            why + " (42 CFR 425.660; 2024 starts: 4.9%, then 4.3% [S])");
  }

  // Types.
  const YAML::Node types = b["types"];
  if (!types)
    rd.fail(b, "benchmark.types",
            "is required: the CMS benchmark report's figures by enrollment type (esrd, disabled, aged_dual, "
            "aged_nondual)");
  rd.check_keys(types, "benchmark.types", {"esrd", "disabled", "aged_dual", "aged_nondual"});
  double py3_total = 0;
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto k = static_cast<std::size_t>(e);
    const std::string name(to_string(static_cast<EnrollmentType>(e)));
    const std::string key = "benchmark.types." + name;
    CmsBenchmarkType& t = sp.type[k];
    if (const YAML::Node tn = types[name]) {
      read_type(rd, tn, key, steps, acpt_rule, common_acpt, t);
      const YAML::Node g = tn["hcc_growth"];
      if (!(g && g.IsMap() && g["sd"]))
        t.hcc_growth.sd = sp.coding_intensity_sd;  // the run's coding-intensity normal
    } else if (s.beneficiaries[k] > 0) {
      rd.fail(
          types, key,
          fmt::format("is required: the ACO has {} {} beneficiaries in the PY", s.beneficiaries[k], name));
    } else {
      t.acpt = common_acpt;
    }
    if (acpt_rule && t.acpt.size() != steps && (types[name] || s.beneficiaries[k] > 0)) {
      rd.fail(
          types[name] ? types[name] : b, key + ".acpt",
          fmt::format("is required for an agreement starting in {}: {} (or benchmark.acpt for every type)",
                      start, why));
    }
    if (acpt_rule && t.acpt.size() != steps)
      t.acpt.assign(steps, 0.0);  // a type with no beneficiaries and no report rows
    py3_total += t.by3_person_years;
    if (t.historical_benchmark) {
      sp.historical[k] = *t.historical_benchmark;
    } else if (types[name]) {
      sp.historical[k] = historical_benchmark(t, sp.weights);
    }
    double growth = 1;
    for (double g : sp.regional_trend) growth *= 1 + g;
    sp.expected_spending[k] = sp.historical[k] * growth;
  }
  if (py3_total <= 0)
    rd.fail(types, "benchmark.types",
            "the types' by3_person_years sum to 0; give the BY3 person-years of each type");
}

// Cost means: the expected spending unless given (docs/scenario.md).
void default_cost_means(const Reader& rd, const YAML::Node& root, const CmsBenchmarkSpec& sp, Scenario& s) {
  const YAML::Node cm = root["cost_model"];
  const bool empirical = cm && cm["empirical"];
  double scale = 1;
  if (cm && cm["mean_scale"]) scale = read_number(rd, cm["mean_scale"], "cost_model.mean_scale");
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto k = static_cast<std::size_t>(e);
    const std::string name(to_string(static_cast<EnrollmentType>(e)));
    const bool given = cm && cm["types"] && cm["types"][name] && cm["types"][name]["mean"];
    if (!given && !empirical && sp.expected_spending[k] > 0)
      s.cost_means[k] = sp.expected_spending[k] * scale;
  }
}

}  // namespace

void read_cms_benchmark(const Reader& rd, const YAML::Node& b, const YAML::Node& root, Scenario& s) {
  check_section_keys(rd, b, "benchmark");
  if (b["per_capita"])
    rd.fail(b["per_capita"], "benchmark.per_capita",
            "applies only to mode: fixed (mode cms builds the benchmark from benchmark.types)");
  if (b["persistence"])
    rd.fail(b["persistence"], "benchmark.persistence", "applies only to mode: historical");
  s.benchmark_mode = BenchmarkMode::Cms;
  CmsBenchmarkSpec sp;
  const int start = s.agreement_start_year, py = s.performance_year;
  check_cms_agreement(rd, b, root, start, py);
  sp.base_year_3 = start - 1;
  sp.steps = py - sp.base_year_3;
  const auto steps = static_cast<std::size_t>(sp.steps);
  read_cms_settings(rd, b, start, sp, s);
  read_cms_trend(rd, b, py, steps, sp);
  read_cms_types(rd, b, s, start, steps, sp);
  default_cost_means(rd, root, sp, s);

  // Build the benchmark once at the mean inputs, so an inconsistent report fails at load, not in a run.
  s.cms_benchmark = sp;
  try {
    (void)build_benchmark(cms_benchmark_input(s, mean_benchmark_inputs(sp), current_law()));
  } catch (const std::invalid_argument& e) {
    rd.fail(b, "benchmark", fmt::format("the CMS-form benchmark cannot be built: {}", e.what()));
  }
}

void read_rules_and_guardrail(const Reader& rd, const YAML::Node& root, Scenario& s) {
  RuleSet rules = current_law();
  if (const YAML::Node r = root["rules"]) {
    const std::string id = rd.string(r, "rules");
    const auto found = find_rule_set(id);
    if (!found)
      rd.fail(r, "rules", fmt::format("'{}' is not a rule set; allowed: {}", id, known_rule_set_ids()));
    rules = *found;
  }
  const YAML::Node tr = root["tracks"];
  for (std::size_t i = 0; i < s.tracks.size(); ++i) {
    const TrackChoice& c = s.tracks[i];
    if (c.acpt_guardrail) continue;
    const YAML::Node at = tr[i]["acpt_guardrail"];
    const std::string key = fmt::format("tracks[{}].acpt_guardrail", i);
    if (s.benchmark_mode != BenchmarkMode::Cms)
      rd.fail(at, key,
              "needs benchmark mode cms (the guardrail compares the three-way and two-way benchmarks, 42 CFR "
              "425.652(b)(5))");
    if (s.agreement_start_year < kBenchmark2024Start || c.track.custom)
      rd.fail(at, key,
              "the ACPT loss guardrail applies only to CMS tracks of agreements starting 2024 or later (42 "
              "CFR 425.652(b)(5)); remove it");
  }
  if (!rules.proposed) return;
  if (s.cms_benchmark) s.cms_benchmark->proposed_overlay = true;
  const std::size_t n = s.tracks.size();
  for (std::size_t i = 0; i < n; ++i) {
    TrackChoice c = s.tracks[i];
    if (c.track.custom) continue;  // a custom contract is not under CMS rules
    c.proposed = true;
    c.label += " (CY2027 proposed, not law)";
    s.tracks.push_back(std::move(c));
  }
}

}  // namespace acosim
