"""Elementwise work on large arrays, in row blocks: small enough to stay in the CPU's
cache between the several numpy passes an activation makes, and spread over the cores.

numpy runs each elementwise operation on one core while BLAS uses them all for the
matrix products; splitting rows lets the activations and their derivatives use every
core too. Results are bit-for-bit those of the unsplit call.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import numpy as np

#: Arrays smaller than this (elements) are not worth a thread hand-off.
MIN_SPLIT_SIZE = 1 << 16
#: About how many elements one block holds: large enough that the Python overhead per
#: block is small, small enough (1 MiB of float64) to stay near the core across the
#: 3-4 passes of an activation or its derivative (measured: scripts/bench iteration).
BLOCK_SIZE = 1 << 17

_pool: ThreadPoolExecutor | None = None


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _get_pool(workers: int) -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bpviz-rows")
    return _pool


def by_rows(fn: Callable[..., object], *arrays: np.ndarray) -> None:
    """Call ``fn(*blocks)`` on row blocks of ``arrays``, spread over the cores when large.

    The first array sets the rows; every other array has as many rows (and is split the
    same way) or one row (and is passed whole, to broadcast). ``fn`` must work in place
    on its blocks and touch nothing else.
    """
    first = arrays[0]
    n_rows = first.shape[0]
    if first.size < MIN_SPLIT_SIZE or n_rows < 2:
        fn(*arrays)
        return
    row_size = max(1, first.size // n_rows)
    step = max(1, BLOCK_SIZE // row_size)
    starts = list(range(0, n_rows, step))

    def run(block_starts):
        for lo in block_starts:
            hi = lo + step
            fn(*(a if a.shape[0] == 1 else a[lo:hi] for a in arrays))

    parts = min(cores(), len(starts))
    if parts < 2:
        run(starts)
        return
    shares = [starts[i::parts] for i in range(parts)]
    futures = [_get_pool(parts - 1).submit(run, share) for share in shares[1:]]
    run(shares[0])
    for future in futures:
        future.result()
