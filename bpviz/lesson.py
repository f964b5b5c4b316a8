"""Lesson files: where a teacher left the app, as JSON, to open in class exactly there.

A lesson holds the page shown; for the step-through page the recipe, the table as shown
(edits included), the weights, the row, the epoch and the step; for the training page its
recipe. ``save_lesson`` writes atomically; ``load_lesson`` checks everything and raises
:class:`LessonFileError` naming the file and what is wrong.

In the file (version 2) the row and the step count as the app shows them: ``"row": 1`` is
the table's first row and ``"step": 8`` is "step 8 of 32" (0: ready, before the first
step), so a lesson edited by hand says what the teacher saw. Version 1 files (``"sample"``
and ``"step"`` from 0, -1 before the first step) still open. In Python, StepLesson keeps
both from 0, as the step page does.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bpviz.data.toy import Table
from bpviz.errors import BpvizError
from bpviz.fileio import atomic_write_bytes, read_problem
from bpviz.presets import Recipe

FORMAT = "bpviz-lesson"
VERSION = 2
#: The versions this bpviz opens: 1 counted the row and the step from 0.
READS = (1, 2)
PAGES = ("step", "train")


class LessonFileError(BpvizError, ValueError):
    """A lesson file that cannot be opened. The message names the file."""

    def __init__(self, path, message: str):
        self.path = Path(path)
        super().__init__(f"{self.path}: {message}")


@dataclass(frozen=True)
class StepLesson:
    """The step-through page: a recipe, its table (as edited), weights, row, epoch, step.
    ``sample`` (the row) and ``step`` (-1 before the first step) count from 0."""

    recipe: Recipe
    table: Table
    params: dict[str, np.ndarray]
    sample: int = 0
    epoch: int = 1
    epoch_losses: tuple[float, ...] = ()
    step: int = 0


@dataclass(frozen=True)
class Lesson:
    """The page shown ("step" or "train"), the step page's state, the training recipe."""

    page: str
    step: StepLesson
    train: Recipe


def lesson_json(lesson: Lesson) -> bytes:
    s = lesson.step
    document = {
        "format": FORMAT,
        "version": VERSION,
        "page": lesson.page,
        "step": {
            "recipe": s.recipe.to_dict(),
            "table": {"name": s.table.name, "features": list(s.table.feature_names),
                      "target": s.table.target_name, "rows": np.column_stack(
                          [s.table.features, s.table.target]).tolist()},
            "params": {key: np.asarray(value).tolist() for key, value in s.params.items()},
            "row": s.sample + 1, "epoch": s.epoch, "epoch_losses": list(s.epoch_losses),
            "step": s.step + 1,
        },
        "train": {"recipe": lesson.train.to_dict()},
    }
    return json.dumps(document, indent=1).encode()


def save_lesson(path: str | os.PathLike, lesson: Lesson) -> Path:
    """Write ``lesson`` to ``path`` atomically (a temporary file, fsync, rename)."""
    return atomic_write_bytes(path, lesson_json(lesson))


