#include "sim/input/backtest_cases.hpp"

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/input/scenario_reader.hpp"

namespace acosim {

std::vector<BacktestPair> match_years(const PufYear& a, const PufYear& b,
                                      std::vector<BacktestExclusion>& excluded) {
  std::map<std::string, const PufAcoYear*> in_b;
  for (const PufAcoYear& x : b.acos) in_b[x.id()] = &x;
  std::map<std::string, std::string> unusable_b;
  for (const auto& u : b.unusable) unusable_b[u.aco_id] = u.reason;
  std::vector<BacktestPair> pairs;
  for (const PufAcoYear& x : a.acos) {
    const auto it = in_b.find(x.id());
    if (it == in_b.end()) {
      const auto u = unusable_b.find(x.id());
      excluded.push_back({x.id(), u != unusable_b.end()
                                      ? fmt::format("PY{} row unusable: {}", b.py, u->second)
                                      : fmt::format("not in the PY{} file", b.py)});
      continue;
    }
    if (it->second->start_date != x.start_date) {
      excluded.push_back({x.id(), fmt::format("a new agreement in PY{} (Current_Start_Date {} -> {})", b.py,
                                              x.start_date, it->second->start_date)});
      continue;
    }
    pairs.push_back({&x, it->second});
  }
  for (const auto& u : a.unusable)
    excluded.push_back({u.aco_id, fmt::format("PY{} row unusable: {}", a.py, u.reason)});
  std::sort(pairs.begin(), pairs.end(),
            [](const BacktestPair& p, const BacktestPair& q) { return p.a->id() < q.a->id(); });
  std::sort(excluded.begin(), excluded.end(),
            [](const BacktestExclusion& p, const BacktestExclusion& q) { return p.aco_id < q.aco_id; });
  return pairs;
}

BacktestPlan backtest_plan(const PufYear& a, const PufYear& b, const InitSettings& settings,
                           const CalibrationDefaults& c) {
  BacktestPlan plan;
  static_cast<BacktestSetup&>(plan) = {a.source, b.source, a.py, b.py, settings.runs, settings.seed, c};
  plan.base_rate_savings_a = a.base_rate_savings;
  plan.base_rate_losses_a = a.base_rate_losses;
  const std::vector<BacktestPair> pairs = match_years(a, b, plan.excluded);
  if (pairs.empty()) {
    throw InputError(
        fmt::format("{} and {}: no ACO is in both files in the same agreement period (same ACO_ID and "
                    "Current_Start_Date); allowed: results files of consecutive years",
                    a.source, b.source));
  }
  // Every ACO's scenario exactly as `acosim init` writes it, with year B's track and election.
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const PufAcoYear& ya = *pairs[k].a;
    const PufAcoYear& yb = *pairs[k].b;
    InitSettings aco_settings = settings;
    aco_settings.seed = settings.seed + k;
    const std::string text = scenario_yaml(ya, a, {track_as_reported(yb)}, aco_settings, c);
    BacktestCase x;
    x.aco_id = ya.id();
    x.n_ab = ya.n_ab();
    x.track_b = yb.record.track->id;
    x.scenario = parse_scenario(text, "backtest ACO " + ya.id());
    x.realized_savings_rate = yb.savings_rate;
    x.earned_savings = yb.record.cms_earned > 0 ? 1 : 0;
    x.owed_losses = yb.record.cms_earned < 0 ? 1 : 0;
    x.savings_rate_a = ya.savings_rate;
    x.person_years_a = ya.person_years;
    plan.cases.push_back(std::move(x));
  }
  return plan;
}

}  // namespace acosim
