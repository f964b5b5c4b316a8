"""The chain rule on the graph: at every backward step the whole path from J to the quantity
is lit (every unit and edge whose local derivative is a factor), red dashed arrows run along
it, each lit element carries its factor's value, labels step aside from what is lit, the
equation and the graph light each other's factor on hover, and playing walks the path."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QLineF, QPointF, QRectF

from bpviz.gui.graph.items import ArrowItem
from bpviz.gui.graph.layout import NODE_RADIUS
from bpviz.gui.graph.state import factor_place
from bpviz.gui.stepper.session import ToySession
from bpviz.nn.network import Network
from bpviz.nn.trace import trace
from bpviz.presets import TOY_PRESETS, get_preset
from tests.gui.conftest import on_screen
from tests.gui.tour.helpers import choose, settle, step_to
from tests.gui.userpath import press

#: The issue's networks beside the toy presets: fan-out, several outputs, a dense graph.
EXTRA = [(2, 3, 2, 1), (3, 4, 4, 2), (4, 8, 8, 1), (2, 2, 2)]


def _net(sizes, seed=3):
    sizes = list(sizes)
    return Network(sizes, ["sigmoid"] * (len(sizes) - 1), "mse", "xavier", seed)


def _networks():
    cases = []
    for name in TOY_PRESETS:
        session = ToySession(get_preset(name))
        cases.append((name, session.net, session.x(), session.y()))
    for sizes in EXTRA:
        net = _net(sizes)
        rng = np.random.default_rng(0)
        cases.append(("-".join(map(str, sizes)), net, rng.normal(size=sizes[0]), rng.uniform(size=sizes[-1])))
    return cases


CASES = _networks()


def _shown(view, net, x):
    view.set_network(net.layer_sizes, net.params, (), x)


def _segment(edge) -> QLineF:
    return QLineF(edge.mapToScene(edge.line.p1()), edge.mapToScene(edge.line.p2()))


def _rect_hits_line(rect: QRectF, line: QLineF) -> bool:
    """Whether ``line`` passes through ``rect`` (sampled finely: labels are large)."""
    for t in np.linspace(0, 1, 200):
        if rect.contains(line.pointAt(float(t))):
            return True
    return False


@pytest.mark.parametrize("name, net, x, y", CASES, ids=[c[0] for c in CASES])
def test_every_factor_of_every_backward_step_has_its_lit_place(view, name, net, x, y):
    """Every unit and edge whose local derivative is a factor of the step's chain is lit,
    and red dashed arrows run along every lit edge, from J's side back to the quantity."""
    steps = trace(net, x, y, 0.1)
    _shown(view, net, x)
    for step in (s for s in steps if s.phase == "backward"):
        view.show_step(steps, step.index, animate=False)
        lit = {e for e, item in {**view.nodes, **view.edges}.items() if getattr(item, "chain", False)}
        elements = {f.element for path in step.paths for f in path}
        assert elements <= set(step.chain), f"step {step.number}: a factor off the chain"
        for element in step.chain:
            if element == "J":
                continue
            assert element in lit, f"step {step.number} {step.symbol.text}: {element} is not lit"
        arrows = {(round(a.line.p1().x()), round(a.line.p1().y()), round(a.line.p2().x()), round(a.line.p2().y()))
                  for a in view.arrows}
        for element in step.chain:
            edge = view.edges.get(element)
            if edge is None:
                continue
            # Backward: from the end nearer J to the one nearer the input.
            p1, p2 = edge.line.p1(), edge.line.p2()
            assert (round(p2.x()), round(p2.y()), round(p1.x()), round(p1.y())) in arrows, \
                f"step {step.number}: no backward arrow on {element}"
        assert all(a.direction == "backward" for a in view.arrows)
        for path in step.paths:  # each unit frames the value that is its factor
            for factor in path:
                node, key = factor_place(factor)
                if node and key:
                    assert view.nodes[node].factors.get(key) == factor.arrow, (step.number, factor.symbol.text)


