"""Check a user's file against backprop: run it in a child on every row (within a budget)
and, for a gradients file, on all of them at once; judge what each line wrote."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bpviz.nn.network import Network
from bpviz.usercode.report import Report
from bpviz.usercode.sandbox import Limits

#: The rows checked when no budget is given (each is one call of the user's function).
ROWS_BUDGET = 64


def check_file(path, net: Network, X: np.ndarray, Y: np.ndarray, lr: float, *,
               rows: Sequence[int] | None = None, budget: int = ROWS_BUDGET,
               limits: Limits = Limits(), cancel=None) -> Report:
    """Run the user's file at ``path`` on the table's columns X (n_0, m), Y (n_L, m) and
    judge it against ``net``'s backprop (which it never touches). ``rows`` picks columns
    (0-based; default all, at most ``budget``). Blocking; ``cancel`` (a threading.Event)
    stops it. Raises UserCodeError with a message naming the file and line."""
    return start_check(path, net, X, Y, lr, rows=rows, budget=budget, limits=limits).wait(cancel)


def start_check(path, net: Network, X, Y, lr: float, *, rows=None, budget: int = ROWS_BUDGET,
                limits: Limits = Limits()) -> "CheckJob":
    """The same, without waiting: poll ``job.done()`` (from a timer), then ``job.report()``;
    ``job.cancel()`` stops the child; ``job.line`` is the line it runs now."""
    raise NotImplementedError  # filled in by the engine (this session)


class CheckJob:
    line: int
    elapsed: float

    def done(self) -> bool: ...
    def cancel(self) -> None: ...
    def report(self) -> Report: ...
    def wait(self, cancel=None) -> Report: ...
