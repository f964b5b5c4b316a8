"""Text on the training page's views: the app's font at a point or pixel size, a wrapped
label, a one-line label that elides, and the one way a probability, a time and a run's
end are written."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from bpviz.gui import style


def percent(p: float) -> str:
    """A probability as a percentage that never claims certainty it does not have:
    "<1%", "97%", ">99%" (a float output of 1.0 is a rounded guess, not a proof)."""
    if p < 0.005:
        return "<1%"
    if p >= 0.995:
        return ">99%"
    return f"{p:.0%}"


def accuracy_text(train: float | None, test: float | None) -> str:
    """"train accuracy 96.25 % · test accuracy 95.80 %", leaving out what is unknown."""
    return " · ".join(f"{name} accuracy {100 * value:.2f} %" for name, value in
                      (("train", train), ("test", test)) if value is not None)


def format_seconds(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, s = divmod(seconds, 60)
    return f"{minutes} min {s:02d} s" if minutes else f"{s} s"


def run_ending(number: int, stopped: str, message: str) -> str:
    """How run ``number`` ended ("finished", "stopped", "diverged"), said once: "Run #2
    stopped after 2190 of 3000 updates.", not "Run #2 stopped: stopped after …"."""
    message = message.rstrip(".")
    if stopped == "finished" and not message:
        return f"Run #{number} finished."
    if message.startswith(stopped):  # the message says how already
        return f"Run #{number} {message}."
    return f"Run #{number} {stopped}: {message or 'done'}."


def point_font(points: float, bold: bool = False) -> QFont:
    """The app's font at ``points``: widgets' text, large enough for a projector."""
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def pixel_font(widget: QWidget, pixels: float, bold: bool = False) -> QFont:
    """``widget``'s font at ``pixels`` (at least 1): text painted to scale with a view."""
    font = QFont(widget.font())
    font.setPixelSize(max(1, round(pixels)))
    font.setBold(bool(bold))
    return font


def label(text: str = "", points: float = 12, color: QColor = style.INK, bold: bool = False) -> QLabel:
    """A word-wrapped label in ``color`` at ``points``."""
    widget = QLabel(text)
    widget.setFont(point_font(points, bold))
    widget.setWordWrap(True)
    style.colored_text(widget, color)
    return widget


class ElidedLabel(QLabel):
    """One line of text in room of its own: a longer text ends in "…" (the tooltip and
    ``text()`` keep all of it), so a new text never wraps, grows the label or moves what is
    around it. ``sample`` is the text its preferred width is measured on."""

    def __init__(self, text: str = "", sample: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._full = ""
        self.sample = sample
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._hold_height()
        self.setText(text)

    def text(self) -> str:
        """The whole text, not the part shown."""
        return self._full

    def shown_text(self) -> str:
        """What the label shows: the text, or its start and "…"."""
        return super().text()

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self.sample) + 4, self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.height())

    def _hold_height(self) -> None:
        self.setFixedHeight(self.fontMetrics().height() + 2)

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self._full if width <= 0 else self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        super().setText(shown)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._hold_height()
            self._elide()
            self.updateGeometry()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()
