// Reading a CMS MSSP results file (PUF) into settlement inputs, one record per ACO row
// (sim/input/puf.hpp; spec §6): the columns the reader uses, then one reader per group of cells.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "models/msr.hpp"
#include "sim/common/error.hpp"
#include "sim/common/format.hpp"
#include "sim/common/text.hpp"
#include "sim/input/csv.hpp"
#include "sim/input/puf.hpp"

namespace acosim {
namespace {

constexpr long kPufMaxBeneficiaries = 10'000'000;
constexpr double kPufMaxDollars = 1e12;   // totals [USD]
constexpr double kPufMaxPerCapita = 1e7;  // per beneficiary-year [USD]

// Elections a two-sided ACO can make (spec §2.2): 0%, 0.5%, 1%, 1.5%, 2%.
constexpr std::array<double, 5> kFixedElections = {0.0, 0.005, 0.01, 0.015, 0.02};

// A rate cell as a fraction, with its rounding (half a unit of the last written place).
struct Rate {
  double value = 0;
  double half_ulp = 0;
};

// The file's printing precision for a column: the most decimals any of its cells shows. CMS
// trims trailing zeros ("1" and "0.962" next to "0.9084" in PY2018), so one cell's own digits
// understate the precision; the column's maximum is what the file rounds to.
int column_decimals(const CsvTable& table, std::size_t col) {
  int decimals = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (const auto n = parse_csv_number(table.row(i).cell(col))) decimals = std::max(decimals, n->decimals);
  }
  return decimals;
}

std::optional<Rate> read_rate(const CsvRow& row, std::size_t col, bool bare_fractions,
                              std::string_view expected, int decimals = -1) {
  auto n = row.optional_number(col, expected);
  if (!n) return std::nullopt;
  if (decimals >= 0) n->decimals = decimals;
  const double scale = (n->percent || !bare_fractions) ? 0.01 : 1.0;
  return Rate{n->value * scale, n->half_ulp() * scale};
}

// The year of a date cell: "07/01/2019", "01/01/2016 12:00:00 AM", "2019-07-01".
std::optional<int> read_year(const CsvRow& row, std::size_t col) {
  const std::string_view text = row.cell(col);
  if (is_missing_cell(text)) return std::nullopt;
  auto digits4 = [](std::string_view s) -> std::optional<int> {
    if (s.size() < 4) return std::nullopt;
    int y = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
      y = y * 10 + (s[i] - '0');
    }
    if (s.size() > 4 && std::isdigit(static_cast<unsigned char>(s[4]))) return std::nullopt;
    return y;
  };
  std::optional<int> year;
  if (const auto slash = text.rfind('/'); slash != std::string_view::npos) {
    year = digits4(text.substr(slash + 1));
  } else if (text.size() >= 10 && text[4] == '-') {
    year = digits4(text);
  }
  if (!year || *year < 2000 || *year > 2100) {
    row.fail(col, fmt::format("'{}' is not a date (expected MM/DD/YYYY or YYYY-MM-DD)", text));
  }
  return year;
}

// A diagnostic-only flag: 1/yes/true set it; anything else (0, "-", text) does not.
bool loose_flag(const CsvRow& row, std::optional<std::size_t> col) {
  if (!col) return false;
  const std::string_view t = row.cell(*col);
  if (t.empty()) return false;
  std::string low;
  for (char c : t) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return low == "1" || low == "1.0" || low == "y" || low == "yes" || low == "true";
}

struct FlagColumn {
  std::size_t col;
  std::string name;
  const Track* track;
};

// The optional columns the reader uses (by exact name, case-insensitive); a file without one reads
// its rows as if the value were unknown, which can turn matches into mismatches silently.
constexpr std::array<const char*, 20> kOptionalColumns = {
    "ACO_Name",           "ABtotBnchmk",     "ABtotExp",     "UpdatedBnchmk", "Per_Capita_Exp_TOTAL_PY",
    "N_AB_Year_PY",       "Met_QPS",         "Met_AltQPS",   "Rev_Exp_Cat",   "Current_Start_Date",
    "Initial_Start_Date", "Initial_Track_2", "RevLossLimit", "DisAdj",        "GenSaveLoss",
    "FinalShareRate",     "FinalLossRate",   "Guardrail",    "ReducedSS",     "Current_Track"};

