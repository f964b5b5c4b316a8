"""The training form: preset, digits, network, output, loss, optimizer, length, batch, dtype, seed
and training-set size. Each field is checked as it is edited; every wrong field's message shows
under it, in room kept for it, so that no field ever moves."""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout,
    QWidget,
)

from bpviz.gui import style
from bpviz.gui.widgets.message import FieldMessage
from bpviz.gui.training.values import available_images, parse_count, parse_hidden, parse_lr
from bpviz.errors import BpvizError, ConfigError
from bpviz.nn.activations import HIDDEN_ACTIVATIONS
from bpviz.nn.network import DTYPES
from bpviz.nn.optimizers import OPTIMIZERS
from bpviz.nn.train import count_iterations
from bpviz.page_limits import (
    TRAIN_MAX_EVAL_EVERY, TRAIN_MAX_LENGTH, TRAIN_MAX_SEED, TRAIN_OUTPUTS, train_losses,
)
from bpviz.presets import MNIST_PRESETS, Recipe, get_preset

#: With "auto", the test set is evaluated about this many times per run.
AUTO_EVALUATIONS = 20
#: Where a core error message's field name ("layers: ...") belongs in the form.
FIELD_OF = {
    "layers": "hidden", "hidden layers": "hidden", "lr": "lr", "learning rate": "lr",
    "digits": "digits", "iterations": "length", "epochs": "length", "iterations/epochs": "length",
    "batch-size": "batch", "batch size": "batch", "train-size": "train_size",
    "training-set size": "train_size", "eval-every": "eval_every", "activation": "activation",
    "optimizer": "optimizer", "dtype": "dtype", "loss": "loss", "output": "output",
}
#: The fields a value can be wrong in; each keeps room under it for its message.
CHECKED = ("digits", "hidden", "lr", "batch", "train_size", "eval_every")
#: The recipe's settings each field gives: left out when the field is wrong, so that the
#: preset's stand in and the other fields are still checked.
SETTINGS_OF = {"hidden": ("layers",), "lr": ("lr",), "batch": ("batch_size",),
               "train_size": ("train_size",), "eval_every": ("eval_every",),
               "activation": ("activation",), "output": ("output",), "loss": ("loss",), "optimizer": ("optimizer",), "dtype": ("dtype",),
               "length": ("iterations", "epochs")}
#: The form's narrowest: every message fits the room under its field.
MIN_WIDTH = 320
#: What each checked field takes, shown muted in its room while it holds no error.
HINTS = {
    "digits": "two different digits (a sigmoid output), or all ten",
    "hidden": "units per hidden layer, such as 196 or 392,196,98",
    "lr": "a number greater than 0, such as 0.1",
    "batch": "images per update, or full: all of them at once",
    "train_size": "how many images to train on, or all",
    "eval_every": "updates between test-set checks; auto: about 20 a run",
}


