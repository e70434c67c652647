#include "models/msr.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace acosim {
namespace {

struct MsrRow {
  long lo, hi;        // assigned beneficiaries, inclusive
  double m_lo, m_hi;  // MSR at the ends [fraction]
};

// 42 CFR 425.605(b)(1) Table; spec §2.1 [V-doc][V-data: 1,801 of 1,802 one-sided ACO-years].
constexpr std::array<MsrRow, 12> kTable = {{
    {500, 999, 0.122, 0.087},
    {1000, 2999, 0.087, 0.050},
    {3000, 4999, 0.050, 0.039},
    {5000, 5999, 0.039, 0.036},
    {6000, 6999, 0.036, 0.034},
    {7000, 7999, 0.034, 0.032},
    {8000, 8999, 0.032, 0.031},
    {9000, 9999, 0.031, 0.030},
    {10000, 14999, 0.030, 0.027},
    {15000, 19999, 0.027, 0.025},
    {20000, 49999, 0.025, 0.022},
    {50000, 59999, 0.022, 0.020},
}};
constexpr double kFloor = 0.020;  // 60,000 and more

}  // namespace

double msr_table(long n) {
  if (n < kMsrTableMinBeneficiaries) {
    throw std::invalid_argument("assigned beneficiaries " + std::to_string(n) +
                                " is below 500, where the MSR table (42 CFR 425.605(b)(1)) gives no "
                                "value; give the MSR explicitly");
  }
  for (const MsrRow& row : kTable) {
    if (n >= row.lo && n <= row.hi) {
      const double lo = static_cast<double>(row.lo), hi = static_cast<double>(row.hi);
      const double x = static_cast<double>(n);
      return (row.m_lo * (hi - x) + row.m_hi * (x - lo)) / (hi - lo);
    }
  }
  return kFloor;
}

}  // namespace acosim
