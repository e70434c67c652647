// The CSV reader and the CMS ACO results PUF mapping: synthetic fixtures for every layout and
// format quirk, and the real PY2023 / PY2018 files (read from shared/data/puf, skipped if absent).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>

#include "sim/common/error.hpp"
#include "sim/input/csv.hpp"
#include "sim/input/puf.hpp"
#include "tests/support.hpp"

using namespace acosim;
namespace fs = std::filesystem;
using namespace acosim::test;

namespace {

const fs::path kPufDir = fs::path(ACOSIM_SOURCE_DIR) / ".." / "shared" / "data" / "puf";

// A temporary file holding `text`, removed at scope exit.
struct TempFile {
  TempDir dir{"puf"};
  fs::path path;
  TempFile(const std::string& name, const std::string& text) : path(dir.write(name, text)) {}
};

const PufResult& result_for(const PufFile& file, const PufReport& report, const std::string& id) {
  for (std::size_t i = 0; i < file.records.size(); ++i) {
    if (file.records[i].aco_id == id) return report.results[i];
  }
  FAIL("no ACO " << id);
  throw std::logic_error("unreachable");
}

const PufRecord& record_for(const PufFile& file, const std::string& id) {
  for (const PufRecord& r : file.records) {
    if (r.aco_id == id) return r;
  }
  FAIL("no ACO " << id);
  throw std::logic_error("unreachable");
}

}  // namespace

// ---- CSV reader --------------------------------------------------------------------------------

TEST_CASE("puf: parse_csv_number is strict and handles PUF number formats", "[csv]") {
  auto v = [](std::string_view s) { return parse_csv_number(s); };
  CHECK(v("1234")->value == 1234);
  CHECK(v(" -12.5 ")->value == -12.5);
  CHECK(v("+7")->value == 7);
  CHECK(v("1,234,567.25")->value == 1234567.25);
  CHECK(v("1e3")->value == 1000);
  CHECK(v(".5")->value == 0.5);
  const auto p = v("2.00%");
  REQUIRE(p);
  CHECK(p->percent);
  CHECK(p->value == 2.0);
  CHECK(p->decimals == 2);
  CHECK(p->as_fraction_if_percent() == Approx(0.02));
  CHECK(p->half_ulp() == Approx(0.005));
  CHECK(v("0.9084")->decimals == 4);
  CHECK_FALSE(v("2.00")->percent);
  for (const char* bad : {"", "-", "*", "abc", "12a", "1,23", "1234,567", ",123", "1,,234", "inf", "nan",
                          "1e", "1.2.3", "%", "--1", "1 2", "0x10"}) {
    INFO("cell '" << bad << "'");
    CHECK_FALSE(v(bad));
  }
  CHECK(is_missing_cell(""));
  CHECK(is_missing_cell(" - "));
  CHECK(is_missing_cell("*"));
  CHECK_FALSE(is_missing_cell("0"));
}

TEST_CASE("puf: CsvTable: RFC 4180 quotes, CRLF, BOM, Latin-1, line numbers", "[csv]") {
  const std::string text =
      "\xEF\xBB\xBF"
      "id,name,amount\r\n"
      "1,\"Clinique M\xE9nard, \"\"West\"\"\",\"1,234\"\r\n"
      "\r\n"
      "2,\"two\nlines\",5\r\n"
      "3,Caf\xC3\xA9 (already UTF-8),-\r\n"
      ",,\r\n"
      "4,Smart \x93quotes\x94,7";
  const CsvTable t = CsvTable::parse(text, "mem.csv");
  REQUIRE(t.columns() == std::vector<std::string>{"id", "name", "amount"});
  REQUIRE(t.size() == 4);
  CHECK(t.row(0).line() == 2);
  CHECK(t.row(0).cell(1) == "Clinique M\xC3\xA9nard, \"West\"");
  CHECK(t.row(0).number(2, "dollars").value == 1234);
  CHECK(t.row(1).line() == 4);
  CHECK(t.row(1).cell(1) == "two\nlines");
  CHECK(t.row(2).line() == 6);
  CHECK(t.row(2).cell(1) == "Caf\xC3\xA9 (already UTF-8)");
  CHECK_FALSE(t.row(2).optional_number(2, "dollars"));
  CHECK(t.row(3).line() == 8);  // the all-empty record on line 7 is skipped
  CHECK(t.row(3).cell(1) == "Smart \xE2\x80\x9Cquotes\xE2\x80\x9D");
  CHECK(t.find("AMOUNT") == std::optional<std::size_t>(2));
  CHECK_FALSE(t.find("amt"));
  CHECK_THAT(
      error_of([&] { (void)t.require("amont"); }),
      Catch::Contains("mem.csv:1: missing column 'amont'") && Catch::Contains("did you mean 'amount'?"));
  CHECK_THAT(error_of([&] { (void)t.row(1).integer(1, "a count"); }),
             Catch::Contains("mem.csv:4: column name: 'two\nlines' is not a number (expected a count)"));
  CHECK_THAT(error_of([&] { (void)t.row(2).number(2, "dollars"); }),
             Catch::Contains("mem.csv:6: column amount: value is missing ('-') (expected dollars)"));
}

