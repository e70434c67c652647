#include "sim/input/sweep_reader.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/parse.hpp"
#include "sim/common/text.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {

namespace {

const std::vector<std::string> kShapeKeys = {
    "family", "p_zero", "sigma", "high_weight", "median_ratio", "gamma_shape", "truncation_percentile"};
const std::vector<std::string> kTypes = {"esrd", "disabled", "aged_dual", "aged_nondual"};

std::vector<std::string> make_sweepable() {
  std::vector<std::string> k = {
      "performance_year",
      "runs",
      "seed",
      "aco.beneficiaries",
      "aco.participant_revenue",
      "aco.low_revenue",
      "aco.agreement_start_year",
      "aco.euc_relief_fraction",
      "cost_model.mean_scale",
      "benchmark.mode",
      "benchmark.per_capita",
      "benchmark.weights",
      "benchmark.persistence",
      "benchmark.update_factor",
      "benchmark.update_factor.mean",
      "benchmark.update_factor.sd",
      "true_effect",
      "true_effect.mean",
      "true_effect.sd",
      "quality.score",
      "quality.score.mean",
      "quality.score.sd",
      "quality.threshold",
      "quality.alternative_probability",
      "correlation.effect_benchmark",
      "correlation.effect_quality",
      "correlation.benchmark_quality",
      "tracks[]",
      "tracks[].track",
      "tracks[].msr",
      "tracks[].label",
  };
  for (const auto& t : kTypes) k.push_back("aco.beneficiaries." + t);
  for (const auto& s : kShapeKeys) k.push_back("cost_model.shape." + s);
  for (const auto& t : kTypes) {
    for (const auto& s : kShapeKeys) k.push_back("cost_model.types." + t + "." + s);
    k.push_back("cost_model.types." + t + ".mean");
  }
  for (const char* c :
       {"two_sided", "sharing_rate", "performance_payment_limit", "loss_rate", "loss_rate_floor",
        "loss_rate_ceiling", "loss_limit", "msr", "quality", "sequestration"}) {
    k.push_back(std::string("tracks[].custom.") + c);
  }
  return k;
}

const char* const kTornadoInputsHelp = "must map each input key to [low, high] or {low: ..., high: ...}";

// Keys a sweep must not touch: they are not model inputs. (agreement.* keys are inputs of an
// agreement scenario, whose points each run the whole agreement.)
const std::set<std::string> kNotSweepable = {"name", "description", "threads", "sweep", "tornado", "risk"};

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

// Splits on commas outside [] and {} (a value may be a YAML flow list, e.g. benchmark weights).
std::vector<std::string> split_top_level(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : s) {
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(trim(cur));
  return out;
}

std::vector<std::string> expand_range(const std::string& key, const std::string& range) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= range.size(); ++i) {
    if (i == range.size() || range[i] == ':') {
      parts.push_back(trim(range.substr(start, i - start)));
      start = i + 1;
    }
  }
  auto fail = [&](const std::string& why) {
    throw InputError(fmt::format("sweep key '{}': range '{}' {}", key, range, why));
  };
  if (parts.size() != 3) fail("must be start:stop:step, e.g. 0%:2%:0.5% or 5000:20000:5000");
  std::array<double, 3> v{};
  int percents = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto x = parse_decimal_or_percent(parts[i]);
    if (!x) fail(fmt::format("has a non-numeric {} '{}'", std::array{"start", "stop", "step"}[i], parts[i]));
    v[i] = x->value;
    percents += x->percent;
  }
  if (percents != 0 && percents != 3)
    fail("mixes percents and plain numbers: write % on all three parts or none");
  const double lo = v[0], hi = v[1], step = v[2];
  if (step == 0) fail("has step 0");
  const double ratio = (hi - lo) / step;
  const double tol = 1e-9 * std::max(1.0, std::abs(ratio));
  if (ratio < -tol) {
    fail(fmt::format("is empty: stop {} is {} start {} but the step {} goes the other way", parts[1],
                     hi < lo ? "below" : "above", parts[0], parts[2]));
  }
  const double count = std::floor(ratio + tol) + 1;
  if (count > static_cast<double>(kMaxValues)) {
    fail(fmt::format("gives {:.0f} values; at most {} per key", count, kMaxValues));
  }
  std::vector<std::string> out;
  for (long i = 0; i < static_cast<long>(count); ++i) {
    double x = lo + static_cast<double>(i) * step;
    if (i + 1 == static_cast<long>(count) && std::abs(x - hi) <= tol * std::abs(step)) x = hi;
    // 12 significant digits drop the float noise of lo + i step (0.1 + 2 x 0.1 -> 0.3).
    std::string s = fmt::format("{:.12g}", x);
    if (s == "-0") s = "0";
    out.push_back(percents ? s + "%" : s);
  }
  return out;
}

