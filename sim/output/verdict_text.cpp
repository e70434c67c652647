#include "sim/output/verdict_text.hpp"

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "sim/common/format.hpp"
#include "sim/common/text.hpp"

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

std::string money(double x) { return money_compact(x); }

// "a" or "an" before a spoken number: an 8%, an 11%, an 18%, a 3%.
std::string a_an(const std::string& number) {
  const bool an = number.rfind('8', 0) == 0 || number.rfind("11", 0) == 0 || number.rfind("18", 0) == 0;
  return an ? "an " + number : "a " + number;
}

// Why a track does not fit: "has a 9.0% chance of owing more than $2.00M, above your 5% limit".
std::string why_not(const TrackRisk& x, const RiskAppetite& a) {
  std::vector<std::string> r;
  if (!x.fits_loss) {
    r.push_back(fmt::format("has {} chance of owing more than {}, above your {} limit", a_an(pct(x.p_exceed)),
                            money(*a.max_loss), level_pct(a.confidence)));
  }
  if (!x.fits_es) {
    r.push_back(
        fmt::format("its expected shortfall ({}) exceeds your {} limit", money(x.es), money(*a.max_es)));
  }
  return r.size() == 2 ? r[0] + ", and " + r[1] : r.empty() ? std::string() : r[0];
}

// RiskOutcome::Fits: the choice, its figures against the limits, and the trade-off.
std::string fits_text(const RiskVerdict& v) {
  const RiskAppetite& a = v.appetite;
  const auto& t = v.tracks;
  const bool use_ce = v.uses_ce();
  const std::string what = use_ce ? "certainty equivalent" : "expected payment";
  const std::string allowed = level_pct(a.confidence);
  const TrackRisk& best = t[static_cast<std::size_t>(v.chosen)];
  std::string s =
      fmt::format("{} has the highest {} ({})", best.label, what, money(use_ce ? best.ce : best.mean));
  if (a.max_loss || a.max_es) {
    s += v.n_fit == static_cast<int>(t.size())
             ? " and every track fits your limits"
             : fmt::format(" of the {} track{} that fit your limits", v.n_fit, v.n_fit == 1 ? "" : "s");
  }
  std::vector<std::string> risk;
  if (a.max_loss) {
    risk.push_back(fmt::format("{} chance of owing more than {}, within your {} limit",
                               a_an(pct(best.p_exceed)), money(*a.max_loss), allowed));
  }
  if (a.max_es) {
    risk.push_back(
        fmt::format("an expected shortfall of {} in the worst {} of outcomes, within your {} limit",
                    money(best.es), allowed, money(*a.max_es)));
  }
  if (!risk.empty()) s += "; it has " + risk[0] + (risk.size() > 1 ? " and " + risk[1] : "");
  if (use_ce && !(a.max_loss || a.max_es)) {
    s += fmt::format(" (mean {}, worst {} of outcomes lose {} on average)", money(best.mean), allowed,
                     money(best.es));
  }
  s += ".";
  for (int i : v.richer) {
    const TrackRisk& x = t[static_cast<std::size_t>(i)];
    if (!x.fits()) {
      s += fmt::format(" {} pays more on average ({} vs {}) but {}.", x.label, money(x.mean),
                       money(best.mean), why_not(x, a));
    } else {
      s += fmt::format(
          " {} pays more on average ({} vs {}) but its wider spread of outcomes lowers its "
          "certainty equivalent to {} at your risk aversion.",
          x.label, money(x.mean), money(best.mean), money(x.ce));
    }
  }
  if (v.richer.empty() && t.size() > 1 && use_ce) s += " It also has the highest expected payment.";
  return s;
}

}  // namespace

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
                        ? fmt::format("risk aversion a = {:.3g} per dollar (risk tolerance {})",
                                      *a.risk_aversion, money(1.0 / *a.risk_aversion))
                        : std::string("risk neutral (a = 0)"));
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == parts.size() ? "; and " : "; ") + parts[i];
  }
  return out;
}

std::string recommendation_text(const RiskVerdict& v) {
  if (v.outcome == RiskOutcome::NoTracks) return "";
  std::string s;
  if (v.outcome == RiskOutcome::Fits) {
    s = fits_text(v);
  } else {
    // Nothing fits: name the track closest to the limits.
    const TrackRisk& c = v.tracks[static_cast<std::size_t>(v.chosen)];
    const bool use_ce = v.uses_ce();
    s = fmt::format(
        "No track fits your limits ({}). The closest is {}, which {}; its {} is {}. "
        "A one-sided track (BASIC A or B) cannot owe losses; on two-sided tracks a higher "
        "MSR/MLR election or a smaller loss limit lowers the tail.",
        describe_appetite(v.appetite), c.label, why_not(c, v.appetite),
        use_ce ? "certainty equivalent" : "expected payment", money(use_ce ? c.ce : c.mean));
  }
  std::vector<std::string> close;
  for (int i : v.borderline) close.push_back(v.tracks[static_cast<std::size_t>(i)].label);
  if (!close.empty()) {
    s += fmt::format(" Note: {} {} within Monte Carlo error of a limit; more runs would settle {}.",
                     join(close), close.size() == 1 ? "is" : "are", close.size() == 1 ? "it" : "them");
  }
  return s;
}

}  // namespace acosim
