"""README, "Training on MNIST": the second tab, its form, the run bar, the plots and the
views inside the model, saving, loading and exporting. Every run is a quick one: the
"fast" recipe on a few hundred images for a few updates, and it ends before its test."""

from __future__ import annotations

import csv
import math
import threading
import zipfile

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest

from bpviz import cli
from bpviz.gui import style
from bpviz.gui.training.weights import NEGATIVE, POSITIVE
from bpviz.nn.serialize import load_model
from tests.gui.tour.helpers import (
    choose,
    click,
    click_tab,
    enter,
    quick_run,
    settle,
    training_page,
    wait_until_idle,
)
from tests.gui.userpath import choose_file, click_menu, plain, press, type_into


def _start(qtbot, window) -> None:
    press(qtbot, window, "Ctrl+Return")
    assert window.train_page.runner.state in ("running", "idle")


def _quick(qtbot, window, **kwargs):
    page = training_page(qtbot, window)
    quick_run(qtbot, page.form, **kwargs)
    return page


def _run(qtbot, window, **kwargs):
    """Ctrl+2, a quick recipe, Ctrl+Return, and wait for the run to end."""
    page = _quick(qtbot, window, **kwargs)
    _start(qtbot, window)
    wait_until_idle(qtbot, page)
    return page


def click_button_menu(qtbot, button, text: str) -> None:
    """Click a button that opens a menu, then the menu's item ``text``, as a mouse does."""
    menu = button.menu()
    click(qtbot, button)
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    action = next(a for a in menu.actions() if plain(a.text()) == text)
    assert action.isEnabled(), f"{text} is disabled"
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert not menu.isVisible()


def test_ctrl_2_opens_the_training_page(qtbot, main_window):
    """"The second tab (**Ctrl+2**) trains real MNIST models" """
    page = training_page(qtbot, main_window)
    assert page.isVisible() and main_window.page_tabs.currentIndex() == 1
    assert main_window.page_tabs.tabText(1) == "Train on MNIST"


@pytest.mark.parametrize("preset, hidden, batch", [
    ("tutorial", "196", "full"), ("tutorial-bigger", "392,196,98", "full"), ("fast", "128", "64"),
    ("mnist10", "256", "128")])
def test_pick_a_preset(qtbot, main_window, preset, hidden, batch):
    """"Pick a preset (`tutorial`, `tutorial-bigger`, `fast`, `mnist10`)" """
    form = training_page(qtbot, main_window).form
    choose(qtbot, form.preset, preset)
    assert form.hidden.text() == hidden and form.batch.currentText() == batch
    assert form.all_digits.isChecked() == (preset == "mnist10")
    assert form.recipe() is not None and form.recipe().name == preset


