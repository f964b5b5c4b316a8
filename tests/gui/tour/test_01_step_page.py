"""README, "What bpviz is": the step-through page, as a person first meets it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor

from bpviz.gui import style
from bpviz.gui.graph.layout import GRADIENT_BOX, Z_BOX
from tests.gui.conftest import on_screen
from tests.gui.tour.helpers import (
    choose,
    click,
    enter,
    settle,
    step_to,
)
from tests.gui.userpath import answer_dialog, choose_file, ok_button, press


def _rect(widget) -> QRect:
    return QRect(widget.mapTo(widget.window(), widget.rect().topLeft()), widget.rect().size())


def _row(page) -> int:
    return page.controls.sample.value()


def test_the_app_opens_on_the_step_page_with_the_notebooks_regression_ready(main_window):
    """"The app opens on the step-through page with the notebook's 2-2-1 regression ready." """
    page = main_window.step_page
    assert main_window.pages.currentWidget() is page
    assert main_window.page_tabs.tabText(main_window.page_tabs.currentIndex()) == "Step through backprop"
    assert page.controls.preset.currentText() == "notebook-regression"
    assert page.session.net.layer_sizes == [2, 2, 1]
    assert sorted(page.graph.nodes) == ["J", "n0.1", "n0.2", "n1.1", "n1.2", "n2.1"]
    assert page.transport.position.text() == "ready · 32 steps"


def test_space_plays_a_full_forward_and_backward_pass(qtbot, main_window):
    """"press **Space** and watch a full forward and backward pass" (at the fastest speed, + + +)."""
    page = main_window.step_page
    for _ in range(8):
        press(qtbot, main_window, "+", widget=page.graph)
    shown = []
    page.controller.indexChanged.connect(shown.append)
    press(qtbot, main_window, "Space", widget=page.graph)
    assert page.controller.playing
    last_backward = max(s.index for s in page.controller.steps if s.phase == "backward")
    qtbot.waitUntil(lambda: page.controller.index >= last_backward, timeout=15_000)
    press(qtbot, main_window, "Space", widget=page.graph)
    assert not page.controller.playing
    assert shown[:last_backward + 1] == list(range(last_backward + 1))  # every step, one after another
    phases = [page.controller.steps[i].phase for i in shown[:last_backward + 1]]
    assert phases[0] == "forward" and "loss" in phases and phases[-1] == "backward"


def test_right_and_left_step(qtbot, main_window):
    """"**→ / ←** step" """
    page = main_window.step_page
    press(qtbot, main_window, "Right", widget=page.graph)
    press(qtbot, main_window, "Right", widget=page.graph)
    assert page.transport.position.text() == "step 2 of 32"
    press(qtbot, main_window, "Left", widget=page.graph)
    assert page.transport.position.text() == "step 1 of 32"
    assert page.equation.step is page.controller.steps[0]


def test_home_and_end_go_to_the_start_or_end_of_the_phase(qtbot, main_window):
    """"**Home / End** go to the start or end of the phase" """
    page = main_window.step_page
    step_to(qtbot, main_window, 12)  # in the backward pass: steps 8 to 23
    press(qtbot, main_window, "End", widget=page.graph)
    assert page.transport.position.text() == "step 23 of 32"
    press(qtbot, main_window, "Home", widget=page.graph)
    assert page.transport.position.text() == "step 8 of 32"
    assert page.controller.step.phase == "backward"


def test_pgup_and_pgdn_move_by_phase(qtbot, main_window):
    """"**PgUp / PgDn** move by phase" """
    page = main_window.step_page
    phases = []
    for _ in range(4):
        press(qtbot, main_window, "PgDown", widget=page.graph)
        phases.append((page.controller.step.phase, page.controller.index + 1))
    assert phases == [("forward", 1), ("loss", 7), ("backward", 8), ("update", 24)]
    press(qtbot, main_window, "PgUp", widget=page.graph)  # from a phase's first step: the one before
    assert (page.controller.step.phase, page.controller.index + 1) == ("backward", 8)


def test_plus_and_minus_change_the_speed(qtbot, main_window):
    """"**+ / −** change the speed" """
    page = main_window.step_page
    before = page.transport.speed_label.text()
    press(qtbot, main_window, "+", widget=page.graph)
    faster = page.transport.speed_label.text()
    assert float(faster.split()[0]) < float(before.split()[0])
    press(qtbot, main_window, "-", widget=page.graph)
    press(qtbot, main_window, "-", widget=page.graph)
    assert float(page.transport.speed_label.text().split()[0]) > float(before.split()[0])


def test_f_hides_the_side_panels_so_the_graph_and_the_equation_fill_the_window(qtbot, main_window):
    """"**F** hides the side panels so that the graph and the equation fill the window" """
    page = main_window.step_page
    settle(qtbot)
    graph, equation = _rect(page.graph), _rect(page.equation)
    press(qtbot, main_window, "F", widget=page.graph)
    settle(qtbot)
    assert not page.controls.isVisible() and not page.tabs.isVisible() and not page.loss_panel.isVisible()
    assert page.graph.width() > graph.width() and page.equation.width() > equation.width()
    assert page.graph.width() >= 0.9 * page.width()
    press(qtbot, main_window, "F", widget=page.graph)
    assert page.controls.isVisible()


def test_focus_mode_puts_the_chain_beside_the_formula_and_draws_the_graph_half_as_large_again(qtbot, main_window):
    """"the chain of factors moves beside the formula when the window is wide enough, and on
    a 1280×800 projector the graph is drawn half as large again" """
    on_screen(qtbot, main_window, "projector", (1280, 800))
    page = main_window.step_page
    settle(qtbot)
    step_to(qtbot, main_window, 21)  # dw[1]_21: a weight, with its chain
    settle(qtbot)
    zoom = page.graph.transform().m11()
    press(qtbot, main_window, "F", widget=page.graph)
    settle(qtbot)
    assert page.equation.is_side_by_side()
    chain, lines = _rect(page.equation.chain), _rect(page.equation.numbers)
    assert chain.left() >= lines.right() - 2 and chain.top() < lines.bottom()  # beside, not under
    assert page.graph.transform().m11() >= 1.5 * zoom


