"""Named recipes (data + network + training), shared by the command line and the app.

A :class:`Recipe` is plain data; ``Recipe.replace(**overrides)`` checks every field, and
``network()``, ``train_config()`` and ``data()`` build what ``bpviz.nn.train`` takes.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from bpviz.data.mnist import (
    binary_subset, check_digit_images, check_digits, labels_row, load_mnist, one_hot, to_columns,
)
from bpviz.data.toy import MAX_TARGETS, TABLES, get_table
from bpviz.errors import ConfigError, shown
from bpviz.nn.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from bpviz.nn.inits import check_init
from bpviz.nn.losses import LOSSES
from bpviz.nn.network import DTYPES, Network, check_network
from bpviz.nn.optimizers import OPTIMIZERS
from bpviz.nn.train import LIMITS, MAX_SEED, TrainConfig, TrainData, check_count

#: The most units one layer may have, and the most layers: beyond these a typo is likelier
#: than a wish, and the memory would run out.
MAX_UNITS = 4096
MAX_LAYERS = 12
#: A toy table's output layer when the recipe names none: linear for values (mse, and the
#: quadratic loss ½ Σ (a - y)²), softmax for classes (cross_entropy), else sigmoid.
TOY_OUTPUTS = {"mse": "linear", "quadratic": "linear", "cross_entropy": "softmax"}
#: The most weights a recipe may have: 400 MB in float64, before the training's own arrays.
MAX_WEIGHTS = 50_000_000
#: The longest name or description a recipe may carry (they are shown, not parsed).
MAX_TEXT = 2_000


@dataclass(frozen=True)
class Recipe:
    """Everything one training run needs. ``digits`` None means all ten.

    ``layers`` is the tutorial's layers_dims without the input: every layer after it, the
    output included. ``activation`` is the hidden layers'; ``output`` the output layer's,
    which, when None, follows the task (sigmoid for two digits, softmax for ten, linear for
    mse on values). Nielsen's ten digits have a sigmoid output: ``output="sigmoid"``.
    """

    name: str = "custom"
    description: str = ""
    dataset: str = "mnist"  # or a toy table: notebook-regression, notebook-classification, two-outputs
    digits: tuple[int, int] | None = (5, 8)  # MNIST only
    train_size: int | None = None  # the first N training examples (after the digit subset)
    layers: tuple[int, ...] = (196, 1)
    activation: str = "sigmoid"
    loss: str = "bce"
    init: str = "tutorial"
    seed: int = 1
    dtype: str = "float64"
    optimizer: str = "sgd"
    lr: float = 0.1
    iterations: int | None = 1000
    epochs: int | None = None
    batch_size: int | None = None  # None: full batch
    shuffle: bool = True
    eval_every: int = 0
    output: str | None = None  # the output activation; None: follows the task

    @property
    def is_mnist(self) -> bool:
        return self.dataset == "mnist"

    @property
    def per_sample(self) -> bool:
        """One example per update, in row order: the notebook's SGD."""
        return self.batch_size == 1 and not self.shuffle

    def replace(self, *, outputs: int | None = None, **overrides) -> "Recipe":
        """A copy with ``overrides`` applied and checked. None is a value here: digits=None
        means all ten, batch_size=None full batch. ``outputs``: as for ``validated``."""
        changes = dict(overrides)
        if "digits" in overrides and not self.is_mnist:
            raise ConfigError(f"digits: the {self.name} preset trains on its {self.dataset} table, not on MNIST")
        if "digits" in overrides and (overrides["digits"] is None) != (self.digits is None):
            # Switching between two digits and all ten: the output layer and the loss
            # follow the task unless they are given too.
            ten = overrides["digits"] is None
            if "layers" not in changes:
                changes["layers"] = (*self.layers[:-1], 10 if ten else 1)
            if "loss" not in changes and self.loss not in ("mse", "quadratic"):  # a loss of values stays
                # bce for sigmoid outputs, one or ten (Nielsen's); cross_entropy for a softmax
                sigmoid = changes.get("output", self.output) == "sigmoid"
                changes["loss"] = "cross_entropy" if ten and not sigmoid else "bce"
        if changes.get("iterations") is not None:
            changes.setdefault("epochs", None)
        elif changes.get("epochs") is not None:
            changes["iterations"] = None
        if isinstance(changes.get("layers"), list):
            changes["layers"] = tuple(changes["layers"])
        return dataclasses.replace(self, **changes).validated(outputs)

    @property
    def output_units(self) -> int:
        """The output layer's size the task asks for: 10 for all ten digits, 1 for two, and
        for a toy table one unit per target column."""
        if self.is_mnist:
            return 10 if self.digits is None else 1
        return get_table(self.dataset).n_targets

    @property
    def n_inputs(self) -> int:
        return 784 if self.is_mnist else len(get_table(self.dataset).feature_names)

    def validated(self, outputs: int | None = None) -> "Recipe":
        """This recipe, checked; else ConfigError naming the field. ``outputs``: for a toy
        recipe that plays another table than its dataset's (a CSV table on the step page),
        that table's target columns (1 to MAX_TARGETS), which the output layer must match;
        None: its own table's."""
        self._check_kinds()
        if self.is_mnist and self.digits is not None:
            check_digits(self.digits)
        sizes = [self.n_inputs, *map(int, self.layers)]
        weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
        if weights > MAX_WEIGHTS:
            raise ConfigError(f"layers: {'-'.join(map(str, sizes))} has {weights:,} weights; "
                              f"expected at most {MAX_WEIGHTS:,} (the memory would run out)")
        units, task = self._output_task(outputs)
        if sizes[-1] != units:
            raise ConfigError(
                f"layers: the output layer for {task} has {units} unit"
                f"{'s' if units > 1 else ''}, got {sizes[-1]} (layers {self.layers_text})"
            )
        check_init(self.init, self.dtype)
        self.train_config()  # iterations or epochs, and the counts together
        self._check_output(units)
        activations = [self.activation] * (len(self.layers) - 1) + [self.output_activation]
        check_network(sizes, activations, self.loss, self.dtype)
        return self

    def _output_task(self, outputs: int | None) -> tuple[int, str]:
        """The output layer's size and the task that asks for it, as a message says it."""
        if self.is_mnist:
            if outputs is not None:
                raise ConfigError(f"layers: the output layer of an MNIST recipe follows its digits, not a table's "
                                  f"targets (got {shown(outputs)} targets)")
            task = "all ten digits" if self.digits is None else "two digits"
            return self.output_units, f"{task} ({self.output_activation})"
        if outputs is None:
            k = self.output_units
            return k, f"the {self.dataset} table's " + ("one target" if k == 1 else f"{k} targets")
        if not _whole(outputs) or not 1 <= outputs <= MAX_TARGETS:
            raise ConfigError(f"layers: expected a table of 1 to {MAX_TARGETS} target columns, got {shown(outputs)}")
        return outputs, "a table's one target" if outputs == 1 else f"a table's {outputs} target columns"

    def _check_output(self, units: int) -> None:
        """An output activation the output layer can take, else ConfigError naming ``output``
        (only a chosen output can be wrong: the task's own always fits). One the loss cannot
        take (linear under bce) is named by ``loss`` (check_network), or by the flag typed."""
        output = self.output_activation
        if output == "softmax" and units < 2:
            instead = "sigmoid" if self.loss not in ("mse", "quadratic") else "sigmoid or linear"
            task = "two digits" if self.is_mnist else "a table's one target"
            raise ConfigError(f"output: a softmax output needs at least 2 units, and the output layer for "
                              f"{task} has 1 unit; expected {instead}")

    def _check_kinds(self) -> None:
        """Every field of the kind it must be, before any is used: text where text belongs,
        whole numbers (in range) where counts belong, so that a file's ``"lr": "fast"`` or
        ``"loss": ["bce"]`` is named by its field, not met later as a TypeError."""
        for field in ("name", "description"):
            value = getattr(self, field)
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                raise ConfigError(f"{field}: expected text of at most {MAX_TEXT:,} characters, got {shown(value)}")
        choices = {"dataset": ("mnist", *TABLES), "activation": HIDDEN_ACTIVATIONS, "loss": LOSSES,
                   "dtype": DTYPES, "optimizer": OPTIMIZERS}
        for field, allowed in choices.items():
            value = getattr(self, field)
            if not isinstance(value, str) or value not in allowed:
                raise ConfigError(f"{field}: expected one of {', '.join(allowed)}, got {shown(value)}")
        if self.output is not None and (not isinstance(self.output, str) or self.output not in OUTPUT_ACTIVATIONS):
            raise ConfigError(f"output: expected one of {', '.join(OUTPUT_ACTIVATIONS)} or null (follows the "
                              f"task), got {shown(self.output)}")
        if self.digits is not None and not self.is_mnist:
            raise ConfigError(f"digits: expected null: the {self.dataset} table has no digits, got {shown(self.digits)}")
        if self.digits is not None:
            if not isinstance(self.digits, (tuple, list)) or len(self.digits) != 2 or not all(
                    _whole(d) and 0 <= d <= 9 for d in self.digits):
                raise ConfigError(f"digits: expected two different digits 0-9, or null for all ten, got "
                                  f"{shown(self.digits)}")
        if not isinstance(self.layers, (tuple, list)) or not self.layers:
            raise ConfigError(f"layers: expected a list of unit counts such as [196, 1], got {shown(self.layers)}")
        if len(self.layers) > MAX_LAYERS:
            raise ConfigError(f"layers: expected at most {MAX_LAYERS} layers, got {len(self.layers)}")
        for n in self.layers:
            if not _whole(n) or n < 1:
                raise ConfigError(f"layers: expected whole numbers of at least 1 unit, got {shown(n)} "
                                  f"in {shown(self.layers)}")
            if n > MAX_UNITS:
                raise ConfigError(f"layers: expected at most {MAX_UNITS} units per layer, got {shown(n)}")
        if not isinstance(self.lr, Real) or isinstance(self.lr, bool) or not _finite(self.lr) or self.lr <= 0:
            raise ConfigError(f"lr: expected a finite number greater than 0, got {shown(self.lr)}")
        check_count("seed", self.seed, 0, MAX_SEED)
        if not isinstance(self.shuffle, bool):
            raise ConfigError(f"shuffle: expected true or false, got {shown(self.shuffle)}")
        for field, limit in (("train_size", LIMITS["batch_size"]), ("iterations", LIMITS["iterations"]),
                             ("epochs", LIMITS["epochs"]), ("batch_size", LIMITS["batch_size"])):
            if getattr(self, field) is not None:  # named as train_config names them
                check_count(field.replace("_", "-"), getattr(self, field), 1, limit)
        check_count("eval-every", self.eval_every, 0, LIMITS["iterations"])

    @property
    def layers_text(self) -> str:
        return ",".join(map(str, self.layers))

    @property
    def output_activation(self) -> str:
        if self.output is not None:
            return self.output
        if not self.is_mnist:
            return TOY_OUTPUTS.get(self.loss, "sigmoid")
        return "softmax" if self.digits is None else "sigmoid"

    def network(self, n_inputs: int | None = None) -> Network:
        n_inputs = self.n_inputs if n_inputs is None else n_inputs
        activations = [self.activation] * (len(self.layers) - 1) + [self.output_activation]
        return Network([n_inputs, *self.layers], activations, self.loss, self.init,
                       self.seed, self.dtype)

    def train_config(self) -> TrainConfig:
        return TrainConfig(self.optimizer, self.lr, self.iterations, self.epochs,
                           self.batch_size, self.shuffle, self.seed, self.eval_every).validate()

    def data(self, mnist_dir=None) -> TrainData:
        """The columns this recipe trains on (and tests on, for MNIST), in its dtype."""
        if not self.is_mnist:
            X, Y = get_table(self.dataset).columns(self.dtype)
            if self.train_size is not None:
                X, Y = X[:, : self.train_size], Y[:, : self.train_size]
            return TrainData(X, Y)
        mnist = load_mnist(mnist_dir)
        check_digit_images(mnist, self.digits)
        if self.digits is None:
            train_x, train_y = mnist.train_images, mnist.train_labels
            test_x, test_y = mnist.test_images, mnist.test_labels
            target = lambda y: one_hot(y, 10, self.dtype)  # noqa: E731
        else:
            train_x, train_y = binary_subset(mnist.train_images, mnist.train_labels, self.digits)
            test_x, test_y = binary_subset(mnist.test_images, mnist.test_labels, self.digits)
            target = lambda y: labels_row(y, self.dtype)  # noqa: E731
        if self.train_size is not None:
            train_x, train_y = _first(train_x, train_y, self.train_size)
        return TrainData(to_columns(train_x, self.dtype), target(train_y),
                         to_columns(test_x, self.dtype), target(test_y))

    @classmethod
    def from_dict(cls, values: dict, *, strict: bool = False, outputs: int | None = None) -> "Recipe":
        """The checked recipe ``to_dict`` wrote (JSON lists back to tuples). Keys that are
        not recipe fields are left out, or with ``strict`` refused. ``outputs``: as for
        ``validated``."""
        if not isinstance(values, dict):
            raise ConfigError(f"recipe: expected a JSON object of settings, got {shown(values)}")
        fields = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(map(str, set(values) - fields))
        if strict and unknown:
            listed = ", ".join(map(shown, unknown))
            raise ConfigError(f"unexpected keys {listed if len(listed) <= 120 else listed[:117] + '...'}; expected "
                              f"only {', '.join(sorted(fields))}")
        values = {key: value for key, value in values.items() if key in fields}
        if values.get("dataset", "mnist") != "mnist":
            values.setdefault("digits", None)  # a table has none (the default is MNIST's 5 and 8)
        for key in ("digits", "layers"):
            if isinstance(values.get(key), list):
                values[key] = tuple(values[key])
        return cls(**values).validated(outputs)

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["digits"] = None if self.digits is None or not self.is_mnist else list(self.digits)
        data["layers"] = list(self.layers)
        return data


