"""The confusion matrix of true against predicted class, painted: cells shaded by their
share of the row, with train and test accuracy above."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QWidget

from bpviz.errors import DataError
from bpviz.gui import style
from bpviz.gui.training.text import accuracy_text, pixel_font

NO_MATRIX = "The confusion matrix appears when a run ends."


def _blend(color: QColor, amount: float, base: QColor) -> QColor:
    """``color`` laid over ``base`` with opacity ``amount`` (0-1), as an opaque colour."""
    mix = lambda c, b: round(b + (c - b) * amount)  # noqa: E731
    return QColor(mix(color.red(), base.red()), mix(color.green(), base.green()), mix(color.blue(), base.blue()))


def _luminance(color: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


#: The cells' ink: whichever of the two reads better on the cell (the cells are shaded in
#: both themes, so the theme's ink alone can vanish on a pale one).
LIGHT_INK, DARK_INK = QColor("#ffffff"), QColor(style.THEMES["light"]["INK"])


def ink_on(fill: QColor, quiet: bool = False) -> QColor:
    """The text colour for a cell of ``fill``: the theme's muted grey for a quiet (empty)
    cell where it reads at 4.5:1, else white or near-black, whichever contrasts more."""
    if quiet and contrast(style.MUTED, fill) >= 4.5:
        return style.MUTED
    return max((LIGHT_INK, DARK_INK), key=lambda ink: contrast(ink, fill))


class _Geometry(NamedTuple):
    label: float  # the axis labels' pixel size
    left: float  # the grid's left edge
    top: float
    cell: float  # a cell's side
    title_x: float  # the left edge of the band for "true" and the row names


class ConfusionMatrix(QWidget):
    """Counts of true class (rows) against predicted class (columns), shaded by row."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.counts: np.ndarray | None = None
        self.class_names: tuple[str, ...] = ()
        self.train_accuracy: float | None = None
        self.test_accuracy: float | None = None

    def set_matrix(self, counts: np.ndarray, class_names: tuple[str, ...],
                   train_accuracy: float | None, test_accuracy: float | None) -> None:
        counts = np.asarray(counts)
        n = len(class_names)
        if counts.shape != (n, n):
            raise DataError(f"counts: expected shape ({n}, {n}) for {n} class names, got {counts.shape}")
        self.counts, self.class_names = counts.astype(np.int64), tuple(map(str, class_names))
        self.train_accuracy, self.test_accuracy = train_accuracy, test_accuracy
        self.update()

    def clear(self) -> None:
        self.counts, self.class_names = None, ()
        self.train_accuracy = self.test_accuracy = None
        self.update()

    @property
    def accuracy_text(self) -> str:
        return accuracy_text(self.train_accuracy, self.test_accuracy)

    def sizeHint(self) -> QSize:
        return QSize(560, 540)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 240)

    def _geometry(self) -> _Geometry:
        """Where everything goes at the current size: it all scales with the widget."""
        n = max(1, len(self.class_names))
        width, height = self.width() - 16, self.height() - 16
        label = max(12.0, min(24.0, min(width, height) / 22))
        for _ in range(2):  # the labels' size depends on the cells', and back
            names = QFontMetrics(pixel_font(self, label)).horizontalAdvance(max(self.class_names, key=len))
            band_left = 2.2 * label + names
            band_top = (2.2 * label if self.accuracy_text else 0) + 3.2 * label
            cell = max(4.0, min((width - band_left) / n, (height - band_top) / n))
            label = max(12.0, min(24.0, cell * 0.4, min(width, height) / 18))
        left = 8 + band_left + (width - band_left - n * cell) / 2
        top = 8 + band_top + (height - band_top - n * cell) / 2
        return _Geometry(label, left, top, cell, left - band_left)

    def _fitted(self, text: str, pixels: float, width: float, bold: bool = False) -> QFont:
        """The font of ``pixels`` size, made smaller until ``text`` fits in ``width``."""
        font = pixel_font(self, pixels, bold)
        while pixels > 8 and QFontMetrics(font).horizontalAdvance(text) > width:
            pixels *= 0.92
            font = pixel_font(self, pixels, bold)
        return font

    def cell_rect(self, row: int, column: int, at: _Geometry | None = None) -> QRectF:
        at = at or self._geometry()
        return QRectF(at.left + column * at.cell, at.top + row * at.cell, at.cell, at.cell)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), style.BACKGROUND)
        if self.counts is None:
            painter.setPen(style.MUTED)
            painter.setFont(pixel_font(self, 17))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, NO_MATRIX)
            return
        at = self._geometry()
        label, left, top, cell = at.label, at.left, at.top, at.cell
        n = len(self.class_names)
        self._paint_cells(painter, at)
        painter.setPen(style.INK)
        painter.setFont(pixel_font(self, label))
        for k, name in enumerate(self.class_names):
            painter.drawText(QRectF(left + k * cell, top - 1.5 * label, cell, 1.4 * label),
                             Qt.AlignmentFlag.AlignCenter, name)
            painter.drawText(QRectF(0, top + k * cell, left - 0.6 * label, cell),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
        painter.setFont(pixel_font(self, label, bold=True))
        painter.drawText(QRectF(left, top - 3.2 * label, n * cell, 1.6 * label),
                         Qt.AlignmentFlag.AlignCenter, "predicted")
        painter.save()
        painter.translate(at.title_x + 0.8 * label, top + n * cell / 2)
        painter.rotate(-90)
        painter.drawText(QRectF(-n * cell / 2, -0.8 * label, n * cell, 1.6 * label),
                         Qt.AlignmentFlag.AlignCenter, "true")
        painter.restore()
        if self.accuracy_text:
            painter.setFont(self._fitted(self.accuracy_text, 1.1 * label, self.width() - 16))
            painter.drawText(QRectF(8, top - 5.4 * label, self.width() - 16, 1.8 * label),
                             Qt.AlignmentFlag.AlignCenter, self.accuracy_text)

    def _paint_cells(self, painter: QPainter, at: _Geometry) -> None:
        """Diagonal cells green, errors orange, each by its share of the row (the true class):
        a right answer is full green when its whole row is right, an error full orange when
        half the row went to it; square roots so that small shares still show."""
        cell, totals = at.cell, self.counts.sum(axis=1)
        digits = len(str(int(self.counts.max())))
        size = min(cell * 0.36, cell * 0.8 / (0.62 * max(digits, 2)), 64.0)
        for (row, column), count in np.ndenumerate(self.counts):
            count = int(count)
            fraction = count / totals[row] if totals[row] else 0.0
            share = fraction if row == column else min(1.0, 2 * fraction)
            amount = 0.0 if count == 0 else 0.08 + 0.92 * math.sqrt(share)
            rect = self.cell_rect(row, column, at)
            fill = _blend(style.UPDATE if row == column else style.WARNING, amount, style.SURFACE)
            painter.fillRect(rect, fill)
            painter.setPen(QPen(style.LABEL_BORDER, 1))
            painter.drawRect(rect)
            painter.setPen(ink_on(fill, quiet=count == 0))
            painter.setFont(pixel_font(self, size, bold=count > 0))
            if cell < 110 or count == 0:
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
                continue
            painter.drawText(rect.adjusted(0, 0, 0, -0.7 * size), Qt.AlignmentFlag.AlignCenter, str(count))
            share_text = f"{100 * fraction:.1f} % of row"
            painter.setFont(self._fitted(share_text, 0.42 * size, 0.86 * cell))
            painter.drawText(rect.adjusted(0, 1.2 * size, 0, 0), Qt.AlignmentFlag.AlignCenter, share_text)
