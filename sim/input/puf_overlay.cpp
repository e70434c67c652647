#include "sim/input/puf_overlay.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/format.hpp"

namespace acosim {

PufOverlay overlay_puf(const PufFile& file, const RuleSet& rules) {
  PufOverlay o;
  o.rules_id = rules.id;
  o.proposed = rules.proposed;
  for (const PufRecord& rec : file.records) {
    SettlementInput in = rec.input;
    PufOverlayRow row;
    try {
      in.rules = current_law();
      row.current = settle(*rec.track, in).payment;
      in.rules = rules;
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
  s += "  the overlay keeps each row's printed benchmark: its benchmark rules (ACPT band and floor, PSA 75%, "
       "ENHANCED "
       "regional weight) need per-type inputs the PUF does not print; only BASIC Level E 60% (from PY2027) "
       "acts here\n";
  return s;
}

}  // namespace acosim
