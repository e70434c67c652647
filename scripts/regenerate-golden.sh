#!/usr/bin/env bash
# Regenerates the golden regression files (tests/golden/*.txt) from the release build, after a
# deliberate change of arithmetic, stream layout or settlement. Review `git diff tests/golden`
# before committing: every changed line is a dataset whose values moved.
# Usage: scripts/regenerate-golden.sh [CASE ...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target acosim
/usr/bin/python3 tests/golden/golden.py update --binary build/release/sim/acosim --source "$PWD" "$@"
git --no-pager diff --stat -- tests/golden || true
