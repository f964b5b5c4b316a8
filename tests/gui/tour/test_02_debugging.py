"""README, "Debugging gradients": the Gradient check tab, a hand-written update or
gradients file run beside backprop, and values edited on the graph."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox

from bpviz.gui import style
from bpviz.resources import resource_path
from tests.gui.tour.helpers import (
    choose,
    click_tab,
    double_click_item,
    enter,
    step_to,
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

COLUMNS = ("parameter", "backprop", "finite diff.", "rel. error", "")


def _table(page) -> list[list[str]]:
    table = page.debug.table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _element(name: str) -> str:
    """The graph element of a parameter's name: "w[1]_12" is the edge w1.1.2, "b[2]_1" unit n2.1."""
    layer, index = name[2], name.split("_")[1]
    return f"w{layer}.{index[0]}.{index[1]}" if name[0] == "w" else f"n{layer}.{index}"


def _open_user_file(qtbot, window, monkeypatch, path) -> None:
    choose_file(monkeypatch, path, save=False)
    click_menu(qtbot, window, "Debug", "Open your update or gradients…")
    window_back(qtbot, window)


def _run(qtbot, window) -> None:
    """Ctrl+R, then wait for the run apart to end, as a person does."""
    page = window.step_page
    window_back(qtbot, window)
    press(qtbot, window, "Ctrl+R")
    qtbot.waitUntil(lambda: not page.debugger.busy(), timeout=30_000)


def test_the_gradient_check_tab_sets_every_gradient_beside_its_finite_difference(qtbot, main_window):
    """"The **Gradient check** tab beside the steps sets every gradient of the state shown
    beside its central finite difference, with the relative error and a ✓ or ✗" """
    page = main_window.step_page
    click_tab(qtbot, page.tabs, "Gradient check")
    assert page.debug.isVisible() and page.tabs.tabText(0) == "Steps"
    headers = [page.debug.table.horizontalHeaderItem(c).text() for c in range(5)]
    assert tuple(headers) == COLUMNS
    rows = _table(page)
    assert len(rows) == 9  # W1 (4), b1 (2), W2 (2), b2 (1) of the 2-2-1 network
    for name, backprop, numeric, error, mark, *_ in rows:
        assert float(backprop) == pytest.approx(float(numeric), rel=1e-5, abs=1e-9), name
        assert float(error) < 1e-6 and mark == "✓"
    assert "All 9 gradients pass" in page.debug.summary.text()


def test_the_threshold_is_yours_to_set(qtbot, main_window):
    """"(the threshold is yours to set)" """
    page = main_window.step_page
    click_tab(qtbot, page.tabs, "Gradient check")
    choose(qtbot, page.debug.threshold_box, "1e-12")
    assert page.debug.threshold == 1e-12
    errors = [float(row[3]) for row in _table(page)]
    marks = [row[4] for row in _table(page)]
    assert marks == ["✓" if e <= 1e-12 else "✗" for e in errors]
    step_to(qtbot, main_window, 18)  # dw[1]_11
    assert "(threshold 1e-12)" in page.equation.check.text()


def test_each_edges_dw_carries_its_mark(qtbot, main_window):
    """"each edge's dw carries its mark" """
    page = main_window.step_page
    step_to(qtbot, main_window, 18)  # dw[1]_11
    edge = page.graph.edges["w1.1.1"]
    assert edge.label_lines()[1][0].startswith("dw = -5.888")
    assert edge.check_mark() == "✓"  # a green badge on the label's corner


def test_a_gradient_steps_equation_panel_says_how_the_check_went(qtbot, main_window):
    """"a gradient step's equation panel says how the check went" """
    page = main_window.step_page
    step_to(qtbot, main_window, 18)
    check = page.equation.check
    assert check.isVisible() and "Gradient check: finite difference -5.888" in check.text()
    assert "✓ passes" in check.text()
    step_to(qtbot, main_window, 1)  # a forward step has no gradient to check
    assert not check.isVisible()


def test_open_your_update_and_run_it_with_ctrl_r(qtbot, main_window, monkeypatch):
    """"**Debug > Open your update or gradients…** takes a Python file that defines
    `update(params, x, y, lr) -> params` ... and shows it in the **Your code** tab. **Run it
    (Ctrl+R) executes the code in that file in a separate process, with your permissions:
    open only files you trust.**" (`notebook_update_fixed.py` "passes")."""
    page = main_window.step_page
    _open_user_file(qtbot, main_window, monkeypatch, resource_path("examples", "notebook_update_fixed.py"))
    code = page.code
    assert code.isVisible() and page.tabs.tabText(page.tabs.currentIndex()) == "Your code"
    assert "notebook_update_fixed.py" in code.file_label.text() and "def update(" in code.view.toPlainText()
    assert "separate process" in code.warning.text() and "with your permissions" in code.warning.text()
    assert "only files you trust" in code.warning.text()
    _run(qtbot, main_window)
    assert not code.view.marks and "No wrong line" in code.status.text()
    assert page.debug.comparison is not None
    assert "Your code agrees with backprop everywhere" in page.debug.summary.text()
    assert all(row[6] == "✓" for row in _table(page))
    assert not any(e.flagged for e in page.graph.edges.values())


