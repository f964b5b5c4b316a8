"""Nielsen's recipe in the library: the N(0, 1) init, and ten outputs scored by the largest."""

from __future__ import annotations

import numpy as np
import pytest

from bpviz.nn import Network
from bpviz.nn.inits import initialize
from bpviz.nn.metrics import argmax_accuracy, is_one_hot


def test_normal_init_draws_weights_and_biases_from_a_standard_normal():
    params = initialize("normal", [784, 300, 10], seed=3, dtype="float64")
    W1, b1 = params["W1"], params["b1"]
    assert W1.shape == (300, 784) and b1.shape == (300, 1)
    assert abs(W1.mean()) < 0.01 and W1.std() == pytest.approx(1.0, abs=0.01)
    assert b1.std() == pytest.approx(1.0, abs=0.15) and not (b1 == 0).any()  # biases too, as Nielsen's


def test_normal_init_is_seeded_and_makes_nielsens_numbers():
    a = initialize("normal", [4, 3, 2], seed=7, dtype="float64")
    b = initialize("normal", [4, 3, 2], seed=7, dtype="float64")
    c = initialize("normal", [4, 3, 2], seed=8, dtype="float64")
    assert all(np.array_equal(a[key], b[key]) for key in a)
    assert not np.array_equal(a["W1"], c["W1"])
    # network.py: np.random.seed(7); biases for every layer first, then the weights.
    rng = np.random.RandomState(7)
    b1, b2 = rng.randn(3, 1), rng.randn(2, 1)
    W1, W2 = rng.randn(3, 4), rng.randn(2, 3)
    for key, value in dict(b1=b1, b2=b2, W1=W1, W2=W2).items():
        np.testing.assert_array_equal(a[key], value)
    assert initialize("normal", [4, 3, 2], 7, "float32")["W1"].dtype == np.float32


#: Three examples of three classes. Column 0: the largest output is right but two sit above
#: 0.5; column 1: none is above 0.5, yet the largest is right; column 2: wrong either way.
A = np.array([[0.9, 0.2, 0.1],
              [0.6, 0.4, 0.3],
              [0.1, 0.1, 0.2]])
Y = np.array([[1, 0, 1],
              [0, 1, 0],
              [0, 0, 0]], dtype=float)


def test_ten_sigmoids_are_scored_by_their_largest_output_not_all_against_0_5():
    net = Network([2, 3], ["sigmoid"], "quadratic", "normal")
    assert ((A > 0.5) == (Y > 0.5)).all(axis=0).mean() == 0  # the old rule: none right
    assert net.accuracy(A, Y) == pytest.approx(2 / 3)  # the largest output: two right
    assert list(net.labels_from_output(A)) == [0, 1, 1]
    assert argmax_accuracy(A, Y) == pytest.approx(2 / 3)


def test_a_linear_output_of_ten_classes_is_scored_by_its_largest_output_too():
    net = Network([2, 3], ["linear"], "quadratic", "normal")
    assert net.accuracy(A * 5 - 2, Y) == pytest.approx(2 / 3)
    assert net.accuracy(A, Y * 0.5) is None  # targets that are values: a regression


def test_one_sigmoid_unit_keeps_the_0_5_threshold():
    net = Network([2, 1], ["sigmoid"], "bce")
    A1, Y1 = np.array([[0.4, 0.6, 0.7]]), np.array([[0.0, 1.0, 0.0]])
    assert net.accuracy(A1, Y1) == pytest.approx(2 / 3)
    assert list(net.labels_from_output(A1)) == [0, 1, 1]


def test_one_hot_targets_are_recognised():
    assert is_one_hot(Y) and not is_one_hot(Y[:1]) and not is_one_hot(Y * 0.5)
    assert not is_one_hot(np.array([[1, 1], [1, 0]]))
