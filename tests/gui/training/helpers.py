"""Small helpers of the training views' tests: show a widget, compare colours."""

from __future__ import annotations

from PySide6.QtGui import QColor


def show(qtbot, widget, width=900, height=700):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def near(color: QColor, expected: QColor, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(color.getRgb()[:3], expected.getRgb()[:3]))