class TrainForm(QWidget):
    """``recipe()`` is the checked Recipe, or None while a field is wrong (shown inline)."""

    changed = Signal()

    def __init__(self, preset: str = "tutorial", mnist_dir=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.mnist_dir = mnist_dir
        self._filling = False
        self._recipe: Recipe | None = None
        self.errors: dict[str, str] = {}
        self.preset = QComboBox()
        self.preset.addItems(MNIST_PRESETS)
        self.description = FieldMessage(lines=3, color=style.MUTED)
        self.all_digits = QCheckBox("all ten")
        self.all_digits.setToolTip("All ten digits: ten output units, a softmax unless Output says sigmoid")
        self.first, self.second = QSpinBox(), QSpinBox()
        for box in (self.first, self.second):
            box.setRange(0, 9)
        self.hidden = QLineEdit()
        self.hidden.setPlaceholderText("e.g. 196 or 392,196,98")
        self.activation = QComboBox()
        self.activation.addItems(HIDDEN_ACTIVATIONS)
        self.output = QComboBox()
        self.output.addItems(TRAIN_OUTPUTS)
        self.output.setToolTip("The output layer's activation: sigmoid (one unit for two digits; for all ten, "
                               "a unit per digit, as Nielsen's network) or softmax (all ten, summing to 1). "
                               "It follows the digits until you choose")
        self.loss = QComboBox()  # its items follow the output: see _show_losses
        self.loss.setToolTip("bce (two digits) or cross_entropy (all ten): the loss of the output's "
                             "probabilities; mse and quadratic (½ Σ (a - y)²): the squared distance to the "
                             "0/1 targets, on the same output")
        self.optimizer = QComboBox()
        self.optimizer.addItems(list(OPTIMIZERS))
        self.lr = QLineEdit()
        self.length = QSpinBox()
        self.length.setRange(1, TRAIN_MAX_LENGTH)
        self.length_unit = QComboBox()
        self.length_unit.addItems(["iterations", "epochs"])
        self.batch = QComboBox()
        self.batch.setEditable(True)
        self.batch.addItems(["full", "32", "64", "128", "256", "512"])
        self.dtype = QComboBox()
        self.dtype.addItems(DTYPES)
        self.seed = QSpinBox()
        self.seed.setRange(0, TRAIN_MAX_SEED)
        self.train_size = QComboBox()
        self.train_size.setEditable(True)
        self.train_size.addItems(["all", "500", "1000", "2000", "5000", "10000"])
        for box in (self.batch, self.train_size):  # Return keeps a typed value out of the list
            box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.eval_every = QSpinBox()
        self.eval_every.setRange(0, TRAIN_MAX_EVAL_EVERY)
        self.eval_every.setSpecialValueText("auto")
        self.eval_every.setSuffix(" iterations")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.general_error = QLabel()  # under every field: as long as it needs, it moves none
        self.general_error.setWordWrap(True)
        style.colored_text(self.general_error, style.BACKWARD)
        self.general_error.hide()
        self.fields = {
            "digits": (self.first, self.second, self.all_digits), "hidden": (self.hidden,),
            "activation": (self.activation,), "output": (self.output,), "loss": (self.loss,), "optimizer": (self.optimizer,),
            "lr": (self.lr,),
            "length": (self.length, self.length_unit), "batch": (self.batch,),
            "dtype": (self.dtype,), "seed": (self.seed,), "train_size": (self.train_size,),
            "eval_every": (self.eval_every,),
        }
        lines = {name: 3 if name == "hidden" else 2 for name in CHECKED}  # its longest message's, at MIN_WIDTH
        self.error_labels = {name: FieldMessage(lines[name]) for name in CHECKED}
        self.hints = {name: FieldMessage(lines[name], color=style.MUTED) for name in CHECKED}
        for name, hint in self.hints.items():
            hint.set_message(HINTS[name])
        self._hold_sizes()
        self.setMinimumWidth(MIN_WIDTH)
        self._layout()
        self._connect()
        self.set_recipe(get_preset(preset))

    def _hold_sizes(self) -> None:
        """A red border must not resize a field (and move the others)."""
        style.hold_height(w for widgets in self.fields.values() for w in widgets if not isinstance(w, QCheckBox))
        for box in (self.first, self.second):
            box.setMinimumWidth(0)
            box.setMaximumWidth(16777215)
            box.setFixedWidth(box.sizeHint().width() + 10)  # room for the border too

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # the UI scale: the fields' new natural size
            self._hold_sizes()

    # Layout ------------------------------------------------------------------------------
    def _row(self, form: QFormLayout, title: str, name: str, *widgets: QWidget) -> None:
        """The field's row, and under it (across the form) the room its message is shown in."""
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            line.addWidget(widget)
        if name == "digits":
            line.addStretch(1)  # the two boxes and "all ten" side by side, not spread out
        form.addRow(title, line)
        self.titles[name] = title
        if name in self.error_labels:
            # The message and the hint share one room (a form would drop a hidden row).
            room = QWidget()
            cell = QGridLayout(room)
            cell.setContentsMargins(0, 0, 0, 0)
            cell.addWidget(self.hints[name], 0, 0)
            cell.addWidget(self.error_labels[name], 0, 0)
            form.addRow(room)

    def _layout(self) -> None:
        self.titles = {"preset": "Preset"}  # each field's title, by its name
        form = QFormLayout()
        form.setVerticalSpacing(4)
        form.addRow("Preset", self.preset)
        form.addRow(self.description)
        vs = QLabel("vs")
        self._row(form, "Digits", "digits", self.first, vs, self.second, self.all_digits)
        self._row(form, "Hidden layers", "hidden", self.hidden)
        self._row(form, "Activation", "activation", self.activation)
        self._row(form, "Output", "output", self.output)
        self._row(form, "Loss", "loss", self.loss)
        self._row(form, "Optimizer", "optimizer", self.optimizer)
        self._row(form, "Learning rate", "lr", self.lr)
        self._row(form, "Length", "length", self.length, self.length_unit)
        self._row(form, "Batch size", "batch", self.batch)
        self._row(form, "dtype", "dtype", self.dtype)
        self._row(form, "Seed", "seed", self.seed)
        self._row(form, "Training images", "train_size", self.train_size)
        self._row(form, "Evaluate every", "eval_every", self.eval_every)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.summary)

    def _connect(self) -> None:
        self.preset.currentTextChanged.connect(self._on_preset)
        self.all_digits.toggled.connect(self._on_all_digits)  # before _on_edited, connected below
        for widget in (self.first, self.second, self.length, self.seed, self.eval_every):
            widget.valueChanged.connect(self._on_edited)
        for widget in (self.hidden, self.lr):
            widget.textChanged.connect(self._on_edited)
        for widget in (self.activation, self.output, self.loss, self.optimizer, self.length_unit, self.dtype):
            widget.currentTextChanged.connect(self._on_edited)
        for widget in (self.batch, self.train_size):
            widget.editTextChanged.connect(self._on_edited)
        self.all_digits.toggled.connect(self._on_edited)

    # Values ------------------------------------------------------------------------------
    def set_recipe(self, recipe: Recipe) -> None:
        """Fill every field from ``recipe`` (a preset, or the recipe a model was saved with)."""
        self._filling = True
        try:
            if recipe.name in MNIST_PRESETS:
                self.preset.setCurrentText(recipe.name)
            self.description.set_message(get_preset(self.preset.currentText()).description)
            self.all_digits.setChecked(recipe.digits is None)
            first, second = recipe.digits or (5, 8)
            self.first.setValue(first)
            self.second.setValue(second)
            self.hidden.setText(",".join(map(str, recipe.layers[:-1])))
            self.activation.setCurrentText(recipe.activation)
            self.output.setCurrentText(recipe.output_activation)
            self._show_losses(recipe.loss)
            self.optimizer.setCurrentText(recipe.optimizer)
            self.lr.setText(f"{recipe.lr:g}")
            self.length_unit.setCurrentText("iterations" if recipe.iterations else "epochs")
            self.length.setValue(recipe.iterations or recipe.epochs)
            self.batch.setEditText("full" if recipe.batch_size is None else str(recipe.batch_size))
            self.dtype.setCurrentText(recipe.dtype)
            self.seed.setValue(recipe.seed)
            self.train_size.setEditText("all" if recipe.train_size is None else str(recipe.train_size))
            self.eval_every.setValue(recipe.eval_every)
        finally:
            self._filling = False
        self._on_edited()

    def recipe(self) -> Recipe | None:
        return self._recipe

    def _show_losses(self, loss: str) -> None:
        """The losses of the chosen output in the Loss field, ``loss`` chosen; the loss of the
        other output's probabilities becomes this one's (bce for sigmoid, cross_entropy for softmax)."""
        losses = train_losses(self.output.currentText())
        if loss in ("bce", "cross_entropy"):
            loss = losses[0]
        if [self.loss.itemText(i) for i in range(self.loss.count())] != list(losses) or \
                self.loss.currentText() != loss:
            self.loss.blockSignals(True)
            self.loss.clear()
            self.loss.addItems(list(losses))
            self.loss.setCurrentText(loss)
            self.loss.blockSignals(False)

    def shown(self) -> dict[str, str]:
        """What each field shows, by its title ("Evaluate every": "auto")."""
        def text(widget) -> str:
            if isinstance(widget, QCheckBox):
                return str(widget.isChecked())
            return widget.currentText() if isinstance(widget, QComboBox) else widget.text()
        fields = {"preset": (self.preset,), **self.fields}
        return {self.titles[name]: " ".join(map(text, widgets)) for name, widgets in fields.items()}

    def _on_preset(self, name: str) -> None:
        if not self._filling and name:
            self.set_recipe(get_preset(name))

    def _on_all_digits(self, all_ten: bool) -> None:
        """The output follows the digits, as the loss does: softmax for ten, sigmoid for two."""
        if not self._filling:
            self.output.blockSignals(True)
            self.output.setCurrentText(_natural_output(all_ten))
            self.output.blockSignals(False)

    def _on_edited(self, *_) -> None:
        if self._filling:
            return
        self.first.setEnabled(not self.all_digits.isChecked())
        self.second.setEnabled(not self.all_digits.isChecked())
        self._show_losses(self.loss.currentText())
        self.errors = {}
        self._recipe = self._check()
        self._show_errors()
        self.changed.emit()

    def _check(self) -> Recipe | None:
        """Parse every field and check the recipe and the combination, collecting every
        wrong field's message; the recipe only when there is none."""
        preset = get_preset(self.preset.currentText())
        digits = None if self.all_digits.isChecked() else (self.first.value(), self.second.value())
        if digits is not None and digits[0] == digits[1]:
            self.errors["digits"] = f"digits: expected two different digits, got {digits[0]} twice"
            digits = preset.digits or (5, 8)  # stands in while the other fields are checked
        parsers = {
            "hidden": lambda: parse_hidden(self.hidden.text()),
            "batch": lambda: parse_count(self.batch.currentText(), "batch size", word="full"),
            "train_size": lambda: parse_count(self.train_size.currentText(), "training images", word="all"),
            "lr": lambda: parse_lr(self.lr.text()),
        }
        parsed = {}
        for name, parse in parsers.items():
            try:
                parsed[name] = parse()
            except ConfigError as exc:
                self.errors[name] = str(exc)
        output = 10 if digits is None else 1
        output_activation = self.output.currentText()  # None in the recipe: the task's own
        settings = dict(
            digits=digits, activation=self.activation.currentText(), loss=self.loss.currentText(),
            output=None if output_activation == _natural_output(digits is None) else output_activation,
            optimizer=self.optimizer.currentText(), dtype=self.dtype.currentText(),
            seed=self.seed.value(), eval_every=self.eval_every.value(),
            **{self.length_unit.currentText(): self.length.value()},
        )
        for name, key in (("hidden", "layers"), ("lr", "lr"), ("batch", "batch_size"), ("train_size", "train_size")):
            if name in parsed:
                settings[key] = (*parsed[name], output) if name == "hidden" else parsed[name]
        if "layers" not in settings:
            settings["layers"] = (*preset.layers[:-1], output)
        recipe = self._recipe_of(preset, settings)
        if recipe is None:
            return None
        recipe = self._check_combination(recipe)
        return None if self.errors else recipe

    def _recipe_of(self, preset: Recipe, settings: dict) -> Recipe | None:
        """The preset with ``settings``; a setting the recipe refuses is explained at its
        field and left out, so that the others are still checked."""
        while True:
            try:
                return preset.replace(**settings)
            except BpvizError as exc:
                field = _field_of(str(exc))
                self.errors.setdefault(field, str(exc))
                dropped = [key for key in SETTINGS_OF.get(field, ()) if key in settings]
                if not dropped:
                    return None
                for key in dropped:
                    settings.pop(key)

    def _check_combination(self, recipe: Recipe) -> Recipe | None:
        """What each field allows alone but not together, explained; and "auto" resolved."""
        try:
            available = available_images(recipe.digits, self.mnist_dir)
        except BpvizError as exc:
            self.errors["general"] = f"MNIST: {exc}"
            return None
        m = available
        which = "all ten digits" if recipe.digits is None else f"{recipe.digits[0]} and {recipe.digits[1]}"
        self.hints["train_size"].set_message(f"how many of the {available:,} images of {which}, or all")
        if recipe.train_size is not None and recipe.train_size > available:
            self.errors["train_size"] = (f"training images: MNIST has {available:,} training images of {which}; "
                                         f"expected at most that, or 'all'")
        elif recipe.train_size is not None:
            m = recipe.train_size
        if recipe.batch_size is not None and recipe.batch_size > m:
            self.errors["batch"] = (f"batch size: {recipe.batch_size:,} is more than the {m:,} training "
                                    f"images; expected at most that, or 'full'")
            return None
        total = count_iterations(recipe.train_config(), m)
        if recipe.eval_every > total:
            self.errors["eval_every"] = (f"evaluate every: the run makes only {total:,} updates; "
                                         f"expected at most that, or auto")
            return None
        if recipe.eval_every == 0:
            recipe = recipe.replace(eval_every=max(1, math.ceil(total / AUTO_EVALUATIONS)))
        self.iterations_total, self.examples = total, m
        return recipe

    def _show_errors(self) -> None:
        """Every wrong field's message under it and its red border; a message of a field
        with no room of its own shows under the form."""
        for name, widgets in self.fields.items():
            wrong = name in self.errors
            for widget in widgets:
                widget.setStyleSheet(style.error_border() if wrong and not isinstance(widget, QCheckBox) else "")
        for name, label in self.error_labels.items():
            label.set_message(self.errors.get(name, ""))
            self.hints[name].setVisible(not label.message)
        elsewhere = [text for name, text in self.errors.items() if name not in self.error_labels]
        self.general_error.setText("\n".join(elsewhere))
        self.general_error.setVisible(bool(elsewhere))
        recipe = self._recipe
        if recipe is None:
            self.summary.setText("")
            return
        batch = "full batch" if recipe.batch_size is None else f"batches of {recipe.batch_size}"
        self.summary.setText(f"{self.iterations_total:,} updates on {self.examples:,} images, {batch}; "
                             f"test set checked every {recipe.eval_every:,}.")


def _natural_output(all_ten: bool) -> str:
    """The output the task takes when none is chosen (Recipe.output None)."""
    return "softmax" if all_ten else "sigmoid"


def _field_of(message: str) -> str:
    name = message.split(":", 1)[0].strip().lower()
    return FIELD_OF.get(name, "general")

