#include "sim/cli/settle_command.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "models/msr.hpp"
#include "sim/cli/commands.hpp"
#include "sim/common/error.hpp"
#include "sim/common/text.hpp"
#include "sim/input/csv.hpp"
#include "sim/input/puf.hpp"
#include "sim/input/puf_overlay.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/output_paths.hpp"
#include "sim/output/report/format.hpp"

namespace acosim {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Cents; a negative zero prints as 0.00.
std::string money(double v) { return fmt::format("{:.2f}", std::fabs(v) < 0.005 ? 0.0 : v); }
std::string rate(double v) { return fmt::format("{:.6f}", v); }

// Upper bounds that catch unit mistakes and absurd values before they settle into an answer: all
// of Medicare fee-for-service spends under $1 trillion a year; no beneficiary-year costs $10M.
constexpr double kMaxDollars = 1e12;     // totals: benchmark, expenditure, revenue, relief [USD]
constexpr double kMaxPerCapita = 1e7;    // per beneficiary-year [USD]
constexpr double kMaxPersonYears = 1e7;  // person-years
constexpr long kMaxBeneficiaries = 10'000'000;

// Optional typed cells of the simple format; each validates its range with the column named.
struct Reader {
  const CsvTable& table;
  const CsvRow& row;

  std::optional<std::size_t> col(std::string_view name) const { return table.find(name); }
  bool has(std::string_view name) const {
    const auto c = col(name);
    return c && !row.missing(*c);
  }

  // A non-negative (or positive) amount up to `max`: dollars unless `unit` says otherwise.
  std::optional<double> dollars(std::string_view name, bool positive, double max = kMaxDollars,
                                std::string_view unit = "dollars") const {
    const auto c = col(name);
    if (!c) return std::nullopt;
    const std::string what = fmt::format("a {} number of {}", positive ? "positive" : "non-negative", unit);
    const auto n = row.optional_number(*c, what);
    if (!n) return std::nullopt;
    if (n->percent || (positive ? !(n->value > 0) : n->value < 0) || n->value > max) {
      row.fail(*c, fmt::format("'{}' is out of range (expected {} up to {:g})", row.cell(*c), what, max));
    }
    return n->value;
  }

  // A fraction in [0, 1], written 0.25 or 25%.
  std::optional<double> fraction(std::string_view name) const {
    const auto c = col(name);
    if (!c) return std::nullopt;
    const char* what = "a fraction in [0, 1] like 0.25, or a percent like 25%";
    const auto n = row.optional_number(*c, what);
    if (!n) return std::nullopt;
    const double v = n->as_fraction_if_percent();
    if (v < 0 || v > 1) row.fail(*c, fmt::format("'{}' is out of range (expected {})", row.cell(*c), what));
    return v;
  }

  std::optional<bool> flag(std::string_view name) const {
    const auto c = col(name);
    return c ? row.optional_flag(*c) : std::nullopt;
  }

  std::optional<long> integer(std::string_view name, long lo, long hi, std::string_view what) const {
    const auto c = col(name);
    if (!c) return std::nullopt;
    const auto v = row.optional_integer(*c, what);
    if (v && (*v < lo || *v > hi)) {
      row.fail(*c, fmt::format("'{}' is out of range (expected {})", row.cell(*c), what));
    }
    return v;
  }
};

Settlement settle_case(const SettleCase& c, const std::string& source) {
  try {
    return settle(*c.track, c.input);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("{}:{}: row {}: {}", source, c.line, c.id, e.what()));
  }
}

std::optional<int> py_from_file_name(const std::string& path) {
  const std::string name = fs::path(path).filename().string();
  for (std::size_t i = 0; i + 6 <= name.size(); ++i) {
    if ((name[i] == 'P' || name[i] == 'p') && (name[i + 1] == 'Y' || name[i + 1] == 'y') &&
        std::all_of(name.begin() + static_cast<long>(i) + 2, name.begin() + static_cast<long>(i) + 6,
                    [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); }) &&
        (i + 6 == name.size() || !std::isdigit(static_cast<unsigned char>(name[i + 6])))) {
      return std::stoi(name.substr(i + 2, 4));
    }
  }
  return std::nullopt;
}

