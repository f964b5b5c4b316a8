"""README, "What bpviz is", the paragraph on **Edit > Network values…** (Ctrl+N), as a
teacher with a worked example uses it: the dialog opened from the menu, typed into cell by
cell (Tab between them), a block pasted from a spreadsheet with Ctrl+V, OK pressed; the
step page then plays the typed network, Edit > Undo (Ctrl+Z) brings back what was there,
and a lesson saved reopens to it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from tests.gui.tour.helpers import choose, enter, shown_window, step_to, window_back
from tests.gui.userpath import (
    answer_dialog, choose_file, click_menu, menu_action, ok_button, press, type_into,
)


@pytest.fixture
def window(main_window):
    """The tour's window (tests/gui/tour/conftest.py): active, so its keys reach it."""
    return main_window


def cell(dialog, key: str, j: int, k: int = 1):
    """The cell of row ``j``, column ``k`` (from 1) of the grid ``key`` ("x", "W1", "b2", "y")."""
    return dialog.grids[key].cells[j - 1][k - 1]


def shown(dialog, key: str) -> list[list[str]]:
    return [[c.text() for c in row] for row in dialog.grids[key].cells]


def is_marked(widget) -> bool:
    return "border: 2px solid" in widget.styleSheet()


def with_dialog(qtbot, window, fill, via: str = "menu"):
    """Open Edit > Network values… (or press Ctrl+N) and answer it with ``fill(dialog)``,
    once the dialog is the active window (as a window manager makes a dialog that opens)."""
    def answer(dialog):
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        fill(dialog)

    with answer_dialog(qtbot, answer) as state:
        if via == "menu":
            click_menu(qtbot, window, "Edit", "Network values…")
        else:
            press(qtbot, window, via, widget=window.step_page.graph)
    window_back(qtbot, window)
    return state["dialog"]


def type_in_order(qtbot, dialog, texts: list[str]) -> None:
    """From x_1, type each number and press Tab, as a person goes through the cells."""
    first = cell(dialog, "x", 1)
    first.setFocus()
    first.selectAll()
    for text in texts:
        field = QApplication.focusWidget()
        field.selectAll()
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Tab)


def erase(qtbot, field) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Backspace)


def step_value(page, phase: str, symbol_start: str = "") -> float:
    step = next(s for s in page.controller.steps if s.phase == phase and s.symbol.text.startswith(symbol_start))
    return float(step.value)


# --- opening ---------------------------------------------------------------------------

def test_the_menu_item_opens_the_dialog_filled_with_the_network_and_row_shown(qtbot, window):
    """"It opens on the network and the row shown, so you edit rather than start from
    nothing." The notebook's classification preset, row 3, one weight edited: the dialog
    shows those sizes, weights, biases, that row and its target, the activations, loss and
    rate; Esc leaves everything as it was."""
    """The notebook's classification preset, row 3, one weight edited: the dialog shows
    those sizes, weights, biases, that row and its target, the activation, loss and rate;
    Esc leaves everything as it was."""
    page = window.step_page
    choose(qtbot, page.controls.preset, "notebook-classification")
    enter(qtbot, page.controls.sample, "3")
    from bpviz.gui.stepper.editing import Target

    page.edit_value(Target("param", "W1", (1, 0), "w[1]_21"), 0.25)
    before = page.lesson_state()
    seen = {}

    def fill(dialog):
        seen.update(sizes=dialog.sizes_field.text(), W1=shown(dialog, "W1"), b1=shown(dialog, "b1"),
                    W2=shown(dialog, "W2"), x=shown(dialog, "x"), y=shown(dialog, "y"),
                    hidden=dialog.hidden.currentText(), output=dialog.output.currentText(),
                    loss=dialog.loss.currentText(), lr=dialog.lr.text(), ok=ok_button(dialog).isEnabled())
        press(qtbot, dialog, "Escape")

    with_dialog(qtbot, window, fill)
    assert seen == {"sizes": "2-2-1", "W1": [["0.1", "0.1"], ["0.25", "0.1"]], "b1": [["0"], ["0"]],
                    "W2": [["0.1", "0.1"]], "x": [["6"], ["10"]], "y": [["0"]], "hidden": "sigmoid",
                    "output": "sigmoid", "loss": "bce", "lr": "0.0001", "ok": True}
    assert page.session.sample == 2 and page.session.net.params["W1"][1, 0] == 0.25
    assert page.lesson_state().recipe == before.recipe and page.undo_stack.count() == 1


