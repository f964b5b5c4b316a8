"""Divergence, pinpointed: when training's numbers stop being finite or the cost explodes,
replay the failing update step by step and say which quantity went first, where the
largest weight sits, and a learning rate to try.

Training itself only checks cheaply (is the cost finite and within its bound, are the
parameters finite); this module runs once, when that check trips, so it may be slow.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from bpviz.nn.health import norm
from bpviz.nn.network import ForwardCache, Network

#: The cost "explodes" when it passes this many times its start, max(J_start, 1), J_start
#: being the starting parameters' cost on the whole training set. Only a linear output
#: makes the cost unbounded: a sigmoid or softmax output bounds every loss here (a square
#: of at most 1 per unit, a clipped log of at most about 36 per unit), far below this.
#: A healthy run never costs a million times what it started from; the floor of 1 keeps a
#: start that fits by chance (J_start near 0) from making every later cost an explosion.
EXPLODES = 1e6
#: The update ratio ‖ΔW^[l]‖ / ‖W^[l]‖ a suggested learning rate aims at. The usual rule
#: of thumb (CS231n) calls about 1e-3 healthy for long runs of large networks; the app's
#: own healthy presets show larger ones on their first updates (the largest layer's,
#: measured: fast 0.014, tutorial 0.08, nielsen 0.1, notebook-regression 0.12,
#: linear-regression 0.4), and a ratio near 1 is an update as large as the weights, the
#: start of divergence. 1e-2 is inside that healthy range, below all but its bottom.
HEALTHY_RATIO = 1e-2

#: What each quantity is, as a message says it; {l} is the layer.
MEANINGS = {
    "Z": "layer {l}'s pre-activation Z = W A + b",
    "A": "layer {l}'s output A = g(Z)",
    "cost": "the cost",
    "dA": "the gradient dA[{l}] of layer {l}'s output",
    "dZ": "the gradient dZ[{l}] of layer {l}'s pre-activation",
    "dW": "the gradient of W[{l}]",
    "db": "the gradient of b[{l}]",
    "W": "W[{l}] after the update",
    "b": "b[{l}] after the update",
}


@dataclass(frozen=True)
class Divergence:
    """Where a diverging run's numbers went wrong first.

    ``update`` is the iteration (counted from 0, as Progress counts) in whose forward
    pass, cost, backward pass or parameter update the first bad number appeared, in the
    order they are computed: Z[1], A[1], ..., Z[L], A[L], the cost, then dA[L] (when the
    output and loss are not fused), dZ[L], dW[L], db[L], dA[L-1], dZ[L-1], ..., db[1],
    then the updated W[1], b[1], ..., W[L], b[L]. ``quantity`` names it ("Z", "A",
    "cost", "dA", "dZ", "dW", "db", "W", "b"), ``layer`` is its l (None for the cost).
    ``problem`` is "overflow" (an entry became ±inf), "nan" (an entry became NaN, with
    no inf) or "bound" (the cost passed ``bound``, see EXPLODES). ``largest`` is the
    largest finite |entry| of that quantity (for "bound", the cost), ``limit`` the
    dtype's largest number. ``weight`` is the largest |weight| of the kept parameters,
    at ``weight_at`` = (l, row, column), 1-based as the app numbers units: W[l] row i
    col j joins unit j of layer l-1 to unit i of layer l. ``lr_to_try``: see
    :func:`lr_to_try`.
    """

    update: int
    quantity: str
    layer: int | None
    problem: str
    largest: float
    limit: float
    weight: float
    weight_at: tuple[int, int, int]
    lr: float
    lr_to_try: float
    bound: float | None = None

    @property
    def dtype(self) -> str:
        return "float32" if self.limit < 1e39 else "float64"

    @property
    def symbol(self) -> str:
        """"Z[2]", "dW[1]", "J"."""
        return "J" if self.layer is None else f"{self.quantity}[{self.layer}]"

    def what(self) -> str:
        """Which quantity went first and how: "Z[2] overflowed first: layer 2's
        pre-activation Z = W A + b went past ±1.8e+308, the largest float64"."""
        meaning = MEANINGS[self.quantity].format(l=self.layer)
        if self.problem == "bound":
            return (f"the cost J exploded first: it reached {self.largest:.3g}, past its limit {self.bound:.3g} "
                    f"(a million times the starting cost, at least 1)")
        if self.problem == "overflow":
            return f"{self.symbol} overflowed first: {meaning} went past ±{self.limit:.2g}, the largest {self.dtype}"
        # The first bad quantity was computed from finite ones: something inside overflowed
        # and met another infinity (∞ − ∞) or a zero (0 × ∞).
        return (f"{self.symbol} became NaN first: computing {meaning} from finite numbers overflowed, "
                f"and ∞ − ∞ or 0 × ∞ gave NaN")

    def where_weight(self) -> str:
        l, i, j = self.weight_at
        return f"the largest |weight| was {self.weight:.3g}, at W[{l}] row {i}, col {j}"

    def advice(self) -> str:
        return f"try a learning rate of {self.lr_to_try:g} (now {self.lr:g})"

    def headline(self) -> str:
        """The short form, for a line of its own: "at iteration 12: Z[2] overflowed first;
        try a learning rate of 0.02"."""
        verb = {"overflow": "overflowed", "nan": "became NaN", "bound": "exploded"}[self.problem]
        return f"at iteration {self.update}: {self.symbol} {verb} first; try a learning rate of {self.lr_to_try:g}"

    def lines(self) -> tuple[str, str]:
        """Two lines: the update and the quantity; the largest weight and a learning rate."""
        return f"at iteration {self.update}, {self.what()}", f"{self.where_weight()}; {self.advice()}"

    def text(self) -> str:
        """The two lines as one: "at iteration 12, Z[2] overflowed first (...); the largest
        |weight| was 4.2e+153, at W[1] row 3, col 7; try a learning rate of 0.02 (now 3)"."""
        return "; ".join(self.lines())

    def to_dict(self) -> dict:
        """As plain data (JSON), the fields in order, ``weight_at`` as a list."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["weight_at"] = list(self.weight_at)
        return data


def cost_bound(net: Network, X: np.ndarray, Y: np.ndarray) -> float:
    """The largest cost training takes before it calls the run exploded: EXPLODES ×
    max(J_start, 1) for a linear output (J_start: the cost of ``net`` on X, Y), else the
    largest float (only a non-finite cost stops those: theirs is bounded)."""
    if net.activations[-1] != "linear":
        return float(np.finfo(np.float64).max)
    with np.errstate(all="ignore"):
        A, _ = net.forward(X)
        start = net.cost(A, Y)
    if not math.isfinite(start):
        return float(np.finfo(np.float64).max)  # the first update says why
    return EXPLODES * max(start, 1.0)


def nice_below(x: float) -> float:
    """The largest of 1, 2 or 5 × 10^k that is at most ``x`` (> 0): 0.37 -> 0.2."""
    k = math.floor(math.log10(x))
    for exponent in (k + 1, k, k - 1):
        for digit in (5, 2, 1):
            value = float(f"{digit}e{exponent}")
            if value <= x:
                return value
    return x


def lr_to_try(lr: float, ratios) -> float:
    """A learning rate to try after a run at ``lr`` diverged, from the update ratios
    ‖ΔW^[l]‖ / ‖W^[l]‖ its healthy updates showed (``ratios``; None entries skipped).

    For SGD, momentum and Adam alike an update's step is proportional to the learning
    rate, so lr × HEALTHY_RATIO / (the largest ratio seen) would have made that largest
    ratio 1e-2, inside the healthy range (see HEALTHY_RATIO). The largest ratio seen is
    the first update's or a later one's, which may already have been growing toward the
    divergence, so this errs small, the safe side. It is never more than lr / 10 (the run at lr diverged: a rate that
    close is not worth a run), and it is rounded down to 1, 2 or 5 × 10^k.
    """
    ceiling = lr / 10
    # A ratio past the largest float (an update of 1e307 on weights of 0.1) is at least
    # that largest float: the rate it suggests is at most the one that bound gives.
    seen = [min(r, sys.float_info.max) for r in ratios if r is not None and not math.isnan(r) and r > 0]
    guess = lr * HEALTHY_RATIO / max(seen) if seen else ceiling
    return nice_below(max(min(guess, ceiling), 1e-300))


def largest_weight(params: dict) -> tuple[float, tuple[int, int, int]]:
    """The largest |w| over every W^[l] and where: (value, (l, row, col)), 1-based."""
    best, where = -1.0, (1, 1, 1)
    l = 1
    while f"W{l}" in params:
        W = np.abs(params[f"W{l}"])
        flat = int(np.argmax(W))
        if W.flat[flat] > best:
            i, j = np.unravel_index(flat, W.shape)
            best, where = float(W.flat[flat]), (l, int(i) + 1, int(j) + 1)
        l += 1
    return best, where


def quantities(net: Network, params: dict, X: np.ndarray, Y: np.ndarray, after: dict | None = None,
               backward: bool = True, sgd_lr: float | None = None) -> Iterator[tuple[str, int | None, object]]:
    """(name, layer, value) for every quantity of one update from ``params`` on the
    columns X, Y, in the order they are computed (see Divergence), with the network's own
    arithmetic: the forward pass, the cost, then (with ``backward``) the backward pass,
    and the updated parameters: ``after`` when given, else with ``sgd_lr`` W - α dW."""
    probe = net.copy()
    probe.params = dict(params)  # read only
    A, outputs = X, [X]
    for l in range(1, net.L + 1):
        Z = params[f"W{l}"] @ A
        Z += params[f"b{l}"]
        yield "Z", l, Z
        A = probe._g[l - 1].forward(Z.copy())  # g(Z + b) as Network.forward computes it
        yield "A", l, A
        outputs.append(A)
    yield "cost", None, net.loss.cost(A, Y)
    if not backward:
        return
    kept: dict = {}
    grads = probe.backward(ForwardCache(tuple(outputs)), Y, intermediates=kept)
    if not net.fused_output:
        yield "dA", net.L, kept[f"dA{net.L}"]
    for l in range(net.L, 0, -1):
        yield "dZ", l, kept[f"dZ{l}"]
        yield "dW", l, grads[f"dW{l}"]
        yield "db", l, grads[f"db{l}"]
        if l > 1:
            yield "dA", l - 1, kept[f"dA{l - 1}"]
    if after is None and sgd_lr is not None:
        after = {key: value - sgd_lr * grads["d" + key] for key, value in params.items()}
    for l in range(1, net.L + 1):
        if after is not None:
            yield "W", l, after[f"W{l}"]
            yield "b", l, after[f"b{l}"]


def first_bad(items, bound: float) -> tuple[str, int | None, str, float] | None:
    """The first (name, layer, problem, largest finite |entry|) among ``items`` that is not
    finite, or (the cost) past ``bound``; None when all are fine."""
    for name, layer, value in items:
        array = np.asarray(value, dtype=np.float64)
        finite = np.isfinite(array)
        if finite.all():
            if name == "cost" and float(array) > bound:
                return name, layer, "bound", float(array)
            continue
        problem = "overflow" if np.isinf(array).any() else "nan"
        rest = np.abs(array[finite])
        return name, layer, problem, float(rest.max()) if rest.size else math.nan
    return None


def diagnose(net: Network, *, update: int, before: dict | None, batch: tuple | None, after: dict | None,
             next_batch: tuple | None, bound: float, kept: dict, lr: float, ratios=(),
             cost: float = math.nan, sgd: bool = False) -> Divergence:
    """Replay the updates where a run diverged and say what went first.

    ``before`` (the parameters update ``update`` - 1 started from, None when the run
    stopped at its very first cost) with that update's ``batch`` (X, Y) and its result
    ``after`` are replayed whole; then the forward pass and cost of ``after`` on
    ``next_batch`` (update ``update``), when given. ``kept``: the parameters training
    keeps; ``ratios``: the update ratios seen (see lr_to_try); ``cost``: the cost that
    tripped the check, said when the replay finds nothing (rounding at the very edge).
    ``sgd``: with no ``after``, the update is W - α dW at ``lr`` (the step page's).
    """
    found, at = None, update
    with np.errstate(all="ignore"):
        if before is not None:
            found = first_bad(quantities(net, before, *batch, after=after, sgd_lr=lr if sgd else None), bound)
            at = update - 1
        if found is None and next_batch is not None:
            found = first_bad(quantities(net, after if before is not None else kept, *next_batch,
                                         backward=False), bound)
            at = update
    if found is None:
        problem = "nan" if math.isnan(cost) else "overflow" if math.isinf(cost) else "bound"
        found, at = ("cost", None, problem, cost if problem == "bound" else math.nan), update
    name, layer, problem, largest = found
    weight, where = largest_weight(kept)
    return Divergence(at, name, layer, problem, largest, float(np.finfo(net.dtype).max), weight, where,
                      lr, lr_to_try(lr, ratios), bound if problem == "bound" else None)


def update_ratios(before: dict, after: dict, L: int) -> list[float | None]:
    """‖W^[l] after - W^[l] before‖ / ‖W^[l] before‖ for l = 1..L (None where W is 0)."""
    ratios = []
    for l in range(1, L + 1):
        W = before[f"W{l}"]
        size = norm(W)
        ratios.append(norm(after[f"W{l}"] - W) / size if size > 0 else None)
    return ratios
