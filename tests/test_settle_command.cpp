// `acosim settle` end to end: runs the built binary on temporary files and checks the payments,
// the exit codes, the error messages and that a failed run leaves no output file.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "sim/input/csv.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using namespace acosim::test;

namespace {

// Nothing named like `output` (the output or its temporary) is in `dir`.
bool only_inputs_left(const fs::path& dir, const fs::path& output) {
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind(output.filename().string(), 0) == 0) return false;
  }
  return true;
}

std::string q(const fs::path& p) { return "\"" + p.string() + "\""; }

// payment by id from an output file
std::map<std::string, double> payments(const fs::path& out) {
  const acosim::CsvTable t = acosim::CsvTable::read(out);
  const std::size_t id = t.require("id"), pay = t.require("payment");
  std::map<std::string, double> m;
  for (std::size_t i = 0; i < t.size(); ++i)
    m[std::string(t.row(i).cell(id))] = t.row(i).number(pay, "$").value;
  return m;
}

const std::string kHeader =
    "id,track,py,assigned_beneficiaries,benchmark_total,expenditure_total,msr_election,quality_score\n";

}  // namespace

TEST_CASE("settle: the documented example gives the hand-checked payments", "[settle_command]") {
  Sandbox s("settle");
  const fs::path out = s.dir / "out.csv";
  const CliRun r = s.run("settle " + q(fs::path(ACOSIM_SOURCE_DIR) / "scenarios" / "settle-example.csv") +
                         " -o " + q(out));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("settled 8 ACO-years"));
  const auto p = payments(out);
  REQUIRE(p.size() == 8);
  CHECK(p.at("enhanced-savings") == Approx(3675000).margin(0.005));       // 5M x 75% x 0.98
  CHECK(p.at("basic-e-loss") == Approx(-855000).margin(0.005));           // 2.85M x 30%
  CHECK(p.at("basic-a-below-msr") == 0);                                  // 2.5% < MSR 3.2%
  CHECK(p.at("track1-2018") == Approx(1764000).margin(0.005));            // 4M x 50% x 0.9 x 0.98
  CHECK(p.at("basic-c-revenue-limit") == Approx(-200000).margin(0.005));  // 2% x $10M revenue
  CHECK(p.at("basic-b-half-rate") == Approx(196000).margin(0.005));       // 425.605(h): 20% x 1M x 0.98
  CHECK(p.at("enhanced-failed-quality-euc") == Approx(-3375000).margin(0.005));  // 75% x 6M x (1 - 25%)
  CHECK(p.at("track2-first-year-limit") == Approx(-5000000).margin(0.005));      // 5% of B in year 1

  const acosim::CsvTable t = acosim::CsvTable::read(out);
  for (const char* col : {"id",           "track",       "benchmark", "expenditure",    "gross_savings",
                          "savings_rate", "msr",         "mlr",       "msr_from_table", "outcome",
                          "sharing_rate", "half_rate",   "loss_rate", "sequestration",  "cap",
                          "cap_bound",    "loss_relief", "payment",   "determined",     "explanation"}) {
    INFO(col);
    CHECK(t.find(col));
  }
}

TEST_CASE("settle: a small file, per-capita inputs and an undetermined revenue-limited loss",
          "[settle_command]") {
  Sandbox s("settle");
  const fs::path in =
      s.write("in.csv",
              "track,py,assigned_beneficiaries,benchmark_pc,expenditure_pc,person_years,msr_election,"
              "low_revenue\n"
              "E,2024,10000,10000,10500,10000,variable,1\n"
              "EN,2023,10000,10000,9000,10000,0.5%,0\n");
  const fs::path out = s.dir / "out.csv";
  const CliRun r = s.run("settle " + q(in) + " -o " + q(out));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const acosim::CsvTable t = acosim::CsvTable::read(out);
  REQUIRE(t.size() == 2);
  const std::size_t det = t.require("determined"), pay = t.require("payment"), id = t.require("id");
  CHECK(t.row(0).cell(id) == "1");
  CHECK(t.row(0).cell(det) == "0");  // low revenue, no participant_revenue: the limit may bind
  CHECK(t.row(0).number(pay, "$").value == Approx(-1500000).margin(0.005));  // 30% x 5M, benchmark cap 4M
  CHECK(t.row(1).cell(det) == "1");
  CHECK(t.row(1).number(pay, "$").value == Approx(10e6 * 0.75 * 0.98).margin(0.005));
}

