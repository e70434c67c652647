"""acosim from Python: simulate Medicare Shared Savings Program tracks, settle ACO-years, sweep.

The module binds the library the ``acosim`` command runs: the same scenario reader and checks,
the same engine (a scenario and seed give the same per-run numbers bit for bit), the same
results file, settlement, PUF audit and sweeps. Money is in USD (+ paid to the ACO, - owed to
CMS); probabilities and rates are fractions unless a name says percent.

    import acosim
    s = acosim.load_scenario("scenarios/default.yaml", {"runs": 2000})
    r = acosim.run(s, seed=7)
    print(r.summary())

Ctrl-C during ``run`` or ``sweep`` stops the engine after its current runs and raises
KeyboardInterrupt; the GIL is released while the engine works, so other Python threads run.
"""

import io
import json
import os
import warnings

import numpy as np
import pandas as pd

from . import _core
from ._errors import InputError

__all__ = [
    "InputError",
    "Scenario",
    "Results",
    "SweepResults",
    "load_scenario",
    "run",
    "read_results",
    "settle",
    "settle_puf",
    "sweep",
    "default_scenario_path",
    "__version__",
]

__version__ = _core.version

#: Percentile levels every summary reports [percent].
PERCENTILE_LEVELS = tuple(_core.percentile_levels)

_DRIVERS = ("benchmark", "expenditure", "true_effect", "benchmark_factor", "quality", "met_qps",
            "met_alt_qps")


def _yaml_value(value):
    """A Python value as the YAML text of a ``--set KEY=VALUE`` override."""
    if isinstance(value, bool) or isinstance(value, np.bool_):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))  # shortest text that reads back as the same double
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)  # JSON is YAML flow style
    raise TypeError(f"cannot write a {type(value).__name__} as a scenario value: {value!r}")


def default_scenario_path():
    """scenarios/default.yaml in the working directory, else the one in acosim's sources."""
    here = os.path.join("scenarios", "default.yaml")
    return here if os.path.exists(here) else os.path.join(_core.source_dir, "scenarios", "default.yaml")


class Scenario:
    """A validated scenario (docs/scenario.md): a YAML file or text plus ``--set`` overrides.

    Keys are dotted paths as in ``acosim run --set``: ``s["aco.beneficiaries"]`` reads the value
    as loaded (KeyError when the scenario does not set it: the documented default applies);
    ``s["aco.beneficiaries"] = 20000`` sets it and validates the whole scenario again exactly as
    the CLI does, raising :class:`InputError` with the CLI's message (the scenario is unchanged
    then). Keys with a list index (``tracks[1].msr``) are set as ``acosim sweep --vary`` sets them.
    """

    __slots__ = ("_s",)

    def __init__(self, core):
        self._s = core

    def __getitem__(self, key):
        return self._s.get(key)

    def __setitem__(self, key, value):
        self._s.set(key, _yaml_value(value))

    def __contains__(self, key):
        try:
            self._s.get(key)
            return True
        except KeyError:
            return False

    def get(self, key, default=None):
        """The value at ``key``, or ``default`` when the scenario does not set it."""
        try:
            return self._s.get(key)
        except KeyError:
            return default

    def keys(self):
        """Every key the scenario sets, as dotted paths (``tracks[1].msr`` for list elements)."""
        return self._s.keys()

    def copy(self):
        """An independent copy (setting a key on it leaves this one unchanged)."""
        return Scenario(self._s.copy())

    @property
    def name(self):
        """The scenario's name (``results/<name>.h5`` by default)."""
        return self._s.name

    @property
    def path(self):
        """The file it was loaded from, or ``<text>``."""
        return self._s.path

    @property
    def text(self):
        """The YAML with the overrides applied: what the results file records and reproduces."""
        return self._s.text

    @property
    def runs(self):
        """Runs to simulate [count]."""
        return self._s.runs

    @property
    def seed(self):
        """Master seed of the random streams, 0 to 2**64 - 1."""
        return self._s.seed

    @property
    def threads(self):
        """Threads the scenario asks for (0: all; results do not depend on it)."""
        return self._s.threads

    @property
    def performance_year(self):
        """The performance year simulated."""
        return self._s.performance_year

    @property
    def beneficiaries(self):
        """Assigned beneficiaries, all enrollment types [count]."""
        return self._s.beneficiaries

    @property
    def tracks(self):
        """Labels of the tracks compared, in column order."""
        return list(self._s.tracks)

    @property
    def overrides(self):
        """The ``--set`` overrides applied, in order, as {key: YAML text}."""
        return dict(self._s.overrides)

    def __repr__(self):
        return (f"<acosim.Scenario {self.name!r} from {self.path}: PY{self.performance_year}, "
                f"{self.beneficiaries:,} beneficiaries, {len(self.tracks)} tracks, {self.runs:,} runs, "
                f"seed {self.seed}>")


