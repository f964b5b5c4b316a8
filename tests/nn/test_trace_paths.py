"""The chain rule on the graph: every backward step's paths from J, their sum, their chain.

Oracles: Network.backward (whose numbers the steps carry), central finite differences of
the cost (for every a, z, w and b a step differentiates by), and numbers worked by hand.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from bpviz.nn import Network, numerical_gradients
from bpviz.nn.activations import ACTIVATIONS
from bpviz.nn.trace import MAX_PATHS, gradients_from_steps, paths_text, steps_text, trace

# (layer sizes, activations, loss): several outputs, regression and classification,
# fan-outs at every depth, and every way an output meets its loss.
NETWORKS = [
    ([2, 2, 2], ["sigmoid", "sigmoid"], "quadratic"),
    ([2, 2, 2], ["tanh", "linear"], "mse"),
    ([2, 3, 2, 1], ["tanh", "sigmoid", "linear"], "quadratic"),
    ([2, 3, 2, 1], ["relu", "tanh", "sigmoid"], "bce"),
    ([3, 4, 4, 2], ["tanh", "tanh", "sigmoid"], "bce"),
    ([3, 4, 4, 2], ["sigmoid", "relu", "linear"], "quadratic"),
    ([3, 4, 4, 3], ["tanh", "tanh", "softmax"], "cross_entropy"),
    ([2, 3, 4], ["tanh", "softmax"], "cross_entropy"),
    ([2, 3, 2], ["sigmoid", "softmax"], "mse"),
    ([3, 2, 2, 2], ["tanh", "relu", "softmax"], "quadratic"),
    ([2, 3, 3], ["tanh", "softmax"], "bce"),
    ([2, 2, 3], ["tanh", "sigmoid"], "cross_entropy"),
    ([2, 2, 2, 2, 2], ["tanh", "sigmoid", "tanh", "sigmoid"], "quadratic"),
]
IDS = ["-".join(map(str, s)) + f" {'/'.join(a)} {loss}" for s, a, loss in NETWORKS]


def _case(sizes, activations, loss, m, seed=0):
    """A network with every weight and bias nudged off its init (relu kinks kept away
    from z = 0 by the seed), m examples and valid targets."""
    rng = np.random.default_rng(seed)
    net = Network(sizes, activations, loss, init="xavier", seed=seed)
    for value in net.params.values():
        value += 0.1 * rng.standard_normal(value.shape)
    X = rng.standard_normal((sizes[0], m))
    n_out = sizes[-1]
    if activations[-1] == "softmax" or loss == "cross_entropy":
        Y = np.eye(n_out)[:, rng.integers(0, n_out, m)]
    elif loss == "bce":
        Y = (rng.random((n_out, m)) < 0.5).astype(float)
    else:
        Y = rng.standard_normal((n_out, m)) if activations[-1] == "linear" else rng.random((n_out, m))
    return net, X, Y


def _sum_of_products(step):
    """Σ over the step's paths of the product of its factors' values (per example)."""
    return sum(np.asarray(math.prod(f.value for f in path), dtype=float) for path in step.paths)


def _forward_from(net, l, values, kind):
    """The cost when layer l's a (kind "a") or z (kind "z") is replaced by ``values``."""
    A = values if kind == "a" else ACTIVATIONS[net.activations[l - 1]].forward(values.copy())
    for i in range(l + 1, net.L + 1):
        A = ACTIVATIONS[net.activations[i - 1]].forward(net.params[f"W{i}"] @ A + net.params[f"b{i}"])
    return A


def _numerical(net, X, Y, kind, l, j, h=1e-6):
    """∂J_i/∂a[l]_j or ∂J_i/∂z[l]_j per example i, by central differences: J_i is example
    i's loss (the mean cost times m, each example perturbed alone)."""
    _, cache = net.forward(X)
    base = cache.A[l] if kind == "a" else net.params[f"W{l}"] @ cache.A[l - 1] + net.params[f"b{l}"]
    m = X.shape[1]
    out = np.empty(m)
    for i in range(m):
        costs = []
        for sign in (1, -1):
            values = base[:, [i]].copy()
            values[j - 1, 0] += sign * h
            costs.append(net.loss.cost(_forward_from(net, l, values, kind), Y[:, [i]]))
        out[i] = (costs[0] - costs[1]) / (2 * h)
    return out


