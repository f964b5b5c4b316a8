"""The step page for keyboards and screen readers: every control named and described
through Qt's accessibility interfaces, each step announced as a sentence, Tab through
every control in order with a ring where the focus is, and no widget that keeps Tab."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from bpviz.gui.stepper import access
from bpviz.gui.stepper.access import tab_chain
from tests.gui.userpath import press

ISSUE_SENTENCE = ("Backward pass, step 14 of 32: d a one of layer one equals w one one of layer two times d z one "
                  "of layer two, that is 0.1 times minus 7.36, equals minus 0.736")
FORM = ["Preset", "Hidden layers", "Activation", "Loss", "Learning rate", "Init", "Row", "Load CSV table", "Epochs",
        "Run epochs"]
TRANSPORT = ["Restart", "Start of the phase", "Step back", "Play or pause", "Step forward", "End of the phase"]


def _text(widget, which) -> str:
    return QAccessible.queryAccessibleInterface(widget).text(which)


def _active(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return window.step_page


def _walk(qtbot, start, most: int = 80, seen=None) -> list:
    """Press Tab from ``start`` until the focus comes back to it: the widgets it stopped on.
    ``seen(before, now)`` is called after each press, ``before`` losing the focus to ``now``."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(start.hasFocus, timeout=2000)
    stops = [start]
    for _ in range(most):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        if seen is not None:
            seen(stops[-1], focused)
        assert focused is not None, f"Tab from {stops[-1].accessibleName()!r} left no widget with the focus"
        if focused is start:
            return stops
        assert focused is not stops[-1], f"Tab stays in {focused.accessibleName()!r}: a key trap"
        assert focused not in stops, f"Tab went round without coming back: {[s.accessibleName() for s in stops]}"
        stops.append(focused)
    raise AssertionError(f"Tab never came back: {[s.accessibleName() for s in stops]}")


def test_every_control_of_the_step_page_has_an_accessible_name_and_description(qtbot, main_window):
    page = main_window.step_page
    page.set_quiz(True)  # the quiz bar's controls too
    for widget in [*tab_chain(page), page.transport.position, page.inspector]:
        name, description = _text(widget, QAccessible.Text.Name), _text(widget, QAccessible.Text.Description)
        assert name.strip() and description.strip(), f"{type(widget).__name__} {name!r} {description!r}"
    # On Linux a combo box's accessible name is its value, its label comes by relation: Qt's choice.
    assert page.controls.preset.accessibleName() == "Preset"
    assert _text(page.controls.lr, QAccessible.Text.Name) == "Learning rate"
    assert _text(page.transport.buttons["forward"], QAccessible.Text.Name) == "Step forward"
    assert _text(page.quiz_bar.answer, QAccessible.Text.Name) == "Your answer"


def test_each_step_is_announced_as_a_sentence_when_it_is_shown(qtbot, main_window, monkeypatch):
    posted = []
    real = access.QAccessible

    class Spy:  # QAccessible, recording what the page posts
        Event = real.Event

        @staticmethod
        def updateAccessibility(event):
            posted.append((event.type(), event.message() if hasattr(event, "message") else None))
            real.updateAccessibility(event)

    monkeypatch.setattr(access, "QAccessible", Spy)
    window = main_window
    page = _active(qtbot, window)
    said = []
    page.announcer.announced.connect(said.append)
    page.graph.setFocus()
    for _ in range(14):
        press(qtbot, window, "Right")
    assert page.transport.position.text() == "step 14 of 32"
    assert said[-1] == ISSUE_SENTENCE and len(said) == 14  # one sentence a step
    assert _text(page.transport.position, QAccessible.Text.Description) == ISSUE_SENTENCE
    assert _text(page.equation, QAccessible.Text.Description) == ISSUE_SENTENCE
    assert (QAccessible.Event.Announcement, ISSUE_SENTENCE) in posted
    assert (QAccessible.Event.DescriptionChanged, None) in posted
    press(qtbot, window, "Left")
    assert said[-1].startswith("Backward pass, step 13 of 32: d b one of layer two equals d z one of layer two")


