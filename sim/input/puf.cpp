#include "sim/input/puf.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "models/msr.hpp"
#include "sim/common/error.hpp"
#include "sim/common/text.hpp"
#include "sim/input/csv.hpp"

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

std::string money(double v) { return fmt::format("${:.0f}", v); }
std::string pct(double fraction) { return fmt::format("{:.4f}%", fraction * 100.0); }

}  // namespace

std::string_view to_string(PufStatus s) {
  switch (s) {
    case PufStatus::Match: return "yes";
    case PufStatus::Mismatch: return "no";
    case PufStatus::Undetermined: return "undetermined";
  }
  return "?";
}

double loss_before_relief(const Settlement& s) {
  if (s.outcome != Outcome::SharedLosses) return 0.0;
  return -s.payment + s.loss_relief;
}

bool revenue_limit_determined(const Track& track, const Settlement& s, std::optional<bool> high_revenue) {
  if (!s.revenue_limit_unknown) return true;
  const double loss = loss_before_relief(s);
  if (loss <= 0) return true;
  if (!high_revenue.value_or(false)) return false;
  // Revenue >= 35% of E, so the revenue-based limit is at least this much.
  const double floor_limit = track.loss_limit_revenue_share * kHighRevenueShare * s.expenditure;
  return loss <= floor_limit;
}

PufFile read_puf(const std::filesystem::path& path, int py) { return read_puf(CsvTable::read(path), py); }

