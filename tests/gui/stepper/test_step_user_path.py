"""The step page reached as a person reaches it: its form typed into, its keys pressed,
Run epochs clicked; what the graph, the form and the plots then show."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from tests.gui.tour.helpers import choose
from tests.gui.userpath import press, type_into


def _graph_inputs(page):
    return [page.graph.nodes[f"n0.{j}"].values.get("x") for j in (1, 2)]


def test_the_row_field_shows_the_row_the_graph_plays_after_a_preset_change(qtbot, main_window):
    page = main_window.step_page
    type_into(qtbot, page.controls.sample, "3")
    qtbot.keyClick(page.controls.sample, Qt.Key.Key_Return)
    press(qtbot, main_window, "Right", widget=page.graph)
    assert page.session.sample == 2
    assert _graph_inputs(page) == list(page.session.X[:, 2])
    # A new preset starts on its first row: the field says so too.
    combo = page.controls.preset
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert page.session.recipe.name == combo.currentText() != "notebook-regression"
    assert page.session.sample == 0
    assert page.controls.sample.value() == 1
    press(qtbot, main_window, "Right", widget=page.graph)
    assert np.allclose(_graph_inputs(page), page.session.X[:, 0])


def _choose(qtbot, combo, text):
    """Pick ``text`` from a combo box with the keyboard, as a person can."""
    combo.setFocus()
    target = combo.findText(text)
    assert target >= 0, f"{text!r} is not offered"
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, key)


def _run_epochs(qtbot, page, n):
    type_into(qtbot, page.controls.epochs, str(n))
    qtbot.mouseClick(page.controls.run_button, Qt.MouseButton.LeftButton)


def test_run_epochs_that_blow_up_say_so_and_the_loss_axis_stays_readable(qtbot, main_window):
    page = main_window.step_page
    _choose(qtbot, page.controls.preset, "linear-regression")
    type_into(qtbot, page.controls.lr, "0.01")
    qtbot.keyClick(page.controls.lr, Qt.Key.Key_Return)
    assert page.session.recipe.lr == 0.01
    _run_epochs(qtbot, page, 10)
    note = page.controls.error  # where the form's messages go, under its buttons
    assert note.isVisible()
    text = note.text()
    assert "Run epochs stopped in epoch" in text and "of 10 epochs ran" in text and "learning rate 0.01" in text
    assert all(np.isfinite(v).all() for v in page.session.net.params.values())
    # The losses climb through powers of ten: a log axis shows them all, no "x1e+27".
    plot = page.loss_panel.plot
    assert plot.getPlotItem().ctrl.logYCheck.isChecked()
    axis = plot.getAxis("left")
    assert "log" in axis.labelText and "x1e" not in axis.label.toPlainText()
    losses = np.log10(page.session.epoch_losses)
    _wait_for_range(qtbot, plot, losses.min(), losses.max())
    # A new preset starts afresh: no note, a plain axis that fits the new losses.
    _choose(qtbot, page.controls.preset, "two-layer")
    assert not note.isVisible()
    _run_epochs(qtbot, page, 5)
    assert not note.isVisible() and not plot.getPlotItem().ctrl.logYCheck.isChecked()
    losses = page.session.epoch_losses
    _wait_for_range(qtbot, plot, min(losses), max(losses))


def _wait_for_range(qtbot, plot, low, high):
    """The y axis shows every loss and little else (pyqtgraph fits it at the next paint)."""
    def fits():
        (_, _), (y0, y1) = plot.viewRange()
        return y0 <= low and y1 >= high and y1 - y0 < 1.5 * (high - low) + 1e-3
    qtbot.waitUntil(fits, timeout=3000)


def test_a_long_run_of_epochs_keeps_the_window_live_and_stops_when_asked(qtbot, main_window, tmp_path, monkeypatch):
    """Run epochs on a 10,000-row table: the window keeps answering (it froze for 7 s for 20
    epochs, with no way out), a progress dialog offers Stop, and a stopped run keeps every
    update it made, standing on the next row."""
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from tests.gui.userpath import answer_dialog, button, choose_file

    rng = np.random.default_rng(0)
    rows = rng.normal(size=(10_000, 3))
    table = tmp_path / "long.csv"
    table.write_text("a,b,y\n" + "\n".join(f"{a:.4f},{b:.4f},{y:.4f}" for a, b, y in rows))
    page = main_window.step_page
    choose_file(monkeypatch, table, save=False)
    with answer_dialog(qtbot, lambda dialog: qtbot.mouseClick(button(dialog, "OK"), Qt.MouseButton.LeftButton)):
        qtbot.mouseClick(page.controls.csv_button, Qt.MouseButton.LeftButton)
    assert page.session.m == 10_000
    ticks = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start(20)
    started = time.perf_counter()
    _run_epochs(qtbot, page, 1000)
    assert time.perf_counter() - started < 1.0, "Run epochs held the window"
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QProgressDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    qtbot.wait(600)
    heartbeat.stop()
    gaps = np.diff(ticks)
    assert len(ticks) > 10 and gaps.max() < 0.3, f"the window went {gaps.max():.2f} s without a turn"
    qtbot.mouseClick(button(dialog, "Stop"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.epochs.busy(), timeout=5000)
    assert "stopped after" in page.controls.error.text() and "of 1000 epochs" in page.controls.error.text()
    assert all(np.isfinite(v).all() for v in page.session.net.params.values())
    assert page.controls.sample.value() == page.session.sample + 1


def _csv(tmp_path, name, header, rows):
    path = tmp_path / name
    path.write_text(",".join(header) + "\n" + "\n".join(",".join(map(str, r)) for r in rows))
    return path


def _load_csv(qtbot, page, path, monkeypatch):
    from tests.gui.userpath import answer_dialog, button, choose_file

    choose_file(monkeypatch, path, save=False)
    with answer_dialog(qtbot, lambda dialog: qtbot.mouseClick(button(dialog, "OK"), Qt.MouseButton.LeftButton)):
        qtbot.mouseClick(page.controls.csv_button, Qt.MouseButton.LeftButton)


def test_leaving_a_field_unchanged_loses_nothing(qtbot, main_window):
    """Return in the learning rate, then a click on the graph: the row, the weights edited
    and the undo history all stay (the session was rebuilt every time a field lost focus)."""
    from bpviz.gui.stepper.editing import Target

    page = main_window.step_page
    type_into(qtbot, page.controls.sample, "3")
    qtbot.keyClick(page.controls.sample, Qt.Key.Key_Return)
    page.edit_value(Target("weight", "W1", (0, 0), "w[1]_11"), 0.25)
    for _ in range(4):
        press(qtbot, main_window, "Right", widget=page.graph)
    session, index = page.session, page.controller.index
    type_into(qtbot, page.controls.lr, page.controls.lr.text())  # the same value again
    qtbot.keyClick(page.controls.lr, Qt.Key.Key_Return)
    page.graph.setFocus()  # the field loses its focus
    qtbot.mouseClick(page.graph.viewport(), Qt.MouseButton.LeftButton)
    assert page.session is session and page.controller.index == index
    assert page.session.sample == 2 and page.session.net.params["W1"][0, 0] == 0.25
    assert page.undo_stack.canUndo()


def test_a_csv_table_stays_when_a_field_changes_and_the_preset_says_custom(qtbot, main_window, tmp_path, monkeypatch):
    page = main_window.step_page
    path = _csv(tmp_path, "wide.csv", [f"f{i}" for i in range(8)] + ["y"],
                [[i + j for j in range(9)] for i in range(5)])
    _load_csv(qtbot, page, path, monkeypatch)
    assert page.session.X.shape == (8, 5)
    assert page.controls.preset.currentText() == "custom"
    type_into(qtbot, page.controls.hidden, "3")
    qtbot.keyClick(page.controls.hidden, Qt.Key.Key_Return)
    assert page.session.net.layer_sizes == [8, 3, 1]
    assert page.session.X.shape == (8, 5) and page.session.table.feature_names[0] == "f0"


def test_numbers_that_would_overflow_are_refused_and_nothing_changes(qtbot, main_window, tmp_path, monkeypatch):
    """A learning rate of 1e308, or a table of 1e300, would show inf and nan on every unit
    (and a lesson saved then could not be reopened): refused by name; the page stays."""
    page = main_window.step_page
    session = page.session
    type_into(qtbot, page.controls.lr, "1e308")
    qtbot.keyClick(page.controls.lr, Qt.Key.Key_Return)
    assert page.session is session
    message = page.controls.error.text()
    assert "overflows" in message and "learning rate" in message
    path = _csv(tmp_path, "huge.csv", ["a", "b", "y"], [[1e300, 2, 3], [1, 2, 3]])
    _load_csv(qtbot, page, path, monkeypatch)
    assert page.session is session
    assert "overflow" in page.controls.error.text()


def test_playing_into_an_update_that_overflows_stops_and_says_so(qtbot, main_window):
    """Stepping past an update whose new weights would be infinite stops there with a
    message; the weights stay finite."""
    page = main_window.step_page
    _choose(qtbot, page.controls.preset, "linear-regression")
    type_into(qtbot, page.controls.lr, "1e150")
    qtbot.keyClick(page.controls.lr, Qt.Key.Key_Return)
    for _ in range(4 * 10):
        press(qtbot, main_window, "End", widget=page.graph)
        press(qtbot, main_window, "Right", widget=page.graph)
        if page.controls.error.isVisible():
            break
    assert "This update overflows" in page.controls.error.text()
    assert all(np.isfinite(v).all() for v in page.session.net.params.values())


def test_a_new_learning_rate_keeps_the_weights_shown_and_undo_brings_the_old_one_back(qtbot, main_window):
    """A weight edited (or a network typed), then a new learning rate in the form: the
    weights stay (the form had drawn new ones from the init, and cleared undo: a typed
    textbook network was lost); Ctrl+Z gives back the old rate, Ctrl+Shift+Z the new one.
    A new init still draws new weights, as the form says."""
    from bpviz.gui.stepper.editing import Target

    page = main_window.step_page
    page.edit_value(Target("weight", "W1", (0, 0), "w[1]_11"), 0.25)
    type_into(qtbot, page.controls.lr, "0.002")
    qtbot.keyClick(page.controls.lr, Qt.Key.Key_Return)
    assert page.session.recipe.lr == 0.002
    assert page.session.net.params["W1"][0, 0] == 0.25
    assert page.controller.steps[-1].text().count("0.002") >= 1  # the update steps use the new rate
    page.graph.setFocus()  # in the field, Ctrl+Z is the field's own undo of its text
    press(qtbot, main_window, "Ctrl+Z", widget=page.graph)
    assert page.session.recipe.lr == 0.001 and page.controls.lr.text() == "0.001"
    assert page.session.net.params["W1"][0, 0] == 0.25
    press(qtbot, main_window, "Ctrl+Z", widget=page.graph)  # and the weight's edit before it
    assert page.session.net.params["W1"][0, 0] == 0.1
    press(qtbot, main_window, "Ctrl+Shift+Z", widget=page.graph)
    press(qtbot, main_window, "Ctrl+Shift+Z", widget=page.graph)
    assert page.session.recipe.lr == 0.002 and page.session.net.params["W1"][0, 0] == 0.25
    choose(qtbot, page.controls.init, "random (seeded)")  # a new init: new weights, drawn from it
    assert page.session.recipe.init == "tutorial" and page.session.net.params["W1"][0, 0] != 0.25


def test_run_epochs_names_what_overflowed_first_and_where_the_largest_weight_is(qtbot, main_window):
    """By hand, linear-regression (every weight 0.1, rows (8, 8) -> 4 and (7, 9) -> 5) at lr
    1e306: row 1's update makes W[1] = 0.1 + 1e306 × 38.4, about 3.8e307, still a float64;
    row 2's Z = W x is about 6e308, past it. The page stands on row 1 with its weights."""
    page = main_window.step_page
    _choose(qtbot, page.controls.preset, "linear-regression")
    type_into(qtbot, page.controls.lr, "1e306")
    qtbot.keyClick(page.controls.lr, Qt.Key.Key_Return)
    _run_epochs(qtbot, page, 3)
    text = page.controls.error.text()
    assert "Run epochs stopped in epoch 1: the update on row 1 makes the numbers blow up. On row 2, Z[1] " \
           "overflowed first: layer 1's pre-activation Z = W A + b went past ±1.8e+308" in text
    assert "The largest |weight| was 0.1, at W[1] row 1, col 1 (w[1]_11 on the graph)" in text
    # Row 1's update moved each weight by 3.84e307 from 0.1: a ratio past the largest float,
    # so at least 1.8e308, and 1e306 × 0.01 / 1.8e308 rounds down to 5e-05.
    assert "the learning rate 1e+306 is too high: try 5e-05" in text
    assert page.session.sample == 0 and np.allclose(page.session.net.params["W1"], 0.1)


