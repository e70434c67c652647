"""A run releases the GIL while the engine works, and Ctrl-C (SIGINT) stops it with KeyboardInterrupt."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

acosim = pytest.importorskip("acosim", reason="the acosim module was not built (ACOSIM_PYTHON, pybind11)")

DEFAULT = "scenarios/default.yaml"


def test_a_second_python_thread_keeps_running_while_the_engine_runs():
    counter = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            counter[0] += 1

    t = threading.Thread(target=count)
    t.start()
    try:
        time.sleep(0.05)
        before = counter[0]
        start = time.monotonic()
        acosim.run(DEFAULT, runs=1500, seed=1)
        seconds = time.monotonic() - start
        during = counter[0] - before
    finally:
        stop.set()
        t.join()
    # With the GIL held for the whole run the counter would stand still; released, a pure-Python
    # loop makes millions of increments a second even on a busy core.
    assert seconds > 0.2, "the run is too short to tell"
    assert during > 10_000 * seconds, f"{during} increments in {seconds:.2f} s"


# The child runs a long simulation (about 200 s), tells the parent, and is sent SIGINT by it; it
# must raise KeyboardInterrupt out of acosim.run within seconds and keep a working interpreter.
CHILD = textwrap.dedent("""
    import sys, time, acosim
    s = acosim.load_scenario("scenarios/default.yaml")
    print("running", flush=True)
    start = time.monotonic()
    try:
        acosim.run(s, runs=400000, seed=1)
        print("finished", flush=True)
    except KeyboardInterrupt:
        tb = sys.exc_info()[2]
        while tb.tb_next:
            tb = tb.tb_next
        where = tb.tb_frame.f_code.co_name
        print(f"interrupted after {time.monotonic() - start:.2f} s in {where}", flush=True)
    r = acosim.run(s, runs=50, seed=1)
    print(f"usable: {r.metadata['completed_runs']} runs", flush=True)
""")


def test_sigint_during_a_run_raises_keyboard_interrupt_promptly_and_the_interpreter_stays_usable(repo):
    env = dict(os.environ, OMP_NUM_THREADS="2")
    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=repo, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "running"
        time.sleep(1.5)  # well inside the engine (loading the scenario takes milliseconds)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        line = child.stdout.readline().strip()
        latency = time.monotonic() - sent
        rest = child.stdout.read()
        assert child.wait(timeout=60) == 0, child.stderr.read()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert line.startswith("interrupted after ") and line.endswith(" in run"), line
    assert float(line.split()[2]) >= 1.0  # it was inside the run when the signal came
    assert latency < 10, f"KeyboardInterrupt took {latency:.1f} s"
    assert rest.strip() == "usable: 50 runs"
