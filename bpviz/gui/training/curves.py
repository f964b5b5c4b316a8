"""One run's curves on the cost and accuracy plots, in the run's colour of the theme."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

from bpviz.gui import style
from bpviz.gui.training.history import RunHistory

#: Run colours, in each theme: distinct from each other and from the app's forward blue and
#: backward red, and at least 3:1 against the plots' background (the dark theme's are lighter).
RUN_COLORS = {
    "light": ("#0f766e", "#7c3aed", "#b45309", "#be185d", "#4d7c0f", "#0e7490", "#4338ca", "#57534e"),
    "dark": ("#2dd4bf", "#a78bfa", "#f59e0b", "#f472b6", "#84cc16", "#22d3ee", "#818cf8", "#a8a29e"),
}


class RunCurves:
    """A run's four curves: train cost (solid), test cost (dashed, dots) on the cost plot,
    train accuracy (solid) and test accuracy (dashed, dots) on the accuracy plot."""

    def __init__(self, history: RunHistory, slot: int, cost_plot, accuracy_plot):
        self.history, self.slot = history, slot  # slot: the run's colour, in every theme
        self.cost = cost_plot.plot()
        self.cost.setDownsampling(auto=True, method="peak")
        self.cost.setClipToView(True)
        self.test_cost = cost_plot.plot(symbol="o", symbolSize=6, symbolPen=None)
        self.train_accuracy = accuracy_plot.plot()
        self.test_accuracy = accuracy_plot.plot(symbol="o", symbolSize=6, symbolPen=None)
        self.items = (self.cost, self.test_cost, self.train_accuracy, self.test_accuracy)
        self._evaluations = -1
        self.recolor()

    def recolor(self) -> None:
        """Draw the curves in the run's colour of the current theme."""
        color = RUN_COLORS[style.theme.name][self.slot % len(RUN_COLORS["light"])]
        self.color = QColor(color)
        solid = pg.mkPen(color, width=2.5)
        dashed = pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine)
        for item in (self.cost, self.train_accuracy):
            item.setPen(solid)
        for item in (self.test_cost, self.test_accuracy):
            item.setPen(dashed)
            item.setSymbolBrush(color)

    def refresh(self) -> None:
        h = self.history
        self.cost.setData(h.iteration.values, h.cost.values)
        x = h.eval_iteration.values
        if x.size == self._evaluations:
            return  # the accuracy plot is not touched, so it is not repainted either
        self._evaluations = x.size
        for item, column in ((self.test_cost, h.test_cost), (self.train_accuracy, h.train_accuracy),
                             (self.test_accuracy, h.test_accuracy)):
            y = column.values
            keep = np.isfinite(y)
            item.setData(x[keep], y[keep])

    def freeze(self) -> None:
        """A finished run's curves no longer change: draw them from a cached picture, so
        the running one's updates do not redraw every point of every earlier run."""
        for item in self.items:
            for part in (item.curve, item.scatter):
                part.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_visible(self, visible: bool) -> None:
        for item in self.items:
            item.setVisible(visible)

    def remove(self, cost_plot, accuracy_plot) -> None:
        for item in self.items[:2]:
            cost_plot.removeItem(item)
        for item in self.items[2:]:
            accuracy_plot.removeItem(item)
