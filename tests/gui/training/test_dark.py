"""The training page in the dark theme: the Weights tab's legend names its purple and green
in colours that read (4.5:1) on the dark panel, the confusion matrix's numbers read on
every cell, and each run's curves stand out (3:1) from the plots' background."""

from __future__ import annotations

import re

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor

from bpviz.gui import style
from bpviz.gui.training.curves import RUN_COLORS
from tests.gui.test_theme import contrast, text_contrast
from tests.gui.tour.helpers import click_tab, quick_run, settle, training_page, wait_until_idle
from tests.gui.userpath import click_menu, press


def test_the_weights_legend_the_results_and_the_curves_read_in_the_dark(qtbot, main_window):
    window = main_window
    click_menu(qtbot, window, "View", "Theme", "Dark")
    assert style.is_dark()
    page = training_page(qtbot, window)
    quick_run(qtbot, page.form, updates=20)
    press(qtbot, window, "Ctrl+Return")
    wait_until_idle(qtbot, page)

    click_tab(qtbot, page.inside, "Weights")
    settle(qtbot)
    legend = page.weights.legend
    panel = legend.palette().window().color()
    colours = dict(re.findall(r"<b style='color:(#[0-9a-f]{6})'>(\w+)</b>", legend.text()))
    assert sorted(colours.values()) == ["negative", "positive"]
    picture = legend.grab().toImage()
    for hex_colour, word in colours.items():
        assert contrast(QColor(hex_colour), panel) >= 4.5, f"{word} in {hex_colour} on {panel.name()}"
        shown = {picture.pixelColor(x, y).name() for y in range(picture.height()) for x in range(picture.width())}
        assert hex_colour in shown, f"{word} is not drawn in {hex_colour}"

    click_tab(qtbot, page.inside, "Results")
    settle(qtbot)
    matrix = page.confusion
    picture = matrix.grab().toImage()
    ratio = matrix.devicePixelRatioF()
    for row in range(2):
        for column in range(2):
            cell = matrix.cell_rect(row, column).adjusted(4, 4, -4, -4)  # inside its border
            rect = QRect(round(cell.x() * ratio), round(cell.y() * ratio),
                         round(cell.width() * ratio), round(cell.height() * ratio))
            assert text_contrast(picture, rect) >= 4.5, f"cell {row},{column}: {matrix.counts[row, column]}"

    background = page.plots.canvas.backgroundBrush().color()
    assert background == style.SURFACE
    assert page.plots.runs[0].color.name() == RUN_COLORS["dark"][0]
    for theme, colours in RUN_COLORS.items():
        surface = QColor(style.THEMES[theme]["SURFACE"])
        for colour in colours:
            assert contrast(QColor(colour), surface) >= 3, f"{colour} on the {theme} plots"
