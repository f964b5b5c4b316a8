"""The training form: preset, digits, network, optimizer, length, batch, dtype, seed and
training-set size. Each field is checked as it is edited; errors show under the field."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout,
    QWidget,
)

from bpviz.data.idx import read_labels
from bpviz.data.mnist import embedded_mnist_dir, find_mnist_files
from bpviz.gui import style
from bpviz.errors import BpvizError, ConfigError
from bpviz.nn.activations import HIDDEN_ACTIVATIONS
from bpviz.nn.network import DTYPES
from bpviz.nn.optimizers import OPTIMIZERS
from bpviz.nn.train import count_iterations
from bpviz.presets import MAX_LAYERS, MAX_UNITS, MNIST_PRESETS, Recipe, get_preset, size_problem

#: With "auto", the test set is evaluated about this many times per run.
AUTO_EVALUATIONS = 20
#: Where a core error message's field name ("layers: ...") belongs in the form.
FIELD_OF = {
    "layers": "hidden", "hidden layers": "hidden", "lr": "lr", "learning rate": "lr",
    "digits": "digits", "iterations": "length", "epochs": "length", "iterations/epochs": "length",
    "batch-size": "batch", "batch size": "batch", "train-size": "train_size",
    "training-set size": "train_size", "eval-every": "eval_every", "activation": "activation",
    "optimizer": "optimizer", "dtype": "dtype", "loss": "hidden",
}


@lru_cache(maxsize=4)
def training_counts(mnist_dir=None) -> tuple[int, ...]:
    """How many training images each digit has: from the labels file alone (60 kB), read
    once, so that opening the app does not wait for the images."""
    folder = embedded_mnist_dir() if mnist_dir is None else mnist_dir
    labels = read_labels(find_mnist_files(folder)["train_labels"])
    return tuple(int(n) for n in np.bincount(labels, minlength=10))


def available_images(digits, mnist_dir=None) -> int:
    counts = training_counts(mnist_dir)
    return sum(counts) if digits is None else counts[digits[0]] + counts[digits[1]]


def parse_hidden(text: str) -> tuple[int, ...]:
    """"196" or "392,196,98" → hidden layer sizes. Raises ConfigError naming the field."""
    parts = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
    if not parts:
        raise ConfigError("hidden layers: expected at least one layer size, such as 196 or 392,196,98")
    if not all(p.isdigit() for p in parts):
        raise ConfigError(f"hidden layers: expected whole numbers separated by commas, such as "
                          f"392,196,98; got {text.strip()!r}")
    sizes = tuple(int(p) for p in parts)
    if min(sizes) < 1 or max(sizes) > MAX_UNITS:
        raise ConfigError(f"hidden layers: expected 1 to {MAX_UNITS} units per layer, got {text.strip()}")
    if len(sizes) > MAX_LAYERS - 1:
        raise ConfigError(f"hidden layers: at most {MAX_LAYERS - 1} hidden layers; got {len(sizes)}")
    return sizes


def parse_count(text: str, field: str, *, word: str) -> int | None:
    """A whole number of at least 1, or ``word`` ("full", "all") for None."""
    text = text.strip().replace(",", "").replace("_", "")
    if text.lower() == word:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{field}: expected a whole number of at least 1, or {word!r}; got {text!r}")
    return int(text)


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
        self.description = QLabel()
        self.description.setWordWrap(True)
        style.colored_text(self.description, style.MUTED)
        self.all_digits = QCheckBox("all ten (softmax)")
        self.first, self.second = QSpinBox(), QSpinBox()
        for box in (self.first, self.second):
            box.setRange(0, 9)
        self.hidden = QLineEdit()
        self.hidden.setPlaceholderText("e.g. 196 or 392,196,98")
        self.activation = QComboBox()
        self.activation.addItems(HIDDEN_ACTIVATIONS)
        self.optimizer = QComboBox()
        self.optimizer.addItems(list(OPTIMIZERS))
        self.lr = QLineEdit()
        self.length = QSpinBox()
        self.length.setRange(1, 1_000_000)
        self.length_unit = QComboBox()
        self.length_unit.addItems(["iterations", "epochs"])
        self.batch = QComboBox()
        self.batch.setEditable(True)
        self.batch.addItems(["full", "32", "64", "128", "256", "512"])
        self.dtype = QComboBox()
        self.dtype.addItems(DTYPES)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.train_size = QComboBox()
        self.train_size.setEditable(True)
        self.train_size.addItems(["all", "500", "1000", "2000", "5000", "10000"])
        self.eval_every = QSpinBox()
        self.eval_every.setRange(0, 1_000_000)
        self.eval_every.setSpecialValueText("auto")
        self.eval_every.setSuffix(" iterations")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.general_error = self._error_label()
        self.fields = {
            "digits": (self.first, self.second, self.all_digits), "hidden": (self.hidden,),
            "activation": (self.activation,), "optimizer": (self.optimizer,), "lr": (self.lr,),
            "length": (self.length, self.length_unit), "batch": (self.batch,),
            "dtype": (self.dtype,), "seed": (self.seed,), "train_size": (self.train_size,),
            "eval_every": (self.eval_every,),
        }
        self.error_labels = {name: self._error_label() for name in self.fields}
        self._layout()
        self._connect()
        self.set_recipe(get_preset(preset))

    # Layout ------------------------------------------------------------------------------
    @staticmethod
    def _error_label() -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        style.colored_text(label, style.BACKWARD)
        label.hide()
        return label

    def _row(self, form: QFormLayout, title: str, name: str, *widgets: QWidget) -> None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        line = QHBoxLayout()
        for widget in widgets:
            line.addWidget(widget)
        column.addLayout(line)
        column.addWidget(self.error_labels[name])
        form.addRow(title, box)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("Preset", self.preset)
        form.addRow(self.description)
        vs = QLabel("vs")
        self._row(form, "Digits", "digits", self.first, vs, self.second, self.all_digits)
        self._row(form, "Hidden layers", "hidden", self.hidden)
        self._row(form, "Activation", "activation", self.activation)
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
        for widget in (self.first, self.second, self.length, self.seed, self.eval_every):
            widget.valueChanged.connect(self._on_edited)
        for widget in (self.hidden, self.lr):
            widget.textChanged.connect(self._on_edited)
        for widget in (self.activation, self.optimizer, self.length_unit, self.dtype):
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
            self.description.setText(get_preset(self.preset.currentText()).description)
            self.all_digits.setChecked(recipe.digits is None)
            first, second = recipe.digits or (5, 8)
            self.first.setValue(first)
            self.second.setValue(second)
            self.hidden.setText(",".join(map(str, recipe.layers[:-1])))
            self.activation.setCurrentText(recipe.activation)
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

    def _on_preset(self, name: str) -> None:
        if not self._filling and name:
            self.set_recipe(get_preset(name))

    def _on_edited(self, *_) -> None:
        if self._filling:
            return
        self.first.setEnabled(not self.all_digits.isChecked())
        self.second.setEnabled(not self.all_digits.isChecked())
        self.errors = {}
        self._recipe = self._check()
        self._show_errors()
        self.changed.emit()

    def _check(self) -> Recipe | None:
        """Parse every field (collecting each one's error), then check the combination."""
        overrides: dict = {}
        digits = None if self.all_digits.isChecked() else (self.first.value(), self.second.value())
        if digits is not None and digits[0] == digits[1]:
            self.errors["digits"] = f"digits: expected two different digits, got {digits[0]} twice"
        overrides["digits"] = digits
        parsers = {
            "hidden": lambda: parse_hidden(self.hidden.text()),
            "batch": lambda: parse_count(self.batch.currentText(), "batch size", word="full"),
            "train_size": lambda: parse_count(self.train_size.currentText(), "training images", word="all"),
            "lr": lambda: _parse_lr(self.lr.text()),
        }
        parsed = {}
        for name, parse in parsers.items():
            try:
                parsed[name] = parse()
            except ConfigError as exc:
                self.errors[name] = str(exc)
        if self.errors:
            return None
        output = 10 if digits is None else 1
        unit = self.length_unit.currentText()
        overrides.update(
            layers=(*parsed["hidden"], output), activation=self.activation.currentText(),
            optimizer=self.optimizer.currentText(), lr=parsed["lr"], dtype=self.dtype.currentText(),
            seed=self.seed.value(), batch_size=parsed["batch"], train_size=parsed["train_size"],
            eval_every=self.eval_every.value(),
            **{unit: self.length.value()},
        )
        try:
            recipe = get_preset(self.preset.currentText()).replace(**overrides)
        except BpvizError as exc:
            self.errors[_field_of(str(exc))] = str(exc)
            return None
        return self._check_combination(recipe)

    def _check_combination(self, recipe: Recipe) -> Recipe | None:
        """What each field allows alone but not together, explained; and "auto" resolved."""
        try:
            available = available_images(recipe.digits, self.mnist_dir)
        except BpvizError as exc:
            self.errors["general"] = f"MNIST: {exc}"
            return None
        problem = size_problem(recipe, available)
        if problem is not None:
            field, detail = problem
            if field == "train_size":
                self.errors["train_size"] = f"training images: {detail}, or 'all'"
            else:
                self.errors["batch"] = f"batch size: {detail}"
            return None
        m = available if recipe.train_size is None else recipe.train_size
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
        for name, label in self.error_labels.items():
            message = self.errors.get(name, "")
            label.setText(message)
            label.setVisible(bool(message))
            for widget in self.fields[name]:
                widget.setStyleSheet(style.error_border() if message and not isinstance(widget, QCheckBox) else "")
        general = self.errors.get("general", "")
        self.general_error.setText(general)
        self.general_error.setVisible(bool(general))
        recipe = self._recipe
        if recipe is None:
            self.summary.setText("")
            return
        batch = "full batch" if recipe.batch_size is None else f"batches of {recipe.batch_size}"
        self.summary.setText(f"{self.iterations_total:,} updates on {self.examples:,} images, {batch}; "
                             f"test set checked every {recipe.eval_every:,}.")


def _parse_lr(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ConfigError(f"learning rate: expected a positive number such as 0.1; got {text.strip()!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"learning rate: expected a finite number greater than 0; got {text.strip()}")
    return value


def _field_of(message: str) -> str:
    name = message.split(":", 1)[0].strip().lower()
    return FIELD_OF.get(name, "general")

