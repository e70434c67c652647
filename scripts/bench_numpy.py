#!/usr/bin/python3
"""The acosim bench reference workload written in NumPy, the way an analyst would vectorize it.

Same model and parameters as the engine (read from `acosim bench --print-model`): for each
beneficiary-year two latent normals; the state (zero / low / high component) by thresholds on the
first, the size exp(mu + sigma z) on the second, capped at the truncation point; in historical
mode the latents follow an AR(1) over BY1, BY2, BY3 and PY and the benchmark is the weighted base
years. Runs are processed in blocks: arrays of shape (runs in block, beneficiaries). The random
numbers come from NumPy's default generator (PCG64, ziggurat normals), so the figures agree with
the engine's in distribution, not bit for bit. Settlement (six tracks, 10,000 runs: well under 1%
of the engine's time) is left out.

    acosim bench --print-model > model.json
    /usr/bin/python3 scripts/bench_numpy.py model.json [--runs 500] [--block 1] [--repeat 3] [--json]

Prints nanoseconds per beneficiary-year (one core: NumPy's element-wise operations are
single-threaded) and the mean per-capita spending and benchmark as a check against the engine.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def per_beneficiary(model, key):
    """The model parameter `key` repeated for each beneficiary of each enrollment type."""
    return np.concatenate([np.full(t["beneficiaries"], t[key], dtype=np.float64) for t in model["types"]])


def simulate(model, runs, block, seed):
    """Returns (benchmark, expenditure) per run [USD]."""
    rng = np.random.default_rng(seed)
    n = sum(t["beneficiaries"] for t in model["types"])
    z_zero, z_high = per_beneficiary(model, "z_zero"), per_beneficiary(model, "z_high")
    mu_low, mu_high = per_beneficiary(model, "mu_low"), per_beneficiary(model, "mu_high")
    sigma, cap = per_beneficiary(model, "sigma"), per_beneficiary(model, "cap")
    historical = model["mode"] == "historical"
    rho = model["persistence"]
    innovation = np.sqrt(1.0 - rho * rho)
    weights = model["base_year_weights"]
    te, uf = model["true_effect"], model["update_factor"]

    def year_cost(zs, zz):
        mu = np.where(zs > z_high, mu_high, mu_low)
        cost = np.minimum(cap, np.exp(mu + sigma * zz))
        return np.where(zs < z_zero, 0.0, cost).sum(axis=1)

    benchmark = np.empty(runs)
    expenditure = np.empty(runs)
    for start in range(0, runs, block):
        b = min(block, runs - start)
        effect = np.maximum(-0.9, te["mean"] + te["sd"] * rng.standard_normal(b))
        factor = np.maximum(0.01, uf["mean"] + uf["sd"] * rng.standard_normal(b))
        zs = rng.standard_normal((b, n))
        zz = rng.standard_normal((b, n))
        if historical:
            sums = [year_cost(zs, zz)]
            for _ in range(3):
                zs = rho * zs + innovation * rng.standard_normal((b, n))
                zz = rho * zz + innovation * rng.standard_normal((b, n))
                sums.append(year_cost(zs, zz))
            base = weights[0] * sums[0] + weights[1] * sums[1] + weights[2] * sums[2]
            py = sums[3]
        else:
            py = year_cost(zs, zz)
            base = np.full(b, model["benchmark_per_capita"] * n)
        expenditure[start:start + b] = (1.0 + effect) * py
        benchmark[start:start + b] = factor * base
    return benchmark, expenditure


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", help="JSON from `acosim bench --print-model` ('-' for stdin)")
    ap.add_argument("--runs", type=int, default=500, help="runs to time (default 500; the per-year cost does not depend on it)")
    ap.add_argument("--block", type=int, default=1,
                    help="runs per vectorized block (default 1: one run's arrays stay in cache; larger blocks are slower)")
    ap.add_argument("--repeat", type=int, default=3, help="repetitions; the minimum time counts (default 3)")
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    a = ap.parse_args()
    model = json.load(sys.stdin if a.model == "-" else open(a.model))
    n = sum(t["beneficiaries"] for t in model["types"])
    years = 4 if model["mode"] == "historical" else 1
    best = best_cpu = float("inf")
    for _ in range(a.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        benchmark, expenditure = simulate(model, a.runs, a.block, a.seed)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if wall < best:
            best, best_cpu = wall, cpu
    ns = best / (a.runs * n * years) * 1e9
    out = {
        "numpy": np.__version__,
        "mode": model["mode"],
        "beneficiaries": n,
        "runs": a.runs,
        "block": a.block,
        "seconds": best,
        "ns_per_beneficiary_year": ns,
        "cpu_seconds": best_cpu,
        "cpu_ns_per_beneficiary_year": best_cpu / (a.runs * n * years) * 1e9,
        "beneficiary_years_per_second": a.runs * n * years / best,
        "mean_expenditure_per_capita": float(expenditure.mean() / n),
        "mean_benchmark_per_capita": float(benchmark.mean() / n),
    }
    if a.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"NumPy {np.__version__}: {n} beneficiaries x {a.runs} runs, {model['mode']} benchmark, blocks of {a.block} runs: "
              f"{best:.2f} s, {ns:.2f} ns per beneficiary-year (CPU time {out['cpu_ns_per_beneficiary_year']:.2f}), "
              f"{out['beneficiary_years_per_second']:.3g} per second")
        print(f"  mean spending per capita {out['mean_expenditure_per_capita']:.2f}, "
              f"benchmark per capita {out['mean_benchmark_per_capita']:.2f}")


if __name__ == "__main__":
    main()
