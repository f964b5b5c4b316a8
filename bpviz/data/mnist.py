"""MNIST: load the four IDX files, pick a pair of digits, and lay images out as columns.

``load_mnist()`` reads the copy embedded in bpviz's resources; any folder that
python-mnist can read (plain or .gz file names) works too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bpviz.data.idx import IDXFileNotFoundError, read_labelled
from bpviz.errors import DataError
from bpviz.resources import resource_path

#: The credit shipped with the data (resources/mnist/README.md) and shown in About.
MNIST_CREDIT = (
    "MNIST handwritten digits by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, "
    "licensed under Creative Commons Attribution-Share Alike 3.0."
)
MNIST_CREDIT_HTML = (
    "The MNIST database of handwritten digits by <b>Yann LeCun</b>, <b>Corinna Cortes</b> "
    "and <b>Christopher J.C. Burges</b>, shipped inside bpviz under the "
    '<a href="https://creativecommons.org/licenses/by-sa/3.0/">Creative Commons '
    "Attribution-Share Alike 3.0</a> license."
)

#: The file names python-mnist reads (``MNIST(path, gz=True)`` adds ``.gz``).
FILE_NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


@dataclass(frozen=True)
class MnistData:
    """The four arrays of MNIST. Images are (count, 784) uint8, labels (count,) uint8.

    The arrays are read-only: they may be shared by everyone who loaded the same copy.
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    directory: Path
    image_shape: tuple[int, int] = (28, 28)


def embedded_mnist_dir() -> Path:
    """The folder of the MNIST copy shipped with bpviz."""
    return resource_path("mnist")


