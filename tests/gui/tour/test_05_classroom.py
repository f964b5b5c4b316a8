"""README, "In class: presenter mode, themes, export": F5 and Esc, the UI scale, the
shortcut sheet, the graph legend (L), View > Theme, File > Export view and Ctrl+E, the
animation of steps, and the settings a second window finds."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QImage, QKeySequence, QPainter
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QPushButton

from bpviz.gui import style
from bpviz.gui.export import logical_size
from bpviz.gui.graph.items import ArrowItem
from bpviz.gui.main_window import MainWindow
from bpviz.gui.stepper.equation import EQUATION_SHARE
from bpviz.nn.notation import result
from tests.gui.conftest import on_screen
from tests.gui.test_theme import _in_window, contrast, text_contrast
from tests.gui.tour.helpers import (
    choose,
    click,
    enter,
    quick_run,
    settle,
    step_to,
    training_page,
    wait_until_idle,
    window_back,
)
from tests.gui.userpath import (
    answer_dialog,
    choose_file,
    click_menu,
    menu_action,
    ok_button,
    plain,
    press,
    type_into,
)


def _present(qtbot, window, on: bool = True) -> None:
    press(qtbot, window, "F5")
    qtbot.waitUntil(lambda: window.presenter.presenting == on, timeout=2000)
    if on:
        qtbot.waitUntil(lambda: window.geometry() == window.screen().geometry(), timeout=2000)
    settle(qtbot)


# Presenter mode ---------------------------------------------------------------------------
def test_f5_turns_presenter_mode_on_and_off(qtbot, main_window):
    """"**F5** turns it on and off" """
    _present(qtbot, main_window)
    assert main_window.isFullScreen()
    _present(qtbot, main_window, on=False)
    assert not main_window.isFullScreen() and main_window.menuBar().isVisible()


def test_esc_leaves_presenter_mode(qtbot, main_window):
    """"and **Esc** leaves it." """
    _present(qtbot, main_window)
    press(qtbot, main_window, "Esc")
    assert not main_window.presenter.presenting and not main_window.isFullScreen()
    assert all(panel.isVisible() for panel in main_window.step_page.side_panels)


def test_presenter_mode_fills_the_screen_with_the_graph_the_equation_and_big_buttons(qtbot, main_window):
    """"It fills the screen with the graph, the equation panel and big transport buttons." """
    on_screen(qtbot, main_window, "projector", (1280, 800))
    page = main_window.step_page
    icon = page.transport.buttons["play"].iconSize().width()
    _present(qtbot, main_window)
    assert main_window.geometry() == main_window.screen().geometry()  # the projector's 1280×800
    assert not any(panel.isVisible() for panel in page.side_panels)
    assert page.graph.isVisible() and page.equation.isVisible() and page.transport.isVisible()
    assert page.transport.buttons["play"].iconSize().width() >= 1.7 * icon
    shown = page.graph.height() + page.transport.height() + page.equation.height()
    assert shown >= 0.9 * main_window.height() and page.graph.width() >= 0.95 * main_window.width()


def test_menus_toolbar_and_status_bar_step_aside_but_their_keys_still_work(qtbot, main_window):
    """"Menus, toolbar and status bar step aside, but their keys still work." """
    _present(qtbot, main_window)
    assert not main_window.menuBar().isVisible() and not main_window.toolbar.isVisible()
    assert not main_window.statusBar().isVisible()
    press(qtbot, main_window, "Ctrl+=")
    assert main_window.presenter.scale == 125
    press(qtbot, main_window, "Ctrl+2")
    assert main_window.pages.currentWidget() is main_window.train_page
    press(qtbot, main_window, "Ctrl+1")
    press(qtbot, main_window, "Right", widget=main_window.step_page.graph)
    assert main_window.step_page.transport.position.text() == "step 1 of 32"
    press(qtbot, main_window, "F1")
    assert main_window._sheet is not None and main_window._sheet.isVisible()
    main_window._sheet.close()


def test_on_the_training_page_the_form_steps_aside_and_the_run_bar_is_large(qtbot, main_window):
    """"On the training page, the form steps aside; the run bar (Start, Pause, Stop and the
    progress, large), the diagram, the plots and the views fill the screen." """
    page = training_page(qtbot, main_window)
    normal = page.start_button.height()
    _present(qtbot, main_window)
    assert not page.form.isVisible()
    for widget in (page.start_button, page.pause_button, page.stop_button, page.progress, page.diagram,
                   page.plots, page.inside):
        assert widget.isVisible()
    assert page.start_button.height() >= 1.5 * normal
    assert page.run_bar.width() >= 0.95 * main_window.width()
    assert page.inside.mapTo(main_window, page.inside.rect().bottomRight()).y() >= 0.9 * main_window.height()


