"""The Export worked example dialog: the format (PDF, Markdown, LaTeX), the paper size and
which steps (the whole pass or a range). It only gathers the choices; ``exporting``
asks for the file and writes it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QRadioButton,
    QSpinBox, QVBoxLayout, QWidget,
)

#: The formats offered: (the dialog's words, the kind, the file's ending, the chooser's filter).
FORMATS = {
    "PDF, typeset for printing": ("pdf", "pdf", "PDF document (*.pdf)"),
    "Markdown with LaTeX maths": ("markdown", "md", "Markdown (*.md)"),
    "LaTeX document": ("latex", "tex", "LaTeX document (*.tex)"),
}
PAPERS = ("A4", "Letter")


@dataclass(frozen=True)
class HandoutSpec:
    """Steps ``first`` to ``last`` (0-based, inclusive) as ``kind`` ("pdf", "markdown",
    "latex") on ``paper`` ("A4" or "Letter": the PDF's and the LaTeX document's); ``blank``:
    a worksheet, each step's numbers and result left as "?" for the class to work out."""

    first: int
    last: int
    kind: str = "pdf"
    paper: str = "A4"
    blank: bool = False  # a worksheet: the results left as "?"

    @property
    def ending(self) -> str:
        return next(ending for kind, ending, _ in FORMATS.values() if kind == self.kind)

    @property
    def filter(self) -> str:
        return next(f for kind, _, f in FORMATS.values() if kind == self.kind)


class HandoutDialog(QDialog):
    def __init__(self, steps: int, parent: QWidget | None = None, last: HandoutSpec | None = None):
        """``last``: the choices of the last export, offered again (its range when it fits
        this trace, its format, paper and worksheet tick)."""
        super().__init__(parent)
        self.setWindowTitle("Export worked example")
        self.steps = steps
        self.kind = QComboBox()
        self.kind.addItems(FORMATS)
        self.paper = QComboBox()
        self.paper.addItems(PAPERS)
        self.whole = QRadioButton(f"The whole pass (steps 1 to {steps})")
        self.some = QRadioButton("Steps")
        group = QButtonGroup(self)
        for button in (self.whole, self.some):
            group.addButton(button)
        self.whole.setChecked(True)
        self.first, self.last = QSpinBox(), QSpinBox()
        for box in (self.first, self.last):
            box.setRange(1, max(steps, 1))
        self.first.setValue(1)
        self.last.setValue(max(steps, 1))
        self.blank = QCheckBox("Leave the results blank (a worksheet for the class)")
        self.blank.setToolTip("Each step keeps its formula; its numbers and result show ?, to be worked out "
                              "in order from the graph's values (drawn before the first step)")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        # Room for its longest text (three lines at the dialog's least width): a wrapped
        # label's height was left to the form, which cut its last line under the buttons.
        self.summary.setMinimumHeight(3 * self.summary.fontMetrics().lineSpacing() + 4)
        self.setMinimumWidth(420)
        range_row = QHBoxLayout()
        for widget in (self.some, self.first, QLabel("to"), self.last):
            range_row.addWidget(widget)
        range_row.addStretch(1)
        steps_box = QVBoxLayout()
        steps_box.addWidget(self.whole)
        steps_box.addLayout(range_row)
        form = QFormLayout(self)
        form.addRow("Format", self.kind)
        form.addRow("Paper", self.paper)
        form.addRow("Steps", steps_box)
        form.addRow("Results", self.blank)
        form.addRow(self.summary)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        for box in (self.first, self.last):
            box.valueChanged.connect(self._on_changed)
            box.valueChanged.connect(lambda _: self.some.setChecked(True))  # typing a step chooses the range
        self.kind.currentTextChanged.connect(self._on_changed)
        self.whole.toggled.connect(self._on_changed)
        self.blank.toggled.connect(self._on_changed)
        if last is not None:
            self.kind.setCurrentText(next(text for text, (k, _, _) in FORMATS.items() if k == last.kind))
            self.paper.setCurrentText(last.paper)
            self.blank.setChecked(last.blank)
            if (last.first, last.last) != (0, steps - 1) and 0 <= last.first <= last.last < steps:
                self.first.setValue(last.first + 1)
                self.last.setValue(last.last + 1)
                self.some.setChecked(True)
        self._on_changed()

    def _on_changed(self, *_) -> None:
        spec = self.spec()
        self.paper.setEnabled(spec.kind != "markdown")
        count = spec.last - spec.first + 1
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(count >= 1 and self.steps > 0)
        if count < 1:
            self.summary.setText("The first step must come before the last.")
            return
        where = {"pdf": f"a PDF on {spec.paper} paper, a page breaking only between steps",
                 "markdown": "Markdown with its maths as $…$ (GitHub, Jupyter), the graph as a PNG beside it",
                 "latex": f"a LaTeX document on {spec.paper} paper (pdflatex), the graph as a PNG beside it"}
        steps = f"{count} step{'s' if count != 1 else ''}"
        if spec.blank:
            self.summary.setText(f"A worksheet of {steps}: each formula, its numbers and result left as ?; "
                                 f"{where[spec.kind]}.")
        else:
            self.summary.setText(f"{steps}, each with its formula, numbers, result and chain, under the graph: "
                                 f"{where[spec.kind]}.")

    def spec(self) -> HandoutSpec:
        kind = FORMATS[self.kind.currentText()][0]
        blank = self.blank.isChecked()
        if self.whole.isChecked():
            return HandoutSpec(0, max(self.steps, 1) - 1, kind, self.paper.currentText(), blank)
        return HandoutSpec(self.first.value() - 1, self.last.value() - 1, kind, self.paper.currentText(), blank)
