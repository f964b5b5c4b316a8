"""README, "Lessons": prepare at home (File > Save lesson, Ctrl+S), open in class
(File > Open lesson, Ctrl+O) exactly there; a file bpviz cannot use changes nothing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QMessageBox

from tests.gui.tour.helpers import (
    choose,
    click,
    double_click_item,
    enter,
    shown_window,
    step_to,
    training_page,
    window_back,
)
from tests.gui.userpath import (
    answer_dialog,
    choose_file,
    click_menu,
    ok_button,
    press,
    type_into,
)


def _prepare(qtbot, window) -> dict:
    """At home: a preset, two epochs run, an input edited on the graph, row 2, step 9, and
    the training page set to "fast" on 2 vs 8, shown last. Returns what the window shows."""
    page = window.step_page
    choose(qtbot, page.controls.preset, "two-layer")
    enter(qtbot, page.controls.epochs, "2")
    click(qtbot, page.controls.run_button)

    def fill(dialog):
        type_into(qtbot, dialog.findChild(QDoubleSpinBox), "7.5")
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with answer_dialog(qtbot, fill):
        double_click_item(qtbot, page.graph, page.graph.nodes["n0.1"])
    window_back(qtbot, window)
    enter(qtbot, page.controls.sample, "2")
    step_to(qtbot, window, 9)
    form = training_page(qtbot, window).form
    choose(qtbot, form.preset, "fast")
    type_into(qtbot, form.first, "2")
    return _shown(window)


def _shown(window) -> dict:
    page = window.step_page
    return {"page": window.pages.currentIndex(), "preset": page.controls.preset.currentText(),
            "position": page.transport.position.text(), "row": page.controls.sample.value(),
            "step": page.controller.step.text() if page.controller.step else None,
            "epoch": page.session.epoch, "losses": list(page.session.epoch_losses),
            "X": page.session.X.tolist(), "params": {k: v.tolist() for k, v in page.session.net.params.items()},
            "train": (window.train_page.form.preset.currentText(), window.train_page.form.recipe().digits)}


def test_file_save_lesson_writes_where_you_are_to_a_json_file(qtbot, main_window, tmp_path, monkeypatch):
    """"**File > Save lesson** (Ctrl+S) writes where you are to a JSON file: the page shown,
    the step-through page's preset, table (with your edits), weights, row, epoch and step,
    and the training page's settings." """
    shown = _prepare(qtbot, main_window)
    path = tmp_path / "lesson.json"
    choose_file(monkeypatch, path, save=True)
    click_menu(qtbot, main_window, "File", "Save lesson…")
    saved = json.loads(path.read_text())
    step = saved["step"]
    assert saved["page"] == "train"
    assert step["recipe"]["name"] == "two-layer"
    assert step["table"]["rows"][0][0] == 7.5  # the edit travels with the table
    assert step["params"] == shown["params"]
    assert (step["row"], step["epoch"], step["step"]) == (2, 3, 9)
    assert saved["train"]["recipe"]["name"] == "fast" and saved["train"]["recipe"]["digits"] == [2, 8]


def test_file_open_lesson_opens_it_exactly_there(qtbot, make_main_window, tmp_path, monkeypatch):
    """"**File > Open lesson** (Ctrl+O) ... opens it exactly there: prepare at home, open in class." """
    home = shown_window(qtbot, make_main_window)
    shown = _prepare(qtbot, home)
    path = tmp_path / "lesson.json"
    choose_file(monkeypatch, path, save=True)
    press(qtbot, home, "Ctrl+S")
    assert path.exists()
    home.close()
    school = shown_window(qtbot, make_main_window)
    assert _shown(school) != shown
    choose_file(monkeypatch, path, save=False)
    click_menu(qtbot, school, "File", "Open lesson…")
    assert _shown(school) == shown


def test_ctrl_o_opens_a_lesson(qtbot, make_main_window, tmp_path, monkeypatch):
    """"**File > Open lesson** (Ctrl+O)" — the key."""
    home = shown_window(qtbot, make_main_window)
    shown = _prepare(qtbot, home)
    path = tmp_path / "lesson.json"
    choose_file(monkeypatch, path, save=True)
    click_menu(qtbot, home, "File", "Save lesson…")
    home.close()
    school = shown_window(qtbot, make_main_window)
    choose_file(monkeypatch, path, save=False)
    press(qtbot, school, "Ctrl+O")
    assert _shown(school) == shown


