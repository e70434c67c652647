// Input files that are not regular files can neither hang a command nor exhaust its memory
// (sim/common/input_file.hpp; docs/hardening.md, "Input files that are not regular files").
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/input_file.hpp"
#include "support.hpp"

namespace {

using acosim::InputError;
using acosim::read_input_text;
using acosim::require_regular_input;
namespace fs = std::filesystem;

std::string error_of(const auto& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("A regular text file is read whole, up to its limit and not a byte beyond", "[input_files]") {
  acosim::test::TempDir dir("input_files_regular");
  const fs::path p = dir.path / "a.csv";
  std::ofstream(p) << "x,y\n1,2\n";
  CHECK(read_input_text(p, "CSV file", 8) == "x,y\n1,2\n");
  CHECK_THAT(error_of([&] { (void)read_input_text(p, "CSV file", 7); }),
             Catch::Contains("cannot read CSV file") && Catch::Contains("the file has 8 bytes") &&
                 Catch::Contains("allowed: at most 7 bytes"));
  CHECK_THAT(error_of([&] { (void)read_input_text(dir.path / "none.csv", "CSV file", 100); }),
             Catch::Contains("none.csv: no such file"));
  CHECK_THAT(error_of([&] { (void)read_input_text(dir.path, "scenario", 100); }),
             Catch::Contains("it is a directory; allowed: a regular file or a pipe"));
}

TEST_CASE("A FIFO with no writer reads as empty instead of blocking, and a device of binary data is refused",
          "[input_files]") {
  acosim::test::TempDir dir("input_files_fifo");
  const fs::path fifo = dir.path / "f.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(read_input_text(fifo, "scenario", 100).empty());
  CHECK_THAT(error_of([&] { (void)read_input_text("/dev/zero", "CSV file", 1u << 20); }),
             Catch::Contains("/dev/zero: it is a character device that yields binary data (a NUL byte)"));
  CHECK_THAT(error_of([&] { (void)read_input_text("/dev/urandom", "scenario", 4u << 20); }),
             Catch::Contains("binary data"));
  CHECK(read_input_text("/dev/null", "scenario", 100).empty());
  // Files a seeking library (HDF5) reads must be regular.
  CHECK_THAT(
      error_of([&] { require_regular_input(fifo, "a results file"); }),
      Catch::Contains("f.yaml: it is a FIFO (named pipe), not a results file; allowed: a regular file"));
  CHECK_THAT(error_of([&] { require_regular_input("/dev/null", "a results file"); }),
             Catch::Contains("/dev/null: it is a character device, not a results file"));
  CHECK_THAT(error_of([&] { require_regular_input(dir.path / "none.h5", "a results file"); }),
             Catch::Contains("none.h5: no such file"));
}

TEST_CASE("Every command refuses a FIFO or device input with exit 2 at once, never a hang",
          "[input_files][cli]") {
  acosim::test::TempDir dir("input_files_cli");
  for (const char* name : {"f.yaml", "f.csv", "f.h5"})
    REQUIRE(::mkfifo((dir.path / name).c_str(), 0600) == 0);
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"run f.yaml -o out.h5", "f.yaml: the scenario is empty"},
      {"run /dev/urandom -o out.h5", "cannot read scenario /dev/urandom: it is a character device"},
      {"settle f.csv -o out.csv", "f.csv: the file is empty"},
      {"settle /dev/zero -o out.csv", "cannot read CSV file /dev/zero"},
      {"report f.h5", "f.h5: it is a FIFO (named pipe), not a results file"},
      {"report /dev/null", "/dev/null: it is a character device, not a results file"},
      {"run --resume f.h5", "f.h5: it is a FIFO (named pipe)"},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    int status = 0;
    // `timeout` turns a hang into exit 124, which fails the status check below.
    const std::string out = acosim::test::run_command(
        fmt::format("cd '{}' && timeout 30 '{}' {} 2>&1", dir.path.string(), ACOSIM_BINARY, c.args), status);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK_THAT(out, Catch::Contains(c.message));
    CHECK_FALSE(fs::exists(dir.path / "out.h5"));
    CHECK_FALSE(fs::exists(dir.path / "out.csv"));
  }
}
