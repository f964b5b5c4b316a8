"""The MNIST training page: wires the form, the worker thread, the live plots, the model
diagram and the views inside the model together. It computes nothing itself."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout, QMenu, QPushButton, QScrollArea,
    QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from bpviz.fileio import write_problem
from bpviz.errors import BpvizError
from bpviz.gui import style
from bpviz.gui.files import open_path, save_path, with_ending
from bpviz.gui.focus import mark_views
from bpviz.gui.training.canvas import DrawPanel
from bpviz.gui.training.confusion import ConfusionMatrix
from bpviz.gui.training.diagram import ModelDiagram
from bpviz.gui.training.fit import ViewsFit
from bpviz.gui.training.form import TrainForm
from bpviz.gui.training.gallery import Gallery
from bpviz.gui.training.gradients import GradientsView
from bpviz.gui.training.history import RunHistory
from bpviz.gui.training.plots import PlotsPanel
from bpviz.gui.training.runbar import RunBar
from bpviz.gui.training.weights import WeightImages
from bpviz.gui.training.text import accuracy_text, format_seconds, run_ending
from bpviz.gui.training.worker import Report, RunResult, TrainRunner, Update, class_names, report
from bpviz.nn.network import Network
from bpviz.nn.serialize import load_model, save_model
from bpviz.page_limits import available_images, check_training_form
from bpviz.presets import Recipe


def _recipe_of(net: Network, extra) -> tuple[str, Recipe | None]:
    """(what is wrong, "") or ("", the recipe) of a loaded model, for this page."""
    settings = extra.get("recipe") if isinstance(extra, dict) else None
    if not isinstance(settings, dict):
        return "it does not say how it was trained (expected a model saved by bpviz)", None
    try:
        recipe = Recipe.from_dict(settings)
    except BpvizError as exc:
        return f"its recipe cannot be read: {exc}", None
    if not recipe.is_mnist:
        return f"a model of the {recipe.dataset} table; this page trains and loads MNIST models", None
    sizes = [recipe.n_inputs, *recipe.layers]
    if sizes != net.layer_sizes:
        return (f"its recipe says layers {'-'.join(map(str, sizes))} but its weights are "
                f"{'-'.join(map(str, net.layer_sizes))}"), None
    return "", recipe


class TrainPage(QWidget):
    #: The buttons' enabled states may have changed (the window's menu follows them).
    availabilityChanged = Signal()

    def __init__(self, mnist_dir=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.mnist_dir = mnist_dir
        self.runner = TrainRunner(self, mnist_dir)
        self.form = TrainForm(mnist_dir=mnist_dir)
        self.plots = PlotsPanel()
        self.diagram = ModelDiagram()
        self.weights = WeightImages()
        self.gradients = GradientsView(self.plots)
        self.gallery = Gallery()
        self.confusion = ConfusionMatrix()
        self.draw = DrawPanel()
        self.history: RunHistory | None = None  # of the run going (or the last one)
        self.model: Network | None = None
        self.model_recipe: Recipe | None = None
        self.last_report: Report | None = None
        self._runs = 0
        self._auto_eval = False  # the run going had "Evaluate every" at auto
        self._pending: dict[QWidget, tuple] = {}  # tab -> arguments of its latest update
        self._eta_origin: tuple[float, int] | None = None  # (elapsed, done) at the first update
        self._build()
        mark_views(self)  # Tab: a ring round the lists, no stop on the form's frame or a plot
        self.fit = ViewsFit(self)
        self._connect()
        self._on_state("idle")

    # Layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.run_bar = RunBar()
        bar = self.run_bar
        self.start_button, self.pause_button, self.stop_button = bar.start_button, bar.pause_button, bar.stop_button
        self.progress, self.eta, self.status, self.results = bar.progress, bar.eta, bar.status, bar.results
        self.save_button = QPushButton("Save model…")
        self.load_button = QPushButton("Load model…")
        # One row under the form, so that the whole form fits a 1280×800 window.
        self.export_button = QPushButton("Export")
        self.export_button.setToolTip("The plots as PNG or SVG, every run's history as CSV")
        exports = QMenu(self.export_button)
        # The Export button's menu items (the window's menu follows their state).
        self.export_png_action = exports.addAction("Plots as PNG…")
        self.export_svg_action = exports.addAction("Plots as SVG…")
        self.export_csv_action = exports.addAction("History as CSV…")
        self.export_button.setMenu(exports)
        files = QHBoxLayout()
        for button in (self.save_button, self.load_button, self.export_button):
            files.addWidget(button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(self.form)
        column.addStretch(1)
        column.addLayout(files)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side = scroll
        self._hold_side_width()
        self.inside = QTabWidget()
        self.inside.addTab(self.weights, "Weights")
        self.inside.addTab(self.gradients, "Gradients")
        self.inside.addTab(self.gallery, "Predictions")
        self.inside.addTab(self.confusion, "Results")
        self.inside.addTab(self.draw, "Draw")
        # Five tabs in the room four had: titles padded less, every one shown (a little
        # shortened in a narrow window), none behind scroll arrows.
        self.inside.tabBar().setProperty("compact", True)
        self.inside.tabBar().setUsesScrollButtons(False)
        self.inside.tabBar().setElideMode(Qt.TextElideMode.ElideRight)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.plots)
        lower.addWidget(self.inside)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        # The diagram spans the plots and the tabs: a deep network needs the width.
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.diagram)
        right.addWidget(lower)
        right.setStretchFactor(1, 1)
        # The run bar heads the plots, not the form: presenter mode hides the form, not it.
        main = self.main = QWidget()
        main_column = QVBoxLayout(main)
        main_column.setContentsMargins(0, 0, 0, 0)
        main_column.setSpacing(4)
        main_column.addWidget(bar)
        main_column.addWidget(right, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(main)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 940])
        self.splitters = (splitter, right, lower)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

    def set_presenting(self, on: bool) -> None:
        """Presenter mode: the form steps aside; the run bar (big), the diagram, plots and
        views fill the screen."""
        self.side.setVisible(not on)
        self.run_bar.set_big(on)
        self.layout().activate()
        self.fit.fit()

    def set_ui_scale(self, scale: float) -> None:
        style.scale_text(self.side, scale)
        self._hold_side_width()
        self.fit.set_ui_scale(scale)

    def _hold_side_width(self) -> None:
        """The form's column as wide as the form with a scroll bar, at its text size: the
        form is never cut at the side."""
        scroll = self.side
        form = scroll.widget()
        form.layout().activate()
        scroll.setMinimumWidth(form.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
                               + 2 * scroll.frameWidth())

    def view_scale(self) -> float:
        """The scale the run bar, the diagram and the plots are drawn at: the UI scale, or
        less where that does not fit."""
        return self.plots.scale

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit.fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.fit.fit()

    def _connect(self) -> None:
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self.form.changed.connect(self._on_state_refresh)
        self.runner.updated.connect(self._on_updated)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.stateChanged.connect(self._on_state)
        self.inside.currentChanged.connect(self._on_inside_tab)
        self.save_button.clicked.connect(self.ask_save_model)
        self.load_button.clicked.connect(self.ask_load_model)
        self.export_png_action.triggered.connect(lambda: self.ask_export("png"))
        self.export_svg_action.triggered.connect(lambda: self.ask_export("svg"))
        self.export_csv_action.triggered.connect(lambda: self.ask_export("csv"))
        self.plots.runsChanged.connect(self._on_state_refresh)
        self.plots.runsChanged.connect(self._on_runs_changed)

    # Running -----------------------------------------------------------------------------
    def start(self) -> bool:
        """Start a run with the form's recipe (stopping the one going). False if the form is wrong."""
        recipe = self.form.recipe()
        if recipe is None:
            self._say("error", "Fix the fields marked in red first.")
            return False
        self.runner.stop()
        self._runs += 1
        # "auto" stays auto in the model's recipe: the form resolves it for this length only.
        self._auto_eval = self.form.eval_every.value() == 0
        self.history = RunHistory(self._runs, recipe, total=self.form.iterations_total)
        self.plots.add_run(self.history)
        self.progress.setRange(0, self.form.iterations_total)
        self.progress.setValue(0)
        self.eta.setText("loading the data…")
        initial_net = recipe.network()  # the worker makes the same one: same seed
        self.diagram.set_network(initial_net, _batch_columns(recipe, self.form.examples))
        self.weights.set_weights(initial_net.params["W1"])  # from where training starts
        self.confusion.clear()
        self.gallery.clear()
        self.results.setText("")
        self._eta_origin = None
        self._say("info", f"Run {self.history.label}")
        self.runner.start(recipe)
        return True

    def toggle_pause(self) -> None:
        if self.runner.state == "running":
            self.runner.pause()
        elif self.runner.state == "paused":
            self.runner.resume()

    def stop(self) -> None:
        """Stop after the update under way; the GUI does not wait for it."""
        self.runner.stop(wait=False)

    def shutdown(self) -> None:
        """Stop and join the worker (the window is closing)."""
        self.runner.shutdown()
        self.diagram.stop()

    def _on_updated(self, update: Update) -> None:
        history = self.history
        history.extend(update.records)
        self.plots.refresh(history)
        self.gradients.refresh(history)
        self.diagram.set_gradients(history)
        done = history.done
        self.progress.setValue(done)
        if self._eta_origin is None:  # the rate from the first update on: loading excluded
            self._eta_origin = (update.elapsed, done)
        elapsed0, done0 = self._eta_origin
        if done > done0:
            remaining = (update.elapsed - elapsed0) / (done - done0) * (history.total - done)
            paused = " · paused" if self.runner.state == "paused" else ""
            self.eta.setText(f"{format_seconds(update.elapsed)} so far · about "
                             f"{format_seconds(remaining)} left{paused}")
        # The tabs out of sight keep only the latest: drawing them costs the worker time.
        if update.weights is not None:
            self._pending[self.weights] = (update.weights,)
        if update.gallery is not None:
            g = update.gallery
            self._pending[self.gallery] = (g.images, g.true, g.probabilities, class_names(history.recipe))
        self._on_inside_tab()
        self.diagram.pulse()

    def _on_inside_tab(self, *_) -> None:
        """Bring the tab shown up to date with what arrived while it was hidden."""
        shown = self.inside.currentWidget()
        args = self._pending.pop(shown, None)
        if args is not None:
            (self.weights.set_weights if shown is self.weights else self.gallery.set_predictions)(*args)

    def _on_finished(self, result: RunResult) -> None:
        history = self.history
        history.status = result.stopped
        if result.report is not None and result.report.test_accuracy is not None:
            history.final_test_accuracy = 100 * result.report.test_accuracy  # as Results says
        self.plots.refresh(history)
        self.diagram.stop()
        self.eta.setText(f"{format_seconds(result.elapsed)} in all")
        kind = "error" if result.stopped == "diverged" else "ok" if result.stopped == "finished" else "info"
        if result.divergence is not None:  # the short story shown, the whole in the tooltip
            self.run_bar.say(kind, run_ending(history.number, "diverged", "diverged " + result.divergence.headline()),
                             run_ending(history.number, result.stopped, result.message))
        else:
            self._say(kind, run_ending(history.number, result.stopped, result.message))
        recipe = result.recipe.replace(eval_every=0) if self._auto_eval else result.recipe
        self._show_model(result.net, recipe, result.report)

    def _on_failed(self, message: str) -> None:
        if self.history is not None:
            self.history.status = "failed"
            self.plots.refresh(self.history)
        self.diagram.stop()
        self.eta.setText("")
        self._say("error", f"Training could not run: {message}")

    def _show_model(self, net: Network, recipe: Recipe, result: Report | None) -> None:
        self.model, self.model_recipe, self.last_report = net, recipe, result
        self._pending.clear()
        names = class_names(recipe)
        self.weights.set_weights(net.params["W1"].copy())
        self.draw.set_model(net, names)
        if result is None:
            self.confusion.clear()
            self.results.setText("")
            self._on_state_refresh()
            return
        g = result.gallery
        self.gallery.set_predictions(g.images, g.true, g.probabilities, names, g.summary)
        self.confusion.set_matrix(result.confusion, names, result.train_accuracy, result.test_accuracy)
        self.results.setText("Final: " + accuracy_text(result.train_accuracy, result.test_accuracy))
        self._on_state_refresh()

    # State -------------------------------------------------------------------------------
    def _on_state(self, state: str) -> None:
        going = state in ("running", "paused")
        self.pause_button.setText("Resume" if state == "paused" else "Pause")
        self.pause_button.setEnabled(going)
        self.stop_button.setEnabled(going)
        if state == "stopping":
            self.eta.setText("stopping after the update under way…")
        self.load_button.setEnabled(state == "idle")
        if state == "paused":
            self.eta.setText(self.eta.text().split(" · ")[0] + " · paused")
        self._on_state_refresh()

    def _on_runs_changed(self) -> None:
        """The diagram's shades are the latest run's gradients: gone with its run (Clear
        finished runs, Remove selected), as the Gradients tab's curves go."""
        if self.history is not None and self.history not in self.plots.histories():
            self.diagram.clear_gradients()

    def _on_state_refresh(self) -> None:
        idle = self.runner.state == "idle"
        self.start_button.setEnabled(self.form.recipe() is not None)
        self.start_button.setText("Start" if idle else "Restart")
        self.save_button.setEnabled(idle and self.model is not None)
        has_runs = bool(self.plots.runs)
        for button in (self.export_button, self.export_png_action, self.export_svg_action, self.export_csv_action):
            button.setEnabled(has_runs)
        self.availabilityChanged.emit()

    def _say(self, kind: str, text: str) -> None:
        self.run_bar.say(kind, text)

    # Files -------------------------------------------------------------------------------
    def save_model(self, path) -> bool:
        """The last model, as ``bpviz train --save`` writes it. False (and a message) on error."""
        if self.model is None:
            self._say("error", "There is no model to save yet: train or load one first.")
            return False
        settings = {**self.model_recipe.to_dict(), "layer_sizes": self.model.layer_sizes}
        try:
            saved = save_model(path, self.model, {"recipe": settings})
        except OSError as exc:
            self._say("error", f"Could not save the model; it is still here. {write_problem(path, exc)}")
            return False
        self._say("ok", f"Saved the model to {saved}.")
        return True

    def load_model(self, path) -> bool:
        """Show a saved model: its weights, its predictions on the test set, its results."""
        if self.runner.state != "idle":
            self._say("error", "Stop the run first: loading a model replaces the one shown.")
            return False
        try:
            net, extra = load_model(path)
        except BpvizError as exc:
            self._say("error", f"Could not load the model: {exc}")
            return False
        problem, recipe = _recipe_of(net, extra)
        if problem:
            self._say("error", f"Could not load the model: {path}: {problem}")
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            data = recipe.data(self.mnist_dir)
            result = report(net, data, class_names(recipe))
        except BpvizError as exc:
            self._say("error", f"Could not evaluate the model: {exc}")
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        # The form takes the recipe only if it can show all of it: a model trained from the
        # command line may have settings the form does not hold (a loss not its preset's, a
        # seed past its field), and a form showing less would start another run than the
        # model's. Such a model is still shown; the form keeps what it had.
        try:
            check_training_form(recipe, available_images(recipe, self.mnist_dir), where="recipe.")
        except BpvizError as exc:
            form_note = (f"; the form keeps its settings, as its recipe is not one the form can show "
                         f"({exc}).")
        else:
            before = self.form.shown()
            self.form.set_recipe(recipe)
            changed = [title for title, text in self.form.shown().items() if before[title] != text]
            form_note = ("; the form now holds its recipe"
                         + (f" (changed: {', '.join(changed)})." if changed else ", as it was."))
        self.diagram.set_network(net, _batch_columns(recipe, data.m))
        self._show_model(net, recipe, result)
        # The run bar tells of the model now, not of the last run.
        self.progress.reset()
        self.eta.setText("")
        self._say("ok", f"Loaded {Path(path).name}: {net!r}{form_note}")
        return True

    def export(self, kind: str, path) -> bool:
        """Plots as PNG or SVG, or the runs' history as CSV."""
        write = {"png": self.plots.export_png, "svg": self.plots.export_svg, "csv": self.plots.export_csv}[kind]
        if not self.plots.runs:
            self._say("error", "There is nothing to export yet: start a run first.")
            return False
        try:
            write(path)
        except OSError as exc:
            self._say("error", write_problem(path, exc))
            return False
        except ValueError as exc:  # pyqtgraph could not turn the plots into SVG
            self._say("error", f"Could not export the plots to {path}: {exc}")
            return False
        self._say("ok", f"Wrote {path}.")
        return True

    def ask_save_model(self) -> None:
        path, _ = save_path(self, "Save model", "model.npz", "bpviz model (*.npz)")
        target = with_ending(self, path, path if path.endswith(".npz") else path + ".npz") if path else None
        if target:
            self.save_model(target)

    def ask_load_model(self) -> None:
        if self.runner.state != "idle":
            self._say("error", "Stop the run first: loading a model replaces the one shown.")
            return
        path, _ = open_path(self, "Load model", "", "bpviz model (*.npz);;All files (*)")
        if path:
            self.load_model(path)

    def ask_export(self, kind: str) -> None:
        names = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)", "csv": "CSV table (*.csv)"}
        default = "training-history.csv" if kind == "csv" else f"training-plots.{kind}"
        path, _ = save_path(self, "Export", default, names[kind])
        target = with_ending(self, path, path if path.lower().endswith("." + kind) else f"{path}.{kind}") \
            if path else None
        if target:
            self.export(kind, target)


def _batch_columns(recipe: Recipe, m: int) -> int:
    """The m of one update: the whole training set, or one batch of it."""
    return m if recipe.batch_size is None else min(recipe.batch_size, m)
