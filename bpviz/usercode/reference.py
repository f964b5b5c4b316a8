"""Backprop's every quantity, one at a time in the order a hand-written pass computes them,
with room for the user's own values and for one deliberate mistake.

``compute`` runs Z1, A1, ..., dA_L, dZ_L, dW_L, db_L, dA_{L-1}, ... and, for an update,
the new parameters. ``given`` puts the user's value of a quantity in place of the right one
(so a line is judged on its own inputs); ``variant`` replaces one quantity's formula by a
named mistake (see VARIANTS); ``stale`` gives the weights the backward pass reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bpviz.nn.activations import ACTIVATIONS
from bpviz.nn.losses import LOSSES
from bpviz.nn.network import Network


@dataclass(frozen=True)
class Spec:
    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str

    @classmethod
    def of(cls, net: Network) -> "Spec":
        return cls(tuple(net.layer_sizes), tuple(net.activations), net.loss.name)

    @property
    def L(self) -> int:
        return len(self.sizes) - 1

    @property
    def fused(self) -> bool:
        return LOSSES[self.loss].fused_with == self.activations[-1]

    def order(self, update: bool) -> list[str]:
        """Every quantity in the order a pass computes it: forward, then backward layer by layer."""
        L = self.L
        names = [f"{q}{l}" for l in range(1, L + 1) for q in ("Z", "A")]
        names.append(f"dA{L}")
        for l in range(L, 0, -1):
            names += [f"dZ{l}", f"dW{l}", f"db{l}"]
            if l > 1:
                names.append(f"dA{l - 1}")
        if update:
            names += [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]
        return names


def _g(spec: Spec, l: int):
    return ACTIVATIONS[spec.activations[l - 1]]


def _forward(act, Z: np.ndarray) -> np.ndarray:
    return act.forward(np.array(Z, dtype=np.float64))


def _backward(act, dA: np.ndarray, A: np.ndarray) -> np.ndarray:
    return act.backward(np.array(dA, dtype=np.float64), np.asarray(A, dtype=np.float64))


def _matmul(a: np.ndarray, b: np.ndarray):
    return a @ b if a.ndim == 2 and b.ndim == 2 and a.shape[1] == b.shape[0] else None


# --- the mistakes a hand-written pass makes, as formulas ---------------------------------
# Each takes (spec, quantity's layer l, env, P (the weights read), m, lr) and gives the
# quantity's value under that mistake, or None where it does not apply.

def _derivative_dropped(spec, l, env, P, m, lr):
    if l == spec.L and spec.fused:
        return None
    return np.array(env[f"dA{l}"], dtype=np.float64)


def _derivative_at_A(spec, l, env, P, m, lr):
    act = _g(spec, l)
    if act.name in ("linear", "softmax") or (l == spec.L and spec.fused):
        return None
    A = env[f"A{l}"]
    return _backward(act, env[f"dA{l}"], _forward(act, A))


def _relu_derivative_at_A_inclusive(spec, l, env, P, m, lr):
    if _g(spec, l).name != "relu":
        return None
    return env[f"dA{l}"] * (env[f"A{l}"] >= 0)


def _fused_times_derivative(spec, l, env, P, m, lr):
    if not (l == spec.L and spec.fused) or _g(spec, l).elementwise is False:
        return None
    return _backward(_g(spec, l), env[f"A{l}"] - env["Y"], env[f"A{l}"])


def _dW_with(source):
    def variant(spec, l, env, P, m, lr):
        name = source(l)
        if name is None or name not in env:
            return None
        product = _matmul(env[f"dZ{l}"], np.asarray(env[name]).T)
        return None if product is None else product / m
    return variant


def _dW_transposed(spec, l, env, P, m, lr):
    product = _matmul(np.asarray(env[f"A{l - 1}"]), np.asarray(env[f"dZ{l}"]).T)
    return None if product is None else product / m


def _db_not_summed(spec, l, env, P, m, lr):
    return None if m == 1 else env[f"dZ{l}"] / m


def _db_not_summed_nor_divided(spec, l, env, P, m, lr):
    return None if m == 1 else np.array(env[f"dZ{l}"], dtype=np.float64)


def _db_summed_over_all(spec, l, env, P, m, lr):
    dZ = env[f"dZ{l}"]
    return None if dZ.shape[0] == 1 else np.full((dZ.shape[0], 1), dZ.sum() / m)


def _dA_not_transposed(spec, l, env, P, m, lr):
    return _matmul(P[f"W{l + 1}"], env[f"dZ{l + 1}"])


def _derivative_formula_at_Z(spec, l, env, P, m, lr):
    """σ′ written as A(1 - A) (or tanh′ as 1 - A²) but handed Z: Z(1 - Z), 1 - Z²."""
    name = _g(spec, l).name
    if (l == spec.L and spec.fused) or name not in ("sigmoid", "tanh"):
        return None
    Z = env[f"Z{l}"]
    return env[f"dA{l}"] * (Z * (1 - Z) if name == "sigmoid" else 1 - Z * Z)


def _sigmoid_half(factor):
    def variant(spec, l, env, P, m, lr):
        if _g(spec, l).name != "sigmoid" or (l == spec.L and spec.fused):
            return None
        A = env[f"A{l}"]
        return env[f"dA{l}"] * (A if factor == "A" else 1 - A)
    return variant


def _derivative_of_next_layer(spec, l, env, P, m, lr):
    """g′ from A[l+1] where A[l] belongs (σ′ = A(1 − A) of the wrong layer)."""
    if l >= spec.L or _g(spec, l).name not in ("sigmoid", "tanh"):
        return None
    A = env[f"A{l + 1}"]
    try:
        return env[f"dA{l}"] * (A * (1 - A) if _g(spec, l).name == "sigmoid" else 1 - A * A)
    except ValueError:
        return None


def _other_activation(spec, l, env, P, m, lr):
    """The derivative of another activation (σ′ for a ReLU layer): the layer's kind mixed up."""
    name = _g(spec, l).name
    if (l == spec.L and spec.fused) or name in ("softmax",):
        return None
    other = "sigmoid" if name != "sigmoid" else "relu"
    return _backward(ACTIVATIONS[other], env[f"dA{l}"], env[f"A{l}"])


