// One formatter for each kind of number a person reads: money, percentages, probabilities,
// counts. Reports, verdict sentences, audits and messages all use these, so a figure reads the
// same everywhere. Non-finite values print as "n/a".
#pragma once

#include <string>

namespace acosim {

// `x` with `decimals` decimals, never "-0.00".
std::string fixed(double x, int decimals);

// 1234567 -> "1,234,567"; -52000 -> "-52,000".
std::string count(long long n);

// Whole dollars with separators: "$1,234,567", "-$52,000", "$0".
std::string money_full(double usd);

// Three significant digits with a K/M/B/T suffix: "$1.23M", "-$456K", "$87".
std::string money_compact(double usd);

// A fraction as a percentage: percent_of(0.01234) = "1.23%"; `decimals` after the point.
std::string percent_of(double fraction, int decimals = 2);

// A probability as a percentage with two decimals: "12.34%".
inline std::string probability(double p) { return percent_of(p, 2); }

}  // namespace acosim
