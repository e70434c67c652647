"""The acosim Python module gives the CLI's numbers, errors and files (it binds the same library)."""

import csv
import io
import pathlib

import numpy as np
import pytest

acosim = pytest.importorskip("acosim", reason="the acosim module was not built (ACOSIM_PYTHON, pybind11)")
h5py = pytest.importorskip("h5py")

DEFAULT = "scenarios/default.yaml"
SEED = 18446744073709551557  # the largest 64-bit prime: needs the full uint64 range
RUNS = 300
SYNTHETIC_PUF = "docs/notebooks/synthetic-py2023-results-row.csv"
RUN_DATASETS = ("payment", "outcome", "benchmark", "expenditure", "true_effect", "benchmark_factor",
                "quality", "met_qps", "met_alt_qps")


def same_bytes(a, b):
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def python_array(r, name):
    return r.payment if name == "payment" else r.outcome if name == "outcome" else r.driver(name)


@pytest.fixture(scope="module")
def cli_file(tmp_path_factory, run_cli):
    path = tmp_path_factory.mktemp("cli") / "cli.h5"
    run_cli("run", DEFAULT, "--runs", RUNS, "--seed", SEED, "-o", path, "-q")
    return path


@pytest.fixture(scope="module")
def results():
    return acosim.run(acosim.load_scenario(DEFAULT), runs=RUNS, seed=SEED)


def test_the_same_scenario_and_seed_give_byte_identical_per_run_arrays_in_python_and_from_acosim_run(
        cli_file, results):
    with h5py.File(cli_file, "r") as f:
        for name in RUN_DATASETS:
            assert same_bytes(python_array(results, name), f["runs/" + name][:]), name
        assert list(f["tracks/labels"].asstr()[:]) == results.tracks
        assert int(f["metadata"].attrs["seed"]) == SEED == results.metadata["seed"]
        assert f["metadata/scenario"][()].decode() == results.scenario_text
        assert same_bytes(f["summary/tracks/dollars/mean"][:], results.summary()["mean"].to_numpy())
        assert same_bytes(f["summary/tracks/dollars/percentiles"][:], results.percentiles().to_numpy())
        assert same_bytes(f["summary/pairs/dollars/mean"][:], results.differences()["mean"].to_numpy())
        assert same_bytes(f["summary/tracks/p_losses"][:], results.summary(full=True)["p_losses"].to_numpy())


def test_to_hdf5_writes_the_file_acosim_run_writes_and_read_results_reads_it_back_bit_for_bit(
        cli_file, results, tmp_path):
    path = tmp_path / "py.h5"
    results.to_hdf5(path)
    with h5py.File(cli_file, "r") as cli, h5py.File(path, "r") as py:
        for attr in ("format", "format_version"):
            assert py.attrs[attr] == cli.attrs[attr]
        for name in RUN_DATASETS:
            assert same_bytes(py["runs/" + name][:], cli["runs/" + name][:]), name
        names = []
        cli.visit(names.append)
        for name in names:  # every group and dataset of the CLI's file, with the same attribute names
            assert name in py, name
            assert set(py[name].attrs) == set(cli[name].attrs), name
    back = acosim.read_results(path)
    for name in RUN_DATASETS:
        assert same_bytes(python_array(back, name), python_array(results, name)), name
    assert back.summary(full=True).equals(results.summary(full=True))
    assert back.metadata["seed"] == SEED


def test_overrides_give_the_scenario_text_of_the_same_set_options(run_cli, tmp_path):
    path = tmp_path / "cli.h5"
    run_cli("run", DEFAULT, "--set", "aco.beneficiaries=5000", "--set", "true_effect.mean=-2%", "--runs", 40,
            "--seed", 9, "-o", path, "-q")
    s = acosim.load_scenario(DEFAULT, {"aco.beneficiaries": 5000, "true_effect.mean": "-2%"})
    r = acosim.run(s, runs=40, seed=9)
    with h5py.File(path, "r") as f:
        assert f["metadata/scenario"][()].decode() == r.scenario_text
        assert same_bytes(f["runs/payment"][:], r.payment)


def test_per_run_payments_are_read_only_views_of_the_table_not_copies(results):
    p = results.payment
    assert p.shape == (RUNS, len(results.tracks)) and p.dtype == np.float64
    assert not p.flags.writeable and not p.flags.owndata
    for k, (label, column) in enumerate(results.payments.items()):
        assert label == results.tracks[k]
        assert column.flags.c_contiguous and np.shares_memory(column, p)
        assert same_bytes(column, p[:, k])
    with pytest.raises(ValueError):
        p[0, 0] = 1.0
    d = results.drivers()
    assert list(d.index) == list(range(RUNS))
    assert same_bytes(d["expenditure"].to_numpy(), results.driver("expenditure"))


