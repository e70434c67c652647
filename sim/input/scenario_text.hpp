// The scenario's text before its keys are read: checked to be one UTF-8 YAML document, parsed, and
// the --set overrides applied. Every refusal names FILE:LINE:COLUMN (or the override), what is
// wrong and what to write instead (docs/hardening.md lists the classes).
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/engine/scenario.hpp"

namespace acosim {

// A scenario is a small text file.
inline constexpr std::size_t kMaxScenarioBytes = 4u << 20;

// Rejects text that is not UTF-8 YAML before the YAML parser sees it: UTF-16 / UTF-32, binary
// data, control characters, bytes that are not UTF-8, and a quoted value left open at the end of
// its line (YAML would run it on into the following lines, swallowing their keys).
void check_scenario_text(const std::string& text, const std::string& origin);

// The one YAML document of the text (an empty text gives a null node). Refuses a second document
// ('---' after content), which a loader would silently drop, and explains a tab used for
// indentation instead of the parser's "illegal map value".
YAML::Node load_scenario_yaml(const std::string& text, const std::string& origin);

// Applies "a.b[i].c=value": maps are walked (and created); a list index must exist. Refuses an
// empty value, naming what the key allows.
void apply_override(YAML::Node root, const Override& o, const std::string& origin);

}  // namespace acosim
