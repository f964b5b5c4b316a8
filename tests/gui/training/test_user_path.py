"""The training page reached as a new user reaches it in the real window (issue 16): the
Draw tab's 28×28 preview shown whole at every size, Start, Pause and Stop kept big and
clickable in presenter mode, one test accuracy for a stopped run everywhere, and a loaded
model told of in the run bar, its recipe in the form as it was saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt

from tests.gui.userpath import choose_file, click_menu, press


def _on_training_page(qtbot, window):
    press(qtbot, window, "Ctrl+2")
    assert window.pages.currentWidget() is window.train_page
    return window.train_page


def _click_tab(qtbot, tabs, title: str) -> None:
    bar = tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def _draw_a_stroke(qtbot, canvas) -> None:
    w, h = canvas.width(), canvas.height()
    points = [QPoint(int(w * x), int(h * y)) for x, y in ((0.5, 0.15), (0.5, 0.5), (0.45, 0.85))]
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=points[0])
    for point in points[1:]:
        qtbot.mouseMove(canvas, point)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=points[-1])


def _in_window(widget, rect: QRect, window) -> QRect:
    """``rect`` of ``widget`` in the window's coordinates."""
    return QRect(widget.mapTo(window, rect.topLeft()), rect.size())


def _assert_whole(widget, rect: QRect, window, what: str) -> None:
    """``rect`` of ``widget`` is shown whole: inside the part of the widget not clipped by its
    parents, and inside the window."""
    assert widget.isVisible(), f"{what} is hidden"
    visible = widget.visibleRegion().boundingRect()
    assert visible.contains(rect), f"{what}: {rect} drawn, only {visible} of it shows"
    assert window.rect().contains(_in_window(widget, rect, window)), f"{what} is outside the window"


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1050)])
def test_what_the_model_sees_is_shown_whole_at_every_size(qtbot, main_window, size):
    window = main_window
    page = _on_training_page(qtbot, window)
    window.resize(*size)
    _click_tab(qtbot, page.inside, "Draw")
    qtbot.waitUntil(lambda: page.draw.canvas.isVisible())
    _draw_a_stroke(qtbot, page.draw.canvas)
    assert page.draw.image().any()
    preview = page.draw.preview
    drawn = preview.image_rect()
    assert drawn.width() == drawn.height() >= 2 * 28  # square, at least two screen pixels a model pixel
    _assert_whole(preview, drawn.adjusted(-1, -1, 1, 1), window, "the 28×28 preview with its frame")
    _assert_whole(page.draw.canvas, page.draw.canvas.rect(), window, "the canvas")
    press(qtbot, window, "F5")  # and in presenter mode, at the screen's size
    qtbot.waitUntil(lambda: window.presenter.presenting and page.draw.isVisible())
    _assert_whole(preview, preview.image_rect().adjusted(-1, -1, 1, 1), window, "the preview in presenter mode")
    press(qtbot, window, "Esc")
    assert not window.presenter.presenting


def _tiny_run(form, iterations: int) -> None:
    """The 'fast' preset on 500 images, ``iterations`` updates (as a person types them)."""
    form.preset.setCurrentText("fast")
    form.train_size.setEditText("500")
    form.length_unit.setCurrentText("iterations")
    form.length.setValue(iterations)
    assert form.recipe() is not None, form.errors


def test_presenter_mode_keeps_start_pause_and_stop_big_and_clickable(qtbot, main_window):
    window = main_window
    page = _on_training_page(qtbot, window)
    _tiny_run(page.form, 3000)
    normal = page.start_button.height()
    press(qtbot, window, "F5")
    qtbot.waitUntil(lambda: window.presenter.presenting)
    assert not page.form.isVisible()  # the form steps aside, the run's buttons do not
    screen = window.screen().geometry()
    for button in (page.start_button, page.pause_button, page.stop_button):
        _assert_whole(button, button.rect(), window, f"the {button.text()} button")
        assert screen.contains(QRect(button.mapToGlobal(QPoint(0, 0)), button.size()))
        assert button.height() >= 1.5 * normal  # big, as the step page's transport is
    _assert_whole(page.progress, page.progress.rect(), window, "the progress bar")
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.history is not None and page.history.done >= 2, timeout=30_000)
    assert page.progress.value() >= 2
    qtbot.mouseClick(page.pause_button, Qt.MouseButton.LeftButton)
    assert page.pause_button.text() == "Resume"
    qtbot.mouseClick(page.pause_button, Qt.MouseButton.LeftButton)
    assert page.pause_button.text() == "Pause"
    qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.history.status == "stopped", timeout=10_000)
    # Said once: not "Run #1 stopped: stopped after …".
    assert page.history.done < 3000 and page.status.text() == f"Run #1 stopped after {page.history.done} of 3000 updates."
    press(qtbot, window, "Esc")
    assert not window.presenter.presenting and page.form.isVisible()
    assert page.start_button.height() == normal