def test_ctrl_n_opens_it_and_the_shortcut_sheet_lists_it(qtbot, window):
    """"**Edit > Network values…** (Ctrl+N)", and the F1 sheet, read from the menus, lists it."""
    titles = []
    with_dialog(qtbot, window, lambda d: (titles.append(d.windowTitle()), d.reject()), via="Ctrl+N")
    assert titles == ["Network values"]
    sheet = window.show_shortcuts()
    assert any(("Ctrl+N", "Network values") in rows for _, rows in sheet.groups)
    sheet.close()
    press(qtbot, window, "Ctrl+2")  # the training page has no network to type: the item is off there
    assert not menu_action(window, "Edit", "Network values…").isEnabled()


# --- typing a worked example -----------------------------------------------------------

#: Matt Mazur's "A Step by Step Backpropagation Example", reduced to its first output: the
#: hidden layer and o1 are the article's, so its numbers hold: out_h1 0.593269992, out_o1
#: 0.75136507, E_o1 = ½(target - out)² 0.274811083 and ∂E/∂w5 0.082167041. The mse loss
#: has no ½, so its J and its gradients are twice the article's.
MAZUR_221 = ["0.05", "0.10",  # x
             "0.15", "0.20", "0.25", "0.30", "0.35", "0.35",  # W[1], b[1]
             "0.40", "0.45", "0.60",  # W[2], b[2]
             "0.01"]  # y
#: The article's whole network: 2-2-2, two targets.
MAZUR_222 = ["0.05", "0.10", "0.15", "0.20", "0.25", "0.30", "0.35", "0.35",
             "0.40", "0.45", "0.50", "0.55", "0.60", "0.60", "0.01", "0.99"]


def test_typing_a_2_2_1_example_plays_it_with_the_articles_numbers(qtbot, window):
    """"OK plays the typed network, on a one-row table called `typed`, from its first
    step." Typed cell by cell with Tab, OK by Return."""
    page = window.step_page

    def fill(dialog):
        type_into(qtbot, dialog.sizes_field, "2-2-1")
        choose(qtbot, dialog.hidden, "sigmoid")
        choose(qtbot, dialog.output, "sigmoid")
        choose(qtbot, dialog.loss, "mse")
        type_into(qtbot, dialog.lr, "0.5")
        type_in_order(qtbot, dialog, MAZUR_221)
        assert ok_button(dialog).isEnabled(), dialog.message.message
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Return = OK

    with_dialog(qtbot, window, fill)
    session = page.session
    assert session.net.layer_sizes == [2, 2, 1] and session.recipe.lr == 0.5
    assert session.table.name == "typed" and session.m == 1 and page.controls.sample.maximum() == 1
    assert page.controller.index == -1 and page.transport.position.text().startswith("ready")
    hidden = [s.value for s in page.controller.steps if s.phase == "forward" and s.symbol.text.startswith("a[1]")]
    assert np.allclose(hidden, [0.593269992, 0.596884378], atol=1e-9)
    assert step_value(page, "forward", "a[2]") == pytest.approx(0.75136507, abs=1e-8)
    assert step_value(page, "loss") == pytest.approx(2 * 0.274811083, abs=1e-9)
    assert step_value(page, "update", "w[2]_11") == pytest.approx(0.40 - 0.5 * 2 * 0.082167041, abs=1e-9)
    # The graph plays it: its input units show the typed row.
    assert [page.graph.nodes[f"n0.{j}"].values.get("x") for j in (1, 2)] == [0.05, 0.10]


