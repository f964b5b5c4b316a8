"""Numerical-core benchmarks: the cost of a training iteration beyond its matrix products,
time to the tutorial's accuracy (tutorial vs fast), mnist10's peak memory, and the nielsen
preset's small updates against a plain numpy loop."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from benchmarks import at_least, at_most, case, info, interleave, median


@case("iteration", "One full-batch tutorial iteration vs the products it cannot avoid")
def iteration_overhead(repeat: int):
    from bpviz.nn.optimizers import SGD
    from bpviz.presets import get_preset

    rows = []
    for dtype in ("float32", "float64"):
        recipe = get_preset("tutorial").replace(dtype=dtype)
        data = recipe.data()
        net, sgd = recipe.network(), SGD(recipe.lr)
        X, Y, W1 = data.X, data.Y, net.params["W1"]
        dZ1 = np.ones((196, X.shape[1]), dtype)

        def iteration():  # what train() does per update: forward, cost, backward, step
            A, cache = net.forward(X)
            net.cost(A, Y)
            sgd.step(net.params, net.backward(cache, Y))

        def products():  # W1·X forward and dZ1·Xᵀ backward, timed with numpy alone
            W1 @ X
            dZ1 @ X.T

        iteration(), products()  # warm up: buffers, BLAS threads
        samples = interleave(max(repeat, 3) * 5, iteration=iteration, products=products)
        it_s, mm_s = median(samples["iteration"]), median(samples["products"])
        rows += [
            info(f"{dtype}: iteration", it_s, "s", samples["iteration"]),
            info(f"{dtype}: W1·X + dZ1·Xᵀ", mm_s, "s", samples["products"]),
            at_most(f"{dtype}: iteration / products", it_s / mm_s, "x", 1.15),
        ]
    return rows


def _first_reaching(recipe, data, target_correct: int, eval_every: int = 1):
    """Training seconds (evaluation excluded) until the test set has target_correct right."""
    from bpviz.nn import train

    m_test = data.X_test.shape[1]
    config = recipe.replace(eval_every=eval_every).train_config()
    for record in train(recipe.network(), data, config):
        if record.test_accuracy is not None and round(record.test_accuracy * m_test) >= target_correct:
            return record.seconds, record.iteration + 1
    return float("inf"), None


@case("time-to-accuracy", "Time to the tutorial's final test accuracy, 1791/1866 (95.98%)")
def time_to_accuracy(repeat: int):
    from bpviz.presets import get_preset

    tutorial, fast = get_preset("tutorial"), get_preset("fast")
    tutorial_data, fast_data = tutorial.data(), fast.data()
    # The tutorial's run is long (~700 updates), so it is timed once; fast runs `repeat` times.
    tutorial_s, tutorial_its = _first_reaching(tutorial, tutorial_data, 1791)
    fast_runs = [_first_reaching(fast, fast_data, 1791) for _ in range(repeat)]
    fast_s = median([s for s, _ in fast_runs])
    return [
        info(f"tutorial: seconds to 1791/1866 ({tutorial_its} iterations)", tutorial_s, "s"),
        info(f"fast: seconds to 1791/1866 ({fast_runs[0][1]} iterations)", fast_s, "s",
             [s for s, _ in fast_runs]),
        at_least("fast sooner than tutorial", tutorial_s / fast_s, "x", 50),
    ]


def _train_in_subprocess(preset: str) -> tuple[dict, float]:
    """Run `bpviz train --preset` in a child; its JSON report and its peak RSS in MB."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "run.json"
        # VmHWM is this process's own peak; ru_maxrss would carry over the parent's peak
        # from before the fork.
        code = (
            "import sys; from bpviz.cli import main; code = main(sys.argv[1:]);"
            "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0];"
            "print(peak.split()[1]); sys.exit(code)"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, "train", "--preset", preset, "--json", str(out), "--quiet"],
            capture_output=True, text=True, check=True,
        )
        peak_kb = int(done.stdout.strip().splitlines()[-1])
        return json.loads(out.read_text()), peak_kb / 1024


