"""Per-layer statistics (bpviz.nn.health): worked out by hand on 2-3-1 networks and a
batch of 4, the same from training's records at the evaluation cadence, and the
tutorial's claim that its bigger network's first layer learns from smaller gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpviz.nn import LayerStats, Network, TrainConfig, TrainData, train
from bpviz.nn.health import layer_stats, network_stats

# A batch of 4 examples (columns) with 2 features.
X = np.array([[1.0, 2.0, 0.0, 3.0],
              [0.0, 1.0, 2.0, 1.0]])
Y = np.array([[1.0, 0.0, 0.0, 1.0]])


def sigma(z):
    return 1 / (1 + math.exp(-z))


def norm(values):
    return math.sqrt(sum(v * v for v in values))


def relu_net() -> Network:
    """2-3-1, ReLU then sigmoid. Z1 = [[1, 2, 0, 3], [-2, -4, -3, -5], [0, 1, 2, 1]]:
    unit 2 is negative on every example, so A1's second row is all 0 (dead); units 1 and
    3 are 0 on one example each (not dead)."""
    params = {"W1": [[1.0, 0.0], [-1.0, -1.0], [0.0, 1.0]], "b1": [[0.0], [-1.0], [0.0]],
              "W2": [[0.5, 0.7, -0.5]], "b2": [[0.0]]}
    return Network([2, 3, 1], ["relu", "sigmoid"], "bce", params=params)


def _relu_by_hand():
    """The 2-3-1 ReLU network's gradients, written out.
    A1 = [[1, 2, 0, 3], [0, 0, 0, 0], [0, 1, 2, 1]]; Z2 = 0.5 A1[0] - 0.5 A1[2] = [0.5, 0.5, -1, 1]."""
    A1 = [[1, 2, 0, 3], [0, 0, 0, 0], [0, 1, 2, 1]]
    A2 = [sigma(z) for z in (0.5, 0.5, -1.0, 1.0)]
    dZ2 = [a - y for a, y in zip(A2, (1, 0, 0, 1))]
    dW2 = [sum(dZ2[j] * A1[i][j] for j in range(4)) / 4 for i in range(3)]
    db2 = sum(dZ2) / 4
    # dZ1 = W2ᵀ dZ2 ⊙ [A1 > 0]; row 2 is 0 (dead), rows 1 and 3 keep dZ2 where A1 > 0.
    dZ1 = [[w * d if a > 0 else 0.0 for d, a in zip(dZ2, row)] for w, row in zip((0.5, 0.7, -0.5), A1)]
    dW1 = [[sum(dZ1[i][j] * X[k][j] for j in range(4)) / 4 for k in range(2)] for i in range(3)]
    db1 = [sum(row) / 4 for row in dZ1]
    return A1, A2, dW1, db1, dW2, db2


def test_relu_layer_statistics_worked_out_by_hand():
    A1, A2, dW1, db1, dW2, db2 = _relu_by_hand()
    net = relu_net()
    before = {k: v.copy() for k, v in net.params.items()}
    (stats1, stats2), = [s.layers for s in train(net, TrainData(X, Y), TrainConfig(lr=0.1, iterations=1))]
    # ‖W1‖ = √(1 + 1 + 1 + 1) = 2; SGD's change is 0.1 dW1, so the ratio is 0.1 ‖dW1‖ / 2.
    dW1_norm = norm([v for row in dW1 for v in row])
    assert stats1 == LayerStats(
        layer=1, dW_norm=pytest.approx(dW1_norm, rel=1e-12), db_norm=pytest.approx(norm(db1), rel=1e-12),
        W_norm=2.0, update_ratio=pytest.approx(0.1 * dW1_norm / 2, rel=1e-9),
        # A1's twelve entries sum to 10 and their squares to 20: mean 5/6, variance 20/12 - (5/6)².
        A_mean=pytest.approx(5 / 6, rel=1e-15), A_std=pytest.approx(math.sqrt(35) / 6, rel=1e-15),
        saturated=None, dead=1 / 3,  # unit 2 of 3
    )
    mean2 = sum(A2) / 4
    assert stats2 == LayerStats(
        layer=2, dW_norm=pytest.approx(norm(dW2), rel=1e-12), db_norm=pytest.approx(abs(db2), rel=1e-12),
        W_norm=pytest.approx(norm([0.5, 0.7, -0.5]), rel=1e-15),
        update_ratio=pytest.approx(0.1 * norm(dW2) / norm([0.5, 0.7, -0.5]), rel=1e-9),
        A_mean=pytest.approx(mean2, rel=1e-15),
        A_std=pytest.approx(math.sqrt(sum((a - mean2) ** 2 for a in A2) / 4), rel=1e-12),
        # σ'(z) = A(1 - A) at z = ±0.5, ±1 is about 0.2: nowhere near saturated.
        saturated=0.0, dead=None,
    )
    # The pure function, given the same arrays, says the same.
    _, cache = relu_net().forward(X)
    grads = relu_net().backward(cache, Y)
    after = {k: v - 0.1 * grads["d" + k] for k, v in before.items()}
    assert network_stats(before, after, grads, cache.A, ["relu", "sigmoid"]) == (stats1, stats2)


def test_the_update_ratio_is_of_the_actual_change_whatever_the_optimizer():
    """Adam's first step moves every weight with a gradient by about lr (m / √v = ±1), not
    by lr·dW: W1 has 4 weights with a gradient (unit 2 is dead), so ‖ΔW1‖ ≈ 2 lr and,
    with ‖W1‖ = 2, the ratio is about lr."""
    _, _, dW1, *_ = _relu_by_hand()
    assert sum(v != 0 for row in dW1 for v in row) == 4
    net = relu_net()
    (stats1, _), = [s.layers for s in train(net, TrainData(X, Y),
                                            TrainConfig(optimizer="adam", lr=0.01, iterations=1))]
    assert stats1.update_ratio == pytest.approx(0.01, rel=1e-3)  # ε = 1e-7 shaves a little
    assert stats1.update_ratio != pytest.approx(0.01 * stats1.dW_norm / 2, rel=0.1)


SIGMOID_W1 = np.array([[10.0, 0.0], [0.0, 0.0], [0.0, 4.0]])
SIGMOID_X = np.array([[1.0, -1.0, 2.0, 0.0],
                      [0.0, 1.0, -1.0, 2.0]])


@pytest.mark.parametrize("activation, saturated", [
    # Z1 = [[10, -10, 20, 0], [0, 0, 0, 0], [0, 4, -4, 8]].
    # σ'(z) < 0.0025 at |z| = 10, 20 and 8 (σ'(8) ≈ 3.4e-4), not at 4 (σ'(4) ≈ 0.018) or 0:
    # 4 of the 12 (unit, example) pairs.
    ("sigmoid", 4 / 12),
    # tanh'(z) < 0.01 for |z| > 2.99, so also at ±4: 6 of the 12 pairs.
    ("tanh", 6 / 12),
])
def test_saturated_is_the_share_of_unit_example_pairs_below_one_percent_of_the_peak(activation, saturated):
    Z1 = SIGMOID_W1 @ SIGMOID_X
    g = np.tanh if activation == "tanh" else (lambda z: 1 / (1 + np.exp(-z)))
    A1 = g(Z1)
    stats = layer_stats(1, SIGMOID_W1, SIGMOID_W1, np.zeros((3, 2)), np.zeros((3, 1)), A1, activation)
    assert stats.saturated == saturated
    assert stats.dead is None
    assert stats.update_ratio == 0.0 and stats.dW_norm == 0.0
    assert stats.W_norm == pytest.approx(math.sqrt(100 + 16))
    # Units 1 and 3 are saturated on some examples, but each has z = 0 on one: counted by
    # units saturated on the whole batch, the share would be 0.
    derivative = 1 - A1**2 if activation == "tanh" else A1 * (1 - A1)
    assert not (derivative < {"tanh": 0.01, "sigmoid": 0.0025}[activation]).all(axis=1).any()


def test_a_unit_is_dead_only_when_zero_on_every_example_of_the_batch():
    A = np.array([[0.0, 0.0, 0.0], [0.0, 0.5, 0.0], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    W = np.ones((4, 2))
    assert layer_stats(1, W, W, W, np.ones((4, 1)), A, "relu").dead == 0.5
    assert layer_stats(1, W, W, W, np.ones((4, 1)), A, "linear").dead is None
    assert layer_stats(1, np.zeros((4, 2)), W, W, W, A, "relu").update_ratio is None  # ‖W‖ = 0


def _data(n_in=2, m=24, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_in, m))
    return TrainData(X, (X.sum(axis=0, keepdims=True) > 0).astype(float))


@pytest.mark.parametrize("batch_size", [None, 5])
def test_records_carry_the_statistics_on_the_first_update_and_at_the_evaluation_cadence(batch_size):
    net = Network([2, 3, 1], ["tanh", "sigmoid"], "bce", seed=3)
    records = list(train(net, _data(), TrainConfig(lr=0.5, iterations=8, eval_every=3, batch_size=batch_size)))
    assert [r.iteration for r in records if r.layers] == [0, 2, 5, 7]  # the first, every 3rd, the last
    assert all(r.train_accuracy is not None for r in records if r.layers and r.iteration)
    assert records[0].train_accuracy is None  # the first update's statistics evaluate nothing
    for record in records:
        if record.layers:
            assert [s.layer for s in record.layers] == [1, 2]
            assert all(type(getattr(s, name)) is float for s in record.layers
                       for name in ("dW_norm", "W_norm", "A_mean", "A_std", "saturated"))
    off = list(train(Network([2, 3, 1], ["tanh", "sigmoid"], "bce", seed=3), _data(),
                     TrainConfig(lr=0.5, iterations=8, eval_every=3, batch_size=batch_size, layer_stats=False)))
    assert not any(r.layers for r in off)
    assert [r.cost for r in off] == [r.cost for r in records]  # recording changes nothing


def test_the_last_record_of_a_per_sample_run_carries_them():
    net = Network([2, 2, 1], "sigmoid", "bce", init="constant:0.1")
    records = list(train(net, _data(m=4), TrainConfig(lr=0.5, epochs=2, batch_size=1, shuffle=False)))
    assert [r.iteration for r in records if r.layers] == [0, 7]
    stats = records[-1].layers[0]
    assert stats.A_std >= 0 and stats.W_norm > 0 and stats.dead is None


def test_the_bigger_tutorial_network_first_layer_gets_smaller_gradients():
    """The tutorial's claim, measured: 784-392-196-98-1 learns worse than 784-196-1 with
    the same iterations, its first layer's gradient being smaller (sigmoids in a row)."""
    from bpviz.presets import get_preset

    norms = {}
    for name in ("tutorial", "tutorial-bigger"):
        recipe = get_preset(name).replace(train_size=500, iterations=3, eval_every=1)
        data = recipe.data()
        data = TrainData(data.X, data.Y)  # no test set: only the layers are looked at
        records = list(train(recipe.network(n_inputs=data.X.shape[0]), data, recipe.train_config()))
        norms[name] = [r.layers[0].dW_norm for r in records]
    ratios = [b / t for b, t in zip(norms["tutorial-bigger"], norms["tutorial"])]
    print(f"‖dW1‖ tutorial-bigger / tutorial, iterations 0-2: {', '.join(f'{r:.4f}' for r in ratios)}")
    assert all(r < 1 for r in ratios)


