"""The confusion matrix: a real model's counts and accuracies, right answers tinted green
and errors orange by their share of the row, and an empty matrix inviting a run."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor

from bpviz.errors import DataError
from bpviz.gui import style
from bpviz.gui.training.confusion import ConfusionMatrix
from bpviz.nn.metrics import confusion_matrix
from bpviz.nn.train import train
from bpviz.presets import get_preset
from tests.gui.training.helpers import near, show


def test_the_confusion_matrix_of_a_real_model_shows_its_counts_and_accuracies(qtbot, five_or_eight):
    net, data, images, labels, A, A_train = five_or_eight
    counts = confusion_matrix(labels, net.labels_from_output(A), 2)
    train_accuracy, test_accuracy = net.accuracy(A_train, data.Y), net.accuracy(A, data.Y_test)
    matrix = show(qtbot, ConfusionMatrix(), 560, 540)
    matrix.set_matrix(counts, ("5", "8"), train_accuracy, test_accuracy)
    assert matrix.counts.tolist() == counts.tolist() and matrix.class_names == ("5", "8")
    assert matrix.accuracy_text == (f"train accuracy {100 * train_accuracy:.2f} % · "
                                    f"test accuracy {100 * test_accuracy:.2f} %")
    assert np.trace(matrix.counts) / matrix.counts.sum() == pytest.approx(test_accuracy)
    shot = matrix.grab().toImage()
    assert len({shot.pixelColor(x, y).rgb() for x in range(0, 560, 7) for y in range(0, 540, 7)}) > 10
    right = matrix.cell_rect(0, 0)
    assert near(shot.pixelColor(int(right.left()) + 4, int(right.top()) + 4), style.UPDATE, 20)
    wrong = shot.pixelColor(int(matrix.cell_rect(0, 1).left()) + 4, int(matrix.cell_rect(0, 1).top()) + 4)
    assert wrong.red() > wrong.green() > wrong.blue()  # an orange tint
    matrix.resize(800, 780)  # it scales with the widget
    assert matrix.cell_rect(0, 0).width() > right.width() * 1.3


def test_ten_classes_tint_right_green_wrong_orange_and_leave_zeros_white(qtbot):
    recipe = get_preset("mnist10").replace(train_size=2000, epochs=3)
    data, net = recipe.data(), recipe.network()
    list(train(net, data, recipe.train_config()))
    A, _ = net.forward(data.X_test)
    counts = confusion_matrix(data.Y_test.argmax(axis=0), net.labels_from_output(A), 10)
    matrix = show(qtbot, ConfusionMatrix(), 640, 620)
    matrix.set_matrix(counts, tuple("0123456789"), None, net.accuracy(A, data.Y_test))
    assert matrix.accuracy_text.startswith("test accuracy ") and "train" not in matrix.accuracy_text
    shot = matrix.grab().toImage()
    for (row, column), count in np.ndenumerate(counts):
        rect = matrix.cell_rect(row, column)
        colour = shot.pixelColor(int(rect.left()) + 3, int(rect.top()) + 3)
        if row == column:
            assert colour.green() > colour.red() and colour.green() > colour.blue()
        elif count == 0:
            assert near(colour, QColor("white"), 3)
        else:
            assert colour.red() > colour.green() > colour.blue()


def test_an_empty_matrix_invites_a_run(qtbot):
    matrix = show(qtbot, ConfusionMatrix(), 400, 300)
    matrix.set_matrix(np.eye(2, dtype=int), ("5", "8"), 1.0, 1.0)
    before = matrix.grab().toImage()
    matrix.clear()
    assert matrix.counts is None and matrix.accuracy_text == ""
    assert matrix.grab().toImage() != before
    with pytest.raises(DataError, match="^counts: expected shape \\(3, 3\\)"):
        matrix.set_matrix(np.eye(2), ("a", "b", "c"), None, None)
