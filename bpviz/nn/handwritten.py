"""A user's hand-written backprop, run on bpviz's state and compared with bpviz's own,
parameter by parameter.

The user's Python file defines either ``update(params, x, y, lr) -> params`` (the
notebook's style: one SGD step) or ``gradients(params, x, y) -> grads``. It is run in this
process, only when asked, on copies: ``params`` holds "W1", "b1", ... in the tutorial's
orientation (W^[l] is (n_l, n_{l-1})), ``x`` is one example as a column (n_0, 1) and ``y``
its target (n_L, 1). A file that sets ``WEIGHT_LAYOUT = "notebook"`` gets and returns
every W transposed, (n_{l-1}, n_l), as the notebook keeps them (it computes
Z = W.T @ A + b). Anything wrong in the file comes back as a UserCodeError whose message
names the line.
"""

from __future__ import annotations

import io
import os
import sys
import tokenize
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bpviz.errors import UserCodeError  # defined there (the sandbox's child needs it without numpy)
from bpviz.fileio import UnreadableFile, read_limited
from bpviz.nn.gradcheck import THRESHOLD, param_name, relative_error
from bpviz.nn.network import Network

LAYOUTS = ("tutorial", "notebook")
#: A hand-written update is a page or two; a file this large is something else.
MAX_SOURCE_BYTES = 1 << 20
_EXPECTED = "a Python file (.py) of your update or gradients"
SIGNATURES = {"update": "update(params, x, y, lr) -> params", "gradients": "gradients(params, x, y) -> grads"}


@dataclass(frozen=True)
class UserCode:
    path: Path
    kind: str  # "update" or "gradients"
    function: object
    layout: str = "tutorial"  # or "notebook": every W transposed

    def to_user(self, key: str, value: np.ndarray) -> np.ndarray:
        """A parameter (or its gradient) as the user's code holds it."""
        return value.T.copy() if self.layout == "notebook" and key.lstrip("d").startswith("W") else value


@dataclass(frozen=True)
class Disagreement:
    """One parameter element: bpviz's gradient and the user's (for an update file, the
    gradient its step implies: (old - new) / lr), and their relative error."""

    key: str
    index: tuple[int, int]
    ours: float
    theirs: float
    error: float
    ours_new: float | None = None  # update files: the parameter after each update
    theirs_new: float | None = None

    def agrees(self, threshold: float = THRESHOLD) -> bool:
        return bool(self.error <= threshold)

    @property
    def name(self) -> str:
        return param_name(self.key, self.index)


@dataclass(frozen=True)
class Comparison:
    path: Path
    kind: str
    entries: tuple[Disagreement, ...]

    def flagged(self, threshold: float = THRESHOLD) -> list[Disagreement]:
        return [e for e in self.entries if not e.agrees(threshold)]

    def entry(self, key: str, index: tuple[int, int]) -> Disagreement | None:
        return next((e for e in self.entries if e.key == key and e.index == tuple(index)), None)


def _where(path: Path, line: int | None, text: str | None = None) -> str:
    where = f"{path.name}, line {line}" if line else path.name
    return where + (f" ({text.strip()})" if text and text.strip() else "")


def load_user_code(path) -> UserCode:
    """Read, compile and run the file's top level; find its update or gradients function."""
    path = Path(path)
    source = _source(path)
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise UserCodeError(f"{_where(path, exc.lineno, exc.text)}: syntax error: {exc.msg}") from None
    namespace = {"__name__": "bpviz_user_code", "__file__": str(path)}
    try:
        exec(code, namespace)  # the user's own code, run because they asked (see module doc)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - their error, theirs to see; exit() must not close bpviz
        raise UserCodeError(_exception_message(path, exc)) from None
    found = [name for name in SIGNATURES if callable(namespace.get(name))]
    if not found:
        raise UserCodeError(
            f"{path.name}: expected a function {SIGNATURES['update']} or {SIGNATURES['gradients']}; "
            "it defines neither"
        )
    kind = "gradients" if "gradients" in found else "update"
    layout = namespace.get("WEIGHT_LAYOUT", "tutorial")
    if layout not in LAYOUTS:
        raise UserCodeError(f"{path.name}: WEIGHT_LAYOUT is {layout!r}; expected \"tutorial\" (W[l] is "
                            f"(n_l, n_l-1)) or \"notebook\" (W[l] is (n_l-1, n_l))")
    return UserCode(path, kind, namespace[kind], layout)


