"""The gradient debugger panel: every gradient beside its finite-difference estimate, and
a user's hand-written update or gradients beside bpviz's, parameter by parameter (the
file itself, and what its lines got wrong, are in the code panel: code_panel.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from bpviz.gui import style
from bpviz.gui.stepper.code_panel import rich
from bpviz.gui.stepper.equation import CODE_LINE_SHOWN
from bpviz.nn.gradcheck import THRESHOLD, GradientCheck
from bpviz.nn.handwritten import Comparison
from bpviz.nn.notation import edge_id, node_id

THRESHOLDS = (1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12)
PASS, FAIL = "✓", "✗"


def _number(value: float) -> str:
    return f"{value:.6g}"


class DebugPanel(QWidget):
    thresholdChanged = Signal(float)

    COLUMNS = ("parameter", "backprop", "finite diff.", "rel. error", "", "your code", "")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.threshold = THRESHOLD
        self.note = ""
        self.checks: list[GradientCheck] = []
        self.comparison: Comparison | None = None
        self.hidden: frozenset[str] = frozenset()  # quiz mode: elements whose gradient is still to be found
        self.threshold_box = QComboBox()
        for value in THRESHOLDS:
            self.threshold_box.addItem(f"{value:g}", value)
        self.threshold_box.setCurrentIndex(THRESHOLDS.index(THRESHOLD))
        self.threshold_box.setToolTip("The largest relative error that passes")
        self.threshold_box.currentIndexChanged.connect(self._on_threshold)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        threshold_row = QHBoxLayout()
        # Wrapped, it lets the column narrow (on one line it held the window at 1179 px).
        threshold_title = QLabel("Pass when the relative error is at most")
        threshold_title.setWordWrap(True)
        threshold_row.addWidget(threshold_title, 1)
        threshold_row.addWidget(self.threshold_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(threshold_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        theme_changed = style.theme.changed
        theme_changed.connect(self._on_theme_changed)

    def _on_theme_changed(self, _name: str) -> None:
        self._refresh()  # the verdict and the marks hold their colours

    # --- input ----------------------------------------------------------------------
    def set_checks(self, checks: list[GradientCheck]) -> None:
        self.checks = list(checks)
        self._refresh()

    def set_comparison(self, comparison: Comparison | None, note: str = "") -> None:
        """The user's values on the row shown (None: none to show, ``note`` says why)."""
        self.comparison = comparison
        self.note = note
        self._refresh()

    def set_hidden(self, elements) -> None:
        """Quiz mode: the gradients of these graph elements (element_of_check's ids) show
        "?" until the class has found them; their check marks stay."""
        elements = frozenset(elements)
        if elements != self.hidden:
            self.hidden = elements
            self._refresh()

    def _on_threshold(self, index: int) -> None:
        self.threshold = float(self.threshold_box.itemData(index))
        self._refresh()
        self.thresholdChanged.emit(self.threshold)

    # --- output ---------------------------------------------------------------------
    def failing(self) -> list[GradientCheck]:
        return [c for c in self.checks if not c.passes(self.threshold)]

    def disagreeing(self) -> list:
        return self.comparison.flagged(self.threshold) if self.comparison else []

    def _refresh(self) -> None:
        checks, t = self.checks, self.threshold
        failing = self.failing()
        if checks:
            worst = max(checks, key=lambda c: c.error)
            verdict = (f"<b style='color:{style.UPDATE.name()}'>{PASS} All {len(checks)} gradients pass</b>"
                       if not failing else
                       f"<b style='color:{style.BACKWARD.name()}'>{FAIL} {len(failing)} of {len(checks)} "
                       f"gradients fail</b>")
            text = f"{verdict} the finite-difference check (largest relative error {worst.error:.1e}, {worst.name})."
            if self.comparison is not None:
                flagged = self.disagreeing()
                text += ("<br>" + (f"<b style='color:{style.UPDATE.name()}'>{PASS} Your code agrees with "
                                   f"backprop everywhere.</b>" if not flagged else
                                   f"<b style='color:{style.legible(style.WARNING).name()}'>{FAIL} Your code disagrees on "
                                   f"{len(flagged)} of {len(self.comparison.entries)}: "
                                   f"{', '.join(e.name for e in flagged)}</b>"))
            if self.note:
                text += f"<br>{self.note}"
            self.summary.setText(text)
        self.table.setRowCount(len(checks))
        for row, check in enumerate(checks):
            cells = [check.name, _number(check.analytic), _number(check.numeric), f"{check.error:.1e}",
                     PASS if check.passes(t) else FAIL, "", ""]
            mine = self.comparison.entry(check.key, check.index) if self.comparison else None
            if mine is not None:
                cells[5] = _number(mine.theirs)
                cells[6] = PASS if mine.agrees(t) else FAIL
            if element_of_check(check.key, check.index) in self.hidden:
                cells[1] = cells[2] = "?"
                cells[5] = "?" if mine is not None else ""
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (1, 2, 3, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 4:
                    item.setForeground(QBrush(style.UPDATE if text == PASS else style.BACKWARD))
                if column in (5, 6) and mine is not None and not mine.agrees(t):
                    item.setForeground(QBrush(style.legible(style.WARNING)))
                self.table.setItem(row, column, item)
        self.table.setColumnHidden(5, self.comparison is None)
        self.table.setColumnHidden(6, self.comparison is None)
        if self.comparison is not None:
            kind = "gradient its update implies" if self.comparison.kind == "update" else "gradient"
            self.table.horizontalHeaderItem(5).setToolTip(f"The {kind}")


def element_of_check(key: str, index) -> str:
    """The graph element of a parameter's check: "W2", (0, 1) is the edge of w[2]_12."""
    l, (j, k) = int(key[1:]), index
    return edge_id(l, j + 1, k + 1) if key[0] == "W" else node_id(l, j + 1)


def check_text(step, checks, panel: "DebugPanel", findings=()) -> str:
    """For a weight's or bias's gradient step: its finite-difference check among ``checks``,
    what the user's code gave for it (``panel``'s comparison), and the line of the code
    that got it wrong (among ``findings``), as the equation shows them."""
    if step is None or step.quantity[0] not in ("dw", "db"):
        return ""
    name, l, j, *k = step.quantity
    key, index = (f"W{l}", (j - 1, k[0] - 1)) if name == "dw" else (f"b{l}", (j - 1, 0))
    check = next((c for c in checks if c.key == key and c.index == index), None)
    if check is None:
        return ""
    t = panel.threshold
    ok = check.passes(t)
    color = (style.UPDATE if ok else style.BACKWARD).name()
    text = (f"Gradient check: finite difference {check.numeric:.6g}, relative error {check.error:.1e} "
            f"<b style='color:{color}'>{'✓ passes' if ok else '✗ fails'}</b> (threshold {t:g})")
    mine = panel.comparison.entry(key, index) if panel.comparison else None
    if mine is not None:
        agrees = mine.agrees(t)
        color = style.legible(style.UPDATE if agrees else style.WARNING).name()
        implied = " (implied by its update)" if panel.comparison.kind == "update" else ""
        text += (f"<br><b style='color:{color}'>Your code{implied}: {step.symbol.text} = "
                 f"{mine.theirs:.6g} {'✓ agrees' if agrees else '✗ disagrees'}</b>"
                 + ("" if agrees else f" — backprop's chain above gives {mine.ours:.6g}"))
    finding = next((f for f in findings if (key, index) in f.params), None)
    if finding is not None:
        code = finding.code if len(finding.code) <= CODE_LINE_SHOWN else finding.code[:CODE_LINE_SHOWN - 1] + "…"
        text += (f"<br><b style='color:{style.legible(style.WARNING).name()}'>line {finding.line}</b> "
                 f"({rich(' and '.join(finding.cause.kinds))}): <code>{rich(code)}</code>")
    return text
