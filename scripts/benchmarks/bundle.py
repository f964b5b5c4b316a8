"""The standalone app (scripts/bundle's dist/bpviz/): its size on disk, and its start
times beside the checkout's ``bpviz``, timed in turns. Skipped, saying so, when no bundle
was built."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks import at_most, case, info, interleave, median

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dist" / "bpviz" / "bpviz"
LESSON = ROOT / "resources" / "examples" / "two-layer.bpviz"
MAX_MB = 250


def size_mb(folder: Path) -> float:
    """Megabytes on disk (allocated blocks, as du counts them; links counted once)."""
    seen, total = set(), 0
    for path in folder.rglob("*"):
        stat = path.lstat()
        if (stat.st_dev, stat.st_ino) not in seen:
            seen.add((stat.st_dev, stat.st_ino))
            total += stat.st_blocks * 512
    return total / (1 << 20)


def _run(command: list[str]) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(command, check=True, capture_output=True, env=env, timeout=300)


@case("bundle", "Standalone app (dist/bpviz): size on disk; start times beside the checkout's bpviz")
def bundle(repeat: int):
    if not APP.is_file():
        print("bundle: no bundle at dist/bpviz/bpviz: build it with ./scripts/bundle (skipped)")
        return [info("skipped: no bundle built (./scripts/bundle)", 0, "MB")]
    checkout = [sys.executable, "-m", "bpviz"]
    samples = interleave(
        repeat,
        bundle_version=lambda: _run([str(APP), "--version"]),
        checkout_version=lambda: _run([*checkout, "--version"]),
        bundle_window=lambda: _run([str(APP), "--self-test", str(LESSON)]),
        checkout_window=lambda: _run([*checkout, "--self-test", str(LESSON)]),
    )
    m = {key: median(values) for key, values in samples.items()}
    return [
        at_most("size on disk", size_mb(APP.parent), "MB", MAX_MB),
        info("bundle: bpviz --version", m["bundle_version"], "s", samples["bundle_version"]),
        info("checkout: bpviz --version", m["checkout_version"], "s", samples["checkout_version"]),
        info("bundle: window with a lesson, stepped through, closed (--self-test)", m["bundle_window"], "s",
             samples["bundle_window"]),
        info("checkout: the same", m["checkout_window"], "s", samples["checkout_window"]),
        info("bundle / checkout, --version", m["bundle_version"] / m["checkout_version"], "x"),
        info("bundle / checkout, window", m["bundle_window"] / m["checkout_window"], "x"),
    ]
