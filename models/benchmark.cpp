#include "models/benchmark.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace acosim {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

bool finite_nonneg(double x) { return std::isfinite(x) && x >= 0; }

std::size_t idx(int t) { return static_cast<std::size_t>(t); }

double dot(const PerType& a, const PerType& b) {
  double s = 0;
  for (int t = 0; t < kEnrollmentTypes; ++t) s += a[idx(t)] * b[idx(t)];
  return s;
}

void check_shares(const PerType& p, const char* what) {
  double sum = 0;
  for (double v : p) {
    require(std::isfinite(v) && v >= 0,
            fmt::format("{} {} is out of range; allowed: a share in [0, 1]", what, v));
    sum += v;
  }
  require(std::abs(sum - 1.0) <= 1e-6, fmt::format("{} sum to {}; allowed: shares that sum to 1", what, sum));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

// ---- §2 ------------------------------------------------------------------------------------

std::string_view to_string(AcptMode m) { return m == AcptMode::Rate ? "rate" : "flat_dollar"; }

std::optional<AcptMode> parse_acpt_mode(std::string_view s) {
  const std::string k = lower(s);
  if (k == "rate") return AcptMode::Rate;
  if (k == "flat_dollar") return AcptMode::FlatDollar;
  return std::nullopt;
}

double acpt_weight(int performance_year, std::optional<double> given) {
  if (given) {
    require(std::isfinite(*given) && *given >= 0 && *given <= 1,
            fmt::format("ACPT weight {} is out of range; allowed: a fraction in [0, 1]", *given));
    return *given;
  }
  // bench §2: 1/6 in PY2024 [S], 1/3 otherwise (425.652(b)(2)).
  return performance_year == 2024 ? 1.0 / 6.0 : 1.0 / 3.0;
}

double cumulative_growth(std::span<const double> annual) {
  double level = 1;
  for (double a : annual) level *= 1.0 + a;
  return level - 1.0;
}

std::vector<double> acpt_after_band(std::span<const double> acpt, std::span<const double> national, int by3,
                                    int agreement_start_year, const RuleSet& rules) {
  std::vector<double> out(acpt.begin(), acpt.end());
  const bool band = rules.acpt_band && agreement_start_year >= rules.acpt_band_from_start;
  const bool retro = rules.acpt_retro_floor && agreement_start_year >= rules.acpt_retro_first_start &&
                     agreement_start_year <= rules.acpt_retro_last_start;
  if (!band && !retro) return out;
  require(national.size() == acpt.size(),
          fmt::format(
              "{} annual national growth rates for {} ACPT steps; the ACPT guardrail band needs one per step",
              national.size(), acpt.size()));
  for (std::size_t k = 0; k < out.size(); ++k) {
    const int year = by3 + 1 + static_cast<int>(k);  // the step BY3+k -> BY3+k+1 goes into `year`
    if (band) {
      // bench §10 (PROPOSED, NOT LAW): national - 1.0pp <= ACPT <= national + 1.5pp, 2027+ starts.
      out[k] = std::clamp(out[k], national[k] - rules.acpt_band_below, national[k] + rules.acpt_band_above);
    } else if (year >= rules.acpt_retro_from_py || rules.acpt_retro_floor_earlier_steps) {
      // bench §10 (PROPOSED, NOT LAW): ACPT >= national - 1.0pp, 2024-2026 starts, from PY2025.
      out[k] = std::max(out[k], national[k] - rules.acpt_retro_floor_below);
    }
  }
  return out;
}

TypeUpdate update_benchmark(const UpdateInput& in, AcptMode mode) {
  require(std::isfinite(in.market_share) && in.market_share >= 0 && in.market_share <= 1,
          fmt::format("market share {} is out of range; allowed: [0, 1]", in.market_share));
  require(std::isfinite(in.acpt_weight) && in.acpt_weight >= 0 && in.acpt_weight <= 1,
          fmt::format("ACPT weight {} is out of range; allowed: [0, 1]", in.acpt_weight));
  TypeUpdate u;
  // bench §2: g2 = s g_nat + (1 - s) g_reg f (425.652(b)(3); f from 425.655).
  u.two_way_growth = in.market_share * in.national_growth +
                     (1.0 - in.market_share) * in.regional_growth * in.regional_cap_factor;
  const double w2 = 1.0 - in.acpt_weight;
  const double base = in.adjusted_benchmark * in.risk_ratio;
  u.two_way = base * u.two_way_growth;
  if (mode == AcptMode::Rate) {
    u.three_way = base * (w2 * u.two_way_growth + in.acpt_weight * (1.0 + in.acpt_cumulative));
  } else {
    // [K] flat-dollar form: RR* (H* (1 + w_2 (g2 - 1)) + w_A Nhat A).
    u.three_way = in.risk_ratio * (in.adjusted_benchmark * (1.0 + w2 * (u.two_way_growth - 1.0)) +
                                   in.acpt_weight * in.acpt_dollar_base * in.acpt_cumulative);
  }
  return u;
}

// ---- §6 ------------------------------------------------------------------------------------

PerType risk_weights(const PerType& historical_benchmark, const PerType& py_person_years) {
  PerType w{};
  double sum = 0;
  for (int t = 0; t < kEnrollmentTypes; ++t) {
    require(finite_nonneg(historical_benchmark[idx(t)]) && finite_nonneg(py_person_years[idx(t)]),
            "historical benchmark and PY person-years must be non-negative and finite");
    w[idx(t)] = historical_benchmark[idx(t)] * py_person_years[idx(t)];
    sum += w[idx(t)];
  }
  require(sum > 0, "risk-ratio weights: historical benchmark x PY person-years is 0 for every type");
  for (double& v : w) v /= sum;
  return w;
}

RiskRatioCap cap_risk_ratios(const PerType& hcc_ratio, const PerType& demographic_ratio, const PerType& omega,
                             int agreement_start_year) {
  RiskRatioCap r;
  r.uncapped = hcc_ratio;
  r.capped = hcc_ratio;
  if (agreement_start_year >= kBenchmark2024Start) {
    // 425.605(a)(1)(ii), 425.610(a)(2)(ii): C = deltabar + 3 points, tested in aggregate.
    r.aggregate = dot(omega, hcc_ratio);
    r.demographic = dot(omega, demographic_ratio);
    r.cap = r.demographic + 0.03;
    if (r.aggregate > r.cap) {
      for (double& v : r.capped) v = std::min(v, r.cap);
    }
  } else {
    // 425.605(a)(1)(i): +3% per type, always (July 2019-2023 starts).
    r.aggregate = dot(omega, hcc_ratio);
    r.demographic = dot(omega, demographic_ratio);
    r.cap = 1.03;
    for (double& v : r.capped) v = std::min(v, r.cap);
  }
  for (int t = 0; t < kEnrollmentTypes; ++t) r.binding = r.binding || r.capped[idx(t)] < r.uncapped[idx(t)];
  return r;
}

RegionalRiskCap regional_risk_cap(const PerType& regional_hcc_ratio,
                                  const PerType& regional_demographic_ratio, const PerType& omega,
                                  double market_share, int agreement_start_year) {
  require(std::isfinite(market_share) && market_share >= 0 && market_share <= 1,
          fmt::format("market share {} is out of range; allowed: [0, 1]", market_share));
  RegionalRiskCap r;
  r.aggregate = dot(omega, regional_hcc_ratio);
  r.demographic = dot(omega, regional_demographic_ratio);
  const double base = r.demographic + 0.03;
  // 425.655: C_reg = Deltabar + 0.03 + m max(0, Rhobar - (Deltabar + 0.03)).
  r.cap = base + market_share * std::max(0.0, r.aggregate - base);
  if (agreement_start_year < kBenchmark2024Start || r.aggregate <= r.cap) return r;
  for (int t = 0; t < kEnrollmentTypes; ++t) {
    const double rho = regional_hcc_ratio[idx(t)];
    r.factor[idx(t)] = rho > r.cap ? rho / r.cap : 1.0;
  }
  return r;
}

// ---- §3 ------------------------------------------------------------------------------------

double regional_weight(int times_adjusted, bool lower_spending, bool enhanced, int agreement_start_year,
                       const RuleSet& rules) {
  require(times_adjusted >= 1,
          fmt::format("times regionally adjusted {} is out of range; allowed: 1, 2, 3, ...", times_adjusted));
  // 425.656(d) table (bench §3).
  static constexpr double kLower[4] = {0.35, 0.50, 0.50, 0.50};
  static constexpr double kHigher[4] = {0.15, 0.25, 0.35, 0.50};
  const std::size_t row = static_cast<std::size_t>(std::min(times_adjusted, 4) - 1);
  double w = lower_spending ? kLower[row] : kHigher[row];
  // bench §10 (PROPOSED, NOT LAW): ENHANCED lower-spending weight at most 35%, 2027+ agreements.
  if (enhanced && lower_spending && rules.enhanced_lower_spending_weight_cap &&
      agreement_start_year >= rules.enhanced_weight_cap_from_start) {
    w = std::min(w, *rules.enhanced_lower_spending_weight_cap);
  }
  return w;
}

RegionalAdjustment regional_adjustment(const RegionalAdjustmentInput& in) {
  check_shares(in.by3_share, "BY3 enrollment-type shares");
  require(std::isfinite(in.dual_share_by3) && in.dual_share_by3 >= 0 && in.dual_share_by3 <= 1,
          fmt::format("BY3 dual share {} is out of range; allowed: [0, 1]", in.dual_share_by3));
  require(std::isfinite(in.risk_score_by3) && in.risk_score_by3 > 0,
          fmt::format("BY3 risk score {} is out of range; allowed: a positive score", in.risk_score_by3));
  const bool rules2024 = in.agreement_start_year >= kBenchmark2024Start;
  RegionalAdjustment r;
  for (int t = 0; t < kEnrollmentTypes; ++t) {
    require(finite_nonneg(in.historical[idx(t)]) && finite_nonneg(in.regional[idx(t)]) &&
                finite_nonneg(in.national[idx(t)]),
            "historical, regional and national per capita must be non-negative and finite");
    r.difference[idx(t)] = in.regional[idx(t)] - in.historical[idx(t)];
  }
  r.aggregate_difference = dot(in.by3_share, r.difference);
  r.lower_spending =
      r.aggregate_difference > 0 || (r.aggregate_difference == 0 && in.zero_difference_is_lower);
  r.weight =
      regional_weight(in.times_adjusted, r.lower_spending, in.enhanced, in.agreement_start_year, in.rules);
  // 425.656(c)(4)-(5): phi = dual share + (rbar - 1), in [0, 1] (2024+ only).
  r.offset = rules2024 ? std::clamp(in.dual_share_by3 + (in.risk_score_by3 - 1.0), 0.0, 1.0) : 0.0;
  const double floor_share = rules2024 ? 0.015 : 0.05;  // 425.656(c)(3) -1.5%; 425.601(f) -5%
  for (int t = 0; t < kEnrollmentTypes; ++t) {
    const std::size_t k = idx(t);
    r.weighted[k] = r.weight * r.difference[k];
    r.after_caps[k] = std::max(std::min(r.weighted[k], 0.05 * in.national[k]), -floor_share * in.national[k]);
    r.adjustment[k] = r.after_caps[k] < 0 ? r.after_caps[k] * (1.0 - r.offset) : r.after_caps[k];
  }
  r.single_value = dot(in.by3_share, r.adjustment);
  // 425.652(a)(8): no overall negative adjustment for 2024+ starts; 425.601(a)(8) applies it before.
  r.applied = rules2024 ? r.single_value > 0 : true;
  if (r.applied) r.applied_per_type = r.adjustment;
  return r;
}

// ---- §4 ------------------------------------------------------------------------------------

double psa_proration(double prior_py_person_years, double benchmark_person_years) {
  require(finite_nonneg(prior_py_person_years) && std::isfinite(benchmark_person_years) &&
              benchmark_person_years > 0,
          fmt::format("PSA proration: person-years {} / {} are out of range; allowed: >= 0 over > 0",
                      prior_py_person_years, benchmark_person_years));
  return std::min(1.0, prior_py_person_years / benchmark_person_years);
}

PriorSavingsAdjustment prior_savings_adjustment(const PriorSavingsInput& in) {
  require(std::isfinite(in.proration) && in.proration >= 0 && in.proration <= 1,
          fmt::format("PSA proration {} is out of range; allowed: [0, 1]", in.proration));
  require(finite_nonneg(in.national_per_capita),
          fmt::format("national per capita {} is out of range; allowed: a non-negative amount",
                      in.national_per_capita));
  PriorSavingsAdjustment p;
  bool reconciled = false;
  double sum = 0;
  for (const auto& v : in.per_capita_savings) {
    if (!v) continue;
    require(std::isfinite(*v), "prior per capita savings must be finite");
    reconciled = true;
    sum += *v;
  }
  p.mean_savings = sum / 3.0;  // simple average, zeros included (425.658(b))
  p.scaling = in.rules.psa_scaling_for(in.agreement_start_year);
  p.cap = 0.05 * in.national_per_capita;  // 5% of national per capita, not the ACO's benchmark
  p.eligible = in.agreement_start_year >= kBenchmark2024Start && in.renewing_or_reentering && reconciled &&
               p.mean_savings > 0;
  if (!p.eligible) return p;
  p.uncapped = p.scaling * in.proration * p.mean_savings;
  p.amount = std::min(p.uncapped, p.cap);
  return p;
}

// ---- §5 ------------------------------------------------------------------------------------

PopulationAdjustment population_adjustment(double national_per_capita, double regional_single_value,
                                           std::optional<double> psa, double low_income_share,
                                           int agreement_start_year) {
  require(std::isfinite(low_income_share) && low_income_share >= 0 && low_income_share <= 1,
          fmt::format("LIS/dual share {} is out of range; allowed: [0, 1]", low_income_share));
  PopulationAdjustment h;
  h.applies = agreement_start_year >= kPopulationAdjustmentStart;  // 425.662: 2025+ starts only
  h.national = national_per_capita;
  h.low_income_share = low_income_share;
  h.competing = std::max({regional_single_value, psa.value_or(0.0), 0.0});
  h.scaler = 0.05 * national_per_capita - h.competing;
  h.eligible = h.applies && low_income_share >= 0.15;  // 15% (not the 20% of 425.512(b)(4))
  h.amount = h.eligible ? std::max(0.0, h.scaler * low_income_share) : 0.0;
  return h;
}

std::string_view to_string(BenchmarkAdjustment a) {
  switch (a) {
    case BenchmarkAdjustment::None: return "none";
    case BenchmarkAdjustment::Regional: return "regional";
    case BenchmarkAdjustment::PriorSavings: return "prior_savings";
    case BenchmarkAdjustment::Population: return "population";
  }
  return "?";
}

AdjustmentChoice choose_adjustment(const RegionalAdjustment& ra, const PriorSavingsAdjustment* psa,
                                   const PopulationAdjustment* population) {
  AdjustmentChoice c;
  if (ra.applied) {
    c.kind = BenchmarkAdjustment::Regional;
    c.per_type = ra.applied_per_type;
    c.single_value = ra.single_value;
  }
  // bench §4 table: the higher of a positive RA and the PSA; the PSA when RA <= 0.
  auto take_flat = [&](BenchmarkAdjustment kind, double amount) {
    if (amount <= 0) return;
    if (c.kind != BenchmarkAdjustment::None && amount <= c.single_value) return;
    c.kind = kind;
    c.single_value = amount;
    c.per_type.fill(amount);  // flat on all four types (PSA [V-doc]; HEBA [K])
  };
  if (psa && psa->eligible) take_flat(BenchmarkAdjustment::PriorSavings, psa->amount);
  if (population && population->eligible) take_flat(BenchmarkAdjustment::Population, population->amount);
  return c;
}

// ---- §11 -----------------------------------------------------------------------------------

namespace {

// The per-type inputs as columns (bench §11 notation), checked.
struct TypeColumns {
  PerType H{}, p{}, n{}, rho{}, delta{}, Rho{}, Delta{}, R{}, N{};
};

TypeColumns type_columns(const BenchmarkInput& in, int base_year_3, bool rules2024) {
  const std::size_t steps = static_cast<std::size_t>(in.performance_year - base_year_3);
  TypeColumns c;
  for (int t = 0; t < kEnrollmentTypes; ++t) {
    const BenchmarkTypeInput& ti = in.type[idx(t)];
    const std::string name(to_string(static_cast<EnrollmentType>(t)));
    require(ti.national_growth.size() == steps,
            fmt::format("{}: {} annual national growth rates; allowed: one per year BY3 {} -> PY{} ({})",
                        name, ti.national_growth.size(), base_year_3, in.performance_year, steps));
    if (rules2024) {
      require(
          ti.acpt.size() == steps,
          fmt::format("{}: {} annual ACPT rates; allowed: one per year BY3 {} -> PY{} ({}); the ACPT applies "
                      "from BY3 to PY1 (425.660(b)(1))",
                      name, ti.acpt.size(), base_year_3, in.performance_year, steps));
    }
    for (double v : {ti.hcc_risk_ratio, ti.demographic_risk_ratio, ti.regional_growth, ti.regional_hcc_ratio,
                     ti.regional_demographic_ratio}) {
      require(std::isfinite(v) && v > 0,
              fmt::format("{}: growth and risk ratios must be positive, got {}", name, v));
    }
    c.H[idx(t)] = ti.historical_benchmark;
    c.p[idx(t)] = ti.by3_share;
    c.n[idx(t)] = ti.py_person_years;
    c.rho[idx(t)] = ti.hcc_risk_ratio;
    c.delta[idx(t)] = ti.demographic_risk_ratio;
    c.Rho[idx(t)] = ti.regional_hcc_ratio;
    c.Delta[idx(t)] = ti.regional_demographic_ratio;
    c.R[idx(t)] = ti.regional_per_capita_by3;
    c.N[idx(t)] = ti.national_per_capita_by3;
  }
  return c;
}

// Step 3: adjustments (§3-§5): regional, prior savings, population, and the one that applies.
void adjust_historical(const BenchmarkInput& in, const TypeColumns& c, bool rules2024, BenchmarkResult& r) {
  RegionalAdjustmentInput ra;
  ra.by3_share = c.p;
  ra.historical = c.H;
  ra.regional = c.R;
  ra.national = c.N;
  ra.agreement_start_year = in.agreement_start_year;
  ra.times_adjusted = in.times_regionally_adjusted;
  ra.dual_share_by3 = in.dual_share_by3;
  ra.risk_score_by3 = in.risk_score_by3;
  ra.enhanced = in.enhanced;
  ra.zero_difference_is_lower = in.zero_difference_is_lower;
  ra.rules = in.rules;
  r.regional = regional_adjustment(ra);
  const double national_single = dot(c.p, c.N);  // Nbar = sum p_t N_t (bench §5; §4 weights [K])
  if (in.prior_savings && rules2024) {
    PriorSavingsInput ps = *in.prior_savings;
    ps.agreement_start_year = in.agreement_start_year;
    ps.rules = in.rules;
    if (ps.national_per_capita == 0) ps.national_per_capita = national_single;
    r.prior_savings = prior_savings_adjustment(ps);
  }
  if (in.agreement_start_year >= kPopulationAdjustmentStart) {
    require(in.low_income_share.has_value(),
            fmt::format("the population adjustment (425.662) applies to a {} start: give the PY share of "
                        "beneficiaries in Part D LIS or dually eligible",
                        in.agreement_start_year));
    const std::optional<double> psa = r.prior_savings && r.prior_savings->eligible
                                          ? std::optional<double>(r.prior_savings->amount)
                                          : std::nullopt;
    r.population = population_adjustment(national_single, r.regional.single_value, psa, *in.low_income_share,
                                         in.agreement_start_year);
  }
  r.adjustment = choose_adjustment(r.regional, r.prior_savings ? &*r.prior_savings : nullptr,
                                   r.population ? &*r.population : nullptr);
  for (int t = 0; t < kEnrollmentTypes; ++t)
    r.adjusted_historical[idx(t)] = c.H[idx(t)] + r.adjustment.per_type[idx(t)];
}

// Step 4: risk ratios (§6.1), regional factor (§6.2), ACPT (§2), and the PY-weighted benchmarks.
void update_to_py(const BenchmarkInput& in, const TypeColumns& c, bool rules2024, BenchmarkResult& r) {
  r.omega = risk_weights(c.H, c.n);
  r.risk = cap_risk_ratios(c.rho, c.delta, r.omega, in.agreement_start_year);
  r.regional_risk = regional_risk_cap(c.Rho, c.Delta, r.omega, in.market_share, in.agreement_start_year);
  double n_total = 0;
  for (double v : c.n) n_total += v;
  r.acpt_weight = rules2024 ? acpt_weight(in.performance_year, in.acpt_weight) : 0.0;
  for (int t = 0; t < kEnrollmentTypes; ++t) {
    const std::size_t k = idx(t);
    const BenchmarkTypeInput& ti = in.type[k];
    r.py_share[k] = c.n[k] / n_total;
    r.national_growth[k] = 1.0 + cumulative_growth(ti.national_growth);
    if (rules2024) {
      r.acpt_annual[k] =
          acpt_after_band(ti.acpt, ti.national_growth, r.base_year_3, in.agreement_start_year, in.rules);
      r.acpt_cumulative[k] = cumulative_growth(r.acpt_annual[k]);
    }
    UpdateInput u;
    u.adjusted_benchmark = r.adjusted_historical[k];
    u.risk_ratio = r.risk.capped[k];
    u.national_growth = r.national_growth[k];
    u.regional_growth = ti.regional_growth;
    u.regional_cap_factor = r.regional_risk.factor[k];
    u.market_share = in.market_share;
    u.acpt_cumulative = r.acpt_cumulative[k];
    u.acpt_weight = r.acpt_weight;
    u.acpt_dollar_base = ti.acpt_dollar_base.value_or(ti.national_per_capita_by3);
    r.update[k] = update_benchmark(u, in.acpt_mode);
    r.three_way += r.py_share[k] * r.update[k].three_way;
    r.two_way += r.py_share[k] * r.update[k].two_way;
  }
}

}  // namespace

BenchmarkResult build_benchmark(const BenchmarkInput& in) {
  require(in.performance_year >= in.agreement_start_year,
          fmt::format("performance year {} is before the agreement start {}; allowed: PY >= start year",
                      in.performance_year, in.agreement_start_year));
  BenchmarkResult r;
  r.base_year_3 = in.agreement_start_year - 1;
  const bool rules2024 = in.agreement_start_year >= kBenchmark2024Start;
  const TypeColumns c = type_columns(in, r.base_year_3, rules2024);
  adjust_historical(in, c, rules2024, r);
  update_to_py(in, c, rules2024, r);
  return r;
}

}  // namespace acosim