def test_the_summary_equals_statistics_recomputed_from_the_per_run_payments(results):
    s = results.summary(full=True)
    for label, x in results.payments.items():
        assert s.loc[label, "mean"] == pytest.approx(x.mean(), rel=1e-12)
        k = results.tracks.index(label)
        assert s.loc[label, "p_losses"] == pytest.approx(np.mean(results.outcome[:, k] == 1))
        expected = np.percentile(x, acosim.PERCENTILE_LEVELS)
        assert list(results.percentiles().loc[label]) == pytest.approx(list(expected))
    d = results.differences()
    a, b = results.tracks[0], results.tracks[1]
    diff = results.payments[a] - results.payments[b]
    assert d.loc[(a, b), "mean"] == pytest.approx(diff.mean(), rel=1e-9, abs=1e-6)
    assert d.loc[(a, b), "p_a_better"] == pytest.approx(np.mean(diff > 0))


def test_the_verdict_counts_the_runs_owing_more_than_max_loss(results):
    v = results.verdict(max_loss=1e6)
    assert sorted(v["rank"]) == list(range(1, len(results.tracks) + 1))
    for label, x in results.payments.items():
        assert v.loc[label, "p_exceed"] == pytest.approx(np.mean(-x > 1e6))
        assert v.loc[label, "fits"] == (np.mean(-x > 1e6) <= 0.05)
    assert "chance of owing more than $1.00M" in v.attrs["appetite"]
    assert v.attrs["recommendation"].startswith(v.index[0])
    with pytest.raises(acosim.InputError) as e:
        results.verdict(confidence=0.3, max_loss=1e6)
    assert e.value.key == "risk.confidence" and e.value.value == "0.3"


def test_a_bad_key_raises_input_error_naming_the_key_with_the_cli_message(run_cli):
    with pytest.raises(acosim.InputError) as e:
        acosim.load_scenario(DEFAULT, {"aco.benefciaries": 20000})
    assert e.value.key == "aco.benefciaries"
    assert "did you mean 'beneficiaries'?" in str(e.value)
    assert e.value.allowed.startswith("beneficiaries, participant_revenue")
    cli = run_cli("run", DEFAULT, "--set", "aco.benefciaries=20000", "-q", check=False)
    assert cli.returncode == 2
    assert cli.stderr.strip() == f"acosim: error: {e.value}"
    assert isinstance(e.value, ValueError)


def test_setting_a_key_validates_it_as_the_cli_does_and_a_rejected_value_changes_nothing(run_cli):
    s = acosim.load_scenario(DEFAULT)
    with pytest.raises(acosim.InputError) as e:
        s["aco.beneficiaries"] = -5
    assert (e.value.key, e.value.value, e.value.allowed) == ("aco.beneficiaries", "-5", "500 to 10000000")
    cli = run_cli("run", DEFAULT, "--set", "aco.beneficiaries=-5", "-q", check=False)
    assert cli.stderr.strip() == f"acosim: error: {e.value}"
    assert s["aco.beneficiaries"] == 13438 and s.beneficiaries == 13438
    s["aco.beneficiaries"] = 20000
    s["true_effect.mean"] = "-2%"
    s["tracks[1].msr"] = "2%"
    assert s["aco.beneficiaries"] == 20000 and s.beneficiaries == 20000
    assert s["true_effect.mean"] == "-2%"
    assert s.tracks[1] == "BASIC_C msr=2%"
    with pytest.raises(KeyError):
        s["benchmark.no_such_key"]
    with pytest.raises(acosim.InputError) as e:
        s["tracks[1].msr"] = "7%"
    assert e.value.key == "tracks[1].msr" and e.value.value == "7%"


def test_a_scenario_given_as_yaml_text_is_the_file_scenario(repo):
    text = (repo / DEFAULT).read_text()
    a = acosim.run(acosim.load_scenario(text), runs=20, seed=3)
    b = acosim.run(acosim.load_scenario(pathlib.Path(DEFAULT)), runs=20, seed=3)
    assert same_bytes(a.payment, b.payment)
    with pytest.raises(acosim.InputError) as e:
        acosim.load_scenario("aco: {beneficiaries: 20000}\ntracks: [BASIC_Z]\n")
    assert e.value.key == "tracks[0]"
    with pytest.raises(acosim.InputError) as e:
        acosim.run(DEFAULT, runs=0)
    assert e.value.key == "runs"


