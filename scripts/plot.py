#!/usr/bin/python3
"""Charts of acosim output, written as PNGs next to each input (atomically: temp file + rename).

Run with the Debian python (python3-h5py, python3-matplotlib, python3-numpy):

    /usr/bin/python3 scripts/plot.py results/default.h5            # results file
    /usr/bin/python3 scripts/plot.py results/default-sweep.h5      # sweep file
    /usr/bin/python3 scripts/plot.py results/default-tornado.json  # tornado JSON

Results file (format acosim-results)  -> <stem>-distribution.png  step histogram of net payment per track
                                       -> <stem>-exceedance.png    P(owe more than x) against x, log scale
Sweep file (format acosim-sweep)       -> <stem>-curves.png        metrics against the varied key, one line per
                                                                   track (1-D; 2-D: one line per value of the
                                                                   second key, a panel per track)
                                       -> <stem>-heatmap.png       2-D sweeps: mean and P(losses) per grid cell
                                       -> <stem>-spider.png        mean and P(owe) against each key's change
                                                                   from its reference (the middle of its values),
                                                                   the other keys at theirs; a line per track and key
Tornado JSON (format acosim-tornado)   -> <stem>.png               inputs ranked by the swing of the metric
Backtest file (format acosim-backtest) -> <stem>-calibration.png   PIT histogram, coverage by size quartile,
                                                                   reliability diagram of P(savings), P(losses)

Money axes are in dollars, with % of the (mean) benchmark where one benchmark applies. Keys, values
and tracks are shown in words (the file's /sweep/labels, value_labels and points/names), each raw key
once in small print.
"""

import argparse
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.lines  # noqa: E402
import matplotlib.patches  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
import numpy as np  # noqa: E402

try:
    import h5py
except ImportError:  # pragma: no cover - tornado JSON needs no HDF5
    h5py = None

PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac"]


def money(x, _pos=None):
    """$1.2M, -$450K, $0."""
    a = abs(x)
    sign = "-" if x < 0 else ""
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= scale:
            v = a / scale
            return f"{sign}${v:.{0 if v >= 100 or v == int(v) else 1}f}{suffix}"
    return f"{sign}${a:.0f}"


MONEY = mticker.FuncFormatter(money)


def width(k):
    """Line width of track k: earlier tracks wider, so a later one drawn on top leaves them visible."""
    return max(1.0, 2.8 - 0.35 * k)
PERCENT = mticker.FuncFormatter(lambda v, _p: f"{100 * v:.3g}%")


