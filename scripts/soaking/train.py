"""The training soak: start a run on the window's training page, stop it at a moment the
seed picks (at once, after the first update, 0-300 ms in, while paused, or after a
restart mid-run), and wait until the run has ended and its thread with it."""

from __future__ import annotations

import collections
import gc

import numpy as np

from soaking import CycleError, Sampler
from soaking.app import process, wait_until

#: How a cycle's stop lands, and how often.
KINDS = {
    "at once": 0.2,  # Stop right after Start: usually before the data has loaded
    "after the first update": 0.3,
    "0-300 ms in": 0.3,
    "while paused": 0.1,  # pause after the first update, then stop
    "after a restart": 0.1,  # Start again mid-run (it stops the run going), then stop
}
#: A run that is not stopped ends by itself after a few seconds, so stops land mid-run.
PRESET, TRAIN_SIZE = "tutorial", 500
#: Every run stays on the plot (by design, to compare) at about 0.25 MB each, until
#: "Clear finished runs": pressed every this many cycles, as a user would, so that the
#: soak measures what the runs leave behind rather than the plot's list (--keep-runs).
CLEAR_EVERY = 10
END_TIMEOUT = 30.0  # seconds a stopped run may take to end before the cycle fails


def _alive() -> dict[str, int]:
    """How many QThread and TrainWorker objects exist (running or not)."""
    from PySide6.QtCore import QThread

    from bpviz.gui.training.worker import TrainWorker

    counts = collections.Counter(type(o).__name__ for o in gc.get_objects()
                                 if isinstance(o, (QThread, TrainWorker)))
    return {"QThread": counts["QThread"], "TrainWorker": counts["TrainWorker"]}


class TrainSoak:
    def __init__(self, window, rng: np.random.Generator, sampler: Sampler,
                 preset: str = PRESET, train_size: int = TRAIN_SIZE, clear_every: int = CLEAR_EVERY):
        self.window, self.page, self.rng, self.sampler = window, window.train_page, rng, sampler
        window.pages.setCurrentWidget(self.page)  # so its plots are drawn
        form = self.page.form
        form.preset.setCurrentText(preset)
        form.train_size.setEditText(str(train_size))
        if form.recipe() is None:
            raise CycleError(f"the form refused {preset} on {train_size} images: {form.errors}")
        self.recipe = f"{preset} on {train_size} images"
        self.clear_every, self.clears = clear_every, 0
        self.alive_at_baseline: dict[str, int] = {}
        self.updates = 0
        self.failures: list[str] = []
        self.kinds: collections.Counter[str] = collections.Counter()
        self.endings: collections.Counter[str] = collections.Counter()
        self.runs = 0
        runner = self.page.runner
        runner.updated.connect(self._on_updated)
        runner.failed.connect(self.failures.append)

    def _on_updated(self, _update) -> None:
        self.updates += 1

    def _wait(self, condition, what: str, cycle: int, kind: str, timeout: float = END_TIMEOUT) -> None:
        if not wait_until(condition, timeout, self.sampler):
            raise CycleError(f"cycle {cycle} ({kind}): {what} within {timeout:g} s "
                             f"(runner {self.page.runner.state}, status: {self.page.status.text()!r})")

    def _start(self, cycle: int, kind: str) -> None:
        if not self.page.start():
            raise CycleError(f"cycle {cycle} ({kind}): Start refused: {self.page.status.text()!r}")
        self.runs += 1

    def cycle(self, i: int) -> None:
        """One start and stop; a warm-up cycle (``i`` < 0) trains until the first update,
        so that what the app makes once (bpviz.nn.parallel's pool, caches) exists by the
        baseline."""
        page, rng = self.page, self.rng
        if i == 0:  # just after the baseline
            self.alive_at_baseline = _alive()
        kind = "after the first update" if i < 0 else str(rng.choice(list(KINDS), p=list(KINDS.values())))
        self.kinds[kind] += 1
        first = self.updates + 1
        self._start(i, kind)
        if kind == "after the first update":
            self._wait(lambda: self.updates >= first, "no update arrived", i, kind)
        elif kind == "0-300 ms in":
            process(int(rng.integers(0, 301)))
        elif kind == "while paused":
            self._wait(lambda: self.updates >= first or page.runner.state == "idle",
                       "no update arrived", i, kind)
            page.toggle_pause()
            process(int(rng.integers(20, 151)))
        elif kind == "after a restart":
            process(int(rng.integers(0, 301)))
            earlier = page.history
            self._start(i, kind)  # stops the run going, joins its thread, starts anew
            if earlier.status not in ("stopped", "finished"):
                raise CycleError(f"cycle {i} ({kind}): the restarted run ended {earlier.status!r}")
            self.endings[earlier.status] += 1
            process(int(rng.integers(0, 151)))
        page.stop()  # the Stop button's path: the GUI does not wait
        self._wait(lambda: page.runner.state == "idle" and not page.runner.is_running(),
                   "the run did not end", i, kind)
        status = page.history.status
        self.endings[status] += 1
        if status not in ("stopped", "finished"):
            raise CycleError(f"cycle {i} ({kind}): the run ended {status!r}: {page.status.text()!r}")
        if self.clear_every and i >= 0 and (i + 1) % self.clear_every == 0:
            page.plots.clear_button.click()
            self.clears += 1

    def take_crashes(self) -> list[str]:
        """Failed runs, and QThread or TrainWorker objects that outlive their runs (a leak
        of one object per run grows memory too slowly for the 50 MB limit to see)."""
        failures, self.failures[:] = list(self.failures), []
        found = [f"the training run failed: {message}" for message in failures]
        now = _alive()
        found += [f"{count - self.alive_at_baseline[name]} more {name} objects alive than at the baseline "
                  f"({self.alive_at_baseline[name]} -> {count}): each run leaves one behind"
                  for name, count in now.items() if count > self.alive_at_baseline.get(name, count)]
        return found

    def details(self) -> dict:
        now = _alive()
        return {"objects alive, baseline -> end": ", ".join(
                    f"{name} {self.alive_at_baseline.get(name, '?')} -> {count}" for name, count in now.items()),
                "recipe": self.recipe,
                "runs started": self.runs, "updates received": self.updates,
                "stops": dict(self.kinds), "runs ended": dict(self.endings),
                "runs on the plot": (f"{len(self.page.plots.runs)} at the end; finished runs cleared "
                                     f"{self.clears} times (every {self.clear_every} cycles)"
                                     if self.clear_every else
                                     f"{len(self.page.plots.runs)} (all kept: --keep-runs)")}
