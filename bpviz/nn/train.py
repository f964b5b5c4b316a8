"""Training as a generator of small progress records; the caller decides what to show.

``train(net, data, config)`` updates ``net`` in place and yields one :class:`Progress`
per update. It never prints. Stop it by closing the generator or through ``should_stop``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from bpviz.errors import ConfigError, DataError
from bpviz.nn.divergence import Divergence, cost_bound, diagnose, update_ratios
from bpviz.nn.health import LayerStats, network_stats
from bpviz.nn.network import Network
from bpviz.nn.optimizers import OPTIMIZERS, check_lr, make_optimizer


@dataclass(frozen=True)
class TrainData:
    """Training columns X (n_0, m) and targets Y (n_L, m), and optionally a test set."""

    X: np.ndarray
    Y: np.ndarray
    X_test: np.ndarray | None = None
    Y_test: np.ndarray | None = None

    @property
    def m(self) -> int:
        return self.X.shape[1]


@dataclass(frozen=True)
class TrainConfig:
    """How to train. Give ``iterations`` (updates) or ``epochs`` (passes over the data).

    ``batch_size`` None means full batch (the tutorial); 1 with ``shuffle=False`` is
    per-sample SGD in row order (the notebook); otherwise mini-batches are drawn from a
    permutation made with ``seed`` each epoch. ``eval_every`` is the cadence, in updates,
    of the train/test accuracy (0: only after the last update). ``layer_stats`` records
    each layer's statistics (:mod:`bpviz.nn.health`) at the same cadence, and on the
    first update (how a run starts: the tutorial's bigger network shows its gradients
    shrinking layer by layer there).
    """

    optimizer: str = "sgd"
    lr: float = 0.1
    iterations: int | None = None
    epochs: int | None = None
    batch_size: int | None = None
    shuffle: bool = True
    seed: int | None = 1
    eval_every: int = 0
    layer_stats: bool = True

    def validate(self) -> "TrainConfig":
        if self.optimizer not in OPTIMIZERS:
            raise ConfigError(
                f"optimizer: expected one of {', '.join(OPTIMIZERS)}, got {self.optimizer!r}"
            )
        check_lr(self.lr)
        if (self.iterations is None) == (self.epochs is None):
            raise ConfigError("iterations/epochs: expected exactly one of the two")
        for field in ("iterations", "epochs", "batch_size"):
            value = getattr(self, field)
            if value is not None:
                check_count(field.replace("_", "-"), value, 1, LIMITS[field])
        check_count("eval-every", self.eval_every, 0, LIMITS["iterations"])
        if self.seed is not None:
            check_count("seed", self.seed, 0, MAX_SEED)
        return self


#: The largest values a run may ask for: beyond them a typo is likelier than a wish (10
#: million updates of the tutorial's network would take months here).
LIMITS = {"iterations": 10_000_000, "epochs": 100_000, "batch_size": 10_000_000}
#: Seeds: numpy's RandomState (the tutorial's init) takes up to 2**32 - 1; the app's seed
#: fields hold up to 2**31 - 1, so that every recipe the command line takes, the app shows.
MAX_SEED = 2**31 - 1


def check_count(field: str, value, low: int, high: int) -> int:
    """``value`` as a whole number from ``low`` to ``high``, else ConfigError naming ``field``
    (bools, floats, strings and digits of 5,000 places included)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigError(f"{field}: expected a whole number from {low:,} to {high:,}, got {_short(value)}")
    if not low <= value <= high:
        raise ConfigError(f"{field}: expected a whole number from {low:,} to {high:,}, got {_short(value)}")
    return int(value)


