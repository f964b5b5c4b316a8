"""The records a trace is made of: Step, Factor and Reuse, immutable data a view renders.

The builders (``trace_paths``, ``trace_steps``, ``trace_layers``) import this module and
nothing imports them back: imports among the trace modules run one way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bpviz.nn import notation as nt
from bpviz.nn.notation import Formula

PHASES = ("forward", "loss", "backward", "update")
#: Each phase as a heading says it (the equation panel, the steps list, a handout, a screen reader).
PHASE_TITLES = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
                "update": "Update"}


def frozen(value):
    """A float for one example; a read-only array for a batch (or a layer's matrix)."""
    if value is None:
        return None
    array = np.array(value, dtype=np.float64)
    if array.size == 1:
        return float(array.reshape(-1)[0])
    array = array.reshape(-1) if array.ndim == 1 or 1 in array.shape[:1] else array
    array.setflags(write=False)
    return array


def plain(value):
    """A value as JSON takes it: arrays as lists."""
    return value.tolist() if isinstance(value, np.ndarray) else value


def formula_dict(f: Formula) -> dict:
    return {"latex": f.latex, "text": f.text}


@dataclass(frozen=True)
class Factor:
    """One local derivative of the chain rule, with its value and the arrow it came from:
    "forward" for a value of the forward pass (∂z/∂w = a), "backward" for a derivative.
    ``element`` is the graph element it belongs to: the loss edge ``J.j`` for ∂J/∂a[L]_j
    (or ∂J/∂z[L]_j of a softmax output), the unit ``n{l}.{j}`` for ∂a/∂z and ∂z/∂b = 1,
    the edge ``w{l}.{j}.{k}`` for ∂z[l]_j/∂a[l-1]_k = w[l]_jk, and the input unit
    ``n{l-1}.{k}`` for ∂z[l]_j/∂w[l]_jk = a[l-1]_k. ``value`` is a float for one example,
    a read-only array (one value per example) for a batch; a weight is one float."""

    symbol: Formula
    value: float | np.ndarray
    arrow: str
    element: str

    def to_dict(self) -> dict:
        return {"symbol": formula_dict(self.symbol), "value": plain(self.value), "arrow": self.arrow,
                "element": self.element}


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

    The chain rule of a backward step (empty for the other phases):

    - ``paths``: every path from J to the step's quantity, each a tuple of :class:`Factor`
      ordered from J (first) to the quantity (last), one local derivative per factor. A
      fan-out gives one path per route: dz[1]_1 of a 2-2-2 network has two, through
      z[2]_1 and z[2]_2. Paths are sorted by the units they pass, read from the quantity
      up: first by the unit of the layer just above, then by the next layer's, and so
      on to the output (so the paths of each term of da[l-1]_k = Σ_j w[l]_jk·dz[l]_j
      are contiguous, in the terms' order). Summing, over the paths, the product of
      their factors' values gives the gradient of one example's loss: for da, g', dz
      steps that is ``value`` (per example for a batch); for dw and db steps ``value``
      is its mean over the examples (for one example, the sum itself). Equal up to
      rounding, as the network sums in another order; and sigmoid + BCE writes dz as
      a - y where its path multiplies ∂J/∂a · ∂a/∂z, which disagree only once the
      sigmoid saturates (a rounds to 1 or 0, so ∂a/∂z = 0 while BCE's clipped ∂J/∂a is
      huge). A g' step (∂a[L]_j/∂z[L]_j) is one local derivative: one path of one
      factor. A softmax output with cross-entropy is one factor ∂J/∂z[L]_j on the loss
      edge J.j (the fused form); with another loss each output k gives a path
      ∂J/∂a[L]_k · ∂a[L]_k/∂z[L]_j (softmax couples the outputs). When a step has more
      than ``MAX_PATHS`` paths (``trace_paths``), ``paths`` is empty: ``path_count`` still
      says how many there are, and ``chain`` which elements they cover.
    - ``path_count``: the number of paths (0 outside the backward phase).
    - ``chain``: every graph element id on any path, each once, from J towards the
      quantity: "J", the loss edges J.u, the output units, then layer by layer the edges
      and the units below them, down to the quantity's own element(s): the unit for
      a, z, db; for dw the weight's edge w{l}.{j}.{k} and then its input unit. A g'
      step's chain is its unit alone. Always filled for backward steps.
    - ``terms``: for a hidden da step, da[l-1]_k = Σ_j w[l]_jk·dz[l]_j, the value of each
      term w[l]_jk·dz[l]_j, j = 1..n_l in the formula's order (per example for a
      batch); they sum to ``value``. Empty for every other step.

    These four are filled by ``trace`` (unit by unit); ``trace_layers`` leaves them empty.

    ``factors`` is the chain a weight's view shows, as before paths existed: for dw steps
    only, the whole path when there is one (then equal to ``paths[0]``), else the short
    chain ∂J/∂a[l]_j · ∂a[l]_j/∂z[l]_j · ∂z[l]_j/∂w[l]_jk from the weight's own unit
    (∂J/∂z[L]_j · ∂z/∂w for a softmax output).
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
    paths: tuple[tuple[Factor, ...], ...] = ()
    chain: tuple[str, ...] = ()
    terms: tuple[float | np.ndarray, ...] = ()
    path_count: int = 0

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
        return {
            "index": self.index, "number": self.number, "phase": self.phase, "quantity": list(self.quantity),
            "symbol": formula_dict(self.symbol), "formula": formula_dict(self.formula),
            "numbers": formula_dict(self.numbers), "value": plain(self.value),
            "reads": list(self.reads), "nodes": list(self.nodes), "edges": list(self.edges),
            "reuses": [{"symbol": r.symbol, "step_index": r.step, "step_number": r.number}
                       for r in self.reuses],
            "shapes": self.shapes, "note": self.note, "before": self.before,
            "factors": [f.to_dict() for f in self.factors],
            "paths": [[f.to_dict() for f in path] for path in self.paths],
            "path_count": self.path_count, "chain": list(self.chain),
            "terms": [plain(t) for t in self.terms],
        }

    def text(self) -> str:
        """One line: the symbol, the formula with the numbers put in, and its value."""
        arrow = "←" if self.phase == "update" else "="
        if self.value is None:
            return f"{self.symbol.text} {arrow} {self.formula.text}   {self.shapes}"
        return f"{self.symbol.text} {arrow} {self.numbers.text} = {nt.result(self.value).text}"
