"""The graph's legend: each arrow, ring, fill and edge mark the graph draws, as a small glyph
painted with the items' own colours and pens, and a few words. It sits in a strip at the
side of the graph view that costs the graph least; the view's viewport keeps the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QLineF, QMargins, QPointF, QRect, QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from bpviz.gui import style
from bpviz.gui.graph.items import flag_badge


@dataclass(frozen=True)
class Entry:
    kind: str  # which glyph
    text: str  # the legend's words
    about: str  # the shortcut sheet's longer line


#: Every mark of the graph, in four groups: the step's arrows, the units' marks, the edges'
#: marks, and what the Gradient check tab adds. The text is what a class reads.
GROUPS: tuple[tuple[Entry, ...], ...] = (
    (Entry("forward", "forward pass", "blue arrow with a travelling dot: the forward pass computes a value"),
     Entry("backward", "backward pass", "red dashed arrow with an open head: the backward pass carries a gradient back from J"),
     Entry("update", "update of w", "green dotted edge (or dotted ring, for a bias) and the label w ← new "
                                   "value: the update step")),
    (Entry("computed", "computed now", "thick ring in the step's colour: the value this step computes"),
     Entry("read", "read by this step", "yellow fill: a value this step reads"),
     Entry("reused", "reused from cache", "dashed purple ring: computed at an earlier step and reused, "
                                          "not recomputed"),
     Entry("chain", "chain-rule path", "red ring: a unit on the chain-rule path: the unit's local derivative is a factor of this "
                                              "backward step's chain; red dashed arrows run along the path "
                                              "from J back to the quantity being computed")),
    (Entry("band", "this step's weights", "pale band in the step's colour under the edges this step uses"),
     Entry("positive", "w ≥ 0", "grey edge: a weight of 0 or more"),
     Entry("negative", "w < 0", "brown edge: a negative weight"),
     Entry("width", "wider: larger |w|", "an edge's width grows with |w|")),
    (Entry("bias", "your bias differs", "orange ring and a ! badge: your code (Gradient check tab) disagrees with backprop "
                                        "on this unit's bias"),
     Entry("weight", "your weight differs", "orange band and a ! badge on an edge: your code disagrees on this weight"),
     Entry("check", "gradient check", "✓ or ✗ after dw on an edge's label: the finite-difference gradient "
                                      "check passes or fails")),
)
ENTRIES: tuple[Entry, ...] = tuple(entry for group in GROUPS for entry in group)

#: The legend's text at 100 % (it grows with the UI scale up to style.SIDE_TEXT_MAX).
TEXT_PX = 13
#: A glyph's cell at 100 %, in pixels: wide enough for an arrow's dashes to show.
GLYPH = QSize(34, 18)
#: The layouts offered: columns of whole groups (4: one group a column).
COLUMNS = (1, 2, 4)
#: The graph keeps at least this much of the view each way, or the legend steps aside.
LEAST_ROOM = 120


@lru_cache(maxsize=16)
def _font(px: int, italic: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPixelSize(px)
    font.setItalic(italic)
    return font


# Glyphs ------------------------------------------------------------------------------------
def draw_glyph(painter: QPainter, kind: str, cell: QRectF) -> None:
    """Draw the glyph of ``kind`` in ``cell`` (GLYPH's shape at any size), in the theme's
    colours and with the pens the graph's items use."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(cell.topLeft())
    k = cell.height() / GLYPH.height()
    painter.scale(k, k)
    _GLYPHS[kind](painter, GLYPH.width(), GLYPH.height())
    painter.restore()


def _arrow(painter: QPainter, w: float, h: float, backward: bool, pulse: bool = True) -> None:
    color = style.BACKWARD if backward else style.FORWARD
    tail, head = (QPointF(w - 2, h / 2), QPointF(2, h / 2)) if backward else (QPointF(2, h / 2), QPointF(w - 2, h / 2))
    pen = QPen(color, 2.4)
    if backward:
        pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    line = QLineF(tail, head)
    painter.drawLine(QLineF(line.pointAt(0.0), line.pointAt(0.9)))
    angle = math.atan2(line.dy(), line.dx())
    size = 8.0
    wings = [QPointF(head.x() - size * math.cos(angle + a), head.y() - size * math.sin(angle + a)) for a in (-0.4, 0.4)]
    if backward:  # an open head, as on the graph
        painter.setPen(QPen(color, 2.4))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(QPolygonF([wings[0], head, wings[1]]))
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawPolygon(QPolygonF([head, *wings]))
    if pulse:
        painter.setBrush(QBrush(color.lighter(115)))
        painter.setPen(QPen(style.SURFACE, 1.2))
        painter.drawEllipse(line.pointAt(0.35), 3.6, 3.6)


def _unit(painter: QPainter, w: float, h: float, fill: QColor | None = None, ring: QColor | None = None,
          ring_width: float = 1.2, radius: float = 5.0) -> QPointF:
    """A small unit in the middle of the cell (its ring in ``ring``), and its centre."""
    centre = QPointF(w / 2, h / 2)
    painter.setPen(QPen(ring or style.INK, ring_width))
    painter.setBrush(QBrush(fill or style.NODE_FILL))
    painter.drawEllipse(centre, radius, radius)
    return centre


def _ring(painter: QPainter, centre: QPointF, radius: float, color: QColor, width: float,
          dashed: bool = False) -> None:
    pen = QPen(color, width)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(centre, radius, radius)


def _edge(painter: QPainter, w: float, y: float, color: QColor, width: float) -> None:
    painter.setPen(QPen(color, width))
    painter.drawLine(QLineF(3, y, w - 3, y))


def _text(painter: QPainter, w: float, h: float, text: str, color: QColor, italic: bool = False) -> None:
    painter.setFont(_font(14, italic))
    painter.setPen(color)
    painter.drawText(QRectF(0, 0, w, h), Qt.AlignmentFlag.AlignCenter, text)


def _phase_ring(painter: QPainter, centre: QPointF, radius: float, width: float) -> None:
    """A ring in the step's colour: blue forward, red backward (drawn in halves)."""
    box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for color, start in ((style.FORWARD, 90), (style.BACKWARD, 270)):
        painter.setPen(QPen(color, width))
        painter.drawArc(box, start * 16, 180 * 16)


def _computed(painter, w, h):
    _phase_ring(painter, _unit(painter, w, h), 6.0, 2.6)


def _read(painter, w, h):
    """The fill large enough to show; its thin ring in the step's colour, as on the graph."""
    _phase_ring(painter, _unit(painter, w, h, style.NODE_READ, style.NODE_READ, radius=7.8), 7.8, 1.4)


def _band(painter, w, h):
    """A forward step's edge as the graph draws it: the pale band, the arrow on it."""
    _edge(painter, w, h / 2, style.tint(style.FORWARD, 0.6), 9.0)
    _arrow(painter, w, h, backward=False, pulse=False)


def _weight(painter, w, h):
    band = QColor(style.WARNING)
    band.setAlpha(150)
    _edge(painter, w, h / 2, band, 9.0)
    _edge(painter, w, h / 2, style.EDGE_POSITIVE, 2.2)
    _flag(painter, QPointF(w * 0.25, h / 2))


def _bias(painter, w, h):
    centre = _unit(painter, w, h)
    _ring(painter, centre, 6.9, style.WARNING, 2.8)  # thick, close to the unit
    _flag(painter, QPointF(centre.x() - 9, centre.y() - 5))


def _flag(painter, centre: QPointF) -> None:
    painter.save()
    painter.translate(centre)
    painter.scale(0.5, 0.5)
    flag_badge(painter, QPointF(0, 0))
    painter.restore()


def _update(painter, w, h):
    painter.setPen(QPen(style.UPDATE, 2.6, Qt.PenStyle.DotLine, Qt.PenCapStyle.RoundCap))
    painter.drawLine(QLineF(3, h / 2, w - 3, h / 2))


def _width(painter, w, h):
    _edge(painter, w, h / 2 - 5, style.EDGE_POSITIVE, 1.2)
    _edge(painter, w, h / 2 + 3, style.EDGE_POSITIVE, 5.0)


_GLYPHS = {
    "forward": lambda p, w, h: _arrow(p, w, h, backward=False),
    "backward": lambda p, w, h: _arrow(p, w, h, backward=True),
    "update": _update,
    "computed": _computed,
    "read": _read,
    "reused": lambda p, w, h: _ring(p, _unit(p, w, h), 7.8, style.REUSED, 1.4, dashed=True),
    "chain": lambda p, w, h: _ring(p, _unit(p, w, h), 8.1, style.BACKWARD, 1.7),  # solid, further out than the bias ring
    "band": _band,
    "positive": lambda p, w, h: _edge(p, w, h / 2, style.EDGE_POSITIVE, 2.4),
    "negative": lambda p, w, h: _edge(p, w, h / 2, style.EDGE_NEGATIVE, 2.4),
    "width": _width,
    "bias": _bias,
    "weight": _weight,
    "check": lambda p, w, h: _text(p, w, h, "✓ ✗", style.BACKWARD),
}


def glyph_image(kind: str, height: int, pixel_ratio: float = 2.0) -> QImage:
    """The glyph of ``kind`` on a transparent image ``height`` logical pixels high."""
    width = round(height * GLYPH.width() / GLYPH.height())
    image = QImage(round(width * pixel_ratio), round(height * pixel_ratio), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(pixel_ratio)
    image.fill(0)
    painter = QPainter(image)
    draw_glyph(painter, kind, QRectF(0, 0, width, height))
    painter.end()
    return image


# The widget --------------------------------------------------------------------------------
class GraphLegend(QWidget):
    """A strip along one side of a graph view with the legend's box in its corner. The view
    asks ``choose`` which side it takes (the viewport keeps the rest), then ``set_strip``
    places it; ``changed`` says that it must be placed again (shown, hidden, another scale)."""

    changed = Signal()

    def __init__(self, view: QWidget):
        super().__init__(view)
        self.shown = False  # asked for (View > Graph legend)
        self.placed = False  # and given a strip (the graph keeps LEAST_ROOM)
        self.scale = 1.0
        self.columns = COLUMNS[-1]
        self.side = "bottom"
        self.box = QRect()  # the legend's box, in this widget's coordinates
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()
        style.follow(self, self.update)

    # Settings --------------------------------------------------------------------------
    def set_shown(self, on: bool) -> None:
        if on != self.shown:
            self.shown = on
            self.changed.emit()

    def set_scale(self, scale: float) -> None:
        """Text and glyphs at the UI ``scale``, as far as the side panels' text grows."""
        scale = min(max(scale, 1.0), style.SIDE_TEXT_MAX)
        if scale != self.scale:
            self.scale = scale
            self.changed.emit()

    @property
    def text_px(self) -> int:
        """The text's size in pixels."""
        return round(TEXT_PX * self.scale)

    # Geometry --------------------------------------------------------------------------
    def _metrics(self):
        k = self.scale
        return (QFontMetrics(_font(self.text_px)), round(GLYPH.width() * k), round(GLYPH.height() * k),
                round(6 * k), round(12 * k))

    def _columns(self, count: int) -> list[tuple[Entry, ...]]:
        per = len(GROUPS) // count
        return [tuple(e for group in GROUPS[i:i + per] for e in group) for i in range(0, len(GROUPS), per)]

    def box_size(self, count: int) -> QSize:
        """The legend's box laid out in ``count`` columns of whole groups."""
        metrics, glyph_w, glyph_h, pad, gap = self._metrics()
        row = max(glyph_h, metrics.height()) + round(2 * self.scale)
        columns = self._columns(count)
        widths = [glyph_w + pad + max(metrics.horizontalAdvance(e.text) for e in column) for column in columns]
        return QSize(sum(widths) + gap * (len(columns) - 1) + 2 * pad,
                     row * max(len(column) for column in columns) + 2 * pad)

    def choose(self, area: QSize, scene: QSizeF) -> QMargins:
        """Choose the layout and the side (bottom or right) whose strip of ``area`` (the
        view's) leaves a graph of ``scene``'s size the largest; return the viewport margins
        that leave the graph the rest. No margins when the legend is off, or when it would
        leave the graph less than LEAST_ROOM either way (then it steps aside)."""
        best = None
        if self.shown and not scene.isEmpty():
            for count in COLUMNS:
                strip = self.box_size(count).grownBy(QMargins(*[self._margin()] * 4))
                if strip.width() > area.width() or strip.height() > area.height():
                    continue
                for side, room in (("bottom", QSize(area.width(), area.height() - strip.height())),
                                   ("right", QSize(area.width() - strip.width(), area.height()))):
                    if min(room.width(), room.height()) < LEAST_ROOM:
                        continue
                    zoom = min(room.width() / scene.width(), room.height() / scene.height())
                    if best is None or zoom > best[0] + 1e-9:
                        best = (zoom, count, side, strip)
        self.placed = best is not None
        if best is None:
            self.setVisible(False)
            return QMargins()
        _, self.columns, self.side, strip = best
        return QMargins(0, 0, 0, strip.height()) if self.side == "bottom" else QMargins(0, 0, strip.width(), 0)

    def set_strip(self, area: QRect) -> None:
        """Take the chosen strip of ``area`` (the viewport's and its margins', in the view's
        coordinates), with the legend's box in its bottom right corner."""
        if not self.placed:
            return
        size, margin = self.box_size(self.columns), self._margin()
        if self.side == "bottom":
            height = size.height() + 2 * margin
            strip = QRect(area.left(), area.bottom() + 1 - height, area.width(), height)
        else:
            width = size.width() + 2 * margin
            strip = QRect(area.right() + 1 - width, area.top(), width, area.height())
        self.setGeometry(strip)
        self.box = QRect(strip.width() - margin - size.width(), strip.height() - margin - size.height(),
                         size.width(), size.height())
        self.setVisible(True)
        self.raise_()
        self.update()

    def clear_of(self, scene: QRectF, drawn: list[QRectF]) -> QRectF:
        """What the view must fit: ``scene`` reaching, toward the legend, as far as any of the
        ``drawn`` rectangles (the units' and labels' bounding boxes may pass the scene's edge)."""
        if not self.placed or not drawn:
            return scene
        reach = QRectF(scene)
        for rect in drawn:
            reach = reach.united(rect)
        if self.side == "bottom":
            return QRectF(scene.left(), scene.top(), scene.width(), reach.bottom() - scene.top())
        return QRectF(scene.left(), scene.top(), reach.right() - scene.left(), scene.height())

    def _margin(self) -> int:
        return round(6 * self.scale)

    # Painting --------------------------------------------------------------------------
    def rows(self) -> list[tuple[Entry, QRectF, QRectF]]:
        """Each entry with its glyph's cell and its text's box, in this widget's coordinates."""
        metrics, glyph_w, glyph_h, pad, gap = self._metrics()
        row = max(glyph_h, metrics.height()) + round(2 * self.scale)
        out, x = [], self.box.left() + pad
        for column in self._columns(self.columns):
            width = max(metrics.horizontalAdvance(e.text) for e in column)
            for i, entry in enumerate(column):
                top = self.box.top() + pad + i * row
                glyph = QRectF(x, top + (row - glyph_h) / 2, glyph_w, glyph_h)
                out.append((entry, glyph, QRectF(x + glyph_w + pad, top, width + 1, row)))
            x += glyph_w + pad + width + gap
        return out

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), style.BACKGROUND)  # the strip is the graph's ground
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(style.LABEL_BORDER, 1))
        painter.setBrush(QBrush(style.SURFACE))
        painter.drawRoundedRect(QRectF(self.box).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        font = _font(self.text_px)
        for entry, glyph, text in self.rows():
            draw_glyph(painter, entry.kind, glyph)
            painter.setFont(font)
            painter.setPen(style.INK)
            painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, entry.text)
        painter.end()
