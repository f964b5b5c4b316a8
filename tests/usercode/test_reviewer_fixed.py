"""Files a reviewer wrote to catch the debugger out (tests/usercode/cases), each with the
line and the cause a careful reviewer names: a mistake kept under a name of the user's own
(err, dz, delta, a helper's dZ) is blamed where it was made, not on every line it reaches;
a wrongly shaped result is named at the line that shaped it; correct code raises nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpviz.nn.handwritten import UserCodeError
from bpviz.presets import get_preset
from bpviz.usercode import report as causes
from bpviz.usercode.check import check_file

CASES = Path(__file__).parent / "cases"
NBK = ("notebook-regression", {"init": "he", "seed": 3})
LOGI = ("logistic-regression", {"init": "he", "seed": 4})
LOOPS = ("two-layer", {"init": "xavier", "seed": 2})
LOOP = ("two-layer", {"layers": (3, 2, 1), "init": "xavier", "seed": 2})
NG = ("two-layer", {"activation": "relu", "layers": (3, 2, 1), "init": "xavier", "seed": 1})
THREE = ("two-layer", {"activation": "relu", "layers": (4, 3, 1), "init": "he", "seed": 5})
TWO = ("two-layer", {})
LINREG = ("linear-regression", {})

FOUND = [
    ("logi_sign.py", LOGI, {(12, causes.SIGN)}),          # dz = t - a, carried on by dw1, dw2, db
    ("loops_sign_delta.py", LOOPS, {(30, causes.SIGN)}),  # delta2 = Y - a2, in a loop over units
    ("dal_sign.py", TWO, {(15, causes.SIGN)}),            # dA2 written out, dZ2 = dA2 σ′ right
    ("ng_bce_sign.py", NG, {(80, causes.SIGN)}),
    ("loop_no_deriv.py", LOOP, {(28, causes.MISSING_FACTOR)}),   # dZ = dA_prev, every layer
    ("gen_bug.py", LOOP, {(26, causes.MISSING_FACTOR)}),
    ("linreg_dW_no_2.py", LINREG, {(9, causes.MISSING_FACTOR)}),  # db has its 2: error is right
    ("linreg_no_m.py", LINREG, {(9, causes.MISSING_FACTOR)}),
    ("linreg_db_axis0.py", LINREG, {(10, causes.NOT_SUMMED)}),
    ("ng_no_1m.py", NG, {(60, causes.MISSING_FACTOR)}),            # inside linear_backward
    ("ng_sigmoid_backward_half.py", NG, {(53, causes.MISSING_FACTOR)}),  # inside sigmoid_backward
    ("ng_hidden_sigmoid.py", NG, {(53, causes.WRONG_OPERAND)}),
    ("ok_ng_relu_no_copy.py", NG, set()),   # relu_backward masks dA in place: right all the same
    ("ng_return_all_grads.py", NG, set()),  # grads with dA0, dA1 beside dW, db
    ("ret_dW_transposed.py", ("two-outputs", {"init": "xavier", "seed": 1}), {(11, causes.TRANSPOSED)}),
    ("nbk_missing_x.py", NBK, {(19, causes.MISSING_FACTOR)}),
    ("minus_prime_at_z.py", TWO, {(22, causes.WRONG_OPERAND)}),
    ("minus_z_for_a_out.py", TWO, {(19, causes.WRONG_OPERAND)}),
    ("class_A2_for_A1.py", TWO, {(23, causes.WRONG_OPERAND)}),
    ("comp_tanh_at_A.py", ("two-layer", {"activation": "tanh"}), {(15, causes.DERIVATIVE_AT_A)}),
    ("scalar_names_forgot.py", NBK, {(25, causes.DIFFERS)}),   # W1[1][1] never updated
]

SHAPES = [
    ("three_keepdims.py", THREE, "line 39", "db1 has shape (4,); expected (4, 1)"),
    ("ng_db_axis0.py", NG, "line 61", "db1 has shape (1, 1); expected (3, 1)"),
    ("three_dW_T_shape.py", THREE, "line 34", "dW2 has shape (4, 3); expected (3, 4)"),
]


def _run(name, setup):
    preset, overrides = setup
    recipe = get_preset(preset).replace(**overrides) if overrides else get_preset(preset)
    data = recipe.data()
    return check_file(CASES / name, recipe.network(), data.X, data.Y, recipe.lr)


@pytest.mark.parametrize("name, setup, expected", FOUND, ids=[c[0] for c in FOUND])
def test_a_reviewers_case_is_named_where_a_reviewer_names_it(name, setup, expected):
    report = _run(name, setup)
    assert {(f.line, f.cause.kind) for f in report.findings} == expected


@pytest.mark.parametrize("name, setup, where, words", SHAPES, ids=[c[0] for c in SHAPES])
def test_a_wrongly_shaped_result_is_named_at_the_line_that_shaped_it(name, setup, where, words):
    with pytest.raises(UserCodeError) as info:
        _run(name, setup)
    assert f"{name}, {where} (" in str(info.value) and words in str(info.value)
