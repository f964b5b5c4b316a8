"""Decoded arrays kept as .npy files in the user's cache folder, each named after the file it
came from (its real path, size and modification time, and the cache's format), so that a
second load reads the arrays instead of inflating gzip. Every problem only costs the speed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bpviz.fileio import atomic_write_bytes, fit_name, open_regular

#: Moves the cache folder (tests, a read-only home, a shared machine).
CACHE_DIR_VARIABLE = "BPVIZ_CACHE_DIR"
#: Part of every entry's name: a new format makes the old entries stale.
FORMAT = 1
#: bpviz writes .npy headers of about 128 bytes; a longer one is not ours.
_MAX_NPY_HEADER = 4096
_EXPECTED = "a bpviz cache file (.npy)"


def cache_dir() -> Path | None:
    """bpviz's cache folder: $BPVIZ_CACHE_DIR, else the platform's place for caches with a
    "bpviz" folder in it ($XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS,
    %LOCALAPPDATA% on Windows); None when there is no home to put it in."""
    override = os.environ.get(CACHE_DIR_VARIABLE)
    if override:
        return Path(override)
    try:
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
        elif sys.platform == "darwin":
            base = Path.home() / "Library" / "Caches"
        else:  # the XDG spec ignores a relative path
            xdg = os.environ.get("XDG_CACHE_HOME", "")
            base = xdg if os.path.isabs(xdg) else Path.home() / ".cache"
    except RuntimeError:  # no home folder
        return None
    return Path(base) / "bpviz"


@dataclass(frozen=True)
class Entry:
    """Where the array read from ``source`` is kept: ``path``, valid while the source has
    the ``stamp`` (st_size, st_mtime_ns) it had when the entry was named."""

    path: Path
    source: Path
    stamp: tuple[int, int]

    def load(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray | None:
        """The kept array, read-only, if it is there and exactly ``shape`` and ``dtype``
        (the source's header says what they must be); None on any problem."""
        try:
            file, info = open_regular(self.path, _EXPECTED)
        except Exception:
            return None
        try:
            with file:
                if not _header_fits(file, info.st_size, shape, np.dtype(dtype)):
                    return None
                file.seek(0)
                array = np.load(file, allow_pickle=False)
        except Exception:  # a damaged file in any way: it is read again from the source
            return None
        if type(array) is not np.ndarray or array.shape != shape or array.dtype != dtype:
            return None
        array.flags.writeable = False
        return array

    def store(self, array: np.ndarray) -> None:
        """Keep ``array`` (read from the source, checked) when the cache folder takes it and
        the source is still as it was named; replace whatever had the name (a damaged file,
        a link, a FIFO) and remove this source's stale entries. Quiet on every failure."""
        if _stamp(self.source) != self.stamp:
            return  # it changed while it was read: the array may be of neither version
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)  # never write through a link, nor keep a bad file's mode
            data = io.BytesIO()
            np.save(data, np.ascontiguousarray(array), allow_pickle=False)
            atomic_write_bytes(self.path, data.getbuffer())
        except Exception:  # a folder it cannot write, a full disk, ...: next time, then
            return
        self._remove_stale()

    def _remove_stale(self) -> None:
        prefix = self.path.name.rsplit(".", 2)[0] + "."  # the source's name and real path
        try:
            names = [e.name for e in os.scandir(self.path.parent)]
        except OSError:
            return
        for name in names:
            if name.startswith(prefix) and name.endswith(".npy") and name != self.path.name:
                with contextlib.suppress(OSError):
                    os.unlink(self.path.parent / name)


def entry(source: str | os.PathLike, kind: str) -> Entry | None:
    """The cache entry of the regular file ``source`` in the ``kind`` folder of the cache
    ("mnist"); None when there is no cache folder or the source is no regular file."""
    folder = cache_dir()
    source = Path(source)
    stamp = _stamp(source)
    if folder is None or stamp is None:
        return None
    where = _digest(os.fsencode(os.path.realpath(source)))
    version = _digest(f"{FORMAT} {stamp[0]} {stamp[1]}".encode())
    name = f"{fit_name(source.name, 100)}.{where}.{version}.npy"
    return Entry(folder / kind / name, source, stamp)


def _stamp(source: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(source)
    except (OSError, ValueError):
        return None
    return (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _header_fits(file, size: int, shape: tuple[int, ...], dtype: np.dtype) -> bool:
    """Whether the .npy header in ``file`` declares ``shape`` and ``dtype`` in C order and
    the file holds exactly that much data: checked before numpy allocates anything."""
    version = np.lib.format.read_magic(file)
    read = {(1, 0): np.lib.format.read_array_header_1_0,
            (2, 0): np.lib.format.read_array_header_2_0}.get(version)
    if read is None:
        return False
    found = read(file, max_header_size=_MAX_NPY_HEADER)
    if found != (shape, False, dtype):
        return False
    return size == file.tell() + int(np.prod(shape, dtype=object)) * dtype.itemsize