// The output must not be the input (also through a symbolic or hard link) and must be a regular
// file or new (sim/output/output_paths.hpp); checked before reading.
void check_distinct(const std::string& input, const std::string& output) {
  CommandPaths paths;
  paths.input(input, "the input");
  refuse_misleading_extension(output, "-o", "CSV", {".csv"});
  paths.output(output, "-o");
  paths.check();
}

int run_simple(const SettleOptions& o, std::ostream& out) {
  check_distinct(o.input, o.output);
  const CsvTable table = CsvTable::read(o.input);
  const std::vector<SettleCase> cases = read_settle_cases(table);
  const std::string csv = settle_cases_csv(cases, table.source());
  write_file_atomically(o.output, csv);
  out << fmt::format("settled {} ACO-year{} from {} into {}\n", cases.size(), cases.size() == 1 ? "" : "s",
                     o.input, o.output);
  return 0;
}

int run_puf(const SettleOptions& o, std::ostream& out) {
  const std::optional<int> named = py_from_file_name(o.puf);
  int py = 0;
  if (o.py) {
    py = *o.py;
    if (named && *named != py) {
      std::cerr << fmt::format("acosim: warning: {} looks like a PY{} file but --py is {}\n", o.puf, *named,
                               py);
    }
  } else if (named) {
    py = *named;
  } else {
    throw InputError(fmt::format("--puf {}: give the performance year with --py YEAR (allowed {}-{})", o.puf,
                                 kFirstRuleYear, kLastRuleYear));
  }
  try {
    (void)rule_year(py);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("--py {}: {}", py, e.what()));
  }
  check_distinct(o.puf, o.output);
  const std::optional<RuleSet> overlay_rules = o.rules.empty() ? std::nullopt : find_rule_set(o.rules);
  if (!o.rules.empty() && !overlay_rules) {
    throw InputError(fmt::format("--rules {}: not a rule set; allowed: {}", o.rules, known_rule_set_ids()));
  }

  const CsvTable table = CsvTable::read(o.puf);
  const PufFile file = read_puf(table, py);
  for (const std::string& w : file.warnings) std::cerr << "acosim: warning: " << w << "\n";
  const PufReport report = reproduce_all(file);

  std::string csv =
      "aco_id,aco_name,line,track,outcome,benchmark,expenditure,gross_savings,savings_rate,msr,sharing_rate,"
      "loss_rate,cap_bound,loss_relief,earned,cms_earned,diff,tolerance,match,reason,explanation,notes\n";
  for (std::size_t i = 0; i < file.records.size(); ++i) {
    const PufRecord& rec = file.records[i];
    const PufResult& r = report.results[i];
    const Settlement& s = r.settlement;
    std::string notes;
    for (const std::string& n : rec.notes) notes += (notes.empty() ? "" : "; ") + n;
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                       csv_escape(rec.aco_id), csv_escape(rec.aco_name), rec.line, rec.track->id,
                       to_string(s.outcome), money(s.benchmark), money(s.expenditure), money(s.gross_savings),
                       rate(s.savings_rate), rate(s.msr), rate(s.sharing_rate), rate(s.loss_rate),
                       s.cap_bound ? 1 : 0, money(s.loss_relief), money(r.earned), money(r.cms_earned),
                       money(r.diff), money(r.tolerance), to_string(r.status), csv_escape(r.reason),
                       csv_escape(explain(*rec.track, s)), csv_escape(notes));
  }
  write_file_atomically(o.output, csv);

  out << fmt::format("PY{} PUF {} ({} rows): reproduced {} of {} determined rows; {} undetermined\n", py,
                     o.puf, file.records.size(), report.matched, report.determined(), report.undetermined);
  out << fmt::format(
      "  match: |earned - EarnSaveLoss| <= ${:.0f}, or <= {:g} x |EarnSaveLoss| where the amount "
      "depends on the rounded quality score\n",
      kPufDollarTolerance, kPufQualityRelTolerance);
  for (std::size_t i = 0; i < file.records.size(); ++i) {
    const PufRecord& rec = file.records[i];
    const PufResult& r = report.results[i];
    if (r.status == PufStatus::Match) continue;
    out << fmt::format("  {} {} (line {}, {}): earned {:.0f}, CMS {:.0f}, diff {:.0f}: {}\n",
                       r.status == PufStatus::Mismatch ? "mismatch" : "undetermined", rec.aco_id, rec.line,
                       rec.track_label, r.earned + 0.0, r.cms_earned + 0.0,
                       std::fabs(r.diff) < 0.5 ? 0.0 : r.diff, r.reason);
  }
  if (overlay_rules) {
    out << describe_overlay(file, overlay_puf(file, *overlay_rules, read_puf_regional(table, file)));
  }
  out << fmt::format("  wrote {}\n", o.output);
  return 0;
}

}  // namespace

