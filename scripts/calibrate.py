#!/usr/bin/python3
"""Calibrate what acosim cannot know from one ACO's results row, from two consecutive CMS files.

    /usr/bin/python3 scripts/calibrate.py [--puf-dir DIR] [--from-py 2022] [--to-py 2023]
                                          [--bootstrap 1000] [--check]

Reads the CMS ACO results files of two consecutive performance years (default ../shared/data/puf,
or $ACOSIM_PUF_DIR), matches the ACOs present in both in the same agreement period (same
Current_Start_Date), and fits, by maximum likelihood with bootstrap standard errors:

  s_A,i = theta_i + eps_A,i                  theta_i ~ N(mu_A, tau^2) across ACOs (file A)
  s_B,i = mu_A + c + phi (theta_i - mu_A) + eta_i + eps_B,i
  eps ~ N(0, k^2 / n_i)   claims noise of one PY's spending, n = person-years (N_AB_Year_PY)
  eta ~ N(0, sigma_d^2)   idiosyncratic drift of the ACO's own effect
  c                       the common shift of the year pair (one draw of the common trend shock)

s is the savings rate (benchmark - expenditure) / benchmark. Given s_A the forecast of s_B is
Normal(mu_A + gamma + phi lam_i (s_A - mu_A), phi^2 tau^2 (1 - lam_i) + sigma_d^2 + sigma_c^2 +
k^2/n), lam_i = tau^2 / (tau^2 + k^2/n_i) (shrinkage of the observed rate toward the file's mean).
mu_A and tau^2 come from file A's cross-section by moments (the C++ does the same at forecast
time); phi and sigma_d from the pair; gamma and sigma_c (the common trend shock) are NOT fitted on
the pair: they are the mean and SD of the year-to-year changes of the mean savings rate across all
ACOs, PY2014-2024, read from the spec's table (settlement-rules.md §6.5). The quality score's
persistence is fitted the same way (Q_B = Qbar_A + b (Q_A - Qbar_A) + N(0, sigma_q^2)).

Writes docs/calibration.md and sim/engine/calibration_defaults.json (the defaults the C++ reads;
tests/test_calibration.cpp checks that the C++ constants equal the JSON). --check refits and exits 1
when the committed point estimates differ (by more than 1e-9) instead of writing; CTest runs it.

Debian python only: python3-numpy, python3-pandas, python3-scipy.
"""

import argparse
import json
import os
import re
import sys

import numpy as np
import pandas as pd
from scipy import optimize, stats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Claims noise of one PY's spending with the benchmark fixed (within an agreement the benchmark's
# base-year noise persists, so it is part of theta): k ~ c, the truncated per-beneficiary CV,
# about 1.9 (../shared/spec/cost-model.md §4; the national shape gives 1.876, docs/cost-model.md §3).
K_CLAIMS = 1.9
# The persistence baseline of the backtest: Normal(s_A, 2 k_b^2 / n + s^2) with k_b = 2.15, the
# MSR table's noise constant (cost-model.md §4; 42 CFR 425.605(b)(1)); the issue fixes this form.
K_BASELINE = 2.15
TYPES = [("ESRD", "N_AB_Year_ESRD_PY"), ("DIS", "N_AB_Year_DIS_PY"), ("AGDU", "N_AB_Year_AGED_Dual_PY"),
         ("AGND", "N_AB_Year_AGED_NonDual_PY")]


def puf_dir(arg):
    return arg or os.environ.get("ACOSIM_PUF_DIR") or os.path.join(ROOT, "..", "shared", "data", "puf")


def find_file(directory, py):
    for name in sorted(os.listdir(directory)):
        if f"PY{py}" in name and name.lower().endswith(".csv"):
            return os.path.join(directory, name)
    sys.exit(f"calibrate.py: no file for PY{py} in {directory} (expected a name containing PY{py})")


def num(series):
    """'2.00%' -> 2.0, '1,234' -> 1234, '*' / '-' / '' -> NaN."""
    return pd.to_numeric(series.astype(str).str.replace("%", "", regex=False).str.replace(",", "", regex=False),
                         errors="coerce")


