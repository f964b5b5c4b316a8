"""One training run's history as growing numpy columns, and all runs' histories as CSV."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np

from bpviz.nn.health import COLUMNS as LAYER_COLUMNS
from bpviz.nn.health import LayerStats
from bpviz.nn.train import Progress
from bpviz.presets import Recipe

COLUMNS = ("run", "preset", "layers", "lr", "iteration", "epoch", "cost", "test_cost",
           "train_accuracy", "test_accuracy", "seconds")


def sizes_text(recipe: Recipe) -> str:
    """The layer sizes with the input, as the tutorial writes them: 784-196-1."""
    return "-".join(map(str, [recipe.n_inputs, *recipe.layers]))


def run_label(recipe: Recipe) -> str:
    """How a run is named on the plot: preset, layer sizes, learning rate."""
    return f"{recipe.name} · {sizes_text(recipe)} · lr {recipe.lr:g}"


class _Column:
    """A float column that grows by doubling, read as a view of its filled part."""

    def __init__(self, capacity: int = 256):
        self._data = np.empty(max(capacity, 16))
        self.size = 0

    def append(self, values) -> None:
        values = np.asarray(values, dtype=float)
        need = self.size + values.size
        if need > self._data.size:
            grown = np.empty(max(need, 2 * self._data.size))
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size:need] = values
        self.size = need

    @property
    def values(self) -> np.ndarray:
        return self._data[: self.size]


@dataclass
class RunHistory:
    """Every update's cost and every evaluation's test cost and accuracies of one run, and
    the per-layer statistics recorded with the evaluations (``layer_column``)."""

    number: int
    recipe: Recipe
    total: int = 0
    status: str = "running"  # then "finished", "stopped", "diverged" or "failed"
    label: str = ""
    records: list[Progress] = field(default_factory=list)
    #: The test accuracy (%) of the model the run ended with, once it has been measured: a
    #: stopped run's last evaluation during training was of an earlier model.
    final_test_accuracy: float | None = None

    def __post_init__(self):
        self.label = self.label or f"#{self.number} {run_label(self.recipe)}"
        self.iteration, self.cost = _Column(self.total), _Column(self.total)
        self.eval_iteration, self.test_cost = _Column(), _Column()
        self.train_accuracy, self.test_accuracy = _Column(), _Column()
        #: Updates done at each record of layer statistics, and each statistic's column per
        #: layer: {"dW_norm": [layer 1's, layer 2's, ...], ...}.
        self.layer_iteration = _Column()
        self._layer_columns: dict[str, list[_Column]] = {}
        #: The latest record's statistics (with their histograms), one per layer.
        self.latest_layers: tuple[LayerStats, ...] = ()

    def extend(self, records) -> None:
        records = [r for r in records if math.isfinite(r.cost)]
        if not records:
            return
        self.records.extend(records)
        self.total = records[-1].total_iterations
        self.iteration.append([r.iteration for r in records])
        self.cost.append([r.cost for r in records])
        evaluated = [r for r in records if r.train_accuracy is not None or r.test_accuracy is not None]
        if evaluated:
            # An evaluation follows its update: plot it at the number of updates done.
            self.eval_iteration.append([r.iteration + 1 for r in evaluated])
            self.test_cost.append([_value(r.test_cost) for r in evaluated])
            self.train_accuracy.append([_percent(r.train_accuracy) for r in evaluated])
            self.test_accuracy.append([_percent(r.test_accuracy) for r in evaluated])
        recorded = [r for r in records if r.layers]
        if recorded:
            if not self._layer_columns:
                depth = len(recorded[0].layers)
                self._layer_columns = {name: [_Column() for _ in range(depth)] for name in LAYER_COLUMNS}
            self.layer_iteration.append([r.iteration + 1 for r in recorded])
            for name, columns in self._layer_columns.items():
                for l, column in enumerate(columns):
                    column.append([_value(getattr(r.layers[l], name)) for r in recorded])
            self.latest_layers = recorded[-1].layers

    @property
    def depth(self) -> int:
        """The number of layers with statistics recorded (0 before the first)."""
        return len(self._layer_columns.get("dW_norm", ()))

    def layer_column(self, name: str, l: int) -> np.ndarray:
        """Statistic ``name`` ("dW_norm", "update_ratio", ...) of layer ``l`` (from 1) at
        each record, NaN where it is None; x is ``layer_iteration``."""
        return self._layer_columns[name][l - 1].values

    @property
    def done(self) -> int:
        return self.iteration.size

    @property
    def test_accuracy_shown(self) -> float | None:
        """The run's test accuracy (%): of its final model once known, else the latest measured."""
        return self.final_test_accuracy if self.final_test_accuracy is not None else self.last("test_accuracy")

    def last(self, column: str) -> float | None:
        values = getattr(self, column).values
        finite = values[np.isfinite(values)]
        return float(finite[-1]) if finite.size else None


def _value(x) -> float:
    return math.nan if x is None else float(x)


def _percent(x) -> float:
    return math.nan if x is None else 100 * float(x)


def histories_csv(histories: list[RunHistory]) -> bytes:
    """One row per update of every run; the evaluation columns are filled where one was
    made. After ``COLUMNS`` come each layer's statistics (``layer_columns``), for as many
    layers as the deepest run has, filled on the updates that recorded them."""
    depth = max((len(r.layers) for h in histories for r in h.records), default=0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, *layer_columns(depth)])
    for h in histories:
        layers = sizes_text(h.recipe)
        for r in h.records:
            stats = [_cell(getattr(s, name)) for s in r.layers for name in LAYER_COLUMNS]
            writer.writerow([h.number, h.recipe.name, layers, repr(h.recipe.lr), r.iteration, r.epoch,
                             repr(r.cost), _cell(r.test_cost), _cell(r.train_accuracy),
                             _cell(r.test_accuracy), f"{r.seconds:.6f}",
                             *stats, *[""] * (len(LAYER_COLUMNS) * depth - len(stats))])
    return out.getvalue().encode()


def layer_columns(depth: int) -> list[str]:
    """The per-layer column names for layers 1..depth: dW1_norm, db1_norm, W1_norm,
    update_ratio1, A1_mean, A1_std, saturated1, dead1, dW2_norm, ..."""
    return [column.format(l=l) for l in range(1, depth + 1) for column in LAYER_COLUMNS.values()]


def _cell(x) -> str:
    return "" if x is None else repr(float(x))