@pytest.mark.parametrize("m", [1, 3])
@pytest.mark.parametrize("sizes, activations, loss", NETWORKS, ids=IDS)
def test_the_paths_of_every_backward_step_sum_to_its_value(sizes, activations, loss, m):
    net, X, Y = _case(sizes, activations, loss, m)
    steps = trace(net, X, Y, lr=0.1)
    backward = [s for s in steps if s.phase == "backward"]
    assert {s.quantity[0] for s in backward} == {"da", "g'", "dz", "dw", "db"}
    for step in backward:
        assert step.paths and step.path_count == len(step.paths) <= MAX_PATHS, step.symbol.text
        total = _sum_of_products(step)
        if step.quantity[0] in ("dw", "db"):  # the step is the mean over the examples
            assert total.mean() == pytest.approx(step.value, rel=1e-9, abs=1e-15), step.symbol.text
        else:  # one value per example, as the step holds it
            np.testing.assert_allclose(total, step.value, rtol=1e-9, atol=1e-15, err_msg=step.symbol.text)
    for step in steps:
        if step.phase != "backward":
            assert step.paths == () and step.chain == () and step.path_count == 0 and step.terms == ()


@pytest.mark.parametrize("sizes, activations, loss", NETWORKS, ids=IDS)
def test_every_step_agrees_with_backward_and_with_finite_differences(sizes, activations, loss):
    net, X, Y = _case(sizes, activations, loss, m=2, seed=5)
    steps = trace(net, X, Y, lr=0.1)
    _, cache = net.forward(X)
    expected = net.backward(cache, Y)
    assembled = gradients_from_steps(steps, net)
    numerical = numerical_gradients(net, X, Y)
    for key in expected:
        np.testing.assert_array_equal(assembled[key], expected[key])
        np.testing.assert_allclose(assembled[key], numerical[key], rtol=1e-5, atol=1e-8, err_msg=key)
    for step in (s for s in steps if s.phase == "backward"):
        kind, l, j, *_ = step.quantity
        if kind in ("da", "dz"):
            expected = _numerical(net, X, Y, kind[1], l, j)
        elif kind == "g'":
            expected = _numerical_g_prime(net, X, l, j)
        else:
            continue
        np.testing.assert_allclose(step.value, expected, rtol=1e-5, atol=1e-8, err_msg=step.symbol.text)


def _numerical_g_prime(net, X, l, j, h=1e-6):
    """∂a[l]_j/∂z[l]_j per example, by central differences (softmax: the other z held)."""
    _, cache = net.forward(X)
    Z = net.params[f"W{l}"] @ cache.A[l - 1] + net.params[f"b{l}"]
    g = ACTIVATIONS[net.activations[l - 1]].forward
    up, down = Z.copy(), Z.copy()
    up[j - 1] += h
    down[j - 1] -= h
    return (g(up)[j - 1] - g(down)[j - 1]) / (2 * h)


