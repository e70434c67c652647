// The number formats of the reports: the project's one formatter (sim/common/format.hpp) for
// money, counts and probabilities, plus what only reports need: a value already in percent, a
// ratio, and plain machine-readable CSV cells.
#pragma once

#include <string>

#include "sim/common/format.hpp"

namespace acosim::report {

using acosim::count;          // "1,234,567"
using acosim::fixed;          // "12.35"; never "-0.00"
using acosim::money_compact;  // "$1.23M", "-$456K", "$87"
using acosim::money_full;     // "$1,234,567", "-$52,000"
using acosim::probability;    // a fraction: 0.1234 -> "12.34%"

std::string percent(double pct);  // a value already in percent: 1.234 -> "1.23%"
std::string ratio(double x);      // a factor: 1.0234 -> "1.0234"

// Plain machine-readable numbers for CSV cells: amounts in USD to the cent ("1234.57"), other
// quantities to `significant` significant digits ("0.123457"); "" for non-finite values.
std::string csv_cents(double usd);
std::string csv_number(double x, int significant = 6);

}  // namespace acosim::report
