// Reads a scenario's YAML into the plain Scenario value: one function per section, every key and
// numeric range from the key schema (sim/input/key_schema.hpp), so each message states the key,
// the value and the real allowed range.
#include "sim/engine/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/common/error.hpp"
#include "sim/common/input_file.hpp"
#include "sim/common/text.hpp"
#include "sim/engine/cost_family.hpp"
#include "sim/input/agreement_reader.hpp"
#include "sim/input/benchmark_reader.hpp"
#include "sim/input/csv.hpp"
#include "sim/input/enrollment_mix.hpp"
#include "sim/input/key_schema.hpp"
#include "sim/input/risk_reader.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/input/scenario_text.hpp"
#include "sim/input/sweep_reader.hpp"
#include "sim/input/unit_slips.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {
namespace {

std::string type_key(int e) { return std::string(to_string(static_cast<EnrollmentType>(e))); }

std::vector<std::string> type_keys() {
  std::vector<std::string> t;
  for (int e = 0; e < kEnrollmentTypes; ++e) t.push_back(type_key(e));
  return t;
}

CostShape read_shape(const Reader& rd, const YAML::Node& node, const std::string& key, CostShape shape) {
  check_section_keys(rd, node, key);
  if (node["family"]) {
    const std::string f = rd.string(node["family"], key + ".family");
    const std::optional<CostFamily> family = parse_cost_family(f);
    if (!family) {
      std::vector<std::string> names;
      for (CostFamily c : kCostFamilies) names.emplace_back(to_string(c));
      rd.fail(node["family"], key + ".family",
              fmt::format("'{}' is not a cost family; allowed: {}", printable(f), join(names)));
    }
    shape.family = *family;
  }
  const std::pair<const char*, double CostShape::*> numbers[] = {
      {"p_zero", &CostShape::p_zero},           {"sigma", &CostShape::sigma},
      {"high_weight", &CostShape::high_weight}, {"median_ratio", &CostShape::median_ratio},
      {"gamma_shape", &CostShape::gamma_shape}, {"truncation_percentile", &CostShape::truncation_percentile}};
  for (const auto& [name, field] : numbers) {
    if (node[name]) shape.*field = read_number(rd, node[name], key + "." + name);
  }
  return shape;
}

std::string percent_label(double f) { return fmt::format("{:g}%", std::round(f * 1e6) / 1e4); }

// name: becomes the default output file results/<name>.h5.
void read_name(const Reader& rd, const YAML::Node& root, const std::string& origin, Scenario& s) {
  s.name = root["name"] ? rd.string(root["name"], "name") : std::filesystem::path(origin).stem().string();
  if (!root["name"]) return;
  // No path separators, no control characters, no leading dot (".." would leave the results folder).
  const bool bad_char = std::any_of(s.name.begin(), s.name.end(), [](char c) {
    return c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
  });
  if (s.name.empty() || s.name.size() > 200 || s.name.front() == '.' || bad_char) {
    rd.fail(root["name"], "name",
            fmt::format("'{}' cannot name the results file results/<name>.h5; allowed: 1-200 characters, no "
                        "'/', '\\' or control characters, not starting with '.'",
                        printable(s.name)));
  }
}

void read_beneficiaries(const Reader& rd, const YAML::Node& aco, Scenario& s) {
  const YAML::Node bn = aco["beneficiaries"];
  if (!bn) rd.fail(aco, "aco.beneficiaries", "is required: a total, or counts by enrollment type");
  if (bn.IsScalar()) {
    const long total = read_integer(rd, bn, "aco.beneficiaries");
    std::array<double, kEnrollmentTypes> exact{};
    for (std::size_t e = 0; e < exact.size(); ++e) exact[e] = static_cast<double>(total) * kNationalMix[e];
    s.beneficiaries = largest_remainder(total, exact);
    return;
  }
  rd.check_keys(bn, "aco.beneficiaries", type_keys());
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const std::string t = type_key(e);
    if (bn[t])
      s.beneficiaries[static_cast<std::size_t>(e)] = read_integer(rd, bn[t], "aco.beneficiaries." + t);
  }
  if (s.total_beneficiaries() < kMsrTableMinBeneficiaries) {
    rd.fail(bn, "aco.beneficiaries",
            fmt::format(
                "{} beneficiaries is below 500, where the MSR table (42 CFR 425.605(b)(1)) has no value; "
                "allowed: a total from {:.0f} to {:.0f}",
                s.total_beneficiaries(), key_spec("aco.beneficiaries").lo, key_spec("aco.beneficiaries").hi));
  }
}

