"""The model diagram: layer blocks labelled with their matrix shapes, as the tutorial
walks through them, blue forward / red backward arrows that pulse through the vectorised
trace's steps while a run goes on, and each layer shaded by its latest gradient norm."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QLinearGradient, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from bpviz.gui import style
from bpviz.gui.training.logaxis import decade_text, decades
from bpviz.nn.network import Network
from bpviz.nn.notation import LOSS_NODE, layer_id
from bpviz.nn.trace import Step, trace_layers

STEP_MS = 80  # one step of a pulse: the widget repaints only when the step changes
FADE = 0.55  # an arrow's glow left after each later step
PULSE_EVERY_S = 2.5  # at most one pulse this often, however fast the updates come
#: The blocks' margin, and the caption's and the blocks' height at 100 %, in pixels.
MARGIN, CAPTION, BLOCK = 8.0, 26.0, 118.0
#: A layer's shade: the backward red taken this far towards the background for the
#: smallest gradient norm of the scale and for the largest (a vanishing gradient is pale).
PALEST, DEEPEST = 0.9, 0.4


def shade(t: float) -> QColor:
    """The fill of a layer whose log10 ‖dW‖ is at ``t`` (0..1) of the scale's decades."""
    t = min(max(t, 0.0), 1.0)
    return style.tint(style.BACKWARD, PALEST + (DEEPEST - PALEST) * t)


@dataclass(frozen=True)
class Block:
    """One box of the diagram: its id (L0.., J), title and lines of shapes."""

    id: str
    title: str
    subtitle: str
    lines: tuple[str, ...]


def blocks_of(net: Network) -> list[Block]:
    sizes = net.layer_sizes
    blocks = [Block(layer_id(0), "input", "", (f"X = A[0] ({sizes[0]}, m)",))]
    for l in range(1, net.L + 1):
        n, p = sizes[l], sizes[l - 1]
        subtitle = net.activations[l - 1] + (", output" if l == net.L else "")
        blocks.append(Block(layer_id(l), f"layer {l}", subtitle, (f"W[{l}] ({n}, {p})", f"b[{l}] ({n}, 1)",
                                                                  f"A[{l}] ({n}, m)")))
    blocks.append(Block(LOSS_NODE, "cost", net.loss.name, (f"Y ({sizes[-1]}, m)",)))
    return blocks


