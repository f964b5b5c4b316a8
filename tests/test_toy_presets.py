"""The notebook presets: epoch losses equal a plain implementation written here, line by line."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpviz.nn import train
from bpviz.presets import PRESETS, TOY_PRESETS, get_preset


def _plain_epoch_losses(rows, lr, epochs, hidden, output, loss, w=0.1):
    """Per-sample SGD on a 2-2-1 network with scalars only, gradients taken before the
    update and applied together (correct backprop, not the notebook's hand update)."""
    g = {"linear": lambda z: z, "sigmoid": lambda z: 1 / (1 + math.exp(-z))}
    dg = {"linear": lambda a: 1.0, "sigmoid": lambda a: a * (1 - a)}
    W1 = [[w, w], [w, w]]
    b1 = [0.0, 0.0]
    W2 = [w, w]
    b2 = 0.0
    losses = []
    for _ in range(epochs):
        epoch = []
        for x1, x2, y in rows:
            a1 = [g[hidden](W1[j][0] * x1 + W1[j][1] * x2 + b1[j]) for j in range(2)]
            yhat = g[output](W2[0] * a1[0] + W2[1] * a1[1] + b2)
            if loss == "mse":
                epoch.append((y - yhat) ** 2)
                dz2 = 2 * (yhat - y) * dg[output](yhat)
            else:
                epoch.append(-(y * math.log(yhat) + (1 - y) * math.log(1 - yhat)))
                dz2 = yhat - y
            dz1 = [dz2 * W2[j] * dg[hidden](a1[j]) for j in range(2)]
            W2 = [W2[j] - lr * dz2 * a1[j] for j in range(2)]
            b2 -= lr * dz2
            W1 = [[W1[j][0] - lr * dz1[j] * x1, W1[j][1] - lr * dz1[j] * x2] for j in range(2)]
            b1 = [b1[j] - lr * dz1[j] for j in range(2)]
        losses.append(sum(epoch) / len(epoch))
    return losses


@pytest.mark.parametrize("name, hidden, output, loss", [
    ("notebook-regression", "linear", "linear", "mse"),
    ("notebook-classification", "sigmoid", "sigmoid", "bce"),
])
def test_notebook_presets_epoch_losses_equal_a_plain_implementation(name, hidden, output, loss):
    recipe = get_preset(name)
    table = recipe.data()
    rows = [(*table.X[:, i], table.Y[0, i]) for i in range(table.m)]
    expected = _plain_epoch_losses(rows, recipe.lr, recipe.epochs, hidden, output, loss)
    records = list(train(recipe.network(), table, recipe.train_config()))
    got = [r.epoch_cost for r in records if r.epoch_cost is not None]
    assert len(got) == recipe.epochs
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_the_notebook_recipes_are_the_notebooks():
    regression = get_preset("notebook-regression")
    assert regression.network().layer_sizes == [2, 2, 1]
    assert regression.network().activations == ["linear", "linear"]
    assert (regression.lr, regression.epochs, regression.per_sample) == (0.001, 5, True)
    assert (regression.network().params["W1"] == 0.1).all()
    classification = get_preset("notebook-classification")
    assert classification.network().activations == ["sigmoid", "sigmoid"]
    assert (classification.loss, classification.lr, classification.epochs) == ("bce", 0.0001, 50)


def test_the_tutorials_small_models_are_toy_graphs():
    assert PRESETS["linear-regression"].network().layer_sizes == [2, 1]
    assert PRESETS["linear-regression"].network().activations == ["linear"]
    assert PRESETS["logistic-regression"].network().activations == ["sigmoid"]
    assert PRESETS["two-layer"].network().layer_sizes == [2, 2, 1]
    for name in TOY_PRESETS:
        recipe = get_preset(name)
        last = list(train(recipe.network(), recipe.data(), recipe.train_config()))[-1]
        assert last.stopped == "finished" and math.isfinite(last.epoch_cost)


def test_digits_do_not_apply_to_a_table():
    with pytest.raises(Exception, match="digits: the notebook-regression preset trains on its"):
        get_preset("notebook-regression").replace(digits=(3, 5))


def test_the_two_outputs_preset_equals_a_plain_implementation():
    """2-2-2 linear, weights 0.1, per-sample SGD on Σ_k (y_k - ŷ_k)², written with scalars."""
    recipe = get_preset("two-outputs")
    data = recipe.data()
    assert recipe.network().layer_sizes == [2, 2, 2] and data.Y.shape == (2, 4)
    W1, b1, W2, b2 = [[0.1, 0.1], [0.1, 0.1]], [0.0, 0.0], [[0.1, 0.1], [0.1, 0.1]], [0.0, 0.0]
    expected = []
    for _ in range(recipe.epochs):
        epoch = []
        for i in range(data.m):
            x, y = data.X[:, i], data.Y[:, i]
            a1 = [W1[j][0] * x[0] + W1[j][1] * x[1] + b1[j] for j in range(2)]
            a2 = [W2[k][0] * a1[0] + W2[k][1] * a1[1] + b2[k] for k in range(2)]
            epoch.append(sum((a2[k] - y[k]) ** 2 for k in range(2)))
            dz2 = [2 * (a2[k] - y[k]) for k in range(2)]
            dz1 = [sum(dz2[k] * W2[k][j] for k in range(2)) for j in range(2)]  # both outputs reach a1_j
            W2 = [[W2[k][j] - recipe.lr * dz2[k] * a1[j] for j in range(2)] for k in range(2)]
            b2 = [b2[k] - recipe.lr * dz2[k] for k in range(2)]
            W1 = [[W1[j][n] - recipe.lr * dz1[j] * x[n] for n in range(2)] for j in range(2)]
            b1 = [b1[j] - recipe.lr * dz1[j] for j in range(2)]
        expected.append(sum(epoch) / len(epoch))
    records = list(train(recipe.network(), data, recipe.train_config()))
    got = [r.epoch_cost for r in records if r.epoch_cost is not None]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert got[-1] < got[0] / 10


def test_a_toy_recipe_takes_the_output_layer_of_the_table_it_plays():
    """A recipe playing a CSV table of K targets (outputs=K) has K output units; its own
    table's count holds otherwise, and an MNIST recipe's follows its digits."""
    from bpviz.errors import ConfigError

    regression = get_preset("notebook-regression")
    assert regression.replace(layers=(2, 3), outputs=3).layers == (2, 3)
    with pytest.raises(ConfigError, match=r"layers: the output layer for the notebook-regression table's one "
                                          r"target has 1 unit, got 3"):
        regression.replace(layers=(2, 3))
    with pytest.raises(ConfigError, match=r"layers: the output layer for a table's 3 target columns has 3 units, "
                                          r"got 2"):
        regression.replace(layers=(2, 2), outputs=3)
    with pytest.raises(ConfigError, match=r"layers: expected a table of 1 to 4 target columns, got 5"):
        regression.replace(layers=(2, 5), outputs=5)
    with pytest.raises(ConfigError, match=r"layers: the output layer of an MNIST recipe follows its digits"):
        get_preset("tutorial").replace(lr=0.5, outputs=2)
    assert get_preset("two-outputs").output_units == 2
    with pytest.raises(ConfigError, match=r"the two-outputs table's 2 targets has 2 units, got 1"):
        get_preset("two-outputs").replace(layers=(2, 1))