def test_typing_mazurs_2_2_2_example_gives_the_articles_numbers(qtbot, window):
    """"Matt Mazur's "A Step by Step Backpropagation Example" (2-2-2, sigmoid, the quadratic
    loss, learning rate 0.5) typed in gives the article's numbers: a total error of
    0.298371109, and w5 = 0.35891648 after the update" (and w1 = 0.149780716)."""
    page = window.step_page

    def fill(dialog):
        type_into(qtbot, dialog.sizes_field, "2-2-2")
        choose(qtbot, dialog.hidden, "sigmoid")
        choose(qtbot, dialog.output, "sigmoid")
        choose(qtbot, dialog.loss, "quadratic")
        type_into(qtbot, dialog.lr, "0.5")
        type_in_order(qtbot, dialog, MAZUR_222)
        assert ok_button(dialog).isEnabled(), dialog.message.message
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with_dialog(qtbot, window, fill)
    assert page.session.net.layer_sizes == [2, 2, 2]
    assert step_value(page, "loss") == pytest.approx(0.298371109, abs=1e-9)
    assert step_value(page, "update", "w[2]_11") == pytest.approx(0.35891648, abs=1e-8)
    assert step_value(page, "update", "w[1]_11") == pytest.approx(0.149780716, abs=1e-9)


# --- paste -----------------------------------------------------------------------------

def paste(qtbot, dialog, target, text: str) -> None:
    QGuiApplication.clipboard().setText(text)
    target.setFocus()
    press(qtbot, dialog, "Ctrl+V", widget=target)


def test_a_block_pasted_from_a_spreadsheet_fills_the_grid_from_the_cell_chosen(qtbot, window):
    """"A block copied from a spreadsheet pastes with **Ctrl+V** into the cell of its
    top-left number: cells separated by tabs, semicolons, commas or spaces, one line per
    row ... A row pasted into a column (or a column into a row) turns." """
    seen = {}

    def fill(dialog):
        type_into(qtbot, dialog.sizes_field, "2-3-1")
        paste(qtbot, dialog, cell(dialog, "W1", 1), "0.15\t0.20\r\n0.25\t0.30\r\n-1.5\t2e-3\r\n")
        seen["W1"] = shown(dialog, "W1")
        paste(qtbot, dialog, cell(dialog, "b1", 1), "0.35\t0.36\t0.37\n")  # a row into a column turns
        seen["b1"] = shown(dialog, "b1")
        paste(qtbot, dialog, cell(dialog, "W2", 1), "0.4\n0.45\n0.5")  # a column into a row turns
        seen["W2"] = shown(dialog, "W2")
        paste(qtbot, dialog, cell(dialog, "x", 1), "0.05; 0.1")
        seen["x"] = shown(dialog, "x")
        seen["ok"] = ok_button(dialog).isEnabled()
        assert seen["ok"], dialog.message.message
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with_dialog(qtbot, window, fill)
    assert seen == {"W1": [["0.15", "0.20"], ["0.25", "0.30"], ["-1.5", "2e-3"]],
                    "b1": [["0.35"], ["0.36"], ["0.37"]], "W2": [["0.4", "0.45", "0.5"]],
                    "x": [["0.05"], ["0.1"]], "ok": True}
    params = window.step_page.session.net.params
    assert params["W1"].tolist() == [[0.15, 0.2], [0.25, 0.3], [-1.5, 0.002]]
    assert params["W2"].tolist() == [[0.4, 0.45, 0.5]]


