"""The training page in class: empty plots show sane axes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.gui.tour.helpers import choose, training_page
from tests.gui.userpath import press, type_into

def _quick(qtbot, page, updates: int) -> None:
    """The 'fast' preset on 500 images for ``updates`` updates, typed as a person does."""
    form = page.form
    choose(qtbot, form.preset, "fast")
    type_into(qtbot, form.train_size, "500")
    choose(qtbot, form.length_unit, "iterations")
    type_into(qtbot, form.length, str(updates))
    assert form.recipe() is not None, form.errors


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
