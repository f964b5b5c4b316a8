"""Choose which columns of a CSV table are the inputs and which is the target."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QListWidget, QListWidgetItem,
    QVBoxLayout, QWidget,
)

from bpviz.data.toy import MAX_FEATURES
from bpviz.gui import style


class ColumnsDialog(QDialog):
    def __init__(self, header: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Choose the columns")
        self.target = QComboBox()
        self.target.addItems(header)
        self.target.setCurrentIndex(len(header) - 1)
        self.features = QListWidget()
        for name in header:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.features.addItem(item)
        self.message = QLabel()
        style.colored_text(self.message, style.BACKWARD)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self._check_defaults()
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Target (what the network predicts)", self.target)
        form.addRow(f"Inputs (1 to {MAX_FEATURES})", self.features)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.target.currentTextChanged.connect(lambda _: self._check_defaults())
        self.features.itemChanged.connect(lambda _: self._validate())
        self._validate()

    def _check_defaults(self) -> None:
        """Every column but the target, up to the most the step view shows."""
        self.features.blockSignals(True)
        chosen = 0
        for i in range(self.features.count()):
            item = self.features.item(i)
            is_target = item.text() == self.target.currentText()
            on = not is_target and chosen < MAX_FEATURES
            chosen += on
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled if is_target else item.flags() | Qt.ItemFlag.ItemIsEnabled)
        self.features.blockSignals(False)
        self._validate()

    def chosen_features(self) -> list[str]:
        return [self.features.item(i).text() for i in range(self.features.count())
                if self.features.item(i).checkState() == Qt.CheckState.Checked]

    def chosen_target(self) -> str:
        return self.target.currentText()

    def _validate(self) -> None:
        n = len(self.chosen_features())
        message = ""
        if n == 0:
            message = "Choose at least one input column."
        elif n > MAX_FEATURES:
            message = f"The step view shows at most {MAX_FEATURES} inputs; {n} are chosen."
        self.message.setText(message)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not message)
