"""Draw a digit with the mouse and watch the model's prediction change as you draw.

The drawing is prepared as MNIST was (``mnist_style``) and shown as the model sees it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QElapsedTimer, QPointF, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget,
)

from bpviz.data.mnist import mnist_style, to_columns
from bpviz.errors import DataError
from bpviz.gui import style
from bpviz.gui.training.bars import ProbabilityBars
from bpviz.gui.training.text import percent, point_font
from bpviz.nn.metrics import class_probabilities

SIDE = 280  # the drawing, in pixels: ten per MNIST pixel (on screen it may be shown smaller)
MIN_SIDE = 150  # the smallest the canvas is shown, in logical pixels
PEN_WIDTH = 22  # in drawing pixels: about two MNIST pixels once the digit is 20 tall
PREVIEW_SCALE = 5  # screen pixels per model pixel of the preview, where it has the room
MIN_PREVIEW_SCALE = 2
#: From this width on, the preview and the prediction sit beside the canvas.
WIDE = 780
#: At most one forward pass per this many milliseconds while the pen moves (about 30 a second).
THROTTLE_MS = 33
NO_MODEL = "Train or load a model to see its prediction here."
MNIST_INPUTS = 28 * 28


def model_problem(net, class_names) -> str | None:
    """Why ``net`` cannot classify a drawing into ``class_names``, or None when it can."""
    if net is None:
        return NO_MODEL
    n_in, n_out, output = net.layer_sizes[0], net.layer_sizes[-1], net.activations[-1]
    if n_in != MNIST_INPUTS:
        return (f"This model takes {n_in} inputs, but a drawing is 28×28 = {MNIST_INPUTS} "
                "pixels. Train or load an MNIST model to see its prediction here.")
    if (output, n_out) == ("sigmoid", 1) and len(class_names) == 2:
        return None
    if output == "softmax" and n_out == len(class_names) >= 2:
        return None
    return (f"This model has {n_out} {output} output(s), which cannot be read as "
            f"probabilities of the classes {', '.join(class_names) or '(none)'}.")


class DrawCanvas(QWidget):
    """A white square to draw on with the left button (black round pen); right-click clears.

    The drawing is SIDE x SIDE pixels whatever size the square is shown at.

    ``stroking`` fires as the pen moves, ``changed`` when the ink settles (release, clear, set).
    """

    stroking = Signal()
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFixedSize(SIDE, SIDE)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw a digit with the left mouse button; right-click clears")
        self._image = QImage(SIDE, SIDE, QImage.Format.Format_Grayscale8)
        self._image.fill(Qt.GlobalColor.white)
        self._last: QPointF | None = None

    def ink(self) -> np.ndarray:
        """The drawing as floats (SIDE, SIDE): 0 = paper, 1 = ink."""
        bits = np.frombuffer(self._image.constBits(), np.uint8)
        gray = bits.reshape(SIDE, self._image.bytesPerLine())[:, :SIDE]
        return 1 - gray.astype(np.float64) / 255

    def set_ink(self, ink: np.ndarray) -> None:
        """Replace the drawing with ``ink``, an array like :meth:`ink` (SIDE, SIDE) in [0, 1]."""
        ink = np.asarray(ink, dtype=np.float64)
        if ink.shape != (SIDE, SIDE):
            found = f"shape {ink.shape}"
        elif not np.isfinite(ink).all() or ink.min() < 0 or ink.max() > 1:
            found = "NaN or values outside [0, 1]"
        else:
            found = None
        if found:
            raise DataError(f"drawing: expected a ({SIDE}, {SIDE}) array of ink values in "
                            f"[0, 1], got {found}")
        gray = np.ascontiguousarray(np.rint((1 - ink) * 255).astype(np.uint8))
        self._image = QImage(gray.data, SIDE, SIDE, SIDE, QImage.Format.Format_Grayscale8).copy()
        self._last = None
        self.update()
        self.changed.emit()

    def clear(self) -> None:
        self._image.fill(Qt.GlobalColor.white)
        self._last = None
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self.clear()
        elif event.button() == Qt.MouseButton.LeftButton:
            self._last = self._to_image(event.position())
            self._stroke(self._last, self._last)

    def mouseMoveEvent(self, event) -> None:
        if self._last is not None and event.buttons() & Qt.MouseButton.LeftButton:
            point = self._to_image(event.position())
            self._stroke(self._last, point)
            self._last = point

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._last is not None:
            self._last = None
            self.changed.emit()

    def _to_image(self, position: QPointF) -> QPointF:
        return QPointF(position.x() * SIDE / self.width(), position.y() * SIDE / self.height())

    def _stroke(self, start: QPointF, end: QPointF) -> None:
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(Qt.GlobalColor.black, PEN_WIDTH, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        if start == end:
            painter.drawPoint(start)
        else:
            painter.drawLine(start, end)
        painter.end()
        self.update()
        self.stroking.emit()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(QRectF(self.rect()), self._image)
        painter.setPen(QPen(style.LABEL_BORDER, 2))
        painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))


class SeenImage(QWidget):
    """The 28×28 image the model sees, always whole: the largest square of whole model pixels
    its room holds (PREVIEW_SCALE screen pixels each where it fits), framed, centred."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._image = QImage(28, 28, QImage.Format.Format_Grayscale8)
        self._image.fill(Qt.GlobalColor.white)
        side = 28 * MIN_PREVIEW_SCALE + 2
        self.setMinimumSize(side, side)

    def sizeHint(self) -> QSize:
        side = 28 * PREVIEW_SCALE + 2
        return QSize(side, side)

    def set_image(self, image: np.ndarray) -> None:
        """Show ``image`` (28, 28) uint8, 255 = ink, as dark ink on white like the canvas."""
        gray = np.ascontiguousarray(255 - image)
        self._image = QImage(gray.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()
        self.update()

    def image_rect(self) -> QRect:
        """Where the 28×28 pixels are drawn (inside a one-pixel frame), in this widget."""
        room = min(self.width(), self.height()) - 2
        side = 28 * max(1, min(PREVIEW_SCALE, room // 28)) if room >= 28 else max(room, 1)
        return QRect((self.width() - side) // 2, 1, side, side)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        target = self.image_rect()
        painter.drawImage(target, self._image)  # not smoothed: each model pixel a crisp square
        painter.setPen(QPen(style.LABEL_BORDER, 1))
        painter.drawRect(QRectF(target).adjusted(-0.5, -0.5, 0.5, 0.5))
        painter.end()


class DrawPanel(QWidget):
    """The canvas, what the model sees (28×28), the top class and a bar for every class.

    ``predicted`` carries a copy of the class probabilities after each forward pass.
    """

    predicted = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._net = None
        self._names: tuple[str, ...] = ()
        self._problem: str | None = NO_MODEL
        self._image = np.zeros((28, 28), np.uint8)
        self._prediction: tuple[str, np.ndarray] | None = None
        self._clock = QElapsedTimer()
        self._pending = QTimer(self, singleShot=True)
        self._pending.timeout.connect(self._on_refresh_due)

        self.canvas = DrawCanvas()
        self.canvas.stroking.connect(self._on_stroking)
        self.canvas.changed.connect(self._on_changed)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Clear the drawing (right-click on it does too)")
        self.clear_button.clicked.connect(self.clear)
        self.hint = QLabel("Left button: draw\nRight-click: clear")
        style.colored_text(self.hint, style.MUTED)
        self.preview = SeenImage()
        # Two lines by hand: a word-wrapped label misleads the layout about its height.
        self.caption = QLabel("what the model sees\n(28×28)")
        self.caption.setFont(point_font(11))
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        style.colored_text(self.caption, style.MUTED)
        self.top_label = QLabel()
        self.top_label.setFont(point_font(28, bold=True))
        self.top_label.setMinimumWidth(self.top_label.fontMetrics().horizontalAdvance("0 — >99%"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setFont(point_font(13))
        style.colored_text(self.message, style.MUTED)
        self.bars = ProbabilityBars()
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.hint)
        buttons.addStretch(1)
        self._seen = self._column(self.caption, self.preview)
        self._headline = self._column(self.top_label, self.message)
        self._headline.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(8, 8, 8, 8)
        self._grid.setSpacing(12)
        self._drawing = self._column(self.canvas, buttons)
        self._wide: bool | None = None
        self._arrange(wide=False)
        self._refresh()

    @staticmethod
    def _column(*items) -> QWidget:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        for item in items:
            if isinstance(item, QWidget):
                layout.addWidget(item)
            else:
                layout.addLayout(item)
        layout.addStretch(1)
        return column

    def _arrange(self, wide: bool) -> None:
        """Canvas and preview side by side; the prediction beside them when the panel is
        wide, below them when it is narrow (a side panel), with the bars in two columns."""
        if wide == self._wide:
            return
        self._wide = wide
        self.hint.setVisible(wide)
        self.bars.set_narrow(not wide)
        for widget in (self._drawing, self._seen, self._headline, self.bars):
            self._grid.removeWidget(widget)
        rows, top = (3 if wide else 1), Qt.AlignmentFlag.AlignTop
        self._grid.addWidget(self._drawing, 0, 0, rows, 1, top)
        self._grid.addWidget(self._seen, 0, 1, rows, 1, top)
        if wide:
            self._grid.addWidget(self._headline, 0, 2)
            self._grid.addWidget(self.bars, 1, 2)
        else:
            self._grid.addWidget(self._headline, 1, 0, 1, 2)
            self._grid.addWidget(self.bars, 2, 0, 1, 2)
        self._grid.setColumnStretch(2, 1 if wide else 0)
        self._grid.setColumnStretch(1, 0 if wide else 1)
        for index, stretch in enumerate((0, 0, 1, 0) if wide else (0, 0, 0, 1)):
            self._grid.setRowStretch(index, stretch)

    def _fit(self) -> None:
        """Show the canvas as large as the room left allows (MIN_SIDE to SIDE), and ask for
        the room of the narrow arrangement with the smallest canvas."""
        margins, gap = self._grid.contentsMargins(), self._grid.spacing()
        edges_w, edges_h = margins.left() + margins.right(), margins.top() + margins.bottom()
        under_canvas = gap + self.clear_button.sizeHint().height()
        below = 2 * gap + self._headline.sizeHint().height()
        below += 0 if self.bars.isHidden() else self.bars.height_when(narrow=True)
        room_h = self.height() - edges_h - under_canvas - (0 if self._wide else below)
        room_w = SIDE if self._wide else self.width() - edges_w - gap - self._seen.sizeHint().width()
        side = int(max(MIN_SIDE, min(SIDE, room_w, room_h)))
        self.canvas.setFixedSize(side, side)
        top_row = max(MIN_SIDE + under_canvas, self._seen.sizeHint().height())
        width = max(MIN_SIDE + gap + self._seen.minimumSizeHint().width(), self.top_label.minimumWidth())
        self.setMinimumSize(edges_w + width, edges_h + top_row + below)

    def resizeEvent(self, event) -> None:
        self._arrange(wide=event.size().width() >= WIDE)
        self._fit()
        super().resizeEvent(event)

    # The public API
    def set_model(self, net, class_names: tuple[str, ...]) -> None:
        """Predict with ``net`` (None: no model) into ``class_names``, e.g. ("5", "8")."""
        self._net, self._names = net, tuple(str(n) for n in class_names)
        self._problem = model_problem(net, self._names)
        self._refresh()

    def set_ink(self, ink: np.ndarray) -> None:
        """Replace the drawing (see :meth:`DrawCanvas.set_ink`); the prediction follows."""
        self.canvas.set_ink(ink)

    def clear(self) -> None:
        self.canvas.clear()

    def image(self) -> np.ndarray:
        """The 28×28 uint8 image the model sees (255 = ink), a copy."""
        return self._image.copy()

    def prediction(self) -> tuple[str, np.ndarray] | None:
        """The top class's name and every class's probability, or None without one."""
        if self._prediction is None:
            return None
        name, probabilities = self._prediction
        return name, probabilities.copy()

    # Slots
    def _on_stroking(self) -> None:
        if not self._clock.isValid() or self._clock.elapsed() >= THROTTLE_MS:
            self._refresh()
        elif not self._pending.isActive():
            self._pending.start(THROTTLE_MS - self._clock.elapsed())

    def _on_changed(self) -> None:
        self._refresh()

    def _on_refresh_due(self) -> None:
        self._refresh()

    # One update path
    def _refresh(self) -> None:
        self._pending.stop()
        self._clock.restart()
        self._image = mnist_style(self.canvas.ink())
        self.preview.set_image(self._image)
        self._prediction = None
        problem = self._problem
        if problem is None and self._image.any():
            try:
                X = to_columns(self._image.reshape(1, MNIST_INPUTS), self._net.dtype)
                A, _ = self._net.forward(X)
                # class_probabilities refuses NaN: a diverged model gets its own message below
                independent = self._net.activations[-1] == "sigmoid" and A.shape[0] > 1
                probabilities = class_probabilities(A, independent)[0] if np.isfinite(A).all() else None
            except Exception as exc:  # a model the GUI cannot run must not close the app
                problem = f"The model could not run on this drawing: {exc}"
            else:
                if probabilities is not None:
                    top = int(np.argmax(probabilities))
                    self._prediction = (self._names[top], probabilities)
                else:
                    problem = "The model's output is not a number (did its training diverge?)."
        self._show_prediction(problem)
        if self._prediction is not None:
            self.predicted.emit(self._prediction[1].copy())

    def _show_prediction(self, problem: str | None) -> None:
        if problem is not None:
            self.top_label.setText("")
            self.message.setText(problem)
        elif self._prediction is None:
            self.top_label.setText("")
            self.message.setText("Draw a digit on the white square.")
        else:
            name, probabilities = self._prediction
            self.top_label.setText(f"{name} — {percent(float(probabilities.max()))}")
            self.message.setText("")
        self.top_label.setVisible(bool(self.top_label.text()))
        self.message.setVisible(bool(self.message.text()))
        show_bars = self._problem is None
        self.bars.setVisible(show_bars)
        self.bars.set_values(self._names if show_bars else (),
                             None if self._prediction is None else self._prediction[1])
        self._fit()
