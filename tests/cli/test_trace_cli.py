"""`bpviz trace` in text and JSON form, and the per-epoch history of per-sample presets."""

from __future__ import annotations

import json
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
    (["--hidden", "3"], "unrecognized arguments: --hidden 3"),  # was "bpviz: error: ..."
    (["--preset", "tutorial", "--mode", "layers", "--row", "2"], "--row: tutorial is an MNIST preset, with no "
                                                                 "table rows; it is traced by its shapes"),
    (["--row", "1_0"], "--row: expected a row from 1 to 4, got 1_0"),
])
def test_bad_trace_arguments_are_one_line_and_exit_2(args, words, capsys):
    try:
        code = main(["trace", *args])
    except SystemExit as exited:  # argparse's own checks
        code = exited.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("bpviz trace: error: ") and words in err and len(err.splitlines()) == 1, err


def test_train_on_a_per_sample_preset_writes_one_history_entry_per_epoch(tmp_path):
    out = tmp_path / "run.json"
    result = _bpviz("train", "--preset", "notebook-regression", "--json", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    history = json.loads(out.read_text())["history"]
    assert [h["epoch"] for h in history] == [1, 2, 3, 4, 5]
    assert set(history[0]) == {"epoch", "cost"}
    printed = _bpviz("train", "--preset", "notebook-regression", "--quiet").stdout
    assert "epoch 1: loss" in printed and "epoch 5: loss" in printed
