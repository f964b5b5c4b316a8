"""Run the benchmarks: ``./scripts/bench [--only NAME ...] [--repeat N] [--json PATH]``."""

from __future__ import annotations

from bpviz.runtime import configure_blas_threads

configure_blas_threads()  # as the bpviz command does, before numpy loads

import argparse  # noqa: E402
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks import CASES, Row
# Each module registers its cases, and they run in this order: the GUI's last, because a
# training run on the page leaves the process's BLAS threads at the training threads'
# lower priority (bpviz.gui.training.worker.yield_cores_to_the_gui).
from benchmarks import data as _data  # noqa: F401
from benchmarks import nn as _nn  # noqa: F401
from benchmarks import gui as _gui  # noqa: F401
from benchmarks import latency as _latency  # noqa: F401
from benchmarks import bundle as _bundle  # noqa: F401


def _format_value(row: Row) -> str:
    if row.unit == "x":
        return f"{row.value:.3f}x" if row.value < 10 else f"{row.value:.1f}x"
    if row.unit == "s" and row.value < 1:
        return f"{row.value * 1000:.1f} ms"
    return f"{row.value:.3g} {row.unit}"


def _print_table(title: str, rows: list[Row]) -> None:
    print(f"\n## {title}")
    width = max(len(r.name) for r in rows)
    print(f"{'measure':<{width}}  {'median / ratio':>14}  {'runs':>4}  target")
    for row in rows:
        mark = "" if row.ok is None else ("  ok" if row.ok else "  MISSED")
        runs = str(len(row.samples)) if row.samples else "-"
        print(f"{row.name:<{width}}  {_format_value(row):>14}  {runs:>4}  {row.target}{mark}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=sorted(CASES), help="run only these cases")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure (default 5)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, (title, _) in CASES.items():
            print(f"{name:<16} {title}")
        return 0
    if args.repeat < 1:
        parser.error("--repeat: expected a whole number of at least 1")
    print(f"bpviz benchmarks, median of {args.repeat} runs each "
          f"(python {platform.python_version()}, numpy {np.__version__})")
    results = {}
    for name in [name for name in CASES if not args.only or name in args.only]:
        title, fn = CASES[name]
        rows = fn(args.repeat)
        _print_table(title, rows)
        results[name] = {"title": title, "rows": [r.to_json() for r in rows]}
    missed = [r["name"] for c in results.values() for r in c["rows"] if r["ok"] is False]
    print(f"\n{len(missed)} target(s) missed" + (f": {', '.join(missed)}" if missed else ""))
    if args.json:
        payload = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "repeat": args.repeat,
                   "cases": results}
        args.json.write_text(json.dumps(payload, indent=2))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
