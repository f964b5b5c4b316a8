"""Save and load a network as .npz: its parameters plus a JSON header, never pickle.

The file holds one array per parameter ("W1", "b1", ...) and ``bpviz.json``, a string
array with the format version, the network's config and any extra settings (the recipe).
Loading reads the file bounded in size, then inspects the zip (its directory, each
member's flags, compression, declared size and .npy header) before inflating anything:
nothing is given to ``np.load`` and nothing is unpickled.
"""

from __future__ import annotations

import io
import json
import math
import os
import struct
import zipfile
import zlib
from numbers import Integral
from pathlib import Path

import numpy as np
from numpy.lib import format as npy

from bpviz.errors import BpvizError, shown
from bpviz.fileio import UnreadableFile, atomic_write_bytes, read_limited, size_text
from bpviz.nn.activations import ACTIVATIONS
from bpviz.nn.inits import parse_init
from bpviz.nn.losses import LOSSES
from bpviz.nn.network import DTYPES, Network
from bpviz.nn.train import MAX_SEED
from bpviz.presets import MAX_LAYERS, MAX_UNITS, MAX_WEIGHTS

FORMAT = "bpviz-model"
VERSION = 1
HEADER_KEY = "bpviz.json"
#: The most numbers a model may hold: the recipe's most weights, and a bias per unit.
MAX_PARAMS = MAX_WEIGHTS + MAX_UNITS * MAX_LAYERS
#: ... as float64, with room for the header and the zip's own bytes.
MAX_MODEL_BYTES = 8 * MAX_PARAMS + (1 << 20)
#: The JSON header: settings and a recipe, a few kB.
MAX_HEADER_CHARS = 1 << 18
#: A parameter per layer and its bias, and the header.
MAX_MEMBERS = 2 * MAX_LAYERS + 1
#: The zip's directory: a few dozen bytes per member.
MAX_DIRECTORY_BYTES = 64 << 10
_EXPECTED = "a bpviz model (.npz) as bpviz saves it"
#: What can go wrong inside a zip member or a .npy header that the bytes alone decide.
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, struct.error, RuntimeError,
           NotImplementedError, OverflowError, KeyError, TypeError)


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
    a zip that is not an .npz, a member that is encrypted, too large or of the wrong kind,
    NaN weights, ...): pickled objects are never loaded.
    """
    path = Path(path)
    data = _read(path)
    with _open_zip(path, data) as archive:
        arrays = _members(path, archive)
    header = _header(path, arrays.pop(HEADER_KEY))
    if header.get("format") != FORMAT:
        raise ModelFileError(path, f"not a bpviz model: format {shown(header.get('format'))}; expected {FORMAT!r}")
    version = header.get("version")
    if type(version) is not int or version != VERSION:
        raise ModelFileError(
            path, f"model format version {shown(version)}; expected version {VERSION}, the one this bpviz reads"
        )
    config = header.get("network", {})
    if not isinstance(config, dict):
        raise ModelFileError(path, "damaged model file: network: expected the JSON object of settings bpviz writes")
    extra = header.get("extra", {})
    if not isinstance(extra, dict):
        raise ModelFileError(path, f"extra: expected a JSON object of settings, got {shown(extra)}")
    for key, value in arrays.items():
        if not np.isfinite(value).all():
            raise ModelFileError(path, f"{key} holds NaN or infinite values; expected finite weights "
                                       f"(was the model saved from a run that diverged?)")
    try:
        net = Network(*_settings(config), params=arrays)
    except _Bad as exc:
        raise ModelFileError(path, f"network.{exc}") from None
    except BpvizError as exc:
        raise ModelFileError(path, f"inconsistent model: {exc}") from None
    return net, extra


def _read(path: Path) -> bytes:
    try:
        os.lstat(path)
    except FileNotFoundError:
        raise ModelFileError(path, f"file not found; expected {_EXPECTED}") from None
    except OSError:
        pass  # reading it says what is wrong
    try:
        return read_limited(path, MAX_MODEL_BYTES, _EXPECTED)
    except UnreadableFile as exc:
        raise ModelFileError(path, str(exc)) from None


def _open_zip(path: Path, data: bytes) -> zipfile.ZipFile:
    """The zip in ``data``, its directory checked small before zipfile reads it."""
    if not data.startswith(b"PK"):
        raise ModelFileError(path, f"{NOT_A_MODEL}, found {_kind_of(data[:4096])}")
    _check_directory(path, data)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGE:
        raise ModelFileError(path, f"{NOT_A_MODEL}, found a zip file that is cut short or damaged") from None


def _check_directory(path: Path, data: bytes) -> None:
    """Refuse a zip whose directory (as zipfile will find it: the last end record) lists
    more members or bytes than a model has, or that needs zip64 (archives over 4 GB)."""
    end = len(data) - 22
    if not (end >= 0 and data[end:end + 4] == b"PK\x05\x06" and data[-2:] == b"\0\0"):
        end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or len(data) - end < 22:
        return  # no end record: zipfile will say the zip is damaged
    entries, directory = struct.unpack("<4s4H2LH", data[end:end + 22])[4:6]
    if data[max(0, end - 20):end].startswith(b"PK\x06\x07") or entries > MAX_MEMBERS or directory > MAX_DIRECTORY_BYTES:
        raise ModelFileError(path, f"{NOT_A_MODEL}, found a zip of {entries:,} members in a {size_text(directory)} "
                                   f"directory; expected at most {MAX_MEMBERS} arrays, as a model has")


def _members(path: Path, archive: zipfile.ZipFile) -> dict[str, np.ndarray]:
    """Every member of the archive as an array of numbers (the header as text), each
    checked before it is inflated: a refusal names the member and what was expected."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if not any(name.endswith(".npy") for name in names):
        raise ModelFileError(path, f"{NOT_A_MODEL}, found a zip file that is not an .npz "
                                   f"(it holds {_listing(names)}, no arrays)")
    if f"{HEADER_KEY}.npy" not in names:
        raise ModelFileError(path, f"an .npz but not a bpviz model: no {HEADER_KEY} entry "
                                   f"(it holds {_listing(n[:-4] if n.endswith('.npy') else n for n in names)})")
    if len(infos) > MAX_MEMBERS or len(set(names)) != len(names):
        raise ModelFileError(path, f"holds {len(infos)} members ({_listing(names)}); expected at most "
                                   f"{MAX_MEMBERS} arrays, each once")
    if sum(info.file_size for info in infos) > MAX_MODEL_BYTES:
        raise ModelFileError(path, f"declares {size_text(sum(info.file_size for info in infos))} unpacked; "
                                   f"expected a model of at most {size_text(MAX_MODEL_BYTES)}")
    arrays = {}
    for info in infos:
        key = info.filename[:-4]
        if not info.filename.endswith(".npy"):
            raise ModelFileError(path, f"{info.filename} is no array; expected only arrays (.npy) as bpviz saves them")
        if info.flag_bits & 0x1:
            raise ModelFileError(path, f"{key} is encrypted; expected the plain arrays bpviz saves")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ModelFileError(path, f"{key} uses compression method {info.compress_type}; expected stored "
                                       f"or deflated arrays as numpy writes them")
        try:
            arrays[key] = _array(path, archive, info, key)
        except ModelFileError:  # a ValueError too, already in words
            raise
        except _DAMAGE as exc:
            raise ModelFileError(path, f"damaged model file: {key} cannot be read ({shown(str(exc), 80) if str(exc) else type(exc).__name__}); "
                                       f"expected an array as numpy saves it") from None
    return arrays


