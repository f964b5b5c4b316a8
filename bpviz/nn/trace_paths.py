"""The chain rule on the graph: every path from J to a backward step's quantity.

A path is a product of local derivatives (:class:`Factor`), one per graph element it
crosses; the sum over the paths is the step's gradient. Factors and paths are built once
per trace and shared between the steps that hold them.
"""

from __future__ import annotations

import math

import numpy as np

from bpviz.nn import notation as nt
from bpviz.nn.notation import LOSS_NODE, edge_id, loss_edge_id, node_id, partial, sym
from bpviz.nn.trace_records import Factor, Step, frozen

#: Above this many paths a step lists none (its ``chain`` still covers them): 16 products
#: are as many as a person reads, and listing every path of a 4-layer network of 8 units
#: (8³ = 512 per weight of layer 1) would make tracing it slow.
MAX_PATHS = 16


def g_prime(name: str, a) -> np.ndarray:
    """g'(z) from the output a = g(z), elementwise (softmax: ∂a_j/∂z_j, the Jacobian's diagonal)."""
    a = np.asarray(a, dtype=float)
    if name in ("sigmoid", "softmax"):
        return a * (1 - a)
    if name == "tanh":
        return 1 - a * a
    if name == "relu":
        return (a > 0).astype(float)
    return np.ones_like(a)


class ChainRule:
    """The paths from J of one trace's network, on one forward cache and the backward
    intermediates (``dA{l}``, ``dZ{l}``) that ``Network.backward`` kept."""

    def __init__(self, net, cache, inter):
        self.net, self.A, self.inter = net, cache.A, inter
        self.L, self.sizes = net.L, net.layer_sizes
        softmax = net.activations[-1] == "softmax"
        self.fused_softmax = softmax and net.fused_output
        self.coupled = softmax and not net.fused_output  # ∂a_k/∂z_j ≠ 0 for k ≠ j
        self._factors: dict[tuple, Factor] = {}
        self._paths: dict[tuple, tuple] = {}
        self._chains: dict[tuple, tuple] = {}

    # -- the local derivatives, one Factor per graph element and quantity --------------

    def _factor(self, key, make) -> Factor:
        factor = self._factors.get(key)
        if factor is None:
            symbol, value, arrow, element = make()
            factor = self._factors[key] = Factor(symbol, frozen(value), arrow, element)
        return factor

    def dJ_da(self, u: int) -> Factor:
        L = self.L
        return self._factor(("dJ/da", u), lambda: (
            partial(sym("J"), sym("a", L, u)), self.inter[f"dA{L}"][u - 1], "backward", loss_edge_id(u)))

    def dJ_dz(self, u: int) -> Factor:
        """∂J/∂z[L]_u of a softmax output, one factor on the loss edge (the fused form)."""
        L = self.L
        return self._factor(("dJ/dz", u), lambda: (
            partial(sym("J"), sym("z", L, u)), self.inter[f"dZ{L}"][u - 1], "backward", loss_edge_id(u)))

    def dJ_da_hidden(self, l: int, j: int) -> Factor:
        """∂J/∂a[l]_j of a hidden unit as one number (the short chain of ``factors``)."""
        return self._factor(("dJ/da", l, j), lambda: (
            partial(sym("J"), sym("a", l, j)), self.inter[f"dA{l}"][j - 1], "backward", node_id(l, j)))

    def da_dz(self, l: int, j: int, k: int | None = None) -> Factor:
        """∂a[l]_k/∂z[l]_j on unit k (k = j but for a softmax output's other units:
        ∂a_k/∂z_j = -a_k a_j)."""
        k = j if k is None else k
        name = self.net.activations[l - 1]
        if k == j:
            value = lambda: g_prime(name, self.A[l][j - 1])  # noqa: E731
        else:
            value = lambda: -self.A[l][k - 1] * self.A[l][j - 1]  # noqa: E731
        return self._factor(("da/dz", l, k, j), lambda: (
            partial(sym("a", l, k), sym("z", l, j)), value(), "backward", node_id(l, k)))

    def dz_da(self, l: int, j: int, k: int) -> Factor:
        return self._factor(("dz/da", l, j, k), lambda: (
            partial(sym("z", l, j), sym("a", l - 1, k)), self.net.params[f"W{l}"][j - 1, k - 1],
            "backward", edge_id(l, j, k)))

    def dz_dw(self, l: int, j: int, k: int) -> Factor:
        return self._factor(("dz/dw", l, j, k), lambda: (
            partial(sym("z", l, j), sym("w", l, j, k)), self.A[l - 1][k - 1], "forward", node_id(l - 1, k)))

    def dz_db(self, l: int, j: int) -> Factor:
        return self._factor(("dz/db", l, j), lambda: (
            partial(sym("z", l, j), sym("b", l, j)), 1.0, "backward", node_id(l, j)))

    # -- the paths ---------------------------------------------------------------------

    def count(self, l: int) -> int:
        """How many paths lead from J to z[l]_j (or a[l]_j below the output): the same
        for every unit j of layer l, since the layers are fully connected."""
        n = self.sizes[self.L] if self.coupled else 1
        for i in range(l + 1, self.L + 1):
            n *= self.sizes[i]
        return n

    def to_a(self, l: int, k: int) -> tuple:
        """The paths J → a[l]_k (l < L: through every unit of layer l+1, in order)."""
        key = ("a", l, k)
        if key not in self._paths:
            if l == self.L:
                paths = ((self.dJ_da(k),),)
            else:
                paths = tuple(p + (self.dz_da(l + 1, h, k),)
                              for h in range(1, self.sizes[l + 1] + 1) for p in self.to_z(l + 1, h))
            self._paths[key] = paths
        return self._paths[key]

    def to_z(self, l: int, j: int) -> tuple:
        """The paths J → z[l]_j."""
        key = ("z", l, j)
        if key not in self._paths:
            L = self.L
            if l < L:
                paths = tuple(p + (self.da_dz(l, j),) for p in self.to_a(l, j))
            elif self.fused_softmax:
                paths = ((self.dJ_dz(j),),)
            elif self.coupled:
                paths = tuple((self.dJ_da(k), self.da_dz(L, j, k)) for k in range(1, self.sizes[L] + 1))
            else:
                paths = ((self.dJ_da(j), self.da_dz(L, j)),)
            self._paths[key] = paths
        return self._paths[key]

    # -- the chains: the elements the paths cover, from J down -------------------------

    def _top(self, l: int) -> tuple:
        """Every element on a path from J to any unit of layer l, the units included."""
        key = ("top", l)
        if key not in self._chains:
            L, n = self.L, self.sizes
            if l == L:
                chain = (LOSS_NODE, *(loss_edge_id(u) for u in range(1, n[L] + 1)),
                         *(node_id(L, u) for u in range(1, n[L] + 1)))
            else:
                chain = (*self._top(l + 1),
                         *(edge_id(l + 1, h, k) for h in range(1, n[l + 1] + 1) for k in range(1, n[l] + 1)),
                         *(node_id(l, k) for k in range(1, n[l] + 1)))
            self._chains[key] = chain
        return self._chains[key]

    def chain_to(self, l: int, k: int) -> tuple:
        """The elements on a path from J to unit k of layer l (to a or z alike)."""
        key = ("unit", l, k)
        if key not in self._chains:
            if l == self.L:
                chain = self._top(l) if self.coupled else (LOSS_NODE, loss_edge_id(k), node_id(l, k))
            else:
                chain = (*self._top(l + 1), *(edge_id(l + 1, h, k) for h in range(1, self.sizes[l + 1] + 1)),
                         node_id(l, k))
            self._chains[key] = chain
        return self._chains[key]

    # -- what a step holds ---------------------------------------------------------------

    def for_step(self, quantity: tuple) -> dict:
        """The ``paths``, ``path_count`` and ``chain`` of the backward step of ``quantity``."""
        kind, l, j, *rest = quantity
        if kind == "g'":
            return {"paths": ((self.da_dz(l, j),),), "path_count": 1, "chain": (node_id(l, j),)}
        if kind == "da" and l == self.L:
            return {"paths": self.to_a(l, j), "path_count": 1, "chain": (LOSS_NODE, loss_edge_id(j), node_id(l, j))}
        count = self.count(l)
        listed = count <= MAX_PATHS
        chain = self.chain_to(l, j)
        if kind == "da":
            paths = self.to_a(l, j) if listed else ()
        elif kind == "dz":
            paths = self.to_z(l, j) if listed else ()
        elif kind == "dw":
            k = rest[0]
            last = self.dz_dw(l, j, k)
            paths = tuple(p + (last,) for p in self.to_z(l, j)) if listed else ()
            chain = (*chain, edge_id(l, j, k), node_id(l - 1, k))
        else:  # db
            last = self.dz_db(l, j)
            paths = tuple(p + (last,) for p in self.to_z(l, j)) if listed else ()
        return {"paths": paths, "path_count": count, "chain": chain}

    def weight_factors(self, l: int, j: int, k: int) -> tuple:
        """The chain a weight's view has always shown (``Step.factors``): the whole path
        when all later layers have one unit, else the short chain from the weight's unit."""
        L = self.L
        if l == L and self.net.activations[-1] == "softmax":
            head = (self.dJ_dz(j),)
        elif all(self.sizes[i] == 1 for i in range(l + 1, L + 1)):
            head = self.to_z(l, j)[0]
        else:
            head = (self.dJ_da_hidden(l, j), self.da_dz(l, j))
        return (*head, self.dz_dw(l, j, k))


