#include "sim/cli/cli.hpp"
#include "sim/engine/mpi.hpp"

int main(int argc, char** argv) {
  acosim::mpi::init(argc, argv);  // a no-op unless started by mpirun/srun in an MPI build
  return acosim::mpi::finish(acosim::run_cli(argc, argv));
}
