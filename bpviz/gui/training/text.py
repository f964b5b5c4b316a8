"""Text on the training page's views: the app's font at a point or pixel size, a wrapped
label, and the one way a probability, a time and a run's end are written."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QLabel, QWidget

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