def test_run_epochs_from_the_middle_of_an_epoch_names_what_overflowed_first(qtbot, main_window):
    """The epoch under way is played row by row (as the page traces it): from row 3 at lr
    1e306, row 3's update makes W[1] about 1e307 and row 4's Z overflows: the page stands on
    row 3 again, with the weights from before its update."""
    page = main_window.step_page
    _choose(qtbot, page.controls.preset, "linear-regression")
    type_into(qtbot, page.controls.lr, "1e306")
    qtbot.keyClick(page.controls.lr, Qt.Key.Key_Return)
    type_into(qtbot, page.controls.sample, "3")
    qtbot.keyClick(page.controls.sample, Qt.Key.Key_Return)
    _run_epochs(qtbot, page, 3)
    text = page.controls.error.text()
    assert ("the update on row 3 makes the numbers blow up. On row 4, Z[1] overflowed first: layer 1's "
            "pre-activation") in text
    assert "0 of 3 epochs ran" in text and "w[1]_1" in text
    assert page.session.sample == 2 and np.allclose(page.session.net.params["W1"], 0.1)  # before row 3's update


def test_a_refused_learning_rate_keeps_run_epochs_from_training_the_network_shown(qtbot, main_window):
    """lr 1e308 makes the first update overflow: the page refuses it, and while the field
    still shows it, Run epochs waits (it would otherwise train at the old rate, unseen)."""
    page = main_window.step_page
    _choose(qtbot, page.controls.preset, "linear-regression")
    before = {k: v.copy() for k, v in page.session.net.params.items()}
    epoch = page.session.epoch
    type_into(qtbot, page.controls.lr, "1e308")
    qtbot.keyClick(page.controls.lr, Qt.Key.Key_Return)
    text = page.controls.error.text()
    assert "overflow" in text and "keeps the network shown (learning rate 0.001)" in text
    assert page.session.recipe.lr == 0.001 and not page.controls.run_button.isEnabled()
    qtbot.mouseClick(page.controls.run_button, Qt.MouseButton.LeftButton)  # a disabled button: nothing
    assert page.session.epoch == epoch and not page.session.epoch_losses and all(
        np.array_equal(page.session.net.params[k], v) for k, v in before.items())
    type_into(qtbot, page.controls.lr, "0.0001")  # mended: Run epochs runs at the rate shown
    qtbot.keyClick(page.controls.lr, Qt.Key.Key_Return)
    assert page.session.recipe.lr == 0.0001 and page.controls.run_button.isEnabled()
    _run_epochs(qtbot, page, 1)
    qtbot.waitUntil(lambda: len(page.session.epoch_losses) == 1, timeout=10_000)