// Walks `root` along `key`; returns the node or an undefined node.
YAML::Node find_node(const YAML::Node& root, const KeyPath& key) {
  std::vector<YAML::Node> chain{root};
  for (const auto& p : key.parts) {
    const YAML::Node& cur = chain.back();
    if (p.index >= 0) {
      if (!cur.IsSequence() || p.index >= static_cast<long>(cur.size()))
        return YAML::Node(YAML::NodeType::Undefined);
      chain.push_back(cur[static_cast<std::size_t>(p.index)]);
    } else {
      if (!cur.IsMap() || !cur[p.key]) return YAML::Node(YAML::NodeType::Undefined);
      chain.push_back(cur[p.key]);
    }
  }
  return chain.back();
}

// The best "did you mean" for an unknown key among the sweepable patterns (indices as the user
// wrote them, else [0]).
std::string sweep_key_did_you_mean(const KeyPath& key) {
  long first_index = -1;
  for (const auto& p : key.parts) {
    if (p.index >= 0) {
      first_index = p.index;
      break;
    }
  }
  const std::string idx = fmt::format("[{}]", first_index >= 0 ? first_index : 0);
  std::vector<std::string> candidates;
  for (std::string k : sweepable_keys()) {
    const auto at = k.find("[]");
    if (at != std::string::npos) k.replace(at, 2, idx);
    candidates.push_back(k);
  }
  std::string s = did_you_mean(key.text, candidates);
  if (!s.empty()) return s;
  // Same last component (e.g. "beneficiaries" -> "aco.beneficiaries").
  std::string last;
  for (auto it = key.parts.rbegin(); it != key.parts.rend(); ++it) {
    if (it->index < 0) {
      last = it->key;
      break;
    }
  }
  std::string best;
  std::size_t best_d = 3;
  for (const auto& c : candidates) {
    const auto dot = c.find_last_of(".]");
    const std::string tail = dot == std::string::npos ? c : c.substr(dot + 1);
    const std::size_t d = edit_distance(last, tail);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best);
}

