"""IDX reading and writing: round trips, and one clear error per kind of malformed file."""

from __future__ import annotations

import gzip
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bpviz.data import idx
from bpviz.data.idx import (
    IDXCountMismatchError,
    IDXFileNotFoundError,
    IDXFormatError,
    IDXMagicError,
    IDXNotGzipError,
    IDXTruncatedError,
    read_idx,
    read_images,
    read_labelled,
    read_labels,
    write_idx,
)
from bpviz.errors import BpvizError

IDX_DTYPES = st.sampled_from(["u1", "i1", "<i2", "<i4", "<f4", "<f8"])


@settings(max_examples=40, deadline=None)
@given(
    array=IDX_DTYPES.flatmap(
        lambda dt: hnp.arrays(dt, hnp.array_shapes(min_dims=1, max_dims=4, max_side=6))
    ),
    gz=st.booleans(),
)
def test_round_trip_keeps_shape_dtype_and_values(tmp_path_factory, array, gz):
    path = tmp_path_factory.mktemp("idx") / ("a.idx.gz" if gz else "a.idx")
    write_idx(path, array)
    back = read_idx(path)
    assert back.shape == array.shape
    assert back.dtype == array.dtype
    np.testing.assert_array_equal(back, array)
    assert idx.read_header(path) == (array.shape, array.dtype)  # from the first bytes alone


def test_a_header_is_read_with_the_checks_of_the_whole_file(tmp_path):
    write_idx(tmp_path / "img.gz", np.zeros((3, 28, 28), np.uint8))
    assert idx.read_header(tmp_path / "img.gz", expect_magic=idx.IMAGES_MAGIC) == ((3, 28, 28), np.uint8)
    with pytest.raises(IDXMagicError, match="wrong magic number"):
        idx.read_header(tmp_path / "img.gz", expect_magic=idx.LABELS_MAGIC)
    (tmp_path / "short").write_bytes(b"\x00\x00\x08\x03\x00\x00")
    with pytest.raises(IDXTruncatedError, match="truncated header"):
        idx.read_header(tmp_path / "short")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(idx.IDXUnreadableError, match="FIFO"):
        idx.read_header(tmp_path / "fifo")


def test_images_and_labels_round_trip_with_the_mnist_magics(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (7, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 7, dtype=np.uint8)
    write_idx(tmp_path / "img.gz", images)
    write_idx(tmp_path / "lbl", labels)
    assert gzip.decompress((tmp_path / "img.gz").read_bytes())[:4] == b"\x00\x00\x08\x03"
    assert (tmp_path / "lbl").read_bytes()[:4] == b"\x00\x00\x08\x01"
    got_images, got_labels = read_labelled(tmp_path / "img.gz", tmp_path / "lbl")
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)


def test_a_gzip_file_is_read_even_without_the_gz_name(tmp_path):
    array = np.arange(12, dtype=np.uint8).reshape(3, 4)
    (tmp_path / "plain-name").write_bytes(gzip.compress(idx.encode_idx(array)))
    np.testing.assert_array_equal(read_idx(tmp_path / "plain-name"), array)


def _images_bytes(count=3, rows=4, cols=4) -> bytes:
    return idx.encode_idx(np.zeros((count, rows, cols), np.uint8))


@pytest.mark.parametrize(
    "name, content, error, words",
    [
        ("labels-as-images", idx.encode_idx(np.zeros(3, np.uint8)), IDXMagicError,
         ["expected 2051", "found 2049"]),
        ("random", bytes(range(200, 256)) * 3, IDXMagicError,
         ["wrong magic", "expected 2051", "found 3368667851 (0xC8C9CACB)"]),
        ("empty", b"", IDXTruncatedError, ["truncated header", "found 0"]),
        ("short-header", _images_bytes()[:10], IDXTruncatedError,
         ["truncated header", "expected 16 bytes", "found 10"]),
        ("short-data", _images_bytes()[:-5], IDXTruncatedError,
         ["truncated data", "expected 48 bytes", "3x4x4", "found 43"]),
        ("trailing", _images_bytes() + b"xx", IDXFormatError, ["2 unexpected bytes"]),
    ],
)
def test_malformed_images_files_name_the_file_and_the_mismatch(tmp_path, name, content, error, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        read_images(path)
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word in message
    assert isinstance(caught.value, BpvizError)


def test_random_bytes_are_not_taken_for_an_idx_file_of_any_kind(tmp_path):
    path = tmp_path / "noise"
    path.write_bytes(bytes(range(200, 256)))
    with pytest.raises(IDXMagicError, match="noise: not an IDX file.*found c8 c9 ca cb"):
        read_idx(path)


def test_a_gz_name_on_bytes_that_are_not_gzip(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(_images_bytes())
    with pytest.raises(IDXNotGzipError, match="named .gz but is not gzip.*found 00 00 08 03"):
        read_images(path)


def test_a_truncated_gzip_file(tmp_path):
    path = tmp_path / "cut.gz"
    noise = np.random.default_rng(1).integers(0, 256, (50, 28, 28), dtype=np.uint8)
    path.write_bytes(gzip.compress(idx.encode_idx(noise))[:-100])
    with pytest.raises(IDXTruncatedError, match="cut.gz: the gzip data ends early"):
        read_images(path)


def test_a_missing_file(tmp_path):
    path = tmp_path / "nowhere-idx1-ubyte"
    with pytest.raises(IDXFileNotFoundError, match="nowhere-idx1-ubyte: file not found"):
        read_labels(path)
    with pytest.raises(FileNotFoundError):  # also catchable as the built-in kind
        read_labels(path)


def test_image_and_label_counts_that_differ(tmp_path):
    write_idx(tmp_path / "images", np.zeros((5, 2, 2), np.uint8))
    write_idx(tmp_path / "labels", np.zeros(4, np.uint8))
    with pytest.raises(IDXCountMismatchError) as caught:
        read_labelled(tmp_path / "images", tmp_path / "labels")
    message = str(caught.value)
    assert "labels" in message and "4 labels" in message and "5 images" in message


def test_writing_a_type_idx_cannot_store_names_it(tmp_path):
    with pytest.raises(BpvizError, match="cannot store dtype complex128"):
        write_idx(tmp_path / "x", np.zeros(3, complex))
    assert not (tmp_path / "x").exists()


def test_a_failed_write_leaves_the_previous_file(tmp_path):
    path = tmp_path / "keep.idx"
    write_idx(path, np.arange(4, dtype=np.uint8))
    with pytest.raises(BpvizError):
        write_idx(path, np.zeros(2, complex))
    np.testing.assert_array_equal(read_idx(path), np.arange(4, dtype=np.uint8))
    assert [p.name for p in tmp_path.iterdir()] == ["keep.idx"]