TEST_CASE("puf: CsvTable rejects malformed files with the line", "[csv]") {
  CHECK_THAT(error_of([] { (void)CsvTable::parse("", "e.csv"); }),
             Catch::Contains("e.csv: the file is empty"));
  CHECK_THAT(error_of([] { (void)CsvTable::parse("\xEF\xBB\xBF\r\n\r\n", "e.csv"); }),
             Catch::Contains("the file is empty"));
  CHECK_THAT(error_of([] { (void)CsvTable::parse("a,b\n1,2\n3,4,5\n", "x.csv"); }),
             Catch::Contains("x.csv:3: 3 cells, but the header (line 1) names 2 columns"));
  CHECK_THAT(error_of([] { (void)CsvTable::parse("a,b\n1,\"open\n2,3\n", "x.csv"); }),
             Catch::Contains("x.csv:2: unterminated quoted cell"));
  CHECK_THAT(error_of([] { (void)CsvTable::parse("a,b\n\"x\"y,2\n", "x.csv"); }),
             Catch::Contains("x.csv:2: text after a closing quote"));
  CHECK_THAT(error_of([] { (void)CsvTable::parse("a,a\n1,2\n", "x.csv").find("a"); }),
             Catch::Contains("column 'a' appears more than once"));
  CHECK_THAT(error_of([] { (void)CsvTable::read("/nonexistent/acosim.csv"); }),
             Catch::Contains("cannot read CSV file /nonexistent/acosim.csv: no such file"));
}

// ---- Synthetic PUF fixtures --------------------------------------------------------------------

// PY2024 layout: Current_Track, bare percent numbers, "-" for not applicable.
const char* const kPy2024 =
    "ACO_ID,ACO_Name,Current_Start_Date,Current_Track,N_AB,Sav_rate,MinSavPerc,BnchmkMinExp,GenSaveLoss,"
    "DisAdj,"
    "EarnSaveLoss,Met_QPS,Met_AltQPS,QualScore,ABtotBnchmk,ABtotExp,FinalShareRate,FinalLossRate,Rev_Exp_Cat,"
    "ReducedSS,Guardrail\n"
    // ENHANCED, fixed 2% MSR: 5M x 75% x 0.98.
    "A9001,Enhanced ACO,01/01/2022,EN,20000,5.00,2.00,5000000,5000000,0,3675000,1,-,85.50,100000000,95000000,"
    "75.00,40.00,High Revenue,0,-\n"
    // BASIC A, low revenue, 2024 start, 2% < MSR 3.0% (table at 10,000): 425.605(h) half rate 20%.
    "A9002,Half Rate ACO,01/01/2024,A,10000,2.00,3.00,1000000,1000000,0,196000,1,-,90.00,50000000,49000000,"
    "20.00,-,Low Revenue,1,0\n"
    // BASIC E high revenue loss: 30% x 2M = 600,000, revenue limit cannot bind; relief 30,000.
    "A9003,Loss "
    "ACO,01/01/2022,E,8000,-2.50,1.00,-2000000,-2000000,-30000,-570000,1,-,85.50,80000000,82000000,"
    "50.00,30.00,High Revenue,0,-\n"
    // BASIC B alternative QPS: FSR = 40% x 76.59% (table MSR 2.40% at 30,000).
    "A9004,Alt QPS ACO,01/01/2022,B,30000,10.00,2.40,6000000,6000000,0,1801397,0,1,76.59,60000000,54000000,"
    "30.64,-,Low Revenue,0,-\n"
    // Guardrail flag, tiny savings at a 0% MSR, paid nothing (spec §8.7): not reproducible.
    "A9005,Guardrail ACO,01/01/2024,EN,12000,0.01,0.00,10000,0,0,0,1,-,88.00,100000000,99990000,75.00,40.00,"
    "High Revenue,0,1\n";