void read_aco(const Reader& rd, const YAML::Node& root, Scenario& s) {
  const YAML::Node aco = root["aco"];
  if (!aco) rd.fail(root, "aco", "is required (the ACO's beneficiaries and revenue)");
  check_section_keys(rd, aco, "aco");
  read_beneficiaries(rd, aco, s);
  if (aco["participant_revenue"])
    s.participant_revenue = read_number(rd, aco["participant_revenue"], "aco.participant_revenue");
  if (aco["low_revenue"]) s.low_revenue = rd.boolean(aco["low_revenue"], "aco.low_revenue");
  if (aco["agreement_start_year"]) {
    s.agreement_start_year =
        static_cast<int>(read_integer(rd, aco["agreement_start_year"], "aco.agreement_start_year"));
    // The PY lies in the agreement: at most 6 PYs from the start (July 2019 starts to PY2024; 42 CFR
    // 425.200(b)).
    if (s.agreement_start_year > s.performance_year || s.performance_year - s.agreement_start_year > 5) {
      rd.fail(
          aco["agreement_start_year"], "aco.agreement_start_year",
          fmt::format(
              "{} does not contain PY{}: an agreement period runs at most 6 performance years from its start "
              "(42 CFR 425.200(b)); allowed: {} to {}",
              s.agreement_start_year, s.performance_year, std::max(2012, s.performance_year - 5),
              s.performance_year));
    }
  }
  if (aco["euc_relief_fraction"])
    s.euc_relief_fraction = read_number(rd, aco["euc_relief_fraction"], "aco.euc_relief_fraction");
}

// The FNV-1a 64 digest of a file's bytes: records which data a run used (the scenario names
// only the path).
std::uint64_t file_digest(std::string_view bytes) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char ch : bytes) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
  return h;
}

// The annual costs [USD] of an empirical cost file, by enrollment type.
std::array<std::vector<double>, kEnrollmentTypes> read_cost_rows(const CsvTable& table) {
  const std::size_t type_col = table.require("enrollment_type", "esrd, disabled, aged_dual or aged_nondual");
  const std::size_t cost_col = table.require("annual_cost", "annual Parts A+B spending [USD]");
  std::array<std::vector<double>, kEnrollmentTypes> costs;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const CsvRow row = table.row(i);
    const auto type = parse_enrollment_type(row.cell(type_col));
    if (!type)
      row.fail(type_col,
               fmt::format("'{}' is not an enrollment type; allowed: esrd, disabled, aged_dual, aged_nondual",
                           row.cell(type_col)));
    const double c = row.number(cost_col, "annual cost in dollars, 0 to 100,000,000").value;
    if (!std::isfinite(c) || c < 0 || c > 1e8 || row.cell(cost_col).back() == '%') {
      row.fail(cost_col,
               fmt::format("'{}' is out of range (expected annual cost in dollars, 0 to 100,000,000)",
                           row.cell(cost_col)));
    }
    costs[static_cast<std::size_t>(*type)].push_back(c);
  }
  return costs;
}