// Every other name the reader knows (required columns, track flag columns): never a rename.
constexpr std::array<const char*, 19> kOtherColumns = {"ACO_ID",
                                                       "ACO_Num",
                                                       "N_AB",
                                                       "MinSavPerc",
                                                       "EarnSaveLoss",
                                                       "QualScore",
                                                       "Impact_Mid_Year_Termination",
                                                       "Current_Track_1",
                                                       "Current_Track_2",
                                                       "Current_Track_3",
                                                       "Current_Track_1_Plus",
                                                       "Current_BASIC_A",
                                                       "Current_BASIC_B",
                                                       "Current_BASIC_C",
                                                       "Current_BASIC_D",
                                                       "Current_BASIC_E",
                                                       "Current_ENHANCED",
                                                       "Track1",
                                                       "Track2"};

std::string folded(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c != '_' && c != ' ' && c != '-')
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// One warning per known column that is absent while a header column looks like a renamed copy of
// it (the same letters ignoring case, '_', ' ' and '-', or at most 2 edits apart). Columns of
// years that never had them stay silent: nothing in their header resembles them.
std::vector<std::string> renamed_column_warnings(const CsvTable& table) {
  std::vector<std::string> warnings;
  for (const char* known : kOptionalColumns) {
    if (table.find(known)) continue;
    const std::string k = folded(known);
    for (const std::string& col : table.columns()) {
      const std::string c = folded(col);
      if (c.empty() || (c != k && edit_distance(c, k) > 2)) continue;
      bool used = false;  // a column the reader finds under its own name is not a rename
      for (const char* other : kOptionalColumns)
        used = used || edit_distance(col, other, LetterCase::Insensitive) == 0;
      for (const char* other : kOtherColumns)
        used = used || edit_distance(col, other, LetterCase::Insensitive) == 0;
      if (used) continue;
      warnings.push_back(
          fmt::format("{}: column {} is absent but the header has '{}' (renamed?); the reader "
                      "matches {} by name, so every row is read as if it had none: rename the "
                      "column back to compare with CMS",
                      table.source(), known, col, known));
      break;
    }
  }
  return warnings;
}

// How a rate cell is written: bare fractions up to PY2020, percents after.
const char* rate_unit_of(bool fractions) {
  return fractions ? "a rate like 0.02 or 2%" : "a percent like 2.00 or 2.00%";
}

// The columns one file has (names matched case-insensitively); optional ones may be absent.
struct PufColumns {
  std::size_t id = 0, nab = 0, msr = 0, earned = 0, q = 0;
  std::optional<std::size_t> name, btot, etot, bpc, epc, py_years, qps, alt, rev, start, init_start, init_t2,
      rev_limit, disadj, gen, fsr, flr, guard, reduced, term, track;
  int q_decimals = 0, msr_decimals = 0;
  std::vector<FlagColumn> flags;  // the 0/1 track flags, when there is no Current_Track
};

// The track flag columns of files without Current_Track, and the track each one means.
constexpr std::array<std::pair<const char*, const char*>, 12> kFlagNames = {{
    {"Current_Track_1", "TRACK_1"},
    {"Current_Track_2", "TRACK_2"},
    {"Current_Track_3", "TRACK_3"},
    {"Current_Track_1_Plus", "TRACK_1_PLUS"},
    {"Current_BASIC_A", "BASIC_A"},
    {"Current_BASIC_B", "BASIC_B"},
    {"Current_BASIC_C", "BASIC_C"},
    {"Current_BASIC_D", "BASIC_D"},
    {"Current_BASIC_E", "BASIC_E"},
    {"Current_ENHANCED", "ENHANCED"},
    {"Track1", "TRACK_1"},
    {"Track2", "TRACK_2"},
}};