def test_the_graph_and_the_equation_keep_their_places_row_after_row(qtbot, main_window):
    """"The graph and the equation panel keep their places while the steps play, row after
    row: a longer formula shrinks into its line instead of pushing the graph." """
    page = main_window.step_page
    settle(qtbot)
    graph, equation = _rect(page.graph), _rect(page.equation)
    for _ in range(2 * (len(page.controller.steps) + 1)):  # two rows, each on past its update
        press(qtbot, main_window, "Right", widget=page.graph)
        settle(qtbot, 1)
        assert _rect(page.graph) == graph, f"row {_row(page)} step {page.controller.index + 1}"
        assert _rect(page.equation) == equation
        for line in (page.equation.symbols, page.equation.numbers, page.equation.result):
            assert line.height() <= line.maximumHeight()  # the formula shrinks into its line
    assert _row(page) == 3


def test_values_appear_on_the_units_as_they_are_computed(qtbot, main_window):
    """"Values appear on the units as they are computed (z above, a inside, da and dz below)" """
    page = main_window.step_page
    unit = page.graph.nodes["n1.1"]
    step_to(qtbot, main_window, 1)  # z[1]_1 = 1.6
    assert unit.values == {"z": pytest.approx(1.6)} and "z = 1.6" in unit.toolTip()
    assert Z_BOX[3] <= 0  # the z line is drawn above the circle
    step_to(qtbot, main_window, 2)  # a[1]_1 = 1.6
    assert unit.values["a"] == pytest.approx(1.6)
    step_to(qtbot, main_window, 16)  # da[1]_1 (step 14) and dz[1]_1 (step 16)
    assert unit.values["da"] == pytest.approx(-0.736) and unit.values["dz"] == pytest.approx(-0.736)
    assert GRADIENT_BOX[1] >= 0  # below the circle
    assert "da = -0.736" in unit.toolTip() and "dz = -0.736" in unit.toolTip()


