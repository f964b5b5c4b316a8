"""The graph's items: units (with z, a, dz, da), the loss J, weighted edges, step arrows.

Each item keeps its own display state, set through ``set_*`` methods that end in one
``update()``; ``paint`` draws only from that state.
"""

from __future__ import annotations

import math
from functools import lru_cache

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

from bpviz.gui import style
from bpviz.gui.graph.layout import NODE_RADIUS
from bpviz.nn.notation import result


@lru_cache(maxsize=64)
def _font(size: float, bold: bool = False, italic: bool = False) -> QFont:
    """Fonts are made once: a frame paints hundreds of labels."""
    font = QFont("DejaVu Sans")
    font.setPointSizeF(size)
    font.setBold(bold)
    font.setItalic(italic)
    return font


def fmt(value) -> str:
    return result(value).text if value is not None else ""


class NodeItem(QGraphicsItem):
    """A unit: a circle with its output a inside, z above, dz and da below once known."""

    def __init__(self, node_id: str, title: str, subtitle: str = ""):
        super().__init__()
        self.node_id, self.title, self.subtitle = node_id, title, subtitle
        self.values: dict[str, object] = {}
        self.role = ""  # "", "read", "current"
        self.color = style.INK
        self.reused = False
        self.pinned = False
        self.setAcceptHoverEvents(True)
        self.setZValue(2)
        # Drawn once per change, then blitted: animation frames only move the arrows.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:
        r = NODE_RADIUS
        return QRectF(-r - 62, -r - 34, 2 * r + 124, 2 * r + 100)

    def set_state(self, values: dict, role: str, color: QColor, reused: bool = False) -> None:
        if (values, role, color, reused) != (self.values, self.role, self.color, self.reused):
            self.values, self.role, self.color, self.reused = dict(values), role, QColor(color), reused
            self.update()

    def tooltip_text(self) -> str:
        lines = [f"{self.title}" + (f" ({self.subtitle})" if self.subtitle else "")]
        for key in ("x", "z", "a", "da", "dz"):
            if key in self.values:
                lines.append(f"{key} = {fmt(self.values[key])}")
        return "\n".join(lines)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        r = NODE_RADIUS
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = style.NODE_READ if self.role == "read" else style.NODE_FILL
        width = 4.5 if self.role == "current" else 2.0
        pen = QPen(self.color if self.role else style.INK, width)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        painter.drawEllipse(QPointF(0, 0), r, r)
        if self.reused:
            painter.setPen(QPen(style.REUSED, 2.0, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(0, 0), r + 6, r + 6)
        painter.setPen(style.INK)
        painter.setFont(_font(11, italic=True))
        painter.drawText(QRectF(-r, -r + 5, 2 * r, 18), Qt.AlignmentFlag.AlignCenter, self.title)
        main = self.values.get("a", self.values.get("x"))
        if main is not None:
            painter.setFont(_font(17, bold=True))
            painter.drawText(QRectF(-r - 10, -7, 2 * r + 20, 28), Qt.AlignmentFlag.AlignCenter, fmt(main))
        painter.setFont(_font(13.5))
        if "z" in self.values:
            painter.setPen(style.FORWARD)
            painter.drawText(QRectF(-r - 60, -r - 30, 2 * r + 120, 24), Qt.AlignmentFlag.AlignCenter,
                             f"z = {fmt(self.values['z'])}")
        below = [(key, self.values[key]) for key in ("da", "dz") if key in self.values]
        painter.setPen(style.BACKWARD)
        for i, (key, value) in enumerate(below):
            painter.drawText(QRectF(-r - 30, r + 4 + i * 22, 2 * r + 60, 24), Qt.AlignmentFlag.AlignCenter,
                             f"{key} = {fmt(value)}")
        if self.subtitle:
            painter.setPen(style.MUTED)
            painter.setFont(_font(11))
            painter.drawText(QRectF(-r - 60, r + 4 + len(below) * 22, 2 * r + 120, 20),
                             Qt.AlignmentFlag.AlignCenter, self.subtitle)


class LossItem(NodeItem):
    """The loss J: a rounded square showing J's value."""

    def paint(self, painter: QPainter, option, widget=None) -> None:
        r = NODE_RADIUS
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = 4.5 if self.role == "current" else 2.0
        painter.setPen(QPen(self.color if self.role else style.INK, width))
        painter.setBrush(QBrush(style.NODE_READ if self.role == "read" else style.NODE_FILL))
        painter.drawRoundedRect(QRectF(-r, -r, 2 * r, 2 * r), 10, 10)
        painter.setPen(style.INK)
        painter.setFont(_font(13, bold=True, italic=True))
        painter.drawText(QRectF(-r, -r + 4, 2 * r, 24), Qt.AlignmentFlag.AlignCenter, "J")
        if "J" in self.values:
            painter.setFont(_font(11.5, bold=True))
            painter.drawText(QRectF(-r - 20, -2, 2 * r + 40, 24), Qt.AlignmentFlag.AlignCenter,
                             fmt(self.values["J"]))

    def tooltip_text(self) -> str:
        return f"J = {fmt(self.values['J'])}" if "J" in self.values else "J (not computed yet)"


class EdgeItem(QGraphicsItem):
    """A weight: width follows |w|, a solid line for w ≥ 0 and a dotted one for w < 0;
    its label shows w, then dw once backward has it, then the update."""

    def __init__(self, edge_id: str, title: str, start: QPointF, end: QPointF, label_at: float = 0.3):
        super().__init__()
        self.edge_id, self.title = edge_id, title
        self.line = QLineF(start, end)
        self.label_at = label_at
        self.weight: float | None = None
        self.scale = 1.0
        self.values: dict[str, object] = {}
        self.role = ""
        self.color = style.INK
        self.label_always = True  # False on dense graphs: then only the current step's edges
        self.setAcceptHoverEvents(True)
        self.setZValue(0)

    def boundingRect(self) -> QRectF:
        return QRectF(self.line.p1(), self.line.p2()).normalized().adjusted(-110, -50, 110, 50)

    def shape(self) -> QPainterPath:
        path = QPainterPath(self.line.p1())
        path.lineTo(self.line.p2())
        from PySide6.QtGui import QPainterPathStroker

        stroker = QPainterPathStroker()
        stroker.setWidth(14)
        return stroker.createStroke(path)

    def set_state(self, weight: float | None, scale: float, values: dict, role: str, color: QColor) -> None:
        state = (weight, scale, values, role, color)
        if state != (self.weight, self.scale, self.values, self.role, self.color):
            self.weight, self.scale, self.values = weight, scale, dict(values)
            self.role, self.color = role, QColor(color)
            self.update()

    def tooltip_text(self) -> str:
        lines = [self.title]
        if self.weight is not None:
            lines.append(f"w = {fmt(self.weight)}")
        for key in ("dw", "new"):
            if key in self.values:
                lines.append(("dw = " if key == "dw" else "after the update: w = ") + fmt(self.values[key]))
        return "\n".join(lines)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        magnitude = 0 if self.weight is None else abs(self.weight) / self.scale if self.scale else 0
        width = 1.2 + 5.5 * min(magnitude, 1.0)
        negative = self.weight is not None and self.weight < 0
        color = style.EDGE_NEGATIVE if negative else style.EDGE_POSITIVE
        if self.role == "current":  # a pale band under the step's arrow, which carries the dashes
            color = QColor(self.color).lighter(165)
        pen = QPen(color, width + (6 if self.role == "current" else 0))
        pen.setStyle(Qt.PenStyle.DotLine if negative else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.drawLine(self.line)
        if self.weight is None or not (self.label_always or self.role == "current"):
            return
        anchor = self.line.pointAt(self.label_at)
        # The value only: the symbol is in the tooltip and the equation panel, and short
        # labels keep crossing edges readable.
        if "new" in self.values:
            lines = [(f"{fmt(self.weight)} → {fmt(self.values['new'])}", style.UPDATE)]
        else:
            lines = [(fmt(self.weight), style.INK)]
        if "dw" in self.values:
            lines.append((f"dw = {fmt(self.values['dw'])}", style.BACKWARD))
        painter.setFont(_font(12.5))
        metrics = painter.fontMetrics()
        w = max(metrics.horizontalAdvance(text) for text, _ in lines) + 10
        h = 21 * len(lines) + 4
        box = QRectF(anchor.x() - w / 2, anchor.y() - h / 2, w, h)
        painter.setPen(QPen(QColor(200, 205, 212), 1))
        painter.setBrush(QBrush(QColor(255, 255, 255, 235)))
        painter.drawRoundedRect(box, 4, 4)
        for i, (text, c) in enumerate(lines):
            painter.setPen(c)
            painter.drawText(QRectF(box.left(), box.top() + 2 + 21 * i, w, 21), Qt.AlignmentFlag.AlignCenter, text)


class ArrowItem(QGraphicsItem):
    """The current step's arrow along one edge: blue and solid forward, red and dashed
    backward, with a pulse that travels from tail to head as ``progress`` goes 0 → 1."""

    def __init__(self, tail: QPointF, head: QPointF, direction: str):
        super().__init__()
        self.line = QLineF(tail, head)
        self.direction = direction
        self.progress = 0.0
        self.setZValue(1)

    def boundingRect(self) -> QRectF:
        return QRectF(self.line.p1(), self.line.p2()).normalized().adjusted(-16, -16, 16, 16)

    def set_progress(self, progress: float) -> None:
        self.progress = progress
        self.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        backward = self.direction == "backward"
        color = style.BACKWARD if backward else style.FORWARD
        pen = QPen(color, 3.2)
        if backward:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        line = QLineF(self.line.pointAt(0.0), self.line.pointAt(0.97))
        painter.drawLine(line)
        angle = math.atan2(line.dy(), line.dx())
        tip = line.p2()
        size = 14
        head = QPolygonF([
            tip,
            QPointF(tip.x() - size * math.cos(angle - 0.4), tip.y() - size * math.sin(angle - 0.4)),
            QPointF(tip.x() - size * math.cos(angle + 0.4), tip.y() - size * math.sin(angle + 0.4)),
        ])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawPolygon(head)
        pulse = self.line.pointAt(min(max(self.progress, 0.0), 1.0))
        painter.setBrush(QBrush(color.lighter(115)))
        painter.setPen(QPen(QColor("white"), 2))
        painter.drawEllipse(pulse, 8, 8)
