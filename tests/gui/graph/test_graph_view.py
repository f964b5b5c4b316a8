"""The layer graph: weight labels name their weight and never cover each other or a unit."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from bpviz.gui.graph.layout import graph_layout
from bpviz.gui.graph.view import GraphView
from bpviz.nn.network import Network
from bpviz.presets import TOY_PRESETS, get_preset


def _network(sizes, seed=0):
    return Network(list(sizes), ["tanh"] * (len(sizes) - 2) + ["linear"], "mse", "he", seed)


@pytest.fixture
def view(qtbot):
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    return view


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
    assert edge.label_lines()[0][0] == r"w^{[1]}_{12} \leftarrow 0.10589"


@pytest.mark.parametrize("name", TOY_PRESETS)
def test_every_toy_preset_shows_all_its_weight_labels(name):
    sizes = get_preset(name).network().layer_sizes
    assert graph_layout(tuple(sizes)).labels_fit