def _short(value) -> str:
    """A value for a message: a 5,000-digit number is said by its size, not printed."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and abs(int(value)) >= 10**15:
        digits = len(str(abs(int(value)))) if abs(int(value)) < 10**4000 else "thousands of"
        return f"a number of {digits} digits" if value > 0 else f"a negative number of {digits} digits"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True)
class Progress:
    """One update's record, counted as the tutorial counts: ``iteration`` i (from 0) is
    the update made after i others, and ``cost`` is J before it ("cost after iteration i").

    ``seconds`` is the training time so far, evaluation excluded (the layer statistics
    included). ``epoch_cost`` is set on the last update of an epoch: the mean per-example
    loss over the epoch, each taken before its update. The accuracies, the test cost and
    ``layers`` (one :class:`LayerStats` per layer, l = 1..L, of this update and its batch)
    are set at the evaluation cadence, ``layers`` also on the first update; ``layers`` is
    empty elsewhere.
    ``stopped`` is None while training goes on, else "finished" or "diverged"; a
    diverged record's ``divergence`` says what went wrong first, and ``message`` says it
    in words.
    """

    iteration: int
    total_iterations: int
    epoch: int
    cost: float
    seconds: float
    epoch_cost: float | None = None
    train_accuracy: float | None = None
    test_accuracy: float | None = None
    test_cost: float | None = None
    stopped: str | None = None
    message: str = ""
    #: A diverged run: the iteration whose parameters (those before its update) it kept.
    kept: int | None = None
    layers: tuple[LayerStats, ...] = ()
    #: A diverged run: which quantity went wrong first, and what to try.
    divergence: Divergence | None = None


def count_iterations(config: TrainConfig, m: int) -> int:
    """How many updates ``config`` makes on m training examples."""
    batch = m if config.batch_size is None else min(config.batch_size, m)
    if config.iterations is not None:
        return config.iterations
    return config.epochs * math.ceil(m / batch)


def evaluate(net: Network, X: np.ndarray, Y: np.ndarray) -> tuple[float, float | None]:
    """(cost, accuracy) of ``net`` on all columns of X; accuracy is None for regression."""
    A, _ = net.forward(X)
    return net.cost(A, Y), net.accuracy(A, Y)


def _prepare(net: Network, data: TrainData) -> TrainData:
    """The data in the network's dtype, converted once, with shapes checked."""
    def cast(array):
        return None if array is None else np.asarray(array, dtype=net.dtype)

    X, Y = cast(data.X), cast(data.Y)
    if X.ndim != 2 or X.shape[0] != net.layer_sizes[0]:
        raise DataError(f"X: expected shape ({net.layer_sizes[0]}, m), got {X.shape}")
    if Y.shape != (net.layer_sizes[-1], X.shape[1]):
        raise DataError(f"Y: expected shape ({net.layer_sizes[-1]}, {X.shape[1]}), got {Y.shape}")
    return TrainData(X, Y, cast(data.X_test), cast(data.Y_test))


