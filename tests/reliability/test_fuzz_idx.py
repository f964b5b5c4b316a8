"""IDX files fuzzed: random bytes, random headers (types, dimensions, sizes) with data of
any length, plain or gzip (whole or cut), and an MNIST folder with one file so replaced.
Each is refused with an IDXError (a DataError) naming the file, or read as exactly the array
its header declares; nothing inflates past what the header says."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bpviz.data.idx import TYPE_CODES, IDXError, read_idx, write_idx
from bpviz.data.mnist import FILE_NAMES, load_mnist
from bpviz.errors import DataError
from tests.reliability.fuzzing import FUZZ, scratch

FOLDER = scratch("idx")


@st.composite
def idx_bytes(draw) -> bytes:
    code = draw(st.sampled_from([*TYPE_CODES, 0x00, 0x0A, 0xFF]))
    dims = draw(st.lists(st.integers(0, 6) | st.sampled_from([2**32 - 1, 60000, 28]), max_size=4))
    header = bytes([0, draw(st.sampled_from([0, 0, 1])), code, len(dims)]) + b"".join(d.to_bytes(4, "big") for d in dims)
    size = int(np.prod(dims, dtype=object)) * (TYPE_CODES[code].itemsize if code in TYPE_CODES else 1)
    length = draw(st.sampled_from([size, size, size - 1, size + 1, 0]) | st.integers(0, 300))
    return header + draw(st.binary(min_size=min(max(length, 0), 400), max_size=min(max(length, 0), 400)))


def packed(draw_gzip: str, data: bytes) -> bytes:
    if draw_gzip == "plain":
        return data
    packed_ = gzip.compress(data)
    return packed_ if draw_gzip == "gzip" else packed_[: len(packed_) // 2]


def _read(data: bytes, name: str = "file-idx3-ubyte"):
    path = FOLDER / name
    path.write_bytes(data)
    try:
        array = read_idx(path)
    except IDXError as exc:
        assert str(exc).startswith(f"{path}: ") and "Traceback" not in str(exc)
        return None
    assert array.ndim == data_ndim(path)
    return array


def data_ndim(path: Path) -> int:
    raw = path.read_bytes()
    return (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)[3]


@FUZZ
@given(st.binary(max_size=600), st.sampled_from(["file-idx3-ubyte", "file-idx3-ubyte.gz"]))
def test_random_bytes_are_refused_or_read(data, name):
    _read(data, name)


@FUZZ
@given(idx_bytes(), st.sampled_from(["plain", "gzip", "cut gzip"]))
def test_random_headers_and_data_are_refused_or_read_as_declared(data, how):
    array = _read(packed(how, data))
    if array is not None:
        dims = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(data[3]))
        assert array.shape == dims


GOOD = {"train_images": np.zeros((10, 28, 28), np.uint8), "train_labels": np.arange(10, dtype=np.uint8),
        "test_images": np.zeros((10, 28, 28), np.uint8), "test_labels": np.arange(10, dtype=np.uint8)}
MNIST = FOLDER / "mnist-good"
MNIST.mkdir()
for key, array in GOOD.items():
    write_idx(MNIST / f"{FILE_NAMES[key]}.gz", array)


@FUZZ
@given(st.sampled_from(list(FILE_NAMES)), idx_bytes(), st.sampled_from(["plain", "gzip", "cut gzip"]))
def test_an_mnist_folder_with_one_file_replaced_loads_or_is_refused(key, data, how):
    folder = FOLDER / "mnist"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(MNIST, folder)
    (folder / f"{FILE_NAMES[key]}.gz").unlink()
    (folder / (FILE_NAMES[key] + ("" if how == "plain" else ".gz"))).write_bytes(packed(how, data))
    try:
        mnist = load_mnist(folder)
    except DataError as exc:
        assert str(folder) in str(exc) and "Traceback" not in str(exc)
        return
    assert mnist.train_images.shape[1:] == (784,) and mnist.train_labels.max() <= 9


def test_the_good_folder_loads():
    assert load_mnist(MNIST).train_images.shape == (10, 784)
