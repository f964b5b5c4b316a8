"""The ``bpviz`` command: opens the app by default; sub-commands script the library."""

from __future__ import annotations

import os
import sys

#: Signals that came while the command line was still being imported (see _note_early).
EARLY_SIGNALS: list[int] = []


def _note_early(signum, frame) -> None:
    EARLY_SIGNALS.append(signum)


def _catch_early_signals() -> None:
    """When this process is the ``bpviz`` command, note a Ctrl-C or SIGTERM that comes
    while the modules load (a KeyboardInterrupt there would print a traceback); main()
    then stops with its one line. Uses the C module: ``signal`` itself takes a while."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if getattr(spec, "name", None) != "bpviz.__main__" and os.path.basename(sys.argv[0] or "") != "bpviz":
        return
    import _signal

    for signum in (_signal.SIGINT, _signal.SIGTERM):
        try:
            _signal.signal(signum, _note_early)
        except (ValueError, OSError):
            pass


_catch_early_signals()

import argparse  # noqa: E402
import errno  # noqa: E402

from bpviz.runtime import configure_blas_threads  # noqa: E402

configure_blas_threads()  # before anything imports numpy

from bpviz import __version__  # noqa: E402
from bpviz.errors import BpvizError  # noqa: E402
from bpviz.numbers import NumberError, decimal, positive, shown, unit_counts, whole  # noqa: E402

COMMANDS = ("gui", "train", "trace", "gradcheck")


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line (naming it) and exits 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")

    def parse_args(self, args=None, namespace=None):
        """As argparse's, but arguments a sub-command does not take are refused by that
        sub-command ("bpviz trace: error: ..."), not by the top parser ("bpviz: error: ...");
        the app's own stay "bpviz: error: ..." (``bpviz`` alone opens it)."""
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            commands = next((a for a in self._actions if isinstance(a, argparse._SubParsersAction)), None)
            command = getattr(namespace, "command", None)
            owner = self
            if commands is not None and command not in (None, "gui"):
                owner = commands.choices.get(command, self)
            owner.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace

    def _get_values(self, action, arg_strings):
        # argparse drops a value "--" ("--row=--") and hands the flag an empty list: refuse it.
        if action.option_strings and arg_strings == ["--"] and action.nargs in (None, "?"):
            self.error(f"argument {'/'.join(action.option_strings)}: expected a value, got '--'")
        return super()._get_values(action, arg_strings)


def _flag(parse):
    """An argparse type from a parser of :mod:`bpviz.numbers`: its message without the
    field's name, which argparse puts in front ("argument --iterations: ...")."""

    def convert(text: str):
        try:
            return parse(text)
        except NumberError as exc:
            raise argparse.ArgumentTypeError(exc.detail) from None

    convert.__name__ = getattr(parse, "__name__", "value")
    return convert


def _count(high: int, low: int = 1, **options):
    """A whole number from ``low`` to ``high`` (ASCII digits only)."""
    return _flag(lambda text: whole(text, "", low, high, **options))


def _limits():
    from bpviz.nn.train import LIMITS, MAX_SEED

    return LIMITS, MAX_SEED


def _positive_number(example: str):
    """An argparse type: a finite number greater than 0 (``example`` says what it is)."""
    return _flag(lambda text: positive(text, "", example=example))


def _seconds_value(text: str) -> float:
    """Seconds, more than 0 and at most an hour."""
    value = positive(text, "", example="seconds, such as 10")
    if value > 3600:
        raise NumberError("", f"expected at most 3600 seconds (an hour), got {shown(text)}")
    return value


_seconds = _flag(_seconds_value)


def _layers(text: str) -> tuple[int, ...]:
    """--layers: every layer after the input, the output included."""
    from bpviz.presets import MAX_LAYERS, MAX_UNITS

    sizes = unit_counts(text, "--layers", MAX_UNITS, MAX_LAYERS, "196,1")
    if not sizes:
        raise NumberError("--layers", f"expected comma-separated unit counts of at least 1, such as 196,1; "
                                      f"got {shown(text)}")
    return sizes


def _hidden(text: str) -> tuple[int, ...]:
    """--hidden: the hidden layers' sizes, as the forms' "Hidden layers" field takes them;
    "none" (or nothing) for no hidden layer."""
    from bpviz.presets import MAX_LAYERS, MAX_UNITS

    if text.strip().lower() in ("", "none"):
        return ()
    return unit_counts(text, "--hidden", MAX_UNITS, MAX_LAYERS - 1, "196 or 392,196,98 (or none)",
                       layers="hidden layers")


