"""The user's file as read-only code: line numbers in a gutter, each flagged line marked
there with a symbol and its background tinted, its diagnosis the tooltip of the line."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPainter,
    QTextCursor,
    QTextFormat,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from bpviz.gui import style

#: A line the check found wrong, and a line the run failed at (each with its own symbol,
#: so that neither reads by colour alone).
FINDING, FAILURE = "finding", "failure"
SYMBOLS = {FINDING: "✗", FAILURE: "!"}
#: The line a run is on, while it runs.
RUNNING = "▶"


@dataclass(frozen=True)
class Mark:
    kind: str  # FINDING or FAILURE
    tip: str   # rich text: the line's diagnosis


def _tint(color: QColor) -> QColor:
    tint = QColor(color)
    tint.setAlpha(70 if style.is_dark() else 45)
    return tint


class Gutter(QWidget):
    """The strip left of the code: a mark, then the line number. Hovering a line shows its
    diagnosis; clicking it chooses the line."""

    def __init__(self, view: CodeView):
        super().__init__(view)
        self.view = view
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(self.view.gutter_width(), 0)

    def paintEvent(self, event) -> None:
        self.view.paint_gutter(self, event.rect())

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self.view.show_tip(self.view.line_at_y(event.pos().y()), event.globalPos(), self)
            return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:
        line = self.view.line_at_y(event.position().y())
        if line and event.button() == Qt.MouseButton.LeftButton:
            self.view.select_line(line)
            self.view.lineClicked.emit(line)


class CodeView(QPlainTextEdit):
    """Read-only, monospace (its size follows the panel's font: the UI scale), wrapped to
    its width so no line hides past the edge. ``set_marks`` flags lines; ``select_line``
    scrolls to one and selects it; a click (or a move of the cursor with the keys) on a
    line emits ``lineClicked``."""

    lineClicked = Signal(int)  # 1-based

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        # Only the family: the size comes from the panel, so the UI scale reaches the code.
        font = QFont()
        font.setFamilies([QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family(), "monospace"])
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setFixedPitch(True)
        self.marks: dict[int, Mark] = {}
        self.running_line = 0
        self.gutter = Gutter(self)
        self.setFont(font)
        self.blockCountChanged.connect(self._fit_gutter)
        self.updateRequest.connect(self._on_update_request)
        self._fit_gutter()
        style.follow(self, self._apply_look)

    # --- input ----------------------------------------------------------------------
    def set_source(self, text: str) -> None:
        self.marks = {}
        self.setPlainText(text)
        self._fit_gutter()
        self._apply_look()

    def set_marks(self, marks: dict[int, Mark]) -> None:
        """Flag these lines (1-based) and only these."""
        self.marks = {line: mark for line, mark in marks.items() if 1 <= line <= self.blockCount()}
        self._fit_gutter()
        self._apply_look()

    def select_line(self, line: int, center: bool = False) -> None:
        """Select line ``line`` (1-based), scrolled into view (to the middle with ``center``),
        without emitting lineClicked."""
        block = self.document().findBlockByNumber(line - 1)
        if not block.isValid():
            return
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        if center or not self.viewport().rect().contains(self.cursorRect(cursor)):
            self.centerCursor()

    def set_running_line(self, line: int) -> None:
        """Point at the line a run is on (0: none)."""
        if line != self.running_line:
            self.running_line = line
            self.gutter.update()

    # --- output ---------------------------------------------------------------------
    def selected_line(self) -> int:
        return self.textCursor().blockNumber() + 1

    def line_at_y(self, y: float) -> int:
        """The line (1-based) drawn at height ``y`` of the view, 0 below the last."""
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        while block.isValid():
            top = self.blockBoundingGeometry(block).translated(offset).top()
            if top > y:
                break
            if y < top + self.blockBoundingRect(block).height():
                return block.blockNumber() + 1
            block = block.next()
        return 0

    def tip(self, line: int) -> str:
        mark = self.marks.get(line)
        return mark.tip if mark else ""

    # --- the gutter -----------------------------------------------------------------
    def gutter_width(self) -> int:
        metrics = self.fontMetrics()
        digits = len(str(max(1, self.blockCount())))
        return metrics.horizontalAdvance("✗") + metrics.horizontalAdvance("9") * (digits + 1) + 14

    def _fit_gutter(self, *_) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)
        self._place_gutter()

    def _place_gutter(self) -> None:
        rect = self.contentsRect()
        self.gutter.setGeometry(QRect(rect.left(), rect.top(), self.gutter_width(), rect.height()))

    def _on_update_request(self, rect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_gutter()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the UI scale: wider numbers
            self._fit_gutter()

    def paint_gutter(self, gutter: QWidget, rect) -> None:
        painter = QPainter(gutter)
        painter.fillRect(rect, style.BACKGROUND)
        painter.setPen(style.LABEL_BORDER)
        painter.drawLine(gutter.width() - 1, rect.top(), gutter.width() - 1, rect.bottom())
        metrics = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        mark_width = metrics.horizontalAdvance("✗") + 6
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        current = self.textCursor().blockNumber()
        while block.isValid():
            top = round(self.blockBoundingGeometry(block).translated(offset).top())
            if top > rect.bottom():
                break
            line = block.blockNumber() + 1
            box = QRect(0, top, gutter.width() - 6, metrics.height())
            mark = self.marks.get(line)
            if line == self.running_line:
                painter.setFont(bold)
                painter.setPen(style.FORWARD)
                painter.drawText(QRect(4, top, mark_width, metrics.height()), Qt.AlignmentFlag.AlignLeft, RUNNING)
            elif mark is not None:
                painter.setFont(bold)
                painter.setPen(style.WARNING if mark.kind == FINDING else style.BACKWARD)
                painter.drawText(QRect(4, top, mark_width, metrics.height()), Qt.AlignmentFlag.AlignLeft,
                                 SYMBOLS[mark.kind])
            painter.setFont(bold if mark is not None or block.blockNumber() == current else self.font())
            painter.setPen(style.INK if mark is not None or block.blockNumber() == current else style.MUTED)
            painter.drawText(box, Qt.AlignmentFlag.AlignRight, str(line))
            block = block.next()
        painter.end()

    # --- the tints, the tooltips and the clicks ---------------------------------------
    def _apply_look(self) -> None:
        selections = []
        for line, mark in sorted(self.marks.items()):
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(_tint(style.WARNING if mark.kind == FINDING else style.BACKWARD))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(self.document().findBlockByNumber(line - 1))
            selections.append(selection)
        self.setExtraSelections(selections)
        self.gutter.update()

    def show_tip(self, line: int, where, widget: QWidget) -> None:
        text = self.tip(line)
        if text:
            QToolTip.showText(where, text, widget)
        else:
            QToolTip.hideText()

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self.show_tip(self.cursorForPosition(event.pos()).blockNumber() + 1, event.globalPos(), self.viewport())
            return True
        return super().viewportEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            self.lineClicked.emit(self.selected_line())

    def keyPressEvent(self, event) -> None:
        before = self.selected_line()
        super().keyPressEvent(event)
        if self.selected_line() != before:
            self.lineClicked.emit(self.selected_line())
        self.gutter.update()
