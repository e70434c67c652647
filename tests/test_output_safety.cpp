// Output safety of every command, driving the real binary (docs/hardening.md, "Output paths",
// "Disk full and limits"):
// - no command overwrites its own input (also through a symbolic or hard link, or a path spelt
//   differently) or another of its outputs; each refusal exits 2 before any work and changes no file;
// - only regular files are replaced: devices, FIFOs, folders and dangling links are refused;
// - a legal long output name works (the temporary's name is short); an illegal one is refused
//   before sampling;
// - a full disk (a 200 KiB tmpfs, when this process may mount one) and a file-size limit (ulimit
//   -f) give errno's text, exit 2 and leave no temporary; a resume onto a full disk keeps the file;
// - an address-space limit (ulimit -v) gives the memory rule and advice, exit 2, before sampling;
// - one run reports its Monte Carlo standard errors as undefined, not as 0;
// - a CMS PUF with a known column renamed is read with a warning.
#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/engine/statistics.hpp"
#include "sim/input/puf.hpp"
#include "sim/output/hdf5_io.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using namespace acosim;
using namespace acosim::test;
using Catch::Contains;

namespace {

const std::string kScenario =
    "name: s\naco: {beneficiaries: 1000}\ntracks: [BASIC_A, {track: ENHANCED, msr: 2%}]\nruns: 20\nseed: 7\n";

// A folder with the scenario, a results file r.h5 of it and an incomplete p.h5 (done flags cleared).
struct Fixture {
  Sandbox box{"outsafe"};
  Fixture() {
    box.write("s.yaml", kScenario);
    REQUIRE(box.run("run s.yaml -o r.h5 -q").exit_code == 0);
    SimulationResults r = read_results(box.dir / "r.h5");
    for (long k = 10; k < r.table.runs(); ++k) r.table.done(k) = 0;
    r.meta.complete = false;
    r.meta.completed_runs = 10;
    summarize(r);
    write_results(box.dir / "p.h5", r);
  }
};

// A mounted tmpfs of `bytes`, unmounted at scope exit; mounted() is false where mounting is not
// permitted (not root, no CAP_SYS_ADMIN, a container), and the test then skips that part.
struct SmallDisk {
  fs::path path;
  bool ok = false;
  SmallDisk(const fs::path& where, std::size_t bytes) : path(where) {
    fs::create_directories(path);
    ok = ::geteuid() == 0 &&
         ::mount("tmpfs", path.c_str(), "tmpfs", 0, fmt::format("size={}", bytes).c_str()) == 0;
  }
  ~SmallDisk() {
    if (ok) ::umount2(path.c_str(), MNT_DETACH);
  }
  bool mounted() const { return ok; }
};

}  // namespace