// Checks that `key` names a model input of this scenario. Sweepable patterns are accepted (sequence
// indices must exist); other keys only when the scenario file has them as values (keys of newer
// features), and those re-sample.
void check_key(const YAML::Node& root, const KeyPath& key) {
  if (kNotSweepable.count(key.parts.front().key) != 0) {
    const std::string& top = key.parts.front().key;
    throw InputError(
        fmt::format("sweep key '{}': '{}' is not a model input and cannot be varied", key.text, top));
  }
  // Sequence indices must exist: a sweep changes tracks, it does not add them.
  std::vector<YAML::Node> chain{root};
  std::string walked;
  for (const auto& p : key.parts) {
    const YAML::Node& cur = chain.back();
    if (p.index >= 0) {
      if (cur.IsDefined() && cur.IsSequence()) {
        if (p.index >= static_cast<long>(cur.size())) {
          throw InputError(fmt::format(
              "sweep key '{}': {} has {} entr{} (indices 0 to {}); index {} does not exist", key.text, walked,
              cur.size(), cur.size() == 1 ? "y" : "ies", static_cast<long>(cur.size()) - 1, p.index));
        }
        chain.push_back(cur[static_cast<std::size_t>(p.index)]);
      } else {
        if (cur.IsDefined() && !cur.IsNull()) {
          throw InputError(fmt::format("sweep key '{}': {} is not a list, so [{}] does not apply", key.text,
                                       walked, p.index));
        }
        chain.push_back(YAML::Node(YAML::NodeType::Undefined));
      }
      walked += fmt::format("[{}]", p.index);
    } else {
      chain.push_back(cur.IsDefined() && cur.IsMap() && cur[p.key] ? cur[p.key]
                                                                   : YAML::Node(YAML::NodeType::Undefined));
      walked += (walked.empty() ? "" : ".") + p.key;
    }
  }
  const auto& known = sweepable_keys();
  if (std::find(known.begin(), known.end(), key.pattern()) != known.end()) return;
  const YAML::Node existing = find_node(root, key);
  if (existing.IsDefined() && (existing.IsScalar() || existing.IsSequence())) return;
  throw InputError(
      fmt::format("unknown sweep key '{}'{}; sweepable keys are listed in docs/sweeps-and-risk.md "
                  "(e.g. aco.beneficiaries, true_effect.mean, quality.score.mean, tracks[1].msr)",
                  key.text, sweep_key_did_you_mean(key)));
}

void set_value(YAML::Node root, const KeyPath& key, const YAML::Node& value) {
  // A chain of handles: yaml-cpp's Node::operator= assigns *values*, so never rebind a handle.
  std::vector<YAML::Node> chain{root};
  for (std::size_t i = 0; i < key.parts.size(); ++i) {
    const auto& p = key.parts[i];
    const bool last = i + 1 == key.parts.size();
    YAML::Node cur = chain.back();
    if (p.index >= 0) {
      // check_key guaranteed that the sequence and the element exist.
      if (last) {
        cur[static_cast<std::size_t>(p.index)] = value;
        return;
      }
      chain.push_back(cur[static_cast<std::size_t>(p.index)]);
      continue;
    }
    if (cur.IsScalar()) {
      // Shorthands: `true_effect: -1%` -> {mean: -1%}; a track id `BASIC_E` -> {track: BASIC_E}.
      const bool uncertain = p.key == "mean" || p.key == "sd";
      const bool track = i >= 1 && key.parts[i - 1].index >= 0 && i >= 2 &&
                         key.parts[i - 2].key == "tracks" &&
                         (p.key == "msr" || p.key == "track" || p.key == "label");
      YAML::Node replacement(YAML::NodeType::Map);
      if (uncertain)
        replacement["mean"] = YAML::Clone(cur);
      else if (track)
        replacement["track"] = YAML::Clone(cur);
      else
        throw InputError(fmt::format("sweep key '{}': '{}' is a single value here, not a mapping", key.text,
                                     cur.Scalar()));
      YAML::Node parent = chain[chain.size() - 2];
      const auto& pp = key.parts[i - 1];
      if (pp.index >= 0)
        parent[static_cast<std::size_t>(pp.index)] = replacement;
      else
        parent[pp.key] = replacement;
      chain.pop_back();
      chain.push_back(pp.index >= 0 ? parent[static_cast<std::size_t>(pp.index)] : parent[pp.key]);
      cur = chain.back();
    }
    if (last) {
      cur[p.key] = value;
      return;
    }
    if (!cur[p.key]) cur[p.key] = YAML::Node(YAML::NodeType::Map);
    chain.push_back(cur[p.key]);
  }
}