def test_each_edge_is_labelled_with_its_weight_then_its_gradient_then_its_new_value(qtbot, main_window):
    """"each edge is labelled with its weight, w[l]_jk and its value, then its gradient dw and
    its updated value" """
    page = main_window.step_page
    edge = page.graph.edges["w1.2.1"]
    step_to(qtbot, main_window, 1)
    assert edge.label.isVisible()
    assert [text for text, _ in edge.label_lines()] == [r"w^{[1]}_{21} = 0.1"]
    step_to(qtbot, main_window, 21)  # dw[1]_21
    lines = [text for text, _ in edge.label_lines()]
    assert lines[0] == r"w^{[1]}_{21} = 0.1" and lines[1].startswith("dw = -5.888")
    step_to(qtbot, main_window, 27)  # w[1]_21 updated
    assert edge.label_lines()[0][0] == r"w^{[1]}_{21} \leftarrow 0.1059"  # the graph's four digits
    assert "after the update: w = 0.10589" in edge.toolTip()  # five in the tooltip


def _pixels_near(image, color: QColor, tolerance: int = 40) -> int:
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixelColor(x, y)
            if all(abs(a - b) <= tolerance for a, b in zip(pixel.getRgb()[:3], color.getRgb()[:3])):
                count += 1
    return count


def test_the_equation_panel_typesets_the_formula_the_numbers_the_result_and_the_chain(qtbot, main_window):
    """"The equation panel typesets each step: the formula, the same with numbers, the
    result, and for a weight the whole chain of factors coloured like the arrows they
    come from." """
    page = main_window.step_page
    step_to(qtbot, main_window, 21)  # dw[1]_21 = (-0.736)·8 = -5.888
    eq = page.equation
    symbol = r"dw^{[1]}_{21}"
    assert eq.symbols.latex().startswith(symbol + " = ") and "dz" in eq.symbols.latex()
    assert eq.numbers.latex().startswith(symbol + " = ") and "-0.736" in eq.numbers.latex() and "8" in eq.numbers.latex()
    assert eq.result.latex() == symbol + " = -5.888"
    assert eq.chain.isVisible() and eq.chain_title.isVisible()
    arrows = {f.arrow for f in eq.chain.factors}
    assert len(eq.chain.factors) >= 4 and arrows == {"forward", "backward"}
    settle(qtbot)
    picture = eq.chain.grab().toImage()
    assert _pixels_near(picture, style.FORWARD) > 5 and _pixels_near(picture, style.BACKWARD) > 5
    step_to(qtbot, main_window, 1)  # not a weight's gradient: no chain
    assert not eq.chain.isVisible()


def test_steps_and_rows_are_counted_from_1(qtbot, main_window):
    """"Steps and rows are counted from 1 (the transport reads "step 21 of 32")." """
    page = main_window.step_page
    assert page.controls.sample.value() == 1  # the table's first row
    step_to(qtbot, main_window, 21)
    assert page.transport.position.text() == "step 21 of 32"
    assert "step 21" in page.equation.heading.text()


