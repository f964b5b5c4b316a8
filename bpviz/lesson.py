"""Lesson files: where a teacher left the app, as JSON, to open in class exactly there.
bpviz saves them as ``.bpviz`` (its own type on a desktop, opened by a double-click) and
opens ``.json`` too, as earlier versions saved them.

A lesson holds the page shown; for the step-through page the recipe, the table as shown
(edits included; ``"target"`` names its one target column, ``"targets"`` its 2 to 4), the
weights, the row, the epoch, the step and quiz mode; for the training page its
recipe. ``save_lesson`` writes atomically; ``load_lesson`` reads the file bounded, checks
every value's kind and the limits of the pages that will take it (bpviz.page_limits) and raises :class:`LessonFileError` naming the
file, the field and what was expected: a lesson that loads is one the pages can show.

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
from numbers import Real
from pathlib import Path

import numpy as np

from bpviz.data.toy import MAX_FEATURES, MAX_NAME, MAX_ROWS, MAX_TARGETS, Table
from bpviz.errors import BpvizError, shown
from bpviz.fileio import UnreadableFile, atomic_write_bytes, read_limited
from bpviz.nn import trace as tracing
from bpviz.page_limits import MAX_EPOCH, available_images, check_step_page, check_step_recipe, check_training_form
from bpviz.presets import Recipe

FORMAT = "bpviz-lesson"
VERSION = 2
#: The versions this bpviz opens: 1 counted the row and the step from 0.
READS = (1, 2)
PAGES = ("step", "train")
#: What quiz mode covers: every step, or one phase's (a lesson without "quiz" has it off).
QUIZ_PHASES = ("all", *tracing.PHASES)
#: A lesson is a few kB; its table is at most MAX_ROWS rows (about 3 MB as bpviz writes it).
MAX_LESSON_BYTES = 16 << 20
_EXPECTED = "a bpviz lesson (.bpviz or .json) as bpviz saves it"
#: A lesson's own extension, and the ones bpviz opens (the first is saved).
SUFFIX = ".bpviz"
SUFFIXES = (SUFFIX, ".json")


def lesson_file_name(path: str, as_json: bool = False) -> str:
    """``path`` as a lesson file's name: kept when it ends in .bpviz or .json, otherwise
    with .bpviz (or .json, ``as_json``) added, as a save dialog adds the type chosen."""
    if Path(path).suffix.lower() in SUFFIXES:
        return path
    return path + (".json" if as_json else SUFFIX)



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
    quiz: bool = False  # quiz mode on, over QUIZ_PHASES' ``quiz_phase``
    quiz_phase: str = "all"


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
            "table": _table_json(s.table),
            "params": {key: np.asarray(value).tolist() for key, value in s.params.items()},
            "row": s.sample + 1, "epoch": s.epoch, "epoch_losses": list(s.epoch_losses),
            "step": s.step + 1,
            "quiz": {"on": s.quiz, "phase": s.quiz_phase},
        },
        "train": {"recipe": lesson.train.to_dict()},
    }
    return json.dumps(document, indent=1).encode()


def _table_json(table: Table) -> dict:
    """The table as the file holds it: names, then rows of the features and the targets.
    One target is ``"target": name`` (as every version-2 file has it); several are
    ``"targets": [names]``."""
    names = {"target": table.target_names[0]} if table.n_targets == 1 else {"targets": list(table.target_names)}
    return {"name": table.name, "features": list(table.feature_names), **names,
            "rows": np.column_stack([table.features, table.targets]).tolist()}


def save_lesson(path: str | os.PathLike, lesson: Lesson) -> Path:
    """Write ``lesson`` to ``path`` atomically (a temporary file, fsync, rename)."""
    return atomic_write_bytes(path, lesson_json(lesson))


def load_lesson(path: str | os.PathLike, mnist_dir=None) -> Lesson:
    """The lesson saved at ``path``, checked against every limit of the two pages that will
    take it (``mnist_dir``: the MNIST folder of the training page, None for the embedded
    copy): a LessonFileError naming the file and the field for anything else, so that a
    lesson that loads is one the pages can show."""
    path = Path(path)
    document = _parse(path, _read_text(path))
    try:
        lesson = _lesson_from(document)
        check_step_page(lesson.step, where="step.")
        check_training_form(lesson.train, available_images(lesson.train, mnist_dir), where="train.recipe.")
    except (_Bad, BpvizError) as exc:
        raise LessonFileError(path, str(exc)) from None
    return lesson


def _read_text(path: Path) -> str:
    try:
        os.lstat(path)
    except FileNotFoundError:
        raise LessonFileError(path, f"file not found; expected {_EXPECTED}") from None
    except OSError:
        pass  # reading it says what is wrong
    try:
        data = read_limited(path, MAX_LESSON_BYTES, _EXPECTED)
    except UnreadableFile as exc:
        raise LessonFileError(path, str(exc)) from None
    try:
        return data.decode("utf-8-sig")  # Notepad's BOM is no part of the JSON
    except UnicodeDecodeError as exc:
        raise LessonFileError(path, f"cannot be read as text (not UTF-8 at byte {exc.start}); "
                                    f"expected {_EXPECTED}") from None


def _parse(path: Path, text: str):
    try:
        return json.loads(text, object_pairs_hook=_no_twice)
    except json.JSONDecodeError as exc:
        raise LessonFileError(path, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                                    "expected a lesson file as bpviz saved it (was it cut short or edited by hand?)") from None
    except RecursionError:
        raise LessonFileError(path, f"nested deeper than Python reads JSON; expected {_EXPECTED}") from None
    except _Bad as exc:
        raise LessonFileError(path, str(exc)) from None
    except ValueError:  # Python reads no whole number of more than 4,300 digits
        raise LessonFileError(path, f"holds a whole number of thousands of digits; expected {_EXPECTED}") from None


def _no_twice(pairs) -> dict:
    """A JSON object, refused when it names a key twice (one of the two would be lost)."""
    document = {}
    for key, value in pairs:
        if key in document:
            raise _Bad(f"the key {shown(key)} appears twice in one object; expected each key once")
        document[key] = value
    return document


class _Bad(Exception):
    pass


#: JSON's kinds of value as someone editing a lesson by hand calls them.
_JSON_KINDS = {dict: "an object {…}", list: "a list […]", str: "a text in quotes", bool: "true or false",
               int: "a whole number", float: "a number", type(None): "null"}


def _kind(kind: type) -> str:
    return _JSON_KINDS.get(kind, kind.__name__)


def _get(document, key: str, kind, where: str):
    if not isinstance(document, dict) or key not in document:
        raise _Bad(f"{where}{key} is missing")
    value = document[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = _kind(kind) if isinstance(kind, type) else " or ".join(_kind(k) for k in kind)
        got = _kind(bool if isinstance(value, bool) else type(value))
        raise _Bad(f"{where}{key}: expected {names}, got {got} ({shown(value)})")
    return value


def _whole(document, key: str, where: str, low: int, high: int, what: str) -> int:
    """A whole number from ``low`` to ``high``, named ``what`` in the message."""
    value = _get(document, key, int, where)
    if not low <= value <= high:
        raise _Bad(f"{where}{key}: expected {what} from {low} to {high:,}, got {shown(value)}")
    return value


def _lesson_from(document) -> Lesson:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _Bad("not a bpviz lesson: expected \"format\": \"bpviz-lesson\" in a file bpviz saved")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version not in READS:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        raise _Bad(f"lesson format version {shown(version)}; expected version {' or '.join(map(str, READS))}, "
                   f"the ones this bpviz opens" + (" (the file comes from a newer bpviz)" if newer else ""))
    page = _get(document, "page", str, "")
    if page not in PAGES:
        raise _Bad(f"page: expected one of {', '.join(PAGES)}, got {shown(page)}")
    step = _get(document, "step", dict, "")
    train = _get(document, "train", dict, "")
    return Lesson(page, _step_from(step, version),
                  _recipe_from(_get(train, "recipe", dict, "train."), "train.recipe"))


def _recipe_from(values: dict, where: str, outputs: int | None = None) -> Recipe:
    """The recipe at ``where``; ``outputs``: the target columns of the table a toy recipe
    plays, which its output layer must match (the step page's recipe)."""
    toy = isinstance(values, dict) and values.get("dataset", "mnist") != "mnist"
    try:
        return Recipe.from_dict(values, strict=True, outputs=outputs if toy else None)
    except BpvizError as exc:
        text = str(exc)
        field, colon, rest = text.partition(": ")
        if colon and field.replace("_", "").replace("-", "").isalpha():  # "seed: ..." is train.recipe.seed
            raise _Bad(f"{where}.{field.replace('-', '_')}: {rest}") from None
        raise _Bad(f"{where}: {text}") from None


def _matrix(value, where: str, columns: int | None = None, max_rows: int = MAX_ROWS) -> np.ndarray:
    """A list of rows of numbers (JSON numbers: no strings, booleans or null), all finite."""
    if not isinstance(value, list) or not value or len(value) > max_rows:
        raise _Bad(f"{where}: expected a list of 1 to {max_rows:,} rows of numbers, got {shown(value)}")
    width = columns if columns is not None else len(value[0]) if isinstance(value[0], list) else -1
    for i, row in enumerate(value, start=1):
        if not isinstance(row, list) or len(row) != width or not row:
            raise _Bad(f"{where}: expected {max(width, 1)} columns in every row, got {shown(row)} in row {i}")
        for cell in row:
            if not isinstance(cell, Real) or isinstance(cell, bool) or not _finite(cell):
                raise _Bad(f"{where}: expected rows of numbers (finite ones), got {shown(cell)} in row {i}")
    return np.array(value, dtype=np.float64)


def _listed(names) -> str:
    text = ", ".join(map(str, names))
    return text if len(text) <= 120 else text[:117] + "..."


def _finite(number) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # a whole number beyond any float
        return False


def _names(t: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The table's feature names and target names (``"target"``: one name, or
    ``"targets"``: 1 to MAX_TARGETS names): distinct, non-empty text."""
    features = _get(t, "features", list, "step.table.")
    if isinstance(t, dict) and "targets" in t:
        if "target" in t:
            raise _Bad("step.table: expected \"target\" (one name) or \"targets\" (a list of names), not both")
        targets = _get(t, "targets", list, "step.table.")
        if not 1 <= len(targets) <= MAX_TARGETS:
            raise _Bad(f"step.table.targets: expected 1 to {MAX_TARGETS} target names (one per output unit), "
                       f"as the step page takes, got {len(targets)}")
    else:
        targets = [_get(t, "target", str, "step.table.")]
    for field, names in (("features", features), ("targets" if "targets" in t else "target", targets)):
        for name in names:
            if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
                raise _Bad(f"step.table.{field}: expected names of 1 to {MAX_NAME} characters, got {shown(name)}")
    if len(set(features)) != len(features) or len(set(targets)) != len(targets) or set(targets) & set(features):
        raise _Bad(f"step.table.features: expected a distinct name per column (the target"
                   f"{'s' if len(targets) > 1 else ''} {', '.join(map(shown, targets))} included), got "
                   f"{shown(features, 120)}")
    if not 1 <= len(features) <= MAX_FEATURES:
        raise _Bad(f"step.table.features: expected 1 to {MAX_FEATURES} inputs, as the step page takes, "
                   f"got {len(features)}")
    return tuple(features), tuple(targets)


def _step_from(step: dict, version: int) -> StepLesson:
    t = _get(step, "table", dict, "step.")
    features, targets = _names(t)  # first: the recipe's output layer has a unit per target
    recipe = _recipe_from(_get(step, "recipe", dict, "step."), "step.recipe", outputs=len(targets))
    n = len(features)
    rows = _matrix(_get(t, "rows", list, "step.table."), "step.table.rows", columns=n + len(targets))
    table = Table(_get(t, "name", str, "step.table."), features, targets, rows[:, :n], rows[:, n:])
    check_step_recipe(recipe, table, "step.")  # the page's sizes bound the weights read next
    sizes = [len(features), *recipe.layers]
    raw = _get(step, "params", dict, "step.")
    params = {}
    for l in range(1, len(sizes)):
        for key, shape in ((f"W{l}", (sizes[l], sizes[l - 1])), (f"b{l}", (sizes[l], 1))):
            if key not in raw:
                raise _Bad(f"step.params.{key} is missing")
            array = _matrix(raw[key], f"step.params.{key}", max_rows=tracing.MAX_UNITS)
            if array.shape != shape:
                raise _Bad(f"step.params.{key}: expected shape {shape} for layers "
                           f"{'-'.join(map(str, sizes))}, got {array.shape}")
            params[key] = array
    extra = sorted(set(raw) - set(params))
    if extra:
        raise _Bad(f"step.params: unexpected keys {_listed(extra)}; expected {', '.join(params)}")
    sample = _row_from(step, len(rows), version)
    epoch = _whole(step, "epoch", "step.", 1, MAX_EPOCH, "an epoch")
    losses = _get(step, "epoch_losses", list, "step.")
    if not all(isinstance(v, Real) and not isinstance(v, bool) and _finite(v) for v in losses):
        raise _Bad("step.epoch_losses: expected finite numbers")
    index = _step_index_from(step, version)
    quiz, phase = _quiz_from(step)
    return StepLesson(recipe, table, params, sample, epoch, tuple(map(float, losses)), index, quiz, phase)


def _quiz_from(step: dict) -> tuple[bool, str]:
    """Quiz mode: ``"quiz": {"on": true, "phase": "backward"}``; off when the file has none
    (every lesson saved before quiz mode existed)."""
    if "quiz" not in step:
        return False, "all"
    quiz = _get(step, "quiz", dict, "step.")
    on = _get(quiz, "on", bool, "step.quiz.")
    phase = _get(quiz, "phase", str, "step.quiz.") if "phase" in quiz else "all"
    if phase not in QUIZ_PHASES:
        raise _Bad(f"step.quiz.phase: expected one of {', '.join(QUIZ_PHASES)}, got {shown(phase)}")
    return on, phase


def _row_from(step: dict, m: int, version: int) -> int:
    """The row (from 0) of a table of ``m`` rows: "row" from 1, or version 1's "sample" from 0."""
    if version == 1:
        return _whole(step, "sample", "step.", 0, m - 1, "a row")
    return _whole(step, "row", "step.", 1, m, "a row") - 1


def _step_index_from(step: dict, version: int) -> int:
    """The step's index (-1 before the first): "step" from 1 (0 before the first), or
    version 1's "step" from 0 (-1 before the first)."""
    number = _get(step, "step", int, "step.")
    if version == 1:
        if number < -1:
            raise _Bad(f"step.step: expected -1 (before the first step) or more, got {shown(number)}")
        return number
    if number < 0:
        raise _Bad(f"step.step: expected 0 (before the first step) or a step number from 1, got {shown(number)}")
    return number - 1
