"""``bpviz train``: a recipe from a preset and flags, a tqdm bar, a summary, JSON and a model."""

from __future__ import annotations

import json
import math
import signal
import sys

from tqdm import tqdm

from bpviz.commands import with_network_flags
from bpviz.commands.interrupt import GUARD, Signalled, exit_code, signum_of, words
from bpviz.commands.outputs import check_distinct, check_folder, check_output, save_or_keep
from bpviz.commands.streams import OutputFailed, Quiet
from bpviz.commands.streams import say as _say
from bpviz.errors import ConfigError
from bpviz.fileio import atomic_write_bytes, shown_path, write_problem
from bpviz.nn.train import count_iterations, train
from bpviz.numbers import NumberError, shown, whole
from bpviz.presets import Recipe, get_preset, size_problem


def recipe_from_args(args) -> Recipe:
    """The preset with every given flag applied and checked."""
    given = {
        "train_size": args.train_size, "activation": args.activation,
        "loss": args.loss, "init": args.init, "optimizer": args.optimizer, "lr": args.lr,
        "iterations": args.iterations, "epochs": args.epochs, "dtype": args.dtype,
        "seed": args.seed, "eval_every": args.eval_every, "output": args.output,
    }
    overrides = {key: value for key, value in given.items() if value is not None}
    if args.digits is not None:
        overrides["digits"] = _digits(args.digits)  # None: all ten
    if args.batch_size is not None:
        overrides["batch_size"] = None if args.batch_size == "full" else args.batch_size
    return with_network_flags(get_preset(args.preset), args, **overrides)


def _digits(values: list[str]):
    if [value.strip().lower() for value in values] == ["all"]:
        return None
    expected = "two different digits 0-9 or 'all'"
    if len(values) != 2:
        raise ConfigError(f"--digits: expected {expected}, got {shown(' '.join(values))}")
    try:
        return tuple(whole(value, "--digits", 0, 9, expected=expected) for value in values)
    except NumberError:
        raise ConfigError(f"--digits: expected {expected}, got {shown(' '.join(values))}") from None


def _check_sizes(recipe: Recipe, m: int) -> None:
    """What each flag allows alone but the data does not, as the app's form explains it.
    ``m`` is the number of examples loaded: all there are when --train-size asks for more."""
    problem = size_problem(recipe, m)
    if problem is not None:
        field, detail = problem
        got = f", got {recipe.train_size:,}" if field == "train_size" else ""
        raise ConfigError(f"--{field.replace('_', '-')}: {detail}{got}")


def describe(recipe: Recipe) -> str:
    sizes = "-".join(map(str, [recipe.n_inputs, *recipe.layers]))
    length = f"{recipe.iterations} iterations" if recipe.iterations else f"{recipe.epochs} epochs"
    batch = "full batch" if recipe.batch_size is None else f"batches of {recipe.batch_size}"
    if recipe.is_mnist:
        task = "MNIST " + ("all digits" if recipe.digits is None else f"{recipe.digits[0]} vs {recipe.digits[1]}")
    else:
        task, batch = f"the {recipe.dataset} table", "per-sample SGD in row order" if recipe.per_sample else batch
    return (f"{recipe.name}: {task}, {sizes} {recipe.activation}/{recipe.output_activation}, "
            f"{recipe.loss}, {recipe.optimizer} lr {recipe.lr:g}, {length}, {batch}, {recipe.dtype}")


def _accuracy_text(name: str, accuracy: float | None, m: int) -> str:
    if accuracy is None:
        return f"{name} accuracy n/a"
    return f"{name} accuracy {accuracy:.5f} ({round(accuracy * m)}/{m})"


