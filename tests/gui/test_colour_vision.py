"""Colours anyone can tell apart: forward, backward, update, the debugger's orange and the
node fills stay distinct under deuteranopia, protanopia and tritanopia (Machado et al.
2009, in bpviz.gui.colour_vision), in the light and the dark theme; the high-contrast
theme (View > Theme > High contrast) keeps every text colour at 7:1 or more.

The threshold is a CIEDE2000 difference of 10. ΔE2000 of about 1 is the least difference
seen between two large patches side by side; a line 3 px wide, or a ring, seen for a
second across a room, needs many times that, and 10 is where palette designers put
"a different colour at a glance". Against the background the marks also keep WCAG's 3:1."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtGui import QColor

from bpviz.gui import colour_vision as cv
from bpviz.gui import style
from tests.gui.userpath import click_menu

MARKS = ("FORWARD", "BACKWARD", "UPDATE", "WARNING")
LEAST = 10.0


def test_the_simulation_and_the_difference_are_the_published_ones():
    # Sharma, Wu & Dalal's test pairs 1 and 17 of CIEDE2000.
    assert cv.delta_e2000(np.array([50, 2.6772, -79.7751]), np.array([50, 0, -82.7485])) == pytest.approx(2.0425, abs=1e-4)
    assert cv.delta_e2000(np.array([50, 2.5, 0]), np.array([73, 25, -18])) == pytest.approx(27.1492, abs=1e-4)
    # Each Machado matrix keeps white white (its rows sum to 1) and turns pure red and green
    # alike under deuteranopia, as a deuteranope sees them.
    for matrix in cv.MACHADO.values():
        assert matrix.sum(axis=1) == pytest.approx([1, 1, 1], abs=1e-3)
    assert cv.difference("#ff0000", "#00a000", "deuteranopia") < cv.difference("#ff0000", "#00a000") / 3


@pytest.mark.parametrize("theme", ["light", "dark", "contrast"])
@pytest.mark.parametrize("vision", cv.VISIONS)
def test_the_marks_read_apart_for_every_colour_vision(theme, vision):
    colours = style.THEMES[theme]
    for a, b in itertools.combinations(MARKS, 2):
        d = cv.difference(colours[a], colours[b], vision)
        assert d >= LEAST, f"{theme}, {vision}: {a} {colours[a]} and {b} {colours[b]} are ΔE2000 {d:.1f} apart"
    for mark in MARKS:
        d = cv.difference(colours[mark], colours["BACKGROUND"], vision)
        assert d >= LEAST, f"{theme}, {vision}: {mark} on the background, ΔE2000 {d:.1f}"
        assert cv.contrast(colours[mark], colours["BACKGROUND"]) >= 3.0
    d = cv.difference(colours["NODE_READ"], colours["NODE_FILL"], vision)  # a value read vs a unit
    assert d >= LEAST, f"{theme}, {vision}: the read fill is ΔE2000 {d:.1f} from a unit's fill"


def test_the_high_contrast_theme_keeps_every_text_colour_at_7_to_1():
    colours = style.THEMES["contrast"]
    texts = ("INK", "MUTED", *MARKS, "REUSED", "EDGE_POSITIVE", "EDGE_NEGATIVE")
    grounds = ("BACKGROUND", "SURFACE", "NODE_FILL", "LABEL_FILL")
    for text, ground in itertools.product(texts, grounds):
        ratio = cv.contrast(colours[text], colours[ground])
        assert ratio >= 7.0, f"{text} on {ground}: {ratio:.1f}:1"
    assert cv.contrast(colours["INK"], colours["NODE_READ"]) >= 7.0  # a read unit's value
    assert style.LINE_SCALE["contrast"] > 1.0


def test_view_theme_high_contrast_dresses_the_window_and_is_remembered(qtbot, main_window, make_main_window):
    window = main_window
    click_menu(qtbot, window, "View", "Theme", "High contrast")
    assert style.theme.key == "contrast" and window.theme_actions["contrast"].isChecked()
    assert style.BACKGROUND.name() == "#000000" and style.INK.name() == "#ffffff"
    assert style.line(2.0) > 2.0  # thicker lines
    palette = window.palette()
    assert cv.contrast(palette.windowText().color().name(), palette.window().color().name()) >= 7.0
    label = window.step_page.controls.error  # text in a mark's colour is made legible
    assert style.contrast(style.legible(style.WARNING), style.SURFACE) >= 7.0
    assert label is not None
    again = make_main_window()
    assert style.theme.key == "contrast" and again.theme_actions["contrast"].isChecked()


def test_legible_text_keeps_the_themes_contrast_whatever_the_mark_colour():
    for theme, need in (("light", 4.5), ("dark", 4.5), ("contrast", 7.0)):
        style.apply_theme(theme)
        for key in (*MARKS, "REUSED"):
            colour = style.legible(QColor(style.THEMES[theme][key]))
            assert style.contrast(colour, style.SURFACE) >= need, (theme, key)
    style.apply_theme("light")