TEST_CASE(
    "No command overwrites its own input or another of its outputs: exit 2 before any work, no file changed",
    "[output_safety]") {
  Fixture f;
  const fs::path& d = f.box.dir;
  fs::create_directories(d / "sub");
  fs::create_symlink("s.yaml", d / "link.yaml");
  fs::create_hard_link(d / "s.yaml", d / "hard.yaml");
  // The same scenario under names no output's extension rule refuses (an HDF5 file named .yaml or
  // .csv is refused for its name first: the last cases), so that the same-file rule is what answers.
  fs::copy_file(d / "s.yaml", d / "s.scen");
  fs::create_symlink("s.scen", d / "link.scen");
  fs::create_hard_link(d / "s.scen", d / "hard.scen");
  fs::create_hard_link(d / "r.h5", d / "hard.h5");
  fs::copy_file(ACOSIM_SOURCE_DIR "/scenarios/empirical-costs.yaml", d / "e.yaml");
  fs::copy_file(ACOSIM_SOURCE_DIR "/scenarios/example-costs.csv", d / "example-costs.csv");
  fs::copy_file(ACOSIM_SOURCE_DIR "/scenarios/agreement-paths.yaml", d / "a.yaml");
  fs::copy_file(d / "a.yaml", d / "a.scen");
  fs::create_hard_link(d / "example-costs.csv", d / "costs.dat");
  fs::copy_file(ACOSIM_SOURCE_DIR "/scenarios/settle-example.csv", d / "in.csv");
  const std::string sweep = "sweep s.yaml --vary aco.beneficiaries=1000,2000 -q";
  const std::string tornado = "tornado s.yaml --input true_effect.mean=-2%,1% -q";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"run s.scen -o s.scen -q", "the scenario"},
      {"run s.scen -o link.scen -q", "the scenario"},
      {"run s.scen -o hard.scen -q", "the scenario"},
      {"run s.scen -o sub/../s.scen -q", "the scenario"},
      {"run e.yaml -o costs.dat -q --runs 5", "the cost file"},
      {"run s.yaml -o n.h5 --report n.h5 -q", "--report n.h5 is the same file as -o n.h5"},
      {"run s.yaml -o n.h5 --report ./sub/../n.h5 -q", "is the same file as -o n.h5"},
      {"run s.yaml -o s.h5 --report s.yaml -q", "--report s.yaml is the same file as the scenario"},
      {"report r.h5 -o r.h5", "-o r.h5 is the same file as the results file r.h5"},
      {"report hard.h5 -o r.h5", "the results file hard.h5"},
      {"run --resume p.h5 --report p.h5 -q", "--report p.h5 is the same file as --resume p.h5"},
      {sweep + " -o sw --csv sw", "--csv sw is the same file as -o sw"},
      {sweep + " -o sw.h5 --csv x --md x", "--md x is the same file as --csv x"},
      {"sweep s.scen --vary aco.beneficiaries=1000,2000 -q -o s.scen",
       "-o s.scen is the same file as the scenario"},
      {tornado + " -o t.json --json t.json", "--json t.json is the same file as -o t.json"},
      {tornado + " -o s.yaml --format csv", "the scenario"},
      {"agreement a.scen -o a.scen -q --runs 5", "the scenario"},
      {"run s.yaml -o s.yaml -q", "-o s.yaml: writes an HDF5 results file, but .yaml names another format"},
      {"run e.yaml -o example-costs.csv -q --runs 5",
       "but .csv names another format; give a name ending in .h5"},
      {sweep + " -o s.yaml", "-o s.yaml: writes an HDF5 sweep file"},
      {tornado + " -o t.csv --json t.csv", "--json t.csv: writes JSON, but .csv names another format"},
      {sweep + " --csv x.txt",
       "--csv x.txt: writes CSV, but .txt names another format; give a name ending in .csv"},
      {sweep + " --md x.html", "--md x.html: writes Markdown"},
      {"settle in.csv -o out.md", "-o out.md: writes CSV, but .md names another format"},
      {"agreement a.yaml -o x.h5 --report x.h5 -q --runs 5", "--report x.h5 is the same file as -o x.h5"},
      {"settle in.csv -o in.csv", "-o in.csv is the same file as the input"},
  };
  for (const auto& [args, expected] : cases) {
    SECTION(args) {
      const std::set<std::string> before = listing(d);
      const std::string scenario = slurp(d / "s.yaml"), results = slurp(d / "r.h5"),
                        partial = slurp(d / "p.h5");
      const std::string costs = slurp(d / "example-costs.csv"), agreement = slurp(d / "a.yaml");
      const std::string scen = slurp(d / "s.scen"), agreement_scen = slurp(d / "a.scen");
      const CliRun r = f.box.run(args);
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.err, Contains(expected));
      CHECK(listing(d) == before);
      CHECK(slurp(d / "s.yaml") == scenario);
      CHECK(slurp(d / "r.h5") == results);
      CHECK(slurp(d / "p.h5") == partial);
      CHECK(slurp(d / "example-costs.csv") == costs);
      CHECK(slurp(d / "a.yaml") == agreement);
      CHECK(slurp(d / "s.scen") == scen);
      CHECK(slurp(d / "a.scen") == agreement_scen);
    }
  }
}

TEST_CASE(
    "Only a regular file (new or existing) may be replaced: devices, FIFOs, folders and dangling links are "
    "refused",
    "[output_safety]") {
  Fixture f;
  const fs::path& d = f.box.dir;
  REQUIRE(::mkfifo((d / "fifo").c_str(), 0600) == 0);
  fs::create_directories(d / "folder");
  fs::create_symlink("missing.h5", d / "dangling.h5");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"run s.yaml -o /dev/null -q", "is a character device"},
      {"run s.yaml -o fifo -q", "is a FIFO"},
      {"run s.yaml -o folder -q", "output path folder is a directory"},
      {"run s.yaml -o dangling.h5 -q", "symbolic link to a missing file"},
      {"run s.yaml -o r2.h5 --report /dev/null -q", "is a character device"},
      {"report r.h5 -o fifo", "is a FIFO"},
      {"sweep s.yaml --vary aco.beneficiaries=1000,2000 -q -o sw.h5 --csv /dev/null",
       "is a character device"},
      {"tornado s.yaml --input true_effect.mean=-2%,1% -q -o fifo --format csv", "is a FIFO"},
      {"settle " ACOSIM_SOURCE_DIR "/scenarios/settle-example.csv -o /dev/null", "is a character device"},
  };
  for (const auto& [args, expected] : cases) {
    SECTION(args) {
      const CliRun r = f.box.run(args);
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.err, Contains(expected));
      struct stat st {};
      REQUIRE(::stat("/dev/null", &st) == 0);
      CHECK(S_ISCHR(st.st_mode));
      REQUIRE(::stat((d / "fifo").c_str(), &st) == 0);
      CHECK(S_ISFIFO(st.st_mode));
      CHECK(fs::is_directory(d / "folder"));
      CHECK(temporaries(d).empty());
    }
  }
}

