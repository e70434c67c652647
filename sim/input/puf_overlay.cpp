#include "sim/input/puf_overlay.hpp"

#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "models/benchmark.hpp"
#include "sim/common/error.hpp"
#include "sim/common/format.hpp"

namespace acosim {

std::vector<std::optional<PufRegionalInputs>> read_puf_regional(const CsvTable& table, const PufFile& file) {
  std::vector<std::optional<PufRegionalInputs>> out(file.records.size());
  const auto c_adj = table.find("PosRegAdj"), c_hist = table.find("HistBnchmk");
  const auto c_period = table.find("Agreement_Period_Num");
  if (!c_adj || !c_hist || !c_period) return out;
  std::map<std::size_t, std::size_t> by_line;  // record line -> table row
  for (std::size_t i = 0; i < table.size(); ++i) by_line[table.row(i).line()] = i;
  for (std::size_t k = 0; k < file.records.size(); ++k) {
    const auto it = by_line.find(file.records[k].line);
    if (it == by_line.end()) continue;
    const CsvRow row = table.row(it->second);
    const auto adj = row.optional_number(*c_adj, "dollars per capita");
    const auto hist = row.optional_number(*c_hist, "dollars per capita");
    const auto period = row.optional_integer(*c_period, "an agreement period number");
    if (!adj || !hist || !period || hist->value <= 0 || *period < 1) continue;
    out[k] = PufRegionalInputs{adj->value, hist->value, static_cast<int>(*period)};
  }
  return out;
}

double capped_regional_benchmark(const PufRecord& rec, const PufRegionalInputs& regional,
                                 const RuleSet& rules) {
  const double b = rec.input.benchmark;
  if (rec.track->id != "ENHANCED" || regional.adjustment <= 0) return b;  // lower spending only [D]
  const int start = rec.input.agreement_start_year;
  // 425.656(d) weight, then the overlay's (bench §10: 35% for ENHANCED lower-spending ACOs in
  // agreements from rules.enhanced_weight_cap_from_start; PROPOSED, NOT LAW).
  const double w = regional_weight(regional.times_adjusted, true, false, start, current_law());
  const double capped = regional_weight(regional.times_adjusted, true, true, start, rules);
  if (!(capped < w)) return b;
  // The adjustment is part of HistBnchmk; the update multiplies it with the rest (UpdatedBnchmk /
  // HistBnchmk), and B = UpdatedBnchmk x person-years: the change in B is d x B / HistBnchmk.
  return b - regional.adjustment * (1.0 - capped / w) * b / regional.historical;
}

PufOverlay overlay_puf(const PufFile& file, const RuleSet& rules,
                       const std::vector<std::optional<PufRegionalInputs>>& regional) {
  PufOverlay o;
  o.rules_id = rules.id;
  o.proposed = rules.proposed;
  for (std::size_t k = 0; k < file.records.size(); ++k) {
    const PufRecord& rec = file.records[k];
    SettlementInput in = rec.input;
    PufOverlayRow row;
    try {
      in.rules = current_law();
      row.current = settle(*rec.track, in).payment;
      in.rules = rules;
      if (k < regional.size() && regional[k]) {
        const double capped = capped_regional_benchmark(rec, *regional[k], rules);
        if (capped != in.benchmark) {
          ++o.regional_capped;
          o.benchmark_change += capped - in.benchmark;
          in.benchmark = capped;
        }
      }
      row.overlay = settle(*rec.track, in).payment;
    } catch (const std::invalid_argument& e) {
      throw InputError(fmt::format("{}:{}: ACO {}: {}", file.source, rec.line, rec.aco_id, e.what()));
    }
    o.current_total += row.current;
    o.overlay_total += row.overlay;
    if (row.overlay != row.current) ++o.changed;
    o.rows.push_back(row);
  }
  return o;
}

std::string describe_overlay(const PufFile& file, const PufOverlay& o) {
  std::string s = fmt::format(
      "  rules {}{}: {} of {} rows settle differently; CMS pays {} under current law, {} under "
      "the overlay, change {}\n",
      o.rules_id, o.proposed ? " (PROPOSED, NOT LAW)" : "", o.changed, file.records.size(),
      money_full(o.current_total), money_full(o.overlay_total), money_full(o.change()));
  s += fmt::format(
      "  ENHANCED regional weight at most 35% (agreements from 2027, lower-spending ACOs, from PosRegAdj): "
      "{} rows, benchmarks {}\n",
      o.regional_capped, money_full(o.benchmark_change));
  s += "  the other benchmark rules (ACPT band and floor, PSA 75%) need per-type inputs the PUF does not "
       "print: "
       "those rows keep their printed benchmark\n";
  return s;
}

}  // namespace acosim
