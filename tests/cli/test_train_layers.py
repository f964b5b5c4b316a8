"""`bpviz train --json`: the per-layer statistics of every evaluated update, in the history."""

from __future__ import annotations

import json
import subprocess
import sys


def test_json_history_carries_each_layers_statistics_at_the_evaluation_cadence(tmp_path):
    out = tmp_path / "run.json"
    result = subprocess.run([sys.executable, "-m", "bpviz", "train", "--preset", "fast", "--train-size", "200",
                             "--iterations", "6", "--eval-every", "2", "--log-every", "5",
                             "--json", str(out), "--quiet"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    history = json.loads(out.read_text())["history"]
    # Every 5th update, and every evaluated one (every 2nd, the last included); the
    # statistics on those and on the first update.
    assert [h["iteration"] for h in history] == [0, 1, 3, 5]
    for entry in history:
        hidden, output = entry["layers"]
        assert [hidden["layer"], output["layer"]] == [1, 2]
        assert set(hidden) == {"layer", "dW_norm", "db_norm", "W_norm", "update_ratio", "A_mean", "A_std",
                               "saturated", "dead"}
        assert hidden["dW_norm"] > 0 and hidden["W_norm"] > 0 and 0 < hidden["update_ratio"] < 1
        assert hidden["saturated"] is None and 0 <= hidden["dead"] <= 1  # ReLU: dead units
        assert output["dead"] is None and 0 <= output["saturated"] <= 1  # sigmoid: saturation
        assert hidden["A_mean"] >= 0 and hidden["A_std"] > 0


def test_per_sample_runs_put_them_on_the_last_epoch(tmp_path):
    out = tmp_path / "run.json"
    result = subprocess.run([sys.executable, "-m", "bpviz", "train", "--preset", "notebook-classification",
                             "--epochs", "3", "--json", str(out), "--quiet"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    history = json.loads(out.read_text())["history"]
    assert [h["epoch"] for h in history] == [1, 2, 3]
    assert [len(h.get("layers", ())) for h in history] == [0, 0, 2]
