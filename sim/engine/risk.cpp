#include "sim/engine/risk.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/output/report.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {

namespace {

// "3.1%", "0.25%", "<0.01%".
std::string pct(double p) {
  const double v = 100.0 * p;
  if (v == 0) return "0%";
  if (v < 0.01) return "<0.01%";
  if (v < 1) return fmt::format("{:.2f}%", v);
  return fmt::format("{:.1f}%", v);
}

std::string level_pct(double confidence) {
  return fmt::format("{:g}%", std::round((1.0 - confidence) * 1e6) / 1e4);
}

std::string money(double x) { return format_money(x); }

// "a" or "an" before a spoken number: an 8%, an 11%, an 18%, a 3%.
std::string a_an(const std::string& number) {
  const bool an = number.rfind('8', 0) == 0 || number.rfind("11", 0) == 0 || number.rfind("18", 0) == 0;
  return an ? "an " + number : "a " + number;
}

}  // namespace

RiskAppetite parse_risk(const YAML::Node& node, const Reader& rd) {
  RiskAppetite a;
  if (!node.IsDefined() || node.IsNull()) return a;
  rd.check_keys(node, "risk", {"max_loss", "confidence", "max_es", "risk_aversion", "risk_tolerance"});
  if (node["max_loss"]) {
    a.max_loss = rd.number_in(node["max_loss"], "risk.max_loss", 0, 1e13,
                              "a dollar amount >= 0, e.g. 2e6 (owing more than this is the risk)");
  }
  if (node["confidence"]) {
    a.confidence = rd.number_in(node["confidence"], "risk.confidence", 0.5, 0.9999,
                                "a probability in [0.5, 0.9999], e.g. 0.95 or 95%", true);
  }
  if (node["max_es"]) {
    a.max_es = rd.number_in(node["max_es"], "risk.max_es", 0, 1e13, "a dollar amount >= 0");
  }
  if (node["risk_aversion"] && node["risk_tolerance"]) {
    rd.fail(node["risk_tolerance"], "risk.risk_tolerance",
            "give risk_aversion (a, per dollar) or risk_tolerance (1/a, in dollars), not both");
  }
  if (node["risk_aversion"]) {
    a.risk_aversion = rd.number_in(node["risk_aversion"], "risk.risk_aversion", 0, 1e-2,
                                   "a coefficient a >= 0 per dollar, e.g. 1e-6 (= risk tolerance $1M)");
  }
  if (node["risk_tolerance"]) {
    const double t = rd.number_in(node["risk_tolerance"], "risk.risk_tolerance", 100, 1e13,
                                  "a dollar amount of at least 100, e.g. 1e6 (= risk aversion 1e-6)");
    a.risk_aversion = 1.0 / t;
  }
  if (!a.any()) {
    rd.fail(node, "risk", "states no limit: give max_loss (with confidence), max_es, and/or "
                          "risk_aversion / risk_tolerance");
  }
  return a;
}

std::optional<RiskAppetite> risk_from_scenario_text(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}: scenario text is not valid YAML: {}", origin, e.msg));
  }
  if (!root.IsMap() || !root["risk"]) return std::nullopt;
  const Reader rd(origin);
  return parse_risk(root["risk"], rd);
}

void add_risk_flags(CLI::App& cmd, RiskFlags& f) {
  const std::string g = "Risk appetite (overrides the scenario's risk: section)";
  cmd.add_option("--max-loss", f.max_loss, "Tolerable loss [USD]: fits when P(owing more) <= 1 - confidence")
      ->check(CLI::NonNegativeNumber)->group(g);
  cmd.add_option("--confidence", f.confidence, "Confidence for --max-loss and the ES level (default 0.95)")
      ->check(CLI::Range(0.5, 0.9999))->group(g);
  cmd.add_option("--max-es", f.max_es, "Expected-shortfall limit [USD] at --confidence")
      ->check(CLI::NonNegativeNumber)->group(g);
  cmd.add_option("--risk-aversion", f.risk_aversion, "Exponential-utility coefficient a [1/USD], e.g. 1e-6")
      ->check(CLI::Range(0.0, 1e-2))->group(g);
  cmd.add_option("--risk-tolerance", f.risk_tolerance, "Risk tolerance 1/a [USD], e.g. 1e6")
      ->check(CLI::Range(100.0, 1e13))->group(g);
}