def load(path):
    """Usable rows (the C++ reader's rule, sim/input/puf_scenario.cpp read_puf_year): benchmark,
    savings and person-years present, N_AB >= 500, not a mid-year termination (pro-rated by CMS)."""
    df = pd.read_csv(path, encoding="latin-1", dtype=str, keep_default_na=False)
    out = pd.DataFrame({"aco": df["ACO_ID"], "start": df["Current_Start_Date"], "track": df["Current_Track"],
                        "agree": df["Agree_Type"]})
    b, g = num(df["ABtotBnchmk"]), num(df["BnchmkMinExp"])
    out["s"] = g / b
    out["n"] = num(df["N_AB_Year_PY"])
    out["nab"] = num(df["N_AB"])
    out["q"] = num(df["QualScore"])
    out["two_sided"] = df["Risk_Model"].str.strip().str.lower() == "two-sided"
    term = pd.Series(0, index=df.index)
    for col in ("Impact_Mid_Year_Termination", "Prorate_Shared_Losses"):
        if col in df:
            term = term + num(df[col]).fillna(0)
    ok = out["s"].notna() & (b > 0) & (out["n"] > 0) & (out["nab"] >= 500) & (term == 0)
    return out[ok].reset_index(drop=True)


def cross_section(a):
    """mu_A, tau^2 of file A by moments: tau^2 = var(s) - mean(k^2/n), at least 1e-6."""
    mu = float(a["s"].mean())
    tau2 = float(max(a["s"].var(ddof=1) - np.mean(K_CLAIMS ** 2 / a["n"]), 1e-6))
    return mu, tau2


def forecast(s_a, n, mu, tau2, phi, sd2, shift, common2, k=K_CLAIMS):
    lam = tau2 / (tau2 + k ** 2 / n)
    mean = mu + shift + phi * lam * (s_a - mu)
    var = phi ** 2 * tau2 * (1 - lam) + sd2 + common2 + k ** 2 / n
    return mean, var