TEST_CASE(
    "A legal 253-byte output name is written, and a name longer than the file system allows is refused "
    "before "
    "sampling",
    "[output_safety]") {
  Fixture f;
  const std::string name = std::string(250, 'a') + ".h5";  // 253 bytes: legal under NAME_MAX = 255
  CliRun r = f.box.run(fmt::format("run s.yaml -o {} -q --report {}.md", name, std::string(250, 'b')));
  CHECK(r.exit_code == 0);
  CHECK(fs::is_regular_file(f.box.dir / name));
  CHECK(temporaries(f.box.dir).empty());

  r = f.box.run(fmt::format("run s.yaml -o {}.h5 -q --runs 100000000", std::string(300, 'c')));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("the file name is 303 bytes; this file system allows at most 255"));
}

TEST_CASE(
    "A file-size limit (ulimit -f) ends run, sweep, report, agreement and settle with exit 2, errno's text "
    "and "
    "no temporary",
    "[output_safety][limits]") {
  Fixture f;
  const fs::path& d = f.box.dir;
  CliRun r = f.box.run("run s.yaml -o big.h5 -q --runs 3000", "ulimit -f 16");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("cannot write big.h5") && Contains("File too large"));
  CHECK_FALSE(fs::exists(d / "big.h5"));
  CHECK(temporaries(d).empty());

  for (const std::string args : {"sweep s.yaml --vary aco.beneficiaries=1000,2000 -q -o sw.h5",
                                 "report r.h5 -f md -o r.md", "agreement a.yaml -q --runs 50 -o ag.h5"}) {
    INFO(args);
    fs::copy_file(ACOSIM_SOURCE_DIR "/scenarios/agreement-paths.yaml", d / "a.yaml",
                  fs::copy_options::skip_existing);
    r = f.box.run(args, "ulimit -f 1");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("File too large"));
    for (const char* out : {"sw.h5", "sw.csv", "sw.md", "r.md", "ag.h5"}) CHECK_FALSE(fs::exists(d / out));
    CHECK(temporaries(d).empty());
  }

  std::string rows = slurp(ACOSIM_SOURCE_DIR "/scenarios/settle-example.csv");
  const std::string header = rows.substr(0, rows.find('\n') + 1), body = rows.substr(header.size());
  std::string many = header;
  for (int i = 0; i < 40; ++i) many += body;
  write_file(d / "many.csv", many);
  r = f.box.run("settle many.csv -o out.csv", "ulimit -f 4");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("cannot write out.csv") && Contains("File too large"));
  CHECK_FALSE(fs::exists(d / "out.csv"));
  CHECK(temporaries(d).empty());
}

TEST_CASE(
    "A full disk ends run, resume and settle with exit 2 and errno's text, leaving the old file and no "
    "temporary",
    "[output_safety][limits]") {
  Fixture f;
  const fs::path& d = f.box.dir;
  SmallDisk disk(d / "small", 200 * 1024);
  if (!disk.mounted()) {
    WARN("cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN): disk-full cases skipped");
    return;
  }
  CliRun r = f.box.run("run s.yaml -o small/r.h5 -q --runs 20000");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("cannot write small/r.h5") && Contains("No space left on device"));
  CHECK(listing(d / "small").empty());

  {
    // A resume whose completed file does not fit beside the old one: the old file stays as it was.
    SmallDisk room(d / "room", 4 << 20);
    REQUIRE(room.mounted());
    fs::copy_file(d / "p.h5", d / "room" / "p.h5");
    const std::uintmax_t free = fs::space(d / "room").available, size = fs::file_size(d / "p.h5");
    REQUIRE(free > size);
    write_file(d / "room" / "filler", std::string(static_cast<std::size_t>(free - size / 2), 'x'));
    const std::string before = slurp(d / "room" / "p.h5");
    r = f.box.run("run --resume room/p.h5 -q");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("No space left on device"));
    CHECK(slurp(d / "room" / "p.h5") == before);
    CHECK(temporaries(d / "room").empty());
  }

  std::string rows = slurp(ACOSIM_SOURCE_DIR "/scenarios/settle-example.csv");
  const std::string header = rows.substr(0, rows.find('\n') + 1), body = rows.substr(header.size());
  std::string many = header;
  for (int i = 0; i < 400; ++i) many += body;
  write_file(d / "many.csv", many);
  r = f.box.run("settle many.csv -o small/out.csv");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("cannot write small/out.csv") && Contains("No space left on device"));
  CHECK(listing(d / "small").empty());
}

