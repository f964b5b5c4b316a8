"""The textbook's quadratic cost C = ½ Σ_k (a_k - y_k)², averaged over the examples:
its value, its derivative a - y, backprop through it, and a 2-2-2 update worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from bpviz.nn import Network, gradcheck
from bpviz.nn.losses import LOSSES
from bpviz.nn.serialize import load_model, save_model
from bpviz.nn.trace import trace


def test_the_cost_is_half_the_sum_of_squares_averaged_over_the_examples():
    quadratic = LOSSES["quadratic"]
    A = np.array([[0.5, 0.9], [0.2, 0.4]])
    Y = np.array([[1.0, 1.0], [0.0, 1.0]])
    # example 1: ½(0.25 + 0.04) = 0.145; example 2: ½(0.01 + 0.36) = 0.185; mean 0.165.
    assert quadratic.cost(A, Y) == pytest.approx(0.165)
    np.testing.assert_allclose(quadratic.dA(A, Y), [[-0.5, -0.1], [0.2, -0.6]])
    # mse keeps its meaning: the notebook's (a - y)², twice the quadratic cost.
    assert LOSSES["mse"].cost(A, Y) == pytest.approx(2 * 0.165)
    np.testing.assert_allclose(LOSSES["mse"].dA(A, Y), 2 * quadratic.dA(A, Y))


def test_its_derivative_is_the_finite_difference_of_each_examples_cost():
    rng = np.random.default_rng(2)
    A, Y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    quadratic, h = LOSSES["quadratic"], 1e-6
    for k in range(3):
        for i in range(4):
            up, down = A.copy(), A.copy()
            up[k, i] += h
            down[k, i] -= h
            # dA is one example's derivative: the mean cost's times m.
            numeric = 4 * (quadratic.cost(up, Y) - quadratic.cost(down, Y)) / (2 * h)
            assert quadratic.dA(A, Y)[k, i] == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize("sizes, activations", [
    ([2, 2, 1], ["sigmoid", "linear"]), ([2, 3, 2], ["tanh", "sigmoid"]),
    ([3, 4, 4, 3], ["relu", "tanh", "linear"]), ([2, 3, 4], ["tanh", "softmax"]),
])
@pytest.mark.parametrize("m", [1, 5])
def test_backprop_through_it_agrees_with_finite_differences(sizes, activations, m):
    rng = np.random.default_rng(m)
    net = Network(sizes, activations, "quadratic", init="xavier", seed=3)
    for value in net.params.values():
        value += 0.1 * rng.standard_normal(value.shape)
    X, Y = rng.standard_normal((sizes[0], m)), rng.random((sizes[-1], m))
    errors = gradcheck(net, X, Y)
    assert max(errors.values()) < 1e-7, errors


def test_a_network_names_it_keeps_it_and_gives_it_a_linear_output():
    net = Network([4, 3, 2], "relu", "quadratic")
    assert net.activations == ["relu", "linear"] and net.loss.name == "quadratic"


def test_a_saved_model_keeps_its_quadratic_loss(tmp_path):
    net = Network([2, 2, 2], "sigmoid", "quadratic", init="xavier", seed=4)
    back, _ = load_model(save_model(tmp_path / "q.npz", net))
    assert back.loss.name == "quadratic" and back.config == net.config


HAND = {"W1": [[0.1, 0.2], [0.3, 0.4]], "b1": [[0.1], [-0.1]],
        "W2": [[0.5, -0.6], [0.7, 0.8]], "b2": [[0.0], [0.1]]}


def test_a_2_2_2_update_worked_by_hand():
    """2-2-2, sigmoid units, C = ½[(a[2]_1 - y_1)² + (a[2]_2 - y_2)²], x = (0.5, 1),
    y = (1, 0), lr 0.5; W1 = [[0.1, 0.2], [0.3, 0.4]], b1 = (0.1, -0.1),
    W2 = [[0.5, -0.6], [0.7, 0.8]], b2 = (0, 0.1).

    Forward:
      z[1]_1 = 0.1·0.5 + 0.2·1 + 0.1 = 0.35       a[1]_1 = σ(0.35) = 0.586618
      z[1]_2 = 0.3·0.5 + 0.4·1 - 0.1 = 0.45       a[1]_2 = σ(0.45) = 0.610639
      z[2]_1 = 0.5·0.586618 - 0.6·0.610639 + 0 = -0.0730748    a[2]_1 = 0.481739
      z[2]_2 = 0.7·0.586618 + 0.8·0.610639 + 0.1 = 0.999144    a[2]_2 = 0.730890
      C = ½[(0.481739 - 1)² + (0.730890 - 0)²] = ½[0.268594 + 0.534200] = 0.401397
    Output δ's (the ½ cancels the square's 2: ∂C/∂a = a - y):
      da[2]_1 = -0.518261, σ' = 0.481739·0.518261 = 0.249667, dz[2]_1 = -0.129392
      da[2]_2 = 0.730890,  σ' = 0.730890·0.269110 = 0.196690, dz[2]_2 = 0.143759
      dW2 = dz[2] a[1]ᵀ = [[-0.0759038, -0.0790120], [0.0843313, 0.0877846]], db2 = dz[2]
    Hidden δ's (each hidden unit feeds both outputs: two terms):
      da[1]_1 = 0.5·(-0.129392) + 0.7·0.143759 = -0.0646962 + 0.100631 = 0.0359348
      da[1]_2 = -0.6·(-0.129392) + 0.8·0.143759 = 0.0776354 + 0.115007 = 0.192642
      dz[1]_1 = 0.0359348·(0.586618·0.413382) = 0.0359348·0.242497 = 0.00871411
      dz[1]_2 = 0.192642·(0.610639·0.389361) = 0.192642·0.237759 = 0.0458024
      dW1 = dz[1] xᵀ = [[0.00435705, 0.00871411], [0.0229012, 0.0458024]], db1 = dz[1]
    Update, θ - 0.5·dθ:
      W1 = [[0.0978215, 0.195643], [0.288549, 0.377099]], b1 = (0.0956429, -0.122901)
      W2 = [[0.537952, -0.560494], [0.657834, 0.756108]], b2 = (0.0646962, 0.0281207)
    """
    net = Network([2, 2, 2], "sigmoid", "quadratic", params=HAND)
    steps = trace(net, [0.5, 1.0], [1, 0], lr=0.5)
    value = {s.quantity: s.value for s in steps if s.phase != "update"}
    new = {s.quantity: s.value for s in steps if s.phase == "update"}
    expected = {
        ("z", 1, 1): 0.35, ("a", 1, 1): 0.586618, ("z", 1, 2): 0.45, ("a", 1, 2): 0.610639,
        ("z", 2, 1): -0.0730748, ("a", 2, 1): 0.481739, ("z", 2, 2): 0.999144, ("a", 2, 2): 0.730890,
        ("J",): 0.401397,
        ("da", 2, 1): -0.518261, ("g'", 2, 1): 0.249667, ("dz", 2, 1): -0.129392,
        ("da", 2, 2): 0.730890, ("g'", 2, 2): 0.196690, ("dz", 2, 2): 0.143759,
        ("dw", 2, 1, 1): -0.0759038, ("dw", 2, 1, 2): -0.0790120, ("db", 2, 1): -0.129392,
        ("dw", 2, 2, 1): 0.0843313, ("dw", 2, 2, 2): 0.0877846, ("db", 2, 2): 0.143759,
        ("da", 1, 1): 0.0359348, ("da", 1, 2): 0.192642, ("dz", 1, 1): 0.00871411, ("dz", 1, 2): 0.0458024,
        ("dw", 1, 1, 1): 0.00435705, ("dw", 1, 1, 2): 0.00871411, ("db", 1, 1): 0.00871411,
        ("dw", 1, 2, 1): 0.0229012, ("dw", 1, 2, 2): 0.0458024, ("db", 1, 2): 0.0458024,
    }
    assert set(value) == set(expected)
    for quantity, number in expected.items():
        assert value[quantity] == pytest.approx(number, rel=2e-5), quantity
    updated = {
        ("w", 1, 1, 1): 0.0978215, ("w", 1, 1, 2): 0.195643, ("b", 1, 1): 0.0956429,
        ("w", 1, 2, 1): 0.288549, ("w", 1, 2, 2): 0.377099, ("b", 1, 2): -0.122901,
        ("w", 2, 1, 1): 0.537952, ("w", 2, 1, 2): -0.560494, ("b", 2, 1): 0.0646962,
        ("w", 2, 2, 1): 0.657834, ("w", 2, 2, 2): 0.756108, ("b", 2, 2): 0.0281207,
    }
    assert set(new) == set(updated)
    for quantity, number in updated.items():
        assert new[quantity] == pytest.approx(number, rel=2e-6), quantity
    da11 = next(s for s in steps if s.quantity == ("da", 1, 1))
    assert da11.terms == pytest.approx([-0.0646962, 0.100631], rel=2e-5)


def test_the_trace_writes_the_half_and_the_derivative_without_a_2():
    net = Network([2, 2, 2], "sigmoid", "quadratic", params=HAND)
    steps = {s.quantity: s for s in trace(net, [0.5, 1.0], [1, 0], lr=0.5)}
    J = steps[("J",)]
    assert J.formula.text == "½[(a[2]_1 - y_1)² + (a[2]_2 - y_2)²]"
    assert J.text() == "J = ½[(0.48174 - 1)² + (0.73089 - 0)²] = 0.4014"
    assert J.formula.latex.startswith(r"\frac{1}{2}\left[") and J.formula.latex.endswith(r"\right]")
    da = steps[("da", 2, 1)]
    assert da.formula.text == "a[2]_1 - y_1" and da.text() == "da[2]_1 = 0.48174 - 1 = -0.51826"
    # A batch keeps the mean over the examples in front; one output needs no brackets.
    batch = trace(net, np.array([[0.5, 1.0], [1.0, 0.0]]), np.array([[1, 0], [0, 1]]), lr=0.5)
    assert next(s for s in batch if s.phase == "loss").formula.text == \
        "(1/m) Σ_i ½[(a[2]_1 - y_1)² + (a[2]_2 - y_2)²]"
    one = trace(Network([2, 2, 1], "linear", "quadratic", init="constant:0.1"), [8, 8], [4], lr=0.001)
    loss = next(s for s in one if s.phase == "loss")
    assert loss.text() == "J = ½(0.32 - 4)² = 6.7712"  # half the notebook's 13.542
    assert next(s for s in one if s.quantity == ("da", 2, 1)).text() == "da[2]_1 = 0.32 - 4 = -3.68"
