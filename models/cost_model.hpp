// Annual per-beneficiary Medicare Parts A+B spending: the distribution the simulator draws from.
//
// Source of truth: shared/spec/cost-model.md (cited as "cost §N") for the calibration facts
// (Wallis et al. 2021 Lorenz points, the zero + 2-component lognormal mixture, enrollment-type
// means); shared/spec/settlement-rules.md §4.1 (cited as "spec §4.1") for the CMS truncation of
// annualised spending at the national 99th percentile by enrollment type. See docs/cost-model.md.
//
// A beneficiary-year's cost is a deterministic function of two latent standard normals:
//   z_state  picks the state (no spending / low component / high component) by thresholds,
//   z_size   picks the size within the state (the component's quantile at Phi(z_size)),
// so the marginal distribution is exact for any z's that are marginally N(0, 1), and year-to-year
// persistence can be modelled by correlating the latents across years.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include "models/det_math.hpp"

namespace acosim {

// Family of the positive part of the cost distribution (all families carry the zero mass p_zero).
enum class CostFamily {
  Lognormal,        // zero + lognormal(mu, sigma)
  Gamma,            // zero + gamma(shape k, scale theta)
  LognormalMixture  // zero + two lognormals with a common sigma and medians median_ratio apart
};

std::string_view to_string(CostFamily f);                         // "lognormal", "gamma", "lognormal_mixture"
std::optional<CostFamily> parse_cost_family(std::string_view s);  // case-insensitive; "mixture" too

// The four CMS enrollment types (spec §4.1 step 1); benchmarks and truncation are per type.
enum class EnrollmentType { ESRD = 0, Disabled = 1, AgedDual = 2, AgedNonDual = 3 };
constexpr int kEnrollmentTypes = 4;

std::string_view to_string(EnrollmentType t);  // "esrd", "disabled", "aged_dual", "aged_nondual"
// Case-insensitive; '-', '/' and ' ' are read as '_', and "non_dual" as "nondual"
// (so "Aged/Non-dual" parses). nullopt when unknown.
std::optional<EnrollmentType> parse_enrollment_type(std::string_view s);

// Unit-free shape of one enrollment type's annual cost. Validated by the CostDistribution
// constructor; only the fields the family uses are checked (p_zero and truncation_percentile always).
struct CostShape {
  CostFamily family = CostFamily::LognormalMixture;
  double p_zero = 0.10;                 // P(no spending in the year) [fraction], in [0, 1)
  double sigma = 0.90;                  // log-sd of each lognormal component, > 0
  double high_weight = 0.30;            // mixture: share of positive costs in the high component, [0, 1]
  double median_ratio = 12.0;           // mixture: high-component median / low-component median, >= 1
  double gamma_shape = 0.24;            // gamma family: shape k, > 0 (cost §1 fit)
  double truncation_percentile = 0.99;  // CMS truncation point, a percentile of the whole
                                        // distribution incl. zeros [fraction], in (0.5, 1]; 1 = none
};

// The lognormal families' cost() as plain numbers (CostDistribution::kernel()): what the vectorized
// sampler (sim/engine/sampler.hpp) evaluates over arrays of latents. Branch-free; the same bits as cost().
//
// The engine's arithmetic (docs/performance.md, "Single precision transforms, double sums"): the
// latents are floats (box_muller, Ar1), the state is chosen and mu + sigma z and its exp are
// computed in float, the cap and every cost and sum are double. The float operands are rounded once
// here: the thresholds outward, so that a float latent compares with them exactly as with the
// double threshold; mu and sigma as a float and the float of what is left, the rests taken into
// exp_f after its range reduction, so that the cost carries no bias from their rounding.
class LognormalCost {
 public:
  struct Single {
    float z_zero = 0, z_high = 0;         // up(z_zero), down(z_high): z < z_zero <=> z < up(z_zero)
    float mu_low = 0, mu_low_rest = 0;    // mu_low = mu_low + mu_low_rest (to about 2^-48 relative)
    float mu_high = 0, mu_high_rest = 0;  // the same for mu_high
    float sigma = 1, sigma_rest = 0;      // the same for sigma
  };

  LognormalCost() : LognormalCost(0, 0, 0, 0, 1, 0) {}
  // Thresholds in z space (+-inf when a state is empty), log-scale locations [ln USD], log-sd, cap
  // [USD] (+inf when none).
  LognormalCost(double z_zero, double z_high, double mu_low, double mu_high, double sigma, double cap)
      : z_zero_(z_zero), z_high_(z_high), mu_low_(mu_low), mu_high_(mu_high), sigma_(sigma), cap_(cap) {
    const auto [ml, ml_rest] = detmath::float_split(mu_low);
    const auto [mh, mh_rest] = detmath::float_split(mu_high);
    const auto [sg, sg_rest] = detmath::float_split(sigma);
    f_ = {detmath::float_up(z_zero), detmath::float_down(z_high), ml, ml_rest, mh, mh_rest, sg, sg_rest};
  }

