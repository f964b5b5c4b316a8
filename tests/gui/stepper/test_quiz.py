"""Quiz mode, as a class uses it: Q or View > Quiz mode hides each step's result (on the
graph, in the equation, in the list of steps) until Space or a click shows it; an answer
typed in the box and Enter is checked to 3 significant figures and tallied; the quiz can
cover one phase; it works in presenter mode and a lesson keeps it."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from bpviz.gui.graph.items import EdgeLabel
from bpviz.gui.graph.layout import GRADIENT_LINE, NODE_RADIUS
from bpviz.gui.graph.state import _NODE_KEYS, HIDDEN, element_of
from tests.gui.userpath import answer_dialog, choose_file, click_menu, press


def _quiz_on(qtbot, window):
    window.activateWindow()  # keys go to the active window
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.step_page.graph.setFocus()
    press(qtbot, window, "Q")
    assert window.step_page.quiz.on and window.quiz_action.isChecked()
    return window.step_page


def _go_to(qtbot, window, number: int):
    """Step to ``number`` (from 1) with → from the empty answer box, as a keyboard does."""
    page = window.step_page
    while page.controller.index + 1 < number:
        press(qtbot, window, "Right", page.quiz_bar.answer)
    assert page.controller.index + 1 == number


def _type(qtbot, widget, text: str) -> None:
    """Type ``text`` key by key; a character no key names (the minus sign −, pasted or typed
    with a compose key) arrives as a key event carrying that text, as a keyboard sends it."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def _answer(qtbot, page, typed: str) -> str:
    box = page.quiz_bar.answer
    box.setFocus()
    _type(qtbot, box, typed)
    QTest.keyClick(box, Qt.Key.Key_Return)
    return page.quiz_bar.verdict.text()


def test_q_hides_each_result_until_space_shows_it_then_space_goes_on(qtbot, main_window):
    window = main_window
    page = _quiz_on(qtbot, window)
    assert page.quiz_bar.isVisible() and page.quiz_bar.answer.hasFocus()
    _go_to(qtbot, window, 1)  # z[1]_1 = 0.1·8 + 0.1·8 + 0 = 1.6
    node = page.graph.nodes["n1.1"]
    assert node.values["z"] is HIDDEN and "z = ?" in node.tooltip_text()
    assert "?" in page.equation.result.latex() and "1.6" not in page.equation.result.latex()
    assert "0.1 \\cdot 8" in page.equation.numbers.latex()  # the numbers stay
    assert page.timeline.items[0].text(0).endswith("= ?") and page.timeline.items[4].text(0).endswith("= ?")
    press(qtbot, window, "Space", page.quiz_bar.answer)
    assert page.controller.index == 0  # Space revealed; it did not move
    assert page.equation.result.latex().endswith("1.6") and node.values["z"] == 1.6
    assert "z = 1.6" in node.tooltip_text() and page.timeline.items[0].text(0).endswith("= 1.6")
    press(qtbot, window, "Space", page.quiz_bar.answer)  # nothing hidden: the next step
    # Step 2, a linear unit's a[1]_1 = z[1]_1 = 1.6: its numbers are its result, so it is not asked.
    assert page.controller.index == 1 and page.equation.result.latex().endswith("1.6")
    assert page.quiz_bar.answer.placeholderText() == "step 2: given" and not page.quiz_bar.check_button.isEnabled()
    assert page.quiz_bar.verdict.text() == "Step 2 is not asked: its numbers are already its result."
    press(qtbot, window, "Space", page.quiz_bar.answer)
    assert page.controller.index == 2 and "?" in page.equation.result.latex()
    press(qtbot, window, "Left", page.quiz_bar.answer)
    press(qtbot, window, "Left", page.quiz_bar.answer)  # back to a step revealed
    assert page.equation.result.latex().endswith("1.6")
    press(qtbot, window, "Q", page.quiz_bar.answer)  # Q in the box leaves the quiz, never typed
    assert not page.quiz.on and not page.quiz_bar.isVisible() and page.quiz_bar.answer.text() == ""
    assert all("?" not in item.text(0) for item in page.timeline.items)


