"""The exercises of Debug > Exercises: each a buggy file, the preset (and changes) it runs
on and its task, read from resources/examples/exercises/index.json and checked whole."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from bpviz.errors import BpvizError, shown
from bpviz.fileio import UnreadableFile, read_limited
from bpviz.presets import PRESETS, TOY_PRESETS, Recipe
from bpviz.resources import resource_path

#: An index of a few dozen exercises is a few kB.
MAX_INDEX_BYTES = 1 << 20
_EXPECTED = "a JSON list of exercises"
_TEXTS = ("file", "title", "task", "preset")


class ExercisesError(BpvizError):
    """The exercises' index cannot be read, or an entry of it cannot be used."""


@dataclass(frozen=True)
class Exercise:
    path: Path                    # the buggy file
    title: str
    task: str                     # what to find, for the student
    recipe: Recipe                # its preset with its overrides
    bug_lines: tuple[int, ...] = ()
    cause: str = ""
    note: str = ""


def index_path() -> Path:
    return resource_path("examples", "exercises", "index.json")


def load_exercises(path) -> list[Exercise]:
    """Every exercise of the index at ``path``; an ExercisesError naming the file (and the
    entry) when it is unreadable, not JSON, or an entry lacks a field or does not fit."""
    path = Path(path)
    try:
        data = json.loads(read_limited(path, MAX_INDEX_BYTES, _EXPECTED).decode("utf-8"))
    except UnreadableFile as exc:
        raise ExercisesError(f"{path.name}: {exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        raise ExercisesError(f"{path.name}: is not JSON ({exc}); expected {_EXPECTED}") from None
    if not isinstance(data, list):
        raise ExercisesError(f"{path.name}: holds {type(data).__name__}; expected {_EXPECTED}")
    return [_exercise(path, number, entry) for number, entry in enumerate(data, 1)]


def _exercise(index: Path, number: int, entry) -> Exercise:
    where = f"{index.name}, exercise {number}"
    if not isinstance(entry, dict):
        raise ExercisesError(f"{where}: is {shown(entry)}; expected an object with {', '.join(_TEXTS)}")
    for key in _TEXTS:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ExercisesError(f"{where}: {key} is {shown(entry.get(key))}; expected a text")
    file = index.parent / entry["file"]
    if Path(entry["file"]).is_absolute() or ".." in Path(entry["file"]).parts or not file.is_file():
        raise ExercisesError(f"{where}: file {entry['file']!r} is not a file beside {index.name}")
    if entry["preset"] not in TOY_PRESETS:
        raise ExercisesError(f"{where}: preset {entry['preset']!r} is not one of the step page's presets "
                             f"({', '.join(TOY_PRESETS)})")
    overrides = entry.get("overrides") or {}
    if not isinstance(overrides, dict):
        raise ExercisesError(f"{where}: overrides is {shown(overrides)}; expected an object of the preset's fields")
    try:
        recipe = PRESETS[entry["preset"]].replace(**overrides)
    except (BpvizError, TypeError) as exc:
        raise ExercisesError(f"{where}: overrides: {exc}") from None
    lines = entry.get("bug_lines") or []
    if not isinstance(lines, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in lines):
        raise ExercisesError(f"{where}: bug_lines is {shown(lines)}; expected a list of line numbers")
    return Exercise(file, entry["title"].strip(), entry["task"].strip(), recipe, tuple(lines),
                    str(entry.get("cause") or ""), str(entry.get("note") or ""))


def fill_menu(menu: QMenu, path, choose, mnemonic=lambda text, taken: text, problem=lambda exercise: "") \
        -> list[QAction]:
    """Put an item per exercise of the index at ``path`` in ``menu`` (``choose(exercise)``
    when one is chosen; ``mnemonic(text, taken)`` gives each its Alt letter; an exercise
    with a ``problem(exercise)`` is disabled, its tooltip saying why), or a disabled item
    saying why there are none."""
    menu.clear()
    try:
        exercises = load_exercises(path)
        if not exercises:
            raise ExercisesError(f"{Path(path).name} lists none")
    except ExercisesError as exc:
        item = menu.addAction("&No exercises: " + str(exc).replace("&", "&&"))
        item.setEnabled(False)
        return [item]
    actions = []
    taken: set[str] = set()
    for exercise in exercises:
        why = problem(exercise)
        title = exercise.title + (" (does not fit the step page)" if why else "")
        action = menu.addAction(mnemonic(title.replace("&", "&&"), taken))
        action.setToolTip(why or f"Exercise: {exercise.task}")
        action.setEnabled(not why)
        action.triggered.connect(lambda _=False, e=exercise: choose(e))
        actions.append(action)
    menu.setToolTipsVisible(True)
    return actions
