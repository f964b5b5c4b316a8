"""MNIST: load the four IDX files, pick a pair of digits, and lay images out as columns.

``load_mnist()`` reads the copy embedded in bpviz's resources; any folder that
python-mnist can read (plain or .gz file names) works too. Once read, the arrays are kept
in the user's cache folder (bpviz.data.cache) and read from there while the files stay.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from bpviz.data import cache
from bpviz.data.idx import (IDXFileNotFoundError, IMAGES_MAGIC, LABELS_MAGIC, check_labelled, read_header,
                            read_idx, read_labels)
from bpviz.errors import DataError
from bpviz.fileio import read_problem
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
#: The images every bpviz network reads: 28x28 pixels, 784 inputs.
IMAGE_SHAPE = (28, 28)
_FOLDER = "a folder holding the four MNIST files"


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
    image_shape: tuple[int, int] = IMAGE_SHAPE
    files: dict[str, Path] = field(default_factory=dict)  # key of FILE_NAMES -> the file read


def embedded_mnist_dir() -> Path:
    """The folder of the MNIST copy shipped with bpviz."""
    return resource_path("mnist")


def find_mnist_files(directory: str | os.PathLike) -> dict[str, Path]:
    """The path of each of the four files in ``directory``, plain or .gz.

    Raises :class:`IDXFileNotFoundError` naming the first missing file and the names tried,
    or the folder when it is none. A name that is there but is no regular file (a folder,
    a FIFO, a loop of links) is returned, for reading it to say what it is.
    """
    directory = Path(directory)
    try:
        mode = os.stat(directory).st_mode
    except OSError as exc:
        raise IDXFileNotFoundError(directory, read_problem(exc, _FOLDER)) from None
    if not stat.S_ISDIR(mode):
        raise IDXFileNotFoundError(directory, f"is a file, not a folder; expected {_FOLDER}")
    found = {}
    for key, name in FILE_NAMES.items():
        candidates = [directory / name, directory / f"{name}.gz"]
        kinds = [_kind(p) for p in candidates]
        regular = [p for p, kind in zip(candidates, kinds) if kind == "file"]
        there = [p for p, kind in zip(candidates, kinds) if kind is not None]
        if not there:
            raise IDXFileNotFoundError(
                candidates[1], f"missing: expected {name} or {name}.gz in {directory}"
            )
        found[key] = (regular or there)[0]
    return found


def _kind(path: Path) -> str | None:
    """"file" for a regular file (through links), None when nothing has the name, else
    "other" (a folder, a FIFO, a broken link, a loop, a path one may not look into)."""
    try:
        return "file" if stat.S_ISREG(os.stat(path).st_mode) else "other"
    except FileNotFoundError:
        return "other" if os.path.lexists(path) else None
    except OSError:
        return "other"


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


def _load(directory: Path, *, use_cache: bool = True) -> MnistData:
    """The four files of ``directory``, each from the cache when it holds it (``use_cache``),
    else from the file itself, checked; what was read from a file is then cached."""
    files = find_mnist_files(directory)
    arrays, to_cache = {}, []
    for key, magic in zip(FILE_NAMES, (IMAGES_MAGIC, LABELS_MAGIC) * 2):
        arrays[key], entry = _read(files[key], magic, use_cache)
        if entry is not None:
            to_cache.append((entry, arrays[key]))
        if key.endswith("labels"):
            images = key.replace("labels", "images")
            check_labelled(files[images], arrays[images], files[key], arrays[key])
    for key in ("train", "test"):
        _check_set(files[f"{key}_images"], arrays[f"{key}_images"], files[f"{key}_labels"], arrays[f"{key}_labels"])
    for entry, array in to_cache:  # only arrays that passed every check
        entry.store(array)
    return MnistData(
        train_images=_flat(arrays["train_images"]),
        train_labels=arrays["train_labels"],
        test_images=_flat(arrays["test_images"]),
        test_labels=arrays["test_labels"],
        directory=directory,
        image_shape=IMAGE_SHAPE,
        files=files,
    )


def _read(path: Path, magic: int, use_cache: bool) -> tuple[np.ndarray, cache.Entry | None]:
    """The array of one IDX file, read-only, and the cache entry to keep it in when it was
    read from the file (None when it came from the cache, or there is no cache). The cached
    copy is taken only if it has the shape and dtype the file's header declares."""
    entry = cache.entry(path, "mnist") if use_cache else None
    if entry is not None:
        try:
            shape, dtype = read_header(path, expect_magic=magic)
        except (DataError, OSError):
            entry = None  # reading the whole file says what is wrong with it
        else:
            array = entry.load(shape, dtype)
            if array is not None:
                return array, None
    return read_idx(path, expect_magic=magic), entry


def _flat(images: np.ndarray) -> np.ndarray:
    return images.reshape(len(images), -1)


def _check_set(images_path: Path, images: np.ndarray, labels_path: Path, labels: np.ndarray) -> None:
    """One set as bpviz's networks take it: some images, of 28x28 pixels, labelled 0-9."""
    if images.shape[1:] != IMAGE_SHAPE:
        raise DataError(f"{images_path}: images of {'x'.join(map(str, images.shape[1:]))} pixels; expected "
                        f"{IMAGE_SHAPE[0]}x{IMAGE_SHAPE[1]} as in MNIST (the networks take 784 inputs)")
    if len(images) == 0:
        raise DataError(f"{images_path}: holds no images; expected at least one, as in MNIST")
    _check_labels(labels_path, labels)


def _check_labels(path: Path, labels: np.ndarray) -> None:
    if labels.size and labels.max() > 9:
        raise DataError(f"{path}: labels from {labels.min()} to {labels.max()}; expected digits 0-9")


@lru_cache(maxsize=4)
def training_counts(directory: str | os.PathLike | None = None) -> tuple[int, ...]:
    """How many training images each digit 0-9 has, from the labels file alone (60 kB),
    read once per folder (``None``: the embedded copy)."""
    path = find_mnist_files(embedded_mnist_dir() if directory is None else directory)["train_labels"]
    labels = read_labels(path)
    _check_labels(path, labels)
    return tuple(int(n) for n in np.bincount(labels, minlength=10))


def check_digit_images(mnist: MnistData, digits) -> None:
    """Every digit a recipe trains on (``digits``, or None for all ten) has training and test
    images; a missing one would be a reshape error, or a 99.8 % that means nothing."""
    wanted = range(10) if digits is None else digits
    for key, labels in (("train_labels", mnist.train_labels), ("test_labels", mnist.test_labels)):
        counts = np.bincount(labels, minlength=10)
        missing = [d for d in wanted if counts[d] == 0]
        if missing:
            where = mnist.files.get(key, mnist.directory)
            which = "training" if key == "train_labels" else "test"
            asked = "all ten digits" if digits is None else f"digits {digits[0]} and {digits[1]}"
            raise DataError(f"{where}: no {which} images of {', '.join(map(str, missing))}; expected "
                            f"some of each digit trained on ({asked})")


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