def _finite(number) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # a whole number beyond any float
        return False


def _whole(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def size_problem(recipe: Recipe, available: int) -> tuple[str, str] | None:
    """("train_size" or "batch_size", what is wrong and what is expected) when the recipe
    asks for more examples than the ``available`` ones its data holds; else None. The
    form and ``bpviz train`` put their own field name in front."""
    if recipe.train_size is not None and recipe.train_size > available:
        if recipe.is_mnist:
            which = "all ten digits" if recipe.digits is None else f"{recipe.digits[0]} and {recipe.digits[1]}"
            source = f"MNIST has {available:,} training images of {which}"
        else:
            source = f"the {recipe.dataset} table has {available:,} rows"
        return "train_size", f"{source}; expected at most that"
    m = available if recipe.train_size is None else recipe.train_size
    if recipe.batch_size is not None and recipe.batch_size > m:
        examples = "training images" if recipe.is_mnist else "training examples"
        return "batch_size", (f"{recipe.batch_size:,} is more than the {m:,} {examples}; expected at "
                              f"most that, or 'full' to train on all of them at once")
    return None


def _first(images: np.ndarray, labels: np.ndarray, n: int):
    """The first n examples; for a two-digit subset (ordered by digit) an even mix of both."""
    if n >= len(labels):
        return images, labels
    if set(np.unique(labels)) <= {0, 1}:
        zeros, ones = np.flatnonzero(labels == 0), np.flatnonzero(labels == 1)
        k0 = min(len(zeros), max(n - len(ones), n // 2))
        keep = np.concatenate([zeros[:k0], ones[: n - k0]])
        return images[keep], labels[keep]
    return images[:n], labels[:n]


#: What every toy preset shares: a table, not digits, and per-sample SGD in row order.
_PER_SAMPLE = dict(digits=None, iterations=None, batch_size=1, shuffle=False)

PRESETS: dict[str, Recipe] = {
    recipe.name: recipe
    for recipe in (
        Recipe(
            "tutorial",
            "The tutorial exactly: 784-196-1 sigmoid, BCE, full-batch GD, lr 0.1, "
            "1000 iterations, float64, MNIST 5 vs 8",
        ),
        Recipe(
            "tutorial-bigger",
            "The tutorial's bigger network, 784-392-196-98-1, with the same recipe",
            layers=(392, 196, 98, 1),
        ),
        Recipe(
            "fast",
            "5 vs 8 quickly: 784-128-1 ReLU, He init, Adam, mini-batches of 64, float32",
            layers=(128, 1), activation="relu", init="he", dtype="float32",
            optimizer="adam", lr=0.001, iterations=None, epochs=8, batch_size=64,
        ),
        Recipe(
            "mnist10",
            "All ten digits: 784-256-10 ReLU + softmax, cross-entropy, Adam, float32",
            digits=None, layers=(256, 10), activation="relu", loss="cross_entropy",
            init="he", dtype="float32", optimizer="adam", lr=0.001, iterations=None,
            epochs=10, batch_size=128,
        ),
        # Nielsen's network.py ("Neural Networks and Deep Learning", chapter 1), as he runs it:
        # net = Network([784, 30, 10]); net.SGD(training_data, 30, 10, 3.0, test_data=test_data),
        # where training_data is MNIST's first 50,000 training images (the rest validate).
        Recipe(
            "nielsen",
            "Nielsen's network.py: all ten digits, 784-30-10 sigmoid (output too), quadratic cost, "
            "N(0, 1) init, SGD, mini-batches of 10, lr 3.0, 30 epochs, the first 50,000 images",
            digits=None, train_size=50_000, layers=(30, 10), activation="sigmoid", output="sigmoid",
            loss="quadratic", init="normal", optimizer="sgd", lr=3.0, iterations=None,
            epochs=30, batch_size=10,
        ),
        # The notebook's tables, with its 2-2-1 network and per-sample SGD in row order.
        Recipe(
            "notebook-regression",
            "The notebook: cgpa, resume_score -> lpa; 2-2-1 linear, (y - ŷ)², weights 0.1, "
            "per-sample SGD, lr 0.001, 5 epochs",
            dataset="notebook-regression", layers=(2, 1), activation="linear",
            output="linear", loss="mse", init="constant:0.1", lr=0.001,
            epochs=5, **_PER_SAMPLE,
        ),
        Recipe(
            "notebook-classification",
            "The notebook: cgpa, resume_score -> placed; 2-2-1 sigmoid, BCE, weights 0.1, "
            "per-sample SGD, lr 0.0001, 50 epochs",
            dataset="notebook-classification", layers=(2, 1), activation="sigmoid",
            output="sigmoid", loss="bce", init="constant:0.1", lr=0.0001,
            epochs=50, **_PER_SAMPLE,
        ),
        # Two outputs: the notebook's 2-2-1 with a second target, a unit and a loss edge each.
        Recipe(
            "two-outputs",
            "Two outputs: cgpa, resume_score -> lpa, offers; 2-2-2 linear, Σ_k (y_k - ŷ_k)², "
            "weights 0.1, per-sample SGD, lr 0.001, 5 epochs",
            dataset="two-outputs", layers=(2, 2), activation="linear",
            output="linear", loss="mse", init="constant:0.1", lr=0.001,
            epochs=5, **_PER_SAMPLE,
        ),
        # The tutorial's small models, as toy graphs on the notebook's tables.
        Recipe(
            "linear-regression",
            "The tutorial's linear regression: 2 inputs, 1 linear unit, (y - ŷ)², on the "
            "notebook's lpa table",
            dataset="notebook-regression", layers=(1,), activation="linear",
            output="linear", loss="mse", init="constant:0.1", lr=0.001,
            epochs=5, **_PER_SAMPLE,
        ),
        Recipe(
            "logistic-regression",
            "The tutorial's logistic regression (a 1-layer network): 2 inputs, 1 sigmoid unit, "
            "BCE, on the notebook's placed table",
            dataset="notebook-classification", layers=(1,), activation="sigmoid",
            output="sigmoid", loss="bce", init="constant:0.1", lr=0.01,
            epochs=50, **_PER_SAMPLE,
        ),
        Recipe(
            "two-layer",
            "The tutorial's 2-layer network: 2-2-1 sigmoid, BCE, tutorial init (seed 1), on "
            "the notebook's placed table",
            dataset="notebook-classification", layers=(2, 1), activation="sigmoid",
            output="sigmoid", loss="bce", init="tutorial", lr=0.1,
            epochs=50, **_PER_SAMPLE,
        ),
    )
}
MNIST_PRESETS = tuple(name for name, r in PRESETS.items() if r.is_mnist)
TOY_PRESETS = tuple(name for name, r in PRESETS.items() if not r.is_mnist)


def get_preset(name: str) -> Recipe:
    if name not in PRESETS:
        raise ConfigError(f"preset: expected one of {', '.join(PRESETS)}, got {name!r}")
    return PRESETS[name]
