"""bpviz's benchmarks: each area registers its cases; the runner prints one table.

A case is a function ``(repeat) -> list[Row]``. It times what it compares side by side in
one run (interleaved), so that ratios hold on a shared, noisy machine. A Row may carry
a target (at most / at least) that the table marks as met or missed.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

CASES: dict[str, tuple[str, Callable[[int], list["Row"]]]] = {}


@dataclass
class Row:
    name: str
    value: float  # the median, or a ratio
    unit: str  # "s", "ms", "x", "MB", "fps", ...
    samples: list[float] = field(default_factory=list)
    target: str = ""  # e.g. "<= 0.3 s"
    ok: bool | None = None  # None: no target

    def to_json(self) -> dict:
        return asdict(self)


def case(name: str, title: str):
    """Register a benchmark case under ``name`` (for --only) with a one-line title."""

    def register(fn: Callable[[int], list[Row]]):
        CASES[name] = (title, fn)
        return fn

    return register


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes (wall clock, perf_counter)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleave(repeat: int, **fns: Callable[[], object]) -> dict[str, list[float]]:
    """Time each of ``fns`` ``repeat`` times, taking turns, so drift hits all alike."""
    samples: dict[str, list[float]] = {key: [] for key in fns}
    for _ in range(repeat):
        for key, fn in fns.items():
            samples[key].append(timed(fn))
    return samples


def median(values: list[float]) -> float:
    return statistics.median(values)


def at_most(name: str, value: float, unit: str, limit: float, samples=()) -> Row:
    return Row(name, value, unit, list(samples), f"<= {limit:g} {unit}", value <= limit)


def at_least(name: str, value: float, unit: str, limit: float, samples=()) -> Row:
    return Row(name, value, unit, list(samples), f">= {limit:g} {unit}", value >= limit)


def info(name: str, value: float, unit: str, samples=()) -> Row:
    return Row(name, value, unit, list(samples))