def test_in_quiz_mode_the_sentence_keeps_the_result_back_then_says_it_and_the_verdict(qtbot, main_window):
    window = main_window
    page = _active(qtbot, window)
    said = []
    page.announcer.announced.connect(said.append)
    page.graph.setFocus()
    press(qtbot, window, "Q")
    page.controller.set_index(12)
    press(qtbot, window, "Right", page.quiz_bar.answer)
    assert said[-1] == ISSUE_SENTENCE.replace("equals minus 0.736", "equals what?")
    assert "0.736" not in _text(page.transport.position, QAccessible.Text.Description).split("7.36")[-1]
    qtbot.keyClicks(page.quiz_bar.answer, "-0.736")
    QTest.keyClick(page.quiz_bar.answer, Qt.Key.Key_Return)
    assert said[-1] == "Right: d a one of layer one equals minus 0.736"
    press(qtbot, window, "Right", page.quiz_bar.answer)
    press(qtbot, window, "Space", page.quiz_bar.answer)  # reveal
    assert said[-1].startswith("Backward pass, step 15 of 32") and said[-1].endswith("equals minus 0.736")


def _names(stops) -> list[str]:
    return [w.accessibleName() for w in stops]


def test_tab_reaches_every_control_in_order_and_comes_back(qtbot, main_window):
    page = _active(qtbot, main_window)
    stops = _walk(qtbot, page.controls.preset)
    speed = ["Speed"] if page.transport.speed.isVisible() else []  # it gives way in a narrow window
    assert _names(stops) == [*FORM, "Network graph", *TRANSPORT, *speed, "Equation", "Side panel", "Steps", "Pages"]
    for widget in stops:
        assert widget.isVisible() and widget.isEnabled(), widget.accessibleName()


def test_tab_leaves_the_quiz_box_and_the_code_editor(qtbot, main_window):
    window = main_window
    page = _active(qtbot, window)
    page.graph.setFocus()
    press(qtbot, window, "Q")
    press(qtbot, window, "Right", page.quiz_bar.answer)  # a question: Reveal is on
    qtbot.keyClicks(page.quiz_bar.answer, "1")  # an answer to check: Check is on
    QTest.mouseClick(page.tabs.tabBar(), Qt.MouseButton.LeftButton,
                     pos=page.tabs.tabBar().tabRect(page.tabs.indexOf(page.code)).center())
    stops = _names(_walk(qtbot, page.quiz_bar.answer))
    quiz = ["Your answer", "Check the answer", "Reveal", "Equation", "Side panel"]
    assert stops[:len(quiz)] == quiz
    code = stops[len(quiz):stops.index("Pages")]
    assert code == ["Open your code", "Time limit", "Rows checked", "Your code", "Findings"]
    speed = ["Speed"] if page.transport.speed.isVisible() else []
    assert stops[stops.index("Pages") + 1:] == [*FORM, "Network graph", *TRANSPORT, *speed, "Quiz phase"]


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return rows[:, :image.width(), :3].astype(int)


def test_every_tab_stop_shows_where_the_focus_is(qtbot, main_window):
    """A ring, at least an outline's worth of pixels that change with the focus, round
    every stop: the graph and the equation too (Fusion draws none on them)."""
    window = main_window
    page = _active(qtbot, window)
    focused, plain = {}, {}

    def region(widget) -> QRect:
        corner = widget.mapTo(window, QPoint(0, 0))
        return QRect(corner.x() - 3, corner.y() - 3, widget.width() + 6, widget.height() + 6)

    def seen(before, now):  # each stop as Tab leaves it, and as Tab comes to it
        plain[before] = _pixels(window.grab(region(before)).toImage())
        focused[now] = _pixels(window.grab(region(now)).toImage())

    stops = _walk(qtbot, page.controls.preset, seen=seen)
    assert len(stops) > 15
    for widget in stops:
        changed = int((np.abs(focused[widget] - plain[widget]).sum(axis=2) > 40).sum())
        assert changed >= widget.width() + widget.height(), f"{widget.accessibleName()}: {changed} pixels change"


def test_space_presses_the_button_tab_reached_and_plays_elsewhere(qtbot, main_window):
    window = main_window
    page = _active(qtbot, window)
    page.graph.setFocus(Qt.FocusReason.TabFocusReason)
    while QApplication.focusWidget() is not page.transport.buttons["forward"]:
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    press(qtbot, window, "Space")
    press(qtbot, window, "Space")
    assert page.controller.index == 1 and not page.controller.playing  # two steps, no play
    page.graph.setFocus(Qt.FocusReason.TabFocusReason)
    press(qtbot, window, "Space")
    assert page.controller.playing
    press(qtbot, window, "Space")
    assert not page.controller.playing
