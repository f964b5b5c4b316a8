"""Where the keyboard is: a ring round the widget that has the focus, drawn for the big
views Fusion gives no focus frame (the graph, the equation, the lists, the code editor)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView, QAbstractScrollArea, QGraphicsView, QPlainTextEdit, QScrollArea, QTextEdit, QWidget,
)

from bpviz.gui import style

#: The ring's width in pixels: thick enough to find on a projector.
RING_WIDTH = 3


class FocusRing(QWidget):
    """Shown over ``host`` (a child of it, letting the mouse through) while it has the focus."""

    def __init__(self, host: QWidget):
        super().__init__(host)
        self.host = host
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()
        host.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FocusIn:
            self.setGeometry(self.host.rect())
            self.show()
            self.raise_()
        elif kind == QEvent.Type.FocusOut:
            self.hide()
        elif kind == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.host.rect())
        return False

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(style.FORWARD, RING_WIDTH))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = RING_WIDTH / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half), 3, 3)


def ring(*hosts: QWidget) -> None:
    """Give each of ``hosts`` a focus ring."""
    for host in hosts:
        if host.findChild(FocusRing, "focusRing", Qt.FindChildOption.FindDirectChildrenOnly) is None:
            FocusRing(host)


def mark_views(root: QWidget) -> None:
    """Under ``root``, a ring round each view that takes Tab (a list, a table, a text), and
    no Tab stop at all for a frame that only holds fields or a plot (it would take the focus
    and show nothing: its fields, or the mouse, are how it is used)."""
    for area in root.findChildren(QAbstractScrollArea):
        if isinstance(area, (QScrollArea, QGraphicsView)):
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            area.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        elif (isinstance(area, (QAbstractItemView, QPlainTextEdit, QTextEdit))
              and area.focusPolicy() != Qt.FocusPolicy.NoFocus):
            ring(area)
