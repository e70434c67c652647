// Reads `benchmark: {mode: cms, ...}` (the benchmark as CMS reports it, sim/engine/benchmark_spec.hpp),
// the top-level `rules:` overlay, and the tracks' `acpt_guardrail` switch (docs/scenario.md,
// "benchmark, CMS form"; benchmark-rules.md). Every error names the file, line, key, the offending
// value and what is allowed.
#pragma once

#include <yaml-cpp/yaml.h>

#include "sim/engine/scenario.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {

// True when the `benchmark` mapping selects `mode: cms`.
bool is_cms_benchmark(const YAML::Node& benchmark);

// Modes fixed and historical: refuses the keys only mode cms reads ("applies only to mode: cms").
void refuse_cms_only_keys(const Reader& rd, const YAML::Node& benchmark);

// Reads the CMS-form benchmark into s.cms_benchmark (sets s.benchmark_mode = Cms) after `aco` and
// `cost_model` were read: needs s.performance_year, s.agreement_start_year and s.beneficiaries.
// Types without `cost_model.types.<type>.mean` (and not empirical) get the expected spending
// H_t x mean regional growth as their cost mean, times cost_model.mean_scale.
void read_cms_benchmark(const Reader& rd, const YAML::Node& benchmark, const YAML::Node& root, Scenario& s);

// After the tracks are read: the top-level `rules:` (current_law, cy2027_proposed), whose proposed
// overlay appends a copy of every track labelled "(CY2027 proposed, not law)"; and the checks of
// the tracks' `acpt_guardrail` keys (mode cms, CMS two-sided tracks of 2024+ starts).
void read_rules_and_guardrail(const Reader& rd, const YAML::Node& root, Scenario& s);

}  // namespace acosim
