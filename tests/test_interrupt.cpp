// Interruption and resource limits of `acosim run`, driving the real binary:
// - SIGINT / SIGTERM during the sampling pass leave a valid results file marked incomplete, with
//   /runs/done flags for the completed runs and no temporary file; `acosim run --resume FILE`
//   completes it, and its per-run data is bit-identical to an uninterrupted run with the same seed
//   (also when the resume itself is interrupted and resumed again).
// - A run that would not fit in memory is refused before any sampling; an output path in a missing
//   folder is refused at once.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "sim/engine/memory.hpp"
#include "sim/engine/runner.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/engine/statistics.hpp"
#include "sim/input/scenario_reader.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/hdf5_io.hpp"
#include "tests/support.hpp"

#include <H5Cpp.h>

namespace fs = std::filesystem;
using namespace acosim;
using namespace acosim::test;
using Clock = std::chrono::steady_clock;

namespace {

// A child process running acosim with stdout and stderr redirected to files.
struct Child {
  pid_t pid = -1;
  fs::path out, err;

  Child(const std::vector<std::string>& args, const fs::path& capture_dir, const std::string& tag) {
    out = capture_dir / (tag + ".out");
    err = capture_dir / (tag + ".err");
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      std::FILE* o = std::freopen(out.c_str(), "w", stdout);
      std::FILE* e = std::freopen(err.c_str(), "w", stderr);
      if (o == nullptr || e == nullptr) ::_exit(126);
      // Until execv, this is a copy of the test process with Catch2's handlers: reset them, so that
      // a caught SIGINT / SIGTERM (SigCgt) means acosim itself installed the handler.
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      ::signal(SIGHUP, SIG_DFL);
      ::setenv("OMP_NUM_THREADS", "2", 1);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(ACOSIM_BINARY));
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(ACOSIM_BINARY, argv.data());
      ::_exit(127);
    }
  }

  // True once the process has installed its handler for `sig` (SigCgt in /proc/PID/status):
  // from then on the signal interrupts the run instead of killing the process.
  bool catches(int sig) const {
    // Before execv the child is a copy of this process, with its handlers: look only after it.
    std::error_code ec;
    if (!fs::equivalent(fs::read_symlink(fmt::format("/proc/{}/exe", pid), ec), ACOSIM_BINARY, ec))
      return false;
    std::ifstream status(fmt::format("/proc/{}/status", pid));
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("SigCgt:", 0) == 0) {
        const unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
        return (mask >> (sig - 1)) & 1ULL;
      }
    }
    return false;
  }

  bool running() const {
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == 0;
  }

  int wait() {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) return -1;
    }
    pid = -1;
    return exit_code(status);
  }

  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
};

int run_to_end(const std::vector<std::string>& args, const fs::path& capture, const std::string& tag) {
  Child c(args, capture, tag);
  const int code = c.wait();
  INFO(tag << " stderr: " << slurp(c.err));
  CHECK(code == 0);
  return code;
}

// Starts `args`, waits until the run catches `sig` (its handler is set just before sampling
// starts), lets it sample for `delay`, then sends `sig`. Returns the exit code.
int interrupt(const std::vector<std::string>& args, int sig, std::chrono::milliseconds delay,
              const fs::path& capture, const std::string& tag) {
  Child c(args, capture, tag);
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  while (!c.catches(sig) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(c.catches(sig));
  std::this_thread::sleep_for(delay);
  ::kill(c.pid, sig);
  const int code = c.wait();
  INFO(tag << " stderr: " << slurp(c.err));
  return code;
}

// Every /runs dataset of `a` equals that of `b` bit for bit, and so do the track summaries.
void check_same_runs(const SimulationResults& a, const SimulationResults& b) {
  require_same_runs(a, b);
  REQUIRE(a.tracks.size() == b.tracks.size());
  for (std::size_t k = 0; k < a.tracks.size(); ++k) {
    CHECK(std::memcmp(&a.tracks[k].dollars, &b.tracks[k].dollars, sizeof(Stats)) == 0);
  }
}

std::string scenario_text(long runs) {
  return fmt::format(
      "name: interrupt\n"
      "aco: {{beneficiaries: 20000, participant_revenue: 6.0e7}}\n"
      "tracks: [BASIC_A, {{track: BASIC_E, msr: 1%}}, {{track: ENHANCED, msr: 2%}}]\n"
      "runs: {}\n"
      "seed: 424242\n",
      runs);
}

// A scenario sized so that its run takes about 2 s here (a signal 100 ms in lands early in it).
long sized_runs(const fs::path& scenario, const fs::path& capture, const fs::path& out_dir) {
  long runs = 500;
  std::ofstream(scenario) << scenario_text(runs);
  const auto t0 = Clock::now();
  run_to_end({"run", scenario.string(), "-o", (out_dir / "probe.h5").string(), "-q"}, capture, "probe");
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  fs::remove(out_dir / "probe.h5");
  if (secs < 2.0)
    runs = std::min(100000L, static_cast<long>(static_cast<double>(runs) * 2.0 / std::max(secs, 0.05)));
  std::ofstream(scenario) << scenario_text(runs);
  return runs;
}

}  // namespace

