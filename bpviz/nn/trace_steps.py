"""The step builders of ``bpviz.nn.trace``: one function per phase, unit by unit.

Each reads the values the network computed (forward cache, backward intermediates,
gradients, the SGD update) and writes them as steps with their formulas.
"""

from __future__ import annotations

import numpy as np

from bpviz.nn.notation import (
    LOSS_NODE, Formula, edge_id, join, loss_edge_id, node_id, number, partial, result, shape_text, sym,
)
from bpviz.nn.trace_paths import g_prime

F = Formula
DOT = F(r" \cdot ", "·")


def op_shapes(kind: str, l: int, sizes, m: int | str) -> str:
    """The matrix shapes of the vectorised operation a step belongs to, as the tutorial
    walks through them: e.g. (196,784)·(784,m)+(196,1) → (196,m)."""
    n, p = sizes[l], sizes[l - 1] if l > 0 else None
    s = shape_text
    return {  # lambdas: a trace asks for thousands, and formats only the one it wants
        "Z": lambda: f"{s((n, p))}·{s((p, m))}+{s((n, 1))} → {s((n, m))}",
        "A": lambda: f"g{s((n, m))} → {s((n, m))}",
        "J": lambda: f"{s((n, m))}, {s((n, m))} → scalar",
        "dA_L": lambda: f"{s((n, m))}, {s((n, m))} → {s((n, m))}",
        "dZ": lambda: f"{s((n, m))}⊙{s((n, m))} → {s((n, m))}",
        "dW": lambda: f"{s((n, m))}·{s((m, p))} → {s((n, p))}",
        "db": lambda: f"Σ_columns {s((n, m))} → {s((n, 1))}",
        "dA": lambda: f"{s((p, n))}·{s((n, m))} → {s((p, m))}",
        "W": lambda: f"{s((n, p))} − α·{s((n, p))} → {s((n, p))}",
        "b": lambda: f"{s((n, 1))} − α·{s((n, 1))} → {s((n, 1))}",
    }[kind]()


def _activation_formula(name: str, l: int, j: int, z, zs_layer) -> tuple[Formula, Formula]:
    """a = g(z) in symbols and with numbers."""
    zj = sym("z", l, j)
    if name == "sigmoid":
        return (F(rf"\sigma({zj.latex}) = \frac{{1}}{{1 + e^{{-{zj.latex}}}}}", f"σ({zj.text}) = 1/(1 + e^-{zj.text})"),
                F(rf"\frac{{1}}{{1 + e^{{-{number(z).latex}}}}}", f"1/(1 + e^-{number(z).text})"))
    if name == "tanh":
        return F(rf"\tanh({zj.latex})", f"tanh({zj.text})"), F(rf"\tanh({result(z).latex})", f"tanh({result(z).text})")
    if name == "relu":
        return F(rf"\max(0, {zj.latex})", f"max(0, {zj.text})"), F(rf"\max(0, {result(z).latex})", f"max(0, {result(z).text})")
    if name == "linear":
        return zj, number(z)
    total = join([F(rf"e^{{{number(v).latex}}}", f"e^{number(v).text}") for v in zs_layer], " + ", " + ")
    return (F(rf"\frac{{e^{{{zj.latex}}}}}{{\sum_k e^{{z^{{[{l}]}}_k}}}}", f"e^{zj.text} / Σ_k e^z[{l}]_k"),
            F(rf"\frac{{e^{{{number(z).latex}}}}}{{{total.latex}}}", f"e^{number(z).text} / ({total.text})"))


