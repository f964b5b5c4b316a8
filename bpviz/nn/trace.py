"""Every step of one training update as immutable data: forward, loss, backward, update.

``trace(net, x, y, lr)`` plays a small network unit by unit; each :class:`Step` carries
its formula in symbols and with numbers, its value, what it reads and which graph
elements it touches, so that a view can render ``steps[i]`` without knowing any maths.
The values are the network's own: taken from ``Network.forward`` / ``backward`` (so the
gradients assembled from the steps are backward's, bit for bit) and from one SGD step.
``trace_layers`` gives the vectorised view: one step per matrix operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bpviz.errors import ConfigError
from bpviz.nn import notation as nt
from bpviz.nn import trace_steps as build
from bpviz.nn.network import Network
from bpviz.nn.notation import Formula, edge_id, loss_edge_id, node_id, number, partial, sym
from bpviz.nn.optimizers import SGD

PHASES = ("forward", "loss", "backward", "update")
MAX_LAYERS = 4
MAX_UNITS = 8


@dataclass(frozen=True)
class Factor:
    """One factor of a weight's chain rule, with its value and the arrow it came from:
    "forward" for a value of the forward pass, "backward" for a derivative."""

    symbol: Formula
    value: float | np.ndarray
    arrow: str
    element: str  # the node or edge id it belongs to


@dataclass(frozen=True)
class Reuse:
    """A value this step reads from the cache, and the step that produced it: ``step`` is
    that step's index (from 0), ``number`` the step as people count them (from 1)."""

    symbol: str
    step: int

    @property
    def number(self) -> int:
        return self.step + 1


@dataclass(frozen=True)
class Step:
    """One computation. ``formula`` is in symbols, ``numbers`` the same with the values
    put in; ``value`` is the result (a float, or one value per example of a batch).
    ``quantity`` names it for lookups: ("z", l, j), ("dw", l, j, k), ("J",), ...
    ``index`` is its place in the trace (from 0); ``number`` is what people read (from 1).
    """

    index: int
    phase: str
    quantity: tuple
    symbol: Formula
    formula: Formula
    numbers: Formula
    value: float | np.ndarray
    reads: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()
    edges: tuple[str, ...] = ()
    reuses: tuple[Reuse, ...] = ()
    shapes: str = ""
    factors: tuple[Factor, ...] = ()
    note: str = ""
    before: float | None = None  # update steps: the parameter's value before the update

    @property
    def number(self) -> int:
        """The step as people count them: 1 for the first."""
        return self.index + 1

    @property
    def arrow(self) -> str | None:
        """The direction a view animates: "forward" (blue) or "backward" (red)."""
        return {"forward": "forward", "loss": "forward", "backward": "backward",
                "update": None}[self.phase]

    @property
    def result(self) -> Formula:
        return self.symbol + Formula(" = ", " = ") + nt.result(self.value)

    def to_dict(self) -> dict:
        """Plain data for JSON: formulas as {"latex", "text"}, arrays as lists. A step is
        both ``index`` (from 0) and ``number`` (from 1), and so is each step it reuses."""
        def plain(value):
            return value.tolist() if isinstance(value, np.ndarray) else value

        def formula(f):
            return {"latex": f.latex, "text": f.text}

        return {
            "index": self.index, "number": self.number, "phase": self.phase, "quantity": list(self.quantity),
            "symbol": formula(self.symbol), "formula": formula(self.formula),
            "numbers": formula(self.numbers), "value": plain(self.value),
            "reads": list(self.reads), "nodes": list(self.nodes), "edges": list(self.edges),
            "reuses": [{"symbol": r.symbol, "step_index": r.step, "step_number": r.number}
                       for r in self.reuses],
            "shapes": self.shapes, "note": self.note, "before": self.before,
            "factors": [{"symbol": formula(f.symbol), "value": plain(f.value), "arrow": f.arrow,
                         "element": f.element} for f in self.factors],
        }

    def text(self) -> str:
        """One line: the symbol, the formula with the numbers put in, and its value."""
        arrow = "←" if self.phase == "update" else "="
        if self.value is None:
            return f"{self.symbol.text} {arrow} {self.formula.text}   {self.shapes}"
        return f"{self.symbol.text} {arrow} {self.numbers.text} = {nt.result(self.value).text}"


