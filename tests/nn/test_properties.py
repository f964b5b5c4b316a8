"""Property tests on the core (hypothesis).

1. Backprop agrees with central finite differences on random architectures, activations,
   (output, loss) pairs, in float64 and in float32.
2. forward, cost and backward give only finite numbers, and no overflow or division
   warning, for finite inputs with |x| <= 1e3, whatever the architecture, init, loss and
   dtype.

Each property has a sanity test showing it can fail: a 1 % error in one gradient element
breaks the float32 bound, and a NaN weight breaks the finiteness check.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bpviz.nn import Network, gradcheck, numerical_gradients
from bpviz.nn.activations import HIDDEN_ACTIVATIONS
from bpviz.nn.gradcheck import ERROR_FLOOR, THRESHOLD
from bpviz.nn.network import DTYPES
from tests.nn.test_gradcheck import OUTPUT_AND_LOSS

# See forward_cost_backward: a spurious "invalid" flag of OpenBLAS's float32 matmul is
# not a failure here; the finiteness checks catch every NaN it could stand for.
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in matmul:RuntimeWarning")

#: Network accepts "constant:<value>"; the notebook's 0.1 stands for that family.
INITS = ("tutorial", "xavier", "he", "constant:0.1")

#: float64: gradcheck's own pass mark, 1e-6, on gradcheck's own number.
#:
#: float32: gradcheck estimates in float64 from the network's own float32 parameters
#: (numerical_gradients copies them into a float64 Network) and the tests give it X and Y
#: already rounded to float32, so the estimate is the gradient of the very function the
#: float32 network computes, good to ~1e-9; what is left is backprop's float32 round-off
#: (u = 2**-24 ~ 6e-8). That round-off is absolute in the size of the terms a gradient sums
#: (|dZ| |A|, up to ~10 with mse), so a gradient that cancels down to ~1e-5 carries ~3e-7
#: of it: gradcheck's number, whose floor is a fixed 1e-4 (set for float64's own
#: round-off), then reads 3e-3. Measured with this file's strategy over 24,000
#: well-conditioned float32 examples: 99.9 % below 2.3e-4 but the worst at 4.1e-3, while a
#: 1 % error reads 0.01 / 2.01 ~ 5e-3: no bound on that number both passes float32 and
#: catches 1 %. So float32 is judged on the same estimate with the floor scaled to the
#: network's gradient (``float32_errors``): worst 6.9e-5 over those 24,000 examples,
#: while a 1 % error in any element of at least 0.5 % of the largest reads ~5e-3 (and
#: still >= 1e-3 down to 0.1 % of it). 1e-3 is ~14x above the one and 5x below the other;
#: test_the_float32_bound_catches_a_one_percent_error_in_one_gradient checks the latter.
BOUNDS = {"float64": THRESHOLD, "float32": 1e-3}
#: float32's floor, as a fraction of the largest |gradient| in the network.
FLOAT32_FLOOR = 1e-2

#: Examples too close to a place where the finite difference, or float32, cannot judge
#: backprop are skipped (``assume``); see ``assume_well_conditioned``.
KINK_MARGIN = 1e-3
SATURATION_MARGIN = 1e-3


@st.composite
def architectures(draw):
    """(layer sizes, one activation per layer, loss): 1-3 hidden layers of 1-5 units, any
    hidden activations, and every output activation with every loss it can be paired with."""
    hidden = draw(st.lists(st.sampled_from(HIDDEN_ACTIVATIONS), min_size=1, max_size=3))
    output, loss = draw(st.sampled_from(OUTPUT_AND_LOSS))
    n_in = draw(st.integers(1, 5))
    widths = draw(st.lists(st.integers(1, 5), min_size=len(hidden), max_size=len(hidden)))
    n_out = draw(st.integers(2 if output == "softmax" else 1, 5))
    return [n_in, *widths, n_out], [*hidden, output], loss


# --- 1. gradcheck in float64 and float32 ------------------------------------------------


def gradcheck_case(arch, dtype, m, seed):
    """A network (Xavier weights and biases both nudged off their init), X and Y, all in
    ``dtype``, made from ``seed`` as in test_gradcheck."""
    sizes, activations, loss = arch
    rng = np.random.default_rng(seed)
    net = Network(sizes, activations, loss, init="xavier", seed=seed, dtype=dtype)
    for value in net.params.values():  # non-zero biases too
        value += (0.1 * rng.standard_normal(value.shape)).astype(dtype)
    X = rng.standard_normal((sizes[0], m)).astype(dtype)
    n_out, output = sizes[-1], activations[-1]
    if loss == "mse" and output == "linear":
        Y = rng.standard_normal((n_out, m))
    elif output == "softmax" or loss == "cross_entropy":
        Y = np.eye(n_out)[:, rng.integers(0, n_out, m)]
    else:
        Y = (rng.random((n_out, m)) < 0.5).astype(float)
    return net, X, Y.astype(dtype)


def assume_well_conditioned(net, X):
    """Skip the few examples (~1 %) where a finite difference, or float32, cannot judge
    backprop: there the two answers are of different functions, or one is mostly noise.

    * A relu pre-activation within KINK_MARGIN of 0: a step of h = 1e-5 in a parameter
      moves a downstream z by h |dz/dθ| (inputs and weights are at most a few here), so
      |z| < ~1e-4 can put relu's kink between θ - h and θ + h, and float32 round-off
      (~1e-7) can put z on the other side of it. 1e-3 leaves a 10x margin.
    * A sigmoid or softmax output within SATURATION_MARGIN of 0 or 1: 1 - a then keeps
      few correct bits (float32 at a = 0.99995 keeps 10 of 24, so bce's 1 / (1 - a) is
      off by ~1e-3 relative), outputs below float32's eps are clipped where the float64
      estimate does not clip them, and even the float64 estimate degrades (its cost's
      round-off, ~u / (1 - a), is divided by 2h). Examples, made by gradcheck_case:
      ([4, 1, 1], linear-sigmoid, bce), float64, m = 5, seed 8706, an output 0.9999984
      with y = 0: gradcheck reads 6.1e-5 at h = 1e-5, 8.1e-6 at 1e-4 and 9.3e-8 at 1e-3,
      the estimate's round-off shrinking as h grows. ([5, 3, 2], linear-softmax, bce),
      float32, m = 3, seed 2123, outputs 0.99995 and 5e-5: float32_errors reads 2.1e-3
      (db2), float64 backprop on the same parameters 3.6e-7.
    """
    probe = Network(net.layer_sizes, net.activations, net.loss.name, dtype="float64",
                    params=net.params)
    _, cache = probe.forward(X)
    for l, name in enumerate(net.activations[:-1], start=1):
        if name == "relu":
            Z = probe.params[f"W{l}"] @ cache.A[l - 1] + probe.params[f"b{l}"]
            assume(np.abs(Z).min() > KINK_MARGIN)
    if net.activations[-1] in ("sigmoid", "softmax"):
        A = cache.A[-1]
        assume(np.minimum(A, 1 - A).min() > SATURATION_MARGIN)


def float64_errors(net, X, Y):
    """gradcheck's numbers; where one reaches THRESHOLD, those of a second estimate at
    h = 1e-4.

    Below ERROR_FLOOR gradcheck compares absolutely, and the central difference's own
    round-off, a few ulp of J over 2h, is ~1e-10 = THRESHOLD x ERROR_FLOOR once J is ~5
    (mse on several outputs): about 1 example in 5,000 to 10,000 then reads just over
    1e-6. Found by this test: seed 543, layers 3-3-5-1-5, sigmoid-sigmoid-tanh-linear and
    mse, m = 5, J = 5.6: dW1 read 1.12e-6 at h = 1e-5 but 2.7e-8 at h = 1e-4 and 3.1e-8 at
    1e-3 (analytic -1.23695956e-5 against -1.23694832e-5). A wrong gradient is wrong at
    every h, so asking for < 1e-6 at one of the two steps still catches it.
    """
    errors = gradcheck(net, X, Y)
    if max(errors.values()) >= THRESHOLD:
        event("float64: estimate taken again at h = 1e-4")
        errors = gradcheck(net, X, Y, h=1e-4)
    return errors


def float32_errors(net, X, Y):
    """gradcheck for a float32 network, with the floor scaled to its gradient: per
    parameter, the largest |a - n| / max(|a| + |n|, floor) of backprop's gradient a against
    gradcheck's float64 estimate n, where floor = max(ERROR_FLOOR, FLOAT32_FLOOR x the
    largest |n| in the network). See BOUNDS."""
    _, cache = net.forward(X)
    analytic = net.backward(cache, Y)
    numeric = numerical_gradients(net, X, Y)
    floor = max(ERROR_FLOOR, FLOAT32_FLOOR * max(np.abs(n).max() for n in numeric.values()))
    errors = {}
    for key, n in numeric.items():
        a = analytic[key].astype(np.float64)
        errors[key[1:]] = float((np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), floor)).max())
    return errors


ERRORS = {"float64": float64_errors, "float32": float32_errors}


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    arch=architectures(),
    dtype=st.sampled_from(DTYPES),
    m=st.integers(1, 5),
    seed=st.integers(0, 10_000),
)
def test_backprop_agrees_with_finite_differences_in_each_dtype(arch, dtype, m, seed):
    net, X, Y = gradcheck_case(arch, dtype, m, seed)
    assume_well_conditioned(net, X)
    errors = ERRORS[dtype](net, X, Y)
    assert set(errors) == set(net.params)
    assert max(errors.values()) < BOUNDS[dtype], errors


class OneWrongElement(Network):
    """Backprop with one gradient element, ``wrong`` = (key, flat index), 1 % too large."""

    wrong: tuple[str, int]

    def backward(self, cache, Y, intermediates=None):
        grads = super().backward(cache, Y, intermediates)
        key, index = self.wrong
        grads[key].flat[index] *= 1.01
        return grads


@settings(max_examples=100, deadline=None, derandomize=True)
@given(arch=architectures(), m=st.integers(1, 5), seed=st.integers(0, 10_000), data=st.data())
def test_the_float32_bound_catches_a_one_percent_error_in_one_gradient(arch, m, seed, data):
    net, X, Y = gradcheck_case(arch, "float32", m, seed)
    assume_well_conditioned(net, X)
    _, cache = net.forward(X)
    grads = net.backward(cache, Y)
    largest = max(np.abs(g).max() for g in grads.values())
    assume(largest >= ERROR_FLOOR / 2)  # else even a 1 % error is below the floor
    # Any element of at least 0.5 % of the largest: there a 1 % error reads ~5e-3.
    candidates = [(key, int(i)) for key, g in grads.items()
                  for i in np.flatnonzero(np.abs(g) >= 0.005 * largest)]
    wrong = OneWrongElement(net.layer_sizes, net.activations, net.loss.name,
                            dtype="float32", params=net.params)
    wrong.wrong = data.draw(st.sampled_from(candidates), label="wrong element")
    errors = float32_errors(wrong, X, Y)
    assert errors[wrong.wrong[0][1:]] > BOUNDS["float32"], errors


# --- 2. finite and warning-free for |x| <= 1e3 -----------------------------------------


def forward_cost_backward(net, X, Y):
    """A, J and the gradients, with any floating-point overflow or division by zero
    raised (underflow to 0 is fine). The activations promise stability for |z| up to 1e3,
    and sigmoid silences the one overflow it means (e^{-z} -> inf gives the correct 0)
    with its own errstate, which takes precedence over this one.

    "invalid" is left to the finiteness check (an invalid operation makes a NaN, which
    assert_finite reports): numpy 2.4.6 with OpenBLAS 0.3.31's SkylakeX kernels on this
    AMD VM was seen, in ~3 runs of ~100, to raise the invalid flag on float32 matmuls of
    finite inputs with finite results (e.g. W1 (5, 1) @ X (1, 1)), which no user sees."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="ignore"):
        warnings.simplefilter("error", RuntimeWarning)
        A, cache = net.forward(X)
        J = net.cost(A, Y)
        grads = net.backward(cache, Y)
    return A, J, grads


