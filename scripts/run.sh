#!/usr/bin/env bash
# The main job: installs what is missing, builds acosim, runs a scenario and writes its report.
# Usage: scripts/run.sh [SCENARIO.yaml] [extra acosim run arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
scenario="${1:-scenarios/default.yaml}"
shift || true
name="$(basename "${scenario%.*}")"
build/release/sim/acosim run "$scenario" -o "results/${name}.h5" --report "results/${name}.md" "$@"
echo "wrote results/${name}.h5 and results/${name}.md"
