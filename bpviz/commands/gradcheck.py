"""``bpviz gradcheck``: backprop's gradients against finite differences, or a user's
hand-written update or gradients against backprop, parameter by parameter."""

from __future__ import annotations

import json

import numpy as np

from bpviz.commands import no_row_for_mnist, row_index, with_network_flags
from bpviz.commands.streams import say
from bpviz.errors import ConfigError
from bpviz.fileio import UnreadableFile, read_limited, shown_path
from bpviz.nn.gradcheck import check_gradients
from bpviz.presets import get_preset

#: The largest --user-file read (a Python file of updates is a few kB).
USER_FILE_LIMIT = 1 << 20
#: The MNIST images checked when --examples is not given.
EXAMPLES = 8
#: Seconds a user's file may run (--timeout), all its rows together.
TIMEOUT = 10.0
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
    if not args.user_file:
        for flag, value in (("--timeout", args.timeout), ("--budget", args.budget), ("--json", args.json)):
            if value not in (None, False):
                raise ConfigError(f"{flag}: is for --user-file (your own update or gradients); give --user-file "
                                  f"FILE.py or leave out {flag}")
    if args.examples is None:
        return
    if not recipe.is_mnist:
        raise ConfigError(f"--examples: {recipe.name} is a toy preset, checked on one row of its table; "
                          f"use --row N (--examples is for the MNIST presets)")


def run_gradcheck(args) -> int:
    recipe = _recipe(args)
    _check_flags(recipe, args)
    net = recipe.network()
    sizes = "-".join(map(str, net.layer_sizes))
    if args.user_file:
        return _run_user_file(args, recipe, net, sizes)
    X, Y, where = _example(recipe, args)
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
    args.status_if_cut = 1 if failed else 0  # what a reader that stops early (| head) still learns
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


def _user_rows(recipe, args):
    """The columns a user's file is checked on: every row of a toy table (or the one --row
    names), within --budget; the first --examples training images (default 1) of MNIST."""
    data = recipe.data()
    if recipe.is_mnist:
        n = min(args.examples or 1, data.m)
        return data.X[:, :n], data.Y[:, :n], None, f"the first {n} training images" if n > 1 else \
            "the first training image"
    if args.row is not None:
        i = row_index(args.row, data.m)
        return data.X, data.Y, [i], f"row {i + 1} of {recipe.dataset}"
    return data.X, data.Y, None, f"the rows of {recipe.dataset}"


def _run_user_file(args, recipe, net, sizes) -> int:
    from bpviz.nn.handwritten import UserCodeError, read_source
    from bpviz.usercode.check import ROWS_BUDGET, check_file
    from bpviz.usercode.sandbox import Limits

    try:  # a FIFO would block the read, a device or a huge file never end it
        read_limited(args.user_file, USER_FILE_LIMIT, "your Python file (.py)")
    except UnreadableFile as exc:
        raise ConfigError(f"--user-file: {shown_path(args.user_file)} {exc}") from None
    try:  # not text, NUL bytes, a wrong coding line: bpviz cannot read it, as the ones above
        read_source(args.user_file)
    except UserCodeError as exc:
        raise ConfigError(f"--user-file: {exc}") from None
    X, Y, rows, where = _user_rows(recipe, args)
    try:
        report = check_file(args.user_file, net, X, Y, recipe.lr, rows=rows, budget=args.budget or ROWS_BUDGET,
                            limits=Limits(timeout=args.timeout or TIMEOUT), threshold=args.threshold)
    except UserCodeError as exc:  # it did not run to an answer: never a pass
        args.status_if_cut = 1
        if args.json:
            print(json.dumps({"file": str(args.user_file), "passed": False, "error": str(exc),
                              "line": getattr(exc, "line", None)}))
        say(f"bpviz gradcheck: {exc}")
        return 1
    status = 1 if report.findings or report.comparison.flagged(args.threshold) else 0
    args.status_if_cut = status  # what a reader that stops early (| head) still learns
    if args.json:
        print(json.dumps(report_json(report, args, recipe, sizes), indent=1))
        return status
    return _print_report(report, args, recipe, sizes, where)


