"""The equation panel: the current step typeset as symbols, with numbers, and its result;
for a weight's gradient, the whole chain of factors, each coloured like its arrow.

Its shape holds still while steps play: the panel's height and its arrangement (the chain
beside the three lines, or under them) follow from the network, the panel's width and the
UI scale, never from the step shown or the row's numbers. A formula wider or taller than
its place shrinks to fit it instead of moving anything.
"""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QPainter, QPen
from PySide6.QtWidgets import (
    QBoxLayout, QFrame, QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget,
)

from bpviz.gui import style
from bpviz.gui.widgets.mathtex import MathLabel, layout as typeset, paint
# The chain's rows and the phases' titles are the handout's too (bpviz.handout: no Qt).
from bpviz.handout import CHAIN_ROWS, PHASE_TITLES, chain_rows, more_latex, row_pieces  # noqa: F401
from bpviz.nn.notation import result
from bpviz.nn.trace import Step

#: A line of the three is at most this many times as tall as a plain line.
TALL_LINE = 1.15
#: The chain's factors are typeset this much smaller than the three lines.
CHAIN_SIZE = 0.78
RESULT_SIZE = 1.1
#: At most this share of a page's (or an exported frame's) height goes to the equation
#: panel when the UI scale is raised; past it, the panel stays at the largest scale that fits.
EQUATION_SHARE = 0.45
#: ... and in a window too small for the equation at 100 %, it goes down to this scale
#: (the equation only; the transport's buttons keep their size).
MIN_FIT_SCALE = 0.8
#: Side by side when the panel is at least this share of what both columns want (the
#: formulas then shrink a little rather than go under each other).
SIDE_BY_SIDE_AT = 0.8
#: Every number of a trace is measured as this one, so that where things go does not
#: depend on a row's numbers. It is wider than most (over the toy presets, the lines
#: measured this way are at most 7 % narrower than with the real numbers).
TYPICAL_NUMBER = "-0.0000"
#: A number in a formula, not an index: not inside ^{[l]} or _{jk}.
_NUMBER = re.compile(r"(?<![\[{_^\w.])\(?-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\)?")
_DIGIT = re.compile(r"[1-9]")
#: What a line must hold at least: a symbol with its layer and indices, and a fraction.
SAMPLE_LINE = r"dw^{[1]}_{21} = dz^{[1]}_{2}\cdot a^{[0]}_{1}"
SAMPLE_FRACTION = r"\frac{\partial J}{\partial a^{[2]}_{1}}\,(0.5)"
#: A line of the user's code quoted under its value is cut to this many characters.
CODE_LINE_SHOWN = 44
#: The gradient-check line, the user's comparison and the line of their code that wrote
#: the value, as long and as bold as the page writes them (bold is wider: the room is
#: measured with it).
CHECK_SAMPLE = ("Gradient check: finite difference -0.00000, relative error 0.0e-00 <b>✓ passes</b> "
                "(threshold 1e-06)<br><b>Your code (implied by its update): dw[1]_21 = -0.00000 "
                "✗ disagrees</b> — backprop's chain above gives -0.00000"
                f"<br><b>line 399</b> (derivative at A): <code>{'m' * CODE_LINE_SHOWN}</code>")
NOTE_SAMPLE = "Reuses from the cache, not recomputed: dz[1]_2 (step 17), a[0]_1 (step 1)<br>Shapes: (2,1)·(1,2) → (2,2)"


def largest_fitting(wanted: float, least: float, apply, fits) -> float:
    """The largest scale from ``wanted`` down to ``least``, in tenths (125 % may not fit where
    110 % does), that ``fits()`` once ``apply``-ed: ``wanted`` itself, else found by halving
    the range (a larger scale never fits where a smaller one does not)."""
    apply(wanted)
    if wanted <= least or fits():
        return wanted
    tenths = [t / 10 for t in range(math.ceil(round(wanted * 10, 6) - 1), math.ceil(round(least * 10, 6)) - 1, -1)]
    low, high = 0, len(tenths)  # the answer is tenths[i] for the first i that fits, else least
    while low < high:
        middle = (low + high) // 2
        apply(tenths[middle])
        if fits():
            high = middle
        else:
            low = middle + 1
    return tenths[low] if low < len(tenths) else least


