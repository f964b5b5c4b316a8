"""Edit > Network values…: one dialog of a worked example's numbers (layer sizes, every weight
and bias, one input row and its targets, the activations, the loss, the learning rate), in
the tutorial's notation, filled by typing or by pasting a block from a spreadsheet; and the
undoable command that puts the typed network on the step page."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QGuiApplication, QUndoCommand
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFrame, QGridLayout, QLabel, QLineEdit, QScrollArea, QVBoxLayout,
    QWidget,
)

from bpviz.errors import BpvizError
from bpviz.gui import style
from bpviz.gui.stepper.values import (
    PASTE_RULES, SIZES_EXAMPLE, BlockError, NetworkValues, cell_number, check_sizes, parse_sizes, read_block,
    step_state, values_of,
)
from bpviz.gui.stepper.values_grid import Cell, Grid, bad_cell, captioned, muted, side_by_side
from bpviz.gui.widgets.flow import FlowLayout
from bpviz.gui.widgets.message import FieldMessage
from bpviz.lesson import StepLesson
from bpviz.nn.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from bpviz.nn.trace import MAX_LAYERS, MAX_UNITS
from bpviz.numbers import positive
from bpviz.page_limits import STEP_LOSSES

#: How many problems the message spells out; the others are counted (each bad cell's
#: tooltip says its own).
SPELLED = 3


def number_text(value: float) -> str:
    """A number as the dialog shows it: the shortest text that reads back exactly (0.1, not
    0.1000000000000000055), without a trailing .0."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


