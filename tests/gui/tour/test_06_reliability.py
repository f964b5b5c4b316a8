"""README, "Reliability": whatever you type, open or do, bpviz keeps working, says what is
wrong and loses nothing (the parts a person reaches in the window)."""

from __future__ import annotations

import os
import pickle
import time

import numpy as np
from PySide6.QtCore import QPoint, Qt

from bpviz.gui import style
from bpviz.nn.serialize import load_model
from tests.gui.tour.helpers import (
    choose,
    click,
    enter,
    quick_run,
    training_page,
    wait_until_idle,
)
from tests.gui.userpath import (
    answer_dialog,
    choose_file,
    click_menu,
    ok_button,
    press,
    type_into,
)


def _red(label) -> bool:
    return label.palette().color(label.foregroundRole()) == style.BACKWARD or style.BACKWARD.name() in label.styleSheet()


def test_a_bad_value_is_explained_under_the_field_in_red_and_start_stays_off(qtbot, main_window):
    """"The forms show the same kind of message under the field, in red, and Start stays off
    until it is fixed." """
    page = training_page(qtbot, main_window)
    type_into(qtbot, page.form.lr, "fast")
    message = page.form.error_labels["lr"]
    assert message.isVisible() and _red(message)
    assert "learning rate" in message.message and "'fast'" in message.message  # names the field and the value
    assert message.mapTo(page, QPoint(0, 0)).y() > page.form.lr.mapTo(page, QPoint(0, 0)).y()
    assert not page.start_button.isEnabled()
    press(qtbot, main_window, "Ctrl+Return")  # the key does nothing either
    assert page.runner.state == "idle" and page.history is None
    type_into(qtbot, page.form.lr, "0.1")
    assert page.start_button.isEnabled() and not message.isVisible()


def test_the_step_forms_message_is_red_and_names_the_field(qtbot, main_window):
    """"The forms show the same kind of message ... in red" (the step page's form)."""
    controls = main_window.step_page.controls
    enter(qtbot, controls.hidden, "2,x")
    assert controls.error.isVisible() and _red(controls.error)
    assert controls.error.text().startswith("Hidden layers:") and "'2,x'" in controls.error.text()


def test_a_damaged_model_is_refused_by_name_never_unpickled_and_the_model_shown_stays(
        qtbot, main_window, tmp_path, monkeypatch):
    """"Damaged MNIST files, models, lessons, CSV tables and your own gradient files are
    refused by name (a pickle is never unpickled), and what was open stays open." """
    page = training_page(qtbot, main_window)
    quick_run(qtbot, page.form, updates=3)
    press(qtbot, main_window, "Ctrl+Return")
    wait_until_idle(qtbot, page)
    model = page.model
    marker = tmp_path / "unpickled"

    class Trap:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path = tmp_path / "model.npz"
    np.savez(path, W1=np.array([Trap()], dtype=object))  # an .npz holding a pickle
    choose_file(monkeypatch, path, save=False)
    click_menu(qtbot, main_window, "Train", "Load model…")
    assert not marker.exists()
    assert str(path) in page.status.text() and "Could not load the model" in page.status.text()
    assert page.model is model and page.confusion.counts is not None
    path.write_bytes(pickle.dumps({"W1": 1}))  # a bare pickle
    click(qtbot, page.load_button)
    assert str(path) in page.status.text() and page.model is model


def test_a_damaged_csv_table_is_refused_by_name_and_the_table_shown_stays(qtbot, main_window, tmp_path, monkeypatch):
    """"... CSV tables ... are refused by name ..., and what was open stays open." """
    page = main_window.step_page
    path = tmp_path / "broken.csv"
    path.write_text("cgpa,score,lpa\n8,8,4\n7,oops,3\n")
    before = page.session.table
    choose_file(monkeypatch, path, save=False)
    with answer_dialog(qtbot, lambda dialog: qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)):
        click(qtbot, page.controls.csv_button)  # its header reads well: the columns dialog, OK
    assert page.controls.error.isVisible() and "broken.csv" in page.controls.error.text()
    assert page.session.table is before