def _array(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> np.ndarray:
    """One member: its .npy header read and checked (kind, size) before its data."""
    with archive.open(info) as member:
        version = npy.read_magic(member)
        if version not in ((1, 0), (2, 0)):
            raise ModelFileError(path, f"{key}: .npy format version {version}; expected 1.0 or 2.0 as numpy writes")
        read_header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        shape, fortran, dtype = read_header(member)
        _check_kind(path, key, dtype)
        if any(n < 0 for n in shape):
            raise ModelFileError(path, f"damaged model file: {key} declares shape {shown(shape)}; expected sizes of 0 or more")
        count = math.prod(shape)
        if count > (MAX_HEADER_CHARS if key == HEADER_KEY else MAX_PARAMS):
            raise ModelFileError(path, f"{key} declares shape {shown(shape)}, {count:,} values; expected at most "
                                       f"{MAX_PARAMS:,} numbers in a whole model")
        size = count * dtype.itemsize
        if info.file_size != member.tell() + size:
            raise ModelFileError(path, f"damaged model file: {key} declares {size:,} bytes of data for shape {shape}, "
                                       f"the zip {info.file_size - member.tell():,}; expected the two to agree")
        data = member.read(size)
        member.read(1)  # the end: zipfile checks the member's CRC there
    if len(data) != size:
        raise ModelFileError(path, f"damaged model file: {key} is cut short; expected {size:,} bytes of data")
    return np.frombuffer(data, dtype).reshape(shape, order="F" if fortran else "C")


def _check_kind(path: Path, key: str, dtype: np.dtype) -> None:
    if dtype.hasobject:
        raise ModelFileError(path, f"{key} holds pickled Python objects (an object array), which bpviz "
                                   f"never loads; expected arrays of numbers as bpviz saves them")
    if key == HEADER_KEY:
        if dtype.kind != "U":
            raise ModelFileError(path, f"damaged model file: {HEADER_KEY}: expected the JSON settings as text, "
                                       f"found {dtype}")
    elif dtype.kind != "f" or dtype.fields is not None or dtype.itemsize not in (2, 4, 8):
        raise ModelFileError(path, f"{key} holds {_dtype_words(dtype)}; expected real numbers (float32 or float64) "
                                   f"as bpviz saves weights")


def _dtype_words(dtype: np.dtype) -> str:
    if dtype.fields is not None:
        return "records (a structured array)"
    words = {"c": "complex numbers", "U": "text", "S": "raw bytes", "V": "raw bytes", "b": "booleans",
             "i": "whole numbers", "u": "whole numbers", "M": "dates", "m": "time spans"}
    return f"{words.get(dtype.kind, 'values')} ({dtype})"


class _Bad(Exception):
    pass


def _settings(config: dict) -> tuple:
    """Network's arguments from the header's settings, each of its kind and in range."""
    sizes = config.get("layer_sizes")
    if not isinstance(sizes, list) or not 2 <= len(sizes) <= MAX_LAYERS + 1 or not all(
            isinstance(n, Integral) and not isinstance(n, bool) and 1 <= n <= MAX_UNITS for n in sizes):
        raise _Bad(f"layer_sizes: expected 2 to {MAX_LAYERS + 1} whole numbers from 1 to {MAX_UNITS}, got {shown(sizes)}")
    weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    if weights > MAX_WEIGHTS:
        raise _Bad(f"layer_sizes: {'-'.join(map(str, sizes))} has {weights:,} weights; expected at most {MAX_WEIGHTS:,}")
    activations = config.get("activations")
    names = [activations] if isinstance(activations, str) else activations
    if not isinstance(names, list) or not all(isinstance(n, str) and n in ACTIVATIONS for n in names):
        raise _Bad(f"activations: expected names among {', '.join(ACTIVATIONS)}, got {shown(activations)}")
    for field, allowed in (("loss", LOSSES), ("dtype", DTYPES)):
        if not isinstance(config.get(field), str) or config.get(field) not in allowed:
            raise _Bad(f"{field}: expected one of {', '.join(allowed)}, got {shown(config.get(field))}")
    init = config.get("init", "tutorial")
    try:
        parse_init(init)
    except BpvizError as exc:
        raise _Bad(str(exc)) from None
    seed = config.get("seed")
    if seed is not None and (not isinstance(seed, Integral) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED):
        raise _Bad(f"seed: expected null or a whole number from 0 to {MAX_SEED:,}, got {shown(seed)}")
    return sizes, activations, config["loss"], init, seed, config["dtype"]


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
    names = sorted(name if len(name) <= 40 else name[:37] + "..." for name in names)
    if not names:
        return "nothing"
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def _header(path: Path, value: np.ndarray) -> dict:
    text = str(value.reshape(-1)[0]) if value.size == 1 else None
    try:
        header = json.loads(text) if text is not None else None
    except RecursionError:
        raise ModelFileError(path, f"damaged model file: {HEADER_KEY} is nested deeper than Python reads JSON; "
                                   f"expected the JSON settings bpviz writes") from None
    except json.JSONDecodeError:
        header = None
    except ValueError:  # Python reads no whole number of more than 4,300 digits
        raise ModelFileError(path, f"damaged model file: {HEADER_KEY} holds a whole number of thousands of digits; "
                                   f"expected the JSON settings bpviz writes") from None
    if not isinstance(header, dict):
        raise ModelFileError(path, f"damaged model file: {HEADER_KEY}: expected the JSON settings bpviz writes")
    return header
