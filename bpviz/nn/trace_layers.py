"""The vectorised trace: one step per matrix operation, with the tutorial's shapes."""

from __future__ import annotations

import numpy as np

from bpviz.nn.notation import LOSS_NODE, Formula, layer_edge_id, layer_id
from bpviz.nn.optimizers import SGD
from bpviz.nn.trace_records import Step, frozen
from bpviz.nn.trace_steps import op_shapes

F = Formula


def _M(name: str, l: int | None = None) -> Formula:
    """A matrix symbol: _M("W", 1) is W^[1]."""
    return F(f"{name}^{{[{l}]}}" if l is not None else name, f"{name}[{l}]" if l is not None else name)


def layer_steps(net, m, x, y, lr):
    """The steps of ``bpviz.nn.trace.trace_layers``."""
    values = {}
    if x is not None:
        probe = net.__class__(net.layer_sizes, net.activations, net.loss.name, dtype="float64",
                              params=net.params)
        X = np.asarray(x, dtype=np.float64)
        X = X.reshape(-1, 1) if X.ndim == 1 else X
        m = X.shape[1]
        A, cache = probe.forward(X)
        Y = np.asarray(y, dtype=np.float64).reshape(A.shape)
        inter: dict = {}
        grads = probe.backward(cache, Y, inter)
        values.update({f"A{l}": a for l, a in enumerate(cache.A)}, J=probe.cost(A, Y), **inter, **grads)
        for l in range(1, net.L + 1):
            values[f"Z{l}"] = probe.params[f"W{l}"] @ cache.A[l - 1] + probe.params[f"b{l}"]
        if lr is not None:
            updated = {k: v.copy() for k, v in probe.params.items()}
            SGD(lr).step(updated, grads)
            values.update({f"new{k}": v for k, v in updated.items()})
    sizes, L, steps = net.layer_sizes, net.L, []

    def add(phase, quantity, symbol, formula, value_key, shapes, nodes, edges=()):
        steps.append(Step(len(steps), phase, quantity, symbol, formula, formula,
                          frozen(values.get(value_key)), nodes=tuple(nodes), edges=tuple(edges),
                          shapes=shapes))

    for l in range(1, L + 1):
        add("forward", ("Z", l), _M("Z", l), F(rf"W^{{[{l}]}} A^{{[{l - 1}]}} + b^{{[{l}]}}", f"W[{l}]·A[{l - 1}] + b[{l}]"),
            f"Z{l}", op_shapes("Z", l, sizes, m), [layer_id(l - 1), layer_id(l)], [layer_edge_id(l)])
        add("forward", ("A", l), _M("A", l), F(rf"g^{{[{l}]}}(Z^{{[{l}]}})", f"{net.activations[l - 1]}(Z[{l}])"),
            f"A{l}", op_shapes("A", l, sizes, m), [layer_id(l)])
    add("loss", ("J",), _M("J"), F(net.loss.latex.split("= ", 1)[1], f"{net.loss.name}(A[{L}], Y)"), "J",
        op_shapes("J", L, sizes, m), [layer_id(L), LOSS_NODE], [layer_edge_id(L + 1)])
    dz_L = F(rf"A^{{[{L}]}} - Y", f"A[{L}] - Y") if net.fused_output else \
        F(rf"dA^{{[{L}]}} \odot g'(Z^{{[{L}]}})", f"dA[{L}] ⊙ g'(Z[{L}])")
    add("backward", ("dZ", L), _M("dZ", L), dz_L, f"dZ{L}", op_shapes("dZ", L, sizes, m),
        [LOSS_NODE, layer_id(L)], [layer_edge_id(L + 1)])
    for l in range(L, 0, -1):
        add("backward", ("dW", l), _M("dW", l), F(rf"\frac{{1}}{{m}} dZ^{{[{l}]}} A^{{[{l - 1}]T}}", f"(1/m)·dZ[{l}]·A[{l - 1}]ᵀ"),
            f"dW{l}", op_shapes("dW", l, sizes, m), [layer_id(l), layer_id(l - 1)], [layer_edge_id(l)])
        add("backward", ("db", l), _M("db", l), F(rf"\frac{{1}}{{m}} \sum dZ^{{[{l}]}}", f"(1/m)·Σ dZ[{l}]"),
            f"db{l}", op_shapes("db", l, sizes, m), [layer_id(l)])
        if l > 1:
            add("backward", ("dA", l - 1), _M("dA", l - 1), F(rf"W^{{[{l}]T}} dZ^{{[{l}]}}", f"W[{l}]ᵀ·dZ[{l}]"),
                f"dA{l - 1}", op_shapes("dA", l, sizes, m), [layer_id(l), layer_id(l - 1)], [layer_edge_id(l)])
            add("backward", ("dZ", l - 1), _M("dZ", l - 1),
                F(rf"dA^{{[{l - 1}]}} \odot g'(Z^{{[{l - 1}]}})", f"dA[{l - 1}] ⊙ g'(Z[{l - 1}])"),
                f"dZ{l - 1}", op_shapes("dZ", l - 1, sizes, m), [layer_id(l - 1)])
    for l in range(1, L + 1):
        for key in ("W", "b"):
            add("update", (key, l), _M(key, l), F(rf"{key}^{{[{l}]}} - \alpha\, d{key}^{{[{l}]}}", f"{key}[{l}] - α·d{key}[{l}]"),
                f"new{key}{l}", op_shapes(key, l, sizes, m), [layer_id(l)], [layer_edge_id(l)] if key == "W" else [])
    return steps