// cost_model.empirical: {file: costs.csv, truncation_percentile: 0.99}. The CSV has columns
// enrollment_type (esrd, disabled, aged_dual, aged_nondual) and annual_cost [USD]; a relative path
// is read from the scenario's folder. A type with a `types.<type>.mean` is rescaled to that mean.
void read_empirical(const Reader& rd, const YAML::Node& cm, const std::string& origin, Scenario& s) {
  const YAML::Node em = cm["empirical"];
  check_section_keys(rd, em, "cost_model.empirical");
  const double trunc = em["truncation_percentile"] ? read_number(rd, em["truncation_percentile"],
                                                                 "cost_model.empirical.truncation_percentile")
                                                   : 0.99;
  if (!em["file"])
    rd.fail(em, "cost_model.empirical.file", "is required: a CSV with columns enrollment_type, annual_cost");
  std::filesystem::path file = rd.string(em["file"], "cost_model.empirical.file");
  if (file.is_relative()) file = std::filesystem::path(origin).parent_path() / file;
  std::string bytes = read_input_text(file, "CSV file", kMaxCsvBytes);  // read once: digest = data used
  const std::uint64_t digest = file_digest(bytes);
  const CsvTable table = CsvTable::parse(std::move(bytes), file.string());
  s.text += fmt::format("\n# empirical cost file {} ({} rows, FNV-1a 64 {:016x})\n", file.string(),
                        table.size(), digest);
  if (table.empty())
    rd.fail(em["file"], "cost_model.empirical.file", fmt::format("{} has no data rows", file.string()));
  std::array<std::vector<double>, kEnrollmentTypes> costs = read_cost_rows(table);
  const YAML::Node types = cm["types"];
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto k = static_cast<std::size_t>(e);
    const std::string t = type_key(e);
    if (costs[k].empty()) {
      if (s.beneficiaries[k] > 0) {
        rd.fail(em["file"], "cost_model.empirical.file",
                fmt::format("{} has no {} rows but the ACO has {} {} beneficiaries", file.string(), t,
                            s.beneficiaries[k], t));
      }
      continue;
    }
    std::optional<double> mean;
    if (types && types[t] && types[t]["mean"]) mean = s.cost_means[k];
    try {
      s.empirical[k] = EmpiricalCost(std::move(costs[k]), trunc, mean);
    } catch (const std::invalid_argument& ex) {
      rd.fail(em["file"], "cost_model.empirical.file",
              fmt::format("{}: {} rows: {}", file.string(), t, ex.what()));
    }
    s.cost_means[k] = s.empirical[k]->mean();
  }
}

// cost_model.types.<type>: a shape over the base, and the type's mean.
void read_cost_types(const Reader& rd, const YAML::Node& types, const CostShape& base, Scenario& s) {
  rd.check_keys(types, "cost_model.types", type_keys());
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const std::string k = "cost_model.types." + type_key(e);
    if (const YAML::Node tn = types[type_key(e)]) {
      s.cost_shapes[static_cast<std::size_t>(e)] = read_shape(rd, tn, k, base);
      if (tn["mean"]) s.cost_means[static_cast<std::size_t>(e)] = read_number(rd, tn["mean"], k + ".mean");
    }
  }
}

void read_cost_model(const Reader& rd, const YAML::Node& root, const std::string& origin, Scenario& s) {
  CostShape base = national_shape();
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    s.cost_means[static_cast<std::size_t>(e)] = national_mean(static_cast<EnrollmentType>(e));
  }
  const YAML::Node cm = root["cost_model"];
  if (cm) {
    check_section_keys(rd, cm, "cost_model");
    if (cm["preset"]) {  // national (cost §1) or commercial (models/cost_model.hpp commercial_shape)
      const std::string preset = rd.string(cm["preset"], "cost_model.preset");
      if (preset == "commercial") {
        base = commercial_shape();
      } else if (preset != "national") {
        rd.fail(cm["preset"], "cost_model.preset",
                fmt::format("'{}' is not a preset; allowed: national, commercial", printable(preset)));
      }
    }
    if (cm["shape"]) base = read_shape(rd, cm["shape"], "cost_model.shape", base);
  }
  for (auto& sh : s.cost_shapes) sh = base;
  if (cm && cm["mean_scale"]) {
    const double k = read_number(rd, cm["mean_scale"], "cost_model.mean_scale");
    for (double& m : s.cost_means) m *= k;
  }
  if (cm && cm["types"]) read_cost_types(rd, cm["types"], base, s);
  if (cm && cm["cv"]) {  // the spread of a beneficiary-year's truncated cost, every type (docs/scenario.md)
    const double cv = read_number(rd, cm["cv"], "cost_model.cv");
    for (auto& sh : s.cost_shapes) {
      try {
        sh = shape_with_cv(sh, cv);
      } catch (const std::invalid_argument& ex) {
        rd.fail(cm["cv"], "cost_model.cv", ex.what());
      }
    }
  }
  if (cm && cm["empirical"]) read_empirical(rd, cm, origin, s);
  for (int e = 0; e < kEnrollmentTypes; ++e) {  // surface model errors at load, with the key
    try {
      CostDistribution check(s.cost_shapes[static_cast<std::size_t>(e)],
                             s.cost_means[static_cast<std::size_t>(e)]);
    } catch (const std::invalid_argument& ex) {
      rd.fail(cm, "cost_model", fmt::format("{}: {}", type_key(e), ex.what()));
    }
  }
}