def fit_pair(m, mu, tau2, k=K_CLAIMS):
    """ML of (c, phi, sigma_d) on matched pairs, given file A's mu, tau^2."""
    s_a, s_b, n_a, n_b = (m[c].to_numpy() for c in ("s_a", "s_b", "n_a", "n_b"))

    def nll(p):
        c, phi, log_sd = p
        lam = tau2 / (tau2 + k ** 2 / n_a)
        mean = mu + c + phi * lam * (s_a - mu)
        var = phi ** 2 * tau2 * (1 - lam) + np.exp(2 * log_sd) + k ** 2 / n_b
        return 0.5 * np.sum(np.log(var) + (s_b - mean) ** 2 / var)

    r = optimize.minimize(nll, [0.005, 0.8, np.log(0.01)], method="Nelder-Mead",
                          options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    c, phi, log_sd = r.x
    return {"shift": c, "phi": phi, "sigma_d": float(np.exp(log_sd)), "nll": r.fun}


def fit_quality(m):
    qa, qb = m["q_a"].to_numpy(), m["q_b"].to_numpy()
    ok = np.isfinite(qa) & np.isfinite(qb)
    qa, qb = qa[ok], qb[ok]
    x = qa - qa.mean()
    b = float(np.sum(x * (qb - qb.mean())) / np.sum(x * x))
    resid = qb - qb.mean() - b * x
    return {"b": b, "sigma": float(np.sqrt(np.sum(resid ** 2) / (len(qb) - 2))), "shift": float(qb.mean() - qa.mean())}


def baseline_s2(m):
    """s^2 of the persistence baseline: mean (s_B - s_A)^2 - 2 k_b^2 / n, floored at 0."""
    d2 = (m["s_b"] - m["s_a"]) ** 2 - 2 * K_BASELINE ** 2 / m["n_a"]
    return float(max(d2.mean(), 0.0))


def spec_history():
    """Rows of the PY table in settlement-rules.md §6.5: {PY: (median UpdatedBnchmk per capita [USD],
    mean savings rate [fraction])}."""
    path = os.path.join(ROOT, "..", "shared", "spec", "settlement-rules.md")
    text = open(path, encoding="utf-8").read()
    rows = {}
    for line in text[text.index("### 6.5"):].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 4 and re.fullmatch(r"20\d\d", cells[0]):
            rows[int(cells[0])] = (float(cells[3].replace(",", "")), float(cells[4].split("/")[0]) / 100)
        elif rows and not line.startswith("|"):
            break
    return path, rows


def spec_trend_history():
    """Yearly changes of the mean savings rate across ACOs, PY2014-2024, from settlement-rules.md §6.5."""
    path, rows = spec_history()
    means = {y: v[1] for y, v in rows.items()}
    years = sorted(means)
    changes = {y: means[y] - means[y - 1] for y in years[1:] if y - 1 in means}
    return path, means, changes


def matched(a, b):
    m = a.merge(b, on="aco", suffixes=("_a", "_b"))
    return m[m["start_a"] == m["start_b"]].reset_index(drop=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--puf-dir")
    ap.add_argument("--from-py", type=int, default=2022)
    ap.add_argument("--to-py", type=int, default=2023)
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20221)
    ap.add_argument("--check", action="store_true",
                    help="refit and compare the point estimates with the committed JSON instead of writing "
                         "(exit 1 when they differ, 77 when the PUF folder is absent)")
    args = ap.parse_args(argv)

    d = puf_dir(args.puf_dir)
    if not os.path.isdir(d):
        if args.check:
            print(f"calibrate.py: PUF folder {d} not found: check skipped")
            return 77  # CTest's SKIP_RETURN_CODE
        sys.exit(f"calibrate.py: PUF folder {d} not found (set --puf-dir or ACOSIM_PUF_DIR)")
    fa, fb = find_file(d, args.from_py), find_file(d, args.to_py)
    a, b = load(fa), load(fb)
    m = matched(a, b)
    mu, tau2 = cross_section(a)
    fit = fit_pair(m, mu, tau2)
    q = fit_quality(m)
    s2 = baseline_s2(m)
    spec_path, means, changes = spec_trend_history()
    ch = np.array(list(changes.values()))
    gamma, sigma_c = float(ch.mean()), float(ch.std(ddof=1))
    loo = np.array([v for y, v in changes.items() if y != args.to_py])

    # Bootstrap: resample file A's rows and the matched pairs (independently), refit everything.
    rng = np.random.default_rng(args.seed)
    boot = []
    for _ in range(args.bootstrap):
        ab = a.iloc[rng.integers(0, len(a), len(a))]
        mb = m.iloc[rng.integers(0, len(m), len(m))].reset_index(drop=True)
        mu_b, tau2_b = cross_section(ab)
        f = fit_pair(mb, mu_b, tau2_b)
        qb = fit_quality(mb)
        boot.append([mu_b, np.sqrt(tau2_b), f["phi"], f["sigma_d"], f["shift"], qb["b"], qb["sigma"], np.sqrt(baseline_s2(mb))])
    boot = np.array(boot)
    se = boot.std(axis=0, ddof=1)

    # Stability: the pair fit on subsets (file A's mu and tau^2 kept).
    med = m["n_a"].median()
    subsets = {
        f"person-years below the median ({med:,.0f})": m[m["n_a"] < med],
        "person-years at or above the median": m[m["n_a"] >= med],
        "initial agreements": m[m["agree_a"] == "Initial"],
        "renewing or re-entering agreements": m[m["agree_a"] != "Initial"],
        "one-sided in year A (BASIC A/B)": m[~m["two_sided_a"]],
        "two-sided in year A (BASIC C-E, ENHANCED)": m[m["two_sided_a"]],
    }
    stability = []
    for name, sub in subsets.items():
        sub = sub.reset_index(drop=True)
        f = fit_pair(sub, mu, tau2)
        bs = []
        for _ in range(min(200, args.bootstrap)):
            f2 = fit_pair(sub.iloc[rng.integers(0, len(sub), len(sub))].reset_index(drop=True), mu, tau2)
            bs.append([f2["phi"], f2["sigma_d"]])
        bs = np.array(bs).std(axis=0, ddof=1)
        stability.append((name, len(sub), f["phi"], bs[0], f["sigma_d"], bs[1], f["shift"]))

    # The noise constant: profile likelihood of k (a check of the fixed K_CLAIMS, not used).
    ks = np.arange(1.0, 3.01, 0.05)
    prof = []
    for k in ks:
        tau2_k = float(max(a["s"].var(ddof=1) - np.mean(k ** 2 / a["n"]), 1e-6))
        prof.append(fit_pair(m, mu, tau2_k, k)["nll"])
    k_hat = float(ks[int(np.argmin(prof))])
    k_ci = ks[np.array(prof) <= min(prof) + 1.92]

    # Analytic preview of the forecast's calibration on the same pair (the C++ backtest simulates it).
    mean, var = forecast(m["s_a"], m["n_a"], mu, tau2, fit["phi"], fit["sigma_d"] ** 2, gamma, sigma_c ** 2)
    pit = stats.norm.cdf((m["s_b"] - mean) / np.sqrt(var))
    cover = {p: float(np.mean(np.abs(pit - 0.5) <= p / 2)) for p in (0.5, 0.8, 0.9)}

    defaults = {
        "source": {"from": os.path.basename(fa), "to": os.path.basename(fb), "from_py": args.from_py,
                   "to_py": args.to_py, "matched_acos": int(len(m)), "file_a_rows": int(len(a)),
                   "bootstrap": args.bootstrap, "seed": args.seed},
        "k_claims": K_CLAIMS,
        "k_baseline": K_BASELINE,
        "persistence": round(float(fit["phi"]), 4), "persistence_se": round(float(se[2]), 4),
        "drift_sd": round(float(fit["sigma_d"]), 5), "drift_sd_se": round(float(se[3]), 5),
        "common_shift_mean": round(gamma, 5), "common_shift_sd": round(sigma_c, 5),
        "quality_persistence": round(q["b"], 4), "quality_persistence_se": round(float(se[5]), 4),
        "quality_sd": round(q["sigma"], 3), "quality_sd_se": round(float(se[6]), 3),
        "benchmark_growth": round(float((means_pc()[2024] / means_pc()[2014]) ** 0.1 - 1), 4),
    }
    json_path = os.path.join(ROOT, "sim", "engine", "calibration_defaults.json")
    if args.check:
        # The point estimates (what the C++ uses); SEs depend on the number of bootstrap draws.
        old = json.load(open(json_path))
        bad = [k for k, v in defaults.items()
               if k != "source" and not k.endswith("_se") and not abs(float(old.get(k, np.nan)) - float(v)) <= 1e-9]
        if bad:
            sys.exit(f"calibrate.py: {json_path} differs from the refit in: {', '.join(bad)}")
        print(f"{json_path}: matches the refit")
        return 0

    write_atomically(json_path, json.dumps(defaults, indent=2) + "\n")
    report = render(defaults, fa, fb, a, m, mu, tau2, fit, se, q, s2, spec_path, means, changes, gamma, sigma_c, loo,
                    stability, k_hat, k_ci, cover, args)
    doc = os.path.join(ROOT, "docs", "calibration.md")
    write_atomically(doc, keep_backtest_block(doc, report))
    print(json.dumps(defaults, indent=2))
    return 0


def means_pc():
    return {y: v[0] for y, v in spec_history()[1].items()}


BACKTEST_BLOCK = "<!-- backtest:begin -->\n(run acosim backtest and paste its figures here)\n<!-- backtest:end -->"


def keep_backtest_block(path, text):
    """The measured backtest figures between the markers survive a refit (they come from acosim)."""
    if os.path.exists(path):
        old = open(path, encoding="utf-8").read()
        m = re.search(r"<!-- backtest:begin -->.*?<!-- backtest:end -->", old, re.S)
        if m:
            text = text.replace(BACKTEST_BLOCK, m.group(0))
    return text


def write_atomically(path, text):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def pp(x, d=2):
    return f"{100 * x:.{d}f}"


def render(dflt, fa, fb, a, m, mu, tau2, fit, se, q, s2, spec_path, means, changes, gamma, sigma_c, loo, stability,
           k_hat, k_ci, cover, args):
    L = []
    w = L.append
    w("# Calibration: what one ACO's results row cannot tell")
    w("")
    w("<!-- Generated by scripts/calibrate.py; do not edit by hand. Refit: /usr/bin/python3 scripts/calibrate.py -->")
    w("")
    w(f"`acosim init --puf` and `acosim backtest` forecast an ACO's next performance year from its row in CMS's "
      f"results file. Three things are not in one row: how much of this year's savings rate persists (regression "
      f"toward the mean), the trend shock that moves every ACO's benchmark relative to its spending in a year, and "
      f"how much an ACO's own effect drifts. `scripts/calibrate.py` fits them on PY{args.from_py} → PY{args.to_py} "
      f"({os.path.basename(fa)}, {os.path.basename(fb)}: {len(m)} ACOs in both files in the same agreement period, "
      f"same `Current_Start_Date`; {len(a)} usable PY{args.from_py} rows) and writes the defaults to "
      f"`sim/engine/calibration_defaults.json`, which `sim/engine/calibration.hpp` must equal "
      f"(tests/test_calibration.cpp).")
    w("")
    w("## Model")
    w("")
    w("Savings rate s = (benchmark − expenditure) / benchmark (`BnchmkMinExp / ABtotBnchmk`), n = person-years "
      "(`N_AB_Year_PY`):")
    w("")
    w("```")
    w("s_A = theta + eps_A,                          theta ~ N(mu_A, tau^2) across the ACOs of file A")
    w("s_B = mu_A + c + phi (theta - mu_A) + eta + eps_B")
    w("eps ~ N(0, k^2/n)   claims noise of one year's spending (k = %.2f)" % K_CLAIMS)
    w("eta ~ N(0, sigma_d^2)  idiosyncratic drift;  c: the year's common shift (one draw of the common trend shock)")
    w("```")
    w("")
    w("The forecast of s_B given s_A is Normal with")
    w("")
    w("```")
    w("mean = mu_A + gamma + phi lam (s_A - mu_A),          lam = tau^2 / (tau^2 + k^2/n)")
    w("var  = phi^2 tau^2 (1 - lam) + sigma_d^2 + sigma_c^2 + k^2/n")
    w("```")
    w("")
    w("The ACO's own part (mean and the first two variance terms) becomes the scenario's `true_effect`, the "
      "common shock (gamma, sigma_c) the `benchmark.update_factor`, and the claims noise k²/n is not a parameter: "
      "acosim samples every beneficiary's spending (national shape, whose truncated CV is 1.876, docs/cost-model.md "
      "§3, so the sampling gives k ≈ 1.88–1.9 at the ACO's type mix).")
    w("")
    w(f"**k = {K_CLAIMS}** is fixed, not fitted: within an agreement the benchmark is set once from the base years, "
      f"so its noise persists from year to year and belongs to theta; what is new each year is the PY's spending, "
      f"whose noise constant is the truncated per-beneficiary CV, about 1.9 (`../shared/spec/cost-model.md` §4). "
      f"Check: the profile likelihood of k on this pair peaks at {k_hat:.2f} (95% interval "
      f"{k_ci.min():.2f}–{k_ci.max():.2f}).")
    w("")
    w("## Defaults and what they were fitted on")
    w("")
    w("| Parameter | Default | Bootstrap SE | Fitted on | Scenario key |")
    w("|---|---:|---:|---|---|")
    w(f"| persistence phi | {dflt['persistence']:.4f} | {dflt['persistence_se']:.4f} | the {len(m)} matched pairs "
      f"(ML, given mu_A and tau²) | `true_effect.mean` |")
    w(f"| drift sd sigma_d | {pp(dflt['drift_sd'])} pp | {pp(dflt['drift_sd_se'])} pp | the matched pairs (ML) | "
      f"`true_effect.sd` |")
    w(f"| common shift mean gamma | {pp(gamma)} pp | – | **not the pair**: mean of the {len(changes)} yearly changes "
      f"of the mean savings rate across all ACOs, PY{min(changes)-1}–PY{max(changes)} (spec §6.5) | "
      f"`benchmark.update_factor.mean` |")
    w(f"| common shock sd sigma_c | {pp(sigma_c)} pp | – | the same {len(changes)} changes (their SD) | "
      f"`benchmark.update_factor.sd` |")
    w(f"| quality persistence b | {dflt['quality_persistence']:.4f} | {dflt['quality_persistence_se']:.4f} | the "
      f"matched pairs (OLS of QualScore) | `quality.score.mean` |")
    w(f"| quality sd sigma_q | {dflt['quality_sd']:.3f} | {dflt['quality_sd_se']:.3f} | its residual SD | "
      f"`quality.score.sd` |")
    w(f"| benchmark growth | {pp(dflt['benchmark_growth'])}% a year | – | median `UpdatedBnchmk` per capita "
      f"PY2014 → PY2024, spec §6.5 (dollars only; no rate depends on it) | `benchmark.per_capita`, "
      f"`cost_model.types.*.mean` |")
    w(f"| mu_A, tau | file A's mean and √(var − mean k²/n) | – | recomputed from the forecast's own year-A file | "
      f"`true_effect.mean` |")
    w("")
    w(f"On PY{args.from_py}: mu_A = {pp(mu)}% (SE {pp(se[0])} pp), tau = {pp(np.sqrt(tau2))} pp (SE {pp(se[1])} pp); "
      f"the pair's own common shift c = {pp(fit['shift'])} pp (SE {pp(se[4])} pp) — one draw, reported and not used. "
      f"Shrinkage lam is {tau2 / (tau2 + K_CLAIMS**2 / 5000):.2f} at 5,000 person-years, "
      f"{tau2 / (tau2 + K_CLAIMS**2 / 13000):.2f} at 13,000 and {tau2 / (tau2 + K_CLAIMS**2 / 50000):.2f} at 50,000, "
      f"so the slope of s_B on s_A is phi·lam.")
    w("")
    w("### The common trend shock")
    w("")
    w("With one year pair the common shift is a single draw: its variance cannot be estimated from the pair, and its "
      "mean would be tuned to one year if it were. Both come from the longest public record of how a year moves "
      "every ACO at once, the mean savings rate across all ACOs by PY (`../shared/spec/settlement-rules.md` §6.5, "
      "computed from every PUF row):")
    w("")
    w("| PY | " + " | ".join(str(y) for y in sorted(means)) + " |")
    w("|---|" + "---:|" * len(means))
    w("| mean savings rate (%) | " + " | ".join(f"{100 * means[y]:.2f}" for y in sorted(means)) + " |")
    w("| change (pp) | – | " + " | ".join(f"{100 * changes[y]:+.2f}" for y in sorted(changes)) + " |")
    w("")
    w(f"gamma = {pp(gamma)} pp, sigma_c = {pp(sigma_c)} pp. These changes also hold composition (ACOs entering and "
      f"leaving) and the pandemic years (PY2020 +1.41, PY2021 −0.45), so sigma_c is, if anything, wide; without "
      f"PY2020–21 it would be {pp(np.std([v for y, v in changes.items() if y not in (2020, 2021)], ddof=1))} pp. The "
      f"series includes the fitted pair's own change (PY{args.to_py}: {100 * changes.get(args.to_py, np.nan):+.2f} pp); "
      f"leaving it out gives gamma = {pp(loo.mean())} pp and sigma_c = {pp(loo.std(ddof=1))} pp. The matched ACOs' "
      f"own shift on this pair (c above) is {pp(fit['shift'])} pp.")
    w("")
    w("## How stable")
    w("")
    w("The pair fit on halves of the data (file A's mu and tau² kept; SEs from 200 bootstrap resamples each):")
    w("")
    w("| Subset | ACOs | phi ± SE | sigma_d ± SE (pp) | c (pp) |")
    w("|---|---:|---:|---:|---:|")
    for name, n, phi, phi_se, sd, sd_se, c in stability:
        w(f"| {name} | {n} | {phi:.3f} ± {phi_se:.3f} | {pp(sd)} ± {pp(sd_se)} | {pp(c)} |")
    w("")
    w(f"Analytic preview of the forecast on the same pair (Normal, the backtest simulates it): central 50/80/90% "
      f"intervals cover {100 * cover[0.5]:.1f} / {100 * cover[0.8]:.1f} / {100 * cover[0.9]:.1f}% of the realized "
      f"rates. The persistence baseline's s (the backtest's baseline Normal(s_A, 2·2.15²/n + s²)) fitted on the pair is "
      f"{pp(np.sqrt(s2))} pp (bootstrap SE {pp(se[7])} pp).")
    w("")
    w("## What was not fitted")
    w("")
    w("- The claims noise constant k (fixed at 1.9 from the cost model; the profile likelihood above agrees).")
    w("- The common trend shock's mean and SD (from the PY2014–2024 history, not the pair).")
    w("- The benchmark's dollar growth (history of the median benchmark; it scales dollars, not rates).")
    w("- Participant revenue (not in the PUF): `init` assumes the loss limit that is largest for the ACO's revenue "
      "category (high revenue: revenue = expenditure, so the benchmark-based limit applies; low revenue: 35% of "
      "expenditure, the most a low-revenue ACO can have, 42 CFR 425.20).")
    w("- Quality: everyone met the QPS in PY2022 and PY2023 (EUC floors); the PY's QPS threshold is the rule year's "
      "and the alternative-QPS probability keeps its scenario default.")
    w("- Correlation between the ACO's effect, the trend shock and quality: none assumed.")
    w("")
    w("## Measured: the backtest on the same pair")
    w("")
    w(BACKTEST_BLOCK)
    w("")
    return "\n".join(L)


if __name__ == "__main__":
    sys.exit(main())
