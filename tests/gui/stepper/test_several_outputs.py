"""Networks of several outputs on the step page, reached as a person reaches them: a CSV
table of 2 to 4 target columns through Load CSV table… and the columns dialog (ticked with
the mouse), the two-outputs preset, a softmax over one-hot class columns, a lesson saved and
opened again; and the choices the page cannot take, named."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from bpviz.gui.stepper.plots import CLASS_COLORS
from bpviz.nn.gradcheck import check_gradients, param_name
from tests.gui.tour.helpers import choose, click, enter, shown_window, window_back
from tests.gui.userpath import answer_dialog, choose_file, click_menu, ok_button, press


def _csv(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def _tick(qtbot, names, text: str) -> None:
    """Click the check box of the item ``text`` in a list of the columns dialog."""
    item = names.findItems(text, Qt.MatchFlag.MatchExactly)[0]
    names.scrollToItem(item)
    rect = names.visualItemRect(item)
    before = item.checkState()
    qtbot.mouseClick(names.viewport(), Qt.MouseButton.LeftButton, pos=rect.topLeft() + QPoint(10, rect.height() // 2))
    assert item.checkState() != before, f"the click missed the check box of {text}"


def _load(qtbot, window, monkeypatch, path, inputs_off=(), targets_on=(), targets_off=()):
    """Load CSV table…, then in the columns dialog untick ``inputs_off`` as inputs, tick
    ``targets_on`` and untick ``targets_off`` as targets, and press OK."""
    page = window.step_page
    choose_file(monkeypatch, path, save=False)

    def fill(dialog):
        for name in inputs_off:
            _tick(qtbot, dialog.features, name)
        for name in (*targets_on, *targets_off):
            _tick(qtbot, dialog.targets, name)
        assert dialog.message.text() == ""
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with answer_dialog(qtbot, fill):
        click(qtbot, page.controls.csv_button)
    window_back(qtbot, window)


def _gradients_equal_finite_differences(page) -> None:
    """Every gradient the trace shows (its dw and db steps) is the central finite difference
    of the loss, as the Gradient check tab sets them."""
    session = page.session
    checks = check_gradients(session.net, session.x().reshape(-1, 1), session.y().reshape(-1, 1))
    assert len(checks) == sum(v.size for v in session.net.params.values())
    shown = {s.symbol.text: float(s.value) for s in page.controller.steps if s.phase == "backward"}
    for check in checks:
        name = "d" + param_name(check.key, check.index)
        assert shown[name] == pytest.approx(check.numeric, rel=1e-6, abs=1e-9), name
        assert check.passes(1e-6), name
    rows = page.debug.table.rowCount()
    marks = [page.debug.table.item(r, 4).text() for r in range(rows)]
    assert rows == len(checks) and set(marks) == {"✓"}


TWO_TARGETS = "hours,sleep,score,mood\n2,7,5,1.5\n4,6,6,2\n6,8,8,3.5\n1,5,3,1\n"


def test_a_csv_with_two_target_columns_plays_a_two_output_network(qtbot, main_window, tmp_path, monkeypatch):
    """Load CSV table…, tick score as a target beside mood (and untick it as an input): the graph
    draws 2-2-2 with a loss edge per output, the steps play through to the next row, and
    every gradient equals its finite difference."""
    page = main_window.step_page
    path = _csv(tmp_path, "sleep.csv", TWO_TARGETS)
    _load(qtbot, main_window, monkeypatch, path, inputs_off=["score"], targets_on=["score"])
    assert page.session.table.target_names == ("score", "mood")
    assert page.session.net.layer_sizes == [2, 2, 2]
    assert {"n2.1", "n2.2"} <= set(page.graph.nodes) and "n2.3" not in page.graph.nodes
    assert sorted(key for key in page.graph.edges if key.startswith("J.")) == ["J.1", "J.2"]  # a loss edge each
    assert page.controls.error.text() == ""
    _gradients_equal_finite_differences(page)
    steps = len(page.controller.steps)
    loss = next(s for s in page.controller.steps if s.phase == "loss")
    a = page.session.net.forward(page.session.X[:, :1])[0][:, 0]
    assert float(loss.value) == pytest.approx(((a - [5, 1.5]) ** 2).sum())  # Σ_k (a_k - y_k)², row 1
    for _ in range(steps + 1):
        press(qtbot, main_window, "Right", widget=page.graph)
    assert page.session.sample == 1 and page.controls.sample.value() == 2  # the update was applied
    _gradients_equal_finite_differences(page)
    assert not page.boundary_box.isVisible()  # values: no decision boundary to draw


def test_the_two_outputs_preset_is_in_the_forms_list(qtbot, main_window):
    page = main_window.step_page
    choose(qtbot, page.controls.preset, "two-outputs")
    assert page.session.net.layer_sizes == [2, 2, 2]
    assert page.session.table.target_names == ("lpa", "offers")
    assert [page.graph.nodes[f"n0.{j}"].subtitle for j in (1, 2)] == ["cgpa", "resume_score"]
    _gradients_equal_finite_differences(page)
    enter(qtbot, page.controls.hidden, "3")  # the hidden layers only: the output keeps a unit per target
    assert page.session.net.layer_sizes == [2, 3, 2] and page.controls.error.text() == ""


def test_the_two_outputs_preset_steps_by_hand(qtbot, main_window):
    """Row 1 of the two-outputs preset, every weight 0.1: hidden units 0.1·8 + 0.1·8 = 1.6,
    outputs 0.1·1.6 + 0.1·1.6 = 0.32, loss (0.32 - 4)² + (0.32 - 1)² = 14.0048."""
    page = main_window.step_page
    choose(qtbot, page.controls.preset, "two-outputs")
    values = {s.symbol.text: float(s.value) for s in page.controller.steps}
    assert values["a[1]_1"] == pytest.approx(1.6) and values["a[2]_2"] == pytest.approx(0.32)
    assert values["J"] == pytest.approx(14.0048)
    assert values["da[2]_1"] == pytest.approx(2 * (0.32 - 4)) and values["da[2]_2"] == pytest.approx(2 * (0.32 - 1))


CLASSES = "x1,x2,red,blue,green\n0,1,1,0,0\n1,2,1,0,0\n2,1,0,1,0\n3,3,0,0,1\n"


def test_a_softmax_over_three_one_hot_class_columns(qtbot, main_window, tmp_path, monkeypatch):
    """Three 0/1 class columns ticked as targets, then the Loss cross_entropy: a softmax of
    three units; its gradients equal finite differences and the decision boundary colours
    each class's region."""
    page = main_window.step_page
    path = _csv(tmp_path, "colours.csv", CLASSES)
    _load(qtbot, main_window, monkeypatch, path, inputs_off=["red", "blue"], targets_on=["red", "blue"])
    assert page.session.net.layer_sizes == [2, 2, 3]
    choose(qtbot, page.controls.loss, "cross_entropy")
    assert page.controls.error.text() == ""
    assert page.session.net.activations[-1] == "softmax" and page.session.recipe.loss == "cross_entropy"
    _gradients_equal_finite_differences(page)
    assert page.boundary_box.isVisible()
    enter(qtbot, page.controls.lr, "0.1")
    enter(qtbot, page.controls.epochs, "300")
    click(qtbot, page.controls.run_button)
    qtbot.waitUntil(lambda: not page.epochs.busy(), timeout=20_000)
    _gradients_equal_finite_differences(page)
    assert page.session.epoch_losses[-1] < page.session.epoch_losses[0] / 10
    # Where each row lies, the boundary shows its class's colour (the network has learnt the rows).
    image, rect = page.boundary.image.image, page.boundary.image.mapRectToParent(page.boundary.image.boundingRect())
    assert image.ndim == 3 and image.shape[2] == 3
    for (x1, x2), y in zip(page.session.X.T, page.session.Y.T):
        i = min(int((x1 - rect.left()) / rect.width() * image.shape[0]), image.shape[0] - 1)
        j = min(int((x2 - rect.top()) / rect.height() * image.shape[1]), image.shape[1] - 1)
        colour = image[i, j].astype(int)
        assert int(np.argmax(colour)) == int(np.argmax(CLASS_COLORS[int(y.argmax())])), (x1, x2, colour)


