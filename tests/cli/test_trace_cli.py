"""`bpviz trace` in text and JSON form, and the per-epoch history of per-sample presets."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from bpviz.cli import main


def _bpviz(*args):
    return subprocess.run([sys.executable, "-m", "bpviz", *args], capture_output=True, text=True,
                          timeout=120)


def test_text_form_prints_one_line_per_step_with_numbers_and_value():
    result = _bpviz("trace", "--preset", "notebook-regression", "--row", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 32  # 6 forward, 1 loss, 16 backward, 9 updates
    assert lines[0].split(None, 2)[2] == "z[1]_1 = 0.1·8 + 0.1·8 + 0 = 1.6"
    assert "J = (0.32 - 4)² = 13.542" in lines[6]
    # Steps are numbered from 1, as the app's "step 7 of 32" numbers them.
    assert [int(line.split()[0]) for line in lines] == list(range(1, 33))
    assert lines[6].split()[:2] == ["7", "loss"]
    assert any("w[1]_11 ← 0.1 - 0.001·(-5.888) = 0.10589" in line for line in lines)


def test_json_form_has_every_field_a_view_needs():
    result = _bpviz("trace", "--preset", "notebook-classification", "--row", "3", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["preset"] == "notebook-classification" and report["row"] == 3
    steps = report["steps"]
    assert [(s["index"], s["number"]) for s in steps[:2]] == [(0, 1), (1, 2)]
    reuse = next(s for s in steps if s["reuses"])["reuses"][0]
    assert reuse["step_number"] == reuse["step_index"] + 1 and "step" not in reuse
    assert {s["phase"] for s in steps} == {"forward", "loss", "backward", "update"}
    first = steps[0]
    assert set(first) >= {"phase", "symbol", "formula", "numbers", "value", "reads", "nodes",
                          "edges", "reuses", "shapes", "factors"}
    assert first["symbol"] == {"latex": "z^{[1]}_{1}", "text": "z[1]_1"}
    assert first["numbers"]["text"] == "0.1·6 + 0.1·10 + 0"
    dw = next(s for s in steps if s["quantity"][0] == "dw")
    assert dw["factors"] and all(f["arrow"] in ("forward", "backward") for f in dw["factors"])


def test_rows_count_from_1_as_in_the_app():
    # Row 1 is the table's first row (cgpa 8, resume_score 8); row 4 its last (5, 12).
    first = json.loads(_bpviz("trace", "--format", "json").stdout)
    last = json.loads(_bpviz("trace", "--row", "4", "--format", "json").stdout)
    assert first["row"] == 1 and first["steps"][0]["numbers"]["text"] == "0.1·8 + 0.1·8 + 0"
    assert last["row"] == 4 and last["steps"][0]["numbers"]["text"] == "0.1·5 + 0.1·12 + 0"


def test_layer_mode_traces_an_mnist_preset_by_shapes():
    result = _bpviz("trace", "--preset", "tutorial", "--mode", "layers")
    assert result.returncode == 0, result.stderr
    assert "(196,784)·(784,m)+(196,1) → (196,m)" in result.stdout


@pytest.mark.parametrize("args, words", [
    (["--preset", "tutorial"], "too big to trace unit by unit"),
    (["--row", "7"], "--row: expected a row from 1 to 4, got 7"),
    (["--row", "0"], "--row: expected a row from 1 to 4, got 0"),
    (["--row", "first"], "argument --row: expected a row number such as 1"),
    (["--sample", "2"], "argument --sample: renamed --row, which counts from 1 as the app does "
                        "(--sample 2 is --row 3)"),
    (["--sample", "two"], "argument --sample: renamed --row"),
    (["--preset", "nope"], "--preset: invalid choice: 'nope'"),
    (["--format", "xml"], "--format: invalid choice: 'xml'"),
    (["--lr", "3"], "unrecognized arguments: --lr 3"),  # was "bpviz: error: ..."
    (["--hidden", "9"], "--hidden: the step-through trace takes up to 4 layers of up to 8 units, got 2-9-1"),
    (["--layers", "3,3,3,3,1"], "--layers: the step-through trace takes up to 4 layers of up to 8 units, "
                                "got 2-3-3-3-3-1"),
    (["--layers", "3,2"], "--layers: the output layer for the notebook-regression table's one target has 1 unit"),
    (["--loss", "half"], "argument --loss: invalid choice: 'half'"),
    (["--preset", "tutorial", "--mode", "layers", "--row", "2"], "--row: expected no --row with tutorial, an MNIST "
                                                                 "preset with no table rows (it is traced by its shapes"),
    (["--row", "1_0"], "--row: expected a row from 1 to 4, got 1_0"),
    (["--mode", "layers", "--format", "markdown"], "--format markdown: the worked example is unit by unit; "
                                                   "expected --mode units"),
    (["--paper", "A5"], "argument --paper: invalid choice: 'A5'"),
    (["--format", "markdown", "--paper", "Letter"], "--paper: a paper size is for --format latex, a document "
                                                    "with pages; --format markdown has none (leave --paper out)"),
    (["--paper", "A4"], "--paper: a paper size is for --format latex, a document with pages; --format text has none"),
    (["--format", "json", "--paper", "A4"], "--format json has none"),
    (["--worksheet"], "--worksheet: a worksheet is a worked example with its results left blank, for --format "
                      "markdown or latex; got --format text"),
])
def test_bad_trace_arguments_are_one_line_and_exit_2(args, words, capsys):
    try:
        code = main(["trace", *args])
    except SystemExit as exited:  # argparse's own checks
        code = exited.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("bpviz trace: error: ") and words in err and len(err.splitlines()) == 1, err


def test_the_quadratic_loss_shows_its_half_and_a_derivative_without_a_2():
    # The notebook's row 1 (x = (8, 8), y = 4, a = 0.32): half the mse trace's 13.542 and -7.36.
    result = _bpviz("trace", "--loss", "quadratic")
    assert result.returncode == 0, result.stderr
    lines = [line.split(None, 2)[2] for line in result.stdout.splitlines()]
    assert lines[6] == "J = ½(0.32 - 4)² = 6.7712"
    assert lines[7] == "da[2]_1 = 0.32 - 4 = -3.68"
    assert "w[1]_11 ← 0.1 - 0.001·(-2.944) = 0.10294" in lines


@pytest.mark.parametrize("activation, text, latex", [
    ("tanh", "a[1]_2 = tanh(-9.0574) = -1", r"\tanh(-9.0574)"),
    ("relu", "a[1]_2 = max(0, -9.0574) = 0", r"\max(0, -9.0574)"),
])
def test_a_negative_z_inside_tanh_or_max_has_one_pair_of_brackets(activation, text, latex):
    # two-layer's row 1: z[1]_2 = -9.0574, once written tanh((-9.0574)) in the text, on the
    # equation panel and in handouts.
    result = _bpviz("trace", "--preset", "two-layer", "--activation", activation)
    assert result.returncode == 0, result.stderr
    assert text in [line.split(None, 2)[2] for line in result.stdout.splitlines()]
    handout = _bpviz("trace", "--preset", "two-layer", "--activation", activation, "--format", "latex")
    assert latex in handout.stdout and "((" not in handout.stdout.replace(r"\left(", "")


def test_a_hidden_unit_with_several_paths_to_j_gets_their_sum_on_a_second_line():
    result = _bpviz("trace", "--hidden", "3,2", "--activation", "tanh", "--init", "xavier")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    numbered = [line for line in lines if not line.startswith(" " * 13)]
    assert len(numbered) == 12 + 1 + 33 + 20  # 2-3-2-1: forward, loss, backward, update steps
    seconds = [(before, after) for before, after in zip(lines, lines[1:]) if after.startswith(" " * 13)]
    # Every step of layer 1 (da, dz, dw, db) is reached from J through a[2]_1 and a[2]_2.
    assert len(seconds) == 3 + 3 + 6 + 3
    for before, after in seconds:
        assert before.split()[2].endswith(("[1]_1", "[1]_2", "[1]_3", "[1]_11", "[1]_12", "[1]_21", "[1]_22",
                                           "[1]_31", "[1]_32"))
        assert after.strip().startswith("2 paths from J: ") and " via a[2]_1 + " in after
        assert after.rsplit(" = ", 1)[1] == before.rsplit(" = ", 1)[1]  # the sum is the step's value


def test_json_steps_carry_their_paths_chain_and_terms():
    report = json.loads(_bpviz("trace", "--hidden", "3,2", "--loss", "quadratic", "--format", "json").stdout)
    steps = {tuple(s["quantity"]): s for s in report["steps"]}
    dz = steps[("dz", 1, 2)]
    assert dz["path_count"] == 2 and len(dz["paths"]) == 2
    assert [[f["element"] for f in p] for p in dz["paths"]] == [
        ["J.1", "n3.1", "w3.1.1", "n2.1", "w2.1.2", "n1.2"], ["J.1", "n3.1", "w3.1.2", "n2.2", "w2.2.2", "n1.2"]]
    assert dz["chain"] == ["J", "J.1", "n3.1", "w3.1.1", "w3.1.2", "n2.1", "n2.2", "w2.1.2", "w2.2.2", "n1.2"]
    assert len(steps[("da", 1, 3)]["terms"]) == 2 and steps[("dz", 1, 3)]["terms"] == []
    assert all(s["paths"] == [] and s["chain"] == [] for s in report["steps"] if s["phase"] != "backward")


def test_train_takes_the_quadratic_loss(tmp_path):
    """½(a - y)² has half the gradient of (a - y)²: at twice the learning rate it takes the
    notebook's very steps, each epoch's loss half the mse run's."""
    runs = {}
    for loss, lr in (("mse", "0.001"), ("quadratic", "0.002")):
        out = tmp_path / f"{loss}.json"
        result = _bpviz("train", "--preset", "notebook-regression", "--loss", loss, "--lr", lr,
                        "--json", str(out), "--quiet")
        assert result.returncode == 0, result.stderr
        runs[loss] = json.loads(out.read_text())
    assert runs["quadratic"]["config"]["loss"] == "quadratic" and runs["quadratic"]["config"]["output"] == "linear"
    half = [h["cost"] / 2 for h in runs["mse"]["history"]]
    assert [h["cost"] for h in runs["quadratic"]["history"]] == pytest.approx(half, rel=1e-12)


