"""What runs in the child process: compile the user's file, find its function, call it
on copies for every run (a row, or all rows at once) under the line tracer, and hand back
plain data: what it returned and what each line wrote.

``run_file(request, progress)`` is the sandbox's work function. ``request``:
{"path", "source", "params" (tutorial orientation), "lr", "runs": [{"row", "X", "Y"}]}.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import numpy as np

from bpviz.nn.handwritten import LAYOUTS, SIGNATURES, UserCodeError, _exception_message, _where
from bpviz.usercode.tracer import WriteTracer, notation_name

#: The narrow float types the code returned (their rounding can pass a tight threshold).
LOW_PRECISION: set[str] = set()
#: The functions a file may define, the first found wins. ``backward`` is the tutorial's
#: name for the same thing as ``gradients``.
KINDS = ("gradients", "backward", "update")
SIGNATURE = {**SIGNATURES, "backward": "backward(params, X, Y) -> grads"}


def _error(path: Path, exc: BaseException) -> UserCodeError:
    message = _exception_message(path, exc)
    if isinstance(exc, MemoryError):  # numpy's words, or none: say what happened
        message = message.replace("MemoryError", "ran out of memory (MemoryError", 1) + ")"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    return UserCodeError(message, line=frames[-1].lineno if frames else None)


def _line_progress(path: str, progress):
    """A tracer that only says which line of the file runs (for a top level that never ends)."""
    def local(frame, event, arg):
        if progress is not None and event == "line":
            progress.line = frame.f_lineno
        return local

    def global_(frame, event, arg):
        return local if frame.f_code.co_filename == path else None
    return global_


def load(path: Path, source: str, progress=None) -> tuple[str, str, object]:
    """Compile and run the file's top level; (kind, layout, function)."""
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise UserCodeError(f"{_where(path, exc.lineno, exc.text)}: syntax error: {exc.msg}", line=exc.lineno) \
            from None
    namespace = {"__name__": "bpviz_user_code", "__file__": str(path)}
    saved = sys.gettrace()
    sys.settrace(_line_progress(str(path), progress))
    try:
        exec(code, namespace)  # the user's own code, in a child process made for it
    except BaseException as exc:  # noqa: BLE001 - their error, theirs to see, whatever it is
        raise _error(path, exc) from None
    finally:
        sys.settrace(saved)
    kind = next((name for name in KINDS if callable(namespace.get(name))), None)
    if kind is None:
        raise UserCodeError(f"{path.name}: expected a function {SIGNATURE['update']}, {SIGNATURE['gradients']} "
                            f"or {SIGNATURE['backward']}; it defines none of them")
    layout = namespace.get("WEIGHT_LAYOUT", "tutorial")
    if not isinstance(layout, str) or layout not in LAYOUTS:
        raise UserCodeError(f"{path.name}: WEIGHT_LAYOUT is {str(layout)[:40]!r}; expected \"tutorial\" (W[l] is "
                            f"(n_l, n_l-1)) or \"notebook\" (W[l] is (n_l-1, n_l))")
    return kind, layout, namespace[kind]


def to_layout(layout: str, key: str, value: np.ndarray) -> np.ndarray:
    """A weight-like array (W2, dW2) between the tutorial's orientation and the notebook's;
    anything else as it is. A transpose is its own inverse."""
    name = key[1:] if key.startswith("d") else key
    if layout == "notebook" and name[:1] == "W" and np.ndim(value) == 2:
        return np.ascontiguousarray(value.T)
    return value


def _plain(path: Path, kind: str, out, line: int | None, expected: list[str], source: str) -> dict[str, np.ndarray]:
    """The returned dict as float64 arrays; anything else is a message at the return line."""
    lines = source.splitlines()
    at = _where(path, line, lines[line - 1] if line and 0 < line <= len(lines) else None)
    what = "the new parameters" if kind == "update" else "the gradients"
    keys = ", ".join(expected)

    def fail(text):
        return UserCodeError(f"{at}: {text}", line=line)
    if out is None:
        raise fail(f"{kind} returned None; expected a dict of {what} with keys {keys} "
                   f"(a missing `return {'params' if kind == 'update' else 'grads'}`?)")
    if not isinstance(out, dict):
        raise fail(f"{kind} returned {type(out).__name__}; expected a dict of {what} with keys {keys}")
    try:
        names = [str(key)[:40] for key in list(out)[:50]]
    except BaseException:  # noqa: BLE001 - a dict subclass of theirs
        raise fail(f"{kind} returned a dict whose keys cannot be read; expected {keys}") from None
    missing = [key for key in expected if key not in names]
    # A dict of every gradient (dA2, dZ1 beside dW1, db1), as the tutorial keeps it, is fine.
    extra = [key for key in names if key not in expected and (notation_name(key) or "W")[:2] not in ("dA", "dZ")]
    if missing or extra:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unexpected {', '.join(extra)}"]
                                                                       if extra else [])
        raise fail(f"{kind} returned the keys {', '.join(names)}: {'; '.join(parts)} (expected {keys})")
    result = {}
    for key in expected:
        try:
            kinds = getattr(out[key], "dtype", None)
            if isinstance(kinds, np.dtype) and kinds in (np.float32, np.float16):
                LOW_PRECISION.add(str(kinds))
        except BaseException:  # noqa: BLE001 - an attribute of theirs that raises: no matter here
            pass
        try:
            value = np.array(out[key], dtype=np.float64)
        except BaseException as exc:  # noqa: BLE001 - their object's __array__ or __float__ raised
            raise fail(f"{key} cannot be read as numbers ({type(exc).__name__}"
                       f"{': ' + str(exc)[:80] if str(exc) else ''}); expected numbers") from None
        result[key] = value
    return result


def run_file(request: dict, progress=None) -> dict:
    path = Path(request["path"])
    kind, layout, function = load(path, request["source"], progress)
    params0 = request["params"]
    param_keys = list(params0)
    expected = param_keys if kind == "update" else ["d" + key for key in param_keys]
    runs = []
    for run in request["runs"]:
        params = {key: to_layout(layout, key, np.array(value, dtype=np.float64)) for key, value in params0.items()}
        X = np.array(run["X"], dtype=np.float64)
        Y = np.array(run["Y"], dtype=np.float64)
        args = (params, X, Y, float(request["lr"])) if kind == "update" else (params, X, Y)
        tracer = WriteTracer(str(path), params, progress)
        record = {"row": run["row"], "error": None, "line": None}
        try:
            with np.errstate(all="ignore"), tracer:
                out = function(*args)
            values = _plain(path, kind, out, tracer.return_line, expected, request["source"])
        except UserCodeError as exc:
            if run["row"] is not None:
                raise
            record.update(error=str(exc), line=getattr(exc, "line", None))
            runs.append(record)
            continue
        except BaseException as exc:  # noqa: BLE001 - shown as a message, whatever it is
            error = _error(path, exc)
            if run["row"] is not None:
                raise error from None
            record.update(error=str(error), line=error.line)
            runs.append(record)
            continue
        record.update(
            out={key: to_layout(layout, key, value) for key, value in values.items()},
            events=[(line, target, to_layout(layout, target[-1], value)) for line, target, value in tracer.events],
            return_line=tracer.return_line, first_non_finite=tracer.first_non_finite,
            truncated=tracer.truncated, calls=tracer.calls,
        )
        runs.append(record)
    return {"kind": kind, "layout": layout, "runs": runs, "precision": sorted(LOW_PRECISION)}