class ValuesDialog(QDialog):
    """Opens on the network of ``state`` (a StepLesson: the step page as it is); OK is on
    only while every field and cell is valid, and ``state`` is then the page's new state."""

    def __init__(self, state: StepLesson, parent: QWidget | None = None, scale: float = 1.0):
        super().__init__(parent)
        self.setWindowTitle("Network values")
        self.like = state
        self.state: StepLesson | None = None
        self.notice = ""  # a paste refused, until the next edit
        values = values_of(state)
        self.memory: dict[tuple, str] = {}  # every cell's text by (key, row, col), kept across re-shapes
        for key, array in [("x", values.x.reshape(-1, 1)), ("y", values.y.reshape(-1, 1)), *values.params.items()]:
            for j, k in np.ndindex(array.shape):
                self.memory[key, j, k] = number_text(array[j, k])
        style.scale_text(self, scale)
        self._build_fields(values)
        self.board = QWidget()
        self.flow = FlowLayout(self.board, spacing=28, line_spacing=16)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setWidget(self.board)
        self.message = FieldMessage(lines=SPELLED)
        self.message.setFont(self.font())  # at the UI scale, though its colour is a style sheet
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.sizes: tuple[int, ...] = ()
        self.grids: dict[str, Grid] = {}
        self.size_problem = ""
        self._build_grids(values.sizes)
        self._validate()
        self._fit_to_screen()
        style.follow(self, self._validate)  # the marks' colours

    # --- building ---------------------------------------------------------------------
    def _build_fields(self, values: NetworkValues) -> None:
        self.sizes_field = QLineEdit("-".join(map(str, values.sizes)), self)  # the dialog's font, from the start
        self.sizes_field.setPlaceholderText(SIZES_EXAMPLE)
        self.sizes_field.setToolTip(f"Units per layer from the inputs to the outputs, such as {SIZES_EXAMPLE} or "
                                    f"2,2,2: up to {MAX_LAYERS} layers of up to {MAX_UNITS} units")
        self.hidden = self._combo(HIDDEN_ACTIVATIONS, values.hidden)
        self.output = self._combo(OUTPUT_ACTIVATIONS, values.output)
        self.loss = self._combo(STEP_LOSSES, values.loss)
        self.lr = QLineEdit(number_text(values.lr), self)
        self.lr.setToolTip("The learning rate of the update, a number greater than 0")
        self.form = QGridLayout()
        self.form.setHorizontalSpacing(10)
        for column, pairs in enumerate(((("Layer &sizes", self.sizes_field), ("&Learning rate", self.lr)),
                                        (("&Hidden activation", self.hidden), ("&Output activation", self.output)),
                                        (("Lo&ss", self.loss),))):
            for row, (text, field) in enumerate(pairs):
                label = QLabel(text, self)
                label.setBuddy(field)
                self.form.addWidget(label, row, 2 * column)
                self.form.addWidget(field, row, 2 * column + 1)
        self.form.setColumnStretch(6, 1)
        self.fields = {"sizes": self.sizes_field, "hidden": self.hidden, "loss": self.loss, "lr": self.lr,
                       "output": self.output}  # in reading order, as Tab goes
        for field in self.fields.values():
            field.setFont(self.font())
        style.hold_height(self.fields.values())  # a red border moves no field
        self.note = QLabel(self)
        self.note.setText(
            "Row j, column k of W<sup>[l]</sup> is w<sup>[l]</sup><sub>jk</sub>, from unit k of layer l−1 to unit j "
            "of layer l; x is the input row (layer 0) and y its targets.<br>"
            f"Paste (Ctrl+V) a block copied from a spreadsheet into the cell of its top-left number: {PASTE_RULES}. "
            "A block larger than the room from that cell is refused.")
        self.note.setWordWrap(True)
        muted(self.note)
        self.sizes_field.textChanged.connect(self._on_sizes_edited)
        self.lr.textChanged.connect(self._on_edited)
        for combo in (self.hidden, self.output, self.loss):
            combo.currentTextChanged.connect(self._on_edited)

    def _combo(self, items, current: str) -> QComboBox:
        combo = QComboBox(self)
        combo.addItems(list(items))
        combo.setCurrentText(current)
        return combo

    def _build_grids(self, sizes: tuple[int, ...]) -> None:
        """One grid per array: x, then each layer's W and b side by side, then y."""
        for grid in self.grids.values():
            for cell in grid.all_cells():
                self.memory[grid.key, cell.row, cell.col] = cell.text()
        while self.flow.count():
            block = self.flow.takeAt(0).widget()
            block.hide()  # now: deleteLater waits for the event loop
            block.deleteLater()
        self.sizes, self.grids = sizes, {}
        L = len(sizes) - 1
        blocks = [captioned("input", self._grid("x", "x", sizes[0], 1, lambda j, k: f"x_{j}",
                                                  lambda j, k: f"x_{j}: input {j} of the row"), self.board)]
        for l in range(1, L + 1):
            W = self._grid(f"W{l}", f"W<sup>[{l}]</sup>", sizes[l], sizes[l - 1],
                           lambda j, k, l=l: f"W[{l}] row {j}, column {k}",
                           lambda j, k, l=l: f"w[{l}]_{j}{k}: from unit {k} of layer {l - 1} to unit {j} of layer {l}")
            b = self._grid(f"b{l}", f"b<sup>[{l}]</sup>", sizes[l], 1, lambda j, k, l=l: f"b[{l}] row {j}",
                           lambda j, k, l=l: f"b[{l}]_{j}: the bias of unit {j} of layer {l}", numbered=False)
            caption = "output layer" if l == L else f"hidden layer {l}" if L > 2 else "hidden layer"
            blocks.append(captioned(f"{caption}, {sizes[l]} × {sizes[l - 1]}", side_by_side(self.board, W, b),
                                    self.board))
        blocks.append(captioned("targets", self._grid("y", "y", sizes[-1], 1, lambda j, k: f"y_{j}",
                                                       lambda j, k: f"y_{j}: the target of output {j}"), self.board))
        for block in blocks:
            self.flow.addWidget(block)
            if self.isVisible():
                block.show()  # now, so that Tab reaches it at once (a layout shows it later)
        self.hidden.setEnabled(L > 1)
        chain = [*self.fields.values(), *(cell for grid in self.grids.values() for cell in grid.all_cells()),
                 *self.buttons.buttons()]
        for before, after in zip(chain, chain[1:]):  # Tab goes through the cells in reading order
            QWidget.setTabOrder(before, after)

    def _grid(self, key: str, title: str, rows: int, cols: int, field, tip, numbered: bool = True) -> Grid:
        grid = Grid(key, f"<b>{title}</b>", rows, cols, field, tip, numbered, self.board)
        width = grid.fontMetrics().horizontalAdvance("-0.0000000") + 12
        for cell in grid.all_cells():
            cell.setFont(self.font())  # its own: a style sheet set and cleared (a red mark) puts back another
            cell.setFixedWidth(width)
            cell.setText(self.memory.get((key, cell.row, cell.col), ""))
            cell.setCursorPosition(0)  # a long number shows its first digits
            cell.textChanged.connect(self._on_edited)
            cell.blockPasted.connect(self._on_block_pasted)
        style.hold_height(grid.all_cells())
        self.grids[key] = grid
        return grid

    def _fit_to_screen(self) -> None:
        """As large as the grids want, within the screen (they scroll inside beyond it)."""
        screen = (self.parentWidget() or self).screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        margins = self.layout().contentsMargins()
        chrome = margins.left() + margins.right() + self.area.verticalScrollBar().sizeHint().width() + 4
        width = min(max(self.flow.sizeHint().width() + chrome, self.layout().minimumSize().width(), 560),
                    int(area.width() * 0.95))
        board = self.flow.heightForWidth(width - chrome)
        rest = self.layout().sizeHint().height() - self.area.sizeHint().height()
        height = min(rest + board + 8, int(area.height() * 0.92))
        if not self.isVisible():
            self.resize(width, height)  # where it opens, Qt keeps it on the screen
            return
        self.resize(max(width, self.width()), max(height, self.height()))  # it grows, and stays on the screen
        frame = self.frameGeometry()
        self.move(max(area.left(), frame.left() + min(0, area.right() - frame.right())),
                  max(area.top(), frame.top() + min(0, area.bottom() - frame.bottom())))

    # --- editing ----------------------------------------------------------------------
    def _on_sizes_edited(self, text: str) -> None:
        """New layer sizes re-shape the grids at once, keeping every number typed (also
        those of a shape left on the way: "2-2-1" goes through "2-2")."""
        try:
            sizes = parse_sizes(text)
            check_sizes(sizes, self.like)
        except BpvizError as exc:  # "recipe.layers: ..." or "table: ..." (its targets) is the sizes' problem
            self.size_problem = "Layer sizes: " + str(exc).partition(": ")[2]
        else:
            self.size_problem = ""
            if sizes != self.sizes:
                self._build_grids(sizes)
                self._fit_to_screen()
        self._on_edited()

    def _on_edited(self, *_) -> None:
        self.notice = ""
        self._validate()

    def _on_block_pasted(self, cell: Cell, text: str) -> None:
        """Fill the grid from ``cell`` with the block pasted; a block larger than the room
        from there is refused (a row pasted into a column, or a column into a row, turns)."""
        grid = cell.grid
        try:
            rows = read_block(text)
        except BlockError as exc:
            self._say(str(exc))
            return
        room = (grid.rows - cell.row, grid.cols - cell.col)
        height, width = len(rows), len(rows[0])
        if (height > room[0] or width > room[1]) and 1 in (height, width) and 1 in (grid.rows, grid.cols) \
                and width <= room[0] and height <= room[1]:
            rows = [list(column) for column in zip(*rows)]
            height, width = width, height
        if height > room[0] or width > room[1]:
            self._say(f"Nothing pasted: the block is {_count(height, 'row')} × {_count(width, 'column')}; from "
                      f"{cell.field} there is room for {_count(room[0], 'row')} × {_count(room[1], 'column')}. "
                      f"Select the cell where its top-left number goes.")
            return
        for j, row in enumerate(rows):
            for k, text_ in enumerate(row):
                target = grid.cells[cell.row + j][cell.col + k]
                target.blockSignals(True)
                target.setText(text_)
                target.setCursorPosition(0)
                target.blockSignals(False)
        self._on_edited()

    def _say(self, notice: str) -> None:
        self.notice = notice
        self._validate()

    # --- checking ---------------------------------------------------------------------
    def _validate(self, *_) -> None:
        """Mark every bad field and cell, say what each expects, and turn OK on only when
        the page can take the whole network."""
        problems: list[tuple[QWidget | None, str]] = []
        if self.size_problem:
            problems.append((self.sizes_field, self.size_problem))
        try:
            lr = positive(self.lr.text(), "Learning rate")
        except BpvizError as exc:
            problems.append((self.lr, str(exc)))
        numbers = {}
        for grid in self.grids.values():
            for cell in grid.all_cells():
                try:
                    numbers[grid.key, cell.row, cell.col] = cell_number(cell.text(), cell.field)
                except BpvizError as exc:
                    problems.append((cell, str(exc)))
        self.state = None
        if not problems:
            try:
                self.state = step_state(self._values(numbers, lr), self.like)
            except BpvizError as exc:
                text = _labelled(str(exc))
                problems.append((self._field_of(text), text))
        self._show(problems)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.state is not None)

    def _values(self, numbers: dict, lr: float) -> NetworkValues:
        def array(key: str, rows: int, cols: int):
            return np.array([[numbers[key, j, k] for k in range(cols)] for j in range(rows)], dtype=np.float64)

        sizes, L = self.sizes, len(self.sizes) - 1
        params = {}
        for l in range(1, L + 1):
            params[f"W{l}"] = array(f"W{l}", sizes[l], sizes[l - 1])
            params[f"b{l}"] = array(f"b{l}", sizes[l], 1)
        return NetworkValues(sizes, params, array("x", sizes[0], 1)[:, 0], array("y", sizes[-1], 1)[:, 0],
                             self.hidden.currentText(), self.output.currentText(), self.loss.currentText(), lr)

    def _field_of(self, message: str) -> QWidget | None:
        for label, key in (("Layer sizes", "sizes"), ("Learning rate", "lr"), ("Loss", "loss"),
                           ("Output activation", "output"), ("Hidden activation", "hidden")):
            if message.startswith(label):
                return self.fields[key]
        return None

    def _show(self, problems: list[tuple[QWidget | None, str]]) -> None:
        bad = {id(widget): text for widget, text in problems if widget is not None}
        for widget in [*self.fields.values(), *(c for g in self.grids.values() for c in g.all_cells())]:
            text = bad.get(id(widget))
            if isinstance(widget, Cell):
                widget.setStyleSheet(bad_cell() if text else "")
                widget.setToolTip(text or widget.tip)
            else:
                widget.setStyleSheet(style.error_border() if text else "")
        lines = [text for _, text in problems]
        if len(lines) > SPELLED:
            rest = lines[SPELLED - 1:]
            empty = sum(text.endswith(": empty; expected a number") for text in rest)
            lines = [*lines[:SPELLED - 1], f"… and {len(rest)} more, marked in red{f' ({empty} empty)' if empty else ''}; "
                                           f"the mouse over one says what it expects"]
        self.message.set_message("\n".join([self.notice, *lines] if self.notice else lines))

    def accept(self) -> None:
        if self.state is not None:  # Return in a field while OK is off does nothing
            super().accept()


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


#: The page's names of the dialog's fields ("recipe.loss: ..." is "Loss: ..." here).
_LABELS = (("recipe.layers", "Layer sizes"), ("layers", "Layer sizes"), ("recipe.loss", "Loss"), ("loss", "Loss"),
           ("recipe.lr", "Learning rate"), ("lr", "Learning rate"), ("output", "Output activation"),
           ("activation", "Hidden activation"), ("table", "Inputs and targets"), ("params", "The network"))


def _labelled(message: str) -> str:
    field, colon, rest = message.partition(": ")
    for name, label in _LABELS:
        if colon and field == name:
            return f"{label}: {rest}"
    return message


class ValuesCommand(QUndoCommand):
    """Put a state (the typed network, or the form's change keeping the weights) on the
    step page; undo puts back the page as it was (network, table, row, weights, epoch and
    step), redo the new one again."""

    def __init__(self, page, after: StepLesson, text: str = "set the network's values"):
        super().__init__(text)
        self.page, self.before, self.after = page, page.lesson_state(), after

    def redo(self) -> None:
        self.page.open_lesson(self.after, keep_undo=True)

    def undo(self) -> None:
        self.page.open_lesson(self.before, keep_undo=True)
