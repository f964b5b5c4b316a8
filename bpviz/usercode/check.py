"""Check a user's file against backprop: run it in a child on every row (within a budget)
and, for a gradients file, on all of them at once; judge what each line wrote."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from bpviz.nn.gradcheck import THRESHOLD, relative_error
from bpviz.nn.handwritten import Comparison, Disagreement, UserCodeError, read_source
from bpviz.nn.handwritten import _where as where
from bpviz.nn.network import Network
from bpviz.usercode import report, sandbox
from bpviz.usercode.diagnose import Judge, RunFinding
from bpviz.usercode.streams import writer_of
from bpviz.usercode.reference import Spec, compute
from bpviz.usercode.report import Finding, Report
from bpviz.usercode.sandbox import Limits

#: The rows checked when no budget is given (each is one call of the user's function).
ROWS_BUDGET = 64
#: Above this many parameters a time limit may be the line tracer's cost, and is said so.
BIG = 10_000
#: What the child runs.
WORK = "bpviz.usercode.runner:run_file"
#: Causes that only a call on several rows at once can show; other differences on the
#: batch mean the function was written for one example at a time, which is allowed.
BATCH_CAUSES = {report.NOT_SUMMED}
BATCH_FACTORS = ("1/m",)


def check_file(path, net: Network, X: np.ndarray, Y: np.ndarray, lr: float, *,
               rows: Sequence[int] | None = None, budget: int = ROWS_BUDGET,
               limits: Limits = Limits(), cancel=None, threshold: float = THRESHOLD) -> Report:
    """Run the user's file at ``path`` on the table's columns X (n_0, m), Y (n_L, m) and
    judge it against ``net``'s backprop (which it never touches). ``rows`` picks columns
    (0-based; default all, at most ``budget``). Blocking; ``cancel`` (a threading.Event)
    stops it. Raises UserCodeError with a message naming the file and line."""
    job = start_check(path, net, X, Y, lr, rows=rows, budget=budget, limits=limits, threshold=threshold)
    return job.wait(cancel)


def start_check(path, net: Network, X, Y, lr: float, *, rows=None, budget: int = ROWS_BUDGET,
                limits: Limits = Limits(), threshold: float = THRESHOLD) -> "CheckJob":
    """The same, without waiting: poll ``job.done()`` (from a timer), then ``job.report()``;
    ``job.cancel()`` stops the child; ``job.line`` is the line it runs now."""
    return CheckJob(Path(path), net, X, Y, lr, rows, budget, limits, threshold)


class CheckJob:
    def __init__(self, path: Path, net: Network, X, Y, lr, rows, budget, limits, threshold):
        self.path = path
        self.source = read_source(path)  # read as Python reads it; a bad file is refused here
        try:
            self.mtime = os.stat(path).st_mtime
        except OSError:
            self.mtime = time.time()
        self.spec = Spec.of(net)
        self.params = {key: np.array(value, dtype=np.float64) for key, value in net.params.items()}
        self.X = np.array(X, dtype=np.float64).reshape(net.layer_sizes[0], -1)
        self.Y = np.array(Y, dtype=np.float64).reshape(net.layer_sizes[-1], -1)
        self.lr, self.threshold = float(lr), threshold
        m = self.X.shape[1]
        chosen = list(range(m)) if rows is None else [int(r) for r in rows if 0 <= int(r) < m]
        budget = max(1, int(budget))
        self.notes = []
        if len(chosen) > budget:
            self.notes.append(f"the budget allowed {budget} of {len(chosen)} rows")
            chosen = chosen[:budget]
        self.rows = tuple(chosen)
        runs = [{"row": i, "X": self.X[:, [i]], "Y": self.Y[:, [i]]} for i in self.rows]
        if len(self.rows) > 1:
            columns = list(self.rows)
            runs.append({"row": None, "X": self.X[:, columns], "Y": self.Y[:, columns]})
        request = {"path": str(path), "source": self.source, "params": self.params, "lr": self.lr, "runs": runs}
        self._runs = runs
        self._job = sandbox.start(WORK, request, path, limits, source=self.source)
        self._report: Report | None = None

    @property
    def line(self) -> int:
        return self._job.line

    @property
    def elapsed(self) -> float:
        return self._job.elapsed

    def done(self) -> bool:
        return self._job.done()

    def cancel(self) -> None:
        self._job.cancel()

    def wait(self, cancel=None) -> Report:
        try:
            self._job.wait(cancel)
        except UserCodeError as exc:
            raise self._explained(exc) from None
        return self.report()

    def report(self) -> Report:
        if self._report is None:
            try:
                outcome = self._job.outcome()
            except UserCodeError as exc:
                raise self._explained(exc) from None
            self._report = self._judge(outcome.value, outcome.output)
        return self._report

    def _explained(self, exc: UserCodeError) -> UserCodeError:
        """A time limit on a big network may be the line tracer's cost: say so."""
        size = sum(p.size for p in self.params.values())
        if isinstance(exc, sandbox.Cancelled) or "still running" not in str(exc) or size <= BIG:
            return exc
        return UserCodeError(f"{exc} — bpviz follows every line of your code, and a loop over each of this "
                             f"network's {size:,} parameters is slow under it: check it on a smaller network",
                             line=exc.line)

    # --- from the child's records to a report ----------------------------------------
    def _judge(self, answer: dict, output: str) -> Report:
        kind, layout = answer["kind"], answer["layout"]
        lines = self.source.splitlines()
        per_line: dict[int, list[tuple[int | None, RunFinding]]] = {}
        batch_used = False
        notes = list(self.notes)
        for run, record in zip(self._runs, answer["runs"]):
            batch = run["row"] is None
            if batch and kind == "update":
                continue
            if record["error"]:
                notes.append(f"called with rows {_span(self.rows)} at once (m = {run['X'].shape[1]}), "
                             f"it stopped: {record['error']}")
                continue
            self._check_finite(record)
            if record.get("truncated") and not any("recorded" in note for note in notes):
                notes.append("the line tracer recorded the first 100,000 writes (or 256 MB) of a run; "
                             "later lines are judged by what the function returned")
            if not batch:
                self._check_shapes(kind, record)
            judge = Judge(self.spec, kind, layout, self.params, run["X"], run["Y"], self.lr, record, self.threshold)
            found = judge.findings()
            if batch:
                batch_used = True
                rows_found = {f.line for row_list in per_line.values() for _, f in row_list}
                other = [f for f in found if not _batch_only(f) and f.line not in rows_found]
                found = [f for f in found if _batch_only(f) and f.line not in rows_found]
                if other:
                    notes.append(f"called with rows {_span(self.rows)} at once (m = {run['X'].shape[1]}), "
                                 f"line {other[0].line} gives other values than backprop's mean over them; "
                                 f"the file seems written for one example at a time, and is judged on those")
            for finding in found:
                per_line.setdefault(finding.line, []).append((run["row"], finding))
        if answer.get("precision"):
            notes.append(f"your code returned {' and '.join(answer['precision'])} arrays: their rounding (about 1e-7 "
                         f"of each value, more after a few operations) can exceed the threshold {self.threshold:g}; "
                         f"disagreements that small are rounding, not a wrong line")
        if kind != "update" and len(self.rows) == 1:
            notes.append("one row only (m = 1): a missing 1/m or a sum over the examples cannot show; "
                         "check several rows to see them")
        findings = [self._finding(line, hits, lines) for line, hits in per_line.items()]
        findings.sort(key=lambda f: f.line)
        counts = {row: sum(row in rows for f in findings for _, rows in f.cause_rows) for row in self.rows}
        shown = max(self.rows, key=lambda row: (counts[row], -row)) if self.rows else 0
        findings = [self._on_row(f, per_line[f.line], shown) for f in findings]
        comparison = self._comparison(kind, answer["runs"][self.rows.index(shown)] if self.rows else None, shown)
        return Report(self.path, kind, layout, self.source, self.mtime, self.rows, batch_used, shown,
                      tuple(findings), comparison, output, tuple(notes))

    def _finding(self, line, hits, lines) -> Finding:
        """One line's finding over every run: the cause seen on most rows, with the others
        seen on some; its words from the run that shows the most of them, naming the fewest
        alternatives."""
        kinds = [f.cause.kind for _, f in hits]
        kind = max(dict.fromkeys(kinds), key=kinds.count)
        same = [(row, f) for row, f in hits if f.cause.kind == kind]
        _, best = min(same, key=lambda h: (-len(h[1].cause.kinds), h[1].cause.other.count(" or "), h[0] is None))
        rows = tuple(sorted({row for row, _ in hits if row is not None}))
        every = list(dict.fromkeys(k for _, f in same for k in f.cause.kinds))
        cause_rows = tuple((k, tuple(sorted({row for row, f in same if k in f.cause.kinds and row is not None})))
                           for k in every)
        cause = best.cause
        missing = [k for k in every if k not in cause.kinds]
        if missing:  # a cause no single row shows together with the rest
            cause = replace(cause, also=(*cause.also, *missing))
        code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        return Finding(line, code, best.quantity, cause, best.wrong, rows, any(row is None for row, _ in hits),
                       cause_rows)

    @staticmethod
    def _on_row(finding: Finding, hits, shown: int) -> Finding:
        """The wrong elements as the shown row has them, where it shows there."""
        here = next((f for row, f in hits if row == shown), None)
        if here is None:
            return finding
        return replace(finding, wrong=here.wrong)

    def _check_finite(self, record) -> None:
        for key, value in record["out"].items():
            if not np.all(np.isfinite(value)):
                bad = record.get("first_non_finite")
                line = bad[0] if bad else record["return_line"]
                made = f" made {bad[1]} NaN or infinite" if bad else ""
                raise UserCodeError(f"{_where(self.path, line, self.source)}{made}: {key} holds NaN or infinity",
                                    line=line)

    def _check_shapes(self, kind: str, record) -> None:
        """On one row, every returned array has its parameter's shape (a transpose is named)."""
        for key, value in record["out"].items():
            shape = self.params[key.lstrip("d") if kind != "update" else key].shape
            if value.shape == shape or (value.size == 1 and int(np.prod(shape)) == 1):
                record["out"][key] = value.reshape(shape)
                continue
            if value.shape != shape[::-1]:
                hint = ""
            elif kind == "update":
                hint = (" (transposed? W[l] is (n_l, n_l-1); a file that sets WEIGHT_LAYOUT = \"notebook\" "
                        "gets and returns (n_l-1, n_l))")
            else:
                hint = " (transposed? dW[l] = dZ[l] A[l-1]ᵀ / m has W[l]'s shape (n_l, n_l-1))"
            line = writer_of(record, value) or record["return_line"]
            raise UserCodeError(f"{_where(self.path, line, self.source)}: {key} has shape "
                                f"{value.shape}; expected {shape}{hint}", line=line)

    def _comparison(self, kind: str, record, row: int) -> Comparison:
        """Every parameter on the shown row, bpviz's gradient beside the user's (as the table
        of the debugger has always shown them)."""
        entries = []
        if record is None or record.get("error"):
            return Comparison(self.path, kind, ())
        x, y = self.X[:, [row]], self.Y[:, [row]]
        env = compute(self.spec, self.params, x, y, self.lr)
        for key, old in self.params.items():
            ours = env["d" + key]
            if kind == "update":
                their_new = record["out"][key].reshape(old.shape)
                theirs, ours_new = (old - their_new) / self.lr, old - self.lr * ours
            else:
                theirs, their_new, ours_new = record["out"]["d" + key].reshape(old.shape), None, None
            errors = relative_error(ours, theirs)
            for (j, k), error in np.ndenumerate(errors):
                entries.append(Disagreement(
                    key, (j, k), float(ours[j, k]), float(theirs[j, k]), float(error),
                    None if ours_new is None else float(ours_new[j, k]),
                    None if their_new is None else float(their_new[j, k])))
        return Comparison(self.path, kind, tuple(entries))


def _batch_only(finding: RunFinding) -> bool:
    text = finding.cause.text
    return finding.cause.kind in BATCH_CAUSES or (
        finding.cause.kind in (report.MISSING_FACTOR, report.EXTRA_FACTOR) and "1/m" in text)


def _span(rows) -> str:
    rows = [r + 1 for r in rows]
    return f"{rows[0]}–{rows[-1]}" if rows == list(range(rows[0], rows[-1] + 1)) and len(rows) > 1 else \
        ", ".join(map(str, rows))


def _where(path: Path, line, source: str) -> str:
    """"file.py, line 7 (its text)", as every message about the user's code begins."""
    lines = source.splitlines()
    return where(path, line, lines[line - 1] if line and 0 < line <= len(lines) else None)
