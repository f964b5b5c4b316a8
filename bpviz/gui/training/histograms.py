"""Histograms of each layer's output A[l] and of its gradient's magnitudes log10 |dW[l]|
at the latest recorded update, one curve per layer in its colour; redrawn at most once a
second however fast the records come."""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer

from bpviz.gui import style
from bpviz.gui.training.history import RunHistory
from bpviz.gui.training.logaxis import DecadeAxis
from bpviz.gui.training.plots import nice_ceiling
from bpviz.nn.health import Histogram

#: The histograms are redrawn at most this often, in seconds.
REDRAW_EVERY_S = 1.0
#: The clock the throttle reads (a test puts its own in its place).
clock = time.monotonic


def shares(hist: Histogram) -> np.ndarray:
    """Each bin's count as a percentage of the values in the bins."""
    counts = np.asarray(hist.counts, dtype=float)
    return 100 * counts / max(hist.total, 1)


class LayerHistograms:
    """Two plots on a graphics layout: A[l] (share of entries, %, over the activation's
    range) and log10 |dW[l]| (share of nonzero entries, %, by quarter decades), one step
    curve per layer. ``show`` takes a run; the plots follow its latest record. ``owner``
    is the widget that shows ``layout``."""

    def __init__(self, layout: pg.GraphicsLayout, row: int, owner):
        self.title = pg.LabelItem("")
        layout.addItem(self.title, row=row, col=0, colspan=2)
        self.A_plot = layout.addPlot(row=row + 1, col=0)
        self.dW_plot = layout.addPlot(row=row + 1, col=1, axisItems={"bottom": DecadeAxis("bottom")})
        self.plots = (self.A_plot, self.dW_plot)
        for plot in self.plots:
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.disableAutoRange()
            plot.getAxis("left").enableAutoSIPrefix(False)
            plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.curves: dict[tuple[int, int], pg.PlotDataItem] = {}  # (plot 0|1, layer) -> curve
        self.history: RunHistory | None = None
        self.redraws = 0  # how many times the curves were redrawn (the throttle's test reads it)
        self._drawn = None  # (history, its record) drawn last
        self._last = -math.inf  # clock() at the last redraw
        self._top = {}  # plot -> its y range's top: only widens for a run
        self._timer = QTimer(owner)  # goes with the widget that shows the plots
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._redraw_if_due)

    def show(self, history: RunHistory | None) -> None:
        """Follow ``history``'s latest record (None: empty plots); redrawn now if the last
        redraw is REDRAW_EVERY_S old, else when it will be."""
        if history is not self.history:
            self.history = history
            self._top = {}
        self._redraw_if_due()

    def _redraw_if_due(self) -> None:
        wait = self._last + REDRAW_EVERY_S - clock()
        if wait > 0:
            if not self._timer.isActive():
                self._timer.start(max(1, math.ceil(wait * 1000)))
            return
        h = self.history
        latest = (h, h.layer_iteration.size if h is not None else 0)
        if latest == self._drawn:
            return
        self._drawn = latest
        self._last = clock()
        self.redraws += 1
        self._redraw()

    def _redraw(self) -> None:
        h = self.history
        layers = h.latest_layers if h is not None else ()
        for key in [k for k in self.curves if k[1] > len(layers)]:
            self.plots[key[0]].removeItem(self.curves.pop(key))
        for stats in layers:
            for which, hist in enumerate((stats.A_hist, stats.dW_hist)):
                curve = self._curve(which, stats.layer)
                if hist is None:
                    curve.setData([], [])
                    continue
                curve.setData(hist.edges(), shares(hist))
        if layers:
            update = int(h.layer_iteration.values[-1])
            self.title.setText(f"Histograms of run #{h.number} after update {update:,}",
                               color=style.INK.name(), size=self.title.opts.get("size", "10pt"))
        else:
            self.title.setText("Histograms of the newest run shown",
                               color=style.MUTED.name(), size=self.title.opts.get("size", "10pt"))
        self._fit(layers)

    def _curve(self, which: int, layer: int) -> pg.PlotDataItem:
        key = (which, layer)
        if key not in self.curves:
            curve = pg.PlotDataItem(stepMode="center", pen=pg.mkPen(style.layer_color(layer), width=2.5))
            self.plots[which].addItem(curve)
            self.curves[key] = curve
        return self.curves[key]

    def _fit(self, layers) -> None:
        """x: A's range (the widest of the layers'), the decades of dW's bins; y: 0 to a
        nice ceiling of the largest share, widening only for the run."""
        A_edges = [(s.A_hist.low, s.A_hist.high) for s in layers if s.A_hist is not None]
        dW = next((s.dW_hist for s in layers if s.dW_hist is not None), None)
        x_ranges = ((min(e[0] for e in A_edges), max(e[1] for e in A_edges)) if A_edges else (0.0, 1.0),
                    (dW.low, dW.high) if dW is not None else (-12.0, 0.0))
        for which, plot in enumerate(self.plots):
            tops = [float(shares(h).max()) for s in layers
                    for h in ((s.A_hist, s.dW_hist)[which],) if h is not None and h.total]
            top = max([nice_ceiling(max(tops)) if tops else 10.0, self._top.get(which, 0.0)])
            self._top[which] = top
            plot.setRange(xRange=x_ranges[which], yRange=(0, top), padding=0.02)

    def recolor(self) -> None:
        for (which, layer), curve in self.curves.items():
            curve.setPen(pg.mkPen(style.layer_color(layer), width=2.5))
        self._drawn = None
        if self.history is not None or self.title.text:
            self._redraw()
