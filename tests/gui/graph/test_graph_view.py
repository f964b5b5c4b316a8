"""The layer graph: weight labels name their weight and never cover each other or a unit."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from bpviz.gui.graph.layout import graph_layout
from bpviz.nn.network import Network
from bpviz.presets import TOY_PRESETS, get_preset


def _network(sizes, seed=0):
    return Network(list(sizes), ["tanh"] * (len(sizes) - 2) + ["linear"], "mse", "he", seed)


def _show(view, sizes):
    net = _network(sizes)
    view.set_network(net.layer_sizes, net.params, [f"feature {i}" for i in range(sizes[0])], np.ones(sizes[0]))
    view.show_step([], -1, animate=False)


def _circle_hits(rect, centre: QPointF, radius: float) -> bool:
    dx = max(rect.left() - centre.x(), 0.0, centre.x() - rect.right())
    dy = max(rect.top() - centre.y(), 0.0, centre.y() - rect.bottom())
    return dx * dx + dy * dy < radius * radius


SIZES = [(2, 2, 1), (2, 3, 1), (3, 3, 1), (2, 2, 2, 1), (4, 2, 1), (8, 2, 1), (2, 2, 2, 2, 1), (1, 3, 1),
         (3, 1), (2, 4, 2)]


@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "-".join(map(str, s)))
def test_every_weight_label_is_shown_clear_of_the_others_and_of_the_units(view, sizes):
    _show(view, sizes)
    labels = [(eid, item.label_box()) for eid, item in view.edges.items() if eid.startswith("w")]
    assert all(item.label_always for eid, item in view.edges.items())
    for (a, ra), (b, rb) in itertools.combinations(labels, 2):
        assert not ra.intersects(rb), f"{a} and {b} cover each other"
    for nid, node in view.nodes.items():
        for eid, rect in labels:
            assert not _circle_hits(rect, node.pos(), 40), f"{eid} covers unit {nid}"


def test_dense_graphs_label_the_current_step_only(view):
    _show(view, (8, 8, 8, 1))
    assert not any(item.label_always for item in view.edges.values())


def test_a_label_names_its_weight_with_its_value_then_its_gradient_and_update(view):
    _show(view, (2, 2, 1))
    edge = view.edges["w1.1.2"]
    weight = float(view._params["W1"][0, 1])
    (first, _), = edge.label_lines()
    assert first.startswith("w^{[1]}_{12} = ")
    edge.set_state(weight, 1.0, {"dw": -5.888}, "current", edge.color)
    assert [latex for latex, _ in edge.label_lines()][1] == "dw = -5.888"
    edge.set_state(weight, 1.0, {"dw": -5.888, "new": 0.10589}, "", edge.color)
    assert edge.label_lines()[0][0] == r"w^{[1]}_{12} \leftarrow 0.1059"


@pytest.mark.parametrize("name", TOY_PRESETS)
def test_every_toy_preset_shows_all_its_weight_labels(name):
    sizes = get_preset(name).network().layer_sizes
    assert graph_layout(tuple(sizes)).labels_fit


def _name_ink(view, nid: str):
    """The feature name's ink beside input ``nid``, drawn at the scene's own size: (its
    height, its width) in pixels, and whether it stays inside the graph's scene."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from bpviz.gui import style
    from bpviz.gui.graph.layout import NAME_BOX

    node = view.nodes[nid]
    left, top, right, bottom = NAME_BOX
    box = QRectF(node.pos().x() + left, node.pos().y() + top, right - left, bottom - top)
    image = QImage(round(box.width()), round(box.height()), QImage.Format.Format_RGB32)
    image.fill(style.BACKGROUND)
    painter = QPainter(image)
    view.scene().render(painter, QRectF(0, 0, image.width(), image.height()), box)
    painter.end()
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    ink = (np.abs(array[:, :image.width(), :3].astype(int) - array[0, 0, :3].astype(int)).max(axis=2) > 60)
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return (rows[-1] - rows[0] + 1, columns[-1] - columns[0] + 1), view.sceneRect().contains(box)


def test_a_long_feature_name_is_elided_readably_and_whole_in_the_tooltip(view):
    """A 50-character column name beside its input is drawn as tall as a short one, elided
    in the middle with "…", inside the graph's scene; the unit's tooltip has it whole.
    (Shrunk to fit, it was a dotted line 3 px tall.)"""
    long = "average_monthly_household_income_before_tax_in_usd"
    assert len(long) == 50
    net = _network((2, 2, 1))
    view.set_network(net.layer_sizes, net.params, [long, "age"], np.ones(2))
    view.show_step([], -1, animate=False)
    (long_height, long_width), inside = _name_ink(view, "n0.1")
    (short_height, _), _ = _name_ink(view, "n0.2")
    assert long_height >= 0.8 * short_height >= 8, (long_height, short_height)
    assert long_width > 60 and inside
    assert long in view.nodes["n0.1"].toolTip()