def load_scenario(source=None, overrides=None):
    """Load and validate a scenario, as ``acosim run SOURCE --set KEY=VALUE ...`` does.

    source: a path to a YAML file, or the YAML text itself (a string with a newline or a ':' that
        names no file); None: scenarios/default.yaml (see :func:`default_scenario_path`).
    overrides: {key: value} applied in order, like ``--set`` (``{"aco.beneficiaries": 20000,
        "true_effect.mean": "-2%"}``); values are Python scalars, lists or dicts, or YAML text.

    Raises :class:`InputError` (with ``key``, ``value``, ``allowed``) on any invalid key or value.
    """
    pairs = [(str(k), _yaml_value(v)) for k, v in (overrides or {}).items()]
    if source is None:
        source = default_scenario_path()
    if isinstance(source, os.PathLike):
        return Scenario(_core.scenario_from_file(os.fspath(source), pairs))
    if not isinstance(source, str):
        raise TypeError(f"load_scenario takes a path or YAML text, not {type(source).__name__}")
    if not os.path.exists(source) and ("\n" in source or ":" in source):
        return Scenario(_core.scenario_from_text(source, "<text>", pairs))
    return Scenario(_core.scenario_from_file(source, pairs))


def _as_scenario(scenario):
    if isinstance(scenario, Scenario):
        return scenario._s
    return load_scenario(scenario)._s


class Results:
    """A simulation's results: what ``acosim run`` writes to its HDF5 file.

    Per-run arrays are read-only NumPy views of the engine's table (no copy); run ``r`` is row
    ``r``. Money in USD, + paid to the ACO, - owed to CMS.
    """

    __slots__ = ("_r",)

    def __init__(self, core):
        self._r = core

    @property
    def tracks(self):
        """Track labels, in column order."""
        return list(self._r.tracks)

    @property
    def runs(self):
        """Runs in the table [count] (incomplete runs of an interrupted file have done = 0)."""
        return self._r.runs

    @property
    def metadata(self):
        """The run's metadata (seed, runs, threads, versions, wall time ...; docs/results-schema.md)."""
        return self._r.metadata

    @property
    def scenario_text(self):
        """The scenario YAML exactly as simulated."""
        return self._r.scenario_text

    @property
    def payment(self):
        """Net payment per run and track [USD], runs x tracks (a Fortran-ordered view)."""
        return self._r.payment()

    @property
    def payments(self):
        """{track label: net payment per run [USD]}: contiguous views of the table's columns."""
        p = self._r.payment()
        return {label: p[:, k] for k, label in enumerate(self._r.tracks)}

    @property
    def outcome(self):
        """Outcome code per run and track, runs x tracks, int8: 0 shared_savings, 1 shared_losses,
        2 below_msr, 3 below_mlr, 4 quality_failed, 5 guardrail_neutral (docs/results-schema.md)."""
        return self._r.outcome()

    def driver(self, name):
        """One per-run driver as a view: benchmark, expenditure [USD], true_effect [fraction],
        benchmark_factor [ratio], quality [score 0-100], met_qps, met_alt_qps, done [0/1]."""
        return self._r.driver(name)

    def drivers(self):
        """The per-run drivers as a DataFrame, one row per completed run (index = run)."""
        done = self._r.driver("done").astype(bool)
        cols = {name: self._r.driver(name)[done] for name in _DRIVERS}
        return pd.DataFrame(cols, index=pd.Index(np.flatnonzero(done), name="run"))

    def summary(self, unit="usd", full=False):
        """One row per track: the net payment's distribution and the outcome probabilities.

        unit: "usd" [USD] or "percent" [% of the run's updated benchmark].
        Columns: mean, mcse (Monte Carlo SE of the mean), p5, p50, p95, p_savings, p_losses
        [probability], var95, es95 (value at risk and expected shortfall of the amount owed);
        full=True adds sd, min, max, every percentile, var99, es99, p_corridor, p_quality_failed
        and the binomial SEs p_savings_se, p_losses_se (the HDF5 file's /summary/tracks).
        """
        c = self._r.track_columns(_percent(unit))
        df = pd.DataFrame(c).set_index("track")
        if full:
            return df
        return df[["mean", "mcse", "p5", "p50", "p95", "p_savings", "p_losses", "var95", "es95"]]

    def percentiles(self, unit="usd"):
        """Percentiles of the net payment per track (columns = levels 1 ... 99 [percent])."""
        df = pd.DataFrame(self._r.track_columns(_percent(unit))).set_index("track")
        out = df[[_pcol(p) for p in PERCENTILE_LEVELS]]
        out.columns = pd.Index(PERCENTILE_LEVELS, name="percentile")
        return out

    def differences(self, unit="usd"):
        """Every pair of tracks, run by run (common random numbers): payment_a - payment_b.

        Index (a, b); columns: the Stats of the difference (mean, sd, mcse, min, max, p1 ... p99,
        var95, var99, es95, es99) and p_a_better = P(a pays more), p_equal = P(same payment).
        """
        df = pd.DataFrame(self._r.pair_columns(_percent(unit)))
        return df.set_index(["a", "b"])

    def verdict(self, max_loss=None, confidence=None, max_es=None, risk_aversion=None, risk_tolerance=None):
        """The risk verdict (docs/sweeps-and-risk.md): does each track fit the appetite, and which to choose.

        The appetite is the scenario's ``risk:`` section with any of these set over it:
        max_loss [USD], confidence [fraction, 0.5-0.9999], max_es [USD], risk_aversion [1/USD] or
        risk_tolerance [USD]. One row per track: rank (1 = recommended), fits, mean [USD],
        p_exceed = P(owing more than max_loss), p_exceed_se, var and es at the confidence [USD],
        certainty_equivalent [USD]. ``df.attrs`` holds the recommendation and the appetite in words.
        Raises InputError when no appetite is stated anywhere.
        """
        v = self._r.verdict(max_loss, confidence, max_es, risk_aversion, risk_tolerance)
        if v is None:
            raise InputError("no risk appetite: give max_loss, max_es, risk_aversion or risk_tolerance, or a "
                             "risk: section in the scenario", key="risk",
                             allowed="max_loss, confidence, max_es, risk_aversion, risk_tolerance")
        df = pd.DataFrame(v.pop("columns")).set_index("track").sort_values("rank")
        df.attrs.update(v)
        return df

    def report(self, format="text"):
        """The report ``acosim report`` writes, in a registered format: text, md, html, csv or json (a
        string) or xlsx (bytes of the workbook); it opens with the assumptions."""
        return self._r.report(format)

    def to_hdf5(self, path):
        """Write the results file ``acosim run`` writes (docs/results-schema.md), atomically."""
        self._r.to_hdf5(os.fspath(path))

    def __repr__(self):
        m = self._r.metadata
        return (f"<acosim.Results {m['scenario_name']!r}: {m['completed_runs']:,} of {m['runs']:,} runs, "
                f"seed {m['seed']}, tracks {', '.join(self._r.tracks)}>")


