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
    each layer's statistics (:mod:`bpviz.nn.health`) at the same cadence.
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
    are set at the evaluation cadence; ``layers`` is empty elsewhere.
    ``stopped`` is None while training goes on, else "finished" or "diverged".
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
    optimizer step. A NaN or infinite cost stops training with ``stopped="diverged"``
    and restores the last parameters whose cost was finite. ``should_stop`` is checked
    before each update; when it returns True the generator ends, leaving ``net`` as it
    was after the last completed update.
    """
    config.validate()
    data = _prepare(net, data)
    optimizer = make_optimizer(config.optimizer, config.lr)
    X, Y, m = data.X, data.Y, data.m
    batch = m if config.batch_size is None else min(config.batch_size, m)
    total = count_iterations(config, m)
    rng = np.random.default_rng(config.seed)
    last_good = {key: value.copy() for key, value in net.params.items()}
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
            # A diverging run overflows on its way to the non-finite cost that stops it.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                A, cache = net.forward(Xb)
                J = net.cost(A, Yb)
                if math.isfinite(J):
                    for key, value in net.params.items():
                        np.copyto(last_good[key], value)
                    grads = net.backward(cache, Yb)
                    optimizer.step(net.params, grads)
                    # A clipped loss (bce) can stay finite while the weights overflow.
                    if not all(np.isfinite(value).all() for value in net.params.values()):
                        for key, value in last_good.items():
                            np.copyto(net.params[key], value)
                        seconds += time.perf_counter() - began
                        yield Progress(
                            done, total, epoch, math.inf, seconds, stopped="diverged", kept=done,
                            message=(f"training stopped at iteration {done}: its update made the weights "
                                     f"infinite (is the learning rate {config.lr:g} too high?); kept the "
                                     f"parameters of iteration {done}, the last that were finite"),
                        )
                        return
            if not math.isfinite(J):
                for key, value in last_good.items():
                    np.copyto(net.params[key], value)
                seconds += time.perf_counter() - began
                yield Progress(
                    done, total, epoch, J, seconds, stopped="diverged", kept=max(done - 1, 0),
                    message=(f"training stopped at iteration {done}: the cost became {J} "
                             f"(is the learning rate {config.lr:g} too high?); kept the "
                             f"parameters of iteration {max(done - 1, 0)}, the last with a "
                             f"finite cost"),
                )
                return
            last = done + 1 == total
            evaluate_now = last or (config.eval_every and (done + 1) % config.eval_every == 0)
            # last_good still holds the parameters before this update.
            layers = (network_stats(last_good, net.params, grads, cache.A, net.activations)
                      if evaluate_now and config.layer_stats else ())
            seconds += time.perf_counter() - began
            epoch_loss += J * Xb.shape[1]
            epoch_seen += Xb.shape[1]
            end_of_epoch = start + batch >= m
            yield _record(net, data, done, total, epoch, J, seconds,
                          epoch_loss / epoch_seen if end_of_epoch or last else None,
                          last, evaluate_now, layers)
            done += 1
            if last:
                return


def _record(net, data, iteration, total, epoch, J, seconds, epoch_cost, last, evaluate_now,
            layers) -> Progress:
    train_acc = test_acc = test_cost = None
    if evaluate_now:
        _, train_acc = evaluate(net, data.X, data.Y)
        if data.X_test is not None:
            test_cost, test_acc = evaluate(net, data.X_test, data.Y_test)
    return Progress(
        iteration, total, epoch, J, seconds, epoch_cost=epoch_cost,
        train_accuracy=train_acc, test_accuracy=test_acc, test_cost=test_cost,
        stopped="finished" if last else None, layers=layers,
    )