def train(
    net: Network,
    data: TrainData,
    config: TrainConfig,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[Progress]:
    """Train ``net`` in place, yielding a :class:`Progress` after every update.

    Each update: forward on the batch, cost J (recorded before the update), backward,
    optimizer step. The run diverges when J is not finite or explodes (passes
    :func:`~bpviz.nn.divergence.cost_bound`), or when an update makes a parameter
    infinite or NaN (a clipped or saturating output can keep J finite meanwhile): it
    stops with ``stopped="diverged"``, keeps the last parameters whose cost was fine,
    and its record's ``divergence`` (:mod:`bpviz.nn.divergence`) says which quantity
    went first. Parameters that are not finite from the start are a ConfigError.
    ``should_stop`` is checked before each update; when it returns True the generator
    ends, leaving ``net`` as it was after the last completed update.

    The parameters live in two sets of arrays, each in one flat buffer: an update writes
    its result into the other set, and the two swap. So the parameters before the last
    update are kept without a copy, and one test of one buffer checks them all.
    ``net.params`` holds views of train's buffers afterwards.
    """
    config.validate()
    data = _prepare(net, data)
    check_finite_params(net.params)
    optimizer = make_optimizer(config.optimizer, config.lr)
    X, Y, m = data.X, data.Y, data.m
    batch = m if config.batch_size is None else min(config.batch_size, m)
    total = count_iterations(config, m)
    rng = np.random.default_rng(config.seed)
    bound = cost_bound(net, X, Y)
    net.params, flat = _flat_copy(net.params)
    before, spare = _flat_copy(net.params)  # the parameters before the last update
    ratio = 0.0  # the largest update ratio seen: the first update's, and the statistics'
    previous = None  # the last update's batch, for a replay
    # The accuracies and test cost come after update i when (i + 1) % eval_every == 0.
    seconds, done, epoch = 0.0, 0, 0  # done: updates applied so far
    while done < total:
        epoch += 1
        order = rng.permutation(m) if config.shuffle and batch < m else None
        epoch_loss, epoch_seen = 0.0, 0
        for start in range(0, m, batch):
            if should_stop is not None and should_stop():
                return
            began = time.perf_counter()
            if batch == m:
                Xb, Yb = X, Y
            elif order is None:
                Xb, Yb = X[:, start:start + batch], Y[:, start:start + batch]
            else:
                cols = order[start:start + batch]
                Xb, Yb = X[:, cols], Y[:, cols]
            finite = True
            # A diverging run overflows on its way to the number that stops it.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                A, cache = net.forward(Xb)
                J = net.cost(A, Yb)
                if J <= bound:  # False for NaN too
                    grads = net.backward(cache, Yb)
                    optimizer.step(net.params, grads, out=before)
                    net.params, before, flat, spare = before, net.params, spare, flat
                    finite = bool(np.isfinite(flat).all())
            if not J <= bound or not finite:
                yield _diverged(net, config, bound, ratio, done, total, epoch, J,
                                before, previous, (Xb, Yb), finite, seconds + time.perf_counter() - began)
                return
            last = done + 1 == total
            evaluate_now = last or (config.eval_every and (done + 1) % config.eval_every == 0)
            layers = ()
            if evaluate_now or done == 0:
                with np.errstate(over="ignore", invalid="ignore"):  # norms of a run about to diverge
                    if config.layer_stats:  # the first update's too: how the run starts
                        layers = network_stats(before, net.params, grads, cache.A, net.activations)
                    seen = [stats.update_ratio for stats in layers] or update_ratios(before, net.params, net.L)
                ratio = max([ratio, *(r for r in seen if r is not None)])
            seconds += time.perf_counter() - began
            epoch_loss += J * Xb.shape[1]
            epoch_seen += Xb.shape[1]
            end_of_epoch = start + batch >= m
            epoch_cost = epoch_loss / epoch_seen if end_of_epoch or last else None
            if evaluate_now:
                yield _record(net, data, done, total, epoch, J, seconds, epoch_cost, last, layers)
            elif layers:  # the first update
                yield Progress(done, total, epoch, J, seconds, epoch_cost, layers=layers)
            else:  # most updates: a plain record, made as cheaply as Python makes one
                yield Progress(done, total, epoch, J, seconds, epoch_cost)
            previous = (Xb, Yb)
            done += 1
            if last:
                return


def check_finite_params(params: dict) -> None:
    """ConfigError naming the first parameter that holds NaN or an infinite value, and
    where (1-based row and column), as training cannot start from it."""
    for key, value in params.items():
        bad = ~np.isfinite(value)
        if bad.any():
            i, j = (int(n) + 1 for n in np.argwhere(bad)[0])
            raise ConfigError(f"params: {key} holds {value[i - 1, j - 1]} at row {i}, col {j}; expected finite "
                              f"weights and biases to train from")


def _flat_copy(params: dict) -> tuple[dict, np.ndarray]:
    """A copy of ``params`` as views into one flat buffer, and that buffer."""
    flat = np.empty(sum(value.size for value in params.values()), dtype=next(iter(params.values())).dtype)
    views, at = {}, 0
    for key, value in params.items():
        views[key] = flat[at:at + value.size].reshape(value.shape)
        views[key][...] = value
        at += value.size
    return views, flat


def _diverged(net, config, bound, ratio, done, total, epoch, J, before, previous, batch, finite,
              seconds) -> Progress:
    """Stop a run whose cost (``finite``: True) or update (False) went wrong at update
    ``done``: put back the last parameters whose cost was fine, replay what went wrong,
    and say it."""
    broken = net.params
    net.params = before  # the parameters before the last update made
    if finite:  # the cost of update `done` went wrong: the update before it (if any) is replayed
        kept = max(done - 1, 0)
        divergence = diagnose(net, update=done, before=before if done else None, batch=previous,
                              after=broken, next_batch=batch, bound=bound, kept=before,
                              lr=config.lr, ratios=[ratio], cost=J)
    else:  # update `done` made a parameter infinite or NaN
        kept = done
        # That update's own ratio counts (infinite when it overflowed): on the very first
        # update it is the only one, and lr / 10 (1e307 after 1e308) is no rate to try.
        with np.errstate(over="ignore", invalid="ignore"):
            ratios = [ratio, *update_ratios(before, broken, net.L)]
        divergence = diagnose(net, update=done + 1, before=before, batch=batch, after=broken,
                              next_batch=None, bound=bound, kept=before, lr=config.lr, ratios=ratios, cost=J)
        J = math.inf
    message = f"diverged {divergence.text()}; kept the parameters of iteration {kept}, the last good ones"
    return Progress(done, total, epoch, J, seconds, stopped="diverged", kept=kept, message=message,
                    divergence=divergence)


def _record(net, data, iteration, total, epoch, J, seconds, epoch_cost, last, layers) -> Progress:
    """An update's record with the accuracies and the test cost, measured now."""
    _, train_acc = evaluate(net, data.X, data.Y)
    test_acc = test_cost = None
    if data.X_test is not None:
        test_cost, test_acc = evaluate(net, data.X_test, data.Y_test)
    return Progress(
        iteration, total, epoch, J, seconds, epoch_cost=epoch_cost,
        train_accuracy=train_acc, test_accuracy=test_acc, test_cost=test_cost,
        stopped="finished" if last else None, layers=layers,
    )
