"""The exercises for a class (resources/examples/exercises): each file is one common
backprop mistake that shows on its preset's table, its solution agrees with backprop
everywhere, and index.json names the very lines that differ and the cause."""

from __future__ import annotations

import dataclasses
import difflib
import json
import runpy

import numpy as np
import pytest

from bpviz.nn.gradcheck import relative_error
from bpviz.nn.handwritten import compare, load_user_code
from bpviz.presets import PRESETS, Recipe, get_preset
from bpviz.resources import resource_path
from bpviz.usercode.report import CAUSES

EXERCISES = resource_path("examples", "exercises")
SOLUTIONS = EXERCISES / "solutions"
INDEX = json.loads((EXERCISES / "index.json").read_text(encoding="utf-8"))
FILES = [entry["file"] for entry in INDEX]
#: The mistakes every class should meet, by file (the index may hold more).
REQUIRED = {"sigma_prime_dropped.py", "sign_flipped.py", "one_over_m_missing.py", "w_not_transposed.py",
            "stale_weight_read.py", "a_for_a_prev.py", "bias_not_summed.py", "relu_derivative_at_a.py"}
#: A bug shows when some element is off by more than this (relative error) ...
SHOWS = 1e-3
#: ... and a solution agrees when every element is within this.
AGREES = 1e-7
KINDS = ("update", "gradients", "backward")


def _entry(name: str) -> dict:
    return next(entry for entry in INDEX if entry["file"] == name)


def _setup(entry: dict):
    """The preset's network and table with the entry's overrides, and its learning rate."""
    recipe = get_preset(entry["preset"]).replace(**entry["overrides"])
    data = recipe.data()
    return recipe.network(), data.X, data.Y, recipe.lr


def _kind(path) -> tuple[str, dict]:
    namespace = runpy.run_path(str(path), run_name="bpviz_exercise")
    kinds = [kind for kind in KINDS if callable(namespace.get(kind))]
    assert len(kinds) == 1, f"{path.name}: expected one of {KINDS}, found {kinds}"
    return kinds[0], namespace


def _errors(ours: dict, theirs: dict) -> dict[str, float]:
    """The largest relative error per gradient; inf where the shapes differ."""
    return {key: float(relative_error(ours[key], theirs[key]).max()) if np.shape(theirs[key]) == ours[key].shape
            else float("inf") for key in ours}


def _backprop(net, X, Y) -> dict:
    _, cache = net.forward(X)
    return net.backward(cache, Y)


def _their_gradients(function, layout: str, net, X, Y) -> dict:
    """The file's gradients (or backward) called on copies, its W's handed over and taken
    back in the file's layout; a gradient may come back in any shape."""
    flip = (lambda key, value: value.T) if layout == "notebook" else (lambda key, value: value)
    params = {key: np.array(flip(key, value) if key[0] == "W" else value) for key, value in net.params.items()}
    grads = function(params, X.copy(), Y.copy())
    return {key: np.asarray(flip(key, value) if key[1] == "W" else value) for key, value in grads.items()}


def _worst(path, entry: dict) -> tuple[dict[str, float], float | None]:
    """The largest relative error of the file against backprop on each row ("row 0", ...)
    and, for a gradients file, on all the rows at once ("batch", None for an update)."""
    net, X, Y, lr = _setup(entry)
    kind, namespace = _kind(path)
    per_row = {}
    if kind == "update":
        code = load_user_code(path)
        for i in range(X.shape[1]):
            per_row[i] = max(e.error for e in compare(code, net, X[:, i], Y[:, i], lr).entries)
        return per_row, None
    layout = namespace.get("WEIGHT_LAYOUT", "tutorial")
    for i in range(X.shape[1]):
        x, y = X[:, [i]], Y[:, [i]]
        per_row[i] = max(_errors(_backprop(net, x, y), _their_gradients(namespace[kind], layout, net, x, y)).values())
    batch = max(_errors(_backprop(net, X, Y), _their_gradients(namespace[kind], layout, net, X, Y)).values())
    return per_row, batch


def _changed_lines(name: str) -> list[int]:
    """The exercise's lines (1-based) that its solution replaces, and nothing else changed."""
    ours = (EXERCISES / name).read_text(encoding="utf-8").splitlines()
    fixed = (SOLUTIONS / name).read_text(encoding="utf-8").splitlines()
    changed = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=ours, b=fixed, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        assert tag == "replace" and i2 - i1 == j2 - j1, f"{name}: the solution adds or removes lines {i1 + 1}-{i2}"
        changed.extend(range(i1 + 1, i2 + 1))
    return changed