def _derivative(name: str, l: int, j: int, a) -> tuple[Formula, Formula, np.ndarray]:
    """g'(z^[l]_j) from the output a: symbols, numbers and value."""
    aj, av, value = sym("a", l, j), number(a), g_prime(name, a)
    if name in ("sigmoid", "softmax"):
        return (F(rf"{aj.latex}(1 - {aj.latex})", f"{aj.text}(1 - {aj.text})"),
                F(rf"{av.latex}(1 - {av.latex})", f"{av.text}·(1 - {av.text})"), value)
    if name == "tanh":
        return F(rf"1 - ({aj.latex})^2", f"1 - {aj.text}²"), F(rf"1 - {av.latex}^2", f"1 - {av.text}²"), value
    if name == "relu":
        return (F(rf"\mathbb{{1}}[{sym('z', l, j).latex} > 0]", f"1 if {sym('z', l, j).text} > 0 else 0"),
                number(value), value)
    return F("1", "1"), F("1", "1"), value


def _derivative_reads(name: str, l: int, j: int) -> list:
    """What g'(z^[l]_j) as :func:`_derivative` writes it reads: a (sigmoid, softmax, tanh),
    z (relu) or nothing (linear, whose derivative is 1)."""
    if name in ("sigmoid", "softmax", "tanh"):
        return [(("a", l, j), sym("a", l, j))]
    if name == "relu":
        return [(("z", l, j), sym("z", l, j))]
    return []


def _z_values(tr, cache, l):
    W, b = tr.net.params[f"W{l}"], tr.net.params[f"b{l}"]
    Z = W @ cache.A[l - 1]
    Z += b  # the very sum forward makes before it applies g
    return Z


def forward_steps(tr, cache) -> None:
    """Unit by unit, layer by layer: z then a for each unit (a softmax layer needs all its
    z before any a, so there every z comes first)."""
    net, sizes = tr.net, tr.net.layer_sizes
    for l in range(1, net.L + 1):
        Z = _z_values(tr, cache, l)
        units = range(1, sizes[l] + 1)
        if net.activations[l - 1] == "softmax":
            order = [("z", j) for j in units] + [("a", j) for j in units]
        else:
            order = [(kind, j) for j in units for kind in ("z", "a")]
        for kind, j in order:
            (_z_step if kind == "z" else _a_step)(tr, cache, l, j, Z)


def _z_step(tr, cache, l, j, Z) -> None:
    net, sizes = tr.net, tr.net.layer_sizes
    inputs = range(1, sizes[l - 1] + 1)
    terms = [sym("w", l, j, k) + DOT + sym("a", l - 1, k) for k in inputs]
    values = [number(net.params[f"W{l}"][j - 1, k - 1]) + DOT + number(cache.A[l - 1][k - 1]) for k in inputs]
    tr.add("forward", ("z", l, j), sym("z", l, j),
           join([*terms, sym("b", l, j)], " + ", " + "),
           join([*values, number(net.params[f"b{l}"][j - 1, 0])], " + ", " + "),
           Z[j - 1],
           reads=[(("a", l - 1, k), sym("a", l - 1, k)) for k in inputs],
           nodes=[node_id(l - 1, k) for k in inputs] + [node_id(l, j)],
           edges=[edge_id(l, j, k) for k in inputs],
           shapes=op_shapes("Z", l, sizes, tr.m))


def _a_step(tr, cache, l, j, Z) -> None:
    formula, numbers = _activation_formula(tr.net.activations[l - 1], l, j, Z[j - 1], Z[:, 0])
    tr.add("forward", ("a", l, j), sym("a", l, j), formula, numbers, cache.A[l][j - 1],
           reads=[(("z", l, j), sym("z", l, j))], nodes=[node_id(l, j)],
           shapes=op_shapes("A", l, tr.net.layer_sizes, tr.m))


