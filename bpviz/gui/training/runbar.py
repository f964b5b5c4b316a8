"""The training page's run bar: Start, Pause/Resume and Stop, the progress and the time
left, and what the page last said. It sits above the plots, so presenter mode keeps it."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QProgressBar, QPushButton, QWidget

from bpviz.gui import style
from bpviz.gui.training.text import ElidedLabel

STATUS_COLORS = {"error": style.BACKWARD, "ok": style.UPDATE, "info": style.INK}
#: Presenter mode's text and buttons, as many times the normal size (the step page's transport's factor).
BIG = 1.8
#: The longest texts the bar says often: it is as wide as they need at the scale it is drawn at
#: (the page lowers the scale until the bar fits), and a longer text ends in "…".
SAMPLES = {"eta": "10 min 00 s so far · about 10 min 00 s left",
           "status": "Run #10 stopped after 10000 of 10000 updates.",
           "results": "Final: train accuracy 100.00 % · test accuracy 100.00 %"}


class RunBar(QWidget):
    """The buttons and labels a run is driven and followed by; ``say`` sets the status line.
    Its height does not depend on what it says: the time, the status and the results have a
    line each (the status above the results), each ending in "…" when it is too long."""

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
        self.eta = ElidedLabel(sample=SAMPLES["eta"])
        self.status = ElidedLabel("Choose a preset and press Start.", sample=SAMPLES["status"])
        self._kind = "info"
        style.follow(self.status, self._on_theme)
        self.results = ElidedLabel(sample=SAMPLES["results"])
        self.big, self.scale = False, 1.0
        self._points = self.font().pointSizeF()
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(6)
        for button in (self.start_button, self.pause_button, self.stop_button):
            self.buttons.addWidget(button)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 2, 4, 2)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        grid.addLayout(self.buttons, 0, 0)
        grid.addWidget(self.progress, 0, 1)
        grid.addWidget(self.eta, 1, 0)
        grid.addWidget(self.status, 1, 1)
        grid.addWidget(self.results, 2, 1)
        grid.setColumnStretch(1, 1)
        self._apply_size()

    def say(self, kind: str, text: str, detail: str = "") -> None:
        """Show ``text`` as an "error", "ok" or "info" message; ``detail``, the longer story,
        in its tooltip (else the whole text is the tooltip)."""
        self._kind = kind
        self._on_theme()
        self.status.setText(text)
        if detail:
            self.status.setToolTip(detail)

    def set_big(self, big: bool) -> None:
        """Presenter mode: buttons and text large enough to read and hit on a projector."""
        self.big = big
        self._apply_size()

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self._apply_size()

    def text_scale(self) -> float:
        """How many times the app's text size the bar's text is drawn at."""
        return min(self.scale * (BIG if self.big else 1.0), 3.2)

    def _apply_size(self) -> None:
        font = self.font()
        font.setPointSizeF(self._points * self.text_scale())
        for widget in (self.start_button, self.pause_button, self.stop_button, self.progress,
                       self.eta, self.status, self.results):
            widget.setFont(font)
        line = self.start_button.fontMetrics().height()
        for button in (self.start_button, self.pause_button, self.stop_button):
            button.setMinimumSize(round(5 * line), round(1.7 * line))
        self.progress.setMinimumHeight(round(1.5 * line))
        # The time left has the buttons' column: as wide as its longest text, at least.
        self.layout().setColumnMinimumWidth(0, self.eta.fontMetrics().horizontalAdvance(SAMPLES["eta"]))
        self.buttons.invalidate()  # a nested layout keeps its sizes until told: the page measures now
        self.layout().invalidate()

    def wanted_width(self) -> int:
        """The width the bar needs for its buttons and its longest texts at its scale."""
        grid = self.layout()
        margins = grid.contentsMargins()
        words = self.status.fontMetrics()
        return (margins.left() + margins.right() + grid.horizontalSpacing()
                + max(self.buttons.minimumSize().width(), words.horizontalAdvance(SAMPLES["eta"]))
                + max(words.horizontalAdvance(SAMPLES["status"]), words.horizontalAdvance(SAMPLES["results"])) + 8)

    def _on_theme(self) -> None:
        self.status.setStyleSheet(f"color: {STATUS_COLORS[self._kind].name()};")