TEST_CASE(
    "Under an address-space limit (ulimit -v) a run too large is refused before sampling, stating the rule "
    "and advice",
    "[output_safety][limits]") {
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer reserves terabytes of address space: no ulimit -v lets the binary start.
  WARN("skipped under AddressSanitizer: ulimit -v cannot be combined with its shadow memory");
  return;
#endif
  Fixture f;
  const CliRun r = f.box.run("run s.yaml -o big.h5 -q --runs 40000000", "ulimit -v 4000000");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("more than 80% of the") && Contains("ulimit -v") && Contains("--runs"));
  CHECK_FALSE(fs::exists(f.box.dir / "big.h5"));
}

TEST_CASE("One run reports its Monte Carlo standard errors as undefined (NaN, n/a), not as 0",
          "[output_safety]") {
  Fixture f;
  const CliRun r = f.box.run("run s.yaml -o one.h5 --runs 1 -q --report one.md");
  REQUIRE(r.exit_code == 0);
  const SimulationResults one = read_results(f.box.dir / "one.h5");
  for (const TrackSummary& t : one.tracks) {
    CHECK(std::isnan(t.dollars.mcse));
    CHECK(std::isnan(t.percent.mcse));
    CHECK(std::isnan(t.p_savings_se));
    CHECK(std::isnan(t.p_losses_se));
  }
  const std::string md = slurp(f.box.dir / "one.md");
  CHECK_THAT(md, Contains("± n/a"));
  CHECK_THAT(md, !Contains("± $0"));
}

TEST_CASE(
    "A CMS PUF whose known column looks renamed is read with a warning naming both, and real files give none",
    "[output_safety][puf]") {
  Sandbox box("pufcols");
  const std::string header =
      "ACO_ID,ACO_Name,Current_Start_Date,Current_Track,N_AB,MinSavPerc,GenSaveLoss,Dis_Adj,EarnSaveLoss,"
      "MetQPS,"
      "QualScore,ABtotBnchmk,ABtotExp,FinalShareRate,Rev_Exp_Cat\n";
  box.write(
      "py2024.csv",
      header +
          "A9001,Enhanced ACO,01/01/2022,EN,20000,2.00,5000000,0,3675000,1,85.50,100000000,95000000,75.00,"
          "High Revenue\n");
  const PufFile file = read_puf(box.dir / "py2024.csv", 2024);
  REQUIRE(file.warnings.size() == 2);
  CHECK_THAT(file.warnings[0], Contains("column Met_QPS is absent but the header has 'MetQPS' (renamed?)"));
  CHECK_THAT(file.warnings[1], Contains("column DisAdj is absent but the header has 'Dis_Adj' (renamed?)"));
  const CliRun r = box.run("settle --puf py2024.csv --py 2024 -o out.csv");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Contains("acosim: warning: ") && Contains("'MetQPS'"));

  for (const char* real :
       {"PY2018_ACO_PUF.csv", "PY2022_ACO_Results_PUF.csv", "PY2023_ACO_Results_PUF.csv"}) {
    const fs::path path = fs::path(ACOSIM_SOURCE_DIR) / "../shared/data/puf" / real;
    if (!fs::exists(path)) continue;
    const int py = std::stoi(std::string(real).substr(2, 4));
    CHECK(read_puf(path, py).warnings.empty());
  }
}

TEST_CASE(
    "An output through a symbolic link updates the link's target and keeps the link, a replaced file keeps "
    "its "
    "permissions, and a write-protected file is not replaced",
    "[output_safety]") {
  Fixture f;
  const fs::path& d = f.box.dir;
  fs::create_directories(d / "kept");
  write_file(d / "kept" / "t.h5", "old");
  fs::permissions(d / "kept" / "t.h5", fs::perms::owner_read | fs::perms::owner_write);
  fs::create_symlink("kept/t.h5", d / "link.h5");
  REQUIRE(f.box.run("run s.yaml -o link.h5 -q").exit_code == 0);
  CHECK(fs::is_symlink(d / "link.h5"));                         // the link is still a link ...
  CHECK(read_results(d / "kept" / "t.h5").table.runs() == 20);  // ... and its target holds the results
  CHECK(fs::status(d / "kept" / "t.h5").permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(temporaries(d / "kept").empty());

  fs::permissions(d / "r.h5", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const std::string before = slurp(d / "r.h5");
  for (const char* args : {"run s.yaml -o r.h5 -q", "report p.h5 -o r.h5"}) {
    INFO(args);
    const CliRun r = f.box.run(args);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("r.h5: the file is write-protected (mode 0444)") && Contains("chmod u+w"));
  }
  CHECK(slurp(d / "r.h5") == before);
}
