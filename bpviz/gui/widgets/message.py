"""A form's error line in room kept for it: showing or clearing a message moves no field."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from bpviz.gui import style


class FieldMessage(QLabel):
    """A word-wrapped message (red: an error) ``lines`` lines tall whether it is shown or
    not. A longer one ends in "…"; ``message`` and the tooltip keep all of it."""

    def __init__(self, lines: int = 2, color: QColor = style.BACKWARD, parent: QWidget | None = None):
        super().__init__(parent)
        self.message = ""
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        style.colored_text(self, color)
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)  # the width is the form's, not the text's
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.lines = lines
        self._hold_height()
        self.hide()

    def _hold_height(self) -> None:
        self.setFixedHeight(self.lines * self.fontMetrics().lineSpacing() + 2)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # the UI scale: room for as many lines
            self._hold_height()
            self._fit()

    def set_message(self, text: str) -> None:
        self.message = text
        self.setToolTip(text)
        self._fit()
        self.setVisible(bool(text))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Show as many words as the kept room holds."""
        text, metrics, width = self.message, self.fontMetrics(), self.contentsRect().width()
        if width > 0:
            def height(t: str) -> int:
                return metrics.boundingRect(QRect(0, 0, width, 10**6), Qt.TextFlag.TextWordWrap, t).height()

            while height(text) > self.contentsRect().height():
                cut = text.rstrip("…").rstrip().rfind(" ")
                if cut <= 0:
                    break
                text = text[:cut].rstrip(" ,;:") + "…"
        self.setText(text)
