"""The gradient debugger on the step page: every gradient checked, a user's update
compared (run apart: the tests wait for it as a person does) and its wrong parameters
marked, values edited by hand with undo and redo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from bpviz.gui.main_window import MainWindow
from bpviz.gui.stepper.editing import target_of
from bpviz.resources import resource_path

BUGGY = resource_path("examples", "notebook_update.py")
FIXED = resource_path("examples", "notebook_update_fixed.py")


@pytest.fixture
def window(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def _rows(table):
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _step_index(page, text):
    return next(i for i, s in enumerate(page.controller.steps) if s.symbol.text == text)


def _wait_for_run(qtbot, page) -> None:
    """The run goes on apart while the window stays live; wait for its end."""
    qtbot.waitUntil(lambda: not page.debugger.busy(), timeout=30_000)


def test_every_gradient_has_its_finite_difference_error_and_mark(window, qtbot):
    page = window.step_page
    rows = _rows(page.debug.table)
    assert [r[0] for r in rows] == ["w[1]_11", "w[1]_12", "w[1]_21", "w[1]_22", "b[1]_1", "b[1]_2",
                                    "w[2]_11", "w[2]_12", "b[2]_1"]
    for name, backprop, numeric, error, mark, *_ in rows:
        assert float(backprop) == pytest.approx(float(numeric), rel=1e-6)
        assert float(error) < 1e-6 and mark == "✓"
    assert "All 9 gradients pass" in page.debug.summary.text()
    page.controller.set_index(_step_index(page, "dw[1]_21"))
    assert "finite difference -5.888" in page.equation.check.text() and "passes" in page.equation.check.text()
    assert page.graph.edges["w1.2.1"].check is True
    # a stricter threshold than float64 round-off: the biases' checks fail, and say so
    page.debug.threshold_box.setCurrentIndex(page.debug.threshold_box.findText("1e-12"))
    failing = {c.name for c in page.debug.failing()}
    assert failing and "fail" in page.debug.summary.text()
    assert {r[0] for r in _rows(page.debug.table) if r[4] == "✗"} == failing


def test_the_notebooks_update_is_flagged_on_the_graph_and_in_the_equation(window, qtbot):
    page = window.step_page
    window.open_example_action.trigger()
    assert page.tabs.currentWidget() is page.code and page.debug.comparison is None  # not run yet
    window.run_user_action.trigger()
    _wait_for_run(qtbot, page)
    assert page.session.sample == page.debugger.report.shown_row  # the row that shows the bugs
    page.set_row(0)  # the numbers below are row 1's
    assert page.debug.comparison is None  # the user's values are of the row shown by the report
    page.set_row(page.debugger.report.shown_row)
    flagged = {e.name for e in page.debug.disagreeing()}
    assert flagged == {"w[1]_11", "w[1]_12", "w[1]_21", "w[1]_22", "b[1]_1", "b[1]_2", "b[2]_1"}
    graph = page.graph
    assert {eid for eid, e in graph.edges.items() if e.flagged} == {"w1.1.1", "w1.1.2", "w1.2.1", "w1.2.2"}
    assert {nid for nid, n in graph.nodes.items() if n.flagged} == {"n1.1", "n1.2", "n2.1"}
    page.controller.set_index(_step_index(page, "dw[1]_21"))
    text = page.equation.check.text()
    mine = page.debug.comparison.entry("W1", (1, 0))
    assert f"Your code (implied by its update): dw[1]_21 = {mine.theirs:.6g}" in text and "disagrees" in text
    assert f"gives {mine.ours:.6g}" in text and mine.ours != pytest.approx(mine.theirs)
    assert "line 34" in text and "params['W1'][0][1]" in text  # the line that wrote it (notebook layout)
    page.controller.set_index(_step_index(page, "dw[2]_11"))
    assert "agrees" in page.equation.check.text()


def test_the_fixed_update_clears_every_flag(window, qtbot):
    page = window.step_page
    page.open_user_file(FIXED)
    assert page.run_user_file()
    _wait_for_run(qtbot, page)
    assert page.debug.comparison is not None and page.debug.disagreeing() == []
    assert not any(e.flagged for e in page.graph.edges.values())
    assert "agrees with backprop everywhere" in page.debug.summary.text()


def test_a_broken_file_is_explained_and_the_session_kept(window, qtbot, tmp_path):
    page = window.step_page
    steps = page.controller.steps
    broken = tmp_path / "mine.py"
    broken.write_text("def update(params, x, y, lr):\n    return params['W7']\n")
    page.open_user_file(broken)
    assert page.run_user_file()  # started; the window does not wait
    _wait_for_run(qtbot, page)
    error = page.code.error
    assert error.isVisibleTo(page.code)
    assert "mine.py, line 2" in error.text() and "KeyError" in error.text()
    assert page.controller.steps == steps and page.debugger.report is None
    broken.write_text("def update(params, x, y, lr):\n    return params\n")  # edit and re-run
    assert page.run_user_file() and not error.isVisibleTo(page.code)
    _wait_for_run(qtbot, page)
    assert not error.isVisibleTo(page.code) and page.debugger.report is not None


def test_a_new_state_asks_for_a_new_run(window, qtbot):
    page = window.step_page
    page.open_user_file(BUGGY)
    page.run_user_file()
    _wait_for_run(qtbot, page)
    assert any(e.flagged for e in page.graph.edges.values())
    page.edit_value(target_of("w2.1.1"), 0.3)
    assert page.debug.comparison is None and "Run it" in page.debug.summary.text()
    assert "Run it (Ctrl+R)" in page.code.status.text() and page.code.view.marks  # the marks stay, said stale
    assert not any(e.flagged for e in page.graph.edges.values())


def test_edit_recompute_undo_redo_round_trip(window, qtbot):
    page = window.step_page
    original = [(s.symbol.text, s.value) for s in page.controller.steps]
    page.controller.set_index(10)
    page.edit_value(target_of("w1.1.2"), 0.5)
    assert page.controller.index == -1  # the trace restarts from the edited state
    assert page.graph.edges["w1.1.2"].weight == 0.5  # the graph shows the new weight
    z11 = next(s.value for s in page.controller.steps if s.symbol.text == "z[1]_1")
    assert float(z11) == pytest.approx(0.1 * 8 + 0.5 * 8)  # x = (8, 8), b = 0: downstream recomputed
    page.edit_value(target_of("n0.2", ("cgpa", "resume_score")), 2.0)
    z11 = next(s.value for s in page.controller.steps if s.symbol.text == "z[1]_1")
    assert float(z11) == pytest.approx(0.1 * 8 + 0.5 * 2)
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    assert window.undo_action in window.actions() and window.redo_action in window.actions()
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert [(s.symbol.text, s.value) for s in page.controller.steps] == original
    window.redo_action.trigger()
    assert page.session.net.params["W1"][0, 1] == 0.5 and page.session.x()[1] == 8.0
    window.redo_action.trigger()
    assert page.session.x()[1] == 2.0


def test_double_clicking_a_weight_or_a_bias_edits_it(window, qtbot, monkeypatch):
    page = window.step_page
    asked = []

    def answer(parent, title, label, value, *args):
        asked.append((label, value))
        return 0.25, True

    monkeypatch.setattr(QInputDialog, "getDouble", answer)
    graph = page.graph
    for element, key, index in (("w2.1.2", "W2", (0, 1)), ("n1.2", "b1", (1, 0))):
        item = graph.edges.get(element) or graph.nodes[element]
        centre = item.label_box().center() if element in graph.edges else item.scenePos()
        qtbot.mouseDClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=graph.mapFromScene(centre))
        assert page.session.net.params[key][index] == 0.25, asked
    assert asked[0][0] == "New value of w[2]_12:" and asked[0][1] == pytest.approx(0.1)
    assert asked[1][0] == "New value of b[1]_2:"
    assert page.undo_stack.count() == 2
