"""The training page in class: nothing moves when a run ends, and empty plots show sane
axes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from tests.gui.tour.helpers import choose, click_tab, training_page
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

    assert_empty()
    _quick(qtbot, page, 20)
    press(qtbot, window, "Ctrl+Return")
    qtbot.waitUntil(lambda: page.runner.state == "idle" and page.history.status == "finished", timeout=30_000)
    assert plots.cost_plot.viewRange()[0][1] == pytest.approx(20, abs=1)
    qtbot.mouseClick(plots.clear_button, Qt.MouseButton.LeftButton)
    assert plots.runs == []
    assert_empty()
