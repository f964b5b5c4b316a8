"""Activation functions g and their backward rules, written from the output A = g(Z).

Each backward rule takes dA and the layer's output A and returns dZ = dA ⊙ g'(Z), so the
forward pass keeps only A (see ``Network.forward``). It overwrites dA, and may use
``work``, a scratch array of A's shape, instead of allocating one (a large allocation
costs page faults on every training iteration). All are stable for |z| up to 1e3.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


def sigmoid(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(z) = 1 / (1 + e^{-z}), as the tutorial writes it.

    This form is accurate for every z; where e^{-z} overflows (z < -709 in float64) the
    result is the correct 0, so the overflow warning is silenced rather than avoided.
    """
    out = np.negative(Z, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


def sigmoid_biased(Z: np.ndarray, b: np.ndarray) -> np.ndarray:
    """σ(Z + b) in place in Z, folding the bias into the negation: one pass fewer."""
    np.subtract(-b, Z, out=Z)  # -(Z + b)
    with np.errstate(over="ignore"):
        np.exp(Z, out=Z)
    Z += 1
    return np.reciprocal(Z, out=Z)


def sigmoid_backward(dA: np.ndarray, A: np.ndarray, work: np.ndarray | None = None) -> np.ndarray:
    """dZ = dA ⊙ σ'(Z), with σ'(Z) = A (1 - A)."""
    work = np.subtract(1, A, out=work)
    work *= A
    dA *= work
    return dA


def tanh(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.tanh(Z, out=out)


def tanh_backward(dA: np.ndarray, A: np.ndarray, work: np.ndarray | None = None) -> np.ndarray:
    """dZ = dA ⊙ (1 - A²)."""
    work = np.multiply(A, A, out=work)
    np.subtract(1, work, out=work)
    dA *= work
    return dA


def relu(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.maximum(Z, 0, out=out)


def relu_backward(dA: np.ndarray, A: np.ndarray, work: np.ndarray | None = None) -> np.ndarray:
    """dZ = dA where z > 0 (that is, where A > 0), else 0."""
    dA[A <= 0] = 0
    return dA


def linear(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    if out is None or out is Z:
        return Z
    np.copyto(out, Z)
    return out


def linear_backward(dA: np.ndarray, A: np.ndarray, work: np.ndarray | None = None) -> np.ndarray:
    """dZ = dA, since g'(z) = 1."""
    return dA


def softmax(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """softmax over each column: e^{z_i - max z} / Σ_k e^{z_k - max z} (log-sum-exp safe)."""
    out = np.subtract(Z, Z.max(axis=0, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=0, keepdims=True)
    return out


def softmax_backward(dA: np.ndarray, A: np.ndarray, work: np.ndarray | None = None) -> np.ndarray:
    """dZ_i = A_i (dA_i - Σ_k dA_k A_k): the softmax Jacobian applied to dA, column by column."""
    dot = (dA * A).sum(axis=0, keepdims=True)
    dA -= dot
    dA *= A
    return dA


@dataclass(frozen=True)
class Activation:
    """A named activation: ``forward(Z, out=None)`` and ``backward(dA, A, work=None) -> dZ``."""

    name: str
    forward: Callable[..., np.ndarray]
    backward: Callable[..., np.ndarray]
    latex: str  # g(z) as a formula, for views
    hidden: bool = True  # may be used in a hidden layer
    output: bool = True  # may be used in the output layer
    elementwise: bool = True  # each unit's value depends on its own z alone
    biased: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None  # g(Z + b) in place

    def apply(self, Z: np.ndarray, b: np.ndarray) -> np.ndarray:
        """A = g(Z + b), computed in place in Z's buffer."""
        if self.biased is not None:
            return self.biased(Z, b)
        Z += b
        return self.forward(Z, out=Z)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", sigmoid, sigmoid_backward, r"\sigma(z) = \frac{1}{1 + e^{-z}}",
                   biased=sigmoid_biased),
        Activation("tanh", tanh, tanh_backward, r"\tanh(z)", output=False),
        Activation("relu", relu, relu_backward, r"\max(0, z)", output=False),
        Activation("linear", linear, linear_backward, r"z"),
        Activation("softmax", softmax, softmax_backward,
                   r"\frac{e^{z_i}}{\sum_k e^{z_k}}", hidden=False, elementwise=False),
    )
}
HIDDEN_ACTIVATIONS = tuple(n for n, a in ACTIVATIONS.items() if a.hidden)
OUTPUT_ACTIVATIONS = tuple(n for n, a in ACTIVATIONS.items() if a.output)
