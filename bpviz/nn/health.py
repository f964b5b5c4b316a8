"""Per-layer statistics of a training update: gradient, weight and update norms, the
layer's output A^[l], and how many of its units are saturated (sigmoid, tanh) or dead (ReLU).

Computed from arrays training already has (the batch's forward cache, backward's dW/db,
and the parameters before and after the update); pure numpy, plain floats out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: A unit is saturated where g'(z) is below 1 % of its peak: σ' peaks at 1/4, tanh' at 1.
SATURATION = {"sigmoid": 0.0025, "tanh": 0.01}
#: The same, said of the output A, which is cheaper to test: σ'(z) = A(1 - A) < c where
#: |A - 1/2| > √(1/4 - c), and tanh'(z) = 1 - A² < c where |A| > √(1 - c).
_CENTRE = {"sigmoid": 0.5, "tanh": 0.0}
_RADIUS = {"sigmoid": (0.25 - SATURATION["sigmoid"]) ** 0.5, "tanh": (1 - SATURATION["tanh"]) ** 0.5}


@dataclass(frozen=True)
class LayerStats:
    """Layer l's statistics for one update, made on that update's batch.

    ``W_norm`` is ‖W^[l]‖ before the update (the weights the gradients were taken at);
    ``update_ratio`` is ‖ΔW^[l]‖ / ‖W^[l]‖ with ΔW the update's actual change (whatever
    the optimizer), None when W^[l] is all zeros. Norms are Frobenius norms.
    ``A_mean`` and ``A_std`` are over every entry of A^[l] (units × examples; std with
    ddof 0). ``saturated`` (sigmoid and tanh layers, else None) is the share of
    (unit, example) pairs of the batch where g'(z) < 1 % of its peak: σ'(z) = A(1 - A)
    < 0.0025, tanh'(z) = 1 - A² < 0.01. ``dead`` (ReLU layers, else None) is the share of
    units whose output is 0 on every example of the batch.
    """

    layer: int
    dW_norm: float
    db_norm: float
    W_norm: float
    update_ratio: float | None
    A_mean: float
    A_std: float
    saturated: float | None = None
    dead: float | None = None

    def to_dict(self) -> dict:
        """As plain data (JSON), the fields in order."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


#: The fields a table shows per layer, with their column names for layer l ("dW1_norm").
COLUMNS = {
    "dW_norm": "dW{l}_norm", "db_norm": "db{l}_norm", "W_norm": "W{l}_norm",
    "update_ratio": "update_ratio{l}", "A_mean": "A{l}_mean", "A_std": "A{l}_std",
    "saturated": "saturated{l}", "dead": "dead{l}",
}


def layer_stats(l: int, W_before: np.ndarray, W_after: np.ndarray, dW: np.ndarray,
                db: np.ndarray, A: np.ndarray, activation: str) -> LayerStats:
    """Layer ``l``'s :class:`LayerStats` from its weights before and after the update, its
    gradients, and its output A^[l] on the batch (n_l, m) under ``activation``."""
    W_norm = _norm(W_before)
    step = _norm(W_after - W_before)
    saturated = dead = None
    if activation in SATURATION:
        centre, radius = _CENTRE[activation], _RADIUS[activation]
        outside = np.count_nonzero(A < centre - radius) + np.count_nonzero(A > centre + radius)
        saturated = outside / A.size
    elif activation == "relu":
        dead = np.count_nonzero(~(A > 0).any(axis=1)) / A.shape[0]
    A_mean, A_std = _mean_std(A)
    return LayerStats(
        layer=l, dW_norm=_norm(dW), db_norm=_norm(db), W_norm=W_norm,
        update_ratio=step / W_norm if W_norm > 0 else None, A_mean=A_mean, A_std=A_std,
        saturated=None if saturated is None else float(saturated),
        dead=None if dead is None else float(dead),
    )


def network_stats(before: dict, after: dict, grads: dict, A: tuple, activations) -> tuple[LayerStats, ...]:
    """Every layer's statistics, l = 1..L: parameters ``before`` and ``after`` the update
    ("W1", ...), its gradients ``grads`` ("dW1", "db1", ...), the batch's outputs
    ``A`` = (A^[0], ..., A^[L]) and one activation name per layer."""
    return tuple(
        layer_stats(l, before[f"W{l}"], after[f"W{l}"], grads[f"dW{l}"], grads[f"db{l}"], A[l], name)
        for l, name in enumerate(activations, start=1)
    )


def _norm(x: np.ndarray) -> float:
    return float(np.linalg.norm(x.ravel()))


def _mean_std(A: np.ndarray) -> tuple[float, float]:
    """The mean and standard deviation (ddof 0) of every entry of A, from Σa and Σa² (a
    BLAS dot product, no temporary), summed in float64: a few times faster than A.std()
    on a hidden layer's output over a full batch, and exact enough unless the standard
    deviation is below about 1e-7 of the mean."""
    a = A.ravel() if A.dtype == np.float64 else A.astype(np.float64).ravel()
    n = a.size
    mean = float(a.sum()) / n
    variance = max(float(a @ a) / n - mean * mean, 0.0)
    return mean, variance ** 0.5
