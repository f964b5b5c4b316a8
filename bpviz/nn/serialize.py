"""Save and load a network as .npz: its parameters plus a JSON header, never pickle.

The file holds one array per parameter ("W1", "b1", ...) and ``bpviz.json``, a string
array with the format version, the network's config and any extra settings (the recipe).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np

from bpviz.errors import BpvizError
from bpviz.fileio import atomic_write_bytes, read_problem
from bpviz.nn.network import Network

FORMAT = "bpviz-model"
VERSION = 1
HEADER_KEY = "bpviz.json"


class ModelFileError(BpvizError, ValueError):
    """A model file that cannot be read back. The message names the file."""

    def __init__(self, path, message: str):
        self.path = Path(path)
        super().__init__(f"{self.path}: {message}")


def save_model(path: str | os.PathLike, net: Network, extra: dict | None = None) -> Path:
    """Write ``net`` to ``path`` (.npz) atomically: a temporary file, fsync, rename."""
    header = {"format": FORMAT, "version": VERSION, "network": net.config, "extra": extra or {}}
    buffer = io.BytesIO()
    np.savez(buffer, **{HEADER_KEY: np.array(json.dumps(header))}, **net.params)
    return atomic_write_bytes(path, buffer.getvalue())


def load_model(path: str | os.PathLike) -> tuple[Network, dict]:
    """The network saved at ``path`` and the extra settings saved with it.

    Refuses anything that is not a bpviz model, saying what it is instead (text, an image,
    a zip that is not an .npz, ...): pickled objects are never loaded.
    """
    path = Path(path)
    try:
        archive = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise ModelFileError(path, "file not found") from None
    except (PermissionError, IsADirectoryError) as exc:
        raise ModelFileError(path, read_problem(exc)) from None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError):
        raise ModelFileError(path, f"{NOT_A_MODEL}, found {_what_it_is(path)}") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ModelFileError(path, f"{NOT_A_MODEL}, found a single NumPy array (.npy)")
    with archive:
        names = archive.zip.namelist()
        if not any(name.endswith(".npy") for name in names):
            raise ModelFileError(path, f"{NOT_A_MODEL}, found a zip file that is not an .npz "
                                       f"(it holds {_listing(names)}, no arrays)")
        if HEADER_KEY not in archive.files:
            raise ModelFileError(path, f"an .npz but not a bpviz model: no {HEADER_KEY} entry "
                                       f"(it holds {_listing(archive.files)})")
        arrays = {key: _array(path, archive, key) for key in archive.files}
    header = _header(path, arrays.pop(HEADER_KEY))
    if header.get("format") != FORMAT:
        raise ModelFileError(path, f"not a bpviz model: format {header.get('format')!r}")
    if header.get("version") != VERSION:
        raise ModelFileError(
            path, f"model format version {header.get('version')!r}; expected version {VERSION}, the one this bpviz reads"
        )
    config = header.get("network", {})
    if not isinstance(config, dict):
        raise ModelFileError(path, "damaged model file: the network settings are not a JSON object")
    try:
        net = Network(config["layer_sizes"], config["activations"], config["loss"],
                      config.get("init", "tutorial"), config.get("seed"), config["dtype"],
                      params=arrays)
    except KeyError as exc:
        raise ModelFileError(path, f"the network settings lack {exc}") from None
    except BpvizError as exc:
        raise ModelFileError(path, f"inconsistent model: {exc}") from None
    return net, header.get("extra", {})


NOT_A_MODEL = "not a bpviz model: expected a .npz (zip) file saved by bpviz"

#: The first bytes of files people open by mistake, and what to call them.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\x93NUMPY", "a single NumPy array (.npy)"),
)


def _what_it_is(path: Path) -> str:
    """What a file numpy cannot open as an archive is, from its first bytes."""
    try:
        with open(path, "rb") as file:
            head = file.read(4096)
    except OSError as exc:
        return f"a file that cannot be read ({exc.strerror or exc})"
    if head.startswith(b"PK"):
        return "a zip file that is cut short or damaged"
    return _kind_of(head)


def _kind_of(head: bytes) -> str:
    """What the first bytes of a file that is not a zip say it is."""
    if not head:
        return "an empty file"
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "a Python pickle, which bpviz never loads"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return "text" if _is_text(head) else "binary data of no kind bpviz knows"


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # only a character cut at the end of what was read
    return True


def _listing(names) -> str:
    names = sorted(names)
    if not names:
        return "nothing"
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def _array(path: Path, archive, key: str) -> np.ndarray:
    """One entry of the archive, refused by name when it holds pickled objects."""
    try:
        return archive[key]
    except ValueError as exc:
        if "pickle" in str(exc) or "Object arrays" in str(exc):
            raise ModelFileError(path, f"{key} holds pickled Python objects (an object array), which bpviz "
                                       f"never loads; expected arrays of numbers as bpviz saves them") from None
        raise ModelFileError(path, f"damaged model file: {key}: expected an array of numbers ({exc})") from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelFileError(path, f"damaged model file: {key} cannot be read ({exc or type(exc).__name__})") from None


def _header(path: Path, value: np.ndarray) -> dict:
    try:
        header = json.loads(str(value))
    except ValueError:
        header = None
    if not isinstance(header, dict):
        raise ModelFileError(path, f"damaged model file: {HEADER_KEY}: expected the JSON settings bpviz writes")
    return header
