"""Files in and out: reads bounded in size and refused unless regular files; atomic
writes (a temporary file beside the target, fsync, then rename; several files all or
none) that follow links, keep the replaced file's permissions and refuse devices, FIFOs
and folders."""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import tempfile
import time
import zlib
from pathlib import Path
from typing import BinaryIO

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
    file, info = open_regular(path, expected)
    fd = file.fileno()
    try:
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
        file.close()


def open_regular(path: str | os.PathLike, expected: str) -> tuple[BinaryIO, os.stat_result]:
    """The regular file at ``path`` open for reading (binary, buffered) and its status, or
    UnreadableFile when it cannot be opened or is not a regular file (a FIFO, a device, a
    folder): a FIFO never blocks. ``expected`` names what the file should be, as in
    :func:`read_limited`. The caller closes the file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise UnreadableFile(read_problem(exc, expected)) from None
    try:
        info = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        raise UnreadableFile(read_problem(exc, expected)) from None
    kind = stat.S_IFMT(info.st_mode)
    if kind != stat.S_IFREG:
        os.close(fd)
        raise UnreadableFile(f"is {_KINDS.get(kind, 'not a regular file')}, not a regular file; expected {expected}")
    return os.fdopen(fd, "rb"), info


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


class WriteRefused(OSError):
    """A save refused before anything was written, because of what the target is (a
    device, a FIFO, a folder, a link to an open stream, a read-only file). ``strerror``
    says why and what to do; callers catch it as any OSError of a save."""

    def __init__(self, reason: str, code: int = errno.EINVAL):
        super().__init__(code, reason)


#: A save's temporary file: ".{name}.bpviz{pid}-{8 random}.tmp" beside the target, the
#: name cut short so that the whole fits the folder's NAME_MAX.
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.bpviz(?P<pid>[0-9]+)-[a-z0-9_]{8}\.tmp", re.DOTALL)
#: Room the temporary's name takes beside the target's: "." + ".bpviz" + a pid of up to 10
#: digits + "-" + 8 random characters + ".tmp".
_TEMPORARY_EXTRA = 1 + 6 + 10 + 1 + 8 + 4
#: A temporary file older than this, whose writer holds no lock on it, is a killed save's.
STALE_SECONDS = 180
#: At most this many symbolic links are followed to find the file a save writes.
_MAX_LINKS = 40


def name_max(folder: str | os.PathLike) -> int:
    """The longest file name (in bytes) the folder's file system takes (255 almost everywhere)."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def fit_name(name: str, limit: int) -> str:
    """``name`` cut to at most ``limit`` bytes as the file system stores it, between
    two characters."""
    if len(os.fsencode(name)) <= limit:
        return name
    kept, size = [], 0
    for char in name:  # whole characters (an undecodable byte is one)
        size += len(os.fsencode(char))
        if size > max(limit, 1):
            break
        kept.append(char)
    return "".join(kept) or name[:1]


