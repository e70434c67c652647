#!/bin/bash
# The reproducibility contract on ARM: the sampler and settlement core (sim/engine/sampler*.cpp, models/),
# cross-compiled with Debian's g++-aarch64-linux-gnu and run under qemu-user, must print the same
# per-run sums, bit for bit, as the native build, for the shipped lognormal scenarios
# (tests/cross/sums_driver.cpp). Exits 77 (CTest: skipped) with a message when the cross compiler
# or qemu is absent (scripts/setup.sh installs both).
#
#   tests/cross/aarch64_sums.sh NATIVE_DRIVER WORK_DIR [RUNS]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
native=$1 work=$2 runs=${3:-200}
cxx=$(command -v aarch64-linux-gnu-g++ || true)
qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
if [[ -z $cxx || -z $qemu || ! -d /usr/aarch64-linux-gnu/lib ]]; then
  echo "SKIPPED: needs aarch64-linux-gnu-g++ (g++-aarch64-linux-gnu) and qemu-aarch64 (qemu-user); scripts/setup.sh installs them"
  exit 77
fi
mkdir -p "$work/include"
# Only these header-only trees from the build machine: Random123 (Philox) and fmt (header-only
# mode, for models/settle.cpp's messages). Nothing else of /usr/include.
for d in Random123 fmt; do ln -sfn "/usr/include/$d" "$work/include/$d"; done
arm="$work/acosim_sums_aarch64"
# The models' floating-point flags (models/CMakeLists.txt); -fopenmp-simd for the sampler's pragmas.
"$cxx" -std=c++20 -O2 -ffp-contract=off -fno-math-errno -fno-trapping-math -fopenmp-simd -DFMT_HEADER_ONLY \
  -I"$src" -isystem "$work/include" \
  "$src/tests/cross/sums_driver.cpp" "$src/sim/engine/sampler.cpp" "$src/sim/engine/sampler_avx2.cpp" \
  "$src/sim/engine/sampler_avx512.cpp" "$src/models/settle.cpp" "$src/models/track.cpp" \
  "$src/models/msr.cpp" "$src/models/rules.cpp" "$src/models/quality.cpp" -o "$arm"
status=0
for scenario in default small-aco large-aco commercial-contract sweep-size-msr; do
  "$native" --model "$src/scenarios/$scenario.yaml" --runs "$runs" > "$work/$scenario.model"
  "$native" < "$work/$scenario.model" > "$work/$scenario.x86_64"
  "$qemu" -L /usr/aarch64-linux-gnu "$arm" < "$work/$scenario.model" > "$work/$scenario.aarch64"
  lines=$(wc -l < "$work/$scenario.x86_64")
  if cmp -s "$work/$scenario.x86_64" "$work/$scenario.aarch64" && [[ $lines -eq $runs ]]; then
    echo "$scenario: $lines runs, per-run sums bit-identical on x86-64 and aarch64 (qemu)"
  else
    echo "$scenario: per-run sums DIFFER between x86-64 and aarch64 (first difference below)"
    diff "$work/$scenario.x86_64" "$work/$scenario.aarch64" | head -4 || true
    status=1
  fi
done
exit $status
