#include "sim/output/report/labels.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "models/track.hpp"
#include "sim/common/format.hpp"
#include "sim/common/parse.hpp"

namespace acosim::report {

std::string plain_track_label(std::string_view label) {
  const std::size_t space = label.find(' ');
  const std::string_view id = label.substr(0, space);
  const Track* t = find_track(id);
  if (t == nullptr || t->id != id) return std::string(label);
  if (space == std::string_view::npos) return t->name;
  const std::string_view rest = label.substr(space + 1);
  constexpr std::string_view kMsr = "msr=";
  if (rest.substr(0, kMsr.size()) != kMsr) return std::string(label);
  const std::string_view value = rest.substr(kMsr.size());
  if (value == "variable") return t->name + ", variable MSR/MLR (by ACO size)";
  if (value.empty() || value.back() != '%' || value.find(' ') != std::string_view::npos)
    return std::string(label);
  return fmt::format("{}, {} MSR/MLR", t->name, value);
}

std::string plain_sentence(std::string text, std::vector<std::string> labels) {
  std::sort(labels.begin(), labels.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& label : labels) {
    const std::string plain = plain_track_label(label);
    if (plain == label || label.empty()) continue;
    for (std::size_t at = text.find(label); at != std::string::npos;
         at = text.find(label, at + plain.size())) {
      text.replace(at, label.size(), plain);
    }
  }
  return text;
}

namespace {

// How a key's values read: dollars, a fraction shown as a percent, a count, or as written.
enum class ValueKind { Money, Percent, Count, AsWritten };

struct KeyLabel {
  std::string_view key;
  std::string_view label;
  ValueKind kind;
};

// Scenario keys (docs/scenario.md) that sweeps and tornado charts vary, in the reader's words.
constexpr std::array<KeyLabel, 23> kKeyLabels = {{
    {"aco.beneficiaries", "Assigned beneficiaries", ValueKind::Count},
    {"aco.participant_revenue", "Participant revenue [USD]", ValueKind::Money},
    {"aco.low_revenue", "Low-revenue ACO", ValueKind::AsWritten},
    {"aco.agreement_start_year", "Agreement start year", ValueKind::AsWritten},
    {"aco.euc_relief_fraction", "Extreme-and-uncontrollable relief [share of losses]", ValueKind::Percent},
    {"performance_year", "Performance year", ValueKind::AsWritten},
    {"true_effect", "True effect on spending", ValueKind::Percent},
    {"true_effect.mean", "True effect on spending (mean)", ValueKind::Percent},
    {"true_effect.sd", "True effect on spending (uncertainty, SD)", ValueKind::Percent},
    {"benchmark.per_capita", "Benchmark per capita [USD]", ValueKind::Money},
    {"benchmark.persistence", "Year-to-year cost persistence", ValueKind::AsWritten},
    {"benchmark.update_factor", "Benchmark trend (update factor)", ValueKind::AsWritten},
    {"benchmark.update_factor.mean", "Benchmark trend (update factor, mean)", ValueKind::AsWritten},
    {"benchmark.update_factor.sd", "Benchmark trend uncertainty (SD)", ValueKind::AsWritten},
    {"quality.score", "Quality score", ValueKind::AsWritten},
    {"quality.score.mean", "Quality score (mean)", ValueKind::AsWritten},
    {"quality.score.sd", "Quality score uncertainty (SD)", ValueKind::AsWritten},
    {"quality.threshold", "Quality performance standard (score needed)", ValueKind::AsWritten},
    {"quality.alternative_probability", "Chance of meeting the alternative quality standard",
     ValueKind::Percent},
    {"cost_model.mean_scale", "Spending level (multiple of national means)", ValueKind::AsWritten},
    {"cost_model.shape.sigma", "Spending spread (log-SD)", ValueKind::AsWritten},
    {"runs", "Runs", ValueKind::Count},
    {"seed", "Seed", ValueKind::AsWritten},
}};

const KeyLabel* find_key_label(std::string_view key) {
  for (const KeyLabel& k : kKeyLabels) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

// tracks[N].FIELD: {N, FIELD} (FIELD without the dot), or nullopt.
std::optional<std::pair<long, std::string_view>> track_key(std::string_view key) {
  if (key.substr(0, 7) != "tracks[") return std::nullopt;
  const std::size_t close = key.find(']');
  if (close == std::string_view::npos || close == 7) return std::nullopt;
  const std::string_view index = key.substr(7, close - 7);
  if (index.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::string_view field = key.substr(close + 1);
  if (!field.empty() && field.front() == '.') field.remove_prefix(1);
  return std::pair{std::stol(std::string(index)), field};
}

}  // namespace

std::string plain_key_label(std::string_view key) {
  if (const KeyLabel* k = find_key_label(key)) return std::string(k->label);
  // tracks[N].msr, tracks[N].track: the track's position in words (1-based for people).
  if (const auto t = track_key(key)) {
    if (t->second == "msr") return fmt::format("MSR/MLR election of track {}", t->first + 1);
    if (t->second == "track") return fmt::format("Track {} (level)", t->first + 1);
  }
  return std::string(key);
}

std::string plain_key_value(std::string_view key, std::string_view value) {
  ValueKind kind = ValueKind::AsWritten;
  if (const KeyLabel* k = find_key_label(key)) kind = k->kind;
  if (const auto t = track_key(key); t && t->second == "msr") kind = ValueKind::Percent;
  const auto x = parse_decimal_or_percent(value);
  if (kind == ValueKind::AsWritten || !x) return std::string(value);
  const double v = x->percent ? x->value * 0.01 : x->value;
  switch (kind) {
    case ValueKind::Money: return money_full(v);
    case ValueKind::Percent: return fmt::format("{:g}%", std::round(v * 1e8) / 1e6);
    case ValueKind::Count:
      return v == std::round(v) && std::abs(v) < 1e15 ? count(static_cast<long long>(v)) : std::string(value);
    case ValueKind::AsWritten: break;
  }
  return std::string(value);
}

const std::vector<std::pair<std::string, std::string>>& glossary() {
  static const std::vector<std::pair<std::string, std::string>> g = {
      {"MSR / MLR",
       "Minimum savings rate / minimum loss rate: how far spending must fall below (or rise above) the "
       "benchmark, as a share of it, before any savings are shared (or losses owed)."},
      {"Corridor", "Savings rates between the MLR and the MSR: no payment either way."},
      {"VaR",
       "Value at risk: the loss L = max(0, -payment) exceeded in only 5% (VaR95) or 1% (VaR99) of runs."},
      {"ES",
       "Expected shortfall: the average loss in the worst 5% (ES95) or 1% (ES99) of runs; always at least "
       "the VaR at the same level."},
      {"Certainty equivalent",
       "The sure payment an ACO with the stated risk aversion would value as much as the "
       "uncertain one; the mean less a price for the spread."},
      {"MC SE / CI",
       "Monte Carlo standard error and confidence interval: how much a figure would move with "
       "another seed; more runs shrink it."},
  };
  return g;
}

}  // namespace acosim::report
