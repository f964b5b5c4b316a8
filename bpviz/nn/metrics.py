"""How a classifier did, class by class: the confusion matrix, and each example's class
probabilities read from the network's output A^[L]."""

from __future__ import annotations

import numpy as np

from bpviz.errors import DataError

#: How far a softmax column may sum from 1 (float32 round-off) and still count as probabilities.
SUM_TOLERANCE = 1e-3


def _labels(values, name: str, n_classes: int) -> np.ndarray:
    """``values`` as a 1-D int64 array of class indices 0..n_classes-1, or a DataError."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise DataError(f"{name}: expected a 1-D array of class labels, got shape {array.shape}")
    if array.size == 0:
        return array.astype(np.int64)
    if array.dtype.kind not in "buif":
        raise DataError(f"{name}: expected whole-number class labels, got {array.dtype} values")
    if array.dtype.kind == "f" and not (np.isfinite(array).all() and (array == np.round(array)).all()):
        raise DataError(f"{name}: expected whole-number class labels, found fractions or NaN")
    low, high = array.min(), array.max()
    if low < 0 or high >= n_classes:
        raise DataError(
            f"{name}: expected classes 0-{n_classes - 1}, found labels from {int(low)} to {int(high)}"
        )
    return array.astype(np.int64)


def is_one_hot(Y) -> bool:
    """True when every column of Y (n_classes, m), n_classes ≥ 2, is one class's column: a
    single 1 among 0s (how MNIST's ten digits are given as targets)."""
    Y = np.asarray(Y)
    if Y.ndim != 2 or Y.shape[0] < 2:
        return False
    return bool(((Y == 0) | (Y == 1)).all() and (Y.sum(axis=0) == 1).all())


def argmax_accuracy(A, Y) -> float:
    """The share of columns whose largest output in A is the class Y's one-hot column names."""
    A, Y = np.asarray(A), np.asarray(Y)
    if A.shape[1] == 0:
        return float("nan")
    return float((A.argmax(axis=0) == Y.argmax(axis=0)).mean())


def confusion_matrix(true, predicted, n_classes: int) -> np.ndarray:
    """Counts (n_classes, n_classes): entry [i, j] is how many examples of class i were
    predicted as class j. Rows are the true class, columns the predicted one, so the
    diagonal holds the right answers and trace / sum is the accuracy."""
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 1:
        raise DataError(f"n_classes: expected a whole number of at least 1, got {n_classes!r}")
    n = int(n_classes)
    true = _labels(true, "true", n)
    predicted = _labels(predicted, "predicted", n)
    if true.shape != predicted.shape:
        raise DataError(
            f"predicted: expected one label per true label ({true.size}), got {predicted.size}"
        )
    counts = np.bincount(true * n + predicted, minlength=n * n)
    return counts.reshape(n, n).astype(np.int64)


def class_probabilities(A, independent: bool = False) -> np.ndarray:
    """Each example's probability for every class, (m, n_classes), from the output A^[L].

    A sigmoid output A (1, m) holds p(class 1), so the columns are [1 - p, p]; a softmax
    output (k, m) already has one row per class, so this is A transposed (examples as
    rows, the way a table or a gallery lists them). ``independent``: A is several sigmoid
    units (Nielsen's ten), each its own class's output in (0, 1); they need not sum to 1,
    and are given as they are.
    """
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] < 1:
        raise DataError(f"A: expected the network's output of shape (n_classes, m), got {A.shape}")
    if not np.isfinite(A).all() or (A.size and (A.min() < 0 or A.max() > 1)):
        raise DataError("A: expected probabilities between 0 and 1 (a sigmoid or softmax output)")
    if A.shape[0] == 1:
        p = A[0]
        return np.column_stack([1.0 - p, p])
    sums = A.sum(axis=0)
    if not independent and A.size and np.abs(sums - 1).max() > SUM_TOLERANCE:
        worst = sums[np.abs(sums - 1).argmax()]
        raise DataError(
            f"A: expected softmax columns that sum to 1, found a column summing to {worst:.4g}"
        )
    return np.ascontiguousarray(A.T)
