"""The training page in class: the plots keep a readable height at every UI scale on a
1280×800 projector and a 1920×1080 screen, in a window and in presenter mode; the run bar
says what it says on fixed lines; text grows alike; nothing moves when a run ends; and
empty plots show sane axes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from bpviz.gui.settings import SCALES
from bpviz.gui.training.fit import PLOT_MIN
from bpviz.gui.training.plots import LABEL_POINTS, TITLE_POINTS
from tests.gui.tour.helpers import choose, click, click_tab, training_page
from tests.gui.userpath import press, type_into

SCREENS = {"projector": (1280, 800), "desktop": (1920, 1080)}


def _settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
    qtbot.wait(5)


def _on_screen(qtbot, window, name: str) -> None:
    """As tests/gui/conftest.py's on_screen, the screen known by its name: PySide may hand
    out a new wrapper of the same screen, which ``is`` does not recognise."""
    screen = next(s for s in QApplication.screens() if s.name() == name)
    window.move(screen.availableGeometry().topLeft())
    window.resize(*SCREENS[name])
    qtbot.waitUntil(lambda: window.screen().name() == name, timeout=2000)


def _rect(widget) -> QRect:
    return QRect(widget.mapTo(widget.window(), widget.rect().topLeft()), widget.size())


def _quick(qtbot, page, updates: int) -> None:
    """The 'fast' preset on 500 images for ``updates`` updates, typed as a person does."""
    form = page.form
    choose(qtbot, form.preset, "fast")
    type_into(qtbot, form.train_size, "500")
    choose(qtbot, form.length_unit, "iterations")
    type_into(qtbot, form.length, str(updates))
    assert form.recipe() is not None, form.errors


def _stopped_run(qtbot, window, page) -> None:
    """Start a long run, stop it after a few updates and wait for its model's results."""
    _quick(qtbot, page, 3000)
    press(qtbot, window, "Ctrl+Return")
    qtbot.waitUntil(lambda: page.history is not None and page.history.done >= 5, timeout=30_000)
    press(qtbot, window, "Ctrl+.")
    qtbot.waitUntil(lambda: page.runner.state == "idle" and page.results.text() != "", timeout=30_000)
    assert page.status.text().startswith("Run #1 stopped after")


def _one_line(label) -> bool:
    return label.isVisible() and label.height() <= 1.5 * label.fontMetrics().lineSpacing()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("presenting", [False, True], ids=["window", "presenter"])
def test_the_plots_keep_their_room_and_the_text_grows_alike_at_every_scale(qtbot, main_window, screen, presenting):
    window = main_window
    _on_screen(qtbot, window, screen)
    page = training_page(qtbot, window)
    _stopped_run(qtbot, window, page)
    if presenting:
        press(qtbot, window, "F5")
        qtbot.waitUntil(lambda: window.size() == window.screen().size())
    for scale in SCALES:
        if scale > SCALES[0]:
            press(qtbot, window, "Ctrl+=")
        _settle(qtbot)
        assert window.presenter.scale == scale
        where = f"at {scale} % on the {screen} ({'presenter' if presenting else 'window'})"
        _assert_room_and_alike_text(window, page, scale, where)
        if screen == "desktop" and presenting and scale <= 150:
            assert page.view_scale() == scale / 100, f"{where}: the plots' text did not grow although there is room"
    # Presenter mode entered (or left) at 300 %: the page fits its new size as well.
    for key in ("Esc", "F5") if presenting else ("F5", "Esc"):
        press(qtbot, window, key)
        full = key == "F5"
        qtbot.waitUntil(lambda full=full: (window.size() == window.screen().size()) == full)
        _settle(qtbot)
        _assert_room_and_alike_text(window, page, 300, f"at 300 % after {key} on the {screen}")


