"""Typeset the LaTeX subset bpviz's formulas use, with QPainter: fast enough to redo on
every step (well under a millisecond) and colourable factor by factor.

Supported: \\frac{}{}, ^{} and _{}, \\left( \\right) and [ ], \\sum, \\cdot, \\odot,
\\partial, Greek letters, \\log \\max \\tanh, \\mathbb{1}, \\, and plain characters.
Letters are set in italic (variables), digits, operators and names upright.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from bpviz.gui import style

SYMBOLS = {
    "cdot": "·", "odot": "⊙", "partial": "∂", "sigma": "σ", "alpha": "α", "delta": "δ",
    "sum": "Σ", "times": "×", "leftarrow": "←", "to": "→", "ge": "≥", "le": "≤",
}
NAMES = {"log", "max", "tanh", "exp", "min"}
RELATIONS = {"leftarrow", "to", "ge", "le"}
SERIF = "DejaVu Serif"


@dataclass
class Box:
    """A laid-out piece: width, height above and below the baseline, and how to draw it."""

    width: float
    ascent: float
    descent: float
    parts: list = field(default_factory=list)  # (dx, dy, kind, payload)

    @property
    def height(self) -> float:
        return self.ascent + self.descent


def _font(size: float, italic: bool = False) -> QFont:
    font = QFont(SERIF)
    font.setPointSizeF(max(size, 4.0))
    font.setItalic(italic)
    return font


def _text_box(text: str, size: float, italic: bool) -> Box:
    font = _font(size, italic)
    metrics = QFontMetricsF(font)
    width = metrics.horizontalAdvance(text) + (size * 0.08 if italic else 0)
    return Box(width, metrics.ascent() * 0.8, metrics.descent(), [(0, 0, "text", (text, size, italic))])


def _hbox(boxes: list[Box]) -> Box:
    out = Box(0, 0, 0)
    for box in boxes:
        out.parts.append((out.width, 0, "box", box))
        out.width += box.width
        out.ascent = max(out.ascent, box.ascent)
        out.descent = max(out.descent, box.descent)
    return out


class _Parser:
    """Recursive descent over the token stream; produces Boxes directly."""

    def __init__(self, source: str, size: float):
        self.s, self.i, self.size = source, 0, size

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def group(self, size: float) -> Box:
        """A {...} group or a single item."""
        if self.peek() == "{":
            self.i += 1
            box = self.sequence(size, closing="}")
            self.i += 1  # the closing brace
            return box
        return self.atom(size) or Box(0, 0, 0)

    def command(self) -> str:
        start = self.i
        self.i += 1
        if self.i < len(self.s) and not self.s[self.i].isalpha():
            self.i += 1
            return self.s[start + 1:self.i]
        while self.i < len(self.s) and self.s[self.i].isalpha():
            self.i += 1
        return self.s[start + 1:self.i]

    def atom(self, size: float) -> Box | None:
        c = self.peek()
        if not c or c == "}":
            return None
        if c == "\\":
            name = self.command()
            if name == "frac":
                return _frac(self.group(size * 0.85), self.group(size * 0.85), size)
            if name in ("left", "right"):
                return None  # the delimiter itself follows; handled by sequence()
            if name == "text" and self.peek() == "{":  # \text{words}: upright, spaces kept
                end = self.s.find("}", self.i)
                end = len(self.s) if end < 0 else end
                words, self.i = self.s[self.i + 1:end], end + 1
                return _text_box(words, size, False)
            if name == "mathbb":  # \mathbb{1}, the indicator: drawn as an upright 1
                return self.group(size)
            if name == ",":
                return Box(size * 0.25, 0, 0)
            if name in NAMES:  # an operator name, with thin spaces around it
                return _hbox([Box(size * 0.12, 0, 0), _text_box(name, size, False), Box(size * 0.18, 0, 0)])
            if name == "sum":
                return _text_box("Σ", size * 1.25, False)
            if name in RELATIONS:  # spaced like =
                pad = size * 0.28
                return _hbox([Box(pad, 0, 0), _text_box(SYMBOLS[name], size, False), Box(pad, 0, 0)])
            return _text_box(SYMBOLS.get(name, name), size, False)
        self.i += 1
        if c == " ":
            return Box(size * 0.12, 0, 0)
        if c in "+-=<>←":
            box = _text_box("−" if c == "-" else c, size, False)
            before = self.s[:self.i - 1].rstrip()
            if c in "+-" and (not before or before[-1] in "([{=^_,"):
                return box  # a sign, not an operation: no spacing
            pad = size * 0.28
            return _hbox([Box(pad, 0, 0), box, Box(pad, 0, 0)])
        if c == "{":
            self.i -= 1
            return self.group(size)
        return _text_box(c, size, c.isalpha())

    def sequence(self, size: float, closing: str = "") -> Box:
        boxes: list[Box] = []
        while self.i < len(self.s) and (closing == "\\right" or self.peek() != closing):
            c = self.peek()
            if c in "^_" and boxes:
                boxes[-1] = self.scripts(boxes[-1], size)
                continue
            if self._at_command("left"):
                self.command()
                opening = self.s[self.i]
                self.i += 1
                inner = self.sequence(size, closing="\\right")
                self.command()  # \right
                closing_char = self.s[self.i] if self.i < len(self.s) else ")"
                self.i += 1
                boxes.append(_delimited(opening, inner, closing_char, size))
                continue
            if closing == "\\right" and self._at_command("right"):
                break
            box = self.atom(size)
            if box is not None:
                boxes.append(box)
        return _hbox(boxes)

    def _at_command(self, name: str) -> bool:
        """True at "\\name" not followed by a letter (so \\left is not \\leftarrow)."""
        end = self.i + 1 + len(name)
        return self.s.startswith("\\" + name, self.i) and not self.s[end:end + 1].isalpha()

    def scripts(self, base: Box, size: float) -> Box:
        sup = sub = None
        while self.peek() in ("^", "_"):
            mark = self.peek()
            self.i += 1
            box = self.group(size * 0.68)
            if mark == "^":
                sup = box
            else:
                sub = box
        width = base.width + max(sup.width if sup else 0, sub.width if sub else 0) + size * 0.05
        out = Box(width, base.ascent, base.descent, [(0, 0, "box", base)])
        if sup:
            rise = base.ascent * 0.55 + sup.descent
            out.parts.append((base.width + size * 0.04, -rise, "box", sup))
            out.ascent = max(out.ascent, rise + sup.ascent)
        if sub:
            drop = max(base.descent, size * 0.25) + sub.ascent * 0.35
            out.parts.append((base.width + size * 0.02, drop, "box", sub))
            out.descent = max(out.descent, drop + sub.descent)
        return out


def _frac(num: Box, den: Box, size: float) -> Box:
    axis = size * 0.33  # the fraction bar sits at the maths axis above the baseline
    gap = size * 0.18
    width = max(num.width, den.width) + size * 0.3
    out = Box(width, axis + gap + num.height, den.height + gap - axis)
    out.parts.append(((width - num.width) / 2, -(axis + gap + num.descent), "box", num))
    out.parts.append(((width - den.width) / 2, -axis + gap + den.ascent, "box", den))
    out.parts.append((size * 0.1, -axis, "rule", width - size * 0.2))
    return out


def _delimited(opening: str, inner: Box, closing: str, size: float) -> Box:
    pad = size * 0.32
    out = Box(inner.width + 2 * pad + size * 0.1, inner.ascent + size * 0.06, inner.descent + size * 0.06)
    out.parts.append((0, 0, "delim", (opening, pad, inner.ascent, inner.descent, size)))
    out.parts.append((pad + size * 0.05, 0, "box", inner))
    out.parts.append((pad + inner.width + size * 0.05, 0, "delim", (closing, pad, inner.ascent, inner.descent, size)))
    return out


@lru_cache(maxsize=512)
def layout(latex: str, size: float = 18.0) -> Box:
    """The laid-out formula; cached, since a trace shows the same formulas again. The
    formulas hold the live numbers, so every update brings new ones: 512 of them (about
    7 MB) hold several updates' worth of steps without growing with the session."""
    return _Parser(latex, size).sequence(size)