std::optional<RiskAppetite> merge_risk(const std::optional<RiskAppetite>& base, const RiskFlags& f) {
  if (!f.any()) return base;
  if (f.risk_aversion && f.risk_tolerance) {
    throw InputError("give --risk-aversion or --risk-tolerance, not both");
  }
  RiskAppetite a = base.value_or(RiskAppetite{});
  if (f.max_loss) a.max_loss = *f.max_loss;
  if (f.confidence) a.confidence = *f.confidence;
  if (f.max_es) a.max_es = *f.max_es;
  if (f.risk_aversion) a.risk_aversion = *f.risk_aversion;
  if (f.risk_tolerance) a.risk_aversion = 1.0 / *f.risk_tolerance;
  if (!a.any()) {
    throw InputError("--confidence alone states no limit: add --max-loss, --max-es or --risk-aversion");
  }
  return a;
}

double exceedance_probability(std::span<const double> x, double threshold) {
  if (x.empty()) return 0;
  std::size_t k = 0;
  for (double v : x) k += -v > threshold;
  return static_cast<double>(k) / static_cast<double>(x.size());
}

double expected_shortfall(std::span<const double> x, double level) {
  if (x.empty()) return 0;
  std::vector<double> losses(x.size());
  std::transform(x.begin(), x.end(), losses.begin(), [](double v) { return std::max(0.0, -v); });
  const std::size_t n = losses.size();
  const auto k = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::ceil((1.0 - level) * static_cast<double>(n) - 1e-9)));
  std::nth_element(losses.begin(), losses.begin() + static_cast<std::ptrdiff_t>(n - k), losses.end());
  std::sort(losses.begin() + static_cast<std::ptrdiff_t>(n - k), losses.end());
  double sum = 0;
  for (std::size_t i = n - k; i < n; ++i) sum += losses[i];  // ascending, as statistics.cpp sums
  return sum / static_cast<double>(k);
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
  t.es = expected_shortfall(x, a.confidence);
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
    for (std::size_t i = losses.size() - k; i < losses.size(); ++i) ss += (losses[i] - t.es) * (losses[i] - t.es);
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

std::string describe_appetite(const RiskAppetite& a) {
  std::vector<std::string> parts;
  if (a.max_loss) {
    parts.push_back(fmt::format("no more than {} chance of owing more than {}", a_an(level_pct(a.confidence)),
                                money(*a.max_loss)));
  }
  if (a.max_es) {
    parts.push_back(fmt::format("expected shortfall (mean loss in the worst {} of outcomes) of at most {}",
                                level_pct(a.confidence), money(*a.max_es)));
  }
  if (a.risk_aversion) {
    parts.push_back(*a.risk_aversion > 0
                        ? fmt::format("risk aversion a = {:.3g} per dollar (risk tolerance {})", *a.risk_aversion,
                                      money(1.0 / *a.risk_aversion))
                        : std::string("risk neutral (a = 0)"));
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == parts.size() ? "; and " : "; ") + parts[i];
  }
  return out;
}

