#!/usr/bin/env bash
# Regenerates the report images in docs/images/: the HTML report of the default scenario (2,000
# runs, seed 20240101, a $1M loss limit at 95%) at 1400 px and 390 px wide, and its pages printed to
# PDF (A4 portrait) by headless Chromium, rasterized with pdftoppm; the agreement page of
# scenarios/agreement-paths.yaml (one small chart per path) and the sweep page of
# scenarios/sweep-size-msr.yaml (spider charts), 1,000 runs each, at 1400 px and 390 px.
# Usage: scripts/screenshots.sh [path/to/acosim]   (needs chromium and poppler-utils: scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
acosim=${1:-build/release/sim/acosim}
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ] || ! command -v pdftoppm > /dev/null; then
  echo "screenshots: needs chromium and pdftoppm (poppler-utils); run scripts/setup.sh" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars "--user-data-dir=$work/profile")
"$acosim" run scenarios/default.yaml --runs 2000 -q -o "$work/r.h5"
"$acosim" report "$work/r.h5" --max-loss 1e6 -o "$work/report.html"
# A4 for the printed pages (the page's own @page rule leaves the size to the printer).
sed 's#</head>#<style>@page { size: A4 portrait; }</style></head>#' "$work/report.html" > "$work/report-a4.html"
mkdir -p docs/images
timeout 120 "$chromium" "${flags[@]}" --window-size=1400,2600 --screenshot="$PWD/docs/images/report-1400.png" \
  "file://$work/report.html" > /dev/null 2>&1
timeout 120 "$chromium" "${flags[@]}" --window-size=390,3200 --screenshot="$PWD/docs/images/report-390.png" \
  "file://$work/report.html" > /dev/null 2>&1
timeout 120 "$chromium" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$work/report.pdf" \
  "file://$work/report-a4.html" > /dev/null 2>&1
"$acosim" agreement scenarios/agreement-paths.yaml --runs 1000 -q -o "$work/a.h5" --report "$work/agreement.html"
"$acosim" sweep scenarios/sweep-size-msr.yaml --runs 1000 -q -o "$work/s.h5" --report "$work/sweep.html"
for page in agreement sweep; do
  timeout 120 "$chromium" "${flags[@]}" --window-size=1400,2400 --screenshot="$PWD/docs/images/$page-1400.png" \
    "file://$work/$page.html" > /dev/null 2>&1
  timeout 120 "$chromium" "${flags[@]}" --window-size=390,3600 --screenshot="$PWD/docs/images/$page-390.png" \
    "file://$work/$page.html" > /dev/null 2>&1
done
rm -f docs/images/report-print-*.png
pdftoppm -png -r 50 "$work/report.pdf" docs/images/report-print
ls -1 docs/images/report-* docs/images/agreement-* docs/images/sweep-*
