"""The real window for a soak (its settings in a folder of their own), waiting on its
event loop, and a recorder of what would crash it: uncaught exceptions in slots or
threads, and Qt's critical and fatal messages."""

from __future__ import annotations

import collections
import gc
import sys
import threading
import time
import traceback

from soaking import Sampler, running_qthreads, trim_heap


def open_window(settings_dir: str):
    """The app's MainWindow, shown, with its settings in ``settings_dir`` (never the user's)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest

    from bpviz.gui.app import create_application
    from bpviz.gui.main_window import MainWindow
    from bpviz.gui.settings import Settings

    create_application()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    store = QSettings(f"{settings_dir}/bpviz.ini", QSettings.Format.IniFormat)
    window = MainWindow(settings=Settings(store))
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowExposed(window)
    QTest.qWaitForWindowActive(window, 2000)
    return window


def process(ms: int = 0) -> None:
    """Run the event loop for ``ms`` (posted deletions included, as a test's wait does).

    PySide raises a slot's exception out of QTest.qWait, where the app's own event loop
    hands it to sys.excepthook (and goes on): here it goes to the hook too."""
    from PySide6.QtTest import QTest

    try:
        QTest.qWait(ms)
    except Exception:
        sys.excepthook(*sys.exc_info())


def wait_until(condition, timeout: float, sampler: Sampler | None = None, slice_ms: int = 5) -> bool:
    """Run the event loop until ``condition()`` holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            return False
        process(slice_ms)
        if sampler is not None:
            sampler.sample(every=0.05)
    return True


def settle(timeout: float = 10.0) -> None:
    """Let the app come to rest: running threads end, deferred deletions happen and
    Python's cycles are collected."""
    wait_until(lambda: not running_qthreads(), timeout)
    for _ in range(3):
        process(20)
        gc.collect()
    process(50)


def trimmed_rss() -> float | None:
    from soaking import rss_mb

    return rss_mb() if trim_heap() else None


class Crashes:
    """While entered: every uncaught exception (a Qt slot's included: PySide hands those
    to sys.excepthook), every exception ending a Python thread and every critical or
    fatal Qt message is recorded here, then handed on to the hook it replaced. Qt
    warnings are counted (and printed once each)."""

    def __init__(self):
        self.crashes: list[str] = []
        self.warnings: collections.Counter[str] = collections.Counter()
        self._saved = None

    def take(self) -> list[str]:
        crashes, self.crashes = self.crashes, []
        return crashes

    def _excepthook(self, kind, value, tb) -> None:
        where = traceback.extract_tb(tb)[-1] if tb is not None else None
        at = f" (at {where.filename}:{where.lineno} in {where.name})" if where else ""
        self.crashes.append(f"uncaught {kind.__name__}: {value}{at}")
        self._saved[0](kind, value, tb)  # what the app (or Python) does with it as well

    def _thread_excepthook(self, args) -> None:
        self.crashes.append(f"thread {args.thread.name if args.thread else '?'} ended by "
                            f"{args.exc_type.__name__}: {args.exc_value}")
        self._saved[1](args)

    def _qt_message(self, mode, context, message) -> None:
        from PySide6.QtCore import QtMsgType

        if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            self.crashes.append(f"Qt {mode.name}: {message}")
        elif mode == QtMsgType.QtWarningMsg:
            self.warnings[message] += 1
            if self.warnings[message] > 1:
                return  # said once; counted in the report
        print(f"Qt {mode.name.removeprefix('Qt').removesuffix('Msg').lower()}: {message}", file=sys.stderr)

    def __enter__(self) -> "Crashes":
        from PySide6.QtCore import qInstallMessageHandler

        self._saved = (sys.excepthook, threading.excepthook)
        sys.excepthook, threading.excepthook = self._excepthook, self._thread_excepthook
        self._saved_qt = qInstallMessageHandler(self._qt_message)
        return self

    def __exit__(self, *exc) -> None:
        from PySide6.QtCore import qInstallMessageHandler

        sys.excepthook, threading.excepthook = self._saved
        qInstallMessageHandler(self._saved_qt)


def run_soak(name: str, soak, cycles: int, warmup: int, crashes: Crashes, sampler: Sampler):
    """``warmup`` cycles of ``soak``, a baseline, ``cycles`` cycles, then the end: the Figures."""
    from soaking import CycleError, Figures, Snapshot, rss_mb

    errors: list[str] = []
    progress_every = max(1, cycles // 10)

    def run(i: int) -> bool:
        try:
            soak.cycle(i)
        except CycleError as exc:
            errors.append(str(exc))
            return len(errors) < 5  # a few, then give up: the rest would say the same
        except Exception as exc:  # the app raised into the soak's own call: a crash
            crashes.crashes.append(f"cycle {i}: {type(exc).__name__}: {exc}")
            traceback.print_exc()
            return False
        return True

    print(f"{name}: warming up ({warmup} cycles) ...", flush=True)
    for i in range(warmup):
        if not run(-1 - i):
            break
    settle()
    baseline = Snapshot.take()
    sampler.reset()
    per_cycle = []
    began = time.perf_counter()
    for i in range(cycles if not errors else 0):
        going = run(i)
        per_cycle.append(rss_mb())
        sampler.peak = max(sampler.peak, per_cycle[-1])
        if (i + 1) % progress_every == 0 or not going:
            print(f"{name}: {i + 1}/{cycles} cycles, {time.perf_counter() - began:.1f} s, "
                  f"RSS {per_cycle[-1]:.1f} MB", flush=True)
        if not going:
            break
    seconds = time.perf_counter() - began
    settle()
    end = Snapshot.take()
    return Figures(name, len(per_cycle), seconds, baseline, end, max(sampler.peak, end.rss_mb),
                   trimmed_rss(), per_cycle, crashes.take() + soak.take_crashes(), errors,
                   soak.details())