def _Z_for_A_at_output(spec, l, env, P, m, lr):
    if not (l == spec.L and spec.fused):
        return None
    return env[f"Z{l}"] - env["Y"]


def _dW_without_input(spec, l, env, P, m, lr):
    dZ, A = env[f"dZ{l}"], env[f"A{l - 1}"]
    return np.repeat(dZ.sum(axis=1, keepdims=True) / m, A.shape[0], axis=1)


def _dW_input_twice(spec, l, env, P, m, lr):
    A = np.asarray(env[f"A{l - 1}"])
    return env[f"dZ{l}"] @ (A * A).T / m


def _Z_transposed(spec, l, env, P, m, lr):
    product = _matmul(P[f"W{l}"].T, env[f"A{l - 1}"])
    return None if product is None or P[f"W{l}"].shape[0] != P[f"W{l}"].shape[1] else product + P[f"b{l}"]


def _Z_without_bias(spec, l, env, P, m, lr):
    return P[f"W{l}"] @ env[f"A{l - 1}"]


@dataclass(frozen=True)
class Variant:
    quantity: str        # "dZ", "dW", "db", "dA", "Z", "dAL", "update" (the new parameters)
    name: str            # short id
    cause: str           # a report.py cause
    what: str            # for the sentence: "the activation's derivative g′(Z[l])"
    formula: object = None   # (spec, l, env, P, m, lr) -> array | None
    factor: float | str | None = None  # or: the right value times this ("m", "1/m", -1, 2, 0.5)


