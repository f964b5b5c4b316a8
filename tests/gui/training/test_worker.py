"""The training worker: a short run emits throttled progress and finishes; stop, pause,
restart and shutdown end the thread cleanly."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from bpviz.gui.training.worker import SIGNALS_PER_SECOND, TrainRunner
from bpviz.presets import get_preset

QUICK = get_preset("fast").replace(train_size=1000, epochs=2, eval_every=5)
SLOW = get_preset("tutorial").replace(train_size=4000, iterations=400, eval_every=50)


@pytest.fixture
def runner(qtbot):
    runner = TrainRunner()
    yield runner
    runner.shutdown()


def _collect(runner):
    updates, results = [], []
    runner.updated.connect(updates.append)
    runner.finished.connect(results.append)
    return updates, results


def test_a_short_run_emits_every_update_in_order_and_finishes(qtbot, runner):
    updates, results = _collect(runner)
    with qtbot.waitSignal(runner.finished, timeout=30_000):
        runner.start(QUICK)
    records = [r for u in updates for r in u.records]
    assert [r.iteration for r in records] == list(range(records[-1].total_iterations))
    assert records[-1].stopped == "finished"
    result = results[0]
    assert result.stopped == "finished" and runner.state == "idle" and not runner.is_running()
    assert result.report.class_names == ("5", "8")
    assert result.report.confusion.sum() == 1866  # every 5 and 8 of the test set
    assert result.report.test_accuracy > 0.85
    # Copies, never the live arrays: the weights sent earlier differ from the final ones.
    first_weights = next(u.weights for u in updates if u.weights is not None)
    assert not np.shares_memory(first_weights, result.net.params["W1"])


def test_updates_are_throttled_at_the_source(qtbot, runner):
    updates, _ = _collect(runner)
    began = time.perf_counter()
    with qtbot.waitSignal(runner.finished, timeout=60_000):
        runner.start(get_preset("fast").replace(train_size=4000, epochs=4, batch_size=16))
    seconds = time.perf_counter() - began
    records = sum(len(u.records) for u in updates)
    assert records == 4 * 250
    # Far fewer signals than updates, and no more than SIGNALS_PER_SECOND a second.
    assert len(updates) <= SIGNALS_PER_SECOND * seconds + 2
    assert len(updates) < records / 4


def test_stop_in_the_middle_keeps_a_consistent_model_and_says_so(qtbot, runner):
    updates, results = _collect(runner)
    runner.start(SLOW)
    qtbot.waitUntil(lambda: sum(len(u.records) for u in updates) >= 3, timeout=30_000)
    began = time.perf_counter()
    assert runner.stop()
    assert time.perf_counter() - began < 1.0
    assert not runner.is_running() and runner.state == "idle"
    result = results[-1]
    assert result.stopped == "stopped"
    done = sum(len(u.records) for u in updates)
    assert result.message == f"stopped after {done} of 400 updates"
    assert all(np.isfinite(v).all() for v in result.net.params.values())


def test_pause_holds_the_run_and_resume_goes_on(qtbot, runner):
    updates, results = _collect(runner)
    runner.start(SLOW)
    qtbot.waitUntil(lambda: len(updates) >= 1, timeout=30_000)
    runner.pause()
    assert runner.state == "paused"
    # The update under way finishes (however long a loaded machine takes), then the thread
    # waits; what it sent before that is delivered, and then nothing more comes.
    qtbot.waitUntil(runner._worker.parked.is_set, timeout=30_000)
    qtbot.wait(100)
    held = sum(len(u.records) for u in updates)
    qtbot.wait(800)
    assert sum(len(u.records) for u in updates) == held
    runner.resume()
    qtbot.waitUntil(lambda: sum(len(u.records) for u in updates) > held, timeout=10_000)
    runner.stop()
    assert results[-1].stopped == "stopped"


def test_stop_while_paused_ends_at_once(qtbot, runner):
    updates, results = _collect(runner)
    runner.start(SLOW)
    qtbot.waitUntil(lambda: len(updates) >= 1, timeout=30_000)
    runner.pause()
    began = time.perf_counter()
    runner.stop()
    assert time.perf_counter() - began < 1.0
    assert results[-1].stopped == "stopped"


def test_two_runs_back_to_back_and_a_restart_mid_run(qtbot, runner):
    updates, results = _collect(runner)
    with qtbot.waitSignal(runner.finished, timeout=30_000):
        runner.start(QUICK)
    first = runner.run_id
    runner.start(SLOW)
    qtbot.waitUntil(lambda: any(u.run_id != first for u in updates), timeout=30_000)
    second = runner.run_id
    runner.start(QUICK)  # stops the slow run first
    qtbot.waitUntil(lambda: len(results) == 3, timeout=30_000)
    assert [r.stopped for r in results] == ["finished", "stopped", "finished"]
    assert [r.run_id for r in results] == [first, second, second + 1]
    # Nothing of an earlier run arrives after the next one started.
    ids = [u.run_id for u in updates]
    assert ids == sorted(ids)


def test_bad_data_fails_with_a_message_and_ends_the_thread(qtbot, runner, tmp_path):
    runner.mnist_dir = tmp_path  # an empty folder
    with qtbot.waitSignal(runner.failed, timeout=10_000) as failed:
        runner.start(QUICK)
    assert "train-images-idx3-ubyte" in failed.args[0]
    qtbot.waitUntil(lambda: not runner.is_running(), timeout=2_000)


def test_shutdown_ends_the_thread(qtbot):
    runner = TrainRunner()
    runner.start(SLOW)
    thread = runner._thread
    qtbot.wait(300)
    assert thread.isRunning()
    runner.shutdown()
    assert thread.isFinished() and runner._thread is None


def test_every_run_deletes_its_worker_and_thread(qtbot, runner):
    """A long session of runs must not keep one worker per run alive (scripts/soak found it)."""
    import shiboken6

    workers = []
    for _ in range(3):
        runner.start(QUICK)
        workers.append((runner._worker, runner._thread))
        runner.stop(wait=True)
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(w) or shiboken6.isValid(t) for w, t in workers),
                    timeout=5_000)


def _nice_values() -> dict[int, int]:
    """Every thread of this process: its nice value (field 19 of /proc/self/task/<tid>/stat)."""
    import os

    values = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        values[int(tid)] = int(fields[16])  # fields after "(comm)" start at field 3
    return values


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")
def test_training_gives_way_to_the_gui_thread_which_keeps_its_priority(qtbot, runner):
    """The training thread runs nicer than the GUI thread, so keys and paints win a core
    while it trains (scripts/bench input-latency); the GUI thread's own priority stays."""
    import os

    from bpviz.gui.training.worker import NICER_BY

    gui_before = _nice_values()[os.getpid()]
    updates, _ = _collect(runner)
    runner.start(SLOW)
    qtbot.waitUntil(lambda: bool(updates), timeout=30_000)
    during = _nice_values()
    runner.stop()
    qtbot.waitUntil(lambda: not runner.is_running(), timeout=30_000)
    assert during[os.getpid()] == gui_before
    assert max(during.values()) >= min(19, gui_before + NICER_BY)
