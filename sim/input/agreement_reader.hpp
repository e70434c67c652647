// The `agreement:` section reader (docs/agreements.md): checks every key and value of the section
// against the scenario it belongs to (its tracks, performance year, quality threshold, revenue)
// and returns the plain-value AgreementSpec (sim/engine/agreement_spec.hpp). Called at load by
// the scenario reader, after the scenario's own keys.
#pragma once

#include <yaml-cpp/yaml.h>

#include "sim/engine/agreement_spec.hpp"
#include "sim/engine/scenario.hpp"

namespace acosim {

// Throws InputError "file:line:col: key 'agreement.x': message" (what is allowed included).
AgreementSpec read_agreement(const YAML::Node& section, const Scenario& scenario);

}  // namespace acosim