# UI scale ---------------------------------------------------------------------------------
def test_ctrl_plus_and_minus_set_the_ui_scale_from_100_to_300_percent(qtbot, main_window):
    """"**Ctrl+=** and **Ctrl+-** set it from 100 % to 300 %" """
    seen = []
    for _ in range(8):
        press(qtbot, main_window, "Ctrl+=")
        seen.append(main_window.presenter.scale)
    assert seen[-1] == 300 and seen == sorted(seen) and seen[0] == 125
    assert "UI scale 300 %" in main_window.statusBar().currentMessage()
    for _ in range(8):
        press(qtbot, main_window, "Ctrl+-")
    assert main_window.presenter.scale == 100


def test_ctrl_0_resets_the_ui_scale(qtbot, main_window):
    """"(**Ctrl+0** resets it)" """
    press(qtbot, main_window, "Ctrl+=")
    press(qtbot, main_window, "Ctrl+=")
    assert main_window.presenter.scale == 150
    press(qtbot, main_window, "Ctrl+0")
    assert main_window.presenter.scale == 100 and main_window.step_page.ui_scale == 1.0


def _points(widget) -> float:
    return widget.font().pointSizeF()


def test_the_ui_scale_enlarges_the_equation_transport_run_bar_plots_diagram_and_side_panels(qtbot, main_window):
    """"It enlarges the equation panel, the transport, the run bar and the training plots'
    and diagram's text, and the side panels' text (the forms, the steps, the gradient
    table) up to 150 %." """
    on_screen(qtbot, main_window, "desktop", (1920, 1080))  # room for a larger equation
    step, train = main_window.step_page, main_window.train_page
    step_to(qtbot, main_window, 21)
    settle(qtbot)
    before = {"controls": _points(step.controls), "steps": _points(step.timeline), "table": _points(step.debug.table),
              "form": _points(train.form), "run bar": _points(train.start_button),
              "transport": _points(step.transport.position), "equation": step.equation.result.sizeHint().height()}
    for _ in range(4):
        press(qtbot, main_window, "Ctrl+=")
    assert main_window.presenter.scale == 200
    settle(qtbot)
    assert step.equation.scale > 1.0 and step.equation.result.sizeHint().height() >= 1.2 * before["equation"]
    assert _points(step.transport.position) > 1.2 * before["transport"]
    assert _points(train.start_button) == pytest.approx(2 * before["run bar"])
    assert train.plots.scale == 2.0 and train.diagram.scale == 2.0
    for name, widget in (("controls", step.controls), ("steps", step.timeline), ("table", step.debug.table),
                         ("form", train.form)):
        assert _points(widget) == pytest.approx(1.5 * before[name]), name  # the side panels stop at 150 %


@pytest.mark.parametrize("screen, most", [(("projector", (1280, 800)), (1.05, 1.2)),
                                          (("desktop", (1920, 1080)), (1.9, 2.1))], ids=["projector", "desktop"])
def test_the_training_views_grow_as_far_as_leaves_each_plot_120_px(qtbot, main_window, screen, most):
    """"The training page's run bar, diagram and plots likewise grow only as far as leaves
    each plot's curves 120 px: on a 1280×800 projector they stop at about 110 %, on
    1920×1080 at 200 %." """
    on_screen(qtbot, main_window, *screen)
    page = training_page(qtbot, main_window)
    for _ in range(8):
        press(qtbot, main_window, "Ctrl+=")
    assert main_window.presenter.scale == 300
    settle(qtbot)
    low, high = most
    assert low <= page.view_scale() <= high
    assert page.run_bar.scale == page.plots.scale == page.diagram.scale == page.view_scale()
    assert min(page.plots.data_heights()) >= 120