@pytest.mark.parametrize("eval_every", [10, 2000])
def test_a_stopped_run_shows_the_same_test_accuracy_in_the_list_and_the_results(
        qtbot, main_window, eval_every):
    """The model kept at the stop, evaluated on the test set, is the one number: the last
    evaluation during the run (if any) was of an earlier model."""
    window = main_window
    page = _on_training_page(qtbot, window)
    _tiny_run(page.form, 3000)
    page.form.eval_every.setValue(eval_every)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.history.done >= 13, timeout=30_000)
    qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_report is not None, timeout=10_000)
    expected = f"test {100 * page.last_report.test_accuracy:.2f} %"
    assert expected in page.plots.run_list.item(0).text()
    assert page.results.text().endswith(f"test accuracy {100 * page.last_report.test_accuracy:.2f} %")
    exports = page.export_button.menu().actions()  # under the form, one button for the three
    assert page.export_button.isEnabled() and [a.text() for a in exports] == \
        ["Plots as PNG…", "Plots as SVG…", "History as CSV…"] and all(a.isEnabled() for a in exports)


def _run_to_the_end(qtbot, page, number: int) -> None:
    """Click Start and wait for run ``number`` to end."""
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.runner.state == "idle" and page.history.number == number
                    and page.history.status != "running", timeout=30_000)


def test_a_loaded_model_is_told_of_in_the_run_bar_and_its_recipe_is_shown_as_saved(
        qtbot, main_window, tmp_path, monkeypatch):
    window = main_window
    page = _on_training_page(qtbot, window)
    _tiny_run(page.form, 20)
    assert page.form.eval_every.text() == "auto"
    _run_to_the_end(qtbot, page, 1)
    auto = tmp_path / "m1.npz"
    choose_file(monkeypatch, auto, save=True)
    click_menu(qtbot, window, "Train", "Save model…")
    page.form.eval_every.setValue(5)  # and one saved with its own cadence
    _run_to_the_end(qtbot, page, 2)
    every_5 = tmp_path / "m2.npz"
    choose_file(monkeypatch, every_5, save=True)
    click_menu(qtbot, window, "Train", "Save model…")
    _tiny_run(page.form, 3000)  # a run stopped half way, which the run bar tells of
    page.form.eval_every.setValue(0)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.history.number == 3 and page.history.done >= 5, timeout=30_000)
    qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.runner.state == "idle" and page.history.status == "stopped", timeout=30_000)
    assert "in all" in page.eta.text() and "/ 3000 updates" in page.progress.text()

    choose_file(monkeypatch, auto, save=False)
    click_menu(qtbot, window, "Train", "Load model…")
    assert page.progress.text() == "" and page.eta.text() == ""  # nothing of the stopped run
    status = page.status.text()
    assert status.startswith("Loaded m1.npz: Network(784-128-1") and "the form now holds its recipe" in status
    assert "(changed: Length)" in status  # 20 updates, not 3000; nothing else changed
    assert page.form.eval_every.text() == "auto" and page.form.length.value() == 20  # auto, as it was trained
    assert page.results.text().startswith("Final: train accuracy")

    choose_file(monkeypatch, every_5, save=False)
    click_menu(qtbot, window, "Train", "Load model…")
    assert page.form.eval_every.value() == 5  # that model's own recipe, said so
    assert page.status.text().endswith("the form now holds its recipe (changed: Evaluate every).")


def test_a_run_that_diverges_says_where_in_the_run_bar_as_bpviz_train_does(qtbot, main_window):
    """The tutorial's full batch on 500 images with linear hidden units and a learning rate
    of 1e12, typed into the form: the run bar says at which iteration, which quantity went
    first and a rate to try; its tooltip adds the largest weight of the model kept, which
    the page then holds. The same recipe trained headless (bpviz train) says the same."""
    import numpy as np

    from bpviz.nn import train
    from tests.gui.userpath import type_into

    window = main_window
    page = _on_training_page(qtbot, window)
    form = page.form
    form.preset.setCurrentText("tutorial")
    form.train_size.setEditText("500")
    form.activation.setCurrentText("linear")
    type_into(qtbot, form.lr, "1e12")
    form.length.setValue(50)
    recipe = form.recipe()
    assert recipe is not None and recipe.lr == 1e12, form.errors
    with qtbot.waitSignal(page.runner.finished, timeout=60_000):
        qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert page.history.status == "diverged"
    expected = list(train(recipe.network(), recipe.data(), recipe.train_config()))[-1].divergence
    assert page.status.text() == f"Run #1 diverged {expected.headline()}."
    assert f"first; try a learning rate of {expected.lr_to_try:g}" in page.status.text()
    tip = page.status.toolTip()
    assert tip.startswith(f"Run #1 diverged {expected.text()}; kept the parameters of iteration")
    l, i, j = expected.weight_at
    kept = np.abs(page.model.params[f"W{l}"])
    assert kept[i - 1, j - 1] == kept.max() == pytest.approx(expected.weight)
    assert f"the largest |weight| was {expected.weight:.3g}, at W[{l}] row {i}, col {j}" in tip
