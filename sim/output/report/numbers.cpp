#include "sim/output/report/numbers.hpp"

#include <array>
#include <cmath>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace acosim::report {

namespace {

// Digits of a non-negative integer with thousands separators: "1234567" -> "1,234,567".
std::string grouped(const std::string& digits) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// Drops a leading '-' from a string that rounds to zero ("-0.00" -> "0.00").
std::string no_negative_zero(std::string s) {
  if (!s.empty() && s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

}  // namespace

std::string fixed(double x, int decimals) {
  if (!std::isfinite(x)) return "n/a";
  return no_negative_zero(fmt::format("{:.{}f}", x, decimals));
}

std::string count(long n) { return fmt::format("{}{}", n < 0 ? "-" : "", grouped(std::to_string(n < 0 ? -n : n))); }

std::string money_full(double x) {
  if (!std::isfinite(x)) return "n/a";
  const double r = std::round(x);
  if (r == 0) return "$0";
  return fmt::format("{}${}", r < 0 ? "-" : "", grouped(fmt::format("{:.0f}", std::fabs(r))));
}

std::string money_compact(double x) {
  if (!std::isfinite(x)) return "n/a";
  const double a = std::fabs(x);
  const char* sign = x < 0 ? "-" : "";
  if (a < 999.5) {
    const long v = std::lround(a);
    return v == 0 ? "$0" : fmt::format("{}${}", sign, v);
  }
  constexpr std::array<std::pair<double, const char*>, 4> kScales = {{{1e3, "K"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}}};
  std::size_t i = 0;
  while (i + 1 < kScales.size() && a / kScales[i].first >= 999.5) ++i;
  const double v = a / kScales[i].first;
  const int decimals = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
  return fmt::format("{}${:.{}f}{}", sign, v, decimals, kScales[i].second);
}

std::string percent(double pct) { return std::isfinite(pct) ? fixed(pct, 2) + "%" : "n/a"; }

std::string probability(double p) { return std::isfinite(p) ? fixed(100.0 * p, 2) + "%" : "n/a"; }

std::string ratio(double x) { return fixed(x, 4); }

std::string csv_cents(double usd) { return std::isfinite(usd) ? fixed(usd, 2) : ""; }

std::string csv_number(double x, int significant) {
  if (!std::isfinite(x)) return "";
  return no_negative_zero(fmt::format("{:.{}g}", x, significant));
}

}  // namespace acosim::report
