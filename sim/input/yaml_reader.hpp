// Validating access to a YAML tree: every failure names origin:line:column (or the --set override
// the value came from), the key path, the offending value and what is allowed. Shared by the
// scenario loader and the features that own a scenario section (sweep, tornado, risk, agreement).
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/common/error.hpp"
#include "sim/common/parse.hpp"
#include "sim/common/text.hpp"

namespace acosim {

// What a node holds, for "must be X, not Y" messages.
inline std::string node_kind(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "an empty value";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return fmt::format("'{}'", printable(node.Scalar()));
}

// YAML spellings of not-a-number and infinity (core schema and common variants).
inline bool is_nan_or_inf_text(std::string_view s) {
  std::string low;
  for (char c : s) low += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (!low.empty() && (low[0] == '+' || low[0] == '-')) low.erase(0, 1);
  return low == ".nan" || low == "nan" || low == ".inf" || low == "inf" || low == "infinity";
}

// Validating reader over a YAML tree; every failure names origin:line:column and the key path.
class Reader {
 public:
  // `overrides`: "key=value" texts of the --set overrides applied to the tree; an error on such a
  // key (or below it) names the override instead of a line of the file.
  explicit Reader(std::string origin, std::vector<std::string> overrides = {})
      : origin_(std::move(origin)), overrides_(std::move(overrides)) {}

  // Where a failure on `node` at `key` is: "FILE (--set K=V)", "FILE:LINE:COL" or "FILE".
  std::string where(const YAML::Node& node, const std::string& key) const {
    for (const std::string& o : overrides_) {
      const std::string k = o.substr(0, o.find('='));
      if (key == k || (key.size() > k.size() && key.compare(0, k.size(), k) == 0 &&
                       (key[k.size()] == '.' || key[k.size()] == '['))) {
        return fmt::format("{} (--set {})", origin_, printable(o, 120));
      }
    }
    if (node.IsDefined() && node.Mark().line >= 0) {
      return fmt::format("{}:{}:{}", origin_, node.Mark().line + 1, node.Mark().column + 1);
    }
    return origin_;
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& msg) const {
    throw InputError(fmt::format("{}: key '{}': {}", where(node, key), printable(key, 120), msg));
  }

  // Rejects keys outside `allowed`, keys that are not plain names, and keys given twice (YAML
  // readers disagree on which one wins; the scenario must say one thing).
  void check_keys(const YAML::Node& map, const std::string& path,
                  const std::vector<std::string>& allowed) const {
    if (!map.IsMap()) {
      fail(map, path, fmt::format("must be a mapping of keys to values, not {}", node_kind(map)));
    }
    std::vector<std::pair<std::string, int>> seen;
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) {
        throw InputError(fmt::format("{}: a key {}must be a plain name, not {}; allowed here: {}",
                                     where(kv.first, path), path.empty() ? "" : "under '" + path + "' ",
                                     node_kind(kv.first), join(allowed)));
      }
      const std::string k = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        fail(kv.first, join_key(path, k),
             fmt::format("unknown key{}; allowed here: {}", did_you_mean(k, allowed), join(allowed)));
      }
      for (const auto& [name, line] : seen) {
        if (name == k) {
          fail(kv.first, join_key(path, k),
               fmt::format("is given twice (first on line {}); give each key once", line));
        }
      }
      seen.emplace_back(k, kv.first.Mark().line + 1);
    }
  }

  static std::string join_key(const std::string& path, const std::string& k) {
    return path.empty() ? k : path + "." + k;
  }

  // A number; "12%" strings are read as 0.12 when `percent_ok`. `allowed` says what the key takes.
  double number(const YAML::Node& node, const std::string& key, bool percent_ok = false,
                const std::string& allowed = {}) const {
    const std::string what = !allowed.empty() ? allowed
                             : percent_ok     ? "a number (a fraction like 0.01 or a percent like 1%)"
                                              : "a number";
    if (!node.IsScalar()) fail(node, key, fmt::format("must be {}, not {}", what, node_kind(node)));
    std::string s = node.Scalar();
    double scale = 1.0;
    if (percent_ok && !s.empty() && s.back() == '%') {
      s.pop_back();
      scale = 0.01;
    }
    bool too_big = false;
    const std::optional<double> v = parse_decimal(s, &too_big);
    if (!v) {
      if (too_big || is_nan_or_inf_text(s)) {
        fail(node, key,
             fmt::format("'{}' is not a finite number; allowed: {}", printable(node.Scalar()), what));
      }
      fail(node, key, fmt::format("'{}' is not a number; allowed: {}", printable(node.Scalar()), what));
    }
    return *v * scale;
  }

  double number_in(const YAML::Node& node, const std::string& key, double lo, double hi,
                   const std::string& allowed, bool percent_ok = false) const {
    const double v = number(node, key, percent_ok, allowed);
    if (v < lo || v > hi) {
      fail(node, key,
           fmt::format("value {} is out of range; allowed: {}", printable(node.Scalar()), allowed));
    }
    return v;
  }

  long integer_in(const YAML::Node& node, const std::string& key, long lo, long hi) const {
    const std::string allowed = fmt::format("a whole number from {} to {}", lo, hi);
    const double v = number(node, key, false, allowed);
    if (v != std::floor(v)) {
      fail(node, key,
           fmt::format("'{}' is not a whole number; allowed: {}", printable(node.Scalar()), allowed));
    }
    if (v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
      fail(node, key,
           fmt::format("value {} is out of range; allowed: {} to {}", printable(node.Scalar()), lo, hi));
    }
    return static_cast<long>(v);
  }

  bool boolean(const YAML::Node& node, const std::string& key) const {
    if (node.IsScalar()) {
      const std::string& s = node.Scalar();
      if (s == "true" || s == "yes" || s == "on") return true;
      if (s == "false" || s == "no" || s == "off") return false;
    }
    fail(node, key, fmt::format("{} is not true or false; allowed: true, false", node_kind(node)));
  }

  std::string string(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, key, fmt::format("must be a text value, not {}", node_kind(node)));
    return node.Scalar();
  }

  const std::string& origin() const { return origin_; }

 private:
  std::string origin_;
  std::vector<std::string> overrides_;
};

}  // namespace acosim
