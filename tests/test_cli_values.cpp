// Every numeric option says what was typed wrong: not a whole number, not a plain number (nan,
// inf, 95%), or out of range, with the real bounds (sim/cli/command_args.hpp).
#include <catch2/catch.hpp>

#include <string>

#include <fmt/format.h>

#include "support.hpp"

namespace {

struct Case {
  std::string args, message;
};

}  // namespace

TEST_CASE(
    "Numeric options refuse non-numbers, NaN and out-of-range values, and no option takes an empty value: "
    "exit 2",
    "[cli][bad_inputs]") {
  acosim::test::TempDir dir("cli_values");
  // The cases end in "-o out.h5"; one more with -o '' (it must not write results/<name>.h5).
  {
    int status = 0;
    const std::string out = acosim::test::run_command(
        fmt::format("cd '{}' && '{}' run '{}/scenarios/default.yaml' --runs 10 -o '' 2>&1", dir.path.string(),
                    ACOSIM_BINARY, ACOSIM_SOURCE_DIR),
        status);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK_THAT(out, Catch::Contains("--output: the value is empty; give one"));
    CHECK_FALSE(std::filesystem::exists(dir.path / "results"));
  }
  const std::string scenario = fmt::format("'{}/scenarios/default.yaml'", ACOSIM_SOURCE_DIR);
  const Case cases[] = {
      {"run S --runs 1e3",
       "--runs: '1e3' is not a whole number; allowed: a whole number from 1 to 100000000"},
      {"run S --runs 10abc", "--runs: '10abc' is not a whole number"},
      {"run S --runs 0", "--runs: 0 is out of range; allowed: a whole number from 1 to 100000000"},
      {"run S --runs 99999999999999999999", "--runs: 99999999999999999999 is out of range"},
      {"run S --threads 2.5",
       "--threads: '2.5' is not a whole number; allowed: a whole number from 0 to 4096"},
      {"run S --threads -1", "--threads: -1 is out of range"},
      // NaN passed CLI11's Range check (every comparison with NaN is false) and ran.
      {"run S --target-se nan",
       "--target-se: 'nan' is not a plain number; allowed: a number from 1e-6 to 0.5"},
      {"run S --target-se 0.7", "--target-se: 0.7 is out of range; allowed: a number from 1e-6 to 0.5"},
      {"run S --max-loss nan", "--max-loss: 'nan' is not a plain number; allowed: a number from 0 to 1e13"},
      {"run S --max-es inf", "--max-es: 'inf' is not a plain number"},
      {"run S --confidence 95%",
       "--confidence: '95%' is not a plain number; allowed: a number from 0.5 to 0.9999"},
      {"run S --risk-tolerance 1", "--risk-tolerance: 1 is out of range; allowed: a number from 100 to 1e13"},
      {"bench --beneficiaries 100",
       "--beneficiaries: 100 is out of range; allowed: a whole number from 500 to 10000000"},
      {"bench --repeat 0", "--repeat: 0 is out of range; allowed: a whole number from 1 to 100"},
      {"report r.h5 --per-run-rows -1", "--per-run-rows: -1 is out of range"},
      // An empty value read as "not given": the results went to the default path.
      {"run S --runs 10 --report ''", "--report: the value is empty; give one"},
      {"run ''", "scenario: the value is empty; give one"},
      {"settle '' --puf", "the value is empty; give one"},
      {"sweep S --csv ''", "--csv: the value is empty; give one"},
  };
  for (const Case& c : cases) {
    std::string args = c.args;
    if (const auto at = args.find(" S "); at != std::string::npos) args.replace(at + 1, 1, scenario);
    INFO(args);
    int status = 0;
    const std::string out = acosim::test::run_command(
        fmt::format("cd '{}' && timeout 60 '{}' {} -o out.h5 2>&1", dir.path.string(), ACOSIM_BINARY, args),
        status);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK_THAT(out, Catch::Contains(c.message));
    CHECK_FALSE(std::filesystem::exists(dir.path / "out.h5"));
  }
}
