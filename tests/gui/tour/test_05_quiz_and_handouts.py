"""README, "Teaching with bpviz", Quiz mode and Worked examples on paper: Q and View > Quiz
mode, what Space does in each mode, the answer box, the phase chosen; File > Export worked
example… and `bpviz trace --format markdown|latex`. (tests/gui/stepper/test_quiz.py and
tests/gui/test_handout.py check the rest; "A step page anyone can follow" is checked by
tests/gui/stepper/test_access.py, tests/nn/test_spoken.py, tests/gui/test_colour_vision.py
and tests/gui/graph/test_without_colour.py.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt

from bpviz.cli import main
from bpviz.gui.graph.layout import NODE_RADIUS
from bpviz.gui.graph.state import HIDDEN
from tests.gui.tour.helpers import choose, settle, step_to
from tests.gui.userpath import press


@pytest.fixture
def quiz(qtbot, main_window):
    window = main_window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.step_page.graph.setFocus()
    press(qtbot, window, "Q")
    return window


def test_a_click_on_the_question_mark_on_the_graph_shows_the_result(qtbot, quiz):
    """"hides each step's result, on the graph ("?" where the value goes) [...] until
    **Space**, a click on the "?" or **Reveal** shows it" """
    page = quiz.step_page
    page.graph.setFocus()
    step_to(qtbot, quiz, 3)  # z[1]_2: "z = ?" above its unit (a[1]_1 = z[1]_1, step 2, is given: not asked)
    node = page.graph.nodes["n1.2"]
    assert node.values["z"] is HIDDEN
    above = node.pos() + QPointF(0, -NODE_RADIUS - 15)
    qtbot.mouseClick(page.graph.viewport(), Qt.MouseButton.LeftButton, pos=page.graph.mapFromScene(above))
    assert node.values["z"] == pytest.approx(1.6) and page.equation.result.latex().endswith("1.6")


def test_outside_quiz_mode_space_plays_and_pauses(qtbot, quiz):
    """"Space again takes the next step (outside quiz mode Space plays and pauses)" """
    page = quiz.step_page
    press(qtbot, quiz, "Q", page.quiz_bar.answer)
    page.graph.setFocus()
    press(qtbot, quiz, "Space", page.graph)
    assert page.controller.playing
    press(qtbot, quiz, "Space", page.graph)
    assert not page.controller.playing


def test_typing_a_number_on_the_graph_goes_to_the_box_and_enter_checks_it(qtbot, quiz):
    """"Typing a number on the graph goes to the box" and "**Enter** checks it against the
    result to 3 significant figures [...] shows ✓ or ✗ with the value" """
    page = quiz.step_page
    page.graph.setFocus()
    step_to(qtbot, quiz, 14)  # da[1]_1 = -0.736: the minus is typed too, not "slower"
    speed = page.controller.speed
    for key in "-0,736":
        press(qtbot, quiz, key, page.graph if not page.quiz_bar.answer.hasFocus() else None)
    assert page.quiz_bar.answer.text() == "-0,736" and page.controller.speed == speed
    press(qtbot, quiz, "Return")
    assert page.quiz_bar.verdict.text() == "✓ -0,736 (read as -0.736) is right: da[1]_1 = -0.736"


def test_the_bar_chooses_every_step_or_one_phase(qtbot, quiz):
    """"The bar's list chooses what the quiz covers: every step, or one phase [...]; the other
    steps show their results as usual." """
    page = quiz.step_page
    combo = page.quiz_bar.phase
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Every step", "Forward pass", "Loss", "Backward pass", "Update"]
    choose(qtbot, combo, "Update")
    settle(qtbot)
    page.graph.setFocus()
    step_to(qtbot, quiz, 23)
    assert page.equation.result.latex().endswith("-0.736")  # a backward step: shown
    step_to(qtbot, quiz, 24)
    assert "?" in page.equation.result.latex() and page.graph.edges["w1.1.1"].values["new"] is HIDDEN


def test_file_export_worked_example_is_in_the_file_menu_beside_the_other_exports(qtbot, main_window):
    """"**File > Export worked example…** writes the steps of the row shown" """
    titles = [a.text().replace("&", "") for a in main_window.menuBar().actions()[0].menu().actions()]
    at = titles.index("Export worked example…")
    assert titles[at - 1] == "Export animation of steps…"


def test_bpviz_trace_prints_the_worked_example_without_the_graph(capsys):
    """"`bpviz trace --format markdown` (or `latex`, with `--paper Letter`) prints the same
    text, without the graph." """
    assert main(["trace", "--format", "latex", "--paper", "Letter"]) == 0
    text = capsys.readouterr().out
    assert "letterpaper" in text and "\\includegraphics" not in text and text.count("\\begin{minipage}") == 32
