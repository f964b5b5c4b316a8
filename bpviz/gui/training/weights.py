"""The first layer's weights W1 as 28×28 images, one per hidden unit picked by number,
on a purple-white-green scale with its colour bar."""

from __future__ import annotations

import math
import re

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from bpviz.errors import ConfigError
from bpviz.gui import style
from bpviz.gui.training.text import label, pixel_font, point_font

PIXELS = 28
MAX_UNITS = 64
DEFAULT_UNITS = "1-16"
#: The weight images' diverging map, the same in both themes (an image has its own white
#: zero). Not blue and red: those are forward and backward here. The legend names the ends
#: in the theme's purple and green (style.REUSED, style.UPDATE: these in the light theme,
#: lighter in the dark), which read at 4.5:1 on the panel.
NEGATIVE, ZERO, POSITIVE = (QColor(style.THEMES["light"]["REUSED"]), QColor("#ffffff"),
                             QColor(style.THEMES["light"]["UPDATE"]))
LEGEND = ("<b style='color:{negative}'>negative</b> · white 0 · <b style='color:{positive}'>positive</b>: "
          "the 784 weights into a unit, at the pixels they multiply; each image scaled to its own largest |w|")
NO_WEIGHTS = "Start a run or load a model to see the first layer's weights."


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
        self.units_field.setFont(point_font(13))
        self.units_field.editingFinished.connect(self._on_units_edited)
        self.error = label(color=style.BACKWARD)
        self.error.hide()
        self.note = label()
        self.note.hide()
        bar = QLabel()
        bar.setPixmap(_colour_bar())
        self.legend = label()
        style.follow(self.legend, lambda: self.legend.setText(
            LEGEND.format(negative=style.REUSED.name(), positive=style.UPDATE.name())))
        self.hint = label(NO_WEIGHTS, points=14, color=style.MUTED)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view = pg.GraphicsLayoutWidget()
        style.follow(self.view, self._apply_look)
        self.box = self.view.addViewBox(lockAspect=True, invertY=True, enableMouse=False, enableMenu=False)
        self.box.sigResized.connect(self._on_view_resized)
        field_row = QHBoxLayout()
        field_row.addWidget(label("Hidden units", points=13))
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

    def _apply_look(self) -> None:
        self.view.setBackground(style.BACKGROUND)
        for title in getattr(self, "_titles", ()):
            title.setColor(style.INK)

    def _build(self, units: tuple[int, ...]) -> None:
        """Long-lived items, an image and a title per unit: remade only when the units shown
        change; a new size only moves them."""
        for item in [*self.images.values(), *self._titles]:
            self.box.removeItem(item)
        self.images, self._titles = {}, []
        for unit in units:
            item = pg.ImageItem(axisOrder="row-major", lut=self._lut, border=pg.mkPen(style.LABEL_BORDER))
            title = pg.TextItem(f"unit {unit}", color=style.INK, anchor=(0.5, 1.0))
            title.textItem.document().setDocumentMargin(0)  # the text alone fits the band above
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
        font = pixel_font(self, pixels)
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
            self.units_field.setStyleSheet(style.error_border())
            return
        self.error.hide()
        self.units_field.setStyleSheet("")
        self.units = units
        if self._W1 is not None:
            self._refresh()
