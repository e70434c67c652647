#include "sim/engine/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "sim/input/agreement_reader.hpp"
#include "sim/input/csv.hpp"
#include "sim/input/sweep_reader.hpp"
#include "sim/common/error.hpp"
#include "sim/common/text.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {
namespace {

// A scenario is a small text file.
constexpr std::size_t kMaxScenarioBytes = 4u << 20;

// Rejects text that is not UTF-8 YAML before the YAML parser sees it: UTF-16 / UTF-32 (a byte-order
// mark or NUL bytes), binary data, control characters, bytes that are not UTF-8. Names line:column.
void check_scenario_text(const std::string& text, const std::string& origin) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.size() > kMaxScenarioBytes) {
    throw InputError(fmt::format("{}: the scenario is larger than {} MiB; a scenario is a small YAML text file",
                                 origin, kMaxScenarioBytes >> 20));
  }
  if (text.size() >= 4 && ((b(0) == 0 && b(1) == 0 && b(2) == 0xFE && b(3) == 0xFF) ||
                           (b(0) == 0xFF && b(1) == 0xFE && b(2) == 0 && b(3) == 0))) {
    throw InputError(fmt::format("{}: the file is UTF-32; save the scenario as UTF-8 text", origin));
  }
  if (text.size() >= 2 && ((b(0) == 0xFF && b(1) == 0xFE) || (b(0) == 0xFE && b(1) == 0xFF))) {
    throw InputError(fmt::format("{}: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save the "
                                 "scenario as UTF-8 text", origin));
  }
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = b(i);
    if (c == '\n') {
      ++line;
      column = 1;
      ++i;
      continue;
    }
    if (c == 0) {
      throw InputError(fmt::format("{}:{}:{}: a NUL byte: this is not a text file (binary data, or UTF-16 without "
                                   "a byte-order mark?); save the scenario as UTF-8 text", origin, line, column));
    }
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
      throw InputError(fmt::format("{}:{}:{}: control character 0x{:02x} is not allowed in a scenario (binary "
                                   "data?); save the scenario as UTF-8 text", origin, line, column, c));
    }
    if (c >= 0x80) {
      const std::size_t len = utf8_length(text, i);
      if (len == 0) {
        throw InputError(fmt::format("{}:{}:{}: byte 0x{:02x} is not valid UTF-8 (a Latin-1 / Windows-1252 file, "
                                     "or binary data?); save the scenario as UTF-8 text", origin, line, column, c));
      }
      i += len;
    } else {
      ++i;
    }
    ++column;
  }
}

// Applies "a.b.c=value" by walking (and creating) maps.
void apply_override(YAML::Node root, const Override& o, const std::string& origin) {
  std::vector<std::string> parts;
  std::stringstream ss(o.key);
  for (std::string p; std::getline(ss, p, '.');) {
    if (p.empty()) {
      throw InputError(fmt::format("--set {}={}: the key has an empty component (expected KEY.SUBKEY=VALUE, "
                                   "e.g. aco.beneficiaries=20000)", printable(o.key), printable(o.value)));
    }
    parts.push_back(p);
  }
  YAML::Node value;
  try {
    value = YAML::Load(o.value);
    // A scalar made without a file position, so an error about it says "(from --set)" rather
    // than pointing at line 1 of the scenario file.
    if (value.IsScalar()) value = YAML::Node(value.Scalar());
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("--set {}={}: the value is not valid YAML: {}", printable(o.key),
                                 printable(o.value), e.msg));
  }
  std::vector<YAML::Node> chain{root};
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node next = chain.back()[parts[i]];
    if (next.IsDefined() && !next.IsMap() && !next.IsNull()) {
      throw InputError(fmt::format("--set {}={}: '{}' in {} holds {}, not a mapping of keys, so it has no "
                                   "key '{}'", printable(o.key), printable(o.value), parts[i], origin,
                                   node_kind(next), parts[i + 1]));
    }
    chain.push_back(next);
  }
  chain.back()[parts.back()] = value;
}

Uncertain read_uncertain(const Reader& rd, const YAML::Node& node, const std::string& key,
                         double lo, double hi, const std::string& allowed, bool percent_ok) {
  Uncertain u;
  if (node.IsScalar()) {
    u.mean = rd.number_in(node, key, lo, hi, allowed, percent_ok);
    return u;
  }
  rd.check_keys(node, key, {"mean", "sd"});
  if (!node["mean"]) rd.fail(node, key + ".mean", "is required");
  u.mean = rd.number_in(node["mean"], key + ".mean", lo, hi, allowed, percent_ok);
  if (node["sd"]) {
    u.sd = rd.number_in(node["sd"], key + ".sd", 0, hi - lo, "a non-negative number", percent_ok);
  }
  return u;
}