def paint(painter: QPainter, box: Box, x: float, baseline: float, color: QColor) -> None:
    """Draw ``box`` with its baseline starting at (x, baseline)."""
    painter.setPen(QPen(color))
    for dx, dy, kind, payload in box.parts:
        if kind == "box":
            paint(painter, payload, x + dx, baseline + dy, color)
        elif kind == "text":
            text, size, italic = payload
            painter.setFont(_font(size, italic))
            painter.drawText(QPointF(x + dx, baseline + dy), text)
        elif kind == "rule":
            pen = QPen(color, max(1.0, box.ascent * 0.04))
            painter.setPen(pen)
            painter.drawLine(QPointF(x + dx, baseline + dy), QPointF(x + dx + payload, baseline + dy))
            painter.setPen(QPen(color))
        elif kind == "delim":
            _paint_delimiter(painter, x + dx, baseline, payload, color)


def _paint_delimiter(painter, x, baseline, payload, color) -> None:
    char, pad, ascent, descent, size = payload
    top, bottom = baseline - ascent, baseline + descent
    pen = QPen(color, max(1.2, size * 0.07))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    if char in "([":
        x0, x1 = x + pad * 0.9, x - pad * 0.2
    else:
        x0, x1 = x + pad * 0.1, x + pad * 1.2
    if char in "[]":
        painter.drawPolyline([QPointF(x0, top), QPointF(x1, top), QPointF(x1, bottom), QPointF(x0, bottom)])
    else:
        from PySide6.QtGui import QPainterPath

        path = QPainterPath(QPointF(x0, top))
        path.quadTo(QPointF(x1, (top + bottom) / 2), QPointF(x0, bottom))
        painter.drawPath(path)
    painter.setPen(QPen(color))


class MathLabel(QWidget):
    """A widget showing one typeset formula, left-aligned and vertically centred."""

    def __init__(self, latex: str = "", size: float = 18.0, parent: QWidget | None = None):
        super().__init__(parent)
        self._latex, self._size = latex, size
        self._color = style.INK  # live: follows the theme
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

    def set_latex(self, latex: str, color: QColor | str | None = None) -> None:
        self._latex = latex
        if color is not None:  # a theme colour is kept as it is, so it follows the theme
            self._color = color if isinstance(color, QColor) else QColor(color)
        self.updateGeometry()
        self.update()

    def set_point_size(self, size: float) -> None:
        self._size = size
        self.updateGeometry()
        self.update()

    def latex(self) -> str:
        return self._latex

    def sizeHint(self):
        box = layout(self._latex, self._size)
        from PySide6.QtCore import QSize

        return QSize(int(box.width) + 8, int(box.height) + 10)

    def minimumSizeHint(self):
        from PySide6.QtCore import QSize

        # A long or tall formula shrinks (down to 60 %), never widens or heightens the window.
        return QSize(40, max(16, round(self.sizeHint().height() * 0.6)))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        box = layout(self._latex, self._size)
        scale = min(1.0, (self.width() - 8) / box.width, (self.height() - 4) / box.height) if box.width else 1.0
        painter.translate(4, self.height() / 2)
        painter.scale(scale, scale)
        paint(painter, box, 0, box.ascent - box.height / 2, self._color)
        painter.end()