@pytest.mark.parametrize("presenting", [False, True], ids=["window", "presenter"])
@pytest.mark.parametrize("screen", [("projector", (1280, 800)), ("desktop", (1920, 1080))], ids=lambda s: s[0])
def test_the_equation_never_takes_more_than_45_percent_of_the_height(qtbot, main_window, presenting, screen):
    """"The equation never takes more than 45 % of the height; past that it stays at the
    largest size that fits, so the graph keeps its room." """
    on_screen(qtbot, main_window, *screen)
    page = main_window.step_page
    if presenting:
        _present(qtbot, main_window)
    step_to(qtbot, main_window, 21)
    scales = []
    for _ in range(7):
        press(qtbot, main_window, "Ctrl+=")
        settle(qtbot)
        assert page.equation.height() <= (EQUATION_SHARE + 0.01) * page.height()
        scales.append(page.equation.scale)
    assert main_window.presenter.scale == 300
    assert scales == sorted(scales)  # it grows as far as it fits, then stays
    assert page.graph.height() >= 0.4 * page.height()


# Keys -------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["F1", "?"])
def test_f1_or_question_mark_opens_the_shortcut_sheet_listing_every_key(qtbot, main_window, key):
    """"**F1** or **?** opens the shortcut sheet. It is read from the menus themselves, so it
    lists every key there is." """
    press(qtbot, main_window, key)
    sheet = main_window._sheet
    assert sheet is not None and sheet.isVisible() and sheet.windowTitle() == "Keyboard shortcuts"
    text = sheet.text.text()
    keyed = [a for a in main_window.actions() if a.shortcuts()]
    for menu in main_window.menuBar().actions():
        keyed += [a for a in menu.menu().actions() if a.shortcuts()]
    assert len(keyed) >= 20
    for action in keyed:
        for sequence in action.shortcuts():
            assert sequence.toString(QKeySequence.SequenceFormat.NativeText) in text, action.text()
        assert plain(action.text()).rstrip("…") in text, action.text()
    for key_name in ("Space", "→", "←", "Home", "End", "PgUp", "PgDown", "+", "-"):  # the step page's own
        assert f"<b>{key_name}</b>" in text, key_name
    sheet.close()


def test_every_menu_and_action_has_an_alt_mnemonic(qtbot, main_window):
    """"Every menu and action also has an Alt mnemonic." """
    def items(menu):
        for action in menu.actions():
            if not action.isSeparator():
                yield action
                if action.menu() is not None:
                    yield from items(action.menu())

    bar = main_window.menuBar()
    for top in bar.actions():
        title = top.text()
        assert "&" in title, title
        letter = title[title.index("&") + 1]
        press(qtbot, main_window, f"Alt+{letter.upper()}", widget=main_window)
        qtbot.waitUntil(top.menu().isVisible, timeout=2000)  # Alt+letter opens it
        missing = [a.text() for a in items(top.menu()) if "&" not in a.text()]
        assert not missing, f"{plain(title)}: {missing}"
        top.menu().close()
        window_back(qtbot, main_window)


# Graph legend -----------------------------------------------------------------------------
def test_l_or_view_graph_legend_shows_or_hides_the_key_a_first_launch_shows_it_and_it_is_remembered(qtbot, main_window):
    """"**L** or **View > Graph legend** shows or hides it. A first launch shows it, and
    bpviz remembers your choice" """
    graph = main_window.step_page.graph
    legend, action = graph.legend, menu_action(main_window, "View", "Graph legend")
    assert action.shortcut().toString() == "L" and "&" in action.text()
    assert action.isChecked() and legend.isVisible()
    zoom = graph.transform().m11()
    press(qtbot, main_window, "L", widget=graph)
    settle(qtbot)
    assert not legend.isVisible() and not action.isChecked()
    assert graph.transform().m11() > 1.05 * zoom  # the graph takes its room back
    click_menu(qtbot, main_window, "View", "Graph legend")
    settle(qtbot)
    assert legend.isVisible() and action.isChecked() and math.isclose(graph.transform().m11(), zoom)
    window_back(qtbot, main_window)
    press(qtbot, main_window, "L", widget=graph)
    main_window.close()
    again = _new_window(qtbot)
    assert not again.step_page.graph.legend.isVisible()
    assert not menu_action(again, "View", "Graph legend").isChecked()


