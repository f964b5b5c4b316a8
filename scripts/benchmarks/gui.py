"""GUI benchmarks, rendered offscreen: the step page's animation frames and step changes."""

from __future__ import annotations

import time

import numpy as np

from benchmarks import at_least, at_most, case, info


def _app():
    from bpviz.gui.app import create_application

    return create_application()


def _percentile(values, q):
    return float(np.percentile(np.asarray(values), q))


def _frames(view, n: int) -> list[float]:
    """Seconds per frame: the pulse moves on, and the whole viewport is painted."""
    times = []
    for i in range(n):
        start = time.perf_counter()
        view._on_pulse((i % 30) / 29)
        view.viewport().grab()
        times.append(time.perf_counter() - start)
    return times


@case("step-page", "Step page, offscreen: animation frames and step changes")
def step_page(repeat: int):
    from bpviz.gui.stepper.page import StepPage
    from bpviz.nn import Network
    from bpviz.nn.trace import trace

    _app()
    page = StepPage()
    page.resize(1280, 800)
    page.show()
    rows = []
    # 2-2-1 (notebook-regression), on a backward step with its arrows.
    c = page.controller
    backward = next(s.index for s in c.steps if s.quantity[0] == "dw")
    c.set_index(backward)
    frames = _frames(page.graph, 60 * repeat)
    rows += [
        at_most("2-2-1: frame time p95", _percentile(frames, 95) * 1000, "ms", 16, frames),
        at_least("2-2-1: frames per second (median)", 1 / float(np.median(frames)), "fps", 60),
    ]
    changes = []
    for i in range(len(c.steps) * max(1, repeat // 2)):
        start = time.perf_counter()
        c.set_index(i % len(c.steps))
        changes.append(time.perf_counter() - start)
    rows.append(at_most("2-2-1: step change p95 (values, highlight, equation)",
                        _percentile(changes, 95) * 1000, "ms", 10, changes))
    # 4 layers of 8 units.
    net = Network([8, 8, 8, 8, 8], ["tanh", "tanh", "tanh", "linear"], "mse", init="xavier", seed=1)
    rng = np.random.default_rng(0)
    steps = trace(net, rng.standard_normal(8), rng.standard_normal(8), lr=0.1)
    page.graph.set_network(net.layer_sizes, net.params, (), rng.standard_normal(8))
    c.set_steps(steps)
    c.set_index(next(s.index for s in steps if s.quantity[0] == "da" and s.quantity[1] == 2))
    frames = _frames(page.graph, 40 * repeat)
    rows.append(at_most("4x8: frame time p95", _percentile(frames, 95) * 1000, "ms", 25, frames))
    changes = []
    for i in range(0, len(steps), max(1, len(steps) // 60)):
        start = time.perf_counter()
        c.set_index(i)
        changes.append(time.perf_counter() - start)
    rows.append(info("4x8: step change p95", _percentile(changes, 95) * 1000, "ms", changes))
    page.close()
    return rows