def _print_report(report, args, recipe, sizes, where) -> int:
    name = shown_path(args.user_file)
    rows = _rows_text(report.rows)
    print(f"{report.path.name} ({report.kind}, {report.layout} weight layout) against backprop: {recipe.name}, "
          f"{sizes}, on {where} ({rows}{', and all at once' if report.batch else ''}), lr {recipe.lr:g}, "
          f"threshold {args.threshold:g}")
    for note in report.notes:
        print(f"note: {note}")
    result = report.comparison
    flagged = result.flagged(args.threshold)
    shown = result.entries if len(result.entries) <= FULL_CHECK else flagged[:50]
    if shown:
        print(f"row {report.shown_row + 1}" + (f", {len(shown)} of the parameters that disagree:"
                                               if len(shown) < len(result.entries) else ":"))
        header = (f"{'parameter':<12}{'before':>14}{'bpviz update':>16}{'your update':>16}" if report.kind == "update"
                  else f"{'parameter':<12}{'bpviz gradient':>16}{'your gradient':>16}")
        print(f"{header}{'rel. error':>12}")
    for e in shown:
        mark = "ok" if e.agrees(args.threshold) else "DISAGREES"
        if report.kind == "update":
            before = e.ours_new + recipe.lr * e.ours
            print(f"{e.name:<12}{before:>14.8g}{e.ours_new:>16.8g}{e.theirs_new:>16.8g}{e.error:>12.2e}  {mark}")
        else:
            print(f"{e.name:<12}{e.ours:>16.8g}{e.theirs:>16.8g}{e.error:>12.2e}  {mark}")
    for finding in report.findings:
        print()
        print(f"{name}:{finding.line}: {finding.code}")
        print(f"    {finding.cause.kind}: {finding.cause.text}")
        for wrong in finding.wrong[:6]:
            print(f"    {wrong.name} is {wrong.written:.8g} where backprop gives {wrong.expected:.8g}")
        if len(finding.wrong) > 6:
            print(f"    ... and {len(finding.wrong) - 6} more elements")
        print(f"    shows on {_shows(finding)}")
        if len(finding.cause_rows) > 1:
            for kind, rows in finding.cause_rows:
                print(f"      {kind}: {_rows_text(rows) if rows else 'all rows at once'}")
    print()
    if report.findings:
        lines = ", ".join(str(f.line) for f in report.findings)
        print(f"{len(report.findings)} line{'s' if len(report.findings) > 1 else ''} wrong ({lines}); "
              f"{len(flagged)} of {len(result.entries)} parameters disagree on row {report.shown_row + 1}"
              + (f": {', '.join(e.name for e in flagged[:12])}" if flagged else "")
              + (" ..." if len(flagged) > 12 else ""))
        return 1
    if flagged:
        print(f"{len(flagged)} of {len(result.entries)} parameters disagree: "
              f"{', '.join(e.name for e in flagged[:12])}" + (" ..." if len(flagged) > 12 else ""))
        return 1
    print(f"all {len(result.entries)} parameters agree with backprop on {rows}")
    return 0


def _rows_text(rows) -> str:
    shown = [r + 1 for r in rows]
    if len(shown) > 2 and shown == list(range(shown[0], shown[-1] + 1)):
        return f"rows {shown[0]}–{shown[-1]}"
    return ("row " if len(shown) == 1 else "rows ") + ", ".join(map(str, shown))


def _shows(finding) -> str:
    parts = [_rows_text(finding.rows)] if finding.rows else []
    if finding.batch:
        parts.append("all rows at once (m > 1)")
    return " and ".join(parts) or "no row"


def report_json(report, args, recipe, sizes) -> dict:
    return {
        "file": str(args.user_file), "kind": report.kind, "layout": report.layout, "preset": recipe.name,
        "layers": sizes, "lr": recipe.lr, "threshold": args.threshold,
        "rows": [r + 1 for r in report.rows], "batch": report.batch, "shown_row": report.shown_row + 1,
        "passed": not report.findings and not report.comparison.flagged(args.threshold),
        "notes": list(report.notes),
        "findings": [{
            "line": f.line, "code": f.code, "quantity": f.quantity, "cause": f.cause.kind,
            "causes": [{"cause": k, "rows": [r + 1 for r in rows]} for k, rows in f.cause_rows],
            "text": f.cause.text, "names_lines": list(f.cause.lines), "other": f.cause.other,
            "rows": [r + 1 for r in f.rows], "batch": f.batch,
            "wrong": [{"name": w.name, "key": w.key, "index": list(w.index), "written": w.written,
                       "expected": w.expected} for w in f.wrong],
        } for f in report.findings],
        "parameters": [{"name": e.name, "key": e.key, "index": list(e.index), "backprop": e.ours,
                        "yours": e.theirs, "error": e.error, "agrees": e.agrees(args.threshold)}
                       for e in report.comparison.entries],
    }