def typical(latex: str) -> str:
    """``latex`` with every number made the typical number."""
    return _NUMBER.sub(lambda _: TYPICAL_NUMBER, latex)


def shape_of(text: str) -> str:
    """``text`` with its numbers typical and every digit of its indices a 0: a line that
    typesets as wide and as tall (the font's digits are all as wide), so that a trace's
    hundreds of lines are measured as the few shapes they have."""
    return _DIGIT.sub("0", typical(text))


def details_html(step: Step) -> str:
    """The notes under a step: what it reuses from the cache, and its matrix shapes."""
    reused = ", ".join(f"{r.symbol} (step {r.step + 1})" for r in step.reuses)
    parts = [f"Shapes: {step.shapes}"] if step.shapes else []
    if reused:
        parts.insert(0, f"Reuses from the cache, not recomputed: {reused}")
    return "<br>".join(parts)


class ChainView(QWidget):
    """The chain rule of a backward step: one row per path from J (a sum of products when
    a unit feeds several), each factor in its arrow's colour with its value, each row
    with its product. Too narrow a row shrinks the whole chain evenly, never one factor
    more than another. Hovering a factor says which graph element it belongs to."""

    #: What is under the mouse: a factor's graph element (str), a whole path's elements (a
    #: tuple: its "+" or its product hovered), or "" for nothing.
    factorHovered = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.step: Step | None = None
        self.rows: list[tuple] = []
        self.more = 0
        self.hidden = False  # quiz mode: the rows' products (which add up to the result) wait
        self.points = 15.0  # the factors' size (not .size: that is QWidget's)
        self.linked = ""  # the element (or a path's elements) whose factors are emphasised
        self._hovered = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(True)

    @property
    def factors(self) -> tuple:
        """Every factor shown, row after row."""
        return tuple(f for row in self.rows for f in row)

    def set_step(self, step: Step | None, size: float, hidden: bool = False) -> None:
        self.step, self.points, self.hidden = step, size, hidden
        self.rows, self.more = chain_rows(step)
        self.updateGeometry()
        self.update()

    def set_linked(self, elements) -> None:
        """Emphasise the factors of ``elements``: one element id, or a path's (a tuple)."""
        if elements != self.linked:
            self.linked = elements
            self.update()

    def _is_linked(self, factor) -> bool:
        if not self.linked:
            return False
        if isinstance(self.linked, str):
            return factor.element == self.linked
        return factor.element in self.linked

    def pieces(self) -> tuple[list[list[tuple[str, object]]], str]:
        """What is drawn, as LaTeX: each row's (piece, its factor or None), and the extra row."""
        several = bool(len(self.rows) > 1 or self.more)
        rows = [row_pieces(row, i == 0, several, self.hidden) for i, row in enumerate(self.rows)]
        return rows, more_latex(self.more, self.step, self.hidden)

    def _layout(self):
        """[(row pieces with their boxes)], the extra row's box or None."""
        rows, extra = self.pieces()
        boxes = [[(typeset(latex, self.points), factor) for latex, factor in row] for row in rows]
        return boxes, (typeset(extra, self.points) if extra else None)

    def _scale(self, rows, extra) -> float:
        widths = [sum(b.width for b, _ in row) for row in rows] + ([extra.width] if extra else [])
        width = max(widths, default=0)
        height = self._rows_height(rows, extra)
        if not width:
            return 1.0
        return min(1.0, (self.width() - 8) / width, (self.height() - 4) / max(height, 1))

    @staticmethod
    def _row_height(row) -> float:
        return max((b.height for b, _ in row), default=0)

    def _rows_height(self, rows, extra) -> float:
        return sum(self._row_height(row) for row in rows) + (extra.height if extra else 0)

    def sizeHint(self) -> QSize:
        rows, extra = self._layout()
        widths = [sum(b.width for b, _ in row) for row in rows] + ([extra.width] if extra else [])
        return QSize(int(max(widths, default=0)) + 8, int(self._rows_height(rows, extra)) + 8)

    def _placed(self, rows_too: bool = False):
        """Each factor's rectangle in widget pixels, with the factor (and with ``rows_too``,
        each row's rectangle with its path)."""
        rows, extra = self._layout()
        scale = self._scale(rows, extra)
        total = self._rows_height(rows, extra) * scale
        y = self.height() / 2 - total / 2
        placed, lines = [], []
        for row, path in zip(rows, self.rows):
            x, height = 4.0, self._row_height(row) * scale
            for box, factor in row:
                if factor is not None:
                    placed.append((QRectF(x, y, box.width * scale, height), factor))
                x += box.width * scale
            lines.append((QRectF(4.0, y, x - 4.0, height), path))
            y += height
        return (placed, lines) if rows_too else placed

    def factor_at(self, x: float, y: float | None = None) -> int | None:
        """Which factor (counted over all rows) is drawn at (``x``, ``y``), if any."""
        for i, (rect, _) in enumerate(self._placed()):
            if rect.left() <= x < rect.right() and (y is None or rect.top() <= y < rect.bottom()):
                return i
        return None

    def mouseMoveEvent(self, event) -> None:
        x, y = event.position().x(), event.position().y()
        i = self.factor_at(x, y)
        element = self.factors[i].element if i is not None else ""
        if not element and len(self.rows) > 1:  # a row's "+" or product: its whole path
            _, lines = self._placed(rows_too=True)
            path = next((p for rect, p in lines if rect.contains(x, y)), None)
            element = tuple(f.element for f in path) if path else ""
        if element != self._hovered:
            self._hovered = element
            self.set_linked(element)
            self.factorHovered.emit(element)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        if self._hovered:
            self._hovered = ""
            self.set_linked("")
            self.factorHovered.emit("")
        super().leaveEvent(event)

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            i = self.factor_at(event.pos().x(), event.pos().y())
            if i is None:
                QToolTip.hideText()
            else:
                f = self.factors[i]
                QToolTip.showText(event.globalPos(), f"{f.symbol.text} = {result(f.value).text}", self)
            return True
        return super().event(event)

    def paintEvent(self, event) -> None:
        rows, extra = self._layout()
        if not rows and extra is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        scale = self._scale(rows, extra)
        total = self._rows_height(rows, extra)
        painter.translate(4, self.height() / 2)
        painter.scale(scale, scale)
        y = -total / 2
        for row in rows:
            height = self._row_height(row)
            ascent = max(b.ascent for b, _ in row)
            x = 0.0
            for box, factor in row:
                if factor is None:
                    color = style.INK
                else:
                    color = style.FORWARD if factor.arrow == "forward" else style.BACKWARD
                    if self._is_linked(factor):  # lit with its graph element
                        painter.setPen(QPen(color, 2.0))
                        painter.setBrush(QBrush(style.tint(color, 0.82)))
                        painter.drawRoundedRect(QRectF(x - 2, y, box.width + 4, height), 5, 5)
                paint(painter, box, x, y + ascent, color)
                x += box.width
            y += height
        if extra is not None:
            paint(painter, extra, 0, y + extra.ascent, style.MUTED)
        painter.end()