TEST_CASE("SIGINT and SIGTERM leave a valid incomplete file that --resume completes bit-identically",
          "[interrupt][slow]") {
  TempDir dir("signals");
  const fs::path scenario = dir.path / "s.yaml";
  const fs::path capture = dir.path / "capture";
  fs::create_directories(capture);
  const fs::path out_dir = dir.path / "out";
  fs::create_directories(out_dir);

  // Size the run so that the uninterrupted run takes about 2 s on this machine and build: a signal
  // 100 ms into sampling then lands early in the sampling pass.
  const long runs = sized_runs(scenario, capture, out_dir);

  // Reference: the same scenario and seed, uninterrupted.
  const fs::path full = out_dir / "full.h5";
  run_to_end({"run", scenario.string(), "-o", full.string(), "-q"}, capture, "full");
  const SimulationResults reference = read_results(full);
  REQUIRE(reference.meta.complete);
  REQUIRE(reference.meta.runs == runs);

  for (const int sig : {SIGINT, SIGTERM}) {
    DYNAMIC_SECTION((sig == SIGINT ? "SIGINT" : "SIGTERM")) {
      const std::string name = sig == SIGINT ? "int" : "term";
      const fs::path file = out_dir / (name + ".h5");
      const int code = interrupt({"run", scenario.string(), "-o", file.string(), "-q"}, sig,
                                 std::chrono::milliseconds(100), capture, name);
      INFO("stderr: " << slurp(capture / (name + ".err")));
      REQUIRE(code == 130);  // interrupted: the file holds the completed runs
      CHECK_THAT(
          slurp(capture / (name + ".err")),
          Catch::Contains("marked incomplete") && Catch::Contains("acosim run --resume " + file.string()));
      CHECK(temporaries(out_dir).empty());

      const SimulationResults part = read_results(file);  // valid HDF5 with every dataset
      CHECK_FALSE(part.meta.complete);
      CHECK(part.meta.runs == runs);
      CHECK(part.meta.completed_runs > 0);
      CHECK(part.meta.completed_runs < runs);
      CHECK(part.table.completed() == part.meta.completed_runs);
      // The completed runs already hold the uninterrupted run's numbers.
      for (long r = 0; r < runs; ++r) {
        if (!part.table.done(r)) continue;
        CHECK(part.table.benchmark(r) == reference.table.benchmark(r));
        CHECK(part.table.payment.row(r) == reference.table.payment.row(r));
      }

      if (sig == SIGTERM) {
        // Interrupt the resume too: the file stays valid and keeps at least what it had.
        const int again = interrupt({"run", "--resume", file.string(), "-q"}, SIGTERM,
                                    std::chrono::milliseconds(100), capture, name + "-resume1");
        // 130: interrupted while sampling; 0: it had finished; killed by SIGTERM: it arrived while the
        // file was being written, and was deferred until the write completed (AtomicFile).
        CHECK((again == 130 || again == 0 || again == kKilledBy + SIGTERM));
        CHECK(temporaries(out_dir).empty());
        const SimulationResults more = read_results(file);
        CHECK(more.meta.completed_runs >= part.meta.completed_runs);
        for (long r = 0; r < runs; ++r) {
          if (part.table.done(r)) CHECK(more.table.done(r) == 1);
        }
      }

      run_to_end({"run", "--resume", file.string(), "-q"}, capture, name + "-resume");
      CHECK(temporaries(out_dir).empty());
      const SimulationResults resumed = read_results(file);
      CHECK(resumed.meta.complete);
      CHECK(resumed.meta.completed_runs == runs);
      check_same_runs(resumed, reference);

      // Resuming a complete file changes nothing.
      const std::string before = slurp(file);
      run_to_end({"run", "--resume", file.string(), "-q"}, capture, name + "-noop");
      CHECK(slurp(file) == before);
    }
  }
}