def test_focus_and_presenter_mode_keep_the_legend_as_you_chose(qtbot, main_window):
    """"bpviz remembers your choice, in focus and presenter mode too." """
    graph = main_window.step_page.graph
    press(qtbot, main_window, "F", widget=graph)
    assert main_window.step_page.focus_mode() and graph.legend.isVisible()
    press(qtbot, main_window, "L", widget=graph)
    assert not graph.legend.isVisible()
    _present(qtbot, main_window)
    assert not graph.legend.isVisible()
    press(qtbot, main_window, "L", widget=graph)
    assert graph.legend.isVisible()
    _present(qtbot, main_window, False)
    press(qtbot, main_window, "F", widget=graph)
    assert not main_window.step_page.focus_mode() and graph.legend.isVisible()


def test_on_the_training_page_view_graph_legend_is_off_and_l_changes_nothing(qtbot, main_window):
    """The legend belongs to the step page's graph: the training page has its own diagram."""
    legend = main_window.step_page.graph.legend
    training_page(qtbot, main_window)
    action = menu_action(main_window, "View", "Graph legend")
    assert not action.isEnabled()
    press(qtbot, main_window, "L", widget=main_window.train_page)
    assert action.isChecked() and legend.shown
    press(qtbot, main_window, "Ctrl+1")
    assert legend.isVisible()


# Themes -----------------------------------------------------------------------------------
def test_view_theme_offers_light_dark_high_contrast_or_follow_the_system_by_default(qtbot, main_window):
    """"**View > Theme** offers Light, Dark, High contrast, or Follow the system (the default)." """
    theme = next(a for a in main_window.view_menu.actions() if plain(a.text()) == "Theme")
    assert [plain(a.text()) for a in theme.menu().actions()] == ["Follow the system", "Light", "Dark", "High contrast"]
    assert main_window.theme_actions["system"].isChecked()
    click_menu(qtbot, main_window, "View", "Theme", "Dark")
    assert style.theme.name == "dark" and main_window.theme_actions["dark"].isChecked()
    qtbot.waitUntil(lambda: main_window.palette().window().color().lightness() < 80, timeout=2000)
    assert main_window.step_page.graph.backgroundBrush().color() == style.BACKGROUND
    click_menu(qtbot, main_window, "View", "Theme", "High contrast")
    assert style.theme.key == "contrast" and style.BACKGROUND.name() == "#000000"
    click_menu(qtbot, main_window, "View", "Theme", "Light")
    assert style.theme.name == "light"
    click_menu(qtbot, main_window, "View", "Theme", "Follow the system")
    assert style.theme.name == style.system_theme()


def test_forward_blue_and_backward_red_keep_3_to_1_contrast_on_every_background(qtbot, main_window):
    """"Forward blue and backward red keep at least 3:1 contrast on every background." """
    for item in ("Light", "Dark", "High contrast"):
        click_menu(qtbot, main_window, "View", "Theme", item)
        for color in (style.FORWARD, style.BACKWARD):
            for background in (style.BACKGROUND, style.SURFACE):
                assert contrast(color, background) >= 3.0, (item, color.name(), background.name())
        assert style.FORWARD.hue() in range(190, 250) and (style.BACKWARD.hue() < 20 or style.BACKWARD.hue() > 340)