def test_a_softmax_outputs_dz_is_written_as_the_sum_over_its_outputs(qtbot, main_window, tmp_path, monkeypatch):
    """dz_j of a softmax with cross-entropy is Σ_k da_k·∂a_k/∂z_j = a_j - y_j: with da_j·∂a_j/∂z_j
    alone (as it read) the equation was false, and a student in quiz mode who worked it got ✗."""
    page = main_window.step_page
    path = _csv(tmp_path, "colours.csv", CLASSES)
    _load(qtbot, main_window, monkeypatch, path, inputs_off=["red", "blue"], targets_on=["red", "blue"])
    choose(qtbot, page.controls.loss, "cross_entropy")
    steps = page.controller.steps
    value = {s.symbol.text: s.value for s in steps}
    # an output of another class than the row's (y_j = 0): its one term da_j·∂a_j/∂z_j is 0, dz_j is a_j
    j = next(j for j in (1, 2, 3) if not np.isclose(value[f"da[2]_{j}"] * value[f"∂a[2]_{j}/∂z[2]_{j}"],
                                                      value[f"dz[2]_{j}"]))
    index = next(i for i, s in enumerate(steps) if s.symbol.text == f"dz[2]_{j}")
    page.graph.setFocus()
    while page.controller.index < index:
        press(qtbot, main_window, "Right")
    latex = page.equation.symbols.latex()
    assert r"\sum_k da^{[2]}_k \frac{\partial a^{[2]}_k}{\partial z^{[2]}_{%d}}" % j in latex, latex
    assert "sum over k of d a k of layer two times partial a k of layer two over partial z" in \
        page.equation.accessibleDescription()


