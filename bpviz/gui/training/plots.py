"""Live cost and accuracy plots: one long-lived curve set per run, redrawn with setData;
finished runs stay as labelled curves to compare, and can be hidden or cleared. The list
of runs under the plots is their legend on screen; an exported picture has its own."""

from __future__ import annotations

import math
from contextlib import contextmanager

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout,
    QWidget,
)

from bpviz.fileio import atomic_write_bytes
from bpviz.gui import style
from bpviz.gui.export import export_view
from bpviz.gui.training.curves import RUN_COLORS, RunCurves
from bpviz.gui.training.history import RunHistory, histories_csv
from bpviz.gui.widgets.wrap import WrapRow

#: Text sizes (points at 100 %) of the plots' titles, axis titles and tick labels.
TITLE_POINTS, LABEL_POINTS, TICK_POINTS = 11.0, 10.0, 9.0
#: The list of runs shows this many runs at once (more scroll): its height never changes.
LIST_ROWS = 2
#: Empty plots show these ranges until data arrive: whole updates, a cost and a percentage.
EMPTY_RANGES = (10, (0.0, 1.0), (0.0, 100.0))


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is >= x."""
    if not math.isfinite(x) or x <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(x))
    return next(step * power for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if step * power >= x * (1 - 1e-12))


def _height(item) -> float:
    """The height a graphics layout gives ``item`` when it has room: its preferred one."""
    return item.effectiveSizeHint(Qt.SizeHint.PreferredSize).height()


class PlotsPanel(QWidget):
    """Cost above accuracy, sharing the iteration axis, and the list of runs under them."""

    #: A run was added or removed, or shown or hidden.
    runsChanged = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.canvas = pg.GraphicsLayoutWidget()
        self.scale = 1.0  # the UI scale: the titles', labels' and ticks' text, and the list's
        layout = self.canvas.ci.layout
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setVerticalSpacing(8)
        self.cost_plot = self.canvas.addPlot(row=0, col=0)
        self.accuracy_plot = self.canvas.addPlot(row=1, col=0)
        self.accuracy_plot.setXLink(self.cost_plot)
        # The shared x axis' title, once, under both: the two plots keep the same height.
        self.x_title = pg.LabelItem("iteration (updates)")
        self.canvas.addItem(self.x_title, row=2, col=0)
        # Each plot's title, the longest that fits the plot's width (all of it in the tooltip).
        self.titles = {self.cost_plot: (("Cost J (solid: training batch, dashed: test set)",
                                         "Cost J (solid: batch, dashed: test)", "Cost J"), "cost"),
                       self.accuracy_plot: (("Accuracy (solid: training set, dashed: test set)",
                                             "Accuracy (solid: train, dashed: test)", "Accuracy"), "accuracy (%)")}
        for plot in self.titles:
            # No grid: pyqtgraph draws it with the axes, over the whole plot, on every
            # repaint (4 ms of the GUI thread per update instead of 0.7).
            for axis in ("left", "bottom"):  # a cost of 0.69, not 690 × 0.001
                plot.getAxis(axis).enableAutoSIPrefix(False)
            plot.setMenuEnabled(False)
        # On screen the list of runs names them (with their colours); an exported picture
        # has this legend in a row of its own under the plots, so it never hides a curve.
        self.legend = pg.LegendItem(colCount=1)
        self.runs: list[RunCurves] = []
        self._ranges = None
        for plot in (self.cost_plot, self.accuracy_plot):
            plot.disableAutoRange()  # see _fit_ranges
            plot.hideButtons()
        self.canvas.installEventFilter(self)  # its titles fit its width
        self.run_list = QListWidget()
        self.run_list.setUniformItemSizes(True)
        self.run_list.itemChanged.connect(self._on_item_changed)
        self.log_scale = QCheckBox("Log scale for the cost")
        self.log_scale.toggled.connect(self._on_log_scale)
        self.remove_button = QPushButton("Remove selected")
        self.remove_button.clicked.connect(self._on_remove_selected)
        self.clear_button = QPushButton("Clear finished runs")
        self.clear_button.clicked.connect(self.clear_finished)
        # One line under the list, or two in a narrow panel (the buttons under the box).
        self.controls = WrapRow([self.log_scale], [self.remove_button, self.clear_button])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.run_list)
        layout.addWidget(self.controls)
        self._update_buttons()
        self._fit_ranges(force=True)
        style.follow(self, self._apply_look)

    def set_scale(self, scale: float) -> None:
        """Draw the titles, axis titles, ticks and the list of runs ``scale`` times their
        size (the buttons under them as the side panels' are, up to SIDE_TEXT_MAX)."""
        self.scale = scale
        self._apply_look()

    def _apply_look(self) -> None:
        """Colours from the theme, text sizes from the scale."""
        s = self.scale
        self.canvas.setBackground(style.SURFACE)
        tick_font = QFont(self.font())
        tick_font.setPointSizeF(TICK_POINTS * s)
        for plot, (titles, y_label) in self.titles.items():
            plot.setTitle(titles[0], color=style.INK.name(), size=f"{TITLE_POINTS * s:.1f}pt")  # the theme's ink
            self._set_title(plot, titles)
            plot.titleLabel.setToolTip(titles[0])
            # pyqtgraph keeps a title 30 px high, which cuts a larger one: as high as its text.
            title_height = math.ceil(plot.titleLabel.item.boundingRect().height())
            plot.titleLabel.setMaximumHeight(title_height)
            plot.layout.setRowFixedHeight(0, title_height)
            for side, text in (("bottom", None), ("left", y_label)):
                axis = plot.getAxis(side)
                axis.setPen(style.MUTED.name())
                axis.setTextPen(style.INK.name())
                axis.setStyle(tickFont=tick_font)
                # CSS by name: pyqtgraph passes these through as the title's style
                axis.setLabel(text, **{"color": style.MUTED.name(), "font-size": f"{LABEL_POINTS * s:.1f}pt"})
            bottom, left = plot.getAxis("bottom"), plot.getAxis("left")
            bottom.setHeight(self._axis_height(bottom, tick_font))
            left.setWidth(self._axis_width(left, tick_font))  # the same for both: their x axes align
        self.x_title.setText("iteration (updates)", color=style.MUTED.name(), size=f"{LABEL_POINTS * s:.1f}pt")
        self.legend.setLabelTextColor(style.INK.name())
        self.legend.setLabelTextSize(f"{LABEL_POINTS * s:.1f}pt")
        for _, label in self.legend.items:  # pyqtgraph stores the new look; the text needs redoing
            label.setText(label.text)
        for curves in self.runs:
            curves.recolor()
        for i, curves in enumerate(self.runs):
            self.run_list.item(i).setIcon(self._swatch(curves.color))
        self._size_list()
        style.scale_text(self.controls, s)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.canvas and event.type() == QEvent.Type.Resize:
            self._fit_titles(event.size().width() - 2 * self.canvas.frameWidth())
        return super().eventFilter(watched, event)

    def _set_title(self, plot, titles: tuple[str, ...], width: int | None = None) -> None:
        """Title ``plot`` with the longest of ``titles`` that fits the canvas' width (or
        ``width``, the one it is getting) as drawn at the scale; the shortest if none does.
        The canvas' width, not the plot's: a title holds its plot at least as wide as it, and
        a canvas narrower than its plots shows only their left part."""
        left, _, right, _ = self.canvas.ci.layout.getContentsMargins()
        width = self.canvas.viewport().width() if width is None else width
        # The title stands over the data area only, right of the left axis (its column).
        room = width - left - right - plot.getAxis("left").width() - 8
        size = f"{TITLE_POINTS * self.scale:.1f}pt"
        for title in titles:
            if (plot.titleLabel.text, plot.titleLabel.opts.get("size")) != (title, size):
                plot.setTitle(title, color=style.INK.name(), size=size)
                # The layouts' cached least widths go with the old title: the canvas sets
                # its plots' width just after this, on the resize that called it.
                plot.layout.invalidate()
                self.canvas.ci.layout.invalidate()
            if plot.titleLabel.item.boundingRect().width() <= room:
                return

    def _fit_titles(self, width: int) -> None:
        """On a resize to ``width``: each title the longest that fits."""
        for plot, (titles, _) in self.titles.items():
            self._set_title(plot, titles, width)

    @staticmethod
    def _axis_height(axis, tick_font: QFont) -> float:
        """A bottom axis' height for its tick labels in ``tick_font`` and its title: fixed,
        so that the plots do not change size when the ticks are first drawn."""
        ticks = QFontMetricsF(tick_font).height() + axis.style["tickTextOffset"][1] + max(0, axis.style["tickLength"])
        return math.ceil(ticks + (0.8 * axis.label.boundingRect().height() if axis.label.isVisible() else 0))

    @staticmethod
    def _axis_width(axis, tick_font: QFont) -> float:
        """A left axis' width for tick labels up to "0.001" wide and its title."""
        ticks = QFontMetricsF(tick_font).horizontalAdvance("0.001") + axis.style["tickTextOffset"][0]
        return math.ceil(ticks + max(0, axis.style["tickLength"]) + 0.8 * axis.label.boundingRect().height())

    def _size_list(self) -> None:
        """The list's text at the plots' scale, and room for LIST_ROWS runs, whatever it holds."""
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * self.scale)
        self.run_list.setFont(font)
        icon = round(14 * self.scale)
        self.run_list.setIconSize(QSize(icon, icon))
        self.row_height = max(self.run_list.fontMetrics().height(), icon) + 6
        for i in range(self.run_list.count()):
            self.run_list.item(i).setSizeHint(QSize(0, self.row_height))
        self.run_list.setFixedHeight(LIST_ROWS * self.row_height + 2 * self.run_list.frameWidth() + 2)

    def chrome_height(self, width: int | None = None) -> float:
        """The panel's height less its two plots' data areas (where the curves are): titles,
        axes, margins, the list of runs and the buttons (one line or two at ``width``, the
        panel's own by default), at the current scale."""
        grid = self.canvas.ci.layout
        _, top, _, bottom = grid.getContentsMargins()
        plots = sum(plot.layout.rowMinimumHeight(0) + _height(plot.getAxis("bottom")) + 2
                    for plot in self.titles) + _height(self.x_title)
        panel = self.layout()
        return (top + bottom + 2 * grid.verticalSpacing() + plots
                + 2 * panel.spacing() + self.run_list.minimumHeight()
                + self.controls.heightForWidth(self.width() if width is None else width))

    def data_heights(self) -> tuple[float, float]:
        """The heights of the cost and the accuracy plots' data areas as drawn now."""
        return self.cost_plot.vb.height(), self.accuracy_plot.vb.height()

    # Runs --------------------------------------------------------------------------------
    def add_run(self, history: RunHistory) -> RunCurves:
        used = {c.slot for c in self.runs}
        slot = next((i for i in range(len(RUN_COLORS["light"])) if i not in used), len(self.runs))
        curves = RunCurves(history, slot, self.cost_plot, self.accuracy_plot)
        self.runs.append(curves)
        self.legend.addItem(curves.cost, history.label)
        item = QListWidgetItem(self._swatch(curves.color), history.label)
        item.setSizeHint(QSize(0, self.row_height))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        item.setToolTip("Untick to hide this run's curves")
        self.run_list.blockSignals(True)
        self.run_list.addItem(item)
        self.run_list.blockSignals(False)
        self._update_buttons()
        self.runsChanged.emit()
        return curves

    def refresh(self, history: RunHistory) -> None:
        """Redraw ``history``'s curves and its line in the list (status, last values)."""
        for i, curves in enumerate(self.runs):
            if curves.history is history:
                curves.refresh()
                if history.status != "running":
                    curves.freeze()
                item, text = self.run_list.item(i), self._describe(history)
                if item.text() != text:  # a list repaint only when its words change
                    self.run_list.blockSignals(True)
                    item.setText(text)
                    self.run_list.blockSignals(False)
        self._fit_ranges()
        self._update_buttons()

    def _fit_ranges(self, force: bool = False) -> None:
        """Set the axes' ranges by hand, and only when the data outgrow them: x from 0 to
        the longest run, cost from 0 (or by decades in log scale), accuracy up to 100 %.
        pyqtgraph's auto-range would rebuild the axes and the grid on every update, which
        costs about 25 ms of the GUI thread each time while the worker wants both cores."""
        shown = [c.history for c in self.runs if c.cost.isVisible()]
        empty_x, empty_cost, empty_accuracy = EMPTY_RANGES  # until data arrive: sane axes
        x_max = max((max(h.total, h.done, 1) for h in shown), default=empty_x)
        costs = np.concatenate([h.cost.values for h in shown] + [h.test_cost.values for h in shown] + [np.empty(0)])
        costs = costs[np.isfinite(costs)]
        accuracies = np.concatenate([h.train_accuracy.values for h in shown]
                                    + [h.test_accuracy.values for h in shown] + [np.empty(0)])
        accuracies = accuracies[np.isfinite(accuracies)]
        if self.log_scale.isChecked():
            positive = costs[costs > 0]
            low = math.floor(4 * math.log10(positive.min())) / 4 if positive.size else -2.0
            high = math.ceil(4 * math.log10(positive.max())) / 4 if positive.size else 0.0
            cost_range = (low, max(high, low + 0.25))
        else:
            cost_range = (0.0, nice_ceiling(float(costs.max()))) if costs.size else empty_cost
        if accuracies.size:
            accuracy_range = (min(50.0, 10 * math.floor(float(accuracies.min()) / 10)), 100.0)
        else:
            accuracy_range = empty_accuracy
        self._set_ranges((x_max, cost_range, accuracy_range), force)

    def _set_ranges(self, ranges, force: bool) -> None:
        if ranges == self._ranges and not force:
            return
        self._ranges = ranges
        x_max, cost_range, accuracy_range = ranges
        self.cost_plot.setRange(xRange=(0, x_max), yRange=cost_range, padding=0.02)
        self.accuracy_plot.setRange(yRange=accuracy_range, padding=0.02)

    @staticmethod
    def _describe(h: RunHistory) -> str:
        parts = [h.label]
        test = h.test_accuracy_shown
        if test is not None and math.isfinite(test):
            parts.append(f"test {test:.2f} %")
        if h.status != "running":
            parts.append(h.status)
        return "  ·  ".join(parts)

    def histories(self) -> list[RunHistory]:
        return [c.history for c in self.runs]

    def clear_finished(self) -> None:
        for i in reversed(range(len(self.runs))):
            if self.runs[i].history.status != "running":
                self._remove(i)
        self.runsChanged.emit()

    def _on_remove_selected(self) -> None:
        rows = sorted((self.run_list.row(item) for item in self.run_list.selectedItems()), reverse=True)
        for i in rows:
            if self.runs[i].history.status != "running":
                self._remove(i)
        self.runsChanged.emit()

    def _remove(self, i: int) -> None:
        curves = self.runs.pop(i)
        curves.remove(self.cost_plot, self.accuracy_plot)
        self.legend.removeItem(curves.cost)
        self.run_list.takeItem(i)
        self._fit_ranges()
        self._update_buttons()

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        curves = self.runs[self.run_list.row(item)]
        visible = item.checkState() == Qt.CheckState.Checked
        curves.set_visible(visible)
        self.legend.removeItem(curves.cost)
        if visible:
            self.legend.addItem(curves.cost, curves.history.label)
        self._fit_ranges()
        self.runsChanged.emit()  # the views that follow the list hide the run too

    def set_run_visible(self, i: int, visible: bool) -> None:
        self.run_list.item(i).setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)

    def _on_log_scale(self, on: bool) -> None:
        self.cost_plot.setLogMode(y=on)
        self._fit_ranges(force=True)

    def _update_buttons(self) -> None:
        finished = any(c.history.status != "running" for c in self.runs)
        self.clear_button.setEnabled(finished)
        self.remove_button.setEnabled(finished)

    @staticmethod
    def _swatch(color: QColor) -> QIcon:
        pixmap = QPixmap(14, 14)
        pixmap.fill(color)
        return QIcon(pixmap)

    # Export ------------------------------------------------------------------------------
    def export_png(self, path) -> None:
        """Both plots and the legend as a PNG the size they are on screen, written atomically."""
        with self._legend_shown():
            export_view(self.canvas, path)

    def export_svg(self, path) -> None:
        """Both plots and the legend as SVG (pyqtgraph's SVGExporter), written atomically."""
        with self._legend_shown():
            export_view(self.canvas, path)

    @contextmanager
    def _legend_shown(self):
        """The legend in a row under the plots while a picture is made: a picture has no
        list of runs beside it to name them."""
        self.canvas.addItem(self.legend, row=3, col=0)
        self._settle_canvas()
        try:
            yield
        finally:
            self.canvas.removeItem(self.legend)
            self._settle_canvas()

    def _settle_canvas(self) -> None:
        """Lay the plots out now (not at the next event) and bring their views up to date."""
        self.canvas.ci.layout.activate()
        self.canvas.scene().prepareForPaint()

    def export_csv(self, path) -> None:
        """Every run's history, one row per update (see ``history.COLUMNS``)."""
        atomic_write_bytes(path, histories_csv(self.histories()))
