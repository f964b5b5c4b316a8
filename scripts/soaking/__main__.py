"""Run the soaks: ``./scripts/soak [--train-cycles N] [--step-cycles M] [--only train|step]
[--seed S] [--keep-runs] [--json PATH]``. Exit 0 when every soak passes, 1 (with the
reasons) when not."""

from __future__ import annotations

from bpviz.runtime import configure_blas_threads

configure_blas_threads()  # as the bpviz command does, before numpy loads

import argparse  # noqa: E402
import faulthandler
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from soaking import MAX_GROWTH_MB, QT_POOL_THREADS, Figures, Sampler, judge, leftover
from soaking.train import CLEAR_EVERY

WARMUP = {"train": 3, "step": 33}  # the step page's warm-up crosses one update's end


def _row(f: Figures) -> list[str]:
    trend = f.trend_mb_per_100()
    b, e = f.baseline, f.end
    return [f.name, str(f.cycles), f"{f.seconds:.1f}", f"{b.rss_mb:.1f}", f"{e.rss_mb:.1f}",
            f"{f.rss_peak_mb:.1f}", f"{f.growth_mb:+.1f}", "-" if trend is None else f"{trend:+.2f}",
            f"{len(b.running_qthreads)} -> {len(e.running_qthreads)}",
            f"{len(b.os_threads)} -> {len(e.os_threads)}",
            f"{len(b.python_threads)} -> {len(e.python_threads)}",
            "pass" if not judge(f) else "FAIL"]


HEADER = ["soak", "cycles", "seconds", "RSS base MB", "end MB", "peak MB", "growth MB",
          "MB/100 cycles", "QThreads", "OS threads", "Py threads", "result"]


def print_table(figures: list[Figures]) -> None:
    rows = [HEADER] + [_row(f) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    for row in rows:
        print("  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))))
    for f in figures:
        print(f"\n{f.name}:")
        trimmed = "-" if f.rss_end_trimmed_mb is None else f"{f.rss_end_trimmed_mb:.1f} MB"
        print(f"  RSS at the end after malloc_trim: {trimmed}")
        for key, value in f.details.items():
            print(f"  {key}: {value}")
        print(f"  OS threads at baseline: {', '.join(f.baseline.os_threads)}")
        extra = leftover(f.baseline.os_threads, f.end.os_threads)
        gone = leftover(f.end.os_threads, f.baseline.os_threads)
        if extra or gone:
            print(f"  OS threads at the end: {', '.join(f.end.os_threads)}"
                  f" (new: {', '.join(extra) or '-'}; gone: {', '.join(gone) or '-'})")
        for reason in judge(f):
            print(f"  FAIL: {reason}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/soak", description=__doc__)
    parser.add_argument("--train-cycles", type=int, default=100, metavar="N",
                        help="start/stop cycles of the training worker (default 100)")
    parser.add_argument("--step-cycles", type=int, default=1000, metavar="M",
                        help="step-forward/step-back cycles on the step page (default 1000)")
    parser.add_argument("--only", choices=("train", "step"), help="run only this soak")
    parser.add_argument("--seed", type=int, default=0, help="picks when each stop lands (default 0)")
    parser.add_argument("--keep-runs", action="store_true",
                        help="keep every run on the training plot (by default the soak presses "
                             f"'Clear finished runs' every {CLEAR_EVERY} cycles, as a user would)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    for option in ("train_cycles", "step_cycles"):
        if getattr(args, option) < 1:
            parser.error(f"--{option.replace('_', '-')}: expected a whole number of at least 1")
    faulthandler.enable()  # a crash in Qt still prints where Python was

    import PySide6

    from soaking.app import Crashes, open_window, run_soak, settle
    from soaking.step import StepSoak
    from soaking.train import TrainSoak

    print(f"bpviz soak, seed {args.seed} (python {platform.python_version()}, "
          f"PySide6 {PySide6.__version__}, numpy {np.__version__}); pass: no crash, no thread "
          f"left over, RSS growth <= {MAX_GROWTH_MB:g} MB", flush=True)
    figures: list[Figures] = []
    sampler = Sampler()
    with tempfile.TemporaryDirectory(prefix="bpviz-soak-") as settings_dir:
        window = open_window(settings_dir)
        with Crashes() as crashes:  # after the window: it wraps any hook the app has set
            try:
                if args.only in (None, "train"):
                    soak = TrainSoak(window, np.random.default_rng(args.seed), sampler,
                                     clear_every=0 if args.keep_runs else CLEAR_EVERY)
                    figures.append(run_soak("train", soak, args.train_cycles, WARMUP["train"],
                                            crashes, sampler))
                if args.only in (None, "step"):
                    soak = StepSoak(window, sampler)
                    figures.append(run_soak("step", soak, args.step_cycles, WARMUP["step"],
                                            crashes, sampler))
            finally:
                window.close()  # joins any training thread still going
                settle(2.0)
            closing = crashes.take()
        warnings = dict(crashes.warnings)
    print()
    print_table(figures)
    if warnings:
        print("\nQt warnings (not counted as failures):")
        for message, count in warnings.items():
            print(f"  {count} x {message}")
    failed = [f.name for f in figures if judge(f)]
    for crash in closing:
        print(f"FAIL: closing the window: {crash}")
    failed += ["closing the window"] if closing else []
    print(f"\nThreads: Qt's own pool threads ({', '.join(map(repr, QT_POOL_THREADS))}) may come and go "
          "and are not counted; the unnamed 'python' threads besides the main one are OpenBLAS's, "
          "started by numpy's import.")
    print("FAIL: " + ", ".join(failed) if failed else "PASS")
    if args.json:
        payload = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "seed": args.seed,
                   "max_growth_mb": MAX_GROWTH_MB, "ok": not failed, "qt_warnings": warnings,
                   "closing_crashes": closing,
                   "soaks": {f.name: f.to_json() for f in figures}}
        args.json.write_text(json.dumps(payload, indent=2))
        print(f"wrote {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
