"""What a check of a user's file finds: for each wrong line, the elements it wrote wrong,
the cause, and the rows of the table that reveal it. Plain, immutable data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bpviz.nn.handwritten import Comparison

#: The causes, each tested on the numbers (see diagnose), in the order they are tried.
STALE_READ = "stale read"          # the right formula with a parameter an earlier line already updated
SWAPPED = "swapped index"          # the right value of another element of the same quantity
TRANSPOSED = "not transposed"      # W where Wᵀ belongs (or a whole array transposed)
WRONG_OPERAND = "wrong operand"    # the right formula with one quantity replaced by another
SIGN = "sign"                      # the right value with its sign flipped
MISSING_FACTOR = "missing factor"  # g′, the 2 of a square, 1/m, the input ... left out
EXTRA_FACTOR = "extra factor"      # one of those multiplied in once too often
NOT_SUMMED = "not summed"          # a bias gradient kept per example instead of summed over them
DERIVATIVE_AT_A = "derivative at A"  # g′ evaluated at A[l] where it belongs at Z[l]
DIFFERS = "differs"                # none of the above: how far off it is
CAUSES = (STALE_READ, SWAPPED, TRANSPOSED, WRONG_OPERAND, SIGN, MISSING_FACTOR, EXTRA_FACTOR,
          NOT_SUMMED, DERIVATIVE_AT_A, DIFFERS)


@dataclass(frozen=True)
class Cause:
    kind: str                    # one of CAUSES
    text: str                    # a sentence for people: "reads W2 after lines 29-30 updated it"
    lines: tuple[int, ...] = ()  # other lines it names (a stale read: the lines that updated)
    other: str = ""              # the other element or quantity it names ("W2[1][0]", "A2")
    also: tuple[str, ...] = ()   # further causes on the same line (a stale read and a swapped index)

    @property
    def kinds(self) -> tuple[str, ...]:
        return (self.kind, *self.also)


@dataclass(frozen=True)
class Wrong:
    """One element a line wrote wrong: as the user's code names it and in the notation."""

    key: str                 # "W1", "b2" (an update), "dW1", "db1" (gradients) or "dZ1", "A1" ...
    index: tuple[int, int]   # in the tutorial's orientation (W[l] is (n_l, n_l-1))
    name: str                # as the user's code indexes it: "params['W1'][0][1]", "dZ1[1, 0]"
    written: float
    expected: float


@dataclass(frozen=True)
class Finding:
    """A line that wrote wrong values, why, and where it shows."""

    line: int
    code: str                       # the line's text, stripped
    quantity: str                   # what it wrote: "W1", "b2", "dZ1", ...
    cause: Cause
    wrong: tuple[Wrong, ...]        # on the row shown (Report.shown_row)
    rows: tuple[int, ...]           # the table's rows (0-based) on which it shows
    batch: bool = False             # it shows when all the rows are passed at once (m > 1)
    cause_rows: tuple[tuple[str, tuple[int, ...]], ...] = ()  # each cause with the rows that show it

    @property
    def params(self) -> tuple[tuple[str, tuple[int, int]], ...]:
        """The parameters (key, index) whose values this line got wrong: "W1", (0, 1) ..."""
        return tuple((w.key.lstrip("d"), w.index) for w in self.wrong
                     if w.key.lstrip("d")[:1] in ("W", "b") and w.key.lstrip("d")[1:].isdigit())


@dataclass(frozen=True)
class Report:
    path: Path
    kind: str                       # "update", "gradients" or "backward"
    layout: str                     # "tutorial" or "notebook"
    source: str                     # the file's text as run (for the code panel)
    mtime: float                    # its modification time when read
    rows: tuple[int, ...]           # the rows checked, one call each
    batch: bool                     # also called on all of them at once
    shown_row: int                  # a row that reveals the most findings
    findings: tuple[Finding, ...]
    comparison: Comparison          # every parameter on the shown row, as the table shows it
    output: str = ""                # what the code printed (the first few kB)
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. "the budget allowed 50 of 200 rows"

    def finding_at(self, line: int) -> Finding | None:
        return next((f for f in self.findings if f.line == line), None)
