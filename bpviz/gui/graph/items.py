"""The graph's items: units (with z, a, dz, da), the loss J, weighted edges, step arrows.

Each item keeps its own display state, set through ``set_*`` methods that end in one
``update()``; ``paint`` draws only from that state.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontInfo, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

from bpviz.gui import style
from bpviz.gui.graph.layout import (
    CHAIN_RING, GRADIENT_BOX, GRADIENT_LINE, NAME_BOX, NODE_RADIUS, Z_BOX, label_rect,
)
from bpviz.gui.graph.state import HIDDEN
from bpviz.gui.widgets import mathtex
from bpviz.nn.notation import result

#: How each kind of mark reads without its colour (greyscale, colour-blind eyes): its line
#: and its arrow's head. Forward is solid with a filled head, backward dashed with an open
#: one, an update dotted (it has no direction: the weight changes in place); the debugger's
#: orange carries a "!" (FLAG_GLYPH) and the gradient check its ✓ / ✗.
LINES = {"forward": Qt.PenStyle.SolidLine, "backward": Qt.PenStyle.DashLine, "update": Qt.PenStyle.DotLine}
HEADS = {"forward": "filled", "backward": "open", "update": None}
FLAG_GLYPH = "!"


def flag_badge(painter: QPainter, centre: QPointF, radius: float = 8.5) -> None:
    """The debugger's mark beside a flagged unit or weight: "!" on an orange disc."""
    painter.setPen(QPen(style.SURFACE, 1.5))
    painter.setBrush(QBrush(style.WARNING))
    painter.drawEllipse(centre, radius, radius)
    painter.setPen(style.INK if style.contrast(style.INK, style.WARNING) > style.contrast(style.SURFACE, style.WARNING)
                   else style.SURFACE)
    painter.setFont(_font(10, bold=True))
    painter.drawText(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius),
                     Qt.AlignmentFlag.AlignCenter, FLAG_GLYPH)


@lru_cache(maxsize=64)
def _font(size: float, bold: bool = False, italic: bool = False) -> QFont:
    """Fonts are made once: a frame paints hundreds of labels."""
    font = QFont("DejaVu Sans")
    font.setPointSizeF(size)
    font.setBold(bold)
    font.setItalic(italic)
    return font


#: Numbers drawn on the graph are short (the tooltips and the equation give five
#: significant digits): four significant digits and at most four decimals, and a value
#: below 0.001 or from 10,000 as "1.2e-4", so that at most 7 characters (with the sign)
#: read large in a unit's circle and a weight's label on a projector.
GRAPH_DIGITS = 4


def short(value) -> str:
    """A value as the graph draws it (see GRAPH_DIGITS); "?" for a result quiz mode hides."""
    if value is None:
        return ""
    if value is HIDDEN:
        return "?"
    if np.ndim(value) > 0 and np.size(value) > 1:
        return fmt(value)
    v = float(np.ravel(value)[0])
    if not math.isfinite(v):
        return fmt(v)
    size = abs(float(f"{v:.{GRAPH_DIGITS}g}"))  # as rounded: 9999.96 is 1.0e4, not 9999.96
    if size != 0 and (size < 1e-3 or size >= 1e4):
        mantissa, exponent = f"{v:.1e}".split("e")
        text = f"{mantissa}e{int(exponent)}"
    else:
        text = f"{v:.{GRAPH_DIGITS}g}"
        if "e" in text or len(text.split(".")[-1]) > GRAPH_DIGITS and "." in text:
            text = f"{v:.{GRAPH_DIGITS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def short_tex(value) -> str:
    text = short(value)
    return text if not text.startswith("[") else tex(value)


def fmt(value) -> str:
    return "?" if value is HIDDEN else result(value).text if value is not None else ""


def tex(value) -> str:
    return "?" if value is HIDDEN else result(value).latex if value is not None else ""


