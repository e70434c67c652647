#include "sim/input/puf_scenario.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <regex>

#include <fmt/format.h>

#include "models/track.hpp"
#include "sim/common/error.hpp"
#include "sim/input/csv.hpp"
#include "sim/input/enrollment_mix.hpp"

namespace acosim {

namespace {

constexpr std::array<const char*, kEnrollmentTypes> kYearsColumn = {
    "N_AB_Year_ESRD_PY", "N_AB_Year_DIS_PY", "N_AB_Year_AGED_Dual_PY", "N_AB_Year_AGED_NonDual_PY"};
constexpr std::array<const char*, kEnrollmentTypes> kSpendingColumn = {
    "Per_Capita_Exp_ALL_ESRD_PY", "Per_Capita_Exp_ALL_DIS_PY", "Per_Capita_Exp_ALL_AGDU_PY",
    "Per_Capita_Exp_ALL_AGND_PY"};

std::string pct(double f, int decimals = 2) { return fmt::format("{:.{}f}%", 100.0 * f, decimals); }

// "07/01/2019" or "2019-07-01" -> (year, month).
std::optional<std::pair<int, int>> parse_date(std::string_view s) {
  static const std::regex us(R"((\d{1,2})/(\d{1,2})/(\d{4}))"), iso(R"((\d{4})-(\d{1,2})-(\d{1,2}))");
  std::cmatch m;
  const std::string t(s);
  if (std::regex_match(t.c_str(), m, us)) return std::pair{std::stoi(m[3]), std::stoi(m[1])};
  if (std::regex_match(t.c_str(), m, iso)) return std::pair{std::stoi(m[1]), std::stoi(m[2])};
  return std::nullopt;
}

// Splits `total` into whole parts proportional to `weights` (they need not sum to 1).
std::array<long, kEnrollmentTypes> split(long total, const std::array<double, kEnrollmentTypes>& weights) {
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::array<double, kEnrollmentTypes> exact{};
  for (std::size_t e = 0; e < exact.size(); ++e) exact[e] = static_cast<double>(total) * weights[e] / sum;
  return largest_remainder(total, exact);
}

}  // namespace

std::optional<int> py_from_file_name(const std::filesystem::path& path) {
  static const std::regex re(R"(PY\s*(20\d\d))", std::regex::icase);
  std::smatch m;
  const std::string name = path.filename().string();
  if (std::regex_search(name, m, re)) return std::stoi(m[1]);
  return std::nullopt;
}

int puf_file_year(const std::string& file, const std::optional<int>& given, const std::string& file_option,
                  const std::string& year_option) {
  const std::optional<int> named = py_from_file_name(file);
  if (given && named && *given != *named) {
    throw InputError(fmt::format("{} {}: the file name says PY{} but {} is {}; allowed: the file's own year",
                                 file_option, file, *named, year_option, *given));
  }
  const int py = given ? *given : named.value_or(0);
  if (py == 0) {
    throw InputError(
        fmt::format("{} {}: give its performance year with {} YEAR ({}-{}); the file name has no "
                    "'PY2023'",
                    file_option, file, year_option, kFirstRuleYear, kLastRuleYear));
  }
  if (py < kFirstRuleYear || py > kLastRuleYear) {
    throw InputError(fmt::format("{} {}: PY{} has no rules; allowed {}-{}", year_option, py, py,
                                 kFirstRuleYear, kLastRuleYear));
  }
  if (!std::filesystem::exists(file)) throw InputError(fmt::format("{} {}: no such file", file_option, file));
  return py;
}

const PufAcoYear* PufYear::find(const std::string& aco_id) const {
  for (const PufAcoYear& a : acos) {
    if (a.id() == aco_id) return &a;
  }
  return nullptr;
}

void PufYear::fail_unusable(const std::string& aco_id) const {
  for (const Unusable& u : unusable) {
    if (u.aco_id == aco_id) {
      throw InputError(
          fmt::format("{}:{}: ACO {} has no usable PY{} row: {}", source, u.line, aco_id, py, u.reason));
    }
  }
  std::vector<std::string> ids;
  for (const PufAcoYear& a : acos) ids.push_back(a.id());
  for (const Unusable& u : unusable) ids.push_back(u.aco_id);
  const std::string close = closest_header(aco_id, ids);
  throw InputError(fmt::format("{}: no ACO '{}' in column ACO_ID{} ({} rows{})", source, aco_id,
                               close.empty() ? "" : fmt::format("; did you mean '{}'?", close), ids.size(),
                               ids.empty() ? "" : fmt::format(", e.g. {}", ids.front())));
}

namespace {

// The columns read_puf_year() reads beyond those of read_puf().
struct YearColumns {
  std::size_t years = 0, gap = 0, start = 0;
  std::optional<std::size_t> agree, term, prorate;
  std::array<std::size_t, kEnrollmentTypes> type_years{}, type_spending{};
};

YearColumns year_columns(const CsvTable& table) {
  YearColumns c;
  c.years = table.require("N_AB_Year_PY", "assigned person-years (the claims noise and type mix)");
  c.gap = table.require("BnchmkMinExp", "benchmark minus expenditure (the savings rate)");
  c.start = table.require("Current_Start_Date", "agreement start (matches agreement periods)");
  c.agree = table.find("Agree_Type");
  c.term = table.find("Impact_Mid_Year_Termination");
  c.prorate = table.find("Prorate_Shared_Losses");
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto i = static_cast<std::size_t>(e);
    c.type_years[i] = table.require(kYearsColumn[i], "person-years by enrollment type");
    c.type_spending[i] = table.require(kSpendingColumn[i], "per-capita spending by enrollment type");
  }
  return c;
}

// Person-years by type: a suppressed cell ('*') gets the rest of N_AB_Year_PY, split by the
// national mix when several are suppressed.
void read_type_years(const CsvRow& row, const YearColumns& c, PufAcoYear& a) {
  double known_years = 0, missing_mix = 0;
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto i = static_cast<std::size_t>(e);
    if (auto v = row.optional_number(c.type_years[i], "person-years")) {
      a.type_years[i].value = std::max(0.0, v->value);
      known_years += a.type_years[i].value;
    } else {
      missing_mix += kNationalMix[i];
    }
  }
  const double rest = std::max(0.0, a.person_years - known_years);
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto i = static_cast<std::size_t>(e);
    if (!row.missing(c.type_years[i])) continue;
    a.type_years[i].value = rest * kNationalMix[i] / missing_mix;
    a.type_years[i].assumption = fmt::format(
        "{} is '{}' (suppressed small cell); N_AB_Year_PY minus the other types{} = {:.0f} person-years",
        kYearsColumn[i], row.cell(c.type_years[i]),
        missing_mix > kNationalMix[i] ? ", split by the national mix" : "", a.type_years[i].value);
  }
}

