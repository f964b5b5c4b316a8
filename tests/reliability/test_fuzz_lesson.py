"""Lesson files fuzzed: random bytes, random JSON, and saved lessons with one value replaced
by anything. A lesson either loads, and then the step page's session takes it (the network,
the weights, the row, the step within its trace), or is refused with LessonFileError."""

from __future__ import annotations

import copy
import json

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bpviz.data.toy import get_table
from bpviz.gui.stepper.session import ToySession
from bpviz.lesson import Lesson, LessonFileError, StepLesson, lesson_json, load_lesson
from bpviz.presets import get_preset
from tests.reliability.fuzzing import FUZZ, scratch, json_values, paths, replaced

FOLDER = scratch("lesson")


def _saved(preset: str, page: str) -> dict:
    recipe = get_preset(preset)
    params = {k: np.round(v * 3, 3) for k, v in recipe.network().params.items()}
    step = StepLesson(recipe, get_table(recipe.dataset), params, 1, 2, (0.5, 0.25), 5)
    return json.loads(lesson_json(Lesson(page, step, get_preset("fast"))))


GOOD = [_saved("notebook-regression", "step"), _saved("two-layer", "train")]


def _open(data: bytes):
    path = FOLDER / "lesson.json"
    path.write_bytes(data)
    try:
        lesson = load_lesson(path)
    except LessonFileError as exc:
        assert str(exc).startswith(f"{path}: ") and "Traceback" not in str(exc)
        return None
    step = lesson.step  # what the step page does with it (page.open_lesson), without Qt
    session = ToySession(step.recipe, step.table)
    session.net.set_params(step.params)
    session.set_sample(step.sample)
    assert -1 <= step.step < len(session.trace())
    return lesson


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_are_refused_or_loaded(data):
    _open(data)


@FUZZ
@given(json_values)
def test_random_json_is_refused(document):
    assert _open(json.dumps(document).encode()) is None


@FUZZ
@given(st.data())
def test_a_saved_lesson_with_any_value_replaced_loads_whole_or_is_refused(data):
    document = copy.deepcopy(data.draw(st.sampled_from(GOOD)))
    where = data.draw(st.sampled_from(list(paths(document))))
    value = data.draw(json_values)
    _open(json.dumps(replaced(document, where, value)).encode())


@FUZZ
@given(st.data())
def test_a_saved_lesson_cut_or_spliced_anywhere_loads_whole_or_is_refused(data):
    text = json.dumps(data.draw(st.sampled_from(GOOD)), indent=1).encode()
    cut = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.binary(max_size=20) | st.sampled_from([b"[" * 5000, b"9" * 5000, b"\xef\xbb\xbf", b"NaN"]))
    _open(text[:cut] + junk + text[cut + data.draw(st.integers(0, 30)):])


def test_the_saved_lessons_load():
    for document in GOOD:
        assert _open(json.dumps(document).encode()) is not None
