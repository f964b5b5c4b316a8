"""The files ``bpviz train`` writes (--save, --json): checked before training, never the
same file twice, and a model that cannot be saved where asked is kept in the temporary
folder, under a name that fits."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from bpviz.errors import ConfigError
from bpviz.fileio import fit_name, name_max, read_problem, same_file, shown_path, write_problem, write_target
from bpviz.nn.serialize import save_model


def check_output(flag: str, path: str | None) -> Path | None:
    """Fail before training, not after, when an output cannot be written: a folder, a
    device or FIFO (/dev/stdout included), a read-only file, a name too long, a missing
    or read-only folder. Returns the path as given."""
    if path is None:
        return None
    try:
        target = write_target(path)
    except OSError as exc:
        raise ConfigError(f"{flag}: {write_problem(path, exc)}") from None
    folder = target.parent
    if not folder.is_dir():
        raise ConfigError(f"{flag}: the folder {shown_path(Path(path).parent)} does not exist; expected a file "
                          f"in an existing folder")
    if not os.access(folder, os.W_OK):
        raise ConfigError(f"{flag}: the folder {shown_path(folder)} is not writable; choose a folder you can "
                          f"write to")
    return Path(path)


def check_folder(flag: str, path: str | None, expected: str) -> None:
    """A folder to read from: refused in words when it is missing, not a folder, or its
    name cannot be looked up (too long, a loop of links)."""
    if path is None:
        return
    try:
        info = os.stat(path)
    except (OSError, ValueError) as exc:
        reason = read_problem(exc, expected) if isinstance(exc, OSError) else f"is not a usable name; expected {expected}"
        raise ConfigError(f"{flag}: {shown_path(path)} {reason}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise ConfigError(f"{flag}: {shown_path(path)} is not a folder; expected {expected}")


def check_distinct(outputs: dict[str, Path | None]) -> None:
    """Two flags may not write the same file (by name, through a link, or a hard link)."""
    given = [(flag, path) for flag, path in outputs.items() if path is not None]
    for i, (flag, path) in enumerate(given):
        for other, other_path in given[i + 1:]:
            if same_file(path, other_path):
                raise ConfigError(f"{other}: {shown_path(other_path)} is the same file as {flag} "
                                  f"{shown_path(path)}; expected two different files")


def fallback_path(wanted: Path) -> Path:
    """Where a model that cannot be saved at ``wanted`` is kept: the temporary folder,
    "bpviz-{name}-{pid}.npz", the name cut to fit the file system."""
    folder = tempfile.gettempdir()
    tail = f"-{os.getpid()}.npz"
    stem = fit_name(wanted.stem, name_max(folder) - len("bpviz-") - len(tail))
    return Path(folder) / f"bpviz-{stem}{tail}"


def save_or_keep(path: Path, net, extra: dict) -> tuple[bool, str]:
    """Save the model at ``path``; else keep it in the temporary folder. Returns whether
    it is at ``path``, and what to tell (no message when all went well)."""
    try:
        save_model(path, net, extra)
    except OSError as exc:
        fallback = fallback_path(path)
        try:
            save_model(fallback, net, extra)
        except OSError as again:
            kept = f"and it could not be kept in the temporary folder either ({write_problem(fallback, again)})"
        else:
            kept = f"the model is kept in {shown_path(fallback)} instead"
        return False, f"--save: {write_problem(path, exc)}; {kept}"
    return True, ""
