"""What the training form's fields hold, read from their text (hidden layer sizes, counts, a
learning rate; errors name the field), and how many MNIST training images each digit has."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from bpviz.data.idx import read_labels
from bpviz.data.mnist import embedded_mnist_dir, find_mnist_files
from bpviz.errors import ConfigError
from bpviz.nn.train import LIMITS
from bpviz.numbers import positive, unit_counts, whole
from bpviz.presets import MAX_LAYERS, MAX_UNITS

#: How much of a typed value a message repeats (a message must fit under its field).
ECHO = 20


@lru_cache(maxsize=4)
def training_counts(mnist_dir=None) -> tuple[int, ...]:
    """How many training images each digit has: from the labels file alone (60 kB), read
    once, so that opening the app does not wait for the images."""
    folder = embedded_mnist_dir() if mnist_dir is None else mnist_dir
    labels = read_labels(find_mnist_files(folder)["train_labels"])
    return tuple(int(n) for n in np.bincount(labels, minlength=10))


def available_images(digits, mnist_dir=None) -> int:
    counts = training_counts(mnist_dir)
    return sum(counts) if digits is None else counts[digits[0]] + counts[digits[1]]


def parse_hidden(text: str) -> tuple[int, ...]:
    """"196" or "392,196,98" → hidden layer sizes. Raises ConfigError naming the field."""
    sizes = unit_counts(text, "hidden layers", MAX_UNITS, MAX_LAYERS - 1, "392,196,98",
                        layers="hidden layers", echo=ECHO)
    if not sizes:
        raise ConfigError("hidden layers: expected at least one layer size, such as 196 or 392,196,98")
    return sizes


def parse_count(text: str, field: str, *, word: str, high: int = LIMITS["batch_size"]) -> int | None:
    """A whole number from 1 to ``high`` (11,272 as the form shows it), or ``word``
    ("full", "all") for None. Raises ConfigError naming ``field``."""
    value = whole(text, field, 1, high, words=(word,), grouping=True, echo=ECHO)
    return None if value == word else value


def parse_lr(text: str) -> float:
    """A learning rate: a finite number greater than 0."""
    return positive(text, "learning rate", echo=ECHO)
