#include "sim/output/report/numbers.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>

namespace acosim::report {

std::string percent(double pct) { return std::isfinite(pct) ? fixed(pct, 2) + "%" : "n/a"; }

std::string ratio(double x) { return fixed(x, 4); }

std::string csv_cents(double usd) { return std::isfinite(usd) ? fixed(usd, 2) : ""; }

std::string csv_number(double x, int significant) {
  if (!std::isfinite(x)) return "";
  std::string s = fmt::format("{:.{}g}", x, significant);
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);  // never "-0"
  return s;
}

}  // namespace acosim::report
