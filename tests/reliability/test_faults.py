"""Faults: a run stopped at any moment leaves a consistent model; closing the window
during training exits at once with code 0; saves are atomic even under kill -9; a target
that cannot be written gives a message and the model in memory stays.

Divergence (lr 1e6) is tested where it happens: tests/nn/test_train.py (the last finite
parameters are kept), tests/gui/training/test_page.py (the page says so and keeps a
model that can be saved) and tests/cli/test_train_cli.py (exit status 1 and a message).
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from bpviz.cli import main
from bpviz.gui.training.worker import TrainRunner
from bpviz.lesson import load_lesson
from bpviz.nn.serialize import load_model, save_model
from bpviz.nn.train import train
from bpviz.presets import get_preset

ROOT = Path(__file__).resolve().parents[2]

# 2 epochs of 16 batches of 64: a run of 32 updates, long enough to stop inside.
RECIPE = get_preset("fast").replace(train_size=1024, epochs=2, eval_every=8)


def _trained_for(recipe, updates: int):
    """The recipe's network after exactly ``updates`` updates, headless."""
    data = recipe.data()
    net = recipe.network(n_inputs=data.X.shape[0])
    if updates:
        for _ in train(net, data, recipe.replace(epochs=None, iterations=updates).train_config()):
            pass
    return net


# --- stopping a run at any moment -----------------------------------------------------------

@pytest.mark.parametrize("moment", ["at once", "on the first update", "mid-run", "while paused", "near the end"])
def test_a_run_stopped_at_any_moment_leaves_the_model_of_its_last_whole_update(qtbot, moment):
    """The model a stopped run hands over is exactly the model after its last completed
    update: never half an optimizer step."""
    runner = TrainRunner()
    records, results = [], []
    runner.updated.connect(lambda update: records.extend(update.records))
    runner.finished.connect(results.append)
    try:
        runner.start(RECIPE)
        if moment == "on the first update":
            qtbot.waitUntil(lambda: len(records) >= 1, timeout=30_000)
        elif moment == "mid-run":
            qtbot.waitUntil(lambda: len(records) >= 10, timeout=30_000)
        elif moment == "while paused":
            qtbot.waitUntil(lambda: len(records) >= 5, timeout=30_000)
            runner.pause()
            qtbot.wait(200)
        elif moment == "near the end":
            qtbot.waitUntil(lambda: len(records) >= 28, timeout=30_000)
        runner.stop(wait=True)
    finally:
        runner.shutdown()
    assert len(results) == 1 and not runner.is_running()
    result = results[0]
    assert [r.iteration for r in records] == list(range(len(records)))  # every update, in order
    assert result.stopped in ("stopped", "finished")
    expected = _trained_for(RECIPE, len(records))
    for key, value in expected.params.items():
        np.testing.assert_array_equal(result.net.params[key], value, err_msg=f"{moment}: {key}")


def test_train_stopped_between_updates_equals_a_shorter_run():
    data = RECIPE.data()
    for stop_after in (0, 1, 7, 16, 31):
        net = RECIPE.network(n_inputs=data.X.shape[0])
        seen = []
        for progress in train(net, data, RECIPE.train_config(), should_stop=lambda: len(seen) >= stop_after):
            seen.append(progress)
        assert len(seen) == stop_after
        expected = _trained_for(RECIPE, stop_after)
        for key in net.params:
            np.testing.assert_array_equal(net.params[key], expected.params[key])


# --- closing the window during training -------------------------------------------------------

CLOSE_DURING_TRAINING = """
import sys, time
from PySide6.QtCore import QSettings, QTimer
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
from bpviz.gui import app as app_module
from PySide6.QtWidgets import QApplication

app_module.create_application([])

def window():
    return next(w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window")

def start():
    page = window().train_page
    window().page_tabs.setCurrentIndex(1)
    page.form.preset.setCurrentText("mnist10")  # all 60,000 images, the heaviest preset
    page.runner.updated.connect(close_soon)
    page.start()

closing = []
def close_soon(update):
    if not closing and update.records[-1].iteration >= 2:
        closing.append(1)
        print("closing", time.time(), flush=True)
        window().close()

QTimer.singleShot(200, start)
code = app_module.run_app([])
print("returned", time.time(), flush=True)
sys.exit(code)
"""