def test_the_index_lists_every_exercise_once_with_well_formed_fields():
    assert len(FILES) == len(set(FILES)) >= 8 and REQUIRED <= set(FILES)
    on_disk = {p.name for p in EXERCISES.glob("*.py")}
    assert on_disk == set(FILES) and {p.name for p in SOLUTIONS.glob("*.py")} == on_disk
    fields = {f.name for f in dataclasses.fields(Recipe)}
    for entry in INDEX:
        assert set(entry) == {"file", "title", "task", "preset", "overrides", "bug_lines", "cause", "note"}
        assert all(isinstance(entry[key], str) and entry[key].strip() == entry[key] and entry[key]
                   for key in ("file", "title", "task", "preset", "cause", "note"))
        assert len(entry["title"]) <= 40 and "\n" not in entry["task"] + entry["note"]
        assert entry["preset"] in PRESETS and not PRESETS[entry["preset"]].is_mnist
        assert isinstance(entry["overrides"], dict) and set(entry["overrides"]) <= fields - {"name", "dataset"}
        get_preset(entry["preset"]).replace(**entry["overrides"])  # checked, or ConfigError
        assert entry["cause"] in CAUSES
        lines = entry["bug_lines"]
        n_lines = len((EXERCISES / entry["file"]).read_text(encoding="utf-8").splitlines())
        assert lines and lines == sorted(set(lines)) and all(type(n) is int and 1 <= n <= n_lines for n in lines)


@pytest.mark.parametrize("name", FILES)
def test_an_exercise_opens_with_its_task_and_has_no_comment_on_its_bug(name):
    entry = _entry(name)
    text = (EXERCISES / name).read_text(encoding="utf-8")
    assert text.splitlines()[0] == f'"""Exercise: {entry["task"]}'
    for n in entry["bug_lines"]:
        assert "#" not in text.splitlines()[n - 1]


@pytest.mark.parametrize("name", FILES)
def test_the_bug_lines_are_the_only_lines_the_solution_changes(name):
    assert _changed_lines(name) == _entry(name)["bug_lines"]


@pytest.mark.parametrize("name", FILES)
def test_the_exercise_runs_and_its_bug_shows_on_its_preset(name):
    per_row, batch = _worst(EXERCISES / name, _entry(name))
    assert max(per_row.values()) > SHOWS or (batch is not None and batch > SHOWS), (per_row, batch)


@pytest.mark.parametrize("name", FILES)
def test_the_solution_agrees_with_backprop_on_every_row_and_on_the_batch(name):
    per_row, batch = _worst(SOLUTIONS / name, _entry(name))
    assert max(per_row.values()) < AGREES and (batch is None or batch < AGREES), (per_row, batch)


@pytest.mark.parametrize("name, rows, batch", [
    ("two_dropped.py", {0, 1, 2, 3}, None),
    ("sign_flipped.py", {0, 1, 2, 3}, True),
    ("swapped_index.py", {0, 1, 2, 3}, None),
    ("stale_weight_read.py", {0, 1, 2, 3}, None),
    ("sigma_prime_dropped.py", {0, 1, 2, 3}, True),
    ("sigmoid_derivative_at_a.py", {0, 1, 2, 3}, True),
    ("one_over_m_missing.py", set(), True),
    ("bias_not_summed.py", set(), True),
    ("w_not_transposed.py", {0, 1, 2, 3}, True),
    ("a_for_a_prev.py", {0, 1, 2, 3}, True),
    ("relu_derivative_at_a.py", {0, 1, 2, 3}, True),
])
def test_where_each_bug_shows(name, rows, batch):
    """The rows that reveal each bug (and the batch): the batch-only ones are right on
    every single row, since with m = 1 a missing 1/m or sum changes nothing."""
    per_row, worst_batch = _worst(EXERCISES / name, _entry(name))
    assert {i for i, error in per_row.items() if error > SHOWS} == rows
    assert all(error < AGREES for i, error in per_row.items() if i not in rows)
    assert (None if worst_batch is None else worst_batch > SHOWS) == batch


def test_the_relu_exercise_has_a_unit_that_is_off_on_every_row():
    """Its bug needs Z1 < 0 somewhere (A1 = 0, where the derivative at A says 1): with this
    seed one of the two hidden units is off on each row, a different one on some."""
    net, X, _, _ = _setup(_entry("relu_derivative_at_a.py"))
    Z1 = net.params["W1"] @ X + net.params["b1"]
    assert (Z1 < 0).any(axis=0).all() and (Z1 > 0).any(axis=0).all()


@pytest.mark.parametrize("name, hidden", [("w_not_transposed.py", {0, 1, 2, 3, "batch"}),
                                          ("swapped_index.py", {0})])
def test_the_notebooks_own_weights_would_hide_the_index_bugs(name, hidden):
    """Why those exercises override the init: with every weight 0.1, W2 equals W2ᵀ, and
    the two hidden units' dZ1 are equal, so a swap of them shows only where the two inputs
    differ (not on row 0, cgpa = resume_score = 8)."""
    per_row, batch = _worst(EXERCISES / name, dict(_entry(name), overrides={}))
    errors = {**per_row, **({} if batch is None else {"batch": batch})}
    assert {where for where, error in errors.items() if error < AGREES} == hidden
    assert all(error > SHOWS for where, error in errors.items() if where not in hidden)


@pytest.mark.parametrize("name", FILES)
def test_the_engine_names_each_bug_line_and_its_cause(name):
    from bpviz.usercode.check import check_file

    entry = _entry(name)
    net, X, Y, lr = _setup(entry)
    report = check_file(EXERCISES / name, net, X, Y, lr)
    assert {f.line for f in report.findings} == set(entry["bug_lines"])
    assert all(f.cause.kind == entry["cause"] for f in report.findings)
    assert check_file(SOLUTIONS / name, net, X, Y, lr).findings == ()