// Spending by type: a suppressed cell gets the national mean scaled by the ACO's level on the
// types it reports (national means: cost-model.md §2). Returns why the row is unusable, or "".
std::string read_type_spending(const CsvRow& row, const YearColumns& c, PufAcoYear& a) {
  double own = 0, national = 0;
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto i = static_cast<std::size_t>(e);
    if (auto v = row.optional_number(c.type_spending[i], "dollars per person-year")) {
      a.type_spending[i].value = v->value;
      own += v->value * a.type_years[i].value;
      national += national_mean(static_cast<EnrollmentType>(e)) * a.type_years[i].value;
    }
  }
  if (!(own > 0) || !(national > 0)) {
    return "columns Per_Capita_Exp_ALL_*_PY: no enrollment type has both spending and person-years";
  }
  for (int e = 0; e < kEnrollmentTypes; ++e) {
    const auto i = static_cast<std::size_t>(e);
    if (!row.missing(c.type_spending[i]) && a.type_spending[i].value > 0) continue;
    const double level = own / national;
    a.type_spending[i].value = national_mean(static_cast<EnrollmentType>(e)) * level;
    a.type_spending[i].assumption = fmt::format(
        "{} is '{}' (suppressed); the national mean ${:.0f} x the ACO's level on its other types {:.4f}",
        kSpendingColumn[i], row.cell(c.type_spending[i]), national_mean(static_cast<EnrollmentType>(e)),
        level);
  }
  return "";
}

