"""The reviewer's cases the debugger first got wrong, each now named where a careful
reviewer names it: a mistake kept under a name of the user's own (err, dz, delta, a
helper's dZ) is blamed where it was made, not on every line it reaches; a wrongly shaped
result is named at the line that shaped it; correct code raises nothing. The files are
the reviewer's bases (test_reviewer_cases) with one change each."""

from __future__ import annotations

import pytest

from bpviz.nn.handwritten import UserCodeError
from bpviz.usercode import report as causes
from tests.usercode.test_reviewer_cases import _check, _line, _text

#: A sigmoid + BCE output with dA[L] written out, its sign the wrong way (dZ2 = dA2 σ′ is right).
DAL_SIGN = """\
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def gradients(params, X, Y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[1]
    A1 = sigmoid(W1 @ X + b1)
    A2 = sigmoid(W2 @ A1 + b2)
    dA2 = (Y / A2 - (1 - Y) / (1 - A2))
    dZ2 = dA2 * A2 * (1 - A2)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * A1 * (1 - A1)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
"""

FOUND = [
    ("logi_sign", "LOGI", [("dz = a - t", "dz = t - a")], "dz = t - a", causes.SIGN),
    ("loops_sign_delta", "LOOPS", [("delta2 = a2 - Y[o, i]", "delta2 = Y[o, i] - a2")], "delta2 = Y", causes.SIGN),
    ("ng_bce_sign", "NG", [("dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))",
                            "dAL = (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))")], "dAL = (", causes.SIGN),
    ("loop_no_deriv", "LOOP", [("dZ = dA_prev * s * (1 - s)", "dZ = dA_prev")], "dZ = dA_prev\n",
     causes.MISSING_FACTOR),
    ("gen_bug", "ODD_GEN", [('* acts[l - 1] * (1 - acts[l - 1])', '* acts[l - 1]')], "* acts[l - 1]\n",
     causes.MISSING_FACTOR),
    ("linreg_dW_no_2", "LINREG", [("dW = 2 * error @ X.T / m", "dW = error @ X.T / m")], "dW = error",
     causes.MISSING_FACTOR),
    ("linreg_no_m", "LINREG", [("dW = 2 * error @ X.T / m", "dW = 2 * error @ X.T")], "dW = 2 * error @ X.T",
     causes.MISSING_FACTOR),
    ("linreg_db_axis0", "LINREG", [("np.mean(error, axis=1, keepdims=True)", "np.mean(error, axis=0, keepdims=True)")],
     "axis=0", causes.NOT_SUMMED),
    ("ng_no_1m", "NG", [("dW = 1. / m * np.dot(dZ, A_prev.T)", "dW = np.dot(dZ, A_prev.T)")], "dW = np.dot",
     causes.MISSING_FACTOR),  # inside linear_backward
    ("ng_sigmoid_backward_half", "NG", [("dZ = dA * s * (1 - s)", "dZ = dA * s")], "dZ = dA * s\n",
     causes.MISSING_FACTOR),  # inside sigmoid_backward
    ("ret_dW_transposed", "RET", [('"dW2": dZ2 @ A1.T / m', '"dW2": A1 @ dZ2.T / m')], '"dW2": A1 @',
     causes.TRANSPOSED),
    ("nbk_missing_x", "NBK", [("params['W1'][1][0] + lr * 2 * err * w2_00 * x[1][0]",
                               "params['W1'][1][0] + lr * 2 * err * w2_00")], "params['W1'][1][0] =",
     causes.MISSING_FACTOR),
    ("minus_prime_at_z", "MINUS", [("sigmoid_prime(a1)", "sigmoid_prime(z1)")], "sigmoid_prime(z1)",
     causes.WRONG_OPERAND),
    ("minus_z_for_a_out", "MINUS", [("dz2 = a2 - y", "dz2 = z2 - y")], "dz2 = z2 - y", causes.WRONG_OPERAND),
    ("class_A2_for_A1", "CLASS", [("dZ1 = dA1 * self.A1 * (1 - self.A1)", "dZ1 = dA1 * self.A2 * (1 - self.A2)")],
     "self.A2 * (1 - self.A2)", causes.WRONG_OPERAND),
    ("comp_tanh_at_A", "COMP", [("(1 - a1 ** 2)", "(1 - np.tanh(a1) ** 2)")], "np.tanh(a1) ** 2",
     causes.DERIVATIVE_AT_A),
    ("scalar_names_forgot", "SCALARS", [('    params["W1"][1][1] = w4 - lr * g * w6 * x2\n', "")], "return params",
     causes.DIFFERS),  # W1[1][1] never updated: "no line changes it"
]

RIGHT = [
    ("ok_ng_relu_no_copy", "NG", [("dZ = np.array(dA, copy=True)", "dZ = dA")]),  # masks dA in place: no matter
    ("ng_return_all_grads", "NG", [('return {key: value for key, value in grads.items() if key[:2] in ("dW", "db")}',
                                    "return grads")]),  # dA0, dA1 beside dW, db
]

SHAPES = [
    ("three_keepdims", [("db1 = np.sum(dZ1, axis=1, keepdims=True) / m", "db1 = np.sum(dZ1, axis=1) / m")],
     "db1 = np.sum(dZ1, axis=1) / m", "db1 has shape (4,); expected (4, 1)"),
    ("three_dW_T_shape", [("dW2 = np.dot(dZ2, A1.T) / m", "dW2 = np.dot(A1, dZ2.T) / m")],
     "dW2 = np.dot(A1, dZ2.T)", "dW2 has shape (4, 3); expected (3, 4)"),
]


@pytest.mark.parametrize("name, base, replacements, marker, cause", FOUND, ids=[c[0] for c in FOUND])
def test_a_reviewers_case_is_named_where_a_reviewer_names_it(tmp_path, name, base, replacements, marker, cause):
    text = _text(base, replacements)
    report = _check(tmp_path, base, text)
    assert {(f.line, f.cause.kind) for f in report.findings} == {(_line(text, marker), cause)}


def test_a_written_out_bce_derivative_with_its_sign_wrong_is_named_alone(tmp_path):
    report = _check(tmp_path, "MINUS", DAL_SIGN)
    assert {(f.line, f.cause.kind) for f in report.findings} == {(_line(DAL_SIGN, "dA2 = ("), causes.SIGN)}


@pytest.mark.parametrize("name, base, replacements", RIGHT, ids=[c[0] for c in RIGHT])
def test_correct_code_in_an_unusual_shape_raises_nothing(tmp_path, name, base, replacements):
    assert _check(tmp_path, base, _text(base, replacements)).findings == ()


@pytest.mark.parametrize("name, replacements, marker, words", SHAPES, ids=[c[0] for c in SHAPES])
def test_a_wrongly_shaped_result_is_named_at_the_line_that_shaped_it(tmp_path, name, replacements, marker, words):
    text = _text("THREE", replacements)
    with pytest.raises(UserCodeError) as info:
        _check(tmp_path, "THREE", text)
    assert f"line {_line(text, marker)} (" in str(info.value) and words in str(info.value)
