"""The training page's run bar: Start, Pause/Resume and Stop, the progress and the time
left, and what the page last said. It sits above the plots, so presenter mode keeps it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from bpviz.gui import style

STATUS_COLORS = {"error": style.BACKWARD, "ok": style.UPDATE, "info": style.INK}
#: Presenter mode's text and buttons, as many times the normal size (the step page's transport's factor).
BIG = 1.8


class RunBar(QWidget):
    """The buttons and labels a run is driven and followed by; ``say`` sets the status line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.start_button = QPushButton("Start")
        self.start_button.setToolTip("Train with these settings (Ctrl+Return). A run going is stopped first.")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip("Pause or resume the run (Ctrl+P)")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop after the update under way (Ctrl+.); the model so far is kept")
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m updates")
        self.eta = QLabel()
        self.status = QLabel("Choose a preset and press Start.")
        self.status.setWordWrap(True)
        self._kind = "info"
        style.follow(self.status, self._on_theme)
        self.results = QLabel()
        self.results.setWordWrap(True)
        self.results.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.big, self.scale = False, 1.0
        self._points = self.font().pointSizeF()
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        for button in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 2, 4, 2)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        grid.addLayout(buttons, 0, 0)
        grid.addWidget(self.progress, 0, 1, 1, 2)
        grid.addWidget(self.eta, 1, 0)
        grid.addWidget(self.status, 1, 1)
        grid.addWidget(self.results, 1, 2)
        grid.setColumnStretch(1, 1)
        self._apply_size()

    def say(self, kind: str, text: str) -> None:
        """Show ``text`` as an "error", "ok" or "info" message."""
        self._kind = kind
        self._on_theme()
        self.status.setText(text)

    def set_big(self, big: bool) -> None:
        """Presenter mode: buttons and text large enough to read and hit on a projector."""
        self.big = big
        self._apply_size()

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self._apply_size()

    def _apply_size(self) -> None:
        s = min(self.scale * (BIG if self.big else 1.0), 3.2)
        font = self.font()
        font.setPointSizeF(self._points * s)
        for widget in (self.start_button, self.pause_button, self.stop_button, self.progress,
                       self.eta, self.status, self.results):
            widget.setFont(font)
        line = self.start_button.fontMetrics().height()
        for button in (self.start_button, self.pause_button, self.stop_button):
            button.setMinimumSize(round(6 * line), round(1.7 * line))
        self.progress.setMinimumHeight(round(1.5 * line))

    def _on_theme(self) -> None:
        self.status.setStyleSheet(f"color: {STATUS_COLORS[self._kind].name()};")
