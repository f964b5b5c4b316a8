"""scripts/soak: a short soak of the real window passes and reports its figures; the
judgement fails on too much memory growth, a thread left over or a crash; the probes see
a running QThread and an exception raised in a Qt slot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from soaking import Figures, Sampler, Snapshot, judge, running_qthreads  # noqa: E402
from soaking.app import Crashes, process, run_soak, wait_until  # noqa: E402


def test_a_short_soak_passes_and_reports_its_figures(tmp_path):
    out = tmp_path / "soak.json"
    run = subprocess.run([str(ROOT / "scripts" / "soak"), "--train-cycles", "5", "--step-cycles", "50",
                          "--seed", "3", "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    for words in ("RSS base MB", "growth MB", "QThreads", "OS threads", "PASS", "runs ended",
                  "graph paints"):
        assert words in run.stdout
    lines = {line.split()[0]: line.split() for line in run.stdout.splitlines()
             if line.startswith(("train ", "step "))}
    assert lines["train"][1] == "5" and lines["step"][1] == "50"
    assert lines["train"][-1] == lines["step"][-1] == "pass"
    payload = json.loads(out.read_text())
    assert payload["ok"] is True and payload["seed"] == 3
    train, step = payload["soaks"]["train"], payload["soaks"]["step"]
    assert train["cycles"] == 5 and step["cycles"] == 50
    for soak in (train, step):
        assert soak["ok"] and soak["reasons"] == [] and soak["crashes"] == []
        assert 0 < soak["baseline"]["rss_mb"] <= soak["rss_peak_mb"]
        assert soak["end"]["rss_mb"] <= soak["rss_peak_mb"]
        assert soak["growth_mb"] == pytest.approx(soak["end"]["rss_mb"] - soak["baseline"]["rss_mb"])
        assert soak["end"]["running_qthreads"] == soak["baseline"]["running_qthreads"] == []
        assert soak["leaked_os_threads"] == []
        assert len(soak["rss_per_cycle"]) == soak["cycles"]
    # Every run started was stopped (or had finished) and its thread ended.
    assert sum(train["details"]["runs ended"].values()) == train["details"]["runs started"] >= 5
    assert sum(train["details"]["stops"].values()) == 5 + 3  # with the 3 warm-up cycles
    # Each cycle is →, ←, →: three keys that moved, each followed by a paint of the graph.
    assert step["details"]["keys pressed"] == 3 * (50 + 33)
    assert step["details"]["graph paints"] >= step["details"]["keys pressed"]
    assert step["details"]["new traces (updates crossed)"] >= 2


def test_the_soak_refuses_a_bad_option():
    run = subprocess.run([str(ROOT / "scripts" / "soak"), "--only", "nope"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "invalid choice: 'nope'" in run.stderr
    run = subprocess.run([str(ROOT / "scripts" / "soak"), "--step-cycles", "0"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "--step-cycles: expected a whole number of at least 1" in run.stderr


def _figures(base_rss=200.0, end_rss=210.0, base_threads=("python [MainThread]",), end_threads=None,
             base_q=(), end_q=(), crashes=(), errors=()):
    py = ["MainThread"]
    baseline = Snapshot(base_rss, sorted(base_threads), py, list(base_q))
    end = Snapshot(end_rss, sorted(end_threads if end_threads is not None else base_threads), py, list(end_q))
    return Figures("train", 100, 60.0, baseline, end, max(base_rss, end_rss),
                   crashes=list(crashes), errors=list(errors))


def test_judge_passes_a_clean_soak_and_fails_on_60_mb_of_growth():
    assert judge(_figures(end_rss=249.9)) == []
    reasons = judge(_figures(end_rss=260.0))
    assert len(reasons) == 1 and "memory grew 60.0 MB" in reasons[0] and "limit is 50 MB" in reasons[0]


def test_judge_fails_on_a_thread_left_over():
    reasons = judge(_figures(end_q=["bpviz-train-7"]))
    assert len(reasons) == 1 and "running QThreads: 0 at baseline, 1 at the end (bpviz-train-7)" in reasons[0]
    reasons = judge(_figures(end_threads=["python [MainThread]", "bpviz-train-7"]))
    assert len(reasons) == 1 and "left over: bpviz-train-7" in reasons[0]
    # Qt's global pool may start a worker of its own: that is not ours.
    assert judge(_figures(end_threads=["python [MainThread]", "Thread (pooled)"])) == []
    # A thread that ended is no failure.
    assert judge(_figures(base_threads=["python [MainThread]", "Thread (pooled)"],
                          end_threads=["python [MainThread]"])) == []


def test_judge_fails_on_a_crash_or_a_cycle_that_went_wrong():
    assert judge(_figures(crashes=["uncaught ZeroDivisionError: boom"])) == ["crash: uncaught ZeroDivisionError: boom"]
    assert judge(_figures(errors=["cycle 3: the run did not end"])) == ["error: cycle 3: the run did not end"]


def test_the_probe_sees_a_running_qthread_until_it_ends(qapp):
    from PySide6.QtCore import QThread

    assert running_qthreads() == []
    thread = QThread()
    thread.setObjectName("soak-probe")
    thread.start()
    try:
        assert wait_until(thread.isRunning, 5.0)
        assert running_qthreads() == ["soak-probe"]
    finally:
        thread.quit()
        thread.wait()
    assert running_qthreads() == []


@pytest.mark.qt_no_exception_capture  # the soak's own hook must see them, not pytest-qt's
def test_exceptions_in_a_slot_and_in_a_paint_event_are_recorded_as_crashes(qapp):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    class Broken(QWidget):
        def paintEvent(self, event):
            raise ValueError("boom in paint")

    def slot():
        raise ZeroDivisionError("boom in a slot")

    with Crashes() as crashes:
        QTimer.singleShot(0, slot)
        process(50)
        widget = Broken()
        widget.show()
        assert wait_until(lambda: len(crashes.crashes) >= 2, 5.0)
        widget.close()
    # PySide may prefix the message with a virtual call under way ("Error calling Python
    # override of ...sizeHint()") when windows of earlier tests are still being laid out.
    assert crashes.crashes[0].startswith("uncaught ZeroDivisionError: ")
    assert "boom in a slot (at " in crashes.crashes[0]
    assert "ValueError" in crashes.crashes[1] and "boom in paint" in crashes.crashes[1]
    assert sys.excepthook is not crashes._excepthook  # put back


@pytest.mark.qt_no_exception_capture
def test_a_soak_whose_cycle_raises_in_a_slot_fails(qapp, capsys):
    from PySide6.QtCore import QTimer

    class Soak:
        def cycle(self, i):
            if i == 2:
                QTimer.singleShot(0, lambda: 1 / 0)
            process(5)

        def take_crashes(self):
            return []

        def details(self):
            return {}

    with Crashes() as crashes:
        figures = run_soak("fake", Soak(), 5, 1, crashes, Sampler())
    assert figures.cycles == 5  # a crash is recorded; the soak goes on, as the app would
    assert len(figures.crashes) == 1 and "ZeroDivisionError" in figures.crashes[0]
    assert judge(figures)[0].startswith("crash: uncaught ZeroDivisionError")
