// libFuzzer target: the CSV reader (sim/input/csv.cpp) and its two consumers, the simple settle format
// (sim/cli/settle_command.cpp) and the CMS PUF reader (sim/input/puf.cpp), through settlement. Any exception
// other than InputError is a finding (libFuzzer reports it as a crash), as is any sanitizer
// report, hang or leak. Built and run by scripts/fuzz.sh.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/cli/settle_command.hpp"
#include "sim/common/error.hpp"
#include "sim/common/text.hpp"
#include "sim/input/csv.hpp"
#include "sim/input/puf.hpp"

namespace {

template <class F>
void expect_input_error_only(F&& f) {
  try {
    f();
  } catch (const acosim::InputError&) {}
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the PUF's performance year (2013-2026) and whether to stop after parsing.
  const int py = 2013 + data[0] % 14;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const acosim::CsvTable t = acosim::CsvTable::parse(text, "fuzz.csv");
    // Every typed accessor on every cell (bounded, to keep each input fast).
    const std::size_t rows = std::min<std::size_t>(t.size(), 64);
    for (std::size_t r = 0; r < rows; ++r) {
      const acosim::CsvRow row = t.row(r);
      for (std::size_t c = 0; c < t.columns().size(); ++c) {
        expect_input_error_only([&] { (void)row.number(c, "a number"); });
        expect_input_error_only([&] { (void)row.integer(c, "a whole number"); });
        expect_input_error_only([&] { (void)row.flag(c); });
        (void)row.missing(c);
        if (const auto n = acosim::parse_csv_number(row.cell(c))) (void)n->half_ulp();
        (void)acosim::csv_escape(row.cell(c));
      }
    }
    for (const std::string& name : t.columns()) {
      expect_input_error_only([&] { (void)t.find(name); });
      expect_input_error_only([&] { (void)t.require(name + "x"); });
    }
    expect_input_error_only([&] {
      const auto cases = acosim::read_settle_cases(t);
      (void)acosim::settle_cases_csv(cases, t.source());
    });
    expect_input_error_only([&] {
      const acosim::PufFile puf = acosim::read_puf(t, py);
      (void)acosim::reproduce_all(puf);
    });
  } catch (const acosim::InputError&) {}
  return 0;
}