const std::vector<std::string>& settle_input_columns() {
  static const std::vector<std::string> columns = {"id",
                                                   "track",
                                                   "py",
                                                   "assigned_beneficiaries",
                                                   "benchmark_total",
                                                   "expenditure_total",
                                                   "benchmark_pc",
                                                   "expenditure_pc",
                                                   "person_years",
                                                   "msr_election",
                                                   "msr_override",
                                                   "quality_score",
                                                   "met_qps",
                                                   "met_alt_qps",
                                                   "low_revenue",
                                                   "participant_revenue",
                                                   "agreement_start_year",
                                                   "track2_year",
                                                   "benchmark_based_loss_limit",
                                                   "euc_relief_fraction",
                                                   "loss_relief_amount"};
  return columns;
}

namespace {

// Every header column is a known input column (the settle CSV format, docs/settle.md).
void check_settle_header(const CsvTable& table) {
  const std::vector<std::string>& allowed = settle_input_columns();
  for (const std::string& name : table.columns()) {
    const bool known = std::any_of(allowed.begin(), allowed.end(),
                                   [&](const std::string& a) { return lower(a) == lower(name); });
    if (!known) {
      const std::string guess = closest_header(name, allowed);
      std::string list;
      for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw InputError(fmt::format("{}:{}: unknown column '{}'{} (allowed: {})", table.source(),
                                   table.header_line(), name,
                                   guess.empty() ? "" : fmt::format("; did you mean '{}'?", guess), list));
    }
    (void)table.find(name);  // duplicate names are an error
  }
}

// The row's track and performance year; returns the performance year.
long read_case_track(const CsvRow& row, std::size_t c_track, std::size_t c_py, SettleCase& c) {
  const std::string_view track_text = row.cell(c_track);
  if (track_text.empty())
    row.fail(c_track, fmt::format("value is missing (expected one of {})", known_track_ids()));
  c.track = find_track(track_text);
  if (!c.track) {
    row.fail(c_track,
             fmt::format("'{}' is not a known track (expected one of {}; short forms A-E, EN, T1, T2, "
                         "T3, T1+)",
                         track_text, known_track_ids()));
  }
  const Track& track = *c.track;
  const long py = row.integer(c_py, fmt::format("a performance year {}-{}", kFirstRuleYear, kLastRuleYear));
  if (py < kFirstRuleYear || py > kLastRuleYear) {
    row.fail(c_py, fmt::format("'{}' has no settlement rules (expected a performance year {}-{})",
                               row.cell(c_py), kFirstRuleYear, kLastRuleYear));
  }
  c.input.performance_year = static_cast<int>(py);
  if (py < track.first_py || py > track.last_py) {
    row.fail(c_track, fmt::format("'{}' was not reconciled in PY{} (only PY{}-PY{})", track_text, py,
                                  track.first_py, track.last_py));
  }
  return py;
}

// Size, benchmark, expenditure: totals, or per-capita amounts x person-years.
void read_case_totals(const Reader& r, std::size_t c_nab, SettlementInput& in) {
  const CsvTable& table = r.table;
  const CsvRow& row = r.row;
  in.assigned_beneficiaries = row.integer(c_nab, "a positive count of assigned beneficiaries");
  if (in.assigned_beneficiaries <= 0) {
    row.fail(c_nab, fmt::format("'{}' must be positive (expected a count of assigned beneficiaries)",
                                row.cell(c_nab)));
  }
  if (in.assigned_beneficiaries > kMaxBeneficiaries) {
    row.fail(c_nab, fmt::format("'{}' is out of range (expected a count of assigned beneficiaries up to {})",
                                row.cell(c_nab), kMaxBeneficiaries));
  }
  const bool totals = r.has("benchmark_total") || r.has("expenditure_total");
  const bool per_capita = r.has("benchmark_pc") || r.has("expenditure_pc") || r.has("person_years");
  if (totals == per_capita) {
    row.fail(totals
                 ? "give either benchmark_total and expenditure_total, or benchmark_pc, expenditure_pc and "
                   "person_years, not both"
                 : "no benchmark: give benchmark_total and expenditure_total, or benchmark_pc, "
                   "expenditure_pc and person_years");
  }
  auto need = [&](std::string_view name, bool positive, double max, std::string_view unit) {
    const auto v = r.dollars(name, positive, max, unit);
    if (!v) {
      const auto col = table.find(name);
      if (!col)
        row.fail(fmt::format("missing column '{}' (needed with the other {} columns)", name,
                             totals ? "total" : "per-capita"));
      row.fail(*col, fmt::format("value is missing (expected a {} number of {})",
                                 positive ? "positive" : "non-negative", unit));
    }
    return *v;
  };
  if (totals) {
    in.benchmark = need("benchmark_total", true, kMaxDollars, "dollars");
    in.expenditure = need("expenditure_total", false, kMaxDollars, "dollars");
  } else {
    const double years = need("person_years", true, kMaxPersonYears, "person-years");
    in.benchmark = need("benchmark_pc", true, kMaxPerCapita, "dollars per beneficiary-year") * years;
    in.expenditure = need("expenditure_pc", false, kMaxPerCapita, "dollars per beneficiary-year") * years;
  }
}

// MSR/MLR: an override, the election of a two-sided track, and the table's range.
void read_case_msr(const Reader& r, std::size_t c_nab, const Track& track, SettlementInput& in) {
  const CsvTable& table = r.table;
  const CsvRow& row = r.row;
  if (const auto c_over = table.find("msr_override"); c_over && !row.missing(*c_over)) {
    const double v = *r.fraction("msr_override");
    if (v >= 1)
      row.fail(*c_over, fmt::format("'{}' is out of range (expected an MSR below 100%)", row.cell(*c_over)));
    in.msr_override = v;
  }
  const auto c_msr = table.find("msr_election");
  if (c_msr && !row.missing(*c_msr)) {
    const std::string_view text = row.cell(*c_msr);
    const char* what = "variable, a percent like 1%, or a fraction like 0.01, in [0, 20%]";
    if (lower(text) == "variable" || lower(text) == "table") {
      in.msr_election = MsrElection::table();
    } else {
      const auto n = row.optional_number(*c_msr, what);
      const double v = n ? n->as_fraction_if_percent() : 0.0;
      if (v < 0 || v > 0.20) row.fail(*c_msr, fmt::format("'{}' is out of range (expected {})", text, what));
      if (!track.two_sided) {
        row.fail(*c_msr,
                 fmt::format("'{}' is an election, but {} is one-sided: its MSR comes from the table by "
                             "assigned_beneficiaries (leave it empty or write variable)",
                             text, track.id));
      }
      in.msr_election = MsrElection::fixed(v);
    }
  } else if (track.two_sided && !in.msr_override) {
    const std::string msg = fmt::format(
        "{} is two-sided and needs its MSR/MLR election (variable, 0%, 0.5%, 1%, 1.5% "
        "or 2%)",
        track.id);
    if (c_msr) row.fail(*c_msr, "value is missing: " + msg);
    row.fail("missing column 'msr_election': " + msg);
  }
  if (!in.msr_override && in.assigned_beneficiaries < kMsrTableMinBeneficiaries &&
      (track.msr_rule == MsrRule::Table || in.msr_election.variable ||
       in.assigned_beneficiaries < kFixedElectionMinBeneficiaries)) {
    row.fail(c_nab,
             fmt::format("'{}' is below 500, where the MSR table gives no value (expected at least 500, or "
                         "give msr_override)",
                         row.cell(c_nab)));
  }
}

// Quality (a score on 0-100, "90.84" or "90.84%"), revenue, loss limit and relief.
void read_case_quality_and_relief(const Reader& r, const Track& track, SettlementInput& in) {
  const CsvTable& table = r.table;
  const CsvRow& row = r.row;
  if (const auto c_q = table.find("quality_score")) {
    if (const auto n = row.optional_number(*c_q, "a quality score in [0, 100]")) {
      if (n->value < 0 || n->value > 100) {
        row.fail(*c_q,
                 fmt::format("'{}' is out of range (expected a quality score in [0, 100])", row.cell(*c_q)));
      }
      in.quality_score = n->value;
    }
  }
  in.met_qps = r.flag("met_qps").value_or(true);
  in.met_alt_qps = r.flag("met_alt_qps").value_or(false);
  in.low_revenue = r.flag("low_revenue").value_or(false);
  in.participant_revenue = r.dollars("participant_revenue", false);
  in.benchmark_based_loss_limit = r.flag("benchmark_based_loss_limit").value_or(false);
  if (in.benchmark_based_loss_limit && track.id != "TRACK_1_PLUS") {
    row.fail(*table.find("benchmark_based_loss_limit"),
             fmt::format("'1' applies only to TRACK_1_PLUS, not {} (expected 0 or empty)", track.id));
  }
  in.track2_year = static_cast<int>(
      r.integer("track2_year", 1, 100, "a year of participation in Track 2: 1, 2, 3, ...").value_or(3));
  if (auto e = r.fraction("euc_relief_fraction")) in.euc_relief_fraction = *e;
  in.loss_relief_amount = r.dollars("loss_relief_amount", false);
}

// Agreement start: only the 425.605(h) half rate reads it (BASIC, low revenue, 2024+ starts).
void read_case_start(const Reader& r, const Track& track, long py, SettlementInput& in) {
  const CsvTable& table = r.table;
  const CsvRow& row = r.row;
  const auto start =
      r.integer("agreement_start_year", 2012, py, fmt::format("the year the agreement started, 2012-{}", py));
  if (start) {
    in.agreement_start_year = static_cast<int>(*start);
  } else if (track.basic && in.low_revenue && py >= 2024 && in.benchmark > in.expenditure) {
    const auto col = table.find("agreement_start_year");
    const std::string msg =
        "needed for a low-revenue BASIC ACO with savings from PY2024 (the 42 CFR 425.605(h) "
        "half rate applies to agreements starting 2024 or later)";
    if (col) row.fail(*col, "value is missing: " + msg);
    row.fail("missing column 'agreement_start_year': " + msg);
  } else {
    in.agreement_start_year = static_cast<int>(std::min(py, 2023L));
  }
}

}  // namespace

