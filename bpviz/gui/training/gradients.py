"""The Gradients tab: each layer's gradient norm ‖dW[l]‖ against updates on a log scale,
its update ratio ‖ΔW[l]‖ / ‖W[l]‖ and its share of saturated or dead units, one column of
small plots per run shown on the cost plot, on shared axes; under them, histograms of A[l]
and dW[l] at the latest update. A colour per layer; the views only draw what training
recorded."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QTabBar, QVBoxLayout, QWidget

from bpviz.gui import style
from bpviz.gui.training.curves import RUN_COLORS
from bpviz.gui.training.histograms import LayerHistograms
from bpviz.gui.training.history import RunHistory
from bpviz.gui.training.logaxis import DecadeAxis, decades
from bpviz.gui.training.plots import LABEL_POINTS, TICK_POINTS
from bpviz.gui.training.text import label

#: At most this many runs side by side (the newest of those ticked in the list of runs).
MAX_RUNS = 3
#: The rows of small plots: the statistic, its title, and whether its axis is logarithmic.
ROWS = (("dW_norm", "Gradient norm ‖dW[l]‖", True),
        ("update_ratio", "Update ratio ‖ΔW[l]‖ / ‖W[l]‖", True),
        ("share", "Saturated (sigmoid, tanh) or dead (ReLU) units, %", False))
#: How the rows share the height: the gradient norms most.
ROW_STRETCH = (5, 3, 2)
#: The tab's two views: the statistics over each run, the histograms at the latest update.
SWITCH = ("Over the run", "Histograms")
NO_RUNS = ("Each layer's gradient norm appears here while a run trains: in a deep sigmoid "
           "network the first layer's is the smallest.")


class _Column:
    """One run's small plots (one per row), a curve per layer in each."""

    def __init__(self, view: "GradientsView", history: RunHistory, col: int):
        self.history = history
        layout = view.canvas.ci
        self.header = pg.LabelItem("")
        self.header.setToolTip(history.label)
        layout.addItem(self.header, row=0, col=col)
        self.plots, self.curves = [], []
        self.drawn = -1  # the records drawn
        self.ranges = None  # the (x, y) ranges set, per row
        depth = len(history.recipe.layers)
        for r, (name, _, log) in enumerate(ROWS):
            axes = {"left": DecadeAxis("left")} if log else {}
            plot = layout.addPlot(row=2 * r + 2, col=col, axisItems=axes)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.disableAutoRange()
            plot.setLogMode(y=log)
            for side in ("left", "bottom"):
                plot.getAxis(side).enableAutoSIPrefix(False)
            if col > 0:  # the first column's ticks name the rows' shared y axes
                plot.getAxis("left").setStyle(showValues=False)
            if r < len(ROWS) - 1:  # one x axis with numbers, under the column
                plot.getAxis("bottom").setStyle(showValues=False)
                plot.getAxis("bottom").setHeight(6)
            if self.plots:
                plot.setXLink(self.plots[0])
            self.plots.append(plot)
            self.curves.append([plot.plot() for _ in range(depth)])
        self.recolor()

    def recolor(self) -> None:
        for row in self.curves:
            for l, curve in enumerate(row, start=1):
                curve.setPen(pg.mkPen(style.layer_color(l), width=2.5))
                curve.setSymbolBrush(style.layer_color(l))  # a run of one point is a dot

    def refresh(self) -> bool:
        """Redraw the curves if records came since the last time; True if they did."""
        h = self.history
        x = h.layer_iteration.values
        if x.size == self.drawn:
            return False
        self.drawn = x.size
        for r, (name, _, log) in enumerate(ROWS):
            for l, curve in enumerate(self.curves[r], start=1):
                y = self.values(name, l)
                keep = np.isfinite(y) & (y > 0) if log else np.isfinite(y)
                # One point (a run that diverged on its second update) draws no line: a dot.
                colour = style.layer_color(l)
                dot = {"symbol": "o", "symbolSize": 7, "symbolPen": None, "symbolBrush": colour} \
                    if keep.sum() == 1 else {"symbol": None}
                curve.setData(x[keep], y[keep], **dot)
        return True

    def values(self, name: str, l: int) -> np.ndarray:
        """Row ``name``'s values for layer ``l`` (a share in %: saturated, else dead)."""
        h = self.history
        if l > h.depth:
            return np.empty(0)
        if name != "share":
            return h.layer_column(name, l)
        saturated, dead = h.layer_column("saturated", l), h.layer_column("dead", l)
        return 100 * np.where(np.isfinite(saturated), saturated, dead)


