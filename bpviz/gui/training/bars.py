"""The drawing panel's probability bars: one row per class, its name, a bar as long as its
probability and the percentage."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from bpviz.gui import style
from bpviz.gui.training.text import percent, point_font


class ProbabilityBars(QWidget):
    """One row per class: its name, a bar as long as its probability, and the percentage.

    In a narrow panel more than five rows fill two columns (0-4 beside 5-9)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._names: tuple[str, ...] = ()
        self._probabilities: np.ndarray | None = None
        self._narrow = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, names: tuple[str, ...], probabilities: np.ndarray | None) -> None:
        """Show ``names``; with ``probabilities`` None the bars are empty."""
        self._names, self._probabilities = tuple(names), probabilities
        self.updateGeometry()
        self.update()

    def set_narrow(self, narrow: bool) -> None:
        self._narrow = narrow
        self.updateGeometry()
        self.update()

    def _columns(self, narrow: bool) -> int:
        return 2 if narrow and len(self._names) > 5 else 1

    def _row_height(self) -> float:
        return 40.0 if len(self._names) <= 3 else 28.0

    def sizeHint(self) -> QSize:
        return QSize(320, self.height_when(self._narrow))

    def height_when(self, narrow: bool) -> int:
        """The height the rows need, in one column or, when narrow, maybe two."""
        return int(self._row_height() * -(-len(self._names) // self._columns(narrow))) + 4

    def minimumSizeHint(self) -> QSize:
        return QSize(220, self.sizeHint().height())

    def paintEvent(self, event) -> None:
        if not self._names:
            return
        painter = QPainter(self)
        row = self._row_height()
        painter.setFont(point_font(15 if row > 30 else 12.5, bold=True))
        metrics = painter.fontMetrics()
        name_w = max(metrics.horizontalAdvance(n) for n in self._names) + 12
        value_w = metrics.horizontalAdvance(">99%") + 10
        columns = self._columns(self._narrow)
        column_w = (self.width() - 16 * (columns - 1)) / columns
        track_w = max(column_w - name_w - value_w, 20)
        top_index = None if self._probabilities is None else int(np.argmax(self._probabilities))
        rows = -(-len(self._names) // columns)
        for i, name in enumerate(self._names):
            x, y = (i // rows) * (column_w + 16), (i % rows) * row + 2
            text = style.INK if i == top_index else style.MUTED
            painter.setPen(text)
            painter.drawText(QRectF(x, y, name_w - 8, row), Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter, name)
            track = QRectF(x + name_w, y + row * 0.18, track_w, row * 0.64)
            painter.setPen(QPen(style.LABEL_BORDER, 1))
            painter.setBrush(style.SURFACE)
            painter.drawRect(track)
            if self._probabilities is not None:
                p = float(self._probabilities[i])
                bar = style.FORWARD if i == top_index else style.MUTED
                painter.fillRect(QRectF(track.x(), track.y(), track_w * p, track.height()), bar)
                painter.setPen(text)
                painter.drawText(QRectF(track.right() + 6, y, value_w, row),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 percent(p))
        painter.end()
