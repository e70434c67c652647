// The tests' shared fixtures, one copy each (docs/architecture.md, "Tests"): scratch folders,
// running the acosim binary and capturing what it says, the hand-made run table, the "error names
// these fragments" check, and the comparison of two results bit for bit.
//
// Every test is compiled with ACOSIM_SOURCE_DIR (the checkout) and ACOSIM_BINARY (the built
// acosim) defined (tests/CMakeLists.txt); this header needs only the engine's plain values.
#pragma once

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/engine/results.hpp"

namespace acosim::test {

namespace fs = std::filesystem;

// A file of the checkout, e.g. source_path("scenarios/default.yaml").
inline fs::path source_path(const std::string& relative) { return fs::path(ACOSIM_SOURCE_DIR) / relative; }

// A file's whole content ("" when missing).
inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes `text` to `p` (creating its folder); returns `p`.
inline fs::path write_file(const fs::path& p, const std::string& text) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

// A fresh folder under the temp dir (acosim_<tag>_<pid>_<n>), removed at scope exit (also when a
// test took away its permissions).
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag = "test") {
    static int counter = 0;
    path = fs::temp_directory_path() / fmt::format("acosim_{}_{}_{}", tag, ::getpid(), counter++);
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  fs::path operator/(const std::string& name) const { return path / name; }
  // Writes `text` to the file `name` in the folder; returns its path.
  fs::path write(const std::string& name, const std::string& text) const {
    return write_file(path / name, text);
  }
};

// Runs a shell command; returns its stdout and sets `status` (as from pclose).
inline std::string run_command(const std::string& cmd, int& status) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  status = ::pclose(p);
  return out;
}

// A process's exit code from its wait status, or kKilledBy + the signal that ended it.
constexpr int kKilledBy = 1000;
inline int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : kKilledBy + WTERMSIG(status);
}

// Runs `acosim ARGS` from the current folder; returns stdout and stderr together and sets
// `status` (as from pclose).
inline std::string run_acosim(const std::string& args, int& status) {
  return run_command(fmt::format("'{}' {} 2>&1", ACOSIM_BINARY, args), status);
}

// What one run of the binary did.
struct CliRun {
  int exit_code = -1;  // or kKilledBy + signal
  std::string out, err;
};

// Runs `acosim ARGS` in `cwd` with no stdin; stdout and stderr go to files in `capture` (keep it
// outside `cwd` when the test lists what `cwd` holds afterwards). `limits` are shell commands run
// first in the same subshell (e.g. "ulimit -f 20").
inline CliRun run_acosim(const std::string& args, const fs::path& cwd, const fs::path& capture,
                         const std::string& limits = "") {
  const fs::path out = capture / "stdout.txt", err = capture / "stderr.txt";
  const std::string cmd =
      fmt::format("cd '{}' && ({}{} '{}' {} < /dev/null > '{}' 2> '{}')", cwd.string(), limits,
                  limits.empty() ? "" : ";", ACOSIM_BINARY, args, out.string(), err.string());
  CliRun o;
  o.exit_code = exit_code(std::system(cmd.c_str()));
  o.out = slurp(out);
  o.err = slurp(err);
  return o;
}

// The installed Chromium for the rendering checks ("" when there is none: the test skips them).
inline std::string find_chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
    if (fs::exists(p)) return p;
  }
  return "";
}

// The names of everything below `dir` (paths relative to it).
inline std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    names.insert(fs::relative(e.path(), dir).string());
  return names;
}

// The files in `dir` an interrupted atomic write would leave (names holding ".tmp-").
inline std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().find(".tmp-") != std::string::npos) found.push_back(e.path().string());
  }
  return found;
}

// A scratch folder for one command: `dir`, where it runs and finds its inputs, and `capture`
// beside it for its stdout and stderr, so that listing(dir) shows exactly what the command left.
struct Sandbox {
  TempDir root;
  fs::path dir, capture;
  explicit Sandbox(const std::string& tag) : root(tag), dir(root / "work"), capture(root / "capture") {
    fs::create_directories(dir);
    fs::create_directories(capture);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    return write_file(dir / name, text);
  }
  CliRun run(const std::string& args, const std::string& limits = "") const {
    return run_acosim(args, dir, capture, limits);
  }
};