RiskVerdict rank_tracks(std::vector<TrackRisk> tracks, const RiskAppetite& a) {
  RiskVerdict v;
  v.appetite = a;
  v.tracks = std::move(tracks);
  v.ranking.resize(v.tracks.size());
  std::iota(v.ranking.begin(), v.ranking.end(), 0);
  const auto& t = v.tracks;
  std::stable_sort(v.ranking.begin(), v.ranking.end(), [&](int i, int j) {
    const TrackRisk& x = t[static_cast<std::size_t>(i)];
    const TrackRisk& y = t[static_cast<std::size_t>(j)];
    if (x.fits() != y.fits()) return x.fits();
    return x.ce > y.ce;
  });
  if (t.empty()) return v;

  const bool use_ce = a.risk_aversion && *a.risk_aversion > 0;
  const std::string what = use_ce ? "certainty equivalent" : "expected payment";
  const std::string allowed = level_pct(a.confidence);
  auto tr = [&](int i) -> const TrackRisk& { return t[static_cast<std::size_t>(i)]; };
  auto why_not = [&](const TrackRisk& x) {
    std::vector<std::string> r;
    if (!x.fits_loss) {
      r.push_back(fmt::format("has {} chance of owing more than {}, above your {} limit", a_an(pct(x.p_exceed)),
                              money(*a.max_loss), allowed));
    }
    if (!x.fits_es) {
      r.push_back(fmt::format("its expected shortfall ({}) exceeds your {} limit", money(x.es), money(*a.max_es)));
    }
    return r.size() == 2 ? r[0] + ", and " + r[1] : r.empty() ? std::string() : r[0];
  };

  std::string s;
  const int n_fit = static_cast<int>(std::count_if(t.begin(), t.end(), [](const TrackRisk& x) { return x.fits(); }));
  const TrackRisk& best = tr(v.ranking.front());
  if (n_fit > 0) {
    s = fmt::format("{} has the highest {} ({})", best.label, what, money(use_ce ? best.ce : best.mean));
    if (a.max_loss || a.max_es) {
      s += n_fit == static_cast<int>(t.size()) ? " and every track fits your limits"
                                               : fmt::format(" of the {} track{} that fit your limits", n_fit,
                                                             n_fit == 1 ? "" : "s");
    }
    std::vector<std::string> risk;
    if (a.max_loss) {
      risk.push_back(fmt::format("{} chance of owing more than {}, within your {} limit", a_an(pct(best.p_exceed)),
                                 money(*a.max_loss), allowed));
    }
    if (a.max_es) {
      risk.push_back(fmt::format("an expected shortfall of {} in the worst {} of outcomes, within your {} limit",
                                 money(best.es), allowed, money(*a.max_es)));
    }
    if (!risk.empty()) s += "; it has " + risk[0] + (risk.size() > 1 ? " and " + risk[1] : "");
    if (use_ce && !(a.max_loss || a.max_es)) {
      s += fmt::format(" (mean {}, worst {} of outcomes lose {} on average)", money(best.mean), allowed, money(best.es));
    }
    s += ".";
    // The trade-off: tracks paying more on average that were not chosen, and why.
    std::vector<int> richer;
    for (int i : v.ranking) {
      if (tr(i).mean > best.mean + 1e-9 * std::abs(best.mean)) richer.push_back(i);
    }
    std::sort(richer.begin(), richer.end(), [&](int i, int j) { return tr(i).mean > tr(j).mean; });
    if (richer.size() > 3) richer.resize(3);
    for (int i : richer) {
      const TrackRisk& x = tr(i);
      if (!x.fits()) {
        s += fmt::format(" {} pays more on average ({} vs {}) but {}.", x.label, money(x.mean), money(best.mean),
                         why_not(x));
      } else {
        s += fmt::format(" {} pays more on average ({} vs {}) but its wider spread of outcomes lowers its "
                         "certainty equivalent to {} at your risk aversion.",
                         x.label, money(x.mean), money(best.mean), money(x.ce));
      }
    }
    if (richer.empty() && t.size() > 1 && use_ce) s += " It also has the highest expected payment.";
  } else {
    // Nothing fits: name the track closest to the limits.
    int closest = v.ranking.front();
    auto excess = [&](const TrackRisk& x) {
      double e = 0;
      if (a.max_loss) e = std::max(e, x.p_exceed / std::max(1.0 - a.confidence, 1e-12));
      if (a.max_es) e = std::max(e, x.es / std::max(*a.max_es, 1.0));
      return e;
    };
    for (int i : v.ranking) {
      if (excess(tr(i)) < excess(tr(closest))) closest = i;
    }
    const TrackRisk& c = tr(closest);
    s = fmt::format("No track fits your limits ({}). The closest is {}, which {}; its {} is {}. "
                    "A one-sided track (BASIC A or B) cannot owe losses; on two-sided tracks a higher "
                    "MSR/MLR election or a smaller loss limit lowers the tail.",
                    describe_appetite(a), c.label, why_not(c), what, money(use_ce ? c.ce : c.mean));
  }
  std::vector<std::string> close;
  for (int i : v.ranking) {
    if (tr(i).borderline) close.push_back(tr(i).label);
  }
  if (!close.empty()) {
    s += fmt::format(" Note: {} {} within Monte Carlo error of a limit; more runs would settle {}.",
                     join(close), close.size() == 1 ? "is" : "are", close.size() == 1 ? "it" : "them");
  }
  v.recommendation = s;
  return v;
}

}  // namespace acosim
