"""A user's hand-written update or gradients, run in a child process and compared with
backprop on one row: the notebook's buggy update is caught exactly, and every kind of
broken file is explained by a message naming its line."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from bpviz.nn.handwritten import UserCodeError
from bpviz.usercode.check import check_file
from bpviz.presets import get_preset
from bpviz.resources import resource_path

BUGGY = resource_path("examples", "notebook_update.py")
FIXED = resource_path("examples", "notebook_update_fixed.py")
ALL = {"w[1]_11", "w[1]_12", "w[1]_21", "w[1]_22", "b[1]_1", "b[1]_2", "w[2]_11", "w[2]_12", "b[2]_1"}
BUGGY_PARAMS = {"w[1]_11", "w[1]_12", "w[1]_21", "w[1]_22", "b[1]_1", "b[1]_2", "b[2]_1"}


def _state(init="he", seed=3, row=1):
    """The notebook's 2-2-1 regression network on one row, initialised by ``init``
    (None: the notebook's own, every weight 0.1)."""
    recipe = get_preset("notebook-regression")
    if init is not None:
        recipe = recipe.replace(init=init, seed=seed)
    data = recipe.data()
    return recipe.network(), data.X[:, row], data.Y[:, row], recipe.lr


def compare(path, net, x, y, lr):
    """The parameter-by-parameter comparison on the one row (x, y), as the table shows it."""
    return check_file(path, net, np.reshape(x, (-1, 1)), np.reshape(y, (-1, 1)), lr).comparison


def _notebook_like(seed: int, row: int):
    """The notebook's state with its weights nudged apart: 0.1 ± 0.03, biases 0."""
    net, x, y, lr = _state(None, 1, row)
    rng = np.random.default_rng(seed)
    net.set_params({k: (0.1 + rng.uniform(-0.03, 0.03, v.shape)) if k[0] == "W" else v
                    for k, v in net.params.items()})
    return net, x, y, lr


def _entry_off(entry, net) -> float:
    """How far the user's step is from bpviz's, as a share of bpviz's step."""
    before = float(net.params[entry.key][entry.index])
    return abs(entry.theirs_new - entry.ours_new) / abs(entry.ours_new - before)


@pytest.mark.parametrize("init, seed, row", [("he", 3, 1), ("xavier", 7, 2), ("he", 11, 3), (None, 1, 0)])
def test_the_notebook_update_flags_exactly_its_buggy_parameters(init, seed, row):
    net, x, y, lr = _state(init, seed, row)
    result = compare(BUGGY, net, x, y, lr)
    flagged = {e.name for e in result.flagged()}
    assert flagged == BUGGY_PARAMS  # W2's update is right and never flagged
    assert {e.name for e in result.entries} == ALL


@pytest.mark.parametrize("seed, row", [(1, 1), (2, 2), (3, 3), (4, 0)])
def test_from_the_notebooks_state_each_bug_has_its_own_signature(seed, row):
    """Worked by hand: W2 moves by lr * dz2 * a1_j, a share r_j of itself; every W1 and b1
    step of the buggy file is scaled by (1 + r_j), and the off-diagonal W1 steps swapped."""
    net, x, y, lr = _notebook_like(seed, row)
    result = compare(BUGGY, net, x, y, lr)
    assert {e.name for e in result.flagged()} == BUGGY_PARAMS
    W1, b1, W2 = net.params["W1"], net.params["b1"], net.params["W2"]
    a1 = W1 @ x + b1[:, 0]
    y_hat = float((W2 @ a1)[0] + net.params["b2"][0, 0])
    dz2 = 2 * (y_hat - float(y[0]))
    r = -lr * dz2 * a1 / W2[0]  # the share by which each W2_j has already moved

    def step(e, side):
        return (e.ours_new if side == "ours" else e.theirs_new) - float(net.params[e.key][e.index])

    e = {entry.name: entry for entry in result.entries}
    for j in (1, 2):
        for name in (f"w[1]_{j}{j}", f"b[1]_{j}"):
            assert step(e[name], "theirs") == pytest.approx(step(e[name], "ours") * (1 + r[j - 1]), rel=1e-9)
    assert step(e["w[1]_21"], "theirs") == pytest.approx(step(e["w[1]_12"], "ours") * (1 + r[0]), rel=1e-9)
    assert step(e["w[1]_12"], "theirs") == pytest.approx(step(e["w[1]_21"], "ours") * (1 + r[1]), rel=1e-9)
    assert all(0.05 < abs(share) < 0.5 for share in r)  # "about 10 %" of their update
    b2 = e["b[2]_1"]  # set from W2: far off
    assert b2.theirs_new == pytest.approx(e["w[2]_12"].ours_new - lr * dz2)
    assert abs(step(b2, "theirs") - step(b2, "ours")) > 5 * abs(step(b2, "ours"))


def test_the_fixed_update_agrees_everywhere():
    for init, seed, row in (("he", 3, 1), (None, 1, 0)):
        net, x, y, lr = _state(init, seed, row)
        result = compare(FIXED, net, x, y, lr)
        assert result.flagged() == [] and max(e.error for e in result.entries) < 1e-12


def test_the_users_code_never_changes_bpvizs_parameters():
    net, x, y, lr = _state()
    before = {k: v.copy() for k, v in net.params.items()}
    compare(BUGGY, net, x, y, lr)
    assert all(np.array_equal(before[k], net.params[k]) for k in before)


def _file(tmp_path, body: str, name="mine.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def test_a_gradients_file_is_compared_gradient_by_gradient(tmp_path):
    good = _file(tmp_path, """
        import numpy as np

        def gradients(params, x, y):
            W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
            a1 = W1 @ x + b1
            y_hat = W2 @ a1 + b2
            dz2 = 2 * (y_hat - y)
            dz1 = W2.T @ dz2
            return {"dW1": dz1 @ x.T, "db1": dz1, "dW2": dz2 @ a1.T, "db2": dz2}
        """)
    net, x, y, lr = _state()
    assert compare(good, net, x, y, lr).flagged() == []
    wrong = _file(tmp_path, good.read_text().replace('"dW2": dz2 @ a1.T', '"dW2": dz2 @ x.T'), "wrong.py")
    flagged = compare(wrong, net, x, y, lr).flagged()
    assert {e.name for e in flagged} == {"w[2]_11", "w[2]_12"}


UPDATE_HEAD = """
import numpy as np

def update(params, x, y, lr):
"""


@pytest.mark.parametrize("body, words", [
    ("def update(params, x, y, lr)\n    return params\n", ["mine.py, line 1", "syntax error"]),
    (UPDATE_HEAD + "    params['W3'][0][0] = 1\n    return params\n", ["line 5", "KeyError", "W3", "params['W3']"]),
    (UPDATE_HEAD + "    return {'W1': params['W1']}\n", ["line 5", "missing b1, W2, b2"]),
    (UPDATE_HEAD + "    params['W9'] = 1\n    return params\n", ["line 6", "unexpected W9"]),
    (UPDATE_HEAD + "    params['W2'] = params['W2'].T\n    return params\n", ["line 5", "W2 has shape (2, 1)",
                                                                         "expected (1, 2)", "transposed"]),
    (UPDATE_HEAD + "    bad = params['b1'] * np.nan\n    params['b1'] = bad\n    return params\n",
     ["line 5", "made bad NaN", "b1 holds NaN"]),
    (UPDATE_HEAD + "    params['b1'][0] = 0\n", ["line 5", "returned None", "return params"]),
    (UPDATE_HEAD + "    return {k: 'fast' for k in params}\n", ["line 5", "W1 cannot be read as numbers"]),
    ("x = 1 / 0\n", ["line 1", "ZeroDivisionError"]),
    ("import sys\nsys.exit(3)\n", ["line 2", "SystemExit"]),
    (UPDATE_HEAD + "    raise SystemExit('stop')\n", ["line 5", "SystemExit: stop"]),
    ("def step(params):\n    return params\n", ["defines none of them", "update(params, x, y, lr)",
                                                "gradients(params, X, Y)", "backward(params, X, Y)"]),
    ("WEIGHT_LAYOUT = 'rows'\n" + UPDATE_HEAD + "    return params\n", ["WEIGHT_LAYOUT", "'rows'", "notebook"]),
])
def test_a_broken_file_gets_a_message_naming_the_line(tmp_path, body, words):
    path = _file(tmp_path, body)
    net, x, y, lr = _state()
    with pytest.raises(UserCodeError) as info:
        compare(path, net, x, y, lr)
    message = str(info.value)
    for word in words:
        assert word in message, message
    assert "Traceback" not in message


def test_files_that_cannot_be_read(tmp_path):
    net, x, y, lr = _state()
    with pytest.raises(UserCodeError, match="no such file"):
        compare(tmp_path / "missing.py", net, x, y, lr)
    binary = tmp_path / "model.py"
    binary.write_bytes(b"\x80\x81\xff")
    with pytest.raises(UserCodeError, match="not a UTF-8 text file"):
        compare(binary, net, x, y, lr)
    with pytest.raises(UserCodeError, match="is a folder"):
        compare(tmp_path, net, x, y, lr)
