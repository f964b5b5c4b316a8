"""The step page's debugger of a user's file: runs it apart on the whole table, shows what
the check found in the code panel, and links each wrong line with the parameters it wrote
on the graph, with their gradient's step, and back."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QObject

from bpviz.errors import BpvizError, UserCodeError
from bpviz.gui.stepper.code_panel import CodePanel, rich
from bpviz.gui.stepper.debugger import element_of_check
from bpviz.gui.stepper.session import ToySession
from bpviz.gui.stepper.user_run import CheckRunner
from bpviz.nn.handwritten import read_source as read_checked
from bpviz.nn.notation import node_id
from bpviz.page_limits import check_step_page
from bpviz.presets import get_preset

STALE = "The state changed since the run: its marks are from before. Press Run it (Ctrl+R) to check again."
STOPPED_BY_CHANGE = ("The state changed while your code ran, so the run stopped: press Run it (Ctrl+R) "
                     "to check the state shown.")


def state_key(session) -> tuple:
    """What a check depends on: the recipe, the weights and the whole table (not the row shown)."""
    digest = hashlib.sha1()
    for key in sorted(session.net.params):
        digest.update(key.encode())
        digest.update(session.net.params[key].tobytes())
    digest.update(session.X.tobytes())
    digest.update(session.Y.tobytes())
    return session.recipe, tuple(session.net.layer_sizes), digest.hexdigest()


def gradient_quantity(key: str, index) -> tuple | None:
    """The trace step a wrong value leads to: a parameter ("W1", "b2") or its gradient to
    that gradient's step ("dw", 1, j, k); "dZ1", "A2" ... to theirs. None when there is none."""
    base = key[1:] if key[:1] == "d" else key
    letter, layer = base[:1].lower(), base[1:]
    if letter not in ("w", "b", "z", "a") or not layer.isdigit():
        return None
    j, k = (int(i) + 1 for i in index)
    name = "d" + letter if letter in ("w", "b") or key[:1] == "d" else letter
    return (name, int(layer), j, k) if letter == "w" else (name, int(layer), j)


def wrong_places(finding) -> list[tuple[str, tuple[int, int]]]:
    """What a line wrote wrong, (key, index); a line whose values the row shown does not
    show (a bias summed wrongly over all the rows) by its quantity."""
    return [(w.key, w.index) for w in finding.wrong] or [(finding.quantity, (0, 0))]


def element_of(key: str, index) -> str:
    """The graph element of a wrong value: "W1", "dW1" (1, 0) the edge w1.2.1; "b2" the
    unit n2.1; "dZ1", "A1" (1, 0) the unit n1.2; "" for none."""
    base = key[1:] if key[:1] == "d" else key
    if not base[1:].isdigit():
        return ""
    if base[:1] in ("W", "b"):
        return element_of_check(base, index)
    return node_id(int(base[1:]), int(index[0]) + 1) if base[:1] in ("Z", "A") and int(base[1:]) > 0 else ""


def shown_row_note(report) -> str:
    """What the check found, and why the step page shows the row it shows."""
    findings = report.findings
    checked = f"{len(report.rows)} row{'s' if len(report.rows) != 1 else ''}"
    if not findings:
        return f"<b>No wrong line</b>: your code agrees with backprop on the {checked} checked." + _notes(report)
    lines = len({f.line for f in findings})
    parts = [f"<b>{lines} wrong line{'s' if lines != 1 else ''}</b> on the {checked} checked."]
    on_rows = [f for f in findings if f.rows]
    showing = [f for f in on_rows if report.shown_row in f.rows]
    row = report.shown_row + 1
    if on_rows and len(showing) == len(on_rows):
        parts.append(f"Row {row} shows every bug: the step page shows it.")
    elif on_rows:
        parts.append(f"Row {row} shows the most ({len(showing)} of {len(on_rows)}): the step page shows it.")
    together = [f for f in findings if not f.rows and f.batch]
    if together:
        parts.append(f"{'It shows' if len(together) == 1 else f'{len(together)} show'} only when all the rows "
                     f"are passed at once (m = {len(report.rows)}), not on one row.")
    return " ".join(parts) + _notes(report)


def _notes(report) -> str:
    return "".join(f"<br>Note: {rich(note)}." for note in report.notes)


def exercise_task(exercise) -> str:
    return f"<b>{rich(exercise.title)}</b><br>Exercise: {rich(exercise.task)}"


