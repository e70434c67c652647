#!/usr/bin/env bash
# Fuzzes the input parsers with libFuzzer (clang 14, -fsanitize=fuzzer,address,undefined):
#   fuzz_scenario  the scenario YAML parser, --set overrides and the empirical cost file it loads
#   fuzz_csv       the CSV reader and its consumers: the settle input format and the CMS PUF reader
# Any exception other than InputError escaping a parser, any sanitizer report, hang (> 10 s per
# input), out-of-memory (> 2 GB) or leak is a finding: libFuzzer stops, saves the input under
# build/fuzz/artifacts/ and this script exits 1. Add the input to tests/test_bad_inputs.cpp (or the
# owning unit test) with the fix.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60; env FUZZ_SECONDS, FUZZ_JOBS)
# The corpora persist in build/fuzz/corpus-*/ and grow from run to run; seeds come from scenarios/
# and tests/fuzz/seeds/.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
seconds="${1:-${FUZZ_SECONDS:-60}}"

# clang 14 and libFuzzer (libclang-rt-14-dev); installed here, not by scripts/setup.sh: CI's test
# command (scripts/test.sh) does not fuzz.
missing=()
for p in clang-14 libclang-rt-14-dev libomp-14-dev; do  # the rest comes from scripts/setup.sh
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

"$root/scripts/setup.sh"  # the libraries the room targets link
out="$root/build/fuzz"
mkdir -p "$out/artifacts" "$out/work"
# The fuzz targets are CMake targets (tests/fuzz/CMakeLists.txt) linking the room libraries,
# every library instrumented (cmake/Warnings.cmake, ACOSIM_FUZZ).
echo "fuzz: building fuzz_scenario and fuzz_csv" >&2
CC="${CC_FUZZ:-clang-14}" CXX="${CXX_FUZZ:-clang++-14}" cmake -S "$root" -B "$out/build" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DACOSIM_FUZZ=ON -DACOSIM_TESTS=OFF -DACOSIM_MPI=OFF >"$out/configure.log" 2>&1 ||
  { cat "$out/configure.log" >&2; echo "fuzz: configure failed" >&2; exit 1; }
cmake --build "$out/build" -j"$(nproc)" --target fuzz_scenario fuzz_csv >"$out/build.log" 2>&1 ||
  { tail -40 "$out/build.log" >&2; echo "fuzz: build failed" >&2; exit 1; }
ln -sf "$out/build/tests/fuzz/fuzz_scenario" "$out/fuzz_scenario"
ln -sf "$out/build/tests/fuzz/fuzz_csv" "$out/fuzz_csv"

# Seed corpora: the shipped scenarios and CSVs, and the hand-written seeds.
mkdir -p "$out/corpus-scenario" "$out/corpus-csv"
cp scenarios/*.yaml tests/fuzz/seeds/*.yaml "$out/corpus-scenario/" 2>/dev/null || true
for f in scenarios/settle-example.csv tests/fuzz/seeds/*.csv; do
  # fuzz_csv's first byte picks the PUF year: 0x0a = PY2023
  { printf '\x0a'; head -c 8192 "$f"; } > "$out/corpus-csv/seed-$(basename "$f")"
done
{ printf '\x0a'; head -n 40 scenarios/example-costs.csv; } > "$out/corpus-csv/seed-example-costs.csv"
# The scenario target resolves `cost_model.empirical.file: c.csv` against its working folder.
head -n 60 scenarios/example-costs.csv > "$out/work/c.csv"
cp scenarios/example-costs.csv "$out/work/example-costs.csv"

status=0
run() {  # name corpus dict
  local name="$1" corpus="$2" dict="$3"
  echo "fuzz: running $name for ${seconds} s" >&2
  if ! (cd "$out/work" && ASAN_OPTIONS="detect_leaks=1:halt_on_error=1" UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
        "$out/$name" "$corpus" -dict="$dict" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 -artifact_prefix="$out/artifacts/$name-" -print_final_stats=1 \
        ${FUZZ_JOBS:+-jobs=$FUZZ_JOBS -workers=$FUZZ_JOBS} 2>"$out/$name.log"); then
    echo "fuzz: $name FOUND A PROBLEM; see $out/$name.log and $out/artifacts/" >&2
    grep -E "ERROR|SUMMARY|uncaught|deadly|Test unit written" "$out/$name.log" | head -20 >&2 || true
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$out/$name.log" | tail -2 >&2 || true
  fi
}
run fuzz_scenario "$out/corpus-scenario" "$root/tests/fuzz/scenario.dict"
run fuzz_csv "$out/corpus-csv" "$root/tests/fuzz/csv.dict"
[ $status -eq 0 ] && echo "fuzz: no findings" >&2
exit $status
