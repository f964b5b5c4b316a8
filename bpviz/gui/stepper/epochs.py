"""Run epochs without freezing the window: the session's EpochRun, a slice of updates per
turn of the event loop, with a progress dialog (Stop ends it after the update under way)
once it takes longer than half a second. A short run ends before ``start`` returns."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from bpviz.gui.stepper.session import EpochRun, ToySession

#: Updates run for this long, then the window gets a turn (keys, paints, Stop).
SLICE_SECONDS = 0.03
#: The progress dialog shows once a run has lasted this long.
SHOW_AFTER_MS = 500


class EpochRunner(QObject):
    finished = Signal(str)  # what to tell the user: "" when all went well

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.run: EpochRun | None = None
        self.progress: QProgressDialog | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._slice)

    def busy(self) -> bool:
        return self.run is not None

    def start(self, session: ToySession, n: int) -> None:
        self.run = EpochRun(session, n)
        self._updates = iter(self.run)
        self._began = time.perf_counter()
        self._slice()

    def stop(self) -> None:
        if self.run is not None:
            self.run.stop()

    def _slice(self) -> None:
        run = self.run
        end = time.perf_counter() + SLICE_SECONDS
        for _ in self._updates:
            if time.perf_counter() > end:
                break
        else:
            self._finish()
            return
        if self.progress is None and (time.perf_counter() - self._began) * 1000 >= SHOW_AFTER_MS:
            self._show_progress()
        if self.progress is not None:
            self.progress.setValue(run.epochs_done)
        self._timer.start(0)

    def _show_progress(self) -> None:
        run = self.run
        dialog = QProgressDialog(f"Running {run.n} epochs on {run.session.m} rows…", "Stop", 0, run.n,
                                 self.parent())
        dialog.setWindowTitle("Run epochs")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(run.stop)
        dialog.show()
        self.progress = dialog

    def _finish(self) -> None:
        run, self.run = self.run, None
        if self.progress is not None:
            self.progress.canceled.disconnect()
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        message = run.message
        if not message and run.stopped:
            message = f"Run epochs stopped after {run.epochs_done} of {run.n} epochs, as asked."
        self.finished.emit(message)