CostShape read_shape(const Reader& rd, const YAML::Node& node, const std::string& key, CostShape shape) {
  rd.check_keys(node, key, {"family", "p_zero", "sigma", "high_weight", "median_ratio", "gamma_shape",
                            "truncation_percentile", "mean"});
  if (node["family"]) {
    const std::string f = rd.string(node["family"], key + ".family");
    if (f == "lognormal") shape.family = CostFamily::Lognormal;
    else if (f == "gamma") shape.family = CostFamily::Gamma;
    else if (f == "lognormal_mixture") shape.family = CostFamily::LognormalMixture;
    else rd.fail(node["family"], key + ".family",
                 fmt::format("'{}' is not a cost family; allowed: lognormal, gamma, lognormal_mixture", f));
  }
  if (node["p_zero"]) shape.p_zero = rd.number_in(node["p_zero"], key + ".p_zero", 0, 0.999, "a probability in [0, 1)", true);
  if (node["sigma"]) shape.sigma = rd.number_in(node["sigma"], key + ".sigma", 1e-6, 5, "a log-scale SD in (0, 5]");
  if (node["high_weight"]) shape.high_weight = rd.number_in(node["high_weight"], key + ".high_weight", 0, 1, "a probability in [0, 1]", true);
  if (node["median_ratio"]) shape.median_ratio = rd.number_in(node["median_ratio"], key + ".median_ratio", 1, 1e4, "a ratio of at least 1");
  if (node["gamma_shape"]) shape.gamma_shape = rd.number_in(node["gamma_shape"], key + ".gamma_shape", 1e-3, 100, "a shape in (0, 100]");
  if (node["truncation_percentile"]) {
    shape.truncation_percentile = rd.number_in(node["truncation_percentile"], key + ".truncation_percentile",
                                               0.5001, 1.0, "a fraction in (0.5, 1] (1 = no truncation)", true);
  }
  return shape;
}

// Splits a total into types by shares, largest remainder (the parts sum exactly to the total).
std::array<long, kEnrollmentTypes> split(long total, const std::array<double, kEnrollmentTypes>& shares) {
  std::array<long, kEnrollmentTypes> out{};
  std::array<double, kEnrollmentTypes> rem{};
  long used = 0;
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const double exact = static_cast<double>(total) * shares[static_cast<std::size_t>(e)];
    out[static_cast<std::size_t>(e)] = static_cast<long>(std::floor(exact));
    rem[static_cast<std::size_t>(e)] = exact - std::floor(exact);
    used += out[static_cast<std::size_t>(e)];
  }
  while (used < total) {
    const auto it = std::max_element(rem.begin(), rem.end());
    out[static_cast<std::size_t>(it - rem.begin())] += 1;
    *it = -1;
    ++used;
  }
  return out;
}

// Share of assigned person-years by type, CMS PY2023 results (cost-model.md §2).
constexpr std::array<double, kEnrollmentTypes> kNationalMix = {0.004, 0.073, 0.055, 0.868};

std::string percent_label(double f) { return fmt::format("{:g}%", std::round(f * 1e6) / 1e4); }