def test_view_menu_quiz_mode_turns_it_on_and_off(qtbot, main_window):
    window = main_window
    action = click_menu(qtbot, window, "View", "Quiz mode")
    assert action.isCheckable() and action.isChecked() and action.shortcut().toString() == "Q"
    page = window.step_page
    assert page.quiz.on and page.quiz_bar.isVisible()
    page.controller.set_index(20)  # dw[1]_21
    assert page.graph.edges["w1.2.1"].values["dw"] is HIDDEN
    assert page.equation.check.text() == ""  # the finite difference would give it away
    click_menu(qtbot, window, "View", "Quiz mode")
    assert not page.quiz.on and not action.isChecked()
    assert page.graph.edges["w1.2.1"].values["dw"] == -5.888 and "-5.888" in page.equation.result.latex()
    assert "finite difference" in page.equation.check.text()


def test_a_click_on_the_hidden_result_or_on_reveal_shows_it(qtbot, main_window):
    window = main_window
    page = _quiz_on(qtbot, window)
    _go_to(qtbot, window, 7)  # J
    qtbot.mouseClick(page.equation.result, Qt.MouseButton.LeftButton)
    assert page.equation.result.latex().endswith("13.542")
    _go_to(qtbot, window, 8)
    assert page.quiz_bar.reveal_button.isEnabled()
    qtbot.mouseClick(page.quiz_bar.reveal_button, Qt.MouseButton.LeftButton)
    assert page.equation.result.latex().endswith("-7.36") and not page.quiz_bar.reveal_button.isEnabled()
    # dz[1]_1, step 16: its "?" is below the unit a[1]_1. A click on the circle pins the
    # unit and gives nothing away; a click on the "?" shows it (and pins the unit too).
    _go_to(qtbot, window, 16)
    graph = page.graph
    node = graph.nodes["n1.1"]
    assert node.values["dz"] is HIDDEN
    qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=graph.mapFromScene(node.pos()))
    assert page.pinned == "n1.1" and node.values["dz"] is HIDDEN and "dz = ?" in page.inspector.text()
    below = node.pos() + QPointF(0, NODE_RADIUS + 2 + 2.5 * GRADIENT_LINE)  # the third line, dz's
    qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=graph.mapFromScene(below))
    assert node.values["dz"] == pytest.approx(-0.736) and "dz = -0.736" in page.inspector.text()


def test_typed_answers_are_checked_to_3_figures_and_tallied(qtbot, main_window):
    window = main_window
    page = _quiz_on(qtbot, window)
    _go_to(qtbot, window, 14)  # da[1]_1 = 0.1·(-7.36) = -0.736
    verdict = _answer(qtbot, page, "−0.736")  # the typographic minus
    assert verdict.startswith("✓") and "-0.736" in verdict
    assert page.equation.result.latex().endswith("-0.736")  # checking shows the result
    assert page.quiz_bar.answer.text() == "" and page.quiz_bar.tally.text() == "1 of 1 right"
    press(qtbot, window, "Right", page.quiz_bar.answer)  # the box is empty: → moves on
    assert page.controller.index == 14
    verdict = _answer(qtbot, page, "-0,74")  # a decimal comma, but 2 figures: wrong
    assert verdict.startswith("✗") and "da[1]_2 = -0.736" in verdict and "read as -0.74" in verdict
    assert page.quiz_bar.tally.text() == "1 of 2 right"
    _answer(qtbot, page, "-0.736")  # a second try is shown, but the first answer counts
    assert page.quiz_bar.verdict.text().startswith("✓") and page.quiz_bar.tally.text() == "1 of 2 right"
    press(qtbot, window, "Right", page.quiz_bar.answer)
    verdict = _answer(qtbot, page, "abc")
    assert verdict.startswith("Your answer: expected a number") and "'abc'" in verdict
    assert "?" in page.equation.result.latex() and page.quiz_bar.tally.text() == "1 of 2 right"
    page.quiz_bar.answer.clear()
    assert _answer(qtbot, page, "-7.36e-1").startswith("✓")
    assert page.quiz_bar.tally.text() == "2 of 3 right"
    press(qtbot, window, "Right", page.quiz_bar.answer)
    assert _answer(qtbot, page, "-.7365").startswith("✓")  # within half a unit of the 3rd figure
    assert _answer(qtbot, page, "").startswith("Your answer: expected a number such as -4.2, got nothing")


