"""An N-layer fully connected network in the tutorial's notation: forward, cost, backward, predict.

Columns are examples: A^[0] = X is (n_0, m); Z^[l] = W^[l] A^[l-1] + b^[l]; A^[l] = g^[l](Z^[l]);
W^[l] is (n_l, n_{l-1}) and b^[l] is (n_l, 1). Gradients are those of the mean cost over m.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from bpviz.errors import ConfigError, DataError
from bpviz.nn.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from bpviz.nn.inits import initialize
from bpviz.nn.losses import LOSSES
from bpviz.nn.metrics import argmax_accuracy, is_one_hot
from bpviz.nn.parallel import by_rows

DTYPES = ("float32", "float64")
#: The output a single hidden-only activation name gets, by loss (see Network).
DEFAULT_OUTPUT = {"bce": "sigmoid", "cross_entropy": "softmax", "mse": "linear", "quadratic": "linear"}


@dataclass(frozen=True)
class ForwardCache:
    """What backward needs from forward: every layer's output, A[0] = X to A[L].

    No Z is kept: each activation's derivative is written in terms of its output A.
    """

    A: tuple[np.ndarray, ...]


def check_layer_sizes(layer_sizes, field: str = "layers") -> list[int]:
    """At least an input and an output size, each a whole number of at least 1."""
    try:
        sizes = [int(n) for n in layer_sizes]
        exact = all(float(n) == int(n) for n in layer_sizes)
    except (TypeError, ValueError):
        raise ConfigError(f"{field}: expected whole numbers of units, got {layer_sizes!r}") from None
    if not exact or any(n < 1 for n in sizes):
        raise ConfigError(f"{field}: expected whole numbers of at least 1 unit, got {list(layer_sizes)}")
    if len(sizes) < 2:
        raise ConfigError(f"{field}: expected an input size and at least one layer, got {sizes}")
    return sizes


def check_network(layer_sizes, activations, loss: str, dtype) -> tuple[list[int], list[str]]:
    """Check a network's settings without making its weights: the layer sizes, one
    activation per layer, an output the loss can use, and the dtype. Returns the sizes
    and the activations, resolved."""
    sizes = check_layer_sizes(layer_sizes)
    if loss not in LOSSES:
        raise ConfigError(f"loss: expected one of {', '.join(LOSSES)}, got {loss!r}")
    names = resolve_activations(activations, len(sizes) - 1, loss)
    output, n_out = names[-1], sizes[-1]
    if LOSSES[loss].probabilities and output not in ("sigmoid", "softmax"):
        raise ConfigError(
            f"loss: {loss} needs outputs in (0, 1); expected a sigmoid or softmax output "
            f"layer, got {output}"
        )
    if output == "softmax" and n_out < 2:
        raise ConfigError("layers: a softmax output needs at least 2 units, got 1")
    if str(dtype) not in DTYPES:
        raise ConfigError(f"dtype: expected float32 or float64, got {dtype!r}")
    return sizes, names


def resolve_activations(activations, n_layers: int, loss: str) -> list[str]:
    """One name per layer. A single name is used for every layer; a single hidden-only name
    (tanh, relu) is used for the hidden layers, and the output gets the loss's natural one."""
    if isinstance(activations, str):
        if activations not in ACTIVATIONS:
            raise ConfigError(
                f"activation: expected one of {', '.join(ACTIVATIONS)}, got {activations!r}"
            )
        output = activations if ACTIVATIONS[activations].output else DEFAULT_OUTPUT[loss]
        names = [activations] * (n_layers - 1) + [output]
    else:
        names = list(activations)
        if len(names) != n_layers:
            raise ConfigError(
                f"activations: expected one name per layer ({n_layers}), got {len(names)}"
            )
    for index, name in enumerate(names[:-1], start=1):
        if name not in HIDDEN_ACTIVATIONS:
            raise ConfigError(
                f"activations: layer {index} is hidden; expected one of "
                f"{', '.join(HIDDEN_ACTIVATIONS)}, got {name!r}"
            )
    if names[-1] not in OUTPUT_ACTIVATIONS:
        raise ConfigError(
            f"activations: the output layer expects one of {', '.join(OUTPUT_ACTIVATIONS)}, "
            f"got {names[-1]!r}"
        )
    return names


