"""The list of steps, grouped by phase; clicking a step jumps to it. In quiz mode the
results still to be found read "?"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from bpviz.gui import style
from bpviz.gui.stepper.equation import PHASE_TITLES
from bpviz.nn.notation import result
from bpviz.nn.trace import PHASES


class Timeline(QTreeWidget):
    stepClicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.items: list[QTreeWidgetItem] = []
        self.steps: list = []
        self.hidden: set[int] = set()  # quiz mode: steps whose results show "?"
        self.groups: dict[str, QTreeWidgetItem] = {}
        self.itemClicked.connect(self._on_item_clicked)
        style.follow(self, self._colour_groups)

    def _colour_groups(self) -> None:
        for phase, group in self.groups.items():
            group.setForeground(0, QBrush(style.phase_color(phase)))

    def set_steps(self, steps) -> None:
        self.clear()
        self.items = []
        groups = {}
        for phase in PHASES:
            members = [s for s in steps if s.phase == phase]
            if not members:
                continue
            group = QTreeWidgetItem([f"{PHASE_TITLES[phase]} ({len(members)})"])
            self.addTopLevelItem(group)
            groups[phase] = group
        self.groups = groups
        self._colour_groups()
        self.steps = list(steps)
        self.hidden = set()
        for step in steps:
            item = QTreeWidgetItem([self._text(step)])
            item.setData(0, 256, step.index)
            groups[step.phase].addChild(item)
            self.items.append(item)
        self.expandAll()

    def _text(self, step) -> str:
        arrow = "←" if step.phase == "update" else "="
        value = "?" if step.index in self.hidden else result(step.value).text
        return f"{step.index + 1:>3}. {step.symbol.text} {arrow} {value}"

    def set_hidden(self, indices) -> None:
        """Quiz mode: the steps whose results are still to be found show "?" for them."""
        indices = set(indices)
        if indices != self.hidden:
            changed = indices ^ self.hidden
            self.hidden = indices
            for i in changed:
                if 0 <= i < len(self.items):
                    self.items[i].setText(0, self._text(self.steps[i]))

    def set_current(self, index: int) -> None:
        self.blockSignals(True)
        if 0 <= index < len(self.items):
            self.setCurrentItem(self.items[index])
            self.scrollToItem(self.items[index])
        else:
            self.clearSelection()
        self.blockSignals(False)

    def _on_item_clicked(self, item, column) -> None:
        index = item.data(0, 256)
        if index is not None:
            self.stepClicked.emit(int(index))
