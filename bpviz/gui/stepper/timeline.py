"""The list of steps, grouped by phase; clicking a step jumps to it."""

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
        for step in steps:
            arrow = "←" if step.phase == "update" else "="
            item = QTreeWidgetItem([f"{step.index + 1:>3}. {step.symbol.text} {arrow} {result(step.value).text}"])
            item.setData(0, 256, step.index)
            groups[step.phase].addChild(item)
            self.items.append(item)
        self.expandAll()

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
