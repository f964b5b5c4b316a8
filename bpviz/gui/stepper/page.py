"""The step-through page: wires the session, the controller and the views together.

Graph and equation panel are pure functions of (trace, index); this page only routes
signals: the controller's index to the views, the form's recipe to a new session.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QFrame, QGroupBox, QInputDialog, QLabel, QScrollArea, QSizePolicy, QSplitter, QTabWidget, QVBoxLayout,
    QWidget,
)

from bpviz.gui.files import open_path
from bpviz.data.toy import Table, csv_header, load_csv
from bpviz.errors import BpvizError
from bpviz.gui import style
from bpviz.gui.graph.view import GraphView
from bpviz.gui.stepper.controller import StepController
from bpviz.gui.stepper.columns_dialog import ColumnsDialog
from bpviz.gui.stepper.controls import ControlsPanel
from bpviz.gui.stepper.debugger import DebugPanel
from bpviz.gui.stepper.editing import EditCommand, Target, current_value, target_of
from bpviz.gui.stepper.epochs import EpochRunner
from bpviz.gui.stepper.equation import EQUATION_SHARE, EquationPanel, largest_fitting
from bpviz.gui.stepper.plots import BoundaryPlot, LossPanel
from bpviz.gui.stepper.session import ToySession
from bpviz.gui.stepper.timeline import Timeline
from bpviz.gui.stepper.transport import Transport
from bpviz.nn.gradcheck import check_gradients
from bpviz.nn.handwritten import compare, load_user_code
from bpviz.nn.notation import edge_id, node_id, result
from bpviz.page_limits import check_step_page
from bpviz.presets import Recipe, get_preset
from bpviz.resources import resource_path

#: The form's column is at most this wide at 100 % (it grows with the side panels' text).
SIDE_WIDTH = 330
KEYS = {
    "Space": "toggle_play", "Right": "step_forward", "Left": "step_back",
    "Home": "phase_start", "End": "phase_end", "PgUp": "previous_phase",
    "PgDown": "next_phase", "+": "faster", "=": "faster", "-": "slower",
}


def form_message(text: str) -> str:
    """A page-limit message as the form says it: "recipe.loss: ..." is "Loss: ..." here."""
    for prefix in ("recipe.", "table."):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text[:1].upper() + text[1:]


class StepPage(QWidget):
    def __init__(self, recipe: Recipe | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = StepController(self)
        self.session: ToySession | None = None
        self.graph = GraphView()
        self.equation = EquationPanel()
        self.timeline = Timeline()
        self.transport = Transport(self.controller)
        self.controls = ControlsPanel(recipe or get_preset("notebook-regression"))
        self.inspector = QLabel("Click a unit or a weight to pin its values here.")
        self.inspector.setWordWrap(True)
        self.inspector.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.pinned: str | None = None
        self._focus = self.presenting = False
        self.ui_scale, self._fitted, self._user_equation = 1.0, None, None
        self.debug = DebugPanel()
        self.undo_stack = QUndoStack(self)
        self.epochs = EpochRunner(self)
        self.epochs.finished.connect(self._on_epochs_finished)
        self.checks = []
        self.loss_panel = LossPanel()
        self.loss_plot = self.loss_panel.plot  # File > Export view > the loss plot
        self.boundary = BoundaryPlot()
        # A short title: a group box is at least as wide as its title, and the column is narrow.
        self.boundary_box = self._boxed("Decision boundary", self.boundary)
        self.boundary_box.setToolTip("The network's output over the plane of the two inputs, with the table's rows")
        self._build_layout()
        self._wire()
        self.set_recipe(self.controls.recipe)
        style.follow(self, self._apply_look)

    def _apply_look(self) -> None:
        self.equation.set_check(self._check_text(self.controller.step))  # its marks' colours

    # --- layout ---------------------------------------------------------------------
    @staticmethod
    def _boxed(title: str, widget: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(widget)
        return box

    def _build_layout(self) -> None:
        column = QWidget()
        left_layout = QVBoxLayout(column)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.controls)
        self.plot_boxes = (self._boxed("Loss per epoch", self.loss_panel), self.boundary_box)
        for box in self.plot_boxes:  # the room left, not the room the plots would like
            box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
            left_layout.addWidget(box, 1)
        self._hold_plot_heights()
        # The form and its plots scroll when the window is short, rather than make it
        # taller than its screen (a classifier's boundary plot on a 1280×800 projector).
        left = QScrollArea()
        left.setWidget(column)
        left.setWidgetResizable(True)
        left.setFrameShape(QFrame.Shape.NoFrame)
        left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left.setMaximumWidth(SIDE_WIDTH)
        self.form_column = column
        self._hold_form_width(left)
        center = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.graph, 1)
        top_layout.addWidget(self.transport)
        center.addWidget(top)
        center.addWidget(self.equation)
        center.setStretchFactor(0, 1)
        center.setStretchFactor(1, 0)
        center.setChildrenCollapsible(False)
        self.center = center
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.timeline, "Steps")
        self.tabs.addTab(self.debug, "Gradient check")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        right_layout.addWidget(self.tabs, 3)
        right_layout.addWidget(self._boxed("Pinned values", self.inspector), 1)
        self.side_panels = (left, right)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget, stretch in ((left, 0), (center, 1), (right, 0)):
            splitter.addWidget(widget)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        splitter.setSizes([250, 820, 210])
        self.columns_splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

    def _wire(self) -> None:
        c = self.controller
        c.indexChanged.connect(self._on_index_changed)
        c.traceChanged.connect(self._on_trace_changed)
        # The panel's plan follows its width (which settles after the page's own resize).
        self.equation.plannedHeightChanged.connect(lambda _: self._fit_scale(), Qt.ConnectionType.QueuedConnection)
        self.center.splitterMoved.connect(self._on_splitter_moved)
        c.reachedEnd.connect(self._on_reached_end)
        c.speedChanged.connect(lambda _: self.graph.set_pulse_duration(c.pulse_ms()))
        self.timeline.stepClicked.connect(c.set_index)
        self.graph.elementClicked.connect(self._on_element_clicked)
        self.graph.elementDoubleClicked.connect(self._on_element_double_clicked)
        self.debug.thresholdChanged.connect(lambda _: self._apply_marks())
        self.debug.openRequested.connect(self._on_open_user_file)
        self.debug.runRequested.connect(self.run_user_file)
        self.controls.presetChosen.connect(self.set_recipe)
        self.controls.recipeChanged.connect(self._on_recipe_edited)
        self.controls.sampleChanged.connect(self._on_sample_changed)
        self.controls.loadCsvRequested.connect(self._on_load_csv)
        self.controls.runEpochsRequested.connect(self.run_epochs)
        self.shortcuts = {}
        for key, action in KEYS.items():
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(getattr(c, action))
            self.shortcuts[key] = shortcut
        self.graph.set_pulse_duration(c.pulse_ms())

    def _hold_plot_heights(self) -> None:
        """Each plot's box at least as tall as its plot needs (the column scrolls when the
        window is shorter), but asking for no more: its wish would make the column scroll."""
        for box in self.plot_boxes:
            box.setMinimumHeight(0)
            box.setMinimumHeight(box.minimumSizeHint().height())

    def _hold_form_width(self, side: QScrollArea) -> None:
        """As wide as the form with a scroll bar beside it: never cut at the side."""
        side.setMinimumWidth(min(side.maximumWidth(), self.form_column.minimumSizeHint().width()
                                 + side.verticalScrollBar().sizeHint().width()))

    def set_focus_mode(self, on: bool) -> None:
        """Hide the form, plots and timeline so the graph and the equation fill the page:
        the numbers on the graph then read from the back of a room."""
        self._focus = on
        self._show_panels()

    def focus_mode(self) -> bool:
        return not self.side_panels[0].isVisible()

    def set_presenting(self, on: bool) -> None:
        """Presenter mode: only the graph, the equation panel and big transport buttons."""
        self.presenting = on
        self.transport.set_big(on)
        self.graph.setMinimumSize(*((200, 160) if on else (420, 300)))  # the equation may need the room
        self._show_panels()

    def set_ui_scale(self, scale: float) -> None:
        """The equation panel's and the transport's size (the graph fills the room left)."""
        self.ui_scale = scale
        for panel in self.side_panels:
            style.scale_text(panel, scale)
        self.side_panels[0].setMaximumWidth(round(SIDE_WIDTH * min(scale, style.SIDE_TEXT_MAX)))
        self._hold_form_width(self.side_panels[0])
        self._hold_plot_heights()
        self._fit_form_column()
        self._fit_scale()

    def _fit_form_column(self) -> None:
        """The form's column as wide as its text needs (up to its most): larger text takes
        the width from the graph's column while it can spare it, and smaller text gives it
        back."""
        sizes = self.columns_splitter.sizes()
        form = self.side_panels[0]
        if sizes[0] <= 0:
            return  # hidden (focus or presenter mode)
        want = self.form_column.sizeHint().width() + form.verticalScrollBar().sizeHint().width()
        change = min(want, form.maximumWidth()) - sizes[0]
        if change > 0:
            change = min(change, max(0, sizes[1] - self.center.minimumSizeHint().width()))
        if change:
            sizes[0] += change
            sizes[1] -= change
            self.columns_splitter.setSizes(sizes)

    def _fit_scale(self) -> None:
        """Each of the equation panel and the transport at the UI scale, or as near as fits:
        the equation no higher than EQUATION_SHARE of the page (the graph keeps the rest),
        the transport no wider than the graph."""
        height, width = self.height(), self.center.width()
        fitted = (self.ui_scale, self.presenting, self._focus, height // 10, width // 10, self.equation.width() // 10)
        if fitted != self._fitted:
            if self._fitted is None or self._fitted[:3] != fitted[:3]:
                self._user_equation = None  # a new scale or mode: the planned split again
            self._fitted = fitted
            self.equation.fit_to(height, self.ui_scale)
            # The transport grows only while all of it fits (its speed slider too, outside
            # presenter mode): a larger scale must not hide the slider.
            self.transport.set_scale(largest_fitting(self.ui_scale, 1.0, self.transport.set_scale,
                                                     lambda: self.transport.full_width() <= width))
        self._place_equation()

    def _place_equation(self) -> None:
        """The equation panel gets its planned height (or the height the user dragged it
        to, within its share), the graph all the rest. Only a resize, a new scale or mode,
        or a new network change it: never a step or a row."""
        sizes = self.center.sizes()
        total = sum(sizes)
        want = self.equation.planned_height()
        if self._user_equation is not None:
            want = max(want, min(self._user_equation, round(EQUATION_SHARE * total)))
        if total > want and sizes[1] != want:
            self.center.setSizes([total - want, want])

    def _on_splitter_moved(self, *_) -> None:
        self._user_equation = self.center.sizes()[1]

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_scale()

    def _show_panels(self) -> None:
        for panel in self.side_panels:
            panel.setVisible(not (self._focus or self.presenting))
        self._fitted = None
        self.layout().activate()
        self._fit_scale()
        self.graph.reset_zoom()

    # --- model changes --------------------------------------------------------------
    def set_recipe(self, recipe: Recipe, table: Table | None = None) -> bool:
        """Start a new session on ``recipe`` (and ``table``); False, with the reason shown
        next to the form, when they do not fit together."""
        try:
            session = ToySession(recipe, table)
            # Every limit of this page, and numbers that stay finite, before anything changes:
            # what the page shows is always a state a lesson can reopen.
            check_step_page(self._state_of(session, -1))
        except BpvizError as exc:
            self.controls.show_error(None, form_message(str(exc)))
            return False
        self.controller.pause()
        self.session = session
        self.undo_stack.clear()
        self.controls.set_recipe(recipe, rows=session.m, own_table=table is None or table.name == recipe.dataset)
        self._show_row()
        self.graph.set_network(*self.network_shown())
        self.controller.set_steps(session.trace())
        self._refresh_plots()
        self._refresh_checks()
        return True

    def lesson_state(self):
        """Where this page is, for a lesson file: the recipe, the table as edited, the
        weights, the row, the epoch and the step shown."""
        return self._state_of(self.session, self.controller.index)

    @staticmethod
    def _state_of(session: ToySession, step: int):
        from bpviz.lesson import StepLesson

        table = Table(session.table.name, session.table.feature_names, session.table.target_name,
                      session.X.T.copy(), session.Y[0].copy())
        return StepLesson(session.recipe, table, {k: v.copy() for k, v in session.net.params.items()},
                          session.sample, session.epoch, tuple(session.epoch_losses), step)

    def open_lesson(self, lesson) -> bool:
        """Go exactly where ``lesson`` (a StepLesson) left this page."""
        if not self.set_recipe(lesson.recipe, lesson.table):
            return False
        session = self.session
        session.net.set_params({k: v.copy() for k, v in lesson.params.items()})
        session.set_sample(lesson.sample)
        session.epoch, session.epoch_losses = lesson.epoch, list(lesson.epoch_losses)
        self._show_new_trace()
        self.controller.set_index(min(lesson.step, len(self.controller.steps) - 1))
        return True

    def _on_sample_changed(self, index: int) -> None:
        if self.session is None or index == self.session.sample:
            return
        self.session.set_sample(index)
        self._show_new_trace()

    def network_shown(self) -> tuple:
        """GraphView.set_network's arguments for the state shown (for offscreen frames)."""
        session = self.session
        return (session.net.layer_sizes, {k: v.copy() for k, v in session.net.params.items()},
                session.table.feature_names, session.x())

    def _on_recipe_edited(self, recipe: Recipe) -> None:
        """A field of the form changed: the new network plays the table shown (a CSV stays,
        and so do inputs typed into the graph)."""
        self.set_recipe(recipe, self._state_of(self.session, -1).table)

    def _show_new_trace(self) -> None:
        self.graph.set_network(*self.network_shown())
        session = self.session
        self.controller.set_steps(session.trace())
        self._show_row()
        self._refresh_plots()
        self._refresh_checks()

    def _show_row(self) -> None:
        """The form's row field shows the row the graph plays (counted from 1)."""
        self.controls.sample.blockSignals(True)
        self.controls.sample.setValue(self.session.sample + 1)
        self.controls.sample.blockSignals(False)

    def _on_reached_end(self) -> None:
        """Past the update: apply it and go on with the next sample (or epoch)."""
        if self.session is None or not self.controller.steps:
            return
        playing = self.controller.playing
        point = self.session.checkpoint()
        self.session.advance(self.controller.steps)
        broken = next((s for s in [*self.controller.steps, *self.session.trace()] if not np.isfinite(s.value).all()),
                      None)
        if broken is not None:  # inf or nan weights or numbers next: a state nothing can reopen
            self.session.rollback(point)
            self.controller.pause()
            self.controls.show_error(None, f"This update overflows: after it, {broken.symbol.text} would be "
                                           f"{result(broken.value).text}. The weights stay as they are; expected a "
                                           f"smaller learning rate (now {self.session.recipe.lr:g}).")
            return
        self._show_new_trace()
        if playing:
            self.controller.step_forward()

    def run_epochs(self, n: int) -> None:
        """Train ``n`` epochs without animation, then show the next row's trace."""
        if self.session is None:
            return
        if self.epochs.busy():
            return
        self.controller.pause()
        self.epochs.start(self.session, n)  # a short run ends here; a long one keeps the window live

    def _on_epochs_finished(self, message: str) -> None:
        self._show_new_trace()
        self.controls.show_error(None, message)  # where the form's messages go

    def _on_load_csv(self) -> None:
        path, _ = open_path(self, "Load a CSV table", "", "CSV tables (*.csv);;All files (*)")
        if not path:
            return
        try:
            header = csv_header(path)
        except BpvizError as exc:
            self.controls.show_error(None, str(exc))
            return
        dialog = ColumnsDialog(header, self)
        if dialog.exec() == ColumnsDialog.DialogCode.Accepted:
            self.load_csv(path, dialog.chosen_features(), dialog.chosen_target())

    def load_csv(self, path: str, features=None, target: str | None = None) -> bool:
        """Train on a CSV table (``features`` and ``target`` by name; default: all but the
        last column, and the last). A bad file is explained next to the form."""
        try:
            table = load_csv(path, features, target)
        except BpvizError as exc:
            self.controls.show_error(None, str(exc))
            return False
        return self.set_recipe(self.controls.recipe, table)

    # --- views ----------------------------------------------------------------------
    def _on_trace_changed(self) -> None:
        self.timeline.set_steps(self.controller.steps)
        self.equation.set_trace(self.controller.steps)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_form_column()  # the form whole (a preset's name, every field)
        self._place_equation()

    def _on_index_changed(self, index: int) -> None:
        self.graph.show_step(self.controller.steps, index)
        self.equation.set_step(self.controller.step)
        self.equation.set_check(self._check_text(self.controller.step))
        self.timeline.set_current(index)
        self._refresh_inspector()

    def _on_element_clicked(self, element: str) -> None:
        self.pinned = element
        self._refresh_inspector()

    def _refresh_inspector(self) -> None:
        item = self.graph.nodes.get(self.pinned) or self.graph.edges.get(self.pinned)
        if item is not None:
            self.inspector.setText(item.tooltip_text().replace("\n", "<br>"))

    def _refresh_plots(self) -> None:
        session = self.session
        self.loss_panel.set_losses(session.epoch_losses)
        two_inputs = session.X.shape[0] == 2 and session.recipe.loss == "bce"
        self.boundary_box.setVisible(two_inputs)
        if two_inputs:
            self.boundary.draw(session)

    # --- gradient debugger ----------------------------------------------------------
    def _refresh_checks(self) -> None:
        """Check every gradient of the state shown; a user's earlier run is for another state."""
        session = self.session
        self.checks = check_gradients(session.net, session.x().reshape(-1, 1), session.y().reshape(-1, 1))
        self.debug.set_checks(self.checks)
        if self.debug.comparison is not None:
            self.debug.set_comparison(None, "The state changed: press Run it to compare again.")
        self._apply_marks()

    @staticmethod
    def _element(key: str, index) -> str:
        l, (j, k) = int(key[1:]), index
        return edge_id(l, j + 1, k + 1) if key[0] == "W" else node_id(l, j + 1)

    def _apply_marks(self) -> None:
        threshold = self.debug.threshold
        checks = {self._element(c.key, c.index): c.passes(threshold) for c in self.checks if c.key[0] == "W"}
        flagged = {self._element(e.key, e.index) for e in self.debug.disagreeing()}
        self.graph.set_marks(checks, flagged)
        self.equation.set_comparing(self.debug.user_file is not None)  # room for "Your code: …"
        self.equation.set_check(self._check_text(self.controller.step))

    def _check_text(self, step) -> str:
        """For a weight's or bias's gradient step: its finite-difference check, and what the
        user's code gave for it."""
        if step is None or step.quantity[0] not in ("dw", "db"):
            return ""
        name, l, j, *k = step.quantity
        key, index = (f"W{l}", (j - 1, k[0] - 1)) if name == "dw" else (f"b{l}", (j - 1, 0))
        check = next((c for c in self.checks if c.key == key and c.index == index), None)
        if check is None:
            return ""
        t = self.debug.threshold
        ok = check.passes(t)
        color = (style.UPDATE if ok else style.BACKWARD).name()
        text = (f"Gradient check: finite difference {check.numeric:.6g}, relative error {check.error:.1e} "
                f"<b style='color:{color}'>{'✓ passes' if ok else '✗ fails'}</b> (threshold {t:g})")
        mine = self.debug.comparison.entry(key, index) if self.debug.comparison else None
        if mine is not None:
            agrees = mine.agrees(t)
            color = (style.UPDATE if agrees else style.WARNING).name()
            implied = " (implied by its update)" if self.debug.comparison.kind == "update" else ""
            text += (f"<br><b style='color:{color}'>Your code{implied}: {step.symbol.text} = "
                     f"{mine.theirs:.6g} {'✓ agrees' if agrees else '✗ disagrees'}</b>"
                     + ("" if agrees else f" — backprop's chain above gives {mine.ours:.6g}"))
        return text

    def _on_tab_changed(self, index: int) -> None:
        """The gradient table needs room: widen the right column while it shows."""
        sizes = self.columns_splitter.sizes()
        want = 470 if self.tabs.widget(index) is self.debug else 210
        if sizes[2] != want and sum(sizes) > want + 700:
            sizes[1] -= want - sizes[2]
            sizes[2] = want
            self.columns_splitter.setSizes(sizes)

    def _on_open_user_file(self) -> None:
        path, _ = open_path(self, "Open your hand-written update or gradients",
                                              str(resource_path("examples")), "Python files (*.py)")
        if path:
            self.open_user_file(path)

    def open_user_file(self, path) -> None:
        """Choose the file; it runs only when Run it is pressed."""
        self.tabs.setCurrentWidget(self.debug)
        self.debug.set_user_file(path)

    def run_user_file(self) -> bool:
        """Run the user's file on the state shown and compare it with backprop; a broken
        file is explained in the panel."""
        session = self.session
        if session is None or self.debug.user_file is None:
            return False
        try:
            code = load_user_code(self.debug.user_file)
            comparison = compare(code, session.net, session.x(), session.y(), session.recipe.lr)
        except BpvizError as exc:
            self.debug.show_error(str(exc))
            self._apply_marks()
            return False
        self.debug.set_comparison(comparison, f"<b>{code.path.name}</b> ({code.kind}, {code.layout} weight "
                                              f"layout) ran on row {session.sample + 1}.")
        self._apply_marks()
        return True

    # --- editing --------------------------------------------------------------------
    def _on_element_double_clicked(self, element: str) -> None:
        target = target_of(element, self.session.table.feature_names if self.session else ())
        if target is None or self.session is None:
            return
        value, ok = QInputDialog.getDouble(self, "Edit a value", f"New value of {target.label}:",
                                           current_value(self.session, target), -1e6, 1e6, 6)
        if ok:
            self.edit_value(target, value)

    def edit_value(self, target: Target, value: float) -> None:
        """Set one weight, bias or input; everything downstream is recomputed and the trace
        restarts from that state. Undoable."""
        self.undo_stack.push(EditCommand(self, target, float(value)))

    def restore_state(self, state) -> None:
        self.controller.pause()
        self.session.restore(state)
        self._show_new_trace()