  double z_zero() const { return z_zero_; }
  double z_high() const { return z_high_; }
  double mu_low() const { return mu_low_; }
  double mu_high() const { return mu_high_; }
  double sigma() const { return sigma_; }
  double cap() const { return cap_; }
  const Single& single() const { return f_; }

  // min(cap, exp(mu + sigma z_size)), or 0 in the zero state, for latents that are floats (every
  // latent of the sampler is). Selects, not branches: the state is random (a branch would
  // mispredict), and in the sampler's vector loops these become compares and blends.
  double operator()(double z_state, double z_size) const {
    const float zs = static_cast<float>(z_state);
    const bool high = f_.z_high < zs;
    return capped(zs, log_size(static_cast<float>(z_size), high ? f_.mu_high : f_.mu_low,
                               high ? f_.mu_high_rest : f_.mu_low_rest));
  }
  // The same with the spending multiplier exp(log_multiplier); equal to the above for 0.
  double operator()(double z_state, double z_size, double log_multiplier) const {
    if (log_multiplier == 0.0) return (*this)(z_state, z_size);
    const float zs = static_cast<float>(z_state);
    const double mu = (f_.z_high < zs ? mu_high_ : mu_low_) + log_multiplier;
    const float mu_f = static_cast<float>(mu);
    return capped(
        zs, log_size(static_cast<float>(z_size), mu_f, static_cast<float>(mu - static_cast<double>(mu_f))));
  }

  // The float log-cost as head + rest: head = sigma z + mu in float (one rounding, unbiased), rest
  // the part of sigma z + mu that sigma's and mu's float rests carry (a few 1e-7 [ln USD]).
  struct LogSize {
    float head, rest;
  };
  LogSize log_size(float z_size, float mu, float mu_rest) const {
    return {detmath::fmaddf(f_.sigma, z_size, mu), detmath::fmaddf(f_.sigma_rest, z_size, mu_rest)};
  }

 private:
  // exp in single precision (models/det_math.hpp's exp_f, within 1 float ulp); the cap, the select
  // and every sum stay double.
  double capped(float z_state, LogSize log_x) const {
    const double x = static_cast<double>(detmath::exp_f(log_x.head, log_x.rest));
    const double below_cap = x < cap_ ? x : cap_;  // min(x, cap)
    return z_state < f_.z_zero ? 0.0 : below_cap;  // zero state
  }

  double z_zero_, z_high_, mu_low_, mu_high_, sigma_, cap_;
  Single f_;
};

// One enrollment type's annual cost distribution, scaled so that the TRUNCATED mean equals `mean`
// (the per-capita figure CMS reports is after truncation, spec §4.1).
class CostDistribution {
 public:
  // mean: truncated mean [USD per beneficiary-year], > 0. Throws std::invalid_argument naming the
  // parameter and its allowed range on a bad (or NaN) parameter, or when p_zero >=
  // truncation_percentile (the cap would be $0).
  CostDistribution(const CostShape& shape, double mean);

  // Cost [USD] of a beneficiary-year with latent normals (z_state, z_size) and spending multiplier
  // m = exp(log_multiplier) (1 + true effect): min(cap, m * X). The cap is fixed in dollars (the
  // national truncation point) while m scales the ACO's costs.
  //   state: zero if z_state < z_zero(); high component if z_state > z_high(); else low.
  //   size:  lognormal exp(mu_k + sigma z_size); gamma: the gamma quantile at Phi(z_size) (slow).
  double cost(double z_state, double z_size, double log_multiplier = 0.0) const;

  double mean() const { return mean_; }             // truncated mean [USD]
  double sd() const { return sd_; }                 // truncated SD [USD]
  double truncation_point() const { return cap_; }  // cap [USD]; +inf when none
  // A copy whose cost() and kernel() truncate at `cap` [USD] instead (the moments stay this
  // distribution's): how the engine draws min(cap, m X) as m min(cap / m, X) (sim/engine/true_effect.hpp).
  CostDistribution truncated_at(double cap) const {
    CostDistribution d = *this;
    d.cap_ = cap;
    d.log_cap_ = std::log(cap);
    d.kernel_ = d.make_kernel();
    return d;
  }
  double untruncated_mean() const { return untruncated_mean_; }  // [USD]
  double untruncated_sd() const { return untruncated_sd_; }      // [USD]
  double cdf(double x) const;                                    // untruncated P(X <= x), x [USD]
  double quantile(double p) const;  // untruncated inf{x : cdf(x) >= p} [USD]; 0 for p <= p_zero
  // Lorenz: share of total (untruncated) spending held by the top `share` [fraction, 0..1] of
  // beneficiary-years. Scale-free (depends on the shape only).
  double top_share(double share) const;