def write_target(path: str | os.PathLike) -> Path:
    """The file a save to ``path`` writes: ``path`` itself, or the file its symbolic links
    lead to (as editors do: the link stays a link). Refused (WriteRefused) when that is not
    a regular file (a folder, a FIFO, a device, a socket), is reached through a link to an
    open stream (/dev/stdout, /proc/self/fd/1), is a loop of links, has a name longer than
    the file system takes, or is a file that is not writable."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if not text:
        raise WriteRefused("is an empty name; expected a file name", errno.ENOENT)
    current = os.path.join(os.getcwd(), text)
    for _ in range(_MAX_LINKS):
        folder, name = os.path.split(current)
        if name in ("", ".", ".."):
            if os.path.isdir(current):
                raise WriteRefused("is a folder; expected a file name", errno.EISDIR)
            raise WriteRefused("ends with a slash; expected a file name", errno.EISDIR)
        folder = os.path.realpath(folder)
        current = os.path.join(folder, name)
        if _is_proc(folder):
            raise WriteRefused(f"leads to {current}, an open file or stream of a process, not a regular "
                               f"file; choose a file name")
        try:
            link = os.readlink(current)
        except OSError:  # not a link (or not there: a new file)
            break
        current = os.path.join(folder, link)
    else:
        raise WriteRefused("is a loop of symbolic links; choose a file name", errno.ELOOP)
    longest = name_max(folder) if os.path.isdir(folder) else 255
    if len(os.fsencode(name)) > longest:
        raise WriteRefused(f"has a name of {len(os.fsencode(name))} bytes; the file system takes at most "
                           f"{longest}; choose a shorter name", errno.ENAMETOOLONG)
    try:
        info = os.lstat(current)
    except OSError:
        return Path(current)  # a new file (a missing folder is said when it is written)
    kind = stat.S_IFMT(info.st_mode)
    if kind == stat.S_IFDIR:
        raise WriteRefused("is a folder; expected a file name", errno.EISDIR)
    if kind != stat.S_IFREG:
        raise WriteRefused(f"is {_KINDS.get(kind, 'not a regular file')}, not a regular file; "
                           f"choose a file name")
    if not os.access(current, os.W_OK):
        raise WriteRefused("is read-only; make it writable or choose another file", errno.EACCES)
    return Path(current)


def _is_proc(folder: str) -> bool:
    return folder == "/proc" or folder.startswith("/proc/")


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether saves to ``a`` and ``b`` would write the same file: the same path once
    links are followed, or, when both exist, the same file under two names (a hard link)."""
    try:
        first, second = write_target(a), write_target(b)
    except OSError:
        first, second = Path(os.path.realpath(a)), Path(os.path.realpath(b))
    if first == second:
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the
    file is renamed over the target. If anything fails, the target is left untouched.
    The new file keeps the permission bits (and, where allowed, the owner and group) of
    the file it replaces; a new file gets 0666 less the umask. A symbolic link is followed
    (the link stays); a device, a FIFO or a folder is refused (see :func:`write_target`).
    Temporary files that killed saves left in the folder are removed.
    """
    atomic_write_files([(path, data)])
    return Path(path)


def atomic_write_files(files) -> None:
    """Write each ``(path, data)`` of ``files`` as :func:`atomic_write_bytes` does, all or
    none: every file is refused or flushed to its temporary file before the first is
    renamed over its target. When one cannot be written, the temporary files are removed
    and no target has changed; when a rename fails (the folder changed meanwhile), the
    targets renamed before it get their old files back (kept under a second name, where the
    file system has hard links) or, new, are removed. Two paths that lead to one file are
    refused. The OSError raised names the path it is about as its ``filename``."""
    files = [(path, data) for path, data in files]
    staged: list[tuple[Path, str, int]] = []
    renamed: list[tuple[Path, str | None, bool]] = []  # (target, its old file's second name, it existed)
    current = files[0][0] if files else ""
    try:
        targets = []
        for i, (current, _) in enumerate(files):  # every refusal before a byte is written
            targets.append(write_target(current))
            other = next((p for p, _ in files[:i] if same_file(p, current)), None)
            if other is not None:
                raise WriteRefused(f"leads to the same file as {shown_path(other)}; choose another name")
        for (current, data), target in zip(files, targets):
            staged.append(_staged(target, data))
        for (current, _), (target, tmp_name, _) in zip(files, staged):
            existed = os.path.lexists(target)
            kept = _kept(target) if existed and len(staged) > 1 else None
            os.replace(tmp_name, target)
            renamed.append((target, kept, existed))
    except BaseException as exc:
        for target, kept, existed in reversed(renamed):
            _put_back(target, kept, existed)
        for _, tmp_name, _ in staged[len(renamed):]:
            _unlink(tmp_name)
        if isinstance(exc, OSError):
            exc.filename = os.fspath(current)
        raise
    finally:
        for _, _, fd in staged:
            os.close(fd)
    for _, kept, _ in renamed:
        if kept:
            _unlink(kept)
    for folder in {target.parent for target, _, _ in renamed}:
        _fsync_dir(folder)


def _staged(target: Path, data: bytes) -> tuple[Path, str, int]:
    """``data`` in a temporary file beside ``target``, flushed to disk and locked: (the
    target, the temporary's name, its open descriptor). Nothing is left when it fails."""
    folder = target.parent
    try:
        replaced = os.stat(target)
    except OSError:
        replaced = None
    remove_leftovers(folder, target.name)
    fd, tmp_name = tempfile.mkstemp(prefix=_temporary_prefix(target), suffix=".tmp", dir=folder)
    try:
        _lock(fd)  # says "its writer is here" to remove_leftovers in other processes
        _take_over(fd, replaced)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink(tmp_name)
        raise
    return target, tmp_name, fd


def _temporary_prefix(target: Path) -> str:
    return f".{fit_name(target.name, name_max(target.parent) - _TEMPORARY_EXTRA)}.bpviz{os.getpid()}-"


def _kept(target: Path) -> str | None:
    """A second name (a hard link, a temporary's name) for the file at ``target``, so that
    it can be put back; None when there is none or the file system has no hard links."""
    for _ in range(8):
        name = os.path.join(target.parent, _temporary_prefix(target) + secrets.token_hex(4) + ".tmp")
        try:
            os.link(target, name)
            return name
        except FileExistsError:
            continue
        except OSError:
            return None
    return None


def _put_back(target: Path, kept: str | None, existed: bool) -> None:
    """Undo a rename over ``target``: its old file back, or, when it was new, no file (an
    old file that could not be kept is gone: the new one stays, whole)."""
    try:
        if kept:
            os.replace(kept, target)
        elif not existed:
            os.unlink(target)
    except OSError:
        pass


def _unlink(name: str) -> None:
    try:
        os.unlink(name)
    except FileNotFoundError:
        pass


def _take_over(fd: int, replaced: os.stat_result | None) -> None:
    """Give the temporary file the permissions of the file it replaces (owner and group
    first: changing them clears set-id bits), or those of a new file."""
    try:
        if replaced is None:
            os.fchmod(fd, 0o666 & ~_umask())
            return
        if (replaced.st_uid, replaced.st_gid) != (os.geteuid(), os.getegid()):
            try:
                os.fchown(fd, replaced.st_uid, replaced.st_gid)
            except OSError:  # not root: keep at least the group, if it is one of ours
                try:
                    os.fchown(fd, -1, replaced.st_gid)
                except OSError:
                    pass
        os.fchmod(fd, stat.S_IMODE(replaced.st_mode))
    except (OSError, AttributeError):  # a file system without permissions (FAT), or Windows
        pass


def _umask() -> int:
    """The process's umask, read without changing it where the system says it."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _lock(fd: int) -> None:
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (ImportError, OSError):
        pass


def _writer_gone(path: str, pid: int | None, age: float) -> bool:
    """Whether the save that wrote the temporary file at ``path`` is over: no process holds
    its lock, and its process is gone (or, its pid unknown or taken again, it is stale)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (ImportError, OSError) as exc:
        if not isinstance(exc, ImportError) and exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False  # its writer is still at work
    finally:
        os.close(fd)
    return age > STALE_SECONDS or (pid is not None and not _running(pid))


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True
    return True


def remove_leftovers(folder: str | os.PathLike, name: str | None = None) -> list[str]:
    """Remove the temporary files that killed saves left in ``folder``: bpviz's own
    (".{name}.bpviz{pid}-XXXXXXXX.tmp") whose writer is gone, and, for ``name``, any
    ".{name}.*.tmp" older than :data:`STALE_SECONDS` that no writer holds. Returns the
    names removed; a file that cannot be removed is left."""
    same = None if name is None else f".{fit_name(name, name_max(folder) - _TEMPORARY_EXTRA)}."
    removed, now = [], time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = entry.name
        if not (found.startswith(".") and found.endswith(".tmp")):
            continue
        ours = _TEMPORARY.fullmatch(found)
        if ours is None and not (same is not None and found.startswith(same)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        age = now - info.st_mtime
        pid = int(ours["pid"]) if ours is not None and len(ours["pid"]) <= 10 else None
        if _writer_gone(entry.path, pid, age):
            try:
                os.unlink(entry.path)
                removed.append(found)
            except OSError:
                pass
    return removed


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
        errno.ENOTDIR: "a part of its path is a file, not a folder; choose an existing folder",
        errno.ENAMETOOLONG: "the name is too long for the file system; choose a shorter name",
        errno.ELOOP: "its path is a loop of symbolic links; choose another file",
    }
    if isinstance(exc, WriteRefused):
        reason = exc.strerror
    else:
        reason = reasons.get(exc.errno) or f"{exc.strerror or exc}; choose another file"
    return f"{shown_path(path)}: could not write: {reason}"


def shown_path(path: str | os.PathLike) -> str:
    """A path for a one-line message: control characters escaped, a very long one cut."""
    text = os.fsdecode(os.fspath(path))
    text = str(Path(text)) + ("/" if len(text) > 1 and text.endswith("/") else "") if text else text
    if not text.isprintable():
        text = repr(text)[1:-1]
    return text if len(text) <= 300 else f"{text[:150]}…{text[-100:]}"


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