def _ink_changes_along(arrow: ArrowItem) -> int:
    """How often the ink starts or stops along an arrow drawn as the graph draws it."""
    length = arrow.line.length()
    copy = ArrowItem(QPointF(0, 0), QPointF(length, 0), arrow.direction)
    copy.set_progress(1.0)
    image = QImage(round(length) + 40, 40, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.translate(20, 20)
    copy.paint(painter, None)
    painter.end()
    row = [image.pixelColor(x, 20).alpha() > 0 for x in range(40, round(length * 0.7))]
    return sum(a != b for a, b in pairwise(row))


def test_backward_arrows_are_dashed_and_forward_ones_solid(qtbot, main_window):
    """"Backward arrows are dashed and forward ones solid, so the two read apart in greyscale too." """
    page = main_window.step_page
    step_to(qtbot, main_window, 1)
    assert page.graph.arrows and all(_ink_changes_along(a) == 0 for a in page.graph.arrows)
    step_to(qtbot, main_window, 14)
    long_enough = [a for a in page.graph.arrows if a.line.length() > 150]  # room to count the dashes
    assert long_enough and all(_ink_changes_along(a) >= 4 for a in long_enough)


@pytest.mark.parametrize("item", ["Light", "Dark", "High contrast"])
def test_menus_tabs_and_labels_keep_a_text_contrast_of_4_5(qtbot, main_window, item):
    """"Menus, tabs and labels keep a text contrast of at least 4.5:1 in every theme" """
    click_menu(qtbot, main_window, "View", "Theme", item)
    settle(qtbot)
    image = main_window.grab().toImage()
    bar = main_window.menuBar()
    for action in bar.actions():
        assert text_contrast(image, _in_window(bar, bar.actionGeometry(action))) >= 4.5, action.text()
    tabs = main_window.page_tabs
    for i in range(tabs.count()):
        assert text_contrast(image, _in_window(tabs, tabs.tabRect(i))) >= 4.5, tabs.tabText(i)
    label = main_window.step_page.controls.findChild(type(main_window.step_page.inspector))
    assert text_contrast(image, _in_window(label)) >= 4.5, label.text()


def test_file_choosers_are_qts_own_in_bpvizs_theme_when_the_theme_is_not_the_desktops(qtbot, main_window, monkeypatch):
    """"when the theme chosen is not the desktop's, the file choosers are Qt's own, in bpviz's theme." """
    assert style.system_theme() == "light"  # offscreen, the desktop says nothing: light
    click_menu(qtbot, main_window, "View", "Theme", "Dark")
    shown = choose_file(monkeypatch, None)
    press(qtbot, main_window, "Ctrl+S")
    assert shown and shown[-1]["options"] & QFileDialog.Option.DontUseNativeDialog
    click_menu(qtbot, main_window, "View", "Theme", "Light")  # the desktop's own: its own chooser
    press(qtbot, main_window, "Ctrl+S")
    assert not shown[-1]["options"] & QFileDialog.Option.DontUseNativeDialog


# Export a view ----------------------------------------------------------------------------
VIEW_ITEMS = {"graph": "Graph", "equation": "Equation panel", "loss": "Loss plot",
              "plots": "Training plots", "gradients": "Gradient plots", "diagram": "Model diagram"}


def _text_of(svg) -> str:
    """The text an SVG holds as text (a typeset formula is one element per glyph)."""
    return "".join(t.text or "" for t in ET.parse(svg).getroot().iter() if t.tag.endswith("text"))


@pytest.mark.parametrize("kind", ["PNG", "SVG"])
@pytest.mark.parametrize("view", list(VIEW_ITEMS))
def test_file_export_view_writes_each_view_as_png_or_svg(qtbot, main_window, tmp_path, monkeypatch, view, kind):
    """"**File > Export view** writes the graph, the equation panel, the loss plot, the
    training plots or the model diagram as PNG or SVG. ... PNGs have twice the screen's
    pixels, so they stay sharp on a slide. SVGs keep the numbers as text." """
    if view in ("plots", "gradients", "diagram"):  # from the page that shows it, after a quick run
        page = training_page(qtbot, main_window)
        quick_run(qtbot, page.form, updates=2)
        press(qtbot, main_window, "Ctrl+Return")
        wait_until_idle(qtbot, page)
    else:
        enter(qtbot, main_window.step_page.controls.epochs, "3")
        click(qtbot, main_window.step_page.controls.run_button)
        step_to(qtbot, main_window, 21)
    settle(qtbot)
    path = tmp_path / f"{view}.{kind.lower()}"
    shown = choose_file(monkeypatch, path, save=True)
    click_menu(qtbot, main_window, "File", "Export view", f"{VIEW_ITEMS[view]} as {kind}…")
    assert shown and path.exists(), main_window.message and main_window.message.text()
    widget = main_window.exports.view_widget(view)
    if kind == "PNG":
        size = logical_size(widget) if view == "graph" else widget.size()
        assert Image.open(path).size == (2 * size.width(), 2 * size.height())
    else:
        assert ET.parse(path).getroot().tag.endswith("svg")
        step = main_window.step_page.controller.step
        value = result(step.value).text.lstrip("-") if step is not None else ""
        numbers = {"graph": value, "equation": value, "loss": "3", "plots": "0.", "gradients": "iteration",
                   "diagram": "784"}[view]
        assert numbers in _text_of(path).replace("\u2212", "-")


def test_what_an_export_from_the_menu_says_stays_in_the_status_bar(qtbot, main_window, tmp_path, monkeypatch):
    """After **File > Export view**, the status bar says where the picture went (the menu,
    closing, used to wipe the message at once)."""
    path = tmp_path / "graph.png"
    choose_file(monkeypatch, path, save=True)
    click_menu(qtbot, main_window, "File", "Export view", "Graph as PNG…")
    settle(qtbot)
    assert main_window.statusBar().currentMessage() == f"Exported the graph to {path}"


def test_ctrl_e_exports_the_graph_or_the_plots_on_the_training_page(qtbot, main_window, tmp_path, monkeypatch):
    """"**Ctrl+E** exports the graph, or the plots on the training page." """
    shown = choose_file(monkeypatch, tmp_path / "graph.png", save=True)
    press(qtbot, main_window, "Ctrl+E")
    assert shown[-1]["caption"] == "Export the graph" and (tmp_path / "graph.png").exists()
    page = training_page(qtbot, main_window)
    settle(qtbot)
    shown = choose_file(monkeypatch, tmp_path / "plots.png", save=True)
    press(qtbot, main_window, "Ctrl+E")
    assert shown[-1]["caption"] == "Export the training plots"
    canvas = page.plots.canvas
    assert Image.open(tmp_path / "plots.png").size == (2 * canvas.width(), 2 * canvas.height())


# Export an animation ----------------------------------------------------------------------
def _fill_animation(qtbot, first: str, last: str, size: str, fps: str, kind: str):
    def fill(dialog):
        assert dialog.windowTitle() == "Export animation of steps"
        type_into(qtbot, dialog.first, first)
        type_into(qtbot, dialog.last, last)
        choose(qtbot, dialog.size_choice, size)
        type_into(qtbot, dialog.fps, fps)
        choose(qtbot, dialog.kind, kind)
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    return fill


def test_file_export_animation_writes_an_animated_gif_at_the_size_and_speed_chosen(qtbot, main_window, tmp_path, monkeypatch):
    """"**File > Export animation of steps** (Ctrl+Shift+E) writes a range of steps as an
    animated GIF ... at the size and frames per second you choose." """
    path = tmp_path / "steps.gif"
    choose_file(monkeypatch, path, save=True)
    with answer_dialog(qtbot, _fill_animation(qtbot, "3", "6", "640 × 360 (small)", "5", "Animated GIF")):
        click_menu(qtbot, main_window, "File", "Export animation of steps…")
    qtbot.waitUntil(lambda: main_window.exports.animation is None, timeout=30_000)
    gif = Image.open(path)
    assert gif.n_frames == 4 and gif.size == (640, 360)
    assert gif.info["duration"] == 200  # 5 frames a second
    assert "Exported steps 3 to 6" in main_window.statusBar().currentMessage()


def test_ctrl_shift_e_writes_numbered_png_frames_each_the_graph_above_the_equation(qtbot, main_window, tmp_path, monkeypatch):
    """"(Ctrl+Shift+E) writes a range of steps ... as numbered PNG frames (`steps-001.png`, …)
    ... Each frame is the graph above the equation." """
    choose_file(monkeypatch, tmp_path / "steps.png", save=True)
    with answer_dialog(qtbot, _fill_animation(qtbot, "18", "21", "640 × 360 (small)", "2", "Numbered PNG frames")):
        press(qtbot, main_window, "Ctrl+Shift+E")
    qtbot.waitUntil(lambda: main_window.exports.animation is None, timeout=30_000)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"steps-00{i}.png" for i in range(1, 5)]
    frame = QImage(str(tmp_path / "steps-004.png"))
    assert (frame.width(), frame.height()) == (640, 360)
    top, bottom = frame.pixelColor(5, 5), frame.pixelColor(5, frame.height() - 6)
    assert top == style.BACKGROUND and bottom == style.SURFACE  # the graph's ground above the panel's
    reddish = sum(1 for y in range(frame.height() // 2, frame.height(), 2) for x in range(0, frame.width(), 2)
                  if (c := frame.pixelColor(x, y)).red() > 150 and c.green() < 110 and c.blue() < 110)
    assert reddish > 5  # dw[1]_21's result, in the backward red, in the lower half


def test_a_progress_dialog_shows_the_frames_and_cancel_leaves_no_file(qtbot, main_window, tmp_path, monkeypatch):
    """"A progress dialog shows the frames as they are drawn. Cancel stops it and leaves no file behind." """
    choose_file(monkeypatch, tmp_path / "steps.png", save=True)
    with answer_dialog(qtbot, _fill_animation(qtbot, "1", "32", "1920 × 1080 (full HD)", "2", "Numbered PNG frames")):
        press(qtbot, main_window, "Ctrl+Shift+E")
    progress = main_window.exports.progress
    assert isinstance(progress, QProgressDialog) and progress.isVisible()
    assert progress.maximum() == 32
    qtbot.waitUntil(lambda: progress.value() >= 2, timeout=20_000)
    assert any(tmp_path.iterdir())  # frames are being written
    cancel = next(b for b in progress.findChildren(QPushButton) if plain(b.text()) == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: main_window.exports.animation is None, timeout=10_000)
    assert list(tmp_path.iterdir()) == []
    assert main_window.exports.progress is None  # closed


# Settings ---------------------------------------------------------------------------------
def _new_window(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window_back(qtbot, window)
    return window


def test_settings_are_remembered_in_a_second_window(qtbot, main_window):
    """"bpviz remembers the window's size and place, the last presets, the theme, the scale,
    the speed and the legend in the user's settings (an INI file by Qt's QSettings)." """
    window = main_window
    window.setGeometry(120, 90, 1300, 760)  # as a person drags and resizes it
    click_menu(qtbot, window, "View", "Theme", "Dark")
    press(qtbot, window, "Ctrl+=")
    press(qtbot, window, "Ctrl+=")
    press(qtbot, window, "+", widget=window.step_page.graph)
    press(qtbot, window, "L", widget=window.step_page.graph)
    choose(qtbot, window.step_page.controls.preset, "two-layer")
    choose(qtbot, training_page(qtbot, window).form.preset, "fast")
    speed, geometry = window.step_page.controller.speed, window.geometry()
    window.close()
    assert QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "bpviz", "bpviz").fileName().endswith(".ini")
    style.apply_theme("light")
    again = _new_window(qtbot)
    assert again.geometry() == geometry
    assert again.theme_actions["dark"].isChecked() and style.theme.name == "dark"
    assert again.presenter.scale == 150 and math.isclose(again.step_page.ui_scale, 1.5)
    assert again.step_page.controller.speed == speed
    assert again.step_page.controls.preset.currentText() == "two-layer"
    assert again.train_page.form.preset.currentText() == "fast"
    assert not again.legend_action.isChecked() and not again.step_page.graph.legend.isVisible()


def test_a_setting_it_cannot_use_reads_as_the_default(qtbot, private_settings):
    """"A value it cannot use reads as the default." """
    path = Path(QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "bpviz", "bpviz").fileName())
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as ini:  # edited by hand
        ini.write("[view]\ntheme=purple\nscale=huge\nlegend=maybe\n[step]\nspeed=99\npreset=no-such\n"
                  "[train]\npreset=3\n[window]\ngeometry=xyz\n")
    window = _new_window(qtbot)
    assert window.theme_actions["system"].isChecked() and window.presenter.scale == 100
    assert window.legend_action.isChecked() and window.step_page.graph.legend.isVisible()
    assert window.step_page.controls.preset.currentText() == "notebook-regression"
    assert window.train_page.form.preset.currentText() == "tutorial"
    assert window.step_page.controller.speed == 3
