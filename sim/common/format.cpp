#include "sim/common/format.hpp"

#include <array>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace acosim {

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

}  // namespace

std::string fixed(double x, int decimals) {
  if (!std::isfinite(x)) return "n/a";
  std::string s = fmt::format("{:.{}f}", x, decimals);
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string count(long long n) {
  const unsigned long long magnitude =
      n < 0 ? 0ULL - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
  return fmt::format("{}{}", n < 0 ? "-" : "", grouped(std::to_string(magnitude)));
}

std::string money_full(double usd) {
  if (!std::isfinite(usd)) return "n/a";
  const double r = std::round(usd);
  if (r == 0) return "$0";
  return fmt::format("{}${}", r < 0 ? "-" : "", grouped(fmt::format("{:.0f}", std::fabs(r))));
}

std::string money_compact(double usd) {
  if (!std::isfinite(usd)) return "n/a";
  const double a = std::fabs(usd);
  const char* sign = usd < 0 ? "-" : "";
  if (a < 999.5) {
    const long v = std::lround(a);
    return v == 0 ? "$0" : fmt::format("{}${}", sign, v);
  }
  constexpr std::array<std::pair<double, const char*>, 4> kScales = {
      {{1e3, "K"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}}};
  std::size_t i = 0;
  while (i + 1 < kScales.size() && a / kScales[i].first >= 999.5) ++i;
  const double v = a / kScales[i].first;
  const int decimals = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
  return fmt::format("{}${:.{}f}{}", sign, v, decimals, kScales[i].second);
}

std::string percent_of(double fraction, int decimals) { return fixed(100.0 * fraction, decimals) + "%"; }

}  // namespace acosim