def test_a_pasted_answer_of_thousands_of_digits_is_judged_without_echoing_them(qtbot, main_window):
    window = main_window
    page = _quiz_on(qtbot, window)
    _go_to(qtbot, window, 14)  # da[1]_1 = -0.736
    box = page.quiz_bar.answer
    box.setFocus()
    QApplication.clipboard().setText("-0.736" + "0" * 10_000)
    box.paste()
    QTest.keyClick(box, Qt.Key.Key_Return)
    verdict = page.quiz_bar.verdict
    assert verdict.text().startswith("✓ -0.736 is right") and len(verdict.text()) < 100
    assert len(verdict.toolTip()) < 100 and page.quiz_bar.tally.text() == "1 of 1 right"


def test_the_tally_starts_again_with_each_row(qtbot, main_window):
    window = main_window
    page = _quiz_on(qtbot, window)
    _go_to(qtbot, window, 1)
    _answer(qtbot, page, "1.6")
    assert page.quiz_bar.tally.text() == "1 of 1 right"
    page.controller.set_index(31)
    page.controller.step_forward()  # past the update: the next row's pass
    assert page.session.sample == 1 and page.quiz_bar.tally.text() == "25 questions in this pass"  # 7 steps give themselves
    assert page.quiz.hides(0)


def test_the_quiz_can_cover_one_phase_chosen_in_its_box(qtbot, main_window):
    window = main_window
    page = _quiz_on(qtbot, window)
    combo = page.quiz_bar.phase
    combo.setFocus()
    qtbot.keyClicks(combo, "Backward")  # typed into the box, as a keyboard picks an item
    assert combo.currentText() == "Backward pass" and page.quiz.phase == "backward"
    assert page.quiz_bar.tally.text() == "12 questions in this pass"  # not g′ = 1 nor the 3 db = dz
    _go_to(qtbot, window, 1)  # a forward step: outside the quiz, its result as usual
    assert page.equation.result.latex().endswith("1.6") and page.graph.nodes["n1.1"].values["z"] == 1.6
    assert page.quiz_bar.answer.isReadOnly() and page.quiz_bar.answer.placeholderText() == "step 1: not in quiz"
    press(qtbot, window, "Space", page.quiz_bar.answer)  # nothing to reveal: Space goes on
    assert page.controller.index == 1
    _go_to(qtbot, window, 8)  # the first backward step: a question
    assert "?" in page.equation.result.latex() and not page.quiz_bar.answer.isReadOnly()
    assert not page.timeline.items[6].text(0).endswith("?") and page.timeline.items[21].text(0).endswith("?")
    # The update is not in the quiz, but b ← 0 - 0.001·(-0.736) would give db away: the list
    # shows no result ahead of the step shown; reached, the update shows its result.
    assert page.timeline.items[25].text(0).endswith("?")
    _go_to(qtbot, window, 26)
    assert page.timeline.items[25].text(0).endswith("0.000736") and page.equation.result.latex().endswith("0.000736")