def _assert_room_and_alike_text(window, page, scale: int, where: str) -> None:
    for name, height in zip(("cost", "accuracy"), page.plots.data_heights()):
        assert height >= PLOT_MIN, f"{where}: the {name} plot's curves have {height:.0f} px, not {PLOT_MIN}"
    # The run bar's status and results: a line each, whatever they say.
    for label in (page.eta, page.status, page.results):
        assert _one_line(label), f"{where}: {label.text()!r} takes {label.height()} px"
        assert label.toolTip() == label.text()
    assert page.results.text().startswith("Final: train accuracy")
    assert window.rect().contains(_rect(page.run_bar)) and window.width() <= window.screen().size().width()
    # Everything on the page beside the form grows alike, as far as it fits.
    base = QApplication.font().pointSizeF()
    s = page.view_scale()
    assert 1.0 <= s <= scale / 100 + 1e-9
    assert page.inside.tabBar().font().pointSizeF() == pytest.approx(base * s)
    assert page.plots.run_list.font().pointSizeF() == pytest.approx(base * s)
    for plot in (page.plots.cost_plot, page.plots.accuracy_plot):
        assert plot.titleLabel.opts["size"] == f"{TITLE_POINTS * s:.1f}pt"
        assert f"font-size: {LABEL_POINTS * s:.1f}pt" in plot.getAxis("left").labelString()
        assert plot.titleLabel.item.boundingRect().height() <= plot.titleLabel.geometry().height() + 0.5, \
            f"{where}: the title is cut"
    assert page.run_bar.scale == s and page.diagram.scale == s


@pytest.mark.parametrize("presenting", [False, True], ids=["window", "presenter"])
def test_nothing_moves_when_a_run_ends(qtbot, main_window, presenting):
    """The "Final: … accuracy" line and a new status have room of their own: the tabs are
    where they were when the run ended, and a click aimed at them lands."""
    window = main_window
    _on_screen(qtbot, window, "projector")
    page = training_page(qtbot, window)
    _quick(qtbot, page, 3000)
    if presenting:
        press(qtbot, window, "F5")
        qtbot.waitUntil(lambda: window.size() == window.screen().size())
    press(qtbot, window, "Ctrl+Return")
    qtbot.waitUntil(lambda: page.history is not None and page.history.done >= 5, timeout=30_000)
    _settle(qtbot)
    watched = {"run bar": page.run_bar, "diagram": page.diagram, "plots": page.plots.canvas,
               "tabs": page.inside.tabBar(), "list of runs": page.plots.run_list}
    before = {name: _rect(widget) for name, widget in watched.items()}
    press(qtbot, window, "Ctrl+.")
    qtbot.waitUntil(lambda: page.runner.state == "idle" and page.results.text() != "", timeout=30_000)
    _settle(qtbot)
    assert page.results.text().startswith("Final: ") and "stopped after" in page.status.text()
    for name, widget in watched.items():
        assert _rect(widget) == before[name], f"the {name} moved when the run ended"
    click_tab(qtbot, page.inside, "Weights")  # where it was a moment ago
    assert page.inside.currentWidget() is page.weights


def test_empty_plots_show_sane_axes(qtbot, main_window):
    """No "(x0.001)" on an axis and no fractional updates before a run: updates 0-10, a cost
    0-1 and an accuracy 0-100 %, and so again once every run is removed."""
    window = main_window
    page = training_page(qtbot, window)
    plots = page.plots

    def assert_empty() -> None:
        for plot in (plots.cost_plot, plots.accuracy_plot):
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                assert "(x" not in axis.labelString() and not axis.autoSIPrefix, f"{side}: {axis.labelString()}"
        (x0, x1), (c0, c1) = plots.cost_plot.viewRange()
        _, (a0, a1) = plots.accuracy_plot.viewRange()
        assert x0 == pytest.approx(0, abs=0.5) and x1 == pytest.approx(10, abs=0.5)
        assert c0 == pytest.approx(0, abs=0.05) and c1 == pytest.approx(1, abs=0.05)
        assert a0 == pytest.approx(0, abs=3) and a1 == pytest.approx(100, abs=3)
        assert plots.x_title.text == "iteration (updates)"

    assert_empty()
    _quick(qtbot, page, 20)
    press(qtbot, window, "Ctrl+Return")
    qtbot.waitUntil(lambda: page.runner.state == "idle" and page.history.status == "finished", timeout=30_000)
    assert plots.cost_plot.viewRange()[0][1] == pytest.approx(20, abs=1)
    qtbot.mouseClick(plots.clear_button, Qt.MouseButton.LeftButton)
    assert plots.runs == []
    assert_empty()