PufColumns find_columns(const CsvTable& table, PufFile& file) {
  PufColumns c;
  const auto id = table.find_any({"ACO_ID", "ACO_Num"});
  c.id = id ? *id : table.require("ACO_ID");
  c.name = table.find("ACO_Name");
  c.nab = table.require("N_AB", "number of assigned beneficiaries");
  c.btot = table.find("ABtotBnchmk");
  c.etot = table.find("ABtotExp");
  if (!c.btot || !c.etot) {
    // Totals can be rebuilt from per-capita values x person-years (spec §6.3 identities).
    c.bpc = table.find("UpdatedBnchmk");
    c.epc = table.find("Per_Capita_Exp_TOTAL_PY");
    c.py_years = table.find("N_AB_Year_PY");
    if (!c.bpc || !c.epc || !c.py_years) {
      (void)table.require(!c.btot ? "ABtotBnchmk" : "ABtotExp",
                          "total benchmark and expenditure, or UpdatedBnchmk, Per_Capita_Exp_TOTAL_PY "
                          "and N_AB_Year_PY");
    }
  }
  c.msr = table.require("MinSavPerc", "minimum savings rate");
  c.earned = table.require("EarnSaveLoss", "CMS's settlement to compare with");
  c.q = table.require("QualScore", "quality score");
  c.q_decimals = column_decimals(table, c.q);
  c.msr_decimals = column_decimals(table, c.msr);
  c.qps = table.find("Met_QPS");
  c.alt = table.find("Met_AltQPS");
  c.rev = table.find("Rev_Exp_Cat");
  c.start = table.find("Current_Start_Date");
  c.init_start = table.find("Initial_Start_Date");
  c.init_t2 = table.find("Initial_Track_2");
  c.rev_limit = table.find("RevLossLimit");
  c.disadj = table.find("DisAdj");
  c.gen = table.find("GenSaveLoss");
  c.fsr = table.find("FinalShareRate");
  c.flr = table.find("FinalLossRate");
  c.guard = table.find("Guardrail");
  c.reduced = table.find("ReducedSS");
  c.term = table.find("Impact_Mid_Year_Termination");

  file.warnings = renamed_column_warnings(table);

  c.track = table.find("Current_Track");
  if (c.track) {
    file.layout = PufLayout::TrackColumn;
    return c;
  }
  file.layout = PufLayout::TrackFlags;
  for (const auto& [name, id_of_track] : kFlagNames) {
    if (auto col = table.find(name))
      c.flags.push_back({*col, table.columns()[*col], find_track(id_of_track)});
  }
  if (c.flags.empty()) {
    (void)table.require("Current_Track",
                        "the track: Current_Track (A-E, EN), or 0/1 flag columns Current_Track_1, "
                        "_2, _3, _1_Plus, Current_BASIC_A..E, Current_ENHANCED");
  }
  return c;
}

// The row's track, from Current_Track or its one flag set to 1, reconciled in `py`.
void read_track(const CsvRow& row, const PufColumns& c, int py, PufRecord& rec) {
  std::size_t track_col = c.track.value_or(0);
  if (c.track) {
    rec.track_label = std::string(row.cell(*c.track));
    rec.track = find_track(rec.track_label);
    if (!rec.track) {
      row.fail(*c.track, fmt::format("'{}' is not a known track (expected A, B, C, D, E or EN, or one "
                                     "of {})",
                                     rec.track_label, known_track_ids()));
    }
  } else {
    std::vector<const FlagColumn*> set;
    for (const FlagColumn& f : c.flags) {
      if (row.optional_flag(f.col).value_or(false)) set.push_back(&f);
    }
    // Track1 / Track2 (PY2014) and Current_Track_1 may coexist in odd files; one track per row.
    if (set.size() != 1) {
      std::string names;
      for (const FlagColumn& f : c.flags) names += (names.empty() ? "" : ", ") + f.name;
      row.fail(set.empty()
                   ? fmt::format("no track flag is 1 (expected exactly one of {} to be 1)", names)
                   : fmt::format("{} track flags are 1 (expected exactly one of {})", set.size(), names));
    }
    rec.track_label = set.front()->name;
    rec.track = set.front()->track;
    track_col = set.front()->col;
  }
  const Track& track = *rec.track;
  if (py < track.first_py || py > track.last_py) {
    row.fail(track_col, fmt::format("'{}' ({}) was not reconciled in PY{} (only PY{}-PY{})",
                                    row.cell(track_col), track.id, py, track.first_py, track.last_py));
  }
}