// One ACO's row as a forecast's input; returns why the row is unusable, or "".
std::string read_aco_year(const CsvRow& row, const YearColumns& c, const PufRecord& rec, PufAcoYear& a) {
  if ((c.term && row.optional_flag(*c.term).value_or(false)) ||
      (c.prorate && row.optional_flag(*c.prorate).value_or(false))) {
    return fmt::format("it terminated during the year and CMS pro-rated its results ({} = 1)",
                       c.term && row.optional_flag(*c.term).value_or(false) ? "Impact_Mid_Year_Termination"
                                                                            : "Prorate_Shared_Losses");
  }
  if (rec.input.assigned_beneficiaries < kMsrTableMinBeneficiaries) {
    return fmt::format(
        "column N_AB: {} assigned beneficiaries, below the {} a scenario needs (the MSR table's "
        "first row, 42 CFR 425.605(b)(1))",
        rec.input.assigned_beneficiaries, kMsrTableMinBeneficiaries);
  }
  if (row.missing(c.years)) {
    return fmt::format("column N_AB_Year_PY is '{}' (suppressed or missing; the person-years are needed)",
                       row.cell(c.years));
  }
  if (row.missing(c.gap)) {
    return fmt::format("column BnchmkMinExp is '{}' (the savings rate is needed)", row.cell(c.gap));
  }
  const auto start = parse_date(row.cell(c.start));
  if (!start) {
    return fmt::format("column Current_Start_Date: '{}' is not a date (expected MM/DD/YYYY)",
                       row.cell(c.start));
  }
  a.record = rec;
  a.start_date = std::string(row.cell(c.start));
  a.start_year = start->first;
  a.start_month = start->second;
  if (c.agree) a.agree_type = std::string(row.cell(*c.agree));
  a.person_years = row.number(c.years, "person-years").value;
  if (!(a.person_years > 0)) {
    return fmt::format("column N_AB_Year_PY: '{}' must be positive", row.cell(c.years));
  }
  a.savings_rate = row.number(c.gap, "dollars").value / rec.input.benchmark;
  read_type_years(row, c, a);
  return read_type_spending(row, c, a);
}

// The cross-section the forecast shrinks toward (scripts/calibrate.py cross_section()).
void cross_section(PufYear& year, const CalibrationDefaults& cal) {
  if (year.acos.size() >= 2) {
    double sum = 0, noise = 0, q_sum = 0, paid = 0, owed = 0;
    long q_n = 0;
    for (const PufAcoYear& a : year.acos) {
      sum += a.savings_rate;
      noise += cal.k_claims * cal.k_claims / a.person_years;
      if (!a.record.quality_missing) {
        q_sum += a.record.input.quality_score;
        ++q_n;
      }
      paid += a.record.cms_earned > 0 ? 1 : 0;
      owed += a.record.cms_earned < 0 ? 1 : 0;
    }
    const double n = static_cast<double>(year.acos.size());
    year.mean_savings_rate = sum / n;
    double ss = 0;
    for (const PufAcoYear& a : year.acos)
      ss += (a.savings_rate - year.mean_savings_rate) * (a.savings_rate - year.mean_savings_rate);
    year.tau2 = std::max(ss / (n - 1) - noise / n, 1e-6);
    year.mean_quality = q_n > 0 ? q_sum / static_cast<double>(q_n) : 83.1;
    year.base_rate_savings = paid / n;
    year.base_rate_losses = owed / n;
  } else {
    throw InputError(fmt::format("{}: {} usable rows; a forecast needs the file's cross-section (at least 2)",
                                 year.source, year.acos.size()));
  }
}

}  // namespace

