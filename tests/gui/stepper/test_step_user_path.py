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