def draw_math(painter: QPainter, latex: str, size: float, rect: QRectF, color: QColor,
              align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignHCenter) -> float:
    """Typeset ``latex`` centred vertically in ``rect`` (horizontally as ``align`` says),
    shrunk to fit its width; returns the size it was drawn at (``size`` times the shrink)."""
    box = mathtex.layout(latex, size)
    scale = min(1.0, rect.width() / box.width) if box.width else 1.0
    width = box.width * scale
    if align & Qt.AlignmentFlag.AlignRight:
        x = rect.right() - width
    elif align & Qt.AlignmentFlag.AlignLeft:
        x = rect.left()
    else:
        x = rect.center().x() - width / 2
    painter.save()
    painter.translate(x, rect.center().y())
    painter.scale(scale, scale)
    mathtex.paint(painter, box, 0, box.ascent - box.height / 2, color)
    painter.restore()
    return QFontInfo(_font(size)).pixelSize() * scale


def draw_text_fit(painter: QPainter, text: str, font: QFont, rect: QRectF, color: QColor,
                  align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignHCenter, halo: QColor | None = None) -> float:
    """Plain text in ``rect``, centred vertically, shrunk (never cut) to fit its width;
    returns the font's pixel size as drawn (after the shrink). With ``halo``, the text has
    an outline of that colour, so it reads where it crosses a line."""
    painter.setFont(font)
    painter.setPen(color)
    metrics = painter.fontMetrics()
    width = metrics.horizontalAdvance(text)
    scale = min(1.0, rect.width() / width) if width else 1.0
    painter.save()
    painter.translate(rect.center())
    painter.scale(scale, scale)
    if halo is None:
        painter.drawText(QRectF(-rect.width() / 2 / scale, -rect.height() / 2, rect.width() / scale, rect.height()),
                         align | Qt.AlignmentFlag.AlignVCenter, text)
    else:  # centred only: the path is placed by hand
        path = QPainterPath()
        path.addText(-width / 2, (metrics.ascent() - metrics.descent()) / 2, font, text)
        painter.strokePath(path, QPen(halo, 4.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                      Qt.PenJoinStyle.RoundJoin))
        painter.fillPath(path, color)
    painter.restore()
    return QFontInfo(font).pixelSize() * scale


#: A feature's name beside its input is drawn at no less than this part of its size: a
#: longer name is elided in the middle ("average_mo…_thousands": both ends stay, and they
#: tell apart columns that share a beginning or an end), whole in the unit's tooltip.
#: (Shrunk to fit, a 50-character name was a dotted line.)
NAME_MIN_SCALE = 0.8


def elided(text: str, metrics, width: float) -> str:
    """``text`` as it fits ``width`` pixels of ``metrics``' font drawn at NAME_MIN_SCALE or
    more: whole when it does, else elided in the middle with "…"."""
    if metrics.horizontalAdvance(text) * NAME_MIN_SCALE <= width:
        return text
    return metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, int(width / NAME_MIN_SCALE))


def _rect(box: tuple[float, float, float, float]) -> QRectF:
    left, top, right, bottom = box
    return QRectF(left, top, right - left, bottom - top)


#: A unit's value (a, or x for an input) is drawn this big (points at the scene's scale).
VALUE_POINTS = 20


#: The lines under a unit, each in a slot of its own (a line never moves when another
#: appears): da = ∂J/∂a, then g′ = ∂a/∂z (the activation's slope), then dz = da·g′.
GRADIENT_KEYS = ("da", "g'", "dz")
#: How each value is written on the graph (LaTeX).
VALUE_NAMES = {"da": "da", "g'": "g'", "dz": "dz", "z": "z"}


