"""Losses J(A, Y), averaged over the m columns, and their derivative dJ/dA per example.

``dA`` is the derivative of one example's loss, without the 1/m: the 1/m of the mean
cost enters once, in dW and db (the tutorial's convention). ``mse`` is the notebook's
(a - y)², with no hidden 1/2; ``quadratic`` is the textbook's ½(a - y)², its ½ written out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


def _clip(A: np.ndarray) -> np.ndarray:
    """A kept inside [eps, 1 - eps] so that log never sees 0 (eps: the dtype's epsilon)."""
    eps = np.finfo(A.dtype).eps
    return np.clip(A, eps, 1 - eps)


def bce_cost(A: np.ndarray, Y: np.ndarray) -> float:
    """J = -(1/m) Σ [y log a + (1 - y) log(1 - a)], with clipped logs."""
    m = A.shape[1]
    A = _clip(A)
    return float(-(Y * np.log(A) + (1 - Y) * np.log1p(-A)).sum() / m)


def bce_dA(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dJ/da = -(y / a - (1 - y) / (1 - a))."""
    A = _clip(A)
    return -(Y / A - (1 - Y) / (1 - A))


def cross_entropy_cost(A: np.ndarray, Y: np.ndarray) -> float:
    """J = -(1/m) Σ_examples Σ_classes y log a, with clipped logs."""
    m = A.shape[1]
    return float(-(Y * np.log(_clip(A))).sum() / m)


def cross_entropy_dA(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dJ/da = -y / a."""
    return -Y / _clip(A)


def mse_cost(A: np.ndarray, Y: np.ndarray) -> float:
    """J = (1/m) Σ_examples Σ_outputs (a - y)², as the notebook writes it."""
    m = A.shape[1]
    diff = A - Y
    return float((diff * diff).sum() / m)


def mse_dA(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dJ/da = 2 (a - y)."""
    return 2 * (A - Y)


def quadratic_cost(A: np.ndarray, Y: np.ndarray) -> float:
    """C = (1/m) Σ_examples ½ Σ_outputs (a - y)², the textbook's quadratic cost."""
    m = A.shape[1]
    diff = A - Y
    return float((diff * diff).sum() / (2 * m))


def quadratic_dA(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dC/da = a - y: the ½ cancels the square's 2."""
    return A - Y


@dataclass(frozen=True)
class Loss:
    """A named loss: ``cost(A, Y)`` (mean over columns) and ``dA(A, Y)`` (per example).

    ``fused_with`` names the output activation whose derivative cancels with this loss's,
    so that dZ^[L] = A - Y exactly (sigmoid + bce, softmax + cross-entropy).
    """

    name: str
    cost: Callable[[np.ndarray, np.ndarray], float]
    dA: Callable[[np.ndarray, np.ndarray], np.ndarray]
    latex: str
    fused_with: str | None = None
    probabilities: bool = False  # needs outputs in (0, 1)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("bce", bce_cost, bce_dA,
             r"J = -\frac{1}{m}\sum_i \left[y_i \log a_i + (1 - y_i)\log(1 - a_i)\right]",
             fused_with="sigmoid", probabilities=True),
        Loss("cross_entropy", cross_entropy_cost, cross_entropy_dA,
             r"J = -\frac{1}{m}\sum_i \sum_k y_{ki} \log a_{ki}",
             fused_with="softmax", probabilities=True),
        Loss("mse", mse_cost, mse_dA, r"J = \frac{1}{m}\sum_i \sum_k (a_{ki} - y_{ki})^2"),
        Loss("quadratic", quadratic_cost, quadratic_dA,
             r"J = \frac{1}{m}\sum_i \frac{1}{2}\sum_k (a_{ki} - y_{ki})^2"),
    )
}
