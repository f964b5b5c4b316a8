"""Training in a worker thread: the worker iterates ``bpviz.nn.train`` and emits copies,
throttled by time at the source; the runner owns the thread, pauses, stops and cleans up.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from bpviz.errors import BpvizError
from bpviz.nn.divergence import Divergence
from bpviz.nn.metrics import class_probabilities, confusion_matrix
from bpviz.nn.network import Network
from bpviz.nn.train import Progress, TrainData, count_iterations, evaluate, train
from bpviz.presets import Recipe

#: At most this many updates per second reach the GUI, however fast the iterations are.
#: Each costs the GUI thread a few milliseconds of drawing, taken from the cores that
#: train: at 10 a second training ran at 84-87 % of its headless speed, at 5 above 90 %
#: (scripts/bench: train-page).
SIGNALS_PER_SECOND = 5
#: The first-layer weights are copied for the live images at most this often.
WEIGHTS_PER_SECOND = 1
GALLERY_SIZE = 32
#: How much nicer (Linux: 0 normal .. 19 lowest) the training threads are than the GUI
#: thread, so that it wins a core whenever it has a key or a paint to handle. While the
#: tutorial trained, the GUI thread waited 17-26 ms per key for a core at the same nice
#: value, 5-7 ms at +10 (scripts/bench: input-latency).
NICER_BY = 10


def yield_cores_to_the_gui() -> None:
    """Make the training threads give way to the GUI thread when they want the same core.

    Linux keeps a nice value per thread. This raises the calling (training) thread's and
    that of the process's unnamed native threads, the BLAS library's workers, which compute
    half of every matrix product: nicer than its own helpers, the training thread would
    wait for them. Linux shares the cores between sessions (autogroups) or apps (cgroups)
    first, so against other programs training loses nothing. Elsewhere the thread starts
    at QThread's LowPriority instead.
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is threading.main_thread():
        return  # never the GUI's own thread
    try:
        gui = os.getpid()  # the main thread's id
        target = min(19, os.getpriority(os.PRIO_PROCESS, gui) + NICER_BY)
        tids = [int(t) for t in os.listdir("/proc/self/task") if int(t) != gui]
        name = _thread_name(gui)
    except OSError:
        return
    own = threading.get_native_id()
    for tid in tids:
        try:
            if (tid == own or _thread_name(tid) == name) and os.getpriority(os.PRIO_PROCESS, tid) < target:
                os.setpriority(os.PRIO_PROCESS, tid, target)
        except OSError:  # ended meanwhile, or not allowed: it keeps its priority
            pass


def _thread_name(tid: int) -> str:
    """The kernel's name of a thread of this process (Qt names its threads; BLAS does not)."""
    with open(f"/proc/self/task/{tid}/comm") as f:
        return f.read()


def class_names(recipe: Recipe) -> tuple[str, ...]:
    """The output classes' names: the two digits, or 0-9."""
    return tuple(map(str, range(10))) if recipe.digits is None else tuple(map(str, recipe.digits))


@dataclass(frozen=True)
class Predictions:
    """Test images with the model's class probabilities for each."""

    images: np.ndarray  # (k, 784) uint8
    true: np.ndarray  # (k,) class indices
    probabilities: np.ndarray  # (k, n_classes)
    summary: str | None = None  # what the digits are, when not a plain sample


@dataclass(frozen=True)
class Update:
    """What reaches the GUI at most SIGNALS_PER_SECOND times a second: every record
    since the last one."""

    run_id: int
    records: tuple[Progress, ...]
    elapsed: float  # wall-clock seconds of the run so far, pauses excluded
    weights: np.ndarray | None = None  # a copy of W1, when due
    gallery: Predictions | None = None  # after an evaluation


@dataclass(frozen=True)
class Report:
    """A model's results on its test set: accuracies, confusion matrix and a gallery."""

    class_names: tuple[str, ...]
    train_accuracy: float | None
    test_accuracy: float | None
    test_cost: float | None
    confusion: np.ndarray
    gallery: Predictions


@dataclass(frozen=True)
class RunResult:
    """How a run ended. ``stopped`` is "finished", "diverged" or "stopped" (by the user)."""

    run_id: int
    recipe: Recipe
    net: Network  # the worker no longer touches it
    stopped: str
    message: str
    elapsed: float
    report: Report | None
    divergence: Divergence | None = None  # a diverged run: what went first


def _test_labels(data: TrainData) -> np.ndarray:
    Y = data.Y_test
    return Y[0].astype(np.intp) if Y.shape[0] == 1 else np.argmax(Y, axis=0)


def _independent(net: Network) -> bool:
    """Several sigmoid output units (Nielsen's): each its own class's output, not a softmax."""
    return net.activations[-1] == "sigmoid" and net.layer_sizes[-1] > 1


def gallery_indices(m: int, size: int = GALLERY_SIZE) -> np.ndarray:
    """Test examples spread evenly over the test set (a two-digit subset is ordered by digit)."""
    return np.unique(np.linspace(0, m - 1, min(size, m)).astype(np.intp))


