"""The step page's two small plots: the loss per epoch and, for a classifier of two
inputs (one sigmoid output, or a softmax over 2 to 4 classes), the decision boundary over
the table."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from bpviz.gui import style

#: Losses spanning more than this factor are drawn on a log axis, so that a run that blew
#: up reads as a line climbing through powers of ten instead of one dot above the rest.
LOG_SPAN = 1e3
BOUNDARY_COLORS = [(200, 60, 40), (245, 245, 245), (40, 100, 200)]
#: A softmax's classes, in the order of the target columns: the first two as above.
CLASS_COLORS = [(200, 60, 40), (40, 100, 200), (40, 150, 70), (150, 80, 180)]


def shows_boundary(session) -> bool:
    """Whether the boundary means something: two inputs, and one sigmoid output (bce) or a
    softmax over classes (cross_entropy). Values (mse) and several sigmoids have none to draw."""
    two_inputs = session.X.shape[0] == 2
    one_sigmoid = session.recipe.loss == "bce" and session.Y.shape[0] == 1
    return two_inputs and (one_sigmoid or session.recipe.loss == "cross_entropy")


def class_colors(probabilities: np.ndarray) -> np.ndarray:
    """RGB (..., 3) for softmax outputs (K, ...): the likeliest class's colour, paler as the
    network is less sure (white where every class is as likely)."""
    k = probabilities.shape[0]
    best = probabilities.argmax(axis=0)
    sure = np.clip((probabilities.max(axis=0) - 1 / k) / (1 - 1 / k), 0, 1)[..., None]
    colors = np.array(CLASS_COLORS[:k], dtype=float)[best]
    return (BOUNDARY_COLORS[1] + (colors - BOUNDARY_COLORS[1]) * sure).astype(np.uint8)


def themed(plot: pg.PlotWidget) -> None:
    plot.setBackground(style.SURFACE)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setPen(style.MUTED.name())
        plot.getAxis(axis).setTextPen(style.INK.name())


class LossPanel(QWidget):
    """Each epoch's mean loss, on a log axis when it spans decades."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "epoch")
        self.plot.setLabel("left", "mean loss")
        for axis in ("left", "bottom"):  # "(x1e+27)" beside the label helps nobody
            self.plot.getAxis(axis).enableAutoSIPrefix(False)
        self.plot.setMinimumHeight(150)
        self.curve = self.plot.plot([], [], symbol="o", symbolSize=6)
        self.hint = pg.TextItem("each epoch's mean loss\nappears here", anchor=(0.5, 0.5))
        self.plot.addItem(self.hint)
        self.hint.setPos(0.5, 0.5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        style.follow(self, self._apply_look)

    def _apply_look(self) -> None:
        themed(self.plot)
        self.curve.setPen(pg.mkPen(style.BACKWARD, width=2))
        self.curve.setSymbolBrush(pg.mkBrush(style.BACKWARD))
        self.hint.setColor(style.MUTED)

    def set_losses(self, losses) -> None:
        """Show ``losses`` (one per epoch, from epoch 1), on a log axis when they span
        decades; the axes always fit them afresh."""
        y = np.asarray(losses, dtype=float)
        finite = y[np.isfinite(y)]
        log = finite.size > 1 and finite.min() > 0 and finite.max() / finite.min() > LOG_SPAN
        self.plot.setLogMode(x=False, y=bool(log))
        self.plot.setLabel("left", "mean loss (log scale)" if log else "mean loss")
        self.curve.setData(np.arange(1, y.size + 1), y)
        self.hint.setVisible(y.size == 0)
        # Whole epochs on the axis while they are few; an empty plot reads 1 to 10 epochs.
        self.plot.getAxis("bottom").setTickSpacing(*((1, 1) if y.size <= 10 else ()))
        if y.size == 0:
            self.plot.disableAutoRange()
            self.plot.setXRange(1, 10)
            self.plot.setYRange(0, 1)
            self.hint.setPos(5.5, 0.5)
        else:
            self.plot.enableAutoRange()


class BoundaryPlot(pg.PlotWidget):
    """The network's output over the plane of two inputs, with the table's rows on it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumHeight(180)
        self.image = pg.ImageItem()
        self.addItem(self.image)
        self.points = pg.ScatterPlotItem(size=11, pen=pg.mkPen("k", width=1.5))
        self.addItem(self.points)
        style.follow(self, lambda: themed(self))

    def draw(self, session) -> None:
        x0, x1 = session.X[0], session.X[1]
        pad0, pad1 = (np.ptp(x0) or 1) * 0.3, (np.ptp(x1) or 1) * 0.3
        xs = np.linspace(x0.min() - pad0, x0.max() + pad0, 80)
        ys = np.linspace(x1.min() - pad1, x1.max() + pad1, 80)
        grid = session.predict_grid(xs, ys)
        if grid.shape[0] == 1:  # one sigmoid: its output from red (0) to blue (1)
            lut = pg.ColorMap([0.0, 0.5, 1.0], BOUNDARY_COLORS).getLookupTable(nPts=256)
            self.image.setImage(grid[0].T, levels=(0, 1), lut=lut)
            classes = (session.Y[0] > 0.5).astype(int)
        else:  # a softmax: each class's region in its colour
            self.image.setImage(class_colors(grid).transpose(1, 0, 2), levels=(0, 255), lut=None)
            classes = session.Y.argmax(axis=0)
        self.image.setRect(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0])
        self.points.setData(x0, x1, brush=[pg.mkBrush(*CLASS_COLORS[c]) for c in classes])
        names = session.table.feature_names
        self.setLabel("bottom", names[0])
        self.setLabel("left", names[1])