def test_play_stops_at_each_question(qtbot, main_window):
    window = main_window
    page = _quiz_on(qtbot, window)
    page.quiz.set_phase("loss")
    page.controller.set_speed(7)
    qtbot.mouseClick(page.transport.buttons["play"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.controller.playing, timeout=10_000)
    assert page.controller.index == 6 and "?" in page.equation.result.latex()  # J, the loss


def test_quiz_mode_in_presenter_mode_with_the_keyboard_alone(qtbot, main_window):
    window = main_window
    press(qtbot, window, "F5")
    assert window.presenter.presenting and not window.menuBar().isVisible()
    page = _quiz_on(qtbot, window)
    assert page.quiz_bar.isVisible() and page.graph.isVisible() and page.equation.isVisible()
    assert page.quiz_bar.geometry().bottom() < page.equation.mapTo(page, page.equation.rect().topLeft()).y() + 10
    page.graph.setFocus()
    _go_to(qtbot, window, 1)
    for key in "1.6":  # typed on the graph: the answer box takes it
        press(qtbot, window, key, page.graph)
    assert page.quiz_bar.answer.text() == "1.6" and page.quiz_bar.answer.hasFocus()
    press(qtbot, window, "Return", page.quiz_bar.answer)
    assert page.quiz_bar.verdict.text().startswith("✓") and page.quiz_bar.tally.text() == "1 of 1 right"
    press(qtbot, window, "Space", page.quiz_bar.answer)  # revealed by the answer: the next step
    assert page.controller.index == 1
    _go_to(qtbot, window, 3)
    page.equation.setFocus()  # Tab reaches the equation too: a number typed there goes to the box
    assert page.equation.hasFocus()
    press(qtbot, window, "-", page.equation)
    assert page.quiz_bar.answer.text() == "-" and page.quiz_bar.answer.hasFocus()
    press(qtbot, window, "BackSpace", page.quiz_bar.answer)
    press(qtbot, window, "Ctrl+=")  # bigger: the quiz's text grows with the UI scale
    assert page.quiz_bar.tally.font().pointSizeF() >= 1.5 * page.font().pointSizeF()  # and bigger presenting
    press(qtbot, window, "Escape", page.quiz_bar.answer)
    assert not window.presenter.presenting and page.quiz.on


def test_the_shortcut_sheet_says_what_space_does_in_each_mode(qtbot, main_window):
    window = main_window
    press(qtbot, window, "F1")
    text = window._sheet.text.text()
    assert "Quiz mode" in text and "Play / pause (quiz mode: reveal the result)" in text
    assert "Reveal the result; again: the next step" in text and "Check your answer" in text


def test_a_lesson_saved_with_the_quiz_on_reopens_with_it(qtbot, make_main_window, tmp_path, monkeypatch):
    window = make_main_window()
    page = _quiz_on(qtbot, window)
    page.quiz_bar.phase.setFocus()
    qtbot.keyClicks(page.quiz_bar.phase, "Backward")
    _go_to(qtbot, window, 10)
    path = tmp_path / "quiz.json"
    choose_file(monkeypatch, path, save=True)
    click_menu(qtbot, window, "File", "Save lesson…")
    saved = json.loads(path.read_text())
    assert saved["step"]["quiz"] == {"on": True, "phase": "backward"}
    other = make_main_window()
    assert not other.step_page.quiz.on
    choose_file(monkeypatch, path, save=False)
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow, timeout=2000)
    click_menu(qtbot, other, "File", "Open lesson…")
    page = other.step_page
    assert page.quiz.on and page.quiz.phase == "backward" and other.quiz_action.isChecked()
    assert page.quiz_bar.phase.currentText() == "Backward pass" and page.controller.index == 9
    assert "?" in page.equation.result.latex()
    del saved["step"]["quiz"]  # a lesson saved before quiz mode existed
    path.write_text(json.dumps(saved))
    click_menu(qtbot, other, "File", "Open lesson…")
    assert not page.quiz.on and not other.quiz_action.isChecked()


def test_a_lesson_whose_quiz_was_edited_by_hand_is_refused_in_json_words(qtbot, main_window, tmp_path, monkeypatch):
    window = main_window
    path = tmp_path / "edited.bpviz"
    choose_file(monkeypatch, path, save=True)
    click_menu(qtbot, window, "File", "Save lesson…")
    saved = json.loads(path.read_text())
    before = window.step_page.transport.position.text()
    for quiz, words in [(None, "step.quiz: expected an object {…}, got null"),
                        ({"on": 1}, "step.quiz.on: expected true or false, got a whole number (1)"),
                        ({"on": True, "phase": ["backward"]}, "step.quiz.phase: expected a text in quotes, got a list […]")]:
        saved["step"]["quiz"] = quiz
        path.write_text(json.dumps(saved))
        choose_file(monkeypatch, path, save=False)
        click_menu(qtbot, window, "File", "Open lesson…")
        qtbot.waitUntil(lambda: window.message is not None and window.message.isVisible())
        assert words in window.message.text() and str(path) in window.message.text()
        assert "NoneType" not in window.message.text() and "dict" not in window.message.text()
        window.message.close()
        assert window.step_page.transport.position.text() == before and not window.step_page.quiz.on


def test_no_result_still_hidden_shows_on_the_graph_at_any_step(qtbot, main_window):
    """Walked with → through the whole pass: at each step, no result still to be found
    (the step shown's, or a later question's) is on its unit or weight, in its label or
    its tooltip, or in the list of steps. (The toy network's equal numbers make a value
    search useless: each result is looked for where it would be drawn.)"""
    window = main_window
    page = _quiz_on(qtbot, window)
    steps = page.controller.steps
    for number in range(1, len(steps) + 1):
        _go_to(qtbot, window, number)
        for h in sorted(page.quiz.hidden_from(number - 1)):
            kind, element = element_of(steps[h].quantity)
            key = _NODE_KEYS[steps[h].quantity[0]] if kind == "node" else \
                "dw" if steps[h].quantity[0] == "dw" else "new"
            item = (page.graph.nodes if kind == "node" else page.graph.edges)[element]
            shown = item.values.get(key)
            assert shown is None or (shown is HIDDEN and h == number - 1), (number, h + 1, key, shown)
            assert page.timeline.items[h].text(0).endswith(" ?")
        if page.quiz.hides(number - 1):
            kind, element = element_of(steps[number - 1].quantity)
            item = (page.graph.nodes if kind == "node" else page.graph.edges)[element]
            assert "?" in page.equation.result.latex() and item.toolTip().count("?") == 1, number