TEST_CASE("A run that would not fit in memory is refused before any sampling", "[interrupt][limits]") {
  TempDir dir("memory");
  // Enough custom tracks that 100,000,000 runs need more than twice the available memory.
  const double available =
      static_cast<double>(::sysconf(_SC_AVPHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  REQUIRE(available > 0);
  std::string text;
  for (int tracks = 2;; tracks *= 2) {
    text = "aco: {beneficiaries: 100000}\nruns: 100000000\ntracks:\n";
    for (int k = 0; k < tracks; ++k)
      text += fmt::format("  - {{custom: {{name: T{}, sharing_rate: 0.5}}}}\n", k);
    const Scenario s = parse_scenario(text, "huge.yaml");
    if (static_cast<double>(estimated_bytes(s)) > 2 * available) break;
    REQUIRE(tracks < 100000);
  }
  const fs::path scenario = dir.path / "huge.yaml";
  std::ofstream(scenario) << text;
  const fs::path out = dir.path / "huge.h5";

#if defined(__SANITIZE_ADDRESS__)
  const std::string limit;  // AddressSanitizer reserves terabytes of address space
#else
  const std::string limit = "ulimit -v 8000000; ";  // should the check fail: bad_alloc, not swapping
#endif
  const auto start = Clock::now();
  const std::string cmd =
      fmt::format("{}OMP_NUM_THREADS=2 timeout 120 '{}' run '{}' -o '{}' -q > '{}' 2>&1", limit,
                  ACOSIM_BINARY, scenario.string(), out.string(), (dir.path / "err.txt").string());
  const int status = std::system(cmd.c_str());
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const std::string err = slurp(dir.path / "err.txt");
  INFO(err);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  // The message states the rule (80% of what may still be allocated) and advice that helps.
  CHECK_THAT(err, Catch::Contains("acosim: error: 100000000 runs x") &&
                      Catch::Contains("more than 80% of the") && Catch::Contains("runs fit now") &&
                      Catch::Contains("Give fewer runs (--runs ") &&
                      Catch::Contains("--threads and mpirun do not reduce it"));
  CHECK(secs < 20);  // refused up front: parsing only, no sampling
  CHECK_FALSE(fs::exists(out));
  CHECK(temporaries(dir.path).empty());
}

TEST_CASE("An output path whose folder cannot be created is refused at once", "[interrupt][limits]") {
  TempDir dir("nodir");
  const fs::path scenario = dir.path / "s.yaml";
  std::ofstream(scenario) << scenario_text(1000);
  std::ofstream(dir.path / "missing") << "a file where the folder would go\n";
  for (const std::string flag : {"-o", "--report"}) {
    DYNAMIC_SECTION(flag) {
      const fs::path target = dir.path / "missing" / (flag == "-o" ? "r.h5" : "r.md");
      const fs::path ok = dir.path / "ok.h5";
      const std::string outputs = flag == "-o"
                                      ? fmt::format("-o '{}'", target.string())
                                      : fmt::format("-o '{}' --report '{}'", ok.string(), target.string());
      const auto start = Clock::now();
      // 10 million runs: hours of work if the check came after sampling.
      const std::string cmd =
          fmt::format("OMP_NUM_THREADS=2 timeout 120 '{}' run '{}' --runs 10000000 {} -q > '{}' 2>&1",
                      ACOSIM_BINARY, scenario.string(), outputs, (dir.path / "err.txt").string());
      const int status = std::system(cmd.c_str());
      const double secs = std::chrono::duration<double>(Clock::now() - start).count();
      const std::string err = slurp(dir.path / "err.txt");
      INFO(err);
      REQUIRE(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 2);
      CHECK_THAT(err, Catch::Contains("cannot create the output folder " + (dir.path / "missing").string()));
      CHECK(secs < 20);
      CHECK(fs::is_regular_file(dir.path / "missing"));
      CHECK_FALSE(fs::exists(ok));
      CHECK_FALSE(fs::exists(dir.path / "results"));
    }
  }
}

TEST_CASE("A signal while a file is being written is deferred until it is complete or removed",
          "[interrupt]") {
  TempDir dir("atomic");
  for (const bool commit : {true, false}) {
    DYNAMIC_SECTION((commit ? "committed" : "abandoned")) {
      const fs::path target = dir.path / (commit ? "done.txt" : "dropped.txt");
      const pid_t pid = ::fork();
      REQUIRE(pid >= 0);
      if (pid == 0) {
        ::signal(SIGTERM, SIG_DFL);  // as in acosim (Catch2 installs its own handlers)
        try {
          AtomicFile f(target);
          std::ofstream(f.temp_path()) << "complete content\n";
          ::raise(SIGTERM);  // deferred: the process carries on
          std::ofstream(f.temp_path(), std::ios::app) << "written after the signal\n";
          if (commit) f.commit();
        } catch (...) {
          ::_exit(3);
        }
        ::_exit(0);  // not reached: the deferred SIGTERM is re-raised when f is destroyed
      }
      int status = 0;
      REQUIRE(::waitpid(pid, &status, 0) == pid);
      CHECK(WIFSIGNALED(status));
      CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM));
      CHECK(temporaries(dir.path).empty());
      if (commit) {
        CHECK(slurp(target) == "complete content\nwritten after the signal\n");
      } else {
        CHECK_FALSE(fs::exists(target));
      }
    }
  }
}