#: Tried in this order; the first that explains every wrong element of a line names its cause.
VARIANTS = (
    Variant("dZ", "derivative dropped", "missing factor", "the activation's derivative {g}′(Z[{l}])",
            _derivative_dropped),
    Variant("dZ", "derivative at A", "derivative at A", "{g}′ taken at A[{l}] instead of Z[{l}]", _derivative_at_A),
    Variant("dZ", "relu derivative at A, >= 0", "derivative at A",
            "the ReLU derivative taken at A[{l}] (A[{l}] ≥ 0 is true where Z[{l}] < 0) instead of Z[{l}]",
            _relu_derivative_at_A_inclusive),
    Variant("dZ", "fused times derivative", "extra factor",
            "{g}′(Z[{l}]): with {g} and this loss, dZ[{l}] is A[{l}] − Y alone", _fused_times_derivative),
    Variant("dZ", "derivative formula at Z", "wrong operand",
            "Z[{l}] where A[{l}] belongs in {g}′ = A[{l}](1 − A[{l}]) (or 1 − A[{l}]²)", _derivative_formula_at_Z),
    Variant("dZ", "σ′ without 1 − A", "missing factor", "the (1 − A[{l}]) of σ′ = A[{l}](1 − A[{l}])",
            _sigmoid_half("A")),
    Variant("dZ", "σ′ without A", "missing factor", "the A[{l}] of σ′ = A[{l}](1 − A[{l}])", _sigmoid_half("1-A")),
    Variant("dZ", "g′ of the next layer", "wrong operand", "A[{l1}] where A[{l}] belongs in {g}′",
            _derivative_of_next_layer),
    Variant("dZ", "another activation's derivative", "wrong operand",
            "another activation's derivative where {g}′ belongs", _other_activation),
    Variant("dZ", "Z for A at the output", "wrong operand", "Z[{l}] where A[{l}] belongs in A[{l}] − Y",
            _Z_for_A_at_output),
    Variant("dAL", "two dropped", "missing factor", "the 2 of the square", factor=0.5),
    Variant("dAL", "half", "extra factor", "a 2 (the ½ of the quadratic cost cancels it)", factor=2.0),
    Variant("dW", "no 1/m", "missing factor", "1/m (the mean over the m examples)", factor="m"),
    Variant("db", "no 1/m", "missing factor", "1/m (the mean over the m examples)", factor="m"),
    Variant("dW", "extra 1/m", "extra factor", "1/m, divided twice", factor="1/m"),
    Variant("db", "extra 1/m", "extra factor", "1/m, divided twice", factor="1/m"),
    Variant("db", "not summed", "not summed", "the sum over the examples (axis 1) of dZ[{l}]", _db_not_summed),
    Variant("db", "not summed nor divided", "not summed", "the sum over the examples (axis 1) of dZ[{l}], and 1/m",
            _db_not_summed_nor_divided),
    Variant("db", "summed over all", "not summed", "dZ[{l}] summed over its units as well as the examples "
            "(axis=1, keepdims=True is the sum wanted)", _db_summed_over_all),
    Variant("dA", "W not transposed", "not transposed", "W[{l1}] where W[{l1}]ᵀ belongs", _dA_not_transposed),
    Variant("dW", "transposed", "not transposed", "A[{l0}] dZ[{l}]ᵀ where dZ[{l}] A[{l0}]ᵀ belongs",
            _dW_transposed),
    Variant("dW", "A[l] for A[l-1]", "wrong operand", "A[{l}] where A[{l0}] belongs", _dW_with(lambda l: f"A{l}")),
    Variant("dW", "Z[l-1] for A[l-1]", "wrong operand", "Z[{l0}] where A[{l0}] belongs",
            _dW_with(lambda l: f"Z{l - 1}" if l > 1 else None)),
    Variant("dW", "X for A[l-1]", "wrong operand", "X (A[0]) where A[{l0}] belongs",
            _dW_with(lambda l: "A0" if l > 1 else None)),
    Variant("dW", "input missing", "missing factor", "the input A[{l0}]", _dW_without_input),
    Variant("dW", "input twice", "extra factor", "the input A[{l0}], a second time", _dW_input_twice),
    Variant("Z", "W transposed", "not transposed", "W[{l}]ᵀ where W[{l}] belongs", _Z_transposed),
    Variant("Z", "bias missing", "missing factor", "the bias b[{l}]", _Z_without_bias),
    Variant("update", "rate missing", "missing factor", "the learning rate", factor="1/lr"),
)
SIGN = Variant("*", "sign", "sign", "the sign", factor=-1.0)