std::vector<SettleCase> read_settle_cases(const CsvTable& table) {
  check_settle_header(table);
  const std::size_t c_track =
      table.require("track", "BASIC_A..BASIC_E, ENHANCED, TRACK_1, TRACK_2, TRACK_3, TRACK_1_PLUS");
  const std::size_t c_py = table.require("py", "the performance year");
  const std::size_t c_nab = table.require("assigned_beneficiaries", "N_AB, drives the MSR table");
  const auto c_id = table.find("id");
  if (!table.find("benchmark_total") && !table.find("benchmark_pc")) {
    (void)table.require("benchmark_total",
                        "with expenditure_total; or benchmark_pc, expenditure_pc and person_years");
  }
  if (table.empty()) {
    throw InputError(
        fmt::format("{}: no data rows after the header (line {})", table.source(), table.header_line()));
  }

  std::vector<SettleCase> cases;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const CsvRow row = table.row(i);
    const Reader r{table, row};
    SettleCase c;
    c.line = row.line();
    c.id = c_id && !row.cell(*c_id).empty() ? std::string(row.cell(*c_id)) : std::to_string(i + 1);
    SettlementInput& in = c.input;

    const long py = read_case_track(row, c_track, c_py, c);
    const Track& track = *c.track;
    read_case_totals(r, c_nab, in);
    read_case_msr(r, c_nab, track, in);
    read_case_quality_and_relief(r, track, in);
    read_case_start(r, track, py, in);
    cases.push_back(std::move(c));
  }
  return cases;
}