TEST_CASE("The memory check sees a control group's limit (cgroup v1 and v2)", "[interrupt][limits]") {
  const TempDir dir("cgroup");
  const fs::path& root = dir.path;
  const auto put = [&](const fs::path& rel, const std::string& text) { write_file(root / rel, text + "\n"); };
  // v2: a job's group limited to 8 GB with 3 GB in use, inside a parent with no limit.
  put("jobs/job7/memory.max", "8000000000");
  put("jobs/job7/memory.current", "3000000000");
  put("jobs/memory.max", "max");
  CHECK(cgroup_memory_headroom("0::/jobs/job7\n", root) == 5e9);
  // A tighter parent wins.
  put("jobs/memory.max", "6000000000");
  put("jobs/memory.current", "4000000000");
  CHECK(cgroup_memory_headroom("0::/jobs/job7\n", root) == 2e9);
  // Usage above the limit leaves nothing.
  put("jobs/job7/memory.current", "9000000000");
  CHECK(cgroup_memory_headroom("0::/jobs/job7\n", root) == 0.0);
  // v1 (this development machine's layout): the memory controller's own hierarchy; the
  // "unlimited" value 2^63 - 4096 is no limit.
  put("memory/box/memory.limit_in_bytes", "4000000000");
  put("memory/box/memory.usage_in_bytes", "1500000000");
  put("memory/memory.limit_in_bytes", "9223372036854771712");
  CHECK(cgroup_memory_headroom("12:pids:/box\n4:memory:/box\n1:cpu,cpuacct:/\n", root) == 2.5e9);
  // No limit anywhere, or no control groups at all.
  CHECK_FALSE(cgroup_memory_headroom("4:memory:/\n", root).has_value());
  CHECK_FALSE(cgroup_memory_headroom("0::/elsewhere\n", root).has_value());
  CHECK_FALSE(cgroup_memory_headroom("", root).has_value());
  // The real machine: some positive figure.
  CHECK(available_memory_bytes() > 0);
}