// Checks each axis key against the scenario tree (`marks`: where the section gave each key).
void check_axes(const YAML::Node& root, const std::vector<SweepAxis>& axes,
                const std::vector<YAML::Mark>& marks, const std::string& origin) {
  std::set<std::string> keys;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const auto& a = axes[i];
    try {
      check_key(root, parse_key_path(a.key));
    } catch (const InputError& e) {
      if (i < marks.size()) {
        throw InputError(
            fmt::format("{}:{}:{}: {}", origin, marks[i].line + 1, marks[i].column + 1, e.what()));
      }
      throw;
    }
    if (!keys.insert(a.key).second) throw InputError(fmt::format("sweep key '{}' is given twice", a.key));
  }
}

// One `sweep.vary` entry's values: a list (flow-written when not scalar) or a range.
std::vector<std::string> section_values(const Reader& rd, const std::string& key, const YAML::Node& vals,
                                        const std::string& origin) {
  const std::string where = "sweep.vary." + key;
  try {
    if (vals.IsSequence()) {
      if (vals.size() == 0) rd.fail(vals, where, "is an empty list");
      std::string joined;
      for (const auto& e : vals) {
        std::string s;
        if (e.IsScalar()) {
          s = e.Scalar();
        } else {
          YAML::Emitter em;
          em << YAML::Flow << e;
          s = em.c_str();
        }
        joined += (joined.empty() ? "" : ",") + s;
      }
      return expand_values(key, joined);
    }
    if (vals.IsScalar()) return expand_values(key, vals.Scalar());
    rd.fail(vals, where, "must be a list of values or a range \"start:stop:step\"");
  } catch (const InputError& e) {
    const std::string msg = e.what();
    if (msg.rfind(origin, 0) == 0) throw;
    throw InputError(fmt::format("{}:{}:{}: {}", origin, vals.Mark().line + 1, vals.Mark().column + 1, msg));
  }
}

// The points' scenarios, built and validated, then grouped into sampling passes.
SweepPlan build_plan(const Scenario& base, std::vector<SweepAxis> axes, std::vector<PlannedPoint> points) {
  for (auto& pt : points) pt.scenario = apply_assignments(base, pt.set);
  return group_points(base, std::move(axes), std::move(points));
}

int tornado_track_index(const Scenario& base, const std::string& track) {
  std::vector<std::string> labels;
  for (const auto& c : base.tracks) labels.push_back(c.label);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == track) return static_cast<int>(i);
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    auto lower = [](std::string x) {
      for (char& c : x) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return x;
    };
    if (lower(labels[i]) == lower(track)) return static_cast<int>(i);
  }
  if (!track.empty() && track.find_first_not_of("0123456789") == std::string::npos && track.size() < 6) {
    const long i = std::stol(track);
    if (i < static_cast<long>(labels.size())) return static_cast<int>(i);
  }
  std::string quoted;
  for (const auto& l : labels) quoted += (quoted.empty() ? "'" : ", '") + l + "'";
  throw InputError(
      fmt::format("--track '{}': no such track{}; the scenario's tracks are {} (or their index 0 to {})",
                  track, did_you_mean(track, labels), quoted, labels.size() - 1));
}

}  // namespace

std::string KeyPath::pattern() const {
  std::string s;
  for (const auto& p : parts) {
    if (p.index >= 0)
      s += "[]";
    else
      s += (s.empty() ? "" : ".") + p.key;
  }
  return s;
}

