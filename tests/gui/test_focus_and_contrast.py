"""Issue 21, as a person sees it after choosing a theme in View > Theme (high contrast, and
light and dark alike): the speed slider's groove drawn its whole length, the side panels'
tab titles whole, a ring round the widget that has the keyboard's focus at once, and a
disabled field that looks disabled yet reads at 4.5:1."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider, QTabBar

from bpviz.gui import style
from tests.gui.conftest import on_screen
from tests.gui.test_theme import contrast
from tests.gui.userpath import click_menu, press

THEMES = {"light": "Light", "dark": "Dark", "contrast": "High contrast"}


def choose_theme(qtbot, window, theme: str) -> None:
    click_menu(qtbot, window, "View", "Theme", THEMES[theme])
    assert style.theme.key == theme
    window.activateWindow()  # as the window is again once its menu closes (offscreen Qt leaves it inactive)
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.wait(50)


def _grab(widget, margin: int = 0) -> QImage:
    """``widget`` and ``margin`` px round it, as the window shows them."""
    window = widget.window()
    corner = widget.mapTo(window, QPoint(0, 0))
    return window.grab(QRect(corner.x() - margin, corner.y() - margin, widget.width() + 2 * margin,
                             widget.height() + 2 * margin)).toImage()


def _ring_pixels(image: QImage, rect: QRect | None = None) -> int:
    """How many pixels of ``image`` (in ``rect``) are drawn in the focus ring's colour."""
    rect = image.rect() if rect is None else rect.intersected(image.rect())
    ring = style.FORWARD
    return sum(1 for y in range(rect.top(), rect.bottom() + 1) for x in range(rect.left(), rect.right() + 1)
               if sum(abs(a - b) for a, b in zip(QColor.fromRgb(image.pixel(x, y)).getRgb()[:3], ring.getRgb()[:3])) < 40)


@pytest.mark.parametrize("theme", ["contrast", "light", "dark"])
def test_the_speed_sliders_groove_is_drawn_its_whole_length(qtbot, main_window, theme):
    """Past the handle, Fusion's groove is a shade of the window: on high contrast's black it
    vanished, and the groove looked as short as the part before the handle."""
    window = main_window
    choose_theme(qtbot, window, theme)
    slider = window.step_page.transport.speed
    assert slider.isVisible()
    slider.setValue(1)  # the handle near the left end: most of the groove past it
    qtbot.wait(50)
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    groove = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, slider)
    handle = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, slider)
    image = _grab(slider)
    background = window.palette().window().color()
    rows = range(groove.center().y() - 4, groove.center().y() + 5)
    shown = [x for x in range(groove.left() + 3, groove.right() - 2)
             if any(contrast(QColor.fromRgb(image.pixel(x, y)), background) >= 3.0 for y in rows)]
    beyond = list(range(handle.right() + 1, groove.right() - 2))
    assert len(beyond) > 20
    assert set(beyond) <= set(shown), f"the groove shows on {len(set(beyond) & set(shown))} of {len(beyond)} px past the handle"
    outside = [x for x in range(groove.left() + 3, groove.right() - 2) if not handle.left() <= x <= handle.right()]
    assert set(outside) <= set(shown)  # before the handle too


def _whole(bar) -> list[str]:
    """The titles of ``bar`` that are cut (drawn narrower than their text and padding)."""
    space = bar.style().pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar)
    metrics = bar.fontMetrics()
    return [bar.tabText(i) for i in range(bar.count())
            if bar.tabRect(i).width() < metrics.horizontalAdvance(bar.tabText(i)) + space]


@pytest.mark.parametrize("screen", ["projector", "desktop"])
def test_the_side_panels_tab_titles_are_whole(qtbot, main_window, screen):
    """The step page's Steps, Gradient check and Your code read 'St…', 'Gradient ch…' and
    'Your c…' at 1280×800 (and at 1920×1080); the training page's five in presenter mode."""
    window = main_window
    on_screen(qtbot, window, screen)
    choose_theme(qtbot, window, "contrast")
    step_tabs = window.step_page.tabs.tabBar()
    qtbot.waitUntil(lambda: not _whole(step_tabs), timeout=2000)
    for text in ("Gradient check", "Steps"):  # the wider column of the gradient table, and back
        QTest.mouseClick(step_tabs, Qt.MouseButton.LeftButton,
                         pos=step_tabs.tabRect([step_tabs.tabText(i) for i in range(3)].index(text)).center())
        qtbot.wait(50)
        assert _whole(step_tabs) == []
    press(qtbot, window, "Ctrl+=")  # larger side text: the column widens with its titles
    qtbot.waitUntil(lambda: not _whole(step_tabs), timeout=2000)
    press(qtbot, window, "Ctrl+0")
    press(qtbot, window, "Ctrl+2")
    train_tabs = window.train_page.inside.tabBar()
    qtbot.wait(100)
    assert _whole(train_tabs) == [], [(train_tabs.tabRect(i).width(), train_tabs.fontMetrics().horizontalAdvance(train_tabs.tabText(i))) for i in range(5)]
    press(qtbot, window, "F5")
    qtbot.waitUntil(lambda: window.presenter.presenting and train_tabs.isVisible(), timeout=3000)
    qtbot.wait(100)
    assert _whole(train_tabs) == []
    press(qtbot, window, "Ctrl+=")
    qtbot.wait(100)
    assert _whole(train_tabs) == []
    press(qtbot, window, "Escape")


