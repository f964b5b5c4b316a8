"""The confusion matrix and class probabilities: small cases worked by hand, checks that
name the argument, and agreement with a real model's accuracy on the MNIST test set."""

from __future__ import annotations

import numpy as np
import pytest

from bpviz.errors import DataError
from bpviz.nn.metrics import class_probabilities, confusion_matrix
from bpviz.nn.train import train
from bpviz.presets import get_preset


def test_a_small_matrix_worked_by_hand():
    true = [0, 0, 0, 1, 1, 2, 2, 2, 2]
    predicted = [0, 0, 1, 1, 2, 2, 2, 0, 2]
    counts = confusion_matrix(true, predicted, 3)
    # rows: true class; columns: predicted class
    assert counts.tolist() == [[2, 1, 0],
                               [0, 1, 1],
                               [1, 0, 3]]
    assert counts.dtype == np.int64
    assert counts.sum() == 9 and np.trace(counts) == 6


def test_rows_are_the_true_class_not_the_predicted_one():
    counts = confusion_matrix(np.array([1, 1, 1]), np.array([0, 0, 1]), 2)
    assert counts.tolist() == [[0, 0], [2, 1]]


def test_classes_nobody_had_are_rows_and_columns_of_zeros():
    counts = confusion_matrix([3], [3], 10)
    assert counts.shape == (10, 10) and counts[3, 3] == 1 and counts.sum() == 1


def test_labels_as_whole_floats_like_a_binary_y_row_are_accepted():
    assert confusion_matrix(np.array([0.0, 1.0, 1.0]), np.array([0, 1, 0]), 2).tolist() == [[1, 0], [1, 1]]


def test_no_examples_give_a_matrix_of_zeros():
    assert confusion_matrix([], [], 2).tolist() == [[0, 0], [0, 0]]


@pytest.mark.parametrize(
    "true, predicted, n, named",
    [
        ([0, 1], [0, 1, 1], 2, "predicted: expected one label per true label (2), got 3"),
        ([0, 2], [0, 1], 2, "true: expected classes 0-1, found labels from 0 to 2"),
        ([0, 1], [0, -1], 2, "predicted: expected classes 0-1, found labels from -1 to 0"),
        ([[0, 1]], [0, 1], 2, "true: expected a 1-D array of class labels, got shape (1, 2)"),
        ([0.5, 1], [0, 1], 2, "true: expected whole-number class labels"),
        (["a", "b"], [0, 1], 2, "true: expected whole-number class labels"),
        ([0, 1], [0, 1], 0, "n_classes: expected a whole number of at least 1, got 0"),
        ([0, 1], [0, 1], 2.5, "n_classes: expected a whole number of at least 1, got 2.5"),
    ],
)
def test_bad_input_names_the_argument(true, predicted, n, named):
    with pytest.raises(DataError) as error:
        confusion_matrix(true, predicted, n)
    assert str(error.value).startswith(named)


def test_a_sigmoid_output_gives_one_minus_p_then_p():
    A = np.array([[0.9, 0.2, 0.5]])
    assert class_probabilities(A) == pytest.approx(np.array([[0.1, 0.9], [0.8, 0.2], [0.5, 0.5]]))


def test_a_softmax_output_gives_one_row_per_example():
    A = np.array([[0.7, 0.1], [0.2, 0.1], [0.1, 0.8]])  # 3 classes, 2 examples
    probabilities = class_probabilities(A)
    assert probabilities.tolist() == [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]
    assert probabilities.argmax(axis=1).tolist() == [0, 2]


@pytest.mark.parametrize(
    "A, named",
    [
        (np.array([0.2, 0.8]), "A: expected the network's output of shape (n_classes, m), got (2,)"),
        (np.array([[1.5, 0.2]]), "A: expected probabilities between 0 and 1"),
        (np.array([[np.nan, 0.2]]), "A: expected probabilities between 0 and 1"),
        (np.array([[0.5, 0.5], [0.2, 0.5]]), "A: expected softmax columns that sum to 1, found a column summing to 0.7"),
    ],
)
def test_class_probabilities_rejects_what_is_not_an_output(A, named):
    with pytest.raises(DataError) as error:
        class_probabilities(A)
    assert str(error.value).startswith(named)


def _trained(name: str, **overrides):
    recipe = get_preset(name).replace(**overrides)
    data, net = recipe.data(), recipe.network()
    list(train(net, data, recipe.train_config()))
    A, _ = net.forward(data.X_test)
    return net, data, A


@pytest.mark.parametrize(
    "name, overrides, n_classes",
    [("fast", dict(train_size=600, epochs=3), 2), ("mnist10", dict(train_size=2000, epochs=3), 10)],
)
def test_a_real_models_diagonal_over_total_is_its_test_accuracy(name, overrides, n_classes):
    net, data, A = _trained(name, **overrides)
    true = data.Y_test[0] if n_classes == 2 else data.Y_test.argmax(axis=0)
    counts = confusion_matrix(true, net.labels_from_output(A), n_classes)
    assert counts.sum() == data.X_test.shape[1]
    assert counts.sum(axis=1).tolist() == np.bincount(true.astype(int), minlength=n_classes).tolist()
    assert np.trace(counts) / counts.sum() == pytest.approx(net.accuracy(A, data.Y_test))
    assert 0.8 < np.trace(counts) / counts.sum() < 1  # a real model: mostly right, some mistakes
    probabilities = class_probabilities(A)
    assert probabilities.shape == (data.X_test.shape[1], n_classes)
    assert probabilities.sum(axis=1) == pytest.approx(np.ones(len(probabilities)), abs=1e-5)
    assert (probabilities.argmax(axis=1) == net.labels_from_output(A)).all()
