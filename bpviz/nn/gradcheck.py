"""Gradient checking: backprop's gradients against central finite differences.

The estimate for each parameter θ is (J(θ + h) - J(θ - h)) / 2h, computed on a float64
copy of the network whatever its dtype, so that the estimate itself is trustworthy.
"""

from __future__ import annotations

import numpy as np

from bpviz.nn.network import Network

#: Below this size, |analytic| + |numeric| is treated as this size. A central difference
#: with h = 1e-5 carries round-off of about 1e-16 · J / h ≈ 1e-11 (for J ~ 1), which
#: would swamp the relative error of gradients smaller than ~1e-5; with the floor, such
#: gradients are compared absolutely (a 1e-6 threshold then means |a - n| < 1e-10).
ERROR_FLOOR = 1e-4


def numerical_gradients(net: Network, X, Y, h: float = 1e-5) -> dict[str, np.ndarray]:
    """Central finite-difference estimates of every gradient, keyed "dW1", "db1", ..."""
    probe = Network(net.layer_sizes, net.activations, net.loss.name, dtype="float64",
                    params=net.params)
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)

    def cost() -> float:
        A, _ = probe.forward(X)
        return probe.cost(A, Y)

    estimates = {}
    for key, theta in probe.params.items():
        grad = np.zeros_like(theta)
        flat, out = theta.reshape(-1), grad.reshape(-1)
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + h
            plus = cost()
            flat[i] = original - h
            minus = cost()
            flat[i] = original
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