def test_change_any_field(qtbot, main_window):
    """"change any field: the two digits or all ten (a softmax output), the hidden layers
    (`196` or `392,196,98`), the activation, optimizer and learning rate, iterations or
    epochs, the batch size (`full` for the tutorial's full batch), dtype, seed and how many
    training images to use" """
    form = training_page(qtbot, main_window).form
    choose(qtbot, form.preset, "tutorial")
    type_into(qtbot, form.first, "3")
    type_into(qtbot, form.second, "7")
    assert form.recipe().digits == (3, 7) and form.recipe().layers[-1] == 1
    type_into(qtbot, form.hidden, "392,196,98")
    choose(qtbot, form.activation, "tanh")
    choose(qtbot, form.optimizer, "momentum")
    type_into(qtbot, form.lr, "0.05")
    choose(qtbot, form.length_unit, "epochs")
    type_into(qtbot, form.length, "3")
    type_into(qtbot, form.batch, "32")
    choose(qtbot, form.dtype, "float32")
    type_into(qtbot, form.seed, "7")
    type_into(qtbot, form.train_size, "2000")
    recipe = form.recipe()
    assert recipe is not None, form.errors
    assert (recipe.layers, recipe.activation, recipe.optimizer, recipe.lr) == ((392, 196, 98, 1), "tanh", "momentum", 0.05)
    assert (recipe.epochs, recipe.iterations, recipe.batch_size) == (3, None, 32)
    assert (recipe.dtype, recipe.seed, recipe.train_size) == ("float32", 7, 2000)
    type_into(qtbot, form.batch, "full")
    assert form.recipe().batch_size is None
    qtbot.mouseClick(form.all_digits, Qt.MouseButton.LeftButton, pos=QPoint(6, form.all_digits.height() // 2))
    recipe = form.recipe()
    assert recipe.digits is None and recipe.layers[-1] == 10 and recipe.output_activation == "softmax"


def test_the_loss_field_follows_the_task(qtbot, main_window):
    """"the loss (`bce` for two digits, `cross_entropy` for all ten, or `mse` or
    `quadratic`, ½ Σ (a − y)²: the squared distance to the 0/1 targets, on the same output)" """
    form = training_page(qtbot, main_window).form
    choose(qtbot, form.preset, "tutorial")
    assert form.loss.currentText() == "bce" and form.recipe().loss == "bce"
    choose(qtbot, form.loss, "mse")
    assert form.recipe().loss == "mse" and form.recipe().output_activation == "sigmoid"
    qtbot.mouseClick(form.all_digits, Qt.MouseButton.LeftButton, pos=QPoint(6, form.all_digits.height() // 2))
    recipe = form.recipe()  # all ten: the squared distance stays, on a softmax of ten
    assert (recipe.loss, recipe.layers[-1], recipe.output_activation) == ("mse", 10, "softmax")
    assert [form.loss.itemText(i) for i in range(form.loss.count())][0] == "cross_entropy"
    choose(qtbot, form.loss, "cross_entropy")
    qtbot.mouseClick(form.all_digits, Qt.MouseButton.LeftButton, pos=QPoint(6, form.all_digits.height() // 2))
    assert form.loss.currentText() == "bce" and form.recipe().loss == "bce"  # two digits again: a sigmoid


def test_a_combination_that_cannot_work_is_explained_under_the_field(qtbot, main_window):
    """"A wrong field, or a combination that cannot work (more images than MNIST has of those
    digits, a batch bigger than the training set), is explained under the field." """
    page = training_page(qtbot, main_window)
    form = page.form
    choose(qtbot, form.preset, "fast")
    type_into(qtbot, form.train_size, "20000")
    message = form.error_labels["train_size"]
    assert message.isVisible() and "MNIST has 11,272 training images of 5 and 8" in message.message
    type_into(qtbot, form.train_size, "500")
    type_into(qtbot, form.batch, "1000")
    message = form.error_labels["batch"]
    assert message.isVisible() and "1,000 is more than the 500 training images" in message.message
    assert message.mapTo(form, QPoint(0, 0)).y() > form.batch.mapTo(form, QPoint(0, 0)).y()  # under it
    assert not page.start_button.isEnabled()


def test_start_trains_in_a_worker_thread_without_freezing_the_app(qtbot, main_window):
    """"**Start** (Ctrl+Return) trains in a worker thread" and "without freezing the app" """
    page = _quick(qtbot, main_window, updates=40)
    threads = []
    page.runner.stateChanged.connect(lambda _: threads.append(threading.current_thread()))
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    _start(qtbot, main_window)
    assert page.runner.state == "running" and page.runner._thread.isRunning()
    wait_until_idle(qtbot, page)
    timer.stop()
    assert page.history.status == "finished" and page.history.done == 40
    assert page.progress.value() == page.progress.maximum() == 40
    assert len(ticks) >= 3  # the window kept running its events while the worker trained
    assert "Run #1 finished." == page.status.text()


def test_the_start_button_starts_a_run_too(qtbot, main_window):
    """"**Start** (Ctrl+Return)" — the button itself."""
    page = _quick(qtbot, main_window)
    click(qtbot, page.start_button)
    wait_until_idle(qtbot, page)
    assert page.history.status == "finished"


def test_pause_resume_and_stop_act_after_the_update_under_way(qtbot, main_window):
    """"**Pause/Resume** (Ctrl+P) and **Stop** (Ctrl+.) act after the update under way" """
    page = _quick(qtbot, main_window, updates=5000)
    _start(qtbot, main_window)
    qtbot.waitUntil(lambda: page.history.done >= 5, timeout=30_000)
    press(qtbot, main_window, "Ctrl+P")
    assert page.runner.state == "paused" and page.pause_button.text() == "Resume"
    qtbot.wait(300)  # the update under way, and its record, arrive
    paused_at = page.history.done
    qtbot.wait(400)
    assert page.history.done == paused_at
    press(qtbot, main_window, "Ctrl+P")
    assert page.runner.state == "running" and page.pause_button.text() == "Pause"
    qtbot.waitUntil(lambda: page.history.done > paused_at, timeout=10_000)
    press(qtbot, main_window, "Ctrl+.")
    wait_until_idle(qtbot, page)
    assert page.history.status == "stopped" and page.history.done < 5000
    assert page.status.text() == f"Run #1 stopped after {page.history.done} of 5000 updates."
    assert page.model is not None and page.save_button.isEnabled()


def test_the_progress_bar_gives_an_estimate_of_the_time_left(qtbot, main_window):
    """"the progress bar gives an estimate of the time left" """
    page = _quick(qtbot, main_window, updates=5000)
    _start(qtbot, main_window)
    qtbot.waitUntil(lambda: "left" in page.eta.text(), timeout=30_000)
    assert "so far · about" in page.eta.text() and 0 < page.progress.value() < 5000
    press(qtbot, main_window, "Ctrl+.")
    wait_until_idle(qtbot, page)


def test_the_buttons_and_the_progress_sit_in_a_bar_above_the_diagram(qtbot, main_window):
    """"The three buttons and the progress sit in a bar above the diagram." """
    page = training_page(qtbot, main_window)
    settle(qtbot)
    diagram_top = page.diagram.mapTo(page, QPoint(0, 0)).y()
    for widget in (page.start_button, page.pause_button, page.stop_button, page.progress):
        assert widget.isVisible() and widget.parentWidget() is page.run_bar
        assert widget.mapTo(page, QPoint(0, widget.height())).y() <= diagram_top
    assert [b.text() for b in (page.start_button, page.pause_button, page.stop_button)] == ["Start", "Pause", "Stop"]


def _place(widget, page) -> tuple:
    top_left = widget.mapTo(page, QPoint(0, 0))
    return top_left.x(), top_left.y(), widget.width(), widget.height()


def test_every_wrong_field_at_once_start_off_until_all_are_right_and_no_field_moves(qtbot, main_window):
    """"A wrong field is explained under it, every wrong field at once, and Start stays off
    until all are right; no message moves a field." """
    page = training_page(qtbot, main_window)
    form = page.form
    settle(qtbot)
    fields = [w for widgets in form.fields.values() for w in widgets]
    before = [_place(w, page) for w in fields]
    type_into(qtbot, form.lr, "fast")
    type_into(qtbot, form.hidden, "196,x")
    type_into(qtbot, form.batch, "-3")
    settle(qtbot)
    wrong = {name for name, label in form.error_labels.items() if label.isVisible()}
    assert wrong == {"lr", "hidden", "batch"}, form.errors
    for name in wrong:
        label = form.error_labels[name]
        field = {"lr": form.lr, "hidden": form.hidden, "batch": form.batch}[name]
        assert _place(label, page)[1] > _place(field, page)[1]  # under its field
    assert not page.start_button.isEnabled()
    assert [_place(w, page) for w in fields] == before
    type_into(qtbot, form.lr, "0.1")
    type_into(qtbot, form.hidden, "196")
    assert not page.start_button.isEnabled()  # one is still wrong
    type_into(qtbot, form.batch, "full")
    assert page.start_button.isEnabled() and not any(l.isVisible() for l in form.error_labels.values())
    assert [_place(w, page) for w in fields] == before


def test_starting_again_while_a_run_goes_stops_it_first(qtbot, main_window):
    """"Starting again while a run goes stops it first" """
    page = _quick(qtbot, main_window, updates=5000)
    _start(qtbot, main_window)
    qtbot.waitUntil(lambda: page.history.done >= 2, timeout=30_000)
    first = page.history
    type_into(qtbot, page.form.eval_every, "10")
    type_into(qtbot, page.form.length, "10")
    click(qtbot, page.start_button)  # it reads "Restart" while a run goes
    assert first.status != "running" and page.history is not first
    wait_until_idle(qtbot, page)
    assert first.status == "stopped" and page.history.status == "finished"
    assert len(page.plots.runs) == 2


def _points(item) -> int:
    x, _ = item.getData()
    return 0 if x is None else len(x)


@pytest.mark.parametrize("updates, evaluate_every, evaluations", [(40, 0, 20), (20, 10, 2)], ids=["auto", "10"])
def test_the_costs_and_accuracies_are_plotted_at_the_cadence_of_evaluate_every(
        qtbot, main_window, updates, evaluate_every, evaluations):
    """"the cost of every update (solid) and the test cost (dashed) are plotted, with the
    train and test accuracy below, at the cadence of **Evaluate every** (auto: about 20
    times a run)" """
    page = _run(qtbot, main_window, updates=updates, evaluate_every=evaluate_every)
    curves = page.plots.runs[0]
    assert _points(curves.cost) == updates
    assert curves.cost.opts["pen"].style() == Qt.PenStyle.SolidLine
    assert curves.test_cost.opts["pen"].style() == Qt.PenStyle.DashLine
    assert _points(curves.test_cost) == _points(curves.train_accuracy) == _points(curves.test_accuracy) == evaluations
    plots = page.plots
    assert plots.accuracy_plot.mapToScene(0, 0).y() > plots.cost_plot.mapToScene(0, 0).y()  # below


def test_every_run_stays_on_the_plot_to_compare_untick_to_hide_or_remove(qtbot, main_window):
    """"every run stays on the plot under its preset, layers and learning rate, so runs
    compare side by side ... Untick a run to hide it, or remove it" """
    page = _run(qtbot, main_window)
    enter(qtbot, page.form.lr, "0.01")
    _start(qtbot, main_window)
    wait_until_idle(qtbot, page)
    runs = page.plots.run_list
    assert runs.count() == 2
    assert runs.item(0).text().startswith("#1 fast · 784-128-1 · lr 0.001")
    assert runs.item(1).text().startswith("#2 fast · 784-128-1 · lr 0.01")
    first = page.plots.runs[0]
    rect = runs.visualItemRect(runs.item(0))
    qtbot.mouseClick(runs.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10, rect.center().y()))
    assert runs.item(0).checkState() == Qt.CheckState.Unchecked and not first.cost.isVisible()
    qtbot.mouseClick(runs.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # select it
    click(qtbot, page.plots.remove_button)
    assert runs.count() == 1 and page.plots.runs[0].history.number == 2


def test_the_diagram_shows_the_shapes_and_arrows_run_as_the_updates_go_by(qtbot, main_window):
    """"the diagram above the plots shows each layer with its matrix shapes, `X = A[0] (784, m)`,
    `W[1] (196, 784)` … as the tutorial walks through them, and blue forward and red
    backward arrows run through the vectorised steps as the updates go by" """
    page = _quick(qtbot, main_window, preset="tutorial", images=500, updates=3000)
    seen = set()
    timer = QTimer()
    timer.timeout.connect(lambda: page.diagram.current and seen.add(page.diagram.current.arrow))
    timer.start(20)
    _start(qtbot, main_window)
    lines = [line for block in page.diagram.blocks for line in block.lines]
    assert "X = A[0] (784, m)" in lines and "W[1] (196, 784)" in lines and "A[1] (196, m)" in lines
    qtbot.waitUntil(lambda: {"forward", "backward"} <= seen, timeout=20_000)
    timer.stop()
    press(qtbot, main_window, "Ctrl+.")
    wait_until_idle(qtbot, page)
    assert page.diagram.mapTo(page, QPoint(0, 0)).y() < page.plots.mapTo(page, QPoint(0, 0)).y()


def _count_near(image, color, tolerance=30) -> int:
    n = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            c = image.pixelColor(x, y)
            n += all(abs(a - b) <= tolerance for a, b in zip(c.getRgb()[:3], color.getRgb()[:3]))
    return n


def _purple(c) -> bool:
    return c.blue() > c.green() + 25 and c.red() > c.green() + 10


def _green(c) -> bool:
    return c.green() > c.red() + 25 and c.green() > c.blue() + 10


def _count(image, kind) -> int:
    return sum(kind(image.pixelColor(x, y)) for y in range(0, image.height(), 2) for x in range(0, image.width(), 2))


def test_the_weights_tab_shows_the_hidden_units_you_choose(qtbot, main_window):
    """"the **Weights** tab shows the incoming weights of the hidden units you choose
    (`1-16`, `3,7,12`) as 28×28 images, purple negative and green positive." """
    page = _run(qtbot, main_window)
    click_tab(qtbot, page.inside, "Weights")
    weights = page.weights
    assert weights.units_field.text() == "1-16" and list(weights.images) == list(range(1, 17))
    enter(qtbot, weights.units_field, "3,7,12")
    assert list(weights.images) == [3, 7, 12]
    assert all(item.image.shape == (28, 28) for item in weights.images.values())
    W1 = page.model.params["W1"]
    assert np.array_equal(weights.images[7].image, W1[6].reshape(28, 28))
    settle(qtbot)
    picture = weights.view.grab().toImage()
    assert _count(picture, _purple) > 10 and _count(picture, _green) > 10
    assert NEGATIVE == style.REUSED and POSITIVE == style.UPDATE  # purple and green


def test_predictions_show_test_digits_with_guess_and_probability_mistakes_framed(qtbot, main_window):
    """"When a run ends (or stops), **Predictions** shows test digits with the model's guess
    and its probability, mistakes framed in orange with the true digit" """
    page = _run(qtbot, main_window, updates=3)
    click_tab(qtbot, page.inside, "Predictions")
    gallery = page.gallery
    tiles = gallery.thumbnails.tiles
    assert len(tiles) >= 32
    captions = [caption for _, _, caption, _ in tiles]
    assert all(c.split(" · ")[0] in ("5", "8") and c.endswith("%") for c in captions)
    mistakes = [(caption, mistake) for _, _, caption, mistake in tiles if mistake]
    assert mistakes, "three updates leave some mistakes to show"
    for caption, mistake in mistakes:
        assert mistake == f"✗ true {'8' if caption[0] == '5' else '5'}"
    settle(qtbot)
    picture = gallery.thumbnails.grab().toImage()
    assert _count_near(picture, style.WARNING, 40) > 10  # the orange frames
    qtbot.mouseClick(gallery.only_mistakes, Qt.MouseButton.LeftButton, pos=QPoint(6, gallery.only_mistakes.height() // 2))
    assert len(gallery.thumbnails.tiles) == len(mistakes)


def test_results_shows_the_confusion_matrix_with_the_final_accuracies(qtbot, main_window):
    """"and **Results** the confusion matrix with the final train and test accuracy." """
    page = _run(qtbot, main_window)
    click_tab(qtbot, page.inside, "Results")
    matrix = page.confusion
    assert matrix.isVisible() and matrix.class_names == ("5", "8")
    assert matrix.counts.sum() == 1866  # MNIST's test 5s and 8s
    test = np.trace(matrix.counts) / matrix.counts.sum()
    assert matrix.test_accuracy == pytest.approx(test)
    assert f"{100 * test:.2f} %" in matrix.accuracy_text and "train" in matrix.accuracy_text
    assert page.results.text().startswith("Final: ")


def _stroke(qtbot, canvas, during=None) -> None:
    w, h = canvas.width(), canvas.height()
    points = [QPoint(int(w * x), int(h * y)) for x, y in ((0.5, 0.1), (0.52, 0.3), (0.55, 0.5), (0.5, 0.7), (0.45, 0.9))]
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=points[0])
    for point in points[1:]:
        qtbot.wait(40)  # a hand moves, the prediction follows (at most about 30 a second)
        qtbot.mouseMove(canvas, point)
    if during is not None:
        during()
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=points[-1])


def test_draw_a_digit_centred_and_scaled_as_mnist_and_classified_as_you_draw(qtbot, main_window):
    """"In **Draw**, draw a digit with the mouse: it is centred and scaled as MNIST's digits
    were (20×20 by centre of mass in 28×28), shown as the model sees it, and classified as
    you draw." """
    page = _run(qtbot, main_window)
    click_tab(qtbot, page.inside, "Draw")
    draw = page.draw
    predictions = []
    draw.predicted.connect(predictions.append)
    while_drawing = []
    _stroke(qtbot, draw.canvas, during=lambda: while_drawing.append(len(predictions)))
    assert while_drawing[0] >= 1  # classified before the pen was lifted
    image = draw.image()
    rows, cols = np.nonzero(image)
    assert max(rows.max() - rows.min() + 1, cols.max() - cols.min() + 1) == 20  # scaled into 20×20
    mass = image.astype(float) / image.sum()
    centre = (mass.sum(axis=1) @ np.arange(28), mass.sum(axis=0) @ np.arange(28))
    assert all(abs(c - 13.5) <= 1.0 for c in centre), centre  # centred by its centre of mass
    shot, rect = draw.preview.grab().toImage(), draw.preview.image_rect()  # shown as the model sees it
    cell = rect.width() / 28
    seen = np.array([[shot.pixelColor(int(rect.left() + (c + 0.5) * cell), int(rect.top() + (r + 0.5) * cell)).lightness()
                      for c in range(28)] for r in range(28)])
    assert np.abs(seen - (255 - image.astype(int))).max() <= 2
    name, probabilities = draw.prediction()
    assert name in ("5", "8") and draw.top_label.text().startswith(name + " — ")
    assert probabilities.sum() == pytest.approx(1.0)


def test_save_model_writes_the_same_npz_as_bpviz_train_save(qtbot, main_window, tmp_path, monkeypatch):
    """"**Save model…** writes the same `.npz` as `bpviz train --save`" """
    page = _run(qtbot, main_window)
    saved = tmp_path / "gui.npz"
    choose_file(monkeypatch, saved, save=True)
    click(qtbot, page.save_button)
    assert saved.exists() and f"Saved the model to {saved}" in page.status.text()
    from_cli = tmp_path / "cli.npz"
    assert cli.main(["train", "--preset", "fast", "--train-size", "500", "--iterations", "10",
                     "--save", str(from_cli), "--quiet"]) == 0
    with zipfile.ZipFile(saved) as a, zipfile.ZipFile(from_cli) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
    net, extra = load_model(saved)
    net_cli, extra_cli = load_model(from_cli)
    assert net.layer_sizes == net_cli.layer_sizes == [784, 128, 1]
    assert set(extra["recipe"]) - {"layer_sizes"} <= set(extra_cli["recipe"])  # the CLI adds its own flags
    for key in net.params:  # the same recipe trains the same model
        assert np.allclose(net.params[key], net_cli.params[key], atol=1e-6), key


def test_load_model_reads_either_back_with_its_recipe_and_evaluates_it(qtbot, main_window, tmp_path, monkeypatch):
    """"(and **Load model…** reads either back, with its recipe, and evaluates it on the test set)" """
    path = tmp_path / "cli.npz"
    assert cli.main(["train", "--preset", "fast", "--train-size", "500", "--iterations", "10", "--hidden", "64",
                     "--save", str(path), "--quiet"]) == 0
    page = training_page(qtbot, main_window)
    choose_file(monkeypatch, path, save=False)
    click_menu(qtbot, main_window, "Train", "Load model…")
    assert page.model is not None and page.model.layer_sizes == [784, 64, 1]
    assert page.form.hidden.text() == "64" and page.form.train_size.currentText() == "500"
    assert page.confusion.counts.sum() == 1866 and page.results.text().startswith("Final: ")
    assert "Loaded cli.npz" in page.status.text()
    saved = tmp_path / "again.npz"  # and one the app saved reads back too, by the button
    choose_file(monkeypatch, saved, save=True)
    click(qtbot, page.save_button)
    choose_file(monkeypatch, saved, save=False)
    click(qtbot, page.load_button)
    assert "Loaded again.npz" in page.status.text()


def test_load_model_shows_a_model_whose_recipe_the_form_cannot_hold_and_keeps_the_form(qtbot, main_window, tmp_path,
                                                                                       monkeypatch):
    """A model trained from the command line with an init not its preset's: the form takes
    its init from the preset, so filling the form would show (and start) another recipe.
    The model is shown and evaluated; the form keeps what it had, and the message says why."""
    path = tmp_path / "xavier.npz"
    assert cli.main(["train", "--preset", "fast", "--train-size", "500", "--iterations", "10", "--hidden", "32",
                     "--init", "xavier", "--save", str(path), "--quiet"]) == 0
    page = training_page(qtbot, main_window)
    before = page.form.shown()
    choose_file(monkeypatch, path, save=False)
    click_menu(qtbot, main_window, "Train", "Load model…")
    assert page.model is not None and page.model.layer_sizes == [784, 32, 1]
    assert page.confusion.counts.sum() == 1866 and page.results.text().startswith("Final: ")
    assert page.form.shown() == before
    status = page.status.text()
    assert "Loaded xavier.npz" in status and "the form keeps its settings" in status
    assert "recipe.init: expected" in status and "xavier" in status
    saved = tmp_path / "again.npz"  # saved again, the model keeps its own recipe
    choose_file(monkeypatch, saved, save=True)
    click(qtbot, page.save_button)
    assert load_model(saved)[1]["recipe"]["init"] == "xavier"


@pytest.mark.parametrize("item, menu_item, kind", [
    ("Plots as PNG…", "Export plots as PNG…", "png"), ("Plots as SVG…", "Export plots as SVG…", "svg"),
    ("History as CSV…", "Export history as CSV…", "csv")])
def test_export_writes_the_plots_and_every_runs_history(qtbot, main_window, tmp_path, monkeypatch, item, menu_item, kind):
    """"**Export** under the form (and the Train menu) writes the plots as PNG or SVG, and
    every run's history as CSV (one row per update: cost, and the test cost and accuracies
    where they were measured)." """
    page = _run(qtbot, main_window, updates=10, evaluate_every=5)
    assert page.export_button.mapTo(page, QPoint(0, 0)).y() > page.form.mapTo(page, QPoint(0, page.form.height())).y() - 1
    for how, path in (("button", tmp_path / f"button.{kind}"), ("menu", tmp_path / f"menu.{kind}")):
        choose_file(monkeypatch, path, save=True)
        if how == "button":
            click_button_menu(qtbot, page.export_button, item)
        else:
            click_menu(qtbot, main_window, "Train", menu_item)
        assert path.exists(), how
        data = path.read_bytes()
        if kind == "png":
            assert data.startswith(b"\x89PNG")
        elif kind == "svg":
            assert b"<svg" in data[:2000]
        else:
            rows = list(csv.DictReader(path.open()))
            assert len(rows) == 10 and [r["iteration"] for r in rows] == [str(i) for i in range(10)]
            measured = [r for r in rows if r["test_accuracy"]]
            assert [r["iteration"] for r in measured] == ["4", "9"]
            assert all(r["cost"] and r["test_cost"] and r["train_accuracy"] for r in measured)
            assert all(not r["test_cost"] for r in rows if r not in measured)


def test_a_stopped_run_is_listed_with_its_final_models_test_accuracy(qtbot, main_window):
    """"A stopped run is listed with its final model's test accuracy, the one Results shows." """
    page = _quick(qtbot, main_window, updates=5000, evaluate_every=1000)
    _start(qtbot, main_window)
    qtbot.waitUntil(lambda: page.history.done >= 20, timeout=30_000)
    press(qtbot, main_window, "Ctrl+.")
    wait_until_idle(qtbot, page)
    accuracy = f"test {100 * page.confusion.test_accuracy:.2f} %"
    assert accuracy in page.plots.run_list.item(0).text() and "stopped" in page.plots.run_list.item(0).text()
    click_tab(qtbot, page.inside, "Results")
    assert accuracy.replace("test ", "") in page.confusion.accuracy_text


def test_the_gradients_tab_compares_the_runs_layer_by_layer_and_the_diagram_is_shaded(qtbot, main_window):
    """"### Why the bigger network learns slower: the Gradients tab": "For each run ticked
    in the list under the cost plot …, a column of small plots on shared axes, one curve
    per layer …: the gradient norm ‖dW[l]‖ against updates on a log scale, the update ratio
    … and the share of saturated … units"; "**Histograms** shows, for the newest run shown,
    A[l] and log10 |dW[l]|"; "the diagram shades each layer by its latest ‖dW[l]‖ (pale:
    small; the scale is in the caption)"."""
    page = _quick(qtbot, main_window, updates=12, evaluate_every=4)
    type_into(qtbot, page.form.hidden, "32,16,8")  # a small deep sigmoid network
    _start(qtbot, main_window)
    wait_until_idle(qtbot, page)
    click_tab(qtbot, page.inside, "Gradients")
    view = page.gradients
    (column,) = view.columns
    assert [len(row) for row in column.curves] == [4, 4, 4]  # three rows, a curve per layer
    assert [view.row_titles[r].text for r in range(3)] == [
        "Gradient norm ‖dW[l]‖", "Update ratio ‖ΔW[l]‖ / ‖W[l]‖", "Saturated (sigmoid, tanh) or dead (ReLU) units, %"]
    last = page.history.latest_layers
    assert [curve.getOriginalDataset()[1][-1] for curve in column.curves[0]] == [s.dW_norm for s in last]
    click_tab(qtbot, view.switch, "Histograms")
    # At most once a second: within one, the latest update's.
    qtbot.waitUntil(lambda: view.histograms.title.text == "Histograms of run #1 after update 12", timeout=3000)
    assert page.diagram.norms == tuple(s.dW_norm for s in last)
    assert all(page.diagram.layer_shade(l) is not None for l in range(1, 5))
    low, high = page.diagram.norm_decades
    assert low <= min(math.log10(n) for n in page.diagram.norms) and high >= max(math.log10(n) for n in page.diagram.norms)
