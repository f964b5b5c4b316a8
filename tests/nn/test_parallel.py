"""Row-block parallel elementwise work gives bit-for-bit the results of the plain call."""

from __future__ import annotations

import numpy as np
import pytest

from bpviz.nn import Network, parallel


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_forward_and_backward_are_identical_with_and_without_row_blocks(monkeypatch, activation):
    rng = np.random.default_rng(0)
    X = rng.random((30, 5000))  # 40 hidden units x 5000 columns: above the split size
    Y = (rng.random((1, 5000)) < 0.5).astype(float)
    net = Network([30, 40, 1], activation, "bce", init="xavier", seed=1)
    A, cache = net.forward(X)
    grads = net.backward(cache, Y)
    assert cache.A[1].size >= parallel.MIN_SPLIT_SIZE  # so the first run was split
    monkeypatch.setattr(parallel, "MIN_SPLIT_SIZE", 10**12)  # never split
    plain = Network([30, 40, 1], activation, "bce", init="xavier", seed=1)
    A_plain, cache_plain = plain.forward(X)
    grads_plain = plain.backward(cache_plain, Y)
    np.testing.assert_array_equal(A, A_plain)
    for key in grads:
        np.testing.assert_array_equal(grads[key], grads_plain[key])


def test_by_rows_splits_matching_rows_and_broadcasts_single_rows(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_SPLIT_SIZE", 1)
    monkeypatch.setattr(parallel, "BLOCK_SIZE", 30)  # 3 rows of 10 per block
    out = np.zeros((10, 10))
    column = np.arange(10.0).reshape(10, 1)
    row = np.arange(10.0).reshape(1, 10)
    calls = []

    def block(out_rows, column_rows, row_whole):
        calls.append(out_rows.shape[0])
        out_rows += column_rows * 100 + row_whole

    parallel.by_rows(block, out, column, row)
    np.testing.assert_array_equal(out, column * 100 + row)
    assert sorted(calls) == [1, 3, 3, 3]
