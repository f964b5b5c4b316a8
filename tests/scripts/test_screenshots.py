"""Smoke test of scripts/screenshots: it renders the real app's windows to PNG files."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from bpviz.gui.style import LAYER_COLORS, THEMES

ROOT = Path(__file__).resolve().parents[2]


def test_screenshots_writes_the_step_page_and_about_pictures(tmp_path):
    result = subprocess.run([str(ROOT / "scripts" / "screenshots"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    main = QImage(str(tmp_path / "main-window.png"))
    about = QImage(str(tmp_path / "about.png"))
    assert (main.width(), main.height()) == (1280, 800)
    assert not about.isNull() and about.width() >= 400
    # Not a blank frame: the window has drawn its menus and text.
    assert len({main.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)}) > 3
    for name in ("step-forward.png", "step-backward.png"):
        image = QImage(str(tmp_path / name))
        assert (image.width(), image.height()) == (1280, 800)
    # Mid-forward shows blue arrows, mid-backward red ones.
    def count(image, predicate):
        return sum(1 for x in range(0, 1280, 2) for y in range(0, 560, 2)
                   if predicate(QColor(image.pixel(x, y))))
    forward, backward = QImage(str(tmp_path / "step-forward.png")), QImage(str(tmp_path / "step-backward.png"))
    blue = lambda c: c.blue() > 150 and c.red() < 80  # noqa: E731
    red = lambda c: c.red() > 170 and c.green() < 90 and c.blue() < 80  # noqa: E731
    assert count(forward, blue) > 50
    assert count(backward, red) > 50
    # The debugger picture marks the weights the notebook's update gets wrong in orange.
    debugger = QImage(str(tmp_path / "debugger.png"))
    assert (debugger.width(), debugger.height()) == (1600, 900)
    warning = QColor(THEMES["light"]["WARNING"])  # the light theme's orange, whatever its shade
    orange = lambda c: max(abs(c.red() - warning.red()), abs(c.green() - warning.green()),  # noqa: E731
                           abs(c.blue() - warning.blue())) < 24
    assert sum(1 for x in range(0, 1100, 2) for y in range(0, 420, 2) if orange(QColor(debugger.pixel(x, y)))) > 50
    # The training page: two runs on the plot in their own colours, the diagram's arrows,
    # and a drawn digit with its prediction.
    training = QImage(str(tmp_path / "training.png"))
    assert (training.width(), training.height()) == (1600, 900)
    teal = lambda c: c.red() < 40 and 100 < c.green() < 140 and 100 < c.blue() < 130  # noqa: E731
    purple = lambda c: 100 < c.red() < 140 and c.green() < 80 and c.blue() > 200  # noqa: E731
    def pixels(image, predicate, box):
        x0, y0, x1, y1 = box
        return sum(1 for x in range(x0, x1, 2) for y in range(y0, y1, 2) if predicate(QColor(image.pixel(x, y))))
    plots = (340, 200, 1100, 800)
    assert pixels(training, teal, plots) > 50 and pixels(training, purple, plots) > 50
    # The Gradients tab: both runs' columns, each with layer 1's blue curve; then the
    # bigger network's histograms, its four layers' colours.
    gradients = QImage(str(tmp_path / "training-gradients.png"))
    assert (gradients.width(), gradients.height()) == (1600, 900)
    layer = [QColor(c) for c in LAYER_COLORS["light"][:4]]
    like = lambda colour: lambda c: max(abs(c.red() - colour.red()), abs(c.green() - colour.green()),  # noqa: E731
                                        abs(c.blue() - colour.blue())) < 30
    for left in (1100, 1350):  # the two columns of the tab
        assert pixels(gradients, like(layer[0]), (left, 380, left + 250, 600)) > 20
    histogram = QImage(str(tmp_path / "training-histograms.png"))
    for colour in layer:
        assert pixels(histogram, like(colour), (1100, 380, 1600, 840)) > 10
    for name in ("training-predictions.png", "training-draw.png"):
        assert QImage(str(tmp_path / name)).width() == 1600
    # Presenter mode fills the screen with the graph and the equation; the dark theme is dark.
    presenter = QImage(str(tmp_path / "presenter.png"))
    assert presenter.width() >= 1000 and presenter.height() >= 800  # the screen (offscreen: 800 high)
    assert count(presenter, red) > 50
    for name in ("dark.png", "training-dark.png"):
        dark = QImage(str(tmp_path / name))
        darkness = [QColor(dark.pixel(x, y)).lightness() for x in range(0, 1280, 16) for y in range(0, 800, 16)]
        assert sorted(darkness)[len(darkness) // 2] < 80, name  # most of the window is dark
    assert QImage(str(tmp_path / "shortcuts.png")).width() >= 600