def test_cross_entropy_is_refused_by_name_where_the_targets_are_not_classes(qtbot, main_window, tmp_path,
                                                                            monkeypatch):
    page = main_window.step_page
    choose(qtbot, page.controls.loss, "bce")  # the notebook's lpa: one column of values, refused too
    session = page.session
    choose(qtbot, page.controls.loss, "cross_entropy")
    assert page.controls.error.text().startswith("Loss: cross_entropy (a softmax over the classes) needs 2 to 4 "
                                                 "target columns, one per class")
    assert page.session is session and session.recipe.loss != "cross_entropy"
    path = _csv(tmp_path, "two-hot.csv", "x1,x2,a,b\n0,1,1,0\n1,2,1,1\n")
    _load(qtbot, main_window, monkeypatch, path, inputs_off=["a"], targets_on=["a"])
    choose(qtbot, page.controls.loss, "bce")  # 0/1 targets: a sigmoid per column takes them
    session = page.session
    assert session.recipe.loss == "bce" and session.net.activations[-1] == "sigmoid"
    choose(qtbot, page.controls.loss, "cross_entropy")
    assert "needs one-hot targets" in page.controls.error.text()
    assert "row 2 holds 1, 1 in a, b" in page.controls.error.text()
    assert page.session is session and session.recipe.loss == "bce"


