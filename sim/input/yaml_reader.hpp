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
  if (key.size() > 256) return "";  // not a typo of a short name; and keeps the cost bounded
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

// A value as it should appear in a message: control characters escaped (\n, \x00, ...), long
// values shortened, so a message is one readable line whatever the input held.
inline std::string printable(std::string_view s, std::size_t max_len = 60) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (out.size() >= max_len) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7F) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out;
}

// What a node holds, for "must be X, not Y" messages.
inline std::string node_kind(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "an empty value";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return fmt::format("'{}'", printable(node.Scalar()));
}

// Strict decimal number: [+-]digits[.digits][e[+-]digits] (also ".5", "5."). Rejects what
// std::stod would also take (hex "0x10", "inf", "nan", leading blanks, trailing text).
inline std::optional<double> parse_decimal(std::string_view s, bool* out_of_range = nullptr) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  const std::string_view body = (s.front() == '+') ? s.substr(1) : s;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && !std::isfinite(v))) {
    if (out_of_range) *out_of_range = true;
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != body.data() + body.size()) return std::nullopt;
  return v;
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
             fmt::format("unknown key{}; allowed here: {}", suggestion(k, allowed), join(allowed)));
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
    const std::string what =
        !allowed.empty() ? allowed
                         : percent_ok ? "a number (a fraction like 0.01 or a percent like 1%)" : "a number";
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
        fail(node, key, fmt::format("'{}' is not a finite number; allowed: {}", printable(node.Scalar()), what));
      }
      fail(node, key, fmt::format("'{}' is not a number; allowed: {}", printable(node.Scalar()), what));
    }
    return *v * scale;
  }

  double number_in(const YAML::Node& node, const std::string& key, double lo, double hi,
                   const std::string& allowed, bool percent_ok = false) const {
    const double v = number(node, key, percent_ok, allowed);
    if (v < lo || v > hi) {
      fail(node, key, fmt::format("value {} is out of range; allowed: {}", printable(node.Scalar()), allowed));
    }
    return v;
  }

  long integer_in(const YAML::Node& node, const std::string& key, long lo, long hi) const {
    const std::string allowed = fmt::format("a whole number from {} to {}", lo, hi);
    const double v = number(node, key, false, allowed);
    if (v != std::floor(v)) {
      fail(node, key, fmt::format("'{}' is not a whole number; allowed: {}", printable(node.Scalar()), allowed));
    }
    if (v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
      fail(node, key, fmt::format("value {} is out of range; allowed: {} to {}", printable(node.Scalar()), lo, hi));
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
