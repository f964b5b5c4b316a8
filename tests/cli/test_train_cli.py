"""`bpviz train`: every preset through the command line, the JSON schema, the model file,
and one clear line (exit 2) for each bad argument."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from bpviz.cli import build_parser, main
from bpviz.commands.train import recipe_from_args
from bpviz.nn.serialize import load_model
from bpviz.presets import PRESETS


def _run(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "bpviz", "train", *args],
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("preset", ["tutorial", "tutorial-bigger", "fast", "mnist10"])
def test_every_preset_runs_a_few_iterations_and_writes_the_json_schema(tmp_path, preset):
    out = tmp_path / "run.json"
    result = _run("--preset", preset, "--train-size", "300", "--iterations", "4",
                  "--json", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "train accuracy" in result.stdout and "test accuracy" in result.stdout
    report = json.loads(out.read_text())
    assert set(report) >= {"config", "history", "train_accuracy", "test_accuracy", "seconds"}
    assert report["config"]["name"] == preset
    assert [h["iteration"] for h in report["history"]] == [0, 1, 2, 3]
    assert all(set(h) == {"iteration", "cost", "seconds"} for h in report["history"][1:-1])
    # The first update and the last (evaluated) carry the layers' statistics too.
    assert set(report["history"][0]) == set(report["history"][-1]) == {"iteration", "cost", "seconds", "layers"}
    assert 0 <= report["train_accuracy"] <= 1 and 0 <= report["test_accuracy"] <= 1
    assert report["seconds"] == report["history"][-1]["seconds"] > 0
    layers = report["config"]["layer_sizes"]
    assert layers == [784, *PRESETS[preset].layers]


def test_flags_override_the_preset_and_log_every_thins_the_history(tmp_path):
    out = tmp_path / "run.json"
    result = _run("--preset", "tutorial", "--digits", "3", "7", "--hidden", "32,16",
                  "--activation", "relu", "--init", "he", "--optimizer", "adam", "--lr", "0.01",
                  "--batch-size", "50", "--iterations", "10", "--dtype", "float32",
                  "--train-size", "200", "--log-every", "4", "--json", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    config = report["config"]
    assert config["digits"] == [3, 7] and config["layer_sizes"] == [784, 32, 16, 1]
    assert (config["activation"], config["init"], config["optimizer"]) == ("relu", "he", "adam")
    assert (config["dtype"], config["batch_size"], config["lr"]) == ("float32", 50, 0.01)
    # Every 4th update, and the last, evaluated; the first and the last with their layers' statistics.
    assert [h["iteration"] for h in report["history"]] == [0, 4, 8, 9]
    assert [len(h.get("layers", ())) for h in report["history"]] == [3, 0, 0, 3]


def test_all_digits_switches_to_softmax_and_cross_entropy(tmp_path):
    out = tmp_path / "run.json"
    result = _run("--digits", "all", "--train-size", "200", "--iterations", "2",
                  "--json", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    config = json.loads(out.read_text())["config"]
    assert config["layer_sizes"] == [784, 196, 10] and config["loss"] == "cross_entropy"


def test_save_writes_a_model_that_loads_back(tmp_path):
    model = tmp_path / "model.npz"
    result = _run("--preset", "fast", "--train-size", "200", "--iterations", "3",
                  "--save", str(model), "--quiet")
    assert result.returncode == 0, result.stderr
    net, extra = load_model(model)
    assert net.layer_sizes == [784, 128, 1] and net.dtype == np.float32
    assert extra["recipe"]["name"] == "fast"


@pytest.mark.parametrize("args, layers", [
    (["--hidden", "196"], (196, 1)),
    (["--hidden", "32,16"], (32, 16, 1)),
    (["--digits", "all", "--hidden", "256"], (256, 10)),
    (["--preset", "mnist10", "--hidden", "64"], (64, 10)),
    (["--preset", "mnist10", "--digits", "3", "7", "--hidden", "64"], (64, 1)),
    (["--hidden", "none"], (1,)),
    (["--hidden", ""], (1,)),
    (["--layers", "32,16,1"], (32, 16, 1)),
])
def test_hidden_means_the_forms_hidden_layers_and_the_output_follows(args, layers):
    recipe = recipe_from_args(build_parser().parse_args(["train", *args]))
    assert recipe.layers == layers


def test_help_leads_with_hidden():
    text = _run("--help").stdout
    assert text.index("--hidden") < text.index("--layers")
    assert "the output layer's size follows from the task" in " ".join(text.split())


@pytest.mark.parametrize(
    "args, words",
    [
        (["--hidden", "196", "--layers", "196,1"], "argument --layers: not allowed with argument --hidden"),
        (["--hidden", "196,abc"], "--hidden: expected whole numbers separated by commas, such as 196 or 392,196,98"),
        (["--hidden", "0"], "--hidden: expected 1 to 4096 units per layer, got '0'"),
        (["--hidden", "100000"], "--hidden: expected 1 to 4096 units per layer"),
        (["--hidden", ",".join(["4"] * 12)], "--hidden: expected at most 11 hidden layers, got 12"),
        (["--layers", "784,abc,1"], "--layers: expected whole numbers separated by commas"),
        (["--layers", "0"], "--layers: expected 1 to 4096 units per layer"),
        (["--layers", ""], "--layers: expected comma-separated unit counts"),
        (["--layers", "196,2"], "--layers: the output layer for two digits (sigmoid) has 1 unit, got 2 "
                                "(layers 196,2); expected 1 last, or --hidden 196, with which the output layer follows from the task"),
        (["--layers", "100000,1"], "--layers: expected 1 to 4096 units per layer"),
        (["--layers", ",".join(["4"] * 99 + ["1"])], "layers: expected at most 12 layers"),
        (["--lr", "0"], "--lr: expected a finite number greater than 0"),
        (["--lr", "-0.1"], "--lr: expected a finite number greater than 0"),
        (["--lr", "nan"], "--lr: expected a finite number greater than 0"),
        (["--lr", "fast"], "--lr: expected a positive number such as 0.1"),
        (["--digits", "5", "5"], "digits: expected two different digits 0-9"),
        (["--digits", "10", "3"], "digits: expected two different digits 0-9"),
        (["--digits", "5"], "--digits: expected two different digits 0-9 or 'all'"),
        (["--batch-size", "0"], "--batch-size: expected a whole number from 1 to 10,000,000 or 'full', got 0"),
        (["--iterations", "-5"], "--iterations: expected a whole number from 1 to 10,000,000, got -5"),
        (["--iterations", "3", "--epochs", "2"], "not allowed with argument --iterations"),
        (["--preset", "slow"], "--preset: invalid choice: 'slow'"),
        (["--init", "magic"], "--init: expected tutorial, constant:<number> such as constant:0.1, xavier, he or "
                             "normal, got 'magic'"),
        (["--mnist-dir", "/nonexistent/mnist"], "expected a folder holding the four MNIST files"),
        (["--save", "/nonexistent/dir/m.npz"], "--save: the folder /nonexistent/dir does not exist"),
        (["--output", "softmax"], "--output: a softmax output needs at least 2 units, and the output layer for "
                                  "two digits has 1 unit; expected sigmoid"),
        (["--output", "linear"], "--output: bce needs outputs in (0, 1); expected a sigmoid or softmax output "
                                 "layer, got linear"),
        (["--digits", "all", "--output", "linear", "--loss", "cross_entropy"], "loss: cross_entropy needs outputs"),
        (["--output", "tanh"], "--output: invalid choice: 'tanh'"),
    ],
)
def test_a_bad_argument_is_one_line_naming_it_and_exit_2(args, words, capsys):
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(["train", "--iterations", "1", "--quiet", *args]
                              if "--iterations" not in args and "--epochs" not in args
                              else ["train", "--quiet", *args]))
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip()
    assert words in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_a_diverging_run_says_so_keeps_the_last_good_model_and_exits_1(tmp_path):
    out, model = tmp_path / "run.json", tmp_path / "model.npz"
    result = _run("--activation", "linear", "--lr", "1e12", "--train-size", "200",
                  "--iterations", "50", "--json", str(out), "--save", str(model), "--quiet")
    assert result.returncode == 1
    report = json.loads(out.read_text())
    assert report["stopped"] == "diverged" and report["test_accuracy"] is None
    d = report["divergence"]  # what went first, as the lines say it
    said = result.stderr.split("bpviz train: ")[1].splitlines()
    assert said[0].startswith(f"diverged at iteration {d['update']}, {d['quantity']}[{d['layer']}] ")
    assert said[1].startswith(f"  the largest |weight| was {d['weight']:.3g}, at W[{d['weight_at'][0]}] row "
                              f"{d['weight_at'][1]}, col {d['weight_at'][2]}; try a learning rate of "
                              f"{d['lr_to_try']:g} (now 1e+12); kept the parameters of iteration")
    assert d["lr_to_try"] <= 1e11 and "Traceback" not in result.stderr
    net, _ = load_model(model)
    assert all(np.isfinite(value).all() for value in net.params.values())
    assert np.abs(net.params[f"W{d['weight_at'][0]}"]).max() == pytest.approx(d["weight"])


def test_a_first_update_past_the_largest_float_suggests_a_rate_from_that_update_not_a_tenth(capsys):
    """`--lr 1e308` overflowed W[1] on the very first update, when no update ratio had been
    seen: the rate to try was lr / 10, 1e307, which overflows as surely. That update's
    ratio (past the largest float) now counts: lr × 0.01 / 1.8e308, rounded down."""
    for lr, expected in (("1e308", "0.005"), ("1e307", "0.0005")):
        with pytest.raises(SystemExit) as exited:
            raise SystemExit(main(["train", "--preset", "linear-regression", "--lr", lr, "--epochs", "5", "--quiet"]))
        assert exited.value.code == 1
        err = capsys.readouterr().err
        assert "diverged at iteration 0, W[1] overflowed first" in err
        assert f"try a learning rate of {expected} (now {float(lr):g})" in err


def test_a_float32_run_diverging_suggests_a_rate_near_the_healthy_one(capsys):
    """`--preset fast --dtype float32 --lr 1e30`: Adam's first step moves every weight by
    about 1e30, whose squares overflow float32, so the update ratio seen was infinite and
    the rate to try 5e-281. Norms now go past float32's range: the fast preset's own 0.001
    is within a decade of the rate suggested."""
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(["train", "--preset", "fast", "--dtype", "float32", "--lr", "1e30",
                               "--iterations", "5", "--train-size", "500", "--quiet"]))
    assert exited.value.code == 1
    err = capsys.readouterr().err
    suggested = float(err.split("try a learning rate of ")[1].split(" ")[0])
    assert 1e-4 <= suggested <= 1e-2, err


def test_the_json_of_a_run_with_huge_weights_is_strict_json_with_finite_norms(tmp_path):
    """`--preset tutorial --lr 1e300`: the sigmoids saturate and the run finishes with
    weights near 1e300. Their sum of squares overflowed, so the layers' W_norm and update
    ratios were written as Infinity and NaN, which are not JSON (jq and JSON.parse refuse
    them). The norms are now summed scaled, and anything still not finite is null."""
    out = tmp_path / "run.json"
    result = _run("--preset", "tutorial", "--lr", "1e300", "--iterations", "5", "--train-size", "300",
                  "--json", str(out), "--quiet")
    assert result.returncode == 0, result.stderr

    def refuse(constant):
        raise AssertionError(f"{constant} in --json: not JSON")

    report = json.loads(out.read_text(), parse_constant=refuse)
    last = [entry for entry in report["history"] if "layers" in entry][-1]
    for stats in last["layers"]:
        assert stats["W_norm"] is not None and 1e290 < stats["W_norm"] < math.inf, stats


@pytest.mark.parametrize("init, first", [
    # The notebook's lpa table has inputs of 5 to 12: with every weight 1e200, Z = W x is
    # about 1.6e201, a float64, and the cost, its square, is not.
    ("constant:1e200", "diverged at iteration 0, J overflowed first: the cost went past ±1.8e+308"),
    # With every weight 1e308, W x is past float64 already.
    ("constant:1e308", "diverged at iteration 0, Z[1] overflowed first: layer 1's pre-activation"),
])
def test_a_run_that_overflows_at_once_names_what_went_first(tmp_path, init, first):
    out = tmp_path / "run.json"
    result = _run("--preset", "linear-regression", "--init", init, "--json", str(out))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.split("bpviz train: ")[1].splitlines()
    assert lines[0].startswith(first)
    assert lines[1].startswith("  the largest |weight| was 1e+", ) and "at W[1] row 1, col 1" in lines[1]
    assert "try a learning rate of 0.0001 (now 0.001)" in lines[1]  # no update seen: a tenth
    assert json.loads(out.read_text())["divergence"]["update"] == 0


def test_a_run_whose_cost_explodes_stops_there_with_finite_numbers(tmp_path):
    out = tmp_path / "run.json"
    result = _run("--preset", "linear-regression", "--lr", "0.01", "--epochs", "10", "--json", str(out))
    assert result.returncode == 1
    report = json.loads(out.read_text())
    d = report["divergence"]
    assert (d["quantity"], d["layer"], d["problem"]) == ("cost", None, "bound") and d["largest"] > d["bound"]
    assert f"diverged at iteration {d['update']}, the cost J exploded first: it reached" in result.stderr
    # The model kept is the one the exploding cost was computed after: that many updates.
    assert f"kept the parameters of iteration {report['updates']}, the last good ones" in result.stderr
    assert report["updates"] == d["update"] - 1


def test_an_init_beyond_the_dtype_is_refused_before_training(tmp_path):
    result = _run("--preset", "linear-regression", "--init", "constant:1e39", "--dtype", "float32")
    assert result.returncode == 2
    assert result.stderr.strip() == ("bpviz train: error: --init: constant:1e+39 is beyond what float32 holds "
                                     "(at most ±3.4e+38); expected a smaller constant, or --dtype float64")


def test_output_sigmoid_with_all_digits_trains_ten_sigmoids_scored_by_the_largest(tmp_path):
    """Nielsen's output: --digits all no longer forces a softmax when --output says sigmoid."""
    out = tmp_path / "run.json"
    result = _run("--digits", "all", "--output", "sigmoid", "--loss", "quadratic", "--init", "normal",
                  "--hidden", "30", "--lr", "3", "--batch-size", "10", "--iterations", "1500",
                  "--train-size", "5000", "--json", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "784-30-10 sigmoid/sigmoid, quadratic" in result.stderr
    report = json.loads(out.read_text())
    config = report["config"]
    assert config["output"] == "sigmoid" and config["layer_sizes"] == [784, 30, 10]
    # Scored by the largest of the ten outputs: after 1,500 updates of 10 most are right,
    # where all ten on the right side of 0.5 would count fewer.
    assert report["test_accuracy"] > 0.6  # 0.1 is chance


def test_the_nielsen_preset_trains_from_the_command_line(tmp_path):
    out = tmp_path / "run.json"
    result = _run("--preset", "nielsen", "--iterations", "5", "--json", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert ("nielsen: MNIST all digits, 784-30-10 sigmoid/sigmoid, quadratic, sgd lr 3, 5 iterations, "
            "batches of 10, float64") in result.stderr
    config = json.loads(out.read_text())["config"]
    assert (config["init"], config["train_size"], config["output"]) == ("normal", 50000, "sigmoid")
