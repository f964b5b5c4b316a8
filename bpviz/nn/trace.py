"""Every step of one training update as immutable data: forward, loss, backward, update.

``trace(net, x, y, lr)`` plays a small network unit by unit; each :class:`Step` carries
its formula in symbols and with numbers, its value, what it reads and which graph
elements it touches, so that a view can render ``steps[i]`` without knowing any maths.
The values are the network's own: taken from ``Network.forward`` / ``backward`` (so the
gradients assembled from the steps are backward's, bit for bit) and from one SGD step.
Each backward step also carries the chain rule on the graph: its paths from J, their
elements and, for a hidden da, the value of each term (see :class:`Step`).
``trace_layers`` gives the vectorised view: one step per matrix operation.

This module is the front; the records (``trace_records``), the paths (``trace_paths``)
and the step builders (``trace_steps``, ``trace_layers``) never import it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bpviz.errors import ConfigError
from bpviz.nn import trace_steps as build
from bpviz.nn.network import Network
from bpviz.nn.notation import Formula, edge_id, loss_edge_id, node_id, number, partial, sym
from bpviz.nn.optimizers import SGD
from bpviz.nn.trace_layers import layer_steps
from bpviz.nn.trace_paths import MAX_PATHS, ChainRule, paths_text
from bpviz.nn.trace_records import PHASES, Factor, Reuse, Step, frozen

MAX_LAYERS = 4
MAX_UNITS = 8


def check_small(net: Network) -> None:
    if net.L > MAX_LAYERS or max(net.layer_sizes) > MAX_UNITS:
        raise ConfigError(
            f"layers: the step-through trace takes up to {MAX_LAYERS} layers of up to "
            f"{MAX_UNITS} units, got {'-'.join(map(str, net.layer_sizes))}"
        )


@dataclass
class _Tracer:
    net: Network
    X: np.ndarray
    Y: np.ndarray
    chains: ChainRule
    steps: list[Step] = field(default_factory=list)
    made: dict[tuple, int] = field(default_factory=dict)  # quantity -> step index

    @property
    def m(self) -> int:
        return self.X.shape[1]

    def add(self, phase, quantity, symbol, formula, numbers, value, reads=(), nodes=(),
            edges=(), shapes="", factors=(), note="", before=None, terms=()) -> Step:
        """Append a step; a backward step gets its paths from J and their chain."""
        reuses = ()
        if phase in ("backward", "update"):
            reuses = tuple(Reuse(r.text, self.made[q]) for q, r in reads if q in self.made)
        chain_rule = self.chains.for_step(quantity) if phase == "backward" else {}
        step = Step(len(self.steps), phase, quantity, symbol, formula, numbers, frozen(value),
                    tuple(r.text for _, r in reads), tuple(nodes), tuple(edges), reuses,
                    shapes, tuple(factors), note, before, terms=tuple(frozen(t) for t in terms),
                    **chain_rule)
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
    tracer = _Tracer(probe, X, Y, ChainRule(probe, cache, intermediates))
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
    """The trace as text, one line per step, numbered from 1 as the app numbers them. A
    backward step with several paths from J gets a second, indented line: the sum over
    its paths with each product's value (see :func:`bpviz.nn.trace_paths.paths_text`)."""
    lines = []
    for s in steps:
        lines.append(f"{s.number:3d} {s.phase:<8} {s.text()}")
        extra = paths_text(s)
        if extra:
            lines.append(" " * 13 + extra)
    return "\n".join(lines)


__all__ = ["Factor", "Formula", "MAX_LAYERS", "MAX_PATHS", "MAX_UNITS", "PHASES", "Reuse", "Step",
           "gradients_from_steps", "partial", "paths_text", "steps_text", "sym", "trace",
           "trace_layers", "number", "node_id", "edge_id", "loss_edge_id"]
