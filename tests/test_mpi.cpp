// Distributed runs: `mpirun -np 2 acosim run` on this machine gives per-run data byte-identical to
// a one-process run with the same seed, and only rank 0 writes and prints. Skipped (a warning)
// when the build has no MPI or mpirun is not installed.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "sim/hdf5_io.hpp"
#include "sim/mpi.hpp"

using namespace acosim;
namespace fs = std::filesystem;

namespace {

std::string run_command(const std::string& cmd, int& status) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  status = ::pclose(p);
  return out;
}

bool have_mpirun() {
  int status = 0;
  run_command("command -v mpirun >/dev/null 2>&1", status);
  return status == 0;
}

template <class A>
bool same_bytes(const A& a, const A& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), sizeof(*a.data()) * static_cast<std::size_t>(a.size())) == 0;
}

// The per-run datasets (/runs/*) of two results files.
void require_same_runs(const SimulationResults& a, const SimulationResults& b) {
  const RunTable &x = a.table, &y = b.table;
  REQUIRE(x.runs() == y.runs());
  CHECK(x.tracks == y.tracks);
  CHECK(same_bytes(x.benchmark, y.benchmark));
  CHECK(same_bytes(x.expenditure, y.expenditure));
  CHECK(same_bytes(x.true_effect, y.true_effect));
  CHECK(same_bytes(x.benchmark_factor, y.benchmark_factor));
  CHECK(same_bytes(x.quality, y.quality));
  CHECK(same_bytes(x.met_qps, y.met_qps));
  CHECK(same_bytes(x.met_alt_qps, y.met_alt_qps));
  CHECK(same_bytes(x.done, y.done));
  CHECK(same_bytes(x.payment, y.payment));
  CHECK(same_bytes(x.outcome, y.outcome));
}

const char* kMpirun = "mpirun --allow-run-as-root --oversubscribe -x OMP_NUM_THREADS=1 -np";

}  // namespace

TEST_CASE("mpirun -np 2 acosim run gives the one-process per-run data, written by rank 0 only", "[mpi]") {
  if (!mpi::built_with_mpi()) {
    WARN("acosim was built without MPI (ACOSIM_MPI=OFF or MPI not found): skipped");
    return;
  }
  if (!have_mpirun()) {
    WARN("mpirun not found: skipped");
    return;
  }
  const fs::path dir = fs::temp_directory_path() / fmt::format("acosim-test-mpi-{}", ::getpid());
  fs::create_directories(dir);
  const std::string scenario = std::string(ACOSIM_SOURCE_DIR) + "/scenarios/default.yaml";
  // 37 runs: shares of 19 and 18 runs, so the split is uneven.
  const std::string common = fmt::format(" run {} --runs 37 --set aco.beneficiaries=3000 --seed 99 --quiet", scenario);
  int status = 0;
  const std::string single_out =
      run_command(fmt::format("{}{} --threads 2 -o {}/single.h5 2>&1", ACOSIM_BINARY, common, dir.string()), status);
  INFO(single_out);
  REQUIRE(status == 0);

  for (int ranks : {2, 3}) {
    const std::string file = fmt::format("{}/mpi{}.h5", dir.string(), ranks);
    const std::string out = run_command(fmt::format("{} {} {}{} -o {} 2>&1", kMpirun, ranks, ACOSIM_BINARY, common, file), status);
    INFO("mpirun -np " << ranks << ":\n" << out);
    REQUIRE(status == 0);
    // Rank 0 alone prints its one summary line (naming the ranks); nobody else prints.
    CHECK(out.find(fmt::format("{} ranks x 1 threads", ranks)) != std::string::npos);
    std::size_t lines = 0;
    for (std::size_t p = 0; (p = out.find("acosim:", p)) != std::string::npos; ++p) ++lines;
    CHECK(lines == 1);
    const SimulationResults a = read_results(dir / "single.h5");
    const SimulationResults b = read_results(file);
    require_same_runs(a, b);
    CHECK(b.meta.complete);
    CHECK(b.meta.completed_runs == 37);
    CHECK(b.meta.ranks == ranks);  // recorded, and said by the report
    CHECK(a.meta.ranks == 1);
  }
  // Only the named output exists: no rank wrote anything else (no temporaries left behind).
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  CHECK(files == 3);

  // A user error is reported once (by rank 0) and the job exits non-zero without hanging.
  const std::string bad =
      run_command(fmt::format("{} 2 {} run {} --set runs=-5 -q 2>&1", kMpirun, ACOSIM_BINARY, scenario), status);
  INFO(bad);
  CHECK(status != 0);
  std::size_t errors = 0;
  for (std::size_t p = 0; (p = bad.find("acosim: error:", p)) != std::string::npos; ++p) ++errors;
  CHECK(errors == 1);
  fs::remove_all(dir);
}

TEST_CASE("mpirun -np 2 and 3 acosim agreement split the runs and give the one-process per-run data", "[mpi]") {
  if (!mpi::built_with_mpi() || !have_mpirun()) {
    WARN("no MPI build or no mpirun: skipped");
    return;
  }
  const fs::path dir = fs::temp_directory_path() / fmt::format("acosim-test-mpi-agreement-{}", ::getpid());
  fs::create_directories(dir);
  const std::string scenario = std::string(ACOSIM_SOURCE_DIR) + "/scenarios/agreement-paths.yaml";
  const std::string common =
      fmt::format(" agreement {} --runs 37 --set aco.beneficiaries=2000 --seed 7 --quiet", scenario);
  int status = 0;
  const std::string single_out =
      run_command(fmt::format("{}{} --threads 2 -o {}/single.h5 2>&1", ACOSIM_BINARY, common, dir.string()), status);
  INFO(single_out);
  REQUIRE(status == 0);
  for (int ranks : {2, 3}) {
    const std::string file = fmt::format("{}/mpi{}.h5", dir.string(), ranks);
    const std::string out = run_command(fmt::format("{} {} {}{} -o {} 2>&1", kMpirun, ranks, ACOSIM_BINARY, common, file), status);
    INFO("mpirun -np " << ranks << ":\n" << out);
    REQUIRE(status == 0);
    CHECK(out.find(fmt::format("{} ranks x 1 threads", ranks)) != std::string::npos);  // split, not repeated
    require_same_runs(read_results(dir / "single.h5"), read_results(file));
  }
  fs::remove_all(dir);
}
