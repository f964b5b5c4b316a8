"""Classroom features of the main window: presenter mode, the UI scale, the shortcut
sheet, the themes and the settings kept between sessions."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QKeySequence

from bpviz.gui import style
from bpviz.gui.main_window import MainWindow
from bpviz.gui.settings import SCALES, Settings
from bpviz.gui.stepper.page import KEYS


def test_presenter_mode_shows_only_the_graph_equation_and_big_transport(qtbot, make_main_window):
    window = make_main_window()
    page = window.step_page
    icon_before = page.transport.buttons["play"].iconSize().width()
    window.presenter_action.trigger()  # F5
    assert window.presenter.presenting and window.isFullScreen()
    assert not window.menuBar().isVisible() and not window.toolbar.isVisible()
    assert not window.statusBar().isVisible()
    assert not any(panel.isVisible() for panel in page.side_panels)
    assert page.graph.isVisible() and page.equation.isVisible() and page.transport.isVisible()
    assert page.transport.buttons["play"].iconSize().width() >= 1.7 * icon_before
    assert window.leave_presenter_action.isEnabled()
    assert window.leave_presenter_action.shortcut().toString() == "Esc"
    window.leave_presenter_action.trigger()  # Esc
    assert not window.presenter.presenting and not window.isFullScreen()
    assert window.menuBar().isVisible() and window.toolbar.isVisible() and window.statusBar().isVisible()
    assert all(panel.isVisible() for panel in page.side_panels)
    assert page.transport.buttons["play"].iconSize().width() == icon_before
    window.presenter_action.trigger()
    window.presenter_action.trigger()  # F5 again leaves too
    assert not window.presenter.presenting


def test_presenter_mode_on_the_training_page_hides_its_form(qtbot, make_main_window):
    window = make_main_window()
    window.page_actions[1].trigger()
    window.presenter.set_presenting(True)
    assert not window.train_page.side.isVisible()
    assert window.train_page.plots.isVisible() and window.train_page.diagram.isVisible()
    window.presenter.set_presenting(False)
    assert window.train_page.side.isVisible()


def test_ui_scale_grows_the_equation_and_transport_and_stops_at_300(qtbot, make_main_window):
    window = make_main_window()
    window.presenter.set_presenting(True)
    page = window.step_page
    for _ in range(21):
        page.controller.step_forward()
    qtbot.wait(20)
    result_height = page.equation.result.sizeHint().height()
    for _ in range(len(SCALES) + 2):
        window.bigger_action.trigger()
    assert window.presenter.scale == 300
    assert page.equation.scale > 1.0 and page.equation.result.sizeHint().height() > result_height
    # The graph keeps most of the page: the equation gets at most its share.
    assert page.equation.minimumSizeHint().height() <= 0.46 * page.height()
    for _ in range(len(SCALES) + 2):
        window.smaller_action.trigger()
    assert window.presenter.scale == 100
    assert page.equation.scale == 1.0
    window.bigger_action.trigger()
    window.actual_size_action.trigger()
    assert window.presenter.scale == 100
    assert [s.toString() for s in window.bigger_action.shortcuts()][0] == "Ctrl+="
    assert window.smaller_action.shortcut().toString() == "Ctrl+-"


def test_the_shortcut_sheet_lists_every_key_of_the_window(qtbot, make_main_window):
    window = make_main_window()
    assert {s.toString() for s in window.shortcuts_action.shortcuts()} == {"F1", "?"}
    window.shortcuts_action.trigger()
    sheet = window._sheet
    qtbot.waitExposed(sheet)
    text = sheet.text.text()
    with_keys = [a for a in window.actions() if not a.shortcut().isEmpty()]
    assert len(with_keys) >= 20
    for action in with_keys:
        assert action.text().replace("&", "").rstrip("…") in text, action.text()
    for key in ("Space", "PgUp", "Home"):
        assert key in KEYS and key in text
    sheet.reject()


def test_no_two_actions_or_step_page_keys_share_a_key(qtbot, make_main_window):
    """A key does one thing: the window's actions, its menus' and the step page's own keys
    (Space, arrows, +, -, ...) never share one, or Qt would run neither."""

    from PySide6.QtGui import QKeySequence

    window = make_main_window()

    def menu_actions(menu):
        for action in menu.actions():
            yield from menu_actions(action.menu()) if action.menu() is not None else (action,)

    actions = set(window.actions())
    for top in window.menuBar().actions():
        actions.update(menu_actions(top.menu()))
    keys = [s.toString() for action in actions for s in action.shortcuts() if not s.isEmpty()]
    keys += [QKeySequence(key).toString() for key in KEYS]
    assert len(keys) >= 30 and "L" in keys and "F" in keys
    assert [key for key, count in Counter(keys).items() if count > 1] == []


def test_every_menu_action_can_be_reached_from_the_keyboard(qtbot, make_main_window):
    """Each menu has a mnemonic (Alt+letter), and so does each of its actions, a letter no
    other item of its menu has (a shared one only moves between them: View's S went to
    'Step through backprop' before 'Smaller')."""
    window = make_main_window()
    menus = [(menu_action.text(), menu_action.menu()) for menu_action in window.menuBar().actions()]
    for title, _ in menus:
        assert "&" in title, title
    while menus:
        title, menu = menus.pop()
        letters = []
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            assert "&" in action.text() or not action.shortcut().isEmpty() or action.menu() is not None \
                or action in window.export_view_actions.values(), action.text()
            letter = QKeySequence.mnemonic(action.text())
            if not letter.isEmpty():
                letters.append((letter.toString(), action.text()))
            if action.menu() is not None:
                menus.append((action.text(), action.menu()))
        shared = Counter(letter for letter, _ in letters)
        assert [text for letter, text in letters if shared[letter] > 1] == [], title


def _contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_forward_and_backward_colours_read_apart_in_both_themes(theme):
    style.apply_theme(theme)
    for color in (style.FORWARD, style.BACKWARD, style.UPDATE, style.INK):
        assert _contrast(color, style.BACKGROUND) >= 3.0, (theme, color.name())
    hue_gap = abs(style.FORWARD.hueF() - style.BACKWARD.hueF())
    assert min(hue_gap, 1 - hue_gap) > 0.3  # blue and red, not two blues


def test_backward_arrows_are_dashed_so_greyscale_keeps_them_apart(qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QImage, QPainter

    from bpviz.gui.graph.items import ArrowItem

    def pen_style(direction):
        item = ArrowItem(QPointF(0, 0), QPointF(200, 0), direction)
        image = QImage(240, 40, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        painter.translate(20, 20)
        item.paint(painter, None)
        painter.end()
        row = [image.pixelColor(x, 20).alpha() > 0 for x in range(30, 150)]
        return sum(1 for a, b in zip(row, row[1:]) if a != b)  # changes of ink along the line

    assert pen_style("forward") == 0  # solid
    assert pen_style("backward") >= 6  # dashes


def test_the_theme_recolours_the_app_and_follows_the_choice(qtbot, make_main_window):
    window = make_main_window()
    window.theme_actions["dark"].trigger()
    assert style.theme.name == "dark"
    qtbot.waitUntil(lambda: window.palette().window().color().lightness() < 80)
    assert window.step_page.graph.backgroundBrush().color() == style.BACKGROUND
    assert style.BACKGROUND.lightness() < 50
    assert window.step_page.equation.styleSheet().endswith(f"background: {style.SURFACE.name()}; }}")
    # What the graph highlights takes the new colours at once, without a new step.
    node = window.step_page.graph.nodes["n1.1"]
    window.step_page.controller.set_index(0)
    assert node.color.name() == style.FORWARD.name() == "#6ea8ff"
    window.theme_actions["light"].trigger()
    assert style.theme.name == "light"
    qtbot.waitUntil(lambda: window.palette().window().color().lightness() > 200)
    window.theme_actions["system"].trigger()  # offscreen, the desktop says nothing: light
    assert style.theme.name == style.system_theme() == "light"
    assert window.settings.theme == "system"


def test_settings_are_restored_in_the_next_session(qtbot, make_main_window):
    window = make_main_window()
    window.theme_actions["dark"].trigger()
    window.presenter.set_scale(175)
    window.step_page.controller.set_speed(6)
    window.step_page.controls.preset.setCurrentText("two-layer")
    window.train_page.form.preset.setCurrentText("fast")
    window.resize(1300, 777)
    geometry = window.saveGeometry()
    window.close()
    style.apply_theme("light")

    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    # The offscreen screen is 800 x 800, so Qt fits a restored window to it: compare with
    # a window given the saved geometry directly.
    assert Settings().geometry == geometry
    reference = MainWindow()
    qtbot.addWidget(reference)
    reference.resize(640, 480)
    reference.restoreGeometry(geometry)
    reference.show()
    assert again.geometry() == reference.geometry() and again.height() > 700
    assert again.theme_choice == "dark" and style.theme.name == "dark"
    assert again.presenter.scale == 175
    assert math.isclose(again.step_page.ui_scale, 1.75)
    assert again.step_page.controller.speed == 6
    assert again.step_page.session.recipe.name == "two-layer"
    assert again.train_page.form.preset.currentText() == "fast"


def test_a_settings_file_edited_into_nonsense_opens_with_defaults(qtbot, private_settings, make_main_window):
    store = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "bpviz", "bpviz")
    for key, value in (("view/theme", "purple"), ("view/scale", "huge"), ("step/speed", 99),
                       ("step/preset", "no-such"), ("train/preset", 3), ("window/geometry", "xyz")):
        store.setValue(key, value)
    store.sync()
    window = make_main_window()
    assert window.theme_choice == "system" and window.presenter.scale == 100
    assert window.step_page.controller.speed == Settings().speed
    assert window.step_page.session.recipe.name == "notebook-regression"
    assert window.train_page.form.preset.currentText() == "tutorial"
    assert (window.width(), window.height()) == (1280, 800)  # the bad geometry is not applied


def test_a_theme_change_keeps_the_plot_legend_readable(qtbot):
    from bpviz.gui.training.history import RunHistory
    from bpviz.gui.training.plots import PlotsPanel
    from bpviz.presets import get_preset

    plots = PlotsPanel()
    qtbot.addWidget(plots)
    plots.add_run(RunHistory(1, get_preset("tutorial"), label="#1 tutorial · 784-196-1"))
    style.apply_theme("dark")
    (_, label), = plots.legend.items
    assert "#1 tutorial" in label.item.toPlainText()
    assert label.item.defaultTextColor() == style.INK or style.INK.name() in label.item.toHtml()
    assert plots.canvas.backgroundBrush().color() == style.SURFACE
