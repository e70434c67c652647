#include "sim/output/report.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/settle.hpp"
#include "sim/engine/risk.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/engine/uncertainty.hpp"
#include "sim/output/report/labels.hpp"
#include "sim/output/report/numbers.hpp"
#include "sim/output/report/table.hpp"
#include "sim/output/verdict_text.hpp"

namespace acosim {

using report::Table;
using report_detail::MoneyFormat;

namespace report_detail {

const SimulationResults& summarized(const SimulationResults& r, SimulationResults& storage) {
  if (!r.tracks.empty() || r.table.runs() == 0 || r.table.tracks.empty()) return r;
  storage = r;
  summarize(storage);
  return storage;
}

std::vector<std::string> percentile_headers() {
  std::vector<std::string> h;
  for (double level : kPercentileLevels) h.push_back(fmt::format("P{}", level));
  return h;
}

std::string track_name(const std::string& label) { return report::plain_track_label(label); }

namespace {

using report::percent;
using report::probability;
constexpr const char* pm = " ± ";

Table dollars_table(const SimulationResults& r, const MoneyFormat& money) {
  Table dollars{"Net payment by track [USD]",
                "Positive: shared savings paid to the ACO; negative: shared losses owed to CMS. "
                "Mean ± Monte Carlo standard error; P1-P99 are percentiles over runs.",
                {"Track", "Mean ± MC SE", "SD"},
                {},
                1};
  for (auto& h : percentile_headers()) dollars.header.push_back(h);
  for (const auto& t : r.tracks) {
    std::vector<std::string> row{track_name(t.label), money(t.dollars.mean) + pm + money(t.dollars.mcse),
                                 money(t.dollars.sd)};
    for (double v : t.dollars.percentiles) row.push_back(money(v));
    dollars.rows.push_back(std::move(row));
  }
  return dollars;
}

Table outcomes_table(const SimulationResults& r, const MoneyFormat& money) {
  Table outcomes{"Outcome probabilities and loss tail risk",
                 "P(corridor): savings rate inside the MSR/MLR corridor (no payment either way). "
                 "VaR: percentile of losses L = max(0, -payment); ES: mean of the worst 5% / 1% "
                 "of runs' L.",
                 {"Track", "P(savings)", "P(losses)", "P(corridor)", "P(quality failed)", "VaR95", "ES95",
                  "VaR99", "ES99"},
                 {},
                 1};
  for (const auto& t : r.tracks) {
    outcomes.rows.push_back({track_name(t.label), probability(t.p_savings) + pm + probability(t.p_savings_se),
                             probability(t.p_losses) + pm + probability(t.p_losses_se),
                             probability(t.p_corridor), probability(t.p_quality_failed),
                             money(t.dollars.var95), money(t.dollars.es95), money(t.dollars.var99),
                             money(t.dollars.es99)});
  }
  return outcomes;
}

Table intervals_table(const SimulationResults& r, const MoneyFormat& money) {
  const std::vector<TrackIntervals> ci = track_intervals(r.table);
  Table intervals{"How sure: 95% confidence intervals [USD]",
                  "Percentiles and VaR: distribution-free intervals from order statistics; ES: delta method. "
                  "More runs narrow them.",
                  {"Track", "P5", "P50", "P95", "VaR95", "ES95", "VaR99", "ES99"},
                  {},
                  1};
  const auto range = [&](const Interval& i) { return money(i.lo) + " to " + money(i.hi); };
  for (std::size_t k = 0; k < r.tracks.size() && k < ci.size(); ++k) {
    const auto& c = ci[k];
    intervals.rows.push_back({track_name(r.tracks[k].label), range(c.percentiles[1]), range(c.percentiles[4]),
                              range(c.percentiles[7]), range(c.var95), range(c.es95), range(c.var99),
                              range(c.es99)});
  }
  return intervals;
}

Table drivers_table(const SimulationResults& r) {
  const Sensitivity sens = payment_sensitivity(r.table);
  Table drivers{"What drives each track's payment",
                "From this run, without re-running: Spearman rank correlation of each per-run input with the "
                "track's payment, and (in brackets) its share of the explained variance, rho^2 / sum rho^2. "
                "Claims noise: the year's random spending against its benchmark base.",
                {"Track"},
                {},
                1};
  for (const Driver& d : kDrivers) drivers.header.emplace_back(d.label);
  for (std::size_t k = 0; k < r.tracks.size(); ++k) {
    std::vector<std::string> row{track_name(r.tracks[k].label)};
    for (std::size_t d = 0; d < kDrivers.size(); ++d) {
      const auto dk = static_cast<long>(d), kk = static_cast<long>(k);
      row.push_back(sens.varies[d] ? fmt::format("{:+.2f} ({}%)", sens.rank_correlation(dk, kk),
                                                 report::fixed(100 * sens.variance_share(dk, kk), 1))
                                   : "fixed");
    }
    drivers.rows.push_back(std::move(row));
  }
  return drivers;
}

Table percent_table(const SimulationResults& r) {
  Table pct{"Net payment by track [% of updated benchmark]",
            "The same distribution relative to each run's benchmark; VaR/ES of losses in % of "
            "benchmark.",
            {"Track", "Mean ± MC SE", "SD"},
            {},
            1};
  for (auto& h : percentile_headers()) pct.header.push_back(h);
  for (const char* h : {"VaR95", "ES95", "VaR99", "ES99"}) pct.header.emplace_back(h);
  for (const auto& t : r.tracks) {
    std::vector<std::string> row{track_name(t.label), percent(t.percent.mean) + pm + percent(t.percent.mcse),
                                 percent(t.percent.sd)};
    for (double v : t.percent.percentiles) row.push_back(percent(v));
    for (double v : {t.percent.var95, t.percent.es95, t.percent.var99, t.percent.es99})
      row.push_back(percent(v));
    pct.rows.push_back(std::move(row));
  }
  return pct;
}

Table pairs_table(const SimulationResults& r, const MoneyFormat& money) {
  Table pairs{"Track differences (A - B, run by run on the same sampled outcomes)",
              "Positive: track A pays the ACO more. P(A better): share of runs where A pays more.",
              {"A", "B", "Mean diff ± SE", "P(A better)", "P(equal)", "P5", "P50", "P95",
               "Mean diff ± SE [% of benchmark]"},
              {},
              2};
  for (const auto& p : r.pairs) {
    pairs.rows.push_back({track_name(p.a), track_name(p.b),
                          money(p.dollars.mean) + pm + money(p.dollars.mcse), probability(p.p_a_better),
                          probability(p.p_equal), money(p.dollars.percentiles[1]),
                          money(p.dollars.percentiles[4]), money(p.dollars.percentiles[7]),
                          percent(p.percent.mean) + pm + percent(p.percent.mcse)});
  }
  return pairs;
}

}  // namespace

std::vector<Table> build_tables(const SimulationResults& r, const MoneyFormat& money) {
  std::vector<Table> tables;
  tables.push_back(dollars_table(r, money));
  tables.push_back(outcomes_table(r, money));
  if (r.table.runs() > 0 && r.table.completed() > 1) {
    tables.push_back(intervals_table(r, money));
    tables.push_back(drivers_table(r));
  }
  tables.push_back(percent_table(r));
  if (!r.pairs.empty()) tables.push_back(pairs_table(r, money));
  return tables;
}

static_assert(kPercentileLevels[1] == 5 && kPercentileLevels[4] == 50 && kPercentileLevels[7] == 95,
              "the pair table reads P5, P50, P95 by index");

std::vector<std::pair<std::string, std::string>> scenario_items(const SimulationResults& r) {
  const ResultMetadata& m = r.meta;
  std::vector<std::pair<std::string, std::string>> items;
  items.emplace_back("Scenario", m.scenario_name);
  if (!m.scenario_path.empty()) items.emplace_back("Scenario file", m.scenario_path);
  items.emplace_back("Performance year", std::to_string(m.performance_year));
  items.emplace_back("Assigned beneficiaries", report::count(m.beneficiaries));
  items.emplace_back("Tracks", std::to_string(r.table.tracks.size()));
  items.emplace_back("Runs", m.complete
                                 ? report::count(m.runs)
                                 : fmt::format("{} of {} (INTERRUPTED: partial results)",
                                               report::count(m.completed_runs), report::count(m.runs)));
  items.emplace_back("Seed", std::to_string(m.seed));
  items.emplace_back("Program", fmt::format("acosim {} (commit {})", m.program_version, m.git_commit));
  if (!m.created_utc.empty()) items.emplace_back("Created", m.created_utc);
  items.emplace_back("Wall time",
                     m.ranks > 1
                         ? fmt::format("{} s on {} MPI ranks x {} threads", report::fixed(m.wall_seconds, 1),
                                       m.ranks, m.threads)
                         : fmt::format("{} s on {} threads", report::fixed(m.wall_seconds, 1), m.threads));
  return items;
}

Table assumptions_table(const Assumptions& a) {
  Table t{"Assumptions", a.note.empty() ? "" : "Not shown: " + a.note + ".", {"Assumption", "Value"}, {}, 2};
  for (const auto& row : a.rows) t.rows.push_back({row.item, row.value});
  return t;
}

std::string fit_words(const TrackRisk& x, const RiskAppetite& a, const MoneyFormat& money) {
  if (x.fits()) return x.borderline ? "yes, narrowly*" : "yes";
  std::vector<std::string> why;
  if (!x.fits_loss && a.max_loss) {
    why.push_back(fmt::format("{} chance of owing more than {} (limit {})", report::probability(x.p_exceed),
                              money(*a.max_loss), report::probability(1 - a.confidence)));
  }
  if (!x.fits_es && a.max_es) {
    why.push_back(fmt::format("mean loss in the worst {} of runs {} (limit {})",
                              report::probability(1 - a.confidence), money(x.es), money(*a.max_es)));
  }
  std::string s = "no: ";
  for (std::size_t i = 0; i < why.size(); ++i) s += (i > 0 ? "; " : "") + why[i];
  return s + (x.borderline ? "*" : "");
}

Table risk_table(const RiskVerdict& v, const MoneyFormat& money) {
  const RiskAppetite& a = v.appetite;
  const std::string level = fmt::format("{:g}", std::round(a.confidence * 1e4) / 1e2);
  Table t{"Risk verdict", "", {"Rank", "Track", "Fits your appetite", "Mean"}, {}, 3};
  if (a.max_loss) t.header.push_back(fmt::format("P(owe > {})", money(*a.max_loss)));
  t.header.push_back("VaR" + level);
  t.header.push_back("ES" + level);
  t.header.push_back("Certainty equiv.");
  int rank = 0;
  bool any_borderline = false;
  for (int i : v.ranking) {
    const TrackRisk& x = v.tracks[static_cast<std::size_t>(i)];
    any_borderline = any_borderline || x.borderline;
    std::vector<std::string> row{std::to_string(++rank), track_name(x.label), fit_words(x, a, money),
                                 money(x.mean)};
    if (a.max_loss)
      row.push_back(report::probability(x.p_exceed) + " ± " + report::probability(x.p_exceed_se));
    row.push_back(money(x.var));
    row.push_back(money(x.es));
    row.push_back(money(x.ce));
    t.rows.push_back(std::move(row));
  }
  t.note =
      "Your appetite: " + describe_appetite(a) + ". Ranked: tracks that fit first, then by " +
      (a.risk_aversion && *a.risk_aversion > 0 ? "certainty equivalent CE = -(1/a) ln E[exp(-a x)]"
                                               : "certainty equivalent (= mean: no risk aversion given)") +
      ". VaR/ES: loss quantile and mean loss in the worst " +
      fmt::format("{:g}%", std::round((1 - a.confidence) * 1e6) / 1e4) + " of runs." +
      (any_borderline ? " *: within 2 Monte Carlo standard errors of a limit." : "");
  return t;
}

std::optional<RiskAppetite> scenario_risk(const SimulationResults& r, std::string& error) {
  error.clear();
  return r.meta.risk;
}

std::optional<RiskVerdict> verdict(const SimulationResults& r, const std::optional<RiskAppetite>& risk) {
  if (!risk || r.table.runs() == 0 || r.table.completed() == 0) return std::nullopt;
  return assess_risk(r.table, *risk);
}

std::string fixed(double x, int decimals) { return report::fixed(x, decimals); }
std::string probability(double p) { return report::probability(p); }

}  // namespace report_detail

std::string format_money(double usd) { return report::money_compact(usd); }
std::string format_money_full(double usd) { return report::money_full(usd); }

namespace {

using report_detail::summarized;

// The one-argument reports: the scenario's risk: section, or a note saying why it is unusable.
ReportInput scenario_input(const SimulationResults& results) {
  std::string error;
  const auto risk = report_detail::scenario_risk(results, error);
  ReportInput in = basic_report_input(results, risk);
  in.risk_error = error;
  return in;
}

}  // namespace

namespace report_detail {

std::string render_markdown_report(const ReportInput& in) {
  SimulationResults storage;
  const SimulationResults& r = summarized(*in.results, storage);
  std::string out = fmt::format("# acosim results: {}\n\n", report::md_cell(r.meta.scenario_name));
  if (!r.meta.complete) {
    out += fmt::format("> **Interrupted run:** statistics cover {} of {} runs.\n\n",
                       report::count(r.meta.completed_runs), report::count(r.meta.runs));
  }
  out += report::render_markdown(assumptions_table(in.assumptions));
  for (const auto& w : in.assumptions.warnings)
    out += fmt::format("> **Warning:** {}\n\n", report::md_cell(w));
  if (const auto v = verdict(r, in.risk)) {
    out += fmt::format("**Recommendation:** {}\n\n",
                       report::md_cell(report::plain_sentence(recommendation_text(*v), r.table.tracks)));
    out += report::render_markdown(risk_table(*v, report::money_full));
  }
  if (!in.risk_error.empty())
    out += fmt::format("> **Risk verdict unavailable:** {}\n\n", report::md_cell(in.risk_error));
  for (const auto& t : build_tables(r, report::money_full)) out += report::render_markdown(t);
  Table run{"Run", "", {"Setting", "Value"}, {}, 2};
  for (const auto& [item, value] : scenario_items(r)) run.rows.push_back({item, value});
  out += report::render_markdown(run);
  return out;
}

std::string render_text_report(const ReportInput& in) {
  SimulationResults storage;
  const SimulationResults& r = summarized(*in.results, storage);
  const std::size_t width = report::kTextWidth;
  const std::string title = "acosim results: " + r.meta.scenario_name;
  std::string out = title + "\n" + std::string(report::display_width(title), '#') + "\n\n";
  // Assumptions as "Item:  value" with the value wrapped under itself.
  out += "Assumptions\n===========\n";
  std::size_t w = 0;
  for (const auto& a : in.assumptions.rows) w = std::max(w, report::display_width(a.item) + 1);
  for (const auto& a : in.assumptions.rows) {
    const std::string lead = a.item + ":" + std::string(w - report::display_width(a.item) - 1, ' ') + "  ";
    out += report::wrap(a.value, width, lead, std::string(w + 2, ' '));
  }
  if (!in.assumptions.note.empty()) out += report::wrap("Not shown: " + in.assumptions.note + ".", width);
  for (const auto& warning : in.assumptions.warnings)
    out += report::wrap(warning, width, "WARNING: ", "         ");
  out += "\n";
  for (const auto& t : build_tables(r, report::money_compact)) out += report::render_text(t, width);
  if (const auto v = verdict(r, in.risk)) {
    out += report::render_text(risk_table(*v, report::money_compact), width);
    out += report::wrap(report::plain_sentence(recommendation_text(*v), r.table.tracks), width,
                        "Recommendation: ", "  ") +
           "\n";
  }
  if (!in.risk_error.empty())
    out += report::wrap(in.risk_error, width, "Risk verdict unavailable: ", "  ") + "\n";
  out += "Run\n===\n";
  const auto items = scenario_items(r);
  std::size_t iw = 0;
  for (const auto& item : items) iw = std::max(iw, report::display_width(item.first) + 1);
  for (const auto& [item, value] : items) {
    out += report::wrap(value, width, item + ":" + std::string(iw - report::display_width(item) - 1 + 2, ' '),
                        std::string(iw + 2, ' '));
  }
  return out;
}

}  // namespace report_detail

std::string report_markdown(const SimulationResults& results) {
  return report_detail::render_markdown_report(scenario_input(results));
}
std::string report_markdown(const SimulationResults& results, const std::optional<RiskAppetite>& risk) {
  return report_detail::render_markdown_report(basic_report_input(results, risk));
}
std::string report_text(const SimulationResults& results) {
  return report_detail::render_text_report(scenario_input(results));
}
std::string report_text(const SimulationResults& results, const std::optional<RiskAppetite>& risk) {
  return report_detail::render_text_report(basic_report_input(results, risk));
}
std::string report_csv(const SimulationResults& results) {
  return report_detail::render_csv_report(scenario_input(results));
}
std::string report_csv(const SimulationResults& results, const std::optional<RiskAppetite>& risk) {
  return report_detail::render_csv_report(basic_report_input(results, risk));
}
std::string report_json(const SimulationResults& results) {
  return report_detail::render_json_report(scenario_input(results));
}
std::string report_json(const SimulationResults& results, const std::optional<RiskAppetite>& risk) {
  return report_detail::render_json_report(basic_report_input(results, risk));
}
std::string report_html(const SimulationResults& results) {
  return report_detail::render_html_report(scenario_input(results));
}
std::string report_html(const SimulationResults& results, const std::optional<RiskAppetite>& risk) {
  return report_detail::render_html_report(basic_report_input(results, risk));
}

}  // namespace acosim
