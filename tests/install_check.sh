#!/usr/bin/env bash
# `cmake --install` puts acosim, its scenarios and its docs under a prefix, and the installed
# binary runs the default scenario from an empty folder far from the checkout (no source path is
# baked in): it writes results/ and an HTML report into folders it creates.
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > /dev/null
test -f "$work/prefix/share/acosim/scenarios/default.yaml"
test -f "$work/prefix/share/doc/acosim/README.md"
test -f "$work/prefix/share/doc/acosim/scenario.md"
mkdir "$work/empty"
cd "$work/empty"
"$work/prefix/bin/acosim" run --runs 20 -q --report out/r.html
test -f results/default.h5
grep -q "<h2>Assumptions</h2>" out/r.html
echo "install check: ok"