def test_closing_the_window_during_training_exits_within_a_second_with_code_0(tmp_path):
    """The app is done (thread joined, event loop returned) within 1 s of the close; the
    interpreter's own teardown after that (numpy, Qt) gets 1 s more on this noisy machine."""
    process = subprocess.Popen([sys.executable, "-c", CLOSE_DURING_TRAINING, str(tmp_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("closing"), process.stderr.read() if process.poll() is not None else line
        closed_at = float(line.split()[1])
        line = process.stdout.readline()
        assert line.startswith("returned"), process.stderr.read()
        returned_at = float(line.split()[1])
        code = process.wait(timeout=20)
        exited_at = time.time()
    finally:
        if process.poll() is None:
            process.kill()
    assert code == 0, process.stderr.read()
    assert returned_at - closed_at < 1.0, f"the app took {returned_at - closed_at:.2f} s to end"
    assert exited_at - closed_at < 2.0, f"the process took {exited_at - closed_at:.2f} s to exit"


# --- atomic saves under kill -9 ----------------------------------------------------------------

SAVE_AND_HANG = """
import os, sys, time
from bpviz import fileio
from bpviz.nn.serialize import save_model
from bpviz.lesson import load_lesson, save_lesson
from bpviz.presets import get_preset

kind, target = sys.argv[1], sys.argv[2]

def hang(fd):  # the new bytes are in the temporary file; the rename has not happened
    print("writing", flush=True)
    time.sleep(60)

fileio.os.fsync = hang
if kind == "model":
    net = get_preset("tutorial").network()
    for value in net.params.values():
        value[...] = 7.0
    save_model(target, net, {"version": "new"})
else:
    lesson = load_lesson(target)
    save_lesson(target, lesson.__class__("train", lesson.step, lesson.train))
"""


def _hang_and_kill(kind: str, target: Path) -> None:
    process = subprocess.Popen([sys.executable, "-c", SAVE_AND_HANG, kind, str(target)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "writing", process.stderr.read()
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()


def test_a_model_save_killed_halfway_leaves_the_previous_file_intact(tmp_path):
    target = tmp_path / "model.npz"
    old = get_preset("tutorial").network()
    save_model(target, old, {"version": "old"})
    before = target.read_bytes()
    _hang_and_kill("model", target)
    assert target.read_bytes() == before
    net, extra = load_model(target)
    assert extra == {"version": "old"}
    np.testing.assert_array_equal(net.params["W1"], old.params["W1"])


def test_a_lesson_save_killed_halfway_leaves_the_previous_file_intact(tmp_path, main_window):
    target = tmp_path / "lesson.json"
    for _ in range(9):
        main_window.step_page.controller.step_forward()
    assert main_window.save_lesson(target)
    before = target.read_bytes()
    _hang_and_kill("lesson", target)
    assert target.read_bytes() == before
    assert load_lesson(target).page == "step"


# --- targets that cannot be written ---------------------------------------------------------

def _read_only_folder(monkeypatch):
    """The folder refuses new files as a read-only folder does (as root, chmod would not)."""
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)


def _full_disk(monkeypatch):
    """The disk fills while the bytes are flushed, as ENOSPC surfaces on a full disk."""
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("bpviz.fileio.os.fsync", full)


FAULTS = {"read-only folder": (_read_only_folder, "permission denied; choose a folder you can write to"),
          "full disk": (_full_disk, "the disk is full; free some space or choose another disk")}


@pytest.fixture
def trained_page(qtbot, main_window):
    page = main_window.train_page
    main_window.page_tabs.setCurrentIndex(1)
    form = page.form
    form.preset.setCurrentText("fast")
    form.train_size.setEditText("600")
    form.length.setValue(1)
    with qtbot.waitSignal(page.runner.finished, timeout=60_000):
        assert page.start()
    return page


@pytest.mark.parametrize("fault", FAULTS)
def test_saving_the_model_where_it_cannot_be_written_keeps_it_and_says_why(trained_page, tmp_path, monkeypatch, fault):
    page = trained_page
    model = page.model
    weights = {key: value.copy() for key, value in model.params.items()}
    target = tmp_path / "model.npz"
    target.write_bytes(b"the user's earlier file")
    make_fault, reason = FAULTS[fault]
    with monkeypatch.context() as patch:
        make_fault(patch)
        assert not page.save_model(target)
    assert str(target) in page.status.text() and reason in page.status.text()
    assert "it is still here" in page.status.text()
    assert target.read_bytes() == b"the user's earlier file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]  # no temporary file left
    assert page.model is model and page.save_button.isEnabled()
    for key, value in weights.items():
        np.testing.assert_array_equal(model.params[key], value)
    assert page.save_model(tmp_path / "elsewhere.npz")  # the model can still be saved
    np.testing.assert_array_equal(load_model(tmp_path / "elsewhere.npz")[0].params["W1"], weights["W1"])


@pytest.mark.parametrize("fault", FAULTS)
def test_saving_a_lesson_where_it_cannot_be_written_says_why(main_window, tmp_path, monkeypatch, fault):
    for _ in range(4):
        main_window.step_page.controller.step_forward()
    where = main_window.step_page.controller.index
    make_fault, reason = FAULTS[fault]
    with monkeypatch.context() as patch:
        make_fault(patch)
        assert not main_window.save_lesson(tmp_path / "lesson.json")
    assert "lesson.json" in main_window.message.text() and reason in main_window.message.text()
    assert main_window.step_page.controller.index == where
    assert list(tmp_path.iterdir()) == []
    assert main_window.save_lesson(tmp_path / "lesson.json")


def test_the_cli_says_why_a_model_could_not_be_saved_and_keeps_it_elsewhere(tmp_path, monkeypatch, capsys):
    full, spare = tmp_path / "full", tmp_path / "spare"
    full.mkdir()
    spare.mkdir()
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):  # the disk of the folder asked for is full
        if Path(dir) == full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(spare))
    code = main(["train", "--preset", "fast", "--train-size", "200", "--iterations", "2", "--quiet",
                 "--save", str(full / "m.npz")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--save: {full / 'm.npz'}: could not write: the disk is full" in err
    assert "Traceback" not in err
    assert list(full.iterdir()) == []
    kept = list(spare.iterdir())
    assert len(kept) == 1 and f"the model is kept in {kept[0]} instead" in err
    net, extra = load_model(kept[0])
    assert extra["recipe"]["iterations"] == 2