KeyPath parse_key_path(const std::string& text) {
  KeyPath k;
  k.text = text;
  auto fail = [&](const std::string& why) {
    throw InputError(
        fmt::format("sweep key '{}': {}; write keys like aco.beneficiaries or tracks[1].msr", text, why));
  };
  if (trim(text).empty()) fail("is empty");
  std::size_t i = 0;
  bool expect_key = true;
  while (i < text.size()) {
    if (text[i] == '[') {
      const auto close = text.find(']', i);
      if (close == std::string::npos) fail("has an unclosed '['");
      const std::string digits = text.substr(i + 1, close - i - 1);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
          digits.size() > 6) {
        fail(fmt::format("'[{}]' is not a list index (a whole number >= 0)", digits));
      }
      if (k.parts.empty()) fail("starts with an index");
      k.parts.push_back({"", std::stol(digits)});
      i = close + 1;
      expect_key = false;
      if (i < text.size() && text[i] != '.' && text[i] != '[') fail("needs a '.' after ']'");
      continue;
    }
    if (text[i] == '.') {
      if (expect_key) fail("has an empty component");
      expect_key = true;
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] != '.' && text[j] != '[') ++j;
    if (!expect_key) fail("needs a '.' between components");
    const std::string part = text.substr(i, j - i);
    if (part.find_first_of(" \t=,:]") != std::string::npos)
      fail(fmt::format("component '{}' has a space or one of =,:]", part));
    k.parts.push_back({part, -1});
    expect_key = false;
    i = j;
  }
  if (expect_key) fail("ends with '.'");
  return k;
}

const std::vector<std::string>& sweepable_keys() {
  static const std::vector<std::string> keys = make_sweepable();
  return keys;
}

std::vector<std::string> expand_values(const std::string& key, const std::string& spec) {
  if (trim(spec).empty()) {
    throw InputError(
        fmt::format("sweep key '{}': no values; give a list (5000,10000) or a range start:stop:step", key));
  }
  std::vector<std::string> out;
  for (const std::string& item : split_top_level(spec)) {
    if (item.empty()) {
      throw InputError(fmt::format("sweep key '{}': empty value in '{}' (two commas in a row?)", key, spec));
    }
    if (item.find(':') != std::string::npos && item.front() != '[' && item.front() != '{') {
      for (auto& v : expand_range(key, item)) out.push_back(std::move(v));
    } else {
      out.push_back(item);
    }
  }
  std::set<std::string> seen;
  for (const auto& v : out) {
    if (!seen.insert(v).second)
      throw InputError(fmt::format("sweep key '{}': value '{}' is listed twice", key, v));
  }
  if (out.size() > kMaxValues) {
    throw InputError(
        fmt::format("sweep key '{}': {} values; at most {} per key", key, out.size(), kMaxValues));
  }
  return out;
}

SweepSection read_sweep_section(const YAML::Node& sw, const YAML::Node& root, const std::string& origin) {
  const Reader rd(origin);
  rd.check_keys(sw, "sweep", {"vary"});
  const YAML::Node vy = sw["vary"];
  if (!vy || !vy.IsMap() || vy.size() == 0)
    rd.fail(vy ? vy : sw, "sweep.vary", "must map one or more keys to values");
  SweepSection section;
  std::vector<YAML::Mark> marks;  // positions of section keys, for messages
  for (const auto& kv : vy) {
    const std::string key = kv.first.as<std::string>();
    section.axes.push_back({key, section_values(rd, key, kv.second, origin), false});
    marks.push_back(kv.first.Mark());
  }
  check_axes(root, section.axes, marks, origin);
  return section;
}

std::vector<SweepAxis> sweep_axes(const Scenario& base, const std::vector<std::string>& vary) {
  if (vary.empty()) {
    if (!base.sweep) {
      throw InputError(
          fmt::format("{}: nothing to sweep: add --vary KEY=VALUES or a sweep: section "
                      "(sweep: {{vary: {{aco.beneficiaries: [5000, 10000]}}}})",
                      base.path));
    }
    return base.sweep->axes;  // checked at load
  }
  std::vector<SweepAxis> axes;
  for (const auto& v : vary) {
    const auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw InputError(
          fmt::format("--vary '{}': expected KEY=VALUES, e.g. aco.beneficiaries=5000,10000 or "
                      "tracks[1].msr=0%:2%:0.5%",
                      v));
    }
    const std::string key = trim(v.substr(0, eq));
    axes.push_back({key, expand_values(key, v.substr(eq + 1)), false});
  }
  check_axes(YAML::Load(base.text), axes, {}, base.path);
  return axes;
}

