"""What the graph shows at step i of a trace: a pure function of (steps, index), no Qt."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bpviz.nn.notation import LOSS_NODE, edge_id, node_id


class _Hidden:
    """The value of a step whose result quiz mode hides: the graph writes it "?"."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = _Hidden()


@dataclass
class ViewState:
    nodes: dict[str, dict] = field(default_factory=dict)  # node id -> {"z": .., "a": .., ...}
    edges: dict[str, dict] = field(default_factory=dict)  # edge id -> {"dw": .., "new": ..}
    current_nodes: set[str] = field(default_factory=set)
    read_nodes: set[str] = field(default_factory=set)
    current_edges: tuple[str, ...] = ()
    reused_nodes: set[str] = field(default_factory=set)
    phase: str = ""
    direction: str | None = None
    #: A backward step's chain rule: every element on its paths from J (in that order),
    #: the units on them with the keys of their values that are factors ("g'", "a", "da",
    #: ...: key -> "forward" | "backward"), and the weights' edges and loss edges on them.
    chain: tuple[str, ...] = ()
    chain_nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    chain_edges: tuple[str, ...] = ()
    #: Each listed path's elements from J to the quantity (the step's own element last);
    #: an element on one path only has that path's shade (its index), shared ones none.
    chain_paths: tuple[tuple[str, ...], ...] = ()
    shades: dict[str, int] = field(default_factory=dict)
    #: The order a walk lights the chain in: path after path, each from J, each element once.
    walk: tuple[str, ...] = ()


_PARTIAL = re.compile(r"^∂([A-Za-z]+)(?:\[(\d+)\]_(\d+))?/∂([A-Za-z]+)\[(\d+)\]_(\d+)$")


def factor_place(factor) -> tuple[str, str | None]:
    """(node id, value key) where a chain factor's value shows on the graph: ∂J/∂a[L]_j is
    the output's da, ∂J/∂z[L]_j its dz (a softmax output), ∂a/∂z a unit's g′, ∂z/∂w the a
    (or x) of the unit the weight multiplies; a weight's ∂z/∂a = w is its own edge's label
    (node None), and ∂z/∂b = 1 has no value to frame (key None)."""
    match = _PARTIAL.match(factor.symbol.text.replace(" ", ""))
    if match is None:
        return factor.element, None
    top, _, _, bottom, l, j = match.groups()
    l, j = int(l), int(j)
    if top == "J":
        return node_id(l, j), "dz" if bottom == "z" else "da"
    if top == "a" and bottom == "z":
        return node_id(l, j), "g'"
    if top == "z" and bottom == "w":
        return factor.element, "x" if factor.element.startswith("n0.") else "a"
    if top == "z" and bottom == "a":
        return None, None  # the weight: its edge
    return factor.element, None


def element_of(quantity: tuple) -> tuple[str, str] | None:
    """("node", id) or ("edge", id) where a quantity's value belongs on the graph."""
    kind = quantity[0]
    if kind == "J":
        return "node", LOSS_NODE
    if kind in ("z", "a", "da", "dz", "g'", "db", "b") and len(quantity) == 3:
        return "node", node_id(quantity[1], quantity[2])
    if kind in ("dw", "w") and len(quantity) == 4:
        return "edge", edge_id(*quantity[1:])
    return None


_NODE_KEYS = {"z": "z", "a": "a", "da": "da", "dz": "dz", "g'": "g'", "db": "db", "b": "b_new", "J": "J"}


def view_state(steps, index: int, hidden: bool = False) -> ViewState:
    """Every value produced by steps 0..index, and the highlight of step ``index``;
    ``hidden`` (quiz mode): step ``index``'s own value is HIDDEN until it is revealed."""
    state = ViewState()
    if index < 0 or not steps:
        return state
    for step in steps[: index + 1]:
        value = HIDDEN if hidden and step.index == index else step.value
        if step.quantity[0] == "dz" and step.paths:  # a hidden unit's g′: the last factor of its dz
            node, key = factor_place(step.paths[0][-1])
            if key == "g'" and node:
                state.nodes.setdefault(node, {})["g'"] = step.paths[0][-1].value
        where = element_of(step.quantity)
        if where is None:
            continue
        kind, element = where
        if kind == "node":
            state.nodes.setdefault(element, {})[_NODE_KEYS[step.quantity[0]]] = value
        else:
            key = "dw" if step.quantity[0] == "dw" else "new"
            state.edges.setdefault(element, {})[key] = value
    step = steps[index]
    where = element_of(step.quantity)
    produced = where[1] if where and where[0] == "node" else None
    state.current_nodes = {produced} if produced else set()
    state.read_nodes = set(step.nodes) - state.current_nodes
    state.current_edges = tuple(step.edges)
    for reuse in step.reuses:
        source = element_of(steps[reuse.step].quantity)
        if source and source[0] == "node":
            state.reused_nodes.add(source[1])
    state.phase, state.direction = step.phase, step.arrow
    if step.phase == "backward" and step.chain:
        state.chain = tuple(step.chain)
        state.chain_edges = tuple(e for e in step.chain if e.startswith(("w", "J.")))
        for element in step.chain:
            if element.startswith("n"):
                state.chain_nodes.setdefault(element, {})
        for path in step.paths:
            for factor in path:
                node, key = factor_place(factor)
                if node and key:
                    state.chain_nodes.setdefault(node, {})[key] = factor.arrow
        own = [e for e in step.chain if all(e != f.element for path in step.paths for f in path)]
        paths = tuple(tuple(dict.fromkeys([LOSS_NODE, *(f.element for f in path), *own])) for path in step.paths)
        state.chain_paths = paths
        if len(paths) > 1:
            count: dict[str, list[int]] = {}
            for i, elements in enumerate(paths):
                for element in elements:
                    count.setdefault(element, []).append(i)
            state.shades = {element: found[0] for element, found in count.items() if len(found) == 1}
        order = [e for elements in paths for e in elements] or list(step.chain)
        state.walk = tuple(dict.fromkeys(order + list(step.chain)))
    return state
