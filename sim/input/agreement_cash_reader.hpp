// The `agreement.cash` section reader (benchmark-rules.md §9.2-§9.4, cited "bench §9";
// docs/agreements.md "Cash across the agreement"): advance investment payments (42 CFR 425.630) and
// prepaid shared savings (425.640) as amounts per path year, every key checked against its row in
// sim/input/key_schema.cpp and against the agreement it belongs to (eligibility).
#pragma once

#include <yaml-cpp/yaml.h>

#include "sim/engine/agreement_spec.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {

// Reads `node` (agreement.cash) for the agreement `sp` (its years and paths already read). Throws
// InputError "file:line:col: key 'agreement.cash.x': message" naming what is allowed.
AgreementCashSpec read_agreement_cash(const Reader& rd, const YAML::Node& node, const Scenario& s,
                                      const AgreementSpec& sp);

}  // namespace acosim
