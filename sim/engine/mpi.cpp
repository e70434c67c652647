#include "sim/engine/mpi.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#ifdef ACOSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace acosim::mpi {

namespace {

[[maybe_unused]] bool g_active = false;
int g_rank = 0, g_size = 1;
[[maybe_unused]] int g_stderr = -1;  // a non-root rank's original stderr, for an error only it has
#ifdef ACOSIM_HAVE_MPI
MPI_Comm g_exit_comm = MPI_COMM_NULL;  // finish()'s own communicator: it can never match a collective
                                       // another rank is still waiting in
#endif

#ifdef ACOSIM_HAVE_MPI
bool launched_by_mpi() {
  if (const char* v = std::getenv("ACOSIM_MPI_INIT")) return std::strcmp(v, "0") != 0;
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK", "MPI_LOCALNRANKS",
                           "MV2_COMM_WORLD_SIZE"}) {
    if (std::getenv(name)) return true;
  }
  return false;
}

// stdout to /dev/null; stderr to an unlinked temporary file, shown only if this rank fails alone.
void silence_output() {
  std::fflush(stdout);
  std::fflush(stderr);
  g_stderr = ::dup(STDERR_FILENO);
  const int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) {
    ::dup2(null, STDOUT_FILENO);
    ::close(null);
  }
  if (std::FILE* tmp = std::tmpfile()) {
    ::dup2(::fileno(tmp), STDERR_FILENO);  // the descriptor stays open after tmp's is leaked
  }
}

// Copies what this rank wrote to stderr to the original stderr, each line marked with the rank.
void replay_stderr() {
  std::fflush(stderr);
  if (g_stderr < 0 || ::lseek(STDERR_FILENO, 0, SEEK_SET) != 0) return;
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(STDERR_FILENO, buf, sizeof buf)) > 0;)
    text.append(buf, static_cast<std::size_t>(n));
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += "[rank " + std::to_string(g_rank) + "] " + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  [[maybe_unused]] const auto written = ::write(g_stderr, out.data(), out.size());
}
#endif

}  // namespace

bool built_with_mpi() {
#ifdef ACOSIM_HAVE_MPI
  return true;
#else
  return false;
#endif
}

void init(int& argc, char**& argv) {
#ifdef ACOSIM_HAVE_MPI
  if (!launched_by_mpi()) return;
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  g_active = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm_dup(MPI_COMM_WORLD, &g_exit_comm);
  if (g_rank != 0) silence_output();
#else
  (void)argc;
  (void)argv;
#endif
}

int finish(int code) {
#ifdef ACOSIM_HAVE_MPI
  if (!g_active) return code;
  if (g_size == 1) {
    MPI_Finalize();
    return code;
  }
  // Do all ranks end with the same code? (max of code and of -code.) A rank that succeeded waits as
  // long as it takes (rank 0 may still be writing the results); a failed rank waits a few seconds:
  // if another rank is still inside the simulation, waiting for this one, it never comes.
  int local[2] = {code, -code}, global[2] = {0, 0};
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Iallreduce(local, global, 2, MPI_INT, MPI_MAX, g_exit_comm, &request);
  int done = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) break;
    if (code != 0 && code != 130 && std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (done && global[0] == -global[1]) {  // every rank: the same code (an input error is seen alike)
    MPI_Finalize();
    return code;
  }
  // This rank failed alone (or the codes differ): show what it wrote (rank 0 already has) and end
  // the whole job, so that no rank waits forever.
  if (g_rank != 0 && code != 0) replay_stderr();
  std::fflush(stdout);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, done ? global[0] : code);
#endif
  return code;
}

bool active() { return g_active; }
int rank() { return g_rank; }
int size() { return g_size; }

bool any(bool flag) {
#ifdef ACOSIM_HAVE_MPI
  if (g_active && g_size > 1) {
    int local = flag ? 1 : 0, global = 0;
    MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return global != 0;
  }
#endif
  return flag;
}

std::vector<double> all_gather_rows(const std::vector<double>& mine,
                                    [[maybe_unused]] const std::vector<long>& counts,
                                    [[maybe_unused]] int width) {
  if (!g_active || g_size == 1) return mine;
#ifdef ACOSIM_HAVE_MPI
  std::vector<int> recv_counts(static_cast<std::size_t>(g_size)), displs(static_cast<std::size_t>(g_size));
  long total = 0;
  for (int k = 0; k < g_size; ++k) {
    const long n = counts[static_cast<std::size_t>(k)] * width;
    if (total + n > INT_MAX)
      throw std::runtime_error("MPI gather: more than 2^31 values; use fewer runs per call");
    recv_counts[static_cast<std::size_t>(k)] = static_cast<int>(n);
    displs[static_cast<std::size_t>(k)] = static_cast<int>(total);
    total += n;
  }
  std::vector<double> all(static_cast<std::size_t>(total));
  MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(), recv_counts.data(),
                 displs.data(), MPI_DOUBLE, MPI_COMM_WORLD);
  return all;
#else
  return mine;
#endif
}

}  // namespace acosim::mpi
