"""Gradient checking: backprop's gradients against central finite differences.

The estimate for each parameter θ is (J(θ + h) - J(θ - h)) / 2h, computed on a float64
copy of the network whatever its dtype, so that the estimate itself is trustworthy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bpviz.nn.network import Network
from bpviz.nn.notation import sym

#: The default pass mark for a relative error: float64 backprop against a central
#: difference agrees to ~1e-9 on the toy networks; a wrong line is off by far more.
THRESHOLD = 1e-6

#: Below this size, |analytic| + |numeric| is treated as this size. A central difference
#: with h = 1e-5 carries round-off of about 1e-16 · J / h ≈ 1e-11 (for J ~ 1), which
#: would swamp the relative error of gradients smaller than ~1e-5; with the floor, such
#: gradients are compared absolutely (a 1e-6 threshold then means |a - n| < 1e-10).
ERROR_FLOOR = 1e-4


def numerical_gradients(net: Network, X, Y, h: float = 1e-5,
                        elements: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Central finite-difference estimates of every gradient, keyed "dW1", "db1", ...

    ``elements`` limits the work to some flat indices per parameter ("W1": [0, 5, ...]);
    the others are left NaN (a big network's check samples its weights)."""
    probe = Network(net.layer_sizes, net.activations, net.loss.name, dtype="float64",
                    params=net.params)
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)

    def cost() -> float:
        # Huge weights overflow here: the estimate is then inf or nan, and the check fails
        # by its numbers, not by a warning.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            A, _ = probe.forward(X)
            return probe.cost(A, Y)

    estimates = {}
    for key, theta in probe.params.items():
        grad = np.zeros_like(theta) if elements is None else np.full_like(theta, np.nan)
        flat, out = theta.reshape(-1), grad.reshape(-1)
        for i in (range(flat.size) if elements is None else elements[key]):
            original = flat[i]
            flat[i] = original + h
            plus = cost()
            flat[i] = original - h
            minus = cost()
            flat[i] = original
            with np.errstate(invalid="ignore"):  # inf - inf
                out[i] = (plus - minus) / (2 * h)
        estimates["d" + key] = grad
    return estimates


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> np.ndarray:
    """|a - n| / max(|a| + |n|, ERROR_FLOOR), element by element."""
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    scale = np.maximum(np.abs(analytic) + np.abs(numeric), ERROR_FLOOR)
    return np.abs(analytic - numeric) / scale


def gradcheck(net: Network, X, Y, h: float = 1e-5) -> dict[str, float]:
    """For each parameter ("W1", "b1", ...), the largest relative error of backprop's
    gradient against the central finite difference."""
    _, cache = net.forward(X)
    analytic = net.backward(cache, Y)
    numeric = numerical_gradients(net, X, Y, h)
    return {
        key[1:]: float(relative_error(analytic[key], numeric[key]).max())
        for key in analytic
    }


def param_name(key: str, index: tuple[int, int]) -> str:
    """One element of a parameter in the notation: ("W1", (0, 1)) is w[1]_12, ("b2", (0, 0)) b[2]_1."""
    l, (j, k) = int(key[1:]), index
    return sym("w", l, j + 1, k + 1).text if key[0] == "W" else sym("b", l, j + 1).text


@dataclass(frozen=True)
class GradientCheck:
    """One parameter element: backprop's gradient beside its finite-difference estimate."""

    key: str  # "W1", "b2", ...
    index: tuple[int, int]  # (row, column), from 0
    analytic: float
    numeric: float
    error: float

    def passes(self, threshold: float = THRESHOLD) -> bool:
        return bool(self.error <= threshold)

    @property
    def name(self) -> str:
        return param_name(self.key, self.index)


def check_gradients(net: Network, X, Y, h: float = 1e-5,
                    elements: dict[str, np.ndarray] | None = None) -> list[GradientCheck]:
    """Every parameter element's check (or those of ``elements``), in parameter order."""
    _, cache = net.forward(X)
    analytic = net.backward(cache, Y)
    numeric = numerical_gradients(net, X, Y, h, elements)
    checks = []
    for key, theta in net.params.items():
        a, n = analytic["d" + key], numeric["d" + key]
        flat_indices = range(theta.size) if elements is None else elements[key]
        for i in flat_indices:
            j, k = np.unravel_index(int(i), theta.shape)
            av, nv = float(a[j, k]), float(n[j, k])
            checks.append(GradientCheck(key, (int(j), int(k)), av, nv, float(relative_error(av, nv))))
    return checks