TrackChoice read_track(const Reader& rd, const YAML::Node& node, const std::string& key, int py) {
  TrackChoice c;
  if (node.IsScalar()) {
    const Track* t = find_track(node.Scalar());
    if (!t) rd.fail(node, key, fmt::format("unknown track '{}'; allowed: {}, or a custom contract", node.Scalar(), known_track_ids()));
    c.track = *t;
  } else if (node.IsMap() && node["custom"]) {
    rd.check_keys(node, key, {"custom"});
    const YAML::Node cu = node["custom"];
    const std::string k = key + ".custom";
    rd.check_keys(cu, k, {"name", "two_sided", "sharing_rate", "performance_payment_limit", "loss_rate",
                          "loss_rate_floor", "loss_rate_ceiling", "loss_limit", "msr", "quality",
                          "sequestration"});
    Track& t = c.track;
    t.custom = true;
    if (!cu["name"]) rd.fail(cu, k + ".name", "is required");
    t.id = rd.string(cu["name"], k + ".name");
    t.name = t.id;
    t.two_sided = cu["two_sided"] ? rd.boolean(cu["two_sided"], k + ".two_sided") : false;
    if (!cu["sharing_rate"]) rd.fail(cu, k + ".sharing_rate", "is required");
    t.max_sharing_rate = rd.number_in(cu["sharing_rate"], k + ".sharing_rate", 0, 1, "a fraction in [0, 1]", true);
    t.performance_payment_limit = cu["performance_payment_limit"]
        ? rd.number_in(cu["performance_payment_limit"], k + ".performance_payment_limit", 0, 10, "a fraction of the benchmark >= 0", true)
        : 1e9;  // uncapped
    t.msr_rule = MsrRule::Elected;
    if (t.two_sided) {
      if (cu["loss_rate"]) {
        t.loss_rate_rule = LossRateRule::Fixed;
        t.loss_rate = rd.number_in(cu["loss_rate"], k + ".loss_rate", 0, 1, "a fraction in [0, 1]", true);
      } else {
        t.loss_rate_rule = LossRateRule::OneMinusSharing;
        t.loss_rate_floor = cu["loss_rate_floor"] ? rd.number_in(cu["loss_rate_floor"], k + ".loss_rate_floor", 0, 1, "a fraction in [0, 1]", true) : 0.0;
        t.loss_rate_ceiling = cu["loss_rate_ceiling"] ? rd.number_in(cu["loss_rate_ceiling"], k + ".loss_rate_ceiling", 0, 1, "a fraction in [0, 1]", true) : 1.0;
        if (t.loss_rate_floor > t.loss_rate_ceiling) rd.fail(cu, k + ".loss_rate_floor", "must not exceed loss_rate_ceiling");
      }
      t.loss_limit_rule = LossLimitRule::ShareOfBenchmark;
      t.loss_limit_benchmark_share = cu["loss_limit"]
          ? rd.number_in(cu["loss_limit"], k + ".loss_limit", 0, 10, "a fraction of the benchmark >= 0", true)
          : 1e9;
    }
    QualityRule q = QualityRule::None;
    if (cu["quality"]) {
      const std::string s = rd.string(cu["quality"], k + ".quality");
      if (s == "none") q = QualityRule::None;
      else if (s == "scaled") q = QualityRule::Scaled;
      else if (s == "all_or_nothing") q = QualityRule::AllOrNothing;
      else if (s == "all_or_nothing_with_alternative") q = QualityRule::AllOrNothingWithAlternative;
      else rd.fail(cu["quality"], k + ".quality", fmt::format("'{}' is not a quality rule; allowed: none, scaled, all_or_nothing, all_or_nothing_with_alternative", s));
    }
    t.quality_rule_override = q;
    t.sequestration_override = cu["sequestration"] ? rd.number_in(cu["sequestration"], k + ".sequestration", 0, 1, "a fraction in [0, 1]", true) : 0.0;
    t.first_py = 0;
    t.last_py = 9999;
    c.election = MsrElection::fixed(0.0);
    if (cu["msr"]) {
      const YAML::Node m = cu["msr"];
      if (m.IsScalar() && m.Scalar() == "variable") c.election = MsrElection::table();
      else c.election = MsrElection::fixed(rd.number_in(m, k + ".msr", 0, 0.5, "'variable' or a rate in [0, 50%]", true));
    }
    c.label = t.id;
    return c;
  } else if (node.IsMap()) {
    rd.check_keys(node, key, {"track", "msr", "label"});
    if (!node["track"]) rd.fail(node, key + ".track", "is required");
    const Track* t = find_track(rd.string(node["track"], key + ".track"));
    if (!t) rd.fail(node["track"], key + ".track", fmt::format("unknown track '{}'; allowed: {}", node["track"].Scalar(), known_track_ids()));
    c.track = *t;
    if (node["msr"]) {
      if (!t->two_sided) rd.fail(node["msr"], key + ".msr", fmt::format("{} is one-sided: its MSR comes from the table (42 CFR 425.605(b)(1)); remove msr", t->id));
      const YAML::Node m = node["msr"];
      if (m.IsScalar() && m.Scalar() == "variable") {
        c.election = MsrElection::table();
      } else {
        const double r = rd.number(m, key + ".msr", true);
        const std::array<double, 5> allowed = {0.0, 0.005, 0.01, 0.015, 0.02};
        if (std::none_of(allowed.begin(), allowed.end(), [&](double a) { return std::abs(a - r) < 1e-12; })) {
          rd.fail(m, key + ".msr", fmt::format("'{}' is not an allowed election; allowed: variable, 0%, 0.5%, 1%, 1.5%, 2% (42 CFR 425.605(b)(2))", m.Scalar()));
        }
        c.election = MsrElection::fixed(r);
      }
    } else if (t->two_sided) {
      rd.fail(node, key + ".msr", fmt::format("{} is two-sided: choose its MSR/MLR election (variable, 0%, 0.5%, 1%, 1.5% or 2%)", t->id));
    }
    if (node["label"]) c.label = rd.string(node["label"], key + ".label");
  } else {
    rd.fail(node, key, "must be a track id, {track: ID, msr: ELECTION} or {custom: {...}}");
  }
  if (c.track.two_sided && node.IsScalar()) {
    rd.fail(node, key, fmt::format("{} is two-sided: write {{track: {}, msr: ELECTION}} with ELECTION one of variable, 0%, 0.5%, 1%, 1.5%, 2%", c.track.id, c.track.id));
  }
  if (py < c.track.first_py || py > c.track.last_py) {
    rd.fail(node, key, fmt::format("{} was not reconciled in PY{} (only PY{}-PY{})", c.track.id, py, c.track.first_py, c.track.last_py));
  }
  if (c.label.empty()) {
    c.label = c.track.id;
    if (c.track.two_sided) c.label += c.election.variable ? " msr=variable" : " msr=" + percent_label(c.election.rate);
  }
  return c;
}