def test_the_histograms_count_a_and_log10_dw_as_worked_out_by_hand():
    """A sigmoid layer's A in twenty bins of 0.05 over 0..1, and dW's magnitudes by
    quarter decades from 1e-12 to 1, its zeros apart."""
    A = np.array([[0.01, 0.04, 0.5, 0.99], [1.0, 0.0, 0.26, 0.74]])
    dW = np.array([[1e-3, -1e-3, 0.0], [3e-5, -0.5, 2.0], [1e-20, 0.0, 0.0]])
    W = np.ones((3, 3))
    stats = layer_stats(1, W, W, dW, np.zeros((3, 1)), A, "sigmoid")
    a = stats.A_hist
    assert (a.low, a.high, len(a.counts), a.zeros) == (0.0, 1.0, 20, 0)
    # 0.01, 0.04 and 0.0 in bin 0 (0-0.05); 0.26 in bin 5; 0.5 in bin 10; 0.74 in bin 14;
    # 0.99 and 1.0 (the top edge belongs to the last bin) in bin 19.
    expected = [0] * 20
    for bin_, count in ((0, 3), (5, 1), (10, 1), (14, 1), (19, 2)):
        expected[bin_] = count
    assert list(a.counts) == expected and a.total == A.size
    g = stats.dW_hist
    assert (g.low, g.high, len(g.counts)) == (-12.0, 0.0, 48)
    assert g.zeros == 3 and g.total == 6  # three entries exactly 0 have no log
    # log10 of 1e-3 (twice) is -3: bin (−3 + 12) × 4 = 36; 3e-5: −4.52, bin 29;
    # 0.5: −0.30, bin 46; 2 (above 1) and 1e-20 (below 1e-12) go to the end bins.
    expected = [0] * 48
    for bin_, count in ((0, 1), (29, 1), (36, 2), (46, 1), (47, 1)):
        expected[bin_] = count
    assert list(g.counts) == expected
    assert np.allclose(g.edges()[[0, 1, -1]], [-12.0, -11.75, 0.0])