TEST_CASE("settle: bad input exits 2, names line and column, writes nothing", "[settle_command]") {
  struct Case {
    const char* name;
    std::string text;
    std::vector<std::string> expect;  // substrings of stderr
  };
  const std::vector<Case> cases = {
      {"missing column",
       "id,track,assigned_beneficiaries,benchmark_total,expenditure_total\nx,A,8000,1,1\n",
       {":1: missing column 'py'"}},
      {"unknown track",
       kHeader + "a,ENHANCED,2024,8000,100,90,1%,90\nb,BASIC_F,2024,8000,100,90,1%,90\n",
       {":3: column track: 'BASIC_F' is not a known track", "BASIC_A"}},
      {"negative beneficiaries",
       kHeader + "a,A,2024,-5,100,90,,90\n",
       {":2: column assigned_beneficiaries: '-5' must be positive"}},
      {"non-numeric cell",
       kHeader + "a,A,2024,8000,12x,90,,90\n",
       {":2: column benchmark_total: '12x' is not a number (expected a positive number of dollars)"}},
      {"empty file", "", {"the file is empty"}},
      {"PY without rules",
       kHeader + "a,A,2031,8000,100,90,,90\n",
       {":2: column py: '2031' has no settlement rules (expected a performance year 2013-2027)"}},
      {"track not in PY",
       kHeader + "a,BASIC_E,2015,8000,100,90,1%,90\n",
       {":2: column track: 'BASIC_E' was not reconciled in PY2015"}},
      {"unknown column",
       "id,track,py,assigned_beneficiaries,benchmark_total,expenditure_total,qualty_score\n"
       "a,A,2024,8000,100,90,90\n",
       {":1: unknown column 'qualty_score'", "did you mean 'quality_score'?"}},
      {"two-sided without election",
       kHeader + "a,E,2024,8000,100,90,,90\n",
       {":2: column msr_election: value is missing", "BASIC_E is two-sided"}},
      {"election on one-sided",
       kHeader + "a,B,2024,8000,100,90,2%,90\n",
       {":2: column msr_election: '2%' is an election, but BASIC_B is one-sided"}},
      {"quality out of range",
       kHeader + "a,B,2024,8000,100,90,,190\n",
       {":2: column quality_score: '190' is out of range"}},
      {"both benchmark forms",
       "track,py,assigned_beneficiaries,benchmark_total,expenditure_total,benchmark_pc,expenditure_pc,person_"
       "years\n"
       "A,2024,8000,100,90,10,9,10\n",
       {":2: give either benchmark_total and expenditure_total"}},
      {"unterminated quote", kHeader + "\"a,A,2024,8000,100,90,,90\n", {":2: unterminated quoted cell"}},
      {"ragged row",
       kHeader + "a,A,2024,8000,100\n",
       {":2: 5 cells, but the header (line 1) names 8 columns"}},
      {"missing start year for half rate",
       "track,py,assigned_beneficiaries,benchmark_total,expenditure_total,low_revenue\nA,2024,8000,100,99,"
       "1\n",
       {":2: missing column 'agreement_start_year'"}},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      Sandbox s("settle");
      const fs::path in = s.write("in.csv", c.text);
      const fs::path out = s.dir / "result.csv";
      const CliRun r = s.run("settle " + q(in) + " -o " + q(out));
      INFO(c.name << ": stderr: " << r.err);
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.err, Catch::Contains("acosim: error: "));
      CHECK_THAT(r.err, Catch::Contains(in.string()) || Catch::Contains("the file is empty"));
      for (const std::string& e : c.expect) CHECK_THAT(r.err, Catch::Contains(e));
      CHECK_FALSE(fs::exists(out));
      CHECK(only_inputs_left(s.dir, out));
    }
  }
}

