"""Weight initialisations: the tutorial's, the notebook's constant, Xavier, He and Nielsen's
N(0, 1).

Each returns ``{"W1": (n_1, n_0), "b1": (n_1, 1), ...}`` in the requested dtype; biases are
0, except in ``normal``, which draws them too.
"""

from __future__ import annotations

import math

import numpy as np

from bpviz.errors import ConfigError, shown

INIT_NAMES = ("tutorial", "constant:<value>", "xavier", "he", "normal")
#: The inits named by a word alone, each made from the layer sizes and a seed.
SEEDED_INITS = ("tutorial", "xavier", "he", "normal")


def tutorial_init(layer_sizes, seed) -> dict[str, np.ndarray]:
    """np.random.seed(seed), then W^[l] = randn(n_l, n_{l-1}) / sqrt(n_{l-1}), layer by layer.

    The draws come from a private legacy RandomState seeded the same way, which yields the
    very numbers np.random.seed + np.random.randn would, without resetting the caller's
    global random state.
    """
    rng = np.random.RandomState(seed)
    params = {}
    for l in range(1, len(layer_sizes)):
        n_l, n_prev = layer_sizes[l], layer_sizes[l - 1]
        params[f"W{l}"] = rng.randn(n_l, n_prev) / np.sqrt(n_prev)
        params[f"b{l}"] = np.zeros((n_l, 1))
    return params


def constant_init(layer_sizes, value: float) -> dict[str, np.ndarray]:
    """Every weight ``value`` and every bias 0 (the notebook uses 0.1)."""
    params = {}
    for l in range(1, len(layer_sizes)):
        params[f"W{l}"] = np.full((layer_sizes[l], layer_sizes[l - 1]), value, dtype=float)
        params[f"b{l}"] = np.zeros((layer_sizes[l], 1))
    return params


def _scaled_normal(layer_sizes, seed, variance) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_sizes)):
        n_l, n_prev = layer_sizes[l], layer_sizes[l - 1]
        params[f"W{l}"] = rng.standard_normal((n_l, n_prev)) * np.sqrt(variance(n_l, n_prev))
        params[f"b{l}"] = np.zeros((n_l, 1))
    return params


def xavier_init(layer_sizes, seed) -> dict[str, np.ndarray]:
    """Glorot normal: W ~ N(0, 2 / (n_l + n_{l-1})), from a seeded Generator."""
    return _scaled_normal(layer_sizes, seed, lambda n_out, n_in: 2.0 / (n_out + n_in))


def he_init(layer_sizes, seed) -> dict[str, np.ndarray]:
    """He normal: W ~ N(0, 2 / n_{l-1}), for ReLU layers, from a seeded Generator."""
    return _scaled_normal(layer_sizes, seed, lambda n_out, n_in: 2.0 / n_in)


def normal_init(layer_sizes, seed) -> dict[str, np.ndarray]:
    """Nielsen's network.py: every bias and every weight drawn from N(0, 1), unscaled.

    As there, all biases come first (b^[l] = randn(n_l, 1) for each layer), then all weights
    (W^[l] = randn(n_l, n_{l-1})), from a private legacy RandomState: the very numbers
    np.random.seed(seed) followed by network.Network(sizes) would hold.
    """
    rng = np.random.RandomState(seed)
    sizes = list(layer_sizes)
    biases = [rng.randn(n_l, 1) for n_l in sizes[1:]]
    weights = [rng.randn(n_l, n_prev) for n_prev, n_l in zip(sizes[:-1], sizes[1:])]
    params = {}
    for l, (b, W) in enumerate(zip(biases, weights), start=1):
        params[f"W{l}"], params[f"b{l}"] = W, b
    return params


def parse_init(init, field: str = "init") -> tuple[str, float | None]:
    """("constant", value) or (name, None) for an init spec; anything else (a constant that
    is not a finite number, a name bpviz does not know, a value that is not text) raises
    ConfigError naming ``field``."""
    if not isinstance(init, str):
        raise ConfigError(f"{field}: expected one of {', '.join(INIT_NAMES)} (text), got {shown(init)}")
    name, _, arg = init.partition(":")
    if name == "constant":
        try:
            value = float(arg)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value):
            raise ConfigError(f"{field}: expected constant:<number> such as constant:0.1, a finite number, got {shown(init)}")
        return name, value
    if name in SEEDED_INITS and not arg:
        return name, None
    raise ConfigError(f"{field}: expected one of {', '.join(INIT_NAMES)}, got {shown(init)}")


def check_init(init, dtype, field: str = "init") -> tuple[str, float | None]:
    """``parse_init``, and a constant the dtype can hold: constant:1e39 is infinite in
    float32, and training cannot start from infinite weights."""
    name, value = parse_init(init, field)
    largest = float(np.finfo(np.dtype(dtype)).max)
    if name == "constant" and abs(value) > largest:
        raise ConfigError(f"{field}: {init} is beyond what {np.dtype(dtype).name} holds (at most ±{largest:.3g}); "
                          f"expected a smaller constant, or float64")
    return name, value


def initialize(init: str, layer_sizes, seed, dtype) -> dict[str, np.ndarray]:
    """Parameters for ``init`` (one of :data:`INIT_NAMES`), cast once to ``dtype``."""
    name, value = check_init(init, dtype)
    if name == "constant":
        params = constant_init(layer_sizes, value)
    else:
        params = {"tutorial": tutorial_init, "xavier": xavier_init, "he": he_init,
                  "normal": normal_init}[name](layer_sizes, seed)
    return {key: value.astype(dtype) for key, value in params.items()}
