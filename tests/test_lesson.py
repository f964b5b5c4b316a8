"""Lesson files: a round trip keeps everything; every bad file is refused by name."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from bpviz.cli import _split_default_command, build_parser
from bpviz.data.toy import get_table
from bpviz.lesson import Lesson, LessonFileError, StepLesson, lesson_json, load_lesson, save_lesson
from bpviz.presets import get_preset


def _lesson(page="step") -> Lesson:
    recipe = get_preset("notebook-regression")
    table = get_table(recipe.dataset)
    rng = np.random.default_rng(3)
    params = {k: rng.standard_normal(v.shape) for k, v in recipe.network().params.items()}
    return Lesson(page, StepLesson(recipe, table, params, sample=2, epoch=3, epoch_losses=(4.5, 2.25), step=7),
                  get_preset("tutorial").replace(digits=(3, 7), lr=0.05))


def test_a_saved_lesson_opens_with_everything_it_held(tmp_path):
    lesson = _lesson("train")
    path = save_lesson(tmp_path / "lesson.json", lesson)
    back = load_lesson(path)
    assert back.page == "train" and back.train == lesson.train
    s, t = back.step, lesson.step
    assert (s.recipe, s.sample, s.epoch, s.epoch_losses, s.step) == (t.recipe, 2, 3, (4.5, 2.25), 7)
    assert all(np.array_equal(s.params[k], t.params[k]) for k in t.params)  # bit for bit
    assert np.array_equal(s.table.features, t.table.features) and s.table.feature_names == t.table.feature_names


def _write(tmp_path, document) -> str:
    path = tmp_path / "lesson.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def _document():
    return json.loads(lesson_json(_lesson()))


def _document_v1():
    """The same lesson as bpviz 1 saved it: "sample" and "step" counted from 0."""
    document = _document()
    step = document["step"]
    document["version"] = 1
    step["sample"] = step.pop("row") - 1
    step["step"] -= 1
    return document


def test_the_file_counts_the_row_and_the_step_as_the_app_shows_them():
    # Row 3 of the table and "step 8 of 32" on the transport (0-based 2 and 7 inside).
    step = _document()["step"]
    assert _document()["version"] == 2
    assert (step["row"], step["step"]) == (3, 8) and "sample" not in step


@pytest.mark.parametrize("row, step, expected", [(1, 0, (0, -1)), (4, 32, (3, 31))])
def test_row_1_and_step_0_are_the_first_row_before_the_first_step(tmp_path, row, step, expected):
    document = _document()
    document["step"].update(row=row, step=step)
    back = load_lesson(_write(tmp_path, document)).step
    assert (back.sample, back.step) == expected


def test_a_version_1_lesson_still_opens_where_it_was_saved(tmp_path):
    back = load_lesson(_write(tmp_path, _document_v1())).step
    assert (back.sample, back.step) == (2, 7)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["step"].update(sample=99), "step.sample: expected a row from 0 to 3, got 99"),
    (lambda d: d["step"].update(sample="2"), "step.sample: expected a whole number, got a text in quotes ('2')"),
    (lambda d: d["step"].update(step=-2), "step.step: expected -1 (before the first step) or more, got -2"),
    (lambda d: d["step"].pop("sample"), "step.sample is missing"),
])
def test_a_bad_version_1_lesson_is_refused_as_before(tmp_path, change, message):
    document = _document_v1()
    change(document)
    with pytest.raises(LessonFileError, match=re.escape(message)):
        load_lesson(_write(tmp_path, document))


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(version=3), "lesson format version 3; expected version 1 or 2, the ones this bpviz opens (the file comes from a newer bpviz)"),
    (lambda d: d.update(version=0), "lesson format version 0; expected version 1 or 2"),
    (lambda d: d.update(version=True), "lesson format version True; expected version 1 or 2"),
    (lambda d: d.update(format="something"), "not a bpviz lesson"),
    (lambda d: d.update(page="draw"), "page: expected one of step, train, got 'draw'"),
    (lambda d: d.pop("step"), "step is missing"),
    (lambda d: d["step"]["params"].update(W1=[[1, 2]]), "step.params.W1: expected shape (2, 2) for layers 2-2-1, got (1, 2)"),
    (lambda d: d["step"]["params"].pop("b2"), "step.params.b2 is missing"),
    (lambda d: d["step"]["params"].update(W9=[[1]]), "step.params: unexpected keys W9"),
    (lambda d: d["step"]["params"].update(W1=[["a", 1], [1, 1]]), "step.params.W1: expected rows of numbers"),
    (lambda d: d["step"].update(row=9), "step.row: expected a row from 1 to 4, got 9"),
    (lambda d: d["step"].update(row=0), "step.row: expected a row from 1 to 4, got 0"),
    (lambda d: d["step"].update(row="2"), "step.row: expected a whole number, got a text in quotes ('2')"),
    (lambda d: d["step"].pop("row"), "step.row is missing"),
    (lambda d: d["step"].update(step=-1), "step.step: expected 0 (before the first step) or a step number from 1, got -1"),
    (lambda d: d["step"]["recipe"].update(lr=-1), "step.recipe.lr: expected a finite number greater than 0"),
    (lambda d: d["step"]["recipe"].update(colour="red"), "step.recipe: unexpected keys 'colour'"),
    (lambda d: d["train"]["recipe"].update(digits=[4, 4]), "train.recipe.digits: expected two different digits"),
    # Weights training cannot start from: a constant float32 cannot hold is infinite.
    (lambda d: d["train"]["recipe"].update(init="constant:1e39", dtype="float32"),
     "train.recipe.init: constant:1e39 is beyond what float32 holds"),
    (lambda d: d["step"]["table"].update(rows=[[1, 2]]), "step.table.rows: expected 3 columns"),
])
def test_a_badly_edited_lesson_is_refused_naming_the_file_and_the_field(tmp_path, change, message):
    document = _document()
    change(document)
    path = _write(tmp_path, document)
    with pytest.raises(LessonFileError) as error:
        load_lesson(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


@pytest.mark.parametrize("content, message", [
    ('{"format": "bpviz-lesson", "version": 1,', "not valid JSON (line 1"),
    ("", "not valid JSON"),
    ("[1, 2]", "not a bpviz lesson"),
])
def test_a_file_that_is_not_a_lesson_says_so(tmp_path, content, message):
    with pytest.raises(LessonFileError, match=message.replace("(", r"\(")):
        load_lesson(_write(tmp_path, content))


def test_a_missing_file_a_folder_and_binary_bytes_are_named(tmp_path):
    with pytest.raises(LessonFileError, match="file not found"):
        load_lesson(tmp_path / "nowhere.json")
    with pytest.raises(LessonFileError, match="is a folder"):
        load_lesson(tmp_path)
    binary = tmp_path / "image.json"
    binary.write_bytes(bytes(range(256)))
    with pytest.raises(LessonFileError, match="cannot be read as text"):
        load_lesson(binary)


def test_bpviz_with_a_file_opens_the_app_on_that_lesson():
    args = build_parser().parse_args(_split_default_command(["lesson.json"]))
    assert (args.command, args.lesson) == ("gui", "lesson.json")


def _two_outputs_lesson() -> Lesson:
    recipe = get_preset("two-outputs")
    params = {k: v + 0.01 for k, v in recipe.network().params.items()}
    return Lesson("step", StepLesson(recipe, get_table("two-outputs"), params, sample=1, step=4),
                  get_preset("tutorial"))


def test_a_lesson_of_two_targets_names_them_and_opens_with_them(tmp_path):
    document = json.loads(lesson_json(_two_outputs_lesson()))
    table = document["step"]["table"]
    assert table["targets"] == ["lpa", "offers"] and "target" not in table
    assert table["rows"][0] == [8, 8, 4, 1] and document["version"] == 2
    back = load_lesson(_write(tmp_path, document)).step
    assert back.table.target_names == ("lpa", "offers") and back.table.targets.tolist()[3] == [7, 3]
    assert back.recipe.layers == (2, 2) and back.params["W2"].shape == (2, 2)


def test_one_target_is_written_as_every_version_2_file_has_it():
    table = _document()["step"]["table"]
    assert table["target"] == "lpa" and "targets" not in table


def test_a_csv_table_of_three_targets_opens_with_its_recipe_fitted_to_it(tmp_path):
    """A recipe of the notebook-regression preset playing a CSV table of three targets: its
    output layer has three units, which its own table (one target) would refuse."""
    document = _document()
    step = document["step"]
    step["table"] = {"name": "sleep", "features": ["hours", "sleep"], "targets": ["a", "b", "c"],
                     "rows": [[1, 2, 0.5, 1, 2], [3, 4, 1, 0, 2]]}
    step["recipe"]["layers"] = [2, 3]
    step["params"]["W2"] = [[0.1, 0.1]] * 3
    step["params"]["b2"] = [[0.0]] * 3
    step["row"] = 2
    back = load_lesson(_write(tmp_path, document)).step
    assert back.table.n_targets == 3 and back.recipe.layers == (2, 3) and back.sample == 1


@pytest.mark.parametrize("change, message", [
    (lambda t: t.update(targets=["lpa"]), 'step.table: expected "target" (one name) or "targets" (a list of names), '
                                          'not both'),
    (lambda t: (t.pop("target"), t.update(targets=["a", "b", "c", "d", "e"])),
     "step.table.targets: expected 1 to 4 target names (one per output unit), as the step page takes, got 5"),
    (lambda t: (t.pop("target"), t.update(targets=["lpa", 3])), "step.table.targets: expected names of 1 to 100 "
                                                                "characters, got 3"),
    (lambda t: (t.pop("target"), t.update(targets=["cgpa"])), "step.table.features: expected a distinct name per "
                                                               "column (the target 'cgpa' included)"),
    (lambda t: (t.pop("target"), t.update(targets=["lpa"]), t["rows"][1].append(1)),
     "step.table.rows: expected 3 columns in every row, got [7.0, 9.0, 5.0, 1] in row 2"),
])
def test_badly_edited_targets_are_refused_by_name(tmp_path, change, message):
    document = _document()
    change(document["step"]["table"])
    with pytest.raises(LessonFileError) as caught:
        load_lesson(_write(tmp_path, document))
    assert message in str(caught.value), str(caught.value)


def test_an_output_layer_that_does_not_match_the_targets_is_named(tmp_path):
    document = json.loads(lesson_json(_two_outputs_lesson()))
    document["step"]["recipe"]["layers"] = [2, 1]
    with pytest.raises(LessonFileError) as caught:
        load_lesson(_write(tmp_path, document))
    assert "step.recipe.layers: the output layer for a table's 2 target columns has 2 units, got 1" in str(caught.value)