// A number of at most `max` in magnitude. Bounds catch unit mistakes and absurd values: all of
// Medicare fee-for-service spends under $1 trillion a year; no beneficiary-year costs $10M.
double bounded(const CsvRow& row, std::size_t col, std::string_view what, double max) {
  const double v = row.number(col, what).value;
  if (std::fabs(v) > max) {
    row.fail(col, fmt::format("'{}' is out of range (expected {}, at most {:g} in magnitude)", row.cell(col),
                              what, max));
  }
  return v;
}

// Size, benchmark, expenditure, and CMS's result.
void read_totals(const CsvRow& row, const PufColumns& c, PufRecord& rec) {
  SettlementInput& in = rec.input;
  in.assigned_beneficiaries = row.integer(c.nab, "a count of assigned beneficiaries");
  if (in.assigned_beneficiaries <= 0) {
    row.fail(c.nab, fmt::format("'{}' must be positive (expected a count of assigned beneficiaries)",
                                row.cell(c.nab)));
  }
  if (in.assigned_beneficiaries > kPufMaxBeneficiaries) {
    row.fail(c.nab, fmt::format("'{}' is out of range (expected a count of assigned beneficiaries up to {})",
                                row.cell(c.nab), kPufMaxBeneficiaries));
  }
  const bool totals = c.btot && c.etot;
  const std::size_t c_b = totals ? *c.btot : *c.bpc, c_e = totals ? *c.etot : *c.epc;
  if (totals) {
    in.benchmark = bounded(row, *c.btot, "the total updated benchmark in dollars", kPufMaxDollars);
    in.expenditure = bounded(row, *c.etot, "total expenditures in dollars", kPufMaxDollars);
  } else {
    const double years = bounded(row, *c.py_years, "person-years", kPufMaxBeneficiaries);
    if (years <= 0) {
      row.fail(*c.py_years,
               fmt::format("'{}' must be positive (expected person-years)", row.cell(*c.py_years)));
    }
    in.benchmark =
        bounded(row, *c.bpc, "the per-capita updated benchmark in dollars", kPufMaxPerCapita) * years;
    in.expenditure = bounded(row, *c.epc, "per-capita expenditures in dollars", kPufMaxPerCapita) * years;
    rec.notes.push_back("totals rebuilt as per-capita x N_AB_Year_PY");
  }
  if (!(in.benchmark > 0)) {
    row.fail(c_b, fmt::format("'{}' must be a positive number of dollars", row.cell(c_b)));
  }
  if (in.expenditure < 0) {
    row.fail(c_e, fmt::format("'{}' must be a non-negative number of dollars", row.cell(c_e)));
  }
  rec.cms_earned = bounded(row, c.earned, "CMS's earned savings or losses in dollars", kPufMaxDollars);
  if (c.gen) {
    if (auto g = row.optional_number(*c.gen, "dollars")) rec.gen_save_loss = g->value;
  }
}

// Quality (spec §3): Q on 0-100; the file's rounding decides the comparison tolerance.
void read_quality(const CsvRow& row, const PufColumns& c, bool fractions, PufRecord& rec) {
  SettlementInput& in = rec.input;
  if (auto q = read_rate(row, c.q, fractions,
                         fractions ? "a quality score like 0.9084" : "a quality score like 89.91%",
                         c.q_decimals)) {
    in.quality_score = q->value * 100.0;
    rec.quality_half_ulp = q->half_ulp * 100.0;
    if (in.quality_score < 0 || in.quality_score > 100.0 + rec.quality_half_ulp) {
      row.fail(c.q,
               fmt::format("'{}' is out of range (expected a quality score in [0, 100]%{})", row.cell(c.q),
                           fractions ? ", written as a fraction in PY2020 and earlier files" : ""));
    }
    in.quality_score = std::min(in.quality_score, 100.0);
  } else {
    rec.quality_missing = true;
    in.quality_score = 100.0;
  }
  std::optional<bool> met = c.qps ? row.optional_flag(*c.qps) : std::nullopt;
  if (!met) {
    met = !rec.quality_missing && in.quality_score > 0;
    rec.notes.push_back(fmt::format("Met_QPS {}: assumed {}", c.qps ? "empty" : "absent", *met ? 1 : 0));
  }
  in.met_qps = *met;
  in.met_alt_qps = c.alt ? row.optional_flag(*c.alt).value_or(false) : false;
}