void read_weights(const Reader& rd, const YAML::Node& w, Scenario& s) {
  if (s.benchmark_mode != BenchmarkMode::Historical)
    rd.fail(w, "benchmark.weights", "applies only to mode: historical");
  if (w.IsScalar() && (w.Scalar() == "first_agreement" || w.Scalar() == "rebased")) {
    s.base_year_weights = w.Scalar() == "rebased" ? std::array<double, 3>{1.0 / 3, 1.0 / 3, 1.0 / 3}
                                                  : std::array<double, 3>{0.1, 0.3, 0.6};
    return;
  }
  if (!w.IsSequence() || w.size() != 3) {
    rd.fail(
        w, "benchmark.weights",
        "must be first_agreement (0.1/0.3/0.6), rebased (1/3 each) or a list of 3 weights for BY1, BY2, BY3");
  }
  double sum = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    s.base_year_weights[i] = read_number(rd, w[i], fmt::format("benchmark.weights[{}]", i));
    sum += s.base_year_weights[i];
  }
  if (std::abs(sum - 1.0) > 1e-9)
    rd.fail(w, "benchmark.weights", fmt::format("weights sum to {}, must sum to 1", sum));
}

void read_benchmark(const Reader& rd, const YAML::Node& root, Scenario& s) {
  const YAML::Node b = root["benchmark"];
  if (!b) return;
  if (is_cms_benchmark(b)) {
    read_cms_benchmark(rd, b, root, s);  // sim/input/benchmark_reader.cpp
    return;
  }
  check_section_keys(rd, b, "benchmark");
  refuse_cms_only_keys(rd, b);
  if (b["mode"]) {
    const std::string m = rd.string(b["mode"], "benchmark.mode");
    if (m == "fixed")
      s.benchmark_mode = BenchmarkMode::Fixed;
    else if (m == "historical")
      s.benchmark_mode = BenchmarkMode::Historical;
    else
      rd.fail(b["mode"], "benchmark.mode",
              fmt::format("'{}' is not a mode; allowed: fixed, historical, cms", printable(m)));
  }
  if (b["per_capita"]) {
    if (s.benchmark_mode != BenchmarkMode::Fixed)
      rd.fail(b["per_capita"], "benchmark.per_capita", "applies only to mode: fixed");
    if (!(b["per_capita"].IsScalar() && b["per_capita"].Scalar() == "expected")) {
      s.benchmark_per_capita = read_number(rd, b["per_capita"], "benchmark.per_capita");
    }
  }
  if (b["weights"]) read_weights(rd, b["weights"], s);
  if (b["persistence"]) {
    if (s.benchmark_mode != BenchmarkMode::Historical)
      rd.fail(b["persistence"], "benchmark.persistence", "applies only to mode: historical");
    s.persistence = read_number(rd, b["persistence"], "benchmark.persistence");
  }
  if (b["update_factor"]) s.update_factor = read_uncertain(rd, b["update_factor"], "benchmark.update_factor");
}