class ModelDiagram(QWidget):
    """Call ``set_network`` once per model and ``pulse`` on every (throttled) progress update."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(90)
        self.blocks: list[Block] = []
        self.steps: list[Step] = []
        self.m_text = ""
        #: The layers' latest ‖dW[l]‖ (l = 1..L), and the decades (low, high) of log10 the
        #: shades span: those of every norm of the run so far, only widening.
        self.norms: tuple[float, ...] = ()
        self.norm_decades: tuple[int, int] | None = None
        self.current: Step | None = None
        self.glow: dict[tuple[str, int], float] = {}  # ("forward"|"backward", i) -> 0..1
        self.scale = 1.0  # the UI scale: the largest text size, and the caption's
        self._next = 0
        self._last_pulse = -PULSE_EVERY_S
        self._stepper = QTimer(self)
        self._stepper.setInterval(STEP_MS)
        self._stepper.timeout.connect(self._on_step)

    def sizeHint(self) -> QSize:
        return QSize(900, self.planned_height())

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.updateGeometry()
        self.update()

    def planned_height(self) -> int:
        """The height that shows the blocks' text at the scale: less makes it smaller."""
        return round(2 * MARGIN + (CAPTION + BLOCK) * self.scale)

    def set_network(self, net: Network | None, m: int | None = None) -> None:
        self.stop()
        self.blocks = blocks_of(net) if net is not None else []
        # The forward, loss and backward steps, in order; the update has no arrow.
        self.steps = [s for s in trace_layers(net, "m") if s.arrow] if net is not None else []
        self.m_text = f"m = {m:,} examples per update" if m else ""
        self.current = None
        self.norms, self.norm_decades = (), None
        self.update()

    def set_gradients(self, history) -> None:
        """Shade each layer by the latest ‖dW[l]‖ of ``history`` (a RunHistory), on a scale
        by whole decades that holds every norm the run has recorded so far."""
        norms = tuple(s.dW_norm for s in history.latest_layers)
        if not norms or norms == self.norms or len(norms) != len(self.blocks) - 2:
            return
        self.norms = norms
        self.norm_decades = decades(norms, self.norm_decades)
        self.update()

    def clear_gradients(self) -> None:
        """No shades (and no legend of them): the run they came from is gone."""
        self.norms, self.norm_decades = (), None
        self.update()

    def layer_shade(self, l: int) -> QColor | None:
        """Layer ``l``'s fill (from 1), or None when it has no gradient norm to show."""
        if not self.norms or self.norm_decades is None or not 0 < self.norms[l - 1] < math.inf:
            return None
        low, high = self.norm_decades
        return shade((math.log10(self.norms[l - 1]) - low) / (high - low))

    def pulse(self) -> None:
        """Play the steps of one update along the arrows, unless a pulse is still playing
        or one started less than PULSE_EVERY_S ago."""
        now = time.monotonic()
        if not self.steps or self._stepper.isActive() or now - self._last_pulse < PULSE_EVERY_S:
            return
        self._last_pulse = now
        self._next = 0
        self.glow.clear()
        self._stepper.start()
        self._on_step()

    def is_pulsing(self) -> bool:
        return self._stepper.isActive()

    def stop(self) -> None:
        self._stepper.stop()
        self._last_pulse = -PULSE_EVERY_S
        self.glow.clear()
        self.current = None
        self.update()

    def _on_step(self) -> None:
        if self._next >= len(self.steps):  # the pulse ends: back to the quiet picture
            self._stepper.stop()
            self.glow.clear()
            self.current = None
            self.update()
            return
        step = self.steps[self._next]
        self._next += 1
        self.current = step
        self.glow = {key: value * FADE for key, value in self.glow.items() if value > 0.1}
        for edge in step.edges:
            self.glow[(step.arrow, int(edge[1:]) - 1)] = 1.0
        self.update()

    # Painting ----------------------------------------------------------------------------
    def _rects(self) -> list[QRectF]:
        n = len(self.blocks)
        margin, gap = MARGIN, 28.0
        caption = CAPTION * self.caption_scale()
        width = (self.width() - 2 * margin - gap * (n - 1)) / max(n, 1)
        height = min(self.height() - caption - 2 * margin, BLOCK * self.scale)
        top = margin + (self.height() - caption - 2 * margin - height) / 2
        return [QRectF(margin + i * (width + gap), top, width, height) for i in range(n)]

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), style.SURFACE)
        if not self.blocks:
            painter.setPen(style.MUTED)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "The model's layers and matrix shapes appear here when a run starts.")
            return
        rects = self._rects()
        # As large as the scale asks, as wide as a block, and as high: 118 px hold 12 pt.
        self._size = self._fitting_size(rects[0].width() - 18, 12.0 * min(self.scale, rects[0].height() / BLOCK))
        active = set(self.current.nodes) if self.current else set()
        for i in range(len(rects) - 1):
            self._arrow(painter, rects[i], rects[i + 1], "forward", self.glow.get(("forward", i), 0.0))
            self._arrow(painter, rects[i], rects[i + 1], "backward", self.glow.get(("backward", i), 0.0))
        for i, (block, rect) in enumerate(zip(self.blocks, rects)):
            fill = self.layer_shade(i) if 0 < i < len(self.blocks) - 1 else None
            self._block(painter, block, rect, block.id in active, fill)
        self._caption(painter)

    def _fitting_size(self, width: float, largest: float = 12.0) -> float:
        """The largest point size (up to ``largest``) at which every block's text fits."""
        metrics = QFontMetricsF(self._font(10, bold=True))
        widest = max(metrics.horizontalAdvance(text) for b in self.blocks
                     for text in (b.title, b.subtitle, *b.lines))
        return max(7.0, min(largest, 0.92 * 10 * width / widest))  # hinting makes text a bit wider

    def _font(self, size: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(size)
        font.setBold(bold)
        return font

    def _block(self, painter: QPainter, block: Block, rect: QRectF, active: bool, fill: QColor | None) -> None:
        color = style.phase_color(self.current.phase) if active and self.current else style.LABEL_BORDER
        painter.setPen(QPen(color, 3 if active else 1.5))
        painter.setBrush(fill if fill is not None else style.NODE_READ if active else style.BACKGROUND)
        painter.drawRoundedRect(rect, 8, 8)
        inner = rect.adjusted(8, 6, -8, -6)
        size = self._size
        painter.setFont(self._font(size, bold=True))
        painter.setPen(style.INK)
        painter.drawText(inner, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter, block.title)
        painter.setFont(self._font(size))
        line = painter.fontMetrics().height()
        painter.setPen(style.MUTED if fill is None else style.INK)  # muted grey does not read on a shade
        painter.drawText(QRectF(inner.left(), inner.top() + line, inner.width(), line),
                         Qt.AlignmentFlag.AlignHCenter, block.subtitle)
        painter.setPen(style.INK)
        y = inner.top() + line * 2.3
        for text in block.lines:
            painter.drawText(QRectF(inner.left(), y, inner.width(), line),
                             Qt.AlignmentFlag.AlignHCenter, text)
            y += line * 1.1

    def _arrow(self, painter: QPainter, left: QRectF, right: QRectF, kind: str, glow: float) -> None:
        forward = kind == "forward"
        color = QColor(style.FORWARD if forward else style.BACKWARD)
        quiet = 0.6  # at rest: quiet, yet 3:1 on the background (its glow is wider and whole)
        color.setAlphaF(quiet + (1 - quiet) * glow)
        pen = QPen(color, 2 + 3 * glow)
        pen.setStyle(Qt.PenStyle.SolidLine if forward else Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        y = left.center().y() + (-14 if forward else 14)
        a, b = QPointF(left.right() + 4, y), QPointF(right.left() - 4, y)
        start, end = (a, b) if forward else (b, a)
        painter.drawLine(start, end)
        head = 9 + 3 * glow
        direction = 1 if forward else -1
        path = QPainterPath(end)
        path.lineTo(end.x() - direction * head, end.y() - head * 0.6)
        path.lineTo(end.x() - direction * head, end.y() + head * 0.6)
        path.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPath(path)

    def caption_scale(self) -> float:
        """The caption's scale: the UI scale, or less when the diagram is lower than planned."""
        return max(0.6, min(self.scale, self.height() / self.planned_height() * self.scale))

    def _caption(self, painter: QPainter) -> None:
        rect, font, text = self.caption()
        if self.norm_decades is not None:  # the shades' legend keeps the caption's right end
            self._shade_legend(painter, QRectF(rect.left(), rect.top(), self.width() - 24, rect.height()))
        painter.setPen(style.MUTED if self.current is None else style.phase_color(self.current.phase))
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def caption(self) -> tuple[QRectF, QFont, str]:
        """The caption under the blocks as drawn: its room (left of the shades' legend),
        font and text. The text shrinks to fit, down to 7 pt; narrower still, the legend
        of the arrows drops the "m = ..." part, then loses its end to an ellipsis."""
        s = self.caption_scale()
        rect = QRectF(12, self.height() - (CAPTION - 2) * s, self.width() - 24, (CAPTION - 4) * s)
        if self.norm_decades is not None:  # the shades' legend keeps the caption's right end
            rect.setWidth(rect.width() - self._shade_legend_width() - 16 * s)
        if self.current is None:
            text = "Blue: forward pass (solid). Red: backward pass (dashed)."
            texts = (f"{text}   {self.m_text}.", text) if self.m_text else (text,)
            font, text = _fitted(self._font(10 * s), texts, rect.width())
        else:
            step = self.current
            texts = (f"{step.symbol.text} = {step.formula.text}     {step.shapes}",)
            font, text = _fitted(self._font(11 * s, bold=True), texts, rect.width())
        return rect, font, text

    def shade_legend_text(self) -> tuple[str, str, str]:
        """The shades' legend: its words and the two ends of its bar, as drawn."""
        low, high = self.norm_decades
        return "shade: ‖dW[l]‖", decade_text(low), decade_text(high)

    def _shade_legend_width(self) -> float:
        s = self.caption_scale()
        metrics = QFontMetricsF(self._font(max(7.0, 10 * s)))
        return sum(metrics.horizontalAdvance(t) for t in self.shade_legend_text()) + 56 * s + 3 * 6 * s

    def _shade_legend(self, painter: QPainter, rect: QRectF) -> float:
        """Draw "shade: ‖dW[l]‖ 10⁻⁴ ▭ 10⁻¹" (the bar pale to deep) at the right end of
        ``rect``; return its width."""
        s = self.caption_scale()
        words, low, high = self.shade_legend_text()
        font = self._font(max(7.0, 10 * s))
        metrics = QFontMetricsF(font)
        bar, gap = 56 * s, 6 * s
        parts = [metrics.horizontalAdvance(t) for t in (words, low, high)]
        width = self._shade_legend_width()
        painter.setFont(font)
        painter.setPen(style.INK)
        x = rect.right() - width
        for text, advance in ((words, parts[0]), (low, parts[1])):
            painter.drawText(QRectF(x, rect.top(), advance + 1, rect.height()), Qt.AlignmentFlag.AlignVCenter, text)
            x += advance + gap
        box = QRectF(x, rect.center().y() - 6 * s, bar, 12 * s)
        gradient = QLinearGradient(box.left(), 0, box.right(), 0)
        for t in (0.0, 0.5, 1.0):
            gradient.setColorAt(t, shade(t))
        painter.setBrush(gradient)
        painter.setPen(QPen(style.LABEL_BORDER, 1))
        painter.drawRect(box)
        painter.setPen(style.INK)
        painter.drawText(QRectF(box.right() + gap, rect.top(), parts[2] + 1, rect.height()),
                         Qt.AlignmentFlag.AlignVCenter, high)
        return width


def _fitted(font: QFont, texts: tuple[str, ...], width: float) -> tuple[QFont, str]:
    """The first of ``texts`` that fits ``width`` in ``font`` made smaller down to 7 pt (the
    last one elided at its end when none does), and that font."""
    points = font.pointSizeF()
    for text in texts:
        fitted = QFont(font)
        wide = QFontMetricsF(font).horizontalAdvance(text)
        fitted.setPointSizeF(max(7.0, min(points, points * width / wide)) if wide > 0 else points)
        if QFontMetricsF(fitted).horizontalAdvance(text) <= width:
            return fitted, text
    return fitted, QFontMetricsF(fitted).elidedText(text, Qt.TextElideMode.ElideRight, width)