@case("presets", "Full preset runs: accuracy, training seconds and peak memory")
def preset_runs(repeat: int):
    rows = []
    for preset, accuracy in (("fast", 0.98), ("mnist10", 0.97)):
        report, peak_mb = _train_in_subprocess(preset)
        rows += [
            at_least(f"{preset}: test accuracy", report["test_accuracy"], "", accuracy),
            info(f"{preset}: training seconds", report["seconds"], "s"),
            info(f"{preset}: peak memory (whole process)", peak_mb, "MB"),
        ]
    return rows


@case("layer-stats", "The per-layer statistics' cost: on every update, and at the app's cadence")
def layer_stats_cost(repeat: int):
    """Training with and without the statistics, taking turns, at eval_every 1: the worst
    case, the statistics on every update. An update's time is the difference of two
    records' training seconds (evaluation excluded, statistics included); the medians are
    over all updates, so that a busy machine's hiccups, which hit single updates, pass.
    Then each update and its statistics timed in turn, and from those the cost at the
    app's auto cadence, about 20 evaluations a run, over the preset's whole run."""
    import dataclasses

    from bpviz.nn import train
    from bpviz.nn.train import TrainData, count_iterations
    from bpviz.presets import get_preset

    rows = []
    shapes = (("tutorial, 784-196-1 full batch, float64", get_preset("tutorial"), 5),
              ("fast, 784-128-1 batches of 64, Adam, float32", get_preset("fast"), 200))
    for label, preset, iterations in shapes:
        full_run = count_iterations(preset.train_config(), preset.data().m)
        recipe = preset.replace(eval_every=1, epochs=None, iterations=iterations)
        data = recipe.data()
        data = TrainData(data.X, data.Y)  # no test set: its evaluation is not what is timed
        updates: dict[bool, list[float]] = {True: [], False: []}

        def run(stats: bool):
            config = dataclasses.replace(recipe.train_config(), layer_stats=stats)
            seconds = [r.seconds for r in train(recipe.network(), data, config)]
            updates[stats].extend(np.diff([0.0, *seconds])[1:].tolist())  # the first warms up

        run(True), run(False)  # warm up: buffers, BLAS threads
        updates = {True: [], False: []}
        interleave(max(repeat, 3), with_stats=lambda: run(True), without=lambda: run(False))
        on, off = median(updates[True]), median(updates[False])
        alone, update = _stats_alone(recipe, data, 5 * max(repeat, 3) if recipe.batch_size is None else 300)
        rows += [
            info(f"{label}: an update, without statistics", off, "s", updates[False]),
            info(f"{label}: an update, with statistics on every update", on, "s", updates[True]),
            info(f"{label}: with / without, statistics on every update", on / off, "x"),
            info(f"{label}: the statistics alone, timed after each update", alone, "s"),
            info(f"{label}: the statistics alone / that update", alone / update, "x"),
            at_most(f"{label}: with / without, 20 times in {full_run:,} updates (derived)",
                    1 + 20 * alone / (full_run * update), "x", 1.03),
        ]
    return rows


def _stats_alone(recipe, data, updates: int) -> tuple[float, float]:
    """Median seconds of network_stats and of the update before it (batch drawn, forward,
    cost, backward, step), taking turns."""
    import time

    from bpviz.nn.health import network_stats
    from bpviz.nn.optimizers import make_optimizer

    net, optimizer = recipe.network(), make_optimizer(recipe.optimizer, recipe.lr)
    batch = recipe.batch_size or data.m
    rng = np.random.default_rng(1)
    before = {key: value.copy() for key, value in net.params.items()}
    stats_s, update_s = [], []
    for _ in range(updates + 1):
        began = time.perf_counter()
        if batch < data.m:  # a batch drawn as train() draws it
            cols = rng.choice(data.m, batch, replace=False)
            X, Y = data.X[:, cols], data.Y[:, cols]
        else:
            X, Y = data.X, data.Y
        A, cache = net.forward(X)
        net.cost(A, Y)
        grads = net.backward(cache, Y)
        optimizer.step(net.params, grads)
        middle = time.perf_counter()
        network_stats(before, net.params, grads, cache.A, net.activations)
        update_s.append(middle - began)
        stats_s.append(time.perf_counter() - middle)
    return median(stats_s[1:]), median(update_s[1:])