void read_quality(const Reader& rd, const YAML::Node& root, Scenario& s) {
  const RuleYear& year = rule_year(s.performance_year);
  s.qps_threshold = year.qps_threshold;
  if (const YAML::Node q = root["quality"]) {
    check_section_keys(rd, q, "quality");
    if (q["score"]) s.quality = read_uncertain(rd, q["score"], "quality.score");
    if (q["threshold"]) s.qps_threshold = read_number(rd, q["threshold"], "quality.threshold");
    if (q["alternative_probability"]) {
      s.alt_qps_probability =
          read_number(rd, q["alternative_probability"], "quality.alternative_probability");
    }
  }
  const bool needs_threshold = year.quality_rule != QualityRule::Scaled;
  if (needs_threshold && !s.qps_threshold) {
    rd.fail(root["quality"] ? root["quality"] : root, "quality.threshold",
            fmt::format(
                "PY{} has no published quality performance standard value in the spec; set quality.threshold",
                s.performance_year));
  }
}

// Correlations of (true_effect, update_factor, quality).
void read_correlation(const Reader& rd, const YAML::Node& root, Scenario& s) {
  const YAML::Node c = root["correlation"];
  if (!c) return;
  check_section_keys(rd, c, "correlation");
  const std::tuple<const char*, int, int> pairs[] = {
      {"effect_benchmark", 0, 1}, {"effect_quality", 0, 2}, {"benchmark_quality", 1, 2}};
  for (const auto& [k, i, j] : pairs) {
    if (c[k])
      s.correlation(i, j) = s.correlation(j, i) = read_number(rd, c[k], std::string("correlation.") + k);
  }
  Eigen::LLT<Eigen::Matrix3d> llt(s.correlation);
  if (llt.info() != Eigen::Success || llt.matrixL().toDenseMatrix().diagonal().minCoeff() < 1e-9) {
    rd.fail(c, "correlation",
            "the correlation matrix of (true_effect, benchmark.update_factor, quality) is not positive "
            "definite; reduce the correlations");
  }
}

QualityRule read_quality_rule(const Reader& rd, const YAML::Node& node, const std::string& key) {
  const std::string s = rd.string(node, key);
  if (s == "none") return QualityRule::None;
  if (s == "scaled") return QualityRule::Scaled;
  if (s == "all_or_nothing") return QualityRule::AllOrNothing;
  if (s == "all_or_nothing_with_alternative") return QualityRule::AllOrNothingWithAlternative;
  rd.fail(node, key,
          fmt::format("'{}' is not a quality rule; allowed: none, scaled, all_or_nothing, "
                      "all_or_nothing_with_alternative",
                      printable(s)));
}

// The loss side of a two-sided custom contract.
void read_custom_losses(const Reader& rd, const YAML::Node& cu, const std::string& k, Track& t) {
  if (cu["loss_rate"]) {
    t.loss_rate_rule = LossRateRule::Fixed;
    t.loss_rate = read_number(rd, cu["loss_rate"], k + ".loss_rate");
  } else {
    t.loss_rate_rule = LossRateRule::OneMinusSharing;
    t.loss_rate_floor =
        cu["loss_rate_floor"] ? read_number(rd, cu["loss_rate_floor"], k + ".loss_rate_floor") : 0.0;
    t.loss_rate_ceiling =
        cu["loss_rate_ceiling"] ? read_number(rd, cu["loss_rate_ceiling"], k + ".loss_rate_ceiling") : 1.0;
    if (t.loss_rate_floor > t.loss_rate_ceiling)
      rd.fail(cu, k + ".loss_rate_floor", "must not exceed loss_rate_ceiling");
  }
  t.loss_limit_rule = LossLimitRule::ShareOfBenchmark;
  t.loss_limit_benchmark_share =
      cu["loss_limit"] ? read_number(rd, cu["loss_limit"], k + ".loss_limit") : 1e9;
}

