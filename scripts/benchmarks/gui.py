"""GUI benchmarks, rendered offscreen: the step page's animation frames and step changes;
the training page's throughput, event-loop stalls and peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
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


def _train_page():
    from bpviz.gui.training.page import TrainPage

    _app()
    page = TrainPage()
    page.resize(1280, 800)
    page.show()
    return page


def _gui_run(page, preset: str, overrides: dict, probe_ms: int | None = None):
    """Wall seconds of one run on the training page with live plotting, and the gaps
    between ticks of a QTimer probe on the main thread (when ``probe_ms`` is given)."""
    from PySide6.QtCore import QEventLoop, QTimer

    form = page.form
    form.preset.setCurrentText(preset)
    for key, value in overrides.items():
        {"iterations": form.length.setValue, "train_size": form.train_size.setEditText}[key](value)
    recipe = form.recipe()
    page.plots.clear_finished()  # one run on the plot, as in a fresh session
    loop = QEventLoop()
    page.runner.finished.connect(loop.quit)
    page.runner.failed.connect(loop.quit)
    ticks = []
    probe = QTimer()
    if probe_ms:
        probe.setInterval(probe_ms)
        probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
        probe.start()
    start = time.perf_counter()
    page.start()
    loop.exec()
    seconds = time.perf_counter() - start
    probe.stop()
    page.runner.finished.disconnect(loop.quit)
    page.runner.failed.disconnect(loop.quit)
    if page.history.status != "finished":
        raise RuntimeError(f"the {preset} run did not finish: {page.status.text()}")
    gaps = [1000 * (b - a) - probe_ms for a, b in zip(ticks, ticks[1:])] if probe_ms else []
    return seconds, gaps, recipe


def _headless_run(recipe) -> float:
    """Wall seconds of the same recipe through `bpviz train` (quiet: no bar), in a process
    of its own: one that has trained on the page keeps its BLAS threads at the training
    threads' lower priority (bpviz.gui.training.worker.yield_cores_to_the_gui)."""
    args = ["train", "--preset", recipe.name, "--quiet", "--eval-every", str(recipe.eval_every)]
    args += ["--iterations", str(recipe.iterations)] if recipe.iterations else ["--epochs", str(recipe.epochs)]
    if recipe.train_size:
        args += ["--train-size", str(recipe.train_size)]
    code = (
        "import contextlib, io, sys, time\n"
        "from bpviz.cli import main\n"
        "start = time.perf_counter()\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(sys.argv[1:]) == 0\n"
        "print(time.perf_counter() - start)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"`bpviz {' '.join(args)}` failed: {done.stderr.strip()}")
    return float(done.stdout.strip().splitlines()[-1])


@case("train-page", "Training page: throughput with live plotting vs headless `bpviz train`, "
                    "event-loop stalls, mnist10 peak memory")
def train_page(repeat: int):
    page = _train_page()
    rows = []
    for preset, overrides in (("tutorial", {"iterations": 100}), ("fast", {})):
        gui, headless = [], []
        for _ in range(max(2, repeat)):
            seconds, _, recipe = _gui_run(page, preset, overrides)
            gui.append(seconds)
            headless.append(_headless_run(recipe))
        ratio = float(np.median(headless)) / float(np.median(gui))
        rows += [
            info(f"{preset}: headless `bpviz train` (median)", float(np.median(headless)), "s", headless),
            info(f"{preset}: training page, live plots (median)", float(np.median(gui)), "s", gui),
            at_least(f"{preset}: page throughput / headless", 100 * ratio, "%", 90),
        ]
    gaps = []
    for _ in range(max(1, repeat // 2)):
        gaps += _gui_run(page, "tutorial", {"iterations": 100}, probe_ms=5)[1]
    rows += [
        at_most("tutorial run: event-loop stall p99 (5 ms QTimer probe)", _percentile(gaps, 99), "ms", 20, gaps),
        at_most("tutorial run: event-loop stall, worst", max(gaps), "ms", 100),
    ]
    page.shutdown()
    page.close()
    rows.append(at_most("mnist10 on 60,000 images, 2 epochs on the page: peak memory (whole process)",
                        _page_peak_memory(), "MB", 1024))
    return rows


def _page_peak_memory() -> float:
    """Peak RSS (MB) of a fresh process that opens the page and trains mnist10 on all data."""
    code = (
        "import os; os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen');"
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from benchmarks.gui import _train_page, _gui_run;"
        "page = _train_page(); page.form.length_unit.setCurrentText('epochs');"
        "page.form.preset.setCurrentText('mnist10'); page.form.length.setValue(2);"
        "seconds, _, recipe = _gui_run(page, 'mnist10', {});"
        "assert page.history.status == 'finished' and recipe.train_size is None, page.status.text();"
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0];"
        "print(peak.split()[1])"
    )
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-c", code, here], capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1]) / 1024
