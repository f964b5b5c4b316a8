"""The ``bpviz`` command: opens the app by default; sub-commands script the library."""

from __future__ import annotations

import argparse
import sys

from bpviz import __version__
from bpviz.errors import BpvizError

COMMANDS = ("gui",)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bpviz",
        description="See backpropagation: step through the chain rule, train MNIST live.",
        epilog="With no command, bpviz opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"bpviz {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("gui", help="open the app (the default)", description="Open the app.")
    return parser


def _split_default_command(argv: list[str]) -> list[str]:
    """``bpviz`` alone, or with only Qt/app options, means ``bpviz gui``."""
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        return ["gui", *argv]
    return argv


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(_split_default_command(argv))
    try:
        if args.command == "gui":
            from bpviz.gui.app import run_app

            return run_app()
    except BpvizError as exc:
        print(f"bpviz: error: {exc}", file=sys.stderr)
        return 2
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
