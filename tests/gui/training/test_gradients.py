"""The Gradients tab (issue 20), reached as a person reaches it: each layer's gradient
norm against updates on a log axis that only widens, a column per run shown on the cost
plot (a hidden run goes), histograms of A[l] and dW[l] redrawn at most once a second, the
diagram shaded by ‖dW[l]‖, all in both themes and in a 1024-pixel window."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor

from bpviz.gui import style
from bpviz.gui.training import histograms
from bpviz.gui.training.diagram import ModelDiagram, shade
from bpviz.gui.training.gradients import GradientsView
from bpviz.gui.training.history import RunHistory
from bpviz.gui.training.plots import PlotsPanel
from bpviz.nn import TrainConfig, TrainData, train
from bpviz.presets import get_preset
from tests.gui.test_theme import contrast
from tests.gui.tour.helpers import choose, click_tab, quick_run, settle, training_page, wait_until_idle
from tests.gui.training.helpers import near, show
from tests.gui.userpath import click_menu, press, type_into


def _deep_run(qtbot, page, updates: int = 40, every: int = 4, hidden: str = "32,16") -> None:
    """The 'fast' recipe on 500 images with two hidden layers, typed into the form."""
    quick_run(qtbot, page.form, updates=updates, evaluate_every=every)
    type_into(qtbot, page.form.hidden, hidden)
    assert page.form.recipe() is not None, page.form.errors


def _curve_points(curve) -> tuple[np.ndarray, np.ndarray]:
    x, y = curve.getOriginalDataset()  # as given: a log axis draws log10 of it
    return (np.empty(0), np.empty(0)) if x is None else (np.asarray(x), np.asarray(y))


def test_the_gradients_tab_draws_each_layers_norm_per_run_on_a_log_axis_that_only_widens(qtbot, main_window):
    window = main_window
    page = training_page(qtbot, window)
    click_tab(qtbot, page.inside, "Gradients")
    assert page.inside.tabBar().tabText(1) == "Gradients"  # beside Weights
    view = page.gradients
    assert view.isVisible() and not view.columns and "gradient norm appears here" in view.legend.text()
    _deep_run(qtbot, page)
    seen = []  # (x range, y range) of run 1's norm plot after every update that reached the page

    def look(_update):
        if view.columns and page.history.layer_iteration.size:  # the empty plot's axes are no data's
            seen.append((tuple(view.columns[0].plots[0].vb.viewRange()[0]), view.y_range(0, 0)))

    page.runner.updated.connect(look)
    press(qtbot, window, "Ctrl+Return")
    wait_until_idle(qtbot, page)
    history = page.history
    recorded = [r for r in history.records if r.layers]
    assert [r.iteration + 1 for r in recorded] == [1, *range(4, 41, 4)]  # the first update, then the cadence
    (column,) = view.columns
    for l in (1, 2, 3):  # layer l's curve holds the norms the records carry, at updates done
        x, y = _curve_points(column.curves[0][l - 1])
        assert list(x) == [r.iteration + 1 for r in recorded]
        assert np.allclose(y, [r.layers[l - 1].dW_norm for r in recorded], rtol=0, atol=0)
    norm_plot = column.plots[0]
    assert norm_plot.getAxis("left").logMode and column.plots[1].getAxis("left").logMode
    assert not column.plots[2].getAxis("left").logMode  # the shares: 0-100 %
    low, high = view.ranges["dW_norm"]
    norms = [s.dW_norm for r in recorded for s in r.layers]
    assert low == math.floor(math.log10(min(norms))) and high == math.ceil(math.log10(max(norms)))
    assert "layer 1" in view.legend.text() and "layer 3" in view.legend.text()
    # Honest axes: x is the run's 40 updates from the first record on; y only widens.
    assert seen and all(x == pytest.approx((-0.8, 40.8), abs=0.01) for x, _ in seen)
    for (_, before), (_, after) in zip(seen, seen[1:]):
        assert after[0] <= before[0] + 1e-9 and after[1] >= before[1] - 1e-9, "the y axis shrank"

    # A second run: side by side, on the same y axes; hiding the first in the list of runs
    # takes its column away.
    _deep_run(qtbot, page, updates=12, every=4, hidden="8")
    press(qtbot, window, "Ctrl+Return")
    wait_until_idle(qtbot, page)
    assert [c.history.number for c in view.columns] == [1, 2]
    assert view.y_range(0, 0) == view.y_range(1, 0)
    assert len(view.columns[1].curves[0]) == 2  # 784-8-1: two layers
    def drawn():
        """The plots on the canvas, and the runs its column headers name."""
        items = view.canvas.scene().items()
        return (sum(isinstance(i, pg.PlotItem) for i in items),
                sorted(i.text for i in items if isinstance(i, pg.LabelItem) and "</span> <b>#" in i.text))

    assert drawn()[0] == 6
    # A run's name in ink beside a swatch of its colour: not in a colour a layer's curve wears.
    for column in view.columns:
        assert column.header.opts["color"] == style.INK.name() and "■" in column.header.text
    page.plots.set_run_visible(0, False)  # as unticking run #1's box does
    assert [c.history.number for c in view.columns] == [2]
    plots_drawn, headers = drawn()
    assert plots_drawn == 3 and len(headers) == 1 and "#2 fast" in headers[0], "run #1 is still drawn"
    page.plots.set_run_visible(0, True)
    assert [c.history.number for c in view.columns] == [1, 2] and drawn()[0] == 6


def _records(hidden=(6, 4), updates=30, seed=1):
    """Real records of a small sigmoid network trained on a few MNIST-like columns, with
    the statistics on every update."""
    rng = np.random.default_rng(seed)
    X = rng.random((12, 40))
    Y = (X[:3].sum(axis=0, keepdims=True) > 1.5).astype(float)
    from bpviz.nn import Network

    net = Network([12, *hidden, 1], "sigmoid", "bce", seed=seed)
    return list(train(net, TrainData(X, Y), TrainConfig(lr=0.5, iterations=updates, eval_every=1)))


def _history(records, number=1, name="tutorial", total=None):
    recipe = get_preset(name).replace(layers=tuple(len(records[0].layers) * [1]))
    history = RunHistory(number, recipe, total=total or records[-1].total_iterations)
    return history


def test_the_histograms_redraw_at_most_once_a_second_and_show_the_latest_record(qtbot, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(histograms, "clock", lambda: now[0])
    plots = PlotsPanel()
    qtbot.addWidget(plots)
    view = show(qtbot, GradientsView(plots))
    click_tab(qtbot, view.switch, "Histograms")
    records = _records()
    history = _history(records)
    plots.add_run(history)
    hist = view.histograms
    start = hist.redraws
    for record in records:  # 30 records in 3 s of the fake clock
        history.extend([record])
        plots.refresh(history)
        view.refresh(history)
        now[0] += 0.1
    burst = hist.redraws - start
    # The empty plots were drawn just before (at the burst's start): then once a second.
    assert 2 <= burst <= 3, f"{burst} redraws in 3 seconds"
    # The last records are drawn when their second is up: the timer waits for it.
    now[0] += 1.0
    qtbot.waitUntil(lambda: hist._drawn == (history, len(records)), timeout=3000)
    latest = records[-1].layers
    for l, stats in enumerate(latest, start=1):
        x, y = _curve_points(hist.curves[(0, l)])
        assert np.allclose(x, stats.A_hist.edges()) and np.allclose(y, 100 * np.array(stats.A_hist.counts) / stats.A_hist.total)
        x, y = _curve_points(hist.curves[(1, l)])
        assert np.allclose(x, stats.dW_hist.edges())
        assert y.sum() == pytest.approx(100)
    assert hist.title.text.endswith(f"after update {len(records)}")
    assert hist.redraws - start == burst + 1


def test_the_newest_three_runs_ticked_are_shown_and_the_tab_says_so(qtbot):
    plots = PlotsPanel()
    qtbot.addWidget(plots)
    view = show(qtbot, GradientsView(plots))
    records = _records(updates=2)
    for number in range(1, 5):
        history = _history(records, number=number)
        history.extend(records)
        plots.add_run(history)
    assert [c.history.number for c in view.columns] == [2, 3, 4]
    assert view.note.isVisible() and "3 newest of the 4 runs ticked" in view.note.text()
    plots.set_run_visible(3, False)  # run #4 hidden: #1 comes back
    assert [c.history.number for c in view.columns] == [1, 2, 3] and not view.note.isVisible()


def test_the_diagram_shades_each_layer_by_its_gradient_norm_in_both_themes(qtbot):
    from bpviz.nn import Network

    records = _records(hidden=(6,), updates=3)
    net = Network([12, 6, 1], "sigmoid", "bce", seed=1)
    for theme in ("light", "dark"):
        style.apply_theme(theme)
        diagram = show(qtbot, ModelDiagram(), 1000, 200)
        diagram.set_network(net, 40)
        assert diagram.layer_shade(1) is None  # no norm yet: the plain block
        history = _history(records)
        history.extend(records)
        diagram.set_gradients(history)
        n1, n2 = (s.dW_norm for s in records[-1].layers)
        low, high = diagram.norm_decades
        assert low <= math.log10(min(n1, n2)) and math.log10(max(n1, n2)) <= high
        assert diagram.shade_legend_text()[0] == "shade: ‖dW[l]‖"
        image = diagram.grab().toImage()
        rects = diagram._rects()
        for l, norm in ((1, n1), (2, n2)):
            expected = shade((math.log10(norm) - low) / (high - low))
            corner = rects[l].topLeft() + QPoint(10, rects[l].height() - 8)  # inside, away from the text
            assert near(image.pixelColor(corner.toPoint()), expected, 6), f"layer {l} in the {theme} theme"
        # The larger norm is the deeper shade: further from the background.
        small, large = sorted(((n1, 1), (n2, 2)))
        distance = {l: sum(abs(a - b) for a, b in zip(diagram.layer_shade(l).getRgb()[:3], style.BACKGROUND.getRgb()[:3]))
                    for l in (1, 2)}
        assert distance[large[1]] > distance[small[1]] or large[0] / small[0] < 1.05
        # The block's words read on the shade.
        assert contrast(style.INK, diagram.layer_shade(1)) >= 4.5 and contrast(style.INK, shade(1.0)) >= 4.5
        diagram.close()
    style.apply_theme("light")


def test_clear_finished_runs_takes_the_diagrams_shades_with_the_runs(qtbot, main_window):
    """After Clear finished runs the Gradients tab was empty but the diagram stayed shaded
    by ‖dW[l]‖ of the run just cleared, with its legend: gradients of nothing listed. The
    shades go with their run; a new run shades the diagram again."""
    page = training_page(qtbot, main_window)
    quick_run(qtbot, page.form, updates=6)
    press(qtbot, main_window, "Ctrl+Return")
    wait_until_idle(qtbot, page)
    diagram = page.diagram
    assert diagram.norm_decades is not None and diagram.layer_shade(1) is not None
    qtbot.mouseClick(page.plots.clear_button, Qt.MouseButton.LeftButton)
    assert page.plots.run_list.count() == 0
    assert diagram.norm_decades is None and diagram.layer_shade(1) is None, "shaded by a cleared run"
    press(qtbot, main_window, "Ctrl+Return")
    wait_until_idle(qtbot, page)
    assert diagram.layer_shade(1) is not None


def test_three_runs_side_by_side_fit_the_tab_whole(qtbot, main_window):
    """With the Gradients tab shown, each new run lays the columns out anew: pyqtgraph
    laid the grid out as each plot came, before the new headers and titles gave up their
    width, and the grid grew past the canvas for good: the third run's column was cut at
    the window's edge (its header "#3 fast" and x axis halved). All three fit now."""
    page = training_page(qtbot, main_window)
    click_tab(qtbot, page.inside, "Gradients")
    view = page.gradients
    for updates in (30, 5, 8):
        quick_run(qtbot, page.form, updates=updates)
        press(qtbot, main_window, "Ctrl+Return")
        wait_until_idle(qtbot, page)
        settle(qtbot)
        assert view.canvas.ci.size().width() <= view.canvas.viewport().width() + 0.5, (
            f"the columns are {view.canvas.ci.size().width():.0f} px wide in a {view.canvas.viewport().width()} px tab")
    assert len(view.columns) == 3
    right = view.columns[-1].plots[0].mapRectToScene(view.columns[-1].plots[0].boundingRect()).right()
    assert right <= view.canvas.viewport().width()