TEST_CASE("puf: PY2024-style PUF: bare percents, '-', half rate, alt-QPS, relief, Guardrail", "[puf]") {
  TempFile f("py2024.csv", kPy2024);
  const PufFile file = read_puf(f.path, 2024);
  CHECK(file.layout == PufLayout::TrackColumn);
  CHECK_FALSE(file.bare_rates_are_fractions);
  REQUIRE(file.records.size() == 5);

  const PufRecord& a = record_for(file, "A9001");
  CHECK(a.track->id == "ENHANCED");
  CHECK_FALSE(a.input.msr_election.variable);
  CHECK(a.input.msr_election.rate == Approx(0.02));
  CHECK(a.input.quality_score == Approx(85.5));
  CHECK(a.quality_half_ulp == Approx(0.005));
  CHECK(a.input.agreement_start_year == 2022);
  CHECK(a.line == 2);

  const PufRecord& b = record_for(file, "A9002");
  CHECK(b.track->id == "BASIC_A");
  CHECK(b.input.low_revenue);
  CHECK(b.input.agreement_start_year == 2024);
  CHECK_FALSE(b.input.met_alt_qps);  // "-"

  const PufRecord& c = record_for(file, "A9003");
  CHECK(c.revenue_based_limit);
  REQUIRE(c.input.loss_relief_amount);
  CHECK(*c.input.loss_relief_amount == 30000);

  const PufReport report = reproduce_all(file);
  CHECK(report.matched == 4);
  CHECK(report.mismatched == 1);
  CHECK(report.undetermined == 0);
  CHECK(result_for(file, report, "A9001").earned == Approx(3675000).margin(0.01));
  const PufResult& half = result_for(file, report, "A9002");
  CHECK(half.settlement.half_rate);
  CHECK(half.earned == Approx(196000).margin(0.01));
  const PufResult& loss = result_for(file, report, "A9003");
  CHECK(loss.status == PufStatus::Match);
  CHECK(loss.earned == Approx(-570000).margin(0.01));
  const PufResult& alt = result_for(file, report, "A9004");
  CHECK(alt.status == PufStatus::Match);
  CHECK(alt.settlement.sharing_rate == Approx(0.4 * 0.7659));
  CHECK(alt.tolerance == Approx(1e-4 * 1801397));  // Q-dependent: the relative tolerance
  const PufResult& guard = result_for(file, report, "A9005");
  CHECK(guard.status == PufStatus::Mismatch);
  CHECK_THAT(guard.reason, Catch::Contains("Guardrail") && Catch::Contains("§8.7"));
}