GRADIENTS = '''\
import numpy as np
{layout}

def gradients(params, x, y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    assert W1.shape == {w1_shape} and x.shape == (2, 1) and y.shape == (1, 1), (W1.shape, x.shape, y.shape)
    if {transposed}:
        W1, W2 = W1.T, W2.T
    a1 = W1 @ x + b1            # linear hidden units
    a2 = W2 @ a1 + b2           # linear output
    dz2 = 2 * (a2 - y)          # J = (a2 - y)^2
    dz1 = W2.T @ dz2
    dW1, dW2 = dz1 @ x.T, dz2 @ a1.T
    if {transposed}:
        dW1, dW2 = dW1.T, dW2.T
    return {{"dW1": dW1, "db1": dz1, "dW2": dW2, "db2": dz2}}
'''


@pytest.mark.parametrize("layout", ["tutorial", "notebook"])
def test_your_gradients_get_the_shapes_the_readme_gives(qtbot, main_window, monkeypatch, tmp_path, layout):
    """"It runs on copies of the state shown (`params["W1"]` is (n_1, n_0), `x` is (n_0, 1),
    `y` is (n_L, 1); a file that sets `WEIGHT_LAYOUT = "notebook"` gets each W transposed,
    as the notebook keeps them)" (on a 2-3-1 network)."""
    page = main_window.step_page
    enter(qtbot, page.controls.hidden, "3")
    assert page.session.net.layer_sizes == [2, 3, 1]
    notebook = layout == "notebook"
    path = tmp_path / "mine.py"
    path.write_text(GRADIENTS.format(layout='WEIGHT_LAYOUT = "notebook"' if notebook else "",
                                     w1_shape=(2, 3) if notebook else (3, 2), transposed=notebook))
    _open_user_file(qtbot, main_window, monkeypatch, path)
    _run(qtbot, main_window)
    assert not page.code.error.isVisible(), page.code.error.text()
    assert "Your code agrees with backprop everywhere" in page.debug.summary.text()


def test_the_notebooks_update_turns_orange_where_it_disagrees(qtbot, main_window):
    """"every weight and bias where it disagrees with backprop turns orange on the graph, the
    table and the equation panel, which shows the right chain beside the value your code
    produced." (**Debug > Open the notebook's update (buggy example)**, then Ctrl+R)"""
    page = main_window.step_page
    click_menu(qtbot, main_window, "Debug", "Open the notebook's update (buggy example)")
    assert "notebook_update.py" in page.code.file_label.text()
    _run(qtbot, main_window)
    report = page.debugger.report
    # "The step page shows the row that reveals the bugs"
    assert page.session.sample == report.shown_row and f"Row {report.shown_row + 1}" in page.code.status.text()
    # "Every line that writes a wrong value gets a ✗ in the margin ... and a place in the list"
    assert {31, 34, 37} <= set(page.code.view.marks) and page.code.list.count() >= 3
    flagged = {e.name for e in page.debug.disagreeing()}
    assert {"b[2]_1", "w[1]_12", "w[1]_21"} <= flagged, flagged  # its three bugs show
    # the graph: an orange band under each weight, an orange ring round each unit whose bias is wrong
    graph = page.graph
    marked = {eid for eid, e in graph.edges.items() if e.flagged} | {nid for nid, n in graph.nodes.items() if n.flagged}
    assert marked == {_element(name) for name in flagged}
    # the table: the "your code" cells in orange (the orange darkened as far as text needs)
    table = page.debug.table
    orange = {table.item(r, 0).text() for r in range(table.rowCount())
              if table.item(r, 5).foreground().color() == style.legible(style.WARNING)}
    assert orange == flagged
    # the equation panel: the right chain beside the value the code produced, and the line that wrote it
    window_back(qtbot, main_window)
    page.graph.setFocus()
    step_to(qtbot, main_window, 21)  # dw[1]_21
    check = page.equation.check.text()
    mine = page.debug.comparison.entry("W1", (1, 0))
    assert "Your code (implied by its update): dw[1]_21 =" in check and "✗ disagrees" in check
    assert f"backprop's chain above gives {mine.ours:.6g}" in check and style.legible(style.WARNING).name() in check
    assert "line 34" in check
    assert page.equation.chain.isVisible()


