"""The step-through page: wires the session, the controller and the views together.

Graph and equation panel are pure functions of (trace, index); this page only routes
signals: the controller's index to the views, the form's recipe to a new session.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import QAbstractButton, QApplication, QInputDialog, QLabel, QWidget

from bpviz.gui.files import open_path
from bpviz.data.toy import Table, csv_header, load_csv
from bpviz.errors import BpvizError
from bpviz.gui import style
from bpviz.gui.graph.state import element_of
from bpviz.gui.graph.view import GraphView
from bpviz.gui.stepper import access
from bpviz.gui.stepper.controller import StepController
from bpviz.gui.stepper.columns_dialog import ColumnsDialog
from bpviz.gui.stepper.code_panel import CodePanel
from bpviz.gui.stepper.controls import ControlsPanel, form_message
from bpviz.gui.stepper.debugger import DebugPanel, check_text, element_of_check
from bpviz.gui.stepper.debugging import UserCodeDebugger
from bpviz.gui.stepper.editing import EditCommand, Target, current_value, target_of
from bpviz.gui.stepper.epochs import EpochRunner
from bpviz.gui.stepper.fitting import PageLayout, boxed
from bpviz.gui.stepper.equation import EquationPanel
from bpviz.gui.stepper.plots import BoundaryPlot, LossPanel, shows_boundary
from bpviz.gui.stepper.quiz import Quiz
from bpviz.gui.stepper.quiz_bar import QuizBar
from bpviz.gui.stepper.session import ToySession, edited_state, recipe_for
from bpviz.gui.stepper.timeline import Timeline
from bpviz.gui.stepper.transport import Transport
from bpviz.gui.stepper.values_dialog import ValuesCommand, ValuesDialog
from bpviz.nn.gradcheck import check_gradients
from bpviz.nn.notation import result
from bpviz.page_limits import check_step_page
from bpviz.presets import Recipe, get_preset
from bpviz.resources import resource_path

#: The page's keys and the controller's methods they call (Space: the page's ``space``,
#: which plays and pauses, or in quiz mode reveals the result, then goes on).
KEYS = {
    "Space": "toggle_play", "Right": "step_forward", "Left": "step_back",
    "Home": "phase_start", "End": "phase_end", "PgUp": "previous_phase",
    "PgDown": "next_phase", "+": "faster", "=": "faster", "-": "slower",
}


class StepPage(QWidget):
    def __init__(self, recipe: Recipe | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = StepController(self)
        self.session: ToySession | None = None
        self.refused = ""  # why the form's last change was refused, while it still shows it
        self.graph = GraphView()
        self.equation = EquationPanel()
        self.timeline = Timeline()
        self.transport = Transport(self.controller)
        self.quiz = Quiz(self.controller, self)
        self.quiz_bar = QuizBar(self.quiz)
        self.quiz_bar.hide()
        self.controls = ControlsPanel(recipe or get_preset("notebook-regression"))
        self.inspector = QLabel("Click a unit or a weight to pin its values here.")
        self.inspector.setWordWrap(True)
        self.inspector.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.pinned: str | None = None
        self.debug = DebugPanel()
        self.code = CodePanel()
        self.undo_stack = QUndoStack(self)
        self.epochs = EpochRunner(self)
        self.epochs.finished.connect(self._on_epochs_finished)
        self.checks = []
        self.loss_panel = LossPanel()
        self.loss_plot = self.loss_panel.plot  # File > Export view > the loss plot
        self.boundary = BoundaryPlot()
        # A short title: a group box is at least as wide as its title, and the column is narrow.
        self.boundary_box = boxed("Decision boundary", self.boundary)
        self.boundary_box.setToolTip("The network's output over the plane of the two inputs, with the table's rows")
        self.arrangement = PageLayout(self)
        self.debugger = UserCodeDebugger(self)
        self._wire()
        access.describe(self)  # keyboards and screen readers: access.py
        access.set_keyboard(self)
        self.announcer = access.Announcer(self)
        self.set_recipe(self.controls.recipe)
        style.follow(self, self._apply_look)

    def _apply_look(self) -> None:
        self._show_check()  # its marks' colours

    def _wire(self) -> None:
        c = self.controller
        c.indexChanged.connect(self._on_index_changed)
        c.traceChanged.connect(self._on_trace_changed)
        c.reachedEnd.connect(self._on_reached_end)
        c.speedChanged.connect(lambda _: self.graph.set_pulse_duration(c.pulse_ms()))
        self.timeline.stepClicked.connect(c.set_index)
        self.graph.hiddenClicked.connect(self._on_hidden_clicked)
        self.graph.elementClicked.connect(self._on_element_clicked)
        self.graph.elementDoubleClicked.connect(self._on_element_double_clicked)
        # A chain factor and its graph element light together, whichever is hovered (or walked).
        self.graph.linkedElement.connect(self.equation.chain.set_linked)
        self.equation.chain.factorHovered.connect(self.graph.set_linked)
        self.debug.thresholdChanged.connect(lambda _: self.apply_marks())
        self.code.openRequested.connect(self._on_open_user_file)
        self.controls.presetChosen.connect(self.set_recipe)
        self.controls.recipeChanged.connect(self._on_recipe_edited)
        self.controls.sampleChanged.connect(self._on_sample_changed)
        self.controls.loadCsvRequested.connect(self._on_load_csv)
        self.controls.runEpochsRequested.connect(self.run_epochs)
        self.shortcuts = {}
        for key, action in KEYS.items():
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._on_space if key == "Space" else getattr(c, action))
            self.shortcuts[key] = shortcut
        self.quiz.changed.connect(self._show_step)
        self.quiz.toggled.connect(self._on_quiz_toggled)
        self.quiz_bar.reveal_button.clicked.connect(lambda: self.quiz.reveal())
        self.equation.revealRequested.connect(lambda: self.quiz.reveal())
        for widget in (self.graph, self.equation):  # a number typed there goes to the answer box
            self.quiz_bar.watch(widget)
        self.graph.set_pulse_duration(c.pulse_ms())

    def _on_space(self) -> None:
        """Space presses the button the keyboard is on (Tab reaches them); elsewhere it plays
        and pauses, or in quiz mode reveals the result, then goes on."""
        focused = QApplication.focusWidget()
        if isinstance(focused, QAbstractButton) and self.isAncestorOf(focused) and focused.isEnabled():
            focused.click()
        else:
            self.quiz.space()

    # --- layout (fitting.py) ---------------------------------------------------------
    def set_focus_mode(self, on: bool) -> None:
        """Hide the form, plots and timeline so the graph and the equation fill the page:
        the numbers on the graph then read from the back of a room."""
        self.arrangement.set_focus_mode(on)

    def focus_mode(self) -> bool:
        return not self.side_panels[0].isVisible()

    @property
    def presenting(self) -> bool:
        return self.arrangement.presenting

    def set_presenting(self, on: bool) -> None:
        """Presenter mode: only the graph, the equation panel and big transport buttons."""
        self.arrangement.set_presenting(on)

    @property
    def ui_scale(self) -> float:
        return self.arrangement.ui_scale

    def set_ui_scale(self, scale: float) -> None:
        """The equation panel's and the transport's size (the graph fills the room left)."""
        self.arrangement.set_ui_scale(scale)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.arrangement.fit()

    # --- model changes --------------------------------------------------------------
    def set_recipe(self, recipe: Recipe, table: Table | None = None, keep_undo: bool = False) -> bool:
        """Start a new session on ``recipe`` (and ``table``); False, with the reason shown
        next to the form, when they do not fit together. The undo history goes, unless
        ``keep_undo`` (an undoable command makes the change)."""
        try:
            if table is not None:  # the output layer follows from the table: a unit per target column
                recipe = recipe_for(recipe, table)
            session = ToySession(recipe, table)
            # Every limit of this page, and numbers that stay finite, before anything changes:
            # what the page shows is always a state a lesson can reopen.
            check_step_page(self.state_of(session, -1))
        except BpvizError as exc:
            self.controls.show_error(None, form_message(str(exc)))
            return False
        self.controller.pause()
        self.session = session
        self._refuse("")
        if not keep_undo:
            self.undo_stack.clear()
        self.controls.set_recipe(recipe, rows=session.m, own_table=table is None or table.name == recipe.dataset,
                                 table=session.table)
        self._show_row()
        self.graph.set_network(*self.network_shown())
        self.controller.set_steps(session.trace())
        self.arrangement.fit()  # a new graph may need the equation to give way
        self._refresh_plots()
        self._refresh_checks()
        return True

    def lesson_state(self):
        """Where this page is, for a lesson file: the recipe, the table as edited, the
        weights, the row, the epoch, the step shown and quiz mode (on or off, its phase)."""
        return replace(self.state_of(self.session, self.controller.index), quiz=self.quiz.on,
                       quiz_phase=self.quiz.phase)

    @staticmethod
    def state_of(session: ToySession, step: int):
        from bpviz.lesson import StepLesson

        table = Table(session.table.name, session.table.feature_names, session.table.target_names,
                      session.X.T.copy(), session.Y.T.copy())
        return StepLesson(session.recipe, table, {k: v.copy() for k, v in session.net.params.items()},
                          session.sample, session.epoch, tuple(session.epoch_losses), step)

    def open_lesson(self, lesson, keep_undo: bool = False) -> bool:
        """Go exactly where ``lesson`` (a StepLesson) left this page."""
        if not self.set_recipe(lesson.recipe, lesson.table, keep_undo):
            return False
        session = self.session
        session.net.set_params({k: v.copy() for k, v in lesson.params.items()})
        session.set_sample(lesson.sample)
        session.epoch, session.epoch_losses = lesson.epoch, list(lesson.epoch_losses)
        self._show_new_trace()
        if not keep_undo:  # a lesson opened; an undoable edit changes the network, not the quiz
            self.set_quiz(lesson.quiz, lesson.quiz_phase)
        self.controller.set_index(min(lesson.step, len(self.controller.steps) - 1))
        return True

    def _on_sample_changed(self, index: int) -> None:
        self.set_row(index)

    def set_row(self, index: int) -> None:
        """Play row ``index`` (0-based) of the table."""
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
        and so do inputs typed into the graph). A change that keeps the weights (see
        session.edited_state) is undoable; a new init, seed or size draws new weights."""
        now = self.state_of(self.session, -1)
        try:
            after = edited_state(now, recipe)
        except BpvizError as exc:
            self._refuse(form_message(str(exc)))
            return
        if after is None:
            if not self.set_recipe(recipe, now.table):
                self._refuse(self.controls.error.text())
        else:
            self.undo_stack.push(ValuesCommand(self, after, "change the form"))
            self._refuse("")

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

    def _refuse(self, message: str) -> None:
        """The form holds a change the page refused (``message`` says why), or none (""):
        until it is mended, Run epochs would train the network shown, not the form's, so
        it waits."""
        self.refused = message
        run = self.controls.run_button
        run.setEnabled(not message)
        run.setToolTip("The form holds a value the page refused: mend it first (its message is above)"
                       if message else "")
        if message:
            kept = "" if self.session is None else \
                f" The page keeps the network shown (learning rate {self.session.recipe.lr:g}) until then."
            end = "" if message.rstrip().endswith((".", "?", "!")) else "."
            self.controls.show_error(None, message.rstrip() + end + kept)

    def run_epochs(self, n: int) -> None:
        """Train ``n`` epochs without animation, then show the next row's trace."""
        if self.session is None or self.refused:
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
            self.load_csv(path, dialog.chosen_features(), dialog.chosen_targets())

    def load_csv(self, path: str, features=None, targets=None) -> bool:
        """Train on a CSV table (``features`` and 1 to 4 ``targets`` by name; default: all
        but the last column, and the last); the output layer gets a unit per target. A bad
        file or choice is explained next to the form, and changes nothing."""
        try:
            table = load_csv(path, features, targets)
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
        self.arrangement.on_show()

    def _on_index_changed(self, index: int) -> None:
        c = self.controller
        hidden = self.quiz.hides(index)
        self.graph.show_step(c.steps, index, walk_ms=c.step_walk_ms() if c.playing else 0, hidden=hidden)
        if hidden:
            c.pause()  # playing in quiz mode stops at each question
        self._show_equation()
        self.timeline.set_current(index)
        self._refresh_inspector()

    def _show_step(self) -> None:
        """Render the step shown again, as the quiz now hides or shows it (no animation)."""
        c = self.controller
        self.graph.show_step(c.steps, c.index, animate=False, hidden=self.quiz.hides(c.index))
        self._show_equation()
        self._refresh_inspector()

    def _show_equation(self) -> None:
        index = self.controller.index
        self.equation.set_step(self.controller.step, self.quiz.hides(index))
        hidden = self.quiz.hidden_from(index)
        steps = self.controller.steps
        # The list shows no result ahead of the step shown while the quiz is on: an update
        # ahead, b ← 0 - 0.001·(-0.736), would give a backward question away.
        ahead = set(range(index + 1, len(steps))) if self.quiz.on else set()
        self.timeline.set_hidden(hidden | ahead)
        # So does the Gradient check tab: a db ahead (given, = dz) would answer a dz question.
        self.debug.set_hidden(element_of(steps[i].quantity)[1] for i in hidden | ahead
                              if steps[i].quantity[0] in ("dw", "db"))
        self._show_check()

    # --- quiz mode (quiz.py: what is hidden; quiz_bar.py: the answer box) -------------------
    def set_quiz(self, on: bool, phase: str | None = None) -> None:
        """Quiz mode on or off (View > Quiz mode, Q), over ``phase`` ("all" or a phase)."""
        if phase is not None:
            self.quiz.set_phase(phase)
        self.quiz.set_on(on)

    def _on_quiz_toggled(self, on: bool) -> None:
        self.quiz_bar.setVisible(on)
        if on:
            self.controller.pause()
            self.quiz_bar.answer.setFocus()
        elif self.quiz_bar.answer.hasFocus():
            self.graph.setFocus()
        self.arrangement.fit()

    def _on_hidden_clicked(self, element: str) -> None:
        """A click on the "?" of the step's hidden result shows it (a click elsewhere on the
        unit only pins it: pinning must not give the answer away)."""
        where = element_of(self.controller.step.quantity) if self.controller.step else None
        if where and where[1] == element:
            self.quiz.reveal()

    def _on_element_clicked(self, element: str) -> None:
        self.pinned = element
        self._refresh_inspector()
        self.debugger.element_clicked(element)

    def _refresh_inspector(self) -> None:
        item = self.graph.nodes.get(self.pinned) or self.graph.edges.get(self.pinned)
        if item is not None:
            self.inspector.setText(item.tooltip_text().replace("\n", "<br>"))

    def _refresh_plots(self) -> None:
        session = self.session
        self.loss_panel.set_losses(session.epoch_losses)
        shown = shows_boundary(session)
        self.boundary_box.setVisible(shown)
        if shown:
            self.boundary.draw(session)

    # --- gradient debugger (the user's file: debugging.py) ------------------------------
    def _refresh_checks(self) -> None:
        """Check every gradient of the state shown; a user's run of another state stops or goes stale."""
        session = self.session
        self.checks = check_gradients(session.net, session.x().reshape(-1, 1), session.y().reshape(-1, 1))
        self.debug.set_checks(self.checks)
        self.code.set_row_count(session.m)
        self.debugger.state_shown()  # which applies the marks

    def apply_marks(self) -> None:
        threshold = self.debug.threshold
        checks = {element_of_check(c.key, c.index): c.passes(threshold) for c in self.checks if c.key[0] == "W"}
        flagged = {element_of_check(e.key, e.index) for e in self.debug.disagreeing()}
        self.graph.set_marks(checks, flagged)
        self.equation.set_comparing(self.code.user_file is not None)  # room for "Your code: …"
        self._show_check()

    def _show_check(self) -> None:
        if self.quiz.hides(self.controller.index):  # the finite difference would give the answer away
            self.equation.set_check("")
            return
        self.equation.set_check(check_text(self.controller.step, self.checks, self.debug, self.debugger.findings()))

    def _on_open_user_file(self) -> None:
        path, _ = open_path(self, "Open your hand-written update or gradients",
                            str(resource_path("examples")), "Python files (*.py)")
        if path:
            self.open_user_file(path)

    def open_user_file(self, path) -> None:
        """Show the file in the code panel; it runs only when Run it (Ctrl+R) is pressed."""
        self.debugger.open_file(path)

    def run_user_file(self) -> bool:
        """Read the file again and check it apart, on the whole table (returns at once;
        False when no file is open). A broken file is explained in the code panel."""
        return self.debugger.run()

    def open_exercise(self, exercise) -> bool:
        """Debug > Exercises: its preset and changes, its file and task, run."""
        return self.debugger.open_exercise(exercise)

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

    def ask_network_values(self) -> None:
        """Edit > Network values…: OK plays the network typed from its first step, undoably."""
        if self.session is not None and not self.epochs.busy():
            self.controller.pause()
            dialog = ValuesDialog(self.lesson_state(), self.window(), self.ui_scale)
            if dialog.exec() == ValuesDialog.DialogCode.Accepted:
                self.undo_stack.push(ValuesCommand(self, dialog.state))
            dialog.deleteLater()

    def restore_state(self, state) -> None:
        self.controller.pause()
        self.session.restore(state)
        self._show_new_trace()
