#!/bin/bash
# A Slurm batch script for a large acosim run on a cluster (docs/performance.md, "Distributed runs").
#
# acosim splits the runs across MPI ranks (one contiguous share of runs per rank) and uses OpenMP
# threads inside each rank; the results are bit-identical to a one-process run with the same seed,
# whatever the number of nodes, ranks or threads. Rank 0 gathers every run and writes the one HDF5
# file; the other ranks write and print nothing.
#
# Submit:   sbatch scripts/slurm-acosim.sh scenarios/large-aco.yaml results/large-aco.h5
# Layout:   one rank per node and one thread per core is usually best (the sampler is compute
#           bound, each rank holds the whole run table: ~150 bytes per run).
#
#SBATCH --job-name=acosim
#SBATCH --nodes=4                 # machines
#SBATCH --ntasks-per-node=1       # MPI ranks per machine
#SBATCH --cpus-per-task=32        # cores per rank = OpenMP threads (set below)
#SBATCH --time=02:00:00
#SBATCH --requeue                 # a preempted or failed-node job goes back to the queue...
#SBATCH --signal=B:TERM@120       # ...and gets SIGTERM 2 minutes before its time limit
#SBATCH --output=acosim-%j.out
set -euo pipefail

SCENARIO=${1:-scenarios/default.yaml}
OUTPUT=${2:-results/$(basename "${SCENARIO%.*}").h5}
ACOSIM=${ACOSIM:-build/release/sim/acosim}   # built with MPI (cmake finds OpenMPI/MPICH; ACOSIM_MPI=ON)

# One OpenMP thread per allocated core, pinned; results do not depend on the count.
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
export OMP_PROC_BIND=close OMP_PLACES=cores

# srun starts the ranks (use `mpirun -np $SLURM_NTASKS` instead if your MPI is not integrated with
# Slurm). The shell runs srun in the background and waits, so that the TERM Slurm sends before the
# time limit (or on preemption) reaches srun, which passes it to every rank: acosim stops at the
# next round of runs on all ranks together and rank 0 writes the completed runs, marked incomplete.
run() {
  srun --cpus-per-task="$OMP_NUM_THREADS" "$ACOSIM" run "$@" &
  local pid=$!
  trap 'kill -TERM "$pid" 2>/dev/null' TERM
  wait "$pid" || wait "$pid"   # the first wait returns when the trap fires; the second gets the status
}

if [[ -f "$OUTPUT" && "${SLURM_RESTART_COUNT:-0}" -gt 0 ]]; then
  # A requeued job: finish the interrupted file. The scenario, seed and completed runs come from
  # the file itself; the result is bit-identical to an uninterrupted run.
  echo "acosim: restart ${SLURM_RESTART_COUNT}: resuming $OUTPUT"
  status=0; run --resume "$OUTPUT" --quiet || status=$?
else
  status=0; run "$SCENARIO" --output "$OUTPUT" --quiet || status=$?
fi

if [[ $status -eq 130 ]]; then
  # Interrupted (time limit or preemption): the file holds the completed runs. Put the job back in
  # the queue; on restart the branch above resumes it.
  echo "acosim: interrupted; requeueing job $SLURM_JOB_ID"
  scontrol requeue "$SLURM_JOB_ID"
fi
exit "$status"