def _tab_to(qtbot, widget) -> None:
    """Press Tab until ``widget`` has the focus, as a keyboard user reaches it."""
    for _ in range(60):
        if widget.hasFocus():
            return
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget.accessibleName() or type(widget).__name__}")


@pytest.mark.parametrize("theme", ["contrast", "light", "dark"])
def test_the_focused_widget_shows_its_ring_right_after_the_theme_is_chosen(qtbot, main_window, theme):
    """Tab to a control, choose the theme from the View menu with the mouse: the ring is
    round the control at once (before, a button, the slider and the side tabs had none)."""
    window = main_window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    page = window.step_page
    first = "dark" if theme == "light" else "light"
    choose_theme(qtbot, window, first)
    tabs = page.tabs.tabBar()
    page.graph.setFocus(Qt.FocusReason.TabFocusReason)
    for widget in (page.controls.run_button, page.controls.lr, page.transport.speed, tabs, page.graph,
                   page.transport.buttons["play"], window.page_tabs):
        _tab_to(qtbot, widget)
        choose_theme(qtbot, window, theme)
        assert widget.hasFocus()
        image = _grab(widget, margin=2)
        if widget in (tabs, window.page_tabs):  # the current tab's, not a neighbour's ring
            current = widget.tabRect(widget.currentIndex()).translated(2, 2).adjusted(-2, -2, 2, 2)
            count, least = _ring_pixels(image, current), current.width() + current.height()
        else:
            count, least = _ring_pixels(image), widget.width() + widget.height()
        assert count >= least, f"{widget.accessibleName() or type(widget).__name__}: {count} ring pixels of {least}"
        choose_theme(qtbot, window, first)


def _ink(image: QImage) -> QColor:
    """The text's colour in a field's grab: of the colours that are not the background (the
    commonest), the one furthest from it in contrast, among those drawn on 3 pixels or more."""
    colours = Counter(image.pixel(x, y) for y in range(image.height()) for x in range(image.width()))
    background = QColor.fromRgb(colours.most_common(1)[0][0])
    return max((QColor.fromRgb(c) for c, n in colours.items() if n >= 3),
               key=lambda c: contrast(c, background)), background


@pytest.mark.parametrize("theme", ["contrast", "light", "dark"])
def test_a_disabled_field_looks_disabled_and_reads_at_4_5_to_1(qtbot, main_window, theme):
    """The Seed of a constant init does not apply: its number is drawn dimmer than the Row's
    beside it (in high contrast it was near white, as enabled), and still at 4.5:1."""
    window = main_window
    choose_theme(qtbot, window, theme)
    controls = window.step_page.controls
    assert not controls.seed.isEnabled() and controls.sample.isEnabled()
    assert controls.seed.text() == controls.sample.text()  # the same digits, in both
    inner = lambda field: _grab(field).copy(QRect(4, 4, field.width() - 30, field.height() - 8))  # the text, not the edge or arrows
    disabled, background = _ink(inner(controls.seed))
    enabled, _ = _ink(inner(controls.sample))
    assert contrast(disabled, background) >= 4.5, (disabled.name(), background.name())
    assert contrast(enabled, disabled) >= 2.0, (enabled.name(), disabled.name())


def _ring_count(widget) -> tuple[int, int]:
    """The ring's pixels round ``widget`` (a tab bar: round its current tab), and the least a
    ring of 1 px all round it would have."""
    image = _grab(widget, margin=2)
    if isinstance(widget, QTabBar):  # the current tab's, not a neighbour's ring
        rect = widget.tabRect(widget.currentIndex()).translated(2, 2).adjusted(-2, -2, 2, 2)
        return _ring_pixels(image, rect), rect.width() + rect.height()
    return _ring_pixels(image), widget.width() + widget.height()


@pytest.mark.parametrize("page_key", ["Ctrl+1", "Ctrl+2"])
def test_each_tab_stop_of_each_page_wears_the_ring_in_high_contrast_and_in_reading_order(qtbot, main_window, page_key):
    """Tab from the form's first field round the page and back: every stop shows the ring
    (on the training page the form's frame, the plots and the list of runs took the focus
    with none, and the buttons had none), and once Tab leaves the form it does not come back
    to it before the page tabs."""
    window = main_window
    choose_theme(qtbot, window, "contrast")
    press(qtbot, window, page_key)
    page = window.pages.currentWidget()
    start = page.controls.preset if page is window.step_page else page.form.preset
    form = page.side_panels[0] if page is window.step_page else page.side
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(start.hasFocus, timeout=2000)
    stops, missing = [start], []
    for _ in range(80):
        widget = QApplication.focusWidget()
        count, least = _ring_count(widget)
        if count < least:
            missing.append(f"{widget.accessibleName() or type(widget).__name__}: {count} of {least}")
        QTest.keyClick(widget, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        assert now is not widget, f"Tab stays in {type(widget).__name__}: a key trap"
        if now is start:
            break
        assert now not in stops, "Tab went round without coming back"
        stops.append(now)
    else:
        raise AssertionError("Tab never came back")
    assert len(stops) > 15
    assert missing == []
    in_form = [form.isAncestorOf(w) for w in stops]
    left = in_form.index(False)
    assert not any(in_form[left:]), "Tab came back into the form from the rest of the page"
    assert window.page_tabs is stops[-1]  # then Tab goes round: the page tabs, the form