def test_a_run_that_diverges_on_its_second_update_shows_its_one_point(qtbot, main_window):
    """`fast` in float32 at a learning rate of 1e30 diverges on its second update: its
    column had one record per layer, and a curve of one point draws no line, so the
    column stood empty as if the run had no gradients. Each layer's point is a dot."""
    page = training_page(qtbot, main_window)
    click_tab(qtbot, page.inside, "Gradients")
    quick_run(qtbot, page.form, updates=20)
    choose(qtbot, page.form.dtype, "float32")
    type_into(qtbot, page.form.lr, "1e30")
    press(qtbot, main_window, "Ctrl+Return")
    wait_until_idle(qtbot, page)
    assert page.history.status == "diverged", page.status.text()
    column = page.gradients.columns[-1]
    for l, curve in enumerate(column.curves[0], start=1):  # the gradient norms
        x, y = _curve_points(curve)
        assert x.size == 1 and curve.opts["symbol"] == "o", f"layer {l}'s one point is not drawn"
        assert curve.scatter.points()[0].brush().color() == style.layer_color(l)


def test_the_histograms_fit_the_tab_before_any_run_and_after_clear(qtbot, main_window):
    """With no run to show (before the first, or after Clear finished runs), the
    histograms' title "Histograms: at the latest update of the newest run shown" was wider
    than the tab at 1280×800: cut at "run sh", it held the plots wider than the canvas, the
    |dW| axis cut at the right. The title is shorter and everything fits."""
    page = training_page(qtbot, main_window)
    click_tab(qtbot, page.inside, "Gradients")
    click_tab(qtbot, page.gradients.switch, "Histograms")
    for _ in range(2):
        settle(qtbot)
        canvas = page.gradients.hist_canvas
        title = page.gradients.histograms.title
        assert canvas.ci.size().width() <= canvas.viewport().width() + 0.5
        assert title.item.boundingRect().width() <= canvas.viewport().width(), f"{title.text!r} is cut"
        quick_run(qtbot, page.form, updates=4)
        press(qtbot, main_window, "Ctrl+Return")
        wait_until_idle(qtbot, page)
        qtbot.mouseClick(page.plots.clear_button, Qt.MouseButton.LeftButton)