TEST_CASE("settle: usage errors exit 2 before any work", "[settle_command]") {
  Sandbox s("settle");
  const fs::path in = s.write("in.csv", kHeader + "a,A,2024,8000,100,90,,90\n");
  const fs::path out = s.dir / "out.csv";
  {
    const CliRun r = s.run("settle " + q(in));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("-o OUT.csv"));
  }
  {
    // A missing folder is created; one that cannot be (a file stands in its place) is refused.
    const CliRun r = s.run("settle " + q(in) + " -o " + q(in) + "-folder/out.csv");
    CHECK(r.exit_code == 0);
    { std::ofstream(s.dir / "blocker") << "x"; }
    const CliRun b = s.run("settle " + q(in) + " -o " + q(s.dir / "blocker" / "out.csv"));
    CHECK(b.exit_code == 2);
    CHECK_THAT(b.err, Catch::Contains("blocker"));
  }
  {
    const CliRun r = s.run("settle " + q(s.dir / "missing.csv") + " -o " + q(out));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("missing.csv: no such file"));
  }
  {
    const CliRun r = s.run("settle --puf " + q(in) + " --py 2031 -o " + q(out));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--py 2031") && Catch::Contains("no settlement rules"));
  }
  {
    const CliRun r = s.run("settle --puf " + q(in) + " -o " + q(out));  // no "PY2023" in the name
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--py YEAR"));
  }
  {
    const CliRun r = s.run("settle --puf " + q(in) + " --py 2023 -o " + q(out));  // not a PUF
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(":1: missing column 'ACO_ID'"));
  }
  CHECK_FALSE(fs::exists(out));
  // A good run succeeds in the same directory.
  const CliRun ok = s.run("settle " + q(in) + " -o " + q(out));
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(fs::exists(out));
}

TEST_CASE("settle --puf on a synthetic PY2024 file reports matches and mismatches", "[settle_command]") {
  Sandbox s("settle");
  const fs::path puf = s.write(
      "PY2024_test_PUF.csv",
      "ACO_ID,ACO_Name,Current_Start_Date,Current_Track,N_AB,MinSavPerc,GenSaveLoss,DisAdj,EarnSaveLoss,Met_"
      "QPS,"
      "Met_AltQPS,QualScore,ABtotBnchmk,ABtotExp,Rev_Exp_Cat,Guardrail\n"
      "A9001,One,01/01/2022,EN,20000,2.00,5000000,0,3675000,1,-,85.50,100000000,95000000,High Revenue,-\n"
      "A9002,\"Two, Inc.\",01/01/2022,E,8000,1.00,-2000000,-30000,-570000,1,-,85.50,80000000,82000000,High "
      "Revenue,-\n"
      "A9003,Three,01/01/2022,E,8000,1.00,-2000000,0,-600000,1,-,85.50,80000000,82000000,Low Revenue,-\n"
      "A9004,Four,01/01/2024,EN,12000,0.00,0,0,0,1,-,88.00,100000000,99990000,High Revenue,1\n");
  const fs::path out = s.dir / "check.csv";
  const CliRun r = s.run("settle --puf " + q(puf) + " -o " + q(out));  // PY from the file name
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("reproduced 2 of 3 determined rows; 1 undetermined"));
  CHECK_THAT(r.out, Catch::Contains("mismatch A9004") && Catch::Contains("Guardrail"));
  CHECK_THAT(r.out,
             Catch::Contains("undetermined A9003") && Catch::Contains("revenue-based loss limit unknown"));
  const acosim::CsvTable t = acosim::CsvTable::read(out);
  REQUIRE(t.size() == 4);
  const std::size_t match = t.require("match"), earned = t.require("earned"), cms = t.require("cms_earned");
  (void)t.require("diff");
  (void)t.require("reason");
  CHECK(t.row(0).cell(match) == "yes");
  CHECK(t.row(0).number(earned, "$").value == Approx(3675000).margin(0.005));
  CHECK(t.row(1).cell(t.require("aco_name")) == "Two, Inc.");
  CHECK(t.row(1).number(cms, "$").value == -570000);
  CHECK(t.row(2).cell(match) == "undetermined");
  CHECK(t.row(3).cell(match) == "no");
}
