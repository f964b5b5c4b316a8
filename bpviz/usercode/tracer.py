"""The line tracer that runs in the child: for every line of the user's file, what it
wrote to the parameters, to a dict of notation-named arrays, or to a notation-named local.

A change is seen at the next line event of a traced frame (or at its return) and credited
to the line that frame ran before. Values are copied as float64 arrays, exactly as the
code holds them (the parent undoes a "notebook" weight layout).
"""

from __future__ import annotations

import re
import sys

import numpy as np

#: The notation's names (any case): W2, b1, Z1, A0, dA1, dZ2, dW1, db1, and the output's.
_NOTATION = re.compile(r"^(d?)([wbza])(\d+)$", re.IGNORECASE)
_OUTPUT_NAMES = {"y_hat": "AL", "yhat": "AL", "y_pred": "AL", "al": "AL", "dal": "dAL", "dzl": "dZL"}
#: Arrays larger than this are not recorded (a snapshot per line would cost too much).
MAX_RECORDED = 1 << 20
#: The events kept, and the bytes of their copies; past either, recording stops (the
#: report then says so) while the code runs on.
MAX_EVENTS = 100_000
MAX_BYTES = 256 << 20


def notation_name(name: str) -> str | None:
    """"dZ2", "dz2", "DZ2" -> "dZ2"; "w1" -> "W1"; "y_hat" -> "AL"; anything else -> None."""
    if not isinstance(name, str):
        return None
    special = _OUTPUT_NAMES.get(name.lower())
    if special:
        return special
    match = _NOTATION.match(name)
    if not match:
        return None
    d, letter, l = match.groups()
    letter = {"w": "W", "b": "b", "z": "Z", "a": "A"}[letter.lower()]
    return ("d" if d else "") + letter + str(int(l))


def numeric_copy(value) -> np.ndarray | None:
    """A float64 copy of a number or a numeric array; None for anything else (nothing of
    the user's is converted: an object's __array__ is never called here)."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf" or value.size > MAX_RECORDED:
            return None
        return np.array(value, dtype=np.float64)
    if isinstance(value, (float, int, np.floating, np.integer)) and not isinstance(value, bool):
        try:
            return np.array(float(value), dtype=np.float64)
        except OverflowError:
            return None
    return None


class WriteTracer:
    """``with WriteTracer(path, params, progress): function(params, ...)``. ``events`` is a
    list of (line, target, value): target ("param", "W1") for the params dict handed in,
    ("entry", "grads", "dW1") for a notation key of another dict local, ("local", "dZ2")
    for a notation-named local (normalised: dz2 -> dZ2, y_hat -> AL), ("other", "dZ") for
    any other array local."""

    def __init__(self, path: str, params: dict, progress=None):
        self.path = path
        self.params = params
        self.progress = progress
        self.events: list[tuple[int, tuple, np.ndarray]] = []
        self.truncated = False
        self._bytes = 0
        self.return_line: int | None = None
        self.returned = None
        self.first_non_finite: tuple[int, str] | None = None
        self._last: dict = {}  # target key -> (object id, copy)
        self._previous_line: dict = {}  # frame -> the line it ran last
        self._entry = None
        #: (caller's line, function name, the notation names of the arrays passed to it): a
        #: function of the file called on A1 from line 35 is (35, "relu_derivative", ("A1",)).
        self.calls: list[tuple[int, str, tuple[str, ...]]] = []

    def __enter__(self):
        self._saved = sys.gettrace()
        self._snapshot_params(None)  # the state handed in: later writes are changes from it
        sys.settrace(self._global)
        return self

    def __exit__(self, *exc):
        sys.settrace(self._saved)
        return False

    # --- trace functions ------------------------------------------------------------
    def _global(self, frame, event, arg):
        if event != "call" or frame.f_code.co_filename != self.path:
            return None
        if self._entry is None:
            self._entry = frame
        else:
            try:
                self._note_call(frame)
            except Exception:  # noqa: BLE001 - an odd object of theirs must not stop their run
                pass
        return self._local

    def _note_call(self, frame) -> None:
        caller = frame.f_back
        if caller is None or caller not in self._previous_line or len(self.calls) >= 10_000:
            return
        names = {id(v): notation_name(n) for n, v in caller.f_locals.items()
                 if isinstance(v, np.ndarray) and notation_name(n)}
        code = frame.f_code
        args = [frame.f_locals.get(n) for n in code.co_varnames[:code.co_argcount]]
        passed = tuple(names[id(a)] for a in args if id(a) in names)
        if passed:
            self.calls.append((caller.f_lineno, code.co_name, passed))

    def _local(self, frame, event, arg):
        if event not in ("line", "return"):
            return self._local
        previous = self._previous_line.get(frame)
        if previous is not None:
            try:
                self._record(frame, previous)
            except Exception:  # noqa: BLE001 - an odd object of theirs must not stop their run
                pass
        if self.progress is not None:
            self.progress.line = frame.f_lineno
        if event == "line":
            self._previous_line[frame] = frame.f_lineno
        else:
            self._previous_line.pop(frame, None)
            if frame is self._entry:
                self.return_line = frame.f_lineno
                self.returned = arg
        return self._local

    # --- recording ------------------------------------------------------------------
    def _snapshot_params(self, line):
        if isinstance(self.params, dict):
            for key, value in list(self.params.items()):
                name = notation_name(key)
                if name and name[0] in "Wb":
                    self._seen(line, ("param", name), value)

    def _record(self, frame, line: int) -> None:
        self._snapshot_params(line)
        for name, value in list(frame.f_locals.items()):
            if isinstance(value, dict):
                if value is self.params:
                    continue
                for key, item in list(value.items())[:256]:
                    quantity = notation_name(key)
                    if quantity:
                        self._seen(line, ("entry", name, quantity), item, (id(frame), id(value)))
                continue
            quantity = notation_name(name)
            if quantity:
                self._seen(line, ("local", quantity), value, id(frame))
            elif isinstance(value, (np.ndarray, float, np.floating)):  # dZ, err, delta: not judged, but
                self._seen(line, ("other", name), value, id(frame))     # the maker of a wrong value

    def _seen(self, line, target, value, scope=None) -> None:
        key = (target, scope)
        last = self._last.get(key)
        if last is not None and last[0] is value and (
                not isinstance(value, np.ndarray) or np.array_equal(last[1], value, equal_nan=True)):
            return
        copy = numeric_copy(value)
        if copy is None:
            return
        if last is not None and last[1].shape == copy.shape and np.array_equal(last[1], copy, equal_nan=True):
            self._last[key] = (value, last[1])
            return
        self._last[key] = (value, copy)
        if line is None:
            return
        if self.first_non_finite is None and not np.all(np.isfinite(copy)):
            self.first_non_finite = (line, target[-1])
        if len(self.events) >= MAX_EVENTS or self._bytes + copy.nbytes > MAX_BYTES:
            self.truncated = True
            return
        self._bytes += copy.nbytes
        self.events.append((line, target, copy))
