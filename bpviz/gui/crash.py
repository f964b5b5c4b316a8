"""A bug in bpviz shows a report the user can copy, instead of killing the app.

PySide6 hands an exception raised in a slot or an event handler (on any thread, the
training worker's included) to ``sys.excepthook``. :class:`CrashReporter` takes that
hook: it writes the report to stderr as Python would, then shows it in a
:class:`CrashDialog` on the GUI thread. The app goes on running, and nothing the user
had open is touched. A hard crash (a segfault in Qt or numpy) cannot be caught this
way; ``faulthandler`` (enabled in :func:`bpviz.gui.app.run_app`) prints its stack.
"""

from __future__ import annotations

import datetime
import math
import platform
import sys
import threading
import traceback

import numpy as np
import PySide6
import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot, qVersion
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from bpviz import __version__
from bpviz.fileio import atomic_write_bytes, write_problem
from bpviz.gui.files import save_path

#: Reports kept in one dialog; later ones are counted, not shown.
MAX_REPORTS = 20


def describe_environment() -> str:
    return (f"bpviz {__version__} · Python {platform.python_version()} · numpy {np.__version__} · "
            f"PySide6 {PySide6.__version__} (Qt {qVersion()})\n{platform.platform()}")


def signature(report: str) -> str:
    """A report without its header (the time): the same bug gives the same signature."""
    return report.split("\n\n", 1)[-1]


def format_report(exc_type, exc, tb, thread_name: str | None = None) -> str:
    """The text a user sends us: when, where, what bpviz it was, and the traceback."""
    when = datetime.datetime.now().isoformat(timespec="seconds")
    thread = thread_name or threading.current_thread().name
    lines = traceback.format_exception(exc_type, exc, tb)
    return (f"{describe_environment()}\n{when} · thread {thread}\n\n" + "".join(lines)).rstrip() + "\n"


class CrashDialog(QDialog):
    """Says that bpviz hit a bug, that the work is still open, and holds the report."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("bpviz hit a bug")
        self.setObjectName("crash_dialog")
        self.reports: list[str] = []
        self.repeats = 0  # errors that repeat one in ``reports``
        self.dropped = 0  # other errors, past MAX_REPORTS
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setMinimumSize(640, 260)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy report")
        self.copy_button.setToolTip("Copy the whole report to the clipboard, to paste into a bug report")
        self.save_button = QPushButton("&Save report…")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.copy_button.clicked.connect(self.copy_report)
        self.save_button.clicked.connect(self.ask_save_report)
        self.copied = QLabel()
        self.finished.connect(self._clear)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.copied)
        layout.addWidget(buttons)
        self._update_headline()

    def add(self, report: str) -> None:
        """One more report: listed unless it repeats one listed (counted) or the list is
        full (counted apart). The text is rewritten only when the list changes, so that a
        flood of the same error leaves the user's selection and scroll alone."""
        if signature(report) in map(signature, self.reports):
            self.repeats += 1
        elif len(self.reports) >= MAX_REPORTS:
            self.dropped += 1
        else:
            self.reports.append(report)
            self._update_text()
        self._update_headline()

    def report(self) -> str:
        text = "\n\n".join(self.reports)
        if self.repeats:
            which = "the error above" if len(self.reports) == 1 else "the errors above"
            text += f"\n({which} happened {self.repeats} more time{'s' if self.repeats > 1 else ''})\n"
        if self.dropped:
            text += f"\n({self.dropped} other error{'s' if self.dropped > 1 else ''} not shown)\n"
        return text

    def _update_text(self) -> None:
        self.text.setPlainText(self.report())

    def _update_headline(self) -> None:
        n = len(self.reports) + self.repeats + self.dropped
        what = "Something went wrong inside bpviz" + (f" ({n} errors)" if n > 1 else "")
        self.headline.setText(
            f"{what}. It is a bug in bpviz, not something you did. Your work is still open: "
            "you can go on, or save it and restart. Please send us the report below "
            "(Copy report puts it on the clipboard)."
        )

    def showEvent(self, event) -> None:
        self._update_text()  # with the counts of the repeats so far
        super().showEvent(event)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report())
        self.copied.setText("The report is on the clipboard.")

    def ask_save_report(self) -> None:
        path, _ = save_path(self, "Save the report", "bpviz-report.txt", "Text (*.txt)")
        if path:
            self.save_report(path)

    def save_report(self, path: str) -> bool:
        try:
            atomic_write_bytes(path, self.report().encode())
        except OSError as exc:
            self.copied.setText(write_problem(path, exc))
            return False
        self.copied.setText(f"Saved the report to {path}.")
        return True

    def _clear(self) -> None:
        """Closed: the next error starts a new report."""
        self.reports.clear()
        self.repeats = self.dropped = 0
        self.copied.clear()