def test_a_block_too_large_or_with_decimal_commas_is_refused_by_name_and_nothing_changes(qtbot, window):
    """"a block larger than the room from that cell is refused, and so are commas that
    could be decimal commas (`0,15 0,20`)"; numbers take a decimal point."""
    seen = {}

    def fill(dialog):
        before = shown(dialog, "W1")
        paste(qtbot, dialog, cell(dialog, "W1", 2), "1\t2\n3\t4\n")
        seen["large"] = (dialog.message.message, shown(dialog, "W1") == before)
        paste(qtbot, dialog, cell(dialog, "W1", 1), "0,15 0,20\n0,25 0,30")
        seen["commas"] = (dialog.message.message, shown(dialog, "W1") == before)
        paste(qtbot, dialog, cell(dialog, "W1", 1), "0,15\t0,20\n")  # tabs: the commas are in the numbers
        seen["cell"] = (dialog.message.message, is_marked(cell(dialog, "W1", 1, 1)), ok_button(dialog).isEnabled())
        press(qtbot, dialog, "Escape")

    with_dialog(qtbot, window, fill)
    message, unchanged = seen["large"]
    assert unchanged and message.startswith("Nothing pasted: the block is 2 rows × 2 columns; from W[1] row 2, "
                                            "column 1 there is room for 1 row × 2 columns")
    message, unchanged = seen["commas"]
    assert unchanged and "decimal comma" in message and "0.15, not 0,15" in message
    message, marked, ok = seen["cell"]
    assert "W[1] row 1, column 1: expected a number with a decimal point, such as 0.15, got '0,15'" in message
    assert marked and not ok


# --- bad cells -------------------------------------------------------------------------

def test_bad_cells_are_marked_and_named_and_ok_stays_off_until_all_are_numbers(qtbot, window):
    """"Every bad cell is marked in red and named under the grids ("W[1] row 2, column 1:
    expected a number, got '1,,2'") ... OK stays off until all is valid." Nothing changes
    on the page meanwhile."""
    page = window.step_page
    before = _where(page)
    seen = {}

    def fill(dialog):
        type_into(qtbot, cell(dialog, "W1", 2, 1), "1,,2")
        erase(qtbot, cell(dialog, "b1", 1))
        type_into(qtbot, cell(dialog, "y", 1), "nan")
        type_into(qtbot, dialog.lr, "-1")
        seen["message"] = dialog.message.message
        seen["marked"] = [is_marked(w) for w in (cell(dialog, "W1", 2, 1), cell(dialog, "b1", 1),
                                                 cell(dialog, "y", 1), dialog.lr, cell(dialog, "W1", 1, 1))]
        seen["tooltip"] = cell(dialog, "W1", 2, 1).toolTip()
        seen["tips"] = [cell(dialog, "b1", 1).toolTip(), cell(dialog, "y", 1).toolTip()]
        seen["ok"] = ok_button(dialog).isEnabled()
        qtbot.keyClick(dialog.lr, Qt.Key.Key_Return)  # OK is off: Return does nothing
        seen["open"] = dialog.isVisible()
        for widget, text in ((cell(dialog, "W1", 2, 1), "1.2"), (cell(dialog, "b1", 1), "0"),
                             (cell(dialog, "y", 1), "4"), (dialog.lr, "0.01")):
            type_into(qtbot, widget, text)
        seen["fixed"] = (ok_button(dialog).isEnabled(), dialog.message.message, is_marked(dialog.lr))
        press(qtbot, dialog, "Escape")

    with_dialog(qtbot, window, fill)
    message = seen["message"]
    assert message.splitlines()[:2] == ["Learning rate: expected a finite number greater than 0, got '-1'",
                                        "W[1] row 2, column 1: expected a number, got '1,,2'"]
    assert message.splitlines()[2] == "… and 2 more, marked in red (1 empty); the mouse over one says what it expects"
    assert seen["tips"] == ["b[1] row 1: empty; expected a number", "y_1: expected a finite number, got 'nan'"]
    assert seen["tooltip"] == "W[1] row 2, column 1: expected a number, got '1,,2'"
    assert seen["marked"] == [True, True, True, True, False]
    assert not seen["ok"] and seen["open"]
    assert seen["fixed"] == (True, "", False)
    assert _where(page) == before