def test_a_step_whose_numbers_are_its_result_is_shown_not_asked(qtbot, main_window):
    """db[2]_1 = dz[2]_1: its numbers line, (-7.36), is already the answer, so the quiz shows
    it as it is and does not count it; the step before, dw[2]_12, is asked."""
    window = main_window
    page = _quiz_on(qtbot, window)
    _go_to(qtbot, window, 13)
    assert page.controller.step.symbol.text == "db[2]_1"
    assert page.equation.result.latex().endswith("7.36") and page.timeline.items[12].text(0).endswith("-7.36")
    assert page.quiz_bar.answer.isReadOnly() and page.quiz_bar.answer.placeholderText() == "step 13: given"
    assert "not asked" in page.quiz_bar.verdict.text()
    assert not page.quiz_bar.reveal_button.isEnabled()
    press(qtbot, window, "Left", page.quiz_bar.answer)
    assert page.controller.step.symbol.text == "dw[2]_12" and "?" in page.equation.result.latex()
    assert _answer(qtbot, page, "-11.8").startswith("✓")


def test_the_gradient_check_tab_keeps_each_gradient_hidden_until_its_step_is_found(qtbot, main_window):
    """The Gradient check tab lists every dw and db: in quiz mode each shows "?" (backprop and
    finite difference) until its step is revealed or passed; its ✓ stays."""
    window = main_window
    page = _quiz_on(qtbot, window)
    bar = page.tabs.tabBar()
    tab = next(i for i in range(page.tabs.count()) if page.tabs.tabText(i) == "Gradient check")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tab).center())
    assert page.tabs.currentWidget() is page.debug
    table = page.debug.table

    def row(name):
        r = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)
        return [table.item(r, c).text() for c in range(5)]

    _go_to(qtbot, window, 11)  # dw[2]_11 = (-7.36)·1.6 = -11.776, asked
    assert row("w[2]_11")[1:3] == ["?", "?"] and row("w[2]_11")[4] == "✓"
    assert row("w[1]_11")[1] == "?"
    assert row("b[2]_1")[1] == "?"  # db = dz is given, not asked, but ahead: it would answer dz[2]_1
    press(qtbot, window, "Space", page.quiz_bar.answer)
    assert row("w[2]_11")[1] == "-11.776" and row("w[1]_11")[1] == "?"
    press(qtbot, window, "Q", page.quiz_bar.answer)
    assert all(table.item(r, 1).text() != "?" for r in range(table.rowCount()))


def test_a_chain_of_one_factor_keeps_its_value_hidden_with_the_result(qtbot, main_window):
    """da[2]_1 = ∂J/∂a[2]_1: its chain is that one factor, whose value is the answer; it
    shows "?" until the result is revealed. A chain of several factors keeps its numbers
    (multiplying them is the question) and hides only the product."""
    window = main_window
    page = _quiz_on(qtbot, window)

    def chain():
        rows, extra = page.equation.chain.pieces()
        return "".join(latex for row in rows for latex, _ in row) + extra

    _go_to(qtbot, window, 8)
    assert "?" in chain() and "7.36" not in chain()
    press(qtbot, window, "Space", page.quiz_bar.answer)
    assert "7.36" in chain()
    _go_to(qtbot, window, 14)  # da[1]_1 = w[2]_11·dz[2]_1: (-7.36)·(1)·(0.1), the product hidden
    assert "7.36" in chain() and "0.736" not in chain()


def test_the_animation_dialog_says_its_frames_show_every_result_while_the_quiz_is_on(qtbot, main_window):
    """Export animation in quiz mode draws every step's result (frames for slides): its
    dialog says so, and says nothing of it outside quiz mode."""
    window = main_window
    seen = []

    def look(dialog):
        seen.append(dialog.quiz_note.isVisible() and "Quiz mode is on" in dialog.quiz_note.text())
        dialog.reject()

    with answer_dialog(qtbot, look):
        click_menu(qtbot, window, "File", "Export animation of steps…")
    _quiz_on(qtbot, window)
    with answer_dialog(qtbot, look):
        click_menu(qtbot, window, "File", "Export animation of steps…")
    assert seen == [False, True]


