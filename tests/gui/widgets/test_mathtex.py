"""The typesetter lays out the trace's formulas as maths: fractions stack, scripts shrink."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from bpviz.gui.widgets.mathtex import MathLabel, _text_box, layout, paint
from bpviz.nn import Network
from bpviz.nn.trace import trace


def test_a_fraction_is_taller_than_its_line_and_scripts_are_smaller(qapp):
    line = layout("a + b", 20)
    frac = layout(r"\frac{a}{b}", 20)
    assert frac.height > 1.6 * line.height
    base = layout("z", 20)
    scripted = layout("z^{[1]}_{2}", 20)
    sup_only = layout("z^{[1]}", 20)
    assert scripted.width < sup_only.width + 0.5 * base.width  # stacked, not side by side
    assert scripted.height > base.height


def test_left_is_not_leftarrow(qapp):
    assert layout(r"w \leftarrow w", 20).width < layout(r"w \left( w \right)", 20).width * 2


def test_an_arrow_is_spaced_like_an_equals_sign(qapp):
    def room(latex: str, glyph: str) -> float:  # the width around the sign
        return layout(latex, 20).width - layout("ww", 20).width - _text_box(glyph, 20, False).width

    assert room(r"w \leftarrow w", "←") == pytest.approx(room("w = w", "="), abs=0.5)
    assert room("w = w", "=") > 8


@pytest.mark.parametrize("preset", ["sigmoid", "tanh"])
def test_every_formula_of_a_trace_lays_out_and_paints_ink(qapp, preset):
    net = Network([2, 2, 3], [preset, "softmax"], "cross_entropy", init="xavier")
    image = QImage(900, 120, QImage.Format.Format_ARGB32)
    for step in trace(net, [1.0, 2.0], [0, 1, 0], lr=0.1):
        for latex in (step.formula.latex, step.numbers.latex, step.symbol.latex):
            box = layout(latex, 18)
            assert box.width > 0
        image.fill(QColor("white"))
        painter = QPainter(image)
        paint(painter, layout(step.numbers.latex, 18), 4, 60, QColor("black"))
        painter.end()
        dark = sum(1 for x in range(0, 900, 3) for y in range(0, 120, 3)
                   if QColor(image.pixel(x, y)).lightness() < 128)
        assert dark > 5, step.numbers.latex


def test_math_label_sizes_itself_to_its_formula(qtbot):
    label = MathLabel(r"\frac{\partial J}{\partial w^{[1]}_{12}}", 20)
    qtbot.addWidget(label)
    short = MathLabel("a", 20)
    qtbot.addWidget(short)
    assert label.sizeHint().width() > short.sizeHint().width()
    assert label.sizeHint().height() > short.sizeHint().height()