std::string settle_cases_csv(const std::vector<SettleCase>& cases, const std::string& source) {
  std::string csv =
      "id,track,py,benchmark,expenditure,gross_savings,savings_rate,msr,mlr,msr_from_table,outcome,sharing_"
      "rate,"
      "half_rate,loss_rate,sequestration,cap,cap_bound,loss_relief,payment,determined,explanation\n";
  for (const SettleCase& c : cases) {
    const Settlement s = settle_case(c, source);
    const bool determined = revenue_limit_determined(*c.track, s, std::optional<bool>(!c.input.low_revenue));
    std::string why = explain(*c.track, s);
    if (!determined) {
      why += "; undetermined: the revenue-based loss limit may bind (give participant_revenue)";
    }
    csv += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_escape(c.id), c.track->id,
        c.input.performance_year, money(s.benchmark), money(s.expenditure), money(s.gross_savings),
        rate(s.savings_rate), rate(s.msr), rate(s.mlr), s.msr_from_table ? 1 : 0, to_string(s.outcome),
        rate(s.sharing_rate), s.half_rate ? 1 : 0, rate(s.loss_rate), money(s.sequestration), money(s.cap),
        s.cap_bound ? 1 : 0, money(s.loss_relief), money(s.payment), determined ? 1 : 0, csv_escape(why));
  }
  return csv;
}

