"""Marks that read without their colour (greyscale, colour-blind eyes): forward arrows are
solid with a filled head, backward dashed with an open head, an update dotted (a dotted
ring for a bias), and a weight or unit the user's code gets wrong wears a "!" badge."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from bpviz.gui.graph.items import FLAG_GLYPH, HEADS, LINES
from bpviz.gui.graph.layout import NODE_RADIUS
from tests.gui.userpath import press


def _go(qtbot, window, number: int):
    page = window.step_page
    page.controller.set_index(number - 2)
    press(qtbot, window, "Right")  # the step as a key shows it
    assert page.controller.index == number - 1
    return page.graph


def test_each_kind_of_step_has_its_own_line_and_head(qtbot, main_window):
    window = main_window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.step_page.graph.setFocus()
    graph = _go(qtbot, window, 1)  # z[1]_1: forward along w[1]_11 and w[1]_12
    assert graph.arrows and {(a.pen().style(), a.head()) for a in graph.arrows} == {(Qt.PenStyle.SolidLine, "filled")}
    graph = _go(qtbot, window, 11)  # dw[2]_11: backward, from J
    assert graph.arrows and {(a.pen().style(), a.head()) for a in graph.arrows} == {(Qt.PenStyle.DashLine, "open")}
    graph = _go(qtbot, window, 24)  # w[1]_11 ← …: the update, in place
    assert not graph.arrows
    edge = graph.edges["w1.1.1"]
    assert edge.kind() == "update" and edge.mark_pen().style() == Qt.PenStyle.DotLine
    assert all(e.mark_pen() is None for eid, e in graph.edges.items() if eid != "w1.1.1")
    graph = _go(qtbot, window, 26)  # b[1]_1 ← …: the unit's ring is dotted
    assert graph.nodes["n1.1"].ring_pen(5.0).style() == Qt.PenStyle.DotLine
    assert graph.nodes["n1.2"].ring_pen(2.2).style() == Qt.PenStyle.SolidLine
    kinds = {(LINES[k], HEADS[k]) for k in LINES}
    assert len(kinds) == len(LINES) == 3  # no two kinds alike without colour


def _grey(graph) -> np.ndarray:
    scene = graph.scene()
    rect = scene.sceneRect()
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_Grayscale8)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, :image.width()].astype(int)


def test_a_flagged_weight_or_unit_wears_a_badge_that_shows_in_greyscale(qtbot, main_window):
    graph = main_window.step_page.graph
    plain = _grey(graph)
    graph.set_marks({}, {"w1.1.1", "n2.1"})
    flagged = _grey(graph)
    edge, node = graph.edges["w1.1.1"], graph.nodes["n2.1"]
    assert edge.flagged and node.flagged and FLAG_GLYPH == "!"
    rect = graph.scene().sceneRect()
    for item, where in ((edge, edge.line.pointAt(0.2)), (node, node.mapToScene(-0.78 * NODE_RADIUS, -0.78 * NODE_RADIUS))):
        x, y = int(where.x() - rect.left()), int(where.y() - rect.top())
        patch = np.s_[y - 9:y + 10, x - 9:x + 10]
        assert (np.abs(flagged[patch] - plain[patch]) > 30).sum() > 40, item  # the badge, seen in grey
        assert flagged[patch].max() - flagged[patch].min() > 60  # its "!" reads on its disc