def test_a_hidden_unit_feeding_two_outputs_sums_its_two_paths_by_hand():
    """2-2-2, sigmoid, quadratic; x = (0.5, 1), y = (1, 0). From the hand-worked forward and
    output pass of tests/nn/test_quadratic.py: dz[2]_1 = -0.129392, dz[2]_2 = 0.143759,
    g'(z[1]_1) = a[1]_1 (1 - a[1]_1) = 0.586618 · 0.413382 = 0.242497, w[2]_11 = 0.5,
    w[2]_21 = 0.7. Unit 1 of layer 1 feeds both outputs, so

        dz[1]_1 = dz[2]_1 · w[2]_11 · g' + dz[2]_2 · w[2]_21 · g'
                = (-0.129392)(0.5)(0.242497) + (0.143759)(0.7)(0.242497)
                = -0.0156887 + 0.0244028 = 0.0087141

    and each path is ∂J/∂a[2]_u · ∂a[2]_u/∂z[2]_u · ∂z[2]_u/∂a[1]_1 · ∂a[1]_1/∂z[1]_1,
    with ∂J/∂a[2]_1 = a - y = -0.518261, ∂a[2]_1/∂z[2]_1 = 0.249667 (u = 1) and
    ∂J/∂a[2]_2 = 0.730890, ∂a[2]_2/∂z[2]_2 = 0.196690 (u = 2)."""
    net = Network([2, 2, 2], "sigmoid", "quadratic", params={
        "W1": [[0.1, 0.2], [0.3, 0.4]], "b1": [[0.1], [-0.1]],
        "W2": [[0.5, -0.6], [0.7, 0.8]], "b2": [[0.0], [0.1]]})
    steps = {s.quantity: s for s in trace(net, [0.5, 1.0], [1, 0], lr=0.5)}
    dz = steps[("dz", 1, 1)]
    assert dz.value == pytest.approx(0.0087141, rel=1e-4)
    assert [math.prod(f.value for f in p) for p in dz.paths] == pytest.approx([-0.0156887, 0.0244028], rel=1e-5)
    assert [[f.symbol.text for f in p] for p in dz.paths] == [
        ["∂J/∂a[2]_1", "∂a[2]_1/∂z[2]_1", "∂z[2]_1/∂a[1]_1", "∂a[1]_1/∂z[1]_1"],
        ["∂J/∂a[2]_2", "∂a[2]_2/∂z[2]_2", "∂z[2]_2/∂a[1]_1", "∂a[1]_1/∂z[1]_1"]]
    assert [[f.value for f in p] for p in dz.paths] == [
        pytest.approx([-0.518261, 0.249667, 0.5, 0.242497], rel=1e-5),
        pytest.approx([0.730890, 0.196690, 0.7, 0.242497], rel=1e-5)]
    assert [[f.element for f in p] for p in dz.paths] == [["J.1", "n2.1", "w2.1.1", "n1.1"],
                                                          ["J.2", "n2.2", "w2.2.1", "n1.1"]]
    assert dz.chain == ("J", "J.1", "J.2", "n2.1", "n2.2", "w2.1.1", "w2.2.1", "n1.1")
    # da[1]_1 = w[2]_11·dz[2]_1 + w[2]_21·dz[2]_2: its terms, and a path per term.
    da = steps[("da", 1, 1)]
    assert da.terms == pytest.approx([0.5 * -0.129392, 0.7 * 0.143759], rel=1e-5)
    assert [math.prod(f.value for f in p) for p in da.paths] == pytest.approx(list(da.terms), rel=1e-12)
    # The weight from input 2 to that unit: both paths, then ∂z/∂w = a[0]_2 = 1 (forward).
    dw = steps[("dw", 1, 1, 2)]
    assert dw.value == pytest.approx(0.0087141, rel=1e-4)
    assert [p[-1].element for p in dw.paths] == ["n0.2", "n0.2"] and dw.paths[0][-1].arrow == "forward"
    assert dw.chain == ("J", "J.1", "J.2", "n2.1", "n2.2", "w2.1.1", "w2.2.1", "n1.1", "w1.1.2", "n0.2")
    # Its view's chain of factors keeps its meaning: from the weight's own unit.
    assert [f.symbol.text for f in dw.factors] == ["∂J/∂a[1]_1", "∂a[1]_1/∂z[1]_1", "∂z[1]_1/∂w[1]_12"]
    assert [f.element for f in dw.factors] == ["n1.1", "n1.1", "n0.2"]
    assert math.prod(f.value for f in dw.factors) == pytest.approx(dw.value, rel=1e-12)
    # ... and the command line says it in one more line.
    assert paths_text(dz) == "2 paths from J: (-0.015689) via a[2]_1 + 0.024403 via a[2]_2 = 0.0087141"


def test_output_steps_have_one_path_each_and_their_own_chain():
    net, X, Y = _case([2, 2, 2], ["sigmoid", "sigmoid"], "quadratic", m=1)
    steps = {s.quantity: s for s in trace(net, X, Y, lr=0.1)}
    da, g, dz, db = steps[("da", 2, 2)], steps[("g'", 2, 2)], steps[("dz", 2, 2)], steps[("db", 2, 2)]
    assert [[f.element for f in p] for p in da.paths] == [["J.2"]] and da.chain == ("J", "J.2", "n2.2")
    assert [[f.element for f in p] for p in g.paths] == [["n2.2"]] and g.chain == ("n2.2",)
    assert [[f.element for f in p] for p in dz.paths] == [["J.2", "n2.2"]] and dz.chain == ("J", "J.2", "n2.2")
    assert [f.symbol.text for f in db.paths[0]] == ["∂J/∂a[2]_2", "∂a[2]_2/∂z[2]_2", "∂z[2]_2/∂b[2]_2"]
    assert db.paths[0][-1].value == 1.0 and db.paths[0][-1].element == "n2.2"
    dw = steps[("dw", 2, 2, 1)]
    assert dw.factors == dw.paths[0]  # one path: the view's chain is that path
    assert dw.chain == ("J", "J.2", "n2.2", "w2.2.1", "n1.1")


