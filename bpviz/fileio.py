"""Files in and out: reads bounded in size and refused unless regular files; atomic
writes (a temporary file beside the target, fsync, then rename)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import zlib
from pathlib import Path

#: What a path may be instead of a regular file, in words.
_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


class UnreadableFile(Exception):
    """Why a file was not read, in words for people; the caller names the file."""


def size_text(n: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def read_limited(path: str | os.PathLike, limit: int, expected: str) -> bytes:
    """The bytes of the regular file at ``path``, refused (UnreadableFile) when it is not a
    regular file (a FIFO, a device, a folder) or holds more than ``limit`` bytes; nothing
    is read beyond ``limit``, and a FIFO never blocks. ``expected`` names what the file
    should be ("a bpviz lesson (.json)") for the message."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise UnreadableFile(read_problem(exc, expected)) from None
    try:
        info = os.fstat(fd)
        kind = stat.S_IFMT(info.st_mode)
        if kind != stat.S_IFREG:
            raise UnreadableFile(f"is {_KINDS.get(kind, 'not a regular file')}, not a regular file; expected {expected}")
        if info.st_size > limit:
            raise UnreadableFile(f"is {size_text(info.st_size)}; expected {expected} of at most {size_text(limit)}")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise UnreadableFile(f"grew past {size_text(limit)} while being read; expected {expected} "
                                     f"of at most {size_text(limit)}")
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(read_problem(exc, expected)) from None
    finally:
        os.close(fd)


def gunzip_limited(data: bytes, limit: int, expected: str) -> bytes:
    """``data`` (gzip) inflated, refused (UnreadableFile) before it inflates past ``limit``
    bytes (a gzip bomb) or when it is not whole gzip."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise UnreadableFile(f"is damaged gzip ({exc}); expected {expected}") from None
    if len(out) > limit:
        raise UnreadableFile(f"inflates to more than {size_text(limit)}; expected {expected} of at most "
                             f"{size_text(limit)} unpacked")
    if not inflater.eof:
        raise UnreadableFile(f"is cut short: its gzip stream does not end; expected {expected}")
    return out


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


def read_problem(exc: OSError, expected: str = "a file") -> str:
    """Why a file could not be read, and what was expected (the caller names the file)."""
    reasons = {
        errno.EACCES: "cannot be read: permission denied", errno.EPERM: "cannot be read: permission denied",
        errno.EISDIR: "is a folder", errno.ENOENT: "does not exist",
        errno.ENOTDIR: "is not there: a part of its path is a file, not a folder",
        errno.ELOOP: "is a loop of symbolic links", errno.ENAMETOOLONG: "has a name too long for the system",
    }
    reason = reasons.get(exc.errno) or f"cannot be read ({exc.strerror or exc})"
    return f"{reason}; expected {expected}{' you can read' if exc.errno in (errno.EACCES, errno.EPERM) else ''}"
