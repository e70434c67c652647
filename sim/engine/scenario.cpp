// The plain-value Scenario's derived figures (sim/engine/scenario.hpp). Reading one from YAML is
// sim/input/scenario_reader.cpp's job; the engine needs only these.
#include "sim/engine/scenario.hpp"

namespace acosim {

long Scenario::total_beneficiaries() const {
  long n = 0;
  for (long b : beneficiaries) n += b;
  return n;
}

double Scenario::expected_spending_per_capita() const {
  double total = 0;
  for (std::size_t e = 0; e < beneficiaries.size(); ++e)
    total += static_cast<double>(beneficiaries[e]) * cost_means[e];
  return total / static_cast<double>(total_beneficiaries());
}

}  // namespace acosim