def test_new_layer_sizes_reshape_the_grids_and_the_pages_limits_are_said(qtbot, window):
    """"the layer sizes (`2-2-1` or `2,2,2`, inputs to outputs, up to 4 layers of up to 8
    units)": new sizes re-shape the grids, keeping what was typed, new cells empty and
    marked; sizes past the page's limits are said in the page's words."""
    seen = {}

    def fill(dialog):
        type_into(qtbot, dialog.sizes_field, "2-3-1")
        seen["3"] = (shown(dialog, "W1"), shown(dialog, "W2"), ok_button(dialog).isEnabled(),
                     dialog.message.message.splitlines()[0])
        type_into(qtbot, dialog.sizes_field, "2-9-1")
        seen["9"] = (dialog.message.message, is_marked(dialog.sizes_field), len(dialog.grids["W1"].cells))
        type_into(qtbot, dialog.sizes_field, "2-2-2-2-2-1")
        seen["layers"] = dialog.message.message
        type_into(qtbot, dialog.sizes_field, "2--1")
        seen["typo"] = dialog.message.message
        type_into(qtbot, dialog.sizes_field, "2,2,1")  # back: every number typed is there again
        seen["back"] = (shown(dialog, "W1"), shown(dialog, "W2"), ok_button(dialog).isEnabled())
        press(qtbot, dialog, "Escape")

    with_dialog(qtbot, window, fill)
    W1, W2, ok, first = seen["3"]
    assert W1 == [["0.1", "0.1"], ["0.1", "0.1"], ["", ""]] and W2 == [["0.1", "0.1", ""]] and not ok
    assert first == "W[1] row 3, column 1: empty; expected a number"
    message, marked, rows = seen["9"]
    assert message.splitlines()[0] == ("Layer sizes: expected up to 4 layers of up to 8 units (inputs included), "
                                       "as the step page draws, got 2-9-1") and marked and rows == 3
    assert seen["layers"].startswith("Layer sizes: expected up to 4 layers")
    assert seen["typo"].startswith("Layer sizes: expected the units of each layer from the inputs to the outputs")
    assert seen["back"] == ([["0.1", "0.1"], ["0.1", "0.1"]], [["0.1", "0.1"]], True)


def test_a_network_the_page_cannot_play_is_refused_in_the_dialog(qtbot, window):
    """"and so is anything the page cannot play (its own limits, a bce target that is not 0
    or 1)": said at the loss, OK off."""
    seen = {}

    def fill(dialog):
        choose(qtbot, dialog.loss, "bce")
        seen["linear"] = (dialog.message.message, is_marked(dialog.loss), ok_button(dialog).isEnabled())
        choose(qtbot, dialog.output, "sigmoid")
        seen["target"] = (dialog.message.message, ok_button(dialog).isEnabled())
        type_into(qtbot, cell(dialog, "y", 1), "1")
        seen["fixed"] = ok_button(dialog).isEnabled()
        press(qtbot, dialog, "Escape")

    with_dialog(qtbot, window, fill)
    message, marked, ok = seen["linear"]
    assert message.startswith("Loss: bce needs outputs in (0, 1)") and marked and not ok
    message, ok = seen["target"]
    assert message.startswith("Loss: the bce loss needs a target of 0 or 1") and not ok
    assert seen["fixed"]


# --- undo, lessons ---------------------------------------------------------------------

def _type_221(qtbot, window, sizes: str = "2-2-1", texts=MAZUR_221):
    def fill(dialog):
        type_into(qtbot, dialog.sizes_field, sizes)
        choose(qtbot, dialog.output, "sigmoid")
        choose(qtbot, dialog.hidden, "sigmoid")
        choose(qtbot, dialog.loss, "mse")
        type_into(qtbot, dialog.lr, "0.5")
        type_in_order(qtbot, dialog, texts)
        assert ok_button(dialog).isEnabled(), dialog.message.message
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with_dialog(qtbot, window, fill)


def _where(page) -> dict:
    s = page.lesson_state()
    return {"recipe": s.recipe, "table": (s.table.name, s.table.feature_names, s.table.features.tolist(),
                                          s.table.columns()[1].tolist()),
            "params": {k: v.tolist() for k, v in s.params.items()}, "row": s.sample, "epoch": s.epoch,
            "losses": s.epoch_losses, "step": s.step, "position": page.transport.position.text(),
            "form": (page.controls.preset.currentText(), page.controls.hidden.text(), page.controls.lr.text())}


