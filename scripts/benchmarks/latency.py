"""Input latency: real key events posted to the main window, timed until the paint that
shows their effect has finished; idle, and while a tutorial run trains on the other page."""

from __future__ import annotations

import random
import tempfile
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from benchmarks import at_most, case, info

#: Give up on a key after this long (its sample is then this long: a missed target).
TIMEOUT_S = 2.0
#: Keys come this far apart (uniform, seconds).
GAP_S = (0.08, 0.25)


@dataclass
class Kind:
    """One kind of key: what is pressed, the signal that says its state changed, and the
    widgets whose paint shows the effect (all of them must have painted after it)."""

    name: str
    key: object  # Qt.Key
    modifiers: object  # Qt.KeyboardModifier
    text: str
    changed: object  # a SignalInstance
    targets: tuple
    samples: list[float] = field(default_factory=list)


def _kinds(window) -> dict[str, Kind]:
    from PySide6.QtCore import Qt

    none, ctrl = Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier
    step, train, c = window.step_page, window.train_page, window.step_page.controller
    switched = window.pages.currentChanged
    return {
        "right": Kind("→ step forward", Qt.Key.Key_Right, none, "", c.indexChanged, (step.graph.viewport(),)),
        "space": Kind("Space play/pause", Qt.Key.Key_Space, none, " ", c.playingChanged,
                      (step.transport.buttons["play"],)),
        "ctrl2": Kind("Ctrl+2 to the training page", Qt.Key.Key_2, ctrl, "", switched,
                      (train, train.plots.canvas.viewport(), train.diagram)),
        "ctrl1": Kind("Ctrl+1 to the step page", Qt.Key.Key_1, ctrl, "", switched,
                      (step, step.graph.viewport())),
    }


def _timer_class():
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    class PaintTimer(QObject):
        """Watches the window's repaints (UpdateRequest: every dirty widget painted, then
        flushed) and the target widgets' Paint events. A key is done at the end of the
        first repaint in which every target painted after the key's state changed."""

        def __init__(self, window):
            super().__init__()
            self.window = window
            self.targets: tuple = ()
            self.changed_at: float | None = None  # when the key's state changed
            self.painted: set = set()
            self.done_at: float | None = None
            self.done = threading.Event()
            self.kind: Kind | None = None
            self._depth = 0
            self._watched: list = []
            self._filtered: set = set()
            for obj in (window, window.windowHandle()):
                obj.installEventFilter(self)

        def arm(self, kind) -> None:
            """Wait for ``kind``'s effect (in the GUI thread, before its key is posted)."""
            if kind.changed not in self._watched:
                self._watched.append(kind.changed)
                kind.changed.connect(lambda *_, signal=kind.changed: self._on_changed(signal))
            for obj in set(kind.targets) - self._filtered:
                obj.installEventFilter(self)
                self._filtered.add(obj)
            self.done.clear()
            self.kind, self.targets, self.changed_at, self.painted, self.done_at = \
                kind, kind.targets, None, set(), None

        def disarm(self) -> None:
            self.kind, self.targets, self.changed_at = None, (), None

        def _on_changed(self, signal) -> None:
            if self.kind is not None and self.kind.changed == signal and self.changed_at is None:
                self.changed_at = time.perf_counter()

        def eventFilter(self, obj, event) -> bool:
            kind = event.type()
            if kind == QEvent.Type.Paint and self.changed_at is not None and obj in self.targets:
                self.painted.add(obj)
            if self._depth or kind not in (QEvent.Type.UpdateRequest, QEvent.Type.Paint):
                return False
            if kind == QEvent.Type.Paint and obj not in self.targets:
                return False
            # The outermost repaint: let it run to its end (the flush), then look.
            self._depth += 1
            try:
                QCoreApplication.sendEvent(obj, event)
            finally:
                self._depth -= 1
            if (self.changed_at is not None and not self.done.is_set()
                    and len(self.painted) == len(self.targets)):
                self.done_at = time.perf_counter()
                self.done.set()
            return True

    return PaintTimer


def _ready(window, kind: str) -> bool:
    """Whether the window shows the page where ``kind`` has an effect to show."""
    step = window.pages.currentWidget() is window.step_page
    return step if kind in ("right", "space", "ctrl2") else not step