def assert_finite(A, J, grads):
    outputs = {"A": A, "J": np.array(J), **grads}
    bad = [name for name, value in outputs.items() if not np.isfinite(value).all()]
    assert not bad, f"non-finite {', '.join(bad)}: " + "; ".join(
        f"{name}={outputs[name]!r}" for name in bad)


def targets(loss, n_out, m, dtype):
    """Valid targets: one-hot columns for cross-entropy, labels in [0, 1] (soft ones too)
    for bce, and any finite numbers with |y| <= 1e3 for mse."""
    width = np.dtype(dtype).itemsize * 8
    if loss == "mse":
        return arrays(dtype, (n_out, m), elements=st.floats(
            -1e3, 1e3, allow_nan=False, allow_infinity=False, width=width))
    if loss == "cross_entropy":
        labels = st.lists(st.integers(0, n_out - 1), min_size=m, max_size=m)
        return labels.map(lambda k: np.eye(n_out, dtype=dtype)[:, k])
    return arrays(dtype, (n_out, m), elements=st.floats(0, 1, width=width))


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(
    arch=architectures(),
    init=st.sampled_from(INITS),
    dtype=st.sampled_from(DTYPES),
    seed=st.integers(0, 2**32 - 1),
    m=st.integers(1, 6),
    data=st.data(),
)
def test_forward_and_backward_are_finite_for_inputs_up_to_1e3(arch, init, dtype, seed, m, data):
    sizes, activations, loss = arch
    width = np.dtype(dtype).itemsize * 8
    X = data.draw(arrays(dtype, (sizes[0], m), elements=st.floats(
        -1e3, 1e3, allow_nan=False, allow_infinity=False, width=width)), label="X")
    Y = data.draw(targets(loss, sizes[-1], m, dtype), label="Y")
    net = Network(sizes, activations, loss, init=init, seed=seed, dtype=dtype)
    A, J, grads = forward_cost_backward(net, X, Y)
    assert A.dtype == dtype and all(g.dtype == dtype for g in grads.values())
    assert_finite(A, J, grads)


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_finiteness_check_catches_a_nan_weight(dtype):
    net = Network([3, 4, 2], ["tanh", "softmax"], "cross_entropy", init="xavier", dtype=dtype)
    X = np.array([[1e3, -1e3], [0.5, 2.0], [-3.0, 0.0]], dtype=dtype)
    Y = np.eye(2, dtype=dtype)[:, [0, 1]]
    assert_finite(*forward_cost_backward(net, X, Y))  # finite as made
    net.params["W2"][1, 2] = np.nan
    with pytest.raises(AssertionError, match=r"non-finite A, J, dW1, db1, dW2, db2"):
        assert_finite(*forward_cost_backward(net, X, Y))