def find_mnist_files(directory: str | os.PathLike) -> dict[str, Path]:
    """The path of each of the four files in ``directory``, plain or .gz.

    Raises :class:`IDXFileNotFoundError` naming the first missing file and the names tried.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise IDXFileNotFoundError(directory, "expected a folder holding the four MNIST files")
    found = {}
    for key, name in FILE_NAMES.items():
        candidates = [directory / name, directory / f"{name}.gz"]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            raise IDXFileNotFoundError(
                candidates[1], f"missing: expected {name} or {name}.gz in {directory}"
            )
        found[key] = path
    return found


def load_mnist(directory: str | os.PathLike | None = None) -> MnistData:
    """Load MNIST from ``directory``, or from the embedded copy when it is None.

    The embedded copy is read once per process and shared (its arrays are read-only).
    """
    if directory is None:
        return _load_embedded()
    return _load(Path(directory))


@lru_cache(maxsize=1)
def _load_embedded() -> MnistData:
    return _load(embedded_mnist_dir())


def _load(directory: Path) -> MnistData:
    files = find_mnist_files(directory)
    train_images, train_labels = read_labelled(files["train_images"], files["train_labels"])
    test_images, test_labels = read_labelled(files["test_images"], files["test_labels"])
    if train_images.shape[1:] != test_images.shape[1:]:
        raise DataError(
            f"{files['test_images']}: images are {test_images.shape[1:]} pixels, expected "
            f"{train_images.shape[1:]} like {files['train_images'].name}"
        )
    rows, cols = train_images.shape[1:]
    return MnistData(
        train_images=train_images.reshape(len(train_images), rows * cols),
        train_labels=train_labels,
        test_images=test_images.reshape(len(test_images), rows * cols),
        test_labels=test_labels,
        directory=directory,
        image_shape=(rows, cols),
    )


def check_digits(digits, *, field: str = "digits") -> tuple[int, int]:
    """Two different digits 0-9, as a tuple; anything else raises :class:`DataError`."""
    try:
        pair = tuple(int(d) for d in digits)
    except (TypeError, ValueError):
        raise DataError(f"{field}: expected two different digits 0-9, got {digits!r}") from None
    if len(pair) != 2 or pair[0] == pair[1] or not all(0 <= d <= 9 for d in pair):
        raise DataError(f"{field}: expected two different digits 0-9, got {list(pair)}")
    return pair  # type: ignore[return-value]


def binary_subset(
    images: np.ndarray, labels: np.ndarray, digits=(5, 8)
) -> tuple[np.ndarray, np.ndarray]:
    """The images of two digits, in the tutorial's order, labelled 0 and 1.

    All images of ``digits[0]`` come first (in file order, labelled 0), then all of
    ``digits[1]`` (labelled 1). Returns ``(images, labels)`` with labels as uint8.
    """
    first, second = check_digits(digits)
    keep_first = labels == first
    keep_second = labels == second
    subset = np.concatenate([images[keep_first], images[keep_second]])
    binary = np.concatenate(
        [np.zeros(keep_first.sum(), np.uint8), np.ones(keep_second.sum(), np.uint8)]
    )
    return subset, binary


def to_columns(images: np.ndarray, dtype="float64") -> np.ndarray:
    """Images (m, 784) uint8 as the network's input X: (784, m), scaled to [0, 1].

    As in the tutorial: flatten, transpose so that columns are examples, divide by 255.
    """
    images = np.asarray(images)
    flat = images.reshape(len(images), -1)
    X = np.array(flat.T, dtype=dtype, order="C")
    X /= X.dtype.type(255)
    return X


def labels_row(labels: np.ndarray, dtype="float64") -> np.ndarray:
    """Binary labels (m,) as the row Y of shape (1, m) that a sigmoid output is fit to."""
    return np.asarray(labels, dtype=dtype).reshape(1, -1)


def one_hot(labels: np.ndarray, num_classes: int = 10, dtype="float64") -> np.ndarray:
    """Class labels (m,) as one-hot columns Y of shape (num_classes, m), for softmax."""
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise DataError(
            f"labels: expected classes 0-{num_classes - 1}, found {labels.min()}-{labels.max()}"
        )
    Y = np.zeros((num_classes, labels.size), dtype=dtype)
    Y[labels.astype(np.intp), np.arange(labels.size)] = 1
    return Y


#: Where MNIST puts a digit's centre of mass, in pixel indices (row, column). In the
#: training set the mean is (14.0, 14.0) and every image is within about half a pixel of it:
#: the digits were moved by whole pixels so that their rounded centre of mass is 14.
MNIST_CENTRE = 14


def mnist_style(ink: np.ndarray) -> np.ndarray:
    """A drawing as MNIST would have it: a (28, 28) uint8 image, 255 = full ink.

    ``ink`` is a 2-D float array of any size, 0 = paper and 1 = ink. As LeCun, Cortes and
    Burges describe MNIST (yann.lecun.com/exdb/mnist), the ink (its bounding box) is size-normalised to fit a 20x20 box
    keeping its aspect ratio, anti-aliased (each output pixel is the exact area average of
    the input it covers), then centred in a 28x28 frame by its centre of mass: moved by
    whole pixels to :data:`MNIST_CENTRE`, cut off at the border. No ink gives zeros.
    Anything but a 2-D array of finite values in [0, 1] raises :class:`DataError`.
    """
    expected = "drawing: expected a 2-D array of ink values in [0, 1] (1 = ink)"
    try:
        ink = np.asarray(ink, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"{expected}, got {type(ink).__name__}") from None
    if ink.ndim != 2:
        raise DataError(f"{expected}, got shape {ink.shape}")
    if not np.isfinite(ink).all():
        raise DataError(f"{expected}, found NaN or infinity")
    if ink.size and (ink.min() < 0 or ink.max() > 1):
        raise DataError(f"{expected}, found {ink.min():g} to {ink.max():g}")
    frame = np.zeros((28, 28), np.uint8)
    rows, cols = np.nonzero(ink)
    if rows.size == 0:
        return frame
    ink = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    scale = 20 / max(ink.shape)

    def area_matrix(n_in: int) -> np.ndarray:
        # R (n_out, n_in): output pixel i averages the input it covers, 1/scale pixels wide,
        # with the input centred among ceil(n_in * scale) outputs (overhangs average paper).
        n_out = max(1, int(np.ceil(n_in * scale - 1e-9)))
        start = (n_in - n_out / scale) / 2 + np.arange(n_out)[:, None] / scale
        edges = np.arange(n_in)[None, :]
        overlap = np.minimum(start + 1 / scale, edges + 1) - np.maximum(start, edges)
        return np.clip(overlap, 0, None) * scale

    box = area_matrix(ink.shape[0]) @ ink @ area_matrix(ink.shape[1]).T  # out = R img C^T
    digit = np.rint(np.clip(box, 0, 1) * 255)
    mass = digit.sum()
    if mass == 0:
        return frame
    centre = [digit.sum(axis=1 - axis) @ np.arange(digit.shape[axis]) / mass for axis in (0, 1)]
    top, left = (int(np.floor(MNIST_CENTRE - c + 0.5)) for c in centre)
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + digit.shape[0], 28), min(left + digit.shape[1], 28)
    if r0 < r1 and c0 < c1:
        frame[r0:r1, c0:c1] = digit[r0 - top:r1 - top, c0 - left:c1 - left]
    return frame