PufYear read_puf_year(const std::filesystem::path& path, int py, const CalibrationDefaults& cal) {
  const CsvTable table = CsvTable::read(path);
  const PufFile file = read_puf(table, py);
  PufYear year;
  year.source = file.source;
  year.py = py;
  const YearColumns columns = year_columns(table);
  for (std::size_t r = 0; r < table.size(); ++r) {
    const PufRecord& rec = file.records[r];
    PufAcoYear a;
    std::string reason = read_aco_year(table.row(r), columns, rec, a);
    if (reason.empty()) {
      year.acos.push_back(std::move(a));
    } else {
      year.unusable.push_back({rec.aco_id, rec.line, std::move(reason)});
    }
  }
  cross_section(year, cal);
  return year;
}

OwnForecast own_forecast(const PufAcoYear& a, const PufYear& y, const CalibrationDefaults& c) {
  OwnForecast f;
  const double noise = c.k_claims * c.k_claims / a.person_years;
  f.shrinkage = y.tau2 / (y.tau2 + noise);
  f.mean_rate = y.mean_savings_rate + c.persistence * f.shrinkage * (a.savings_rate - y.mean_savings_rate);
  f.sd_rate =
      std::sqrt(c.persistence * c.persistence * y.tau2 * (1.0 - f.shrinkage) + c.drift_sd * c.drift_sd);
  const double q = a.record.quality_missing ? y.mean_quality : a.record.input.quality_score;
  f.quality_mean = std::clamp(y.mean_quality + c.quality_persistence * (q - y.mean_quality), 0.0, 100.0);
  f.quality_sd = c.quality_sd;
  return f;
}

int agreement_last_py(const PufAcoYear& a) {
  // Agreements are 5 PYs; one starting 1 July 2019 had a 6-month first PY and ran to 2024 (spec §1.1).
  return a.start_month >= 7 ? a.start_year + 5 : a.start_year + 4;
}

namespace {

std::string election_yaml(const MsrElection& m) { return m.variable ? "variable" : pct(m.rate, 1); }

TrackOption option(const Track& t, const std::optional<MsrElection>& election, const std::string& label,
                   std::string comment) {
  std::string yaml = "{track: " + t.id;
  if (t.two_sided) yaml += ", msr: " + election_yaml(election.value_or(MsrElection::table()));
  yaml += ", label: \"" + label + "\"}";
  return {yaml, std::move(comment)};
}

}  // namespace

