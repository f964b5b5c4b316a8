"""The typed network without its dialog: what a pasted text is as cells, what layer sizes
and cells read as, and the state the step page gets (checked by the page's own limits)."""

from __future__ import annotations

import numpy as np
import pytest

from bpviz.errors import BpvizError
from bpviz.gui.stepper.values import (
    BlockError, NetworkValues, cell_number, check_sizes, parse_sizes, read_block, step_state, values_of,
)
from bpviz.lesson import StepLesson
from bpviz.page_limits import check_step_page
from bpviz.presets import get_preset
from bpviz.data.toy import get_table


def _like(preset: str = "notebook-regression") -> StepLesson:
    recipe = get_preset(preset)
    table = get_table(recipe.dataset)
    net = recipe.network(n_inputs=len(table.feature_names))
    return StepLesson(recipe, table, net.params, sample=2, epoch=3, epoch_losses=(1.0, 0.5), step=7)


@pytest.mark.parametrize("text, rows", [
    ("0.15\t0.2\r\n0.25\t0.3\r\n", [["0.15", "0.2"], ["0.25", "0.3"]]),  # a spreadsheet's copy
    ("1,5;2\n3;4", [["1,5", "2"], ["3", "4"]]),  # semicolons: a comma inside is the cell's
    ("0.5, -1\n2e-3, 4", [["0.5", "-1"], ["2e-3", "4"]]),
    ("0.5  -1\n 2 4 ", [["0.5", "-1"], ["2", "4"]]),
    ("1, 2, 3", [["1", "2", "3"]]),  # a comma and a space: a separator
    ("\n0.1\t\n", [["0.1", ""]]),
])
def test_a_pasted_text_is_read_as_rows_of_cells(text, rows):
    assert read_block(text) == rows


@pytest.mark.parametrize("text, says", [
    ("0,15 0,20", "decimal comma"), ("1,2", "decimal comma"),
    ("1\t2\n3", "rows have 1 and 2 cells"), ("\n\n", "no text"),
])
def test_a_pasted_text_that_is_no_block_is_refused_saying_why(text, says):
    with pytest.raises(BlockError, match=says):
        read_block(text)


def test_layer_sizes_read_with_dashes_commas_or_spaces_and_the_pages_limits_apply():
    assert parse_sizes("2-2-1") == parse_sizes(" 2, 2 ,1") == parse_sizes("2 2 1") == (2, 2, 1)
    for text in ("", "3", "2--1", "2-x-1", "2-0-1", "-2-1"):
        with pytest.raises(BpvizError, match="Layer sizes: expected"):
            parse_sizes(text)
    check_sizes((8, 8, 8, 8, 1), _like())
    for sizes in ((9, 2, 1), (2, 2, 2, 2, 2, 1), (2, 9, 1)):
        with pytest.raises(BpvizError, match="recipe.layers: expected up to 4 layers of up to 8 units"):
            check_sizes(sizes, _like())


def test_a_cell_reads_as_a_finite_number_with_a_decimal_point():
    assert cell_number(" -1.5e-3 ", "x_1") == -1.5e-3
    for text, says in (("", "x_1: empty; expected a number"),
                       ("0,15", "x_1: expected a number with a decimal point, such as 0.15, got '0,15'"),
                       ("1,,2", "x_1: expected a number, got '1,,2'"), ("nan", "x_1: expected a finite number"),
                       ("1e999", "too large to hold"), ("١", "digits 0 to 9")):
        with pytest.raises(BpvizError, match=says):
            cell_number(text, "x_1")


def test_the_page_state_of_typed_values_is_one_row_from_its_first_step_and_keeps_the_rest():
    like = _like()
    W1, b1, W2, b2 = np.array([[.15, .2], [.25, .3]]), np.full((2, 1), .35), np.array([[.4, .45]]), np.array([[.6]])
    values = NetworkValues((2, 2, 1), {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, np.array([.05, .1]),
                           np.array([.01]), "sigmoid", "sigmoid", "mse", 0.5)
    state = step_state(values, like)
    check_step_page(state)
    assert (state.sample, state.epoch, state.epoch_losses, state.step) == (0, 1, (), -1)
    assert state.table.name == "typed" and state.table.name != like.table.name
    assert state.table.feature_names == like.table.feature_names  # as many inputs: their names stay
    assert state.table.features.tolist() == [[.05, .1]] and state.table.columns()[1].tolist() == [[.01]]
    r = state.recipe
    assert (r.layers, r.activation, r.output_activation, r.loss, r.lr) == ((2, 1), "sigmoid", "sigmoid", "mse", 0.5)
    assert (r.init, r.seed, r.dataset, r.epochs) == (like.recipe.init, like.recipe.seed, like.recipe.dataset,
                                                     like.recipe.epochs)
    assert all(np.array_equal(state.params[k], v) for k, v in values.params.items())
    back = values_of(state)
    assert (back.sizes, back.x.tolist(), back.y.tolist(), back.lr) == ((2, 2, 1), [.05, .1], [.01], 0.5)


def test_values_the_page_cannot_take_are_refused_by_field():
    like = _like("notebook-classification")
    shapes = {"W1": (3, 3), "b1": (3, 1), "W2": (1, 3), "b2": (1, 1)}
    params = {k: np.full(shape, 0.1) for k, shape in shapes.items()}
    values = NetworkValues((3, 3, 1), params, np.ones(3), np.array([0.5]), "tanh", "sigmoid", "bce", 0.1)
    with pytest.raises(BpvizError, match="recipe.loss: the bce loss needs a target of 0 or 1"):
        step_state(values, like)
    state = step_state(NetworkValues(**{**values.__dict__, "y": np.array([1.0])}), like)
    assert state.table.feature_names == ("x1", "x2", "x3")  # three inputs: the table's two names do not fit
    with pytest.raises(BpvizError, match="params: .*overflow"):
        step_state(NetworkValues(**{**values.__dict__, "y": np.array([1.0]), "x": np.full(3, 1e200),
                                    "params": {**params, "W1": np.full((3, 3), 1e200)}}), like)
