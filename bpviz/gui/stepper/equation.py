"""The equation panel: the current step typeset as symbols, with numbers, and its result;
for a weight's gradient, the whole chain of factors, each coloured like its arrow."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from bpviz.gui import style
from bpviz.gui.widgets.mathtex import MathLabel, layout as typeset
from bpviz.nn.notation import result
from bpviz.nn.trace import Step

PHASE_TITLES = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
                "update": "Update"}


class EquationPanel(QFrame):
    arrangementChanged = Signal(bool)  # True: the chain sits beside the three lines

    def __init__(self, parent: QWidget | None = None, size: float = 19.0):
        super().__init__(parent)
        self.setObjectName("equationPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel()
        self.heading.setObjectName("equationHeading")
        self.symbols = MathLabel(size=size)
        self.numbers = MathLabel(size=size)
        self.result = MathLabel(size=size * 1.1)
        self.chain_title = QLabel("The chain rule for this weight:")
        self.chain = QHBoxLayout()
        self.chain.setSpacing(0)
        self.chain.addStretch(1)
        self.chain_box = QWidget()
        self.chain_box.setLayout(self.chain)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.check = QLabel()
        self.check.setWordWrap(True)
        self.check.setTextFormat(Qt.TextFormat.RichText)
        self.details = QLabel()
        self.details.setWordWrap(True)
        style.colored_text(self.details, style.MUTED)
        # The three lines on the left; the chain of factors, notes and details below them,
        # or beside them when the panel is wide enough (a wide window, focus mode): then
        # the panel is lower and the graph above gets the height.
        lines, chain = QWidget(), QWidget()
        lines_layout, chain_layout = QVBoxLayout(lines), QVBoxLayout(chain)
        for box in (lines_layout, chain_layout):
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)  # tight: the graph above needs the height more
        for widget in (self.heading, self.symbols, self.numbers, self.result):
            lines_layout.addWidget(widget)
        for widget in (self.chain_title, self.chain_box, self.note, self.check, self.details):
            chain_layout.addWidget(widget)
        lines_layout.addStretch(1)
        chain_layout.addStretch(1)
        self.columns = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.columns.setContentsMargins(8, 4, 8, 4)
        self.columns.addWidget(lines, 1)
        self.columns.addWidget(chain, 0)
        self._needed_width = 10**6
        for widget in (self.chain_title, self.chain_box, self.note, self.check):
            # Hidden rows keep their room, so the graph above does not jump as steps change.
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        self.chain_box.setMinimumHeight(int(size * 4.4))
        self.factor_labels: list[MathLabel] = []
        self.base_size = self.math_size = size
        self.scale = 1.0
        self.step: Step | None = None
        self.steps = ()
        self.text_labels = (self.heading, self.chain_title, self.note, self.check, self.details)
        self.base_points = {label: label.font().pointSizeF() for label in self.text_labels}
        self.set_step(None)
        style.follow(self, self._apply_look)

    def _apply_look(self) -> None:
        self.setStyleSheet(f"#equationPanel {{ background: {style.SURFACE.name()}; }}")
        self.set_step(self.step)  # the heading holds its phase's colour

    def set_scale(self, scale: float) -> None:
        """Typeset everything ``scale`` times its size (the UI scale, 1 to 3)."""
        self.scale = scale
        self.math_size = self.base_size * scale
        for label, factor in ((self.symbols, 1.0), (self.numbers, 1.0), (self.result, 1.1)):
            label.set_point_size(self.math_size * factor)
        for label, points in self.base_points.items():
            font = label.font()
            font.setPointSizeF(points * scale)
            label.setFont(font)
        self.chain_box.setMinimumHeight(int(self.math_size * 4.4))
        self.set_trace(self.steps)
        self.set_step(self.step)

    def set_check(self, html: str) -> None:
        """The gradient check of the step shown (and the user's value), or nothing."""
        self.check.setText(html)
        self.check.setVisible(bool(html))

    def set_trace(self, steps) -> None:
        """Measure the widest formula and chain of ``steps``: side by side needs both."""
        self.steps = steps
        size = self.math_size
        lines = max((typeset(s.symbol.latex + " = " + s.numbers.latex, size).width for s in steps), default=0)
        chain = max((sum(typeset(f.symbol.latex + r"\,(" + result(f.value).latex + r") \cdot ", size * 0.78).width
                         for f in s.factors) for s in steps), default=0)
        self._needed_width = lines + chain + 60
        self._arrange()

    def is_side_by_side(self) -> bool:
        return self.columns.direction() == QBoxLayout.Direction.LeftToRight

    def _arrange(self) -> None:
        wide = self.width() >= self._needed_width
        if wide != self.is_side_by_side():
            self.columns.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
            # Stacked, the three lines get the height first (a tall fraction shrinks last).
            self.columns.setStretch(0, 0 if wide else 1)
            self.columns.setStretch(1, 1 if wide else 0)
            self.arrangementChanged.emit(wide)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange()

    def set_step(self, step: Step | None) -> None:
        """Show ``step`` (None: the hint before the first step)."""
        self.step = step
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
        self.result.set_latex(step.symbol.latex + " = " + result(step.value).latex, color)
        self._set_factors(step)
        self.note.setText(step.note)
        self.note.setVisible(bool(step.note))
        reused = ", ".join(f"{r.symbol} (step {r.step + 1})" for r in step.reuses)
        parts = [f"Shapes: {step.shapes}"] if step.shapes else []
        if reused:
            parts.insert(0, f"Reuses from the cache, not recomputed: {reused}")
        self.details.setText("<br>".join(parts))

    def _set_factors(self, step: Step | None) -> None:
        for label in self.factor_labels:
            self.chain.removeWidget(label)
            label.hide()  # gone from the picture now, even before the event loop deletes it
            label.deleteLater()
        self.factor_labels = []
        factors = step.factors if step is not None else ()
        self.chain_title.setVisible(bool(factors))
        self.chain_box.setVisible(bool(factors))
        for i, factor in enumerate(factors):
            color = style.FORWARD if factor.arrow == "forward" else style.BACKWARD
            latex = factor.symbol.latex + r"\,(" + result(factor.value).latex + ")"
            label = MathLabel(latex + (r" \cdot " if i < len(factors) - 1 else ""), self.math_size * 0.78)
            label.set_latex(label.latex(), color)
            label.setToolTip(f"{factor.symbol.text} = {result(factor.value).text}")
            self.chain.insertWidget(self.chain.count() - 1, label)
            label.show()  # now, not at the next turn of the event loop (offscreen frames)
            self.factor_labels.append(label)