def test_a_softmax_output_couples_its_units_unless_fused_with_cross_entropy():
    net, X, Y = _case([2, 3, 3], ["tanh", "softmax"], "mse", m=1)
    dz = next(s for s in trace(net, X, Y, lr=0.1) if s.quantity == ("dz", 2, 1))
    # ∂J/∂z_1 = Σ_k ∂J/∂a_k · ∂a_k/∂z_1: one path through each output.
    assert [[f.symbol.text for f in p] for p in dz.paths] == [
        ["∂J/∂a[2]_1", "∂a[2]_1/∂z[2]_1"], ["∂J/∂a[2]_2", "∂a[2]_2/∂z[2]_1"], ["∂J/∂a[2]_3", "∂a[2]_3/∂z[2]_1"]]
    assert [[f.element for f in p] for p in dz.paths] == [["J.1", "n2.1"], ["J.2", "n2.2"], ["J.3", "n2.3"]]
    a = net.forward(X)[0][:, 0]
    assert [p[1].value for p in dz.paths] == pytest.approx([a[0] * (1 - a[0]), -a[1] * a[0], -a[2] * a[0]])
    assert dz.chain == ("J", "J.1", "J.2", "J.3", "n2.1", "n2.2", "n2.3")
    fused, X, Y = _case([2, 3, 3], ["tanh", "softmax"], "cross_entropy", m=1)
    steps = trace(fused, X, Y, lr=0.1)
    dz = next(s for s in steps if s.quantity == ("dz", 2, 1))
    assert [[(f.symbol.text, f.element) for f in p] for p in dz.paths] == [[("∂J/∂z[2]_1", "J.1")]]
    assert dz.chain == ("J", "J.1", "n2.1")
    dz_hidden = next(s for s in steps if s.quantity == ("dz", 1, 2))
    assert [p[0].element for p in dz_hidden.paths] == ["J.1", "J.2", "J.3"]


def test_paths_and_terms_follow_the_formula_terms_in_order():
    net, X, Y = _case([3, 4, 4, 2], ["tanh", "tanh", "sigmoid"], "bce", m=3)
    steps = {s.quantity: s for s in trace(net, X, Y, lr=0.1)}
    for k in range(1, 5):
        da = steps[("da", 1, k)]
        assert len(da.terms) == 4 and da.path_count == 8
        np.testing.assert_allclose(sum(da.terms), da.value, rtol=1e-12)
        for j, term in enumerate(da.terms, start=1):
            through = [p for p in da.paths if p[-1].element == f"w2.{j}.{k}"]
            assert da.paths[2 * (j - 1): 2 * j] == tuple(through)  # contiguous, in the terms' order
            np.testing.assert_allclose(sum(math.prod(f.value for f in p) for p in through), term, rtol=1e-12)
            np.testing.assert_allclose(term, net.params["W2"][j - 1, k - 1] * steps[("dz", 2, j)].value)
    assert all(s.terms == () for q, s in steps.items() if q[0] != "da" or q[1] == 3)


@pytest.mark.parametrize("sizes, activations, loss", NETWORKS, ids=IDS)
def test_the_chain_lights_every_element_of_every_path_once_from_j_down(sizes, activations, loss):
    net, X, Y = _case(sizes, activations, loss, m=1)
    for step in trace(net, X, Y, lr=0.1):
        if step.phase != "backward":
            continue
        chain = step.chain
        assert len(chain) == len(set(chain)), step.symbol.text
        elements = {f.element for p in step.paths for f in p}
        assert elements <= set(chain), (step.symbol.text, elements - set(chain))
        if step.quantity[0] == "g'":
            assert chain == (f"n{step.quantity[1]}.{step.quantity[2]}",)
            continue
        assert chain[0] == "J" and all(p[0].element.startswith("J.") for p in step.paths)
        # From J down: a deeper layer never comes before a shallower one.
        depth = [_depth(e, net.L) for e in chain]
        assert depth == sorted(depth), (step.symbol.text, chain)
        kind, l, j, *k = step.quantity
        tail = (f"w{l}.{j}.{k[0]}", f"n{l - 1}.{k[0]}") if kind == "dw" else (f"n{l}.{j}",)
        assert set(tail) <= set(chain) and _depth(chain[-1], net.L) == _depth(tail[-1], net.L)
        # Nothing on it that no path crosses: every edge joins two lit units.
        lit = set(chain)
        for e in chain:
            if e.startswith("w"):
                layer, upper, lower = map(int, e[1:].split("."))
                assert {f"n{layer}.{upper}", f"n{layer - 1}.{lower}"} <= lit, (step.symbol.text, e)


