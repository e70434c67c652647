#include "sim/common/parse.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

namespace acosim {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Index one past the decimal's grammar, or npos when `s` does not start with one.
std::size_t decimal_end(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return std::string_view::npos;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return std::string_view::npos;
  }
  return i;
}

}  // namespace

std::optional<double> parse_decimal(std::string_view s, bool* out_of_range) {
  if (decimal_end(s) != s.size()) return std::nullopt;
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

std::optional<DecimalOrPercent> parse_decimal_or_percent(std::string_view s) {
  DecimalOrPercent out;
  out.percent = !s.empty() && s.back() == '%';
  if (out.percent) s.remove_suffix(1);
  const auto v = parse_decimal(s);
  if (!v) return std::nullopt;
  out.value = *v;
  return out;
}

}  // namespace acosim
