"""Atomic file writes: a temporary file beside the target, fsync, then rename."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the
    file is renamed over the target. If anything fails, the target is left untouched.
    """
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(target.parent)
    return target


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def write_problem(path: str | os.PathLike, exc: OSError) -> str:
    """A one-line message for a write that failed: the file, why, and what to do."""
    reasons = {
        errno.ENOSPC: "the disk is full; free some space or choose another disk",
        errno.EDQUOT: "the disk quota is used up; free some space or choose another disk",
        errno.EROFS: "the folder is on a read-only disk; choose a folder you can write to",
        errno.EACCES: "permission denied; choose a folder you can write to",
        errno.EPERM: "permission denied; choose a folder you can write to",
        errno.ENOENT: "the folder does not exist; choose an existing folder",
        errno.EISDIR: "that is a folder; expected a file name",
    }
    reason = reasons.get(exc.errno) or f"{exc.strerror or exc}; choose another file"
    return f"{Path(path)}: could not write: {reason}"


def read_problem(exc: OSError) -> str:
    """Why a file could not be read, and what was expected (the caller names the file)."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied; expected a file you can read"
    if exc.errno == errno.EISDIR:
        return "is a folder; expected a file"
    return f"cannot be read ({exc.strerror or exc}); expected a file you can read"