// {custom: {...}}: a contract with the CMS mechanics and its own numbers.
TrackChoice read_custom_track(const Reader& rd, const YAML::Node& node, const std::string& key) {
  TrackChoice c;
  rd.check_keys(node, key, {"custom"});
  const YAML::Node cu = node["custom"];
  const std::string k = key + ".custom";
  check_section_keys(rd, cu, k);
  Track& t = c.track;
  t.custom = true;
  if (!cu["name"]) rd.fail(cu, k + ".name", "is required");
  t.id = rd.string(cu["name"], k + ".name");
  t.name = t.id;
  t.two_sided = cu["two_sided"] ? rd.boolean(cu["two_sided"], k + ".two_sided") : false;
  if (!cu["sharing_rate"]) rd.fail(cu, k + ".sharing_rate", "is required");
  t.max_sharing_rate = read_number(rd, cu["sharing_rate"], k + ".sharing_rate");
  t.performance_payment_limit =
      cu["performance_payment_limit"]
          ? read_number(rd, cu["performance_payment_limit"], k + ".performance_payment_limit")
          : 1e9;  // uncapped
  t.msr_rule = MsrRule::Elected;
  if (t.two_sided) read_custom_losses(rd, cu, k, t);
  t.quality_rule_override =
      cu["quality"] ? read_quality_rule(rd, cu["quality"], k + ".quality") : QualityRule::None;
  t.sequestration_override =
      cu["sequestration"] ? read_number(rd, cu["sequestration"], k + ".sequestration") : 0.0;
  t.first_py = 0;
  t.last_py = 9999;
  c.election = MsrElection::fixed(0.0);
  if (const YAML::Node m = cu["msr"]) {
    c.election = m.IsScalar() && m.Scalar() == "variable"
                     ? MsrElection::table()
                     : MsrElection::fixed(read_number(rd, m, k + ".msr"));
  }
  c.label = t.id;
  return c;
}

// {track: ID, msr: ELECTION, label: TEXT}.
TrackChoice read_listed_track(const Reader& rd, const YAML::Node& node, const std::string& key) {
  TrackChoice c;
  std::vector<std::string> allowed = child_keys("tracks[]");
  allowed.erase(std::remove(allowed.begin(), allowed.end(), "custom"), allowed.end());
  rd.check_keys(node, key, allowed);
  if (!node["track"]) rd.fail(node, key + ".track", "is required");
  const Track* t = find_track(rd.string(node["track"], key + ".track"));
  if (!t)
    rd.fail(
        node["track"], key + ".track",
        fmt::format("unknown track '{}'; allowed: {}", printable(node["track"].Scalar()), known_track_ids()));
  c.track = *t;
  if (const YAML::Node m = node["msr"]) {
    if (!t->two_sided)
      rd.fail(m, key + ".msr",
              fmt::format("{} is one-sided: its MSR comes from the table (42 CFR 425.605(b)(1)); remove msr",
                          t->id));
    if (m.IsScalar() && m.Scalar() == "variable") {
      c.election = MsrElection::table();
    } else {
      const double r = rd.number(m, key + ".msr", true);
      const std::array<double, 5> elections = {0.0, 0.005, 0.01, 0.015, 0.02};
      if (std::none_of(elections.begin(), elections.end(),
                       [&](double a) { return std::abs(a - r) < 1e-12; })) {
        rd.fail(m, key + ".msr",
                fmt::format("'{}' is not an allowed election; allowed: variable, 0%, 0.5%, 1%, 1.5%, 2% (42 "
                            "CFR 425.605(b)(2))",
                            printable(m.Scalar())));
      }
      c.election = MsrElection::fixed(r);
    }
  } else if (t->two_sided) {
    rd.fail(node, key + ".msr",
            fmt::format("{} is two-sided: choose its MSR/MLR election (variable, 0%, 0.5%, 1%, 1.5% or 2%)",
                        t->id));
  }
  if (node["label"]) c.label = rd.string(node["label"], key + ".label");
  if (node["acpt_guardrail"]) c.acpt_guardrail = rd.boolean(node["acpt_guardrail"], key + ".acpt_guardrail");
  return c;
}