#: Updates timed by the nielsen case: 3 of the preset's 30 epochs (its 150,000 updates take
#: ten times as long, and Python's cost per update is the same in each).
NIELSEN_UPDATES = 15_000


def _nielsen_numpy_loop(X, Y, params, updates: int, batch: int, lr: float, seed: int) -> None:
    """Nielsen's network.py with its backprop vectorised over the mini-batch, in plain numpy:
    shuffle each epoch, then per batch forward, δ^L = (a - y) ⊙ σ'(z), back through the
    layers, and W ← W - (η / m) Σ δ aᵀ."""
    W1, b1, W2, b2 = (params[key] for key in ("W1", "b1", "W2", "b2"))
    rng = np.random.default_rng(seed)
    m, done = X.shape[1], 0
    while done < updates:
        order = rng.permutation(m)
        for start in range(0, m, batch):
            cols = order[start:start + batch]
            A0, Yb = X[:, cols], Y[:, cols]
            A1 = 1 / (1 + np.exp(-(W1 @ A0 + b1)))
            A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
            dZ2 = (A2 - Yb) * A2 * (1 - A2)
            dZ1 = (W2.T @ dZ2) * A1 * (1 - A1)
            step = lr / A0.shape[1]
            W2 -= step * (dZ2 @ A1.T)
            b2 -= step * dZ2.sum(axis=1, keepdims=True)
            W1 -= step * (dZ1 @ A0.T)
            b1 -= step * dZ1.sum(axis=1, keepdims=True)
            done += 1
            if done == updates:
                return


def _nielsen_accuracy(X, Y, params) -> float:
    """Nielsen's evaluate: the share of columns whose largest output is their digit."""
    W1, b1, W2, b2 = (params[key] for key in ("W1", "b1", "W2", "b2"))
    A2 = 1 / (1 + np.exp(-(W2 @ (1 / (1 + np.exp(-(W1 @ X + b1)))) + b2)))
    return float((A2.argmax(axis=0) == Y.argmax(axis=0)).mean())


@case("nielsen", f"The nielsen preset's small updates: bpviz's train() vs a plain numpy loop "
                 f"({NIELSEN_UPDATES:,} of its 150,000 updates, then the accuracies)")
def nielsen_updates(repeat: int):
    from bpviz.nn import train
    from bpviz.presets import get_preset

    recipe = get_preset("nielsen").replace(iterations=NIELSEN_UPDATES)
    data = recipe.data()
    X, Y = data.X, data.Y

    def bpviz_run():  # what `bpviz train --preset nielsen` runs, progress records included
        for _ in train(recipe.network(), data, recipe.train_config()):
            pass

    def numpy_run():
        # The same work as train(): the updates, then the train and test accuracies that
        # `bpviz train` reports at the end (one forward pass over 60,000 images, about 0.1 s:
        # a tenth of that in the preset's whole run, but not a cost per update).
        params = recipe.network().params
        _nielsen_numpy_loop(X, Y, params, NIELSEN_UPDATES, recipe.batch_size, recipe.lr, recipe.seed)
        scoring(params)

    def scoring(params=None):
        params = recipe.network().params if params is None else params
        _nielsen_accuracy(X, Y, params), _nielsen_accuracy(data.X_test, data.Y_test, params)

    samples = interleave(max(repeat, 3), bpviz=bpviz_run, numpy=numpy_run, scoring=scoring)
    bpviz_s, numpy_s = median(samples["bpviz"]), median(samples["numpy"])
    return [
        info(f"bpviz train(), {NIELSEN_UPDATES:,} updates of 10", bpviz_s, "s", samples["bpviz"]),
        info(f"plain numpy loop, {NIELSEN_UPDATES:,} updates of 10", numpy_s, "s", samples["numpy"]),
        info("the accuracies at the end, in each of the two", median(samples["scoring"]), "s", samples["scoring"]),
        info("per update: bpviz", bpviz_s / NIELSEN_UPDATES * 1e6, "µs"),
        info("per update: plain numpy", numpy_s / NIELSEN_UPDATES * 1e6, "µs"),
        at_most("bpviz / plain numpy", bpviz_s / numpy_s, "x", 1.3),
    ]
