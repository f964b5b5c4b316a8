"""The "Your code" tab: the user's file with its wrong lines marked, the list of what the
check found, and the run's controls (Run it, Cancel, the time limit and the rows budget)."""

from __future__ import annotations

import html
import io
import os
import time
import tokenize
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from bpviz.fileio import UnreadableFile, read_limited
from bpviz.gui import style
from bpviz.gui.stepper.code_view import FAILURE, FINDING, CodeView, Mark
from bpviz.nn.handwritten import MAX_SOURCE_BYTES

RUNS_USER_CODE = ("Run executes the Python code in this file in a separate process, with your permissions. "
                  "Open only files you trust.")
#: The time limit's field, in seconds.
TIME_LIMIT, TIME_LIMITS = 10, (1, 3600)  # as bpviz gradcheck --timeout takes
#: A line of code in the list is cut here (the code panel above shows it whole).
CODE_SHOWN = 48


def rich(text: str) -> str:
    """``text`` safe in a rich-text label or tooltip (quotes left as they read)."""
    return html.escape(str(text), quote=False)


def rows_text(rows) -> str:
    """Rows (0-based) as people count them: "rows 1–4", "rows 1, 3", "row 2"."""
    shown = sorted({r + 1 for r in rows})
    runs: list[list[int]] = []
    for r in shown:
        if runs and r == runs[-1][-1] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    parts = [f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs]
    return ("row " if len(shown) == 1 else "rows ") + ", ".join(parts)


def short(code: str, width: int = CODE_SHOWN) -> str:
    return code if len(code) <= width else code[:width - 1].rstrip() + "…"


def causes_text(cause) -> str:
    """The kinds of mistake a line made: "stale read", "stale read and swapped index"."""
    return " and ".join(cause.kinds)


def where_text(finding) -> str:
    """On which rows a finding shows (and, where its causes differ, each cause's)."""
    parts = [rows_text(finding.rows)] if finding.rows else []
    if finding.batch:
        parts.append("all rows at once")
    text = " and ".join(parts)
    partial = [(kind, rows) for kind, rows in finding.cause_rows if rows and set(rows) != set(finding.rows)]
    if partial:
        text += " (" + "; ".join(f"{kind}: {rows_text(rows)}" for kind, rows in partial) + ")"
    return text


def finding_text(finding) -> str:
    """One line of the list: "line 31: b2[0][0] = … — wrong operand, rows 1–4" (the chosen one's
    whole diagnosis shows below the list, and any one's as its tooltip)."""
    where = where_text(finding)
    named = finding.wrong[0].name if len(finding.wrong) == 1 else finding.quantity  # as the code writes it
    what = f"{named} = …" if named else short(finding.code)
    return f"line {finding.line}: {what} — {causes_text(finding.cause)}" + (f", {where}" if where else "")


def finding_tip(findings) -> str:
    """A flagged line's tooltip: its causes, the values it wrote wrong, its rows."""
    parts = []
    for f in findings:
        wrong = "".join(f"<br>{rich(w.name)} is {w.written:.6g}, backprop gives {w.expected:.6g}" for w in f.wrong[:4])
        more = f"<br>… and {len(f.wrong) - 4} more" if len(f.wrong) > 4 else ""
        where = where_text(f)
        parts.append(f"<b>line {f.line}: {rich(causes_text(f.cause))}</b><br>{rich(f.cause.text)}{wrong}{more}"
                     + (f"<br>Shows on {rich(where)}." if where else ""))
    return "<br><br>".join(parts)