TEST_CASE("Resuming refuses a file whose completed runs do not reproduce from its stored scenario",
          "[interrupt]") {
  const Sandbox box("verify");
  const fs::path scenario = box.write("s.yaml", scenario_text(20)), full = box.dir / "full.h5";
  REQUIRE(box.run(fmt::format("run '{}' -o '{}' -q", scenario.string(), full.string())).exit_code == 0);
  // The same file with its last run not done: once as written, once with a damaged scenario text
  // that still parses (20,000 beneficiaries read as 20,001).
  for (const bool damaged : {false, true}) {
    DYNAMIC_SECTION((damaged ? "damaged scenario text" : "intact")) {
      SimulationResults res = read_results(full);
      res.table.done(res.table.runs() - 1) = 0;
      res.meta.complete = false;
      res.meta.completed_runs = res.table.runs() - 1;
      if (damaged) {
        const auto at = res.meta.scenario_text.find("beneficiaries: 20000");
        REQUIRE(at != std::string::npos);
        res.meta.scenario_text.replace(at, 20, "beneficiaries: 20001");
      }
      summarize(res);  // of the completed runs, as an interrupted run writes them
      const fs::path partial = box.dir / "partial.h5";
      write_results(partial, res);
      const CliRun r = box.run(fmt::format("run --resume '{}' -q", partial.string()));
      const int code = r.exit_code;
      const std::string& err = r.err;
      INFO(err);
      if (damaged) {
        CHECK(code == 2);
        CHECK_THAT(
            err, Catch::Contains("completed run 0 does not reproduce from the scenario stored in the file") &&
                     Catch::Contains("start the run again"));
      } else {
        CHECK(code == 0);
        CHECK(read_results(partial).meta.complete);
      }
    }
  }
}

namespace {}  // namespace

TEST_CASE("SIGHUP (a closed terminal) leaves a valid incomplete file that --resume completes",
          "[interrupt][slow]") {
  TempDir dir("sighup");
  const fs::path scenario = dir.path / "s.yaml", capture = dir.path / "capture", out = dir.path / "out";
  fs::create_directories(capture);
  fs::create_directories(out);
  const long runs = sized_runs(scenario, capture, out);
  const fs::path file = out / "hup.h5";
  const int code = interrupt({"run", scenario.string(), "-o", file.string(), "-q"}, SIGHUP,
                             std::chrono::milliseconds(100), capture, "hup");
  REQUIRE(code == 130);
  CHECK(temporaries(out).empty());
  const SimulationResults part = read_results(file);
  CHECK_FALSE(part.meta.complete);
  CHECK(part.meta.completed_runs > 0);
  run_to_end({"run", "--resume", file.string(), "-q"}, capture, "hup-resume");
  const SimulationResults done = read_results(file);
  CHECK(done.meta.complete);
  CHECK(done.meta.completed_runs == runs);
}

TEST_CASE(
    "An interrupted rerun onto an existing results file leaves that file as it was and writes the partial "
    "beside it",
    "[interrupt][slow]") {
  TempDir dir("rerun");
  const fs::path scenario = dir.path / "s.yaml", capture = dir.path / "capture", out = dir.path / "out";
  fs::create_directories(capture);
  fs::create_directories(out);
  (void)sized_runs(scenario, capture, out);
  const fs::path file = out / "r.h5";
  run_to_end({"run", scenario.string(), "-o", file.string(), "-q"}, capture, "first");
  const std::string complete = slurp(file);
  const int code = interrupt({"run", scenario.string(), "-o", file.string(), "-q"}, SIGINT,
                             std::chrono::milliseconds(100), capture, "rerun");
  REQUIRE(code == 130);
  CHECK(slurp(file) == complete);  // the complete result is kept byte for byte
  const std::string err = slurp(capture / "rerun.err");
  CHECK_THAT(err, Catch::Contains("already exists and is left as it was"));
  std::vector<fs::path> partials;
  for (const auto& e : fs::directory_iterator(out)) {
    if (e.path().filename().string().rfind("r.partial-", 0) == 0) partials.push_back(e.path());
  }
  REQUIRE(partials.size() == 1);
  CHECK_THAT(err, Catch::Contains("acosim run --resume " + partials[0].string()));
  CHECK_FALSE(read_results(partials[0]).meta.complete);
  CHECK(temporaries(out).empty());
}

