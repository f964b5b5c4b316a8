"""Optimizers: each step as the formula says, checked against numbers worked in the test."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpviz.errors import ConfigError
from bpviz.nn import SGD, Adam, Momentum, make_optimizer


def _params():
    return {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])}


def _grads():
    return {"dW1": np.array([[0.2, -0.4]]), "db1": np.array([[1.0]])}


def test_sgd_subtracts_lr_times_the_gradient():
    params = _params()
    SGD(0.1).step(params, _grads())
    np.testing.assert_allclose(params["W1"], [[0.98, -1.96]])
    np.testing.assert_allclose(params["b1"], [[0.4]])


def test_momentum_accumulates_velocity():
    params = _params()
    opt = Momentum(0.1, beta=0.9)
    opt.step(params, _grads())
    opt.step(params, _grads())
    # v1 = g, v2 = 0.9 g + g = 1.9 g; W = W0 - 0.1 (g + 1.9 g) = W0 - 0.29 g
    np.testing.assert_allclose(params["W1"], [[1.0 - 0.29 * 0.2, -2.0 + 0.29 * 0.4]])


def test_adam_follows_the_keras_update():
    params = _params()
    opt = Adam(0.01)
    g = 0.2
    m = v = 0.0
    w = 1.0
    for t in (1, 2, 3):
        opt.step(params, _grads())
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        alpha = 0.01 * math.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        w -= alpha * m / (math.sqrt(v) + 1e-7)
    assert params["W1"][0, 0] == pytest.approx(w, rel=1e-12)


def test_optimizer_state_keeps_the_parameters_dtype():
    params = {k: v.astype(np.float32) for k, v in _params().items()}
    grads = {k: v.astype(np.float32) for k, v in _grads().items()}
    for name in ("sgd", "momentum", "adam"):
        make_optimizer(name, 0.1).step(params, grads)
        assert all(v.dtype == np.float32 for v in params.values())


@pytest.mark.parametrize("lr", [0, -1, float("nan"), float("inf"), "fast"])
def test_a_bad_learning_rate_is_refused(lr):
    with pytest.raises(ConfigError, match="lr: expected"):
        SGD(lr)


def test_an_unknown_optimizer_is_named():
    with pytest.raises(ConfigError, match="optimizer: expected one of sgd, momentum, adam"):
        make_optimizer("rmsprop", 0.1)