// cost_model.empirical: {file: costs.csv, truncation_percentile: 0.99}. The CSV has columns
// enrollment_type (esrd, disabled, aged_dual, aged_nondual) and annual_cost [USD]; a relative path
// is read from the scenario's folder. A type with a `types.<type>.mean` is rescaled to that mean.
void read_empirical(const Reader& rd, const YAML::Node& cm, const std::string& origin, Scenario& s) {
  const YAML::Node em = cm["empirical"];
  rd.check_keys(em, "cost_model.empirical", {"file", "truncation_percentile"});
  if (!em["file"]) rd.fail(em, "cost_model.empirical.file", "is required: a CSV with columns enrollment_type, annual_cost");
  std::filesystem::path file = rd.string(em["file"], "cost_model.empirical.file");
  if (file.is_relative()) file = std::filesystem::path(origin).parent_path() / file;
  const double trunc = em["truncation_percentile"]
      ? rd.number_in(em["truncation_percentile"], "cost_model.empirical.truncation_percentile", 0.5001, 1.0, "a fraction in (0.5, 1]", true)
      : 0.99;
  const CsvTable table = CsvTable::read(file);
  {  // Record which data the run used: the scenario text names only the path.
    std::ifstream in(file, std::ios::binary);
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a 64
    for (char ch; in.get(ch);) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
    s.text += fmt::format("\n# empirical cost file {} ({} rows, FNV-1a 64 {:016x})\n", file.string(), table.size(), h);
  }
  if (table.empty()) rd.fail(em["file"], "cost_model.empirical.file", fmt::format("{} has no data rows", file.string()));
  const std::size_t type_col = table.require("enrollment_type", "esrd, disabled, aged_dual or aged_nondual");
  const std::size_t cost_col = table.require("annual_cost", "annual Parts A+B spending [USD]");
  std::array<std::vector<double>, kEnrollmentTypes> costs;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const CsvRow row = table.row(i);
    const auto type = parse_enrollment_type(row.cell(type_col));
    if (!type) row.fail(type_col, fmt::format("'{}' is not an enrollment type; allowed: esrd, disabled, aged_dual, aged_nondual", row.cell(type_col)));
    const double c = row.number(cost_col, "annual cost in dollars, 0 to 100,000,000").value;
    if (!std::isfinite(c) || c < 0 || c > 1e8 || row.cell(cost_col).back() == '%') {
      row.fail(cost_col, fmt::format("'{}' is out of range (expected annual cost in dollars, 0 to 100,000,000)",
                                     row.cell(cost_col)));
    }
    costs[static_cast<std::size_t>(*type)].push_back(c);
  }
  const YAML::Node types = cm["types"];
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto k = static_cast<std::size_t>(e);
    const std::string t(to_string(static_cast<EnrollmentType>(e)));
    if (costs[k].empty()) {
      if (s.beneficiaries[k] > 0) {
        rd.fail(em["file"], "cost_model.empirical.file", fmt::format("{} has no {} rows but the ACO has {} {} beneficiaries", file.string(), t, s.beneficiaries[k], t));
      }
      continue;
    }
    std::optional<double> mean;
    if (types && types[t] && types[t]["mean"]) mean = s.cost_means[k];
    try {
      s.empirical[k] = EmpiricalCost(std::move(costs[k]), trunc, mean);
    } catch (const std::invalid_argument& ex) {
      rd.fail(em["file"], "cost_model.empirical.file", fmt::format("{}: {} rows: {}", file.string(), t, ex.what()));
    }
    s.cost_means[k] = s.empirical[k]->mean();
  }
}

}  // namespace