  // What the sampler's hot loop uses. Thresholds are in z space (+-inf when a state is empty);
  // mu_* are log-scale locations [ln USD]; log_cap = ln(truncation_point()) (+inf when none).
  // For the gamma family mu_low = mu_high = ln(gamma_scale) and sigma() is not used.
  double z_zero() const { return z_zero_; }
  double z_high() const { return z_high_; }
  double mu_low() const { return mu_low_; }
  double mu_high() const { return mu_high_; }
  double sigma() const { return sigma_; }
  double log_cap() const { return log_cap_; }
  CostFamily family() const { return shape_.family; }
  double gamma_shape() const { return shape_.gamma_shape; }
  double gamma_scale() const { return gamma_scale_; }  // [USD]
  const CostShape& shape() const { return shape_; }
  bool is_gamma() const { return gamma_; }
  // cost() of the lognormal families as a value (not meaningful for the gamma family).
  LognormalCost kernel() const { return kernel_; }

 private:
  double gamma_cost(double z_size, double log_multiplier) const;  // slow path (gamma quantile)
  double positive_cdf(double x) const;                            // P(X <= x | X > 0)
  double positive_partial_moment(int r, double c) const;          // E[X^r; X <= c | X > 0], r = 1, 2
  double positive_moment(int r) const;                            // E[X^r | X > 0]
  void set_scale(double log_scale);                               // locations for scale exp(log_scale)
  LognormalCost make_kernel() const { return {z_zero_, z_high_, mu_low_, mu_high_, sigma_, cap_}; }

  CostShape shape_;
  bool gamma_ = false;
  double z_zero_ = 0, z_high_ = 0;
  double mu_low_ = 0, mu_high_ = 0, log_ratio_ = 0, sigma_ = 1;  // mu_high_ = mu_low_ + log_ratio_
  double gamma_scale_ = 1;
  double cap_ = 0, log_cap_ = 0;
  double mean_ = 0, sd_ = 0, untruncated_mean_ = 0, untruncated_sd_ = 0;
  LognormalCost kernel_;  // make_kernel() of the finished distribution (the hot path's operands)
};

// Hot path: two compares, a multiply-add select, an exp (models/det_math.hpp), a min. No allocation.
inline double CostDistribution::cost(double z_state, double z_size, double log_multiplier) const {
  if (gamma_) [[unlikely]]
    return z_state < z_zero_ ? 0.0 : gamma_cost(z_size, log_multiplier);
  return kernel_(z_state, z_size, log_multiplier);
}

// The shipped "national" model (cost §1): the zero + 2-component lognormal mixture (p0 = 0.10,
// positives 70% / 30%, common sigma 0.90, medians 12x apart), truncated at the 99th percentile,
// for every enrollment type.
CostShape national_shape();
// The `commercial` preset (docs/cost-model.md §1): the national mixture with sigma solved so that
// the top 1% of beneficiary-years hold kCommercialTopOnePercentShare of (untruncated) spending, the
// non-elderly figure of MEPS Statistical Brief #81 (AHRQ 2005, 2002 data), and no CMS truncation
// (truncation_percentile 1; a commercial contract sets its own). p_zero, the mixture weight and the
// median ratio stay the national working values. Truncated CV = k with a fixed benchmark: ~3.26.
inline constexpr double kCommercialTopOnePercentShare = 0.24;  // [fraction]
CostShape commercial_shape();
// The shape with the log-sd `sigma` (lognormal families) or `gamma_shape` (gamma) solved so that a
// beneficiary-year's truncated cost has coefficient of variation `cv` (SD / mean, scale-free):
// the `cost_model.cv` key. Throws std::invalid_argument naming the attainable range when `cv`
// cannot be reached with the shape's other parameters (p_zero, truncation).
CostShape shape_with_cv(CostShape shape, double cv);

// Per-capita (truncated) spending by enrollment type [USD per beneficiary-year]: the median ACO's
// PY2023 figures, cost §2 (ESRD 88,800; disabled 11,400; aged/dual 17,600; aged/non-dual 11,300).
double national_mean(EnrollmentType t);

}  // namespace acosim
