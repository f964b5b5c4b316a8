"""Divergence, pinpointed: a run whose numbers blow up names the update, the quantity and
the layer that went first, where the largest weight sits, and a learning rate to try."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpviz.errors import ConfigError
from bpviz.nn import Network, TrainConfig, TrainData, train
from bpviz.nn.divergence import EXPLODES, cost_bound, lr_to_try, nice_below
from bpviz.presets import PRESETS, get_preset


def _net(sizes, activations, loss, params, dtype="float64"):
    params = {key: np.array(value, dtype=float) for key, value in params.items()}
    return Network(sizes, activations, loss, dtype=dtype, params=params)


def _run(net, X, Y, lr, iterations=10, **config):
    data = TrainData(np.array(X, dtype=float), np.array(Y, dtype=float))
    records = list(train(net, data, TrainConfig(lr=lr, iterations=iterations, **config)))
    return records[-1]


@pytest.mark.parametrize("dtype, w, x", [("float64", 1e300, 1e10), ("float32", 1e30, 1e10)])
def test_a_huge_first_layer_overflows_z1_first(dtype, w, x):
    """W[1] x is past the dtype's range before anything else is computed: Z[1] goes first,
    at iteration 0, and the kept weights are the starting ones, with their largest named."""
    net = _net([2, 2, 1], ["relu", "linear"], "mse",
               {"W1": [[w, 0.5], [0.25, 0.5]], "b1": [[0], [0]], "W2": [[0.5, 0.5]], "b2": [[0]]}, dtype)
    record = _run(net, [[x], [1.0]], [[1.0]], lr=0.01)
    d = record.divergence
    assert record.stopped == "diverged" and record.iteration == 0 and record.kept == 0
    assert (d.update, d.quantity, d.layer, d.problem) == (0, "Z", 1, "overflow")
    assert d.weight == pytest.approx(w, rel=1e-6) and d.weight_at == (1, 1, 1)  # W[1] row 1, col 1
    assert "Z[1] overflowed first" in record.message and f"the largest {dtype}" in record.message
    assert "at W[1] row 1, col 1" in record.message
    assert all(np.isfinite(v).all() for v in net.params.values())


def test_a_relu_network_with_a_huge_learning_rate_overflows_z2_first():
    """By hand: x = 1, y = 10, every weight 0.5 but W2 = 0.8. Update 0 makes dZ2 = 2(0.4 - 10),
    so W1, b1 and W2 become about 1e200 (finite), and the next forward's Z1 = W1 x + b1 is
    about 2e200 (finite, and relu keeps it), but Z2 = W2 A1 is about 1e400: Z[2] at iteration 1."""
    net = _net([1, 1, 1], ["relu", "linear"], "mse", {"W1": [[0.5]], "b1": [[0]], "W2": [[0.8]], "b2": [[0]]})
    record = _run(net, [[1.0]], [[10.0]], lr=1e199)
    d = record.divergence
    assert (d.update, d.quantity, d.layer, d.problem) == (1, "Z", 2, "overflow")
    assert record.kept == 0 and d.weight == pytest.approx(0.8) and d.weight_at == (2, 1, 1)
    assert record.message.startswith("diverged at iteration 1, Z[2] overflowed first: layer 2's pre-activation")


def test_a_forward_pass_that_is_fine_but_a_gradient_that_overflows_names_dw1():
    """By hand: x = 1e300 and W1 = 1e-300 make Z1 = 1 (fine); W2 = 1e10 makes the cost about
    5e19 (finite, the run's start); dZ2 = 1e10, dA1 = W2 dZ2 = 1e20, dZ1 = dA1 σ'(1) ≈ 2e19,
    and dW1 = dZ1 x ≈ 2e319: past float64. The update makes W1 infinite, which the cost of a
    sigmoid layer would not show: the parameters' own check stops it."""
    net = _net([1, 1, 1], ["sigmoid", "linear"], "quadratic",
               {"W1": [[1e-300]], "b1": [[0]], "W2": [[1e10]], "b2": [[0]]})
    record = _run(net, [[1e300]], [[0.0]], lr=0.1)
    d = record.divergence
    assert (d.update, d.quantity, d.layer, d.problem) == (0, "dW", 1, "overflow")
    assert record.kept == 0 and math.isinf(record.cost)
    assert "dW[1] overflowed first: the gradient of W[1]" in record.message
    np.testing.assert_array_equal(net.params["W1"], [[1e-300]])  # the kept, finite weights


def test_a_cost_that_overflows_while_the_output_is_finite_names_the_cost():
    """A = 1e200 is a float64, its square in the cost is not: J went first."""
    net = _net([1, 1], ["linear"], "mse", {"W1": [[1e200]], "b1": [[0]]})
    d = _run(net, [[1.0]], [[0.0]], lr=0.1).divergence
    assert (d.update, d.quantity, d.layer, d.problem) == (0, "cost", None, "overflow")
    assert d.text().startswith("at iteration 0, J overflowed first: the cost went past")


def test_a_cost_a_million_times_its_start_has_exploded_before_any_overflow():
    """The linear-regression preset at lr 0.01 climbs by decades an epoch; it stops once the
    cost passes 1e6 × its start, with finite numbers everywhere."""
    recipe = get_preset("linear-regression").replace(lr=0.01, epochs=10)
    net, data = recipe.network(), recipe.data()
    A, _ = net.forward(data.X)
    start = net.cost(A, data.Y)
    records = list(train(net, data, recipe.train_config()))
    last = records[-1]
    assert last.stopped == "diverged" and last.divergence.problem == "bound"
    assert last.cost > EXPLODES * start and all(r.cost <= EXPLODES * start for r in records[:-1])
    assert last.divergence.bound == pytest.approx(EXPLODES * start)
    assert "the cost J exploded first: it reached" in last.message
    assert [r.epoch_cost for r in records if r.epoch_cost is not None]  # whole epochs ran first


def test_a_per_sample_run_whose_first_row_fits_by_chance_does_not_explode():
    """The bound is a million times the start on the whole table, at least 1: a first row
    whose loss is 1e-12 does not make the next row's ordinary loss an explosion."""
    net = _net([1, 1], ["linear"], "mse", {"W1": [[1.0]], "b1": [[0]]})
    X, Y = [[1.0, 2.0, 3.0]], [[1.000001, 3.0, 2.0]]
    records = list(train(net, TrainData(np.array(X), np.array(Y)),
                         TrainConfig(lr=0.01, epochs=20, batch_size=1, shuffle=False)))
    assert records[0].cost < 1e-11 and records[1].cost > 1e5 * records[0].cost
    assert records[-1].stopped == "finished"


@pytest.mark.parametrize("name", [n for n, r in PRESETS.items() if r.output_activation != "linear"])
def test_a_bounded_cost_is_stopped_only_by_a_number_that_is_not_finite(name):
    """Sigmoid and softmax outputs bound every loss (the nielsen preset's quadratic cost at
    5, the tutorial's clipped bce at about 36): their runs have no explosion bound to trip."""
    recipe = get_preset(name)
    net = recipe.network()
    X = np.zeros((net.layer_sizes[0], 2))
    Y = np.zeros((net.layer_sizes[-1], 2))
    Y[0] = 1
    assert cost_bound(net, X, Y) == np.finfo(np.float64).max


@pytest.mark.parametrize("name", [n for n, r in PRESETS.items() if not r.is_mnist])
def test_the_toy_presets_run_to_the_end(name):
    recipe = get_preset(name)
    records = list(train(recipe.network(), recipe.data(), recipe.train_config()))
    assert records[-1].stopped == "finished"


def test_the_nielsen_preset_trains_an_epoch_of_its_recipe_without_tripping():
    recipe = get_preset("nielsen").replace(train_size=5000, epochs=1)
    records = list(train(recipe.network(), recipe.data(), recipe.train_config()))
    assert records[-1].stopped == "finished" and len(records) == 500


@pytest.mark.parametrize("x, expected", [(0.37, 0.2), (3.0, 2.0), (1.0, 1.0), (9.99, 5.0), (5e-7, 5e-7),
                                          (1.5e-4, 1e-4), (0.021, 0.02)])
def test_nice_below_rounds_down_to_1_2_or_5(x, expected):
    assert nice_below(x) == expected


def test_the_learning_rate_to_try_aims_the_largest_ratio_at_a_hundredth_and_stays_below_a_tenth():
    assert lr_to_try(1.0, [0.5, None, 5.0]) == 0.002  # 1 × 0.01 / 5
    assert lr_to_try(3.0, [0.001]) == 0.2  # 30 would have been fine by the ratio: lr / 10 at most
    assert lr_to_try(0.5, []) == 0.05  # no ratio seen: lr / 10
    assert lr_to_try(2.0, [math.nan]) == 0.2
    # An update too large for a float's ratio still says how far to come down, not lr / 10.
    assert lr_to_try(1e306, [math.inf]) == 5e-05  # 1e306 × 0.01 / 1.8e308, rounded down
    assert lr_to_try(1e306, [math.inf, 3.0]) == 5e-05


def test_a_diverged_run_suggests_a_rate_from_its_first_update():
    """The ratio of linear-regression's first update is linear in the rate: at lr 0.01 it
    is about 3.8, so the rate to try is 0.01 × 0.01 / 3.8, rounded down: 2e-05."""
    recipe = get_preset("linear-regression").replace(lr=0.01, epochs=10)
    last = list(train(recipe.network(), recipe.data(), recipe.train_config()))[-1]
    assert last.divergence.lr_to_try == 2e-05 and "try a learning rate of 2e-05 (now 0.01)" in last.message


def test_parameters_that_are_not_finite_from_the_start_are_refused_before_training():
    net = Network([2, 2, 1], "sigmoid", "bce")
    net.params["W2"][0, 1] = np.inf
    with pytest.raises(ConfigError, match=r"params: W2 holds inf at row 1, col 2; expected finite weights"):
        next(train(net, TrainData(np.ones((2, 3)), np.ones((1, 3))), TrainConfig(iterations=1)))


def test_a_constant_init_beyond_the_dtype_is_refused_by_name():
    with pytest.raises(ConfigError, match=r"init: constant:1e39 is beyond what float32 holds"):
        Network([2, 1], "sigmoid", "bce", init="constant:1e39", dtype="float32")
    with pytest.raises(ConfigError, match=r"init: constant:-1e39 is beyond what float32 holds .*or float64"):
        get_preset("linear-regression").replace(init="constant:-1e39", dtype="float32")
    assert Network([2, 1], "sigmoid", "bce", init="constant:1e39", dtype="float64").params["W1"][0, 0] == 1e39