def _wrt(factor: Factor) -> str:
    """What a factor differentiates by: z[2]_1 for ∂a[2]_1/∂z[2]_1."""
    return factor.symbol.text.rsplit("/∂", 1)[-1]


def routes(paths) -> list[str]:
    """A short name for each path: the variables it passes that not every path passes
    (a unit's a names it; its z is left out when its a is there)."""
    passes = [[_wrt(f) for f in path] for path in paths]
    shared = set.intersection(*(set(p) for p in passes)) if passes else set()
    names = []
    for p in passes:
        own = [v for v in p if v not in shared]
        own = [v for v in own if not (v.startswith("z") and "a" + v[1:] in own)]
        names.append(", ".join(own))
    return names


def paths_text(step: Step) -> str:
    """The sum over a step's paths, with each product's value and its route, on one line:
    "2 paths from J: 0.0081 via a[2]_1 + 0.0037 via a[2]_2 = 0.0118". Empty for a step
    with one path or none; for one with too many to list, only how many there are."""
    if step.path_count <= 1:
        return ""
    if not step.paths:
        return f"{step.path_count} paths from J (more than {MAX_PATHS}: not listed)"
    products = [np.asarray(math.prod(f.value for f in path), dtype=float) for path in step.paths]
    parts = [f"{nt.number(p).text} via {route}" for p, route in zip(products, routes(step.paths))]
    per_example = " per example" if any(p.size > 1 for p in products) else ""
    return (f"{len(step.paths)} paths from J{per_example}: " + " + ".join(parts)
            + f" = {nt.result(sum(products)).text}")
