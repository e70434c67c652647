// One strict number parser for every text a user types: scenario values, --set and --vary
// values, sweep grids. Plain decimals only: [+-]digits[.digits][e[+-]digits] (also ".5", "5.");
// rejects what std::stod would also take (hex "0x10", "inf", "nan", blanks, trailing text).
#pragma once

#include <optional>
#include <string_view>

namespace acosim {

// The value of a strict decimal; nullopt when `s` is not one. A finite spelling whose value
// overflows a double (1e999) also gives nullopt, and sets *out_of_range when given.
std::optional<double> parse_decimal(std::string_view s, bool* out_of_range = nullptr);

// A strict decimal with an optional trailing '%': "1.5%" -> {1.5, true}, "0.015" -> {0.015,
// false}. The caller decides what a percent means (usually value / 100).
struct DecimalOrPercent {
  double value = 0;
  bool percent = false;
};
std::optional<DecimalOrPercent> parse_decimal_or_percent(std::string_view s);

}  // namespace acosim