def test_step_21_of_notebook_regression_lights_the_path_back_from_j(qtbot, main_window):
    """The new user's case: at step 21 (∂J/∂w[1]_21) the graph lit only the last edge.
    Now the loss edge, a[2]_1, w[2]_12, a[1]_2, w[1]_21 and x1 are all lit, each with its
    factor's value, and the equation's factors are exactly the lit elements."""
    window = main_window
    on_screen(qtbot, window, "projector", (1280, 800))
    page = window.step_page
    choose(qtbot, page.controls.preset, "notebook-regression")
    settle(qtbot)
    step_to(qtbot, window, 21)
    step = page.controller.step
    assert step.quantity == ("dw", 1, 2, 1)
    graph = page.graph
    lit = {e for e, item in {**graph.nodes, **graph.edges}.items() if item.chain}
    assert lit == {"J.1", "n2.1", "w2.1.2", "n1.2", "w1.2.1", "n0.1"}
    # Every factor has its place; the weight itself is lit too, as the step's own edge.
    assert {f.element for f in page.equation.factor_labels} | {"w1.2.1"} == lit
    assert graph.nodes["n2.1"].factors == {"da": "backward", "g'": "backward"}
    assert graph.nodes["n1.2"].factors == {"g'": "backward"} and "g'" in graph.nodes["n1.2"].values
    assert graph.nodes["n0.1"].factors == {"x": "forward"}
    assert graph.edges["w2.1.2"].label.isVisible() and graph.edges["w1.2.1"].label.isVisible()
    assert len([a for a in graph.arrows if isinstance(a, ArrowItem)]) == 3


@pytest.mark.parametrize("name, net, x, y", CASES, ids=[c[0] for c in CASES])
def test_labels_never_cover_a_lit_element(view, name, net, x, y):
    """At every step, no label shown covers a lit edge (but its own) or any unit; a label
    that would moves along its edge, or steps aside for the step."""
    steps = trace(net, x, y, 0.1)
    _shown(view, net, x)
    for index in range(-1, len(steps)):
        view.show_step(steps, index, animate=False)
        lit_edges = {eid: _segment(e) for eid, e in view.edges.items() if e.chain}
        labels = [(eid, e.label.mapRectToScene(e.label_box())) for eid, e in view.edges.items()
                  if e.label.isVisible()]
        for eid, rect in labels:
            for other, line in lit_edges.items():
                if other != eid:
                    assert not _rect_hits_line(rect, line), f"step {index + 1}: {eid}'s label covers lit {other}"
            for nid, node in view.nodes.items():
                centre = node.pos()
                closest = QPointF(min(max(centre.x(), rect.left()), rect.right()),
                                  min(max(centre.y(), rect.top()), rect.bottom()))
                assert QLineF(centre, closest).length() >= NODE_RADIUS, f"step {index + 1}: {eid} covers {nid}"
        for (a, ra), (b, rb) in ((p, q) for i, p in enumerate(labels) for q in labels[i + 1:]):
            assert not ra.intersects(rb), f"step {index + 1}: {a} and {b} cover each other"
        for eid, e in view.edges.items():  # a lit weight shows its value wherever there is room
            if e.chain and eid.startswith("w") and not e.label.isVisible():
                assert e.label_hidden, f"step {index + 1}: {eid} is lit but unlabelled without reason"


