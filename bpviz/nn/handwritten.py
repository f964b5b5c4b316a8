"""A user's hand-written backprop: reading its file as Python does, and the records that set
it beside bpviz's, parameter by parameter.

The user's Python file defines ``update(params, x, y, lr) -> params`` (the notebook's
style: one SGD step), ``gradients(params, X, Y) -> grads`` or ``backward(params, X, Y)``.
It never runs in bpviz's process: bpviz.usercode runs it in a child process, on copies
(``params`` holds "W1", "b1", ... in the tutorial's orientation, W^[l] is (n_l, n_{l-1});
a file that sets ``WEIGHT_LAYOUT = "notebook"`` gets and returns every W transposed, as the
notebook keeps them). Anything wrong in the file comes back as a UserCodeError whose
message names the line.
"""

from __future__ import annotations

import io
import os
import tokenize
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bpviz.errors import UserCodeError  # defined there (the sandbox's child needs it without numpy)
from bpviz.fileio import UnreadableFile, read_limited
from bpviz.nn.gradcheck import THRESHOLD, param_name

LAYOUTS = ("tutorial", "notebook")
#: A hand-written update is a page or two; a file this large is something else.
MAX_SOURCE_BYTES = 1 << 20
_EXPECTED = "a Python file (.py) of your update or gradients"
SIGNATURES = {"update": "update(params, x, y, lr) -> params", "gradients": "gradients(params, X, Y) -> grads"}


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


def read_source(path) -> str:
    """The file's text, read as Python reads a .py file (a UTF-8 BOM, or a coding line such
    as ``# -*- coding: latin-1 -*-``, says how), bounded in size."""
    path = Path(path)
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