def save(fig, path):
    """Write the figure atomically: a temp file in the same directory, then rename."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        fig.savefig(tmp, format="png", dpi=fig.dpi, bbox_inches="tight")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    plt.close(fig)
    print(path)


def stem(path):
    base, _ext = os.path.splitext(path)
    return base


def strings(ds):
    return [s.decode("utf-8") if isinstance(s, bytes) else str(s) for s in ds.asstr()[...].ravel()]


def pct_axis(ax, scale, which="x"):
    """A second axis in % of `scale` dollars."""
    if not scale or not math.isfinite(scale):
        return
    forward = (lambda v: 100 * v / scale, lambda p: p * scale / 100)
    label = mticker.FuncFormatter(lambda v, _p: f"{v:g}%")
    if which == "x":
        sec = ax.secondary_xaxis("top", functions=forward)
        sec.set_xlabel("% of mean benchmark")
        sec.xaxis.set_major_formatter(label)
    else:
        sec = ax.secondary_yaxis("right", functions=forward)
        sec.set_ylabel("% of mean benchmark")
        sec.yaxis.set_major_formatter(label)


# --------------------------------------------------------------------------------------------
# Results files


def plot_results(f, path, args):
    labels = strings(f["tracks/labels"])
    pay = f["runs/payment"][...]
    done = f["runs/done"][...].astype(bool) if "runs/done" in f else np.ones(pay.shape[0], bool)
    pay = pay[done]
    bench = float(np.mean(f["runs/benchmark"][...][done]))
    n = pay.shape[0]
    name = f["metadata"].attrs.get("scenario_name", "")
    title_tail = f"{name}: {n:,} runs"

    # Distribution: step histogram over the central 99% of non-zero payments; the mass at $0 goes
    # in the legend (it would dwarf every bin).
    nz = [pay[:, k][pay[:, k] != 0] for k in range(len(labels))]
    lo = min((np.percentile(v, 0.5) for v in nz if v.size), default=-1)
    hi = max((np.percentile(v, 99.5) for v in nz if v.size), default=1)
    if hi <= lo:
        hi = lo + 1
    bins = np.linspace(lo, hi, 61)
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=args.dpi)
    for k, lab in enumerate(labels):
        v = np.clip(nz[k], lo, hi)
        counts, _ = np.histogram(v, bins=bins)
        share = counts / n
        zero = 1 - nz[k].size / n
        ax.stairs(share, bins, color=PALETTE[k % 10], linewidth=width(k), label=f"{lab} ({100 * zero:.1f}% at $0)")
    if lo < 0 < hi:
        ax.axvline(0, color="#666", linestyle="--", linewidth=1)
    ax.xaxis.set_major_formatter(MONEY)
    ax.yaxis.set_major_formatter(PERCENT)
    ax.set_xlabel("Net payment to the ACO [USD] (negative: shared losses owed to CMS)")
    ax.set_ylabel("Share of runs per bin")
    ax.set_title(f"Distribution of net payment per track — {title_tail}", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8.5, frameon=True)
    pct_axis(ax, bench)
    save(fig, f"{stem(path)}-distribution.png")

    # Exceedance of losses.
    losses = [np.sort(np.maximum(0, -pay[:, k])) for k in range(len(labels))]
    xmax = max((l[-1] for l in losses if l.size and l[-1] > 0), default=0)
    floor = 10 ** math.floor(math.log10(1 / n))
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=args.dpi)
    if xmax <= 0:
        ax.text(0.5, 0.5, "No run owed shared losses on any track", ha="center", va="center", transform=ax.transAxes)
    else:
        xs = np.linspace(0, xmax, 400)
        for k, lab in enumerate(labels):
            l = losses[k]
            if not l.size or l[-1] <= 0:
                continue
            p = (l.size - np.searchsorted(l, xs, side="right")) / n
            # Past the largest loss the curve drops off the bottom of the log axis.
            last = int(np.argmax(p == 0)) if np.any(p == 0) else p.size - 1
            p = np.where(p > 0, p, floor / 10)
            ax.step(xs[:last + 1], p[:last + 1], where="post", color=PALETTE[k % 10], linewidth=width(k), label=lab)
        ax.set_yscale("log")
        ax.set_ylim(floor, 1.05)
        ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _p: f"{100 * v:g}%"))
        if args.max_loss:
            ax.axvline(args.max_loss, color="#c00", linestyle="--", linewidth=1.2)
            ax.axhline(1 - args.confidence, color="#c00", linestyle="--", linewidth=1.2)
            ax.annotate(f"limit: at most {100 * (1 - args.confidence):g}% chance of owing more than "
                        f"{money(args.max_loss)}", (args.max_loss, 1 - args.confidence), xytext=(6, -14),
                        textcoords="offset points", color="#c00", fontsize=8.5)
        for k, lab in enumerate(labels):
            if not losses[k].size or losses[k][-1] <= 0:
                ax.plot([], [], color=PALETTE[k % 10], linestyle=":", label=f"{lab}: never owes")
        ax.legend(fontsize=8.5)
        pct_axis(ax, bench)
    ax.xaxis.set_major_formatter(MONEY)
    ax.set_xlabel("Loss owed to CMS, x [USD]")
    ax.set_ylabel("P(owe more than x), log scale")
    ax.set_title(f"Chance of owing more than x — {title_tail}", fontsize=11)
    ax.grid(alpha=0.3, which="both")
    save(fig, f"{stem(path)}-exceedance.png")


# --------------------------------------------------------------------------------------------
# Sweep files


def slot_names(labels):
    """A name per track slot: its label, or the shared prefix when a swept key changes it."""
    names = []
    for t in range(labels.shape[1]):
        col = list(labels[:, t])
        if len(set(col)) == 1:
            names.append(col[0])
        else:
            prefix = os.path.commonprefix(col).rstrip(" =,").removesuffix(" msr").strip()
            names.append(f"{prefix or 'track ' + str(t)} (varied)")
    return names


def plain(text):
    """Text drawn as written: matplotlib would read "$15,000,000 / $40,000,000" as mathematics."""
    return str(text).replace("$", r"\$")


def key_labels(f):
    """The varied keys in words (/sweep/labels; files from before it: the keys as written)."""
    keys = strings(f["sweep/keys"])
    return strings(f["sweep/labels"]) if "sweep/labels" in f else keys


def track_names(f, points):
    """The track labels per point in words (/sweep/points/names, else the labels)."""
    ds = f["sweep/points/names"] if "sweep/points/names" in f else f["sweep/points/labels"]
    return np.array(strings(ds)).reshape(points, -1)


def keys_note(fig, f):
    """The raw keys, once, in small print (for users who type them)."""
    keys, labels = strings(f["sweep/keys"]), key_labels(f)
    text = "; ".join(f"{lab}: {k}" if lab != k else k for k, lab in zip(keys, labels))
    fig.text(0.01, 0.003, f"Scenario keys: {text}", fontsize=7, color="#555", ha="left", va="bottom")


def axis_values(f, k):
    vals = strings(f[f"sweep/values/{k}"])
    num = f[f"sweep/numeric/{k}"][...]
    numeric = bool(np.all(np.isfinite(num)))
    percent = numeric and all(v.endswith("%") for v in vals)
    words = strings(f[f"sweep/value_labels/{k}"]) if f"sweep/value_labels/{k}" in f else vals
    return [plain(w) for w in words], num, numeric, percent


def spider_lines(f):
    """The spider chart's data: for each key with numeric values around a non-zero reference (the middle
    value, index (n - 1) // 2), the grid points where only it moves, the others at their reference:
    [(key index, [(point, relative change value / reference - 1)])] and the keys left out."""
    shape = [int(x) for x in f["sweep/shape"][...]]
    idx = f["sweep/points/index"][...]
    ref = [(n - 1) // 2 for n in shape]
    lines, skipped = [], []
    for k in range(len(shape)):
        num = f[f"sweep/numeric/{k}"][...]
        r = num[ref[k]]
        if not np.all(np.isfinite(num)) or r == 0:
            skipped.append(k)
            continue
        pts = []
        for j in range(shape[k]):
            want = list(ref)
            want[k] = j
            match = np.nonzero(np.all(idx == np.array(want), axis=1))[0]
            if match.size:
                pts.append((int(match[0]), float(num[j] / r - 1)))
        lines.append((k, pts))
    return lines, skipped


DASHES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1))]


def plot_spider(f, path, args):
    fig = spider_figure(f, args.dpi)
    if fig is not None:
        save(fig, f"{stem(path)}-spider.png")


def spider_figure(f, dpi):
    """The spider chart of sweep file f (None when no key has a relative change): panel 0 the mean net
    payment, panel 1 P(owe); per drawn key (spider_lines order) one line per track, marker "o"."""
    labels = key_labels(f)
    shape = [int(x) for x in f["sweep/shape"][...]]
    names = slot_names(track_names(f, int(np.prod(shape))))
    lines, skipped = spider_lines(f)
    if not lines:
        return None
    s = f["sweep/summary"]
    metrics = [("Mean net payment [USD]", s["dollars/mean"][...], MONEY),
               ("P(owe shared losses)", s["p_losses"][...], PERCENT)]
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), dpi=dpi)
    for ax, (title, val, fmt) in zip(axes, metrics):
        for k, pts in lines:
            x = [c for _p, c in pts]
            for t in range(val.shape[1]):
                ax.plot(x, [val[p, t] for p, _c in pts], color=PALETTE[t % 10], linestyle=DASHES[k % len(DASHES)],
                        marker="o", markersize=3.5, linewidth=width(t))
        ax.axvline(0, color="#666", linewidth=1, linestyle="--")
        ax.set_title(title, fontsize=10)
        ax.yaxis.set_major_formatter(fmt)
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _p: f"{100 * v:+g}%" if v else "0%"))
        ax.set_xlabel("Change of each swept key from its reference value")
        ax.grid(alpha=0.3)
    handles = [matplotlib.lines.Line2D([], [], color=PALETTE[t % 10], linewidth=2, label=n) for t, n in enumerate(names)]
    for k, _pts in lines:
        words = axis_values(f, k)[0]
        handles.append(matplotlib.lines.Line2D([], [], color="#444", linestyle=DASHES[k % len(DASHES)],
                                               label=plain(f"{labels[k]} (reference {words[(shape[k] - 1) // 2]})")))
    axes[0].legend(handles=handles, fontsize=7.5, loc="best")
    note = f"; not drawn: {', '.join(labels[k] for k in skipped)}" if skipped else ""
    fig.suptitle(f"Spider chart — {f['metadata'].attrs.get('scenario_name', '')}: one key at a time{note}",
                 fontsize=12)
    keys_note(fig, f)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def plot_sweep(f, path, args):
    plot_spider(f, path, args)
    keys = key_labels(f)  # in words; the raw keys in small print (keys_note)
    shape = [int(x) for x in f["sweep/shape"][...]]
    labels = track_names(f, int(np.prod(shape)))
    names = slot_names(labels)
    T = labels.shape[1]
    s = f["sweep/summary"]
    metrics = [
        ("Mean net payment [USD]", s["dollars/mean"][...], s["dollars/mcse"][...], MONEY),
        ("Mean net payment [% of benchmark]", s["percent/mean"][...] / 100, s["percent/mcse"][...] / 100, PERCENT),
        ("5th percentile [USD]", s["dollars/percentiles"][..., 1], None, MONEY),
        ("P(owe shared losses)", s["p_losses"][...], s["p_losses_se"][...], PERCENT),
        ("Expected shortfall ES95 [USD]", s["dollars/es95"][...], None, MONEY),
        ("P(earn shared savings)", s["p_savings"][...], s["p_savings_se"][...], PERCENT),
    ]
    name = f["metadata"].attrs.get("scenario_name", "")
    runs = int(f["metadata"].attrs.get("runs", 0))
    runs_text = f"{runs:,} runs per point" if runs > 0 else "runs varied"

    vals0, num0, numeric0, percent0 = axis_values(f, 0)
    x = num0 if numeric0 else np.arange(len(vals0))

    def xaxis(ax):
        ax.set_xlabel(keys[0])
        if not numeric0:
            ax.set_xticks(x, vals0)
        elif percent0:
            ax.xaxis.set_major_formatter(PERCENT)

    if len(shape) == 1:
        fig, axes = plt.subplots(2, 3, figsize=(13, 7), dpi=args.dpi)
        for ax, (title, val, se, fmt) in zip(axes.ravel(), metrics):
            for t in range(T):
                color = PALETTE[t % 10]
                ax.plot(x, val[:, t], marker="o", markersize=4, color=color, label=names[t])
                if se is not None:
                    ax.fill_between(x, val[:, t] - 2 * se[:, t], val[:, t] + 2 * se[:, t], color=color, alpha=0.15,
                                    linewidth=0)
            ax.set_title(title, fontsize=10)
            ax.yaxis.set_major_formatter(fmt)
            ax.grid(alpha=0.3)
            xaxis(ax)
        axes[0, 0].legend(fontsize=8)
        fig.suptitle(f"Sweep of {keys[0]} — {name}, {runs_text} (bands: ±2 MC standard errors)", fontsize=12)
        keys_note(fig, f)
        fig.tight_layout(rect=(0, 0.03, 1, 1))
        save(fig, f"{stem(path)}-curves.png")
        return

    # 2-D (and more: the first two keys, the rest at their first value).
    vals1, num1, numeric1, percent1 = axis_values(f, 1)
    idx = f["sweep/points/index"][...]
    sel = np.all(idx[:, 2:] == 0, axis=1) if idx.shape[1] > 2 else np.ones(idx.shape[0], bool)
    grid_rows = idx[sel, 0]
    grid_cols = idx[sel, 1]

    def grid(values, t):
        g = np.full((shape[0], shape[1]), np.nan)
        g[grid_rows, grid_cols] = values[sel, t]
        return g

    # Curves: a panel per track, x = first key, one line per value of the second key.
    cols = min(T, 3)
    rows = math.ceil(T / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.6 * rows), dpi=args.dpi, squeeze=False)
    cmap = plt.get_cmap("viridis")
    title, val, se, fmt = metrics[0]
    for t in range(T):
        ax = axes.ravel()[t]
        g = grid(val, t)
        for j, v1 in enumerate(vals1):
            ax.plot(x, g[:, j], marker="o", markersize=3.5, color=cmap(j / max(1, len(vals1) - 1)),
                    label=f"{keys[1]} = {v1}")
        ax.set_title(names[t], fontsize=10)
        ax.yaxis.set_major_formatter(fmt)
        ax.grid(alpha=0.3)
        xaxis(ax)
    for ax in axes.ravel()[T:]:
        ax.axis("off")
    axes.ravel()[0].legend(fontsize=7.5)
    fig.suptitle(f"{title}: {keys[0]} x {keys[1]} — {name}, {runs_text}", fontsize=12)
    keys_note(fig, f)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save(fig, f"{stem(path)}-curves.png")

    # Heat maps: mean and P(losses), one row of panels per metric, a panel per track.
    fig, axes = plt.subplots(2, T, figsize=(3.2 * T + 1, 6.4), dpi=args.dpi, squeeze=False)
    for r, (title, val, _se, fmt) in enumerate([metrics[0], metrics[3]]):
        for t in range(T):
            ax = axes[r, t]
            g = grid(val, t)
            finite = g[np.isfinite(g)]
            vmin, vmax = (None, None) if r == 0 else (0.0, max(0.01, float(finite.max()) if finite.size else 0.01))
            im = ax.imshow(g, origin="lower", aspect="auto", cmap="RdYlGn" if r == 0 else "Reds", vmin=vmin, vmax=vmax)
            ax.set_xticks(range(len(vals1)), vals1, fontsize=7, rotation=45)
            ax.set_yticks(range(len(vals0)), vals0, fontsize=7)
            if len(vals0) * len(vals1) <= 48:
                for i in range(g.shape[0]):
                    for j in range(g.shape[1]):
                        if np.isfinite(g[i, j]):
                            rgb = im.cmap(im.norm(g[i, j]))[:3]
                            dark = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] < 0.5
                            ax.text(j, i, fmt(g[i, j], None), ha="center", va="center", fontsize=6.5,
                                    color="white" if dark else "black")
            ax.set_title(f"{names[t]}\n{title}", fontsize=8.5)
            if t == 0:
                ax.set_ylabel(keys[0])
            ax.set_xlabel(keys[1], fontsize=8)
            cb = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
            cb.ax.yaxis.set_major_formatter(fmt)
            cb.ax.tick_params(labelsize=6.5)
    fig.suptitle(f"{keys[0]} x {keys[1]} — {name}, {runs_text}", fontsize=12)
    keys_note(fig, f)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save(fig, f"{stem(path)}-heatmap.png")


# --------------------------------------------------------------------------------------------
# Tornado JSON


def plot_tornado(j, path, args):
    prob = j.get("units", "USD").startswith("probability")
    fmt = PERCENT if prob else MONEY
    tracks = j["tracks"]
    n = len(tracks)
    bars = max(len(t["bars"]) for t in tracks)
    fig, axes = plt.subplots(n, 1, figsize=(9, 1.2 + 0.55 * bars * n + 0.5 * n), dpi=args.dpi, squeeze=False)
    for ax, tr in zip(axes[:, 0], tracks):
        base = tr["base"]
        rows = list(reversed(tr["bars"]))  # largest swing on top
        for i, b in enumerate(rows):
            if b["at_low"] == base and b["at_high"] == base:
                ax.text(base, i, plain(f"  no change ({b.get('low_label', b['low'])} / {b.get('high_label', b['high'])})"),
                        va="center", fontsize=7.5, color="#555")
                continue
            for val, color, side in ((b["at_low"], "#4e79a7", "low"), (b["at_high"], "#f28e2b", "high")):
                ax.barh(i, val - base, left=base, color=color, height=0.6)
                ax.text(val, i, plain(f" {b.get(side + '_label', b[side])} "), va="center", fontsize=7.5,
                        ha="left" if val >= base else "right")
        ax.axvline(base, color="#222", linewidth=1)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_yticks(range(len(rows)), [b.get("input_label", b["input"]) for b in rows], fontsize=9)
        ax.xaxis.set_major_formatter(fmt)
        ax.set_title(f"{tr.get('name', tr['label'])}: base {fmt(base, None)}", fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        lo = min(min(b["at_low"], b["at_high"]) for b in rows)
        hi = max(max(b["at_low"], b["at_high"]) for b in rows)
        pad = 0.18 * (hi - lo or abs(base) or 1)
        ax.set_xlim(min(lo, base) - pad, max(hi, base) + pad)
    handles = [matplotlib.patches.Patch(color="#4e79a7", label="low"), matplotlib.patches.Patch(color="#f28e2b", label="high")]
    axes[0, 0].legend(handles=handles, title="input at", fontsize=8, title_fontsize=8, loc="lower right")
    axes[-1, 0].set_xlabel(f"{j.get('metric_description', j['metric'])} [{'probability' if prob else 'USD'}]")
    fig.suptitle(f"Tornado — {j.get('scenario', '')}, {j.get('runs', 0):,} runs per simulation", fontsize=12)
    keys = sorted({b["input"] for tr in tracks for b in tr["bars"] if b.get("input_label", b["input"]) != b["input"]})
    if keys:  # the raw keys once, for users who type them (--input KEY=LOW,HIGH)
        fig.text(0.01, 0.003, "Scenario keys: " + "; ".join(keys), fontsize=7, color="#555")
    fig.tight_layout(rect=(0, 0.03 if keys else 0, 1, 1))
    save(fig, f"{stem(path)}.png")


def plot_backtest(f, path, args):
    """The calibration chart of an acosim backtest file (docs/backtest.md)."""
    s = f["summary"]
    n = len(f["acos/aco_id"])
    pit = s["pit_histogram"][:]
    chi2, _df, pval = s["pit_chi_square"][:]
    levels = s["coverage_levels"][:]
    cov, cov_se = s["coverage"][:], s["coverage_se"][:]
    covq = s["coverage_by_quartile"][:].reshape(4, len(levels))
    covq_se = s["coverage_by_quartile_se"][:].reshape(4, len(levels))
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), dpi=args.dpi)

    ax = axes[0]
    ax.bar(np.arange(len(pit)) / len(pit), pit * len(pit) / n, width=1 / len(pit), align="edge", color=PALETTE[0],
           edgecolor="white")
    ax.axhline(1, color=PALETTE[2], linestyle="--", linewidth=1, label="uniform (calibrated)")
    ax.set_xlim(0, 1)
    ax.set_xlabel("PIT of the realized savings rate")
    ax.set_ylabel("density")
    ax.set_title(f"PIT histogram: chi-square {chi2:.1f}, p = {pval:.2f}", fontsize=10)
    ax.legend(fontsize=8)

    ax = axes[1]
    x = np.arange(5)
    for k, lev in enumerate(levels):
        y = np.append(covq[:, k], cov[k])
        e = np.append(covq_se[:, k], cov_se[k])
        ax.errorbar(x + (k - 1) * 0.12, y, yerr=2 * e, fmt="o", color=PALETTE[k], capsize=3, label=f"{100 * lev:.0f}%")
        ax.axhline(lev, color=PALETTE[k], linestyle="--", linewidth=0.8)
    bounds = f["summary/quartile_bounds"][:]
    ax.set_xticks(x, [f"Q{q + 1}\n{bounds[q]:,}-{bounds[q + 1]:,}" for q in range(4)] + ["all"], fontsize=8)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PERCENT)
    ax.set_ylabel("coverage (± 2 SE)")
    ax.set_title("Central-interval coverage by size (N_AB)", fontsize=10)
    ax.legend(title="nominal", fontsize=8, title_fontsize=8, loc="lower right")

    ax = axes[2]
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", linewidth=1)
    for k, (name, marker) in enumerate((("savings", "o"), ("losses", "^"))):
        g = s[f"reliability_{name}"]
        cnt = g["count"][:]
        keep = cnt > 0
        ax.errorbar(g["mean_forecast"][:][keep], g["observed"][:][keep], yerr=2 * g["observed_se"][:][keep], fmt=marker,
                    color=PALETTE[2 * k], capsize=3, label=f"P({name})")
        for xf, yo, c in zip(g["mean_forecast"][:][keep], g["observed"][:][keep], cnt[keep]):
            ax.annotate(str(c), (xf, yo), textcoords="offset points", xytext=(5, -10), fontsize=7, color="#555")
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("forecast probability (bin mean)")
    ax.set_ylabel("observed frequency (± 2 SE)")
    ax.set_title("Reliability (numbers: ACOs per bin)", fontsize=10)
    ax.legend(fontsize=8, loc="upper left")

    a, b = f.attrs["py_a"], f.attrs["py_b"]
    fig.suptitle(f"acosim backtest PY{a} -> PY{b}: {n} ACOs, {f.attrs['runs_per_aco']:,} runs each", fontsize=12)
    fig.tight_layout()
    save(fig, f"{stem(path)}-calibration.png")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", help="acosim results, sweep or backtest .h5 files, or tornado .json files")
    ap.add_argument("--dpi", type=int, default=100, help="resolution (default 100)")
    ap.add_argument("--max-loss", type=float, help="draw this loss limit [USD] on exceedance curves")
    ap.add_argument("--confidence", type=float, default=0.95, help="with --max-loss: the limit 1 - confidence")
    args = ap.parse_args(argv)
    status = 0
    for path in args.files:
        try:
            if path.endswith(".json"):
                with open(path, encoding="utf-8") as fh:
                    j = json.load(fh)
                if j.get("format") != "acosim-tornado":
                    raise ValueError("not an acosim tornado JSON (format acosim-tornado)")
                plot_tornado(j, path, args)
                continue
            if h5py is None:
                raise RuntimeError("h5py is missing: run with /usr/bin/python3 (Debian python3-h5py)")
            with h5py.File(path, "r") as f:
                fmt = f.attrs.get("format", "")
                fmt = fmt.decode() if isinstance(fmt, bytes) else fmt
                if fmt == "acosim-results":
                    plot_results(f, path, args)
                elif fmt == "acosim-sweep":
                    plot_sweep(f, path, args)
                elif fmt == "acosim-backtest":
                    plot_backtest(f, path, args)
                else:
                    raise ValueError(f"format '{fmt}' is not acosim-results, acosim-sweep or acosim-backtest")
        except (OSError, ValueError, KeyError, RuntimeError) as e:
            print(f"plot.py: {path}: {e}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