Scenario apply_assignments(const Scenario& base, const std::vector<Assignment>& set) {
  YAML::Node root = YAML::Load(base.text);
  if (!root.IsMap()) root = YAML::Node(YAML::NodeType::Map);
  // The point's scenario runs as itself: no sweep/tornado section inside it.
  root.remove("sweep");
  root.remove("tornado");
  for (const auto& a : set) {
    const KeyPath k = parse_key_path(a.key);
    check_key(root, k);
    YAML::Node value;
    try {
      value = YAML::Load(a.value);
    } catch (const YAML::Exception& e) {
      throw InputError(
          fmt::format("sweep key '{}' value '{}': not a valid YAML value: {}", a.key, a.value, e.msg));
    }
    set_value(root, k, value);
  }
  YAML::Emitter out;
  out << root;
  const std::string text = std::string(out.c_str()) + "\n";
  try {
    return parse_scenario(text, base.path);
  } catch (const InputError& e) {
    std::string what;
    for (const auto& a : set) what += fmt::format("{}{}={}", what.empty() ? "" : ", ", a.key, a.value);
    // The scenario reader's file:line refers to the re-emitted text, not the user's file: drop it.
    std::string msg = e.what();
    const auto at = msg.find(": key '");
    if (msg.rfind(base.path, 0) == 0 && at != std::string::npos) msg = msg.substr(at + 2);
    throw InputError(fmt::format("sweep point {}: {}", what, msg));
  }
}

SweepPlan plan_grid(const Scenario& base, std::vector<SweepAxis> axes) {
  if (axes.empty()) throw InputError("a sweep needs at least one key to vary");
  double total = 1;
  for (const auto& a : axes) total *= static_cast<double>(a.values.size());
  if (total > static_cast<double>(kMaxPoints)) {
    throw InputError(fmt::format(
        "the sweep has {:.0f} grid points; at most {} (split it into smaller sweeps)", total, kMaxPoints));
  }
  std::vector<PlannedPoint> points;
  std::vector<std::size_t> idx(axes.size(), 0);
  for (long n = 0; n < static_cast<long>(total); ++n) {
    PlannedPoint p;
    p.index = idx;
    for (std::size_t k = 0; k < axes.size(); ++k) p.set.push_back({axes[k].key, axes[k].values[idx[k]]});
    points.push_back(std::move(p));
    for (std::size_t k = axes.size(); k-- > 0;) {  // odometer: last axis fastest
      if (++idx[k] < axes[k].values.size()) break;
      idx[k] = 0;
    }
  }
  return build_plan(base, std::move(axes), std::move(points));
}

SweepPlan plan_points(const Scenario& base, const std::vector<std::vector<Assignment>>& sets) {
  if (sets.size() > kMaxPoints)
    throw InputError(fmt::format("{} points; at most {}", sets.size(), kMaxPoints));
  std::vector<PlannedPoint> points;
  for (const auto& s : sets) {
    PlannedPoint p;
    p.set = s;
    points.push_back(std::move(p));
  }
  return build_plan(base, {}, std::move(points));
}

