"""The grids of Edit > Network values…: a cell that takes a block pasted from a spreadsheet,
and a matrix of cells under its name with its row and column numbers."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from bpviz.gui import style
from bpviz.gui.stepper.values import is_block


class Cell(QLineEdit):
    """One number of a grid. Ctrl+V of a block (several cells copied from a spreadsheet)
    asks the dialog to fill the grid from here; one number pastes as into any field."""

    blockPasted = Signal(object, str)

    def __init__(self, grid: "Grid", row: int, col: int, field: str, tip: str):
        super().__init__(grid)  # the grid's font from the start (a style sheet keeps the font it met)
        self.grid, self.row, self.col, self.field, self.tip = grid, row, col, field, tip
        self.setAccessibleName(field)
        self.setToolTip(tip)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Paste) and self._paste_block():
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event) -> None:
        menu = self.createStandardContextMenu()
        paste = next((a for a in menu.findChildren(QAction) if a.objectName() == "edit-paste"), None)
        if paste is not None:  # the menu's Paste takes a block too
            paste.triggered.disconnect()
            paste.triggered.connect(lambda: self._paste_block() or self.paste())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def _paste_block(self) -> bool:
        text = QGuiApplication.clipboard().text()
        if not is_block(text):
            return False
        self.blockPasted.emit(self, text)
        return True


class Grid(QWidget):
    """A matrix of cells under its name (``title``, rich text), with row numbers at the left
    when ``numbered`` and column numbers above when it has several columns."""

    def __init__(self, key: str, title: str, rows: int, cols: int, field, tip, numbered: bool = True,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.key, self.rows, self.cols = key, rows, cols
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(4)
        layout.setVerticalSpacing(3)
        heading = QLabel(title, self)
        heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(heading, 0, 1, 1, cols)
        self.numbers: list[QLabel] = []
        for k in range(cols):  # a single column is not numbered, but has the row: the cells align
            self.numbers.append(self._number(str(k + 1) if cols > 1 else "", Qt.AlignmentFlag.AlignHCenter))
            layout.addWidget(self.numbers[-1], 1, k + 1)
        self.cells = [[Cell(self, j, k, field(j + 1, k + 1), tip(j + 1, k + 1)) for k in range(cols)]
                      for j in range(rows)]
        for j, row in enumerate(self.cells):
            if numbered:
                self.numbers.append(self._number(str(j + 1), Qt.AlignmentFlag.AlignRight))
                layout.addWidget(self.numbers[-1], j + 2, 0)
            for k, cell in enumerate(row):
                layout.addWidget(cell, j + 2, k + 1)

    def _number(self, text: str, align) -> QLabel:
        label = muted(QLabel(text, self))
        label.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        return label

    def all_cells(self) -> list[Cell]:
        return [cell for row in self.cells for cell in row]


def muted(label: QLabel) -> QLabel:
    """``label`` in the theme's muted ink, by its palette: a style sheet would keep its font
    from before the UI scale."""
    def apply() -> None:
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, style.MUTED)
        label.setPalette(palette)

    style.follow(label, apply)
    return label


def captioned(caption: str, block: QWidget, parent: QWidget) -> QWidget:
    """``block`` under a muted line that says what it is ("hidden layer 1, 2 × 2")."""
    box = QWidget(parent)
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    label = muted(QLabel(caption, box))
    column.addWidget(label)
    column.addWidget(block)
    return box


def side_by_side(parent: QWidget, *grids: Grid) -> QWidget:
    box = QWidget(parent)
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(10)
    for grid in grids:
        row.addWidget(grid, 0, Qt.AlignmentFlag.AlignTop)
    return box


def bad_cell() -> str:
    return (f"QLineEdit {{ border: 2px solid {style.BACKWARD.name()}; border-radius: 3px; "
            f"background: {style.tint(style.BACKWARD, 0.82).name()}; }}")