namespace {

// Replaces the text of /metadata/scenario through the HDF5 library (as h5py would), optionally
// also deleting the checksum table (as a tool that rewrites the file might).
void edit_scenario_text(const fs::path& file, const std::string& from, const std::string& to,
                        bool drop_checksums) {
  H5::H5File f(file.string(), H5F_ACC_RDWR);
  H5::DataSet ds = f.openDataSet("/metadata/scenario");
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  std::string text;
  ds.read(text, type);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  ds.write(text, type);
  if (drop_checksums) {
    f.removeAttr("checksum_keys");
    f.removeAttr("checksum_fnv1a64");
  }
}

// Overwrites element `index` of a float64 dataset.
void poke_double(const fs::path& file, const std::string& path, std::size_t index, double value) {
  H5::H5File f(file.string(), H5F_ACC_RDWR);
  H5::DataSet ds = f.openDataSet(path);
  std::vector<double> v(static_cast<std::size_t>(ds.getSpace().getSimpleExtentNpoints()));
  ds.read(v.data(), H5::PredType::NATIVE_DOUBLE);
  v.at(index) = value;
  ds.write(v.data(), H5::PredType::NATIVE_DOUBLE);
  f.removeAttr("checksum_keys");
  f.removeAttr("checksum_fnv1a64");
}

}  // namespace

TEST_CASE(
    "Resuming refuses a file whose stored scenario or data were edited: checksums, re-settling and "
    "re-sampling beyond the first run",
    "[interrupt]") {
  const Sandbox box("tamper");
  const fs::path scenario = box.write("s.yaml", scenario_text(40)), full = box.dir / "full.h5";
  REQUIRE(box.run(fmt::format("run '{}' -o '{}' -q", scenario.string(), full.string())).exit_code == 0);
  const fs::path partial = box.dir / "partial.h5";
  {
    SimulationResults res = read_results(full);
    res.table.done(res.table.runs() - 1) = 0;  // runs 0-38 done, 39 to do
    res.meta.complete = false;
    res.meta.completed_runs = res.table.runs() - 1;
    summarize(res);
    write_results(partial, res);
  }
  struct Edit {
    const char* name;
    std::function<void(const fs::path&)> apply;
    const char* message;
  };
  const std::vector<Edit> edits = {
      {"one byte of the revenue (checksummed)",
       [](const fs::path& p) { edit_scenario_text(p, "6.0e7", "6.0e1", false); },
       "/metadata/scenario differs from what acosim wrote"},
      {"the MSR (checksummed)", [](const fs::path& p) { edit_scenario_text(p, "msr: 1%", "msr: 2%", false); },
       "/metadata/scenario differs from what acosim wrote"},
      {"one byte of the revenue, checksums removed",
       [](const fs::path& p) { edit_scenario_text(p, "6.0e7", "6.0e1", true); },
       "is not what the stored scenario settles"},
      {"the MSR, checksums removed",
       [](const fs::path& p) { edit_scenario_text(p, "msr: 1%", "msr: 2%", true); }, "in /tracks/labels but"},
      {"the last completed run's spending, checksums removed",
       [](const fs::path& p) { poke_double(p, "/runs/expenditure", 38, 1.0e8); },
       "completed run 38 does not reproduce"},
  };
  for (const Edit& e : edits) {
    DYNAMIC_SECTION(e.name) {
      const fs::path copy = box.dir / "edited.h5";
      fs::copy_file(partial, copy, fs::copy_options::overwrite_existing);
      e.apply(copy);
      const std::string before = slurp(copy);
      const CliRun r = box.run(fmt::format("run --resume '{}' -q", copy.string()));
      const int code = r.exit_code;
      const std::string& err = r.err;
      INFO(err);
      CHECK(code == 2);
      CHECK_THAT(err, Catch::Contains(e.message));
      CHECK(slurp(copy) == before);
    }
  }
}
