"""The chain-rule trace: its values are the network's own, its steps read as the maths does."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re

import numpy as np
import pytest

from bpviz.errors import ConfigError
from bpviz.nn import SGD, Network
from bpviz.nn.activations import HIDDEN_ACTIVATIONS
from bpviz.nn.trace import PHASES, gradients_from_steps, trace, trace_layers
from bpviz.presets import get_preset

OUTPUT_AND_LOSS = [("sigmoid", "bce"), ("sigmoid", "mse"), ("softmax", "cross_entropy"),
                   ("softmax", "mse"), ("linear", "mse"), ("sigmoid", "cross_entropy")]


def _case(hidden, output, loss, m, seed=0):
    rng = np.random.default_rng(seed)
    n_out = 3 if output == "softmax" else 2
    net = Network([3, 4, 2, n_out], [hidden, hidden, output], loss, init="xavier", seed=seed)
    for value in net.params.values():
        value += 0.1 * rng.standard_normal(value.shape)
    X = rng.standard_normal((3, m))
    Y = np.eye(n_out)[:, rng.integers(0, n_out, m)] if output == "softmax" or loss == "cross_entropy" \
        else rng.random((n_out, m)) if loss == "mse" else (rng.random((n_out, m)) < 0.5).astype(float)
    return net, X, Y


@pytest.mark.parametrize("hidden, output_loss, m",
                         [(h, ol, m) for h, ol in itertools.product(HIDDEN_ACTIVATIONS, OUTPUT_AND_LOSS)
                          for m in (1, 3)])
def test_gradients_from_the_steps_equal_backward_bit_for_bit(hidden, output_loss, m):
    net, X, Y = _case(hidden, *output_loss, m)
    steps = trace(net, X, Y, lr=0.1)
    _, cache = net.forward(X)
    expected = net.backward(cache, Y)
    assembled = gradients_from_steps(steps, net)
    for key in expected:
        np.testing.assert_array_equal(assembled[key], expected[key])
    # ... and the update steps are one SGD step.
    params = {k: v.copy() for k, v in net.params.items()}
    SGD(0.1).step(params, expected)
    for step in steps:
        if step.phase == "update":
            name, l, j, *k = step.quantity
            key = f"{name.upper() if name == 'w' else name}{l}"
            assert step.value == params[key][j - 1, k[0] - 1 if k else 0]
            assert step.before == net.params[key][j - 1, k[0] - 1 if k else 0]


def test_the_notebook_example_matches_the_numbers_worked_by_hand():
    # 2-2-1 linear, weights 0.1, x = (8, 8), y = 4, loss (y - ŷ)², lr 0.001.
    net = Network([2, 2, 1], "linear", "mse", init="constant:0.1")
    steps = trace(net, [8, 8], [4], lr=0.001)
    value = {s.quantity: s.value for s in steps if s.phase != "update"}
    new = {s.quantity: s.value for s in steps if s.phase == "update"}
    assert value[("z", 1, 1)] == pytest.approx(1.6) and value[("a", 1, 2)] == pytest.approx(1.6)
    assert value[("a", 2, 1)] == pytest.approx(0.32)
    assert value[("J",)] == pytest.approx(13.5424)
    assert value[("da", 2, 1)] == pytest.approx(-7.36)
    assert value[("dz", 2, 1)] == pytest.approx(-7.36)
    assert value[("dw", 2, 1, 2)] == pytest.approx(-11.776)
    assert value[("da", 1, 1)] == pytest.approx(-0.736)
    assert value[("dw", 1, 2, 1)] == pytest.approx(-5.888)
    assert value[("db", 1, 2)] == pytest.approx(-0.736)
    assert new[("w", 1, 1, 1)] == pytest.approx(0.105888)
    assert new[("w", 2, 1, 1)] == pytest.approx(0.111776)
    assert new[("b", 2, 1)] == pytest.approx(0.00736)
    first = steps[0]
    assert first.numbers.text == "0.1·8 + 0.1·8 + 0" and first.formula.text == "w[1]_11·a[0]_1 + w[1]_12·a[0]_2 + b[1]_1"
    assert first.text() == "z[1]_1 = 0.1·8 + 0.1·8 + 0 = 1.6"
    assert first.nodes == ("n0.1", "n0.2", "n1.1") and first.edges == ("w1.1.1", "w1.1.2")


def test_phases_come_in_order_and_arrows_follow_them():
    net = Network([2, 2, 1], "sigmoid", "bce", init="constant:0.1")
    steps = trace(net, [8, 8], [1], lr=0.1)
    phases = [s.phase for s in steps]
    assert phases == sorted(phases, key=PHASES.index)
    assert phases.count("loss") == 1 and phases.count("update") == 9
    assert {s.arrow for s in steps if s.phase == "forward"} == {"forward"}
    assert {s.arrow for s in steps if s.phase == "backward"} == {"backward"}
    assert [s.index for s in steps] == list(range(len(steps)))


def test_each_weight_carries_its_whole_chain_whose_product_is_its_gradient():
    net = Network([2, 2, 1], "sigmoid", "bce", init="constant:0.1")
    steps = trace(net, [8, 8], [1], lr=0.1)
    dw112 = next(s for s in steps if s.quantity == ("dw", 1, 1, 2))
    assert [f.symbol.text for f in dw112.factors] == [
        "∂J/∂a[2]_1", "∂a[2]_1/∂z[2]_1", "∂z[2]_1/∂a[1]_1", "∂a[1]_1/∂z[1]_1", "∂z[1]_1/∂w[1]_12"]
    assert [f.arrow for f in dw112.factors] == ["backward"] * 4 + ["forward"]
    assert [f.element for f in dw112.factors] == ["J.1", "n2.1", "w2.1.1", "n1.1", "n0.2"]
    for step in steps:
        if step.quantity[0] == "dw":
            assert math.prod(f.value for f in step.factors) == pytest.approx(step.value, rel=1e-12)


@pytest.mark.parametrize("hidden, output_loss", list(itertools.product(["tanh", "relu"], OUTPUT_AND_LOSS)))
def test_chains_multiply_to_the_gradient_in_wider_networks(hidden, output_loss):
    net, X, Y = _case(hidden, *output_loss, m=1, seed=3)
    for step in trace(net, X, Y, lr=0.1):
        if step.quantity[0] == "dw":
            assert math.prod(f.value for f in step.factors) == pytest.approx(step.value, rel=1e-9, abs=1e-15)


def test_backward_reuses_each_dz_it_cached_instead_of_recomputing_it():
    net = Network([2, 3, 2, 1], "tanh", "bce", init="xavier")
    steps = trace(net, [0.5, -1.0], [1], lr=0.1)
    made = {s.quantity: s.index for s in steps}
    dz_steps = [s for s in steps if s.quantity[0] == "dz"]
    assert len(dz_steps) == len({s.quantity for s in dz_steps}) == 3 + 2 + 1  # each once
    da11 = next(s for s in steps if s.quantity == ("da", 1, 1))
    assert {(r.symbol, r.step) for r in da11.reuses} == {("dz[2]_1", made[("dz", 2, 1)]),
                                                         ("dz[2]_2", made[("dz", 2, 2)])}
    dw = next(s for s in steps if s.quantity == ("dw", 2, 2, 3))
    assert ("dz[2]_2", made[("dz", 2, 2)]) in {(r.symbol, r.step) for r in dw.reuses}
    assert all(r.step < s.index for s in steps for r in s.reuses)


@pytest.mark.parametrize("output, loss, note", [("sigmoid", "bce", "simplifies to a - y"),
                                                 ("softmax", "cross_entropy", "simplifies to a_j - y_j")])
def test_fused_outputs_show_the_simplification_to_a_minus_y(output, loss, note):
    net = Network([2, 2, 3 if output == "softmax" else 1], ["tanh", output], loss, init="xavier")
    Y = [0, 1, 0] if output == "softmax" else [1]
    dz = next(s for s in trace(net, [1.0, 2.0], Y, lr=0.1) if s.quantity == ("dz", 2, 1))
    assert note in dz.note
    assert dz.formula.text.endswith("= a[2]_1 - y_1")


def test_steps_are_immutable_and_batches_carry_one_value_per_example():
    net = Network([2, 2, 1], "sigmoid", "bce", init="constant:0.1")
    steps = trace(net, np.array([[8, 7], [8, 9]]), np.array([[1, 0]]), lr=0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        steps[0].value = 3
    z = steps[0].value
    assert z.shape == (2,) and not z.flags.writeable
    assert "(1/m) Σ_i" in next(s for s in steps if s.quantity[0] == "dw").formula.text


def test_a_network_too_big_to_play_unit_by_unit_is_refused_by_name():
    with pytest.raises(ConfigError, match="up to 4 layers of up to 8 units, got 784-196-1"):
        trace(Network([784, 196, 1]), np.zeros(784), [1], lr=0.1)


def test_layer_mode_walks_the_tutorials_shapes():
    steps = trace_layers(Network([784, 196, 1]), m=11272)
    by = {s.quantity: s for s in steps}
    assert by[("Z", 1)].shapes == "(196,784)·(784,11272)+(196,1) → (196,11272)"
    assert by[("dW", 1)].shapes == "(196,11272)·(11272,784) → (196,784)"
    assert by[("dA", 1)].shapes == "(196,1)·(1,11272) → (196,11272)"
    assert by[("dZ", 2)].formula.text == "A[2] - Y"
    assert all(s.value is None for s in steps)
    assert by[("Z", 1)].nodes == ("L0", "L1") and by[("Z", 1)].edges == ("E1",)


def test_layer_mode_with_data_carries_the_networks_matrices():
    net, X, Y = _case("relu", "sigmoid", "bce", m=4)
    steps = {s.quantity: s for s in trace_layers(net, x=X, y=Y, lr=0.1)}
    _, cache = net.forward(X)
    grads = net.backward(cache, Y)
    np.testing.assert_array_equal(steps[("dW", 1)].value, grads["dW1"])
    np.testing.assert_array_equal(steps[("A", 3)].value, cache.A[3])
    np.testing.assert_array_equal(steps[("W", 2)].value, net.params["W2"] - 0.1 * grads["dW2"])


def _mentions(formula: str, symbol: str) -> bool:
    """Whether ``formula`` reads ``symbol`` (a[2]_1 is not read by da[2]_1 or a[2]_12), as
    itself or as the k-th term of a Σ_k."""
    def found(name):
        return re.search(r"(?<![\w\]])" + re.escape(name) + r"(?!\d)", formula) is not None

    return found(symbol) or ("Σ_k" in formula and found(re.sub(r"_\d+$", "_k", symbol)))


TOY_CASES = [(preset, hidden, activation)
             for preset in ("notebook-regression", "notebook-classification")  # mse, bce
             for hidden in ((2,), (3, 2))
             for activation in ("sigmoid", "tanh", "relu", "linear")]


@pytest.mark.parametrize("preset, hidden, activation", TOY_CASES)
def test_every_step_reuses_only_what_its_formula_reads(preset, hidden, activation):
    recipe = get_preset(preset).replace(layers=(*hidden, 1), activation=activation, init="xavier", seed=4)
    data = recipe.data()
    steps = trace(recipe.network(), data.X[:, 1], data.Y[:, 1], recipe.lr)
    for step in steps:
        for reuse in step.reuses:
            assert reuse.symbol in step.reads, (step.symbol.text, reuse.symbol)
            assert _mentions(step.formula.text, reuse.symbol), (step.symbol.text, step.formula.text, reuse.symbol)
            assert steps[reuse.step].symbol.text == reuse.symbol


@pytest.mark.parametrize("output_loss", OUTPUT_AND_LOSS)
def test_outputs_of_every_kind_reuse_only_what_their_formula_reads(output_loss):
    net, X, Y = _case("relu", *output_loss, m=1)
    for step in trace(net, X, Y, lr=0.1):
        assert all(_mentions(step.formula.text, r.symbol) for r in step.reuses), step.formula.text


def test_the_first_backward_step_reuses_a_not_the_loss():
    # "step 8 says it reuses J": da[2]_1 = 2·(a - y) reads a[2]_1 (step 6), never J.
    steps = trace(Network([2, 2, 1], "linear", "mse", init="constant:0.1"), [8, 8], [4], lr=0.001)
    da = next(s for s in steps if s.quantity == ("da", 2, 1))
    assert da.number == 8
    assert [(r.symbol, r.number) for r in da.reuses] == [("a[2]_1", 6)]
    assert "J" not in da.reads