def test_a_relu_layers_histogram_spans_its_batch_and_the_json_keeps_the_numbers_only():
    A = np.array([[0.0, 1.0], [3.0, 4.0]])
    W = np.ones((2, 2))
    stats = layer_stats(2, W, W, W, np.ones((2, 1)), A, "relu")
    assert (stats.A_hist.low, stats.A_hist.high) == (0.0, 4.0)
    # Bins of 0.2: 0 in the first, 1 in bin 5, 3 in bin 15, 4 (the top edge) in the last.
    assert [i for i, c in enumerate(stats.A_hist.counts) for _ in range(c)] == [0, 5, 15, 19]
    assert list(stats.to_dict()) == ["layer", "dW_norm", "db_norm", "W_norm", "update_ratio",
                                     "A_mean", "A_std", "saturated", "dead"]
    flat = layer_stats(2, W, W, W, np.ones((2, 1)), np.full((2, 2), 0.5), "linear").A_hist
    assert flat.total == 4 and flat.low < 0.5 < flat.high  # one value: a bin around it


def test_a_large_batchs_activation_histogram_counts_every_kth_example():
    from bpviz.nn.health import A_SAMPLE, activation_histogram

    rng = np.random.default_rng(0)
    A = rng.random((64, A_SAMPLE // 64 * 3 + 5))  # just over 3 samples' worth: every 4th column
    hist = activation_histogram(A, "sigmoid")
    expected, _ = np.histogram(A[:, ::4], bins=20, range=(0, 1))
    assert list(hist.counts) == list(expected) and hist.total <= A_SAMPLE
    small = rng.random((3, 10))
    assert activation_histogram(small, "sigmoid").total == 30  # a small batch: every entry
