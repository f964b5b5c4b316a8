"""The step soak: on the window's step page, press → then ← (the keys' shortcuts call the
controller's step_forward and step_back, as the transport's buttons do) with the event
loop run after each key so the graph and the equation are painted. Each cycle ends with
one more →, so the soak walks through every step and, past the end of an update, on to
the next sample's trace (computed afresh)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt

from soaking import CycleError, Sampler
from soaking.app import process


class _PaintCounter(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _formula_cache() -> str:
    """How full the typesetter's cache of laid-out formulas is (it is keyed by the
    formulas' text, numbers included, so fresh updates add to it up to its bound)."""
    try:
        from bpviz.gui.widgets.mathtex import layout

        info = layout.cache_info()
        return f"{info.currsize} of {info.maxsize}"
    except (ImportError, AttributeError):
        return "?"


class StepSoak:
    def __init__(self, window, sampler: Sampler):
        self.window, self.page, self.sampler = window, window.step_page, sampler
        window.pages.setCurrentWidget(self.page)
        self.page.graph.setFocus()
        process(50)
        self.paints = _PaintCounter()
        self.page.graph.viewport().installEventFilter(self.paints)
        self.keys = 0
        self.cache_at_baseline = "?"
        self.traces = 0  # new traces: the end of an update crossed
        self.page.controller.traceChanged.connect(self._on_trace)

    def _on_trace(self) -> None:
        self.traces += 1

    def _press(self, key, cycle: int) -> None:
        from PySide6.QtTest import QTest

        c = self.page.controller
        last = len(c.steps) - 1
        if key == Qt.Key.Key_Right:
            expected, traces = (c.index + 1, self.traces) if c.index < last else (-1, self.traces + 1)
        else:
            expected, traces = max(-1, c.index - 1), self.traces
        QTest.keyClick(self.page.graph, key)
        process(0)  # paint now, as the screen would
        self.keys += 1
        if c.index != expected or self.traces != traces:
            raise CycleError(f"cycle {cycle}: {key.name} went to step {c.index} (trace {self.traces}); "
                             f"expected step {expected} (trace {traces}): did the key reach the page?")

    def cycle(self, i: int) -> None:
        if i == 0:  # just after the baseline
            self.cache_at_baseline = _formula_cache()
        for key in (Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._press(key, i)
        self.sampler.sample(every=0.05)

    def take_crashes(self) -> list[str]:
        return []

    def details(self) -> dict:
        session = self.page.session
        return {"keys pressed": self.keys, "graph paints": self.paints.count,
                "new traces (updates crossed)": self.traces,
                "formula layouts cached, baseline -> end": f"{self.cache_at_baseline} -> {_formula_cache()}",
                "now at": f"epoch {session.epoch}, sample {session.sample + 1}, "
                          f"step {self.page.controller.index + 1} of {len(self.page.controller.steps)}"}
