"""Per-layer statistics of a training update: gradient, weight and update norms, the
layer's output A^[l], how many of its units are saturated (sigmoid, tanh) or dead (ReLU),
and fixed-bin histograms of A^[l] and of log10 |dW^[l]|.

Computed from arrays training already has (the batch's forward cache, backward's dW/db,
and the parameters before and after the update); pure numpy, plain floats out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: A unit is saturated where g'(z) is below 1 % of its peak: σ' peaks at 1/4, tanh' at 1.
SATURATION = {"sigmoid": 0.0025, "tanh": 0.01}
#: The same, said of the output A, which is cheaper to test: σ'(z) = A(1 - A) < c where
#: |A - 1/2| > √(1/4 - c), and tanh'(z) = 1 - A² < c where |A| > √(1 - c).
_CENTRE = {"sigmoid": 0.5, "tanh": 0.0}
_RADIUS = {"sigmoid": (0.25 - SATURATION["sigmoid"]) ** 0.5, "tanh": (1 - SATURATION["tanh"]) ** 0.5}


#: A^[l]'s histogram: this many equal bins over the activation's range (below).
A_BINS = 20
#: A^[l]'s histogram counts at most about this many entries: every k-th example's column
#: of a batch larger than that (a full batch of the tutorial's hidden layer has 2.2
#: million; their histogram alone took a third of an update's time, a sample of 2**18 a
#: few percent, and differs from it by well under 1 % of the total in any bin).
A_SAMPLE = 2**18
#: The range of A^[l]'s bins for an activation that has one; others take the batch's
#: smallest and largest value.
A_RANGE = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0)}
#: log10 |dW^[l]|'s histogram: fixed bins, four a decade from 1e-12 to 1: the same for
#: every layer and run, so that one layer's gradients sit left of another's when smaller.
DW_DECADES = (-12.0, 0.0)
DW_BINS = 48


@dataclass(frozen=True)
class Histogram:
    """How many values fall in each of ``len(counts)`` equal bins from ``low`` to ``high``;
    values outside go to the end bins. ``zeros`` counts values left out, being exactly 0
    (a histogram of log10 |x| has no bin for them; a pixel that is 0 on every image of the
    batch gives its weights a gradient of exactly 0)."""

    low: float
    high: float
    counts: tuple[int, ...]
    zeros: int = 0

    def edges(self) -> np.ndarray:
        """The bins' len(counts) + 1 edges."""
        return np.linspace(self.low, self.high, len(self.counts) + 1)

    @property
    def total(self) -> int:
        """The values counted in the bins (``zeros`` not among them)."""
        return sum(self.counts)


def histogram(values: np.ndarray, low: float, high: float, bins: int, zeros: int = 0) -> Histogram:
    """``values`` counted in ``bins`` equal bins from ``low`` to ``high``, the values outside
    in the end bins (NaN nowhere)."""
    if not high > low:  # every value the same: one bin a unit wide around it
        low, high = low - 0.5, low + 0.5
    values = np.clip(values.ravel(), low, high)
    counts, _ = np.histogram(values, bins=bins, range=(low, high))
    return Histogram(float(low), float(high), tuple(int(c) for c in counts), int(zeros))


def activation_histogram(A: np.ndarray, activation: str) -> Histogram:
    """A^[l]'s entries in A_BINS bins over ``activation``'s range (sigmoid 0..1, tanh
    -1..1), else over the sample's smallest to largest value. A batch of more than
    A_SAMPLE entries is sampled: every k-th column (example), k as small as keeps it under."""
    step = -(-A.size // A_SAMPLE)
    sample = A[:, ::step] if step > 1 else A
    low, high = A_RANGE.get(activation) or (float(sample.min()), float(sample.max()))
    return histogram(sample, low, high, A_BINS)


def gradient_histogram(dW: np.ndarray) -> Histogram:
    """log10 |dW^[l]| of dW's nonzero entries in DW_BINS bins over DW_DECADES (smaller ones
    in the first bin, larger in the last); the entries exactly 0 in ``zeros``."""
    magnitude = np.abs(dW.ravel())
    nonzero = magnitude[magnitude > 0]
    with np.errstate(divide="ignore"):
        logs = np.log10(nonzero)
    return histogram(logs, *DW_DECADES, DW_BINS, zeros=magnitude.size - nonzero.size)


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
    units whose output is 0 on every example of the batch. ``A_hist`` and ``dW_hist``
    are histograms of A^[l] and of log10 |dW^[l]| (:func:`activation_histogram`,
    :func:`gradient_histogram`); they take no part in comparisons and are left out of
    ``to_dict`` (the CSV and JSON keep one number per statistic).
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
    A_hist: Histogram | None = field(default=None, compare=False, repr=False)
    dW_hist: Histogram | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        """As plain data (JSON): the numbers, in order (not the histograms)."""
        return {"layer": self.layer, **{name: getattr(self, name) for name in COLUMNS}}


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
    W_norm = norm(W_before)
    step = norm(W_after - W_before)
    saturated = dead = None
    if activation in SATURATION:
        centre, radius = _CENTRE[activation], _RADIUS[activation]
        outside = np.count_nonzero(A < centre - radius) + np.count_nonzero(A > centre + radius)
        saturated = outside / A.size
    elif activation == "relu":
        dead = np.count_nonzero(~(A > 0).any(axis=1)) / A.shape[0]
    A_mean, A_std = _mean_std(A)
    return LayerStats(
        layer=l, dW_norm=norm(dW), db_norm=norm(db), W_norm=W_norm,
        update_ratio=step / W_norm if W_norm > 0 else None, A_mean=A_mean, A_std=A_std,
        saturated=None if saturated is None else float(saturated),
        dead=None if dead is None else float(dead),
        A_hist=activation_histogram(A, activation), dW_hist=gradient_histogram(dW),
    )


def network_stats(before: dict, after: dict, grads: dict, A: tuple, activations) -> tuple[LayerStats, ...]:
    """Every layer's statistics, l = 1..L: parameters ``before`` and ``after`` the update
    ("W1", ...), its gradients ``grads`` ("dW1", "db1", ...), the batch's outputs
    ``A`` = (A^[0], ..., A^[L]) and one activation name per layer."""
    return tuple(
        layer_stats(l, before[f"W{l}"], after[f"W{l}"], grads[f"dW{l}"], grads[f"db{l}"], A[l], name)
        for l, name in enumerate(activations, start=1)
    )


def norm(x: np.ndarray) -> float:
    """‖x‖ (Frobenius), infinite only when an entry is or the norm itself is past the
    largest float64. A sum of squares overflows long before: float32's past 3.4e38
    (entries of 1e20: a float32 run's update ratio was infinite and its rate to try
    1e-281), float64's past 1.8e308 (weights of 1e300 had an infinite ‖W‖); such an array
    is summed again scaled by its largest |entry|, in float64."""
    value = float(np.linalg.norm(x.ravel()))
    if value == np.inf and np.isfinite(x).all():
        biggest = float(np.abs(x).max())
        value = biggest * float(np.linalg.norm((x / biggest).astype(np.float64).ravel()))
    return value


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