class Row(int):
    """--row's number, keeping the text typed (``typed``) for a later message: 1_0 is row 10,
    and "got 1_0" says what was typed."""

    typed: str

    def __new__(cls, value: int, typed: str):
        row = super().__new__(cls, value)
        row.typed = typed
        return row


def _row(text: str) -> Row:
    """--row: a row of a toy table, counted from 1 as the app counts them (checked
    against the table later, when its length is known)."""
    from bpviz.data.toy import MAX_ROWS

    value = whole(text, "--row", -MAX_ROWS, MAX_ROWS,
                  expected=f"a row number such as 1 (rows count from 1, tables have at most {MAX_ROWS:,})")
    return Row(value, text.strip())


def _init(text: str) -> str:
    """--init: tutorial, xavier, he, normal, or constant:<a finite number>."""
    name, colon, value = text.strip().partition(":")
    if name in ("tutorial", "xavier", "he", "normal") and not colon:
        return name
    if name == "constant" and colon:
        try:
            return f"constant:{decimal(value, '--init', example='0.1')!r}"
        except NumberError as exc:
            raise NumberError("--init", f"constant:<number>: {exc.detail}") from None
    raise NumberError("--init", f"expected tutorial, constant:<number> such as constant:0.1, xavier, he or "
                                f"normal, got {shown(text)}")


class _RenamedSample(argparse.Action):
    """--sample (a row from 0) became --row (from 1): say so, with the row it meant."""

    def __call__(self, parser, namespace, values, option_string=None):
        try:
            row = _row(values)
            hint = f"--sample {row} is --row {row + 1}"
        except (TypeError, NumberError):
            hint = "--sample N is --row N+1"
        parser.error(f"argument --sample: renamed --row, which counts from 1 as the app does ({hint}); "
                     f"expected --row N")


def _add_row_flag(parser, help_text: str) -> None:
    parser.add_argument("--row", type=_flag(_row), metavar="N", help=help_text)  # None: not given (row 1)
    parser.add_argument("--sample", nargs="?", action=_RenamedSample, help=argparse.SUPPRESS)


def _add_network_flags(parser, example_hidden: str, output: str) -> None:
    """The flags that change a preset's network: --hidden (or, for scripts, --layers),
    --activation, --loss, --init. ``output`` says where the output layer's size comes from."""
    from bpviz.nn.activations import HIDDEN_ACTIVATIONS
    from bpviz.nn.losses import LOSSES

    layers = parser.add_mutually_exclusive_group()
    layers.add_argument("--hidden", type=_flag(_hidden), metavar="N,N,...",
                        help=f"the hidden layers, between the input and the output, as the app's "
                             f"'Hidden layers' field takes them (e.g. {example_hidden}; 'none' for no "
                             f"hidden layer); the output layer's size follows from the task ({output})")
    layers.add_argument("--layers", type=_flag(_layers), metavar="N,N,...",
                        help=f"for scripts: every layer after the input, the output included (e.g. "
                             f"{example_hidden},1); use --hidden or --layers, not both")
    parser.add_argument("--activation", choices=HIDDEN_ACTIVATIONS, help="the hidden layers' activation")
    parser.add_argument("--loss", choices=list(LOSSES),
                        help="mse (Σ(a-y)²) or quadratic (½Σ(a-y)², the textbooks') for values; bce for 0/1 "
                             "targets; cross_entropy for classes (a softmax output)")
    parser.add_argument("--init", type=_flag(_init), help="tutorial, constant:0.1, xavier, he, or normal "
                                                           "(weights and biases from N(0, 1), as Nielsen's)")


