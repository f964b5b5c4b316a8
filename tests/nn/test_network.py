"""Network: shapes, inits, dtype, hand-worked backward values, stability, clear errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from bpviz.errors import ConfigError, DataError
from bpviz.nn import Network


def test_tutorial_network_has_the_tutorial_shapes():
    net = Network([784, 196, 1], activations="sigmoid", loss="bce", init="tutorial", seed=1)
    shapes = {key: value.shape for key, value in net.params.items()}
    assert shapes == {"W1": (196, 784), "b1": (196, 1), "W2": (1, 196), "b2": (1, 1)}
    X = np.random.default_rng(0).random((784, 5))
    A, cache = net.forward(X)
    assert A.shape == (1, 5)
    grads = net.backward(cache, np.array([[0, 1, 1, 0, 1]]))
    assert list(grads) == ["dW1", "db1", "dW2", "db2"]
    assert all(grads["d" + key].shape == value.shape for key, value in net.params.items())


def test_tutorial_init_draws_the_legacy_global_randn_sequence_without_touching_it():
    np.random.seed(1)
    W1 = np.random.randn(4, 3) / np.sqrt(3)
    W2 = np.random.randn(2, 4) / np.sqrt(4)
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    net = Network([3, 4, 2], init="tutorial", seed=1)
    np.testing.assert_array_equal(net.params["W1"], W1)
    np.testing.assert_array_equal(net.params["W2"], W2)
    assert not net.params["b1"].any() and not net.params["b2"].any()
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_constant_xavier_and_he_inits():
    net = Network([2, 2, 1], "linear", "mse", init="constant:0.1")
    assert (net.params["W1"] == 0.1).all() and (net.params["W2"] == 0.1).all()
    assert not net.params["b1"].any()
    he_a = Network([500, 400, 1], "relu", init="he", seed=3).params["W1"]
    he_b = Network([500, 400, 1], "relu", init="he", seed=3).params["W1"]
    np.testing.assert_array_equal(he_a, he_b)
    assert he_a.std() == pytest.approx(math.sqrt(2 / 500), rel=0.02)
    xavier = Network([500, 400, 1], "tanh", init="xavier", seed=3).params["W1"]
    assert xavier.std() == pytest.approx(math.sqrt(2 / 900), rel=0.02)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_what_goes_in_comes_out_in_the_same_dtype(dtype):
    net = Network([6, 5, 3], ["relu", "softmax"], "cross_entropy", init="he", dtype=dtype)
    X = np.random.default_rng(1).random((6, 4)).astype(dtype)
    Y = np.eye(3, dtype=dtype)[:, [0, 2, 1, 0]]
    A, cache = net.forward(X)
    grads = net.backward(cache, Y)
    assert A.dtype == dtype
    assert all(value.dtype == dtype for value in net.params.values())
    assert all(value.dtype == dtype for value in grads.values())
    assert all(a.dtype == dtype for a in cache.A)


def test_notebook_regression_backward_matches_the_hand_worked_numbers():
    # 2-2-1, linear units, every weight 0.1, bias 0; x = (8, 8), y = 4, loss (y - ŷ)².
    # z1 = a1 = 0.1·8 + 0.1·8 = 1.6; ŷ = 0.1·1.6 + 0.1·1.6 = 0.32; dJ/dŷ = 2(ŷ - y) = -7.36.
    net = Network([2, 2, 1], "linear", "mse", init="constant:0.1")
    A, cache = net.forward(np.array([[8.0], [8.0]]))
    assert A[0, 0] == pytest.approx(0.32)
    assert net.cost(A, [[4.0]]) == pytest.approx(13.5424)
    grads = net.backward(cache, [[4.0]])
    np.testing.assert_allclose(grads["db2"], [[-7.36]])
    np.testing.assert_allclose(grads["dW2"], [[-7.36 * 1.6, -7.36 * 1.6]])  # dZ2 · a1
    np.testing.assert_allclose(grads["db1"], [[-0.736], [-0.736]])  # W2ᵀ dZ2
    np.testing.assert_allclose(grads["dW1"], np.full((2, 2), -0.736 * 8))  # dZ1 · x


def test_notebook_classification_backward_matches_the_scalar_chain_rule():
    # 2-2-1 sigmoid, BCE, every weight 0.1; x = (8, 8), y = 1, worked with scalars.
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    a1 = sig(0.1 * 8 + 0.1 * 8)
    a2 = sig(0.1 * a1 + 0.1 * a1)
    dz2 = a2 - 1  # dJ/da2 · da2/dz2 = -(1/a2) · a2(1 - a2)
    dz1 = 0.1 * dz2 * a1 * (1 - a1)
    net = Network([2, 2, 1], "sigmoid", "bce", init="constant:0.1")
    A, cache = net.forward(np.array([[8.0], [8.0]]))
    assert A[0, 0] == pytest.approx(a2, rel=1e-15)
    assert net.cost(A, [[1.0]]) == pytest.approx(-math.log(a2), rel=1e-15)
    grads = net.backward(cache, [[1.0]])
    np.testing.assert_allclose(grads["dW2"], [[dz2 * a1, dz2 * a1]], rtol=1e-14)
    np.testing.assert_allclose(grads["db2"], [[dz2]], rtol=1e-14)
    np.testing.assert_allclose(grads["dW1"], np.full((2, 2), dz1 * 8), rtol=1e-14)
    np.testing.assert_allclose(grads["db1"], [[dz1], [dz1]], rtol=1e-14)


def test_the_gradient_is_of_the_mean_cost_over_the_columns():
    net = Network([3, 4, 1], "tanh", "bce", init="xavier", seed=5)
    X = np.random.default_rng(2).standard_normal((3, 6))
    Y = np.array([[1, 0, 1, 1, 0, 0]])
    _, cache = net.forward(X)
    together = net.backward(cache, Y)
    one_by_one = [net.backward(net.forward(X[:, [i]])[1], Y[:, [i]]) for i in range(6)]
    for key in together:
        np.testing.assert_allclose(together[key], sum(g[key] for g in one_by_one) / 6)


@pytest.mark.parametrize(
    "activations, loss, n_out",
    [("sigmoid", "bce", 1), (["tanh", "softmax"], "cross_entropy", 4), (["relu", "linear"], "mse", 2),
     (["sigmoid", "sigmoid"], "mse", 1), (["linear", "softmax"], "mse", 3)],
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_no_overflow_warning_and_no_nan_for_z_up_to_1e3(activations, loss, n_out, dtype):
    net = Network([3, 5, n_out], activations, loss, init="constant:1", dtype=dtype)
    X = np.array([[1e3, -1e3, 0.5], [1e3, -1e3, -0.5], [-1e3, 1e3, 0.0]], dtype=dtype) / 3
    Y = np.zeros((n_out, 3), dtype=dtype)
    Y[0] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A, cache = net.forward(X)
        J = net.cost(A, Y)
        grads = net.backward(cache, Y)
    assert np.isfinite(A).all() and math.isfinite(J)
    assert all(np.isfinite(g).all() for g in grads.values())


def test_predict_gives_labels_or_values():
    binary = Network([2, 3, 1], "sigmoid", "bce", init="xavier")
    assert binary.predict(np.zeros((2, 4))).shape == (4,)
    multi = Network([2, 3, 5], ["relu", "softmax"], "cross_entropy", init="he")
    labels = multi.predict(np.ones((2, 7)))
    assert labels.shape == (7,) and labels.max() < 5
    regression = Network([2, 2, 1], "linear", "mse", init="constant:0.1")
    np.testing.assert_allclose(regression.predict([[8.0], [8.0]]), [[0.32]])


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(layer_sizes=[784]), "layers: expected an input size and at least one layer"),
        (dict(layer_sizes=[784, 0, 1]), "layers: expected whole numbers of at least 1 unit"),
        (dict(layer_sizes=[784, "abc", 1]), "layers: expected whole numbers of units"),
        (dict(activations=["softmax", "sigmoid"]), "layer 1 is hidden"),
        (dict(activations=["relu", "relu"]), "the output layer expects one of"),
        (dict(activations="swish"), "activation: expected one of"),
        (dict(activations=["relu", "linear"], loss="bce"), "bce needs outputs in (0, 1)"),
        (dict(activations=["relu", "softmax"], loss="cross_entropy"), "softmax output needs at least 2"),
        (dict(loss="hinge"), "loss: expected one of bce, cross_entropy, mse"),
        (dict(dtype="float16"), "dtype: expected float32 or float64"),
        (dict(init="orthogonal"), "init: expected one of"),
        (dict(init="constant:x"), "init: expected constant:<number>"),
    ],
)
def test_bad_settings_name_the_field(kwargs, words):
    args = {"layer_sizes": [4, 3, 1], **kwargs}
    with pytest.raises(ConfigError) as caught:
        Network(**args)
    assert words in str(caught.value)


def test_bad_shapes_of_x_and_y_are_named():
    net = Network([3, 2, 1])
    with pytest.raises(DataError, match=r"X: expected shape \(3, m\)"):
        net.forward(np.zeros((4, 2)))
    A, cache = net.forward(np.zeros((3, 2)))
    with pytest.raises(DataError, match=r"Y: expected shape \(1, 2\)"):
        net.backward(cache, np.zeros((1, 3)))


def test_a_single_hidden_name_gives_the_output_its_loss_activation():
    assert Network([4, 3, 1], "relu", "bce").activations == ["relu", "sigmoid"]
    assert Network([4, 3, 3], "tanh", "cross_entropy").activations == ["tanh", "softmax"]
    assert Network([4, 3, 2], "relu", "mse").activations == ["relu", "linear"]
    assert Network([4, 3, 1], "sigmoid", "bce").activations == ["sigmoid", "sigmoid"]