class CrashReporter(QObject):
    """Takes ``sys.excepthook`` and ``threading.excepthook`` while installed.

    The dialog is not modal, so the user can always get back to the window to save their
    work; and once closed, it opens again only for a bug not seen yet this session (an
    error in a paint event would otherwise reopen it at every repaint). Should showing
    a report fail, the reporter falls back to the previous hook for good, so that it can
    never feed itself.
    """

    reported = Signal(str)

    def __init__(self, parent_widget: QWidget | None = None):
        super().__init__()
        self.parent_widget = parent_widget
        self.dialog: CrashDialog | None = None
        self.count = 0
        self.seen: dict[str, int] = {}  # signature -> times
        self.shown: set[str] = set()  # signatures the dialog has held this session
        self.broken = False
        self._previous = None
        self._previous_threading = None
        # Queued: a report from the worker thread is shown on the GUI thread.
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> CrashReporter:
        if self._previous is None:
            self._previous, sys.excepthook = sys.excepthook, self.excepthook
            self._previous_threading, threading.excepthook = threading.excepthook, self._thread_hook
        return self

    def uninstall(self) -> None:
        if self._previous is not None:
            if sys.excepthook == self.excepthook:
                sys.excepthook = self._previous
            if threading.excepthook == self._thread_hook:
                threading.excepthook = self._previous_threading
            self._previous = self._previous_threading = None

    def excepthook(self, exc_type, exc, tb, thread_name: str | None = None) -> None:
        if issubclass(exc_type, KeyboardInterrupt) or self.broken:
            (self._previous or sys.__excepthook__)(exc_type, exc, tb)
            return
        try:
            report = format_report(exc_type, exc, tb, thread_name)
        except Exception:  # a report must never raise from inside the hook
            report = "".join(traceback.format_exception(exc_type, exc, tb))
        self.count += 1
        key = signature(report)
        times = self.seen[key] = self.seen.get(key, 0) + 1
        self.reported.emit(report)
        # The terminal gets each bug once, then a line at 10, 100, 1000... repeats.
        line = report if times == 1 else (
            f"bpviz: the error above ({exc_type.__name__}) has now happened {times} times\n"
            if math.log10(times).is_integer() else "")
        try:
            if line and sys.stderr is not None:  # None under pythonw
                sys.stderr.write(line)
        except Exception:
            pass

    def _thread_hook(self, args) -> None:
        if args.exc_type is SystemExit:  # as threading's own hook: a thread that exits
            return
        name = args.thread.name if args.thread is not None else None
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback, name)

    @Slot(str)
    def _show(self, report: str) -> None:
        if self.broken or QApplication.instance() is None:
            return
        try:
            if self.dialog is None or not shiboken6.isValid(self.dialog):
                parent = self.parent_widget
                self.dialog = CrashDialog(parent if parent is not None and shiboken6.isValid(parent) else None)
            visible = self.dialog.isVisible()
            self.dialog.add(report)
            key = signature(report)
            if not visible and key not in self.shown:
                # After the event under way, so that a dialog never opens inside a paint.
                QTimer.singleShot(0, self._open)
            self.shown.add(key)
        except Exception:
            self.broken = True
            (self._previous or sys.__excepthook__)(*sys.exc_info())

    def _open(self) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog) and not self.dialog.isVisible():
            self.dialog.show()
            self.dialog.raise_()


def install_crash_reporter(parent_widget: QWidget | None = None) -> CrashReporter:
    return CrashReporter(parent_widget).install()
