"""An answer as people type it (bpviz.numbers.answer) and its check to 3 significant
figures (agrees): what quiz mode's answer box reads and judges."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from bpviz.numbers import NumberError, agrees, answer


@pytest.mark.parametrize("typed, value", [
    ("-0.736", -0.736), ("−0.736", -0.736), (" +0.5 ", 0.5), (".5", 0.5), ("5.", 5.0), ("1e-3", 0.001),
    ("1E3", 1000.0), ("-0,736", -0.736), ("0,5", 0.5), ("1,000", 1.0), ("\u2013 2".replace(" ", ""), -2.0),
])
def test_numbers_are_read_as_people_type_them(typed, value):
    assert answer(typed) == value


@pytest.mark.parametrize("typed, words", [
    ("", "got nothing"), ("abc", "got 'abc'"), ("1,000.5", "both a comma and a point"),
    ("1,2,3", "got '1,2,3'"), ("nan", "finite"), ("inf", "finite"), ("1e999", "too large to hold"),
    ("1e-400", "too small to hold"), ("-0,5e-999", "too small to hold"), ("0x10", "got '0x10'"), ("1_000", "got '1_000'"),
])
def test_what_is_not_a_number_is_refused_naming_the_box(typed, words):
    with pytest.raises(NumberError) as caught:
        answer(typed)
    assert str(caught.value).startswith("Your answer: expected") and words in str(caught.value)


@pytest.mark.parametrize("typed, value, right", [
    (-0.736, -0.73645, True), (-0.7364, -0.73645, True), (-0.74, -0.73645, False), (-0.737, -0.73645, False),
    (-5.89, -5.888, True), (-5.88, -5.888, False), (13.5, 13.542, True), (13.6, 13.542, False),
    (0.000736, 0.000736, True), (0.00074, 0.000736, False), (0, 0.0, True), (0.001, 0.0, False),
])
def test_an_answer_is_right_when_it_is_the_value_to_3_figures(typed, value, right):
    assert agrees(typed, value) is right


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda v: abs(v) > 1e-9))
def test_the_value_rounded_to_3_figures_is_always_right_and_a_unit_off_never(value):
    rounded = float(f"{value:.3g}")
    assert agrees(rounded, value)
    unit = 10.0 ** (math.floor(math.log10(abs(value))) - 2)
    assert not agrees(value + 1.01 * unit, value) and not agrees(value - 1.01 * unit, value)