class UserCodeDebugger(QObject):
    """Built by the page (page.debugger); the page's debug table, graph and steps follow it."""

    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self.code: CodePanel = page.code
        self.runner = CheckRunner(self)
        self.report = None
        self.fresh = False      # the report is of the state shown (its weights and table)
        self._report_key = None
        self._run_key = None
        self.runner.progressed.connect(self.code.set_running)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.code.runRequested.connect(self.run)
        self.code.cancelRequested.connect(self.cancel)
        self.code.findingChosen.connect(self._on_finding_chosen)

    # --- the file and its run ---------------------------------------------------------
    def open_file(self, path, task: str = "") -> bool:
        """Show the file (it runs on Run it, or Ctrl+R). A file that cannot be read (a FIFO,
        a device, too big, not text) is refused by name, and the file shown, its findings
        and its marks stay as they were."""
        try:
            read_checked(path)
        except UserCodeError as exc:
            self.page.tabs.setCurrentWidget(self.code)
            self.code.show_refusal(str(exc))
            return False
        self.runner.cancel()
        self._forget()
        self.page.tabs.setCurrentWidget(self.code)
        self.code.set_user_file(path, task)
        self._show_comparison()
        return True

    def open_example(self, path, preset: str) -> bool:
        """An example written for one network (the notebook's update, for its 2-2-1): that
        preset on the page unless the page already holds its network (its weights then
        stay), and the file shown."""
        recipe = get_preset(preset)
        net, wanted = self.page.session.net if self.page.session else None, recipe.network()
        if net is None or (net.layer_sizes, net.activations, net.loss.name) != (
                wanted.layer_sizes, wanted.activations, wanted.loss.name):
            if not self.page.set_recipe(recipe):
                return False
        return self.open_file(path)

    def run(self) -> bool:
        """Read the file again and start checking it on the table; returns at once (False
        when there is no file). The session is never changed by the run, only shown."""
        page, session = self.page, self.page.session
        if session is None or self.code.user_file is None:
            return False
        self.runner.cancel()
        self._forget()
        self._show_comparison()
        page.tabs.setCurrentWidget(self.code)
        self.code.start_run()
        self._run_key = state_key(session)
        self.runner.start(self.code.user_file, session.net, session.X, session.Y, session.recipe.lr,
                          budget=self.code.rows.value(), timeout=float(self.code.time_limit.value()),
                          threshold=page.debug.threshold)
        return True

    def cancel(self) -> None:
        if self.runner.cancel():
            self.code.set_stopped("Cancelled: nothing changed. Press Run it (Ctrl+R) to run it again.")

    def busy(self) -> bool:
        return self.runner.busy()

    def _forget(self) -> None:
        self.report, self.fresh, self._report_key = None, False, None

    def _on_finished(self, report) -> None:
        self.report, self.fresh, self._report_key = report, True, self._run_key
        self.code.set_report(report, shown_row_note(report))
        self.page.set_row(report.shown_row)  # the row that reveals the bugs
        self.state_shown()

    def _on_failed(self, message: str, line: int) -> None:
        self._forget()
        self.code.show_error(message, line)
        self._show_comparison()

    # --- the state shown ------------------------------------------------------------
    def state_shown(self) -> None:
        """The page shows a new state or row: a run of another state stops, a report of
        another state goes stale, and the table shows the user's values on the report's row."""
        session = self.page.session
        key = state_key(session)
        if self.runner.busy() and key != self._run_key:
            self.runner.cancel()
            self.code.set_stopped(STOPPED_BY_CHANGE)
        if self.report is not None and self.fresh and key != self._report_key:
            self.fresh = False
            self.code.set_stale(STALE)
        self._show_comparison()

    def _show_comparison(self) -> None:
        page, report = self.page, self.report
        note = ""
        comparison = None
        if report is not None and self.fresh:
            if page.session.sample == report.shown_row:
                comparison = report.comparison
            else:
                note = (f"Your code's values are of row {report.shown_row + 1}: choose a line in Your code "
                        f"(or row {report.shown_row + 1}) to see them here.")
            if any(not f.rows and f.batch for f in report.findings):
                note = "On one row it agrees; all the rows at once show what it gets wrong (see Your code)."
        elif report is not None:
            note = "The state changed: press Run it (Ctrl+R) to compare again."
        page.debug.set_comparison(comparison, note)
        page.apply_marks()

    def findings(self) -> tuple:
        """The findings of a report of the state shown (the equation quotes their lines)."""
        return tuple(self.report.findings) if self.report is not None and self.fresh else ()

    # --- lines, graph and steps linked ------------------------------------------------
    def _on_finding_chosen(self, finding) -> None:
        """A line chosen: its parameters lit on the graph, and the step of the first one's gradient shown."""
        page = self.page
        if finding is None:
            page.graph.set_linked("")
            return
        if self.fresh and page.session.sample != self.report.shown_row:
            page.set_row(self.report.shown_row)
        quantities = [gradient_quantity(key, index) for key, index in wrong_places(finding)]
        steps = page.controller.steps
        index = next((i for q in quantities if q is not None
                      for i, s in enumerate(steps) if s.quantity == q), None)
        if index is not None:
            page.controller.pause()
            page.controller.set_index(index)
        page.graph.set_linked(self.elements(finding))

    @staticmethod
    def elements(finding) -> list[str]:
        """The graph's elements a line wrote wrong: weights and biases, and the units whose
        z, a or their gradients it got wrong (a gradients file's dZ1)."""
        found = (element_of(key, index) for key, index in wrong_places(finding))
        return list(dict.fromkeys(e for e in found if e))

    def element_clicked(self, element: str) -> None:
        """A parameter clicked on the graph: the line that got it wrong, selected (shown
        when the parameter is orange)."""
        if self.report is None:
            return
        finding = next((f for f in self.report.findings if element in self.elements(f)), None)
        if finding is None:
            return
        item = self.page.graph.edges.get(element) or self.page.graph.nodes.get(element)
        if item is not None and item.flagged:
            self.page.tabs.setCurrentWidget(self.code)
        self.code.select_finding(finding)
        self._on_finding_chosen(finding)  # as if chosen in the list: lit, and its step shown

    # --- exercises ------------------------------------------------------------------
    def exercise_problem(self, exercise) -> str:
        """Why the step page cannot play ``exercise``'s preset with its changes ("" when it can)."""
        try:
            check_step_page(self.page.state_of(ToySession(exercise.recipe), -1))
        except BpvizError as exc:
            return str(exc)
        return ""

    def open_exercise(self, exercise) -> bool:
        """Its preset (with its changes) on the page, as the preset combo sets one; its file
        in the code panel with its task; and run."""
        if not self.page.set_recipe(exercise.recipe):
            self.runner.cancel()
            self._forget()
            self.code.set_user_file(exercise.path, exercise_task(exercise))
            self.code.show_error(f"This exercise's network does not fit the step page: "
                                 f"{self.exercise_problem(exercise)}")
            self.page.tabs.setCurrentWidget(self.code)
            self._show_comparison()
            return False
        self.open_file(exercise.path, exercise_task(exercise))
        return self.run()