std::vector<TrackOption> track_choices(const PufAcoYear& a, int next_py) {
  const Track& now = *a.record.track;
  const std::optional<MsrElection> current =
      now.two_sided ? std::optional<MsrElection>(a.record.input.msr_election) : std::nullopt;
  const std::string col = a.record.track_label;
  std::vector<TrackOption> out;
  auto exists = [&](const Track& t) { return next_py >= t.first_py && next_py <= t.last_py; };
  auto elect = [&](const Track& t) {
    return t.two_sided && !current ? std::optional<MsrElection>(MsrElection::table()) : current;
  };
  auto election_note = [&](const Track& t) -> std::string {
    if (!t.two_sided) return "";
    if (current)
      return fmt::format("; MSR/MLR {} as elected (MinSavPerc), fixed for the agreement (spec §2.2)",
                         election_yaml(*current));
    return "; assumption: MSR/MLR election variable (made on entering two-sided risk, 42 CFR 425.605(b)(2); "
           "the table by size)";
  };
  static const char* kLevels[] = {"BASIC_A", "BASIC_B", "BASIC_C", "BASIC_D", "BASIC_E"};
  int level = -1;
  for (int k = 0; k < 5; ++k) {
    if (now.id == kLevels[k]) level = k;
  }
  const bool new_agreement = next_py > agreement_last_py(a);
  if (level >= 0) {
    const int step = std::min(level + 1, 4);
    const Track& glide = *find_track(kLevels[step]);
    out.push_back(
        option(glide, elect(glide), fmt::format("{} (next step)", glide.id),
               fmt::format("current track {} (Current_Track '{}'){}: {}{}", now.id, col,
                           level < 4 ? "; the glide path advances one level a year, 42 CFR 425.600(a)(4)"
                                     : "; Level E stays at E",
                           glide.id, election_note(glide))));
    // Holds (benchmark-rules.md §7, 42 CFR 425.600(a)(4)(i)(B)-(C)): agreements of July 2019-2023
    // may stay at A or B for the rest of the agreement from PY2023; 2024+ starts only at A.
    const bool hold_allowed =
        level <= 1 && next_py >= 2023 && !new_agreement && (a.start_year <= 2023 || level == 0);
    if (hold_allowed) {
      out.push_back(
          option(now, std::nullopt, fmt::format("{} (hold)", now.id),
                 fmt::format("stay at {}: the one-sided hold for {} agreements (42 CFR 425.600(a)(4); "
                             "benchmark-rules.md §7)",
                             now.id, a.start_year <= 2023 ? "July 2019-2023" : "2024+ Level A")));
    }
    for (int k = step + 1; k <= 4; ++k) {
      const Track& t = *find_track(kLevels[k]);
      out.push_back(
          option(t, elect(t), t.id,
                 fmt::format("a higher level it may elect at the start of a PY (42 CFR 425.226(a)(1)){}",
                             election_note(t))));
    }
    const Track& en = *find_track("ENHANCED");
    out.push_back(
        option(en, elect(en), en.id,
               fmt::format("the ENHANCED track it may elect instead of BASIC (42 CFR 425.226(a)(1)){}",
                           election_note(en))));
  } else {
    if (!exists(now)) {
      throw InputError(
          fmt::format("line {}: ACO {} is on {} (Current_Track '{}'), which is not offered in PY{} "
                      "(only PY{}-PY{})",
                      a.record.line, a.id(), now.id, col, next_py, now.first_py, now.last_py));
    }
    out.push_back(
        option(now, current, fmt::format("{} (current)", now.id),
               fmt::format("current track {} (Current_Track '{}'){}", now.id, col, election_note(now))));
    if (now.id == "ENHANCED") {
      const Track& e = *find_track("BASIC_E");
      out.push_back(
          option(e, current, "BASIC_E (next agreement)",
                 fmt::format("Level E, which it may choose at its next agreement (ENHANCED optional from "
                             "the CY2023 PFS, spec §1.1){}",
                             election_note(e))));
    }
  }
  return out;
}

TrackOption track_as_reported(const PufAcoYear& b) {
  const Track& t = *b.record.track;
  return option(t, t.two_sided ? std::optional<MsrElection>(b.record.input.msr_election) : std::nullopt, t.id,
                fmt::format("PY{} track as reported (Current_Track '{}', MinSavPerc)",
                            b.record.input.performance_year, b.record.track_label));
}

namespace {

// One scenario key, its value (YAML) and the comment naming its source. The whole row -> scenario
// mapping is this list, in output order; a key "a.b.c" nests under a: and b:.
struct Entry {
  std::string key;
  std::string value;
  std::string comment;
};

void emit(std::string& out, const std::vector<Entry>& entries) {
  std::vector<std::string> open;
  for (const Entry& e : entries) {
    std::vector<std::string> path;
    std::size_t pos = 0;
    while (true) {
      const std::size_t dot = e.key.find('.', pos);
      path.push_back(e.key.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos));
      if (dot == std::string::npos) break;
      pos = dot + 1;
    }
    std::size_t common = 0;
    while (common < open.size() && common + 1 < path.size() && open[common] == path[common]) ++common;
    open.resize(common);
    for (std::size_t d = common; d + 1 < path.size(); ++d) {
      out += std::string(2 * d, ' ') + path[d] + ":\n";
      open.push_back(path[d]);
    }
    const std::string indent(2 * (path.size() - 1), ' ');
    std::string line = indent + path.back() + ": " + e.value;
    if (!e.comment.empty()) {
      line += std::string(line.size() < 44 ? 44 - line.size() : 1, ' ') + "# " + e.comment;
    }
    out += line + "\n";
  }
}