def test_train_on_a_per_sample_preset_writes_one_history_entry_per_epoch(tmp_path):
    out = tmp_path / "run.json"
    result = _bpviz("train", "--preset", "notebook-regression", "--json", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    history = json.loads(out.read_text())["history"]
    assert [h["epoch"] for h in history] == [1, 2, 3, 4, 5]
    assert set(history[0]) == {"epoch", "cost"}
    printed = _bpviz("train", "--preset", "notebook-regression", "--quiet").stdout
    assert "epoch 1: loss" in printed and "epoch 5: loss" in printed


def test_the_worked_example_prints_as_markdown_and_as_latex():
    """`bpviz trace --format markdown|latex`: the text File > Export worked example… writes."""
    markdown = _bpviz("trace", "--row", "2", "--format", "markdown")
    assert markdown.returncode == 0, markdown.stderr
    text = markdown.stdout
    assert text.startswith("# Worked example: notebook-regression, row 2 of 4\n")
    assert "Inputs: cgpa = 7, resume\\_score = 9. Targets: lpa = 5." in text
    assert len(re.findall(r"^### Step \d+$", text, re.M)) == 32 and "![" not in text  # no graph from the CLI
    latex = _bpviz("trace", "--preset", "two-outputs", "--format", "latex", "--paper", "Letter")
    assert latex.returncode == 0, latex.stderr
    assert latex.stdout.startswith("\\documentclass[11pt,letterpaper]{article}")
    steps = json.loads(_bpviz("trace", "--preset", "two-outputs", "--format", "json").stdout)["steps"]
    assert latex.stdout.count("\\begin{minipage}") == len(steps)  # a block per step
    assert latex.stdout.rstrip().endswith("\\end{document}")
    a4 = _bpviz("trace", "--preset", "two-outputs", "--format", "latex")  # the paper when --paper is left out
    assert a4.returncode == 0 and a4.stdout.startswith("\\documentclass[11pt,a4paper]{article}")
    usage = _bpviz("trace", "--help").stdout
    assert re.search(r"--paper \{A4,Letter\}\s+--format latex only \(the other formats have\s+no pages\)", usage), usage


def test_a_worksheet_leaves_the_results_to_work_out_as_latex_too():
    """`--worksheet`: the same blocks, each keeping its formula, its numbers and result "?",
    and its chain's factors without their values; the LaTeX still a document."""
    out = _bpviz("trace", "--format", "latex", "--worksheet")
    assert out.returncode == 0, out.stderr
    tex = out.stdout
    assert tex.startswith("\\documentclass[11pt,a4paper]{article}") and "Worksheet: notebook-regression" in tex
    assert "\\fitline{da^{[1]}_{1} = w^{[2]}_{11} \\cdot dz^{[2]}_{1}}" in tex  # the formula stays
    assert tex.count("\\fitline{da^{[1]}_{1} = ?}") == 2 and "7.36" not in tex and "0.736" not in tex
    step_8 = tex.split("Step 8}")[1].split("Step 9}")[0]
    assert "\\,(?)" in step_8  # ∂J/∂a[2]_1, its value to find
    worked = _bpviz("trace", "--format", "latex")
    assert "\\fitline{da^{[1]}_{1} = -0.736}" in worked.stdout and "= ?}" not in worked.stdout