def run_train(args) -> int:
    recipe = recipe_from_args(args)
    save_path = check_output("--save", args.save)
    json_path = check_output("--json", args.json)
    check_distinct({"--save": save_path, "--json": json_path})
    check_folder("--mnist-dir", args.mnist_dir, "a folder holding the four MNIST files")
    phase = "while loading MNIST" if recipe.is_mnist else f"while loading the {recipe.dataset} table"
    try:
        data = recipe.data(args.mnist_dir)
        phase = "while setting up"
        _check_sizes(recipe, data.m)
        net = recipe.network(n_inputs=data.X.shape[0])
    except (Signalled, KeyboardInterrupt) as exc:
        signum = signum_of(exc)
        _say(f"bpviz train: {words(signum)} {phase}; nothing was trained or saved")
        return exit_code(signum)
    # From the first update to the last byte saved, a signal stops the run between two
    # whole updates, and what was trained is still written.
    with GUARD.deferred():
        return _train_and_save(args, recipe, data, net, save_path, json_path)


def _train_and_save(args, recipe: Recipe, data, net, save_path, json_path) -> int:
    _say(describe(recipe))
    console = _Console()
    history, final, cut = _train(args, recipe, data, net, console)
    if cut:  # a KeyboardInterrupt inside an update (no guard installed): the model is half-updated
        _say(f"bpviz train: {words(signal.SIGINT)} during an update; nothing was saved")
        return exit_code(signal.SIGINT)
    # The updates the model holds (a diverged run keeps the parameters before its last finite step).
    if final is None:
        updates, stopped = 0, "interrupted"
    elif final.stopped == "diverged":  # the parameters of iteration `kept`: after that many updates
        updates, stopped = final.kept, "diverged"
    else:
        updates, stopped = final.iteration + 1, final.stopped or "interrupted"
    if stopped == "diverged":
        _say(f"bpviz train: {_diverged_lines(final)}")
    elif stopped == "finished":
        console.show(_summary(recipe, data, final))
    settings = {**recipe.to_dict(), "layer_sizes": net.layer_sizes,
                "mnist_dir": args.mnist_dir, "log_every": args.log_every}
    written, problems = _write(save_path, json_path, net, settings, history, final, updates, stopped)
    signum = GUARD.received  # during the run, or while its files were written
    if signum is not None:
        _say(f"bpviz train: {_interrupted_line(signum, updates, final, stopped, written, problems, save_path)}")
        return exit_code(signum)
    for problem in problems:
        _say(f"bpviz train: error: {problem}")
    if save_path is not None and not any(p.startswith("--save") for p in problems):
        _say(f"saved the model to {shown_path(save_path)}")
    if problems:
        return 2
    if console.lost is not None:  # the output's reader or disk went; the files are written
        raise console.lost
    return 1 if stopped == "diverged" else 0


def _write(save_path, json_path, net, settings, history, final, updates, stopped) -> tuple[list, list]:
    """Write --json and --save; what was written (in words) and what could not be."""
    problems, written = [], []
    if json_path is not None:
        finished = stopped == "finished"
        result = {"config": settings, "history": history, "updates": updates,
                  "train_accuracy": final.train_accuracy if finished else None,
                  "test_accuracy": final.test_accuracy if finished else None,
                  "seconds": final.seconds if final is not None else 0.0, "stopped": stopped}
        if final is not None and final.divergence is not None:
            result["divergence"] = _json_safe(final.divergence.to_dict())
        try:
            atomic_write_bytes(json_path, json.dumps(_json_safe(result), indent=1, allow_nan=False).encode())
            written.append(f"the run to {shown_path(json_path)}")
        except OSError as exc:
            problems.append(f"--json: {write_problem(json_path, exc)}")
    if save_path is not None and final is not None:
        saved, problem = save_or_keep(save_path, net, {"recipe": settings, "updates": updates, "stopped": stopped})
        if saved:
            written.insert(0, f"the model of update {updates:,} to {shown_path(save_path)}")
        else:
            problems.append(problem)
    return written, problems


