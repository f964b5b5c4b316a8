"""What the training form's fields hold, read from their text (hidden layer sizes, counts, a
learning rate; errors name the field), and how many MNIST training images each digit has."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from bpviz.data.idx import read_labels
from bpviz.data.mnist import embedded_mnist_dir, find_mnist_files
from bpviz.errors import ConfigError
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
    parts = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
    if not parts:
        raise ConfigError("hidden layers: expected at least one layer size, such as 196 or 392,196,98")
    if not all(p.isdigit() for p in parts):
        raise ConfigError(f"hidden layers: expected whole numbers separated by commas, such as "
                          f"392,196,98; got {echo(text)}")
    sizes = tuple(int(p) for p in parts)
    if min(sizes) < 1 or max(sizes) > MAX_UNITS:
        raise ConfigError(f"hidden layers: expected 1 to {MAX_UNITS} units per layer, got {echo(text, quoted=False)}")
    if len(sizes) > MAX_LAYERS - 1:
        raise ConfigError(f"hidden layers: at most {MAX_LAYERS - 1} hidden layers; got {len(sizes)}")
    return sizes


def parse_count(text: str, field: str, *, word: str) -> int | None:
    """A whole number of at least 1, or ``word`` ("full", "all") for None."""
    text = text.strip().replace(",", "").replace("_", "")
    if text.lower() == word:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{field}: expected a whole number of at least 1, or {word!r}; got {echo(text)}")
    return int(text)


def echo(text: str, quoted: bool = True) -> str:
    """What was typed, cut short (a message must fit under its field), and quoted."""
    text = text.strip()
    text = text if len(text) <= ECHO else text[:ECHO - 1] + "…"
    return repr(text) if quoted else text


def parse_lr(text: str) -> float:
    """A learning rate: a finite number greater than 0."""
    try:
        value = float(text.strip())
    except ValueError:
        raise ConfigError(f"learning rate: expected a positive number such as 0.1; got {echo(text)}") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"learning rate: expected a finite number greater than 0; got {echo(text, quoted=False)}")
    return value