def _saved_at(qtbot, window, monkeypatch, path, step: int):
    step_to(qtbot, window, step) if step else press(qtbot, window, "Home", widget=window.step_page.graph)
    choose_file(monkeypatch, path, save=True)
    press(qtbot, window, "Ctrl+S")
    return json.loads(path.read_text())


def test_row_and_step_count_as_the_app_shows_them(qtbot, make_main_window, tmp_path, monkeypatch):
    """"In the file, `"row"` and `"step"` count as the app shows them: `"row": 1` is the
    table's first row, `"step": 8` is "step 8 of 32" and `"step": 0` is before the first step." """
    window = shown_window(qtbot, make_main_window)
    path = tmp_path / "lesson.json"
    saved = _saved_at(qtbot, window, monkeypatch, path, 8)
    assert saved["step"]["row"] == 1 and window.step_page.controls.sample.value() == 1
    assert saved["step"]["step"] == 8
    saved["step"]["step"] = 0  # edited by hand: before the first step
    saved["step"]["row"] = 3
    path.write_text(json.dumps(saved))
    other = shown_window(qtbot, make_main_window)
    step_to(qtbot, other, 5)
    choose_file(monkeypatch, path, save=False)
    press(qtbot, other, "Ctrl+O")
    page = other.step_page
    assert page.transport.position.text() == "ready · 32 steps" and page.controls.sample.value() == 3
    saved["step"]["step"] = 8
    path.write_text(json.dumps(saved))
    press(qtbot, other, "Ctrl+O")
    assert page.transport.position.text() == "step 8 of 32"


def _refused(qtbot, window, monkeypatch, path, *words) -> None:
    before = _shown(window)
    choose_file(monkeypatch, path, save=False)
    click_menu(qtbot, window, "File", "Open lesson…")
    message = window.message
    assert isinstance(message, QMessageBox) and message.isVisible()
    assert str(path) in message.text(), message.text()
    for word in words:
        assert word in message.text(), message.text()
    qtbot.mouseClick(message.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert not message.isVisible()
    assert _shown(window) == before  # what the app showed stays


def test_a_file_from_another_version_is_refused_and_nothing_changes(qtbot, main_window, tmp_path, monkeypatch):
    """"A file from another version of bpviz ... is refused with a message naming the file and
    the field; what the app showed stays." """
    path = tmp_path / "lesson.json"
    saved = _saved_at(qtbot, main_window, monkeypatch, path, 12)
    saved["version"] = 7
    path.write_text(json.dumps(saved))
    step_to(qtbot, main_window, 3)
    _refused(qtbot, main_window, monkeypatch, path, "version 7", "expected version 1 or 2")


@pytest.mark.parametrize("edit, words", [
    (lambda d: d["step"].update(row=9), ("step.row", "expected a row from 1 to 4, got 9")),
    (lambda d: d["step"]["params"].update(W1=[[1, 2]]), ("step.params.W1", "expected shape")),
    (lambda d: d["train"]["recipe"].update(lr="fast"), ("train.recipe", "lr")),
], ids=["row", "weights", "training lr"])
def test_a_lesson_edited_into_something_bpviz_cannot_use_is_refused(qtbot, main_window, tmp_path, monkeypatch, edit, words):
    """"or one edited by hand into something bpviz cannot use, is refused with a message
    naming the file and the field; what the app showed stays." """
    path = tmp_path / "lesson.json"
    saved = _saved_at(qtbot, main_window, monkeypatch, path, 12)
    edit(saved)
    path.write_text(json.dumps(saved))
    choose(qtbot, main_window.step_page.controls.preset, "two-layer")
    step_to(qtbot, main_window, 3)
    _refused(qtbot, main_window, monkeypatch, path, *words)


def test_lessons_saved_by_earlier_versions_still_open(qtbot, main_window, tmp_path, monkeypatch):
    """"Lessons saved by earlier versions (format version 1, which counted both from 0) still open." """
    path = tmp_path / "lesson.json"
    saved = _saved_at(qtbot, main_window, monkeypatch, path, 1)
    saved["version"] = 1
    step = saved["step"]
    del step["row"]
    step["sample"], step["step"] = 1, 7  # version 1: the second row, "step 8 of 32"
    path.write_text(json.dumps(saved))
    choose_file(monkeypatch, path, save=False)
    click_menu(qtbot, main_window, "File", "Open lesson…")
    page = main_window.step_page
    assert page.controls.sample.value() == 2 and page.transport.position.text() == "step 8 of 32"
    assert np.allclose(page.session.x(), page.session.X[:, 1])