// The message of the InputError `f` throws ("(no error)" when it throws none).
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// `f` throws an InputError whose message holds every fragment.
inline void check_input_error(const std::function<void()>& f, const std::vector<std::string>& fragments) {
  const std::string msg = error_of(f);
  INFO(msg);
  CHECK(msg != "(no error)");
  for (const auto& fragment : fragments) CHECK_THAT(msg, Catch::Matchers::Contains(fragment));
}

// The chance a no-effect ACO clears the one-sided MSR by luck, as CMS designed it (cost-model.md §4:
// 10.0 / 8.1 / 5.0 / 1.1% at 5k / 10k / 20k / 50k beneficiaries), with the runs that check it: the
// binomial SE is at most sqrt(0.1 x 0.9 / 3000) = 0.55 pp, so the acceptance of +-2 pp is > 3.6 SE.
struct MsrDesign {
  long beneficiaries;
  double p_clear;  // [fraction]
  long runs;
};
inline constexpr MsrDesign kMsrDesign[] = {
    {5000, 0.100, 3000}, {10000, 0.081, 3000}, {20000, 0.050, 3000}, {50000, 0.011, 1500}};

// Metadata every hand-made results value shares: version 0.1.0, commit 0123456789ab, PY2024,
// created 2024-05-01T12:00:00Z in 1.25 s on 2 threads; `runs` runs, all completed.
inline ResultMetadata sample_metadata(long runs) {
  ResultMetadata m;
  m.program_version = "0.1.0";
  m.git_commit = "0123456789ab";
  m.runs = runs;
  m.threads = 2;
  m.created_utc = "2024-05-01T12:00:00Z";
  m.wall_seconds = 1.25;
  m.performance_year = 2024;
  m.completed_runs = runs;
  return m;
}

// Six runs, three tracks, known numbers; the third label needs CSV quoting and is not ASCII.
// Outcomes (models/settle.hpp): S shared savings, L shared losses, M below the MSR, 3 below the
// MLR, Q quality failed. Only the payment, outcome, benchmark, expenditure and done columns are set.
inline void fill_six_runs(RunTable& t) {
  t.tracks = {"BASIC_A (one-sided)", "ENHANCED", "BASIC_E (MSR/MLR 1%, \"élection\")"};
  t.resize(6, 3);
  t.done.setOnes();
  t.payment.col(0) << 1200000, 0, 3000000, 0, 0, 1800000;               // mean 1,000,000
  t.payment.col(1) << 2400000, -600000, 4800000, -1800000, 0, 2700000;  // mean 1,250,000
  t.payment.col(2) << 3000000.25, -1000000, 6000000, -3000000.5, 0, 2400000.125;
  const std::int8_t S = 0, L = 1, M = 2, Q = 4;
  t.outcome.col(0) << S, M, S, M, Q, S;
  t.outcome.col(1) << S, L, S, L, 3, S;
  t.outcome.col(2) << S, L, S, L, 3, S;
  t.benchmark << 1e8 / 3, 1.1e8, 9.5e7, 1.2e8, 1.05e8, 1e8 + 0.1;
  t.expenditure << 3.1e7, 1.12e8, 8.7e7, 1.24e8, 1.05e8, 9.6e7;
}

// Two Eigen arrays hold the same bytes (shape included).
template <class M>
bool same_bytes(const M& a, const M& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(typename M::Scalar) * static_cast<std::size_t>(a.size())) ==
             0;
}

// Every per-run dataset (/runs/*) of two results equal byte for byte.
inline void require_same_runs(const SimulationResults& a, const SimulationResults& b) {
  const RunTable &x = a.table, &y = b.table;
  REQUIRE(x.runs() == y.runs());
  CHECK(x.tracks == y.tracks);
  for (const RunField& f : kRunFields) {
    INFO(f.name);
    CHECK((f.real ? same_bytes(x.*f.real, y.*f.real) : same_bytes(x.*f.flag, y.*f.flag)));
  }
  CHECK(same_bytes(x.payment, y.payment));
  CHECK(same_bytes(x.outcome, y.outcome));
}

}  // namespace acosim::test