def _percent(unit):
    if unit not in ("usd", "percent"):
        raise InputError(f"unit '{unit}': unknown; allowed: usd, percent", key="unit", value=unit,
                         allowed="usd, percent")
    return unit == "percent"


def _pcol(level):
    return f"p{level:g}"


def _seed_text(seed):
    return None if seed is None else str(seed)


def run(scenario=None, runs=None, seed=None, threads=None, progress=False):
    """Simulate a scenario, as ``acosim run SCENARIO --runs RUNS --seed SEED --threads THREADS``.

    scenario: a :class:`Scenario`, a path or YAML text (None: the default scenario).
    runs [count], seed (0 to 2**64 - 1): override the scenario's, like --runs and --seed.
    threads: OpenMP threads (None: the scenario's, else all); the numbers do not depend on it.
    progress: print progress to stderr when it is a terminal.

    The same scenario and seed give the same per-run arrays as the CLI, bit for bit. The GIL is
    released while the engine runs; Ctrl-C (SIGINT) stops it after the current runs and raises
    KeyboardInterrupt.
    """
    s = _as_scenario(scenario)
    if "agreement" in s.keys() or any(k.startswith("agreement.") for k in s.keys()):
        warnings.warn(f"{s.path} has an agreement section; run settles its first performance year only",
                      stacklevel=2)
    return Results(_core.run(s, runs, _seed_text(seed), threads or 0, progress))


def read_results(path):
    """Read a results file written by ``acosim run`` (or :meth:`Results.to_hdf5`), checked as
    ``acosim report`` checks it."""
    return Results(_core.read_results(os.fspath(path)))


# settle() argument -> column of the simple settle format (docs/settle-format.md).
_SETTLE_COLUMNS = {"performance_year": "py", "benchmark": "benchmark_total",
                   "expenditure": "expenditure_total"}
_SETTLE_ARGUMENTS = {v: k for k, v in _SETTLE_COLUMNS.items()}


