"""The Qt binding keeps Python's reference counts straight while painting.

PySide6 6.12.0 loses a reference to None on every QPainter.setPen/setFont/drawLine call;
on Python 3.11 (where None is not immortal) the app then aborts after enough frames.
pyproject.toml excludes that release; this test fails if such a binding is installed.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QLineF, QPointF
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen


def test_painting_does_not_eat_references_to_none(qapp):
    image = QImage(20, 20, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    before = sys.getrefcount(None)
    for _ in range(500):
        painter.setPen(QPen(QColor("red")))
        painter.setFont(QFont("DejaVu Sans"))
        painter.drawLine(QLineF(0, 0, 5, 5))
        painter.drawText(QPointF(1, 10), "a")
    after = sys.getrefcount(None)
    painter.end()
    assert after - before > -50, f"None lost {before - after} references in 2000 QPainter calls"
