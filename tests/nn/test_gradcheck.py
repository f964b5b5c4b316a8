"""Backprop against central finite differences, on random small networks (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpviz.nn import Network, gradcheck, numerical_gradients, relative_error
from bpviz.nn.activations import HIDDEN_ACTIVATIONS

# Every output activation with every loss it can be paired with.
OUTPUT_AND_LOSS = [
    ("sigmoid", "bce"), ("sigmoid", "cross_entropy"), ("sigmoid", "mse"),
    ("softmax", "cross_entropy"), ("softmax", "bce"), ("softmax", "mse"),
    ("linear", "mse"),
]


def _targets(rng, loss, output, n_out, m):
    if loss == "mse" and output == "linear":
        return rng.standard_normal((n_out, m))
    if output == "softmax" or loss == "cross_entropy":
        return np.eye(n_out)[:, rng.integers(0, n_out, m)]
    return (rng.random((n_out, m)) < 0.5).astype(float)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    hidden=st.lists(st.sampled_from(HIDDEN_ACTIVATIONS), min_size=1, max_size=3),
    output_loss=st.sampled_from(OUTPUT_AND_LOSS),
    widths=st.lists(st.integers(1, 5), min_size=4, max_size=4),
    m=st.integers(1, 5),
    seed=st.integers(0, 10_000),
)
def test_backprop_agrees_with_finite_differences(hidden, output_loss, widths, m, seed):
    output, loss = output_loss
    n_out = max(widths[-1], 2) if output == "softmax" else widths[-1]
    sizes = [widths[0], *widths[1 : len(hidden) + 1], n_out]
    rng = np.random.default_rng(seed)
    net = Network(sizes, [*hidden, output], loss, init="xavier", seed=seed)
    for value in net.params.values():  # non-zero biases too
        value += 0.1 * rng.standard_normal(value.shape)
    X = rng.standard_normal((sizes[0], m))
    Y = _targets(rng, loss, output, n_out, m)
    errors = gradcheck(net, X, Y)
    assert set(errors) == set(net.params)
    assert max(errors.values()) < 1e-6, errors


def test_gradcheck_catches_a_wrong_gradient():
    class Broken(Network):
        def backward(self, cache, Y):
            grads = super().backward(cache, Y)
            grads["dW1"][0, 0] *= 1.01  # one element off by 1%
            return grads

    rng = np.random.default_rng(0)
    net = Broken([3, 4, 1], "tanh", "bce", init="xavier")
    X, Y = rng.standard_normal((3, 5)), np.array([[0, 1, 1, 0, 1.0]])
    errors = gradcheck(net, X, Y)
    assert errors["W1"] > 1e-3
    assert errors["W2"] < 1e-6 and errors["b1"] < 1e-6


def test_float32_networks_are_checked_against_a_float64_estimate():
    rng = np.random.default_rng(4)
    net = Network([3, 4, 2], ["relu", "softmax"], "cross_entropy", init="he", dtype="float32")
    X, Y = rng.standard_normal((3, 6)), np.eye(2)[:, rng.integers(0, 2, 6)]
    numeric = numerical_gradients(net, X, Y)
    assert all(value.dtype == np.float64 for value in numeric.values())
    errors = gradcheck(net, X, Y)
    assert max(errors.values()) < 1e-3  # float32 round-off, not a wrong formula
    assert net.params["W1"].dtype == np.float32  # the network itself is untouched


def test_relative_error_is_absolute_below_the_floor():
    assert relative_error(np.array([1.0]), np.array([1.0 + 1e-9]))[0] == pytest.approx(5e-10)
    assert relative_error(np.array([1e-12]), np.array([-1e-12]))[0] == pytest.approx(2e-8)
    # A gradient that should be 1e-6 but is computed as 0 is still far beyond 1e-6.
    assert relative_error(np.array([0.0]), np.array([1e-6]))[0] == pytest.approx(1e-2)