def read_source(path: Path) -> str:
    """The file's text to show (as Python decodes it; what cannot be decoded shows as �).
    The run reads it itself and says what is wrong with it."""
    data = read_limited(path, MAX_SOURCE_BYTES, "a Python file (.py)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    return data.decode(encoding, errors="replace")


def clock(mtime: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(mtime))


class CodePanel(QWidget):
    openRequested = Signal()
    runRequested = Signal()
    cancelRequested = Signal()
    #: A finding chosen in the list or on its line in the code (None: a line with none).
    findingChosen = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.user_file: Path | None = None
        self.report = None
        self.findings: tuple = ()
        self.ran_mtime: float | None = None  # the file's modification time when it last ran
        self.running = False
        self.file_label = QLabel("No file opened: Debug > Open your update or gradients…")
        self.file_label.setWordWrap(True)
        self.open_button = QPushButton("Open…")
        self.open_button.setToolTip("A Python file defining update(params, x, y, lr), gradients(params, X, Y) or backward(params, X, Y)")
        self.run_button = QPushButton("Run it")
        self.run_button.setToolTip("Read the file again and check it against backprop on every row (Ctrl+R)")
        self.run_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the run (Esc)")
        self.cancel_button.setEnabled(False)
        self.time_limit = QSpinBox()
        self.time_limit.setRange(*TIME_LIMITS)
        self.time_limit.setValue(TIME_LIMIT)
        self.time_limit.setSuffix(" s")
        self.time_limit.setToolTip("A run that takes longer is stopped, and the line it was on is shown")
        self.rows = QSpinBox()
        self.rows.setRange(1, 1)
        self.rows.setToolTip("How many rows of the table the check calls your code on (each is one call)")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.task = QLabel()
        self.task.setWordWrap(True)
        self.task.hide()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        style.colored_text(self.error, style.BACKWARD)
        self.error.hide()
        self.view = CodeView()
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.detail = QLabel()  # the chosen finding's diagnosis, for a room that cannot hover
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.hide()
        self.warning = QLabel(RUNS_USER_CODE)
        self.warning.setWordWrap(True)
        style.colored_text(self.warning, style.MUTED)
        self.watcher = QFileSystemWatcher(self)
        self._build()
        self._wire()
        self._fit_buttons()

    def _build(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.open_button, self.run_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        limits = QHBoxLayout()
        for text, field in (("Time limit", self.time_limit), ("Rows", self.rows)):
            label = QLabel(text)
            label.setBuddy(field)
            limits.addWidget(label)
            limits.addWidget(field)
            limits.addSpacing(6)
        limits.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.list)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.file_label)
        layout.addLayout(buttons)
        layout.addLayout(limits)
        layout.addWidget(self.task)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        layout.addWidget(self.detail)  # below the splitter: always as tall as its words
        layout.addWidget(self.warning)

    def _fit_buttons(self) -> None:
        """Buttons as narrow as their words (not Fusion's 80 px): the column can narrow to
        the steps list's width."""
        for button in (self.open_button, self.run_button, self.cancel_button):
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(button.text()) + 24)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # the UI scale
            self._fit_buttons()

    def _wire(self) -> None:
        self.open_button.clicked.connect(self.openRequested)
        self.run_button.clicked.connect(self.runRequested)
        self.cancel_button.clicked.connect(self.cancelRequested)
        self.escape = QShortcut(QKeySequence("Esc"), self)
        self.escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.escape.activated.connect(self._on_escape)
        self.list.currentRowChanged.connect(self._on_list_row)
        self.list.itemClicked.connect(lambda item: self._choose(self.list.row(item)))
        self.view.lineClicked.connect(self._on_line_clicked)
        self.watcher.fileChanged.connect(self._on_file_changed)

    # --- input ----------------------------------------------------------------------
    def set_user_file(self, path, task: str = "") -> None:
        """Show the file (not run yet) and, for an exercise, its task."""
        if self.user_file is not None and self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        self.user_file = Path(path)
        self.ran_mtime = None
        self.run_button.setEnabled(True)
        self.task.setText(task)
        self.task.setVisible(bool(task))
        self._show_findings(None)
        self.error.hide()
        self._say("Press Run it (Ctrl+R) to check it against backprop on the table's rows.")
        problem = self._load_text()
        if problem:
            self.show_error(problem)
        self.watcher.addPath(str(self.user_file))

    def _load_text(self) -> str:
        """Show the file's text as it is on disk; "" or why it cannot be read."""
        try:
            self.view.set_source(read_source(self.user_file))
        except UnreadableFile as exc:
            self.view.set_source("")
            return f"{self.user_file}: {exc}"
        finally:
            self._show_file()
        return ""

    def set_row_count(self, m: int) -> None:
        """The table's rows: the budget's most (a budget at all rows stays at all rows)."""
        everything = self.rows.value() == self.rows.maximum()
        self.rows.setRange(1, max(1, m))
        if everything:
            self.rows.setValue(self.rows.maximum())

    def start_run(self) -> None:
        """A run starts: the file as it is now on disk, no marks yet."""
        self.running = True
        self.cancel_button.setEnabled(True)
        self.error.hide()
        self._show_findings(None)
        self._load_text()
        try:
            self.ran_mtime = os.stat(self.user_file).st_mtime
        except OSError:
            self.ran_mtime = None
        self._show_file()
        self.set_running(0, 0.0)

    def set_running(self, line: int, elapsed: float) -> None:
        """A run under way, on ``line`` for ``elapsed`` seconds."""
        where = f"running line {line}" if line else "starting"
        self.view.set_running_line(line)
        self._say(f"<b>{rich(self.user_file.name)}</b>: {where}, {elapsed:.1f} s "
                            f"(Cancel or Esc stops it)")

    def set_stopped(self, note: str) -> None:
        """The run ended without a report (cancelled): ``note`` says why."""
        self._end_run()
        self._say(note)

    def set_report(self, report, note: str) -> None:
        """The check's findings: marked in the code, listed below; ``note`` says where they show."""
        self._end_run()
        self.report = report
        self.ran_mtime = report.mtime
        self.error.hide()
        self.view.set_source(report.source)
        self._show_findings(report)
        self._say(note)
        self._show_file()

    def set_stale(self, note: str) -> None:
        """The state changed since the run: the marks stay (they are about the code), the note says so."""
        self._say(note)

    def show_error(self, message: str, line: int | None = None) -> None:
        """A run that failed: its message, and its line marked when known."""
        self._end_run()
        self._show_findings(None)
        self.error.setText(message)
        self.error.show()
        self._say("")
        if line:
            self.view.set_marks({line: Mark(FAILURE, rich(message))})
            self.view.select_line(line)

    def show_refusal(self, message: str) -> None:
        """A file that was not opened: why, under the file still shown (nothing else changes)."""
        self.error.setText(message)
        self.error.show()

    def select_finding(self, finding) -> None:
        """Select ``finding`` in the list and its line in the code, without emitting findingChosen."""
        index = self.findings.index(finding) if finding in self.findings else -1
        self.list.blockSignals(True)
        self.list.setCurrentRow(index)
        self.list.blockSignals(False)
        self._show_detail(finding if index >= 0 else None)
        if finding is not None:
            self.view.select_line(finding.line, center=True)

    def _say(self, text: str) -> None:
        """The line under the controls: the run's progress or outcome (hidden when there is none)."""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _end_run(self) -> None:
        self.running = False
        self.view.set_running_line(0)
        self.cancel_button.setEnabled(False)

    def _show_findings(self, report) -> None:
        self.report = report
        self.findings = tuple(report.findings) if report is not None else ()
        self.list.blockSignals(True)
        self.list.clear()
        for finding in self.findings:
            item = QListWidgetItem(f"✗ {finding_text(finding)}")
            item.setToolTip(finding_tip([finding]))
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.list.setVisible(bool(self.findings))
        self._show_detail(None)
        lines = sorted({f.line for f in self.findings})
        self.view.set_marks({line: Mark(FINDING, finding_tip([f for f in self.findings if f.line == line]))
                             for line in lines})

    def _show_file(self) -> None:
        """The file's name, when it was last modified, and whether that was since the run."""
        path = self.user_file
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            self.file_label.setText(f"<b>{rich(path.name)}</b>: no longer there")
            return
        text = f"<b>{rich(path.name)}</b> · modified {clock(mtime)}"
        if self.ran_mtime is not None and mtime != self.ran_mtime:
            text += (f" · <b style='color:{style.legible(style.WARNING).name()}'>changed since the last run</b>: "
                     f"Ctrl+R reloads and runs it")
        self.file_label.setText(text)
        self.file_label.setToolTip(str(path))

    # --- slots ----------------------------------------------------------------------
    def _on_file_changed(self, path: str) -> None:
        if self.user_file is not None and os.path.exists(path) and path not in self.watcher.files():
            self.watcher.addPath(path)  # an editor that saves by renaming ends the watch
        self._show_file()

    def _on_escape(self) -> None:
        if self.running:
            self.cancelRequested.emit()

    def _on_list_row(self, row: int) -> None:
        if row >= 0:
            self._choose(row)

    def _show_detail(self, finding) -> None:
        self.detail.setText(finding_tip([finding]) if finding is not None else "")
        self.detail.setVisible(finding is not None)

    def _choose(self, row: int, center: bool = True) -> None:
        finding = self.findings[row]
        self._show_detail(finding)
        self.view.select_line(finding.line, center)
        self.findingChosen.emit(finding)

    def _on_line_clicked(self, line: int) -> None:
        row = next((i for i, f in enumerate(self.findings) if f.line == line), -1)
        self.list.blockSignals(True)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        if row >= 0:
            self._choose(row, center=False)  # where it was clicked: the code stays put
        else:
            self._show_detail(None)
            self.findingChosen.emit(None)