// Revenue category (42 CFR 425.20) and the revenue-based loss limit.
void read_revenue(const CsvRow& row, const PufColumns& c, PufRecord& rec) {
  SettlementInput& in = rec.input;
  if (c.rev && !row.missing(*c.rev)) {
    std::string low;
    for (char ch : row.cell(*c.rev)) low += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (low.find("low") != std::string::npos) {
      rec.high_revenue = false;
    } else if (low.find("high") != std::string::npos) {
      rec.high_revenue = true;
    } else {
      row.fail(*c.rev, fmt::format("'{}' is not a revenue category (expected Low Revenue or High Revenue)",
                                   row.cell(*c.rev)));
    }
  }
  in.low_revenue = rec.high_revenue.has_value() && !*rec.high_revenue;
  if (rec.track->loss_limit_rule != LossLimitRule::RevenueCappedByBenchmark) return;
  rec.revenue_based_limit = true;
  if (rec.track->id == "TRACK_1_PLUS") {
    // RevLossLimit = 1: the revenue-based limit (8% of revenue, capped at 4% of B); 0: the
    // benchmark-based 4% of B (ACOs with an IPPS hospital etc.). Spec §1.2, §8.1: a PY2019
    // ACO with RevLossLimit = 1 was capped at 1.51% of B, below 4%.
    const auto rl = c.rev_limit ? row.optional_flag(*c.rev_limit) : std::nullopt;
    if (rl) {
      rec.revenue_based_limit = *rl;
      in.benchmark_based_loss_limit = !*rl;
    } else {
      rec.notes.push_back("RevLossLimit absent: revenue-based loss limit assumed");
    }
  }
}

// Agreement start (selects the 425.605(h) half rate for 2024+ starts) and, for Track 2, the year of
// participation in Track 2 (loss limit 5% / 7.5% / 10%, 42 CFR 425.606(g)). Initial_Track_2 = 1: in
// Track 2 since the initial start (assumed continuous); otherwise since the current agreement
// started. A 2012 start's first PY ran to the end of 2013.
void read_agreement_years(const CsvRow& row, const PufColumns& c, int py, PufRecord& rec) {
  SettlementInput& in = rec.input;
  const std::optional<int> start = c.start ? read_year(row, *c.start) : std::nullopt;
  if (start) {
    in.agreement_start_year = *start;
  } else {
    in.agreement_start_year = 0;
    rec.notes.push_back("Current_Start_Date missing: 425.605(h) half rate not applied");
  }
  if (rec.track->id != "TRACK_2") return;
  std::optional<int> since;
  const bool initial_t2 = c.init_t2 && row.optional_flag(*c.init_t2).value_or(false);
  if (initial_t2 && c.init_start) since = read_year(row, *c.init_start);
  if (!since && !initial_t2) since = start;
  if (since) {
    in.track2_year = std::max(1, py - std::max(*since, 2013) + 1);
    rec.notes.push_back(fmt::format("Track 2 since {} (year {} in Track 2)", *since, in.track2_year));
  } else {
    rec.track2_year_known = false;
    in.track2_year = 3;
    rec.notes.push_back("Track 2 start unknown: year of participation assumed 3+");
  }
}

