"""The graph's legend: every arrow, ring, fill and edge mark of the graph explained in a
corner of it, never over it, readable in the dark theme and at any UI scale; the F1 sheet
carries the same legend. (L and View > Graph legend: tests/gui/tour/test_05_classroom.py.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QScrollArea

from bpviz.gui import style
from bpviz.presets import TOY_PRESETS
from tests.gui.conftest import on_screen
from tests.gui.test_theme import contrast, text_contrast
from tests.gui.tour.helpers import choose, settle, shown_window
from tests.gui.userpath import click_menu, press

#: What the legend must explain (the graph's whole vocabulary), as a class reads it.
VOCABULARY = ("forward pass", "backward pass", "update of w", "computed now", "read by this step",
              "reused from cache", "chain-rule path", "this step's weights", "w ≥ 0", "w < 0", "larger |w|",
              "your bias differs", "your weight differs", "gradient check")


@pytest.fixture
def window(qtbot, make_main_window):
    return shown_window(qtbot, make_main_window)


def test_the_legend_names_every_mark_of_the_graph_beside_its_glyph(qtbot, window):
    legend = window.step_page.graph.legend
    rows = legend.rows()
    written = [entry.text for entry, _, _ in rows]
    for phrase in VOCABULARY:
        assert any(phrase in text for text in written), phrase
    box = legend.box
    image = legend.grab().toImage()
    ground = image.pixelColor(box.center().x(), box.top() + 2)
    assert ground == style.SURFACE
    for entry, glyph, text in rows:
        assert box.contains(glyph.toAlignedRect()) and box.contains(text.toAlignedRect()), entry.text
        cell = glyph.toAlignedRect()
        inked = sum(1 for y in range(cell.top(), cell.bottom()) for x in range(cell.left(), cell.right())
                    if image.pixelColor(x, y) != ground)
        assert inked > 20, f"nothing drawn beside {entry.text!r}"


def _viewport_rects(graph) -> dict[str, QRect]:
    """Every unit, shown weight label and step arrow of the graph, where it is on screen."""
    items = {nid: node for nid, node in graph.nodes.items()}
    items.update({f"label {eid}": edge.label for eid, edge in graph.edges.items() if edge.label.isVisible()})
    items.update({f"arrow {i}": arrow for i, arrow in enumerate(graph.arrows)})
    return {name: graph.mapFromScene(item.sceneBoundingRect()).boundingRect() for name, item in items.items()}


@pytest.mark.parametrize("mode", ["normal", "focus", "presenter"])
@pytest.mark.parametrize("screen", ["projector", "desktop"])
def test_nothing_of_the_graph_is_ever_under_the_legend(qtbot, window, screen, mode):
    """Every preset of the step page's list, every step, on a 1280×800 projector and a
    1920×1080 desktop, with the side panels, in focus mode (F) and in presenter mode (F5)."""
    on_screen(qtbot, window, screen)
    page, graph = window.step_page, window.step_page.graph
    for preset in TOY_PRESETS:
        choose(qtbot, page.controls.preset, preset)
        graph.setFocus()
        if mode == "focus":
            press(qtbot, window, "F", widget=graph)
        if mode == "presenter":
            press(qtbot, window, "F5", widget=graph)
            qtbot.waitUntil(lambda: window.isFullScreen() and window.screen().name() == screen, timeout=3000)
        settle(qtbot)
        legend = QRect(graph.legend.geometry()).translated(-graph.viewport().pos())
        assert graph.legend.isVisible() and graph.rect().contains(graph.legend.geometry()), (preset, screen, mode)
        arrows = 0
        for index in range(len(page.controller.steps)):
            page.controller.set_index(index)
            arrows += len(graph.arrows)
            for name, rect in _viewport_rects(graph).items():
                assert not rect.intersects(legend), f"{preset}, {screen}, {mode}, step {index + 1}: {name} {rect}"
        assert arrows >= 6, preset  # the forward and backward steps' arrows were measured too
        press(qtbot, window, {"normal": "Home", "focus": "F", "presenter": "Esc"}[mode], widget=graph)
        settle(qtbot)


def test_the_legend_grows_with_the_ui_scale_as_far_as_the_side_panels(qtbot, window):
    legend = window.step_page.graph.legend
    assert legend.text_px >= 12
    at_100 = legend.text_px, legend.box.height()
    press(qtbot, window, "Ctrl+=")
    press(qtbot, window, "Ctrl+=")
    settle(qtbot)
    assert window.presenter.scale == 150
    assert legend.text_px == round(1.5 * at_100[0]) and legend.box.height() > at_100[1]
    for _ in range(4):
        press(qtbot, window, "Ctrl+=")
    assert window.presenter.scale == 300 and legend.text_px == round(style.SIDE_TEXT_MAX * at_100[0])


def test_the_dark_legend_reads_its_words_at_4_5_to_1_and_its_glyphs_at_3_to_1(qtbot, window):
    click_menu(qtbot, window, "View", "Theme", "Dark")
    legend = window.step_page.graph.legend
    settle(qtbot)
    image = legend.grab().toImage()
    ground = image.pixelColor(legend.box.center().x(), legend.box.top() + 2)
    assert ground == style.SURFACE and ground.lightness() < 60
    for entry, glyph, text in legend.rows():
        assert text_contrast(image, text.toAlignedRect()) >= 4.5, entry.text
        cell = glyph.toAlignedRect()
        strongest = max(contrast(QColor(image.pixel(x, y)), ground)
                        for y in range(cell.top(), cell.bottom()) for x in range(cell.left(), cell.right()))
        assert strongest >= 3.0, entry.kind


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_f1_sheet_carries_the_legend_after_the_keys(qtbot, window, theme):
    if theme == "dark":
        click_menu(qtbot, window, "View", "Theme", "Dark")
    press(qtbot, window, "F1")
    sheet = window._sheet
    qtbot.waitExposed(sheet)
    text = sheet.text.text()
    section = text.index("On the graph")
    assert section > text.index("Wheel / drag")  # after the keys
    for phrase in VOCABULARY:
        assert phrase.replace("<", "&lt;") in text[section:], phrase
    assert text[section:].count("<img") == len(window.step_page.graph.legend.rows())
    # It fits a 1280×800 projector, and its legend is reached by scrolling.
    assert sheet.frameGeometry().height() <= 800 and sheet.frameGeometry().width() <= 1280
    scroll = sheet.findChild(QScrollArea)
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    assert scroll.widget().height() - scroll.verticalScrollBar().value() <= scroll.viewport().height() + 1
    # The glyphs are drawn in the sheet's theme: another theme, other pictures.
    before = text[section:]
    click_menu(qtbot, window, "View", "Theme", "Light" if theme == "dark" else "Dark")
    assert sheet.text.text()[section:] != before
    sheet.close()