@pytest.mark.parametrize("mode", ["focus", "presenter"])
@pytest.mark.parametrize("preset", [*TOY_PRESETS])
def test_unit_values_and_edge_labels_are_legible_on_a_projector(qtbot, main_window, mode, preset):
    """At 1280×800, in focus mode and in presenter mode, a unit's value is drawn at least
    18 px and an edge label at least 14 px, as measured on the real items after a paint."""
    window = main_window
    on_screen(qtbot, window, "projector", (1280, 800))
    page = window.step_page
    choose(qtbot, page.controls.preset, preset)
    press(qtbot, window, "F" if mode == "focus" else "F5")
    settle(qtbot)
    for number in (8, len(page.controller.steps) - 3):  # a forward value, then labels with dw
        step_to(qtbot, window, number)
        settle(qtbot)
        graph = page.graph
        graph.viewport().grab()  # paint: the items measure what they draw
        scale = graph.transform().m11()
        for nid, node in graph.nodes.items():
            if "value" in node.drawn:
                assert node.drawn["value"] * scale >= 18, f"{preset} {mode}: {nid}'s value at {node.drawn['value'] * scale:.1f} px"
        for eid, edge in graph.edges.items():
            if edge.label.isVisible():
                assert edge.label.drawn * scale >= 14, f"{preset} {mode}: {eid}'s label at {edge.label.drawn * scale:.1f} px"


def test_hovering_a_factor_lights_its_element_and_hovering_an_element_lights_its_factor(qtbot, main_window):
    window = main_window
    on_screen(qtbot, window, "desktop", (1920, 1080))
    page = window.step_page
    choose(qtbot, page.controls.preset, "notebook-regression")
    step_to(qtbot, window, 21)
    settle(qtbot)
    chain, graph = page.equation.chain, page.graph
    # The equation's factor of w[2]_12 under the mouse: its edge is emphasised on the graph.
    index = next(i for i, f in enumerate(chain.factors) if f.element == "w2.1.2")
    rect = chain._placed()[index][0]
    qtbot.mouseMove(chain, rect.center().toPoint())
    qtbot.waitUntil(lambda: graph.edges["w2.1.2"].hovered_link)
    assert not any(n.hovered_link for n in graph.nodes.values())
    # The unit a[1]_2 under the mouse on the graph: its factor is lit in the equation.
    node = graph.nodes["n1.2"]
    qtbot.mouseMove(graph.viewport(), graph.mapFromScene(node.pos()))
    qtbot.waitUntil(lambda: chain.linked == "n1.2")
    assert node.hovered_link


def test_playing_walks_a_backward_steps_chain_then_shows_the_result(qtbot, main_window):
    """While playing, a backward step first walks its chain from J (about one factor every
    150-250 ms), then shows its value; → shows the whole path at once."""
    window = main_window
    on_screen(qtbot, window, "desktop", (1920, 1080))
    page = window.step_page
    choose(qtbot, page.controls.preset, "notebook-regression")
    step_to(qtbot, window, 20)
    c, graph = page.controller, page.graph
    assert 150 <= c.walk_ms() <= 250
    edge = graph.edges["w1.2.1"]
    seen = {}

    def as_it_begins(index):  # just after the page has shown the step (it connected first)
        if index == 20 and not seen:
            lit = {e for e, item in {**graph.nodes, **graph.edges}.items() if item.chain}
            seen.update(walking=graph.walking(), lit=lit, result="dw" in edge.values)

    c.indexChanged.connect(as_it_begins)
    press(qtbot, window, "Space")  # play: step 21 comes after this step's time
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert seen["walking"] and not seen["result"]  # the result waits for the walk
    assert len(seen["lit"]) < 6
    qtbot.waitUntil(lambda: not graph.walking(), timeout=10000)
    assert "dw" in edge.values and len({e for e, i in {**graph.nodes, **graph.edges}.items() if i.chain}) == 6
    press(qtbot, window, "Space")  # pause
    step_to(qtbot, window, 21)
    press(qtbot, window, "Right")
    press(qtbot, window, "Left")  # a key shows the whole path at once
    assert not graph.walking() and all(graph.edges[e].chain for e in ("J.1", "w2.1.2", "w1.2.1"))