class Network:
    """A fully connected network. ``params`` holds "W1", "b1", ... as numpy arrays.

    ``activations`` is one name or a list with one name per layer (the last is the
    output). ``loss`` is "bce", "cross_entropy", "mse" or "quadratic". ``init`` is "tutorial",
    "constant:0.1", "xavier" or "he". Everything is computed in ``dtype``.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activations="sigmoid",
        loss: str = "bce",
        init: str = "tutorial",
        seed: int | None = 1,
        dtype="float64",
        params: dict[str, np.ndarray] | None = None,
    ):
        self.layer_sizes, self.activations = check_network(layer_sizes, activations, loss, dtype)
        self.L = len(self.layer_sizes) - 1
        self.loss = LOSSES[loss]
        self._g = [ACTIVATIONS[name] for name in self.activations]
        self.dtype = np.dtype(str(dtype))
        self.init, self.seed = init, seed
        if params is None:
            params = initialize(init, self.layer_sizes, seed, self.dtype)
        self._grad_keys = tuple(key for l in range(1, self.L + 1) for key in (f"dW{l}", f"db{l}"))
        self._param_keys = tuple((f"W{l}", f"b{l}") for l in range(1, self.L + 1))
        self._scratch_keys = tuple((f"dA{l}", f"work{l}") for l in range(1, self.L))
        self.params: dict[str, np.ndarray] = {}
        self.set_params(params)
        self._buffers: dict[str, np.ndarray] = {}

    @property
    def fused_output(self) -> bool:
        """True when dZ^[L] simplifies to A - Y (sigmoid + bce, softmax + cross-entropy)."""
        return self.loss.fused_with == self.activations[-1]

    @property
    def config(self) -> dict:
        """The settings that rebuild this network (with ``params``), as plain data."""
        return {
            "layer_sizes": list(self.layer_sizes),
            "activations": list(self.activations),
            "loss": self.loss.name,
            "init": self.init,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }

    def set_params(self, params: dict[str, np.ndarray]) -> None:
        """Replace the parameters (copied, in this network's dtype) after checking shapes."""
        new = {}
        for l in range(1, self.L + 1):
            for key, shape in ((f"W{l}", self.weight_shape(l)), (f"b{l}", (self.layer_sizes[l], 1))):
                if key not in params:
                    raise ConfigError(f"params: {key} is missing")
                value = np.array(params[key], dtype=self.dtype)
                if value.shape != shape:
                    raise ConfigError(f"params: {key} expected shape {shape}, got {value.shape}")
                new[key] = value
        extra = sorted(set(params) - set(new))
        if extra:
            raise ConfigError(f"params: unexpected keys {', '.join(extra)}")
        self.params = new

    def weight_shape(self, l: int) -> tuple[int, int]:
        return (self.layer_sizes[l], self.layer_sizes[l - 1])

    def copy(self) -> "Network":
        return Network(self.layer_sizes, self.activations, self.loss.name, self.init,
                       self.seed, self.dtype.name, params=self.params)

    def _as_input(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[0] != self.layer_sizes[0]:
            raise DataError(
                f"X: expected shape ({self.layer_sizes[0]}, m) with examples as columns, "
                f"got {X.shape}"
            )
        return X

    def _as_target(self, Y, A: np.ndarray) -> np.ndarray:
        Y = np.asarray(Y, dtype=self.dtype)
        if Y.shape != A.shape:
            raise DataError(f"Y: expected shape {A.shape} like the output A, got {Y.shape}")
        return Y

    def forward(self, X) -> tuple[np.ndarray, ForwardCache]:
        """A^[L] for the columns of X, and the cache backward needs.

        For l = 1..L: Z^[l] = W^[l] A^[l-1] + b^[l]; A^[l] = g^[l](Z^[l]), computed in
        place (Z's buffer becomes A, since backward needs only A).
        """
        A = self._as_input(X)
        outputs = [A]
        params = self.params
        for (W_key, b_key), g in zip(self._param_keys, self._g):
            A = self._activate(g, params[W_key] @ A, params[b_key])
            outputs.append(A)
        return A, ForwardCache(tuple(outputs))

    @staticmethod
    def _activate(g, Z: np.ndarray, b: np.ndarray) -> np.ndarray:
        """A = g(Z + b), in place in Z's buffer; by row blocks where g is elementwise."""
        if g.elementwise:
            by_rows(g.apply, Z, b)
        else:
            g.apply(Z, b)
        return Z

    def cost(self, A: np.ndarray, Y) -> float:
        """J, the mean loss over the m columns."""
        return self.loss.cost(A, self._as_target(Y, A))

    def backward(self, cache: ForwardCache, Y, intermediates: dict | None = None) -> dict[str, np.ndarray]:
        """The gradients of the mean cost J, by the chain rule from layer L down to 1.

        dZ^[L] = A^[L] - Y when the output and loss are fused, else dJ/dA^[L] ⊙ g'(Z^[L]);
        then for l = L..1: dW^[l] = dZ^[l] A^[l-1]ᵀ / m, db^[l] = Σ_columns dZ^[l] / m,
        dA^[l-1] = W^[l]ᵀ dZ^[l], and dZ^[l-1] = dA^[l-1] ⊙ g'(Z^[l-1]).

        Given a dict, ``intermediates`` receives copies of every dA^[l] and dZ^[l]
        ("dA2", "dZ2", ...), the very values the gradients were made from.
        """
        A = cache.A
        m = A[0].shape[1]
        AL = A[self.L]
        Y = self._as_target(Y, AL)
        keep = intermediates.__setitem__ if intermediates is not None else None
        if keep is not None:
            keep(f"dA{self.L}", self.loss.dA(AL, Y))
        if self.fused_output:
            dZ = AL - Y
        else:
            dZ = self._g[-1].backward(self.loss.dA(AL, Y), AL)
        grads: dict[str, np.ndarray] = dict.fromkeys(self._grad_keys)  # dW1, db1, dW2, ... in order
        for l in range(self.L, 0, -1):
            if keep is not None:
                keep(f"dZ{l}", dZ.copy())
            dW_key, db_key = self._grad_keys[2 * l - 2:2 * l]
            if m == 1:  # one example: the mean is the value itself
                grads[dW_key], grads[db_key] = dZ @ A[l - 1].T, dZ.copy()
            elif dZ.shape[1] < A[l - 1].shape[0]:
                # A narrow batch: the 1/m applied to dZ before the product, fewer numbers than
                # dW holds (the same gradient up to rounding; a small batch's update is faster).
                scaled = dZ / m
                grads[dW_key], grads[db_key] = scaled @ A[l - 1].T, self._sum_columns(scaled)
            else:
                dW = dZ @ A[l - 1].T
                dW /= m
                grads[dW_key], grads[db_key] = dW, self._sum_columns(dZ) / m
            if l > 1:
                dA_key, work_key = self._scratch_keys[l - 2]
                dZ = self._back_propagate(
                    self.params[self._param_keys[l - 1][0]], dZ, A[l - 1], self._g[l - 2],
                    self._scratch(dA_key, A[l - 1].shape),
                    self._scratch(work_key, A[l - 1].shape),
                    None if keep is None else (lambda dA, l=l: keep(f"dA{l - 1}", dA.copy())),
                )
        return grads

    @staticmethod
    def _back_propagate(W, dZ, A_prev, g, dA_prev, work, keep=None) -> np.ndarray:
        """dZ^[l-1] = (W^[l]ᵀ dZ^[l]) ⊙ g'(Z^[l-1]), written into ``dA_prev``.

        With one unit in layer l, W^[l]ᵀ dZ^[l] is an outer product, which broadcasting
        computes faster than matmul, and row block by row block with the derivative
        (unless ``keep`` wants dA^[l-1] itself; the values are the same either way).
        """
        if W.shape[0] == 1 and g.elementwise and keep is None:
            def block(dA_rows, WT_rows, A_rows, work_rows):
                np.multiply(WT_rows, dZ, out=dA_rows)
                g.backward(dA_rows, A_rows, work_rows)

            by_rows(block, dA_prev, W.T, A_prev, work)
            return dA_prev
        if W.shape[0] == 1:
            np.multiply(W.T, dZ, out=dA_prev)
        else:
            np.matmul(W.T, dZ, out=dA_prev)
        if keep is not None:
            keep(dA_prev)
        if g.elementwise:
            by_rows(g.backward, dA_prev, A_prev, work)
            return dA_prev
        return g.backward(dA_prev, A_prev, work)

    def _sum_columns(self, dZ: np.ndarray) -> np.ndarray:
        """Σ over the columns of dZ, as (n, 1): a product with a column of ones, which BLAS
        runs on every core, several times faster than dZ.sum(axis=1) for wide dZ."""
        if dZ.shape[1] < 1024:
            return dZ.sum(axis=1, keepdims=True)
        ones = self._buffers.get("ones")
        if ones is None or ones.shape[0] != dZ.shape[1]:
            ones = self._buffers["ones"] = np.ones((dZ.shape[1], 1), dtype=self.dtype)
        return dZ @ ones

    def _scratch(self, name: str, shape) -> np.ndarray:
        """A buffer kept between calls for backward's intermediates (never returned), so
        that training does not allocate, and page-fault, large arrays every iteration.
        This makes backward non-reentrant: one Network must not run backward in two
        threads at once (the app trains a network in one worker and shows copies)."""
        buffer = self._buffers.get(name)
        if buffer is None or buffer.shape != shape:
            buffer = self._buffers[name] = np.empty(shape, dtype=self.dtype)
        return buffer

    def predict(self, X) -> np.ndarray:
        """Class labels (m,) for a sigmoid or softmax output; the outputs A for a linear one."""
        A, _ = self.forward(X)
        return self.labels_from_output(A)

    def labels_from_output(self, A: np.ndarray) -> np.ndarray:
        """Each column's class: with several output units (sigmoid or softmax) the unit with
        the largest output, as Nielsen scores his ten sigmoids; with one sigmoid unit, 1 where
        a > 0.5. A linear output holds values, not classes: A itself."""
        output = self.activations[-1]
        if output == "linear":
            return A
        if A.shape[0] > 1:
            return A.argmax(axis=0)
        return (A[0] > 0.5).astype(np.int64)

    def accuracy(self, A: np.ndarray, Y) -> float | None:
        """The fraction of columns classified right; None for a regression.

        With several output units and one-hot targets (a class per column), a column is
        right when its largest output is its class, whatever the output activation (as
        Nielsen scores his ten sigmoids). One sigmoid unit is right on its side of 0.5;
        several sigmoid units whose targets are not one-hot, when all of them are. A linear
        output of values (targets not one-hot) is a regression.
        """
        output = self.activations[-1]
        Y = np.asarray(Y)
        if A.shape[0] > 1 and (output == "softmax" or is_one_hot(Y)):
            return argmax_accuracy(A, Y)
        if output == "sigmoid":
            return float(((A > 0.5) == (Y > 0.5)).all(axis=0).mean())
        return None

    def __repr__(self) -> str:
        sizes = "-".join(map(str, self.layer_sizes))
        return f"Network({sizes}, {'/'.join(self.activations)}, {self.loss.name}, {self.dtype.name})"
