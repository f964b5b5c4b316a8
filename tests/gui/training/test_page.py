"""The training page as a user drives it: start, watch, stop, restart, compare runs,
save and load the model, export the plots and the history; and the window closing
during a run."""

from __future__ import annotations

import csv
import time
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from bpviz.gui.main_window import MainWindow
from bpviz.gui.training.page import TrainPage
from bpviz.nn.serialize import load_model


def _quick(page, preset="fast", train_size="600", length=None, batch=None):
    form = page.form
    form.preset.setCurrentText(preset)
    form.train_size.setEditText(train_size)
    if length is not None:
        form.length.setValue(length)
    if batch is not None:
        form.batch.setEditText(batch)
    assert form.recipe() is not None, form.errors


@pytest.fixture
def page(qtbot):
    page = TrainPage()
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    yield page
    page.shutdown()


def _run(qtbot, page, timeout=60_000):
    with qtbot.waitSignal(page.runner.finished, timeout=timeout):
        assert page.start()


def test_a_short_run_fills_the_plots_progress_results_and_views(qtbot, page):
    _quick(page)
    pulses = []
    page.diagram._stepper.timeout.connect(lambda: pulses.append(page.diagram.current))
    _run(qtbot, page)
    history = page.history
    assert history.status == "finished" and history.done == page.form.iterations_total == 8 * 10
    curves = page.plots.runs[0]
    x, y = curves.cost.getData()
    assert list(x) == list(range(80)) and np.allclose(y, [r.cost for r in history.records])
    assert y[-1] < y[0]
    assert len(curves.test_accuracy.getData()[0]) >= 10  # auto: about 20 evaluations
    assert page.progress.value() == page.progress.maximum() == 80
    assert "in all" in page.eta.text()
    assert page.results.text().startswith("Final: train accuracy")
    assert "test" in page.plots.run_list.item(0).text() and "finished" in page.plots.run_list.item(0).text()
    assert page.confusion.counts.sum() == 1866
    assert page.model is not None and page.draw.prediction() is None  # nothing drawn yet
    assert any(step is not None and step.phase == "forward" for step in pulses)  # the arrows pulsed
    assert page.diagram.current is None  # and stopped with the run
    assert not page.runner.is_running() and page.start_button.text() == "Start"


def test_stop_in_the_middle_of_a_run(qtbot, page):
    _quick(page, "tutorial", train_size="3000", length=500)
    page.start()
    assert page.stop_button.isEnabled() and page.start_button.text() == "Restart"
    assert page.form.hidden.isEnabled()  # the next run can be prepared meanwhile
    qtbot.waitUntil(lambda: page.history.done >= 3, timeout=30_000)
    began = time.perf_counter()
    page.stop_button.click()
    assert time.perf_counter() - began < 0.2  # the GUI does not wait for the worker
    assert "stopping" in page.eta.text() and not page.stop_button.isEnabled()
    qtbot.waitUntil(lambda: page.history.status == "stopped", timeout=5_000)
    assert time.perf_counter() - began < 2.0
    assert "stopped after" in page.status.text()
    assert not page.stop_button.isEnabled() and page.start_button.text() == "Start"
    assert page.model is not None and page.confusion.counts is not None  # the model so far


def test_pause_and_resume_from_the_button(qtbot, page):
    _quick(page, "tutorial", train_size="3000", length=500)
    page.start()
    qtbot.waitUntil(lambda: page.history.done >= 2, timeout=30_000)
    page.pause_button.click()
    assert page.pause_button.text() == "Resume" and "paused" in page.eta.text()
    qtbot.wait(500)
    held = page.history.done
    qtbot.wait(700)
    assert page.history.done == held
    assert page.eta.text().endswith("· paused")  # an update still under way does not hide it
    page.pause_button.click()
    qtbot.waitUntil(lambda: page.history.done > held, timeout=10_000)
    page.stop()


