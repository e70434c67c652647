#include "sim/engine/risk.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace acosim {

double exceedance_probability(std::span<const double> x, double threshold) {
  if (x.empty()) return 0;
  std::size_t k = 0;
  for (double v : x) k += -v > threshold;
  return static_cast<double>(k) / static_cast<double>(x.size());
}

double certainty_equivalent(std::span<const double> x, double a) {
  if (x.empty()) return 0;
  const double n = static_cast<double>(x.size());
  if (!(a > 0)) {
    double sum = 0;
    for (double v : x) sum += v;
    return sum / n;
  }
  // ln E[exp(-a X)] = m + ln mean(exp(y_i - m)), y_i = -a x_i, m = max y. With d_i = y_i - m <= 0,
  // mean(exp(d_i)) = 1 + mean(expm1(d_i)) and log1p keeps full precision when a|x| is tiny.
  double m = -a * x[0];
  for (double v : x) m = std::max(m, -a * v);
  double s = 0;
  for (double v : x) s += std::expm1(-a * v - m);
  return -(m + std::log1p(s / n)) / a;
}

TrackRisk assess_track(std::span<const double> x, const std::string& label, const RiskAppetite& a) {
  TrackRisk t;
  t.label = label;
  const double n = static_cast<double>(x.size());
  if (x.empty()) return t;
  double sum = 0;
  for (double v : x) sum += v;
  t.mean = sum / n;
  std::vector<double> losses(x.size());
  std::transform(x.begin(), x.end(), losses.begin(), [](double v) { return std::max(0.0, -v); });
  std::sort(losses.begin(), losses.end());
  t.var = percentile_sorted(losses, 100.0 * a.confidence);
  t.es = expected_shortfall_sorted(losses, a.confidence);
  t.ce = certainty_equivalent(x, a.risk_aversion.value_or(0.0));
  const double allowed = 1.0 - a.confidence;
  if (a.max_loss) {
    t.p_exceed = exceedance_probability(x, *a.max_loss);
    t.p_exceed_se = std::sqrt(t.p_exceed * (1 - t.p_exceed) / n);
    t.fits_loss = t.p_exceed <= allowed + 1e-12;
    // Within 2 standard errors of the limit (the SE at the limit itself when p is 0 or 1).
    const double se = std::max(t.p_exceed_se, std::sqrt(allowed * (1 - allowed) / n));
    if (std::abs(t.p_exceed - allowed) < 2 * se && t.p_exceed > 0) t.borderline = true;
  }
  if (a.max_es) {
    t.fits_es = t.es <= *a.max_es;
    // ES is a mean of k = (1 - c) n tail values; its SE is about sd(tail) / sqrt(k).
    const auto k = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(allowed * n - 1e-9)));
    double ss = 0;
    for (std::size_t i = losses.size() - k; i < losses.size(); ++i)
      ss += (losses[i] - t.es) * (losses[i] - t.es);
    const double es_se = k > 1 ? std::sqrt(ss / static_cast<double>(k - 1) / static_cast<double>(k)) : 0.0;
    if (std::abs(t.es - *a.max_es) < 2 * es_se && t.es > 0) t.borderline = true;
  }
  return t;
}

RiskVerdict assess_risk(const RunTable& table, const RiskAppetite& a) {
  std::vector<long> rows;
  for (long i = 0; i < table.runs(); ++i) {
    if (table.done(i)) rows.push_back(i);
  }
  std::vector<TrackRisk> tracks;
  std::vector<double> x(rows.size());
  for (std::size_t k = 0; k < table.tracks.size(); ++k) {
    for (std::size_t j = 0; j < rows.size(); ++j) x[j] = table.payment(rows[j], static_cast<long>(k));
    tracks.push_back(assess_track(x, table.tracks[k], a));
  }
  return rank_tracks(std::move(tracks), a);
}

namespace {

// How far a track is past the limits: the largest ratio of its figure to the limit's.
double excess(const TrackRisk& x, const RiskAppetite& a) {
  double e = 0;
  if (a.max_loss) e = std::max(e, x.p_exceed / std::max(1.0 - a.confidence, 1e-12));
  if (a.max_es) e = std::max(e, x.es / std::max(*a.max_es, 1.0));
  return e;
}

}  // namespace

RiskVerdict rank_tracks(std::vector<TrackRisk> tracks, const RiskAppetite& a) {
  RiskVerdict v;
  v.appetite = a;
  v.tracks = std::move(tracks);
  v.ranking.resize(v.tracks.size());
  std::iota(v.ranking.begin(), v.ranking.end(), 0);
  const auto& t = v.tracks;
  auto tr = [&](int i) -> const TrackRisk& { return t[static_cast<std::size_t>(i)]; };
  std::stable_sort(v.ranking.begin(), v.ranking.end(), [&](int i, int j) {
    if (tr(i).fits() != tr(j).fits()) return tr(i).fits();
    return tr(i).ce > tr(j).ce;
  });
  if (t.empty()) return v;

  v.n_fit = static_cast<int>(std::count_if(t.begin(), t.end(), [](const TrackRisk& x) { return x.fits(); }));
  if (v.n_fit > 0) {
    v.outcome = RiskOutcome::Fits;
    v.chosen = v.ranking.front();
    // The trade-off: tracks paying more on average that were not chosen.
    const TrackRisk& best = tr(v.chosen);
    for (int i : v.ranking) {
      if (tr(i).mean > best.mean + 1e-9 * std::abs(best.mean)) v.richer.push_back(i);
    }
    std::sort(v.richer.begin(), v.richer.end(), [&](int i, int j) { return tr(i).mean > tr(j).mean; });
    if (v.richer.size() > 3) v.richer.resize(3);
  } else {
    v.outcome = RiskOutcome::NoneFits;
    v.chosen = v.ranking.front();
    for (int i : v.ranking) {
      if (excess(tr(i), a) < excess(tr(v.chosen), a)) v.chosen = i;
    }
  }
  for (int i : v.ranking) {
    if (tr(i).borderline) v.borderline.push_back(i);
  }
  return v;
}

}  // namespace acosim