def test_a_narrow_window_puts_the_plots_buttons_on_a_second_line_whole_and_working(qtbot, main_window):
    """The row "Log scale for the cost / Remove selected / Clear finished runs" held the
    page at 410 px beside the tabs (the window at 1119 px, wider than a 1024×768 screen):
    narrower, the buttons take a line of their own under the box, each whole and clickable,
    and the curves keep their room; wide again, the row is one line."""
    window = main_window
    _on_screen(qtbot, window, "projector")
    page = training_page(qtbot, window)
    _stopped_run(qtbot, window, page)
    plots = page.plots
    controls = (plots.log_scale, plots.remove_button, plots.clear_button)

    def rects():
        return [QRect(w.mapTo(plots, w.rect().topLeft()), w.size()) for w in controls]

    one_line = rects()
    assert len({r.center().y() for r in one_line}) == 1, "one line in a 1280×800 window"
    window.resize(window.minimumSizeHint().width(), 800)
    qtbot.waitUntil(lambda: window.width() <= 1000)
    _settle(qtbot)
    box, remove, clear = rects()
    assert remove.top() > box.bottom() and clear.top() > box.bottom(), "the buttons under the box"
    assert not remove.intersects(clear)
    for widget, rect in zip(controls, (box, remove, clear)):
        assert plots.rect().contains(rect), f"{widget.text()!r} reaches past the plots at {rect}"
        assert rect.width() >= widget.minimumSizeHint().width(), f"{widget.text()!r} is cut"
    assert plots.run_list.geometry().bottom() < plots.controls.geometry().top()
    for name, height in zip(("cost", "accuracy"), plots.data_heights()):
        assert height >= PLOT_MIN, f"the {name} plot's curves have {height:.0f} px in a narrow window"
    # The plots whole: a title as wide as the long one held them wider than the canvas,
    # which showed their left part; a shorter title now, all of it in the tooltip.
    assert plots.canvas.ci.size().width() <= plots.canvas.viewport().width() + 0.5
    for plot in (plots.cost_plot, plots.accuracy_plot):
        assert plot.titleLabel.text in plot.titleLabel.toolTip() != plot.titleLabel.text
    click(qtbot, plots.clear_button)
    assert plots.run_list.count() == 0
    window.resize(1280, 800)
    _settle(qtbot)
    assert len({r.center().y() for r in rects()}) == 1, "one line again in a wide window"
    assert plots.cost_plot.titleLabel.text == "Cost J (solid: training batch, dashed: test set)"


def test_a_1024_window_with_the_gradients_tab_shows_the_plots_and_the_captions_whole(qtbot, main_window):
    """At 1024×768 with the Gradients tab beside them, the plots' titles were chosen for the
    canvas' width, not the data area's right of the left axis: a title held its plot wider
    than the canvas, cutting the curves' right end and the title ("Cost J (solid: batch,
    dashed: tes"); the diagram's caption ran past both its ends. Both now fit."""
    from PySide6.QtGui import QFontMetricsF

    window = main_window
    _on_screen(qtbot, window, "projector")
    page = training_page(qtbot, window)
    _quick(qtbot, page, 20)
    press(qtbot, window, "Ctrl+Return")
    qtbot.waitUntil(lambda: page.runner.state == "idle" and page.results.text() != "", timeout=60_000)
    click_tab(qtbot, page.inside, "Gradients")
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    _settle(qtbot)
    plots = page.plots
    assert plots.canvas.ci.size().width() <= plots.canvas.viewport().width() + 0.5, "the plots wider than the canvas"
    for plot in (plots.cost_plot, plots.accuracy_plot):
        title = plot.titleLabel.item.boundingRect().width()
        assert title <= plot.getViewBox().width() + 1, f"{plot.titleLabel.text!r} is wider than its plot"
    diagram = page.diagram
    assert diagram.norm_decades is not None, "the diagram is shaded by the run's gradients"
    rect, font, text = diagram.caption()
    assert rect.left() >= 0 and rect.right() <= diagram.width()
    assert QFontMetricsF(font).horizontalAdvance(text) <= rect.width(), f"the caption {text!r} is cut"
    assert font.pointSizeF() >= 7
    assert text.startswith("Blue: forward pass (solid). Red: backward pass")
