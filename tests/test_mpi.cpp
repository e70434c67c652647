// Distributed runs: `mpirun -np 2 acosim run` on this machine gives per-run data byte-identical to
// a one-process run with the same seed, and only rank 0 writes and prints. Skipped (a warning)
// when the build has no MPI or mpirun is not installed.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>

#include <fmt/format.h>

#include "sim/engine/mpi.hpp"
#include "sim/output/hdf5_io.hpp"
#include "tests/support.hpp"

using namespace acosim;
using namespace acosim::test;
namespace fs = std::filesystem;

namespace {

bool have_mpirun() {
  int status = 0;
  run_command("command -v mpirun >/dev/null 2>&1", status);
  return status == 0;
}

const char* kMpirun = "mpirun --allow-run-as-root --oversubscribe -x OMP_NUM_THREADS=1 -np";

// Runs `acosim <command>` once as one process (2 threads, to dir/single.h5) and under mpirun with 2
// and 3 ranks (to dir/mpi<k>.h5); for each MPI run checks that it succeeded, that its summary line
// names the ranks, and that its per-run data is the one-process run's; then calls
// check(ranks, output, one-process results, MPI results). 37 runs split unevenly (19 + 18, ...).
void compare_with_mpi(const fs::path& dir, const std::string& command,
                      const std::function<void(int, const std::string&, const SimulationResults&,
                                               const SimulationResults&)>& check) {
  int status = 0;
  const std::string single_out = run_command(
      fmt::format("{} {} --threads 2 -o {}/single.h5 2>&1", ACOSIM_BINARY, command, dir.string()), status);
  INFO(single_out);
  REQUIRE(status == 0);
  const SimulationResults single = read_results(dir / "single.h5");
  for (int ranks : {2, 3}) {
    const std::string file = fmt::format("{}/mpi{}.h5", dir.string(), ranks);
    const std::string out = run_command(
        fmt::format("{} {} {} {} -o {} 2>&1", kMpirun, ranks, ACOSIM_BINARY, command, file), status);
    INFO("mpirun -np " << ranks << ":\n" << out);
    REQUIRE(status == 0);
    CHECK(out.find(fmt::format("{} ranks x 1 threads", ranks)) != std::string::npos);
    const SimulationResults split = read_results(file);
    require_same_runs(single, split);
    check(ranks, out, single, split);
  }
}

// MPI tests need an MPI build and mpirun; they skip with a warning otherwise.
bool mpi_available() {
  if (!mpi::built_with_mpi()) {
    WARN("acosim was built without MPI (ACOSIM_MPI=OFF or MPI not found): skipped");
    return false;
  }
  if (!have_mpirun()) {
    WARN("mpirun not found: skipped");
    return false;
  }
  return true;
}

}  // namespace

TEST_CASE("mpirun -np 2 acosim run gives the one-process per-run data, written by rank 0 only", "[mpi]") {
  if (!mpi_available()) return;
  const TempDir tmp("mpi");
  const fs::path& dir = tmp.path;
  const std::string scenario = source_path("scenarios/default.yaml").string();
  compare_with_mpi(
      dir, fmt::format("run {} --runs 37 --set aco.beneficiaries=3000 --seed 99 --quiet", scenario),
      [](int ranks, const std::string& out, const SimulationResults& single, const SimulationResults& split) {
        // Rank 0 alone prints its one summary line; nobody else prints.
        std::size_t lines = 0;
        for (std::size_t p = 0; (p = out.find("acosim:", p)) != std::string::npos; ++p) ++lines;
        CHECK(lines == 1);
        CHECK(split.meta.complete);
        CHECK(split.meta.completed_runs == 37);
        CHECK(split.meta.ranks == ranks);  // recorded, and said by the report
        CHECK(single.meta.ranks == 1);
      });
  // Only the named output exists: no rank wrote anything else (no temporaries left behind).
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  CHECK(files == 3);

  // A user error is reported once (by rank 0) and the job exits non-zero without hanging.
  int status = 0;
  const std::string bad = run_command(
      fmt::format("{} 2 {} run {} --set runs=-5 -q 2>&1", kMpirun, ACOSIM_BINARY, scenario), status);
  INFO(bad);
  CHECK(status != 0);
  std::size_t errors = 0;
  for (std::size_t p = 0; (p = bad.find("acosim: error:", p)) != std::string::npos; ++p) ++errors;
  CHECK(errors == 1);
}

TEST_CASE("mpirun -np 2 and 3 acosim agreement split the runs and give the one-process per-run data",
          "[mpi]") {
  if (!mpi_available()) return;
  const TempDir tmp("mpi_agreement");
  const fs::path& dir = tmp.path;
  const std::string scenario = source_path("scenarios/agreement-paths.yaml").string();
  compare_with_mpi(
      dir, fmt::format("agreement {} --runs 37 --set aco.beneficiaries=2000 --seed 7 --quiet", scenario),
      [](int ranks, const std::string&, const SimulationResults&, const SimulationResults& split) {
        CHECK(split.meta.ranks == ranks);
      });
}