long Scenario::total_beneficiaries() const {
  long n = 0;
  for (long b : beneficiaries) n += b;
  return n;
}

double Scenario::expected_spending_per_capita() const {
  double total = 0;
  for (std::size_t e = 0; e < beneficiaries.size(); ++e) total += static_cast<double>(beneficiaries[e]) * cost_means[e];
  return total / static_cast<double>(total_beneficiaries());
}

Override parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(fmt::format("--set '{}': expected KEY=VALUE, e.g. aco.beneficiaries=20000", text));
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Scenario parse_scenario(const std::string& yaml_text, const std::string& origin,
                        const std::vector<Override>& overrides) {
  check_scenario_text(yaml_text, origin);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::DeepRecursion& e) {
    throw InputError(fmt::format("{}:{}:{}: not valid YAML: lists or mappings are nested too deeply (a scenario "
                                 "needs a few levels)", origin, e.mark.line + 1, e.mark.column + 1));
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}:{}:{}: not valid YAML: {}", origin, e.mark.line + 1, e.mark.column + 1, e.msg));
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}: not valid YAML: {}", origin, e.msg));
  }
  if (!root.IsDefined() || root.IsNull()) {
    if (overrides.empty()) {
      throw InputError(fmt::format("{}: the scenario is empty (expected a mapping with at least the keys aco "
                                   "and tracks; see scenarios/default.yaml)", origin));
    }
    root = YAML::Node(YAML::NodeType::Map);
  }
  if (!root.IsMap()) {
    throw InputError(fmt::format("{}: a scenario must be a mapping of keys to values (aco: ..., tracks: ...), "
                                 "not {}", origin, node_kind(root)));
  }
  for (const Override& o : overrides) apply_override(root, o, origin);

  std::vector<std::string> set_texts;
  for (const Override& o : overrides) set_texts.push_back(o.key + "=" + o.value);
  const Reader rd(origin, set_texts);
  rd.check_keys(root, "", {"name", "description", "performance_year", "aco", "cost_model", "benchmark",
                           "true_effect", "quality", "correlation", "tracks", "runs", "seed", "threads",
                           "sweep", "tornado", "risk", "agreement"});
  Scenario s;
  s.path = origin;
  s.name = root["name"] ? rd.string(root["name"], "name") : std::filesystem::path(origin).stem().string();
  if (root["name"]) {
    // The name becomes the default output file results/<name>.h5: no path separators, no
    // control characters, no leading dot (".." would leave the results folder).
    const bool bad_char = std::any_of(s.name.begin(), s.name.end(), [](char c) {
      return c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
    });
    if (s.name.empty() || s.name.size() > 200 || s.name.front() == '.' || bad_char) {
      rd.fail(root["name"], "name",
              fmt::format("'{}' cannot name the results file results/<name>.h5; allowed: 1-200 characters, no "
                          "'/', '\\' or control characters, not starting with '.'", printable(s.name)));
    }
  }
  if (root["performance_year"]) {
    s.performance_year = static_cast<int>(rd.integer_in(root["performance_year"], "performance_year", kFirstRuleYear, kLastRuleYear));
  }

  // aco
  const YAML::Node aco = root["aco"];
  if (!aco) rd.fail(root, "aco", "is required (the ACO's beneficiaries and revenue)");
  rd.check_keys(aco, "aco", {"beneficiaries", "participant_revenue", "low_revenue", "agreement_start_year",
                             "euc_relief_fraction"});
  const YAML::Node bn = aco["beneficiaries"];
  if (!bn) rd.fail(aco, "aco.beneficiaries", "is required: a total, or counts by enrollment type");
  if (bn.IsScalar()) {
    s.beneficiaries = split(rd.integer_in(bn, "aco.beneficiaries", 1, 10'000'000), kNationalMix);
  } else {
    rd.check_keys(bn, "aco.beneficiaries", {"esrd", "disabled", "aged_dual", "aged_nondual"});
    for (int e = 0; e < kEnrollmentTypes; ++e) {
      const std::string t(to_string(static_cast<EnrollmentType>(e)));
      if (bn[t]) s.beneficiaries[static_cast<std::size_t>(e)] = rd.integer_in(bn[t], "aco.beneficiaries." + t, 0, 10'000'000);
    }
  }
  if (s.total_beneficiaries() <= 0) rd.fail(bn, "aco.beneficiaries", "must total at least 1 beneficiary");
  if (s.total_beneficiaries() < kMsrTableMinBeneficiaries) {
    rd.fail(bn, "aco.beneficiaries", fmt::format("{} beneficiaries is below 500, where the MSR table (42 CFR 425.605(b)(1)) has no value", s.total_beneficiaries()));
  }
  if (aco["participant_revenue"]) s.participant_revenue = rd.number_in(aco["participant_revenue"], "aco.participant_revenue", 0, 1e12, "a non-negative dollar amount");
  if (aco["low_revenue"]) s.low_revenue = rd.boolean(aco["low_revenue"], "aco.low_revenue");
  if (aco["agreement_start_year"]) s.agreement_start_year = static_cast<int>(rd.integer_in(aco["agreement_start_year"], "aco.agreement_start_year", 2012, kLastRuleYear));
  if (aco["euc_relief_fraction"]) s.euc_relief_fraction = rd.number_in(aco["euc_relief_fraction"], "aco.euc_relief_fraction", 0, 1, "a fraction in [0, 1]", true);

  // cost_model
  CostShape base = national_shape();
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    s.cost_means[static_cast<std::size_t>(e)] = national_mean(static_cast<EnrollmentType>(e));
  }
  if (const YAML::Node cm = root["cost_model"]) {
    rd.check_keys(cm, "cost_model", {"preset", "shape", "types", "mean_scale", "empirical"});
    if (cm["preset"] && rd.string(cm["preset"], "cost_model.preset") != "national") {
      rd.fail(cm["preset"], "cost_model.preset", fmt::format("'{}' is not a preset; allowed: national", cm["preset"].Scalar()));
    }
    if (cm["shape"]) base = read_shape(rd, cm["shape"], "cost_model.shape", base);
    for (auto& sh : s.cost_shapes) sh = base;
    if (cm["mean_scale"]) {
      const double k = rd.number_in(cm["mean_scale"], "cost_model.mean_scale", 0.01, 100, "a positive ratio");
      for (double& m : s.cost_means) m *= k;
    }
    if (const YAML::Node types = cm["types"]) {
      rd.check_keys(types, "cost_model.types", {"esrd", "disabled", "aged_dual", "aged_nondual"});
      for (int e = 0; e < kEnrollmentTypes; ++e) {
        const std::string t(to_string(static_cast<EnrollmentType>(e)));
        if (const YAML::Node tn = types[t]) {
          const std::string k = "cost_model.types." + t;
          s.cost_shapes[static_cast<std::size_t>(e)] = read_shape(rd, tn, k, base);
          if (tn["mean"]) s.cost_means[static_cast<std::size_t>(e)] = rd.number_in(tn["mean"], k + ".mean", 1, 1e7, "a positive dollar amount per beneficiary-year");
        }
      }
    }
  } else {
    for (auto& sh : s.cost_shapes) sh = base;
  }
  if (root["cost_model"] && root["cost_model"]["empirical"]) read_empirical(rd, root["cost_model"], origin, s);
  for (int e = 0; e < kEnrollmentTypes; ++e) {  // surface model errors at load, with the key
    try {
      CostDistribution check(s.cost_shapes[static_cast<std::size_t>(e)], s.cost_means[static_cast<std::size_t>(e)]);
    } catch (const std::invalid_argument& ex) {
      rd.fail(root["cost_model"], "cost_model", fmt::format("{}: {}", to_string(static_cast<EnrollmentType>(e)), ex.what()));
    }
  }

  // benchmark
  if (const YAML::Node b = root["benchmark"]) {
    rd.check_keys(b, "benchmark", {"mode", "per_capita", "weights", "persistence", "update_factor"});
    if (b["mode"]) {
      const std::string m = rd.string(b["mode"], "benchmark.mode");
      if (m == "fixed") s.benchmark_mode = BenchmarkMode::Fixed;
      else if (m == "historical") s.benchmark_mode = BenchmarkMode::Historical;
      else rd.fail(b["mode"], "benchmark.mode", fmt::format("'{}' is not a mode; allowed: fixed, historical", m));
    }
    if (b["per_capita"]) {
      if (s.benchmark_mode != BenchmarkMode::Fixed) rd.fail(b["per_capita"], "benchmark.per_capita", "applies only to mode: fixed");
      if (!(b["per_capita"].IsScalar() && b["per_capita"].Scalar() == "expected")) {
        s.benchmark_per_capita = rd.number_in(b["per_capita"], "benchmark.per_capita", 1, 1e7, "'expected' or a positive dollar amount");
      }
    }
    if (b["weights"]) {
      const YAML::Node w = b["weights"];
      if (s.benchmark_mode != BenchmarkMode::Historical) rd.fail(w, "benchmark.weights", "applies only to mode: historical");
      if (w.IsScalar() && (w.Scalar() == "first_agreement" || w.Scalar() == "rebased")) {
        s.base_year_weights = w.Scalar() == "rebased" ? std::array<double, 3>{1.0 / 3, 1.0 / 3, 1.0 / 3}
                                                      : std::array<double, 3>{0.1, 0.3, 0.6};
      } else {
        if (!w.IsSequence() || w.size() != 3) rd.fail(w, "benchmark.weights", "must be first_agreement (0.1/0.3/0.6), rebased (1/3 each) or a list of 3 weights for BY1, BY2, BY3");
        double sum = 0;
        for (std::size_t i = 0; i < 3; ++i) {
          s.base_year_weights[i] = rd.number_in(w[i], fmt::format("benchmark.weights[{}]", i), 0, 1, "a weight in [0, 1]");
          sum += s.base_year_weights[i];
        }
        if (std::abs(sum - 1.0) > 1e-9) rd.fail(w, "benchmark.weights", fmt::format("weights sum to {}, must sum to 1", sum));
      }
    }
    if (b["persistence"]) {
      if (s.benchmark_mode != BenchmarkMode::Historical) rd.fail(b["persistence"], "benchmark.persistence", "applies only to mode: historical");
      s.persistence = rd.number_in(b["persistence"], "benchmark.persistence", 0, 0.999, "a correlation in [0, 1)");
    }
    if (b["update_factor"]) s.update_factor = read_uncertain(rd, b["update_factor"], "benchmark.update_factor", 0.5, 2.0, "a ratio in [0.5, 2]", false);
  }

  if (root["true_effect"]) s.true_effect = read_uncertain(rd, root["true_effect"], "true_effect", -0.9, 0.9, "a fraction in [-0.9, 0.9], e.g. -0.02 or -2%", true);

  // quality
  const RuleYear& year = rule_year(s.performance_year);
  s.qps_threshold = year.qps_threshold;
  if (const YAML::Node q = root["quality"]) {
    rd.check_keys(q, "quality", {"score", "threshold", "alternative_probability"});
    if (q["score"]) s.quality = read_uncertain(rd, q["score"], "quality.score", 0, 100, "a score in [0, 100]", false);
    if (q["threshold"]) s.qps_threshold = rd.number_in(q["threshold"], "quality.threshold", 0, 100, "a score in [0, 100]");
    if (q["alternative_probability"]) s.alt_qps_probability = rd.number_in(q["alternative_probability"], "quality.alternative_probability", 0, 1, "a probability in [0, 1]", true);
  }
  const bool needs_threshold = year.quality_rule != QualityRule::Scaled;
  if (needs_threshold && !s.qps_threshold) {
    rd.fail(root["quality"] ? root["quality"] : root, "quality.threshold",
            fmt::format("PY{} has no published quality performance standard value in the spec; set quality.threshold", s.performance_year));
  }

  // correlation of (true_effect, update_factor, quality)
  if (const YAML::Node c = root["correlation"]) {
    rd.check_keys(c, "correlation", {"effect_benchmark", "effect_quality", "benchmark_quality"});
    auto read_r = [&](const char* k, int i, int j) {
      if (c[k]) {
        const double r = rd.number_in(c[k], std::string("correlation.") + k, -1, 1, "a correlation in [-1, 1]");
        s.correlation(i, j) = s.correlation(j, i) = r;
      }
    };
    read_r("effect_benchmark", 0, 1);
    read_r("effect_quality", 0, 2);
    read_r("benchmark_quality", 1, 2);
    Eigen::LLT<Eigen::Matrix3d> llt(s.correlation);
    if (llt.info() != Eigen::Success || llt.matrixL().toDenseMatrix().diagonal().minCoeff() < 1e-9) {
      rd.fail(c, "correlation", "the correlation matrix of (true_effect, benchmark.update_factor, quality) is not positive definite; reduce the correlations");
    }
  }

  // tracks
  const YAML::Node tr = root["tracks"];
  if (!tr || !tr.IsSequence() || tr.size() == 0) {
    rd.fail(tr ? tr : root, "tracks", fmt::format("must list at least one track (allowed ids: {}, or {{custom: ...}})", known_track_ids()));
  }
  std::set<std::string> labels;
  for (std::size_t i = 0; i < tr.size(); ++i) {
    TrackChoice c = read_track(rd, tr[i], fmt::format("tracks[{}]", i), s.performance_year);
    if (flat_two_percent_msr(c.track, s.performance_year, s.agreement_start_year) &&
        (c.election.variable || std::abs(c.election.rate - kTrack2FlatMsr) > 1e-12)) {
      rd.fail(tr[i].IsMap() && tr[i]["msr"] ? tr[i]["msr"] : tr[i], fmt::format("tracks[{}].msr", i),
              fmt::format("TRACK_2 in PY{} (aco.agreement_start_year {}) had a flat 2% MSR/MLR (2012-2015 starts, "
                          "settlement-rules.md §1.2); allowed: 2%", s.performance_year, s.agreement_start_year));
    }
    if (!labels.insert(c.label).second) rd.fail(tr[i], fmt::format("tracks[{}]", i), fmt::format("track '{}' is listed twice; give one a label", c.label));
    const bool needs_revenue = c.track.loss_limit_rule == LossLimitRule::RevenueCappedByBenchmark;
    if (needs_revenue && !s.participant_revenue) {
      rd.fail(tr[i], fmt::format("tracks[{}]", i), fmt::format("{}'s loss limit depends on ACO-participant revenue: set aco.participant_revenue [USD]", c.track.id));
    }
    s.tracks.push_back(std::move(c));
  }

  for (const char* section : {"risk"}) {
    if (root[section]) s.sections[section] = root[section];
  }

  if (root["runs"]) s.runs = rd.integer_in(root["runs"], "runs", 1, 100'000'000);
  if (const YAML::Node sn = root["seed"]) {
    const char* allowed = "a whole number from 0 to 18446744073709551615";
    const std::string text = sn.IsScalar() ? sn.Scalar() : std::string();
    if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), s.seed);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        rd.fail(sn, "seed", fmt::format("value {} is out of range; allowed: {}", printable(text), allowed));
      }
    } else {
      const double v = rd.number(sn, "seed", false, allowed);
      if (v < 0 || v != std::floor(v) || v >= 9007199254740992.0) {  // exact in a double below 2^53
        rd.fail(sn, "seed", fmt::format("'{}' is not allowed; allowed: {} (write seeds above 2^53 as plain digits)",
                                        printable(text), allowed));
      }
      s.seed = static_cast<std::uint64_t>(v);
    }
  }
  if (root["threads"]) s.threads = static_cast<int>(rd.integer_in(root["threads"], "threads", 0, 4096));

  // The feature sections, once the scenario's own keys are read (they are checked against them).
  if (root["agreement"]) s.agreement = read_agreement(root["agreement"], s);
  if (root["sweep"]) s.sweep = read_sweep_section(root["sweep"], root, origin);
  if (root["tornado"]) s.tornado = read_tornado_section(root["tornado"], origin);

  if (overrides.empty()) {
    s.text = yaml_text + s.text;
  } else {
    YAML::Emitter out;
    out << root;
    if (!out.good()) {
      throw InputError(fmt::format("{}: the scenario with its --set overrides cannot be written back as YAML ({}); "
                                   "simplify the overridden values", origin, out.GetLastError()));
    }
    s.text = std::string(out.c_str()) + "\n" + s.text;
  }
  return s;
}

Scenario load_scenario(const std::filesystem::path& path, const std::vector<Override>& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(fmt::format("cannot read scenario {}: it is a directory, not a YAML file", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read scenario {}: no such file or not readable", path.string()));
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxScenarioBytes) {
      throw InputError(fmt::format("{}: the file is larger than {} MiB; a scenario is a small YAML text file "
                                   "(is this the right file?)", path.string(), kMaxScenarioBytes >> 20));
    }
  }
  if (in.bad()) throw InputError(fmt::format("cannot read scenario {}: read error", path.string()));
  return parse_scenario(text, path.string(), overrides);
}

}  // namespace acosim