def test_undo_brings_back_the_network_table_row_weights_and_step_and_redo_the_typed_one(qtbot, window):
    """"**Edit > Undo** (Ctrl+Z) brings back the network, table, row, weights and step shown
    before" (epochs run and a weight edited included); Ctrl+Shift+Z plays the typed one again."""
    page = window.step_page
    choose(qtbot, page.controls.preset, "notebook-classification")
    enter(qtbot, page.controls.epochs, "2")
    qtbot.mouseClick(page.controls.run_button, Qt.MouseButton.LeftButton)
    from bpviz.gui.stepper.editing import Target

    page.edit_value(Target("param", "W2", (0, 1), "w[2]_12"), -0.3)
    enter(qtbot, page.controls.sample, "3")
    step_to(qtbot, window, 7)
    before = _where(page)
    _type_221(qtbot, window)
    typed = _where(page)
    assert typed["table"][0] == "typed" and typed["position"].startswith("ready") and typed != before
    press(qtbot, window, "Ctrl+Z", widget=page.graph)
    assert _where(page) == before
    press(qtbot, window, "Ctrl+Shift+Z", widget=page.graph)
    assert _where(page) == typed
    click_menu(qtbot, window, "Edit", "Undo set the network's values")
    assert _where(page) == before
    press(qtbot, window, "Ctrl+Z", widget=page.graph)  # the weight edited before is undone next
    assert page.session.net.params["W2"][0, 1] != -0.3


def test_a_lesson_saved_after_typing_reopens_to_the_same_network_row_weights_and_step(
        qtbot, make_main_window, tmp_path, monkeypatch):
    """"a lesson saved keeps the typed network": saved, then opened in another window, at
    the same step, with its learning rate, its two targets and its table called `typed`."""
    home = shown_window(qtbot, make_main_window)
    _type_221(qtbot, home, "2-2-2", MAZUR_222)
    step_to(qtbot, home, 9)
    shown_at_home = _where(home.step_page)
    path = tmp_path / "typed.json"
    choose_file(monkeypatch, path, save=True)
    click_menu(qtbot, home, "File", "Save lesson…")
    saved = json.loads(path.read_text())["step"]
    assert (saved["table"]["name"], saved["table"]["rows"], saved["recipe"]["lr"]) == (
        "typed", [[0.05, 0.1, 0.01, 0.99]], 0.5)
    assert saved["params"]["W2"] == [[0.4, 0.45], [0.5, 0.55]]
    home.close()
    school = shown_window(qtbot, make_main_window)
    assert _where(school.step_page) != shown_at_home
    choose_file(monkeypatch, path, save=False)
    click_menu(qtbot, school, "File", "Open lesson…")
    assert _where(school.step_page) == shown_at_home


# --- room and keys ---------------------------------------------------------------------

def test_the_largest_network_fits_a_projector_and_tab_reaches_its_last_cell(qtbot, window):
    """The dialog of 8-8-8-8-1 fits a 1280×800 projector and scrolls inside: Tab reaches
    its last cell, shown."""
    from tests.gui.conftest import on_screen

    screen = on_screen(qtbot, window, "projector")
    seen = {}

    def fill(dialog):
        type_into(qtbot, dialog.sizes_field, "8-8-8-8-1")
        qtbot.wait(10)
        seen["inside"] = screen.availableGeometry().contains(dialog.frameGeometry())
        last = cell(dialog, "y", 1)
        cell(dialog, "b4", 1).setFocus()
        qtbot.keyClick(cell(dialog, "b4", 1), Qt.Key.Key_Tab)
        seen["focus"] = QApplication.focusWidget() is last
        corner = last.mapTo(dialog.area.viewport(), last.rect().bottomRight())
        seen["visible"] = dialog.area.viewport().rect().contains(corner)
        press(qtbot, dialog, "Escape")

    with_dialog(qtbot, window, fill)
    assert seen == {"inside": True, "focus": True, "visible": True}