// MSR/MLR (spec §2). One-sided: Table 5 from N_AB (the file's value only below 500). Two-sided:
// MinSavPerc is the election: a fixed option, or the table value when it equals the table.
void read_msr(const CsvRow& row, const PufColumns& c, bool fractions, PufRecord& rec) {
  SettlementInput& in = rec.input;
  const char* rate_unit = rate_unit_of(fractions);
  const auto msr = read_rate(row, c.msr, fractions, rate_unit, c.msr_decimals);
  if (msr) {
    rec.file_msr = msr->value;
    rec.file_msr_half_ulp = msr->half_ulp;
    if (msr->value < 0 || msr->value >= 1) {
      row.fail(c.msr,
               fmt::format("'{}' is out of range (expected {} in [0, 100%))", row.cell(c.msr), rate_unit));
    }
  }
  const double tol = msr ? msr->half_ulp + 1e-9 : 0.0;
  if (in.assigned_beneficiaries < kMsrTableMinBeneficiaries) {
    if (!msr)
      row.fail(c.msr, "value is missing (expected the MSR: the table has no value below 500 beneficiaries)");
    in.msr_override = msr->value;
    rec.notes.push_back("N_AB < 500: MSR taken from MinSavPerc");
    return;
  }
  if (rec.track->msr_rule != MsrRule::Elected) return;
  if (!msr) row.fail(c.msr, fmt::format("value is missing (expected the elected MSR/MLR, {})", rate_unit));
  const double table_msr = msr_table(in.assigned_beneficiaries);
  // The election option nearest the file's value, if within its rounding.
  auto fixed = std::min_element(kFixedElections.begin(), kFixedElections.end(), [&](double a, double b) {
    return std::fabs(a - msr->value) < std::fabs(b - msr->value);
  });
  if (std::fabs(*fixed - msr->value) > tol) fixed = kFixedElections.end();
  if (in.assigned_beneficiaries < kFixedElectionMinBeneficiaries) {
    in.msr_election = MsrElection::table();  // the table applies below 5,000 (425.110(b)(3)(iii))
  } else if (fixed != kFixedElections.end()) {
    in.msr_election = MsrElection::fixed(*fixed);
  } else if (std::fabs(table_msr - msr->value) <= tol) {
    in.msr_election = MsrElection::table();
  } else {
    in.msr_election = MsrElection::fixed(msr->value);
    rec.notes.push_back(
        fmt::format("MinSavPerc {} is neither an election option nor the table value {}; used as given",
                    percent_of(msr->value, 4), percent_of(table_msr, 4)));
  }
}

// Disaster / PHE relief as CMS applied it (EarnSaveLoss = settlement before relief - DisAdj), and
// the cells read only to explain a mismatch.
void read_relief_and_diagnostics(const CsvRow& row, const PufColumns& c, bool fractions, PufRecord& rec) {
  const char* rate_unit = rate_unit_of(fractions);
  if (c.disadj) {
    if (auto d = row.optional_number(*c.disadj, "relief in dollars (<= 0)")) {
      if (d->value > 0.5) {
        row.fail(*c.disadj, fmt::format("'{}' is positive (expected the relief as a negative amount or 0)",
                                        row.cell(*c.disadj)));
      }
      rec.dis_adj = d->value;
      rec.input.loss_relief_amount = std::max(0.0, -d->value);
    }
  }
  if (c.fsr) {
    if (auto f = read_rate(row, *c.fsr, fractions, rate_unit)) rec.file_sharing_rate = f->value;
  }
  if (c.flr) {
    if (auto f = read_rate(row, *c.flr, fractions, rate_unit)) rec.file_loss_rate = f->value;
  }
  rec.guardrail = loose_flag(row, c.guard);
  rec.reduced_ss = loose_flag(row, c.reduced);
  rec.mid_year_termination = loose_flag(row, c.term);
}

PufRecord read_record(const CsvRow& row, const PufColumns& c, int py, bool fractions) {
  PufRecord rec;
  rec.line = row.line();
  rec.aco_id = std::string(row.cell(c.id));
  if (rec.aco_id.empty()) row.fail(c.id, "the ACO id is empty");
  if (c.name) rec.aco_name = std::string(row.cell(*c.name));
  rec.input.performance_year = py;
  read_track(row, c, py, rec);
  read_totals(row, c, rec);
  read_quality(row, c, fractions, rec);
  read_revenue(row, c, rec);
  read_agreement_years(row, c, py, rec);
  read_msr(row, c, fractions, rec);
  read_relief_and_diagnostics(row, c, fractions, rec);
  return rec;
}

}  // namespace

PufFile read_puf(const std::filesystem::path& path, int py) { return read_puf(CsvTable::read(path), py); }

PufFile read_puf(const CsvTable& table, int py) {
  PufFile file;
  file.source = table.source();
  file.py = py;
  try {
    (void)rule_year(py);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("{}: {}", table.source(), e.what()));
  }
  file.bare_rates_are_fractions = py <= 2020;
  const PufColumns columns = find_columns(table, file);
  for (std::size_t i = 0; i < table.size(); ++i) {
    file.records.push_back(read_record(table.row(i), columns, py, file.bare_rates_are_fractions));
  }
  if (file.records.empty()) {
    throw InputError(
        fmt::format("{}: no data rows after the header (line {})", table.source(), table.header_line()));
  }
  return file;
}

}  // namespace acosim
