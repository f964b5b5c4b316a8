"""The embedded MNIST: official checksums, counts, the 5-vs-8 subset, python-mnist parity."""

from __future__ import annotations

import gzip
import hashlib
import shutil

import numpy as np
import pytest

from bpviz.data.idx import IDXFileNotFoundError, write_idx
from bpviz.data.mnist import (
    FILE_NAMES,
    binary_subset,
    embedded_mnist_dir,
    labels_row,
    load_mnist,
    one_hot,
    to_columns,
)
from bpviz.errors import DataError

# The SHA-256 of each decompressed file, as published for the official release.
OFFICIAL_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


@pytest.mark.parametrize("name", sorted(OFFICIAL_SHA256))
def test_embedded_files_decompress_to_the_official_bytes(name):
    data = gzip.decompress((embedded_mnist_dir() / f"{name}.gz").read_bytes())
    assert hashlib.sha256(data).hexdigest() == OFFICIAL_SHA256[name]


def test_embedded_mnist_has_60000_training_and_10000_test_images(mnist):
    assert mnist.train_images.shape == (60000, 784) and mnist.train_images.dtype == np.uint8
    assert mnist.train_labels.shape == (60000,) and mnist.train_labels.dtype == np.uint8
    assert mnist.test_images.shape == (10000, 784)
    assert mnist.test_labels.shape == (10000,)
    assert mnist.image_shape == (28, 28)
    assert set(np.unique(mnist.train_labels)) == set(range(10))


def test_the_shared_copy_cannot_be_changed_by_accident(mnist):
    with pytest.raises(ValueError, match="read-only"):
        mnist.train_images[0, 0] = 1
    assert load_mnist() is mnist


def test_five_versus_eight_has_11272_training_and_1866_test_images(mnist):
    train_x, train_y = binary_subset(mnist.train_images, mnist.train_labels, (5, 8))
    test_x, test_y = binary_subset(mnist.test_images, mnist.test_labels, (5, 8))
    assert len(train_x) == 11272 and len(test_x) == 1866
    # The tutorial's order: all 5421 fives (label 0), then all 5851 eights (label 1).
    assert (train_y[:5421] == 0).all() and (train_y[5421:] == 1).all()
    assert (test_y[:892] == 0).all() and (test_y[892:] == 1).all()
    first_five = np.flatnonzero(mnist.train_labels == 5)[0]
    first_eight = np.flatnonzero(mnist.train_labels == 8)[0]
    np.testing.assert_array_equal(train_x[0], mnist.train_images[first_five])
    np.testing.assert_array_equal(train_x[5421], mnist.train_images[first_eight])


@pytest.mark.parametrize("digits", [(5, 5), (3, 10), (7,), ("a", 1), None])
def test_a_bad_digit_pair_is_refused_by_name(digits):
    with pytest.raises(DataError, match="digits: expected two different digits 0-9"):
        binary_subset(np.zeros((2, 4), np.uint8), np.zeros(2, np.uint8), digits)


def test_columns_are_examples_scaled_to_the_unit_interval(mnist):
    images = mnist.train_images[:10]
    X = to_columns(images)
    assert X.shape == (784, 10) and X.dtype == np.float64
    np.testing.assert_array_equal(X[:, 3], images[3] / 255.0)
    assert X.min() == 0.0 and X.max() == 1.0
    assert to_columns(images, "float32").dtype == np.float32
    Y = labels_row(np.array([0, 1, 1], np.uint8))
    assert Y.shape == (1, 3) and Y.tolist() == [[0.0, 1.0, 1.0]]
    onehot = one_hot(np.array([2, 0], np.uint8), 3)
    assert onehot.tolist() == [[0, 1], [0, 0], [1, 0]]


@pytest.fixture(scope="module")
def python_mnist():
    from mnist import MNIST

    reader = MNIST(str(embedded_mnist_dir()), return_type="numpy", gz=True)
    train = reader.load_training()
    test = reader.load_testing()
    return train, test


def test_pixel_for_pixel_equal_to_python_mnist(mnist, python_mnist):
    (train_images, train_labels), (test_images, test_labels) = python_mnist
    np.testing.assert_array_equal(mnist.train_images, train_images)
    np.testing.assert_array_equal(mnist.train_labels, train_labels)
    np.testing.assert_array_equal(mnist.test_images, test_images)
    np.testing.assert_array_equal(mnist.test_labels, test_labels)


def _small_mnist_dir(folder, gz):
    rng = np.random.default_rng(3)
    arrays = {
        "train_images": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, 6, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, 2, dtype=np.uint8),
    }
    for key, array in arrays.items():
        write_idx(folder / (FILE_NAMES[key] + (".gz" if gz else "")), array)
    return arrays


@pytest.mark.parametrize("gz", [False, True])
def test_any_folder_python_mnist_reads_loads_too(tmp_path, gz):
    from mnist import MNIST

    arrays = _small_mnist_dir(tmp_path, gz)
    ours = load_mnist(tmp_path)
    theirs_train = MNIST(str(tmp_path), return_type="numpy", gz=gz).load_training()
    np.testing.assert_array_equal(ours.train_images, theirs_train[0])
    np.testing.assert_array_equal(ours.train_images, arrays["train_images"].reshape(6, 784))
    np.testing.assert_array_equal(ours.test_labels, arrays["test_labels"])


def test_a_folder_missing_a_file_names_the_file(tmp_path):
    _small_mnist_dir(tmp_path, gz=True)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(IDXFileNotFoundError, match="t10k-labels-idx1-ubyte.gz: missing"):
        load_mnist(tmp_path)
    with pytest.raises(IDXFileNotFoundError, match="expected a folder"):
        load_mnist(tmp_path / "no-such-folder")


def test_a_copy_of_the_embedded_folder_loads_the_same(tmp_path, mnist):
    for name in FILE_NAMES.values():
        shutil.copy(embedded_mnist_dir() / f"{name}.gz", tmp_path)
    copy = load_mnist(tmp_path)
    assert copy is not mnist
    np.testing.assert_array_equal(copy.test_images, mnist.test_images)