def _measure(app, window, order: list[str], kinds: dict[str, Kind], timer) -> int:
    """Post each key of ``order`` from a helper thread, at a random moment as a keyboard's
    arrive (now during a repaint, now between two), while the GUI thread runs its event
    loop; samples (ms) go to ``kinds``. Returns how often the focus had left the step page
    when a step-page key was due (a click put it back)."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QThread
    from PySide6.QtGui import QInputDevice, QKeyEvent

    armed = threading.Event()
    receiver, refocused = {}, []
    loop = QEventLoop()
    call = QEvent.Type(QEvent.registerEventType())

    class Bridge(QObject):
        """Lives in the GUI thread; the helper thread posts it events (a signal emitted
        from a thread Qt did not start makes PySide warn)."""

        def event(self, event) -> bool:
            if event.type() != call:
                return super().event(event)
            name = queue.pop(0)
            if name is None:
                loop.quit()
                return True
            if not _ready(window, name):
                window.pages.setCurrentWidget(window.step_page if name != "ctrl1" else window.train_page)
            if name in ("right", "space") and not window.step_page.isAncestorOf(app.focusWidget()):
                window.step_page.graph.setFocus()  # as a click on the graph would
                refocused.append(name)
            timer.arm(kinds[name])
            receiver["widget"] = app.focusWidget() or window
            armed.set()
            return True

    bridge, queue = Bridge(), []

    def ask(name) -> None:
        queue.append(name)
        app.postEvent(bridge, QEvent(call))

    rng = random.Random(1)

    def drive() -> None:
        try:
            for name in order:
                time.sleep(rng.uniform(*GAP_S))
                armed.clear()
                ask(name)
                armed.wait(TIMEOUT_S)
                widget, k = receiver["widget"], kinds[name]
                start = time.perf_counter()
                for type_ in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    app.postEvent(widget, QKeyEvent(type_, k.key, k.modifiers, k.text))
                end = timer.done_at if timer.done.wait(TIMEOUT_S) and timer.done_at else start + TIMEOUT_S
                k.samples.append(1000 * (end - start))
                timer.disarm()
        finally:
            ask(None)

    class Driver(QThread):  # a QThread: a Python thread makes PySide warn as it ends
        def run(self) -> None:
            drive()

    QInputDevice.primaryKeyboard()  # made here, once: a key event asks for it (offscreen has none)
    driver = Driver()
    driver.start()
    loop.exec()
    driver.wait()
    return len(refocused)


def _order(cycles: int) -> list[str]:
    """Each cycle: a step, play, pause, to the training page and back."""
    return ["right", "space", "space", "ctrl2", "ctrl1"] * cycles


def _settle(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def _rows(condition: str, kinds: dict[str, Kind]) -> list:
    rows = []
    for kind in kinds.values():
        s = kind.samples
        rows += [
            info(f"{condition}: {kind.name}, p50", float(np.percentile(s, 50)), "ms", s),
            at_most(f"{condition}: {kind.name}, p95", float(np.percentile(s, 95)), "ms", 50, s),
            at_most(f"{condition}: {kind.name}, worst", float(max(s)), "ms", 150, s),
        ]
    return rows


@case("input-latency", "Input latency: a key posted to the window until the paint showing "
                       "its effect has finished (→, Space, Ctrl+2/Ctrl+1), idle and while "
                       "the tutorial trains")
def input_latency(repeat: int):
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest

    from benchmarks.gui import _app
    from bpviz.gui.main_window import MainWindow
    from bpviz.gui.settings import Settings

    app = _app()
    cycles = 8 * repeat  # 40 keys of each kind (80 Space) at the default --repeat 5
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(QSettings(f"{folder}/settings.ini", QSettings.Format.IniFormat))
        window = MainWindow(settings=settings)
        window.resize(1280, 800)
        window.show()
        window.activateWindow()  # a display without a window manager activates no window itself
        QTest.qWaitForWindowActive(window, 2000)
        _settle(app, 0.5)
        timer = _timer_class()(window)
        rows = [info(f"keys per condition (Qt platform {app.platformName()}, window "
                     f"{'active' if app.activeWindow() is window else 'NOT active'})",
                     len(_order(cycles)), "keys")]
        idle = _kinds(window)
        lost = _measure(app, window, _order(cycles), idle, timer)
        training = _kinds(window)
        page = window.train_page
        page.form.preset.setCurrentText("tutorial")
        page.start()
        deadline = time.perf_counter() + 60
        while page.history.done == 0 and time.perf_counter() < deadline:  # the data load
            _settle(app, 0.05)
        done_before = page.history.done
        began = time.perf_counter()
        lost += _measure(app, window, _order(cycles), training, timer)
        seconds = time.perf_counter() - began
        updates = page.history.done - done_before
        still = page.runner.state == "running"
        page.shutdown()  # stops the run and joins its thread
        window.close()
        _settle(app, 0.1)
    rows += _rows("idle", idle)
    rows += _rows("training", training)
    rows.append(info("focus not on the step page after Ctrl+1 (put back by a click)", lost, "times"))
    rows.append(info(f"training: updates made while measuring ({seconds:.0f} s; "
                     f"{'still running' if still else 'ENDED early'})", updates, "updates"))
    return rows