TrackChoice read_track(const Reader& rd, const YAML::Node& node, const std::string& key, int py) {
  TrackChoice c;
  if (node.IsScalar()) {
    const Track* t = find_track(node.Scalar());
    if (!t)
      rd.fail(node, key,
              fmt::format("unknown track '{}'; allowed: {}, or a custom contract", printable(node.Scalar()),
                          known_track_ids()));
    c.track = *t;
    if (c.track.two_sided) {
      rd.fail(node, key,
              fmt::format("{} is two-sided: write {{track: {}, msr: ELECTION}} with ELECTION one of "
                          "variable, 0%, 0.5%, 1%, 1.5%, 2%",
                          c.track.id, c.track.id));
    }
  } else if (node.IsMap() && node["custom"]) {
    return read_custom_track(rd, node, key);
  } else if (node.IsMap()) {
    c = read_listed_track(rd, node, key);
  } else {
    rd.fail(node, key, "must be a track id, {track: ID, msr: ELECTION} or {custom: {...}}");
  }
  if (py < c.track.first_py || py > c.track.last_py) {
    rd.fail(node, key,
            fmt::format("{} was not reconciled in PY{} (only PY{}-PY{})", c.track.id, py, c.track.first_py,
                        c.track.last_py));
  }
  if (c.label.empty()) {
    c.label = c.track.id;
    if (c.track.two_sided)
      c.label += c.election.variable ? " msr=variable" : " msr=" + percent_label(c.election.rate);
  }
  if (!c.acpt_guardrail && !node["label"]) c.label += " no ACPT guardrail (counterfactual)";
  return c;
}

void read_tracks(const Reader& rd, const YAML::Node& root, Scenario& s) {
  const YAML::Node tr = root["tracks"];
  if (!tr || !tr.IsSequence() || tr.size() == 0) {
    rd.fail(
        tr ? tr : root, "tracks",
        fmt::format("must list at least one track (allowed ids: {}, or {{custom: ...}})", known_track_ids()));
  }
  std::set<std::string> labels;
  for (std::size_t i = 0; i < tr.size(); ++i) {
    const std::string key = fmt::format("tracks[{}]", i);
    TrackChoice c = read_track(rd, tr[i], key, s.performance_year);
    if (flat_two_percent_msr(c.track, s.performance_year, s.agreement_start_year) &&
        (c.election.variable || std::abs(c.election.rate - kTrack2FlatMsr) > 1e-12)) {
      rd.fail(tr[i].IsMap() && tr[i]["msr"] ? tr[i]["msr"] : tr[i], key + ".msr",
              fmt::format(
                  "TRACK_2 in PY{} (aco.agreement_start_year {}) had a flat 2% MSR/MLR (2012-2015 starts, "
                  "settlement-rules.md §1.2); allowed: 2%",
                  s.performance_year, s.agreement_start_year));
    }
    if (!labels.insert(c.label).second)
      rd.fail(tr[i], key, fmt::format("track '{}' is listed twice; give one a label", c.label));
    const bool needs_revenue = c.track.loss_limit_rule == LossLimitRule::RevenueCappedByBenchmark;
    if (needs_revenue && !s.participant_revenue) {
      rd.fail(
          tr[i], key,
          fmt::format("{}'s loss limit depends on ACO-participant revenue: set aco.participant_revenue [USD]",
                      c.track.id));
    }
    s.tracks.push_back(std::move(c));
  }
}

// seed: plain digits up to 2^64 - 1 are read exactly; other spellings must be exact in a double.
std::uint64_t read_seed(const Reader& rd, const YAML::Node& sn) {
  const std::string allowed = key_spec("seed").allowed();
  const std::string text = sn.IsScalar() ? sn.Scalar() : std::string();
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::uint64_t seed = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      rd.fail(sn, "seed", fmt::format("value {} is out of range; allowed: {}", printable(text), allowed));
    }
    return seed;
  }
  const double v = rd.number(sn, "seed", false, allowed);
  if (v < 0 || v != std::floor(v) || v >= 9007199254740992.0) {  // exact in a double below 2^53
    rd.fail(sn, "seed",
            fmt::format("'{}' is not allowed; allowed: {} (write seeds above 2^53 as plain digits)",
                        printable(text), allowed));
  }
  return static_cast<std::uint64_t>(v);
}