def _images(X_columns: np.ndarray, cols: np.ndarray) -> np.ndarray:
    return np.rint(X_columns[:, cols].T * 255).astype(np.uint8)


def live_gallery(net: Network, data: TrainData, cols: np.ndarray) -> Predictions | None:
    with np.errstate(all="ignore"):
        A, _ = net.forward(data.X_test[:, cols])
    if not np.isfinite(A).all():  # a diverging run: train() stops it at its next cost
        return None
    return Predictions(_images(data.X_test, cols), _test_labels(data)[cols],
                       class_probabilities(A, independent=_independent(net)))


def report(net: Network, data: TrainData, names: tuple[str, ...],
           train_accuracy: float | None = None) -> Report:
    """The confusion matrix and accuracies on ``data``'s test set, and a gallery of spread
    test images followed by up to 32 of the model's mistakes. ``train_accuracy`` is
    computed unless given (the last update of a run has just measured it)."""
    if train_accuracy is None:
        _, train_accuracy = evaluate(net, data.X, data.Y)
    A, _ = net.forward(data.X_test)
    test_cost = net.cost(A, data.Y_test)
    true = _test_labels(data)
    predicted = net.labels_from_output(A)
    counts = confusion_matrix(true, predicted, len(names))
    spread = gallery_indices(true.size)
    wrong = np.flatnonzero(predicted != true)
    wrong = wrong[np.linspace(0, wrong.size - 1, min(GALLERY_SIZE, wrong.size)).astype(np.intp)] \
        if wrong.size else wrong
    extra = np.setdiff1d(wrong, spread)
    cols = np.concatenate([spread, extra])
    probabilities = class_probabilities(A[:, cols], independent=_independent(net))
    in_spread = int((predicted[spread] != true[spread]).sum())
    summary = (f"{in_spread} wrong of {spread.size} digits from across the test set, then "
               f"{extra.size} more of its {int((predicted != true).sum())} mistakes")
    gallery = Predictions(_images(data.X_test, cols), true[cols], probabilities, summary if extra.size else None)
    test_accuracy = float(np.trace(counts) / max(true.size, 1))
    return Report(names, train_accuracy, test_accuracy, test_cost, counts, gallery)


class TrainWorker(QObject):
    """Runs one recipe. Lives in its own thread; talks to the GUI through signals only."""

    updated = Signal(object)  # Update
    finished = Signal(object)  # RunResult
    failed = Signal(int, str)  # run id, message

    def __init__(self, run_id: int, recipe: Recipe, mnist_dir=None):
        super().__init__()
        self.run_id = run_id
        self.recipe = recipe
        self.mnist_dir = mnist_dir
        self._stop = threading.Event()
        self._resume = threading.Event()
        self._resume.set()
        #: Set while the thread waits, paused, between two updates (nothing more comes).
        self.parked = threading.Event()
        self._paused_seconds = 0.0
        self._report = True

    # Called from the GUI thread; plain thread-safe flags.
    def request_stop(self, report: bool = True) -> None:
        """Stop after the update under way; ``report`` False skips the stopped model's
        results (the window is closing, or another run is about to start)."""
        self._report = self._report and report
        self._stop.set()
        self._resume.set()

    def pause(self) -> None:
        self._resume.clear()

    def resume(self) -> None:
        self._resume.set()

    def _should_stop(self) -> bool:
        if not self._resume.is_set():
            began = time.perf_counter()
            self.parked.set()
            while not self._resume.wait(0.1):
                pass
            self.parked.clear()
            self._paused_seconds += time.perf_counter() - began
        return self._stop.is_set()

    @Slot()
    def run(self) -> None:
        yield_cores_to_the_gui()
        try:
            self._run()
        except BpvizError as exc:
            self.failed.emit(self.run_id, str(exc))
        except MemoryError:
            self.failed.emit(self.run_id, "out of memory: try a smaller training-set size, "
                                          "fewer units or float32")
        except Exception as exc:  # the thread must end whatever happens; say what it was
            traceback.print_exc()
            self.failed.emit(self.run_id, f"training failed: {type(exc).__name__}: {exc}")

    def _run(self) -> None:
        began = time.perf_counter()
        recipe = self.recipe
        data = recipe.data(self.mnist_dir)
        net = recipe.network(n_inputs=data.X.shape[0])
        if self._stop.is_set():
            return self.finished.emit(RunResult(self.run_id, recipe, net, "stopped",
                                                "stopped before the first iteration", 0.0, None))
        elapsed = lambda: time.perf_counter() - began - self._paused_seconds  # noqa: E731
        cols = gallery_indices(data.X_test.shape[1])
        pending: list[Progress] = []
        last_emit = last_weights = -1.0
        final: Progress | None = None
        for progress in train(net, data, recipe.train_config(), should_stop=self._should_stop):
            pending.append(progress)
            final = progress
            now = time.perf_counter()
            if progress.stopped is None and now - last_emit < 1 / SIGNALS_PER_SECOND:
                continue
            weights = None
            if now - last_weights >= 1 / WEIGHTS_PER_SECOND or progress.stopped:
                weights, last_weights = net.params["W1"].copy(), now
            evaluated = any(p.test_accuracy is not None for p in pending)
            gallery = live_gallery(net, data, cols) if evaluated and not progress.stopped else None
            self.updated.emit(Update(self.run_id, tuple(pending), elapsed(), weights, gallery))
            pending, last_emit = [], now
        if pending:
            self.updated.emit(Update(self.run_id, tuple(pending), elapsed(), net.params["W1"].copy()))
        if final is None or final.stopped is None:
            done = 0 if final is None else final.iteration + 1
            total = count_iterations(recipe.train_config(), data.m)
            stopped, message = "stopped", f"stopped after {done} of {total} updates"
        else:
            stopped, message = final.stopped, final.message
        result = None
        if self._report and (stopped != "diverged" or final.iteration):
            known = final.train_accuracy if stopped == "finished" else None
            try:
                with np.errstate(all="ignore"):  # a diverging model overflows; said below
                    result = report(net, data, class_names(recipe), known)
            except BpvizError as exc:  # NaN weights after the last update, say
                message = f"{message}; no results: {exc}".lstrip("; ")
        divergence = final.divergence if stopped == "diverged" else None
        self.finished.emit(RunResult(self.run_id, recipe, net, stopped, message, elapsed(), result, divergence))


