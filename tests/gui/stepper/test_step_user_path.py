"""The step page reached as a person reaches it: its form typed into, its keys pressed,
Run epochs clicked; what the graph, the form and the plots then show."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

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
    type_into(qtbot, page.controls.lr, "1e9")
    qtbot.keyClick(page.controls.lr, Qt.Key.Key_Return)
    assert page.session.recipe.lr == 1e9
    _run_epochs(qtbot, page, 10)
    note = page.controls.error  # where the form's messages go, under its buttons
    assert note.isVisible()
    text = note.text()
    assert "Run epochs stopped in epoch" in text and "of 10 epochs ran" in text and "1e+09" in text
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