TEST_CASE("puf: PY2022-style PUF: '%' cells, thousands separators, Latin-1 names, PHE relief", "[puf]") {
  const std::string text =
      "ACO_ID,ACO_Name,Current_Start_Date,Current_Track,N_AB,MinSavPerc,GenSaveLoss,DisAdj,EarnSaveLoss,"
      "Met_QPS,QualScore,ABtotBnchmk,ABtotExp,Rev_Exp_Cat\r\n"
      // ENHANCED loss fully forgiven by the PHE: 40% x 3M = 1.2M, DisAdj -1.2M.
      "A8001,Clinique M\xE9nard ACO,01/01/2020,EN,15000,2.00%,\"-3,000,000\",\"-1,200,000\",0,1,90.00%,"
      "\"100,000,000\",\"103,000,000\",High Revenue\r\n"
      // BASIC B (one-sided): table MSR at 15,000 = 2.7%; 4% savings, 40% x 0.98.
      "A8002,Plain "
      "ACO,07/01/2019,B,15000,2.70%,4000000,0,\"1,568,000\",1,80.00%,\"100,000,000\",\"96,000,000\","
      "Low Revenue\r\n";
  TempFile f("py2022.csv", text);
  const PufFile file = read_puf(f.path, 2022);
  REQUIRE(file.records.size() == 2);
  CHECK(file.records[0].aco_name == "Clinique M\xC3\xA9nard ACO");
  CHECK(file.records[0].input.benchmark == 100000000);
  CHECK(file.records[0].input.quality_score == Approx(90));
  const PufReport report = reproduce_all(file);
  CHECK(report.matched == 2);
  CHECK(report.results[0].settlement.outcome == Outcome::SharedLosses);
  CHECK(report.results[0].settlement.loss_rate == Approx(0.40));
  CHECK(report.results[0].earned == Approx(0).margin(0.01));
  CHECK(report.results[1].earned == Approx(1568000).margin(0.01));
}

TEST_CASE("puf: PY2020-style PUF: track flag columns, rates as decimals", "[puf]") {
  const std::string text =
      "ACO_ID,Current_Start_Date,Current_Track_1,Current_BASIC_E,Current_ENHANCED,N_AB,MinSavPerc,DisAdj,"
      "EarnSaveLoss,Met_QPS,QualScore,ABtotBnchmk,ABtotExp,Rev_Exp_Cat\n"
      // BASIC E: 50% x 0.9 of 4M, no sequestration in PY2020.
      "A7001,07/01/2019 12:00:00 AM,0,1,0,12000,0.02,,1800000,1,0.9,100000000,96000000,High Revenue\n"
      // ENHANCED loss, PHE relief of all of it.
      "A7002,07/01/2019 12:00:00 AM,0,0,1,12000,0.005,-400000,0,1,0.95,100000000,101000000,High Revenue\n"
      // Track 1: table MSR 2.5% at 20,000; 50% x 0.8 of 5M.
      "A7003,01/01/2018 12:00:00 AM,1,0,0,20000,0.025,,2000000,1,0.8,100000000,95000000,Low Revenue\n";
  TempFile f("py2020.csv", text);
  const PufFile file = read_puf(f.path, 2020);
  CHECK(file.layout == PufLayout::TrackFlags);
  CHECK(file.bare_rates_are_fractions);
  REQUIRE(file.records.size() == 3);
  CHECK(file.records[0].track->id == "BASIC_E");
  CHECK(file.records[0].input.quality_score == Approx(90));
  CHECK(file.records[0].input.msr_election.rate == Approx(0.02));
  CHECK(file.records[1].track->id == "ENHANCED");
  CHECK(file.records[2].track->id == "TRACK_1");
  const PufReport report = reproduce_all(file);
  CHECK(report.matched == 3);
  CHECK(report.results[0].earned == Approx(1800000).margin(0.01));
  CHECK(report.results[1].earned == Approx(0).margin(0.01));
  CHECK(report.results[2].earned == Approx(2000000).margin(0.01));
}