def test_two_runs_back_to_back_stay_on_the_plot_to_compare(qtbot, page):
    _quick(page, "tutorial", train_size="600", length=30)
    _run(qtbot, page)
    _quick(page, "tutorial-bigger", train_size="600", length=30)
    _run(qtbot, page)
    labels = [c.history.label for c in page.plots.runs]
    assert labels == ["#1 tutorial · 784-196-1 · lr 0.1", "#2 tutorial-bigger · 784-392-196-98-1 · lr 0.1"]
    small, big = (c.cost.getData()[1] for c in page.plots.runs)
    assert len(small) == len(big) == 30
    # The tutorial's point, at a glance: the bigger network's cost barely moves.
    assert big[-1] > small[-1]
    colors = {c.color.name() for c in page.plots.runs}
    assert len(colors) == 2
    # Hide one, then clear the finished ones.
    page.plots.set_run_visible(0, False)
    assert not page.plots.runs[0].cost.isVisible() and page.plots.runs[1].cost.isVisible()
    page.plots.clear_finished()
    assert page.plots.runs == [] and page.plots.run_list.count() == 0


def test_starting_again_during_a_run_stops_it_first(qtbot, page):
    _quick(page, "tutorial", train_size="3000", length=500)
    page.start()
    qtbot.waitUntil(lambda: page.history.done >= 2, timeout=30_000)
    first = page.history
    _quick(page, "fast")  # the form stays editable during a run
    page.start_button.click()  # "Restart"
    qtbot.waitUntil(lambda: page.history.status == "finished", timeout=60_000)
    assert first.status == "stopped" and page.history.status == "finished"
    assert [c.history.status for c in page.plots.runs] == ["stopped", "finished"]


def test_invalid_form_input_is_refused_with_a_message(qtbot, page):
    page.form.hidden.setText("196,abc")
    assert not page.start_button.isEnabled()
    assert page.start() is False
    assert "Fix the fields marked in red" in page.status.text()
    assert page.plots.runs == [] and not page.runner.is_running()
    page.form.hidden.setText("196")
    assert page.start_button.isEnabled()


def test_a_saved_model_loads_back_with_its_recipe_and_results(qtbot, page, tmp_path):
    _quick(page, "fast")
    page.form.first.setValue(3)
    page.form.second.setValue(7)
    _run(qtbot, page)
    path = tmp_path / "model.npz"
    assert page.save_model(path)
    net, extra = load_model(path)
    assert all(np.array_equal(net.params[k], page.model.params[k]) for k in net.params)
    assert extra["recipe"]["digits"] == [3, 7]
    accuracy = page.last_report.test_accuracy

    other = TrainPage()
    qtbot.addWidget(other)
    assert other.load_model(path)
    assert (other.form.first.value(), other.form.second.value(), other.form.preset.currentText()) == (3, 7, "fast")
    assert other.last_report.test_accuracy == pytest.approx(accuracy)
    assert other.confusion.counts.sum() == page.confusion.counts.sum()
    assert np.array_equal(other.model.params["W1"], page.model.params["W1"])
    assert "Loaded model.npz" in other.status.text()


def test_a_model_saved_by_the_command_line_loads(qtbot, page, tmp_path, capsys):
    from bpviz.cli import main

    path = tmp_path / "cli.npz"
    assert main(["train", "--preset", "fast", "--train-size", "300", "--epochs", "1", "--quiet",
                 "--save", str(path)]) == 0
    assert page.load_model(path)
    assert page.form.recipe().train_size == 300 and page.last_report.test_accuracy > 0.5


def test_loading_a_bad_file_says_so_and_keeps_the_model(qtbot, page, tmp_path):
    _quick(page)
    _run(qtbot, page)
    model = page.model
    bad = tmp_path / "notes.npz"
    bad.write_text("not a model")
    assert not page.load_model(bad)
    assert "notes.npz" in page.status.text() and "not a bpviz model" in page.status.text()
    assert page.model is model


def test_saving_to_a_missing_folder_says_so(qtbot, page, tmp_path):
    _quick(page)
    _run(qtbot, page)
    assert not page.save_model(tmp_path / "nowhere" / "model.npz")
    assert "Could not save the model" in page.status.text()


