// Validating access to a YAML tree: every failure names origin:line:column, the key path, the
// offending value and what is allowed. Shared by the scenario loader and the features that own a
// scenario section (sweep, tornado, risk, agreement).
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/error.hpp"

namespace acosim {

// Levenshtein distance, for "did you mean" suggestions.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1] ? 1 : 0)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

inline std::string suggestion(std::string_view key, const std::vector<std::string>& allowed) {
  std::string best;
  std::size_t best_d = 3;  // suggest only close matches
  for (const auto& a : allowed) {
    const std::size_t d = edit_distance(key, a);
    if (d < best_d) {
      best_d = d;
      best = a;
    }
  }
  return best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best);
}

inline std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Validating reader over a YAML tree; every failure names origin:line:column and the key path.
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& msg) const {
    std::string where = origin_;
    if (node.IsDefined() && node.Mark().line >= 0) {
      where += fmt::format(":{}:{}", node.Mark().line + 1, node.Mark().column + 1);
    } else {
      where += " (from --set)";
    }
    throw InputError(fmt::format("{}: key '{}': {}", where, key, msg));
  }

  // Rejects keys outside `allowed`.
  void check_keys(const YAML::Node& map, const std::string& path,
                  const std::vector<std::string>& allowed) const {
    if (!map.IsMap()) fail(map, path, "must be a mapping of keys to values");
    for (const auto& kv : map) {
      const std::string k = kv.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        fail(kv.first, join_key(path, k),
             fmt::format("unknown key{}; allowed here: {}", suggestion(k, allowed), join(allowed)));
      }
    }
  }

  static std::string join_key(const std::string& path, const std::string& k) {
    return path.empty() ? k : path + "." + k;
  }

  // A number; "12%" strings are read as 0.12 when `percent_ok`.
  double number(const YAML::Node& node, const std::string& key, bool percent_ok = false) const {
    if (!node.IsScalar()) fail(node, key, "must be a number");
    std::string s = node.Scalar();
    double scale = 1.0;
    if (percent_ok && !s.empty() && s.back() == '%') {
      s.pop_back();
      scale = 0.01;
    }
    double v = 0;
    std::size_t used = 0;
    try {
      v = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != s.size()) {
      fail(node, key, fmt::format("'{}' is not a number{}", node.Scalar(),
                                  percent_ok ? " (a fraction like 0.01 or a percent like 1%)" : ""));
    }
    if (!std::isfinite(v)) fail(node, key, fmt::format("'{}' must be finite", node.Scalar()));
    return v * scale;
  }

  double number_in(const YAML::Node& node, const std::string& key, double lo, double hi,
                   const std::string& allowed, bool percent_ok = false) const {
    const double v = number(node, key, percent_ok);
    if (v < lo || v > hi) fail(node, key, fmt::format("value {} is out of range; allowed: {}", node.Scalar(), allowed));
    return v;
  }

  long integer_in(const YAML::Node& node, const std::string& key, long lo, long hi) const {
    const double v = number(node, key);
    if (v != std::floor(v)) fail(node, key, fmt::format("'{}' must be a whole number", node.Scalar()));
    if (v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
      fail(node, key, fmt::format("value {} is out of range; allowed: {} to {}", node.Scalar(), lo, hi));
    }
    return static_cast<long>(v);
  }

  bool boolean(const YAML::Node& node, const std::string& key) const {
    if (node.IsScalar()) {
      const std::string& s = node.Scalar();
      if (s == "true" || s == "yes" || s == "on") return true;
      if (s == "false" || s == "no" || s == "off") return false;
    }
    fail(node, key, fmt::format("'{}' must be true or false", node.IsScalar() ? node.Scalar() : "?"));
  }

  std::string string(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, key, "must be a text value");
    return node.Scalar();
  }

  const std::string& origin() const { return origin_; }

 private:
  std::string origin_;
};

}  // namespace acosim
