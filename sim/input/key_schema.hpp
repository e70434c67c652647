// The scenario's key schema: one row per key a scenario may hold (path, type, allowed range, unit,
// one doc line, and how a sweep may vary it). The one list of keys: the scenario reader checks
// unknown keys and numeric ranges against it (every "allowed:" in a message states the row's real
// bound), sweeps ask it which keys they may vary and whether a key needs a new sampling pass, and
// tests/test_key_schema.cpp checks that docs/scenario.md's "Key reference" lists exactly these rows.
//
// Paths: "a.b.c"; "<type>" stands for an enrollment type (esrd, disabled, aged_dual, aged_nondual)
// and "[]" for any list index (tracks[].msr, benchmark.weights[]).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/engine/scenario_values.hpp"

namespace acosim {

enum class KeyType {
  Section,    // a mapping of further keys (or a section read by its own reader: sweep, agreement)
  List,       // a list (tracks, benchmark.weights)
  Text,       // free text or a file path
  Choice,     // one of named values (listed in `doc`)
  Boolean,    // true / false
  Integer,    // a whole number in [lo, hi]
  Number,     // a decimal number in [lo, hi]
  Fraction,   // a decimal number in [lo, hi], or the same as a percent ("1%")
  Uncertain,  // a number in [lo, hi], or {mean: in [lo, hi], sd: in [0, hi - lo]}
};

// How a sweep may vary a key.
enum class SweepUse {
  No,          // not a model input (name, threads) or a section with its own plan
  Sampled,     // read by the sampler: each value needs its own sampling pass
  SettleOnly,  // read only by settlement (and re-qualification): points share one sampling pass
};

struct KeySpec {
  std::string_view path;
  KeyType type;
  double lo = 0, hi = 0;  // Integer, Number, Fraction, Uncertain: the inclusive range
  std::string_view unit;  // "USD", "fraction", "ratio", "score [0-100]", ... ("" when none)
  SweepUse sweep = SweepUse::No;
  std::string_view what;  // the value's kind in messages: "a probability", "a dollar amount"
  std::string_view doc;   // one line for docs/scenario.md

  bool numeric() const {
    return type == KeyType::Integer || type == KeyType::Number || type == KeyType::Fraction ||
           type == KeyType::Uncertain;
  }
  bool percent_ok() const;  // a Fraction, or an Uncertain whose unit is a fraction
  // What a message says is allowed, with the real bounds: "a probability in [0, 0.999] (or 0% to
  // 99.9%)", "a whole number from 1 to 10000000".
  std::string allowed() const;
  // The docs' type column: "number", "fraction (percent ok)", "integer", "text", ...
  std::string type_name() const;
};

// Every key, in the order docs/scenario.md lists them.
const std::vector<KeySpec>& scenario_keys();

// The row for a concrete key ("cost_model.types.esrd.p_zero", "tracks[2].msr", "true_effect.mean"),
// or nullptr when the scenario has no such key.
const KeySpec* find_key(std::string_view key);

// The direct children a mapping at `parent` may hold ("" = top level; "aco"; "tracks[]";
// "cost_model.types.<type>"), in schema order: what check_keys allows.
std::vector<std::string> child_keys(std::string_view parent);

// "cost_model.types.esrd.p_zero" -> "cost_model.types.<type>.p_zero"; "tracks[2].msr" -> "tracks[].msr".
std::string schema_path(std::string_view key);

// A bound as messages write it: 0.999, 10000, 1e12, 1e-06 -> "1e-6".
std::string format_bound(double v);

// ---- reading a key against its row (the scenario reader and the section readers) ----

class Reader;

// The row of `key`; a key the schema lacks is a programming error (std::logic_error).
const KeySpec& key_spec(const std::string& key);
// A Number / Fraction key in its row's range; the message states the row's allowed().
double read_number(const Reader& rd, const YAML::Node& node, const std::string& key);
// An Integer key in its row's range.
long read_integer(const Reader& rd, const YAML::Node& node, const std::string& key);
// Rejects keys of the mapping at `key` that its row has no child for (with "did you mean").
void check_section_keys(const Reader& rd, const YAML::Node& node, const std::string& key);
// An Uncertain key: a number, or {mean, sd}; `key`'s row gives the number's range, `key.mean`'s
// and `key.sd`'s those of the mapping.
Uncertain read_uncertain(const Reader& rd, const YAML::Node& node, const std::string& key);

}  // namespace acosim