def test_settle_returns_every_intermediate_of_the_hand_computed_basic_e_example(run_cli, tmp_path):
    # BASIC E, PY2024, B = $160M, E = $155M, elected MSR 1%: G = $5M, r = 3.125% >= 1%, QPS met:
    # 50% x $5M = $2.5M less 2% sequestration ($50,000) = $2,450,000, under the 10% x B cap.
    d = acosim.settle("BASIC_E", 2024, assigned_beneficiaries=13438, benchmark=160e6, expenditure=155e6,
                      msr_election="1%", quality_score=85, participant_revenue=40e6, low_revenue=True,
                      agreement_start_year=2022)
    assert d["gross_savings"] == 5e6 and d["savings_rate"] == 0.03125 and d["msr"] == 0.01
    assert d["outcome"] == "shared_savings" and d["sharing_rate"] == 0.5
    assert d["sequestration"] == 50_000 and d["cap"] == 16e6 and not d["cap_bound"]
    assert d["payment"] == 2_450_000 and d["determined"]
    assert d["explanation"].startswith("BASIC_E: savings rate 3.12% met the MSR 1.00%")
    src = tmp_path / "in.csv"
    src.write_text("track,py,assigned_beneficiaries,benchmark_total,expenditure_total,msr_election,"
                   "quality_score,participant_revenue,low_revenue,agreement_start_year\n"
                   "BASIC_E,2024,13438,160000000,155000000,1%,85,40000000,1,2022\n")
    run_cli("settle", src, "-o", tmp_path / "out.csv")
    row = next(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text())))
    assert float(row["payment"]) == d["payment"] and row["explanation"] == d["explanation"]


def test_a_bad_settle_argument_raises_input_error_naming_the_argument():
    with pytest.raises(acosim.InputError) as e:
        acosim.settle("BASIC_E", 2024, assigned_beneficiaries=13438, benchmark=-1, expenditure=155e6,
                      msr_election="1%")
    assert e.value.key == "benchmark" and e.value.value == "-1"
    with pytest.raises(acosim.InputError) as e:
        acosim.settle("BASIC_E", 2024, assigned_beneficiaries=13438, benchmark=1e8, expenditure=1e8,
                      msr_elction="1%")
    assert e.value.key == "msr_elction" and "did you mean 'msr_election'?" in str(e.value)


def test_settle_puf_reproduces_the_synthetic_row_and_agrees_with_acosim_settle_puf(repo, run_cli, tmp_path):
    df = acosim.settle_puf(SYNTHETIC_PUF, 2023)
    assert list(df["aco_id"]) == ["S0001"] and list(df["match"]) == ["yes"]
    assert df.loc[0, "cms_earned"] == 2_450_000 and df.loc[0, "earned"] == 2_450_000
    puf = repo / ".." / "shared" / "data" / "puf" / "PY2023_ACO_Results_PUF.csv"
    files = [(SYNTHETIC_PUF, 2023)] + ([(puf, 2023)] if puf.exists() else [])
    for path, py in files:
        df = acosim.settle_puf(path, py)
        out = tmp_path / "audit.csv"
        run_cli("settle", "--puf", path, "--py", py, "-o", out)
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
        assert list(df["aco_id"]) == [r["aco_id"] for r in rows]
        assert list(df["match"]) == [r["match"] for r in rows]
        # The CLI prints cents.
        assert all(abs(x - float(r["earned"])) <= 0.005 + 1e-6 for x, r in zip(df["earned"], rows))
        assert df.attrs["matched"] == sum(r["match"] == "yes" for r in rows)


def test_sweep_gives_the_table_of_acosim_sweep_with_common_random_numbers(run_cli, tmp_path):
    out = tmp_path / "sweep.h5"
    run_cli("sweep", DEFAULT, "--vary", "tracks[4].msr=0%:2%:1%", "--runs", 60, "--seed", 11, "-o", out, "-q")
    w = acosim.sweep(DEFAULT, {"tracks[4].msr": ["0%", "1%", "2%"]}, runs=60, seed=11)
    assert w.points == 3 and w.keys == ["tracks[4].msr"] and w.sampling_passes == 1
    assert w._w.csv() == out.with_suffix(".csv").read_text()
    t = w.table()
    # The MSR election changes settlement only: the untouched tracks are the same at every point.
    first = t[t["track"] == "BASIC_A"]["mean"]
    assert first.nunique() == 1
    w.to_hdf5(tmp_path / "py-sweep.h5")
    with h5py.File(out, "r") as cli, h5py.File(tmp_path / "py-sweep.h5", "r") as py:
        assert same_bytes(cli["sweep/summary/dollars/mean"][:], py["sweep/summary/dollars/mean"][:])


def test_the_readme_python_snippet_runs_as_written_and_prints_the_summary(repo):
    import re
    import subprocess
    import sys

    blocks = [b for b in re.findall(r"```python\n(.*?)```", (repo / "README.md").read_text(), flags=re.S)
              if "import acosim" in b]
    assert len(blocks) == 1 and len(blocks[0].strip().splitlines()) == 5
    p = subprocess.run([sys.executable, "-c", blocks[0]], cwd=repo, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    assert "BASIC_A" in p.stdout and "p_losses" in p.stdout and "has the highest" in p.stdout
