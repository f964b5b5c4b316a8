"""The debugger's engine on hand-written files: each wrong line named with its cause, found
from the numbers; the rows that show each bug; no correct line named; bpviz's state never
touched. Every file runs in a child process, as the app and the CLI run it."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from bpviz.presets import get_preset
from bpviz.resources import resource_path
from bpviz.usercode import report as causes
from bpviz.usercode.check import check_file

NOTEBOOK = resource_path("examples", "notebook_update.py")
FIXED = resource_path("examples", "notebook_update_fixed.py")


def _setup(preset="two-layer", **overrides):
    recipe = get_preset(preset).replace(**overrides) if overrides else get_preset(preset)
    data = recipe.data()
    return recipe.network(), data.X, data.Y, recipe.lr


def _file(tmp_path, text, name="mine.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _found(report):
    return {(f.line, f.cause.kind) for f in report.findings}


# --- the notebook's update: three bugs, each at its line with its cause ------------------

def test_the_notebooks_update_has_its_three_bugs_at_their_lines():
    net, X, Y, lr = _setup("notebook-regression")
    report = check_file(NOTEBOOK, net, X, Y, lr)
    lines = NOTEBOOK.read_text(encoding="utf-8").splitlines()
    at = {f.line: f for f in report.findings}
    b2 = next(i + 1 for i, text in enumerate(lines) if text.strip().startswith("params['b2'][0][0] ="))
    w2 = [i + 1 for i, text in enumerate(lines) if text.strip().startswith("params['W2']")]
    w1_b1 = [i + 1 for i, text in enumerate(lines) if text.strip().startswith(("params['W1']", "params['b1']"))]
    assert set(at) == {b2, *w1_b1}  # W2's lines are right and never named
    assert at[b2].cause.kind == causes.WRONG_OPERAND and "W2[1][0]" in at[b2].cause.other
    for line in w1_b1:
        assert at[line].cause.kind == causes.STALE_READ and at[line].cause.lines == tuple(w2)
    swapped = {line for line in w1_b1 if causes.SWAPPED in at[line].cause.kinds}
    off_diagonal = {i + 1 for i, text in enumerate(lines) if "params['W1'][0][1] =" in text
                    or "params['W1'][1][0] =" in text}
    assert swapped == off_diagonal
    # Row 1 has both inputs 8: the swap shows only on the other rows, and the report says so.
    for line in swapped:
        rows = dict(at[line].cause_rows)
        assert rows[causes.SWAPPED] == (1, 2, 3) and rows[causes.STALE_READ] == (0, 1, 2, 3)
    assert report.shown_row in (1, 2, 3)


def test_the_fixed_notebook_update_raises_no_flag():
    for init in (None, "he"):
        net, X, Y, lr = _setup("notebook-regression", **({"init": init, "seed": 4} if init else {}))
        report = check_file(FIXED, net, X, Y, lr)
        assert report.findings == () and not report.comparison.flagged()


def test_the_users_code_never_touches_bpvizs_state(tmp_path):
    """It gets copies: scaling its inputs and parameters in place changes nothing of ours."""
    path = _file(tmp_path, """
        def update(params, x, y, lr):
            x *= 100
            y *= 100
            for value in params.values():
                value *= 3
            return params
    """)
    net, X, Y, lr = _setup("notebook-regression")
    before = {k: v.copy() for k, v in net.params.items()}
    X0, Y0 = X.copy(), Y.copy()
    report = check_file(path, net, X, Y, lr)
    assert all(np.array_equal(before[k], net.params[k]) for k in before)
    assert np.array_equal(X, X0) and np.array_equal(Y, Y0)
    assert report.findings


# --- the N-layer style: quantity by quantity, the first that diverges --------------------

TUTORIAL = """
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def gradients(params, X, Y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[1]
    Z1 = W1 @ X + b1
    A1 = sigmoid(Z1)
    Z2 = W2 @ A1 + b2
    A2 = sigmoid(Z2)
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * A1 * (1 - A1)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
"""


def _line_of(text: str, start: str) -> int:
    return next(i + 1 for i, line in enumerate(textwrap.dedent(text).splitlines()) if line.strip().startswith(start))


@pytest.mark.parametrize("wrong, right, cause", [
    ("dZ1 = dA1 * A1 * (1 - A1)", "dZ1 = dA1", causes.MISSING_FACTOR),
    ("dZ2 = A2 - Y", "dZ2 = Y - A2", causes.SIGN),
    ("dW1 = dZ1 @ X.T / m", "dW1 = dZ1 @ X.T", causes.MISSING_FACTOR),
    ("db1 = np.sum(dZ1, axis=1, keepdims=True) / m", "db1 = dZ1 / m", causes.NOT_SUMMED),
    ("dW2 = dZ2 @ A1.T / m", "dW2 = dZ2 @ Z1.T / m", causes.WRONG_OPERAND),
    ("dZ1 = dA1 * A1 * (1 - A1)", "dZ1 = dA1 * sigmoid(A1) * (1 - sigmoid(A1))", causes.DERIVATIVE_AT_A),
    ("dZ2 = A2 - Y", "dZ2 = (A2 - Y) * A2 * (1 - A2)", causes.EXTRA_FACTOR),
])
def test_a_tutorial_style_backward_is_judged_quantity_by_quantity(tmp_path, wrong, right, cause):
    """One line changed; that line, and no line after it that only carries its value on."""
    text = TUTORIAL.replace(wrong, right)
    path = _file(tmp_path, text)
    net, X, Y, lr = _setup("two-layer", init="xavier", seed=2)
    report = check_file(path, net, X, Y, lr)
    assert _found(report) == {(_line_of(text, right), cause)}


def test_the_tutorial_backward_itself_raises_no_flag(tmp_path):
    net, X, Y, lr = _setup("two-layer", init="xavier", seed=2)
    assert check_file(_file(tmp_path, TUTORIAL), net, X, Y, lr).findings == ()


def test_bugs_that_need_several_examples_show_on_the_batch_alone(tmp_path):
    text = TUTORIAL.replace("dW1 = dZ1 @ X.T / m", "dW1 = dZ1 @ X.T")
    net, X, Y, lr = _setup("two-layer", init="xavier", seed=2)
    report = check_file(_file(tmp_path, text), net, X, Y, lr)
    (finding,) = report.findings
    assert finding.batch and finding.rows == () and "1/m" in finding.cause.text


def test_a_vectorised_update_blames_the_gradient_line_not_the_update(tmp_path):
    text = """
    import numpy as np

    def update(params, x, y, lr):
        W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
        A1 = 1 / (1 + np.exp(-(W1 @ x + b1)))
        A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
        dZ2 = A2 - y
        dW2 = dZ2 @ A1.T
        db2 = dZ2
        dZ1 = W2.T @ dZ2
        dW1 = dZ1 @ x.T
        db1 = dZ1
        params["W1"] = W1 - lr * dW1
        params["b1"] = b1 - lr * db1
        params["W2"] = W2 - lr * dW2
        params["b2"] = b2 - lr * db2
        return params
    """
    net, X, Y, lr = _setup("two-layer", init="xavier", seed=2)
    report = check_file(_file(tmp_path, text), net, X, Y, lr)
    assert _found(report) == {(_line_of(text, "dZ1 = W2.T @ dZ2"), causes.MISSING_FACTOR)}
    assert "σ′" in report.findings[0].cause.text


def test_a_stale_weight_in_a_vectorised_update_names_the_line_that_updated_it(tmp_path):
    text = """
    import numpy as np

    def update(params, x, y, lr):
        W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
        A1 = 1 / (1 + np.exp(-(W1 @ x + b1)))
        A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
        dZ2 = A2 - y
        params["W2"] = W2 - lr * dZ2 @ A1.T
        params["b2"] = b2 - lr * dZ2
        dZ1 = params["W2"].T @ dZ2 * A1 * (1 - A1)
        params["W1"] = W1 - lr * dZ1 @ x.T
        params["b1"] = b1 - lr * dZ1
        return params
    """
    net, X, Y, lr = _setup("two-layer", init="xavier", seed=2)
    report = check_file(_file(tmp_path, text), net, X, Y, lr)
    line = _line_of(text, "dZ1 = params")
    assert _found(report) == {(line, causes.STALE_READ)}
    assert report.findings[0].cause.lines == (_line_of(text, 'params["W2"] ='),)


def test_the_budget_limits_the_rows_and_says_so(tmp_path):
    net, X, Y, lr = _setup("notebook-regression")
    report = check_file(NOTEBOOK, net, X, Y, lr, budget=2)
    assert report.rows == (0, 1) and any("2 of 4 rows" in note for note in report.notes)


def test_a_bom_and_a_coding_line_are_read_as_python_reads_them(tmp_path):
    body = TUTORIAL.replace("dZ2 = A2 - Y", "dZ2 = Y - A2")  # a sign, on a line after the coding line
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + textwrap.dedent(body).encode("utf-8"))
    latin = tmp_path / "latin.py"
    latin.write_bytes(("# -*- coding: latin-1 -*-\n# café\n" + textwrap.dedent(body)).encode("latin-1"))
    net, X, Y, lr = _setup("two-layer", init="xavier", seed=2)
    assert {f.cause.kind for f in check_file(bom, net, X, Y, lr).findings} == {causes.SIGN}
    report = check_file(latin, net, X, Y, lr)
    assert _found(report) == {(_line_of(textwrap.dedent(body), "dZ2 = Y - A2") + 2, causes.SIGN)}
    assert "café" in report.source