def settle(track, performance_year, *, assigned_beneficiaries, benchmark=None, expenditure=None, **inputs):
    """Settle one ACO-year under the CMS rules, as one row of ``acosim settle INPUT.csv``.

    track: BASIC_A ... BASIC_E, ENHANCED, TRACK_1, TRACK_2, TRACK_3, TRACK_1_PLUS (or A-E, EN).
    performance_year: 2013-2026. assigned_beneficiaries: N_AB [count].
    benchmark, expenditure: totals [USD] (or benchmark_pc, expenditure_pc [USD per
    beneficiary-year] with person_years).
    Other inputs, by their settle-format names (docs/settle-format.md): msr_election ("variable",
    "1%" or 0.01), msr_override [fraction], quality_score [0-100], met_qps, met_alt_qps,
    low_revenue, benchmark_based_loss_limit [bool], participant_revenue [USD],
    agreement_start_year, track2_year, euc_relief_fraction [fraction], loss_relief_amount [USD].

    Returns a dict of every intermediate: benchmark, expenditure, gross_savings [USD],
    savings_rate, msr, mlr [fraction], msr_from_table, outcome, sharing_rate, half_rate,
    loss_rate [fraction], sequestration, cap [USD], cap_bound, revenue_limit_unknown,
    loss_relief, payment [USD, + paid to the ACO], determined, explanation (one sentence).
    Raises InputError with the settle format's checks and messages.
    """
    values = {"track": track, "performance_year": performance_year,
              "assigned_beneficiaries": assigned_beneficiaries, "benchmark": benchmark,
              "expenditure": expenditure, **inputs}
    cells = []
    for name, v in values.items():
        if v is None:
            continue
        if isinstance(v, (bool, np.bool_)):
            text = "1" if v else "0"
        elif isinstance(v, (float, np.floating)):
            text = repr(float(v))
        else:
            text = str(v)
        cells.append((_SETTLE_COLUMNS.get(name, name), text))
    try:
        return _core.settle(cells)
    except InputError as e:
        e.key = _SETTLE_ARGUMENTS.get(e.key, e.key)
        raise


def settle_puf(path, py):
    """Reproduce a CMS ACO results public-use file, as ``acosim settle --puf PATH --py PY``.

    One row per ACO: aco_id, aco_name, line, track, outcome, benchmark, expenditure,
    gross_savings [USD], savings_rate, msr, sharing_rate, loss_rate [fraction], cap_bound,
    loss_relief, earned (acosim's amount), cms_earned (CMS's EarnSaveLoss), diff = earned -
    cms_earned, tolerance [USD], match ("yes", "no", "undetermined"), reason, explanation, notes.
    ``df.attrs`` holds py and the counts matched, mismatched, undetermined.
    """
    out = _core.settle_puf(os.fspath(path), int(py))
    df = pd.DataFrame(out.pop("columns"))
    df.attrs.update(out)
    return df


class SweepResults:
    """A sweep's results: one simulation per grid point, all on the same random streams."""

    __slots__ = ("_w",)

    def __init__(self, core):
        self._w = core

    @property
    def keys(self):
        """The varied keys, in axis order."""
        return list(self._w.keys)

    @property
    def points(self):
        """Grid points simulated [count]."""
        return self._w.points

    @property
    def sampling_passes(self):
        """Sampling passes run (points differing only in settle-only keys share one)."""
        return self._w.sampling_passes

    def table(self):
        """One row per (point, track): the varied keys' values, then every statistic (the CSV
        ``acosim sweep`` writes; money [USD], probabilities [fraction])."""
        return pd.read_csv(io.StringIO(self._w.csv()))

    def text(self):
        """The table ``acosim sweep`` prints."""
        return self._w.text()

    def markdown(self):
        """The Markdown table ``acosim sweep`` writes."""
        return self._w.markdown()

    def to_hdf5(self, path):
        """Write the sweep file ``acosim sweep`` writes (docs/results-schema.md, "Sweep files")."""
        self._w.to_hdf5(os.fspath(path))

    def __repr__(self):
        return (f"<acosim.SweepResults: {self.points} points over {', '.join(self.keys)}, "
                f"{self.sampling_passes} sampling passes>")


def sweep(scenario, vary, runs=None, seed=None, threads=None, progress=False, max_loss=None, confidence=None,
          max_es=None, risk_aversion=None, risk_tolerance=None):
    """A sensitivity sweep, as ``acosim sweep SCENARIO --vary KEY=VALUES ...``.

    vary: {key: values}: a list of values, or the CLI's text ("-3%:0%:0.5%", "5000,20000"); two
        or more keys make a grid (the last varies fastest). Keys as in docs/sweeps-and-risk.md
        (aco.beneficiaries, true_effect.mean, tracks[1].msr, ...).
    runs, seed, threads, progress: as in :func:`run`; every point uses the same seed (common
        random numbers), so differences between points are not sampling noise.
    max_loss ... risk_tolerance: a risk appetite over the scenario's risk: section (see
        :meth:`Results.verdict`); the table then has the verdict's columns.
    """
    s = _as_scenario(scenario)
    specs = []
    for key, values in vary.items():
        text = values if isinstance(values, str) else ",".join(_yaml_value(v) for v in values)
        specs.append(f"{key}={text}")
    w = _core.sweep(s, specs, runs, _seed_text(seed), threads or 0, progress, max_loss, confidence, max_es,
                    risk_aversion, risk_tolerance)
    return SweepResults(w)