void read_run_settings(const Reader& rd, const YAML::Node& root, Scenario& s) {
  if (root["runs"]) s.runs = read_integer(rd, root["runs"], "runs");
  if (root["seed"]) s.seed = read_seed(rd, root["seed"]);
  if (root["threads"]) s.threads = static_cast<int>(read_integer(rd, root["threads"], "threads"));
}

// The root mapping of the text with the overrides applied.
YAML::Node scenario_root(const std::string& yaml_text, const std::string& origin,
                         const std::vector<Override>& overrides) {
  check_scenario_text(yaml_text, origin);
  YAML::Node root = load_scenario_yaml(yaml_text, origin);
  if (!root.IsDefined() || root.IsNull()) {
    if (overrides.empty()) {
      throw InputError(
          fmt::format("{}: the scenario is empty (expected a mapping with at least the keys aco "
                      "and tracks; see scenarios/default.yaml)",
                      origin));
    }
    root = YAML::Node(YAML::NodeType::Map);
  }
  if (!root.IsMap()) {
    throw InputError(
        fmt::format("{}: a scenario must be a mapping of keys to values (aco: ..., tracks: ...), "
                    "not {}",
                    origin, node_kind(root)));
  }
  for (const Override& o : overrides) apply_override(root, o, origin);
  return root;
}

// What reproduces the scenario: the file's text, or the tree with its overrides written back.
std::string reproducible_text(const std::string& yaml_text, const YAML::Node& root, const std::string& origin,
                              const std::vector<Override>& overrides) {
  if (overrides.empty()) return yaml_text;
  YAML::Emitter out;
  out << root;
  if (!out.good()) {
    throw InputError(
        fmt::format("{}: the scenario with its --set overrides cannot be written back as YAML ({}); "
                    "simplify the overridden values",
                    origin, out.GetLastError()));
  }
  return std::string(out.c_str()) + "\n";
}

}  // namespace

Override parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(
        fmt::format("--set '{}': expected KEY=VALUE, e.g. aco.beneficiaries=20000", printable(text)));
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Scenario parse_scenario(const std::string& yaml_text, const std::string& origin,
                        const std::vector<Override>& overrides) {
  const YAML::Node root = scenario_root(yaml_text, origin, overrides);
  std::vector<std::string> set_texts;
  for (const Override& o : overrides) set_texts.push_back(o.key + "=" + o.value);
  const Reader rd(origin, set_texts);
  check_section_keys(rd, root, "");
  Scenario s;
  s.path = origin;
  read_name(rd, root, origin, s);
  if (root["performance_year"])
    s.performance_year = static_cast<int>(read_integer(rd, root["performance_year"], "performance_year"));
  read_aco(rd, root, s);
  read_cost_model(rd, root, origin, s);
  read_benchmark(rd, root, s);
  if (root["true_effect"]) s.true_effect = read_uncertain(rd, root["true_effect"], "true_effect");
  read_quality(rd, root, s);
  read_correlation(rd, root, s);
  read_tracks(rd, root, s);
  read_rules_and_guardrail(rd, root, s);  // sim/input/benchmark_reader.cpp
  if (root["risk"]) s.risk = parse_risk(root["risk"], rd);
  read_run_settings(rd, root, s);
  // The feature sections, once the scenario's own keys are read (they are checked against them).
  if (root["agreement"] && s.cms_benchmark) {
    rd.fail(root["agreement"], "agreement",
            "benchmark mode cms settles one performance year (acosim run); agreement paths use mode fixed or "
            "historical");
  }
  if (root["agreement"]) s.agreement = read_agreement(root["agreement"], s);
  if (root["sweep"]) s.sweep = read_sweep_section(root["sweep"], root, origin);
  if (root["tornado"]) s.tornado = read_tornado_section(root["tornado"], origin);
  s.warnings = unit_slip_warnings(s);
  s.text = reproducible_text(yaml_text, root, origin, overrides) + s.text;
  return s;
}

Scenario load_scenario(const std::filesystem::path& path, const std::vector<Override>& overrides) {
  const std::string text = read_input_text(path, "scenario", kMaxScenarioBytes);
  return parse_scenario(text, path.string(), overrides);
}

}  // namespace acosim
