#include "sim/input/agreement_reader.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/glide_path.hpp"
#include "sim/common/error.hpp"
#include "sim/input/agreement_cash_reader.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {

namespace {

std::string percent_label(double f) { return fmt::format("{:g}%", std::round(f * 1e6) / 1e4); }

std::string election_label(const MsrElection& e) { return e.variable ? "variable" : percent_label(e.rate); }

Uncertain read_uncertain(const Reader& rd, const YAML::Node& node, const std::string& key, double lo,
                         double hi, const std::string& allowed, bool percent_ok) {
  Uncertain u;
  if (node.IsScalar()) {
    u.mean = rd.number_in(node, key, lo, hi, allowed, percent_ok);
    return u;
  }
  rd.check_keys(node, key, {"mean", "sd"});
  if (!node["mean"]) rd.fail(node, key + ".mean", "is required");
  u.mean = rd.number_in(node["mean"], key + ".mean", lo, hi, allowed, percent_ok);
  if (node["sd"])
    u.sd = rd.number_in(node["sd"], key + ".sd", 0, hi - lo, "a non-negative number", percent_ok);
  return u;
}

// A two-sided MSR/MLR election (spec §2.2; 42 CFR 425.605(b)(2)).
MsrElection read_election(const Reader& rd, const YAML::Node& m, const std::string& key) {
  if (m.IsScalar() && m.Scalar() == "variable") return MsrElection::table();
  const double r = rd.number(m, key, true);
  const std::array<double, 5> allowed = {0.0, 0.005, 0.01, 0.015, 0.02};
  if (std::none_of(allowed.begin(), allowed.end(), [&](double a) { return std::abs(a - r) < 1e-12; })) {
    rd.fail(m, key,
            fmt::format("'{}' is not an allowed election; allowed: variable, 0%, 0.5%, 1%, 1.5%, 2% "
                        "(42 CFR 425.605(b)(2))",
                        m.Scalar()));
  }
  return MsrElection::fixed(r);
}

// A per-year list (or one value for every year): entry y, the last repeated.
std::vector<double> read_per_year(const Reader& rd, const YAML::Node& node, const std::string& key, int years,
                                  double lo, double hi, const std::string& allowed, bool percent_ok) {
  std::vector<double> v;
  if (node.IsScalar()) {
    v.assign(static_cast<std::size_t>(years), rd.number_in(node, key, lo, hi, allowed, percent_ok));
    return v;
  }
  if (!node.IsSequence() || node.size() == 0) {
    rd.fail(node, key,
            fmt::format("must be a number or a list of 1 to {} numbers (one per performance year; "
                        "the last is repeated)",
                        years));
  }
  if (node.size() > static_cast<std::size_t>(years)) {
    rd.fail(node, key,
            fmt::format("lists {} years but the agreement has {} performance years", node.size(), years));
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    v.push_back(rd.number_in(node[i], fmt::format("{}[{}]", key, i), lo, hi, allowed, percent_ok));
  }
  while (v.size() < static_cast<std::size_t>(years)) v.push_back(v.back());
  return v;
}

int glide_level(const std::string& s) {
  std::string t;
  for (char c : s) t += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (t.rfind("BASIC_", 0) == 0) t = t.substr(6);
  if (t.size() == 1 && t[0] >= 'A' && t[0] <= 'E') return t[0] - 'A';
  return -1;
}

const Track& basic_level(int level) {
  const Track* t = find_track(std::string("BASIC_") + static_cast<char>('A' + level));
  if (!t) throw std::logic_error("BASIC levels missing from the track catalog");
  return *t;
}

// A track by catalog id (with msr for two-sided) or by the label of a scenario track.
TrackChoice read_path_track(const Reader& rd, const Scenario& s, const YAML::Node& node,
                            const YAML::Node& msr, const std::string& key, const std::string& msr_key) {
  const std::string id = rd.string(node, key);
  for (const TrackChoice& c : s.tracks) {
    if (c.label == id) {
      if (msr)
        rd.fail(msr, msr_key,
                fmt::format("'{}' names a scenario track, whose election comes with it; remove msr", id));
      return c;
    }
  }
  const Track* t = find_track(id);
  if (!t) {
    std::vector<std::string> labels;
    for (const TrackChoice& c : s.tracks) labels.push_back("'" + c.label + "'");
    rd.fail(node, key,
            fmt::format("unknown track '{}'; allowed: {}, or the label of a scenario track ({})", id,
                        known_track_ids(), join(labels)));
  }
  TrackChoice c;
  c.track = *t;
  if (t->two_sided) {
    if (!msr)
      rd.fail(node, msr_key,
              fmt::format("{} is two-sided: choose its MSR/MLR election (variable, 0%, 0.5%, 1%, 1.5% or 2%)",
                          t->id));
    c.election = read_election(rd, msr, msr_key);
    c.label = t->id + " msr=" + election_label(c.election);
  } else {
    if (msr)
      rd.fail(msr, msr_key,
              fmt::format("{} is one-sided: its MSR comes from the table (42 CFR 425.605(b)(1)); remove msr",
                          t->id));
    c.label = t->id;
  }
  return c;
}

// years, start_year, renewal.years and the scalar settings of the section.
void read_settings(const Reader& rd, const YAML::Node& a, const Scenario& s, AgreementSpec& sp) {
  if (a["years"])
    sp.years = static_cast<int>(rd.integer_in(a["years"], "agreement.years", 1, kMaxAgreementYears));
  sp.start_year = s.performance_year;
  if (a["start_year"])
    sp.start_year =
        static_cast<int>(rd.integer_in(a["start_year"], "agreement.start_year", kFirstRuleYear, 2040));

  // Renewal (a rebased second agreement).
  const YAML::Node ren = a["renewal"];
  if (ren) {
    rd.check_keys(ren, "agreement.renewal", {"years", "acpt", "prior_savings_share", "prior_savings_cap"});
    if (!ren["years"]) rd.fail(ren, "agreement.renewal.years", "is required (1 to 6 performance years)");
    sp.renewal_years =
        static_cast<int>(rd.integer_in(ren["years"], "agreement.renewal.years", 1, kMaxAgreementYears));
    if (sp.years < kMinRenewalBaseYears) {
      rd.fail(ren, "agreement.renewal",
              fmt::format("a rebased renewal takes its benchmark from the last {} performance years of "
                          "the first agreement (1/3 each, spec §4.1 step 4); agreement.years is {}",
                          kMinRenewalBaseYears, sp.years));
    }
  }

  if (a["turnover"])
    sp.turnover = rd.number_in(a["turnover"], "agreement.turnover", 0, 0.9, "a fraction in [0, 0.9]", true);
  if (a["discount_rate"])
    sp.discount_rate = rd.number_in(a["discount_rate"], "agreement.discount_rate", 0, 0.5,
                                    "an annual rate in [0, 50%]", true);
  if (a["growth"])
    sp.growth = read_uncertain(rd, a["growth"], "agreement.growth", 0.5, 2.0,
                               "a ratio in [0.5, 2], e.g. 1.04", false);
  if (a["acpt_weight"])
    sp.acpt_weight =
        rd.number_in(a["acpt_weight"], "agreement.acpt_weight", 0, 1, "a fraction in [0, 1]", true);
  if (a["spending_gap"])
    sp.spending_gap = read_uncertain(rd, a["spending_gap"], "agreement.spending_gap", -0.5, 0.5,
                                     "a fraction in [-0.5, 0.5]", true);
  if (a["risk_score_growth"])
    sp.risk_score_growth = read_uncertain(rd, a["risk_score_growth"], "agreement.risk_score_growth", -0.5,
                                          0.5, "a fraction in [-0.5, 0.5]", true);
  if (a["risk_score_cap"])
    sp.risk_score_cap =
        rd.number_in(a["risk_score_cap"], "agreement.risk_score_cap", 0, 1, "a fraction in [0, 1]", true);
  if (a["quality_persistence"])
    sp.quality_persistence = rd.number_in(a["quality_persistence"], "agreement.quality_persistence", 0, 0.999,
                                          "a correlation in [0, 1)");
  if (a["future_rules"]) {
    const std::string f = rd.string(a["future_rules"], "agreement.future_rules");
    if (f == "carry_forward")
      sp.future_rules = FutureRules::CarryForward;
    else if (f == "refuse")
      sp.future_rules = FutureRules::Refuse;
    else
      rd.fail(a["future_rules"], "agreement.future_rules",
              fmt::format("'{}' is not allowed; allowed: carry_forward, refuse", f));
  }
}

// The ACPT of each agreement and the renewal's prior savings adjustment.
void read_acpt(const Reader& rd, const YAML::Node& a, AgreementSpec& sp) {
  const YAML::Node ren = a["renewal"];
  // ACPT: only for agreements starting 2024+ (CY2023 PFS), and then required from PY2 on.
  const bool acpt_rule = sp.start_year >= 2024;
  if (a["acpt"]) {
    if (!acpt_rule)
      rd.fail(a["acpt"], "agreement.acpt",
              fmt::format("the ACPT applies to agreements starting in 2024 or later (spec §4.2 step 2); this "
                          "one starts in {}: remove acpt",
                          sp.start_year));
    sp.acpt = rd.number_in(a["acpt"], "agreement.acpt", -0.2, 0.5,
                           "an annual growth rate in [-20%, 50%], e.g. 4.9%", true);
  } else if (acpt_rule && sp.years > 1) {
    rd.fail(a, "agreement.acpt",
            fmt::format(
                "is required for an agreement starting in {} with {} years: 1/3 of each update from PY2 on "
                "is the ACPT fixed at the start (spec §4.2 step 2; 2024: 4.9%)",
                sp.start_year, sp.years));
  }
  if (sp.renewal_years > 0) {
    const int start2 = sp.start_year + sp.years;
    if (ren["acpt"]) {
      if (start2 < 2024)
        rd.fail(ren["acpt"], "agreement.renewal.acpt",
                fmt::format("the renewal starts in {}, before the ACPT (2024+); remove it", start2));
      sp.renewal_acpt = rd.number_in(ren["acpt"], "agreement.renewal.acpt", -0.2, 0.5,
                                     "an annual growth rate in [-20%, 50%]", true);
    } else if (start2 >= 2024) {
      if (!sp.acpt)
        rd.fail(
            ren, "agreement.renewal.acpt",
            fmt::format(
                "is required: the renewal starts in {} and 1/3 of its updates is the ACPT (spec §4.2 step 2)",
                start2));
      sp.renewal_acpt = sp.acpt;
    }
    // Prior savings adjustment for renewals starting 2024+ (spec §4.1 step 6): 50% of average savings, cap
    // 5%.
    sp.prior_savings_share = start2 >= 2024 ? 0.5 : 0.0;
    if (ren["prior_savings_share"])
      sp.prior_savings_share =
          rd.number_in(ren["prior_savings_share"], "agreement.renewal.prior_savings_share", 0, 1,
                       "a fraction in [0, 1]", true);
    if (ren["prior_savings_cap"])
      sp.prior_savings_cap = rd.number_in(ren["prior_savings_cap"], "agreement.renewal.prior_savings_cap", 0,
                                          1, "a fraction in [0, 1]", true);
  }
  const bool any_growth_use = (sp.acpt && sp.years > 1) || (sp.renewal_acpt && sp.renewal_years > 0);
  if (any_growth_use && !a["growth"]) {
    rd.fail(a, "agreement.growth",
            "is required with an ACPT: the update blends the realized national-regional growth "
            "(uncertain) with the ACPT (fixed), e.g. growth: {mean: 1.04, sd: 0.01}");
  }
}

// Each path year's performance year and the rule year it is settled under.
void set_rule_years(const Reader& rd, const YAML::Node& a, AgreementSpec& sp) {
  const int total = sp.total_years();
  for (int y = 0; y < total; ++y) {
    const int py = sp.start_year + y;
    int rules = py;
    if (py > kLastRuleYear) {
      if (sp.future_rules == FutureRules::Refuse) {
        rd.fail(a["years"] ? a["years"] : a, "agreement.years",
                fmt::format("PY{} is after PY{}, the last performance year with rules (models/track.hpp); "
                            "shorten the agreement "
                            "or set future_rules: carry_forward to settle it under PY{} rules",
                            py, kLastRuleYear, kLastRuleYear));
      }
      rules = kLastRuleYear;
    }
    sp.performance_year.push_back(py);
    sp.rules_year.push_back(rules);
  }
}

// The true effect and the quality standard by year.
void read_yearly(const Reader& rd, const YAML::Node& a, const Scenario& s, AgreementSpec& sp) {
  const int total = sp.total_years();
  // True effect by year: the run's deviation (true_effect.sd x its normal) is kept every year.
  sp.true_effect_mean.assign(static_cast<std::size_t>(total), s.true_effect.mean);
  if (a["true_effect_ramp"]) {
    sp.true_effect_mean = read_per_year(rd, a["true_effect_ramp"], "agreement.true_effect_ramp", total, -0.9,
                                        0.9, "a fraction in [-0.9, 0.9], e.g. -0.02 or -2%", true);
  }

  // Quality thresholds by year.
  std::vector<double> user_thresholds;
  if (a["quality_threshold"]) {
    user_thresholds = read_per_year(rd, a["quality_threshold"], "agreement.quality_threshold", total, 0, 100,
                                    "a score in [0, 100]", false);
  }
  for (int y = 0; y < total; ++y) {
    const std::size_t k = static_cast<std::size_t>(y);
    const RuleYear& ry = rule_year(sp.rules_year[k]);
    // The user's list; else the scenario's own PY; else the rule year's published value; else the
    // latest value published before it (PY2025 -> PY2024's); else the scenario's.
    std::optional<double> thr;
    if (!user_thresholds.empty()) {
      thr = user_thresholds[k];
    } else if (sp.performance_year[k] == s.performance_year) {
      thr = s.qps_threshold;
    } else if (ry.qps_threshold) {
      thr = ry.qps_threshold;
    } else if (ry.quality_rule != QualityRule::Scaled) {
      std::string from = "the scenario's quality threshold";
      thr = s.qps_threshold;
      for (int py = sp.rules_year[k] - 1; py >= kFirstRuleYear; --py) {
        if (const RuleYear& earlier = rule_year(py);
            earlier.qps_threshold && earlier.quality_rule != QualityRule::Scaled) {
          thr = earlier.qps_threshold;
          from = fmt::format("PY{}'s value", py);
          break;
        }
      }
      if (thr) {
        sp.threshold_notes.push_back(
            fmt::format("PY{} has no published quality standard value in the spec: used {} {:g} "
                        "(agreement.quality_threshold sets it)",
                        sp.performance_year[k], from, *thr));
      }
    }
    if (ry.quality_rule != QualityRule::Scaled && !thr) {
      rd.fail(a, "agreement.quality_threshold",
              fmt::format("PY{} has no published quality performance standard value in the spec; "
                          "give agreement.quality_threshold (one value or one per year)",
                          sp.performance_year[k]));
    }
    sp.qps_threshold.push_back(thr);
  }
}

// {fixed: TRACK, msr: ELECTION}: the same track every year of the first agreement.
void read_fixed_path(const Reader& rd, const YAML::Node& p, const std::string& key, const Scenario& s,
                     const AgreementSpec& sp, AgreementPath& path, std::string& label) {
  if (p["hold"]) rd.fail(p["hold"], key + ".hold", "applies only to glide paths");
  const TrackChoice c = read_path_track(rd, s, p["fixed"], p["msr"], key + ".fixed", key + ".msr");
  if (flat_two_percent_msr(c.track, sp.start_year, sp.start_year) &&
      (c.election.variable || std::abs(c.election.rate - kTrack2FlatMsr) > 1e-12)) {
    rd.fail(p["msr"] ? p["msr"] : p, key + ".msr",
            fmt::format("TRACK_2 agreements starting {} had a flat 2% MSR/MLR "
                        "(2012-2015 starts, settlement-rules.md §1.2); allowed: 2%",
                        sp.start_year));
  }
  path.by_year.assign(static_cast<std::size_t>(sp.years), c);
  label = c.label;
  path.description = fmt::format("{} every year", c.label);
}

// {glide: LEVEL, msr: ELECTION, hold: LEVEL}: the BASIC glide path.
void read_glide_path(const Reader& rd, const YAML::Node& p, const std::string& key, const AgreementSpec& sp,
                     AgreementPath& path, std::string& label) {
  // BASIC glide path (spec §1.1): enter at A-E, advance one level each PY up to E; from PY2023 an
  // ACO at A or B may stay there for the rest of its first agreement (hold). The two-sided
  // election is made at the first two-sided year and locked for the agreement (spec §2.2).
  const int entry = glide_level(rd.string(p["glide"], key + ".glide"));
  if (entry < 0)
    rd.fail(p["glide"], key + ".glide",
            fmt::format("'{}' is not a BASIC level; allowed: A, B, C, D, E", p["glide"].Scalar()));
  int hold = -1;
  if (p["hold"]) {
    hold = glide_level(rd.string(p["hold"], key + ".hold"));
    if (hold != 0 && hold != 1)
      rd.fail(p["hold"], key + ".hold",
              fmt::format("'{}' cannot be held; allowed: A, B (from PY2023, spec §1.1)", p["hold"].Scalar()));
    if (hold < entry) rd.fail(p["hold"], key + ".hold", "is below the entry level");
  }
  // 2024+ starts (bench §7, 42 CFR 425.600(a)(4)(i)(C)(3)): a Level A hold only; the 2027+ 5-year one-sided
  // limit.
  if (sp.start_year >= 2024) try {
      (void)glide_path_levels(sp.start_year, static_cast<char>('A' + entry),
                              hold >= 0 ? std::optional<char>(static_cast<char>('A' + hold)) : std::nullopt,
                              sp.years);
    } catch (const std::invalid_argument& e) {
      rd.fail(p["hold"] ? p["hold"] : p["glide"], key + (p["hold"] ? ".hold" : ".glide"), e.what());
    }
  std::optional<MsrElection> election;
  if (p["msr"]) election = read_election(rd, p["msr"], key + ".msr");
  int level = entry;
  std::string levels;
  bool two_sided = false;
  for (int y = 0; y < sp.years; ++y) {
    if (y > 0) {
      // Held once at the hold level, or at B when the pre-2023 rules pushed it past the hold level.
      const bool may_hold = hold >= 0 && sp.performance_year[static_cast<std::size_t>(y)] >= 2023 &&
                            level >= hold && level <= 1;
      if (!may_hold) level = std::min(level + 1, 4);
    }
    TrackChoice c;
    c.track = basic_level(level);
    if (c.track.two_sided) {
      two_sided = true;
      if (!election)
        rd.fail(
            p, key + ".msr",
            fmt::format("the path reaches BASIC {} in PY{}: choose the MSR/MLR election it makes then "
                        "(variable, 0%, 0.5%, 1%, 1.5% or 2%; locked for the agreement, spec §2.2)",
                        static_cast<char>('A' + level), sp.performance_year[static_cast<std::size_t>(y)]));
      c.election = *election;
      c.label = c.track.id + " msr=" + election_label(*election);
    } else {
      c.label = c.track.id;
    }
    levels += (levels.empty() ? "" : ", ") + std::string(1, static_cast<char>('A' + level));
    path.by_year.push_back(c);
  }
  label = fmt::format("glide {}", static_cast<char>('A' + entry));
  if (hold >= 0)
    label += fmt::format(" hold {}", static_cast<char>('A' + hold));
  else
    label += fmt::format("-{}", static_cast<char>('A' + level));
  if (two_sided) label += " msr=" + election_label(*election);
  path.description = fmt::format(
      "BASIC {}{}", levels,
      two_sided
          ? fmt::format("; MSR/MLR {} elected at the first two-sided year, locked", election_label(*election))
          : "");
}

// The rebased second agreement's track (default: the last year's, same election).
void read_path_renewal(const Reader& rd, const YAML::Node& p, const std::string& key, const Scenario& s,
                       const AgreementSpec& sp, AgreementPath& path, std::string& label) {
  if (p["renewal"]) {
    if (sp.renewal_years == 0)
      rd.fail(p["renewal"], key + ".renewal",
              "the agreement has no renewal (add agreement.renewal: {years: N})");
    const YAML::Node r = p["renewal"];
    TrackChoice c;
    if (r.IsScalar()) {
      c = read_path_track(rd, s, r, YAML::Node(), key + ".renewal", key + ".renewal.msr");
    } else {
      rd.check_keys(r, key + ".renewal", {"track", "msr"});
      if (!r["track"]) rd.fail(r, key + ".renewal.track", "is required");
      c = read_path_track(rd, s, r["track"], r["msr"], key + ".renewal.track", key + ".renewal.msr");
    }
    path.by_year.insert(path.by_year.end(), static_cast<std::size_t>(sp.renewal_years), c);
    label += " then " + c.label;
    path.description += fmt::format("; renewal (rebased): {}", c.label);
  } else if (sp.renewal_years > 0) {
    const TrackChoice last = path.by_year.back();
    path.by_year.insert(path.by_year.end(), static_cast<std::size_t>(sp.renewal_years), last);
    path.description += fmt::format("; renewal (rebased): {}", last.label);
  }
}

// Every year's track must have rules in that year, and revenue when its loss limit needs it.
void check_path_years(const Reader& rd, const YAML::Node& p, const std::string& key, const Scenario& s,
                      const AgreementSpec& sp, const AgreementPath& path) {
  for (int y = 0; y < sp.total_years(); ++y) {
    const TrackChoice& c = path.by_year[static_cast<std::size_t>(y)];
    const int py = sp.rules_year[static_cast<std::size_t>(y)];
    if (py < c.track.first_py || py > c.track.last_py) {
      rd.fail(p, key,
              fmt::format("{} was not reconciled in PY{} (only PY{}-PY{})", c.track.id, py, c.track.first_py,
                          c.track.last_py));
    }
    if (c.track.loss_limit_rule == LossLimitRule::RevenueCappedByBenchmark && !s.participant_revenue) {
      rd.fail(
          p, key,
          fmt::format("{}'s loss limit depends on ACO-participant revenue: set aco.participant_revenue [USD]",
                      c.track.id));
    }
  }
}

void read_paths(const Reader& rd, const YAML::Node& a, const Scenario& s, AgreementSpec& sp) {
  const YAML::Node paths = a["paths"];
  if (!paths || !paths.IsSequence() || paths.size() == 0) {
    rd.fail(paths ? paths : a, "agreement.paths",
            "must list at least one path: {fixed: TRACK, msr: ELECTION}, {glide: LEVEL, msr: ELECTION} "
            "or {glide: A, hold: A}");
  }
  std::set<std::string> labels;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const YAML::Node p = paths[i];
    const std::string key = fmt::format("agreement.paths[{}]", i);
    rd.check_keys(p, key, {"fixed", "glide", "hold", "msr", "label", "renewal"});
    AgreementPath path;
    std::string label;
    if (p["fixed"] && p["glide"]) rd.fail(p, key, "give either fixed or glide, not both");
    if (p["fixed"]) {
      read_fixed_path(rd, p, key, s, sp, path, label);
    } else if (p["glide"]) {
      read_glide_path(rd, p, key, sp, path, label);
    } else {
      rd.fail(p, key, "needs fixed: TRACK (with msr for two-sided tracks) or glide: LEVEL");
    }
    read_path_renewal(rd, p, key, s, sp, path, label);
    if (p["label"]) label = rd.string(p["label"], key + ".label");
    if (!labels.insert(label).second)
      rd.fail(p, key, fmt::format("path '{}' is listed twice; give one a label", label));
    path.label = label;

    check_path_years(rd, p, key, s, sp, path);
    sp.paths.push_back(std::move(path));
  }
}

}  // namespace

AgreementSpec read_agreement(const YAML::Node& a, const Scenario& s) {
  const Reader rd(s.path.empty() ? std::string("scenario") : s.path);
  rd.check_keys(a, "agreement",
                {"years", "start_year", "turnover", "discount_rate", "growth", "acpt", "acpt_weight",
                 "spending_gap", "risk_score_growth", "risk_score_cap", "true_effect_ramp",
                 "quality_persistence", "quality_threshold", "future_rules", "renewal", "paths", "cash"});
  AgreementSpec sp;
  read_settings(rd, a, s, sp);
  read_acpt(rd, a, sp);
  set_rule_years(rd, a, sp);
  read_yearly(rd, a, s, sp);
  read_paths(rd, a, s, sp);
  if (a["cash"]) sp.cash = read_agreement_cash(rd, a["cash"], s, sp);  // bench §9 (agreement_cash_reader)
  return sp;
}

}  // namespace acosim