TEST_CASE("puf: Bad PUF input: errors name file, line, column, value", "[puf]") {
  const std::string header =
      "ACO_ID,Current_Track,N_AB,MinSavPerc,EarnSaveLoss,Met_QPS,QualScore,ABtotBnchmk,ABtotExp\n";
  const std::string good = "A1,EN,10000,2.00%,0,1,90.00%,100000000,100000000\n";
  {
    TempFile f("bad_track.csv", header + good + "A2,Z,10000,2.00%,0,1,90.00%,100000000,100000000\n");
    CHECK_THAT(error_of([&] { (void)read_puf(f.path, 2023); }),
               Catch::Contains(f.path.string() + ":3: column Current_Track: 'Z' is not a known track"));
  }
  {
    TempFile f("bad_nab.csv", header + "A2,EN,1O000,2.00%,0,1,90.00%,100000000,100000000\n");
    CHECK_THAT(error_of([&] { (void)read_puf(f.path, 2023); }),
               Catch::Contains(
                   ":2: column N_AB: '1O000' is not a number (expected a count of assigned beneficiaries)"));
  }
  {
    TempFile f("neg_nab.csv", header + "A2,EN,-5,2.00%,0,1,90.00%,100000000,100000000\n");
    CHECK_THAT(error_of([&] { (void)read_puf(f.path, 2023); }),
               Catch::Contains(":2: column N_AB: '-5' must be positive"));
  }
  {
    TempFile f("no_col.csv",
               "ACO_ID,Current_Track,NAB,MinSavPerc,EarnSaveLoss,Met_QPS,QualScore,ABtotBnchmk,"
               "ABtotExp\n" +
                   good);
    CHECK_THAT(error_of([&] { (void)read_puf(f.path, 2023); }),
               Catch::Contains(":1: missing column 'N_AB'") && Catch::Contains("did you mean 'NAB'?"));
  }
  {
    TempFile f("good.csv", header + good);
    CHECK_THAT(error_of([&] { (void)read_puf(f.path, 2031); }), Catch::Contains("no settlement rules"));
    CHECK_THAT(error_of([&] { (void)read_puf(f.path, 2016); }),
               Catch::Contains(":2: column Current_Track: 'EN' (ENHANCED) was not reconciled in PY2016"));
    CHECK(read_puf(f.path, 2023).records.size() == 1);
  }
  {
    TempFile f("header_only.csv", header);
    CHECK_THAT(error_of([&] { (void)read_puf(f.path, 2023); }), Catch::Contains("no data rows"));
  }
  {
    TempFile f("empty.csv", "");
    CHECK_THAT(error_of([&] { (void)read_puf(f.path, 2023); }), Catch::Contains("empty"));
  }
  {
    TempFile f("two_flags.csv",
               "ACO_ID,Current_Track_1,Current_Track_3,N_AB,MinSavPerc,EarnSaveLoss,QualScore,"
               "ABtotBnchmk,ABtotExp\nA1,1,1,10000,0.02,0,0.9,100,100\n");
    CHECK_THAT(error_of([&] { (void)read_puf(f.path, 2018); }), Catch::Contains(":2: 2 track flags are 1"));
  }
}

TEST_CASE("puf: Revenue-limit determination uses the 35% high-revenue bound", "[puf]") {
  const Track& e = *find_track("E");
  Settlement s;
  s.outcome = Outcome::SharedLosses;
  s.revenue_limit_unknown = true;
  s.expenditure = 100e6;
  s.payment = -2.0e6;  // owed after the benchmark cap, no relief
  // High revenue: revenue-based limit >= 8% x 35% x 100M = 2.8M >= 2.0M: determined.
  CHECK(revenue_limit_determined(e, s, true));
  s.payment = -2.9e6;
  CHECK_FALSE(revenue_limit_determined(e, s, true));
  s.payment = -1.0;
  CHECK_FALSE(revenue_limit_determined(e, s, false));  // low revenue: revenue only known >= 0
  CHECK_FALSE(revenue_limit_determined(e, s, std::nullopt));
  s.revenue_limit_unknown = false;
  CHECK(revenue_limit_determined(e, s, false));
}

// ---- Real CMS files ----------------------------------------------------------------------------