def test_the_layer_colours_read_on_both_themes_and_the_tab_follows_the_dark_theme(qtbot, main_window):
    for theme, colours in style.LAYER_COLORS.items():
        surface = QColor(style.THEMES[theme]["SURFACE"])
        assert len(set(colours)) == len(colours)
        for colour in colours:
            assert contrast(QColor(colour), surface) >= 3, f"{colour} on the {theme} plots"
    window = main_window
    click_menu(qtbot, window, "View", "Theme", "Dark")
    page = training_page(qtbot, window)
    _deep_run(qtbot, page, updates=8, every=4)
    press(qtbot, window, "Ctrl+Return")
    wait_until_idle(qtbot, page)
    click_tab(qtbot, page.inside, "Gradients")
    settle(qtbot)
    view = page.gradients
    assert view.canvas.backgroundBrush().color() == style.SURFACE
    for l, curve in enumerate(view.columns[0].curves[0], start=1):
        assert curve.opts["pen"].color().name() == style.LAYER_COLORS["dark"][l - 1]
    # Drawn, not only set: layer 1's dark-theme blue is on the norm plot.
    image = view.canvas.grab().toImage()
    plot = view.columns[0].plots[0]
    box = plot.vb.mapRectToScene(plot.vb.boundingRect()).toRect()
    box = QRect(view.canvas.mapFromScene(box.topLeft()), box.size())
    blue = QColor(style.LAYER_COLORS["dark"][0])
    ratio = image.devicePixelRatio()
    hits = sum(near(image.pixelColor(round(x * ratio), round(y * ratio)), blue, 30)
               for x in range(box.left(), box.right(), 2) for y in range(box.top(), box.bottom(), 2))
    assert hits > 10


