// sim/common: the one edit distance, "did you mean", number parser and number formatters.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "sim/common/format.hpp"
#include "sim/common/parse.hpp"
#include "sim/common/text.hpp"

using namespace acosim;

TEST_CASE("edit distance counts insertions, deletions and substitutions, letter case on request") {
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("MSR", "msr") == 3);
  CHECK(edit_distance("MSR", "msr", LetterCase::Insensitive) == 0);
}

TEST_CASE("did you mean names the nearest key within two edits, else nothing") {
  const std::vector<std::string> keys{"beneficiaries", "performance_year", "revenue"};
  CHECK(did_you_mean("beneficiares", keys) == " (did you mean 'beneficiaries'?)");
  CHECK(did_you_mean("xyz", keys).empty());
  CHECK(closest_name("REVENUE", keys, 2, LetterCase::Insensitive) == "revenue");
  CHECK(closest_name(std::string(300, 'a'), keys, 400).empty());
}

TEST_CASE("printable escapes control characters and shortens long values") {
  CHECK(printable("a\tb\n\x01") == "a\\tb\\n\\x01");
  CHECK(printable(std::string(100, 'x'), 10) == std::string(10, 'x') + "...");
  CHECK(join({"a", "b", "c"}) == "a, b, c");
}

TEST_CASE("utf8_length accepts valid sequences only") {
  CHECK(utf8_length("\xc3\xa9", 0) == 2);
  CHECK(utf8_length("\xe2\x82\xac", 0) == 3);
  CHECK(utf8_length("\xc0\xaf", 0) == 0);      // overlong
  CHECK(utf8_length("\xed\xa0\x80", 0) == 0);  // surrogate
  CHECK(utf8_length("\xc3", 0) == 0);          // truncated
}

TEST_CASE(
    "csv_escape quotes a cell only when it holds a comma, quote or line break, doubling quotes (RFC 4180)") {
  CHECK(csv_escape("A1001") == "A1001");
  CHECK(csv_escape("") == "");
  CHECK(csv_escape("Smith, Jones ACO") == "\"Smith, Jones ACO\"");
  CHECK(csv_escape("the \"best\" ACO") == "\"the \"\"best\"\" ACO\"");
  CHECK(csv_escape("two\nlines") == "\"two\nlines\"");
  CHECK(csv_escape("cr\r") == "\"cr\r\"");
}

TEST_CASE("the strict decimal parser takes plain decimals and nothing std::stod would add") {
  CHECK(parse_decimal("1.5e3") == 1500.0);
  CHECK(parse_decimal("+.5") == 0.5);
  CHECK(parse_decimal("5.") == 5.0);
  for (const char* bad : {"", "0x10", "inf", "nan", " 1", "1 ", "1e", "--1", "."}) {
    CHECK_FALSE(parse_decimal(bad).has_value());
  }
  bool out_of_range = false;
  CHECK_FALSE(parse_decimal("1e999", &out_of_range).has_value());
  CHECK(out_of_range);
  const auto p = parse_decimal_or_percent("1.5%");
  REQUIRE(p);
  CHECK(p->value == 1.5);
  CHECK(p->percent);
}

TEST_CASE("money, percent and count formatters read the same everywhere") {
  CHECK(money_full(1234567.4) == "$1,234,567");
  CHECK(money_full(-52000) == "-$52,000");
  CHECK(money_full(-0.4) == "$0");
  CHECK(money_compact(1234567) == "$1.23M");
  CHECK(money_compact(-456000) == "-$456K");
  CHECK(money_compact(87) == "$87");
  CHECK(money_compact(999600) == "$1.00M");
  CHECK(money_compact(2.5e15) == "$2500T");
  CHECK(money_full(std::numeric_limits<double>::quiet_NaN()) == "n/a");
  CHECK(percent_of(0.012345) == "1.23%");
  CHECK(probability(0.5) == "50.00%");
  CHECK(fixed(-0.0001, 2) == "0.00");
  CHECK(count(-1234567) == "-1,234,567");
  CHECK(count(std::numeric_limits<long long>::min()) == "-9,223,372,036,854,775,808");
}