class NodeItem(QGraphicsItem):
    """A unit: a circle with its symbol and output a inside, z above, and below it da, g′
    and dz once known; an input shows its feature's name on its left (elided when long; the
    tooltip has it whole). On a backward step's chain-rule path it wears a red ring, and
    the value that is its factor of the chain (g′ of a unit, a of the unit a weight
    multiplies, da of an output) is framed."""

    def __init__(self, node_id: str, title: str, subtitle: str = "", latex: str = ""):
        super().__init__()
        self.node_id, self.title, self.subtitle = node_id, title, subtitle
        self.latex = latex or title
        self.values: dict[str, object] = {}
        self.role = ""  # "", "read", "current"
        self.color = style.INK
        self.reused = False
        self.pinned = False
        self.flagged = False  # the user's code disagrees on this unit's bias
        self.chain = False  # on the current backward step's chain-rule path
        self.chain_color: QColor | None = None  # its path's own shade (one of several), or the red
        self.factors: dict[str, str] = {}  # value key ("a", "g'", "da", "dz") -> "forward" | "backward"
        self.hovered_link = False  # its factor is hovered in the equation
        #: The pixel size (in scene units) each text was last drawn at: "value" (a or x
        #: inside the circle), "z", and each gradient key. The view's scale times these is
        #: what a person reads.
        self.drawn: dict[str, float] = {}
        self.setAcceptHoverEvents(True)
        self.setZValue(2)
        # Drawn once per change, then blitted: animation frames only move the arrows.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:
        r = CHAIN_RING + 8
        return QRectF(-r, -r, 2 * r, 2 * r).united(_rect(Z_BOX)).united(_rect(GRADIENT_BOX)) \
            .united(_rect(NAME_BOX))

    def shape(self) -> QPainterPath:
        """Hovering and clicking hit the unit itself, not the room its texts take; and,
        in quiz mode, the "?" of a hidden value beside it (a click on it shows it)."""
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), NODE_RADIUS + 2, NODE_RADIUS + 2)
        return path.united(self.hidden_shape())

    def hidden_shape(self) -> QPainterPath:
        """Quiz mode: where the "?" of a value still hidden is drawn (a inside the circle,
        z above it, da, g′, dz and db in the box below); empty when nothing is hidden."""
        path = QPainterPath()
        for key, value in self.values.items():
            if value is HIDDEN:
                if key in ("a", "J"):
                    path.addEllipse(QPointF(0, 0), NODE_RADIUS + 2, NODE_RADIUS + 2)
                else:
                    path.addRect(_rect(Z_BOX if key == "z" else GRADIENT_BOX))
        return path

    def set_state(self, values: dict, role: str, color: QColor, reused: bool = False) -> None:
        if (values, role, color, reused) != (self.values, self.role, self.color, self.reused):
            # The phase's colour object itself, not a copy: it follows a theme change.
            self.values, self.role, self.color, self.reused = dict(values), role, color, reused
            self.update()

    def set_chain(self, on: bool, factors: dict[str, str] | None = None, color: QColor | None = None) -> None:
        """On (or off) the chain-rule path, with the keys of the values that are factors,
        in ``color`` (its path's shade) or the backward red."""
        factors = dict(factors or {})
        if (on, factors, color) != (self.chain, self.factors, self.chain_color):
            self.chain, self.factors, self.chain_color = on, factors, color
            self.update()

    def set_hovered_link(self, on: bool) -> None:
        if on != self.hovered_link:
            self.hovered_link = on
            self.update()

    def set_flagged(self, flagged: bool) -> None:
        if flagged != self.flagged:
            self.flagged = flagged
            self.update()

    def tooltip_text(self) -> str:
        lines = [f"{self.title}" + (f" ({self.subtitle})" if self.subtitle else "")]
        names = {"g'": "g′ = ∂a/∂z", "b_new": "after the update: b"}
        for key in ("x", "z", "a", "da", "g'", "dz", "db", "b_new"):
            if key in self.values:
                lines.append(f"{names.get(key, key)} = {fmt(self.values[key])}")
        if self.chain:
            lines.append("On the chain rule's path of this step")
        return "\n".join(lines)

    def kind(self) -> str | None:
        """The kind of mark this unit wears now: "update" while its bias is updated, else None."""
        return "update" if self.role == "current" and self.color == style.UPDATE else None

    def ring_pen(self, width: float) -> QPen:
        """The unit's ring: dotted while its bias is updated (the update's line), else solid."""
        pen = QPen(self.color if self.role else style.INK, width)
        if self.kind() == "update":
            pen.setStyle(LINES["update"])
        return pen

    def _frame(self, painter: QPainter, rect: QRectF, arrow: str) -> None:
        """The frame of a value that is a factor of the chain: pale fill, its arrow's colour."""
        color = style.FORWARD if arrow == "forward" else style.BACKWARD
        painter.setPen(QPen(color, 3.0 if self.hovered_link else 1.8))
        painter.setBrush(QBrush(style.tint(color, 0.82)))
        painter.drawRoundedRect(rect, 6, 6)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        r = NODE_RADIUS
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = style.NODE_READ if self.role == "read" else style.NODE_FILL
        width = style.line(5.0 if self.role == "current" else 2.2)
        if self.chain:  # on the chain rule's path: a red ring outside the others
            painter.setPen(QPen(self.chain_color or style.BACKWARD, style.line(5.0 if self.hovered_link else 3.0)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(0, 0), CHAIN_RING, CHAIN_RING)
        painter.setPen(self.ring_pen(width))
        painter.setBrush(QBrush(fill))
        painter.drawEllipse(QPointF(0, 0), r, r)
        if self.reused:
            painter.setPen(QPen(style.REUSED, style.line(2.2), Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(0, 0), r + 6, r + 6)
        if self.flagged:  # the user's code gets this unit's bias wrong: an orange ring and a "!"
            painter.setPen(QPen(style.WARNING, style.line(4.0)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(0, 0), r + 4, r + 4)
            flag_badge(painter, QPointF(-r * 0.78, -r * 0.78))
        draw_math(painter, self.latex, 14, QRectF(-r + 8, -r + 5, 2 * r - 16, 26), style.INK)
        main_key = "a" if "a" in self.values else "x" if "x" in self.values else None
        if main_key is not None:
            # As wide as the circle and a little past its rim (outlined in the fill where it
            # crosses it): a 4-digit value reads large on a projector.
            box = QRectF(-r - 6, -6, 2 * r + 12, 30)
            arrow = self.factors.get("a") or self.factors.get("x")
            if arrow:
                self._frame(painter, box.adjusted(4, 0, -4, 0), arrow)
            self.drawn["value"] = draw_text_fit(painter, short(self.values[main_key]), _font(VALUE_POINTS, bold=True),
                                                box, style.INK, halo=fill)
        if "z" in self.values:
            self.drawn["z"] = draw_math(painter, "z = " + short_tex(self.values["z"]), 14, _rect(Z_BOX), style.FORWARD)
        box = _rect(GRADIENT_BOX)
        for slot, key in enumerate(GRADIENT_KEYS):
            if key not in self.values:
                continue
            line = QRectF(box.left(), box.top() + 4 + slot * GRADIENT_LINE, box.width(), GRADIENT_LINE)
            if key in self.factors:
                self._frame(painter, line.adjusted(0, 1, 0, -1), self.factors[key])
            self.drawn[key] = draw_math(painter, f"{VALUE_NAMES[key]} = " + short_tex(self.values[key]), 14, line,
                                        style.BACKWARD)
        if self.subtitle:
            box = _rect(NAME_BOX)
            painter.setFont(_font(13))
            draw_text_fit(painter, elided(self.subtitle, painter.fontMetrics(), box.width()), _font(13), box,
                          style.MUTED, Qt.AlignmentFlag.AlignRight)


class LossItem(NodeItem):
    """The loss J: a rounded square showing J's value."""

    def paint(self, painter: QPainter, option, widget=None) -> None:
        r = NODE_RADIUS
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = style.line(5.0 if self.role == "current" else 2.2)
        painter.setPen(QPen(self.color if self.role else style.INK, width))
        painter.setBrush(QBrush(style.NODE_READ if self.role == "read" else style.NODE_FILL))
        painter.drawRoundedRect(QRectF(-r, -r, 2 * r, 2 * r), 10, 10)
        draw_math(painter, "J", 15, QRectF(-r, -r + 6, 2 * r, 26), style.INK)
        if "J" in self.values:
            draw_text_fit(painter, short(self.values["J"]), _font(VALUE_POINTS - 2, bold=True), QRectF(-r + 4, -4, 2 * r - 8, 30),
                          style.INK)

    def tooltip_text(self) -> str:
        return f"J = {fmt(self.values['J'])}" if "J" in self.values else "J (not computed yet)"


class EdgeItem(QGraphicsItem):
    """A weight: width follows |w|, a solid line for w ≥ 0 and a dotted one for w < 0.
    Its label names it, w^[l]_jk = value, then adds dw once backward has it, and shows
    the new value after the update."""

    def __init__(self, edge_id: str, title: str, start: QPointF, end: QPointF, label_at: float = 0.5,
                 latex: str = ""):
        super().__init__()
        self.edge_id, self.title = edge_id, title
        self.latex = latex or title
        self.line = QLineF(start, end)
        self.label_at = label_at
        self.weight: float | None = None
        self.scale = 1.0
        self.values: dict[str, object] = {}
        self.role = ""
        self.color = style.INK
        self.label_always = True  # False when labels would cover each other: then the current step's only
        self.check: bool | None = None  # the gradient check of dw: passes, fails, or not run
        self.flagged = False  # the user's code disagrees on this weight
        self.chain = False  # its weight is a factor of the current backward step's chain
        self.chain_color: QColor | None = None  # its path's own shade, or the red
        self.hovered_link = False  # its factor is hovered in the equation
        self.spot = label_at  # where its label sits now: moved aside from lit elements
        self.label_hidden = False  # no spot clear of the lit elements: the label steps aside
        self.setAcceptHoverEvents(True)
        self.setZValue(0)
        self.label = EdgeLabel(self)

    def label_box(self, at: float | None = None) -> QRectF:
        anchor = self.line.pointAt(self.spot if at is None else at)
        r = label_rect(anchor.x(), anchor.y())
        return QRectF(r.left, r.top, r.right - r.left, r.bottom - r.top)

    def boundingRect(self) -> QRectF:
        return QRectF(self.line.p1(), self.line.p2()).normalized().adjusted(-10, -10, 10, 10)

    def shape(self) -> QPainterPath:
        path = QPainterPath(self.line.p1())
        path.lineTo(self.line.p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(14)
        return stroker.createStroke(path)

    def set_state(self, weight: float | None, scale: float, values: dict, role: str, color: QColor) -> None:
        state = (weight, scale, values, role, color)
        if state != (self.weight, self.scale, self.values, self.role, self.color):
            self.weight, self.scale, self.values = weight, scale, dict(values)
            self.role, self.color = role, color  # live: follows a theme change
            self.update()
            self._show_label()

    def _show_label(self) -> None:
        # Hidden labels cost nothing to the frames of a dense graph's animation.
        wanted = self.label_always or self.role == "current" or self.chain
        self.label.setVisible(self.weight is not None and wanted and not self.label_hidden)
        self.label.prepareGeometryChange()
        self.label.update()

    def wants_label(self) -> bool:
        """Whether this weight's label is shown at this step, room permitting."""
        return self.weight is not None and (self.label_always or self.role == "current" or self.chain)

    def set_chain(self, on: bool, color: QColor | None = None) -> None:
        if (on, color) != (self.chain, self.chain_color):
            self.chain, self.chain_color = on, color
            self.update()
            self._show_label()

    def set_hovered_link(self, on: bool) -> None:
        if on != self.hovered_link:
            self.hovered_link = on
            self.update()
            self.label.update()

    def place_label(self, at: float, hidden: bool = False) -> None:
        """Put the label at ``at`` along the edge, or hide it (no spot clear of lit elements)."""
        if (at, hidden) != (self.spot, self.label_hidden):
            self.label.prepareGeometryChange()
            self.spot, self.label_hidden = at, hidden
            self._show_label()

    def set_marks(self, check: bool | None, flagged: bool) -> None:
        if (check, flagged) != (self.check, self.flagged):
            self.check, self.flagged = check, flagged
            self.update()
            self.label.update()

    def tooltip_text(self) -> str:
        lines = [self.title]
        if self.weight is not None:
            lines.append(f"w = {fmt(self.weight)}")
        for key in ("dw", "new"):
            if key in self.values:
                lines.append(("dw = " if key == "dw" else "after the update: w = ") + fmt(self.values[key]))
        return "\n".join(lines)

    def label_lines(self) -> list[tuple[str, QColor]]:
        """The label's lines as LaTeX, each with its colour."""
        if "new" in self.values:
            # Short like every number here, unless that reads as the old weight: a small
            # update must not look like none (0.1 ← 0.10001 then shows five digits).
            new = self.values["new"]
            text = short_tex(new) if short(new) != short(self.weight) else tex(new)
            lines = [(self.latex + r" \leftarrow " + text, style.UPDATE)]
        else:
            lines = [(self.latex + " = " + short_tex(self.weight), style.INK)]
        if "dw" in self.values:
            lines.append(("dw = " + short_tex(self.values["dw"]), style.BACKWARD))
        return lines

    def check_mark(self) -> str:
        """"✓" or "✗" beside dw (the finite-difference check passes or fails), else ""."""
        if "dw" not in self.values or self.check is None or self.values["dw"] is HIDDEN:
            return ""
        return "✓" if self.check else "✗"

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        magnitude = 0 if self.weight is None else abs(self.weight) / self.scale if self.scale else 0
        width = style.line(1.4 + 6.0 * min(magnitude, 1.0))
        negative = self.weight is not None and self.weight < 0
        color = style.EDGE_NEGATIVE if negative else style.EDGE_POSITIVE
        if self.role == "current":  # a pale band under the step's arrow, which carries the dashes
            color = style.tint(self.color, 0.6)
        elif self.chain:  # on the chain rule's path: a pale red band under its arrow
            color = style.tint(self.chain_color or style.BACKWARD, 0.45 if self.hovered_link else 0.7)
            width += 4
        if self.flagged:  # an orange band under the weight the user's code gets wrong
            band = QColor(style.WARNING)
            band.setAlpha(150)
            painter.setPen(QPen(band, width + 12))
            painter.drawLine(self.line)
        # Solid whatever the sign (brown for a negative weight): dashes mean the backward
        # pass on this graph, and a dotted edge was read as one.
        painter.setPen(QPen(color, width + (6 if self.role == "current" else 0)))
        painter.drawLine(self.line)
        pen = self.mark_pen()
        if pen is not None:  # an update: dots along the weight, in the update's colour
            painter.setPen(pen)
            painter.drawLine(self.line)
        if self.flagged:
            flag_badge(painter, self.line.pointAt(0.2))

    def kind(self) -> str | None:
        """The kind of mark this weight wears now: "update" while it is updated, else None
        (a forward or backward step marks it with an ArrowItem)."""
        return "update" if self.role == "current" and self.color == style.UPDATE else None

    def mark_pen(self) -> QPen | None:
        """The line an update draws along the weight (None for other steps)."""
        if self.kind() != "update":
            return None
        pen = QPen(style.UPDATE, style.line(3.2), LINES["update"], Qt.PenCapStyle.RoundCap)
        return pen


class EdgeLabel(QGraphicsItem):
    """An edge's label, drawn above the step arrows so that an arrow never hides a value."""

    def __init__(self, edge: EdgeItem):
        super().__init__()
        self.edge = edge
        self.drawn = math.inf  # the smallest pixel size (scene units) of its lines, as last drawn
        self.setZValue(1.5)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setVisible(False)  # until its edge has a weight to show

    def boundingRect(self) -> QRectF:
        return self.edge.label_box().adjusted(-2, -2, 9, 6)  # the check's badge sits on a corner

    LINE_HEIGHT = 24.0

    def _box(self, lines: int) -> QRectF:
        area = self.edge.label_box()
        height = self.LINE_HEIGHT * lines + 2
        return QRectF(area.left(), area.center().y() - height / 2, area.width(), height)

    def _line_rect(self, box: QRectF, i: int) -> QRectF:
        return QRectF(box.left() + 5, box.top() + 1 + i * self.LINE_HEIGHT, box.width() - 10, self.LINE_HEIGHT)

    def hidden_rect(self) -> QRectF | None:
        """Quiz mode: the line whose value is "?" (the new weight's, the first; dw's, the
        second), in item coordinates; None when nothing is hidden."""
        values = self.edge.values
        hidden = 0 if values.get("new") is HIDDEN else 1 if values.get("dw") is HIDDEN else None
        if hidden is None:
            return None
        return self._line_rect(self._box(len(self.edge.label_lines())), hidden)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        edge = self.edge
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        lines = edge.label_lines()
        box = self._box(len(lines))
        current = edge.role == "current"
        sizes = []
        border = (style.WARNING if edge.flagged else edge.color if current
                  else (edge.chain_color or style.BACKWARD) if edge.chain else style.LABEL_BORDER)
        painter.setPen(QPen(border, 2.6 if edge.flagged else 1.6 if current else 1.0))
        painter.setBrush(QBrush(style.LABEL_FILL))
        painter.drawRoundedRect(box, 5, 5)
        for i, (latex, color) in enumerate(lines):
            line = self._line_rect(box, i)
            if i == 0 and edge.chain:  # the weight is the factor: framed as a unit's factor is
                painter.setPen(QPen(style.BACKWARD, 3.0 if edge.hovered_link else 1.8))
                painter.setBrush(QBrush(style.tint(style.BACKWARD, 0.82)))
                painter.drawRoundedRect(line.adjusted(-3, 1, 3, 0), 4, 4)
            sizes.append(draw_math(painter, latex, 13.5, line, color))
        self.drawn = min(sizes, default=math.inf)
        mark = edge.check_mark()
        if mark:  # a badge on the box's corner, so that it takes nothing from the numbers' room
            color = style.UPDATE if mark == "✓" else style.BACKWARD
            centre = QPointF(box.right() - 2, box.bottom() - 4)
            painter.setPen(QPen(style.LABEL_FILL, 1.5))
            painter.setBrush(QBrush(color))
            painter.drawEllipse(centre, 8.5, 8.5)
            painter.setPen(style.SURFACE)
            painter.setFont(_font(9, bold=True))
            painter.drawText(QRectF(centre.x() - 8.5, centre.y() - 8.5, 17, 17), Qt.AlignmentFlag.AlignCenter, mark)


class ArrowItem(QGraphicsItem):
    """The current step's arrow along one edge: blue and solid forward, red and dashed
    backward, with a pulse that travels from tail to head as ``progress`` goes 0 → 1."""

    def __init__(self, tail: QPointF, head: QPointF, direction: str, color: QColor | None = None):
        super().__init__()
        self.line = QLineF(tail, head)
        self.direction = direction
        self.color = color  # a path's own shade, else the direction's colour
        self.progress = 0.0
        self.setZValue(1)

    def boundingRect(self) -> QRectF:
        return QRectF(self.line.p1(), self.line.p2()).normalized().adjusted(-16, -16, 16, 16)

    def set_progress(self, progress: float) -> None:
        self.progress = progress
        self.update()

    def pen(self) -> QPen:
        """The arrow's line: its kind's dash (LINES), in its colour, wider in high contrast."""
        color = self.color or (style.BACKWARD if self.direction == "backward" else style.FORWARD)
        return QPen(color, style.line(3.2), LINES[self.direction])

    def head(self) -> str | None:
        return HEADS[self.direction]

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = self.pen().color()
        painter.setPen(self.pen())
        line = QLineF(self.line.pointAt(0.0), self.line.pointAt(0.97))
        painter.drawLine(line)
        angle = math.atan2(line.dy(), line.dx())
        tip = line.p2()
        size = style.line(14)
        head = QPolygonF([
            QPointF(tip.x() - size * math.cos(angle - 0.4), tip.y() - size * math.sin(angle - 0.4)),
            tip,
            QPointF(tip.x() - size * math.cos(angle + 0.4), tip.y() - size * math.sin(angle + 0.4)),
        ])
        if self.head() == "open":  # backward: an open chevron, drawn solid
            painter.setPen(QPen(color, style.line(3.2), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                Qt.PenJoinStyle.RoundJoin))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(head)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(color))
            painter.drawPolygon(head)
        pulse = self.line.pointAt(min(max(self.progress, 0.0), 1.0))
        painter.setBrush(QBrush(color.lighter(115)))
        painter.setPen(QPen(style.SURFACE, 2))
        painter.drawEllipse(pulse, 8, 8)