def test_in_a_narrow_window_and_in_presenter_mode_every_tab_title_shows_and_the_view_is_whole(qtbot, main_window):
    window = main_window
    page = training_page(qtbot, window)
    window.resize(1024, 768)
    settle(qtbot)
    bar = page.inside.tabBar()
    for mode in ("window", "presenter"):
        if mode == "presenter":
            press(qtbot, window, "F5")
            qtbot.waitUntil(lambda: window.presenter.presenting)
            settle(qtbot)
        titles = [bar.tabText(i) for i in range(bar.count())]
        assert titles == ["Weights", "Gradients", "Predictions", "Results", "Draw"]
        for i in range(bar.count()):
            assert bar.rect().contains(bar.tabRect(i)), f"{titles[i]} is cut off in {mode} mode"
        click_tab(qtbot, page.inside, "Gradients")
        view = page.gradients
        assert view.visibleRegion().boundingRect() == view.rect(), f"the Gradients view is cut in {mode} mode"
        assert view.canvas.ci.size().width() <= view.canvas.viewport().width() + 0.5
    press(qtbot, window, "Esc")
    assert window.width() <= 1024



@pytest.mark.parametrize("theme", ["light", "dark", "contrast"])
def test_the_diagrams_arrows_at_rest_stand_out_from_its_background(qtbot, theme):
    """Between runs the diagram's arrows are quiet, never gone: the forward and backward
    arrows keep 3:1 against the background (WCAG's non-text contrast) in each theme (in
    high contrast they were dim blue and red on black)."""
    from bpviz.nn import Network

    style.apply_theme(theme)
    try:
        diagram = show(qtbot, ModelDiagram(), 1000, 200)
        diagram.set_network(Network([12, 6, 1], "sigmoid", "bce", seed=1), 40)
        image = diagram.grab().toImage()
        left, right = diagram._rects()[:2]
        x = round((left.right() + right.left()) / 2)
        for dy in (-14, 14):  # forward above the middle, backward below
            y = round(left.center().y() + dy)
            colours = [image.pixelColor(x + dx, y + d) for d in (-1, 0, 1) for dx in range(-12, 13)]  # dashes
            best = max(contrast(c, style.SURFACE) for c in colours)
            assert best >= 3.0, (theme, dy, best)
    finally:
        style.apply_theme("light")