def _add_train_parser(commands) -> None:
    from bpviz.nn.network import DTYPES
    from bpviz.nn.optimizers import OPTIMIZERS
    from bpviz.presets import PRESETS

    limits, max_seed = _limits()
    train = commands.add_parser(
        "train", help="train a network on MNIST from a preset and flags",
        description="Train on MNIST. Flags override the preset's settings.",
    )
    train.add_argument("--preset", choices=list(PRESETS), default="tutorial",
                       help="the recipe to start from (default: tutorial)")
    train.add_argument("--digits", nargs="+", metavar="D",
                       help="two digits such as '5 8', or 'all' for all ten (a softmax output unless "
                            "--output or the preset says otherwise)")
    train.add_argument("--train-size", type=_count(limits["batch_size"]), metavar="N",
                       help="train on the first N examples only (quick runs)")
    _add_network_flags(train, "196", "1 unit for two digits, 10 for --digits all")
    from bpviz.nn.activations import OUTPUT_ACTIVATIONS

    train.add_argument("--output", choices=OUTPUT_ACTIVATIONS,
                       help="the output layer's activation; by default it follows the task (sigmoid for two "
                            "digits, softmax for all ten); sigmoid with --digits all is Nielsen's")
    train.add_argument("--optimizer", choices=list(OPTIMIZERS))
    train.add_argument("--lr", type=_positive_number("a positive number such as 0.1"), help="learning rate, greater than 0")
    length = train.add_mutually_exclusive_group()
    length.add_argument("--iterations", type=_count(limits["iterations"]), metavar="N", help="number of updates")
    length.add_argument("--epochs", type=_count(limits["epochs"]), metavar="N", help="passes over the data")
    train.add_argument("--batch-size", type=_count(limits["batch_size"], words=("full",)), metavar="N|full")
    train.add_argument("--dtype", choices=DTYPES)
    train.add_argument("--seed", type=_count(max_seed, low=0), metavar="N")
    train.add_argument("--eval-every", type=_count(limits["iterations"]), metavar="N",
                       help="also print train/test accuracy every N iterations")
    train.add_argument("--mnist-dir", metavar="DIR", help="read MNIST from DIR instead of the embedded copy")
    train.add_argument("--save", metavar="MODEL.npz", help="save the trained model here")
    train.add_argument("--json", metavar="PATH", help="write the config, history and accuracies as JSON")
    train.add_argument("--log-every", type=_count(limits["iterations"]), default=1, metavar="N",
                       help="one history entry per N iterations (default 1)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_trace_parser(commands) -> None:
    from bpviz.presets import PRESETS, TOY_PRESETS

    trace = commands.add_parser(
        "trace", help="print every chain-rule step of one training update",
        description="Print every forward, loss, backward and update step of one SGD update "
                    "on one example of a toy preset (or, with --mode layers, one step per "
                    "matrix operation of any preset).",
    )
    trace.add_argument("--preset", choices=list(PRESETS), default="notebook-regression",
                       help=f"the network and data (default: notebook-regression; unit mode "
                            f"takes {', '.join(TOY_PRESETS)})")
    _add_network_flags(trace, "3,2", "a unit per target column of a toy table, 1 for two digits, 10 for all ten")
    _add_row_flag(trace, "which row of the table to trace, counted from 1 as the app does (default 1)")
    trace.add_argument("--mode", choices=("units", "layers"), default="units",
                       help="units: every unit and weight (default); layers: one step per matrix")
    trace.add_argument("--format", choices=("text", "json", "markdown", "latex"), default="text",
                       help="text: one line per step (default); json: every field; markdown (maths as $…$) "
                            "or latex (a document pdflatex compiles): the worked example, a block per step")
    trace.add_argument("--paper", choices=("A4", "Letter"),
                       help="--format latex only (the other formats have no pages): the document's paper "
                            "size, \\documentclass[a4paper] or [letterpaper] (default A4)")
    trace.add_argument("--worksheet", action="store_true",
                       help="--format markdown or latex only: each step's numbers and result left as ?, for a "
                            "class to work out in order")


def _add_gradcheck_parser(commands) -> None:
    from bpviz.nn.gradcheck import THRESHOLD
    from bpviz.presets import PRESETS

    limits, max_seed = _limits()
    check = commands.add_parser(
        "gradcheck", help="check backprop's gradients, or your own hand-written ones",
        description="Without --user-file: every gradient of backprop against its central finite "
                    "difference, with the relative error. With --user-file: run YOUR Python file's "
                    "update or gradients in a child process on every row of the table and name each "
                    "wrong line with its cause. Exit status 1 when anything disagrees or your code does "
                    "not run to an answer. Both work in float64.",
    )
    check.add_argument("--preset", choices=list(PRESETS), default="notebook-regression",
                       help="the network and data (default: notebook-regression)")
    _add_network_flags(check, "2", "a unit per target column of a toy table, 1 for two digits, 10 for all ten")
    check.add_argument("--seed", type=_count(max_seed, low=0), metavar="N")
    _add_row_flag(check, "toy presets: which row of the table, counted from 1 as the app does (default 1)")
    check.add_argument("--examples", type=_count(limits["batch_size"]), metavar="N",
                       help="MNIST presets: how many training images (default 8)")
    check.add_argument("--elements", type=_count(limits["batch_size"]), default=20, metavar="K",
                       help="big networks: how many elements of each parameter array to check (default 20)")
    check.add_argument("--threshold", type=_positive_number("a relative error such as 1e-6"), default=THRESHOLD, metavar="E",
                       help=f"the largest relative error that passes (default {THRESHOLD:g})")
    check.add_argument("--user-file", metavar="FILE.py",
                       help="your Python file defining update(params, x, y, lr), gradients(params, X, Y) or "
                            "backward(params, X, Y); it runs in a child process, with your permissions")
    check.add_argument("--timeout", type=_seconds, metavar="S",
                       help="--user-file: the seconds your code may run, all rows together (default 10)")
    check.add_argument("--budget", type=_count(100_000), metavar="N",
                       help="--user-file: the most rows of the table your code is run on (default 64)")
    check.add_argument("--json", action="store_true",
                       help="--user-file: print the findings as JSON (line, cause, elements, rows)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="bpviz",
        description="See backpropagation: step through the chain rule, train MNIST live.",
        epilog="With no command, bpviz opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"bpviz {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    gui = commands.add_parser("gui", help="open the app (the default)", description="Open the app.")
    gui.add_argument("lesson", nargs="?", help="a lesson file (.bpviz, or .json) to open where it was saved")
    # Checks an installed or bundled bpviz (scripts/bundle): open, step through the pass, quit.
    gui.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    _add_train_parser(commands)
    _add_trace_parser(commands)
    _add_gradcheck_parser(commands)
    return parser


def _split_default_command(argv: list[str]) -> list[str]:
    """``bpviz`` alone, or with only app options, means ``bpviz gui``."""
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        return ["gui", *argv]
    return argv


def main(argv: list[str] | None = None) -> int:
    """Run the command; without ``argv`` (the real command line) the process is ours: a
    signal after the command is done is only noted, and stdout is closed quietly when its
    reader or its disk is gone."""
    from bpviz.commands.interrupt import GUARD, Signalled, exit_code, signum_of, words

    owner = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _split_default_command(argv)[0]
    command = command if command in COMMANDS else "gui"  # "bpviz: ..." for --help and --version too
    GUARD.install()
    try:
        if EARLY_SIGNALS:
            raise Signalled(EARLY_SIGNALS[0])
        return _run(argv, owner, command)
    except (Signalled, KeyboardInterrupt) as exc:
        signum = signum_of(exc)
        _say(f"bpviz{'' if command == 'gui' else ' ' + command}: {words(signum)}")
        return exit_code(signum)
    finally:
        if owner:
            GUARD.settle()
        else:
            GUARD.uninstall()


def _run(argv: list[str], owner: bool, command: str) -> int:
    from bpviz.commands.streams import Output, OutputFailed, silence

    stdout = sys.stdout
    if stdout is not None:  # None: started with stdout closed; print() then writes nothing
        sys.stdout = Output(stdout)
    args = None
    try:
        try:
            parser = build_parser()
            args = parser.parse_args(_split_default_command(argv))
            code = _dispatch(args)
            if code is None:
                parser.print_help()
                code = 2
        finally:  # also after --help and --version, which end in SystemExit
            if sys.stdout is not None:
                sys.stdout.flush()  # a full disk says so here, not at exit
        return code
    except BpvizError as exc:
        _say(f"bpviz {command}: error: {exc}")
        return 2
    except OutputFailed as exc:
        if owner:
            silence(stdout)
        if exc.errno == errno.EPIPE:  # the reader went away (`bpviz trace | head`): not an error,
            return getattr(args, "status_if_cut", 0)  # but a failed check stays failed
        _say(f"bpviz{'' if command == 'gui' else ' ' + command}: error: could not write the output "
              f"(standard output): {_output_problem(exc)}")
        return 2
    finally:
        sys.stdout = stdout


def _dispatch(args) -> int | None:
    if args.command == "gui":
        from bpviz.commands.gui import run_gui

        return run_gui(args)
    import numpy as np

    # Overflow in a run asked to diverge (--lr 1e17, --init constant:1e300) is reported by
    # the command in words (a diverged run, a failed check), not as numpy's warnings.
    with np.errstate(all="ignore"):
        return _run_command(args)


def _run_command(args) -> int | None:
    if args.command == "train":
        from bpviz.commands.train import run_train

        return run_train(args)
    if args.command == "trace":
        from bpviz.commands.trace import run_trace

        return run_trace(args)
    if args.command == "gradcheck":
        from bpviz.commands.gradcheck import run_gradcheck

        return run_gradcheck(args)
    return None


def _output_problem(exc) -> str:
    from bpviz.fileio import write_problem

    return write_problem("-", exc).split(": could not write: ", 1)[1]


def _say(line: str) -> None:
    from bpviz.commands.streams import say

    say(line)


if __name__ == "__main__":
    sys.exit(main())
