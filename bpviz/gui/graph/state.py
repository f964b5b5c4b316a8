"""What the graph shows at step i of a trace: a pure function of (steps, index), no Qt."""

from __future__ import annotations

from dataclasses import dataclass, field

from bpviz.nn.notation import LOSS_NODE, edge_id, node_id


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


def view_state(steps, index: int) -> ViewState:
    """Every value produced by steps 0..index, and the highlight of step ``index``."""
    state = ViewState()
    if index < 0 or not steps:
        return state
    for step in steps[: index + 1]:
        where = element_of(step.quantity)
        if where is None:
            continue
        kind, element = where
        if kind == "node":
            state.nodes.setdefault(element, {})[_NODE_KEYS[step.quantity[0]]] = step.value
        else:
            key = "dw" if step.quantity[0] == "dw" else "new"
            state.edges.setdefault(element, {})[key] = step.value
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
    return state
