"""What each page of the app can take: the limits a lesson, a CSV table or a recipe is
checked against before anything on screen changes (a refused file changes nothing). The
pages' own fields take their ranges from here, so the two cannot drift apart."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from bpviz.data.mnist import training_counts
from bpviz.data.toy import MAX_FEATURES, MAX_ROWS, MAX_TARGETS, TABLES, Table
from bpviz.errors import BpvizError, ConfigError, DataError, shown
from bpviz.nn import trace as tracing
from bpviz.nn.losses import LOSSES
from bpviz.nn.train import LIMITS, MAX_SEED, count_iterations
from bpviz.presets import MNIST_PRESETS, Recipe, get_preset, size_problem

if TYPE_CHECKING:
    from bpviz.lesson import StepLesson

#: What the step page's form shows and sets (gui/stepper/controls.py): a recipe beyond these
#: would be shown as something else, and changed by the next edit.
#: The losses the step page offers, those the library has: values (mse, and quadratic,
#: ½ Σ (a - y)²), 0/1 targets (bce, a sigmoid per output), classes (cross_entropy, a softmax).
STEP_LOSSES = tuple(name for name in ("mse", "quadratic", "bce", "cross_entropy") if name in LOSSES)
STEP_INITS = ("constant:0.1", "tutorial")
STEP_MAX_SEED = 1_000_000
#: The step page counts epochs; beyond this a typo is likelier than a class's patience.
MAX_EPOCH = 10**9
#: ... and the training page's form (gui/training/form.py): its seed, length and evaluation
#: fields, and the settings it takes from the preset chosen, not from a field.
TRAIN_MAX_SEED = MAX_SEED
TRAIN_MAX_LENGTH = LIMITS["iterations"]
TRAIN_MAX_EVAL_EVERY = LIMITS["iterations"]
FORM_FIELDS = ("digits", "layers", "activation", "output", "loss", "optimizer", "lr", "iterations", "epochs",
               "batch_size", "dtype", "seed", "train_size", "eval_every")
#: The output activations the training form offers: a unit per class, probabilities in (0, 1).
TRAIN_OUTPUTS = ("sigmoid", "softmax")


def train_losses(output: str) -> tuple[str, ...]:
    """The losses the training form offers for an output activation, those the library has:
    the loss of its probabilities (bce for sigmoid units, one or ten; cross_entropy for a
    softmax), then the losses of values on the same output (mse, and quadratic, ½ Σ (a - y)²)."""
    first = "cross_entropy" if output == "softmax" else "bce"
    return tuple(name for name in (first, "mse", "quadratic") if name in LOSSES)

def check_step_recipe(recipe: Recipe, table: Table, where: str = "") -> None:
    """``recipe`` and ``table`` as the step page can play and its form can show them, else
    ConfigError or DataError naming the field (after ``where``): a toy table of 1 to 8
    inputs, 1 to 4 targets and up to MAX_ROWS rows, up to 4 layers of up to 8 units whose
    output layer has a unit per target, the form's losses, inits and seeds, plain SGD,
    targets of 0 or 1 for bce and one-hot rows for cross_entropy."""
    if recipe.dataset not in TABLES:
        raise ConfigError(f"{where}recipe.dataset: expected one of {', '.join(TABLES)} (the step page plays "
                          f"a small table), got {shown(recipe.dataset)}")
    choices = (("loss", STEP_LOSSES), ("init", STEP_INITS), ("optimizer", ("sgd",)))
    for field, allowed in choices:
        if getattr(recipe, field) not in allowed:
            raise ConfigError(f"{where}recipe.{field}: expected {' or '.join(allowed)}, as the step page "
                              f"takes, got {shown(getattr(recipe, field))}")
    if recipe.seed > STEP_MAX_SEED:
        raise ConfigError(f"{where}recipe.seed: expected a seed from 0 to {STEP_MAX_SEED:,}, as the step page "
                          f"takes, got {shown(recipe.seed)}")
    sizes = [len(table.feature_names), *recipe.layers]
    if len(recipe.layers) > tracing.MAX_LAYERS or max(sizes) > tracing.MAX_UNITS:
        raise ConfigError(f"{where}recipe.layers: expected up to {tracing.MAX_LAYERS} layers of up to "
                          f"{tracing.MAX_UNITS} units (inputs included), as the step page draws, got "
                          f"{'-'.join(map(str, sizes))}")
    if not 1 <= len(table) <= MAX_ROWS or not 1 <= len(table.feature_names) <= MAX_FEATURES:
        raise DataError(f"{where}table: expected 1 to {MAX_ROWS:,} rows of 1 to {MAX_FEATURES} inputs, as the "
                        f"step page takes, got {len(table):,} rows of {len(table.feature_names)}")
    if not 1 <= table.n_targets <= MAX_TARGETS:
        raise DataError(f"{where}table: expected 1 to {MAX_TARGETS} target columns (one per output unit), as the "
                        f"step page draws, got {table.n_targets} ({_names(table.target_names)})")
    if table.name == recipe.dataset and (recipe.n_inputs, recipe.output_units) != (
            len(table.feature_names), table.n_targets):
        raise DataError(f"{where}table: expected the {recipe.n_inputs} features and {recipe.output_units} "
                        f"target{'s' if recipe.output_units > 1 else ''} the {recipe.dataset} recipe takes, got "
                        f"{len(table.feature_names)} and {table.n_targets}")
    if recipe.layers[-1] != table.n_targets:
        raise ConfigError(f"{where}recipe.layers: the output layer has {recipe.layers[-1]} unit"
                          f"{'s' if recipe.layers[-1] > 1 else ''}; expected {table.n_targets}, one per target "
                          f"column of the table ({_names(table.target_names)})")
    check_step_loss(recipe.loss, table, where)


def _names(names) -> str:
    text = ", ".join(names)
    return text if len(text) <= 120 else text[:117] + "..."


def check_step_loss(loss: str, table: Table, where: str = "") -> None:
    """The table's targets as ``loss`` needs them, else DataError naming recipe.loss and
    the column or row: 0 or 1 for bce; for cross_entropy (a softmax over the classes) 2 to
    4 columns, one per class, with one 1 and the rest 0 in every row (one-hot)."""
    if loss == "bce":
        for name, column in zip(table.target_names, table.targets.T):
            if not np.isin(column, (0.0, 1.0)).all():
                raise DataError(f"{where}recipe.loss: the bce loss needs a target of 0 or 1; the {name} "
                                f"column holds {column.min():g} to {column.max():g}; expected 0 or 1, "
                                f"or the mse loss for values")
    if loss != "cross_entropy":
        return
    if table.n_targets < 2:
        raise DataError(f"{where}recipe.loss: cross_entropy (a softmax over the classes) needs 2 to {MAX_TARGETS} "
                        f"target columns, one per class, each row a 1 in its class's column and 0 in the others; "
                        f"the table has one target column ({table.target_names[0]}); expected bce for one 0/1 "
                        f"target, mse for values, or a table with a column per class")
    one_hot = np.isin(table.targets, (0.0, 1.0)).all(axis=1) & (table.targets.sum(axis=1) == 1)
    if not one_hot.all():
        row = int(np.flatnonzero(~one_hot)[0])
        values = ", ".join(f"{v:g}" for v in table.targets[row])
        raise DataError(f"{where}recipe.loss: cross_entropy (a softmax over the classes) needs one-hot targets, "
                        f"in every row a 1 in one class column and 0 in the others; row {row + 1} holds {values} "
                        f"in {_names(table.target_names)}; expected exactly one 1 per row, or the bce loss "
                        f"(a sigmoid per column) or mse")


def check_step_page(step: "StepLesson", where: str = "") -> None:
    """A whole step-page state as the page can take it: ``check_step_recipe``, then the
    weights in place, and the row and the step within the table and the trace."""
    check_step_recipe(step.recipe, step.table, where)
    net = step.recipe.network(n_inputs=len(step.table.feature_names))
    try:
        net.set_params(step.params)
    except ConfigError as exc:
        raise ConfigError(f"{where}{exc}") from None
    if not 0 <= step.sample < len(step.table):
        raise DataError(f"{where}row: expected a row from 1 to {len(step.table)}, got {step.sample + 1}")
    X, Y = step.table.columns(net.dtype)
    with np.errstate(all="ignore"):
        A, _ = net.forward(X)
        bad = np.flatnonzero(~np.isfinite(A).all(axis=0))
        cost = net.cost(A, Y)
        steps = tracing.trace(net, X[:, step.sample], Y[:, step.sample], step.recipe.lr)
    if bad.size or not math.isfinite(cost):
        row = f"row {bad[0] + 1}" if bad.size else "the table"
        raise DataError(f"{where}params: the network's numbers overflow on {row} (its output or loss is not "
                        f"finite); expected weights and table values whose forward pass stays finite")
    broken = next((s for s in steps if s.value is not None and not np.isfinite(s.value).all()), None)
    if broken is not None:
        raise DataError(f"{where}params: step {broken.number} of row {step.sample + 1} ({broken.symbol.text}) "
                        f"overflows; expected weights, table values and a learning rate whose steps stay finite")
    if not -1 <= step.step < len(steps):
        raise DataError(f"{where}step: expected 0 (before the first step) to {len(steps)}, the steps of one "
                        f"update of {'-'.join(map(str, net.layer_sizes))}, got {step.step + 1}")


def available_images(recipe: Recipe, mnist_dir=None) -> int | None:
    """The training images of the recipe's digits, or None when MNIST cannot be read (the
    training page then says so itself)."""
    if not recipe.is_mnist:
        return None
    try:
        counts = training_counts(mnist_dir)
    except BpvizError:
        return None
    return sum(counts) if recipe.digits is None else counts[recipe.digits[0]] + counts[recipe.digits[1]]


def check_training_form(recipe: Recipe, available: int | None = None, where: str = "") -> None:
    """``recipe`` as the training page's form can show it and start it, else ConfigError
    naming the field (after ``where``): MNIST, one of the form's presets (its init and
    shuffle come from it), a hidden layer, the form's ranges; and, given the
    ``available`` training images of its digits, a training-set size, batch size and
    evaluation cadence that fit. Its loss is a field: one of ``train_losses`` for its task."""
    if not recipe.is_mnist:
        raise ConfigError(f"{where}dataset: expected mnist (the training page trains on MNIST), got "
                          f"{shown(recipe.dataset)}")
    if recipe.name not in MNIST_PRESETS:
        raise ConfigError(f"{where}name: expected one of {', '.join(MNIST_PRESETS)} (the training page starts "
                          f"from one of its presets), got {shown(recipe.name)}")
    if len(recipe.layers) < 2:
        raise ConfigError(f"{where}layers: expected at least one hidden layer, as the training page takes, "
                          f"got {recipe.layers_text}")
    for field, high in (("seed", TRAIN_MAX_SEED), ("iterations", TRAIN_MAX_LENGTH), ("epochs", TRAIN_MAX_LENGTH),
                        ("eval_every", TRAIN_MAX_EVAL_EVERY)):
        value = getattr(recipe, field)
        if value is not None and value > high:
            raise ConfigError(f"{where}{field}: expected at most {high:,}, as the training page takes, "
                              f"got {shown(value)}")
    if recipe.output_activation not in TRAIN_OUTPUTS:
        raise ConfigError(f"{where}output: expected {' or '.join(TRAIN_OUTPUTS)}, as the training page takes, "
                          f"got {shown(recipe.output)}")
    losses = train_losses(recipe.output_activation)
    if recipe.loss not in losses:
        digits = "all ten digits" if recipe.digits is None else "two digits"
        task = f"{digits} (a {recipe.output_activation} output)"
        raise ConfigError(f"{where}loss: expected {', '.join(losses[:-1])} or {losses[-1]} for {task}, as the "
                          f"training page takes, got {shown(recipe.loss)}")
    form = get_preset(recipe.name).replace(**{field: getattr(recipe, field) for field in FORM_FIELDS})
    for field in ("init", "shuffle"):
        if getattr(form, field) != getattr(recipe, field):
            raise ConfigError(f"{where}{field}: expected {shown(getattr(form, field))}, as the training page "
                              f"takes it from the preset {recipe.name}, got {shown(getattr(recipe, field))}")
    if available is None:
        return
    problem = size_problem(recipe, available)
    if problem is not None:
        raise ConfigError(f"{where}{problem[0]}: {problem[1]}")
    m = available if recipe.train_size is None else recipe.train_size
    total = count_iterations(recipe.train_config(), m)
    if recipe.eval_every > total:
        raise ConfigError(f"{where}eval_every: the run makes only {total:,} updates; expected at most that, "
                          f"or 0 (auto)")
