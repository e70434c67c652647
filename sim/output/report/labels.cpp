#include "sim/output/report/labels.hpp"

#include <algorithm>
#include <array>
#include <string>

#include <fmt/format.h>

#include "models/track.hpp"

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

struct KeyLabel {
  std::string_view key;
  std::string_view label;
};

// Scenario keys (docs/scenario.md) that sweeps and tornado charts vary, in the reader's words.
constexpr std::array<KeyLabel, 23> kKeyLabels = {{
    {"aco.beneficiaries", "Assigned beneficiaries"},
    {"aco.participant_revenue", "Participant revenue [USD]"},
    {"aco.low_revenue", "Low-revenue ACO"},
    {"aco.agreement_start_year", "Agreement start year"},
    {"aco.euc_relief_fraction", "Extreme-and-uncontrollable relief [share of losses]"},
    {"performance_year", "Performance year"},
    {"true_effect", "True effect on spending"},
    {"true_effect.mean", "True effect on spending (mean)"},
    {"true_effect.sd", "True effect on spending (uncertainty, SD)"},
    {"benchmark.per_capita", "Benchmark per capita [USD]"},
    {"benchmark.persistence", "Year-to-year cost persistence"},
    {"benchmark.update_factor", "Benchmark trend (update factor)"},
    {"benchmark.update_factor.mean", "Benchmark trend (update factor, mean)"},
    {"benchmark.update_factor.sd", "Benchmark trend uncertainty (SD)"},
    {"quality.score", "Quality score"},
    {"quality.score.mean", "Quality score (mean)"},
    {"quality.score.sd", "Quality score uncertainty (SD)"},
    {"quality.threshold", "Quality performance standard (score needed)"},
    {"quality.alternative_probability", "Chance of meeting the alternative quality standard"},
    {"cost_model.mean_scale", "Spending level (multiple of national means)"},
    {"cost_model.shape.sigma", "Spending spread (log-SD)"},
    {"runs", "Runs"},
    {"seed", "Seed"},
}};

}  // namespace

std::string plain_key_label(std::string_view key) {
  for (const KeyLabel& k : kKeyLabels) {
    if (k.key == key) return std::string(k.label);
  }
  // tracks[N].msr, tracks[N].track: the track's position in words (1-based for people).
  if (key.substr(0, 7) == "tracks[") {
    const std::size_t close = key.find(']');
    if (close != std::string_view::npos && close > 7) {
      const std::string_view index = key.substr(7, close - 7);
      if (index.find_first_not_of("0123456789") == std::string_view::npos) {
        const long n = std::stol(std::string(index)) + 1;
        const std::string_view field = key.substr(close + 1);
        if (field == ".msr") return fmt::format("MSR/MLR election of track {}", n);
        if (field == ".track") return fmt::format("Track {} (level)", n);
      }
    }
  }
  return std::string(key);
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
