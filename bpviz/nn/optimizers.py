"""Optimizers: plain gradient descent, momentum, and Adam (as Keras implements it).

``step(params, grads)`` updates the parameter arrays in place, key by key ("W1" with
"dW1", ...); ``step(params, grads, out)`` leaves ``params`` as they are and writes the
updated values into the arrays of ``out`` instead (training keeps the parameters before
an update that way without copying them). State arrays take the parameters' dtype.
"""

from __future__ import annotations

import math

import numpy as np

from bpviz.errors import ConfigError


class SGD:
    """W ← W - α dW."""

    name = "sgd"

    def __init__(self, lr: float):
        self.lr = check_lr(lr)

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray], out=None) -> None:
        out = params if out is None else out
        for key, value in params.items():
            np.subtract(value, self.lr * grads["d" + key], out=out[key])


class Momentum:
    """v ← β v + dW; W ← W - α v (heavy-ball momentum)."""

    name = "momentum"

    def __init__(self, lr: float, beta: float = 0.9):
        self.lr, self.beta = check_lr(lr), beta
        self.velocity: dict[str, np.ndarray] = {}

    def step(self, params, grads, out=None) -> None:
        out = params if out is None else out
        for key, value in params.items():
            v = self.velocity.get(key)
            if v is None:
                v = self.velocity[key] = np.zeros_like(value)
            v *= self.beta
            v += grads["d" + key]
            np.subtract(value, self.lr * v, out=out[key])


class Adam:
    """Adam as in Keras: m ← β1 m + (1-β1) g; v ← β2 v + (1-β2) g²;
    W ← W - α √(1-β2^t) / (1-β1^t) · m / (√v + ε), with ε = 1e-7."""

    name = "adam"

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-7):
        self.lr = check_lr(lr)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.t = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def step(self, params, grads, out=None) -> None:
        out = params if out is None else out
        self.t += 1
        alpha = self.lr * math.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        for key, value in params.items():
            g = grads["d" + key]
            if key not in self.m:
                self.m[key] = np.zeros_like(value)
                self.v[key] = np.zeros_like(value)
            m, v = self.m[key], self.v[key]
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            np.subtract(value, alpha * m / (np.sqrt(v) + self.epsilon), out=out[key])


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def check_lr(lr, field: str = "lr") -> float:
    """A finite learning rate greater than 0."""
    try:
        value = float(lr)
    except (TypeError, ValueError):
        raise ConfigError(f"{field}: expected a positive number such as 0.1, got {lr!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{field}: expected a finite number greater than 0, got {lr!r}")
    return value


def make_optimizer(name: str, lr: float):
    """An optimizer by name: "sgd", "momentum" or "adam"."""
    if name not in OPTIMIZERS:
        raise ConfigError(f"optimizer: expected one of {', '.join(OPTIMIZERS)}, got {name!r}")
    return OPTIMIZERS[name](lr)
