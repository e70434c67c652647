"""The R examples of docs/results-schema.md work as written with rhdf5 and hdf5r, 64-bit seed included.

Each ```r block runs verbatim with Rscript in a directory holding results/mid.h5 (a file with a
seed above 2^63), followed by lines that print what it read; the test compares them with the file
as Python reads it. Skipped when Rscript or the R package is not installed (CI does not need R).
"""

import pathlib
import re
import shutil
import subprocess

import pytest

acosim = pytest.importorskip("acosim", reason="the acosim module was not built (ACOSIM_PYTHON, pybind11)")

REPO = pathlib.Path(__file__).resolve().parents[2]
SEED = 18446744073709551557
CHECK = """
cat("seed", seed, "\\n")
cat("labels", paste(colnames(payment), collapse = "|"), "\\n")
cat("shape", dim(payment), "\\n")
cat("row0", sprintf("%.17g", payment[1, ]), "\\n")
cat("means", sprintf("%.17g", mean_by_track), "\\n")
"""


def r_blocks():
    text = (REPO / "docs" / "results-schema.md").read_text()
    return re.findall(r"```r\n(.*?)```", text, flags=re.S)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("r")
    (d / "results").mkdir()
    r = acosim.run(str(REPO / "scenarios" / "default.yaml"), runs=30, seed=SEED)
    r.to_hdf5(d / "results" / "mid.h5")
    return d, r


@pytest.mark.parametrize("package", ["rhdf5", "hdf5r"])
def test_the_r_example_reads_labels_payments_and_the_exact_64_bit_seed(package, workdir):
    if not shutil.which("Rscript"):
        pytest.skip("Rscript is not installed")
    if subprocess.run(["Rscript", "-e", f"library({package})"], capture_output=True).returncode != 0:
        pytest.skip(f"the R package {package} is not installed")
    blocks = [b for b in r_blocks() if f"library({package})" in b]
    assert len(blocks) == 1, f"docs/results-schema.md should have one R example with library({package})"
    d, r = workdir
    p = subprocess.run(["Rscript", "-e", blocks[0] + CHECK], cwd=d, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    out = dict(line.split(" ", 1) for line in p.stdout.strip().splitlines())
    assert out["seed"].strip() == str(SEED)
    assert out["labels"].strip() == "|".join(r.tracks)
    assert out["shape"].split() == [str(r.runs), str(len(r.tracks))]
    assert [float(x) for x in out["row0"].split()] == list(r.payment[0])
    assert [float(x) for x in out["means"].split()] == pytest.approx(list(r.summary()["mean"]), rel=1e-12)
