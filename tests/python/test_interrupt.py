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
        acosim.run(DEFAULT, runs=8000, seed=1)
        seconds = time.monotonic() - start
        during = counter[0] - before
    finally:
        stop.set()
        t.join()
    # With the GIL held for the whole run the counter would stand still; released, a pure-Python
    # loop makes millions of increments a second even on a busy core.
    assert seconds > 0.2, "the run is too short to tell"
    assert during > 10_000 * seconds, f"{during} increments in {seconds:.2f} s"


# The child runs a long simulation, then a long sweep (each about 200 s), telling the parent before
# each; the parent sends SIGINT into each. Both must raise KeyboardInterrupt out of acosim within
# seconds and leave a working interpreter.
CHILD = textwrap.dedent("""
    import sys, time, acosim
    s = acosim.load_scenario("scenarios/default.yaml")
    calls = [lambda: acosim.run(s, runs=400000, seed=1),
             lambda: acosim.sweep(s, {"aco.beneficiaries": [5000, 20000]}, runs=200000, seed=1)]
    for call in calls:
        print("running", flush=True)
        start = time.monotonic()
        try:
            call()
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


def test_sigint_during_a_run_or_a_sweep_raises_keyboard_interrupt_promptly_and_the_interpreter_stays_usable(
        repo):
    env = dict(os.environ, OMP_NUM_THREADS="2")
    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=repo, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    lines, latencies = [], []
    try:
        for _ in ("run", "sweep"):
            assert child.stdout.readline().strip() == "running"
            time.sleep(1.5)  # well inside the engine (loading and planning take milliseconds)
            sent = time.monotonic()
            child.send_signal(signal.SIGINT)
            lines.append(child.stdout.readline().strip())
            latencies.append(time.monotonic() - sent)
        rest = child.stdout.read()
        assert child.wait(timeout=60) == 0, child.stderr.read()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    for line, function in zip(lines, ("run", "sweep")):
        assert line.startswith("interrupted after ") and line.endswith(f" in {function}"), line
        assert float(line.split()[2]) >= 1.0  # it was inside the engine when the signal came
    assert max(latencies) < 10, f"KeyboardInterrupt took {max(latencies):.1f} s"
    assert rest.strip() == "usable: 50 runs"
