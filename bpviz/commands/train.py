"""``bpviz train``: a recipe from a preset and flags, a tqdm bar, a summary, JSON and a model."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from tqdm import tqdm

from bpviz.commands import with_network_flags
from bpviz.errors import ConfigError
from bpviz.fileio import atomic_write_bytes, write_problem
from bpviz.nn.serialize import save_model
from bpviz.nn.train import count_iterations, train
from bpviz.numbers import NumberError, shown, whole
from bpviz.presets import Recipe, get_preset, size_problem


def recipe_from_args(args) -> Recipe:
    """The preset with every given flag applied and checked."""
    given = {
        "train_size": args.train_size, "activation": args.activation,
        "loss": args.loss, "init": args.init, "optimizer": args.optimizer, "lr": args.lr,
        "iterations": args.iterations, "epochs": args.epochs, "dtype": args.dtype,
        "seed": args.seed, "eval_every": args.eval_every,
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


def _check_writable(flag: str, path: str | None) -> Path | None:
    """Fail before training, not after, when an output cannot be written."""
    if path is None:
        return None
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise ConfigError(f"{flag}: {target} is a folder; expected a file name")
    if not folder.is_dir():
        raise ConfigError(f"{flag}: the folder {folder} does not exist; expected a file in an existing folder")
    if not os.access(folder, os.W_OK):
        raise ConfigError(f"{flag}: the folder {folder} is not writable; choose a folder you can write to")
    return target


def _check_sizes(recipe: Recipe, m: int) -> None:
    """What each flag allows alone but the data does not, as the app's form explains it.
    ``m`` is the number of examples loaded: all there are when --train-size asks for more."""
    problem = size_problem(recipe, m)
    if problem is not None:
        field, detail = problem
        got = f", got {recipe.train_size:,}" if field == "train_size" else ""
        raise ConfigError(f"--{field.replace('_', '-')}: {detail}{got}")


def _save_elsewhere(net, settings: dict, wanted: Path) -> str:
    """After a failed --save, keep the trained model in the temporary folder."""
    fallback = Path(tempfile.gettempdir()) / f"bpviz-{wanted.stem}-{os.getpid()}.npz"
    try:
        save_model(fallback, net, {"recipe": settings})
    except OSError as exc:
        return f"and it could not be kept in {fallback} either ({exc.strerror or exc})"
    return f"the model is kept in {fallback} instead"


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
    save_path = _check_writable("--save", args.save)
    json_path = _check_writable("--json", args.json)
    data = recipe.data(args.mnist_dir)
    _check_sizes(recipe, data.m)
    net = recipe.network(n_inputs=data.X.shape[0])
    print(describe(recipe), file=sys.stderr)
    history, final = [], None
    config = recipe.train_config()
    bar = tqdm(total=count_iterations(config, data.m), file=sys.stderr, disable=args.quiet,
               unit="it", desc=recipe.name, dynamic_ncols=True, mininterval=0.25)
    try:
        for progress in train(net, data, config):
            if recipe.per_sample:
                # One entry per epoch: the mean of its per-sample losses, each taken before
                # its update (the notebook's way of reporting).
                if progress.epoch_cost is not None:
                    history.append({"epoch": progress.epoch, "cost": progress.epoch_cost})
                    bar.write(f"epoch {progress.epoch}: loss {progress.epoch_cost:.6g}")
            elif progress.iteration % args.log_every == 0:
                history.append({"iteration": progress.iteration, "cost": progress.cost,
                                "seconds": progress.seconds})
            bar.update(1)
            bar.set_postfix(cost=f"{progress.cost:.4f}", refresh=False)
            if progress.test_accuracy is not None and progress.stopped is None:
                bar.write(f"after {progress.iteration + 1} iterations: "
                          f"{_accuracy_text('train', progress.train_accuracy, data.m)}, "
                          f"{_accuracy_text('test', progress.test_accuracy, data.X_test.shape[1])}")
            final = progress
    except KeyboardInterrupt:
        bar.close()
        print("bpviz train: interrupted; nothing was saved", file=sys.stderr)
        return 130
    bar.close()
    if final.stopped == "diverged":
        print(f"bpviz train: {final.message}", file=sys.stderr)
        train_acc = test_acc = None
    else:
        train_acc, test_acc = final.train_accuracy, final.test_accuracy
        if train_acc is not None:
            parts = [_accuracy_text("train", train_acc, data.m)]
        elif recipe.per_sample:
            parts = [f"last epoch loss {final.epoch_cost:.6g}"]
        else:
            parts = [f"final cost {final.cost:.6g}"]
        if data.X_test is not None:
            parts.append(_accuracy_text("test", test_acc, data.X_test.shape[1]))
        print("   ".join([*parts, f"{final.seconds:.2f} s training"]))
    settings = {**recipe.to_dict(), "layer_sizes": net.layer_sizes,
                "mnist_dir": args.mnist_dir, "log_every": args.log_every}
    failed = False
    if json_path is not None:
        result = {"config": settings, "history": history, "train_accuracy": train_acc,
                  "test_accuracy": test_acc, "seconds": final.seconds, "stopped": final.stopped}
        try:
            atomic_write_bytes(json_path, json.dumps(result, indent=1).encode())
        except OSError as exc:
            print(f"bpviz train: error: --json: {write_problem(json_path, exc)}", file=sys.stderr)
            failed = True
    if save_path is not None:
        try:
            save_model(save_path, net, {"recipe": settings})
        except OSError as exc:
            print(f"bpviz train: error: --save: {write_problem(save_path, exc)}; "
                  f"{_save_elsewhere(net, settings, save_path)}", file=sys.stderr)
            failed = True
        else:
            print(f"saved the model to {save_path}", file=sys.stderr)
    if failed:
        return 2
    return 1 if final.stopped == "diverged" else 0
