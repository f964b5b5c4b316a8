"""The themes, as a person sees them: View > Theme switches the whole window, and the
menu bar, its menus, the page tabs and the form labels read at a text contrast of at
least 4.5:1 (WCAG AA) in the light, the dark and the high-contrast theme."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QFileDialog, QFormLayout, QLabel

from bpviz.gui import style
from tests.gui.userpath import choose_file, click_menu, press

THEME_ITEMS = {"light": "Light", "dark": "Dark", "contrast": "High contrast"}


def luminance(c: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_contrast(image: QImage, rect: QRect) -> float:
    """The contrast of the text drawn in ``rect`` of ``image``: its commonest colour is the
    background, the pixel that differs most from it is the ink."""
    rect = rect.intersected(image.rect())
    colors = Counter(image.pixel(x, y) for y in range(rect.top(), rect.bottom() + 1)
                     for x in range(rect.left(), rect.right() + 1))
    background = QColor.fromRgb(colors.most_common(1)[0][0])
    return max(contrast(QColor.fromRgb(c), background) for c in colors)


def _in_window(widget, rect: QRect | None = None) -> QRect:
    rect = rect or widget.rect()
    return QRect(widget.mapTo(widget.window(), rect.topLeft()), rect.size())


def _form_labels(form_widget):
    layout = form_widget.findChild(QFormLayout)
    labels = []
    for row in range(layout.rowCount()):
        item = layout.itemAt(row, QFormLayout.ItemRole.LabelRole)
        if item is not None and isinstance(item.widget(), QLabel) and item.widget().text():
            labels.append(item.widget())
    return labels


@pytest.mark.parametrize("theme", ["dark", "light", "contrast"])
def test_menus_tabs_and_labels_read_well_after_a_theme_change(qtbot, main_window, theme):
    window = main_window
    first = "light" if theme == "dark" else "dark"
    for name in (first, theme):  # the change happens while the window is up, as a user makes it
        click_menu(qtbot, window, "View", "Theme", THEME_ITEMS[name])
    assert style.theme.key == theme
    qtbot.wait(50)
    image = window.grab().toImage()
    bar = window.menuBar()
    for action in bar.actions():
        assert text_contrast(image, _in_window(bar, bar.actionGeometry(action))) >= 4.5, action.text()
    tabs = window.page_tabs
    for i in range(tabs.count()):
        assert text_contrast(image, _in_window(tabs, tabs.tabRect(i))) >= 4.5, tabs.tabText(i)
    labels = _form_labels(window.step_page.controls)
    assert len(labels) >= 7
    for label in labels:
        assert text_contrast(image, _in_window(label)) >= 4.5, label.text()
    # The menus that drop down from it, too.
    menu = window.view_menu
    menu.popup(window.mapToGlobal(bar.geometry().bottomLeft()))
    qtbot.waitUntil(menu.isVisible)
    popup = menu.grab().toImage()
    for action in menu.actions():
        if not action.isSeparator() and action.isEnabled():
            assert text_contrast(popup, menu.actionGeometry(action)) >= 4.5, action.text()
    menu.close()
    press(qtbot, window, "Ctrl+2")
    image = window.grab().toImage()
    for i in range(tabs.count()):
        assert text_contrast(image, _in_window(tabs, tabs.tabRect(i))) >= 4.5, tabs.tabText(i)
    for label in _form_labels(window.train_page.form):
        if label.isVisible():
            assert text_contrast(image, _in_window(label)) >= 4.5, label.text()


def test_file_choosers_take_the_app_theme_when_it_is_not_the_desktop_one(qtbot, main_window, monkeypatch, tmp_path):
    window = main_window
    click_menu(qtbot, window, "View", "Theme", "Dark")
    shown = choose_file(monkeypatch, None)
    click_menu(qtbot, window, "File", "Save lesson…")
    assert shown, "no file chooser opened"
    options = shown[-1].get("options", QFileDialog.Option(0))
    # The desktop is light here (offscreen says nothing), so its own chooser would be light.
    assert options & QFileDialog.Option.DontUseNativeDialog
    click_menu(qtbot, window, "View", "Theme", "Follow the system")
    click_menu(qtbot, window, "File", "Save lesson…")
    assert not shown[-1].get("options", QFileDialog.Option(0)) & QFileDialog.Option.DontUseNativeDialog


@pytest.mark.parametrize("theme", ["light", "dark", "contrast"])
def test_every_colour_text_is_written_in_reads_at_4_5_to_1(theme):
    """Messages are written in the theme's colours (an error red, a warning orange such as
    the debugger's "Your code disagrees", a muted grey): each reads at 4.5:1 on the panels,
    the window and the graph's background (7:1 in high contrast). The debugger's orange is
    a mark's colour first (3:1, as WCAG asks of graphics; bright, to read apart from the
    red for colour-blind eyes): its words are written in style.legible(WARNING)."""
    style.apply_theme(theme)
    window = style.palette().window().color()
    need = style.TEXT_CONTRAST[theme]
    for name in ("INK", "MUTED", "FORWARD", "BACKWARD", "UPDATE", "WARNING", "REUSED"):
        color = getattr(style, name)
        for background in (style.SURFACE, window, style.BACKGROUND):
            text = style.legible(color, background) if name == "WARNING" else color
            assert contrast(text, background) >= need, (theme, name, text.name(), background.name())
            assert contrast(color, background) >= 3.0, (theme, name, color.name(), background.name())


@pytest.mark.parametrize("theme", ["dark", "light", "contrast"])
def test_text_fields_and_check_boxes_show_their_edges(qtbot, main_window, theme):
    """A text field's or a check box's edge reads at 3:1 against the window (WCAG's for a
    control's boundary): in the dark theme Fusion's own was 1.1:1, and the boxes vanished."""
    window = main_window
    click_menu(qtbot, window, "View", "Theme", THEME_ITEMS[theme])
    press(qtbot, window, "Ctrl+2")
    qtbot.wait(50)
    form = window.train_page.form
    image = window.grab().toImage()
    background = window.palette().window().color()
    for field in (form.hidden, form.lr, form.seed, form.length, window.train_page.plots.log_box
                  if hasattr(window.train_page.plots, "log_box") else form.all_digits, form.all_digits):
        rect = _in_window(field)
        if field is form.all_digits:  # the box, not its words
            rect.setWidth(rect.height())
        edge = [QColor.fromRgb(image.pixel(x, y)) for y in (rect.top(), rect.top() + 1, rect.bottom() - 1, rect.bottom())
                for x in range(rect.left() + 3, rect.right() - 3)]
        edge += [QColor.fromRgb(image.pixel(x, y)) for x in (rect.left(), rect.left() + 1, rect.right() - 1, rect.right())
                 for y in range(rect.top() + 3, rect.bottom() - 3)]
        assert max(contrast(c, background) for c in edge) >= 3.0, type(field).__name__


@pytest.mark.parametrize("theme", ["dark", "light", "contrast"])
def test_an_empty_box_note_never_looks_like_typed_text(qtbot, main_window, theme):
    """The quiz's answer box, empty, shows a note ("a number, then Enter"): in every theme
    it reads (4.5:1 on the box) yet stands apart from typed text (in high contrast it was
    drawn near white, like an answer)."""
    window = main_window
    click_menu(qtbot, window, "View", "Theme", THEME_ITEMS[theme])
    palette = window.step_page.quiz_bar.answer.palette()
    note, text, base = (palette.color(r) for r in (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Text,
                                                    QPalette.ColorRole.Base))
    assert contrast(note, base) >= 4.5 and contrast(note, text) >= 2.0, (note.name(), text.name(), base.name())
