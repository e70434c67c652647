#!/usr/bin/env bash
# Builds acosim with warnings as errors and runs the whole test suite (what CI runs); then builds the
# `sanitize` preset (AddressSanitizer + UndefinedBehaviorSanitizer, with LeakSanitizer) and runs the
# whole suite again under it. ACOSIM_SKIP_SANITIZE=1 skips the sanitizer stage (quick local runs).
# Usage: scripts/test.sh [extra ctest arguments, passed to both ctest runs]
#
# Timing from scratch on 2 shared cores (docs/hardening.md): release build 6 min + tests 40 s,
# sanitizer build 17 min + tests 4 min: about 28 min of CI's 90.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

stage_start=$SECONDS
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$(nproc)"
ctest --preset ci -j "$(nproc)" "$@"
echo "acosim test: release build + tests took $((SECONDS - stage_start)) s" >&2

if [ "${ACOSIM_SKIP_SANITIZE:-0}" = "1" ]; then
  echo "acosim test: ACOSIM_SKIP_SANITIZE=1: sanitizer stage skipped" >&2
  exit 0
fi

stage_start=$SECONDS
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j "$(nproc)"
# The preset sets ASAN_OPTIONS / UBSAN_OPTIONS / LSAN_OPTIONS (CMakePresets.json): halt on the
# first report, leak checking with full allocation stacks, third-party-only leak suppressions
# (scripts/lsan-suppressions.txt).
ctest --preset sanitize -j "$(nproc)" "$@"
echo "acosim test: sanitizer build + tests took $((SECONDS - stage_start)) s" >&2