def loss_step(tr, cache, J: float) -> None:
    net, L = tr.net, tr.net.L
    A, Y = cache.A[L], tr.Y
    terms, numbers = [], []
    for j in range(1, net.layer_sizes[L] + 1):
        a, y = sym("a", L, j), sym("y", None, j)
        av, yv = number(A[j - 1]), number(Y[j - 1])
        if net.loss.name in ("mse", "quadratic"):
            terms.append(F(rf"({a.latex} - {y.latex})^2", f"({a.text} - {y.text})²"))
            numbers.append(F(rf"({av.latex} - {yv.latex})^2", f"({av.text} - {yv.text})²"))
        elif net.loss.name == "bce":
            terms.append(F(rf"-[{y.latex}\log {a.latex} + (1 - {y.latex})\log(1 - {a.latex})]",
                           f"-[{y.text}·log {a.text} + (1 - {y.text})·log(1 - {a.text})]"))
            numbers.append(F(rf"-[{yv.latex}\log {av.latex} + (1 - {yv.latex})\log(1 - {av.latex})]",
                             f"-[{yv.text}·log {av.text} + (1 - {yv.text})·log(1 - {av.text})]"))
        else:
            terms.append(F(rf"-{y.latex}\log {a.latex}", f"-{y.text}·log {a.text}"))
            numbers.append(F(rf"-{yv.latex}\log {av.latex}", f"-{yv.text}·log {av.text}"))
    formula, numbers = join(terms, " + ", " + "), join(numbers, " + ", " + ")
    if net.loss.name == "quadratic":  # J = ½ Σ_k (a_k - y_k)², the ½ written out
        formula, numbers = _half(formula, len(terms)), _half(numbers, len(terms))
    prefix = tr.mean_prefix()
    tr.add("loss", ("J",), sym("J"), prefix + formula, prefix + numbers,
           J, reads=[(("a", L, j), sym("a", L, j)) for j in range(1, net.layer_sizes[L] + 1)],
           nodes=[node_id(L, j) for j in range(1, net.layer_sizes[L] + 1)] + [LOSS_NODE],
           edges=[loss_edge_id(j) for j in range(1, net.layer_sizes[L] + 1)],
           shapes=op_shapes("J", L, net.layer_sizes, tr.m))


def _half(sum_: Formula, n: int) -> Formula:
    """½ times a sum of n squares: ½(a - y)² for one, ½[(a1 - y1)² + (a2 - y2)²] for more."""
    if n == 1:
        return F(r"\frac{1}{2}", "½") + sum_
    return F(r"\frac{1}{2}\left[", "½[") + sum_ + F(r"\right]", "]")


_FUSED_NOTE = {
    "sigmoid": "sigmoid + BCE: ∂J/∂a · ∂a/∂z = -(y/a - (1-y)/(1-a)) · a(1-a) simplifies to a - y",
    "softmax": "softmax + cross-entropy: Σ_k ∂J/∂a_k · ∂a_k/∂z_j simplifies to a_j - y_j",
}


def _loss_derivative(name, a, y, av, yv):
    if name == "quadratic":  # the ½ of ½(a - y)² cancels the 2 of the square
        return F(rf"{a.latex} - {y.latex}", f"{a.text} - {y.text}"), F(rf"{av.latex} - {yv.latex}", f"{av.text} - {yv.text}")
    if name == "mse":
        return F(rf"2({a.latex} - {y.latex})", f"2({a.text} - {y.text})"), F(rf"2({av.latex} - {yv.latex})", f"2·({av.text} - {yv.text})")
    if name == "bce":
        return (F(rf"-\left(\frac{{{y.latex}}}{{{a.latex}}} - \frac{{1 - {y.latex}}}{{1 - {a.latex}}}\right)", f"-({y.text}/{a.text} - (1 - {y.text})/(1 - {a.text}))"),
                F(rf"-\left(\frac{{{yv.latex}}}{{{av.latex}}} - \frac{{1 - {yv.latex}}}{{1 - {av.latex}}}\right)", f"-({yv.text}/{av.text} - (1 - {yv.text})/(1 - {av.text}))"))
    return F(rf"-\frac{{{y.latex}}}{{{a.latex}}}", f"-{y.text}/{a.text}"), F(rf"-\frac{{{yv.latex}}}{{{av.latex}}}", f"-{yv.text}/{av.text}")