def test_plots_export_as_png_svg_and_the_history_as_csv(qtbot, page, tmp_path):
    _quick(page)
    _run(qtbot, page)
    assert page.export("png", tmp_path / "plots.png")
    image = QImage(str(tmp_path / "plots.png"))
    assert not image.isNull() and image.width() == 2 * page.plots.canvas.width()  # twice the screen's pixels
    assert page.export("svg", tmp_path / "plots.svg")
    root = ET.parse(tmp_path / "plots.svg").getroot()
    assert root.tag.endswith("svg")
    # The run's curves are in it (pyqtgraph writes them as paths in the run's colour),
    # and drawn where the plot is: the SVG renders back to the same picture as the PNG.
    color = page.plots.runs[0].color.name()
    assert sum(color in (e.get("stroke") or "") for e in root.iter()) >= 2
    from PySide6.QtSvg import QSvgRenderer

    rendered = QImage(image.size(), QImage.Format.Format_ARGB32)
    rendered.fill(0xFFFFFFFF)
    painter = QPainter(rendered)
    QSvgRenderer(str(tmp_path / "plots.svg")).render(painter)
    painter.end()
    ink = lambda picture, x, y: QColor(picture.pixel(x, y)).lightness() < 200  # noqa: E731
    inked = [(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
             if ink(image, x, y)]
    # Most of the PNG's ink is inked in the SVG too (drawn 10 px off, it is about 12 %).
    assert sum(ink(rendered, x, y) for x, y in inked) / len(inked) > 0.7
    assert page.export("csv", tmp_path / "history.csv")
    rows = list(csv.DictReader(open(tmp_path / "history.csv")))
    assert len(rows) == 80 and rows[0]["preset"] == "fast" and rows[0]["layers"] == "784-128-1"
    assert float(rows[3]["cost"]) == pytest.approx(page.history.records[3].cost)
    evaluated = [r for r in rows if r["test_accuracy"]]
    assert len(evaluated) >= 10


def test_closing_the_window_during_a_run_stops_the_worker_quickly(qtbot, main_window):
    window = main_window
    page = window.train_page
    window.pages.setCurrentWidget(page)
    _quick(page, "tutorial", train_size="3000", length=500)
    page.start()
    thread = page.runner._thread
    qtbot.waitUntil(lambda: page.history.done >= 2, timeout=30_000)
    began = time.perf_counter()
    assert window.close()
    assert time.perf_counter() - began < 1.0
    assert thread.isFinished() and not page.runner.is_running()


def test_the_diagram_shows_the_tutorials_shapes_and_pulses_blue_then_red(qtbot, page):
    from bpviz.gui.training.diagram import blocks_of
    from bpviz.presets import get_preset

    net = get_preset("tutorial-bigger").network()
    lines = [line for block in blocks_of(net) for line in block.lines]
    assert lines[:4] == ["X = A[0] (784, m)", "W[1] (392, 784)", "b[1] (392, 1)", "A[1] (392, m)"]
    assert "W[4] (1, 98)" in lines
    diagram = page.diagram
    diagram.set_network(net, 11272)
    seen, glows = [], []

    def record():
        if diagram.current is not None:
            seen.append((diagram.current.phase, diagram.current.edges))
            glows.append(dict(diagram.glow))

    diagram._stepper.timeout.connect(record)
    diagram.pulse()
    record()  # the first step shows at once
    diagram.pulse()  # throttled: a pulse under way is not restarted
    assert diagram._next == 1
    qtbot.waitUntil(lambda: not diagram.is_pulsing(), timeout=5_000)
    phases = [phase for phase, _ in seen]
    # Forward steps first, left to right; then the loss; then backward, right to left.
    assert phases.index("backward") > phases.index("loss") > 0
    forward_edges = [e for phase, edges in seen if phase == "forward" for e in edges]
    backward_edges = [e for phase, edges in seen if phase == "backward" for e in edges]
    assert forward_edges == ["E1", "E2", "E3", "E4"]
    assert backward_edges[0] == "E5" and backward_edges[-1] == "E1"
    # The arrow of the step shown glows fully; the earlier ones fade.
    last_red = next(g for (phase, edges), g in zip(reversed(seen), reversed(glows)) if edges == ("E1",))
    assert last_red[("backward", 0)] == 1.0 and last_red.get(("backward", 1), 0) < 1.0
    assert diagram.current is None and diagram.glow == {}  # quiet again after the pulse


def test_closing_during_an_all_digits_run_on_all_images_is_quick(qtbot, main_window):
    window = main_window
    page = window.train_page
    page.form.preset.setCurrentText("mnist10")  # 60,000 images, evaluated on all of them
    page.start()
    thread = page.runner._thread
    qtbot.waitUntil(lambda: page.history.done >= 5, timeout=60_000)
    began = time.perf_counter()
    assert window.close()
    assert time.perf_counter() - began < 1.0
    assert thread.isFinished()


def test_the_menu_offers_what_the_buttons_offer(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    page = window.train_page
    assert not window.export_csv_action.isEnabled() and not window.save_model_action.isEnabled()
    _quick(page, "tutorial", train_size="3000", length=500)
    page.start()
    assert not window.load_model_action.isEnabled()  # loading would replace the run's model
    assert page.load_model("whatever.npz") is False and "Stop the run first" in page.status.text()
    assert window.export_csv_action.isEnabled()
    page.shutdown()
    assert window.load_model_action.isEnabled()


@pytest.mark.parametrize("settings, expected", [
    (None, "does not say how it was trained"),
    ({"recipe": "tutorial"}, "does not say how it was trained"),
    ({"recipe": {"layers": [196, 1], "lr": "fast"}}, "its recipe cannot be read: lr"),
    ({"recipe": {"name": "notebook-regression", "dataset": "notebook-regression", "digits": None,
                 "layers": [2, 1], "activation": "linear", "output": "linear", "loss": "mse",
                 "batch_size": 1, "shuffle": False, "iterations": None, "epochs": 5}},
     "a model of the notebook-regression table"),
    ({"recipe": {"layers": [128, 1]}}, "its recipe says layers 784-128-1 but its weights are 784-196-1"),
])
def test_a_model_whose_recipe_does_not_fit_is_refused_by_name(qtbot, page, tmp_path, settings, expected):
    from bpviz.nn.serialize import save_model
    from bpviz.presets import get_preset

    path = save_model(tmp_path / "odd.npz", get_preset("tutorial").network(), settings)
    assert not page.load_model(path)
    assert str(path) in page.status.text() and expected in page.status.text()
    assert page.model is None


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_a_model_whose_weights_are_not_finite_is_refused_by_name(qtbot, page, tmp_path, bad):
    """Load model: weights training or a view cannot use are refused, naming the array."""
    from bpviz.nn.serialize import save_model
    from bpviz.presets import get_preset

    net = get_preset("tutorial").network()
    net.params["W2"][0, 3] = bad
    path = save_model(tmp_path / "broken.npz", net, {"recipe": get_preset("tutorial").to_dict()})
    assert not page.load_model(path)
    assert str(path) in page.status.text() and "W2 holds NaN or infinite values" in page.status.text()
    assert page.model is None


def test_a_run_that_blows_up_keeps_a_model_and_says_so(qtbot, page):
    _quick(page, "mnist10")
    page.form.lr.setText("1e6")
    page.form.optimizer.setCurrentText("sgd")
    _run(qtbot, page)
    assert page.history.status == "diverged"
    # The short story on the run bar, the whole in its tooltip (see test_divergence_on_the_page).
    assert page.status.text().startswith("Run #1 diverged at iteration ")
    assert "(now 1e+06)" in page.status.toolTip()
    assert page.model is not None and not page.runner.is_running()
    assert all(np.isfinite(v).all() for v in page.model.params.values())  # the last good ones
    assert page.save_button.isEnabled()  # and they can be saved
