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
from bpviz.fileio import UnreadableFile, atomic_write_bytes, gunzip_limited, open_regular, read_limited, size_text

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
#: The most data an IDX file may hold, unpacked: MNIST's training images are 47 MB, and the
#: network reads them as float64 (8 times as much).
MAX_IDX_BYTES = 256 << 20
#: The longest header: the magic and 255 dimensions.
_MAX_HEADER = 4 + 4 * 255
#: How much of a gzip file is enough to inflate the header (the first deflate block's
#: tables come first, a few hundred bytes at most).
_GZIP_HEAD = 64 << 10
_EXPECTED = "an IDX file (the MNIST format), plain or gzip"


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
    """Anything else malformed: damaged gzip data, trailing bytes, unknown type code, or
    data larger than bpviz takes."""


class IDXUnreadableError(IDXError):
    """The path is there but is no file to read: a folder, a FIFO, a device, a loop of
    symbolic links, a file the user may not read, or one too large."""


def _describe_magic(magic: int) -> str:
    name = _MAGIC_NAMES.get(magic)
    return f"{magic} (0x{magic:08X}{', ' + name if name else ''})"


def _read_bytes(path: Path, expect_magic: int | None) -> bytes:
    """The file's content, inflated when it is gzip: never more than its header declares
    (a gzip bomb stops there) nor more than MAX_IDX_BYTES."""
    if not _is_there(path):
        raise IDXFileNotFoundError(path, f"file not found; expected {_EXPECTED}")
    try:
        raw = read_limited(path, MAX_IDX_BYTES + _MAX_HEADER, _EXPECTED)
    except UnreadableFile as exc:
        raise IDXUnreadableError(path, str(exc)) from None
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
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw, _MAX_HEADER)
    except zlib.error as exc:
        raise IDXFormatError(path, f"damaged gzip data ({exc}); expected {_EXPECTED}") from None
    layout = _layout(path, head, expect_magic)
    size = _MAX_HEADER if layout is None else layout[2] + _data_bytes(layout)
    try:
        return gunzip_limited(raw, size, f"an IDX file of {size:,} bytes as its header says")
    except UnreadableFile as exc:
        raise _gzip_problem(path, raw, size, exc) from None


def _is_there(path: Path) -> bool:
    """False only when nothing has the name (a path through a file, a broken link or a
    loop is there: reading it says what is wrong)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError:
        pass
    return True


def _gzip_problem(path: Path, raw: bytes, size: int, exc: UnreadableFile) -> IDXError:
    """Which of the ways gzip can fail it was: cut short, more data than the header says,
    or damaged (the stream is inflated again, only this far, to tell)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, size + 1)
    except zlib.error:
        return IDXFormatError(path, f"damaged gzip data: {exc}")
    if len(out) > size:
        return IDXFormatError(path, f"more bytes than its header declares: expected {size:,} bytes in all, "
                                    f"found more once unpacked")
    if not inflater.eof:
        return IDXTruncatedError(path, "the gzip data ends early (the file is truncated); expected "
                                       f"{size:,} bytes as its header says")
    return IDXFormatError(path, str(exc))


def _layout(path: Path, data: bytes, expect_magic: int | None):
    """(shape, dtype, header length) from the first bytes, checked: the magic and a size
    bpviz takes; None when ``data`` is too short to hold the whole header."""
    if len(data) < 4:
        return None
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
        return None
    layout = (tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4)), TYPE_CODES[code], header_len)
    shape, dtype, _ = layout
    item = int(np.prod([d for d in shape if d], dtype=object)) * dtype.itemsize  # as if one of each: 0 x 2**32 x 2**32
    if max(_data_bytes(layout), item) > MAX_IDX_BYTES:
        raise IDXFormatError(path, f"declares {_dims(layout)} ({size_text(_data_bytes(layout))} of data); "
                                   f"expected an IDX file of at most {size_text(MAX_IDX_BYTES)} (with no "
                                   f"dimension beyond that either)")
    return layout


def _data_bytes(layout) -> int:
    shape, dtype, _ = layout
    return int(np.prod(shape, dtype=object)) * dtype.itemsize


def _dims(layout) -> str:
    shape, dtype, _ = layout
    return f"{'x'.join(map(str, shape))} {dtype.name}"


def _parse(path: Path, data: bytes, expect_magic: int | None) -> np.ndarray:
    if len(data) < 4:
        raise IDXTruncatedError(
            path, f"truncated header: expected at least 4 bytes of magic, found {len(data)}"
        )
    layout = _layout(path, data, expect_magic)
    if layout is None:
        header_len = 4 + 4 * data[3]
        raise IDXTruncatedError(
            path,
            f"truncated header: expected {header_len} bytes for {data[3]} dimensions, "
            f"found {len(data)}",
        )
    shape, dtype, header_len = layout
    expected = _data_bytes(layout)
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
    return _parse(path, _read_bytes(path, expect_magic), expect_magic)


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
    check_labelled(images_path, images, labels_path, labels)
    return images, labels


def check_labelled(images_path: str | os.PathLike, images: np.ndarray,
                   labels_path: str | os.PathLike, labels: np.ndarray) -> None:
    """Raise :class:`IDXCountMismatchError` unless there is one label per image."""
    if len(images) != len(labels):
        raise IDXCountMismatchError(
            labels_path,
            f"holds {len(labels)} labels, but {Path(images_path).name} holds "
            f"{len(images)} images: expected the same count",
        )


def read_header(path: str | os.PathLike, *, expect_magic: int | None = None) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and (native) dtype an IDX file declares, from its first bytes alone (a gzip
    file is inflated only that far): what a copy of its data must be, known without reading
    it all. Raises an :class:`IDXError` subclass as :func:`read_idx` does, or OSError."""
    path = Path(path)
    try:
        file, _ = open_regular(path, _EXPECTED)
    except UnreadableFile as exc:
        raise IDXUnreadableError(path, str(exc)) from None
    with file:
        head = file.read(_GZIP_HEAD)
    if head[:2] == _GZIP_MAGIC:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, _MAX_HEADER)
        except zlib.error as exc:
            raise IDXFormatError(path, f"damaged gzip data ({exc}); expected {_EXPECTED}") from None
    layout = _layout(path, head, expect_magic)
    if layout is None:
        raise IDXTruncatedError(path, f"truncated header: found {len(head)} bytes; expected {_EXPECTED}")
    shape, dtype, _ = layout
    return shape, dtype.newbyteorder("=")


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
