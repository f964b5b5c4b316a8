"""Choose which columns of a CSV table are the inputs and which (1 to 4) are the targets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QGridLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget,
)

from bpviz.data.toy import MAX_FEATURES, MAX_TARGETS
from bpviz.gui import style


def _checkable_list(header: list[str], checked) -> QListWidget:
    names = QListWidget()
    for name in header:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked(name) else Qt.CheckState.Unchecked)
        names.addItem(item)
    return names


def _ticked(names: QListWidget) -> list[str]:
    return [names.item(i).text() for i in range(names.count())
            if names.item(i).checkState() == Qt.CheckState.Checked]


class ColumnsDialog(QDialog):
    """Two lists of the file's columns, ticked: the inputs, and the targets (one output unit
    each). By default the last column is the target and the others (up to 8) the inputs.
    A choice the step page cannot take is said under the lists, and OK waits for a good one."""

    def __init__(self, header: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Choose the columns")
        inputs = header[:-1][:MAX_FEATURES]
        self.features = _checkable_list(header, lambda name: name in inputs)
        self.targets = _checkable_list(header, lambda name: name == header[-1])
        self.targets.setToolTip(f"1 to {MAX_TARGETS} columns, one output unit each. For a softmax over classes, "
                                f"tick one 0/1 column per class (one-hot: a 1 in each row's class)")
        self.message = QLabel()
        self.message.setWordWrap(True)
        style.colored_text(self.message, style.BACKWARD)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lists = QGridLayout()
        lists.addWidget(QLabel(f"Inputs (1 to {MAX_FEATURES})"), 0, 0)
        lists.addWidget(QLabel(f"Targets: what the network predicts (1 to {MAX_TARGETS})"), 0, 1)
        lists.addWidget(self.features, 1, 0)
        lists.addWidget(self.targets, 1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(lists)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for names in (self.features, self.targets):
            names.itemChanged.connect(lambda _: self._validate())
        self._validate()

    def chosen_features(self) -> list[str]:
        return _ticked(self.features)

    def chosen_targets(self) -> list[str]:
        return _ticked(self.targets)

    def problem(self) -> str:
        """What is wrong with the columns ticked, or ""."""
        features, targets = self.chosen_features(), self.chosen_targets()
        both = [name for name in targets if name in features]
        if not targets:
            return "Tick at least one target column: what the network predicts."
        if len(targets) > MAX_TARGETS:
            return (f"The step view shows at most {MAX_TARGETS} outputs, one per target column; "
                    f"{len(targets)} target columns are ticked.")
        if both:
            return (f"The column {both[0]} is ticked both as an input and as a target; expected each column "
                    f"in one list: untick it in the other.")
        if not features:
            return "Tick at least one input column."
        if len(features) > MAX_FEATURES:
            return f"The step view shows at most {MAX_FEATURES} inputs; {len(features)} are ticked."
        return ""

    def _validate(self) -> None:
        message = self.problem()
        self.message.setText(message)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not message)
