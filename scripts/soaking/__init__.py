"""bpviz's soak checks: long runs of the real window that must not crash, leak a thread
or grow in memory. Each soak warms up, takes a baseline, runs its cycles, settles and
measures again; ``judge`` turns the figures into a pass or the reasons for a fail.

Probes read Linux's /proc (RSS from VmRSS, OS threads from /proc/self/task and their
names, which Qt sets from a QThread's objectName), the Python threads, and the QThreads
that are running (found among the live Python objects).
"""

from __future__ import annotations

import collections
import ctypes
import gc
import os
import threading
import time
from dataclasses import asdict, dataclass, field

#: The issue's limit: memory growth over a soak, baseline to end.
MAX_GROWTH_MB = 50.0
#: OS thread names that Qt's global thread pool gives its workers. They are Qt's (they
#: expire after 30 s idle), never a QThread of ours, which bpviz names "bpviz-...".
QT_POOL_THREADS = ("Thread (pooled)",)


class CycleError(Exception):
    """A cycle did not do what it should (a run did not end, a key did not step, ...)."""


def rss_mb() -> float:
    """This process's resident memory now (VmRSS), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def os_threads() -> list[str]:
    """This process's OS threads by name. Qt names a QThread's after its objectName; a
    thread Python started inherits the OS name of the thread that started it, so those
    are labelled with their Python name too: "bpviz-train-1 [bpviz-rows_0]"."""
    python = {t.native_id: t.name for t in threading.enumerate()}
    names = []
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/comm") as comm:
                name = comm.read().strip()
        except OSError:  # the thread ended while we looked
            continue
        names.append(f"{name} [{python[int(tid)]}]" if int(tid) in python else name)
    return sorted(names)


def running_qthreads() -> list[str]:
    """The objectNames of the QThreads that are running now, the main thread's excepted."""
    from PySide6.QtCore import QCoreApplication, QThread

    app = QCoreApplication.instance()
    main = app.thread() if app is not None else None
    names = []
    for obj in gc.get_objects():
        try:
            if isinstance(obj, QThread) and obj is not main and obj.isRunning():
                names.append(obj.objectName() or repr(obj))
        except RuntimeError:  # its C++ object is already deleted
            pass
    return sorted(names)


def trim_heap() -> bool:
    """Give glibc's free heap pages back to the system (True if it could)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        return True
    except (OSError, AttributeError):
        return False


@dataclass
class Snapshot:
    """What the probes read at one moment."""

    rss_mb: float
    os_threads: list[str]
    python_threads: list[str]
    running_qthreads: list[str]

    @classmethod
    def take(cls) -> "Snapshot":
        return cls(rss_mb(), os_threads(), sorted(t.name for t in threading.enumerate()),
                   running_qthreads())


@dataclass
class Figures:
    """One soak's results: what ``judge`` checks and what the table prints."""

    name: str
    cycles: int
    seconds: float
    baseline: Snapshot
    end: Snapshot
    rss_peak_mb: float
    rss_end_trimmed_mb: float | None = None  # after malloc_trim: what is really still held
    rss_per_cycle: list[float] = field(default_factory=list)  # after each cycle
    crashes: list[str] = field(default_factory=list)  # uncaught exceptions, failed runs, ...
    errors: list[str] = field(default_factory=list)  # a cycle that did not do what it should
    details: dict = field(default_factory=dict)  # counts worth reporting (stop kinds, paints, ...)

    @property
    def growth_mb(self) -> float:
        return self.end.rss_mb - self.baseline.rss_mb

    def trend_mb_per_100(self) -> float | None:
        """The slope of RSS over the second half of the cycles, in MB per 100 cycles: a
        steady leak shows here even when the total stays under the limit."""
        ys = self.rss_per_cycle[len(self.rss_per_cycle) // 2:]
        if len(ys) < 4:
            return None
        n = len(ys)
        mean_x, mean_y = (n - 1) / 2, sum(ys) / n
        sxx = sum((x - mean_x) ** 2 for x in range(n))
        return 100 * sum((x - mean_x) * (y - mean_y) for x, y in enumerate(ys)) / sxx

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(growth_mb=self.growth_mb, trend_mb_per_100_cycles=self.trend_mb_per_100(),
                    leaked_os_threads=leftover(self.baseline.os_threads, self.end.os_threads),
                    ok=not judge(self), reasons=judge(self))
        return data


def leftover(before: list[str], after: list[str], allowed=()) -> list[str]:
    """The names in ``after`` beyond those in ``before`` (as multisets), except ``allowed``."""
    extra = collections.Counter(after) - collections.Counter(before)
    return sorted(name for name in extra.elements() if name not in allowed)


def judge(f: Figures, max_growth_mb: float = MAX_GROWTH_MB) -> list[str]:
    """The reasons ``f`` fails the issue's criteria; an empty list is a pass."""
    reasons = [f"crash: {c}" for c in f.crashes] + [f"error: {e}" for e in f.errors]
    if f.growth_mb > max_growth_mb:
        reasons.append(f"memory grew {f.growth_mb:.1f} MB (baseline {f.baseline.rss_mb:.1f}, "
                       f"end {f.end.rss_mb:.1f}): the limit is {max_growth_mb:g} MB")
    if len(f.end.running_qthreads) > len(f.baseline.running_qthreads):
        reasons.append(f"running QThreads: {len(f.baseline.running_qthreads)} at baseline, "
                       f"{len(f.end.running_qthreads)} at the end "
                       f"({', '.join(leftover(f.baseline.running_qthreads, f.end.running_qthreads))})")
    extra = leftover(f.baseline.os_threads, f.end.os_threads, allowed=QT_POOL_THREADS)
    if extra:
        reasons.append(f"OS threads: {len(f.baseline.os_threads)} at baseline, "
                       f"{len(f.end.os_threads)} at the end; left over: {', '.join(extra)}")
    py_extra = leftover(f.baseline.python_threads, f.end.python_threads)
    if py_extra:
        reasons.append(f"Python threads left over: {', '.join(py_extra)}")
    return reasons


class Sampler:
    """The RSS peak, read after each cycle and while waiting (see ``wait_until``)."""

    def __init__(self):
        self.peak = 0.0
        self._last = 0.0

    def sample(self, every: float = 0.0) -> float:
        now = time.perf_counter()
        if now - self._last >= every:
            self._last = now
            self.peak = max(self.peak, rss_mb())
        return self.peak

    def reset(self) -> None:
        self.peak = rss_mb()