def _output_steps(tr, cache, inter) -> None:
    """dJ/dA^[L], dA^[L]/dZ^[L], then dZ^[L] (simplified to A - Y where fused)."""
    net, L, sizes, m = tr.net, tr.net.L, tr.net.layer_sizes, tr.m
    A, Y, output = cache.A[L], tr.Y, net.activations[-1]
    for j in range(1, sizes[L] + 1):
        a, y = sym("a", L, j), sym("y", None, j)
        formula, numbers = _loss_derivative(net.loss.name, a, y, number(A[j - 1]), number(Y[j - 1]))
        tr.add("backward", ("da", L, j), sym("da", L, j), formula, numbers, inter[f"dA{L}"][j - 1],
               reads=[(("a", L, j), a)], nodes=[LOSS_NODE, node_id(L, j)],
               edges=[loss_edge_id(j)], shapes=op_shapes("dA_L", L, sizes, m))
    for j in range(1, sizes[L] + 1):
        formula, numbers, value = _derivative(output, L, j, A[j - 1])
        tr.add("backward", ("g'", L, j), partial(sym("a", L, j), sym("z", L, j)), formula, numbers, value,
               reads=_derivative_reads(output, L, j), nodes=[node_id(L, j)], shapes=op_shapes("dZ", L, sizes, m))
    for j in range(1, sizes[L] + 1):
        da, g, a = sym("da", L, j), partial(sym("a", L, j), sym("z", L, j)), sym("a", L, j)
        reads = [(("da", L, j), da), (("g'", L, j), g)]
        if net.fused_output:
            y = sym("y", None, j)
            reads.append((("a", L, j), a))  # the simplified form's numbers are a - y
            if output == "softmax":  # each a_k moves with z_j: the sum over k, not da_j·∂a_j/∂z_j alone
                z = sym("z", L, j)
                chain = F(rf"\sum_k da^{{[{L}]}}_k \frac{{\partial a^{{[{L}]}}_k}}{{\partial {z.latex}}}",
                          f"Σ_k da[{L}]_k·∂a[{L}]_k/∂{z.text}")
                reads = [(("a", L, j), a)]  # its numbers, a - y, read a_j alone
            else:
                chain = da + DOT + g
            formula = F(rf"{chain.latex} = {a.latex} - {y.latex}", f"{chain.text} = {a.text} - {y.text}")
            numbers = number(A[j - 1]) + F(" - ", " - ") + number(Y[j - 1])
            note = _FUSED_NOTE[output]
        elif output == "softmax":
            formula = F(rf"{sym('a', L, j).latex}\left({da.latex} - \sum_k da^{{[{L}]}}_k a^{{[{L}]}}_k\right)",
                        f"{sym('a', L, j).text}·({da.text} - Σ_k da[{L}]_k·a[{L}]_k)")
            numbers = number(A[j - 1]) + F(r" \cdot (", "·(") + number(inter[f"dA{L}"][j - 1]) + F(" - ", " - ") + \
                number((inter[f"dA{L}"] * A).sum(axis=0)) + F(")", ")")
            note = "softmax couples the outputs: each z_j moves every a_k"
            units = range(1, sizes[L] + 1)
            reads = [(("a", L, j), a), (("da", L, j), da)] + \
                [(("da", L, k), sym("da", L, k)) for k in units if k != j] + \
                [(("a", L, k), sym("a", L, k)) for k in units if k != j]
        else:
            formula = da + DOT + g
            numbers = number(inter[f"dA{L}"][j - 1]) + DOT + number(_derivative(output, L, j, A[j - 1])[2])
            note = ""
        tr.add("backward", ("dz", L, j), sym("dz", L, j), formula, numbers, inter[f"dZ{L}"][j - 1],
               reads=reads, nodes=[node_id(L, j)], shapes=op_shapes("dZ", L, sizes, m), note=note)


