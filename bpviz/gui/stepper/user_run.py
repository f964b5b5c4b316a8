"""A check of the user's file running apart (bpviz.usercode), followed from a timer: the
window never waits on it. Emits where it is, then its report or why it failed."""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, QTimer, Signal

from bpviz.errors import BpvizError
from bpviz.usercode.check import start_check
from bpviz.usercode.sandbox import Limits

#: How often the job is asked whether it is done (and the line it runs shown), in ms.
POLL_MS = 100


def _line_named(message: str) -> int:
    """The line a failure's message names ("mine.py, line 3: KeyError ..."), or 0."""
    found = re.search(r"\.py, line (\d+)", message)
    return int(found.group(1)) if found else 0


class CheckRunner(QObject):
    progressed = Signal(int, float)  # the line it runs, the seconds since it started
    finished = Signal(object)        # a bpviz.usercode.report.Report
    failed = Signal(str, int)        # the message (naming the file and line), the line or 0

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.job = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._on_poll)

    def busy(self) -> bool:
        return self.job is not None

    def start(self, path, net, X, Y, lr: float, budget: int, timeout: float, threshold: float) -> None:
        """Start checking ``path`` (a job already running is stopped first); returns at once.
        The job reads the file and copies the state now: later changes do not reach it."""
        self.cancel()
        try:
            self.job = start_check(path, net, X, Y, lr, budget=budget, limits=Limits(timeout=timeout),
                                   threshold=threshold)
        except BpvizError as exc:
            self.failed.emit(str(exc), int(getattr(exc, "line", 0) or 0))
            return
        self.progressed.emit(0, 0.0)
        self.timer.start()

    def cancel(self) -> bool:
        """Stop the job under way; False when none was."""
        job, self.job = self.job, None
        self.timer.stop()
        if job is None:
            return False
        job.cancel()
        return True

    def _on_poll(self) -> None:
        job = self.job
        if job is None:
            self.timer.stop()
            return
        if not job.done():
            self.progressed.emit(int(job.line or 0), float(job.elapsed))
            return
        self.job = None
        self.timer.stop()
        try:
            report = job.report()
        except BpvizError as exc:
            line = getattr(exc, "line", None) or _line_named(str(exc)) or job.line or 0  # or where it stopped
            self.failed.emit(str(exc), int(line))
            return
        self.finished.emit(report)