def _source(path: Path) -> str:
    """The file's text, read as Python reads a .py file (a UTF-8 BOM, or a coding line such
    as ``# -*- coding: latin-1 -*-``, says how), bounded in size."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        raise UserCodeError(f"{path}: no such file; expected {_EXPECTED}") from None
    except OSError:
        pass  # reading it says what is wrong
    try:
        data = read_limited(path, MAX_SOURCE_BYTES, _EXPECTED)
    except UnreadableFile as exc:
        raise UserCodeError(f"{path}: {exc}") from None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # no text in its first lines, an unknown coding, or one against the BOM
        encoding = "utf-8"
        if _is_utf8(data):
            raise UserCodeError(f"{path}: its coding line is wrong ({exc.msg}); expected Python source in UTF-8 "
                                f"or in the encoding its coding line names") from None
    try:
        text = data.decode(encoding)
        if "\0" in text:
            raise UserCodeError(f"{path}: holds NUL bytes (line {text.count(chr(10), 0, text.index(chr(0))) + 1}), "
                                f"so it is no text; expected Python source")
        return text
    except UnicodeDecodeError:
        said = "UTF-8" if encoding in ("utf-8", "utf-8-sig") else f"{encoding} (as its coding line says)"
        raise UserCodeError(f"{path}: is not a {said} text file; expected Python source") from None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _exception_message(path: Path, exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    frame = frames[-1] if frames else None
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if frame is None:
        return f"{path.name}: {what}"
    return f"{_where(path, frame.lineno, frame.line)}: {what}"


class _LineWatcher:
    """Follows the user's functions line by line (sys.settrace, their file only): remembers
    the line that first made a value NaN or infinite, and the line that returned."""

    def __init__(self, path: Path):
        self.path = str(path)
        self.first_bad: tuple[int, str] | None = None
        self.return_line: int | None = None
        self._previous: dict[int, int] = {}

    def __enter__(self):
        self._saved = sys.gettrace()
        sys.settrace(self._global)
        return self

    def __exit__(self, *exc):
        sys.settrace(self._saved)
        return False

    def _global(self, frame, event, arg):
        return self._local if event == "call" and frame.f_code.co_filename == self.path else None

    def _local(self, frame, event, arg):
        if event in ("line", "return") and self.first_bad is None:
            bad = _non_finite_name(frame.f_locals)
            previous = self._previous.get(id(frame))
            if bad is not None and previous is not None:
                self.first_bad = (previous, bad)
        if event == "line":
            self._previous[id(frame)] = frame.f_lineno
        elif event == "return":
            self.return_line = frame.f_lineno
        return self._local


def _non_finite_name(values: dict) -> str | None:
    for name, value in values.items():
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for key, item in items:
            if isinstance(item, (float, np.floating, np.ndarray)) and np.issubdtype(np.asarray(item).dtype, np.number):
                if not np.all(np.isfinite(item)):
                    return f"{name}[{key!r}]" if key is not None else name
    return None


def run_user_code(code: UserCode, net: Network, x, y, lr: float) -> dict[str, np.ndarray]:
    """Call the user's function on copies of the state; return what it gives, checked:
    the new parameters ("W1", ...) for an update, the gradients ("dW1", ...) otherwise."""
    params = {key: code.to_user(key, np.array(value, dtype=np.float64)) for key, value in net.params.items()}
    x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    args = (params, x, y, float(lr)) if code.kind == "update" else (params, x, y)
    watcher = _LineWatcher(code.path)
    try:
        with np.errstate(all="ignore"), watcher:
            out = code.function(*args)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - shown as a message; exit() must not close bpviz
        raise UserCodeError(_exception_message(code.path, exc)) from None
    at = _where(code.path, watcher.return_line)
    expected = {key: np.shape(code.to_user(key, value)) for key, value in net.params.items()}
    if code.kind == "gradients":
        expected = {"d" + key: shape for key, shape in expected.items()}
    what = "the new parameters" if code.kind == "update" else "the gradients"
    if out is None:
        raise UserCodeError(f"{at}: {code.kind} returned None; expected a dict of {what} with keys "
                            f"{', '.join(expected)} (a missing `return {'params' if code.kind == 'update' else 'grads'}`?)")
    if not isinstance(out, dict):
        raise UserCodeError(f"{at}: {code.kind} returned {type(out).__name__}; expected a dict of {what} "
                            f"with keys {', '.join(expected)}")
    missing = [key for key in expected if key not in out]
    extra = [str(key) for key in out if key not in expected]
    if missing or extra:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unexpected {', '.join(extra)}"]
                                                                       if extra else [])
        raise UserCodeError(f"{at}: {code.kind} returned the keys {', '.join(map(str, out))}: "
                            f"{'; '.join(parts)} (expected {', '.join(expected)})")
    result = {}
    for key, shape in expected.items():
        try:
            value = np.asarray(out[key], dtype=np.float64)
        except (TypeError, ValueError):
            raise UserCodeError(f"{at}: {key} is {type(out[key]).__name__}; expected numbers of shape {shape}") \
                from None
        if value.shape != shape and not (value.size == 1 and np.prod(shape) == 1):
            hint = (" (transposed? W[l] is (n_l, n_l-1); a file that sets WEIGHT_LAYOUT = \"notebook\" "
                    "gets and returns (n_l-1, n_l))") if value.shape == shape[::-1] else ""
            raise UserCodeError(f"{at}: {key} has shape {value.shape}; expected {shape}{hint}")
        value = value.reshape(shape)
        if not np.all(np.isfinite(value)):
            line = watcher.first_bad
            origin = f"{_where(code.path, line[0])} made {line[1]} NaN or infinite" if line else at
            raise UserCodeError(f"{origin}: {key} holds NaN or infinity")
        result[key] = code.to_user(key, value)  # back to bpviz's orientation (a transpose is its own inverse)
    return result


def compare(code: UserCode, net: Network, x, y, lr: float) -> Comparison:
    """Run the user's code and set it beside bpviz's backprop on the same state."""
    theirs = run_user_code(code, net, x, y, lr)
    X = np.asarray(x, dtype=net.dtype).reshape(-1, 1)
    Y = np.asarray(y, dtype=net.dtype).reshape(-1, 1)
    _, cache = net.forward(X)
    grads = net.backward(cache, Y)
    entries = []
    for key, theta in net.params.items():
        ours = np.asarray(grads["d" + key], dtype=np.float64)
        old = np.asarray(theta, dtype=np.float64)
        if code.kind == "update":
            their_new = theirs[key]
            their_grad = (old - their_new) / lr
            ours_new = old - lr * ours
        else:
            their_grad, their_new, ours_new = theirs["d" + key], None, None
        errors = relative_error(ours, their_grad)
        for (j, k), error in np.ndenumerate(errors):
            entries.append(Disagreement(
                key, (j, k), float(ours[j, k]), float(their_grad[j, k]), float(error),
                None if ours_new is None else float(ours_new[j, k]),
                None if their_new is None else float(their_new[j, k]),
            ))
    return Comparison(code.path, code.kind, tuple(entries))
