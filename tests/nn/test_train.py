"""train(): progress records, batch modes, cancellation, divergence, dtype."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpviz.errors import ConfigError
from bpviz.nn import Network, TrainConfig, TrainData, train


def _blobs(m=40, seed=0):
    """Two separable clouds in 2-D: label 0 around (-1, -1), label 1 around (1, 1)."""
    rng = np.random.default_rng(seed)
    labels = np.arange(m) % 2
    X = rng.normal(0, 0.5, (2, m)) + np.where(labels, 1.0, -1.0)
    return TrainData(X, labels[None, :].astype(float), X[:, :10], labels[None, :10].astype(float))


def test_full_batch_training_yields_a_record_per_update_and_learns():
    data = _blobs()
    net = Network([2, 3, 1], "tanh", "bce", init="xavier", seed=0)
    records = list(train(net, data, TrainConfig(lr=0.5, iterations=60)))
    assert [r.iteration for r in records] == list(range(60))
    assert records[0].cost > records[-1].cost
    assert records[-1].stopped == "finished"
    assert records[-1].train_accuracy == 1.0 and records[-1].test_accuracy == 1.0
    assert all(r.train_accuracy is None for r in records[:-1])  # eval_every=0: only at the end
    seconds = [r.seconds for r in records]
    assert seconds == sorted(seconds) and seconds[0] > 0


def test_the_cost_is_recorded_before_each_update():
    data = _blobs()
    net = Network([2, 3, 1], "sigmoid", "bce", init="xavier", seed=0)
    fresh = net.copy()
    first = next(train(net, data, TrainConfig(lr=0.5, iterations=5)))
    A, _ = fresh.forward(data.X)
    assert first.cost == fresh.cost(A, data.Y)


def test_per_sample_sgd_in_row_order_matches_a_plain_loop():
    data = _blobs(m=6)
    net = Network([2, 2, 1], "linear", "mse", init="constant:0.1")
    records = list(train(net, data, TrainConfig(lr=0.01, epochs=2, batch_size=1, shuffle=False)))
    W1, b1 = np.full((2, 2), 0.1), np.zeros((2, 1))
    W2, b2 = np.full((1, 2), 0.1), np.zeros((1, 1))
    losses = []
    for _ in range(2):
        for i in range(6):
            x, y = data.X[:, [i]], data.Y[0, i]
            a1 = W1 @ x + b1
            yhat = (W2 @ a1 + b2)[0, 0]
            losses.append((yhat - y) ** 2)
            dz2 = 2 * (yhat - y)
            dW2, db2 = dz2 * a1.T, dz2
            dz1 = W2.T * dz2
            W1, b1 = W1 - 0.01 * dz1 @ x.T, b1 - 0.01 * dz1
            W2, b2 = W2 - 0.01 * dW2, b2 - 0.01 * db2
    np.testing.assert_allclose([r.cost for r in records], losses, rtol=1e-12)
    np.testing.assert_allclose(net.params["W1"], W1, rtol=1e-12)
    assert records[5].epoch_cost == pytest.approx(np.mean(losses[:6]))
    assert records[11].epoch_cost == pytest.approx(np.mean(losses[6:]))
    assert [r.epoch for r in records] == [1] * 6 + [2] * 6


def test_mini_batches_are_shuffled_reproducibly_by_the_seed():
    data = _blobs(m=50)
    runs = []
    for seed in (1, 1, 2):
        net = Network([2, 4, 1], "relu", "bce", init="he", seed=0)
        costs = [r.cost for r in train(net, data, TrainConfig("adam", 0.01, epochs=3, batch_size=8, seed=seed))]
        runs.append(costs)
    assert len(runs[0]) == 3 * 7  # ceil(50 / 8) = 7 updates per epoch
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_should_stop_ends_between_updates_leaving_a_consistent_model():
    data = _blobs()
    stopped = Network([2, 3, 1], "tanh", "bce", init="xavier", seed=0)
    reference = stopped.copy()
    count = 0

    def should_stop():
        return count >= 7

    for _ in train(stopped, data, TrainConfig(lr=0.5, iterations=100), should_stop):
        count += 1
    assert count == 7
    list(train(reference, data, TrainConfig(lr=0.5, iterations=7)))
    for key in reference.params:
        np.testing.assert_array_equal(stopped.params[key], reference.params[key])


def test_a_diverging_run_stops_with_a_reason_and_keeps_the_last_finite_parameters():
    rng = np.random.default_rng(0)
    data = TrainData(rng.standard_normal((3, 20)) * 10, rng.standard_normal((1, 20)) * 10)
    net = Network([3, 4, 1], "linear", "mse", init="xavier", seed=0)
    start = net.copy()
    for record in train(net, data, TrainConfig(lr=1e6, iterations=500)):
        pass
    assert record.stopped == "diverged"
    # The cost exploded (a million times its start) one update in, before any overflow.
    assert record.cost > 1e6 and record.divergence.problem == "bound"
    assert record.message.startswith("diverged at iteration 1, the cost J exploded first")
    assert "(now 1e+06)" in record.message
    assert all(np.isfinite(v).all() for v in net.params.values())
    # The kept parameters are those the exploding update started from.
    assert record.kept == 0
    A, _ = net.forward(data.X)
    assert math.isfinite(net.cost(A, data.Y))
    for key in net.params:
        np.testing.assert_array_equal(net.params[key], start.params[key])


def test_float32_training_stays_float32():
    data = _blobs()
    net = Network([2, 3, 1], "relu", "bce", init="he", dtype="float32")
    list(train(net, data, TrainConfig("momentum", 0.1, iterations=5)))
    assert all(v.dtype == np.float32 for v in net.params.values())


def test_accuracy_is_evaluated_at_the_chosen_cadence():
    data = _blobs()
    net = Network([2, 3, 1], "tanh", "bce", init="xavier")
    records = list(train(net, data, TrainConfig(lr=0.5, iterations=10, eval_every=4)))
    evaluated = [r.iteration for r in records if r.test_accuracy is not None]
    assert evaluated == [3, 7, 9]  # after 4 and 8 updates, and after the last
    assert records[3].test_cost is not None


@pytest.mark.parametrize(
    "config, words",
    [
        (TrainConfig(iterations=None, epochs=None), "iterations/epochs: expected exactly one"),
        (TrainConfig(iterations=5, epochs=5), "iterations/epochs: expected exactly one"),
        (TrainConfig(iterations=0), "iterations: expected a whole number from 1 to 10,000,000, got 0"),
        (TrainConfig(iterations=3, batch_size=0), "batch-size: expected a whole number"),
        (TrainConfig(lr=-1, iterations=3), "lr: expected a finite number greater than 0"),
        (TrainConfig("lbfgs", iterations=3), "optimizer: expected one of"),
    ],
)
def test_bad_training_settings_are_named(config, words):
    with pytest.raises(ConfigError) as caught:
        next(train(Network([2, 1]), _blobs(), config))
    assert words in str(caught.value)