TornadoSpec read_tornado_section(const YAML::Node& tn, const std::string& origin) {
  const Reader rd(origin);
  TornadoSpec spec;
  spec.location = rd.where(tn, "tornado");
  rd.check_keys(tn, "tornado", {"inputs", "metric", "track"});
  if (tn["metric"]) spec.metric = rd.string(tn["metric"], "tornado.metric");
  if (tn["track"]) spec.track = rd.string(tn["track"], "tornado.track");
  if (tn["metric"] &&
      std::find(tornado_metrics().begin(), tornado_metrics().end(), spec.metric) == tornado_metrics().end()) {
    rd.fail(tn["metric"], "tornado.metric",
            fmt::format("unknown metric '{}'{}; allowed: {}", spec.metric,
                        did_you_mean(spec.metric, tornado_metrics()), join(tornado_metrics())));
  }
  const YAML::Node in = tn["inputs"];
  if (!in) return spec;  // the --input flags may give them (tornado_spec checks)
  if (!in.IsMap() || in.size() == 0) rd.fail(in, "tornado.inputs", kTornadoInputsHelp);
  for (const auto& kv : in) {
    const std::string key = kv.first.as<std::string>();
    const std::string where = "tornado.inputs." + key;
    const YAML::Node& v = kv.second;
    TornadoInput ti{key, "", ""};
    if (v.IsSequence() && v.size() == 2 && v[0].IsScalar() && v[1].IsScalar()) {
      ti.low = v[0].Scalar();
      ti.high = v[1].Scalar();
    } else if (v.IsMap()) {
      rd.check_keys(v, where, {"low", "high"});
      if (!v["low"] || !v["high"] || !v["low"].IsScalar() || !v["high"].IsScalar()) {
        rd.fail(v, where, "needs both low and high values");
      }
      ti.low = v["low"].Scalar();
      ti.high = v["high"].Scalar();
    } else {
      rd.fail(v, where, "must be [low, high] or {low: ..., high: ...}");
    }
    spec.inputs.push_back(std::move(ti));
  }
  return spec;
}

TornadoSpec tornado_spec(const Scenario& base, const std::vector<std::string>& input_flags,
                         const std::string& metric_flag, const std::string& track_flag) {
  TornadoSpec spec = base.tornado.value_or(TornadoSpec{});
  if (base.tornado && input_flags.empty() && spec.inputs.empty()) {
    throw InputError(fmt::format("{}: key 'tornado.inputs': {}", spec.location, kTornadoInputsHelp));
  }
  if (!input_flags.empty()) spec.inputs.clear();  // the flags replace the section's inputs
  for (const auto& f : input_flags) {
    const auto eq = f.find('=');
    const auto parts =
        eq == std::string::npos ? std::vector<std::string>{} : split_top_level(f.substr(eq + 1));
    if (eq == std::string::npos || eq == 0 || parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
      throw InputError(
          fmt::format("--input '{}': expected KEY=LOW,HIGH, e.g. true_effect.mean=-4.5%,1.5%", f));
    }
    spec.inputs.push_back({trim(f.substr(0, eq)), parts[0], parts[1]});
  }
  if (!metric_flag.empty()) spec.metric = metric_flag;
  if (!track_flag.empty()) spec.track = track_flag;
  if (std::find(tornado_metrics().begin(), tornado_metrics().end(), spec.metric) == tornado_metrics().end()) {
    throw InputError(fmt::format("--metric '{}': unknown metric{}; allowed: {}", spec.metric,
                                 did_you_mean(spec.metric, tornado_metrics()), join(tornado_metrics())));
  }
  if (spec.inputs.empty()) {
    throw InputError(
        fmt::format("{}: no tornado inputs: add a tornado: section (tornado: {{inputs: "
                    "{{true_effect.mean: [-4.5%, 1.5%]}}}}) or --input KEY=LOW,HIGH",
                    base.path));
  }
  std::set<std::string> seen;
  for (const auto& in : spec.inputs) {
    if (!seen.insert(in.key).second)
      throw InputError(fmt::format("tornado input '{}' is given twice", in.key));
    if (in.low == in.high) {
      throw InputError(fmt::format(
          "tornado input '{}': low and high are both '{}'; give two different values", in.key, in.low));
    }
  }
  if (!spec.track.empty()) spec.track_index = tornado_track_index(base, spec.track);
  return spec;
}

SweepPlan plan_tornado(const Scenario& base, const TornadoSpec& spec) {
  if (!spec.track.empty()) tornado_track_index(base, spec.track);
  std::vector<std::vector<Assignment>> sets;
  sets.push_back({});  // the base
  for (const auto& in : spec.inputs) {
    sets.push_back({{in.key, in.low}});
    sets.push_back({{in.key, in.high}});
  }
  return plan_points(base, sets);
}

}  // namespace acosim
