"""Presets: the tutorial's recipe on the real 5-vs-8 data, and the recipes' own checks."""

from __future__ import annotations

import re

import pytest

from bpviz.errors import BpvizError, ConfigError
from bpviz.nn import train
from bpviz.nn.train import count_iterations
from bpviz.presets import PRESETS, Recipe, get_preset


def test_tutorial_is_the_tutorial_recipe():
    tutorial = get_preset("tutorial")
    net = tutorial.network()
    assert net.layer_sizes == [784, 196, 1] and net.activations == ["sigmoid", "sigmoid"]
    assert (net.loss.name, net.init, net.seed, net.dtype.name) == ("bce", "tutorial", 1, "float64")
    config = tutorial.train_config()
    assert (config.optimizer, config.lr, config.iterations, config.batch_size) == ("sgd", 0.1, 1000, None)
    data = tutorial.data()
    assert data.X.shape == (784, 11272) and data.Y.shape == (1, 11272)
    assert data.X_test.shape == (784, 1866)
    assert PRESETS["tutorial-bigger"].network().layer_sizes == [784, 392, 196, 98, 1]


def test_tutorial_cost_is_below_0_31_at_iteration_100():
    recipe = get_preset("tutorial").replace(iterations=101)
    costs = {r.iteration: r.cost for r in train(recipe.network(), recipe.data(), recipe.train_config())}
    assert costs[0] == pytest.approx(0.69, abs=0.05)  # log 2: an untrained sigmoid output
    assert costs[100] < 0.31


@pytest.mark.slow
@pytest.mark.parametrize("preset, train_correct, test_correct", [
    ("tutorial", 10821, 1791),
    ("tutorial-bigger", 10699, 1783),
])
def test_the_tutorials_published_accuracies_are_reproduced(preset, train_correct, test_correct):
    recipe = get_preset(preset)
    final = list(train(recipe.network(), recipe.data(), recipe.train_config()))[-1]
    assert round(final.train_accuracy * 11272) == train_correct
    assert round(final.test_accuracy * 1866) == test_correct


def test_a_train_size_subset_keeps_both_digits():
    data = get_preset("tutorial").replace(train_size=100).data()
    assert data.X.shape == (784, 100)
    assert data.Y.sum() == 50


def test_switching_between_two_digits_and_ten_adapts_output_and_loss():
    ten = get_preset("tutorial").replace(digits=None)
    assert ten.layers == (196, 10) and ten.loss == "cross_entropy"
    two = get_preset("mnist10").replace(digits=(3, 8))
    assert two.layers[-1] == 1 and two.loss == "bce"


@pytest.mark.parametrize(
    "overrides, words",
    [
        (dict(digits=(4, 4)), "digits: expected two different digits"),
        (dict(layers=(196, 3)), "the output layer for two digits (sigmoid) has 1 unit, got 3"),
        (dict(activation="softmax"), "activation: expected one of"),
        (dict(lr=float("inf")), "lr: expected a finite number"),
        (dict(train_size=0), "train-size: expected a whole number from 1 to 10,000,000, got 0"),
        (dict(batch_size=0), "batch-size: expected a whole number from 1 to 10,000,000, got 0"),
    ],
)
def test_bad_recipe_fields_are_named(overrides, words):
    with pytest.raises(BpvizError) as caught:
        get_preset("tutorial").replace(**overrides)
    assert words in str(caught.value)


def test_unknown_preset_lists_the_known_ones():
    with pytest.raises(ConfigError, match="preset: expected one of tutorial, tutorial-bigger, fast, mnist10"):
        get_preset("nope")


@pytest.mark.parametrize("changes, message", [
    (dict(lr="0.1"), "lr: expected a finite number greater than 0, got '0.1'"),
    (dict(loss=["bce"]), "loss: expected one of bce, cross_entropy, mse, quadratic, got ['bce']"),
    (dict(init=5), "init: expected one of tutorial, constant:<value>, xavier, he, normal (text), got 5"),
    (dict(init="constant:nan"), "init: expected constant:<number> such as constant:0.1, a finite number"),
    (dict(layers=[196.0, 1]), "layers: expected whole numbers of at least 1 unit, got 196.0"),
    (dict(layers="196,1"), "layers: expected a list of unit counts such as [196, 1], got '196,1'"),
    (dict(layers=[10**5000, 1]), "layers: expected at most 4096 units per layer, got a number of about 5,001 digits"),
    (dict(seed="1"), "seed: expected a whole number from 0 to 2,147,483,647, got '1'"),
    (dict(digits=["5", "8"]), "digits: expected two different digits 0-9, or null for all ten"),
    (dict(shuffle=1), "shuffle: expected true or false, got 1"),
    (dict(name=None), "name: expected text of at most 2,000 characters, got None"),
    (dict(dataset="notebook-regression", layers=[1], digits=[5, 8]), "digits: expected null"),
])
def test_a_recipe_field_of_the_wrong_kind_is_named_with_what_was_expected(changes, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        Recipe.from_dict({**get_preset("tutorial").to_dict(), **changes})


def test_a_recipe_that_is_not_an_object_is_named():
    for values in ([], "tutorial", None):
        with pytest.raises(ConfigError, match="recipe: expected a JSON object of settings"):
            Recipe.from_dict(values)


@pytest.mark.slow
def test_nielsen_reaches_the_books_accuracy_after_30_epochs():
    """Nielsen reports about 95% on the 10,000 test images (95.42% at his best epoch)."""
    recipe = get_preset("nielsen")
    final = list(train(recipe.network(), recipe.data(), recipe.train_config()))[-1]
    assert final.iteration + 1 == 150_000
    assert final.test_accuracy >= 0.94


def test_nielsen_is_nielsens_network_py():
    nielsen = get_preset("nielsen")
    net = nielsen.network()
    assert net.layer_sizes == [784, 30, 10] and net.activations == ["sigmoid", "sigmoid"]
    assert (net.loss.name, net.init, net.dtype.name) == ("quadratic", "normal", "float64")
    assert not (net.params["b1"] == 0).all()  # biases drawn too
    config = nielsen.train_config()
    assert (config.optimizer, config.lr, config.epochs, config.batch_size, config.shuffle) == \
        ("sgd", 3.0, 30, 10, True)
    assert (nielsen.digits, nielsen.train_size) == (None, 50_000)
    data = nielsen.data()
    assert data.X.shape == (784, 50_000) and data.Y.shape == (10, 50_000)
    assert data.X_test.shape == (784, 10_000)
    assert count_iterations(config, data.m) == 150_000


@pytest.mark.parametrize("overrides, words", [
    (dict(digits=(5, 8), output="softmax"), "output: a softmax output needs at least 2 units, and the output "
                                            "layer for two digits has 1 unit; expected sigmoid"),
    (dict(output="linear", loss="bce"), "loss: bce needs outputs in (0, 1); expected a sigmoid or softmax"),
    (dict(output="tanh"), "output: expected one of sigmoid, linear, softmax or null"),
])
def test_an_output_the_task_cannot_take_is_refused_by_name(overrides, words):
    with pytest.raises(ConfigError) as caught:
        get_preset("nielsen").replace(**overrides)
    assert str(caught.value).startswith(words)


def test_nielsens_ten_sigmoids_keep_bce_when_the_digits_change_and_back():
    two = get_preset("mnist10").replace(output="sigmoid", digits=(5, 8))
    ten = two.replace(digits=None)
    assert (ten.output_activation, ten.loss, ten.layers[-1]) == ("sigmoid", "bce", 10)
