// A thin layer over MPI for splitting runs across processes (docs/performance.md, "Distributed
// runs"). Without MPI at build time (ACOSIM_MPI=OFF or no MPI found), or when the program was not
// started by an MPI launcher (mpirun, mpiexec, srun), everything here is a single rank: rank 0 of
// 1, collectives return their input. Only the main thread calls these functions.
#pragma once

#include <cstdint>
#include <vector>

namespace acosim::mpi {

// Starts MPI when the environment shows an MPI launcher (OMPI_COMM_WORLD_SIZE, PMI_SIZE,
// PMIX_RANK, ...) and the build has MPI; else does nothing (no MPI start-up cost for a plain run).
// ACOSIM_MPI_INIT=0 in the environment never starts MPI, =1 always does. Non-root ranks then print
// nothing: stdout goes to /dev/null, stderr to a temporary file (see finish()).
void init(int& argc, char**& argv);

// Ends MPI with the process's exit code and returns it. When every rank ends with the same code
// (success, an interrupt, or an input error every rank sees alike) this is MPI_Finalize. Otherwise
// a rank failed alone: it shows what it wrote to stderr, marked [rank k], and calls MPI_Abort so
// that no rank waits forever for it (a failed rank waits at most 5 s for the others' codes).
int finish(int code);

bool built_with_mpi();
bool active();  // MPI was started (possibly with a single rank)
int rank();     // 0 when not active
int size();     // 1 when not active
inline bool is_root() { return rank() == 0; }

// True on every rank when `flag` is true on any rank (an all-reduce; at block boundaries).
bool any(bool flag);

// Every rank contributes `mine` (its own rows, `width` doubles each) and receives all ranks'
// rows concatenated in rank order; counts[k] is rank k's number of rows. Collective.
std::vector<double> all_gather_rows(const std::vector<double>& mine, const std::vector<long>& counts,
                                    int width);

}  // namespace acosim::mpi
