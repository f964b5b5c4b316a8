"""A look inside a trained MNIST model: the first layer's weights as 28×28 images, test
digits with the model's guesses, and the confusion matrix of true against predicted class."""

from __future__ import annotations

import math
import re
from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QLinearGradient, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from bpviz.errors import ConfigError, DataError
from bpviz.gui import style

PIXELS = 28
MAX_UNITS = 64
DEFAULT_UNITS = "1-16"
#: The weight images' diverging map. Not blue and red: those are forward and backward here.
NEGATIVE, ZERO, POSITIVE = style.REUSED, QColor("#ffffff"), style.UPDATE
ERROR_STYLE = f"border: 2px solid {style.BACKWARD.name()}; border-radius: 3px;"
NO_WEIGHTS = "Start a run or load a model to see the first layer's weights."
NO_PREDICTIONS = "Test digits and the model's guesses appear when a run ends."
NO_MATRIX = "The confusion matrix appears when a run ends."


def parse_units(text: str, n_units: int | None = None) -> tuple[int, ...]:
    """"1-16" or "1,5,9-12" (1-based, as the notation numbers units) -> unit numbers in the
    order typed, each once. ``n_units`` is the layer's size when known. Raises ConfigError."""
    top = f"1-{n_units}" if n_units else "from 1"
    expected = f"units: expected numbers {top} such as 1-16 or 3,7,12"
    units: list[int] = []
    for part in text.replace(" ", "").split(","):
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise ConfigError(f"{expected}; got {text.strip()!r}")
        low, high = int(match[1]), int(match[2] or match[1])
        if low > high:
            raise ConfigError(f"units: a range goes from low to high, such as 3-9; got {part}")
        if low < 1 or (n_units and high > n_units):
            raise ConfigError(f"{expected}; got {part}")
        units.extend(u for u in range(low, min(high, low + MAX_UNITS) + 1) if u not in units)
        if len(units) > MAX_UNITS:
            raise ConfigError(f"units: at most {MAX_UNITS} at once, got more in {text.strip()!r}")
    return tuple(units)