ZEROS = ("import numpy as np\n\ndef gradients(params, x, y):\n"
         "    g = {'d' + k: np.zeros_like(v) for k, v in params.items()}\n")
BROKEN = {
    "a syntax error": ("def update(params, x, y, lr)\n    return params\n", 1, "syntax error"),
    "an exception": ("def update(params, x, y, lr):\n    x = 1\n    return params['W9']\n", 3, "KeyError"),
    "wrong keys": ("def gradients(params, x, y):\n    return {'W1': 0}\n", 2, "keys"),
    "a wrong shape": (ZEROS + "    g['dW1'] = np.zeros((3, 3))\n    return g\n", 6, "shape"),
    "a NaN": (ZEROS + "    g['db2'] = g['db2'] * np.nan\n    return g\n", 5, "NaN"),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_file_is_reported_with_the_line(qtbot, main_window, monkeypatch, tmp_path, kind):
    """"A syntax error, an exception, wrong keys or shapes, a NaN, or a run past its time limit
    are reported with the line." (the time limit: tests/gui/stepper/test_code_panel.py)"""
    page = main_window.step_page
    source, line, words = BROKEN[kind]
    path = tmp_path / "mine.py"
    path.write_text(source)
    before = page.controller.steps[5].text()
    _open_user_file(qtbot, main_window, monkeypatch, path)
    _run(qtbot, main_window)
    error = page.code.error
    assert error.isVisible()
    assert f"mine.py, line {line}" in error.text() and words in error.text(), error.text()
    assert page.controller.steps[5].text() == before


def _answer_value(qtbot, value: str):
    def fill(dialog):
        assert dialog.windowTitle() == "Edit a value"
        spin = dialog.findChild(QDoubleSpinBox)
        type_into(qtbot, spin, value)
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    return fill


def _z11(page) -> float:
    return float(next(s.value for s in page.controller.steps if s.symbol.text == "z[1]_1"))


def test_double_click_a_weight_to_type_a_new_value(qtbot, main_window):
    """"Double-click a weight, a unit (its bias) or an input to type a new value: everything
    downstream is recomputed and the trace restarts there." """
    page = main_window.step_page
    graph = page.graph
    step_to(qtbot, main_window, 10)
    edge = graph.edges["w1.1.2"]
    with answer_dialog(qtbot, _answer_value(qtbot, "0.5")):
        double_click_item(qtbot, graph, edge, at=edge.label_box().center())
    assert page.session.net.params["W1"][0, 1] == 0.5
    assert page.transport.position.text() == "ready · 32 steps"  # the trace restarts
    assert _z11(page) == pytest.approx(0.1 * 8 + 0.5 * 8)  # downstream recomputed
    assert graph.edges["w1.1.2"].label_lines()[0][0] == r"w^{[1]}_{12} = 0.5"
    with answer_dialog(qtbot, _answer_value(qtbot, "1")):  # a unit: its bias
        double_click_item(qtbot, graph, graph.nodes["n1.1"])
    assert page.session.net.params["b1"][0, 0] == 1.0 and _z11(page) == pytest.approx(5.8)
    with answer_dialog(qtbot, _answer_value(qtbot, "2")):  # an input of the row shown
        double_click_item(qtbot, graph, graph.nodes["n0.2"])
    assert page.session.x()[1] == 2.0 and _z11(page) == pytest.approx(0.8 + 0.5 * 2 + 1)


def test_ctrl_z_and_ctrl_shift_z_undo_and_redo(qtbot, main_window):
    """"**Ctrl+Z** and **Ctrl+Shift+Z** undo and redo." """
    page = main_window.step_page
    graph = page.graph
    original = [s.text() for s in page.controller.steps]
    with answer_dialog(qtbot, _answer_value(qtbot, "0.5")):
        double_click_item(qtbot, graph, graph.edges["w2.1.1"], at=graph.edges["w2.1.1"].label_box().center())
    edited = [s.text() for s in page.controller.steps]
    assert edited != original
    window_back(qtbot, main_window)
    press(qtbot, main_window, "Ctrl+Z")
    assert [s.text() for s in page.controller.steps] == original
    assert page.session.net.params["W2"][0, 0] == pytest.approx(0.1)
    press(qtbot, main_window, "Ctrl+Shift+Z")
    assert [s.text() for s in page.controller.steps] == edited
    assert page.session.net.params["W2"][0, 0] == 0.5
