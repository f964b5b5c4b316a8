"""Recipes fuzzed, as a lesson or a model's settings hand them over: random structures, and
each preset with any field replaced by anything. Each is refused with a BpvizError naming a
field, or is a recipe whose every field is of its kind, that round-trips and validates."""

from __future__ import annotations

import dataclasses
from numbers import Integral, Real

from hypothesis import given
from hypothesis import strategies as st

from bpviz.errors import BpvizError
from bpviz.presets import PRESETS, Recipe
from tests.reliability.fuzzing import FUZZ, json_values

FIELDS = [field.name for field in dataclasses.fields(Recipe)]


def _read(values, strict: bool):
    try:
        recipe = Recipe.from_dict(values, strict=strict)
    except BpvizError as exc:
        message = str(exc)
        assert message and "Traceback" not in message and "unhashable" not in message
        # "field: expected ..., got ..."; the whole recipe's "unexpected keys ..., expected only ..."
        assert ":" in message.split(" got ")[0] or message.startswith("unexpected keys"), message
        return None
    for name in ("name", "description", "dataset", "activation", "loss", "init", "dtype", "optimizer"):
        assert isinstance(getattr(recipe, name), str)
    assert all(isinstance(n, Integral) and not isinstance(n, bool) for n in recipe.layers)
    assert isinstance(recipe.lr, Real) and not isinstance(recipe.lr, bool)
    assert isinstance(recipe.seed, Integral) and isinstance(recipe.shuffle, bool)
    assert Recipe.from_dict(recipe.to_dict(), strict=True) == recipe
    recipe.train_config()
    return recipe


@FUZZ
@given(json_values, st.booleans())
def test_random_structures_are_refused_by_field(values, strict):
    _read(values, strict)


@FUZZ
@given(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8), st.booleans())
def test_random_fields_are_refused_by_field_or_read_whole(values, strict):
    _read(values, strict)


@FUZZ
@given(st.sampled_from(list(PRESETS)), st.lists(st.tuples(st.sampled_from(FIELDS), json_values), min_size=1, max_size=3),
       st.booleans())
def test_a_preset_with_any_field_replaced_is_refused_by_field_or_read_whole(name, changes, strict):
    values = PRESETS[name].to_dict()
    values.update(changes)
    _read(values, strict)


def test_every_preset_reads_back():
    for recipe in PRESETS.values():
        assert _read(recipe.to_dict(), strict=True) == recipe
