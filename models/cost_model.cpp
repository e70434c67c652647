#include "models/cost_model.hpp"

#include <array>
#include <cctype>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>

namespace acosim {
namespace {

namespace bmp = boost::math::policies;
// Overflow returns +inf (the gamma quantile at 1), NaN in gives NaN out, and no long-double
// promotion (double accuracy is ample here and the gamma path is hot when that family is used).
using Policy = bmp::policy<bmp::overflow_error<bmp::ignore_error>, bmp::domain_error<bmp::ignore_error>,
                           bmp::promote_double<false>>;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Standard normal CDF.
double Phi(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

// Standard normal quantile; -inf at 0 and +inf at 1.
double Phi_inv(double p) {
  if (p <= 0) return -kInf;
  if (p >= 1) return kInf;
  return -std::numbers::sqrt2 * boost::math::erfc_inv(2 * p, Policy());
}

// Throws unless ok, with "CostShape.<name> = <value> is outside the allowed range <range>".
void require(bool ok, std::string_view name, double value, std::string_view range) {
  if (!ok)
    throw std::invalid_argument(
        fmt::format("cost model: {} = {} is outside the allowed range {}", name, value, range));
}

bool finite(double x) { return std::isfinite(x); }

void validate(const CostShape& s, double mean) {
  // Comparisons are written so that NaN fails them.
  require(s.p_zero >= 0 && s.p_zero < 1, "CostShape.p_zero", s.p_zero, "[0, 1)");
  require(s.truncation_percentile > 0.5 && s.truncation_percentile <= 1, "CostShape.truncation_percentile",
          s.truncation_percentile, "(0.5, 1]");
  if (s.p_zero >= s.truncation_percentile)
    throw std::invalid_argument(
        fmt::format("cost model: CostShape.p_zero = {} must be below CostShape.truncation_percentile = {} "
                    "(otherwise the truncation point is $0)",
                    s.p_zero, s.truncation_percentile));
  switch (s.family) {
    case CostFamily::LognormalMixture:
      require(s.high_weight >= 0 && s.high_weight <= 1, "CostShape.high_weight", s.high_weight, "[0, 1]");
      require(s.median_ratio >= 1 && finite(s.median_ratio), "CostShape.median_ratio", s.median_ratio,
              "[1, inf)");
      [[fallthrough]];
    case CostFamily::Lognormal:
      require(s.sigma > 0 && finite(s.sigma), "CostShape.sigma", s.sigma, "(0, inf)");
      break;
    case CostFamily::Gamma:
      require(s.gamma_shape > 0 && finite(s.gamma_shape), "CostShape.gamma_shape", s.gamma_shape, "(0, inf)");
      break;
    default: throw std::invalid_argument("cost model: unknown CostShape.family");
  }
  require(mean > 0 && finite(mean), "mean [USD]", mean, "(0, inf)");
}

std::string normalise(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '-' || c == '/' || c == ' ')
      out += '_';
    else
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::string_view to_string(CostFamily f) {
  switch (f) {
    case CostFamily::Lognormal: return "lognormal";
    case CostFamily::Gamma: return "gamma";
    case CostFamily::LognormalMixture: return "lognormal_mixture";
  }
  return "?";
}

std::optional<CostFamily> parse_cost_family(std::string_view s) {
  const std::string n = normalise(s);
  if (n == "lognormal") return CostFamily::Lognormal;
  if (n == "gamma") return CostFamily::Gamma;
  if (n == "lognormal_mixture" || n == "mixture") return CostFamily::LognormalMixture;
  return std::nullopt;
}

std::string_view to_string(EnrollmentType t) {
  switch (t) {
    case EnrollmentType::ESRD: return "esrd";
    case EnrollmentType::Disabled: return "disabled";
    case EnrollmentType::AgedDual: return "aged_dual";
    case EnrollmentType::AgedNonDual: return "aged_nondual";
  }
  return "?";
}

std::optional<EnrollmentType> parse_enrollment_type(std::string_view s) {
  std::string n = normalise(s);
  if (const auto pos = n.find("non_dual"); pos != std::string::npos) n.replace(pos, 8, "nondual");
  for (int i = 0; i < kEnrollmentTypes; ++i) {
    const auto t = static_cast<EnrollmentType>(i);
    if (n == to_string(t)) return t;
  }
  return std::nullopt;
}

CostDistribution::CostDistribution(const CostShape& shape, double mean) : shape_(shape) {
  validate(shape, mean);
  const double p0 = shape.p_zero;
  gamma_ = shape.family == CostFamily::Gamma;
  sigma_ = gamma_ ? 0.0 : shape.sigma;
  // State thresholds in z space: P(zero) = p0, P(high) = (1 - p0) w, P(low) = the rest.
  z_zero_ = Phi_inv(p0);
  z_high_ = shape.family == CostFamily::LognormalMixture ? -Phi_inv((1 - p0) * shape.high_weight) : kInf;

  // The shape is scale-invariant: find the truncation point and the truncated mean at unit scale
  // (low-component median 1, or gamma scale 1), then rescale so the truncated mean is `mean`.
  set_scale(0.0);
  const bool truncated = shape.truncation_percentile < 1;
  const double cap1 = truncated ? quantile(shape.truncation_percentile) : kInf;
  // E[min(X, c)] = E[X; X <= c] + c P(X > c).
  const double mean1 = truncated ? (1 - p0) * positive_partial_moment(1, cap1) + cap1 * (1 - cdf(cap1))
                                 : (1 - p0) * positive_moment(1);
  const double scale = mean / mean1;
  set_scale(std::log(scale));
  cap_ = cap1 * scale;
  log_cap_ = std::log(cap_);

  // Moments from the final parameters (closed forms, cost §1 / docs/cost-model.md).
  const double m1 = (1 - p0) * positive_moment(1);
  const double m2 = (1 - p0) * positive_moment(2);
  untruncated_mean_ = m1;
  untruncated_sd_ = std::sqrt(std::max(0.0, m2 - m1 * m1));
  if (truncated) {
    const double tail = 1 - cdf(cap_);
    mean_ = (1 - p0) * positive_partial_moment(1, cap_) + cap_ * tail;
    const double t2 = (1 - p0) * positive_partial_moment(2, cap_) + cap_ * cap_ * tail;
    sd_ = std::sqrt(std::max(0.0, t2 - mean_ * mean_));
  } else {
    mean_ = untruncated_mean_;
    sd_ = untruncated_sd_;
  }
  kernel_ = make_kernel();
}

void CostDistribution::set_scale(double log_scale) {
  switch (shape_.family) {
    case CostFamily::Lognormal: mu_low_ = mu_high_ = log_scale; break;
    case CostFamily::LognormalMixture:
      log_ratio_ = std::log(shape_.median_ratio);
      mu_low_ = log_scale;
      mu_high_ = mu_low_ + log_ratio_;
      break;
    case CostFamily::Gamma:
      gamma_scale_ = std::exp(log_scale);
      mu_low_ = mu_high_ = log_scale;
      break;
  }
}

double CostDistribution::gamma_cost(double z_size, double log_multiplier) const {
  const double k = shape_.gamma_shape;
  // Lower tail from P, upper tail from Q, so both tails keep full relative precision.
  const double g = z_size <= 0 ? boost::math::gamma_p_inv(k, Phi(z_size), Policy())
                               : boost::math::gamma_q_inv(k, Phi(-z_size), Policy());
  return std::min(cap_, std::exp(log_multiplier) * gamma_scale_ * g);
}

double CostDistribution::positive_cdf(double x) const {
  if (std::isnan(x)) return x;
  if (x <= 0) return 0.0;
  if (gamma_) return x == kInf ? 1.0 : boost::math::gamma_p(shape_.gamma_shape, x / gamma_scale_, Policy());
  const double u = std::log(x);
  const double w = shape_.family == CostFamily::LognormalMixture ? shape_.high_weight : 0.0;
  return (1 - w) * Phi((u - mu_low_) / sigma_) + w * Phi((u - mu_high_) / sigma_);
}

double CostDistribution::positive_partial_moment(int r, double c) const {
  if (!(c > 0)) return 0.0;
  if (c == kInf) return positive_moment(r);
  if (gamma_) {
    // E[X^r; X <= c] = theta^r Gamma(k + r) / Gamma(k) P(k + r, c / theta).
    const double k = shape_.gamma_shape;
    const double rising = r == 1 ? k : k * (k + 1);
    return std::pow(gamma_scale_, r) * rising * boost::math::gamma_p(k + r, c / gamma_scale_, Policy());
  }
  // Lognormal: E[X^r; X <= c] = exp(r mu + r^2 s^2 / 2) Phi((ln c - mu - r s^2) / s).
  const double s = sigma_, lc = std::log(c);
  const auto part = [&](double mu) {
    return std::exp(r * mu + 0.5 * r * r * s * s) * Phi((lc - mu - r * s * s) / s);
  };
  const double w = shape_.family == CostFamily::LognormalMixture ? shape_.high_weight : 0.0;
  return (1 - w) * part(mu_low_) + (w > 0 ? w * part(mu_high_) : 0.0);
}

double CostDistribution::positive_moment(int r) const {
  if (gamma_) {
    const double k = shape_.gamma_shape;
    return std::pow(gamma_scale_, r) * (r == 1 ? k : k * (k + 1));
  }
  const double s = sigma_;
  const auto part = [&](double mu) { return std::exp(r * mu + 0.5 * r * r * s * s); };
  const double w = shape_.family == CostFamily::LognormalMixture ? shape_.high_weight : 0.0;
  return (1 - w) * part(mu_low_) + (w > 0 ? w * part(mu_high_) : 0.0);
}

double CostDistribution::cdf(double x) const {
  if (std::isnan(x)) return x;
  if (x < 0) return 0.0;
  const double p0 = shape_.p_zero;
  return p0 + (1 - p0) * positive_cdf(x);
}

double CostDistribution::quantile(double p) const {
  if (!(p >= 0 && p <= 1))
    throw std::invalid_argument(fmt::format("cost model: quantile({}) is outside [0, 1]", p));
  const double p0 = shape_.p_zero;
  if (p <= p0) return 0.0;
  if (p == 1) return kInf;
  const double q = (p - p0) / (1 - p0);  // quantile of the positive part
  switch (shape_.family) {
    case CostFamily::Lognormal: return std::exp(mu_low_ + sigma_ * Phi_inv(q));
    case CostFamily::Gamma: return gamma_scale_ * boost::math::gamma_p_inv(shape_.gamma_shape, q, Policy());
    case CostFamily::LognormalMixture: break;
  }
  // Mixture: the low component's CDF is above the mixture's and the high one's below, so the
  // q-quantiles of the two components bracket the mixture's; bisect on ln x to full precision.
  const double w = shape_.high_weight, zq = Phi_inv(q);
  double lo = mu_low_ + sigma_ * zq, hi = mu_high_ + sigma_ * zq;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    const double f = (1 - w) * Phi((mid - mu_low_) / sigma_) + w * Phi((mid - mu_high_) / sigma_);
    (f < q ? lo : hi) = mid;
  }
  return std::exp(hi);
}

double CostDistribution::top_share(double share) const {
  if (!(share >= 0 && share <= 1))
    throw std::invalid_argument(fmt::format("cost model: top_share({}) is outside [0, 1]", share));
  if (share == 0) return 0.0;
  const double t = quantile(1 - share);
  if (t <= 0) return 1.0;  // the top `share` holds every beneficiary with spending
  // The zero mass contributes nothing; the top share holds 1 - E[X; X <= t] / E[X].
  return 1 - positive_partial_moment(1, t) / positive_moment(1);
}

CostShape national_shape() { return CostShape{}; }

CostShape commercial_shape() {
  // MEPS Statistical Brief #81 (Yu and Ezzati-Rice, AHRQ, May 2005): in 2002 the top 1% of the
  // non-elderly (under 65) accounted for 24% of their expenditures (the elderly: 12%). The top share
  // rises with sigma (scale-free, untruncated); bisect on it in log space. No CMS truncation.
  static const CostShape shape = [] {
    CostShape s = national_shape();
    s.truncation_percentile = 1.0;
    double lo = 0.5, hi = 3.0;
    for (int i = 0; i < 100; ++i) {
      const double mid = std::sqrt(lo * hi);
      s.sigma = mid;
      (CostDistribution(s, 1.0).top_share(0.01) < kCommercialTopOnePercentShare ? lo : hi) = mid;
    }
    s.sigma = std::sqrt(lo * hi);
    return s;
  }();
  return shape;
}

CostShape shape_with_cv(CostShape shape, double cv) {
  // The truncated CV rises with the spread parameter (sigma up, or the gamma shape down); bisect
  // on it in log space between the bounds the CostShape validation allows.
  const bool gamma = shape.family == CostFamily::Gamma;
  const auto cv_at = [&](double p) {
    CostShape s = shape;
    (gamma ? s.gamma_shape : s.sigma) = p;
    const CostDistribution d(s, 1.0);
    return d.sd() / d.mean();
  };
  double lo = gamma ? 100.0 : 0.02, hi = gamma ? 0.005 : 4.0;  // least and most spread
  const double cv_lo = cv_at(lo), cv_hi = cv_at(hi);
  if (!(cv > cv_lo && cv < cv_hi)) {
    throw std::invalid_argument(
        fmt::format("a CV of {:g} cannot be reached with this shape (p_zero {:g}, truncation "
                    "percentile {:g}); allowed: {:.3g} to {:.3g}",
                    cv, shape.p_zero, shape.truncation_percentile, cv_lo, cv_hi));
  }
  for (int i = 0; i < 100; ++i) {
    const double mid = std::sqrt(lo * hi);
    (cv_at(mid) < cv ? lo : hi) = mid;
  }
  (gamma ? shape.gamma_shape : shape.sigma) = std::sqrt(lo * hi);
  return shape;
}

double national_mean(EnrollmentType t) {
  // cost §2: median ACO per-capita spending by enrollment type, CMS PY2023 results [USD].
  switch (t) {
    case EnrollmentType::ESRD: return 88'800.0;
    case EnrollmentType::Disabled: return 11'400.0;
    case EnrollmentType::AgedDual: return 17'600.0;
    case EnrollmentType::AgedNonDual: return 11'300.0;
  }
  throw std::invalid_argument("national_mean: unknown enrollment type");
}

}  // namespace acosim
