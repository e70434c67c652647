#include "sim/engine/agreement.hpp"

#include <H5Cpp.h>
#include <omp.h>
#include <unistd.h>

#include <optional>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/output/atomic_file.hpp"
#include "sim/common/error.hpp"
#include "sim/output/hdf5_io.hpp"
#include "sim/output/hdf5_layout.hpp"
#include "sim/engine/mpi.hpp"
#include "sim/engine/rng.hpp"
#include "sim/engine/sampler.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {

// =================================================================================================
// The agreement: section

namespace {

std::string percent_label(double f) { return fmt::format("{:g}%", std::round(f * 1e6) / 1e4); }

std::string election_label(const MsrElection& e) {
  return e.variable ? "variable" : percent_label(e.rate);
}

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
  if (node["sd"]) u.sd = rd.number_in(node["sd"], key + ".sd", 0, hi - lo, "a non-negative number", percent_ok);
  return u;
}

// A two-sided MSR/MLR election (spec §2.2; 42 CFR 425.605(b)(2)).
MsrElection read_election(const Reader& rd, const YAML::Node& m, const std::string& key) {
  if (m.IsScalar() && m.Scalar() == "variable") return MsrElection::table();
  const double r = rd.number(m, key, true);
  const std::array<double, 5> allowed = {0.0, 0.005, 0.01, 0.015, 0.02};
  if (std::none_of(allowed.begin(), allowed.end(), [&](double a) { return std::abs(a - r) < 1e-12; })) {
    rd.fail(m, key, fmt::format("'{}' is not an allowed election; allowed: variable, 0%, 0.5%, 1%, 1.5%, 2% "
                                "(42 CFR 425.605(b)(2))", m.Scalar()));
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
    rd.fail(node, key, fmt::format("must be a number or a list of 1 to {} numbers (one per performance year; "
                                   "the last is repeated)", years));
  }
  if (node.size() > static_cast<std::size_t>(years)) {
    rd.fail(node, key, fmt::format("lists {} years but the agreement has {} performance years", node.size(), years));
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
TrackChoice read_path_track(const Reader& rd, const Scenario& s, const YAML::Node& node, const YAML::Node& msr,
                            const std::string& key, const std::string& msr_key) {
  const std::string id = rd.string(node, key);
  for (const TrackChoice& c : s.tracks) {
    if (c.label == id) {
      if (msr) rd.fail(msr, msr_key, fmt::format("'{}' names a scenario track, whose election comes with it; remove msr", id));
      return c;
    }
  }
  const Track* t = find_track(id);
  if (!t) {
    std::vector<std::string> labels;
    for (const TrackChoice& c : s.tracks) labels.push_back("'" + c.label + "'");
    rd.fail(node, key, fmt::format("unknown track '{}'; allowed: {}, or the label of a scenario track ({})", id,
                                   known_track_ids(), join(labels)));
  }
  TrackChoice c;
  c.track = *t;
  if (t->two_sided) {
    if (!msr) rd.fail(node, msr_key, fmt::format("{} is two-sided: choose its MSR/MLR election (variable, 0%, 0.5%, 1%, 1.5% or 2%)", t->id));
    c.election = read_election(rd, msr, msr_key);
    c.label = t->id + " msr=" + election_label(c.election);
  } else {
    if (msr) rd.fail(msr, msr_key, fmt::format("{} is one-sided: its MSR comes from the table (42 CFR 425.605(b)(1)); remove msr", t->id));
    c.label = t->id;
  }
  return c;
}

}  // namespace

std::string AgreementSpec::rules_note() const {
  std::vector<int> carried;
  for (std::size_t y = 0; y < performance_year.size(); ++y) {
    if (rules_year[y] != performance_year[y]) carried.push_back(performance_year[y]);
  }
  std::vector<std::string> notes;
  if (!carried.empty()) {
    const std::string span = carried.size() == 1 ? fmt::format("PY{}", carried.front())
                                                 : fmt::format("PY{}-PY{}", carried.front(), carried.back());
    notes.push_back(fmt::format("{} settled under PY{} rules (no later rules in models/track.hpp; future_rules: carry_forward)",
                                span, kLastRuleYear));
  }
  notes.insert(notes.end(), threshold_notes.begin(), threshold_notes.end());
  std::string out;
  for (const auto& n : notes) out += (out.empty() ? "" : "; ") + n;
  return out;
}

AgreementSpec parse_agreement(const Scenario& s) {
  const Reader rd(s.path.empty() ? std::string("scenario") : s.path);
  const auto it = s.sections.find("agreement");
  if (it == s.sections.end()) {
    throw InputError(fmt::format("{}: the scenario has no 'agreement:' section; add one (docs/agreements.md), e.g. "
                                 "agreement: {{years: 5, paths: [{{fixed: BASIC_E, msr: 1%}}, {{glide: A, msr: 1%}}]}}",
                                 rd.origin()));
  }
  const YAML::Node a = it->second;
  rd.check_keys(a, "agreement", {"years", "start_year", "turnover", "discount_rate", "growth", "acpt", "acpt_weight",
                                 "spending_gap", "risk_score_growth", "risk_score_cap", "true_effect_ramp",
                                 "quality_persistence", "quality_threshold", "future_rules", "renewal", "paths"});
  AgreementSpec sp;
  if (a["years"]) sp.years = static_cast<int>(rd.integer_in(a["years"], "agreement.years", 1, kMaxAgreementYears));
  sp.start_year = s.performance_year;
  if (a["start_year"]) sp.start_year = static_cast<int>(rd.integer_in(a["start_year"], "agreement.start_year", kFirstRuleYear, 2040));

  // Renewal (a rebased second agreement).
  const YAML::Node ren = a["renewal"];
  if (ren) {
    rd.check_keys(ren, "agreement.renewal", {"years", "acpt", "prior_savings_share", "prior_savings_cap"});
    if (!ren["years"]) rd.fail(ren, "agreement.renewal.years", "is required (1 to 6 performance years)");
    sp.renewal_years = static_cast<int>(rd.integer_in(ren["years"], "agreement.renewal.years", 1, kMaxAgreementYears));
    if (sp.years < kMinRenewalBaseYears) {
      rd.fail(ren, "agreement.renewal", fmt::format("a rebased renewal takes its benchmark from the last {} performance years of "
                                                    "the first agreement (1/3 each, spec §4.1 step 4); agreement.years is {}",
                                                    kMinRenewalBaseYears, sp.years));
    }
  }
  const int total = sp.total_years();

  if (a["turnover"]) sp.turnover = rd.number_in(a["turnover"], "agreement.turnover", 0, 0.9, "a fraction in [0, 0.9]", true);
  if (a["discount_rate"]) sp.discount_rate = rd.number_in(a["discount_rate"], "agreement.discount_rate", 0, 0.5, "an annual rate in [0, 50%]", true);
  if (a["growth"]) sp.growth = read_uncertain(rd, a["growth"], "agreement.growth", 0.5, 2.0, "a ratio in [0.5, 2], e.g. 1.04", false);
  if (a["acpt_weight"]) sp.acpt_weight = rd.number_in(a["acpt_weight"], "agreement.acpt_weight", 0, 1, "a fraction in [0, 1]", true);
  if (a["spending_gap"]) sp.spending_gap = read_uncertain(rd, a["spending_gap"], "agreement.spending_gap", -0.5, 0.5, "a fraction in [-0.5, 0.5]", true);
  if (a["risk_score_growth"]) sp.risk_score_growth = read_uncertain(rd, a["risk_score_growth"], "agreement.risk_score_growth", -0.5, 0.5, "a fraction in [-0.5, 0.5]", true);
  if (a["risk_score_cap"]) sp.risk_score_cap = rd.number_in(a["risk_score_cap"], "agreement.risk_score_cap", 0, 1, "a fraction in [0, 1]", true);
  if (a["quality_persistence"]) sp.quality_persistence = rd.number_in(a["quality_persistence"], "agreement.quality_persistence", 0, 0.999, "a correlation in [0, 1)");
  if (a["future_rules"]) {
    const std::string f = rd.string(a["future_rules"], "agreement.future_rules");
    if (f == "carry_forward") sp.future_rules = FutureRules::CarryForward;
    else if (f == "refuse") sp.future_rules = FutureRules::Refuse;
    else rd.fail(a["future_rules"], "agreement.future_rules", fmt::format("'{}' is not allowed; allowed: carry_forward, refuse", f));
  }

  // ACPT: only for agreements starting 2024+ (CY2023 PFS), and then required from PY2 on.
  const bool acpt_rule = sp.start_year >= 2024;
  if (a["acpt"]) {
    if (!acpt_rule) rd.fail(a["acpt"], "agreement.acpt", fmt::format("the ACPT applies to agreements starting in 2024 or later (spec §4.2 step 2); this one starts in {}: remove acpt", sp.start_year));
    sp.acpt = rd.number_in(a["acpt"], "agreement.acpt", -0.2, 0.5, "an annual growth rate in [-20%, 50%], e.g. 4.9%", true);
  } else if (acpt_rule && sp.years > 1) {
    rd.fail(a, "agreement.acpt", fmt::format("is required for an agreement starting in {} with {} years: 1/3 of each update from PY2 on "
                                             "is the ACPT fixed at the start (spec §4.2 step 2; 2024: 4.9%)", sp.start_year, sp.years));
  }
  if (sp.renewal_years > 0) {
    const int start2 = sp.start_year + sp.years;
    if (ren["acpt"]) {
      if (start2 < 2024) rd.fail(ren["acpt"], "agreement.renewal.acpt", fmt::format("the renewal starts in {}, before the ACPT (2024+); remove it", start2));
      sp.renewal_acpt = rd.number_in(ren["acpt"], "agreement.renewal.acpt", -0.2, 0.5, "an annual growth rate in [-20%, 50%]", true);
    } else if (start2 >= 2024) {
      if (!sp.acpt) rd.fail(ren, "agreement.renewal.acpt", fmt::format("is required: the renewal starts in {} and 1/3 of its updates is the ACPT (spec §4.2 step 2)", start2));
      sp.renewal_acpt = sp.acpt;
    }
    // Prior savings adjustment for renewals starting 2024+ (spec §4.1 step 6): 50% of average savings, cap 5%.
    sp.prior_savings_share = start2 >= 2024 ? 0.5 : 0.0;
    if (ren["prior_savings_share"]) sp.prior_savings_share = rd.number_in(ren["prior_savings_share"], "agreement.renewal.prior_savings_share", 0, 1, "a fraction in [0, 1]", true);
    if (ren["prior_savings_cap"]) sp.prior_savings_cap = rd.number_in(ren["prior_savings_cap"], "agreement.renewal.prior_savings_cap", 0, 1, "a fraction in [0, 1]", true);
  }
  const bool any_growth_use = (sp.acpt && sp.years > 1) || (sp.renewal_acpt && sp.renewal_years > 0);
  if (any_growth_use && !a["growth"]) {
    rd.fail(a, "agreement.growth", "is required with an ACPT: the update blends the realized national-regional growth "
                                   "(uncertain) with the ACPT (fixed), e.g. growth: {mean: 1.04, sd: 0.01}");
  }

  // Years and their rules.
  for (int y = 0; y < total; ++y) {
    const int py = sp.start_year + y;
    int rules = py;
    if (py > kLastRuleYear) {
      if (sp.future_rules == FutureRules::Refuse) {
        rd.fail(a["years"] ? a["years"] : a, "agreement.years",
                fmt::format("PY{} is after PY{}, the last performance year with rules (models/track.hpp); shorten the agreement "
                            "or set future_rules: carry_forward to settle it under PY{} rules", py, kLastRuleYear, kLastRuleYear));
      }
      rules = kLastRuleYear;
    }
    sp.performance_year.push_back(py);
    sp.rules_year.push_back(rules);
  }

  // True effect by year: the run's deviation (true_effect.sd x its normal) is kept every year.
  sp.true_effect_mean.assign(static_cast<std::size_t>(total), s.true_effect.mean);
  if (a["true_effect_ramp"]) {
    sp.true_effect_mean = read_per_year(rd, a["true_effect_ramp"], "agreement.true_effect_ramp", total, -0.9, 0.9,
                                        "a fraction in [-0.9, 0.9], e.g. -0.02 or -2%", true);
  }

  // Quality thresholds by year.
  std::vector<double> user_thresholds;
  if (a["quality_threshold"]) {
    user_thresholds = read_per_year(rd, a["quality_threshold"], "agreement.quality_threshold", total, 0, 100, "a score in [0, 100]", false);
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
        if (const RuleYear& earlier = rule_year(py); earlier.qps_threshold && earlier.quality_rule != QualityRule::Scaled) {
          thr = earlier.qps_threshold;
          from = fmt::format("PY{}'s value", py);
          break;
        }
      }
      if (thr) {
        sp.threshold_notes.push_back(fmt::format("PY{} has no published quality standard value in the spec: used {} {:g} "
                                                 "(agreement.quality_threshold sets it)", sp.performance_year[k], from, *thr));
      }
    }
    if (ry.quality_rule != QualityRule::Scaled && !thr) {
      rd.fail(a, "agreement.quality_threshold", fmt::format("PY{} has no published quality performance standard value in the spec; "
                                                            "give agreement.quality_threshold (one value or one per year)", sp.performance_year[k]));
    }
    sp.qps_threshold.push_back(thr);
  }

  // Paths.
  const YAML::Node paths = a["paths"];
  if (!paths || !paths.IsSequence() || paths.size() == 0) {
    rd.fail(paths ? paths : a, "agreement.paths", "must list at least one path: {fixed: TRACK, msr: ELECTION}, {glide: LEVEL, msr: ELECTION} "
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
      if (p["hold"]) rd.fail(p["hold"], key + ".hold", "applies only to glide paths");
      const TrackChoice c = read_path_track(rd, s, p["fixed"], p["msr"], key + ".fixed", key + ".msr");
      if (flat_two_percent_msr(c.track, sp.start_year, sp.start_year) &&
          (c.election.variable || std::abs(c.election.rate - kTrack2FlatMsr) > 1e-12)) {
        rd.fail(p["msr"] ? p["msr"] : p, key + ".msr", fmt::format("TRACK_2 agreements starting {} had a flat 2% MSR/MLR "
                                                                   "(2012-2015 starts, settlement-rules.md §1.2); allowed: 2%", sp.start_year));
      }
      path.by_year.assign(static_cast<std::size_t>(sp.years), c);
      label = c.label;
      path.description = fmt::format("{} every year", c.label);
    } else if (p["glide"]) {
      // BASIC glide path (spec §1.1): enter at A-E, advance one level each PY up to E; from PY2023 an
      // ACO at A or B may stay there for the rest of its first agreement (hold). The two-sided
      // election is made at the first two-sided year and locked for the agreement (spec §2.2).
      const int entry = glide_level(rd.string(p["glide"], key + ".glide"));
      if (entry < 0) rd.fail(p["glide"], key + ".glide", fmt::format("'{}' is not a BASIC level; allowed: A, B, C, D, E", p["glide"].Scalar()));
      int hold = -1;
      if (p["hold"]) {
        hold = glide_level(rd.string(p["hold"], key + ".hold"));
        if (hold != 0 && hold != 1) rd.fail(p["hold"], key + ".hold", fmt::format("'{}' cannot be held; allowed: A, B (from PY2023, spec §1.1)", p["hold"].Scalar()));
        if (hold < entry) rd.fail(p["hold"], key + ".hold", "is below the entry level");
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
          if (!election) rd.fail(p, key + ".msr", fmt::format("the path reaches BASIC {} in PY{}: choose the MSR/MLR election it makes then "
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
      if (hold >= 0) label += fmt::format(" hold {}", static_cast<char>('A' + hold));
      else label += fmt::format("-{}", static_cast<char>('A' + level));
      if (two_sided) label += " msr=" + election_label(*election);
      path.description = fmt::format("BASIC {}{}", levels,
                                     two_sided ? fmt::format("; MSR/MLR {} elected at the first two-sided year, locked", election_label(*election)) : "");
    } else {
      rd.fail(p, key, "needs fixed: TRACK (with msr for two-sided tracks) or glide: LEVEL");
    }

    // Renewal: a track for the rebased second agreement (default: the last year's, same election).
    if (p["renewal"]) {
      if (sp.renewal_years == 0) rd.fail(p["renewal"], key + ".renewal", "the agreement has no renewal (add agreement.renewal: {years: N})");
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

    if (p["label"]) label = rd.string(p["label"], key + ".label");
    if (!labels.insert(label).second) rd.fail(p, key, fmt::format("path '{}' is listed twice; give one a label", label));
    path.label = label;

    // Every year's track must have rules in that year, and revenue when its loss limit needs it.
    for (int y = 0; y < total; ++y) {
      const TrackChoice& c = path.by_year[static_cast<std::size_t>(y)];
      const int py = sp.rules_year[static_cast<std::size_t>(y)];
      if (py < c.track.first_py || py > c.track.last_py) {
        rd.fail(p, key, fmt::format("{} was not reconciled in PY{} (only PY{}-PY{})", c.track.id, py, c.track.first_py, c.track.last_py));
      }
      if (c.track.loss_limit_rule == LossLimitRule::RevenueCappedByBenchmark && !s.participant_revenue) {
        rd.fail(p, key, fmt::format("{}'s loss limit depends on ACO-participant revenue: set aco.participant_revenue [USD]", c.track.id));
      }
    }
    sp.paths.push_back(std::move(path));
  }
  return sp;
}

AgreementModel::AgreementModel(const Scenario& scenario) : base_(scenario), spec_(parse_agreement(scenario)) {}

std::string agreement_column(const std::string& label, int k) {
  if (k == 0) return label + " total";
  if (k == 1) return label + " PV";
  if (k == 2) return label + " worst year";
  return fmt::format("{} year {}", label, k - kPathSummaryColumns + 1);
}

// =================================================================================================
// Sampling

namespace {

// Calls f with the enrollment type's cost sampler: the parametric CostDistribution, or the observed
// costs when the scenario resamples them (when the engine has that mode). Both have cost(zs, zz).
template <class Model, class F>
void with_cost(const Model& model, int e, F&& f) {
  if constexpr (requires { model.empirical(e); }) {
    if (const auto* observed = model.empirical(e)) {
      f(*observed);
      return;
    }
  }
  f(model.cost(e));
}


// Year y >= 1: each slot's beneficiary leaves with probability `turnover` and is replaced by a new
// one with fresh latents; a stayer's latents continue the AR(1).
template <class Cost>
double later_year(const Cost& cost, std::uint64_t seed, std::uint64_t run, int y, int e, long n, double rho,
                  double turnover, double* zs, double* zz, long& replaced, double* costs, std::uint8_t* flags) {
  const std::uint32_t sub = static_cast<std::uint32_t>(4 * y + e);
  const PhiloxStream leave(seed, run, Purpose::Turnover, sub);
  const PhiloxStream fresh(seed, run, Purpose::NewBeneficiary, sub);
  const PhiloxStream innov(seed, run, Purpose::PanelYear, sub);
  const double innovation = std::sqrt(1.0 - rho * rho);
  std::array<std::uint32_t, 4> words{};
  std::array<double, 4> iz{};
  double sum = 0;
  for (long i = 0; i < n; ++i) {
    if (turnover > 0 && i % 4 == 0) words = leave.words(static_cast<std::uint32_t>(i / 4));
    if (i % 2 == 0) iz = normals4(innov, static_cast<std::uint32_t>(i / 2));
    const std::size_t o = static_cast<std::size_t>(i % 2) * 2;
    const bool leaves = turnover > 0 && to_uniform(words[static_cast<std::size_t>(i % 4)]) < turnover;
    if (leaves) {
      const auto f = normals4(fresh, static_cast<std::uint32_t>(i / 2));
      zs[i] = f[o];
      zz[i] = f[o + 1];
      ++replaced;
    } else {
      zs[i] = ar1_step(zs[i], rho, innovation, iz[o]);
      zz[i] = ar1_step(zz[i], rho, innovation, iz[o + 1]);
    }
    const double c = cost.cost(zs[i], zz[i]);
    sum += c;
    if (costs) {
      costs[i] = c;
      flags[i] = leaves ? 1 : 0;
    }
  }
  return sum;
}

// One run of an agreement (sample_agreement below runs it through with_fma_isa).
AgreementSample sample_agreement_on(const AgreementModel& model, std::uint64_t seed, std::uint64_t run,
                                    PanelWorkspace& ws, PanelObserver* observer) {
  const Scenario& s = model.scenario();
  const AgreementSpec& sp = model.spec();
  const SimulationModel& base_model = model.base();
  AgreementSample r;
  r.years = sp.total_years();

  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto n = static_cast<std::size_t>(s.beneficiaries[static_cast<std::size_t>(e)]);
    ws.z_state[static_cast<std::size_t>(e)].resize(n);
    ws.z_size[static_cast<std::size_t>(e)].resize(n);
    if (observer && ws.costs.size() < n) {
      ws.costs.resize(n);
      ws.replaced.resize(n);
    }
  }

  // ---- Year 1: exactly sample_run (runner.cpp): run-level normals, alternative QPS, beneficiaries.
  const Eigen::Vector3d x = run_level_normals(base_model, seed, run);
  const double effect_deviation = s.true_effect.sd * x(0);
  const double u1 = std::max(0.01, s.update_factor.mean + s.update_factor.sd * x(1));
  double quality_latent = x(2);
  {
    AgreementYear& y0 = r.year[0];
    y0.true_effect = std::max(-0.9, sp.true_effect_mean[0] + s.true_effect.sd * x(0));
    y0.quality = std::clamp(s.quality.mean + s.quality.sd * x(2), 0.0, 100.0);
    y0.met_qps = !sp.qps_threshold[0] || y0.quality >= *sp.qps_threshold[0];
    y0.met_alt_qps = !y0.met_qps && alternative_qps_uniform(seed, run) < s.alt_qps_probability;
    y0.update_factor = u1;

    const double multiplier = 1.0 + y0.true_effect;
    double expenditure = 0, base = 0;
    for (int e = 0; e < kEnrollmentTypes; ++e) {
      const std::size_t k = static_cast<std::size_t>(e);
      const long n = s.beneficiaries[k];
      if (n == 0) continue;
      const PhiloxStream stream(seed, run, Purpose::Beneficiary, static_cast<std::uint32_t>(e));
      double* costs = observer ? ws.costs.data() : nullptr;
      // Year 1 draws exactly what sample_run draws; keep the PY latents for the later years.
      double* zs_out = ws.z_state[k].data();
      double* zz_out = ws.z_size[k].data();
      auto keep_py_latents = [&](long i, double zs, double zz, double c) {
        zs_out[i] = zs;
        zz_out[i] = zz;
        if (costs) costs[i] = c;
      };
      double type_expenditure = 0, type_base = 0;
      if (s.benchmark_mode == BenchmarkMode::Historical) {
        std::array<double, 4> sums{};
        with_cost(base_model, e, [&](const auto& cost) {
          sample_history_reference(cost, stream, n, s.persistence, sums, keep_py_latents);
        });
        type_expenditure = multiplier * sums[3];
        type_base = s.base_year_weights[0] * sums[0] + s.base_year_weights[1] * sums[1] + s.base_year_weights[2] * sums[2];
      } else {
        double sum = 0;
        with_cost(base_model, e, [&](const auto& cost) {
          sum = sample_py_only_reference(cost, stream, n, keep_py_latents);
        });
        type_expenditure = multiplier * sum;
        const double per_capita = s.benchmark_per_capita.value_or(s.expected_spending_per_capita());
        type_base = per_capita * static_cast<double>(n);
      }
      expenditure += type_expenditure;
      base += type_base;
      if (observer) {
        std::fill_n(ws.replaced.begin(), n, std::uint8_t{0});
        observer->observe(0, e, {ws.costs.data(), static_cast<std::size_t>(n)},
                          {ws.replaced.data(), static_cast<std::size_t>(n)});
      }
    }
    y0.expenditure = expenditure;
    y0.benchmark = base * u1;
    r.historical_base = base;
  }

  // ---- Years 2..n: turnover, AR(1) continuation, growth, risk-score drift, quality.
  const double quality_innovation = std::sqrt(1.0 - sp.quality_persistence * sp.quality_persistence);
  double realized = 1;     // cumulative realized blend growth since PY1
  double gap_level = 1;    // cumulative ACO-specific growth relative to the blend
  double risk = 1;         // cumulative risk-score ratio since the (current) agreement's reference
  double renewal_reference = 1;  // `realized` at the last PY of the first agreement
  double agreement_base = r.historical_base * u1;  // base x PY1 relative update
  for (int y = 1; y < r.years; ++y) {
    AgreementYear& yr = r.year[static_cast<std::size_t>(y)];
    const PhiloxStream year_stream(seed, run, Purpose::AgreementYear, static_cast<std::uint32_t>(y));
    const auto w = normals4(year_stream, 0);
    yr.growth = std::max(0.01, sp.growth.mean + sp.growth.sd * w[0]);
    const double gap = std::max(-0.99, sp.spending_gap.mean + sp.spending_gap.sd * w[1]);
    const double drift = std::max(-0.99, sp.risk_score_growth.mean + sp.risk_score_growth.sd * w[2]);
    quality_latent = sp.quality_persistence * quality_latent + quality_innovation * w[3];
    const double u_alt = to_uniform(year_stream.words(1)[0]);

    // The rebased renewal (spec §4.1 step 4, rebased weights 1/3 each): its historical benchmark is
    // the ACO's own spending in the last 3 PYs of the first agreement, trended to the last PY's
    // dollars with realized growth, plus the prior savings adjustment (spec §4.1 step 6).
    if (y == sp.years) {
      renewal_reference = realized;
      double rebased = 0, savings = 0;
      for (int j = sp.years - kMinRenewalBaseYears; j < sp.years; ++j) {
        const AgreementYear& py = r.year[static_cast<std::size_t>(j)];
        double c = 1;  // realized growth from year j to the last year
        for (int k = j + 1; k < sp.years; ++k) c *= r.year[static_cast<std::size_t>(k)].growth;
        rebased += py.expenditure * c / 3.0;
        savings += (py.benchmark - py.expenditure) * c / 3.0;
      }
      const double psa = std::min(sp.prior_savings_share * std::max(0.0, savings), sp.prior_savings_cap * rebased);
      r.prior_savings_adjustment = psa;
      r.rebased_base = rebased + psa;
      agreement_base = r.rebased_base;
      risk = 1;  // the +3% cap applies per agreement, from its own BY3
    }

    realized *= yr.growth;
    gap_level *= 1.0 + gap;
    risk *= 1.0 + drift;
    yr.spending_level = realized * gap_level;
    yr.true_effect = std::max(-0.9, sp.true_effect_mean[static_cast<std::size_t>(y)] + effect_deviation);
    yr.quality = std::clamp(s.quality.mean + s.quality.sd * quality_latent, 0.0, 100.0);
    const auto& thr = sp.qps_threshold[static_cast<std::size_t>(y)];
    yr.met_qps = !thr || yr.quality >= *thr;
    yr.met_alt_qps = !yr.met_qps && u_alt < s.alt_qps_probability;

    // Benchmark update (spec §4.2): trend x capped risk ratio. Agreements from 2024 blend the
    // realized growth with the ACPT fixed at the start: (1 - w) x realized + w x (1 + ACPT)^t.
    const bool renewal = sp.in_renewal(y);
    const double t = renewal ? static_cast<double>(y - sp.years + 1) : static_cast<double>(y);
    const double trend_realized = renewal ? realized / renewal_reference : realized;
    const std::optional<double>& acpt = renewal ? sp.renewal_acpt : sp.acpt;
    const double trend = acpt ? (1.0 - sp.acpt_weight) * trend_realized + sp.acpt_weight * std::pow(1.0 + *acpt, t)
                              : trend_realized;
    yr.risk_ratio = std::min(risk, 1.0 + sp.risk_score_cap);  // +3% cap on positive growth only
    yr.update_factor = (renewal ? 1.0 : u1) * trend * yr.risk_ratio;
    yr.benchmark = agreement_base * trend * yr.risk_ratio;

    const double multiplier = 1.0 + yr.true_effect;
    double expenditure = 0;
    for (int e = 0; e < kEnrollmentTypes; ++e) {
      const std::size_t k = static_cast<std::size_t>(e);
      const long n = s.beneficiaries[k];
      if (n == 0) continue;
      double sum = 0;
      with_cost(base_model, e, [&](const auto& cost) {
        sum = later_year(cost, seed, run, y, e, n, s.persistence, sp.turnover, ws.z_state[k].data(), ws.z_size[k].data(),
                         yr.replaced, observer ? ws.costs.data() : nullptr, observer ? ws.replaced.data() : nullptr);
      });
      expenditure += multiplier * sum;
      if (observer) {
        observer->observe(y, e, {ws.costs.data(), static_cast<std::size_t>(n)},
                          {ws.replaced.data(), static_cast<std::size_t>(n)});
      }
    }
    yr.expenditure = expenditure * yr.spending_level;
  }
  return r;
}

}  // namespace

AgreementSample sample_agreement(const AgreementModel& model, std::uint64_t seed, std::uint64_t run,
                                 PanelWorkspace& ws, PanelObserver* observer) {
  AgreementSample r;
  with_fma_isa([&] { r = sample_agreement_on(model, seed, run, ws, observer); });
  return r;
}

// =================================================================================================
// Settlement

SettlementInput agreement_settlement_input(const AgreementModel& model, const AgreementSample& r, int y,
                                           const TrackChoice& choice) {
  const Scenario& s = model.scenario();
  const AgreementSpec& sp = model.spec();
  const AgreementYear& yr = r.year[static_cast<std::size_t>(y)];
  SettlementInput in;
  in.performance_year = sp.rules_year[static_cast<std::size_t>(y)];
  in.assigned_beneficiaries = s.total_beneficiaries();
  in.benchmark = yr.benchmark;
  in.expenditure = yr.expenditure;
  in.msr_election = choice.election;
  in.quality_score = yr.quality;
  in.met_qps = yr.met_qps;
  in.met_alt_qps = yr.met_alt_qps;
  in.low_revenue = s.low_revenue;
  // Participant revenue grows with the ACO's spending level (it is FFS revenue).
  in.participant_revenue = s.participant_revenue;
  if (y > 0 && in.participant_revenue) *in.participant_revenue *= yr.spending_level;
  in.agreement_start_year = sp.agreement_start(y);
  // Track 2's loss limit depends on the year of participation in Track 2 (5% / 7.5% / 10%):
  // settle_path() counts the path's years in Track 2; here the single-year engine's 3rd+ year.
  in.track2_year = 3;
  in.euc_relief_fraction = s.euc_relief_fraction;
  return in;
}

PathResult settle_path(const AgreementModel& model, const AgreementSample& r, const AgreementPath& path) {
  const AgreementSpec& sp = model.spec();
  PathResult out;
  double discount = 1;
  double worst = 0;
  int track2 = 0;
  for (int y = 0; y < r.years; ++y) {
    const TrackChoice& c = path.by_year[static_cast<std::size_t>(y)];
    SettlementInput in = agreement_settlement_input(model, r, y, c);
    if (c.track.loss_limit_rule == LossLimitRule::ByTrack2Year) in.track2_year = std::min(3, ++track2);
    Settlement st;
    try {
      st = settle(c.track, in);
    } catch (const std::invalid_argument& e) {
      throw InputError(fmt::format("path {}, PY{}: {}", path.label, sp.performance_year[static_cast<std::size_t>(y)], e.what()));
    }
    const std::size_t k = static_cast<std::size_t>(y);
    out.payment[k] = st.payment;
    out.outcome[k] = st.outcome;
    out.total += st.payment;
    discount /= 1.0 + sp.discount_rate;
    out.present_value += st.payment * discount;
    if (y == 0 || st.payment < worst) {
      worst = st.payment;
      out.worst_year = y;
    }
    out.any_year_owed = out.any_year_owed || st.payment < 0;
  }
  return out;
}

// =================================================================================================
// The run loop

namespace {

OutcomeCode sign_outcome(double x) {
  return static_cast<OutcomeCode>(x > 0 ? Outcome::SharedSavings : x < 0 ? Outcome::SharedLosses : Outcome::BelowMsr);
}

}  // namespace

AgreementResults simulate_agreement(const AgreementModel& model, const RunOptions& options) {
  const Scenario& s = model.scenario();
  const AgreementSpec& sp = model.spec();
  const long runs = s.runs;
  const int years = sp.total_years();
  const int width = kPathSummaryColumns + years;
  const long n_paths = static_cast<long>(sp.paths.size());

  AgreementResults ar;
  ar.years = sp.years;
  ar.renewal_years = sp.renewal_years;
  ar.start_year = sp.start_year;
  ar.discount_rate = sp.discount_rate;
  ar.turnover = sp.turnover;
  ar.performance_year = sp.performance_year;
  ar.rules_year = sp.rules_year;
  ar.notes = sp.rules_note();
  for (const AgreementPath& p : sp.paths) {
    ar.path_labels.push_back(p.label);
    ar.path_descriptions.push_back(p.description);
  }

  RunTable& t = ar.results.table;
  t.resize(runs, n_paths * width);
  for (const AgreementPath& p : sp.paths) {
    for (int k = 0; k < width; ++k) t.tracks.push_back(agreement_column(p.label, k));
  }
  AgreementRuns& x = ar.runs;
  for (Eigen::MatrixXd* m : {&x.benchmark, &x.expenditure, &x.true_effect, &x.quality, &x.growth, &x.spending_level,
                             &x.update_factor, &x.risk_ratio}) {
    m->setZero(runs, years);
  }
  x.met_qps.setZero(runs, years);
  x.met_alt_qps.setZero(runs, years);
  x.replaced.setZero(runs, years);
  x.any_year_owed.setZero(runs, n_paths);

  int threads = options.threads > 0 ? options.threads : s.threads;
  if (threads <= 0) threads = omp_get_max_threads();
  const auto start = std::chrono::steady_clock::now();
  // One panel workspace per thread (sized by beneficiaries); row `run` is written only by that run.
  std::vector<PanelWorkspace> workspaces(static_cast<std::size_t>(threads));
  const long cells = n_paths * width;  // payment and outcome columns
  const int row_width = static_cast<int>(2 * cells + 8 + 11 * years + n_paths);
  std::vector<long> todo(static_cast<std::size_t>(runs));
  for (long run = 0; run < runs; ++run) todo[static_cast<std::size_t>(run)] = run;
  // Under MPI each rank does its share of the runs and all ranks then hold all rows (split_runs).
  const auto yearly = [&] {
    return std::array<Eigen::MatrixXd*, 8>{&x.benchmark, &x.expenditure, &x.true_effect, &x.quality,
                                           &x.growth, &x.spending_level, &x.update_factor, &x.risk_ratio};
  };
  split_runs(
      todo, threads, options, row_width,
      [&](long run) {
        PanelWorkspace& ws = workspaces[static_cast<std::size_t>(omp_get_thread_num())];
        const AgreementSample r = sample_agreement(model, s.seed, static_cast<std::uint64_t>(run), ws);
        double benchmark = 0, expenditure = 0;
        for (int y = 0; y < years; ++y) {
          const AgreementYear& yr = r.year[static_cast<std::size_t>(y)];
          x.benchmark(run, y) = yr.benchmark;
          x.expenditure(run, y) = yr.expenditure;
          x.true_effect(run, y) = yr.true_effect;
          x.quality(run, y) = yr.quality;
          x.growth(run, y) = yr.growth;
          x.spending_level(run, y) = yr.spending_level;
          x.update_factor(run, y) = yr.update_factor;
          x.risk_ratio(run, y) = yr.risk_ratio;
          x.met_qps(run, y) = yr.met_qps;
          x.met_alt_qps(run, y) = yr.met_alt_qps;
          x.replaced(run, y) = yr.replaced;
          benchmark += yr.benchmark;
          expenditure += yr.expenditure;
        }
        for (long p = 0; p < n_paths; ++p) {
          const PathResult pr = settle_path(model, r, sp.paths[static_cast<std::size_t>(p)]);
          const long c = p * width;
          t.payment(run, c) = pr.total;
          t.outcome(run, c) = sign_outcome(pr.total);
          t.payment(run, c + 1) = pr.present_value;
          t.outcome(run, c + 1) = sign_outcome(pr.present_value);
          const double worst = pr.payment[static_cast<std::size_t>(pr.worst_year)];
          t.payment(run, c + 2) = worst;
          // Worst year: "shared losses" exactly when money is owed (losses fully forgiven by PHE
          // relief count as below the MLR here).
          Outcome wo = pr.outcome[static_cast<std::size_t>(pr.worst_year)];
          if (worst >= 0 && wo == Outcome::SharedLosses) wo = Outcome::BelowMlr;
          t.outcome(run, c + 2) = static_cast<OutcomeCode>(wo);
          for (int y = 0; y < years; ++y) {
            t.payment(run, c + kPathSummaryColumns + y) = pr.payment[static_cast<std::size_t>(y)];
            t.outcome(run, c + kPathSummaryColumns + y) = static_cast<OutcomeCode>(pr.outcome[static_cast<std::size_t>(y)]);
          }
          x.any_year_owed(run, p) = pr.any_year_owed;
        }
        // Single-valued run columns: totals over the agreement, and PY1's sampled inputs.
        t.benchmark(run) = benchmark;
        t.expenditure(run) = expenditure;
        t.true_effect(run) = r.year[0].true_effect;
        t.benchmark_factor(run) = r.year[0].update_factor;
        t.quality(run) = r.year[0].quality;
        t.met_qps(run) = r.year[0].met_qps;
        t.met_alt_qps(run) = r.year[0].met_alt_qps;
        t.done(run) = 1;
      },
      [&](long run, double* row) {
        for (long c = 0; c < cells; ++c) {
          *row++ = t.payment(run, c);
          *row++ = static_cast<double>(t.outcome(run, c));
        }
        for (double v : {t.benchmark(run), t.expenditure(run), t.true_effect(run), t.benchmark_factor(run), t.quality(run),
                         static_cast<double>(t.met_qps(run)), static_cast<double>(t.met_alt_qps(run)),
                         static_cast<double>(t.done(run))}) {
          *row++ = v;
        }
        for (Eigen::MatrixXd* m : yearly()) {
          for (int y = 0; y < years; ++y) *row++ = (*m)(run, y);
        }
        for (int y = 0; y < years; ++y) {
          *row++ = x.met_qps(run, y);
          *row++ = x.met_alt_qps(run, y);
          *row++ = static_cast<double>(x.replaced(run, y));
        }
        for (long p = 0; p < n_paths; ++p) *row++ = x.any_year_owed(run, p);
      },
      [&](const double* row, long run) {
        for (long c = 0; c < cells; ++c) {
          t.payment(run, c) = *row++;
          t.outcome(run, c) = static_cast<OutcomeCode>(*row++);
        }
        t.benchmark(run) = *row++;
        t.expenditure(run) = *row++;
        t.true_effect(run) = *row++;
        t.benchmark_factor(run) = *row++;
        t.quality(run) = *row++;
        t.met_qps(run) = static_cast<std::int8_t>(*row++);
        t.met_alt_qps(run) = static_cast<std::int8_t>(*row++);
        t.done(run) = static_cast<std::int8_t>(*row++);
        for (Eigen::MatrixXd* m : yearly()) {
          for (int y = 0; y < years; ++y) (*m)(run, y) = *row++;
        }
        for (int y = 0; y < years; ++y) {
          x.met_qps(run, y) = static_cast<std::int8_t>(*row++);
          x.met_alt_qps(run, y) = static_cast<std::int8_t>(*row++);
          x.replaced(run, y) = static_cast<std::int64_t>(*row++);
        }
        for (long p = 0; p < n_paths; ++p) x.any_year_owed(run, p) = static_cast<std::int8_t>(*row++);
      });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  ResultMetadata& m = ar.results.meta;
  m.scenario_name = s.name;
  m.scenario_path = s.path;
  m.scenario_text = s.text;
  m.seed = s.seed;
  m.runs = runs;
  m.threads = threads;
  m.ranks = mpi::size();
  m.rng_layout = kRngLayout;
  m.wall_seconds = secs;
  m.completed_runs = t.completed();
  m.complete = m.completed_runs == runs;
  const double base_years = s.benchmark_mode == BenchmarkMode::Historical ? 3.0 : 0.0;
  m.beneficiary_years = static_cast<double>(m.completed_runs) * static_cast<double>(s.total_beneficiaries()) *
                        (base_years + static_cast<double>(years));
  m.performance_year = sp.start_year;
  m.beneficiaries = s.total_beneficiaries();

  summarize(ar.results);
  // Keep only comparisons of the same column across paths (total vs total, year 2 vs year 2, ...).
  std::vector<PairSummary> kept;
  for (PairSummary& p : ar.results.pairs) {
    if (p.index_a % width == p.index_b % width && p.index_a / width != p.index_b / width) kept.push_back(std::move(p));
  }
  ar.results.pairs = std::move(kept);
  return ar;
}

// =================================================================================================
// HDF5: the /agreement group

namespace {

H5::StrType utf8() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

void attr_string(H5::H5Object& obj, const char* name, const std::string& value) {
  const H5::StrType type = utf8();
  H5::Attribute a = obj.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  a.write(type, value);
}

void attr_double(H5::H5Object& obj, const char* name, double value) {
  H5::Attribute a = obj.createAttribute(name, H5::PredType::IEEE_F64LE, H5::DataSpace(H5S_SCALAR));
  a.write(H5::PredType::NATIVE_DOUBLE, &value);
}

void attr_int(H5::H5Object& obj, const char* name, std::int64_t value) {
  H5::Attribute a = obj.createAttribute(name, H5::PredType::STD_I64LE, H5::DataSpace(H5S_SCALAR));
  a.write(H5::PredType::NATIVE_INT64, &value);
}

void strings(H5::Group& g, const char* name, const std::vector<std::string>& values, const std::string& description) {
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  const H5::StrType type = utf8();
  const hsize_t n = values.size();
  H5::DataSet ds = g.createDataSet(name, type, H5::DataSpace(1, &n));
  if (n > 0) ds.write(ptrs.data(), type);
  attr_string(ds, "description", description);
}

// Row-major runs x columns dataset.
template <class T>
void matrix(H5::Group& g, const char* name, const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& m,
            const H5::PredType& file_type, const H5::PredType& mem_type, const char* units, const std::string& description) {
  const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm = m;
  const hsize_t dims[2] = {static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())};
  H5::DataSpace space(2, dims);
  H5::DataSet ds = g.createDataSet(name, file_type, space, checksummed_layout({dims[0], dims[1]}, m.size() >= 4096));
  if (m.size() > 0) ds.write(rm.data(), mem_type);
  attr_string(ds, "units", units);
  attr_string(ds, "description", description);
}

void vector_int(H5::Group& g, const char* name, const std::vector<int>& v, const std::string& description) {
  std::vector<std::int64_t> w(v.begin(), v.end());
  const hsize_t n = w.size();
  H5::DataSet ds = g.createDataSet(name, H5::PredType::STD_I64LE, H5::DataSpace(1, &n), checksummed_layout({n}));
  if (n > 0) ds.write(w.data(), H5::PredType::NATIVE_INT64);
  attr_string(ds, "description", description);
}

}  // namespace

void write_agreement_results(const std::filesystem::path& path, const AgreementResults& ar) {
  AtomicFile file(path);
  write_results(file.temp_path(), ar.results);
  try {
    H5::Exception::dontPrint();
    H5::H5File h5(file.temp_path().string(), H5F_ACC_RDWR, H5::FileCreatPropList::DEFAULT, checksummed_file_access());
    H5::Group g = h5.createGroup("/agreement");
    attr_string(g, "description",
                "agreement-period samples (sim/engine/agreement.hpp, docs/agreements.md): per run and path year; the "
                "/runs columns are per path: '<path> total', '<path> PV', '<path> worst year', '<path> year k'");
    attr_int(g, "years", ar.years);
    attr_int(g, "renewal_years", ar.renewal_years);
    attr_int(g, "start_year", ar.start_year);
    attr_double(g, "discount_rate", ar.discount_rate);
    attr_double(g, "turnover", ar.turnover);
    attr_string(g, "notes", ar.notes);
    vector_int(g, "performance_year", ar.performance_year, "performance year of each path year");
    vector_int(g, "rules_year", ar.rules_year, "rule year settle() used (differs when carried forward)");
    strings(g, "path_labels", ar.path_labels, "path labels, in /runs column-block order");
    strings(g, "path_descriptions", ar.path_descriptions, "track and election of each path year");
    const AgreementRuns& x = ar.runs;
    const auto f64 = H5::PredType::IEEE_F64LE;
    const auto d = H5::PredType::NATIVE_DOUBLE;
    matrix(g, "benchmark", x.benchmark, f64, d, "USD", "updated benchmark B, runs x years");
    matrix(g, "expenditure", x.expenditure, f64, d, "USD", "expenditure E, runs x years");
    matrix(g, "true_effect", x.true_effect, f64, d, "fraction", "true effect on spending, runs x years");
    matrix(g, "quality", x.quality, f64, d, "score [0-100]", "quality score, runs x years");
    matrix(g, "growth", x.growth, f64, d, "ratio", "realized blend growth into the year (1 in PY1), runs x years");
    matrix(g, "spending_level", x.spending_level, f64, d, "ratio", "ACO counterfactual spending level vs PY1, runs x years");
    matrix(g, "update_factor", x.update_factor, f64, d, "ratio", "benchmark / historical (or rebased) base, runs x years");
    matrix(g, "risk_ratio", x.risk_ratio, f64, d, "ratio", "risk-score ratio applied (after the +cap), runs x years");
    matrix(g, "met_qps", x.met_qps, H5::PredType::STD_I8LE, H5::PredType::NATIVE_INT8, "0/1", "quality standard met, runs x years");
    matrix(g, "met_alt_qps", x.met_alt_qps, H5::PredType::STD_I8LE, H5::PredType::NATIVE_INT8, "0/1", "alternative standard met, runs x years");
    matrix(g, "replaced", x.replaced, H5::PredType::STD_I64LE, H5::PredType::NATIVE_INT64, "count", "beneficiaries replaced at the start of the year, runs x years");
    matrix(g, "any_year_owed", x.any_year_owed, H5::PredType::STD_I8LE, H5::PredType::NATIVE_INT8, "0/1", "the path owed shared losses (payment < 0) in some year, runs x paths");
  } catch (const H5::Exception& e) {
    throw InputError(fmt::format("cannot write the agreement group to {}: {}", path.string(), e.getDetailMsg()));
  }
  file.commit();
}

// =================================================================================================
// Report section

namespace {

std::string money(double x) {
  if (!std::isfinite(x)) return "n/a";
  const double a = std::fabs(x);
  const char* sign = x < 0 ? "-" : "";
  if (a < 999.5) return fmt::format("{}${:.0f}", sign, a);
  if (a < 999.5e3) return fmt::format("{}${:.{}f}K", sign, a / 1e3, a < 9.995e3 ? 2 : a < 99.95e3 ? 1 : 0);
  if (a < 999.5e6) return fmt::format("{}${:.{}f}M", sign, a / 1e6, a < 9.995e6 ? 2 : a < 99.95e6 ? 1 : 0);
  return fmt::format("{}${:.2f}B", sign, a / 1e9);
}

std::string prob(double p) { return fmt::format("{:.1f}%", 100.0 * p); }

struct SimpleTable {
  std::string title, note;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::string render(const SimpleTable& t, bool markdown) {
  std::string out;
  if (markdown) {
    out += "## " + t.title + "\n\n";
    if (!t.note.empty()) out += t.note + "\n\n";
    auto line = [](const std::vector<std::string>& cells) {
      std::string s = "|";
      for (const auto& c : cells) s += " " + c + " |";
      return s + "\n";
    };
    out += line(t.header) + "|:---|";
    for (std::size_t j = 1; j < t.header.size(); ++j) out += "---:|";
    out += "\n";
    for (const auto& r : t.rows) out += line(r);
    return out + "\n";
  }
  std::vector<std::size_t> w(t.header.size(), 0);
  auto width = [](const std::string& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  };
  for (std::size_t j = 0; j < w.size(); ++j) {
    w[j] = width(t.header[j]);
    for (const auto& r : t.rows) w[j] = std::max(w[j], width(r[j]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t j = 0; j < cells.size(); ++j) {
      const std::string fill(w[j] - width(cells[j]), ' ');
      s += (j > 0 ? "  " : "") + (j == 0 ? cells[j] + fill : fill + cells[j]);
    }
    s.erase(s.find_last_not_of(' ') + 1);
    return s + "\n";
  };
  out += t.title + "\n" + std::string(width(t.title), '=') + "\n" + line(t.header);
  std::string rule;
  for (std::size_t j = 0; j < w.size(); ++j) rule += (j > 0 ? "  " : "") + std::string(w[j], '-');
  out += rule + "\n";
  for (const auto& r : t.rows) out += line(r);
  if (!t.note.empty()) out += t.note + "\n";
  return out + "\n";
}

}  // namespace

std::string agreement_report(const AgreementResults& ar, const std::string& format) {
  const SimulationResults& r = ar.results;
  const int years = static_cast<int>(ar.performance_year.size());
  const int width = kPathSummaryColumns + years;
  const std::size_t n_paths = ar.path_labels.size();
  if (r.tracks.size() != n_paths * static_cast<std::size_t>(width)) {
    throw std::invalid_argument("agreement_report: the results have no summaries for every path column");
  }
  auto col = [&](std::size_t p, int k) -> const TrackSummary& { return r.tracks[p * static_cast<std::size_t>(width) + static_cast<std::size_t>(k)]; };

  if (format == "csv") {
    std::string out;
    auto row = [&](const std::string& track, const std::string& metric, const std::string& unit, double v) {
      std::string t = track.find_first_of(",\"") == std::string::npos ? track : "\"" + track + "\"";
      out += fmt::format("agreement,{},{},{},{}\n", t, metric, unit, v);
    };
    for (std::size_t p = 0; p < n_paths; ++p) {
      const std::string& l = ar.path_labels[p];
      row(l, "total_mean", "USD", col(p, 0).dollars.mean);
      row(l, "pv_mean", "USD", col(p, 1).dollars.mean);
      row(l, "p_cumulative_net_loss", "probability", col(p, 0).p_losses);
      row(l, "p_any_year_owed", "probability", col(p, 2).p_losses);
      row(l, "worst_year_mean", "USD", col(p, 2).dollars.mean);
      for (int y = 0; y < years; ++y) {
        row(l, fmt::format("year{}_mean", y + 1), "USD", col(p, kPathSummaryColumns + y).dollars.mean);
        row(l, fmt::format("year{}_p_losses", y + 1), "probability", col(p, kPathSummaryColumns + y).p_losses);
      }
    }
    return out;
  }
  const bool md = format == "md";
  std::string out;
  const std::string head = fmt::format(
      "Agreement: {} performance year{} PY{}-PY{}{}, one panel of {} beneficiaries, turnover {} a year, "
      "PV at {} a year",
      ar.years + ar.renewal_years, ar.years + ar.renewal_years == 1 ? "" : "s", ar.performance_year.front(),
      ar.performance_year.back(), ar.renewal_years > 0 ? fmt::format(" (rebased renewal after PY{})", ar.performance_year[static_cast<std::size_t>(ar.years - 1)]) : "",
      r.meta.beneficiaries, percent_label(ar.turnover), percent_label(ar.discount_rate));
  out += md ? "## Agreement period\n\n" + head + ".\n\n" : head + "\n";
  for (std::size_t p = 0; p < n_paths; ++p) {
    out += fmt::format(fmt::runtime(md ? "- **{}**: {}\n" : "  {}: {}\n"), ar.path_labels[p], ar.path_descriptions[p]);
  }
  if (!ar.notes.empty()) out += fmt::format(fmt::runtime(md ? "\n> Note: {}.\n" : "  Note: {}.\n"), ar.notes);
  out += "\n";

  SimpleTable totals{"Agreement totals by path",
                     "Total and PV: net payment summed over the agreement (+ paid to the ACO); PV discounts PY k's "
                     "payment by (1 + rate)^k. Worst year: the path's smallest annual payment. Runs: " +
                         std::to_string(r.meta.completed_runs) + ".",
                     {"Path", "Total mean ± SE", "Total P5", "Total P50", "Total P95", "PV mean", "P(net loss)",
                      "P(owes in any year)", "Worst year mean", "Worst year P5"},
                     {}};
  for (std::size_t p = 0; p < n_paths; ++p) {
    const TrackSummary& tot = col(p, 0);
    const TrackSummary& worst = col(p, 2);
    totals.rows.push_back({ar.path_labels[p], money(tot.dollars.mean) + " ± " + money(tot.dollars.mcse),
                           money(tot.dollars.percentiles[1]), money(tot.dollars.percentiles[4]),
                           money(tot.dollars.percentiles[7]), money(col(p, 1).dollars.mean),
                           prob(tot.p_losses), prob(worst.p_losses), money(worst.dollars.mean),
                           money(worst.dollars.percentiles[1])});
  }
  SimpleTable by_year{"Mean net payment by year", "", {"Path"}, {}};
  SimpleTable owes{"P(owes shared losses) by year", "", {"Path"}, {}};
  bool any_carried = false;
  for (int y = 0; y < years; ++y) {
    const int py = ar.performance_year[static_cast<std::size_t>(y)];
    const bool carried = ar.rules_year[static_cast<std::size_t>(y)] != py;
    any_carried = any_carried || carried;
    const std::string h = fmt::format("PY{}{}", py, carried ? "*" : "");
    by_year.header.push_back(h);
    owes.header.push_back(h);
  }
  if (any_carried) {
    by_year.note = fmt::format("* settled under PY{} rules.", kLastRuleYear);
    owes.note = by_year.note;
  }
  for (std::size_t p = 0; p < n_paths; ++p) {
    std::vector<std::string> a{ar.path_labels[p]}, b{ar.path_labels[p]};
    for (int y = 0; y < years; ++y) {
      a.push_back(money(col(p, kPathSummaryColumns + y).dollars.mean));
      b.push_back(prob(col(p, kPathSummaryColumns + y).p_losses));
    }
    by_year.rows.push_back(std::move(a));
    owes.rows.push_back(std::move(b));
  }
  out += render(totals, md) + render(by_year, md) + render(owes, md);
  return out;
}

}  // namespace acosim