def test_the_columns_dialog_names_each_bad_choice_and_waits_for_a_good_one(qtbot, main_window, tmp_path,
                                                                           monkeypatch):
    page = main_window.step_page
    header = [f"c{i}" for i in range(10)]
    path = _csv(tmp_path, "wide.csv", ",".join(header) + "\n" + ",".join(["1"] * 10) + "\n")
    choose_file(monkeypatch, path, save=False)
    said = []

    def fill(dialog):
        ok = ok_button(dialog)
        assert dialog.chosen_targets() == ["c9"] and ok.isEnabled()
        _tick(qtbot, dialog.features, "c8")  # nine inputs
        said.append((dialog.message.text(), ok.isEnabled()))
        _tick(qtbot, dialog.features, "c8")
        _tick(qtbot, dialog.targets, "c9")  # no target
        said.append((dialog.message.text(), ok.isEnabled()))
        for name in ("c4", "c5", "c6", "c7", "c8"):  # five targets
            _tick(qtbot, dialog.targets, name)
        said.append((dialog.message.text(), ok.isEnabled()))
        _tick(qtbot, dialog.targets, "c4")
        _tick(qtbot, dialog.targets, "c8")  # c5, c6, c7: ticked as inputs too
        said.append((dialog.message.text(), ok.isEnabled()))
        for name in ("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"):  # no input
            _tick(qtbot, dialog.features, name)
        said.append((dialog.message.text(), ok.isEnabled()))
        _tick(qtbot, dialog.features, "c0")
        said.append((dialog.message.text(), ok.isEnabled()))
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    with answer_dialog(qtbot, fill):
        click(qtbot, page.controls.csv_button)
    assert said == [
        ("The step view shows at most 8 inputs; 9 are ticked.", False),
        ("Tick at least one target column: what the network predicts.", False),
        ("The step view shows at most 4 outputs, one per target column; 5 target columns are ticked.", False),
        ("The column c5 is ticked both as an input and as a target; expected each column in one list: "
         "untick it in the other.", False),
        ("Tick at least one input column.", False),
        ("", True),
    ]
    assert page.session.table.feature_names == ("c0",) and page.session.table.target_names == ("c5", "c6", "c7")
    assert page.session.net.layer_sizes == [1, 2, 3]


def test_five_target_columns_are_refused_by_name_and_change_nothing(qtbot, main_window, tmp_path):
    page = main_window.step_page
    path = _csv(tmp_path, "five.csv", "x,y1,y2,y3,y4,y5\n1,1,2,3,4,5\n")
    session = page.session
    assert not page.load_csv(str(path), ["x"], ["y1", "y2", "y3", "y4", "y5"])
    assert "5 target columns (y1, y2, y3, y4, y5); the step view shows 1 to 4 outputs" in page.controls.error.text()
    assert page.session is session and page.session.table.name == "notebook-regression"


def test_a_lesson_with_two_targets_opens_exactly_there(qtbot, make_main_window, tmp_path, monkeypatch):
    home = shown_window(qtbot, make_main_window)
    page = home.step_page
    _load(qtbot, home, monkeypatch, _csv(tmp_path, "sleep.csv", TWO_TARGETS), inputs_off=["score"],
          targets_on=["score"])
    enter(qtbot, page.controls.epochs, "3")
    click(qtbot, page.controls.run_button)
    qtbot.waitUntil(lambda: not page.epochs.busy(), timeout=10_000)
    enter(qtbot, page.controls.sample, "2")
    for _ in range(12):
        press(qtbot, home, "Right", widget=page.graph)
    shown = _state(home)
    path = tmp_path / "lesson.json"
    choose_file(monkeypatch, path, save=True)
    click_menu(qtbot, home, "File", "Save lesson…")
    table = json.loads(path.read_text())["step"]["table"]
    assert table["targets"] == ["score", "mood"] and "target" not in table
    assert table["rows"][0] == [2, 7, 5, 1.5]
    home.close()
    school = shown_window(qtbot, make_main_window)
    assert _state(school) != shown
    choose_file(monkeypatch, path, save=False)
    click_menu(qtbot, school, "File", "Open lesson…")
    assert _state(school) == shown


def _state(window) -> dict:
    page = window.step_page
    session = page.session
    return {"layers": session.net.layer_sizes, "targets": session.table.target_names, "Y": session.Y.tolist(),
            "params": {k: v.tolist() for k, v in session.net.params.items()}, "row": session.sample,
            "epoch": session.epoch, "losses": list(session.epoch_losses), "step": page.transport.position.text(),
            "output units": sorted(k for k in page.graph.nodes if k.startswith("n2."))}