def check_small(net: Network) -> None:
    if net.L > MAX_LAYERS or max(net.layer_sizes) > MAX_UNITS:
        raise ConfigError(
            f"layers: the step-through trace takes up to {MAX_LAYERS} layers of up to "
            f"{MAX_UNITS} units, got {'-'.join(map(str, net.layer_sizes))}"
        )


def _frozen(value):
    """A float for one example; a read-only array for a batch (or a layer's matrix)."""
    if value is None:
        return None
    array = np.array(value, dtype=np.float64)
    if array.size == 1:
        return float(array.reshape(-1)[0])
    array = array.reshape(-1) if array.ndim == 1 or 1 in array.shape[:1] else array
    array.setflags(write=False)
    return array


@dataclass
class _Tracer:
    net: Network
    X: np.ndarray
    Y: np.ndarray
    steps: list[Step] = field(default_factory=list)
    made: dict[tuple, int] = field(default_factory=dict)  # quantity -> step index

    @property
    def m(self) -> int:
        return self.X.shape[1]

    def add(self, phase, quantity, symbol, formula, numbers, value, reads=(), nodes=(),
            edges=(), shapes="", factors=(), note="", before=None) -> Step:
        reuses = ()
        if phase in ("backward", "update"):
            reuses = tuple(Reuse(r.text, self.made[q]) for q, r in reads if q in self.made)
        step = Step(len(self.steps), phase, quantity, symbol, formula, numbers, _frozen(value),
                    tuple(r.text for _, r in reads), tuple(nodes), tuple(edges), reuses,
                    shapes, tuple(factors), note, before)
        self.steps.append(step)
        self.made[quantity] = step.index
        return step

    def mean_prefix(self) -> Formula:
        return Formula(r"\frac{1}{m}\sum_i ", "(1/m) Σ_i ") if self.m > 1 else Formula("", "")


def trace(net: Network, x, y, lr: float) -> list[Step]:
    """The steps of one SGD update of ``net`` on example(s) ``x`` (n_0,) or (n_0, m).

    ``net`` is not changed. Up to 4 layers of up to 8 units (see :func:`trace_layers`
    for larger networks).
    """
    check_small(net)
    X = np.asarray(x, dtype=np.float64)
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    probe = Network(net.layer_sizes, net.activations, net.loss.name, dtype="float64",
                    params=net.params)
    A, cache = probe.forward(X)
    Y = np.asarray(y, dtype=np.float64).reshape(A.shape)
    intermediates: dict = {}
    grads = probe.backward(cache, Y, intermediates)
    updated = {key: value.copy() for key, value in probe.params.items()}
    SGD(lr).step(updated, grads)
    tracer = _Tracer(probe, X, Y)
    build.forward_steps(tracer, cache)
    build.loss_step(tracer, cache, probe.cost(A, Y))
    build.backward_steps(tracer, cache, intermediates, grads)
    build.update_steps(tracer, grads, updated, lr)
    return tracer.steps


def trace_layers(net: Network, m: int | str = "m", x=None, y=None, lr: float | None = None) -> list[Step]:
    """The vectorised trace: one step per matrix operation, with its shapes, as the
    tutorial walks through them. For any size of network (the MNIST diagram).

    Without data, steps carry shapes only (``value`` None) for ``m`` examples; with
    ``x``, ``y`` (and ``lr``) they carry the matrices the network computes.
    """
    from bpviz.nn.trace_layers import layer_steps

    return layer_steps(net, m, x, y, lr)


def gradients_from_steps(steps: list[Step], net: Network) -> dict[str, np.ndarray]:
    """dW^[l], db^[l] assembled from the backward steps' values (for checks and views)."""
    grads = {f"d{key}": np.zeros(value.shape) for key, value in net.params.items()}
    for step in steps:
        if step.phase == "backward" and step.quantity[0] in ("dw", "db"):
            kind, l, j, *k = step.quantity
            key = f"dW{l}" if kind == "dw" else f"db{l}"
            grads[key][j - 1, (k[0] - 1) if k else 0] = step.value
    return grads


def steps_text(steps: list[Step]) -> str:
    """The trace as text, one line per step, numbered from 1 as the app numbers them."""
    return "\n".join(f"{s.number:3d} {s.phase:<8} {s.text()}" for s in steps)


__all__ = ["Factor", "Formula", "PHASES", "Reuse", "Step", "gradients_from_steps", "partial",
           "steps_text", "sym", "trace", "trace_layers", "number", "node_id", "edge_id",
           "loss_edge_id"]