def _depth(element: str, L: int) -> float:
    """How far from J an element lies: J, the loss edges, the output units, then each
    layer's edges and units, down to the inputs."""
    if element == "J":
        return 0
    if element.startswith("J."):
        return 1
    layer = int(element[1:].split(".")[0])
    return 2 * (L - layer) + (2 if element.startswith("n") else 3)


def test_a_wide_deep_network_lists_no_more_paths_than_the_cap_but_keeps_the_chain():
    net, X, Y = _case([8, 8, 8, 8, 1], ["tanh", "tanh", "tanh", "linear"], "quadratic", m=1)
    steps = {s.quantity: s for s in trace(net, X, Y, lr=0.1)}
    assert steps[("dz", 3, 5)].path_count == 1 and len(steps[("dz", 3, 5)].paths) == 1
    assert steps[("dw", 2, 3, 4)].path_count == 8 and len(steps[("dw", 2, 3, 4)].paths) == 8
    dw = steps[("dw", 1, 3, 4)]
    assert dw.path_count == 64 > MAX_PATHS and dw.paths == ()
    assert dw.chain[:3] == ("J", "J.1", "n4.1") and dw.chain[-2:] == ("w1.3.4", "n0.4")
    assert len(dw.chain) == 3 + 8 + 8 + 64 + 8 + 8 + 1 + 2  # w4, n3, w3, n2, w2 into unit 3, n1.3
    assert dw.factors  # the view's short chain stays
    assert paths_text(dw) == "64 paths from J (more than 16: not listed)"


def test_the_text_shows_the_sum_over_paths_on_a_second_line_only_where_there_are_several():
    net, X, Y = _case([2, 3, 2, 1], ["tanh", "sigmoid", "linear"], "quadratic", m=1)
    steps = trace(net, X, Y, lr=0.1)
    lines = steps_text(steps).splitlines()
    several = [s for s in steps if s.path_count > 1]
    assert {s.quantity[:2] for s in several} == {("da", 1), ("dz", 1), ("dw", 1), ("db", 1)}
    assert len(lines) == len(steps) + len(several)
    dz = next(s for s in steps if s.quantity == ("dz", 1, 2))
    at = lines.index(f"{dz.number:3d} backward {dz.text()}")
    second = lines[at + 1]
    assert second.startswith(" " * 13 + "2 paths from J: ") and " via a[2]_1 + " in second
    assert second.endswith(" via a[2]_2 = " + dz.text().rsplit(" = ", 1)[1])


def test_a_batch_text_gives_the_products_per_example():
    net, X, Y = _case([2, 2, 2], ["sigmoid", "sigmoid"], "quadratic", m=2)
    dw = next(s for s in trace(net, X, Y, lr=0.1) if s.quantity == ("dw", 1, 1, 1))
    assert paths_text(dw).startswith("2 paths from J per example: [")


def test_the_json_of_a_step_carries_its_paths_chain_and_terms():
    net, X, Y = _case([2, 2, 2], ["sigmoid", "sigmoid"], "quadratic", m=1)
    steps = trace(net, X, Y, lr=0.1)
    data = json.loads(json.dumps([s.to_dict() for s in steps]))
    da = next(d for d in data if d["quantity"] == ["da", 1, 2])
    assert da["path_count"] == 2 and len(da["paths"]) == 2 and len(da["terms"]) == 2
    assert da["chain"] == ["J", "J.1", "J.2", "n2.1", "n2.2", "w2.1.2", "w2.2.2", "n1.2"]
    factor = da["paths"][1][-1]
    assert factor["element"] == "w2.2.2" and factor["symbol"]["text"] == "∂z[2]_2/∂a[1]_2"
    assert factor["value"] == net.params["W2"][1, 1] and factor["arrow"] == "backward"
    assert sum(math.prod(f["value"] for f in p) for p in da["paths"]) == pytest.approx(da["value"])