std::string money(double v) { return fmt::format("{:.2f}", v); }

// The scenario's enrollment-type keys, in EnrollmentType order.
constexpr const char* kTypeKey[] = {"esrd", "disabled", "aged_dual", "aged_nondual"};

}  // namespace

namespace {

// The figures of the next PY's scenario (acosim init), from the ACO's row and the cross-section.
struct InitFigures {
  int next = 0;                                 // the scenario's performance year
  double g = 0;                                 // benchmark growth [fraction per year]
  long n_ab = 0;                                // assigned beneficiaries
  std::array<long, kEnrollmentTypes> n{};       // beneficiaries by type
  std::array<double, kEnrollmentTypes> mean{};  // cost means [USD per beneficiary-year]
  double bench_pc = 0;                          // benchmark [USD per beneficiary]
  double r0 = 0;                                // E/B with no effect and no shock
  double effect_mean = 0, effect_sd = 0;        // the true effect [fraction]
  double expected_e = 0;                        // expected expenditure [USD]
  OwnForecast f;
  std::string growth;  // the comment that explains the growth applied
};

InitFigures init_figures(const PufAcoYear& a, const PufYear& y, const CalibrationDefaults& c) {
  InitFigures x;
  x.next = y.py + 1;
  const PufRecord& rec = a.record;
  x.f = own_forecast(a, y, c);
  const double g = c.benchmark_growth;
  x.g = g;
  const long n_ab = a.n_ab();
  x.n_ab = n_ab;
  const double full_year = a.person_years / static_cast<double>(n_ab);  // person-years per beneficiary

  // Beneficiaries by type: N_AB split by the person-year mix (acosim's beneficiaries are full-year).
  std::array<double, kEnrollmentTypes> mix{};
  for (std::size_t i = 0; i < mix.size(); ++i) mix[i] = a.type_years[i].value;
  x.n = split(n_ab, mix);
  const std::array<long, kEnrollmentTypes>& n = x.n;

  // Dollars: per beneficiary = per person-year x person-years / N_AB, grown one year.
  const double bench_pc = x.bench_pc =
      std::round(100.0 * rec.input.benchmark / static_cast<double>(n_ab) * (1.0 + g)) / 100.0;
  std::array<double, kEnrollmentTypes>& mean = x.mean;
  double expected = 0;
  for (std::size_t i = 0; i < mean.size(); ++i) {
    mean[i] = std::round(100.0 * a.type_spending[i].value * full_year * (1.0 + g)) / 100.0;
    expected += static_cast<double>(n[i]) * mean[i];
  }
  expected /= static_cast<double>(n_ab);
  // With no effect and no shock the simulated E/B is r0 (= 1 - s_A up to the suppressed cells);
  // the true effect moves it to 1 - (own forecast): (1 + e) r0 = 1 - mean_rate.
  const double r0 = x.r0 = expected / bench_pc;
  x.effect_mean = (1.0 - x.f.mean_rate) / r0 - 1.0;
  x.effect_sd = x.f.sd_rate / r0;
  x.expected_e = expected * static_cast<double>(n_ab) * (1.0 - x.f.mean_rate) / r0;

  x.growth = fmt::format(
      "x (1 + {}) benchmark growth (assumption: median UpdatedBnchmk growth "
      "PY2014-2024, spec §6.5)",
      pct(g));
  return x;
}

// The comment block at the top: where every figure comes from.
std::string scenario_header(const PufAcoYear& a, const PufYear& y, const CalibrationDefaults& c,
                            const InitFigures& x) {
  const PufRecord& rec = a.record;
  const int next = x.next;
  const OwnForecast& f = x.f;
  std::string out;
  out += fmt::format("# acosim scenario for ACO {} ({}), PY{}, from its PY{} row in {} (line {}).\n", a.id(),
                     rec.aco_name, next, y.py, y.source, rec.line);
  out +=
      "# Values from the file name their column; '# assumption:' marks what the file cannot give, with its\n"
      "# default and source. Calibrated defaults: docs/calibration.md. Edit freely: acosim run THIS_FILE.\n";
  out += fmt::format(
      "# PY{}: savings rate {} (BnchmkMinExp / ABtotBnchmk), {} person-years (N_AB_Year_PY), CMS paid "
      "${:.0f} (EarnSaveLoss).\n",
      y.py, pct(a.savings_rate), a.person_years, rec.cms_earned);
  out += fmt::format(
      "# Forecast of the PY{} savings rate: {} +- {} (own effect: PY{} mean {} + persistence {} x "
      "shrinkage {:.3f} x ({} - {}); drift and what PY{} could not tell), plus the common trend shock "
      "{} +- {} and claims noise.\n",
      next, pct(f.mean_rate), pct(f.sd_rate), y.py, pct(y.mean_savings_rate), c.persistence, f.shrinkage,
      pct(a.savings_rate), pct(y.mean_savings_rate), y.py, pct(c.common_shift_mean), pct(c.common_shift_sd));
  if (next > agreement_last_py(a)) {
    out += fmt::format(
        "# note: the agreement that started {} ends with PY{}; PY{} starts a new agreement whose "
        "benchmark is rebased, so the benchmark below (the current one, grown a year) is an assumption.\n",
        a.start_date, agreement_last_py(a), next);
  }
  out += "\n";

  return out;
}

// The ACO's keys: name, PY, beneficiaries by type, revenue, agreement.
void aco_entries(const PufAcoYear& a, const PufYear& y, const InitFigures& x, std::vector<Entry>& e) {
  const PufRecord& rec = a.record;
  const int next = x.next;
  e.push_back({"name", fmt::format("{}-py{}", a.id(), next), ""});
  e.push_back({"description",
               fmt::format("\"ACO {} PY{} from its PY{} results (acosim init)\"", a.id(), next, y.py), ""});
  e.push_back({"performance_year", std::to_string(next), fmt::format("the PY after the file's PY{}", y.py)});
  for (std::size_t i = 0; i < x.n.size(); ++i) {
    e.push_back({std::string("aco.beneficiaries.") + kTypeKey[i], std::to_string(x.n[i]),
                 a.type_years[i].assumption.empty()
                     ? fmt::format("N_AB {} split by {} / N_AB_Year_PY", x.n_ab, kYearsColumn[i])
                     : "assumption: " + a.type_years[i].assumption});
  }
  const bool low = rec.high_revenue.has_value() && !*rec.high_revenue;
  const double revenue = std::round(low ? kHighRevenueShare * x.expected_e : x.expected_e);
  e.push_back(
      {"aco.participant_revenue", fmt::format("{:.0f}", revenue),
       low ? "assumption: not in the PUF; 35% of expected expenditure, the most a low-revenue ACO has "
             "(42 CFR 425.20): the largest revenue-based loss limit"
           : "assumption: not in the PUF; = expected expenditure (high revenue): the benchmark-based loss "
             "limit binds, the largest a high-revenue ACO can face"});
  e.push_back({"aco.low_revenue", low ? "true" : "false",
               rec.high_revenue ? "Rev_Exp_Cat" : "assumption: Rev_Exp_Cat missing; high revenue (default)"});
  e.push_back({"aco.agreement_start_year", std::to_string(a.start_year),
               fmt::format("Current_Start_Date {}", a.start_date)});
  e.push_back({"aco.euc_relief_fraction", "0",
               "assumption: no local disaster (default); the PY's program-wide relief applies by itself"});
}

// The model's keys: costs, benchmark, true effect, quality.
void model_entries(const PufAcoYear& a, const PufYear& y, const CalibrationDefaults& c, const InitFigures& x,
                   std::vector<Entry>& e) {
  const PufRecord& rec = a.record;
  const int next = x.next;
  const OwnForecast& f = x.f;
  const std::string& growth = x.growth;
  e.push_back({"cost_model.preset", "national", "assumption: national cost shape (docs/cost-model.md)"});
  for (std::size_t i = 0; i < x.mean.size(); ++i) {
    e.push_back({std::string("cost_model.types.") + kTypeKey[i] + ".mean", money(x.mean[i]),
                 a.type_spending[i].assumption.empty()
                     ? fmt::format("{} x N_AB_Year_PY / N_AB {}", kSpendingColumn[i], growth)
                     : fmt::format("assumption: {}; x N_AB_Year_PY / N_AB {}", a.type_spending[i].assumption,
                                   growth)});
  }
  e.push_back({"benchmark.mode", "fixed", "the agreement's benchmark is set; only the update moves it"});
  e.push_back({"benchmark.per_capita", money(x.bench_pc), fmt::format("ABtotBnchmk / N_AB {}", growth)});
  e.push_back({"benchmark.update_factor.mean", fmt::format("{:.5f}", 1.0 + c.common_shift_mean),
               "assumption: common trend shock, mean yearly change of the mean savings rate PY2014-2024 "
               "(docs/calibration.md)"});
  e.push_back({"benchmark.update_factor.sd", fmt::format("{:.5f}", c.common_shift_sd),
               "assumption: its SD over the same years (docs/calibration.md)"});
  e.push_back({"true_effect.mean", fmt::format("{:.6f}", x.effect_mean),
               fmt::format("= (1 - own forecast {}) / {:.6f} - 1: Sav_rate regressed toward the PY{} mean "
                           "(assumption: persistence {}, docs/calibration.md)",
                           pct(f.mean_rate), x.r0, y.py, c.persistence)});
  e.push_back({"true_effect.sd", fmt::format("{:.6f}", x.effect_sd),
               fmt::format("= {} / {:.6f}: what PY{} could not tell plus drift (assumption: drift sd {}, "
                           "docs/calibration.md)",
                           pct(f.sd_rate), x.r0, y.py, pct(c.drift_sd))});
  e.push_back(
      {"quality.score.mean", fmt::format("{:.2f}", f.quality_mean),
       rec.quality_missing
           ? fmt::format("assumption: QualScore missing; the PY{} mean", y.py)
           : fmt::format(
                 "QualScore {:.2f} regressed toward the PY{} mean {:.2f} (assumption: persistence {}, "
                 "docs/calibration.md)",
                 rec.input.quality_score, y.py, y.mean_quality, c.quality_persistence)});
  e.push_back({"quality.score.sd", fmt::format("{:.3f}", f.quality_sd),
               "assumption: residual SD of next year's QualScore (docs/calibration.md)"});
  const RuleYear& rules = rule_year(next);
  if (!rules.qps_threshold && rules.quality_rule != QualityRule::Scaled) {
    e.push_back({"quality.threshold", "76.70",
                 fmt::format("assumption: PY{} has no QPS threshold in the rules; 40th percentile 76.70 "
                             "(benchmark-rules.md §8 [S])",
                             next)});
  }
}

}  // namespace

std::string scenario_yaml(const PufAcoYear& a, const PufYear& y, const std::vector<TrackOption>& tracks,
                          const InitSettings& settings, const CalibrationDefaults& c) {
  const int next = y.py + 1;
  try {
    (void)rule_year(next);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("{}: PY{} -> PY{}: {}", y.source, y.py, next, e.what()));
  }
  const InitFigures x = init_figures(a, y, c);
  std::string out = scenario_header(a, y, c, x);
  std::vector<Entry> e;
  aco_entries(a, y, x, e);
  model_entries(a, y, c, x, e);
  e.push_back({"runs", std::to_string(settings.runs), "assumption: default"});
  e.push_back({"seed", std::to_string(settings.seed), "assumption: default"});
  emit(out, e);

  out += "tracks:\n";
  for (const TrackOption& t : tracks) {
    out += "  # " + t.comment + "\n";
    out += "  - " + t.yaml + "\n";
  }
  return out;
}

}  // namespace acosim