class EquationPanel(QFrame):
    arrangementChanged = Signal(bool)  # True: the chain sits beside the three lines
    plannedHeightChanged = Signal(int)
    #: Quiz mode: the hidden result was clicked.
    revealRequested = Signal()

    def __init__(self, parent: QWidget | None = None, size: float = 19.0):
        super().__init__(parent)
        self.setObjectName("equationPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel()
        self.heading.setObjectName("equationHeading")
        self.symbols = MathLabel(size=size)
        self.numbers = MathLabel(size=size)
        self.result = MathLabel(size=size * RESULT_SIZE)
        self.chain_title = QLabel("The chain rule, from J:")
        self.chain = ChainView()
        self.note, self.check, self.details = QLabel(), QLabel(), QLabel()
        for label in (self.note, self.check, self.details):
            label.setWordWrap(True)
        self.check.setTextFormat(Qt.TextFormat.RichText)
        style.colored_text(self.details, style.MUTED)
        # The three lines in one column; the chain and the notes in the other, beside
        # them when the panel is wide enough (a wide window, focus mode), else under them.
        self.lines_column, self.side_column, self.notes_box = QWidget(), QWidget(), QWidget()
        lines, side, notes = (QVBoxLayout(w) for w in (self.lines_column, self.side_column, self.notes_box))
        for box in (lines, side, notes):
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
        for widget in (self.heading, self.symbols, self.numbers, self.result):
            lines.addWidget(widget)
        for widget in (self.note, self.check, self.details):
            notes.addWidget(widget)
        notes.addStretch(1)
        for widget in (self.chain_title, self.chain, self.notes_box):
            side.addWidget(widget)
        lines.addStretch(1)
        side.addStretch(1)
        self.columns = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.columns.setContentsMargins(8, 4, 8, 4)
        self.columns.setSpacing(6)
        self.columns.addWidget(self.lines_column)
        self.columns.addWidget(self.side_column)
        for widget in (self.chain_title, self.chain):
            policy = widget.sizePolicy()  # a step without a chain keeps the chain's room
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        self.base_size = self.math_size = size
        self.scale = 1.0
        self.step: Step | None = None
        self.steps = ()
        self.text_labels = (self.heading, self.chain_title, self.note, self.check, self.details)
        self.base_points = {label: label.font().pointSizeF() for label in self.text_labels}
        self._wants = (0.0, 0.0)  # the widths the lines and the chain want, typically
        self._planned = 0
        self.comparing = False
        self.hidden = False
        self.result.installEventFilter(self)
        self.set_step(None)
        self._measure()
        style.follow(self, self._apply_look)

    def _apply_look(self) -> None:
        self.setStyleSheet(f"#equationPanel {{ background: {style.SURFACE.name()}; }}")
        self.set_step(self.step, self.hidden)  # the heading holds its phase's colour

    # --- size and arrangement: functions of the network, the width and the scale ------
    def set_scale(self, scale: float) -> None:
        """Typeset everything ``scale`` times its size (the UI scale, 1 to 3)."""
        self.scale = scale
        self.math_size = self.base_size * scale
        for label, factor in ((self.symbols, 1.0), (self.numbers, 1.0), (self.result, RESULT_SIZE)):
            label.set_point_size(self.math_size * factor)
        for label, points in self.base_points.items():
            font = label.font()
            font.setPointSizeF(points * scale)
            label.setFont(font)
        self._measure()
        self.set_step(self.step, self.hidden)

    def fit_to(self, height: int, wanted: float, least: float = MIN_FIT_SCALE, leaves=None) -> float:
        """Set the largest scale from ``wanted`` down to ``least`` (in tenths) at which the
        planned height is at most EQUATION_SHARE of ``height`` (a page's, a frame's) and
        ``leaves(planned height)`` holds (the graph keeps what it needs); the scale set.
        The plan follows the panel's width: give it its width first."""
        scale = largest_fitting(wanted, least, self.set_scale,
                                lambda: self.planned_height() <= EQUATION_SHARE * height
                                and (leaves is None or leaves(self.planned_height())))
        self.set_scale(scale)
        return scale

    def set_trace(self, steps) -> None:
        """A new trace: its network decides the room the lines and the chain get."""
        self.steps = steps
        self._measure()

    def _measure(self) -> None:
        """The lines' and the chain's heights and typical widths over the whole trace."""
        size, chain_size = self.math_size, self.math_size * CHAIN_SIZE
        arrow = {True: r" \leftarrow ", False: " = "}
        lines = {shape_of(s.symbol.latex + arrow[s.phase == "update"] + f)
                 for s in self.steps for f in (s.formula.latex, s.numbers.latex)}
        chains = {self._chain_shape(s) for s in self.steps}
        # A line's slot fits the trace's tallest line, up to TALL_LINE times a plain one:
        # the rare taller formula (a fraction of indexed symbols) shrinks into it instead.
        plain = typeset(SAMPLE_LINE, size).height
        line_h = min(TALL_LINE * plain, max([plain] + [typeset(t, size).height for t in lines]))
        result_h = typeset(SAMPLE_LINE, size * RESULT_SIZE).height
        def rows_height(chain) -> float:
            return sum(max(typeset(t, chain_size).height for t in row) for row in chain if row)

        chain_h = max([typeset(SAMPLE_FRACTION, chain_size).height] + [rows_height(chain) for chain in chains])
        self._heights = (round(line_h) + 6, round(result_h) + 6, round(chain_h) + 8)
        self._wants = (
            max([typeset(SAMPLE_LINE, size).width] + [typeset(t, size).width for t in lines]) + 16,
            max([0.0] + [sum(typeset(t, chain_size).width for t in row) for chain in chains for row in chain]) + 16,
        )
        # The notes the trace holds (a 4-layer network's reuse lists are long), by shape.
        self._notes = ({shape_of(s.note) for s in self.steps if s.note},
                       {shape_of(details_html(s)) for s in self.steps} | {NOTE_SAMPLE})
        for label, height in ((self.symbols, self._heights[0]), (self.numbers, self._heights[0]),
                              (self.result, self._heights[1]), (self.chain, self._heights[2])):
            label.setMinimumHeight(round(height * 0.6))  # a window too small squeezes them evenly
            label.setMaximumHeight(height)
        self._arrange()

    @staticmethod
    def _chain_shape(step) -> tuple:
        """The shapes of a step's chain rows (numbers as TYPICAL_NUMBER): what its room needs."""
        rows, more = chain_rows(step)
        several = len(rows) > 1 or bool(more)
        shapes = tuple(tuple(shape_of(latex) for latex, _ in row_pieces(row, i == 0, several))
                       for i, row in enumerate(rows))
        extra = more_latex(more, step)
        return shapes + (((shape_of(extra),),) if extra else ())

    def is_side_by_side(self) -> bool:
        return self.columns.direction() == QBoxLayout.Direction.LeftToRight

    def _arrange(self) -> None:
        lines, chain = self._wants
        wide = self.width() >= SIDE_BY_SIDE_AT * (lines + chain + self.columns.spacing() + 16)
        if wide != self.is_side_by_side():
            self.columns.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
            self.arrangementChanged.emit(wide)
        # Side by side, the columns share the width as the lines and the chain want it.
        self.columns.setStretch(0, round(100 * lines / (lines + chain)) if wide and chain else 1)
        self.columns.setStretch(1, round(100 * chain / (lines + chain)) if wide and chain else 0)
        for column in (self.lines_column, self.side_column):
            column.setSizePolicy(QSizePolicy.Policy.Ignored if wide else QSizePolicy.Policy.Preferred,
                                 QSizePolicy.Policy.Preferred)
        self._plan()

    def _text_height(self, label: QLabel, html: str, width: int) -> int:
        probe = QLabel()
        probe.setFont(label.font())
        probe.setWordWrap(True)
        probe.setText(html)
        return probe.heightForWidth(max(width, 50))

    def _plan(self) -> None:
        """The panel's height for its arrangement and width: the most any step needs."""
        wide = self.is_side_by_side()
        margins = self.columns.contentsMargins()
        inner = self.width() - margins.left() - margins.right()
        lines, chain = self._wants
        side_width = round(inner * chain / (lines + chain)) if wide and lines + chain else inner
        side_width -= self.columns.spacing() + 4  # what the layout leaves the text, at the least
        step_notes, details = self._notes
        notes = max([self._text_height(self.note, text, side_width) for text in step_notes] + [0])
        notes += self._text_height(self.check, CHECK_SAMPLE if self.comparing else CHECK_SAMPLE.split("<br>")[0],
                                   side_width)
        notes += max(self._text_height(self.details, text, side_width) for text in details)
        self.notes_box.setFixedHeight(notes + 6)
        text_line = self.heading.fontMetrics().height() + 2
        self.heading.setFixedHeight(text_line)
        self.chain_title.setFixedHeight(text_line)
        line_h, result_h, chain_h = self._heights
        left = text_line + 2 * line_h + result_h + 3 * 2
        right = text_line + chain_h + notes + 6 + 2 * 2
        body = max(left, right) if wide else left + right + self.columns.spacing()
        planned = body + margins.top() + margins.bottom() + 2 * self.frameWidth()
        if planned != self._planned:
            self._planned = planned
            self.updateGeometry()
            self.plannedHeightChanged.emit(planned)

    def planned_height(self) -> int:
        """The height that shows any step of the trace whole, at this width and scale."""
        return self._planned

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._planned)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self._arrange()

    # --- the step shown ---------------------------------------------------------------
    def set_comparing(self, on: bool) -> None:
        """Keep room for the user's own value under each gradient check (the debugger
        holds a comparison), or not."""
        if on != self.comparing:
            self.comparing = on
            self._plan()

    def set_check(self, html: str) -> None:
        """The gradient check of the step shown (and the user's value), or nothing."""
        self.check.setText(html)
        self.check.setVisible(bool(html))

    @property
    def factor_labels(self) -> tuple:
        """The factors of the chain shown (one per factor)."""
        return self.chain.factors

    def eventFilter(self, watched, event) -> bool:
        if watched is self.result and event.type() == event.Type.MouseButtonPress and self.hidden:
            self.revealRequested.emit()  # a click on "= ?" shows what it hides
            return True
        return super().eventFilter(watched, event)

    def set_step(self, step: Step | None, hidden: bool = False) -> None:
        """Show ``step`` (None: the hint before the first step). ``hidden`` (quiz mode):
        the formula and the numbers show, the result is a "?" until it is revealed."""
        self.step = step
        self.hidden = hidden and step is not None
        if step is None:
            self.heading.setText("<b>Press Space to play</b> — or → to take one step")
            for label in (self.symbols, self.numbers, self.result):
                label.set_latex("")
            self._set_factors(None)
            self.note.setText("")
            self.details.setText("")
            return
        color = style.phase_color(step.phase)
        self.heading.setText(f"<b style='color:{color.name()}'>{PHASE_TITLES[step.phase]}</b>"
                             f" &nbsp; step {step.index + 1}")
        arrow = r" \leftarrow " if step.phase == "update" else " = "
        self.symbols.set_latex(step.symbol.latex + arrow + step.formula.latex, style.INK)
        self.numbers.set_latex(step.symbol.latex + arrow + step.numbers.latex, style.INK)
        value = r"?\,\,\,\text{(Space shows it)}" if self.hidden else result(step.value).latex
        self.result.set_latex(step.symbol.latex + " = " + value, style.MUTED if self.hidden else color)
        self.result.setCursor(Qt.CursorShape.PointingHandCursor if self.hidden else Qt.CursorShape.ArrowCursor)
        self._set_factors(step)
        self.note.setText(step.note)
        self.note.setVisible(bool(step.note))
        self.details.setText(details_html(step))

    def _set_factors(self, step: Step | None) -> None:
        self.chain.set_step(step, self.math_size * CHAIN_SIZE, self.hidden)
        shown = bool(self.chain.rows or self.chain.more)
        if shown:
            several = len(self.chain.rows) > 1 or self.chain.more
            self.chain_title.setText("The chain rule, from J" + (": a sum over paths" if several else "") + ":")
        self.chain_title.setVisible(shown)
        self.chain.setVisible(shown)