def load_lesson(path: str | os.PathLike) -> Lesson:
    """The lesson saved at ``path``, checked: a clear LessonFileError for anything else."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise LessonFileError(path, "file not found") from None
    except IsADirectoryError:
        raise LessonFileError(path, "is a folder; expected a lesson file (.json)") from None
    except PermissionError as exc:
        raise LessonFileError(path, read_problem(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LessonFileError(path, f"cannot be read as text ({exc}); expected a lesson file (.json) saved by bpviz") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LessonFileError(path, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                                    "expected a lesson file as bpviz saved it (was it cut short or edited by hand?)") from None
    try:
        return _lesson_from(document)
    except _Bad as exc:
        raise LessonFileError(path, str(exc)) from None


class _Bad(Exception):
    pass


def _get(document, key: str, kind, where: str):
    if not isinstance(document, dict) or key not in document:
        raise _Bad(f"{where}{key} is missing")
    value = document[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise _Bad(f"{where}{key}: expected {names}, got {type(value).__name__}")
    return value


def _lesson_from(document) -> Lesson:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _Bad("not a bpviz lesson: expected \"format\": \"bpviz-lesson\" in a file bpviz saved")
    version = document.get("version")
    if version not in READS or isinstance(version, bool):
        newer = isinstance(version, int) and version > VERSION
        raise _Bad(f"lesson format version {version!r}; expected version {' or '.join(map(str, READS))}, "
                   f"the ones this bpviz opens" + (" (the file comes from a newer bpviz)" if newer else ""))
    page = _get(document, "page", str, "")
    if page not in PAGES:
        raise _Bad(f"page: expected one of {', '.join(PAGES)}, got {page!r}")
    step = _get(document, "step", dict, "")
    train = _get(document, "train", dict, "")
    return Lesson(page, _step_from(step, version),
                  _recipe_from(_get(train, "recipe", dict, "train."), "train.recipe"))


def _recipe_from(values: dict, where: str) -> Recipe:
    try:
        return Recipe.from_dict(values, strict=True)
    except BpvizError as exc:
        raise _Bad(f"{where}: {exc}") from None


def _matrix(value, where: str) -> np.ndarray:
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _Bad(f"{where}: expected rows of numbers") from None
    if array.ndim != 2 or not np.isfinite(array).all():
        raise _Bad(f"{where}: expected a table of finite numbers, got shape {array.shape}")
    return array


def _step_from(step: dict, version: int) -> StepLesson:
    recipe = _recipe_from(_get(step, "recipe", dict, "step."), "step.recipe")
    t = _get(step, "table", dict, "step.")
    features = tuple(_get(t, "features", list, "step.table."))
    rows = _matrix(_get(t, "rows", list, "step.table."), "step.table.rows")
    if rows.shape[1] != len(features) + 1:
        raise _Bad(f"step.table.rows: expected {len(features) + 1} columns ({len(features)} features "
                   f"and the target), got {rows.shape[1]}")
    table = Table(str(_get(t, "name", str, "step.table.")), tuple(map(str, features)),
                  str(_get(t, "target", str, "step.table.")), rows[:, :-1], rows[:, -1])
    if recipe.n_inputs != len(features) and recipe.dataset == table.name:
        raise _Bad(f"step.table: the {recipe.dataset} recipe takes {recipe.n_inputs} features, "
                   f"the table has {len(features)}")
    sizes = [len(features), *recipe.layers]
    raw = _get(step, "params", dict, "step.")
    params = {}
    for l in range(1, len(sizes)):
        for key, shape in ((f"W{l}", (sizes[l], sizes[l - 1])), (f"b{l}", (sizes[l], 1))):
            array = _matrix(raw.get(key, None) if key in raw else _missing(f"step.params.{key}"),
                            f"step.params.{key}")
            if array.shape != shape:
                raise _Bad(f"step.params.{key}: expected shape {shape} for layers "
                           f"{'-'.join(map(str, sizes))}, got {array.shape}")
            params[key] = array
    extra = sorted(set(raw) - set(params))
    if extra:
        raise _Bad(f"step.params: unexpected keys {', '.join(extra)}")
    sample = _row_from(step, len(rows), version)
    epoch = _get(step, "epoch", int, "step.")
    if epoch < 1:
        raise _Bad(f"step.epoch: expected 1 or more, got {epoch}")
    losses = _get(step, "epoch_losses", list, "step.")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in losses):
        raise _Bad("step.epoch_losses: expected finite numbers")
    index = _step_index_from(step, version)
    return StepLesson(recipe, table, params, sample, epoch, tuple(map(float, losses)), index)


def _row_from(step: dict, m: int, version: int) -> int:
    """The row (from 0) of a table of ``m`` rows: "row" from 1, or version 1's "sample" from 0."""
    if version == 1:
        sample = _get(step, "sample", int, "step.")
        if not 0 <= sample < m:
            raise _Bad(f"step.sample: expected a row from 0 to {m - 1}, got {sample}")
        return sample
    row = _get(step, "row", int, "step.")
    if not 1 <= row <= m:
        raise _Bad(f"step.row: expected a row from 1 to {m}, got {row}")
    return row - 1


def _step_index_from(step: dict, version: int) -> int:
    """The step's index (-1 before the first): "step" from 1 (0 before the first), or
    version 1's "step" from 0 (-1 before the first)."""
    number = _get(step, "step", int, "step.")
    if version == 1:
        if number < -1:
            raise _Bad(f"step.step: expected -1 (before the first step) or more, got {number}")
        return number
    if number < 0:
        raise _Bad(f"step.step: expected 0 (before the first step) or a step number from 1, got {number}")
    return number - 1


def _missing(where: str):
    raise _Bad(f"{where} is missing")