def backward_steps(tr, cache, inter, grads) -> None:
    net, L, sizes, m = tr.net, tr.net.L, tr.net.layer_sizes, tr.m
    _output_steps(tr, cache, inter)
    mean = tr.mean_prefix()
    for l in range(L, 0, -1):
        for j in range(1, sizes[l] + 1):
            dz = sym("dz", l, j)
            for k in range(1, sizes[l - 1] + 1):
                a = sym("a", l - 1, k)
                tr.add("backward", ("dw", l, j, k), sym("dw", l, j, k), mean + dz + DOT + a,
                       mean + number(inter[f"dZ{l}"][j - 1]) + DOT + number(cache.A[l - 1][k - 1]),
                       grads[f"dW{l}"][j - 1, k - 1], reads=[(("dz", l, j), dz), (("a", l - 1, k), a)],
                       nodes=[node_id(l, j), node_id(l - 1, k)], edges=[edge_id(l, j, k)],
                       shapes=op_shapes("dW", l, sizes, m), factors=tr.chains.weight_factors(l, j, k))
            tr.add("backward", ("db", l, j), sym("db", l, j), mean + dz, mean + number(inter[f"dZ{l}"][j - 1]),
                   grads[f"db{l}"][j - 1, 0], reads=[(("dz", l, j), dz)], nodes=[node_id(l, j)],
                   shapes=op_shapes("db", l, sizes, m))
        if l == 1:
            break
        for k in range(1, sizes[l - 1] + 1):
            units = range(1, sizes[l] + 1)
            tr.add("backward", ("da", l - 1, k), sym("da", l - 1, k),
                   join([sym("w", l, j, k) + DOT + sym("dz", l, j) for j in units], " + ", " + "),
                   join([number(net.params[f"W{l}"][j - 1, k - 1]) + DOT + number(inter[f"dZ{l}"][j - 1]) for j in units], " + ", " + "),
                   inter[f"dA{l - 1}"][k - 1], reads=[(("dz", l, j), sym("dz", l, j)) for j in units],
                   nodes=[node_id(l, j) for j in units] + [node_id(l - 1, k)],
                   edges=[edge_id(l, j, k) for j in units], shapes=op_shapes("dA", l, sizes, m),
                   terms=[net.params[f"W{l}"][j - 1, k - 1] * inter[f"dZ{l}"][j - 1] for j in units])
        for k in range(1, sizes[l - 1] + 1):
            g_formula, g_numbers, _ = _derivative(net.activations[l - 2], l - 1, k, cache.A[l - 1][k - 1])
            da = sym("da", l - 1, k)
            tr.add("backward", ("dz", l - 1, k), sym("dz", l - 1, k),
                   da + DOT + F(rf"\left({g_formula.latex}\right)", f"({g_formula.text})"),
                   number(inter[f"dA{l - 1}"][k - 1]) + DOT + F(rf"\left({g_numbers.latex}\right)", f"({g_numbers.text})"),
                   inter[f"dZ{l - 1}"][k - 1],
                   reads=[(("da", l - 1, k), da), *_derivative_reads(net.activations[l - 2], l - 1, k)],
                   nodes=[node_id(l - 1, k)], shapes=op_shapes("dZ", l - 1, sizes, m))


def update_steps(tr, grads, updated, lr) -> None:
    net, sizes = tr.net, tr.net.layer_sizes
    alpha = sym("alpha")
    for l in range(1, net.L + 1):
        for j in range(1, sizes[l] + 1):
            cells = [("w", (j, k), (j - 1, k - 1), "W") for k in range(1, sizes[l - 1] + 1)] + [("b", (j,), (j - 1, 0), "b")]
            for name, idx, pos, key in cells:
                p, dp = sym(name, l, *idx), sym("d" + name, l, *idx)
                old, grad = net.params[f"{key}{l}"][pos], grads[f"d{key}{l}"][pos]
                element = edge_id(l, *idx) if name == "w" else node_id(l, j)
                tr.add("update", (name, l, *idx), p,
                       F(rf"{p.latex} - {alpha.latex} \cdot {dp.latex}", f"{p.text} - α·{dp.text}"),
                       number(old) + F(" - ", " - ") + number(lr) + DOT + number(grad),
                       updated[f"{key}{l}"][pos], reads=[(("d" + name, l, *idx), dp)],
                       nodes=[node_id(l, j)], edges=[element] if name == "w" else [],
                       shapes=op_shapes(key, l, sizes, tr.m), before=float(old))
