"""Read and write IDX files (the MNIST format), plain or gzip-compressed, with numpy.

An IDX file is a 4-byte magic (0, 0, type code, number of dimensions), one big-endian
uint32 per dimension, then the data in C order, big-endian.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

from bpviz.errors import DataError
from bpviz.fileio import atomic_write_bytes

#: IDX type code -> numpy dtype of the stored (big-endian) data.
TYPE_CODES: dict[int, np.dtype] = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
IMAGES_MAGIC = 0x00000803  # 2051: unsigned bytes, 3 dimensions (count, rows, cols)
LABELS_MAGIC = 0x00000801  # 2049: unsigned bytes, 1 dimension (count)
_MAGIC_NAMES = {IMAGES_MAGIC: "images", LABELS_MAGIC: "labels"}
_GZIP_MAGIC = b"\x1f\x8b"


class IDXError(DataError):
    """An IDX file that cannot be read. ``path`` is the file."""

    def __init__(self, path: str | os.PathLike, message: str):
        self.path = Path(path)
        super().__init__(f"{self.path}: {message}")


class IDXFileNotFoundError(IDXError, FileNotFoundError):
    """The file (or every name it may go by) does not exist."""


class IDXNotGzipError(IDXError):
    """A file named .gz whose bytes are not gzip."""


class IDXMagicError(IDXError):
    """The 4-byte magic number is not the one expected."""


class IDXTruncatedError(IDXError):
    """The header or the data ends early."""


class IDXCountMismatchError(IDXError):
    """An images file and a labels file hold different numbers of items."""


class IDXFormatError(IDXError):
    """Anything else malformed: damaged gzip data, trailing bytes, unknown type code."""


def _describe_magic(magic: int) -> str:
    name = _MAGIC_NAMES.get(magic)
    return f"{magic} (0x{magic:08X}{', ' + name if name else ''})"


def _read_bytes(path: Path) -> bytes:
    """The file's content, decompressed when it is gzip."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IDXFileNotFoundError(path, "file not found") from None
    except IsADirectoryError:
        raise IDXFileNotFoundError(path, "expected an IDX file, found a directory") from None
    except OSError as exc:
        raise IDXFormatError(path, f"cannot be read ({exc.strerror or exc})") from None
    named_gz = path.suffix == ".gz"
    is_gz = raw[:2] == _GZIP_MAGIC
    if named_gz and not is_gz:
        found = raw[:4].hex(" ") if raw else "an empty file"
        raise IDXNotGzipError(
            path, f"named .gz but is not gzip: expected bytes 1f 8b at the start, found {found}"
        )
    if not is_gz:
        return raw
    try:
        return gzip.decompress(raw)
    except EOFError:
        raise IDXTruncatedError(path, "the gzip data ends early (the file is truncated)") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise IDXFormatError(path, f"damaged gzip data ({exc})") from None


def _parse(path: Path, data: bytes, expect_magic: int | None) -> np.ndarray:
    if len(data) < 4:
        raise IDXTruncatedError(
            path, f"truncated header: expected at least 4 bytes of magic, found {len(data)}"
        )
    magic = int.from_bytes(data[:4], "big")
    if expect_magic is not None and magic != expect_magic:
        raise IDXMagicError(
            path,
            f"wrong magic number: expected {_describe_magic(expect_magic)}, "
            f"found {_describe_magic(magic)}",
        )
    zero, code, ndim = data[0:2], data[2], data[3]
    if zero != b"\x00\x00" or code not in TYPE_CODES or ndim == 0:
        raise IDXMagicError(
            path,
            f"not an IDX file: expected a magic 00 00 <type 08-0E> <dims 1-255>, "
            f"found {data[:4].hex(' ')}",
        )
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise IDXTruncatedError(
            path,
            f"truncated header: expected {header_len} bytes for {ndim} dimensions, "
            f"found {len(data)}",
        )
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    dtype = TYPE_CODES[code]
    expected = int(np.prod(shape, dtype=object)) * dtype.itemsize
    found = len(data) - header_len
    dims = "x".join(map(str, shape))
    if found < expected:
        raise IDXTruncatedError(
            path,
            f"truncated data: expected {expected} bytes for {dims} {dtype.name}, found {found}",
        )
    if found > expected:
        raise IDXFormatError(
            path,
            f"{found - expected} unexpected bytes after the data: expected {expected} bytes "
            f"for {dims} {dtype.name}, found {found}",
        )
    array = np.frombuffer(data, dtype, offset=header_len).reshape(shape)
    if dtype.byteorder == ">":
        array = array.astype(dtype.newbyteorder("="))
    return array


def read_idx(path: str | os.PathLike, *, expect_magic: int | None = None) -> np.ndarray:
    """Read an IDX file (plain, or gzip whether or not it is named .gz) into an array.

    uint8 data comes back as a read-only view of the file's bytes (no copy); wider
    types are converted to native byte order. ``expect_magic`` checks the magic number,
    e.g. :data:`IMAGES_MAGIC`. Raises an :class:`IDXError` subclass naming the file.
    """
    path = Path(path)
    return _parse(path, _read_bytes(path), expect_magic)


def read_images(path: str | os.PathLike) -> np.ndarray:
    """An images file (magic 2051) as a (count, rows, cols) uint8 array."""
    return read_idx(path, expect_magic=IMAGES_MAGIC)


def read_labels(path: str | os.PathLike) -> np.ndarray:
    """A labels file (magic 2049) as a (count,) uint8 array."""
    return read_idx(path, expect_magic=LABELS_MAGIC)


def read_labelled(
    images_path: str | os.PathLike, labels_path: str | os.PathLike
) -> tuple[np.ndarray, np.ndarray]:
    """An images file and its labels file, checked to hold the same number of items."""
    images = read_images(images_path)
    labels = read_labels(labels_path)
    if len(images) != len(labels):
        raise IDXCountMismatchError(
            labels_path,
            f"holds {len(labels)} labels, but {Path(images_path).name} holds "
            f"{len(images)} images: expected the same count",
        )
    return images, labels


def encode_idx(array: np.ndarray) -> bytes:
    """The IDX bytes (uncompressed) of an array of a type IDX can store."""
    array = np.asarray(array)
    for code, dtype in TYPE_CODES.items():
        if array.dtype.kind == dtype.kind and array.dtype.itemsize == dtype.itemsize:
            break
    else:
        allowed = ", ".join(sorted(d.name for d in TYPE_CODES.values()))
        raise DataError(f"IDX cannot store dtype {array.dtype}: expected one of {allowed}")
    if not 1 <= array.ndim <= 255:
        raise DataError(f"IDX stores 1 to 255 dimensions, found {array.ndim}")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    return header + np.ascontiguousarray(array, dtype=dtype).tobytes()


def write_idx(path: str | os.PathLike, array: np.ndarray) -> Path:
    """Write ``array`` as an IDX file, gzip-compressed when ``path`` ends in .gz.

    The write is atomic: an existing file is replaced only once the new one is complete.
    """
    path = Path(path)
    data = encode_idx(array)
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=6, mtime=0)
    return atomic_write_bytes(path, data)
