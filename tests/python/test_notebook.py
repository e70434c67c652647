"""docs/notebooks/track-choice.ipynb executes end to end (jupyter nbconvert --execute) without an error."""

import os
import pathlib
import subprocess
import sys

import pytest

acosim = pytest.importorskip("acosim", reason="the acosim module was not built (ACOSIM_PYTHON, pybind11)")
nbformat = pytest.importorskip("nbformat", reason="jupyter-nbconvert is not installed")
pytest.importorskip("ipykernel", reason="python3-ipykernel is not installed")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "docs" / "notebooks" / "track-choice.ipynb"


def test_the_committed_notebook_carries_no_executed_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def test_the_track_choice_notebook_runs_from_the_default_scenario_to_a_decision(tmp_path):
    # The kernel starts in the notebook's folder: the module's path must be absolute.
    paths = [str(pathlib.Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths), PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop("MPLBACKEND", None)  # the kernel's inline backend puts the figures into the notebook
    p = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", str(NOTEBOOK),
                        "--output-dir", str(tmp_path), "--ExecutePreprocessor.timeout=600"],
                       env=env, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr[-4000:]
    nb = nbformat.read(tmp_path / NOTEBOOK.name, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "has the highest" in text and "match CMS within $2" in text  # the decision and the audit
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2  # the two figures