class TrainRunner(QObject):
    """Owns at most one worker thread. Starting a run stops the one going; ``shutdown``
    stops and joins it (call it before the window closes)."""

    updated = Signal(object)  # Update of the current run
    finished = Signal(object)  # RunResult of the current run
    failed = Signal(str)
    stateChanged = Signal(str)  # "running", "paused", "stopping", "idle"

    def __init__(self, parent: QObject | None = None, mnist_dir=None):
        super().__init__(parent)
        self.mnist_dir = mnist_dir
        self._thread: QThread | None = None
        self._worker: TrainWorker | None = None
        self._run_id = 0
        self.state = "idle"

    @property
    def run_id(self) -> int:
        return self._run_id

    def is_running(self) -> bool:
        return self._thread is not None

    def start(self, recipe: Recipe) -> int:
        """Stop any run going, then start ``recipe``; returns the new run's id."""
        self.stop(report=False)
        self._run_id += 1
        thread = QThread()
        thread.setObjectName(f"bpviz-train-{self._run_id}")
        worker = TrainWorker(self._run_id, recipe, self.mnist_dir)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.updated.connect(self._on_updated)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        # Direct: the worker's thread ends its own event loop, even while the GUI waits.
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        worker.failed.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        # The worker is deleted as its thread ends: a deleteLater posted once the thread
        # has finished would never run, and every run would leave its worker behind.
        thread.finished.connect(worker.deleteLater)
        self._thread, self._worker = thread, worker
        thread.start(QThread.Priority.LowPriority)
        self._set_state("running")
        return self._run_id

    def pause(self) -> None:
        if self._worker is not None and self.state == "running":
            self._worker.pause()
            self._set_state("paused")

    def resume(self) -> None:
        if self._worker is not None and self.state == "paused":
            self._worker.resume()
            self._set_state("running")

    def stop(self, wait: bool = True, report: bool = True) -> bool:
        """Ask the run to stop after its current update. Returns True when a run was going;
        its result still arrives, marked "stopped". With ``wait`` the thread is joined
        here; without, the GUI goes on ("stopping") and the result ends the run."""
        thread, worker = self._thread, self._worker
        if thread is None:
            return False
        worker.request_stop(report)
        if not wait:
            self._set_state("stopping")
            return True
        thread.quit()  # ends its event loop as soon as run() returns
        thread.wait()
        # Deliver what the worker emitted before it ended (its result among them).
        QCoreApplication.sendPostedEvents(self)
        self._release()
        return True

    def shutdown(self) -> None:
        """Stop and join the run without computing its results: the window is closing."""
        self.stop(wait=True, report=False)

    def _release(self) -> None:
        thread = self._thread
        self._thread = self._worker = None  # the worker goes with its thread's finished signal
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        self._set_state("idle")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)

    @Slot(object)
    def _on_updated(self, update: Update) -> None:
        if update.run_id == self._run_id:
            self.updated.emit(update)

    @Slot(object)
    def _on_finished(self, result: RunResult) -> None:
        if result.run_id != self._run_id:
            return
        if self._thread is not None:
            self._thread.wait()
            self._release()
        self.finished.emit(result)

    @Slot(int, str)
    def _on_failed(self, run_id: int, message: str) -> None:
        if run_id != self._run_id:
            return
        if self._thread is not None:
            self._thread.wait()
            self._release()
        self.failed.emit(message)
