"""The settings form of the step page: preset, network, training and data, checked inline."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
    QVBoxLayout, QWidget,
)

from bpviz.errors import BpvizError
from bpviz.gui import style
from bpviz.nn.trace import MAX_LAYERS, MAX_UNITS
from bpviz.numbers import positive, unit_counts
from bpviz.data.toy import Table, get_table
from bpviz.page_limits import STEP_INITS, STEP_LOSSES, STEP_MAX_SEED, check_step_loss
from bpviz.presets import PRESETS, TOY_PRESETS, Recipe

INITS = dict(zip(("constant 0.1", "random (seeded)"), STEP_INITS))  # the inits the step page takes
CUSTOM = "custom"  # the preset combo shows this once a field differs from the preset
#: The output layer a loss takes (mse and quadratic: linear after hidden layers, else the
#: Activation field's choice).
OUTPUTS = {"bce": "sigmoid", "cross_entropy": "softmax"}
LOSS_TIPS = {
    "mse": "mse: values, Σ_k (a_k - y_k)² (linear outputs)",
    "quadratic": "quadratic: values, ½ Σ_k (a_k - y_k)² (linear outputs)",
    "bce": "bce: 0/1 targets, a sigmoid output per target column",
    "cross_entropy": "cross_entropy: classes, a softmax over 2 to 4 one-hot class columns",
}


def form_message(text: str) -> str:
    """A page-limit message as the form says it: "recipe.loss: ..." is "Loss: ..." here."""
    for prefix in ("recipe.", "table."):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text[:1].upper() + text[1:]


def parse_hidden(text: str) -> tuple[int, ...]:
    """"2" or "3,2" → hidden layer sizes; "" → none. Raises ConfigError naming the field."""
    return unit_counts(text, "Hidden layers", MAX_UNITS, MAX_LAYERS - 1, "2 or 3,2", layers="hidden layers")


def parse_lr(text: str) -> float:
    """The learning rate field: a finite number greater than 0."""
    return positive(text, "Learning rate")


class ControlsPanel(QGroupBox):
    """Emits ``recipeChanged`` with a checked Recipe, or marks the wrong field in red and says
    what is wrong under the form's buttons (where a message moves no field)."""

    recipeChanged = Signal(object)  # a field edited: the same table, a new recipe
    presetChosen = Signal(object)  # a preset chosen: its recipe and its own table
    sampleChanged = Signal(int)
    loadCsvRequested = Signal()
    runEpochsRequested = Signal(int)

    def __init__(self, recipe: Recipe, parent: QWidget | None = None):
        super().__init__("Network and data", parent)
        self.recipe = recipe
        self.preset = QComboBox()
        self.preset.addItems([*TOY_PRESETS, CUSTOM])
        self.hidden = QLineEdit()
        self.hidden.setPlaceholderText("none (e.g. 2 or 3,2)")
        self.activation = QComboBox()
        self.activation.addItems(["linear", "sigmoid", "tanh", "relu"])
        self.loss = QComboBox()
        self.loss.addItems(list(STEP_LOSSES))
        self.loss.setToolTip("\n".join(LOSS_TIPS[name] for name in STEP_LOSSES))
        self.lr = QLineEdit()
        self.init = QComboBox()
        self.init.addItems(list(INITS))
        self.seed = QSpinBox()
        self.seed.setRange(0, STEP_MAX_SEED)
        self.sample = QSpinBox()
        self.sample.setRange(1, 1)
        self.sample.setToolTip("The row of the table the step-through uses (rows count from 1)")
        self.csv_button = QPushButton("Load CSV table…")
        self.error = QLabel()
        self.error.setObjectName("controlsError")
        self.error.setWordWrap(True)
        style.colored_text(self.error, style.BACKWARD)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 10_000)
        self.epochs.setValue(10)
        self.epochs.setSuffix(" epochs")
        self.epochs.setToolTip("How many epochs Run epochs trains, without animation")
        self.run_button = QPushButton("Run epochs")
        for field in (self.preset, self.hidden, self.activation, self.loss, self.lr):
            field.setMinimumWidth(90)
        form = QFormLayout()
        form.addRow("Preset", self.preset)
        form.addRow("Hidden layers", self.hidden)
        form.addRow("Activation", self.activation)
        form.addRow("Loss", self.loss)
        form.addRow("Learning rate", self.lr)
        form.addRow("Init", self.init)
        form.addRow("Seed", self.seed)
        form.addRow("Row", self.sample)
        run_row = QHBoxLayout()
        run_row.addWidget(self.epochs)
        run_row.addWidget(self.run_button, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.csv_button)
        layout.addLayout(run_row)
        # Last, so that a message (however long) moves no field: only the plot below gives way.
        layout.addWidget(self.error)
        self.fields = {"hidden": self.hidden, "lr": self.lr}
        style.hold_height(self.fields.values())  # a red border must not resize a field (and move the others)
        self.table = get_table(recipe.dataset)  # the table shown: the output layer has a unit per target
        self.set_recipe(recipe, rows=4)
        self.preset.currentTextChanged.connect(self._on_preset)
        for widget in (self.hidden, self.lr):
            widget.editingFinished.connect(self._on_edited)
        for combo in (self.activation, self.loss, self.init):
            combo.currentTextChanged.connect(self._on_edited)
        self.seed.valueChanged.connect(self._on_edited)
        self.sample.valueChanged.connect(lambda v: self.sampleChanged.emit(v - 1))
        self.csv_button.clicked.connect(self.loadCsvRequested)
        self.run_button.clicked.connect(lambda: self.runEpochsRequested.emit(self.epochs.value()))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # the UI scale: the fields' new natural height
            style.hold_height(self.fields.values())

    def set_recipe(self, recipe: Recipe, rows: int | None = None, own_table: bool = True,
                   table: Table | None = None) -> None:
        """Show ``recipe`` in the fields (without emitting); ``own_table`` False: it plays
        another table than its preset's (a CSV), so the preset reads custom. ``table``: the
        table it plays, whose targets the next edit's output layer and loss must fit."""
        self.recipe = recipe
        if table is not None:
            self.table = table
        widgets = (self.preset, self.hidden, self.activation, self.loss, self.lr, self.init, self.seed)
        for widget in widgets:
            widget.blockSignals(True)
        preset = own_table and recipe == PRESETS.get(recipe.name)
        self.preset.setCurrentText(recipe.name if preset else CUSTOM)
        self.hidden.setText(",".join(map(str, recipe.layers[:-1])))
        self.activation.setCurrentText(recipe.activation if len(recipe.layers) > 1 else recipe.output_activation)
        self.loss.setCurrentText(recipe.loss)
        self.lr.setText(f"{recipe.lr:g}")
        self.init.setCurrentText(next((k for k, v in INITS.items() if v == recipe.init), "random (seeded)"))
        self.seed.setValue(recipe.seed)
        self.seed.setEnabled(recipe.init != "constant:0.1")
        for widget in widgets:
            widget.blockSignals(False)
        if rows is not None:
            self.sample.blockSignals(True)
            self.sample.setRange(1, rows)
            self.sample.blockSignals(False)
        self.show_error(None, "")

    def show_error(self, field: str | None, message: str) -> None:
        for name, widget in self.fields.items():
            widget.setStyleSheet(style.error_border() if name == field else "")
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _on_preset(self, name: str) -> None:
        if name in PRESETS:  # "custom" keeps the settings as they are
            self.presetChosen.emit(PRESETS[name])

    def _on_edited(self, *_) -> None:
        try:
            hidden = parse_hidden(self.hidden.text())
        except BpvizError as exc:
            self.show_error("hidden", str(exc))
            return
        try:
            lr = parse_lr(self.lr.text())
        except BpvizError as exc:
            self.show_error("lr", str(exc))
            return
        loss = self.loss.currentText()
        activation = self.activation.currentText()
        output = OUTPUTS.get(loss, activation if not hidden else "linear")
        k = self.table.n_targets  # the output layer follows from the table: a unit per target column
        try:
            check_step_loss(loss, self.table)  # cross_entropy on one column, said as the page says it
            recipe = self.recipe.replace(
                layers=(*hidden, k), activation=activation if hidden else "linear", loss=loss, lr=lr,
                init=INITS[self.init.currentText()], seed=self.seed.value(), output=output, outputs=k,
            )
        except BpvizError as exc:
            self.show_error(None, form_message(str(exc)))
            return
        self.seed.setEnabled(recipe.init != "constant:0.1")
        self.show_error(None, "")
        if recipe != self.recipe:  # a field left as it was (Return, a click elsewhere) changes nothing
            self.recipeChanged.emit(recipe)
