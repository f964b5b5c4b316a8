"""Test digits captioned with the model's guess and its probability, wrong guesses framed
in orange with the true class, and an Only mistakes filter."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from bpviz.errors import DataError
from bpviz.gui import style
from bpviz.gui.training.text import label, percent, pixel_font, point_font

PIXELS = 28
NO_PREDICTIONS = "Test digits and the model's guesses appear when a run ends."


class _Thumbnails(QWidget):
    """The gallery's grid, painted: crisp digits at a whole-number scale, captions below."""

    PAD, CAPTION_PX = 6, 17
    MIN_COLUMNS = 5

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tiles: list[tuple[int, QImage, str, str]] = []  # index, digit, caption, mistake
        self.message = NO_PREDICTIONS
        self.visible_height = 0  # the scroll area's, set by the gallery
        self.setMinimumSize(240, 160)

    def set_tiles(self, tiles, message: str = "") -> None:
        self.tiles, self.message = list(tiles), message
        self.fit_height()
        self.update()

    def _grid(self) -> tuple[int, int, int, int]:
        """(scale, columns, tile width, tile height): the largest whole scale that fits the
        visible height, or else that still gives MIN_COLUMNS columns (the gallery scrolls)."""
        metrics = QFontMetrics(pixel_font(self, self.CAPTION_PX, bold=True))
        caption_w = max((metrics.horizontalAdvance(t) for _, _, *texts in self.tiles for t in texts),
                        default=0)
        line = round(self.CAPTION_PX * 1.25)
        n = max(1, len(self.tiles))
        visible = self.visible_height or self.height()
        for scale in range(6, 0, -1):
            width = max(PIXELS * scale + 2 * self.PAD, caption_w + self.PAD)
            height = PIXELS * scale + 2 * line + 2 * self.PAD
            columns = max(1, self.width() // width)
            if math.ceil(n / columns) * height <= visible or columns >= self.MIN_COLUMNS or scale == 1:
                return scale, columns, width, height
        raise AssertionError("unreachable")

    def fit_height(self) -> None:
        """As tall as the rows need (the scroll area around it scrolls), at least the view."""
        _, columns, _, height = self._grid()
        rows = math.ceil(len(self.tiles) / columns) if self.tiles else 0
        self.setMinimumHeight(max(160, rows * height))

    def tile_rects(self) -> list[tuple[int, QRect]]:
        """(index into the arrays given, the digit's frame) for every tile shown."""
        scale, columns, width, height = self._grid()
        left = max(0, (self.width() - columns * width) // 2)
        side = PIXELS * scale
        return [(index, QRect(left + (k % columns) * width + (width - side) // 2,
                              (k // columns) * height + self.PAD, side, side))
                for k, (index, *_) in enumerate(self.tiles)]

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), style.BACKGROUND)
        if not self.tiles:
            painter.setPen(style.MUTED)
            painter.setFont(pixel_font(self, 17))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
            return
        line = round(self.CAPTION_PX * 1.25)
        for (index, digit, caption, mistake), (_, frame) in zip(self.tiles, self.tile_rects()):
            painter.drawImage(frame, digit)  # no smoothing: each pixel a crisp square
            if mistake:
                painter.setPen(QPen(style.WARNING, 5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.SquareCap,
                                    Qt.PenJoinStyle.MiterJoin))
                painter.drawRect(frame.adjusted(-3, -3, 3, 3))
            else:
                painter.setPen(style.LABEL_BORDER)
                painter.drawRect(frame.adjusted(-1, -1, 0, 0))
            text = QRect(frame.center().x() - 100, frame.bottom() + 5, 200, line)
            painter.setPen(style.INK)
            painter.setFont(pixel_font(self, self.CAPTION_PX, bold=True))
            painter.drawText(text, Qt.AlignmentFlag.AlignCenter, caption)
            if mistake:
                painter.setPen(style.WARNING.darker(135))
                painter.drawText(text.translated(0, line), Qt.AlignmentFlag.AlignCenter, mistake)


class Gallery(QWidget):
    """Test digits captioned with the model's guess; wrong guesses framed in orange."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.predicted = np.zeros(0, np.int64)
        self.wrong = np.zeros(0, bool)
        self._tiles: list[tuple[int, QImage, str, str]] = []
        self.only_mistakes = QCheckBox("Only mistakes")
        self.only_mistakes.setFont(point_font(12))
        self.only_mistakes.toggled.connect(self._on_only_mistakes)
        self.summary = label(points=13, bold=True)
        self.thumbnails = _Thumbnails()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.thumbnails)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.only_mistakes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.scroll, 1)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.thumbnails.visible_height = self.scroll.viewport().height()
        self.thumbnails.fit_height()

    def set_predictions(self, images: np.ndarray, true: np.ndarray, probabilities: np.ndarray,
                        class_names: tuple[str, ...], summary: str | None = None) -> None:
        """``images`` (k, 784) uint8, ``true`` (k,) class indices, ``probabilities``
        (k, n_classes) as from bpviz.nn.metrics.class_probabilities. ``summary`` replaces
        the "3 of 32 wrong" line when the digits are not a plain sample."""
        images, true = np.asarray(images), np.asarray(true)
        probabilities = np.asarray(probabilities)
        k = len(images)
        if images.shape != (k, PIXELS * PIXELS):
            raise DataError(f"images: expected shape (k, 784), got {images.shape}")
        if true.shape != (k,):
            raise DataError(f"true: expected one class per image, shape ({k},), got {true.shape}")
        if probabilities.shape != (k, len(class_names)):
            raise DataError(f"probabilities: expected shape ({k}, {len(class_names)}) for "
                            f"{len(class_names)} class names, got {probabilities.shape}")
        if k and not (np.isin(true, np.arange(len(class_names)))).all():
            raise DataError(f"true: expected class indices 0-{len(class_names) - 1}, got {np.unique(true)}")
        true = true.astype(np.int64)
        self.predicted = probabilities.argmax(axis=1) if k else np.zeros(0, np.int64)
        self.wrong = self.predicted != true
        ink = np.ascontiguousarray(255 - images.reshape(k, PIXELS, PIXELS).astype(np.uint8))
        self._tiles = []
        for i in range(k):
            digit = QImage(ink[i].data, PIXELS, PIXELS, PIXELS, QImage.Format.Format_Grayscale8).copy()
            caption = f"{class_names[self.predicted[i]]} · {percent(probabilities[i, self.predicted[i]])}"
            mistake = f"✗ true {class_names[true[i]]}" if self.wrong[i] else ""
            self._tiles.append((i, digit, caption, mistake))
        self.summary.setText(summary or f"{int(self.wrong.sum())} of {k} wrong")
        self._show()

    def clear(self) -> None:
        self.predicted, self.wrong, self._tiles = np.zeros(0, np.int64), np.zeros(0, bool), []
        self.summary.setText("")
        self.thumbnails.set_tiles([], NO_PREDICTIONS)

    @property
    def shown(self) -> list[int]:
        """Indices (into the arrays given) of the digits on screen, in order."""
        return [index for index, *_ in self.thumbnails.tiles]

    def _show(self) -> None:
        only = self.only_mistakes.isChecked()
        tiles = [t for t in self._tiles if t[3] or not only]
        message = f"No mistakes among these {len(self._tiles)} digits." if self._tiles else NO_PREDICTIONS
        self.thumbnails.set_tiles(tiles, message)

    def _on_only_mistakes(self, checked: bool) -> None:
        self._show()