class GradientsView(QWidget):
    """Follows ``plots`` (the PlotsPanel): its runs, and which of them are shown."""

    def __init__(self, plots, parent: QWidget | None = None):
        super().__init__(parent)
        self.plots_panel = plots
        self.scale = 1.0
        self.columns: list[_Column] = []
        self.ranges: dict[str, tuple[int, int]] = {}  # a log row -> its decades (low, high)
        self.legend = label(points=11)
        self.note = label(points=10, color=style.MUTED)
        self.note.hide()
        self.canvas = pg.GraphicsLayoutWidget()
        grid = self.canvas.ci.layout
        grid.setContentsMargins(2, 2, 6, 2)
        grid.setVerticalSpacing(2)
        self.row_titles = []
        for r, (_, title, _) in enumerate(ROWS):
            item = pg.LabelItem(title)
            self.canvas.ci.addItem(item, row=2 * r + 1, col=0)
            self.row_titles.append(item)
        for r, stretch in enumerate(ROW_STRETCH):  # the norms get the most room
            grid.setRowStretchFactor(2 * r + 2, stretch)
        self.x_title = pg.LabelItem("iteration (updates)")
        self.canvas.ci.addItem(self.x_title, row=2 * len(ROWS) + 2, col=0)
        self.hist_canvas = pg.GraphicsLayoutWidget()
        self.hist_canvas.ci.layout.setContentsMargins(2, 2, 6, 2)
        self.histograms = LayerHistograms(self.hist_canvas.ci, 0, self.hist_canvas)
        # Over the run, or the latest update's histograms: one at a time, each with the
        # whole room (a 1280×800 window gives the tab about 370×500 pixels).
        self.switch = QTabBar()
        self.switch.setDrawBase(False)
        for title in SWITCH:
            self.switch.addTab(title)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.canvas)
        self.stack.addWidget(self.hist_canvas)
        self.switch.currentChanged.connect(self._on_switch)
        top = QHBoxLayout()
        top.addWidget(self.switch)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)
        layout.addWidget(self.stack, 1)
        plots.runsChanged.connect(self.rebuild)
        style.follow(self, self._apply_look)
        self.rebuild()

    def _on_switch(self, index: int) -> None:
        self.stack.setCurrentIndex(index)

    def show_histograms(self, on: bool) -> None:
        """Show the histograms (True) or the statistics over the run."""
        self.switch.setCurrentIndex(1 if on else 0)

    # Runs --------------------------------------------------------------------------------
    def shown_histories(self) -> list[RunHistory]:
        """The runs ticked in the list of runs, the newest MAX_RUNS of them, oldest first."""
        return [c.history for c in self.plots_panel.runs if c.cost.isVisible()][-MAX_RUNS:]

    def rebuild(self) -> None:
        """Columns for the runs shown now (made anew only when they change), then refresh."""
        shown = self.shown_histories()
        if [c.history for c in self.columns] != shown:
            for column in self.columns:
                for item in (column.header, *column.plots):
                    self.canvas.ci.removeItem(item)
            self.columns = [_Column(self, h, i) for i, h in enumerate(shown)]
            span = max(1, len(shown))
            for r, item in enumerate(self.row_titles):  # the row titles span the columns
                self.canvas.ci.removeItem(item)
                self.canvas.ci.addItem(item, row=2 * r + 1, col=0, colspan=span)
            self.canvas.ci.removeItem(self.x_title)
            self.canvas.ci.addItem(self.x_title, row=2 * len(ROWS) + 2, col=0, colspan=span)
            self.ranges = {}
            self._apply_look()
            # pyqtgraph lays the grid out as each plot is added, before the new headers and
            # titles give up their width: the grid grew past the canvas (the third column
            # cut off) and nothing shrank it back. It is fitted to the canvas again.
            self.canvas.ci.setGeometry(self.canvas.range)
        ticked = sum(c.cost.isVisible() for c in self.plots_panel.runs)
        self.note.setText(f"Showing the {MAX_RUNS} newest of the {ticked} runs ticked under the cost plot."
                          if ticked > MAX_RUNS else "")
        self.note.setVisible(ticked > MAX_RUNS)
        self.refresh()

    def refresh(self, history: RunHistory | None = None) -> None:
        """Redraw the curves (of ``history`` only, if given), the axes, the legend and the
        histograms of the newest run shown."""
        changed = [column.refresh() for column in self.columns
                   if history is None or column.history is history]
        if any(changed) or history is None:
            self._fit_ranges()
            self._set_legend()
        newest = next((c.history for c in reversed(self.columns) if c.history.latest_layers), None)
        self.histograms.show(newest)

    def _fit_ranges(self) -> None:
        """x from 0 to each run's total updates; the log rows' y by whole decades that cover
        every shown run's values, the same in every column, only widening as data arrive;
        the shares from 0 to 100 %."""
        for r, (name, _, log) in enumerate(ROWS):
            if log:
                values = [c.values(name, l) for c in self.columns for l in range(1, c.history.depth + 1)]
                y = decades(np.concatenate(values) if values else [], self.ranges.get(name))
                if any(v.size for v in values):  # the empty plots' range is no data's
                    self.ranges[name] = y
            else:
                y = (0.0, 100.0)
            for column in self.columns:
                x = (0, max(column.history.total, column.history.done, 1))
                if column.ranges is None:
                    column.ranges = [None] * len(ROWS)
                if column.ranges[r] != (x, y):  # a new range lays the axes out anew: only when it changes
                    column.ranges[r] = (x, y)
                    column.plots[r].setRange(xRange=x, yRange=y, padding=0.02)

    def _set_legend(self) -> None:
        depth = max((len(c.history.recipe.layers) for c in self.columns), default=0)
        if not depth:
            self.legend.setText(NO_RUNS)
            return
        swatches = " ".join(f"<b style='color:{style.layer_color(l).name()}'>━ layer {l}</b>"
                            for l in range(1, depth + 1))
        self.legend.setText(swatches)

    def y_range(self, column: int, row: int) -> tuple[float, float]:
        """The y range plot ``row`` of ``column`` shows (log10 units on a log row)."""
        return tuple(self.columns[column].plots[row].vb.viewRange()[1])

    # Look --------------------------------------------------------------------------------
    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self._apply_look()

    def _apply_look(self) -> None:
        s = self.scale
        for canvas in (self.canvas, self.hist_canvas):
            canvas.setBackground(style.SURFACE)
        tick_font = QFont(self.font())
        tick_font.setPointSizeF(TICK_POINTS * s)
        label_size = f"{LABEL_POINTS * s:.1f}pt"
        for item in self.row_titles:
            item.setText(item.text, color=style.INK.name(), size=label_size)
        self.x_title.setText("iteration (updates)", color=style.MUTED.name(), size=label_size)
        for i, column in enumerate(self.columns):
            h = column.history
            colour = RUN_COLORS[style.theme.name][self._slot(h) % len(RUN_COLORS["light"])]
            # The run's colour as a swatch, as in the list of runs; the name in ink, so that it
            # is not read as one of the layers, whose colours the curves wear.
            column.header.setText(f'<span style="color:{colour}">■</span> <b>#{h.number} {h.recipe.name}</b>',
                                  color=style.INK.name(), size=label_size)
            column.recolor()
        for item in [*self.row_titles, self.x_title, *(c.header for c in self.columns)]:
            _hug(item)
        plots = [p for c in self.columns for p in c.plots] + list(self.histograms.plots)
        widest = QFontMetricsF(tick_font).horizontalAdvance("10⁻¹⁰")
        for plot in plots:
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setPen(style.MUTED.name())
                axis.setTextPen(style.INK.name())
                axis.setStyle(tickFont=tick_font)
            left = plot.getAxis("left")
            left.setWidth(math.ceil(widest + 10) if left.style["showValues"] else 4)
        hist = self.histograms
        for plot, text in ((hist.A_plot, "A[l]"), (hist.dW_plot, "|dW[l]| (log)")):
            plot.setLabel("bottom", text, **{"color": style.MUTED.name(), "font-size": label_size})
        hist.A_plot.setLabel("left", "% of entries", **{"color": style.MUTED.name(), "font-size": label_size})
        hist.title.opts["size"] = label_size
        hist.recolor()
        self.legend.setFont(_points(self.font(), 11 * min(s, style.SIDE_TEXT_MAX)))
        self.note.setFont(_points(self.font(), 10 * min(s, style.SIDE_TEXT_MAX)))
        self.switch.setFont(_points(self.font(), 10 * min(s, style.SIDE_TEXT_MAX)))
        self._set_legend()

    def _slot(self, history: RunHistory) -> int:
        return next((c.slot for c in self.plots_panel.runs if c.history is history), 0)


def _hug(item: pg.LabelItem) -> None:
    """A label as high as its text (pyqtgraph keeps 30 px) and as narrow as its column
    allows: a long title does not widen the plots."""
    height = math.ceil(item.item.boundingRect().height())
    item.setMinimumHeight(height)
    item.setMaximumHeight(height)
    item.setMinimumWidth(0)


def _points(font: QFont, points: float) -> QFont:
    font = QFont(font)
    font.setPointSizeF(points)
    return font