def test_after_the_update_playing_goes_on_with_the_next_row(qtbot, main_window):
    """"After the update, playing goes on with the next row of the table" """
    page = main_window.step_page
    for _ in range(8):
        press(qtbot, main_window, "+", widget=page.graph)
    press(qtbot, main_window, "PgDown", widget=page.graph)
    press(qtbot, main_window, "PgDown", widget=page.graph)
    press(qtbot, main_window, "PgDown", widget=page.graph)
    press(qtbot, main_window, "PgDown", widget=page.graph)
    press(qtbot, main_window, "End", widget=page.graph)
    assert page.transport.position.text() == "step 32 of 32"
    new_w = page.controller.steps[-1].value
    press(qtbot, main_window, "Space", widget=page.graph)
    qtbot.waitUntil(lambda: _row(page) == 2, timeout=3000)
    qtbot.waitUntil(lambda: page.controller.index >= 0, timeout=3000)
    assert page.controller.playing
    assert page.session.net.params["b2"][0, 0] == pytest.approx(new_w)  # the update was applied
    press(qtbot, main_window, "Space", widget=page.graph)
    assert np.allclose(page.session.x(), page.session.X[:, 1])


def test_run_epochs_trains_without_animation_and_the_loss_per_epoch_follows(qtbot, main_window):
    """"**Run epochs** trains without animation, and the loss per epoch ... follow[s]." """
    page = main_window.step_page
    enter(qtbot, page.controls.epochs, "5")
    click(qtbot, page.controls.run_button)
    assert page.session.epoch == 6 and len(page.session.epoch_losses) == 5
    x, y = page.loss_panel.curve.getData()
    assert list(x) == [1, 2, 3, 4, 5] and np.allclose(y, page.session.epoch_losses)
    assert page.transport.position.text() == "ready · 32 steps" and not page.controller.playing


def test_for_two_input_classifiers_the_decision_boundary_follows(qtbot, main_window):
    """"Run epochs ... and (for two-input classifiers) the decision boundary follow." """
    page = main_window.step_page
    assert not page.boundary_box.isVisible()  # a regression has no boundary
    choose(qtbot, page.controls.preset, "notebook-classification")
    assert page.boundary_box.isVisible()
    before = page.boundary.image.image.copy()
    enter(qtbot, page.controls.lr, "0.5")
    enter(qtbot, page.controls.epochs, "30")
    click(qtbot, page.controls.run_button)
    assert not np.allclose(page.boundary.image.image, before)
    assert len(page.session.epoch_losses) == 30


def _blow_up(qtbot, page) -> None:
    # A learning rate ten times the preset's: the losses climb by decades an epoch until
    # the cost passes a million times its start.
    choose(qtbot, page.controls.preset, "linear-regression")
    enter(qtbot, page.controls.lr, "0.01")
    enter(qtbot, page.controls.epochs, "10")
    click(qtbot, page.controls.run_button)


def test_a_learning_rate_that_blows_up_stops_run_epochs_with_a_message(qtbot, main_window):
    """"A learning rate that makes the numbers blow up stops Run epochs with a message naming
    the epoch, the row and the rate" """
    page = main_window.step_page
    _blow_up(qtbot, page)
    note = page.controls.error  # under the form's buttons, where its messages go
    assert note.isVisible()
    assert "stopped in epoch" in note.text() and f"on row {_row(page)}" in note.text()
    assert "learning rate 0.01 is too high: try 2e-05" in note.text()
    assert len(page.session.epoch_losses) < 10


def test_after_a_blow_up_the_page_shows_that_row_with_the_last_finite_weights(qtbot, main_window):
    """"the page then shows that row with the last weights whose loss was finite" """
    page = main_window.step_page
    _blow_up(qtbot, page)
    assert f"on row {_row(page)}" in page.controls.error.text()
    assert all(np.isfinite(v).all() for v in page.session.net.params.values())
    loss = next(s for s in page.controller.steps if s.phase == "loss")
    assert np.isfinite(loss.value)
    assert np.allclose(page.session.x(), page.session.X[:, _row(page) - 1])


def test_the_loss_axis_turns_logarithmic_when_the_losses_span_decades(qtbot, main_window):
    """"the loss axis turns logarithmic when the losses span decades" """
    page = main_window.step_page
    _blow_up(qtbot, page)
    losses = np.asarray(page.session.epoch_losses)
    assert losses.max() / losses.min() > 1e3
    assert page.loss_panel.plot.getPlotItem().ctrl.logYCheck.isChecked()
    assert "log" in page.loss_panel.plot.getAxis("left").labelText