def _train(args, recipe: Recipe, data, net, console):
    """Run the updates with a progress bar; stop between two whole updates when a signal
    came. Returns the history, the last progress record, and whether a KeyboardInterrupt
    cut an update in half."""
    history, final = [], None
    config = recipe.train_config()
    bar = tqdm(total=count_iterations(config, data.m), file=Quiet(sys.stderr), disable=args.quiet,
               unit="it", desc=recipe.name, dynamic_ncols=True, mininterval=0.25)
    try:
        for progress in train(net, data, config):
            final = progress
            if recipe.per_sample:
                # One entry per epoch: the mean of its per-sample losses, each taken before
                # its update (the notebook's way of reporting).
                if progress.epoch_cost is not None:
                    history.append(_with_layers({"epoch": progress.epoch, "cost": progress.epoch_cost},
                                                progress))
                    console.show(f"epoch {progress.epoch}: loss {progress.epoch_cost:.6g}", bar)
            elif progress.iteration % args.log_every == 0 or progress.layers:
                # Every log_every-th update, and every update that carries layer statistics.
                history.append(_with_layers({"iteration": progress.iteration, "cost": progress.cost,
                                             "seconds": progress.seconds}, progress))
            bar.update(1)
            bar.set_postfix(cost=f"{progress.cost:.4f}", refresh=False)
            if progress.test_accuracy is not None and progress.stopped is None:
                console.show(f"after {progress.iteration + 1} iterations: "
                             f"{_accuracy_text('train', progress.train_accuracy, data.m)}, "
                             f"{_accuracy_text('test', progress.test_accuracy, data.X_test.shape[1])}", bar)
            if GUARD.received is not None:
                break
    except KeyboardInterrupt:
        bar.close()
        return history, final, True
    bar.close()
    return history, final, False


def _diverged_lines(final) -> str:
    """Two lines: where the run diverged and what went first; the largest weight, a
    learning rate to try, and the parameters kept."""
    if final.divergence is None:
        return final.message
    first, second = final.divergence.lines()
    return f"diverged {first}\n  {second}; kept the parameters of iteration {final.kept}, the last good ones"


def _json_safe(value):
    """``value`` with every number that is not finite as null, however deep (``largest``
    when no entry was; a layer's norm or update ratio past the largest float): JSON has
    none, and Python's Infinity and NaN stop jq and JavaScript's JSON.parse."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value


def _with_layers(entry: dict, progress) -> dict:
    """A history entry with the update's per-layer statistics ("layers": one dict per
    layer, l = 1..L, see bpviz.nn.health.LayerStats) when it carries them."""
    if progress.layers:
        entry["layers"] = [stats.to_dict() for stats in progress.layers]
    return entry


class _Console:
    """Where ``bpviz train`` speaks. Its stdout (the results) may fail (``| head``, a full
    disk): training and saving go on, and the failure is reported once they are done."""

    def __init__(self):
        self.lost: OutputFailed | None = None

    def show(self, text: str, bar=None) -> None:
        if self.lost is not None:
            return
        try:
            bar.write(text) if bar is not None else print(text)
        except OutputFailed as exc:
            self.lost = exc
            sys.stdout = Quiet(None)  # bpviz.cli puts the real stdout back


def _summary(recipe: Recipe, data, final) -> str:
    if final.train_accuracy is not None:
        parts = [_accuracy_text("train", final.train_accuracy, data.m)]
    elif recipe.per_sample:
        parts = [f"last epoch loss {final.epoch_cost:.6g}"]
    else:
        parts = [f"final cost {final.cost:.6g}"]
    if data.X_test is not None:
        parts.append(_accuracy_text("test", final.test_accuracy, data.X_test.shape[1]))
    return "   ".join([*parts, f"{final.seconds:.2f} s training"])


def _interrupted_line(signum, updates, final, stopped, written, problems, save_path) -> str:
    """One line: what stopped the run, after how many updates, and where what it made is."""
    if stopped == "interrupted":
        total = f" of {final.total_iterations:,}" if final is not None else ""
        what = f"{words(signum)} after {updates:,}{total} updates"
    else:
        what = f"{words(signum)} after the run {'finished' if stopped == 'finished' else 'stopped'}"
    parts = [what]
    if written:
        parts.append("saved " + " and ".join(written))
    parts.extend(problems)
    if save_path is None:
        parts.append("the model was not saved (no --save)")
    return "; ".join(parts)
