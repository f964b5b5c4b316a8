"""``bpviz gradcheck``: backprop's gradients against finite differences, or a user's
hand-written update or gradients against backprop, parameter by parameter."""

from __future__ import annotations

import numpy as np

from bpviz.commands import no_row_for_mnist, row_index, with_network_flags
from bpviz.errors import ConfigError
from bpviz.fileio import UnreadableFile, read_limited, shown_path
from bpviz.nn.gradcheck import check_gradients
from bpviz.nn.handwritten import compare, load_user_code
from bpviz.presets import get_preset

#: The largest --user-file read (a Python file of updates is a few kB).
USER_FILE_LIMIT = 1 << 20
#: The MNIST images checked when --examples is not given.
EXAMPLES = 8
#: Above this many parameters, the check samples each array (seeded) and prints a line per array.
FULL_CHECK = 400


def _recipe(args):
    overrides = {key: value for key, value in (("activation", args.activation), ("loss", args.loss),
                                               ("init", args.init), ("seed", args.seed)) if value is not None}
    return with_network_flags(get_preset(args.preset), args, dtype="float64", **overrides)


def _example(recipe, args):
    """The state the check runs on: one row of a toy table, or the first N MNIST images
    (one for a user's file, whose update takes one example)."""
    data = recipe.data()
    if recipe.is_mnist:
        n = min(1 if args.user_file else args.examples or EXAMPLES, data.m)
        return data.X[:, :n], data.Y[:, :n], f"the first {n} training images"
    i = row_index(args.row, data.m)
    return data.X[:, [i]], data.Y[:, [i]], f"row {i + 1} of {recipe.dataset}"


def _check_flags(recipe, args) -> None:
    """Flags that the preset (or --user-file) would silently ignore are refused, by name."""
    no_row_for_mnist(recipe, args, "the MNIST presets take --examples N (the first N training images)")
    if args.examples is None:
        return
    if not recipe.is_mnist:
        raise ConfigError(f"--examples: {recipe.name} is a toy preset, checked on one row of its table; "
                          f"use --row N (--examples is for the MNIST presets)")
    if args.user_file:
        raise ConfigError("--examples: --user-file checks one training image (an update takes one example); "
                          "leave out --examples")


def run_gradcheck(args) -> int:
    recipe = _recipe(args)
    _check_flags(recipe, args)
    net = recipe.network()
    X, Y, where = _example(recipe, args)
    sizes = "-".join(map(str, net.layer_sizes))
    if args.user_file:
        return _run_user_file(args, recipe, net, X, Y, where, sizes)
    n_params = sum(p.size for p in net.params.values())
    rng = np.random.default_rng(0)
    elements = None if n_params <= FULL_CHECK else {
        key: np.sort(rng.choice(p.size, size=min(p.size, args.elements), replace=False))
        for key, p in net.params.items()
    }
    print(f"gradient check: {recipe.name}, {sizes} {recipe.activation}/{recipe.output_activation}, "
          f"{recipe.loss}, on {where}; central differences, h = 1e-05, float64, threshold {args.threshold:g}")
    checks = check_gradients(net, X, Y, elements=elements)
    failed = [c for c in checks if not c.passes(args.threshold)]
    if elements is None:
        print(f"{'parameter':<12}{'backprop':>16}{'finite diff.':>16}{'rel. error':>12}")
        for c in checks:
            mark = "ok" if c.passes(args.threshold) else "FAILS"
            print(f"{c.name:<12}{c.analytic:>16.8g}{c.numeric:>16.8g}{c.error:>12.2e}  {mark}")
    else:
        for key, p in net.params.items():
            mine = [c for c in checks if c.key == key]
            worst = max(mine, key=lambda c: c.error)
            mark = "ok" if worst.passes(args.threshold) else "FAILS"
            print(f"{key} {p.shape}: {len(mine)} of {p.size} elements checked, largest relative error "
                  f"{worst.error:.2e} ({worst.name})  {mark}")
    worst = max(checks, key=lambda c: c.error)
    if failed:
        print(f"{len(failed)} of {len(checks)} gradients fail: {', '.join(c.name for c in failed[:12])}"
              + (" ..." if len(failed) > 12 else ""))
        return 1
    print(f"all {len(checks)} gradients agree (largest relative error {worst.error:.2e}, {worst.name})")
    return 0


def _run_user_file(args, recipe, net, X, Y, where, sizes) -> int:
    try:  # a FIFO would block the read, a device or a huge file never end it
        read_limited(args.user_file, USER_FILE_LIMIT, "your Python file (.py)")
    except UnreadableFile as exc:
        raise ConfigError(f"--user-file: {shown_path(args.user_file)} {exc}") from None
    code = load_user_code(args.user_file)
    result = compare(code, net, X[:, 0], Y[:, 0], recipe.lr)
    print(f"{code.path.name} ({code.kind}, {code.layout} weight layout) against backprop: {recipe.name}, "
          f"{sizes}, on {where}, lr {recipe.lr:g}, threshold {args.threshold:g}")
    flagged = result.flagged(args.threshold)
    shown = result.entries if len(result.entries) <= FULL_CHECK else flagged[:50]
    if code.kind == "update":
        print(f"{'parameter':<12}{'before':>14}{'bpviz update':>16}{'your update':>16}{'rel. error':>12}")
    else:
        print(f"{'parameter':<12}{'bpviz gradient':>16}{'your gradient':>16}{'rel. error':>12}")
    for e in shown:
        mark = "ok" if e.agrees(args.threshold) else "DISAGREES"
        if code.kind == "update":
            before = float(net.params[e.key][e.index])
            print(f"{e.name:<12}{before:>14.8g}{e.ours_new:>16.8g}{e.theirs_new:>16.8g}{e.error:>12.2e}  {mark}")
        else:
            print(f"{e.name:<12}{e.ours:>16.8g}{e.theirs:>16.8g}{e.error:>12.2e}  {mark}")
    if flagged:
        print(f"{len(flagged)} of {len(result.entries)} parameters disagree: "
              f"{', '.join(e.name for e in flagged[:12])}" + (" ..." if len(flagged) > 12 else ""))
        return 1
    print(f"all {len(result.entries)} parameters agree with backprop")
    return 0