def test_a_fan_out_lights_each_path_in_its_own_shade_and_the_equation_sums_them(qtbot, view):
    """A hidden weight of a 2-2-2 network reaches J by two paths: the equation shows one
    row per path with its product (the two sum to dw), the graph gives each path's own
    elements their own shade, and hovering a row's product lights its whole path."""
    from bpviz.gui import style
    from bpviz.gui.stepper.equation import EquationPanel

    net = _net((2, 2, 2))
    x, y = np.array([0.05, 0.10]), np.array([0.01, 0.99])
    steps = trace(net, x, y, 0.5)
    _shown(view, net, x)
    step = next(s for s in steps if s.quantity == ("dw", 1, 1, 2))
    assert step.path_count == 2
    view.show_step(steps, step.index, animate=False)
    through = [{f.element for f in path} for path in step.paths]
    only = [through[0] - through[1], through[1] - through[0]]
    assert only[0] and only[1]
    colors = [{(view.nodes.get(e) or view.edges[e]).chain_color.name() for e in elements} for elements in only]
    assert colors[0] == {style.path_shade(0).name()} and colors[1] == {style.path_shade(1).name()}
    shared = through[0] & through[1]
    assert all((view.nodes.get(e) or view.edges[e]).chain_color is None for e in shared)
    panel = EquationPanel()
    qtbot.addWidget(panel)
    panel.setGeometry(view.geometry().translated(0, view.frameGeometry().height() + 20))  # not under the graph
    panel.resize(1200, 400)
    panel.show()
    panel.set_trace(steps)
    panel.set_step(step)
    qtbot.waitExposed(panel)
    settle(qtbot)
    chain = panel.chain
    assert len(chain.rows) == 2 and "sum over paths" in panel.chain_title.text()
    products = [float(np.prod([f.value for f in row])) for row in chain.rows]
    assert sum(products) == pytest.approx(step.value, rel=1e-9)
    chain.factorHovered.connect(view.set_linked)
    _, lines = chain._placed(rows_too=True)
    rect, path = lines[1]
    qtbot.mouseMove(chain, QPointF(rect.right() - 4, rect.center().y()).toPoint())  # on its product
    qtbot.waitUntil(lambda: all((view.nodes.get(f.element) or view.edges[f.element]).hovered_link
                                for f in path if f.element in {**view.nodes, **view.edges}))


def test_the_two_outputs_preset_shows_a_hidden_weights_sum_over_paths_in_the_window(qtbot, main_window):
    """As a person gets there: the two-outputs preset chosen in the form, → to step 27
    (dw[1]_12), focus mode. Two rows in the equation add up to the result, each path's
    own elements wear its shade, and the mouse on a row's product lights that path."""
    from bpviz.gui import style

    window = main_window
    on_screen(qtbot, window, "projector", (1280, 800))
    page = window.step_page
    choose(qtbot, page.controls.preset, "two-outputs")
    settle(qtbot)
    step_to(qtbot, window, 27)
    press(qtbot, window, "F", widget=page.graph)
    settle(qtbot)
    step, chain, graph = page.controller.step, page.equation.chain, page.graph
    assert step.quantity == ("dw", 1, 1, 2) and len(chain.rows) == 2
    assert sum(math.prod(f.value for f in row) for row in chain.rows) == pytest.approx(step.value, rel=1e-9)
    for i, row in enumerate(chain.rows):
        own = {f.element for f in row} - {f.element for other in chain.rows if other is not row for f in other}
        assert own and all((graph.nodes.get(e) or graph.edges[e]).chain_color.name() == style.path_shade(i).name()
                           for e in own)
    _, lines = chain._placed(rows_too=True)
    rect, path = lines[1]
    qtbot.mouseMove(chain, QPointF(rect.right() - 4, rect.center().y()).toPoint())  # its product
    qtbot.waitUntil(lambda: all((graph.nodes.get(f.element) or graph.edges[f.element]).hovered_link for f in path))
    assert not graph.nodes["n2.1"].hovered_link  # the other path's output stays as it was