def _font(widget: QWidget, pixels: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPixelSize(max(1, round(pixels)))
    font.setBold(bool(bold))
    return font


def _points(points: float, bold: bool = False) -> QFont:
    """The app's font at ``points``: widgets' text, large enough for a projector."""
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _label(text: str = "", points: float = 12, color: QColor = style.INK, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setFont(_points(points, bold))
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {color.name()};")
    return label


def _percent(p: float) -> str:
    """"97%"; a guess short of certain never reads "100%" but "99.9%"."""
    if p < 1 and round(100 * p) == 100:
        return f"{math.floor(1000 * p) / 10:.1f}%"
    return f"{100 * p:.0f}%"


def _blend(color: QColor, amount: float) -> QColor:
    """``color`` laid over white with opacity ``amount`` (0-1), as an opaque colour."""
    mix = lambda c: round(255 + (c - 255) * amount)  # noqa: E731
    return QColor(mix(color.red()), mix(color.green()), mix(color.blue()))


def _colour_bar(width: int = 140, height: int = 16) -> QPixmap:
    pixmap = QPixmap(width, height)
    painter = QPainter(pixmap)
    gradient = QLinearGradient(0, 0, width, 0)
    for at, color in ((0.0, NEGATIVE), (0.5, ZERO), (1.0, POSITIVE)):
        gradient.setColorAt(at, color)
    painter.fillRect(pixmap.rect(), gradient)
    painter.setPen(style.LABEL_BORDER)
    painter.drawRect(pixmap.rect().adjusted(0, 0, -1, -1))
    painter.end()
    return pixmap


class WeightImages(QWidget):
    """Each selected hidden unit's incoming weights W^[1]_j (a row of W1) as a 28×28 image."""

    GAP, TITLE = 5, 9  # between images, and above each for its title, in image pixels

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.units = parse_units(DEFAULT_UNITS)  # the selection, 1-based
        self.images: dict[int, pg.ImageItem] = {}  # unit -> its long-lived image, as shown
        self._titles: list[pg.TextItem] = []
        self._columns = 0
        self._W1: np.ndarray | None = None
        colours = [(c.red(), c.green(), c.blue()) for c in (NEGATIVE, ZERO, POSITIVE)]
        # Over 256 entries: pyqtgraph then maps straight to RGB instead of rebuilding an
        # indexed image's colour table on every paint, which halves the cost of an update.
        self._lut = pg.ColorMap([0.0, 0.5, 1.0], colours).getLookupTable(nPts=512)
        self.units_field = QLineEdit(DEFAULT_UNITS)
        self.units_field.setToolTip("Which hidden units to show, such as 1-16 or 1,5,9-12 "
                                    f"(at most {MAX_UNITS})")
        self.units_field.setFixedWidth(160)
        self.units_field.setFont(_points(13))
        self.units_field.editingFinished.connect(self._on_units_edited)
        self.error = _label(color=style.BACKWARD)
        self.error.hide()
        self.note = _label()
        self.note.hide()
        bar = QLabel()
        bar.setPixmap(_colour_bar())
        self.legend = _label(
            f"<b style='color:{NEGATIVE.name()}'>negative</b> · white 0 · "
            f"<b style='color:{POSITIVE.name()}'>positive</b>: the 784 weights into a unit, "
            "at the pixels they multiply; each image scaled to its own largest |w|")
        self.hint = _label(NO_WEIGHTS, points=14, color=style.MUTED)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(style.BACKGROUND)
        self.box = self.view.addViewBox(lockAspect=True, invertY=True, enableMouse=False, enableMenu=False)
        self.box.sigResized.connect(self._on_view_resized)
        field_row = QHBoxLayout()
        field_row.addWidget(_label("Hidden units", points=13))
        field_row.addWidget(self.units_field)
        field_row.addWidget(self.error, 1)
        field_row.addStretch(0)
        legend_row = QHBoxLayout()
        legend_row.addWidget(bar)
        legend_row.addWidget(self.legend, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(field_row)
        layout.addWidget(self.note)
        layout.addLayout(legend_row)
        layout.addWidget(self.hint, 1)
        layout.addWidget(self.view, 1)
        self.set_weights(None)

    def set_weights(self, W1: np.ndarray | None) -> None:
        """Show W1 (n1, 784), a copy the view may keep; None clears to a hint."""
        if W1 is not None and (np.ndim(W1) != 2 or np.shape(W1)[1] != PIXELS * PIXELS):
            self._W1 = None
            self._show_hint(f"The first layer takes {np.shape(W1)[-1]} inputs, not the 28×28 = 784 "
                            "pixels of an MNIST digit: its weights are not images.")
            return
        self._W1 = W1
        if W1 is None:
            self._show_hint(NO_WEIGHTS)
            return
        self.hint.hide()
        self.view.show()
        self._refresh()

    def _show_hint(self, text: str) -> None:
        self._build(())
        self.note.hide()
        self.hint.setText(text)
        self.view.hide()
        self.hint.show()

    def _refresh(self) -> None:
        n1 = len(self._W1)
        shown = tuple(u for u in self.units if u <= n1)
        if shown != tuple(self.images):
            self._build(shown)
        beyond = len(self.units) - len(shown)
        self.note.setText(f"This layer has {n1} units: {beyond} of the selected unit"
                          f"{'s are' if beyond > 1 else ' is'} beyond it and not shown.")
        self.note.setVisible(beyond > 0)
        for unit, item in self.images.items():
            w = self._W1[unit - 1].reshape(PIXELS, PIXELS)
            v = float(np.abs(w).max()) or 1.0  # symmetric about 0, so 0 is white
            item.setImage(w, autoLevels=False, levels=(-v, v))

    def _build(self, units: tuple[int, ...]) -> None:
        """Long-lived items, an image and a title per unit: remade only when the units shown
        change; a new size only moves them."""
        for item in [*self.images.values(), *self._titles]:
            self.box.removeItem(item)
        self.images, self._titles = {}, []
        for unit in units:
            item = pg.ImageItem(axisOrder="row-major", lut=self._lut, border=pg.mkPen(style.LABEL_BORDER))
            title = pg.TextItem(f"unit {unit}", color=style.INK, anchor=(0.5, 1.0))
            self.box.addItem(item)
            self.box.addItem(title, ignoreBounds=True)
            self.images[unit] = item
            self._titles.append(title)
        self._columns = 0
        self._arrange()

    def _arrange(self) -> None:
        """As many columns as make the images largest in the view's current shape."""
        n = len(self.images)
        if not n:
            return
        size = self.box.size()
        aspect = size.width() / max(1.0, size.height())
        cell_w, cell_h = PIXELS + self.GAP, PIXELS + self.GAP + self.TITLE
        fit = {c: min(aspect / (c * cell_w), 1 / (math.ceil(n / c) * cell_h)) for c in range(1, n + 1)}
        # within 10% of the largest, the fullest grid: 4×4 rather than 6+6+4
        columns = min((c for c in fit if fit[c] >= 0.9 * max(fit.values())),
                      key=lambda c: (c * math.ceil(n / c) - n, -fit[c]))
        rows = math.ceil(n / columns)
        if columns != self._columns:
            self._columns = columns
            for k, (item, title) in enumerate(zip(self.images.values(), self._titles)):
                x, y = (k % columns) * cell_w, (k // columns) * cell_h + self.TITLE
                item.setPos(x, y)
                title.setPos(x + PIXELS / 2, y - 0.5)
            self.box.setRange(QRectF(-self.GAP / 2, 0, columns * cell_w, rows * cell_h), padding=0)
        # Titles keep to their band as the view shrinks, up to 16 px; below 8 px they go.
        scale = min(size.width() / (columns * cell_w), size.height() / (rows * cell_h))
        pixels = min(16.0, 0.75 * self.TITLE * scale, 0.9 * cell_w * scale / 4)
        font = _font(self, pixels)
        for title in self._titles:
            title.setFont(font)
            title.setVisible(pixels >= 8)

    def _on_view_resized(self) -> None:
        self._arrange()

    def _on_units_edited(self) -> None:
        text = self.units_field.text()
        try:
            units = parse_units(text, len(self._W1) if self._W1 is not None else None)
        except ConfigError as error:
            self.error.setText(str(error))
            self.error.show()
            self.units_field.setStyleSheet(ERROR_STYLE)
            return
        self.error.hide()
        self.units_field.setStyleSheet("")
        self.units = units
        if self._W1 is not None:
            self._refresh()


class _Thumbnails(QWidget):
    """The gallery's grid, painted: crisp digits at a whole-number scale, captions below."""

    PAD, CAPTION_PX = 6, 17

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tiles: list[tuple[int, QImage, str, str]] = []  # index, digit, caption, mistake
        self.message = NO_PREDICTIONS
        self.setMinimumSize(240, 160)

    def set_tiles(self, tiles, message: str = "") -> None:
        self.tiles, self.message = list(tiles), message
        self.update()

    def _grid(self) -> tuple[int, int, int, int]:
        """(scale, columns, tile width, tile height): the largest whole scale that fits."""
        metrics = QFontMetrics(_font(self, self.CAPTION_PX, bold=True))
        caption_w = max((metrics.horizontalAdvance(t) for _, _, *texts in self.tiles for t in texts),
                        default=0)
        line = round(self.CAPTION_PX * 1.25)
        n = max(1, len(self.tiles))
        for scale in range(6, 0, -1):
            width = max(PIXELS * scale + 2 * self.PAD, caption_w + self.PAD)
            height = PIXELS * scale + 2 * line + 2 * self.PAD
            columns = max(1, self.width() // width)
            if math.ceil(n / columns) * height <= self.height() or scale == 1:
                return scale, columns, width, height
        raise AssertionError("unreachable")

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
            painter.setFont(_font(self, 17))
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
            painter.setFont(_font(self, self.CAPTION_PX, bold=True))
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
        self.only_mistakes.setFont(_points(12))
        self.only_mistakes.toggled.connect(self._on_only_mistakes)
        self.summary = _label(points=13, bold=True)
        self.thumbnails = _Thumbnails()
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.only_mistakes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.thumbnails, 1)

    def set_predictions(self, images: np.ndarray, true: np.ndarray, probabilities: np.ndarray,
                        class_names: tuple[str, ...]) -> None:
        """``images`` (k, 784) uint8, ``true`` (k,) class indices, ``probabilities``
        (k, n_classes) as from bpviz.nn.metrics.class_probabilities."""
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
            caption = f"{class_names[self.predicted[i]]} · {_percent(probabilities[i, self.predicted[i]])}"
            mistake = f"✗ true {class_names[true[i]]}" if self.wrong[i] else ""
            self._tiles.append((i, digit, caption, mistake))
        self.summary.setText(f"{int(self.wrong.sum())} of {k} wrong")
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
        parts = [f"{name} accuracy {100 * value:.1f} %" for name, value in
                 (("train", self.train_accuracy), ("test", self.test_accuracy)) if value is not None]
        return " · ".join(parts)

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
            names = QFontMetrics(_font(self, label)).horizontalAdvance(max(self.class_names, key=len))
            band_left = 2.2 * label + names
            band_top = (2.2 * label if self.accuracy_text else 0) + 3.2 * label
            cell = max(4.0, min((width - band_left) / n, (height - band_top) / n))
            label = max(12.0, min(24.0, cell * 0.4, min(width, height) / 18))
        left = 8 + band_left + (width - band_left - n * cell) / 2
        top = 8 + band_top + (height - band_top - n * cell) / 2
        return _Geometry(label, left, top, cell, left - band_left)

    def _fitted(self, text: str, pixels: float, width: float, bold: bool = False) -> QFont:
        """The font of ``pixels`` size, made smaller until ``text`` fits in ``width``."""
        font = _font(self, pixels, bold)
        while pixels > 8 and QFontMetrics(font).horizontalAdvance(text) > width:
            pixels *= 0.92
            font = _font(self, pixels, bold)
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
            painter.setFont(_font(self, 17))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, NO_MATRIX)
            return
        at = self._geometry()
        label, left, top, cell = at.label, at.left, at.top, at.cell
        n = len(self.class_names)
        self._paint_cells(painter, at)
        painter.setPen(style.INK)
        painter.setFont(_font(self, label))
        for k, name in enumerate(self.class_names):
            painter.drawText(QRectF(left + k * cell, top - 1.5 * label, cell, 1.4 * label),
                             Qt.AlignmentFlag.AlignCenter, name)
            painter.drawText(QRectF(0, top + k * cell, left - 0.6 * label, cell),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
        painter.setFont(_font(self, label, bold=True))
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
            painter.fillRect(rect, _blend(style.UPDATE if row == column else style.WARNING, amount))
            painter.setPen(QPen(style.LABEL_BORDER, 1))
            painter.drawRect(rect)
            dark = row == column and amount > 0.55
            painter.setPen(QColor("#ffffff") if dark else style.MUTED if count == 0 else style.INK)
            painter.setFont(_font(self, size, bold=count > 0))
            if cell < 110 or count == 0:
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
                continue
            painter.drawText(rect.adjusted(0, 0, 0, -0.7 * size), Qt.AlignmentFlag.AlignCenter, str(count))
            share_text = f"{100 * fraction:.1f} % of row"
            painter.setFont(self._fitted(share_text, 0.42 * size, 0.86 * cell))
            painter.drawText(rect.adjusted(0, 1.2 * size, 0, 0), Qt.AlignmentFlag.AlignCenter, share_text)
