#!/usr/bin/env bash
# Soak test: many simulations in a row through the real binary, threads on, checking that every
# command exits 0, that nothing leaks (LeakSanitizer in the sanitize build, or valgrind memcheck)
# and that every results file reads back (`acosim report FILE --format json` parses as JSON).
#
# Usage:
#   scripts/soak.sh                  long soak (~10 min on 2 cores): builds the `sanitize` preset
#                                    (ASan + UBSan + LSan) and runs every shipped scenario with
#                                    several --set variations and thread counts, plus agreement,
#                                    sweep, tornado, settle, interrupt + resume
#   scripts/soak.sh --valgrind       the long soak on the release build under valgrind memcheck
#   scripts/soak.sh --short          a few seconds: what CTest runs (label `soak`)
#   options: --binary PATH (use this acosim; no build), --rounds N (repeat the long soak N times)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

mode=long rounds=1 binary="" valgrind=0
while [ $# -gt 0 ]; do
  case "$1" in
    --short) mode=short ;;
    --valgrind) valgrind=1 ;;
    --binary) binary="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    *) echo "soak: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [ -z "$binary" ]; then
  scripts/setup.sh
  if [ $valgrind -eq 1 ]; then
    cmake --preset release >/dev/null && cmake --build --preset release -j "$(nproc)" --target acosim
    binary="$root/build/release/sim/acosim"
  else
    cmake --preset sanitize >/dev/null && cmake --build --preset sanitize -j "$(nproc)" --target acosim
    binary="$root/build/sanitize/sim/acosim"
  fi
fi
# Sanitizer settings (no effect on an uninstrumented binary); callers' settings win.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:fast_unwind_on_malloc=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/scripts/lsan-suppressions.txt:print_suppressions=0}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
wrap=()
if [ $valgrind -eq 1 ]; then
  command -v valgrind >/dev/null || { echo "soak: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
  wrap=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
        --show-leak-kinds=definite,indirect --track-origins=no)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/acosim-soak.XXXXXX")"
trap 'rm -rf "$work"' EXIT
commands=0 failures=0
start=$SECONDS

# Runs acosim with the arguments; any exit code but 0 (a leak or sanitizer report is one) fails.
acosim() {
  commands=$((commands + 1))
  if ! "${wrap[@]}" "$binary" "$@" > "$work/last.out" 2> "$work/last.err"; then
    failures=$((failures + 1))
    echo "soak: FAILED: acosim $*" >&2
    head -c 4000 "$work/last.err" >&2
  fi
}

# The results file reads back: the JSON report parses and has every run's statistics.
reads_back() {
  local file="$1"
  acosim report "$file" --format json -o "$work/report.json"
  if ! python3 - "$work/report.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] and d["tracks"], "no tracks in the report"
EOF
  then
    failures=$((failures + 1))
    echo "soak: FAILED: acosim report $file --format json does not parse" >&2
  fi
  for f in md csv text html; do acosim report "$file" --format "$f" -o "$work/report.$f"; done
  rm -f "$file"
}

if [ "$mode" = short ]; then
  for s in scenarios/default.yaml scenarios/small-aco.yaml scenarios/empirical-costs.yaml; do
    n="$(basename "$s" .yaml)"
    acosim run "$s" --runs 30 --threads 2 -o "$work/$n.h5" -q --set true_effect=-0.01
    reads_back "$work/$n.h5"
  done
  acosim settle scenarios/settle-example.csv -o "$work/settle.csv"
else
  variations=(
    ""
    "--set true_effect=-0.03"
    "--set benchmark.update_factor=1.02 --seed 99"
    "--set aco.euc_relief_fraction=0.5 --set quality.alternative_probability=0.3"
    "--set cost_model.mean_scale=1.1 --threads 1"
    "--threads 4 --seed 18446744073709551615"
  )
  for ((round = 1; round <= rounds; round++)); do
    for s in scenarios/*.yaml; do
      n="$(basename "$s" .yaml)"
      for ((k = 0; k < ${#variations[@]}; k++)); do
        # shellcheck disable=SC2086  # the variation is a list of arguments
        acosim run "$s" --runs 200 -o "$work/$n-$k.h5" -q ${variations[$k]}
        reads_back "$work/$n-$k.h5"
      done
      # An interrupted run and its resume, and a resume of a complete file.
      "${wrap[@]}" "$binary" run "$s" --runs 20000 -o "$work/$n-int.h5" -q > /dev/null 2>&1 &
      pid=$!
      sleep 1
      kill -INT "$pid" 2>/dev/null || true
      wait "$pid" || true
      if [ -f "$work/$n-int.h5" ]; then
        acosim run --resume "$work/$n-int.h5" -q
        acosim run --resume "$work/$n-int.h5" -q
        reads_back "$work/$n-int.h5"
      fi
      if ls "$work"/*.tmp-* >/dev/null 2>&1; then
        failures=$((failures + 1))
        echo "soak: FAILED: temporary files left behind: $(ls "$work"/*.tmp-*)" >&2
        rm -f "$work"/*.tmp-*
      fi
    done
    acosim agreement scenarios/agreement-paths.yaml --runs 100 -o "$work/agreement.h5" -q
    reads_back "$work/agreement.h5"
    acosim sweep scenarios/sweep-size-msr.yaml --runs 100 -o "$work/sweep.h5" -q
    acosim tornado scenarios/sweep-size-msr.yaml --runs 100 -o "$work/tornado.html" -q
    acosim settle scenarios/settle-example.csv -o "$work/settle.csv"
    rm -f "$work"/sweep* "$work"/tornado*
  done
fi

echo "soak ($mode): $commands commands, $failures failed, $((SECONDS - start)) s" >&2
[ "$failures" -eq 0 ]
