// The number formats every report uses, in one place: money (whole dollars, compact, cents),
// percentages, probabilities and counts. Non-finite values print as "n/a"; nothing prints "-0".
#pragma once

#include <string>

namespace acosim::report {

std::string fixed(double x, int decimals);  // "12.35"; never "-0.00"
std::string count(long n);                  // "1,234,567"
std::string money_full(double usd);         // whole dollars: "$1,234,567", "-$52,000"
std::string money_compact(double usd);      // three significant digits: "$1.23M", "-$456K", "$87"
std::string percent(double pct);            // a value already in percent: 1.234 -> "1.23%"
std::string probability(double p);          // a fraction: 0.1234 -> "12.34%"
std::string ratio(double x);                // a factor: 1.0234 -> "1.0234"

// Plain machine-readable numbers for CSV cells: amounts in USD to the cent ("1234.57"), other
// quantities to `significant` significant digits ("0.123457"); "" for non-finite values.
std::string csv_cents(double usd);
std::string csv_number(double x, int significant = 6);

}  // namespace acosim::report