int run_settle(const SettleOptions& o, std::ostream& out) {
  if (o.output.empty()) throw InputError("settle: give the output file with -o OUT.csv");
  if (!o.puf.empty() && !o.input.empty()) {
    throw InputError(
        fmt::format("settle: give either INPUT.csv ({}) or --puf FILE ({}), not both", o.input, o.puf));
  }
  if (o.py && o.puf.empty())
    throw InputError("settle: --py goes with --puf FILE (an input CSV carries a py column)");
  if (!o.rules.empty() && o.puf.empty()) throw InputError("settle: --rules goes with --puf FILE");
  if (!o.puf.empty()) return run_puf(o, out);
  if (o.input.empty()) throw InputError("settle: give INPUT.csv, or --puf FILE --py YEAR");
  return run_simple(o, out);
}

void add_settle_command(CLI::App& app, CommandAction& action) {
  auto opts = std::make_shared<SettleOptions>();
  CLI::App* sub = app.add_subcommand(
      "settle",
      "Settle ACO-years under the CMS rules (one per row of INPUT.csv; see docs/settle-format.md),\n"
      "or reproduce a CMS ACO results PUF with --puf FILE --py YEAR and report the matches.");
  sub->add_option("input", opts->input, "ACO-years to settle, one per row (docs/settle-format.md)");
  sub->add_option("--puf", opts->puf, "a CMS ACO results public-use file to reproduce");
  sub->add_option("--rules", opts->rules,
                  "with --puf: also settle every row under this rule set (cy2027_proposed: PROPOSED, NOT "
                  "LAW) and total the change in CMS payments");
  sub->add_option("--py", opts->py,
                  "performance year of the --puf file (default: from 'PY2023' in its name)");
  sub->add_option("-o,--output", opts->output, "output CSV (written atomically)");
  sub->callback([&action, opts] { action = [opts] { return run_settle(*opts, std::cout); }; });
}

}  // namespace acosim
