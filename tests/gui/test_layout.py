"""The window's layout holds still under a teacher: the graph keeps its rectangle while a
whole pass plays, row after row, at a projector's 1280×800 and at 1920×1080, in normal
and focus mode; the equation panel keeps to its share at every UI scale."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QWidget

from bpviz.gui.settings import SCALES
from bpviz.gui.stepper.equation import EQUATION_SHARE
from tests.gui.conftest import on_screen
from tests.gui.userpath import press

SIZES = [(1280, 800), (1920, 1080)]
SCREEN = {(1280, 800): "projector", (1920, 1080): "desktop"}


def _settle(qtbot):
    for _ in range(3):
        QApplication.processEvents()
    qtbot.wait(5)


def _rect(widget) -> QRect:
    top_left = widget.mapTo(widget.window(), widget.rect().topLeft())
    return QRect(top_left, widget.size())


def _moved(a: QRect, b: QRect) -> int:
    return max(abs(a.left() - b.left()), abs(a.top() - b.top()), abs(a.right() - b.right()),
               abs(a.bottom() - b.bottom()))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("mode", ["normal", "focus", "presenter"])
def test_the_graph_holds_still_while_three_rows_play(qtbot, main_window, size, mode):
    window = main_window
    on_screen(qtbot, window, SCREEN[size], size)
    _settle(qtbot)
    page = window.step_page
    if mode == "focus":
        press(qtbot, window, "F", widget=page.graph)
        assert page.focus_mode()
    if mode == "presenter":
        press(qtbot, window, "F5")
        qtbot.waitUntil(lambda: window.size() == window.screen().size())
    _settle(qtbot)
    start = _rect(page.graph)
    worst, where = 0, None
    steps = len(page.controller.steps)
    for i in range(3 * (steps + 1)):  # three rows, each past its last step onto the next
        press(qtbot, window, "Right", widget=page.graph)
        _settle(qtbot)
        moved = _moved(_rect(page.graph), start)
        if moved > worst:
            worst, where = moved, (page.session.sample + 1, page.controller.index + 1, _rect(page.graph))
    assert page.session.sample == 3 % page.session.m
    assert worst <= 2, f"the graph moved {worst} px (row, step, rect) = {where}; it started at {start}"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_focus_mode_puts_the_chain_beside_the_formula_and_enlarges_the_graph_on_every_row(qtbot, main_window, size):
    window = main_window
    on_screen(qtbot, window, SCREEN[size], size)
    _settle(qtbot)
    page = window.step_page
    before = _rect(page.graph)
    zoom = page.graph.transform().m11()
    press(qtbot, window, "F", widget=page.graph)
    _settle(qtbot)
    after = _rect(page.graph)
    assert after.width() * after.height() > 1.4 * before.width() * before.height()
    assert page.graph.transform().m11() > 1.25 * zoom
    for row in range(page.session.m):
        for _ in range(len(page.controller.steps) + (1 if row else 0)):
            press(qtbot, window, "Right", widget=page.graph)
        _settle(qtbot)
        assert page.equation.is_side_by_side(), f"row {row + 1}: the chain went under the formula"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("presenting", [False, True], ids=["window", "presenter"])
def test_the_equation_keeps_to_its_share_at_every_ui_scale(qtbot, main_window, size, presenting):
    window = main_window
    on_screen(qtbot, window, SCREEN[size], size)
    page = window.step_page
    if presenting:
        press(qtbot, window, "F5")
        qtbot.waitUntil(lambda: window.size() == window.screen().size())
    for _ in range(21):
        press(qtbot, window, "Right", widget=page.graph)
    for scale in SCALES:
        window.presenter.set_scale(scale)
        _settle(qtbot)
        share = page.equation.height() / page.height()
        assert share <= EQUATION_SHARE + 0.01, f"at {scale} % the equation takes {share:.0%} of the page"
        assert page.graph.height() >= 0.4 * page.height()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_status_bar_and_both_pages_fit_in_the_window(qtbot, main_window, size):
    window = main_window
    window.resize(*size)
    _settle(qtbot)
    inside = window.rect()
    assert window.statusBar().isVisible() and inside.contains(_rect(window.statusBar()))
    press(qtbot, window, "Ctrl+2")
    _settle(qtbot)
    assert inside.contains(_rect(window.statusBar()))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_side_panels_text_follows_the_ui_scale_and_stays_in_the_window(qtbot, main_window, size):
    window = main_window
    on_screen(qtbot, window, SCREEN[size], size)
    page = window.step_page
    controls = page.controls
    base = controls.lr.fontMetrics().height()
    for _ in range(2):
        press(qtbot, window, "Ctrl+=")  # 125 %, 150 %
    _settle(qtbot)
    assert window.presenter.scale == 150
    assert controls.lr.fontMetrics().height() >= 1.4 * base
    assert page.timeline.fontMetrics().height() >= 1.4 * base
    for _ in range(4):
        press(qtbot, window, "Ctrl+=")
    _settle(qtbot)
    assert controls.lr.fontMetrics().height() <= 1.6 * base  # capped: the graph keeps its room
    inside = window.rect()
    for field in (controls.preset, controls.hidden, controls.lr, controls.sample, controls.run_button):
        assert inside.contains(_rect(field)), f"{field.objectName() or type(field).__name__} is cut off"
    # ... and the window still fits its screen: larger text never widens it past the edge.
    assert window.minimumSizeHint().width() <= size[0] and window.width() <= size[0]
    _assert_fields_whole(controls.findChildren(QWidget))
    press(qtbot, window, "Ctrl+2")
    _settle(qtbot)
    form = window.train_page.form
    assert form.lr.fontMetrics().height() >= 1.4 * base
    _assert_fields_whole(form.findChildren(QWidget))
    press(qtbot, window, "Ctrl+0")
    _settle(qtbot)
    assert form.lr.fontMetrics().height() == base
    _assert_fields_whole(form.findChildren(QWidget))
    press(qtbot, window, "Ctrl+1")
    press(qtbot, window, "Ctrl+0")
    _settle(qtbot)
    assert controls.lr.fontMetrics().height() == base


def _assert_fields_whole(widgets):
    """Every visible text field is at least as tall as its text needs (none is clipped)."""
    for field in widgets:
        if isinstance(field, (QLineEdit, QComboBox, QAbstractSpinBox)) and field.isVisible() \
                and not isinstance(field.parentWidget(), (QComboBox, QAbstractSpinBox)):
            need = field.fontMetrics().height() + 4
            assert field.height() >= need, f"{type(field).__name__} {field.objectName()!r} is {field.height()} px, its text needs {need}"


def test_ctrl_plus_in_presenter_mode_keeps_the_graph_and_says_what_could_not_grow(qtbot, main_window):
    """On a 1280×800 projector, F5 then Ctrl+= several times: the graph keeps (nearly) its
    room, and when the equation cannot grow as far its note says so, instead of the graph
    silently shrinking under bigger buttons."""
    window = main_window
    on_screen(qtbot, window, "projector", (1280, 800))
    page = window.step_page
    press(qtbot, window, "F5")
    qtbot.waitUntil(lambda: window.size() == window.screen().size())
    for _ in range(21):
        press(qtbot, window, "Right", widget=page.graph)
    _settle(qtbot)
    before = page.graph.height()
    for _ in range(4):
        press(qtbot, window, "Ctrl+=")
    _settle(qtbot)
    assert window.presenter.scale == 200
    assert page.graph.height() >= 0.85 * before, (before, page.graph.height())
    toast = window.presenter.toast.text()
    assert "UI scale 200 %" in toast
    if page.equation.scale < 2.0:
        assert f"the equation at {round(page.equation.scale * 100)} %, the most that fits" in toast


def test_the_presenter_note_stays_whole_and_centred_as_the_window_fills_the_screen(qtbot, main_window):
    """F5 from a small window: presenter mode fills the screen after the note is shown; the
    note moves to the middle of the full window, and a window narrower than the note wraps it
    rather than cutting it."""
    window = main_window
    on_screen(qtbot, window, "desktop", (700, 600))
    press(qtbot, window, "F5")
    qtbot.waitUntil(lambda: window.size() == window.screen().size())
    toast = window.presenter.toast
    assert toast.isVisible() and "Esc or F5 leaves" in toast.text()
    qtbot.waitUntil(lambda: abs(toast.geometry().center().x() - window.width() // 2) <= 1)
    assert window.rect().contains(toast.geometry())
    press(qtbot, window, "F5")
    toast.say("A note longer than the window is wide: " + "every word of it stays on the screen " * 6)
    assert toast.wordWrap() and window.rect().contains(toast.geometry())
    assert toast.height() > 2 * toast.fontMetrics().height()  # more lines, the whole text