def kind_of(name: str) -> tuple[str, int]:
    """"dZ2" -> ("dZ", 2); "W1" -> ("W", 1)."""
    head = name.rstrip("0123456789")
    return head, int(name[len(head):])


def applies(variant: Variant, name: str, spec: Spec, update: bool) -> bool:
    head, l = kind_of(name)
    if variant.quantity == "*":
        return True
    if variant.quantity == "dAL":
        return head == "dA" and l == spec.L and spec.loss in ("mse", "quadratic") and (
            (variant.factor == 0.5) == (spec.loss == "mse"))
    if variant.quantity == "dA":
        return head == "dA" and l < spec.L
    if variant.quantity == "update":
        return update and head in ("W", "b")
    return variant.quantity == head and not (head in ("W", "b"))


def describe(variant: Variant, name: str, spec: Spec) -> str:
    head, l = kind_of(name)
    g = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "linear": "g", "softmax": "softmax"}[
        spec.activations[min(l, spec.L) - 1]] if 1 <= l <= spec.L else "g"
    return variant.what.format(g=g, l=l, l0=l - 1, l1=l + 1)


def compute(spec: Spec, params: dict, X, Y, lr: float, *, given: dict | None = None,
            variant=None, stale: dict | None = None, upto: str | None = None) -> dict[str, np.ndarray]:
    """Every quantity (see Spec.order) for the columns X, Y. ``given`` replaces a quantity,
    once computed, by the user's; ``variant`` is (quantity name, Variant), or a tuple of
    them (one mistake made in every layer, by a loop); ``stale`` holds the weights the
    backward pass reads (default: ``params``). Stops after ``upto``."""
    given = given or {}
    mistakes = dict(variant if variant is None or isinstance(variant[0], tuple) else (variant,)) if variant else {}
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    m = X.shape[1]
    P = params
    back = stale or params
    env: dict[str, np.ndarray] = {"A0": X, "Y": Y}
    for name in spec.order(update=True):
        head, l = kind_of(name)
        if head == "Z":
            value = P[f"W{l}"] @ env[f"A{l - 1}"] + P[f"b{l}"]
        elif head == "A":
            value = _forward(_g(spec, l), env[f"Z{l}"])
        elif head == "dA" and l == spec.L:
            value = LOSSES[spec.loss].dA(env[f"A{l}"], Y)
        elif head == "dZ":
            if l == spec.L and spec.fused and f"dA{l}" not in given:  # A - Y, unless they wrote dA[L] out
                value = env[f"A{l}"] - Y
            else:
                value = _backward(_g(spec, l), env[f"dA{l}"], env[f"A{l}"])
        elif head == "dW":
            value = env[f"dZ{l}"] @ env[f"A{l - 1}"].T / m
        elif head == "db":
            value = env[f"dZ{l}"].sum(axis=1, keepdims=True) / m
        elif head == "dA":
            value = back[f"W{l + 1}"].T @ env[f"dZ{l + 1}"]
        else:  # the new W or b
            value = P[name] - lr * env[f"d{name}"]
        if name in mistakes:
            wrong = _apply(mistakes[name], spec, l, env, back, m, lr, value, P.get(name) if head in ("W", "b") else None)
            if wrong is None and len(mistakes) == 1:
                raise NotApplicable(name)
            value = value if wrong is None else wrong  # in every layer: where it can be made
        if name in given and np.shape(given[name]) == np.shape(value):
            value = given[name]
        env[name] = value
        if name == upto:
            break
    return env


class NotApplicable(Exception):
    """The variant does not apply to these shapes or this network."""


def _apply(variant: Variant, spec, l, env, P, m, lr, value, old):
    if variant.formula is not None:
        return variant.formula(spec, l, env, P, m, lr)
    factor = variant.factor
    if old is not None and factor == -1.0:  # the new θ with its step the wrong way: θ + lr dθ
        return 2 * old - value
    if factor == "m":
        return None if m == 1 else value * m
    if factor == "1/m":
        return None if m == 1 else value / m
    if factor == "1/lr":  # θ - dθ: the step without its rate
        return None if old is None or lr == 1 else old - (old - value) / lr
    return value * float(factor)
