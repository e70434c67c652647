#!/usr/bin/env python3
"""Golden regression files for the shipped scenarios (after OpenMC's regression harness).

Each case runs one shipped scenario at a fixed seed and run count, reads the HDF5 file it wrote and
reduces every numeric dataset under the groups that hold results to one line: its shape, its
SHA-256 over the little-endian float64 values, and its sum printed with 17 significant digits.
The lines are compared exactly with tests/golden/CASE.txt. Any change in arithmetic, stream layout
or settlement moves at least one digest: the test then fails until the files are regenerated on
purpose (scripts/regenerate-golden.sh) and the diff is reviewed.

Usage: golden.py check|update --binary ACOSIM --source DIR CASE...
"""
import argparse
import difflib
import hashlib
import pathlib
import subprocess
import sys
import tempfile

import h5py
import numpy as np

# case -> (subcommand, scenario, runs, groups whose numeric datasets are pinned)
CASES = {
    "default": ("run", "scenarios/default.yaml", 400, ("runs", "summary", "cash_risk")),
    "commercial-contract": ("run", "scenarios/commercial-contract.yaml", 400, ("runs", "summary", "cash_risk")),
    "empirical-costs": ("run", "scenarios/empirical-costs.yaml", 400, ("runs", "summary", "cash_risk")),
    "large-aco": ("run", "scenarios/large-aco.yaml", 200, ("runs", "summary", "cash_risk")),
    "small-aco": ("run", "scenarios/small-aco.yaml", 400, ("runs", "summary", "cash_risk")),
    "agreement-paths": ("agreement", "scenarios/agreement-paths.yaml", 100, ("runs", "agreement", "summary")),
    "agreement-aip": ("agreement", "scenarios/agreement-aip.yaml", 100, ("runs", "agreement", "summary")),
    "sweep-size-msr": ("sweep", "scenarios/sweep-size-msr.yaml", 100, ("sweep",)),
    "guardrail-2024-two-sided": ("run", "scenarios/guardrail-2024-two-sided.yaml", 400, ("runs", "summary", "cash_risk")),
    "renewal-2026-regional-psa": ("run", "scenarios/renewal-2026-regional-psa.yaml", 400, ("runs", "summary", "cash_risk")),
}


def digest_lines(path, groups):
    lines = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if not isinstance(obj, h5py.Dataset) or obj.dtype.kind not in "fiub":
                return
            values = np.asarray(obj[()], dtype="<f8")
            sha = hashlib.sha256(np.ascontiguousarray(values).tobytes()).hexdigest()[:32]
            total = float(np.nansum(values)) if values.size else 0.0
            shape = "x".join(str(d) for d in values.shape) or "scalar"
            lines.append(f"{name} {shape} sha256:{sha} sum:{total:.17g}")
        for g in groups:
            if g in f:
                f[g].visititems(lambda n, o, g=g: visit(f"{g}/{n}", o))
    return sorted(lines)


def run_case(case, binary, source):
    command, scenario, runs, groups = CASES[case]
    with tempfile.TemporaryDirectory(prefix="acosim-golden-") as tmp:
        out = pathlib.Path(tmp) / "out.h5"
        args = [binary, command, str(source / scenario), "--runs", str(runs), "-o", str(out),
                "--quiet", "--threads", "2"]
        done = subprocess.run(args, cwd=tmp, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"golden {case}: {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
        header = [f"# {command} {scenario} --runs {runs} (seed from the scenario)"]
        return header + digest_lines(out, groups)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["check", "update"])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--source", required=True, type=pathlib.Path)
    ap.add_argument("cases", nargs="*", default=sorted(CASES))
    a = ap.parse_intermixed_args()
    failed = 0
    for case in a.cases or sorted(CASES):
        if case not in CASES:
            sys.exit(f"unknown case '{case}'; known: {', '.join(sorted(CASES))}")
        got = run_case(case, str(pathlib.Path(a.binary).resolve()), a.source.resolve())
        golden = a.source / "tests" / "golden" / f"{case}.txt"
        if a.mode == "update":
            golden.write_text("\n".join(got) + "\n")
            print(f"wrote {golden}")
            continue
        if not golden.exists():
            print(f"golden {case}: {golden} is missing; run scripts/regenerate-golden.sh")
            failed += 1
            continue
        want = golden.read_text().splitlines()
        if got != want:
            failed += 1
            print(f"golden {case}: results differ from {golden}:")
            sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(want, got, "golden", "now", lineterm=""))
        else:
            print(f"golden {case}: {len(want) - 1} datasets identical")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
