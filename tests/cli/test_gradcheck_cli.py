"""``bpviz gradcheck``: the relative error of each parameter, the comparison with a user's
file, and exit status 1 when anything disagrees."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from bpviz.cli import main
from bpviz.nn.network import Network
from bpviz.resources import resource_path

EXAMPLES = resource_path("examples")


def _bpviz(*args):
    return subprocess.run([sys.executable, "-m", "bpviz", "gradcheck", *args], capture_output=True,
                          text=True, timeout=120)


def test_backprop_agrees_with_finite_differences_parameter_by_parameter():
    result = _bpviz("--preset", "notebook-classification", "--layers", "3,1", "--activation", "tanh",
                    "--init", "he", "--seed", "2")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith(("w[", "b["))]
    assert len(rows) == 3 * 2 + 3 + 3 + 1  # W1 (3, 2), b1, W2 (1, 3), b2
    assert all(line.endswith("ok") and float(line.split()[3]) < 1e-6 for line in rows)
    assert "all 13 gradients agree" in result.stdout


def test_a_wrong_backprop_exits_1(monkeypatch, capsys):
    real = Network.backward

    def off_by_one_percent(self, cache, Y, intermediates=None):
        grads = real(self, cache, Y, intermediates)
        grads["dW2"] = grads["dW2"] * np.array([[1.0, 1.01]])
        return grads

    monkeypatch.setattr(Network, "backward", off_by_one_percent)
    assert main(["gradcheck", "--init", "he"]) == 1
    out = capsys.readouterr().out
    assert "1 of 9 gradients fail: w[2]_12" in out


def test_the_notebooks_buggy_update_disagrees_and_exits_1():
    result = _bpviz("--user-file", str(EXAMPLES / "notebook_update.py"), "--preset", "notebook-regression")
    assert result.returncode == 1, result.stderr
    disagree = {line.split()[0] for line in result.stdout.splitlines() if line.endswith("DISAGREES")}
    assert disagree == {"w[1]_11", "w[1]_12", "w[1]_21", "w[1]_22", "b[1]_1", "b[1]_2", "b[2]_1"}
    assert "7 of 9 parameters disagree" in result.stdout


def test_the_fixed_update_agrees_and_exits_0():
    result = _bpviz("--user-file", str(EXAMPLES / "notebook_update_fixed.py"), "--init", "he", "--seed", "5",
                    "--row", "3")
    assert result.returncode == 0, result.stderr
    assert "all 9 parameters agree with backprop" in result.stdout


def test_a_broken_user_file_is_one_line_naming_it_and_never_a_pass(tmp_path):
    broken = tmp_path / "mine.py"
    broken.write_text("def update(params, x, y, lr):\n    return params['W1'] +\n")
    result = _bpviz("--user-file", str(broken))
    assert result.returncode == 1
    assert result.stderr.startswith("bpviz gradcheck: mine.py, line 2") and "syntax error" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_hidden_names_the_hidden_layers_and_the_output_follows_from_the_task(capsys):
    assert main(["gradcheck", "--preset", "notebook-classification", "--hidden", "3", "--activation", "tanh"]) == 0
    hidden = capsys.readouterr().out
    assert main(["gradcheck", "--preset", "notebook-classification", "--layers", "3,1", "--activation", "tanh"]) == 0
    assert capsys.readouterr().out == hidden and "2-3-1 tanh/sigmoid" in hidden
    # No hidden layer: the tutorial's logistic regression on the toy table.
    assert main(["gradcheck", "--preset", "notebook-classification", "--hidden", "none"]) == 0
    assert "2-1 sigmoid/sigmoid" in capsys.readouterr().out


def test_row_counts_from_1_as_in_the_app(capsys):
    assert main(["gradcheck", "--row", "4"]) == 0
    assert "on row 4 of notebook-regression" in capsys.readouterr().out


@pytest.mark.parametrize("args, words", [
    (["--hidden", "3", "--layers", "3,1"], "argument --layers: not allowed with argument --hidden"),
    (["--hidden", "3,x"], "argument --hidden: expected whole numbers separated by commas"),
    (["--layers", "3,2"], "--layers: the output layer for the notebook-regression table's one target has 1 unit, "
                          "got 2 (layers 3,2); expected 1 last, or --hidden 3, with which the output layer "
                          "follows from the task"),
    (["--row", "0"], "--row: expected a row from 1 to 4, got 0"),
    (["--row", "5"], "--row: expected a row from 1 to 4, got 5"),
    (["--sample", "0"], "argument --sample: renamed --row, which counts from 1 as the app does (--sample 0 is --row 1)"),
    # An empty place between commas is no hidden layer only by accident: only '' or 'none' say none.
    (["--hidden", ","], "argument --hidden: expected whole numbers separated by commas, such as 196 or "
                        "392,196,98 (or none); got ',', a comma with no number before or after it"),
    (["--hidden", " , "], "got ',', a comma with no number before or after it"),
    (["--hidden", "3,,2"], "got '3,,2', a comma with no number before or after it"),
    # --row on an MNIST preset was silently ignored (--row -10000 passed).
    (["--preset", "mnist10", "--row", "-10000"], "--row: expected no --row with mnist10, an MNIST preset with no "
                                                 "table rows (the MNIST presets take --examples N"),
    (["--preset", "tutorial", "--row", "1"], "--row: expected no --row with tutorial, an MNIST preset"),
    (["--examples", "3"], "--examples: notebook-regression is a toy preset, checked on one row of its table; "
                          "use --row N"),
    # The row as it was typed, not as it was read (1_0 said "got 10").
    (["--row", "1_0"], "--row: expected a row from 1 to 4, got 1_0"),
])
def test_bad_gradcheck_arguments_are_one_line_naming_them(args, words, capsys):
    try:
        code = main(["gradcheck", *args])
    except SystemExit as exited:  # argparse's own checks
        code = exited.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("bpviz gradcheck: error: ") and words in err and len(err.splitlines()) == 1, err


def test_each_wrong_line_is_printed_as_file_line_with_its_cause_elements_and_rows():
    path = str(EXAMPLES / "notebook_update.py")
    result = _bpviz("--user-file", path)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    lines = (EXAMPLES / "notebook_update.py").read_text(encoding="utf-8").splitlines()
    b2 = next(i + 1 for i, text in enumerate(lines) if text.strip().startswith("params['b2'][0][0] ="))
    block = out.split(f"{path}:{b2}: ", 1)[1].split("\n\n", 1)[0]
    assert "wrong operand" in block and "W2[1][0]" in block and "b2[0][0] is " in block
    assert "shows on rows 1–4" in block
    assert out.count(f"{path}:") == 7 and "stale read" in out and "swapped index: rows 2–4" in out


def test_json_carries_the_same_findings():
    import json

    result = _bpviz("--user-file", str(EXAMPLES / "notebook_update.py"), "--json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["passed"] is False and data["kind"] == "update" and data["rows"] == [1, 2, 3, 4]
    causes = {f["line"]: f["cause"] for f in data["findings"]}
    assert sorted(set(causes.values())) == ["stale read", "wrong operand"] and len(causes) == 7
    swapped = [f for f in data["findings"] if any(c["cause"] == "swapped index" for c in f["causes"])]
    assert len(swapped) == 2 and all(f["wrong"] and f["rows"] == [1, 2, 3, 4] for f in swapped)


@pytest.mark.parametrize("body, words", [
    ("    while True: pass\n", "line 2 (while True: pass): still running after 1 s"),
    ("    import os\n    os._exit(0)\n", "line 3 (os._exit(0))"),
    ("    raise KeyboardInterrupt\n", "line 2 (raise KeyboardInterrupt): KeyboardInterrupt"),
])
def test_a_child_that_gives_no_answer_is_exit_1_with_a_message(tmp_path, body, words):
    path = tmp_path / "mine.py"
    path.write_text("def update(params, x, y, lr):\n" + body, encoding="utf-8")
    result = _bpviz("--user-file", str(path), "--timeout", "1")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("bpviz gradcheck: mine.py") and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_the_user_file_flags_are_refused_without_a_user_file(capsys):
    assert main(["gradcheck", "--timeout", "5"]) == 2
    assert "--timeout: is for --user-file" in capsys.readouterr().err


def test_a_user_file_bpviz_cannot_read_is_refused_as_the_fifos_and_folders_are(tmp_path):
    """Not text, NUL bytes: exit 2 with the flag named, like a FIFO or a folder (bpviz could
    not read it; it is not your code failing)."""
    binary = tmp_path / "model.py"
    binary.write_bytes(b"\x80\x81\xff")
    nul = tmp_path / "nul.py"
    nul.write_bytes(b"x = 1\ny = '\x00'\n")
    for path, words in ((binary, "not a UTF-8 text file"), (nul, "NUL")):
        result = _bpviz("--user-file", str(path))
        assert result.returncode == 2 and result.stderr.startswith("bpviz gradcheck: error: --user-file: ")
        assert words in result.stderr and len(result.stderr.splitlines()) == 1