def test_space_reveals_only_from_an_empty_box_and_a_late_answer_is_not_counted(qtbot, main_window):
    """A stray space in a half-typed answer ("- 7.36") used to show the result; an answer
    typed after the result was shown was counted right. Now Space reveals only from an empty
    box, and a late answer is judged but left out of the tally. Alt+F is the window's, never
    an "f" in the box."""
    window = main_window
    page = _quiz_on(qtbot, window)
    box = page.quiz_bar.answer
    _go_to(qtbot, window, 11)
    box.setFocus()
    _type(qtbot, box, "-1")
    press(qtbot, window, "Space", box)
    assert page.quiz.hides(10) and box.text() == "-1"
    box.clear()
    _type(qtbot, box, "abc")
    press(qtbot, window, "Return", box)
    assert page.quiz_bar.verdict.text().startswith("Your answer: expected")
    box.clear()
    press(qtbot, window, "Space", box)  # empty: Space shows the result, and the refusal goes
    assert not page.quiz.hides(10) and page.quiz_bar.verdict.text() == ""
    verdict = _answer(qtbot, page, "-11.8")
    assert verdict.startswith("✓") and verdict.endswith("(after it was shown: not counted)")
    assert page.quiz_bar.tally.text() == "25 questions in this pass"  # nothing counted
    _go_to(qtbot, window, 12)
    assert _answer(qtbot, page, "-11.8").startswith("✓") and page.quiz_bar.tally.text() == "1 of 1 right"
    press(qtbot, window, "Alt+F", box)
    assert box.text() == ""
    QApplication.activePopupWidget() and QApplication.activePopupWidget().close()


def test_a_verdict_longer_than_its_line_ends_in_an_ellipsis_and_is_whole_in_its_tooltip(qtbot, main_window):
    window = main_window
    page = _quiz_on(qtbot, window)
    _go_to(qtbot, window, 14)
    pasted = "x" * 300
    page.quiz_bar.answer.setText(pasted)  # a paste
    QTest.keyClick(page.quiz_bar.answer, Qt.Key.Key_Return)
    verdict = page.quiz_bar.verdict
    whole = verdict.text()
    assert whole.startswith("Your answer: expected a number") and verdict.toolTip() == whole
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: verdict.width() < verdict.fontMetrics().horizontalAdvance(whole))
    shown = verdict.shown_text()
    assert shown.endswith("…") and whole.startswith(shown[:-1])
    assert verdict.fontMetrics().horizontalAdvance(shown) <= verdict.contentsRect().width()


def test_letters_typed_in_the_box_stay_there_and_only_q_leaves(qtbot, main_window):
    """"inf" typed in the box turned focus mode on at its f (the form and the list of steps
    vanished) and lost the letter; letters stay in the box now and Enter refuses them."""
    window = main_window
    page = _quiz_on(qtbot, window)
    _go_to(qtbot, window, 14)
    box = page.quiz_bar.answer
    box.setFocus()
    for key in "inf":
        press(qtbot, window, key, box)
    assert box.text() == "inf" and not window.focus_action.isChecked() and page.controls.isVisible()
    press(qtbot, window, "Return", box)
    assert page.quiz_bar.verdict.text().startswith("Your answer: expected a finite number")


def test_on_a_weights_label_only_the_line_with_the_question_mark_shows_it(qtbot, main_window):
    """dw[1]_22, step 22: its label reads "w[1]_22 = 0.1" over "dw = ?". A click on the
    weight's line pins the weight (a teacher pointing at it); a click on "dw = ?" shows it."""
    window = main_window
    page = _quiz_on(qtbot, window)
    _go_to(qtbot, window, 22)
    graph = page.graph
    edge = graph.edges["w1.2.2"]
    label = edge.label
    assert edge.values["dw"] is HIDDEN
    rect = label.hidden_rect()
    weight_line = label.mapToScene(rect.center() - QPointF(0, EdgeLabel.LINE_HEIGHT))
    qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=graph.mapFromScene(weight_line))
    assert page.pinned == "w1.2.2" and edge.values["dw"] is HIDDEN
    qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=graph.mapFromScene(label.mapToScene(rect.center())))
    assert edge.values["dw"] == pytest.approx(-5.888)