def test_the_form_changes_the_preset(qtbot, main_window):
    """"The form on the left changes the preset" """
    page = main_window.step_page
    choose(qtbot, page.controls.preset, "two-layer")
    assert page.session.recipe.name == "two-layer"
    assert page.transport.position.text() == f"ready · {len(page.controller.steps)} steps"


def test_the_form_changes_the_hidden_layers_up_to_3_of_up_to_8_units(qtbot, main_window):
    """"the hidden layers (up to 3 hidden layers of up to 8 units; the output layer follows
    from the table)" """
    page = main_window.step_page
    enter(qtbot, page.controls.hidden, "8,3,2")
    assert page.session.net.layer_sizes == [2, 8, 3, 2, 1]
    assert "n3.2" in page.graph.nodes and "n4.1" in page.graph.nodes
    for too_many in ("2,2,2,2", "9"):
        enter(qtbot, page.controls.hidden, too_many)
        assert page.controls.error.isVisible() and "Hidden layers" in page.controls.error.text()
        assert page.session.net.layer_sizes == [2, 8, 3, 2, 1]


def test_the_form_changes_the_activation_loss_learning_rate_init_and_row(qtbot, main_window):
    """"the form on the left changes ... activation, loss, learning rate, init and row" """
    page = main_window.step_page
    choose(qtbot, page.controls.preset, "notebook-classification")
    choose(qtbot, page.controls.activation, "tanh")
    assert page.session.recipe.activation == "tanh"
    choose(qtbot, page.controls.loss, "mse")
    assert page.session.recipe.loss == "mse"
    enter(qtbot, page.controls.lr, "0.25")
    assert page.session.recipe.lr == 0.25
    choose(qtbot, page.controls.init, "random (seeded)")
    assert page.session.recipe.init == "tutorial"
    assert not np.allclose(page.session.net.params["W1"], 0.1)
    enter(qtbot, page.controls.sample, "3")
    assert page.session.sample == 2
    press(qtbot, main_window, "Right", widget=page.graph)
    assert page.graph.nodes["n0.1"].values["x"] == page.session.X[0, 2]