def test_a_save_into_a_folder_it_cannot_write_says_so_and_the_model_stays(qtbot, main_window, tmp_path, monkeypatch):
    """"A read-only folder or a full disk gives a message, and the model stays in memory to
    be saved elsewhere" """
    page = training_page(qtbot, main_window)
    quick_run(qtbot, page.form, updates=3)
    press(qtbot, main_window, "Ctrl+Return")
    wait_until_idle(qtbot, page)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.access(locked, os.W_OK):  # root writes anywhere: a folder of the kernel's refuses even root
        locked = "/sys"
    choose_file(monkeypatch, f"{locked}/model.npz", save=True)
    click(qtbot, page.save_button)
    assert "Could not save the model; it is still here." in page.status.text() and str(locked) in page.status.text()
    assert page.model is not None and page.save_button.isEnabled()
    elsewhere = tmp_path / "model.npz"
    choose_file(monkeypatch, elsewhere, save=True)
    click(qtbot, page.save_button)
    net, _ = load_model(elsewhere)
    assert all(np.array_equal(net.params[k], page.model.params[k]) for k in net.params)


def test_training_that_diverges_stops_with_a_message_and_keeps_finite_parameters(qtbot, main_window):
    """"**Training** that diverges stops at once and keeps the last good parameters. [...] the
    training page's run bar says the iteration, the quantity and the rate, its tooltip the
    whole" """
    page = training_page(qtbot, main_window)
    quick_run(qtbot, page.form, preset="mnist10", updates=50)
    choose(qtbot, page.form.optimizer, "sgd")
    type_into(qtbot, page.form.lr, "1e6")
    press(qtbot, main_window, "Ctrl+Return")
    wait_until_idle(qtbot, page)
    assert page.history.status == "diverged"
    assert page.status.text().startswith("Run #1 diverged at iteration ")
    assert "first; try a learning rate of " in page.status.text()
    assert "the largest |weight| was" in page.status.toolTip() and "(now 1e+06)" in page.status.toolTip()
    assert _red(page.status)
    assert page.model is not None and all(np.isfinite(v).all() for v in page.model.params.values())
    assert page.save_button.isEnabled()


def test_stopping_a_run_at_any_moment_keeps_the_model_of_its_last_whole_update(qtbot, main_window, tmp_path, monkeypatch):
    """"Stopping a run at any moment keeps the model of its last whole update." """
    page = training_page(qtbot, main_window)
    quick_run(qtbot, page.form, updates=5000)
    press(qtbot, main_window, "Ctrl+Return")
    qtbot.waitUntil(lambda: page.history.done >= 3, timeout=30_000)
    press(qtbot, main_window, "Ctrl+.")
    wait_until_idle(qtbot, page)
    assert page.history.status == "stopped"
    assert all(np.isfinite(v).all() for v in page.model.params.values())
    done = page.history.done
    assert f"stopped after {done} of 5000 updates" in page.status.text()
    path = tmp_path / "stopped.npz"
    choose_file(monkeypatch, path, save=True)
    click(qtbot, page.save_button)
    net, _ = load_model(path)
    assert all(np.array_equal(net.params[k], page.model.params[k]) for k in net.params)


def test_closing_the_window_during_a_run_exits_within_a_second(qtbot, main_window):
    """"Closing the window during a run exits within a second." (File > Quit, Ctrl+Q)"""
    page = training_page(qtbot, main_window)
    quick_run(qtbot, page.form, preset="tutorial", images=3000, updates=500)
    press(qtbot, main_window, "Ctrl+Return")
    thread = page.runner._thread
    qtbot.waitUntil(lambda: page.history.done >= 2, timeout=30_000)
    began = time.perf_counter()
    press(qtbot, main_window, "Ctrl+Q")
    assert time.perf_counter() - began < 1.0
    assert not main_window.isVisible() and thread.isFinished()