TEST_CASE("puf: PY2023 PUF: reproduce EarnSaveLoss", "[puf][real]") {
  const fs::path path = kPufDir / "PY2023_ACO_Results_PUF.csv";
  if (!fs::exists(path)) {
    WARN("PY2023 PUF not found at " << path.string() << ": skipped");
    return;
  }
  const PufFile file = read_puf(path, 2023);
  REQUIRE(file.records.size() == 453);
  const PufReport report = reproduce_all(file);
  const double rate = static_cast<double>(report.matched) / static_cast<double>(report.determined());
  INFO("matched " << report.matched << " of " << report.determined() << "; undetermined "
                  << report.undetermined);
  REQUIRE(rate >= 0.99);
  CHECK(report.matched == 446);
  CHECK(report.mismatched == 0);
  CHECK(report.undetermined == 7);  // low-revenue BASIC C/E losses: revenue-based limit unknown

  const PufResult& a1001 = result_for(file, report, "A1001");  // ENHANCED savings
  CHECK(std::fabs(a1001.earned - 73426268) <= 2);
  const PufResult& a2710 = result_for(file, report, "A2710");  // BASIC D high-revenue loss, 5/12 PHE relief
  CHECK(a2710.status == PufStatus::Match);
  CHECK(a2710.settlement.outcome == Outcome::SharedLosses);
  CHECK(std::fabs(a2710.earned - (-367658)) <= 2);
  const PufResult& a1539 = result_for(file, report, "A1539");  // ENHANCED loss at 1 - 0.75 Q = 41.43%
  CHECK(a1539.settlement.loss_rate == Approx(1 - 0.75 * 0.7809));
  CHECK(std::fabs(a1539.earned - (-894285)) <= 2);
  const PufResult& a5293 = result_for(file, report, "A5293");  // BASIC C low revenue: limit bound
  CHECK(a5293.status == PufStatus::Undetermined);
  CHECK_THAT(a5293.reason, Catch::Contains("revenue-based loss limit unknown"));
  const PufResult& a3367 = result_for(file, report, "A3367");  // 640 beneficiaries: table MSR 11.22%
  CHECK(a3367.settlement.msr == Approx(0.1122).margin(0.00005));
}

TEST_CASE("puf: PY2018 PUF: reproduce EarnSaveLoss", "[puf][real]") {
  const fs::path path = kPufDir / "PY2018_ACO_PUF.csv";
  if (!fs::exists(path)) {
    WARN("PY2018 PUF not found at " << path.string() << ": skipped");
    return;
  }
  const PufFile file = read_puf(path, 2018);
  REQUIRE(file.records.size() == 548);
  CHECK(file.layout == PufLayout::TrackFlags);
  const PufReport report = reproduce_all(file);
  const double rate = static_cast<double>(report.matched) / static_cast<double>(report.determined());
  INFO("matched " << report.matched << " of " << report.determined() << "; undetermined "
                  << report.undetermined);
  REQUIRE(rate >= 0.99);
  CHECK(report.matched == 546);
  CHECK(report.mismatched == 0);
  CHECK(report.undetermined == 2);  // low-revenue Track 1+ losses under RevLossLimit = 1

  const PufResult& a1409 = result_for(file, report, "A1409");  // Track 1 capped at 10% of B
  CHECK(a1409.settlement.cap_bound);
  CHECK(std::fabs(a1409.earned - 12118223) <= 2);
  const PufResult& a1001 = result_for(file, report, "A1001");  // Track 1, 50% x Q 0.9084 x 0.98
  CHECK(a1001.status == PufStatus::Match);
  CHECK(std::fabs(a1001.earned - 50087988) <= 1e-4 * 50087988);
  const PufResult& a3743 = result_for(file, report, "A3743");  // Track 3 failed quality: 75% loss rate
  CHECK(a3743.settlement.loss_rate == Approx(0.75));
  CHECK(std::fabs(a3743.earned - (-2118244)) <= 2);
  const PufResult& a3834 =
      result_for(file, report, "A3834");  // Track 1+ benchmark-based limit (RevLossLimit 0)
  CHECK(a3834.status == PufStatus::Match);
  CHECK(std::fabs(a3834.earned - (-383835)) <= 2);
  const PufResult& a2392 = result_for(file, report, "A2392");  // Track 1+ revenue-based, low revenue
  CHECK(a2392.status == PufStatus::Undetermined);
  // MinSavPerc "0.01" (trailing zeros trimmed) is the 1% election, not 0.5% +- rounding.
  CHECK(record_for(file, "A2729").input.msr_election.rate == Approx(0.01));
}
