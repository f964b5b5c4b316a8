"""The step-through page, driven as a user would: keys, clicks, bad entries."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from bpviz.gui.graph.state import view_state
from bpviz.gui.stepper.page import StepPage
from bpviz.nn.notation import result


@pytest.fixture
def page(qtbot):
    page = StepPage()
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    page.graph.setFocus()
    return page


def _shown(page):
    """What the graph and the equation panel show now."""
    nodes = {nid: dict(item.values) for nid, item in page.graph.nodes.items()}
    edges = {eid: dict(item.values) for eid, item in page.graph.edges.items()}
    return nodes, edges, page.equation.result.latex()


def _expected(page, index):
    state = view_state(page.controller.steps, index)
    nodes = {nid: {k: v for k, v in state.nodes.get(nid, {}).items()} for nid in page.graph.nodes}
    return nodes, state


def test_opens_on_notebook_regression_ready_to_play(page):
    assert page.controls.preset.currentText() == "notebook-regression"
    assert len(page.controller.steps) == 32 and page.controller.index == -1
    assert "Press Space to play" in page.equation.heading.text()
    assert set(page.graph.nodes) == {"n0.1", "n0.2", "n1.1", "n1.2", "n2.1", "J"}


def test_stepping_forward_then_back_shows_exactly_each_steps_values(page, qtbot):
    steps = page.controller.steps
    forward_views = []
    for index in range(len(steps)):
        qtbot.keyClick(page.graph, Qt.Key.Key_Right)
        assert page.controller.index == index
        nodes, edges, latex = _shown(page)
        expected_nodes, state = _expected(page, index)
        for nid, values in expected_nodes.items():
            assert {k: v for k, v in nodes[nid].items() if k != "x"} == values
        for eid, values in state.edges.items():
            assert edges[eid] == values
        assert latex.endswith(result(steps[index].value).latex)
        forward_views.append((nodes, edges, latex))
    for index in range(len(steps) - 2, -1, -1):
        qtbot.keyClick(page.graph, Qt.Key.Key_Left)
        assert _shown(page) == forward_views[index]
    qtbot.keyClick(page.graph, Qt.Key.Key_Left)
    assert page.controller.index == -1
    assert all("z" not in v for v in _shown(page)[0].values())


def test_the_produced_value_appears_on_its_node_and_stays(page):
    c = page.controller
    c.set_index(0)  # z[1]_1
    assert page.graph.nodes["n1.1"].values["z"] == pytest.approx(1.6)
    assert page.graph.nodes["n1.1"].role == "current"
    c.set_index(6)  # the loss
    assert page.graph.nodes["J"].values["J"] == pytest.approx(13.5424)
    assert page.graph.nodes["n1.1"].values["z"] == pytest.approx(1.6)
    dw = next(s.index for s in c.steps if s.quantity == ("dw", 1, 2, 1))
    c.set_index(dw)
    assert page.graph.edges["w1.2.1"].values["dw"] == pytest.approx(-5.888)
    assert page.graph.arrows and all(a.direction == "backward" for a in page.graph.arrows)
    assert page.graph.nodes["n1.2"].reused  # dz[1]_2 comes from the cache
    assert len(page.equation.chain.factors) == 5


def test_keyboard_shortcuts(page, qtbot):
    c = page.controller
    qtbot.keyClick(page.graph, Qt.Key.Key_PageDown)
    assert c.step.phase == "forward" and c.index == 0
    qtbot.keyClick(page.graph, Qt.Key.Key_PageDown)
    assert c.step.phase == "loss"
    qtbot.keyClick(page.graph, Qt.Key.Key_PageDown)
    assert c.step.phase == "backward" and c.index == 7
    qtbot.keyClick(page.graph, Qt.Key.Key_End)
    assert c.index == 22 and c.steps[23].phase == "update"
    qtbot.keyClick(page.graph, Qt.Key.Key_Home)
    assert c.index == 7
    qtbot.keyClick(page.graph, Qt.Key.Key_PageUp)
    assert c.step.phase == "loss"
    speed = c.speed
    qtbot.keyClick(page.graph, Qt.Key.Key_Plus)
    assert c.speed == speed + 1
    qtbot.keyClick(page.graph, Qt.Key.Key_Minus)
    qtbot.keyClick(page.graph, Qt.Key.Key_Minus)
    assert c.speed == speed - 1
    qtbot.keyClick(page.graph, Qt.Key.Key_Space)
    assert c.playing
    qtbot.keyClick(page.graph, Qt.Key.Key_Space)
    assert not c.playing


def test_playing_goes_on_to_the_next_sample_and_epoch(page, qtbot):
    c = page.controller
    c.set_speed(7)  # the fastest
    c.to_end()
    c.step_forward()  # past the update: the next sample's trace
    assert page.session.sample == 1 and c.index == -1
    assert page.controls.sample.value() == 2
    w_after = page.session.net.params["W1"][0, 0]
    assert w_after == pytest.approx(0.105888)
    c.play()
    qtbot.waitUntil(lambda: page.session.sample == 2, timeout=15000)
    c.pause()


def test_run_epochs_plots_the_epoch_losses(page):
    page.controls.epochs.setValue(5)
    page.controls.run_button.click()
    x, y = page.loss_panel.curve.getData()
    assert list(x) == [1, 2, 3, 4, 5] and np.all(np.diff(y) < 0)
    assert page.session.epoch == 6 and page.controller.index == -1


def test_changing_the_preset_or_the_sizes_rebuilds_the_graph(page, qtbot):
    page.controls.preset.setCurrentText("logistic-regression")
    assert set(page.graph.nodes) == {"n0.1", "n0.2", "n1.1", "J"}
    assert page.boundary_box.isVisible()  # two inputs, a classifier
    page.controls.preset.setCurrentText("notebook-regression")
    page.controls.hidden.setText("3,2")
    page.controls.hidden.editingFinished.emit()
    assert page.session.net.layer_sizes == [2, 3, 2, 1]
    assert len([n for n in page.graph.nodes if n.startswith("n")]) == 8
    assert not page.boundary_box.isVisible()


@pytest.mark.parametrize("field, text, words", [
    ("hidden", "abc", "Hidden layers: expected whole numbers separated by commas, such as 2 or 3,2; got 'abc'"),
    ("hidden", "9", "Hidden layers: expected 1 to 8 units per layer, got '9'"),
    ("hidden", "²", "Hidden layers: expected whole numbers separated by commas"),
    ("hidden", "2,2,2,2", "expected at most 3 hidden layers, got 4"),
    ("lr", "0", "Learning rate: expected a finite number greater than 0, got '0'"),
    ("lr", "１.５", "Learning rate: expected a positive number such as 0.1, got '１.５'"),
    ("lr", "1e400", "Learning rate: expected a finite number greater than 0, got '1e400', too large to hold"),
    ("lr", "fast", "Learning rate: expected a positive number such as 0.1, got 'fast'"),
])
def test_invalid_entries_are_shown_inline_and_keep_the_session(page, field, text, words):
    before = page.session
    widget = getattr(page.controls, field)
    widget.setText(text)
    widget.editingFinished.emit()
    assert words in page.controls.error.text() and page.controls.error.isVisible()
    assert "border" in widget.styleSheet()
    assert page.session is before  # nothing the user had is lost


def test_bce_on_a_regression_table_is_explained(page):
    page.controls.loss.setCurrentText("bce")
    assert page.controls.error.text().startswith("Loss: the bce loss needs a target of 0 or 1; the lpa column holds 4 to 7")
    assert page.session.recipe.loss == "mse"


def test_a_csv_table_loads_and_a_bad_one_is_explained(page, tmp_path):
    good = tmp_path / "grades.csv"
    good.write_text("hours,sleep,score\n2,7,5\n4,6,6\n6,8,8\n")
    assert page.load_csv(str(good))
    assert page.session.table.feature_names == ("hours", "sleep") and page.session.m == 3
    assert page.controls.sample.maximum() == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,y\n1,x,2\n")
    assert not page.load_csv(str(bad))
    assert "expected a number, got 'x'" in page.controls.error.text()
    assert page.session.table.name == "grades"


def test_clicking_a_step_in_the_timeline_jumps_to_it(page, qtbot):
    item = page.timeline.items[9]
    page.timeline.itemClicked.emit(item, 0)
    assert page.controller.index == 9
    assert page.timeline.currentItem() is item


def test_hover_text_and_pinned_values(page):
    page.controller.set_index(13)
    assert "da = " in page.graph.nodes["n1.1"].toolTip()
    page.graph.elementClicked.emit("n1.1")
    assert "z = 1.6" in page.inspector.text() and "da = -0.736" in page.inspector.text()


def test_the_columns_dialog_picks_inputs_and_target(qtbot, page, tmp_path):
    from PySide6.QtCore import Qt as _Qt

    from bpviz.data.toy import csv_header
    from bpviz.gui.stepper.columns_dialog import ColumnsDialog

    path = tmp_path / "many.csv"
    header = [f"c{i}" for i in range(10)] + ["label"]
    path.write_text(",".join(header) + "\n" + ",".join(["1"] * 10 + ["0"]) + "\n"
                    + ",".join(["2"] * 10 + ["1"]) + "\n")
    dialog = ColumnsDialog(csv_header(path))
    qtbot.addWidget(dialog)
    assert dialog.chosen_targets() == ["label"]
    assert dialog.chosen_features() == [f"c{i}" for i in range(8)]  # the first 8 by default
    dialog.features.item(9).setCheckState(_Qt.CheckState.Checked)
    assert "at most 8 inputs" in dialog.message.text()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    for i in range(2, 10):
        dialog.features.item(i).setCheckState(_Qt.CheckState.Unchecked)
    assert dialog.message.text() == "" and dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    assert page.load_csv(str(path), ["c0", "c1"], ["label"])
    assert page.session.table.feature_names == ("c0", "c1")
    assert page.session.m == 2 and page.session.net.layer_sizes[0] == 2