def test_the_form_loads_your_own_csv_table_through_its_button_and_the_columns_dialog(
        qtbot, main_window, tmp_path, monkeypatch):
    """"or loads your own CSV table" (the Load CSV table… button, then the columns dialog)."""
    page = main_window.step_page
    path = tmp_path / "houses.csv"
    path.write_text("rooms,age,garden,price\n3,10,1,2.5\n4,5,0,3.1\n2,30,1,1.2\n5,2,1,4.0\n")
    choose_file(monkeypatch, path, save=False)

    def fill(dialog):
        assert dialog.windowTitle() == "Choose the columns"
        age = dialog.features.findItems("age", Qt.MatchFlag.MatchExactly)[0]
        rect = dialog.features.visualItemRect(age)  # untick "age": click its check box
        qtbot.mouseClick(dialog.features.viewport(), Qt.MouseButton.LeftButton,
                         pos=rect.topLeft() + type(rect.topLeft())(10, rect.height() // 2))
        assert age.checkState() == Qt.CheckState.Unchecked
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with answer_dialog(qtbot, fill):
        click(qtbot, page.controls.csv_button)
    assert page.session.table.feature_names == ("rooms", "garden")
    assert page.session.table.target_names == ("price",) and page.session.m == 4
    assert page.graph.nodes["n0.1"].subtitle == "rooms" and page.graph.nodes["n0.2"].subtitle == "garden"


def test_a_mistake_is_explained_under_the_forms_buttons_and_no_field_moves(qtbot, main_window):
    """"a mistake is explained under the form's buttons (the loss plot below gives way), so no
    field moves." """
    page = main_window.step_page
    controls = page.controls
    settle(qtbot)
    fields = [controls.preset, controls.hidden, controls.activation, controls.loss, controls.lr,
              controls.init, controls.seed, controls.sample, controls.csv_button, controls.run_button]
    before = [_rect(w) for w in fields]
    enter(qtbot, controls.lr, "fast")
    settle(qtbot)
    assert controls.error.isVisible() and "Learning rate" in controls.error.text() and "'fast'" in controls.error.text()
    assert _rect(controls.error).top() >= _rect(controls.run_button).bottom()
    assert [_rect(w) for w in fields] == before
    assert page.session.recipe.lr == 0.001  # the session is kept


README_CLASSES = "x1,x2,red,blue,green\n0,1,1,0,0\n2,1,0,1,0\n3,3,0,0,1\n"


def _tick(qtbot, names, text: str) -> None:
    item = names.findItems(text, Qt.MatchFlag.MatchExactly)[0]
    rect = names.visualItemRect(item)
    qtbot.mouseClick(names.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.topLeft() + type(rect.topLeft())(10, rect.height() // 2))


def test_several_outputs_one_unit_per_ticked_target_column_each_with_its_loss_edge(
        qtbot, main_window, tmp_path, monkeypatch):
    """"A table has 1 to 4 target columns, and the output layer one unit per target, each
    with its loss edge into J. **Load CSV table…** lists the file's columns twice: tick the
    inputs (1 to 8) and the targets (1 to 4; by default the last column)" """
    page = main_window.step_page
    path = tmp_path / "classes.csv"
    path.write_text(README_CLASSES)
    choose_file(monkeypatch, path, save=False)

    def fill(dialog):
        assert dialog.chosen_targets() == ["green"]
        for name in ("red", "blue"):
            _tick(qtbot, dialog.features, name)
            _tick(qtbot, dialog.targets, name)
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with answer_dialog(qtbot, fill):
        click(qtbot, page.controls.csv_button)
    assert page.session.table.target_names == ("red", "blue", "green")
    assert page.session.net.layer_sizes == [2, 2, 3]
    assert sorted(k for k in page.graph.edges if k.startswith("J.")) == ["J.1", "J.2", "J.3"]


def test_a_choice_the_page_cannot_take_is_said_in_the_dialog_and_ok_waits(qtbot, main_window, tmp_path,
                                                                          monkeypatch):
    """"a choice the page cannot take is said in the dialog, and OK waits for a good one." """
    page = main_window.step_page
    path = tmp_path / "classes.csv"
    path.write_text(README_CLASSES)
    choose_file(monkeypatch, path, save=False)
    seen = []

    def fill(dialog):
        _tick(qtbot, dialog.targets, "blue")  # blue: an input and a target
        seen.append((dialog.message.text(), ok_button(dialog).isEnabled()))
        _tick(qtbot, dialog.features, "blue")
        seen.append((dialog.message.text(), ok_button(dialog).isEnabled()))
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with answer_dialog(qtbot, fill):
        click(qtbot, page.controls.csv_button)
    assert seen == [("The column blue is ticked both as an input and as a target; expected each column in one "
                     "list: untick it in the other.", False), ("", True)]
    assert page.session.table.target_names == ("blue", "green")


def test_the_loss_says_what_the_targets_are_and_a_softmax_takes_one_hot_class_columns(
        qtbot, main_window, tmp_path):
    """"`cross_entropy` for classes, a softmax over 2 to 4 one-hot class columns [...] A
    single column of class numbers (0, 1, 2) is one target of values, not classes [...] A
    loss the targets cannot take is refused naming the column or the row. The decision
    boundary shows for two inputs with one sigmoid output, or a softmax" """
    page = main_window.step_page
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("x1,x2,class\n0,1,0\n2,1,1\n3,3,2\n")
    assert page.load_csv(str(numbers))
    choose(qtbot, page.controls.loss, "cross_entropy")
    assert page.controls.error.text().startswith("Loss: cross_entropy (a softmax over the classes) needs 2 to 4 "
                                                 "target columns, one per class")
    assert "the table has one target column (class)" in page.controls.error.text()
    choose(qtbot, page.controls.loss, "bce")
    assert "the class column holds 0 to 2; expected 0 or 1" in page.controls.error.text()
    classes = tmp_path / "classes.csv"
    classes.write_text(README_CLASSES)
    assert page.load_csv(str(classes), ["x1", "x2"], ["red", "blue", "green"])
    assert not page.boundary_box.isVisible()  # mse: values, no boundary
    choose(qtbot, page.controls.loss, "cross_entropy")
    assert page.controls.error.text() == "" and page.session.net.activations[-1] == "softmax"
    assert page.boundary_box.isVisible()


def test_the_two_outputs_preset_is_a_step_small_enough_to_check_by_hand(qtbot, main_window):
    """"The preset `two-outputs` is the notebook's table with a second target (cgpa,
    resume_score -> lpa, offers) on a 2-2-2 network, every weight 0.1" """
    page = main_window.step_page
    choose(qtbot, page.controls.preset, "two-outputs")
    assert page.session.net.layer_sizes == [2, 2, 2]
    assert all((v == 0.1).all() for k, v in page.session.net.params.items() if k[0] == "W")
    step_to(qtbot, main_window, 9)  # the loss: (0.32 - 4)² + (0.32 - 1)²
    assert page.controller.step.symbol.text == "J"
    assert float(page.controller.step.value) == pytest.approx(14.0048)


def test_forward_arrows_are_blue_and_backward_arrows_red(qtbot, main_window):
    """"a network's layer graph with blue forward and red backward arrows" """
    page = main_window.step_page
    step_to(qtbot, main_window, 1)
    assert page.graph.arrows and {a.direction for a in page.graph.arrows} == {"forward"}
    step_to(qtbot, main_window, 14)  # da[1]_1, read back along w[2]_11
    assert page.graph.arrows and {a.direction for a in page.graph.arrows} == {"backward"}
    settle(qtbot)
    qtbot.waitUntil(lambda: page.graph.pulse.state() != page.graph.pulse.State.Running, timeout=3000)
    picture = page.graph.grab().toImage()
    assert _pixels_near(picture, style.BACKWARD, 30) > 20
    step_to(qtbot, main_window, 1)
    qtbot.waitUntil(lambda: page.graph.pulse.state() != page.graph.pulse.State.Running, timeout=3000)
    assert _pixels_near(page.graph.grab().toImage(), style.FORWARD, 30) > 20


@pytest.mark.parametrize("scale_keys", [0, 2], ids=["100%", "150%"])
def test_a_two_input_classifier_with_its_boundary_still_fits_a_1280x800_projector(qtbot, main_window, scale_keys):
    """"(for two-input classifiers) the decision boundary follow[s]", and the window still
    "fills a small screen (a 1280×800 projector)": the form's column scrolls instead of
    making the window taller than the screen."""
    screen = on_screen(qtbot, main_window, "projector", (1280, 800))
    for _ in range(scale_keys):
        press(qtbot, main_window, "Ctrl+=")
    page = main_window.step_page
    choose(qtbot, page.controls.preset, "notebook-classification")
    settle(qtbot)
    assert page.boundary_box.isVisible()
    assert main_window.minimumSizeHint().height() <= screen.availableGeometry().height()
    assert main_window.height() <= screen.availableGeometry().height()
    status = main_window.statusBar()
    assert main_window.rect().contains(QRect(status.mapTo(main_window, status.rect().topLeft()), status.size()))
    side = page.side_panels[0]
    bar = side.verticalScrollBar()
    bar.setValue(bar.maximum())  # the scroll bar dragged to its end
    settle(qtbot)
    plot = QRect(page.boundary.mapTo(side.viewport(), page.boundary.rect().topLeft()), page.boundary.rect().size())
    assert side.viewport().rect().contains(plot)  # the whole plot can be seen
