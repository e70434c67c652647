#include "sim/output/report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/engine/risk.hpp"
#include "sim/output/verdict_text.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/input/yaml_reader.hpp"

namespace acosim {

using report_detail::MoneyFormat;
using report_detail::Table;
using report_detail::fixed;
using report_detail::probability;
using report_detail::build_tables;
using report_detail::scenario_items;
using report_detail::summarized;

namespace report_detail {

// ---------------------------------------------------------------------------------------------
// Number formatting

// `x` with `decimals` decimals, never "-0.00".
std::string fixed(double x, int decimals) {
  if (!std::isfinite(x)) return "n/a";
  std::string s = fmt::format("{:.{}f}", x, decimals);
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string probability(double p) { return std::isfinite(p) ? fixed(100.0 * p, 2) + "%" : "n/a"; }

}  // namespace report_detail

namespace {

// Digits of a non-negative integer with thousands separators: 1234567 -> "1,234,567".
std::string grouped(const std::string& digits) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string count(long n) {
  return fmt::format("{}{}", n < 0 ? "-" : "", grouped(std::to_string(n < 0 ? -n : n)));
}

// Whole dollars with separators: "$1,234,567", "-$52,000".
std::string money_full(double x) {
  if (!std::isfinite(x)) return "n/a";
  const double r = std::round(x);
  if (r == 0) return "$0";
  return fmt::format("{}${}", r < 0 ? "-" : "", grouped(fmt::format("{:.0f}", std::fabs(r))));
}

// Three significant digits with a K/M/B/T suffix: "$1.23M", "-$456K", "$87".
std::string money_compact(double x) {
  if (!std::isfinite(x)) return "n/a";
  const double a = std::fabs(x);
  const char* sign = x < 0 ? "-" : "";
  if (a < 999.5) {
    const long v = std::lround(a);
    return v == 0 ? "$0" : fmt::format("{}${}", sign, v);
  }
  constexpr std::array<std::pair<double, const char*>, 4> kScales = {
      {{1e3, "K"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}}};
  for (std::size_t i = 0; i < kScales.size(); ++i) {
    const double v = a / kScales[i].first;
    if (v < 999.5 || i + 1 == kScales.size()) {
      const int decimals = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
      return fmt::format("{}${:.{}f}{}", sign, v, decimals, kScales[i].second);
    }
  }
  return "n/a";  // unreachable
}

std::string percent(double x) { return std::isfinite(x) ? fixed(x, 2) + "%" : "n/a"; }

// Raw number for CSV: shortest form that reads back to the same double.
std::string raw(double x) { return std::isfinite(x) ? fmt::format("{}", x) : "NaN"; }

std::string pair_name(const PairSummary& p) { return p.a + " vs " + p.b; }

// ---------------------------------------------------------------------------------------------
// Tables shared by the Markdown and text reports

}  // namespace

namespace report_detail {

std::vector<std::string> percentile_headers() {
  std::vector<std::string> h;
  for (double level : kPercentileLevels) h.push_back(fmt::format("P{}", level));
  return h;
}

std::vector<Table> build_tables(const SimulationResults& r, const MoneyFormat& money) {
  std::vector<Table> tables;
  const std::string pm = " ± ";

  Table dollars{"Net payment by track [USD]",
                "Positive: shared savings paid to the ACO; negative: shared losses owed to CMS. "
                "Mean ± Monte Carlo standard error; P1-P99 are percentiles over runs.",
                {"Track", "Mean ± MC SE", "SD"},
                {},
                1};
  for (auto& h : percentile_headers()) dollars.header.push_back(h);
  for (const auto& t : r.tracks) {
    std::vector<std::string> row{t.label, money(t.dollars.mean) + pm + money(t.dollars.mcse),
                                 money(t.dollars.sd)};
    for (double v : t.dollars.percentiles) row.push_back(money(v));
    dollars.rows.push_back(std::move(row));
  }
  tables.push_back(std::move(dollars));

  Table outcomes{"Outcome probabilities and loss tail risk",
                 "P(corridor): savings rate inside the MSR/MLR corridor (no payment either way). "
                 "VaR: percentile of losses L = max(0, -payment); ES: mean of the worst 5% / 1% "
                 "of runs' L.",
                 {"Track", "P(savings)", "P(losses)", "P(corridor)", "P(quality failed)", "VaR95",
                  "ES95", "VaR99", "ES99"},
                 {},
                 1};
  for (const auto& t : r.tracks) {
    outcomes.rows.push_back({t.label, probability(t.p_savings) + pm + probability(t.p_savings_se),
                             probability(t.p_losses) + pm + probability(t.p_losses_se),
                             probability(t.p_corridor), probability(t.p_quality_failed),
                             money(t.dollars.var95), money(t.dollars.es95), money(t.dollars.var99),
                             money(t.dollars.es99)});
  }
  tables.push_back(std::move(outcomes));

  Table pct{"Net payment by track [% of updated benchmark]",
            "The same distribution relative to each run's benchmark; VaR/ES of losses in % of "
            "benchmark.",
            {"Track", "Mean ± MC SE", "SD"},
            {},
            1};
  for (auto& h : percentile_headers()) pct.header.push_back(h);
  for (const char* h : {"VaR95", "ES95", "VaR99", "ES99"}) pct.header.emplace_back(h);
  for (const auto& t : r.tracks) {
    std::vector<std::string> row{t.label, percent(t.percent.mean) + pm + percent(t.percent.mcse),
                                 percent(t.percent.sd)};
    for (double v : t.percent.percentiles) row.push_back(percent(v));
    for (double v : {t.percent.var95, t.percent.es95, t.percent.var99, t.percent.es99}) {
      row.push_back(percent(v));
    }
    pct.rows.push_back(std::move(row));
  }
  tables.push_back(std::move(pct));

  if (!r.pairs.empty()) {
    Table pairs{"Track differences (A - B, run by run on the same sampled outcomes)",
                "Positive: track A pays the ACO more. P(A better): share of runs where A pays more.",
                {"A", "B", "Mean diff ± SE", "P(A better)", "P(equal)", "P5", "P50", "P95",
                 "Mean diff ± SE [% of benchmark]"},
                {},
                2};
    for (const auto& p : r.pairs) {
      pairs.rows.push_back({p.a, p.b, money(p.dollars.mean) + pm + money(p.dollars.mcse),
                            probability(p.p_a_better), probability(p.p_equal),
                            money(p.dollars.percentiles[1]), money(p.dollars.percentiles[4]),
                            money(p.dollars.percentiles[7]),
                            percent(p.percent.mean) + pm + percent(p.percent.mcse)});
    }
    tables.push_back(std::move(pairs));
  }
  return tables;
}

static_assert(kPercentileLevels[1] == 5 && kPercentileLevels[4] == 50 && kPercentileLevels[7] == 95,
              "the pair table reads P5, P50, P95 by index");

// Scenario summary as (item, value) pairs.
std::vector<std::pair<std::string, std::string>> scenario_items(const SimulationResults& r) {
  const ResultMetadata& m = r.meta;
  std::vector<std::pair<std::string, std::string>> items;
  items.emplace_back("Scenario", m.scenario_name);
  if (!m.scenario_path.empty()) items.emplace_back("Scenario file", m.scenario_path);
  items.emplace_back("Performance year", std::to_string(m.performance_year));
  items.emplace_back("Assigned beneficiaries", count(m.beneficiaries));
  items.emplace_back("Tracks", std::to_string(r.table.tracks.size()));
  items.emplace_back("Runs", m.complete ? count(m.runs)
                                        : fmt::format("{} of {} (INTERRUPTED: partial results)",
                                                      count(m.completed_runs), count(m.runs)));
  items.emplace_back("Seed", std::to_string(m.seed));
  items.emplace_back("Program", fmt::format("acosim {} (commit {})", m.program_version,
                                            m.git_commit));
  if (!m.created_utc.empty()) items.emplace_back("Created", m.created_utc);
  items.emplace_back("Wall time", m.ranks > 1 ? fmt::format("{} s on {} MPI ranks x {} threads", fixed(m.wall_seconds, 1),
                                                             m.ranks, m.threads)
                                             : fmt::format("{} s on {} threads", fixed(m.wall_seconds, 1), m.threads));
  return items;
}

}  // namespace report_detail

namespace {

// Display width of UTF-8 text: code points (every character here is one column wide).
std::size_t width(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t w, bool left) {
  const std::string fill(w > width(s) ? w - width(s) : 0, ' ');
  return left ? s + fill : fill + s;
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string render_markdown(const Table& t) {
  std::string out = fmt::format("## {}\n\n", t.title);
  if (!t.note.empty()) out += t.note + "\n\n";
  if (t.rows.empty()) return out + "(no tracks)\n\n";
  auto line = [](const std::vector<std::string>& cells) {
    std::string s = "|";
    for (const auto& c : cells) {
      s += ' ';
      s += md_cell(c);
      s += " |";
    }
    return s + "\n";
  };
  out += line(t.header);
  out += "|";
  for (std::size_t j = 0; j < t.header.size(); ++j) out += j < t.left_columns ? ":---|" : "---:|";
  out += "\n";
  for (const auto& row : t.rows) out += line(row);
  return out + "\n";
}

std::string render_text(const Table& t) {
  std::string out = t.title + "\n" + std::string(width(t.title), '=') + "\n";
  if (t.rows.empty()) return out + "(no tracks)\n\n";
  std::vector<std::size_t> w(t.header.size(), 0);
  for (std::size_t j = 0; j < w.size(); ++j) {
    w[j] = width(t.header[j]);
    for (const auto& row : t.rows) w[j] = std::max(w[j], width(row[j]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t j = 0; j < cells.size(); ++j) {
      if (j > 0) s += "  ";
      s += pad(cells[j], w[j], j < t.left_columns);
    }
    s.erase(s.find_last_not_of(' ') + 1);
    return s + "\n";
  };
  out += line(t.header);
  std::string rule;
  for (std::size_t j = 0; j < w.size(); ++j) rule += (j > 0 ? "  " : "") + std::string(w[j], '-');
  out += rule + "\n";
  for (const auto& row : t.rows) out += line(row);
  if (!t.note.empty()) out += t.note + "\n";
  return out + "\n";
}

}  // namespace

namespace report_detail {

// The results with summaries: `r` itself, or a summarized copy when it has none.
const SimulationResults& summarized(const SimulationResults& r, SimulationResults& storage) {
  if (!r.tracks.empty() || r.table.runs() == 0 || r.table.tracks.empty()) return r;
  storage = r;
  summarize(storage);
  return storage;
}

}  // namespace report_detail

namespace {

nlohmann::ordered_json stats_json(const Stats& s) {
  nlohmann::ordered_json j;
  j["mean"] = s.mean;
  j["mcse"] = s.mcse;
  j["sd"] = s.sd;
  j["min"] = s.min;
  j["max"] = s.max;
  nlohmann::ordered_json p;
  for (std::size_t i = 0; i < kPercentileLevels.size(); ++i) {
    p[fmt::format("p{}", kPercentileLevels[i])] = s.percentiles[i];
  }
  j["percentiles"] = std::move(p);
  j["var95"] = s.var95;
  j["var99"] = s.var99;
  j["es95"] = s.es95;
  j["es99"] = s.es99;
  return j;
}

class CsvWriter {
 public:
  CsvWriter() { out_ = "section,track,metric,unit,value\n"; }

  void row(std::string_view section, std::string_view track, std::string_view metric,
           std::string_view unit, std::string_view value) {
    out_ += field(section) + ',' + field(track) + ',' + field(metric) + ',' + field(unit) + ',' +
            field(value) + '\n';
  }
  void number(std::string_view section, std::string_view track, std::string_view metric,
              std::string_view unit, double value) {
    row(section, track, metric, unit, raw(value));
  }
  void stats(std::string_view section, std::string_view track, std::string_view unit,
             const Stats& s) {
    number(section, track, "mean", unit, s.mean);
    number(section, track, "mcse", unit, s.mcse);
    number(section, track, "sd", unit, s.sd);
    number(section, track, "min", unit, s.min);
    number(section, track, "max", unit, s.max);
    for (std::size_t i = 0; i < kPercentileLevels.size(); ++i) {
      number(section, track, fmt::format("p{}", kPercentileLevels[i]), unit, s.percentiles[i]);
    }
    number(section, track, "var95", unit, s.var95);
    number(section, track, "var99", unit, s.var99);
    number(section, track, "es95", unit, s.es95);
    number(section, track, "es99", unit, s.es99);
  }
  std::string take() { return std::move(out_); }

 private:
  // RFC 4180: quote fields holding a comma, quote or line break; double embedded quotes.
  static std::string field(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
    std::string q = "\"";
    for (char c : s) {
      if (c == '"') q += '"';
      q += c;
    }
    return q + '"';
  }
  std::string out_;
};

constexpr const char* kUnitUsd = "USD";
constexpr const char* kUnitPercent = "percent_of_benchmark";
constexpr const char* kUnitProbability = "probability";

}  // namespace

namespace report_detail {

Table risk_table(const RiskVerdict& v, const MoneyFormat& money) {
  const RiskAppetite& a = v.appetite;
  const std::string level = fmt::format("{:g}", std::round(a.confidence * 1e4) / 1e2);
  Table t{"Risk verdict", "", {"Rank", "Track", "Fits", "Mean"}, {}, 3};
  if (a.max_loss) t.header.push_back(fmt::format("P(owe > {})", money(*a.max_loss)));
  t.header.push_back("VaR" + level);
  t.header.push_back("ES" + level);
  t.header.push_back("Certainty equiv.");
  int rank = 0;
  bool any_borderline = false;
  for (int i : v.ranking) {
    const TrackRisk& x = v.tracks[static_cast<std::size_t>(i)];
    std::string fits = x.fits() ? "yes" : "no";
    if (!x.fits()) {
      std::vector<std::string> why;
      if (!x.fits_loss) why.emplace_back("P(owe)");
      if (!x.fits_es) why.emplace_back("ES");
      fits += " (" + join(why) + ")";
    }
    if (x.borderline) {
      fits += "*";
      any_borderline = true;
    }
    std::vector<std::string> row{std::to_string(++rank), x.label, fits, money(x.mean)};
    if (a.max_loss) row.push_back(probability(x.p_exceed) + " ± " + probability(x.p_exceed_se));
    row.push_back(money(x.var));
    row.push_back(money(x.es));
    row.push_back(money(x.ce));
    t.rows.push_back(std::move(row));
  }
  t.note = "Your appetite: " + describe_appetite(a) + ". Ranked: tracks that fit first, then by " +
           (a.risk_aversion && *a.risk_aversion > 0
                ? "certainty equivalent CE = -(1/a) ln E[exp(-a x)]"
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

}  // namespace report_detail

std::string format_money(double usd) { return money_compact(usd); }
std::string format_money_full(double usd) { return money_full(usd); }

namespace {

// The verdict for `r` under `risk` (nullopt when no appetite or no run table).
std::optional<RiskVerdict> verdict(const SimulationResults& r, const std::optional<RiskAppetite>& risk) {
  if (!risk || r.table.runs() == 0 || r.table.completed() == 0) return std::nullopt;
  return assess_risk(r.table, *risk);
}

std::optional<RiskAppetite> default_risk(const SimulationResults& r, std::string& error) {
  return report_detail::scenario_risk(r, error);
}

}  // namespace

std::string report_markdown(const SimulationResults& results) {
  std::string error;
  const auto risk = default_risk(results, error);
  std::string out = report_markdown(results, risk);
  if (!error.empty()) out += fmt::format("> **Risk verdict unavailable:** {}\n", md_cell(error));
  return out;
}

std::string report_markdown(const SimulationResults& results, const std::optional<RiskAppetite>& risk) {
  SimulationResults storage;
  const SimulationResults& r = summarized(results, storage);
  std::string out = fmt::format("# acosim results: {}\n\n", md_cell(r.meta.scenario_name));
  if (!r.meta.complete) {
    out += fmt::format("> **Interrupted run:** statistics cover {} of {} runs.\n\n",
                       count(r.meta.completed_runs), count(r.meta.runs));
  }
  out += "| Setting | Value |\n|:---|:---|\n";
  for (const auto& [item, value] : scenario_items(r)) {
    out += fmt::format("| {} | {} |\n", md_cell(item), md_cell(value));
  }
  out += "\n";
  if (const auto v = verdict(r, risk)) {
    out += fmt::format("**Recommendation:** {}\n\n", md_cell(recommendation_text(*v)));
    out += render_markdown(report_detail::risk_table(*v, money_full));
  }
  for (const auto& t : build_tables(r, money_full)) out += render_markdown(t);
  return out;
}

std::string report_text(const SimulationResults& results) {
  std::string error;
  const auto risk = default_risk(results, error);
  std::string out = report_text(results, risk);
  if (!error.empty()) out += "Risk verdict unavailable: " + error + "\n";
  return out;
}

std::string report_text(const SimulationResults& results, const std::optional<RiskAppetite>& risk) {
  SimulationResults storage;
  const SimulationResults& r = summarized(results, storage);
  const std::string title = "acosim results: " + r.meta.scenario_name;
  std::string out = title + "\n" + std::string(width(title), '#') + "\n";
  const auto items = scenario_items(r);
  std::size_t w = 0;
  for (const auto& item : items) w = std::max(w, width(item.first));
  for (const auto& [item, value] : items) out += pad(item + ":", w + 1, true) + "  " + value + "\n";
  out += "\n";
  for (const auto& t : build_tables(r, money_compact)) out += render_text(t);
  if (const auto v = verdict(r, risk)) {
    out += render_text(report_detail::risk_table(*v, money_compact));
    out += "Recommendation: " + recommendation_text(*v) + "\n\n";
  }
  return out;
}

std::string report_csv(const SimulationResults& results) {
  std::string error;
  return report_csv(results, default_risk(results, error));
}

std::string report_csv(const SimulationResults& results, const std::optional<RiskAppetite>& risk) {
  SimulationResults storage;
  const SimulationResults& r = summarized(results, storage);
  const ResultMetadata& m = r.meta;
  CsvWriter csv;
  csv.row("scenario", "", "name", "", m.scenario_name);
  csv.row("scenario", "", "path", "", m.scenario_path);
  csv.row("scenario", "", "performance_year", "year", std::to_string(m.performance_year));
  csv.row("scenario", "", "beneficiaries", "count", std::to_string(m.beneficiaries));
  csv.row("scenario", "", "runs", "count", std::to_string(m.runs));
  csv.row("scenario", "", "completed_runs", "count", std::to_string(m.completed_runs));
  csv.row("scenario", "", "complete", "0/1", m.complete ? "1" : "0");
  csv.row("scenario", "", "seed", "", std::to_string(m.seed));
  csv.row("scenario", "", "program_version", "", m.program_version);
  csv.row("scenario", "", "git_commit", "", m.git_commit);
  csv.row("scenario", "", "created_utc", "", m.created_utc);
  csv.number("scenario", "", "wall_seconds", "s", m.wall_seconds);
  csv.row("scenario", "", "threads", "count", std::to_string(m.threads));
  csv.row("scenario", "", "ranks", "count", std::to_string(m.ranks));
  csv.number("scenario", "", "beneficiary_years", "count", m.beneficiary_years);
  for (const auto& t : r.tracks) {
    csv.stats("track", t.label, kUnitUsd, t.dollars);
    csv.stats("track", t.label, kUnitPercent, t.percent);
    csv.number("track", t.label, "p_savings", kUnitProbability, t.p_savings);
    csv.number("track", t.label, "p_savings_se", kUnitProbability, t.p_savings_se);
    csv.number("track", t.label, "p_losses", kUnitProbability, t.p_losses);
    csv.number("track", t.label, "p_losses_se", kUnitProbability, t.p_losses_se);
    csv.number("track", t.label, "p_corridor", kUnitProbability, t.p_corridor);
    csv.number("track", t.label, "p_quality_failed", kUnitProbability, t.p_quality_failed);
  }
  for (const auto& p : r.pairs) {
    const std::string name = pair_name(p);
    csv.stats("pair", name, kUnitUsd, p.dollars);
    csv.stats("pair", name, kUnitPercent, p.percent);
    csv.number("pair", name, "p_a_better", kUnitProbability, p.p_a_better);
    csv.number("pair", name, "p_equal", kUnitProbability, p.p_equal);
  }
  if (const auto v = verdict(r, risk)) {
    const RiskAppetite& a = v->appetite;
    if (a.max_loss) csv.number("risk", "", "max_loss", kUnitUsd, *a.max_loss);
    csv.number("risk", "", "confidence", kUnitProbability, a.confidence);
    if (a.max_es) csv.number("risk", "", "max_es", kUnitUsd, *a.max_es);
    if (a.risk_aversion) csv.number("risk", "", "risk_aversion", "1/USD", *a.risk_aversion);
    csv.row("risk", "", "recommendation", "", recommendation_text(*v));
    int rank = 0;
    for (int i : v->ranking) {
      const TrackRisk& x = v->tracks[static_cast<std::size_t>(i)];
      csv.row("risk", x.label, "rank", "count", std::to_string(++rank));
      csv.row("risk", x.label, "fits", "0/1", x.fits() ? "1" : "0");
      csv.row("risk", x.label, "fits_max_loss", "0/1", x.fits_loss ? "1" : "0");
      csv.row("risk", x.label, "fits_max_es", "0/1", x.fits_es ? "1" : "0");
      csv.row("risk", x.label, "borderline", "0/1", x.borderline ? "1" : "0");
      if (a.max_loss) {
        csv.number("risk", x.label, "p_exceed", kUnitProbability, x.p_exceed);
        csv.number("risk", x.label, "p_exceed_se", kUnitProbability, x.p_exceed_se);
      }
      csv.number("risk", x.label, "var", kUnitUsd, x.var);
      csv.number("risk", x.label, "es", kUnitUsd, x.es);
      csv.number("risk", x.label, "certainty_equivalent", kUnitUsd, x.ce);
    }
  }
  return csv.take();
}

std::string report_json(const SimulationResults& results) {
  std::string error;
  return report_json(results, default_risk(results, error));
}

std::string report_json(const SimulationResults& results, const std::optional<RiskAppetite>& risk) {
  SimulationResults storage;
  const SimulationResults& r = summarized(results, storage);
  const ResultMetadata& m = r.meta;
  nlohmann::ordered_json j;
  j["format"] = "acosim-report";
  j["format_version"] = 1;
  nlohmann::ordered_json s;
  s["name"] = m.scenario_name;
  s["path"] = m.scenario_path;
  s["performance_year"] = m.performance_year;
  s["beneficiaries"] = m.beneficiaries;
  s["runs"] = m.runs;
  s["completed_runs"] = m.completed_runs;
  s["complete"] = m.complete;
  s["seed"] = m.seed;
  s["program_version"] = m.program_version;
  s["git_commit"] = m.git_commit;
  s["created_utc"] = m.created_utc;
  s["wall_seconds"] = m.wall_seconds;
  s["threads"] = m.threads;
  s["ranks"] = m.ranks;
  s["beneficiary_years"] = m.beneficiary_years;
  s["rng_layout"] = m.rng_layout;
  s["library_versions"] = m.library_versions;
  j["scenario"] = std::move(s);
  j["units"] = {{"dollars", "USD"},
                {"percent", "percent of updated benchmark"},
                {"probabilities", "fraction [0-1]"}};
  j["percentile_levels"] = kPercentileLevels;
  auto tracks = nlohmann::ordered_json::array();
  for (const auto& t : r.tracks) {
    nlohmann::ordered_json e;
    e["label"] = t.label;
    e["dollars"] = stats_json(t.dollars);
    e["percent"] = stats_json(t.percent);
    e["p_savings"] = t.p_savings;
    e["p_savings_se"] = t.p_savings_se;
    e["p_losses"] = t.p_losses;
    e["p_losses_se"] = t.p_losses_se;
    e["p_corridor"] = t.p_corridor;
    e["p_quality_failed"] = t.p_quality_failed;
    tracks.push_back(std::move(e));
  }
  j["tracks"] = std::move(tracks);
  auto pairs = nlohmann::ordered_json::array();
  for (const auto& p : r.pairs) {
    nlohmann::ordered_json e;
    e["a"] = p.a;
    e["b"] = p.b;
    e["index_a"] = p.index_a;
    e["index_b"] = p.index_b;
    e["dollars"] = stats_json(p.dollars);
    e["percent"] = stats_json(p.percent);
    e["p_a_better"] = p.p_a_better;
    e["p_equal"] = p.p_equal;
    pairs.push_back(std::move(e));
  }
  j["pairs"] = std::move(pairs);
  if (const auto v = verdict(r, risk)) {
    const RiskAppetite& a = v->appetite;
    nlohmann::ordered_json rj;
    nlohmann::ordered_json ap;
    ap["max_loss"] = a.max_loss ? nlohmann::ordered_json(*a.max_loss) : nlohmann::ordered_json(nullptr);
    ap["confidence"] = a.confidence;
    ap["max_es"] = a.max_es ? nlohmann::ordered_json(*a.max_es) : nlohmann::ordered_json(nullptr);
    ap["risk_aversion"] = a.risk_aversion ? nlohmann::ordered_json(*a.risk_aversion) : nlohmann::ordered_json(nullptr);
    ap["description"] = describe_appetite(a);
    rj["appetite"] = std::move(ap);
    auto tr = nlohmann::ordered_json::array();
    int rank = 0;
    for (int i : v->ranking) {
      const TrackRisk& x = v->tracks[static_cast<std::size_t>(i)];
      nlohmann::ordered_json e;
      e["rank"] = ++rank;
      e["label"] = x.label;
      e["fits"] = x.fits();
      e["fits_max_loss"] = x.fits_loss;
      e["fits_max_es"] = x.fits_es;
      e["borderline"] = x.borderline;
      e["mean"] = x.mean;
      e["p_exceed"] = x.p_exceed;
      e["p_exceed_se"] = x.p_exceed_se;
      e["var"] = x.var;
      e["es"] = x.es;
      e["certainty_equivalent"] = x.ce;
      tr.push_back(std::move(e));
    }
    rj["ranking"] = std::move(tr);
    rj["recommendation"] = recommendation_text(*v);
    j["risk"] = std::move(rj);
  }
  return j.dump(2) + "\n";
}

}  // namespace acosim
