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
import platform
import sys
import threading
import traceback

import numpy as np
import PySide6
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot, qVersion
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QFileDialog, QLabel, QPlainTextEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from bpviz import __version__
from bpviz.fileio import atomic_write_bytes, write_problem

#: Reports kept in one dialog; later ones are counted, not shown.
MAX_REPORTS = 20


def describe_environment() -> str:
    return (f"bpviz {__version__} · Python {platform.python_version()} · numpy {np.__version__} · "
            f"PySide6 {PySide6.__version__} (Qt {qVersion()})\n{platform.platform()}")


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
        self.repeats = 0
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
        self._update_text()

    def add(self, report: str) -> None:
        """One more report: shown unless it repeats one already here or the list is full."""
        body = report.split("\n\n", 1)[-1]  # the traceback, without the time stamp
        if any(r.split("\n\n", 1)[-1] == body for r in self.reports) or len(self.reports) >= MAX_REPORTS:
            self.repeats += 1
        else:
            self.reports.append(report)
        self._update_text()

    def report(self) -> str:
        text = "\n\n".join(self.reports)
        if self.repeats:
            text += f"\n(and {self.repeats} more error{'s' if self.repeats > 1 else ''} of the same kind)\n"
        return text

    def _update_text(self) -> None:
        n = len(self.reports) + self.repeats
        what = "Something went wrong inside bpviz" + (f" ({n} errors)" if n > 1 else "")
        self.headline.setText(
            f"{what}. It is a bug in bpviz, not something you did. Your work is still open: "
            "you can go on, or save it and restart. Please send us the report below "
            "(Copy report puts it on the clipboard)."
        )
        self.text.setPlainText(self.report())

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report())
        self.copied.setText("The report is on the clipboard.")

    def ask_save_report(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the report", "bpviz-report.txt", "Text (*.txt)")
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
        self.repeats = 0
        self.copied.clear()


class CrashReporter(QObject):
    """Takes ``sys.excepthook`` and ``threading.excepthook`` while installed."""

    reported = Signal(str)

    def __init__(self, parent_widget: QWidget | None = None):
        super().__init__()
        self.parent_widget = parent_widget
        self.dialog: CrashDialog | None = None
        self.count = 0
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
        if issubclass(exc_type, KeyboardInterrupt):
            (self._previous or sys.__excepthook__)(exc_type, exc, tb)
            return
        try:
            report = format_report(exc_type, exc, tb, thread_name)
        except Exception:  # a report must never raise from inside the hook
            report = "".join(traceback.format_exception(exc_type, exc, tb))
        if sys.stderr is not None:  # None under pythonw
            sys.stderr.write(report)
        self.count += 1
        self.reported.emit(report)

    def _thread_hook(self, args) -> None:
        name = args.thread.name if args.thread is not None else None
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback, name)

    @Slot(str)
    def _show(self, report: str) -> None:
        if QApplication.instance() is None:
            return
        if self.dialog is None:
            self.dialog = CrashDialog(self.parent_widget)
        self.dialog.add(report)
        if not self.dialog.isVisible():
            # After the event under way, so that a dialog never opens inside a paint.
            QTimer.singleShot(0, self.dialog.open)


def install_crash_reporter(parent_widget: QWidget | None = None) -> CrashReporter:
    return CrashReporter(parent_widget).install()
