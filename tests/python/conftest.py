"""Shared fixtures of the Python tests: the repository, the acosim binary, running it."""

import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def acosim_binary():
    """The CLI built beside the module (CTest sets ACOSIM_BINARY); skip when unknown."""
    path = os.environ.get("ACOSIM_BINARY")
    if not path or not os.access(path, os.X_OK):
        pytest.skip("ACOSIM_BINARY does not name the acosim program (run the tests through ctest)")
    return path


@pytest.fixture(scope="session")
def run_cli(acosim_binary):
    """Runs `acosim ARGS...` from the repository root; returns the CompletedProcess."""

    def run(*args, check=True):
        p = subprocess.run([acosim_binary, *map(str, args)], cwd=REPO, capture_output=True, text=True,
                           timeout=300)
        if check and p.returncode != 0:
            raise AssertionError(f"acosim {' '.join(map(str, args))} exited {p.returncode}: {p.stderr}")
        return p

    return run