namespace {

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

}  // namespace

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
  const bool fractions = file.bare_rates_are_fractions;
  const char* rate_unit = fractions ? "a rate like 0.02 or 2%" : "a percent like 2.00 or 2.00%";

  // Columns. Names are matched case-insensitively.
  const auto c_id_found = table.find_any({"ACO_ID", "ACO_Num"});
  const std::size_t c_id = c_id_found ? *c_id_found : table.require("ACO_ID");
  const auto c_name = table.find("ACO_Name");
  const std::size_t c_nab = table.require("N_AB", "number of assigned beneficiaries");
  const auto c_btot = table.find("ABtotBnchmk");
  const auto c_etot = table.find("ABtotExp");
  std::optional<std::size_t> c_bpc, c_epc, c_py_years;
  if (!c_btot || !c_etot) {
    // Totals can be rebuilt from per-capita values x person-years (spec §6.3 identities).
    c_bpc = table.find("UpdatedBnchmk");
    c_epc = table.find("Per_Capita_Exp_TOTAL_PY");
    c_py_years = table.find("N_AB_Year_PY");
    if (!c_bpc || !c_epc || !c_py_years) {
      (void)table.require(!c_btot ? "ABtotBnchmk" : "ABtotExp",
                          "total benchmark and expenditure, or UpdatedBnchmk, Per_Capita_Exp_TOTAL_PY "
                          "and N_AB_Year_PY");
    }
  }
  const std::size_t c_msr = table.require("MinSavPerc", "minimum savings rate");
  const std::size_t c_earned = table.require("EarnSaveLoss", "CMS's settlement to compare with");
  const std::size_t c_q = table.require("QualScore", "quality score");
  const int q_decimals = column_decimals(table, c_q), msr_decimals = column_decimals(table, c_msr);
  const auto c_qps = table.find("Met_QPS");
  const auto c_alt = table.find("Met_AltQPS");
  const auto c_rev = table.find("Rev_Exp_Cat");
  const auto c_start = table.find("Current_Start_Date");
  const auto c_init_start = table.find("Initial_Start_Date");
  const auto c_init_t2 = table.find("Initial_Track_2");
  const auto c_rev_limit = table.find("RevLossLimit");
  const auto c_disadj = table.find("DisAdj");
  const auto c_gen = table.find("GenSaveLoss");
  const auto c_fsr = table.find("FinalShareRate");
  const auto c_flr = table.find("FinalLossRate");
  const auto c_guard = table.find("Guardrail");
  const auto c_reduced = table.find("ReducedSS");
  const auto c_term = table.find("Impact_Mid_Year_Termination");

  file.warnings = renamed_column_warnings(table);

  const auto c_track = table.find("Current_Track");
  std::vector<FlagColumn> flags;
  if (c_track) {
    file.layout = PufLayout::TrackColumn;
  } else {
    file.layout = PufLayout::TrackFlags;
    static const std::array<std::pair<const char*, const char*>, 12> kFlagNames = {{
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
    for (const auto& [name, id] : kFlagNames) {
      if (auto col = table.find(name)) flags.push_back({*col, table.columns()[*col], find_track(id)});
    }
    if (flags.empty()) {
      (void)table.require("Current_Track",
                          "the track: Current_Track (A-E, EN), or 0/1 flag columns Current_Track_1, "
                          "_2, _3, _1_Plus, Current_BASIC_A..E, Current_ENHANCED");
    }
  }

  for (std::size_t i = 0; i < table.size(); ++i) {
    const CsvRow row = table.row(i);
    PufRecord rec;
    rec.line = row.line();
    rec.aco_id = std::string(row.cell(c_id));
    if (rec.aco_id.empty()) row.fail(c_id, "the ACO id is empty");
    if (c_name) rec.aco_name = std::string(row.cell(*c_name));
    SettlementInput& in = rec.input;
    in.performance_year = py;

    // Track.
    std::size_t track_col = c_track.value_or(0);
    if (c_track) {
      rec.track_label = std::string(row.cell(*c_track));
      rec.track = find_track(rec.track_label);
      if (!rec.track) {
        row.fail(*c_track, fmt::format("'{}' is not a known track (expected A, B, C, D, E or EN, or one "
                                       "of {})",
                                       rec.track_label, known_track_ids()));
      }
    } else {
      std::vector<const FlagColumn*> set;
      for (const FlagColumn& f : flags) {
        if (row.optional_flag(f.col).value_or(false)) set.push_back(&f);
      }
      // Track1 / Track2 (PY2014) and Current_Track_1 may coexist in odd files; one track per row.
      if (set.size() != 1) {
        std::string names;
        for (const FlagColumn& f : flags) names += (names.empty() ? "" : ", ") + f.name;
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

    // Size, benchmark, expenditure. Bounds catch unit mistakes and absurd values: all of Medicare
    // fee-for-service spends under $1 trillion a year; no beneficiary-year costs $10M.
    in.assigned_beneficiaries = row.integer(c_nab, "a count of assigned beneficiaries");
    if (in.assigned_beneficiaries <= 0) {
      row.fail(c_nab, fmt::format("'{}' must be positive (expected a count of assigned beneficiaries)",
                                  row.cell(c_nab)));
    }
    if (in.assigned_beneficiaries > kPufMaxBeneficiaries) {
      row.fail(c_nab,
               fmt::format("'{}' is out of range (expected a count of assigned beneficiaries up to {})",
                           row.cell(c_nab), kPufMaxBeneficiaries));
    }
    auto bounded = [&](std::size_t col, std::string_view what, double max) {
      const double v = row.number(col, what).value;
      if (std::fabs(v) > max) {
        row.fail(col, fmt::format("'{}' is out of range (expected {}, at most {:g} in magnitude)",
                                  row.cell(col), what, max));
      }
      return v;
    };
    const bool totals = c_btot && c_etot;
    const std::size_t c_b = totals ? *c_btot : *c_bpc, c_e = totals ? *c_etot : *c_epc;
    if (totals) {
      in.benchmark = bounded(*c_btot, "the total updated benchmark in dollars", kPufMaxDollars);
      in.expenditure = bounded(*c_etot, "total expenditures in dollars", kPufMaxDollars);
    } else {
      const double years = bounded(*c_py_years, "person-years", kPufMaxBeneficiaries);
      if (years <= 0) {
        row.fail(*c_py_years,
                 fmt::format("'{}' must be positive (expected person-years)", row.cell(*c_py_years)));
      }
      in.benchmark = bounded(*c_bpc, "the per-capita updated benchmark in dollars", kPufMaxPerCapita) * years;
      in.expenditure = bounded(*c_epc, "per-capita expenditures in dollars", kPufMaxPerCapita) * years;
      rec.notes.push_back("totals rebuilt as per-capita x N_AB_Year_PY");
    }
    if (!(in.benchmark > 0)) {
      row.fail(c_b, fmt::format("'{}' must be a positive number of dollars", row.cell(c_b)));
    }
    if (in.expenditure < 0) {
      row.fail(c_e, fmt::format("'{}' must be a non-negative number of dollars", row.cell(c_e)));
    }

    // CMS's result.
    rec.cms_earned = bounded(c_earned, "CMS's earned savings or losses in dollars", kPufMaxDollars);
    if (c_gen) {
      if (auto g = row.optional_number(*c_gen, "dollars")) rec.gen_save_loss = g->value;
    }

    // Quality (spec §3): Q on 0-100; the file's rounding decides the comparison tolerance.
    if (auto q = read_rate(row, c_q, fractions,
                           fractions ? "a quality score like 0.9084" : "a quality score like 89.91%",
                           q_decimals)) {
      in.quality_score = q->value * 100.0;
      rec.quality_half_ulp = q->half_ulp * 100.0;
      if (in.quality_score < 0 || in.quality_score > 100.0 + rec.quality_half_ulp) {
        row.fail(c_q,
                 fmt::format("'{}' is out of range (expected a quality score in [0, 100]%{})", row.cell(c_q),
                             fractions ? ", written as a fraction in PY2020 and earlier files" : ""));
      }
      in.quality_score = std::min(in.quality_score, 100.0);
    } else {
      rec.quality_missing = true;
      in.quality_score = 100.0;
    }
    std::optional<bool> met = c_qps ? row.optional_flag(*c_qps) : std::nullopt;
    if (!met) {
      met = !rec.quality_missing && in.quality_score > 0;
      rec.notes.push_back(fmt::format("Met_QPS {}: assumed {}", c_qps ? "empty" : "absent", *met ? 1 : 0));
    }
    in.met_qps = *met;
    in.met_alt_qps = c_alt ? row.optional_flag(*c_alt).value_or(false) : false;

    // Revenue category (42 CFR 425.20) and the revenue-based loss limit.
    if (c_rev && !row.missing(*c_rev)) {
      std::string low;
      for (char ch : row.cell(*c_rev)) low += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (low.find("low") != std::string::npos) {
        rec.high_revenue = false;
      } else if (low.find("high") != std::string::npos) {
        rec.high_revenue = true;
      } else {
        row.fail(*c_rev, fmt::format("'{}' is not a revenue category (expected Low Revenue or High Revenue)",
                                     row.cell(*c_rev)));
      }
    }
    in.low_revenue = rec.high_revenue.has_value() && !*rec.high_revenue;
    if (track.loss_limit_rule == LossLimitRule::RevenueCappedByBenchmark) {
      rec.revenue_based_limit = true;
      if (track.id == "TRACK_1_PLUS") {
        // RevLossLimit = 1: the revenue-based limit (8% of revenue, capped at 4% of B); 0: the
        // benchmark-based 4% of B (ACOs with an IPPS hospital etc.). Spec §1.2, §8.1: a PY2019
        // ACO with RevLossLimit = 1 was capped at 1.51% of B, below 4%.
        const auto rl = c_rev_limit ? row.optional_flag(*c_rev_limit) : std::nullopt;
        if (rl) {
          rec.revenue_based_limit = *rl;
          in.benchmark_based_loss_limit = !*rl;
        } else {
          rec.notes.push_back("RevLossLimit absent: revenue-based loss limit assumed");
        }
      }
    }

    // Agreement start (selects the 425.605(h) half rate for 2024+ starts).
    const std::optional<int> start = c_start ? read_year(row, *c_start) : std::nullopt;
    if (start) {
      in.agreement_start_year = *start;
    } else {
      in.agreement_start_year = 0;
      rec.notes.push_back("Current_Start_Date missing: 425.605(h) half rate not applied");
    }

    // Track 2: year of participation in Track 2 (loss limit 5% / 7.5% / 10%, 42 CFR 425.606(g)).
    // Initial_Track_2 = 1: in Track 2 since the initial start (assumed continuous); otherwise
    // since the current agreement started. A 2012 start's first PY ran to the end of 2013.
    if (track.id == "TRACK_2") {
      std::optional<int> since;
      const bool initial_t2 = c_init_t2 && row.optional_flag(*c_init_t2).value_or(false);
      if (initial_t2 && c_init_start) since = read_year(row, *c_init_start);
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
    const auto msr = read_rate(row, c_msr, fractions, rate_unit, msr_decimals);
    if (msr) {
      rec.file_msr = msr->value;
      rec.file_msr_half_ulp = msr->half_ulp;
      if (msr->value < 0 || msr->value >= 1) {
        row.fail(c_msr,
                 fmt::format("'{}' is out of range (expected {} in [0, 100%))", row.cell(c_msr), rate_unit));
      }
    }
    const double tol = msr ? msr->half_ulp + 1e-9 : 0.0;
    if (in.assigned_beneficiaries < kMsrTableMinBeneficiaries) {
      if (!msr)
        row.fail(c_msr,
                 "value is missing (expected the MSR: the table has no value below 500 beneficiaries)");
      in.msr_override = msr->value;
      rec.notes.push_back("N_AB < 500: MSR taken from MinSavPerc");
    } else if (track.msr_rule == MsrRule::Elected) {
      if (!msr)
        row.fail(c_msr, fmt::format("value is missing (expected the elected MSR/MLR, {})", rate_unit));
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
                        pct(msr->value), pct(table_msr)));
      }
    }

    // Disaster / PHE relief as CMS applied it: EarnSaveLoss = settlement before relief - DisAdj.
    if (c_disadj) {
      if (auto d = row.optional_number(*c_disadj, "relief in dollars (<= 0)")) {
        if (d->value > 0.5) {
          row.fail(*c_disadj, fmt::format("'{}' is positive (expected the relief as a negative amount or 0)",
                                          row.cell(*c_disadj)));
        }
        rec.dis_adj = d->value;
        in.loss_relief_amount = std::max(0.0, -d->value);
      }
    }

    // Diagnostics.
    if (c_fsr) {
      if (auto f = read_rate(row, *c_fsr, fractions, rate_unit)) rec.file_sharing_rate = f->value;
    }
    if (c_flr) {
      if (auto f = read_rate(row, *c_flr, fractions, rate_unit)) rec.file_loss_rate = f->value;
    }
    rec.guardrail = loose_flag(row, c_guard);
    rec.reduced_ss = loose_flag(row, c_reduced);
    rec.mid_year_termination = loose_flag(row, c_term);
    file.records.push_back(std::move(rec));
  }
  if (file.records.empty()) {
    throw InputError(
        fmt::format("{}: no data rows after the header (line {})", table.source(), table.header_line()));
  }
  return file;
}

namespace {

Settlement settle_row(const PufRecord& rec, const SettlementInput& in, const std::string& source) {
  try {
    return settle(*rec.track, in);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("{}:{}: ACO {}: {}", source, rec.line, rec.aco_id, e.what()));
  }
}

// Why a determined row does not match, from what the file says about each step.
std::string diagnose(const PufRecord& rec, const Settlement& s, double earned) {
  const double cms = rec.cms_earned;
  if (rec.guardrail && std::fabs(cms) < 0.5 && earned > 0) {
    return "Guardrail flag set and CMS paid nothing: the PY2024 benchmark guardrail rule is not "
           "public (spec §8.7); not reproduced";
  }
  std::vector<std::string> parts;
  if (rec.mid_year_termination) {
    parts.push_back(
        "mid-year termination (Impact_Mid_Year_Termination = 1): CMS pro-rates by months, not modelled");
  }
  if (rec.input.performance_year == 2019 && earned != 0 && std::fabs(cms / earned - 0.5) < 0.01) {
    parts.push_back(
        "6-month 2019 performance year: CMS pro-rates the full-year result by months (spec §5.4), not "
        "modelled");
  }
  const bool ours_met = s.outcome == Outcome::SharedSavings || s.outcome == Outcome::SharedLosses ||
                        s.outcome == Outcome::QualityFailed;
  if (rec.gen_save_loss) {
    const bool cms_met = std::fabs(*rec.gen_save_loss) > 0.5;
    const char* what = s.gross_savings >= 0 ? "savings" : "losses";
    const char* threshold = s.gross_savings >= 0 ? "MSR" : "MLR";
    if (ours_met && !cms_met) {
      parts.push_back(fmt::format(
          "CMS's GenSaveLoss is 0: CMS did not count {} of {} as meeting the {} of {} although the "
          "rate is at or above it (spec §6.4 lists such PUF rows as unexplained)",
          what, pct(std::fabs(s.savings_rate)), threshold, pct(s.gross_savings >= 0 ? s.msr : s.mlr)));
    } else if (!ours_met && cms_met) {
      parts.push_back(
          fmt::format("CMS's GenSaveLoss is {}: CMS counted the {} as meeting the {} but settle() "
                      "did not ({} vs {} {})",
                      money(*rec.gen_save_loss), what, threshold, pct(std::fabs(s.savings_rate)), threshold,
                      pct(s.gross_savings >= 0 ? s.msr : s.mlr)));
    }
  }
  if (rec.file_msr && std::fabs(s.msr - *rec.file_msr) > rec.file_msr_half_ulp + 1e-9) {
    parts.push_back(
        fmt::format("MSR {} differs from the file's MinSavPerc {}", pct(s.msr), pct(*rec.file_msr)));
  }
  if (s.outcome == Outcome::SharedSavings && rec.file_sharing_rate &&
      std::fabs(s.sharing_rate - *rec.file_sharing_rate) > 1e-4) {
    parts.push_back(fmt::format("sharing rate {} differs from the file's FinalShareRate {}",
                                pct(s.sharing_rate), pct(*rec.file_sharing_rate)));
  }
  if (s.outcome == Outcome::SharedLosses && rec.file_loss_rate &&
      std::fabs(s.loss_rate - *rec.file_loss_rate) > 1e-4) {
    parts.push_back(fmt::format("loss rate {} differs from the file's FinalLossRate {}", pct(s.loss_rate),
                                pct(*rec.file_loss_rate)));
  }
  if (parts.empty()) {
    parts.push_back(earned != 0 ? fmt::format("unexplained: CMS / settle() = {:.6f}", cms / earned)
                                : "unexplained: settle() gives 0");
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace

PufResult reproduce(const PufRecord& rec, const std::string& source) {
  PufResult r;
  const Track& track = *rec.track;
  const Settlement s = settle_row(rec, rec.input, source);
  r.settlement = s;
  r.earned = s.payment;
  r.cms_earned = rec.cms_earned;
  r.diff = r.earned - r.cms_earned;

  // Does the amount depend on the quality score within what the file's rounding leaves open?
  SettlementInput lo = rec.input, hi = rec.input;
  if (rec.quality_missing) {
    lo.quality_score = 0;
    hi.quality_score = 100;
  } else {
    lo.quality_score = std::max(0.0, rec.input.quality_score - rec.quality_half_ulp);
    hi.quality_score = std::min(100.0, rec.input.quality_score + rec.quality_half_ulp);
  }
  const double q_spread =
      std::fabs(settle_row(rec, hi, source).payment - settle_row(rec, lo, source).payment);
  const bool q_dependent = q_spread > 0.005;
  r.tolerance = kPufDollarTolerance;
  if (q_dependent && !rec.quality_missing) {
    r.tolerance = std::max(kPufDollarTolerance, kPufQualityRelTolerance * std::fabs(rec.cms_earned));
  }

  // What the file cannot tell.
  std::vector<std::string> unknown;
  bool cms_exceeds_bound = false;
  if (rec.quality_missing && q_dependent)
    unknown.push_back("QualScore is missing and the amount depends on it");
  if (s.revenue_limit_unknown && !revenue_limit_determined(track, s, rec.high_revenue)) {
    const double loss = loss_before_relief(s);
    // CMS's loss before relief, to test it against the bound: revenue can only lower the loss.
    std::optional<double> cms_loss;
    if (rec.input.loss_relief_amount) {
      cms_loss = -rec.cms_earned + *rec.input.loss_relief_amount;
    } else if (loss > 0 && s.loss_relief < loss) {
      cms_loss = -rec.cms_earned / (1.0 - s.loss_relief / loss);
    }
    const double share = track.loss_limit_revenue_share;
    std::string why = fmt::format(
        "revenue-based loss limit unknown ({} of participant revenue; the PUF has no revenue): ", pct(share));
    if (rec.high_revenue.value_or(false)) {
      why += fmt::format(
          "high-revenue ACO, revenue >= 35% of E only bounds the limit below by {}, less than "
          "the loss of {} after the benchmark cap",
          money(share * kHighRevenueShare * s.expenditure), money(loss));
    } else {
      why += fmt::format(
          "{} ACO, revenue only known to be >= 0, so any loss (here {} after the benchmark cap) "
          "may be limited",
          rec.high_revenue ? "low-revenue" : "unclassified (no Rev_Exp_Cat)", money(loss));
    }
    if (cms_loss) {
      if (*cms_loss > loss + r.tolerance) {
        cms_exceeds_bound = true;
        why += fmt::format("; but CMS's loss of {} exceeds that bound, which no revenue can explain",
                           money(*cms_loss));
      } else if (*cms_loss >= loss - r.tolerance) {
        why += fmt::format("; CMS's loss equals it: consistent with revenue >= {}", money(loss / share));
      } else {
        const double revenue = *cms_loss / share;
        const double ratio = revenue / s.expenditure;
        const bool category_ok = !rec.high_revenue || (*rec.high_revenue ? ratio >= kHighRevenueShare - 1e-3
                                                                         : ratio < kHighRevenueShare + 1e-3);
        why += fmt::format(
            "; CMS's loss of {} implies a revenue-based limit, i.e. participant revenue {} "
            "({:.1f}% of E{})",
            money(*cms_loss), money(revenue), 100.0 * ratio,
            category_ok ? ", consistent with Rev_Exp_Cat" : ", INCONSISTENT with Rev_Exp_Cat");
      }
    }
    unknown.push_back(std::move(why));
  }
  if (track.id == "TRACK_2" && !rec.track2_year_known && s.outcome == Outcome::SharedLosses) {
    SettlementInput first = rec.input;
    first.track2_year = 1;
    if (std::fabs(settle_row(rec, first, source).payment - s.payment) > 0.005) {
      unknown.push_back("year of participation in Track 2 unknown and the 5% / 7.5% / 10% loss limit binds");
    }
  }

  if (!unknown.empty() && !cms_exceeds_bound) {
    r.status = PufStatus::Undetermined;
    for (const std::string& u : unknown) r.reason += (r.reason.empty() ? "" : "; ") + u;
    return r;
  }
  if (std::fabs(r.diff) <= r.tolerance) {
    r.status = PufStatus::Match;
    return r;
  }
  r.status = PufStatus::Mismatch;
  r.reason = diagnose(rec, s, r.earned);
  if (cms_exceeds_bound) r.reason = unknown.back() + "; " + r.reason;
  if (q_dependent && !rec.quality_missing) {
    r.reason += fmt::format(" (the rounding of QualScore moves the amount by up to {})", money(q_spread / 2));
  }
  return r;
}

PufReport reproduce_all(const PufFile& file) {
  PufReport report;
  report.results.reserve(file.records.size());
  for (const PufRecord& rec : file.records) {
    PufResult r = reproduce(rec, file.source);
    switch (r.status) {
      case PufStatus::Match: ++report.matched; break;
      case PufStatus::Mismatch: ++report.mismatched; break;
      case PufStatus::Undetermined: ++report.undetermined; break;
    }
    report.results.push_back(std::move(r));
  }
  return report;
}

}  // namespace acosim
