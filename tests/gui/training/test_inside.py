"""The look inside a model: first-layer weights as images picked by unit number, test
digits with the model's guesses and its mistakes framed, and the confusion matrix."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from bpviz.data.mnist import binary_subset, load_mnist
from bpviz.errors import ConfigError, DataError
from bpviz.gui import style
from bpviz.gui.training.inside import (
    NO_WEIGHTS, ConfusionMatrix, Gallery, WeightImages, parse_units,
)
from bpviz.nn.metrics import class_probabilities, confusion_matrix
from bpviz.nn.train import train
from bpviz.presets import get_preset


@pytest.fixture(scope="module")
def five_or_eight():
    """A quick real 5-vs-8 model, its test output, and the test digits it saw."""
    recipe = get_preset("fast").replace(train_size=600, epochs=3)
    data, net = recipe.data(), recipe.network()
    list(train(net, data, recipe.train_config()))
    mnist = load_mnist()
    images, labels = binary_subset(mnist.test_images, mnist.test_labels, (5, 8))
    A, _ = net.forward(data.X_test)
    A_train, _ = net.forward(data.X)
    return net, data, images.reshape(len(images), -1), labels.astype(np.int64), A, A_train


def _show(qtbot, widget, width=900, height=700):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _type_units(qtbot, view: WeightImages, text: str) -> None:
    view.units_field.selectAll()
    qtbot.keyClicks(view.units_field, text)
    qtbot.keyClick(view.units_field, Qt.Key.Key_Return)


def _pixel(widget, x, y) -> QColor:
    return widget.grab().toImage().pixelColor(int(x), int(y))


def _near(color: QColor, expected: QColor, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(color.getRgb()[:3], expected.getRgb()[:3]))


# --- the hidden units field -----------------------------------------------------------

def test_units_are_typed_as_numbers_and_ranges_in_the_notations_1_based_numbering():
    assert parse_units("1-16") == tuple(range(1, 17))
    assert parse_units(" 1, 5, 9-12 ") == (1, 5, 9, 10, 11, 12)
    assert parse_units("7,3,7") == (7, 3)  # in the order typed, each once
    assert parse_units("196", 196) == (196,)


@pytest.mark.parametrize("text, message", [
    ("abc", "units: expected numbers 1-196 such as 1-16 or 3,7,12; got 'abc'"),
    ("0", "units: expected numbers 1-196 such as 1-16 or 3,7,12; got 0"),
    ("1-500", "units: expected numbers 1-196 such as 1-16 or 3,7,12; got 1-500"),
    ("", "units: expected numbers 1-196"),
    ("9-3", "units: a range goes from low to high, such as 3-9; got 9-3"),
    ("1-65", "units: at most 64 at once"),
])
def test_bad_units_say_what_was_expected(text, message):
    with pytest.raises(ConfigError) as error:
        parse_units(text, 196)
    assert str(error.value).startswith(message)


# --- WeightImages ---------------------------------------------------------------------

def test_each_selected_unit_shows_its_784_incoming_weights_as_28_by_28(qtbot, five_or_eight):
    W1 = five_or_eight[0].params["W1"].copy()
    view = _show(qtbot, WeightImages())
    assert view.hint.isVisible() and view.hint.text() == NO_WEIGHTS and not view.images
    view.set_weights(W1)
    assert not view.hint.isVisible() and view.view.isVisible()
    assert list(view.images) == list(range(1, 17))
    for unit, item in view.images.items():
        assert np.array_equal(item.image, W1[unit - 1].reshape(28, 28))
        # the colour scale is symmetric about 0, so a zero weight is the map's middle: white
        low, high = item.getLevels()
        assert low == -high == -np.abs(W1[unit - 1]).max()
    assert [t.toPlainText() for t in view._titles] == [f"unit {u}" for u in range(1, 17)]
    _type_units(qtbot, view, "3,7")
    assert list(view.images) == [3, 7]
    assert np.array_equal(view.images[7].image, W1[6].reshape(28, 28))
    assert not view.error.isVisible()


def test_negative_weights_are_purple_zero_white_positive_green(qtbot):
    W1 = np.zeros((4, 784))
    W1[0, :392], W1[0, 392:] = -0.5, 0.5  # top half negative, bottom half positive
    view = _show(qtbot, WeightImages(), 600, 500)
    _type_units(qtbot, view, "1,2")
    view.set_weights(W1)
    image = view.view.grab().toImage()

    def colour_at(unit, x, y):  # x, y as fractions of the image's on-screen width and height
        rect = view.view.mapFromScene(view.images[unit].sceneBoundingRect()).boundingRect()
        return image.pixelColor(rect.left() + round(x * rect.width()), rect.top() + round(y * rect.height()))

    assert _near(colour_at(1, 0.5, 0.2), style.REUSED)  # purple, at the top as in W1's first rows
    assert _near(colour_at(1, 0.5, 0.8), style.UPDATE)  # green
    assert _near(colour_at(2, 0.5, 0.5), QColor("white"), 8)  # all zero


def test_updates_reuse_the_same_images_so_five_a_second_stays_cheap(qtbot, five_or_eight):
    W1 = five_or_eight[0].params["W1"].copy()
    view = _show(qtbot, WeightImages())
    view.set_weights(W1)
    items = dict(view.images)
    view.set_weights(W1 * 2)
    assert view.images == items and all(a is b for a, b in zip(view.images.values(), items.values()))
    assert np.array_equal(view.images[5].image, 2 * W1[4].reshape(28, 28))


@pytest.mark.parametrize("text", ["abc", "0", "1-500"])
def test_bad_text_is_shown_in_red_beside_the_field_and_the_images_stay(qtbot, text):
    W1 = get_preset("tutorial").network().params["W1"]  # 196 hidden units
    view = _show(qtbot, WeightImages())
    view.set_weights(W1.copy())
    _type_units(qtbot, view, "3,7")
    before = dict(view.images)
    _type_units(qtbot, view, text)
    assert view.error.isVisible()
    assert view.error.text().startswith("units: expected numbers 1-196 such as 1-16 or 3,7,12")
    assert style.BACKWARD.name() in view.error.styleSheet()
    assert view.images == before and list(view.images) == [3, 7]
    view.set_weights(W1 * 0.5)  # updates keep showing the last good selection
    assert np.array_equal(view.images[3].image, 0.5 * W1[2].reshape(28, 28))
    _type_units(qtbot, view, "2")
    assert not view.error.isVisible() and list(view.images) == [2]


def test_units_beyond_a_smaller_layer_are_reported_not_drawn(qtbot):
    view = _show(qtbot, WeightImages())
    view.set_weights(np.ones((10, 784)))
    assert list(view.images) == list(range(1, 11))
    assert view.note.isVisible()
    assert view.note.text().startswith("This layer has 10 units: 6 of the selected units are beyond it")
    view.set_weights(np.ones((20, 784)))
    assert len(view.images) == 16 and not view.note.isVisible()


def test_none_clears_to_the_hint_and_weights_that_are_not_pixels_say_so(qtbot):
    view = _show(qtbot, WeightImages())
    view.set_weights(np.ones((20, 784)))
    view.set_weights(None)
    assert view.hint.isVisible() and view.hint.text() == NO_WEIGHTS
    assert not view.images and not view.view.isVisible()
    view.set_weights(np.ones((2, 2)))
    assert view.hint.isVisible() and "2 inputs, not the 28×28 = 784" in view.hint.text()


# --- Gallery --------------------------------------------------------------------------

def _some_right_some_wrong(five_or_eight, n_wrong=6, n=32):
    net, data, images, labels, A, _ = five_or_eight
    predicted = net.labels_from_output(A)
    wrong = np.flatnonzero(predicted != labels)
    right = np.flatnonzero(predicted == labels)
    assert len(wrong) >= n_wrong  # a quick model does make mistakes
    pick = np.sort(np.concatenate([wrong[:n_wrong], right[:: len(right) // (n - n_wrong)][: n - n_wrong]]))
    return pick, predicted[pick] != labels[pick]


def test_the_gallery_frames_exactly_the_wrong_guesses_in_orange(qtbot, five_or_eight):
    net, data, images, labels, A, _ = five_or_eight
    pick, expected_wrong = _some_right_some_wrong(five_or_eight)
    probabilities = class_probabilities(A)[pick]
    gallery = _show(qtbot, Gallery())
    gallery.set_predictions(images[pick], labels[pick], probabilities, ("5", "8"))
    assert gallery.summary.text() == "6 of 32 wrong"
    assert gallery.wrong.tolist() == expected_wrong.tolist()
    assert gallery.shown == list(range(32))
    canvas = gallery.thumbnails
    shot = canvas.grab().toImage()
    for (index, frame), (_, _, caption, mistake) in zip(canvas.tile_rects(), canvas.tiles):
        guess, percent = caption.split(" · ")
        assert guess == "58"[int(probabilities[index].argmax())]
        assert float(percent.rstrip("%")) == pytest.approx(100 * probabilities[index].max(), abs=0.5)
        framed = _near(shot.pixelColor(frame.left() - 3, frame.center().y()), style.WARNING)
        assert framed == expected_wrong[index]
        assert mistake == (f"✗ true {'58'[labels[pick][index]]}" if expected_wrong[index] else "")
        # the digit itself: its darkest-ink pixel is drawn dark, a blank corner light
        row, column = divmod(int(images[pick][index].argmax()), 28)
        scale = frame.width() // 28
        ink = shot.pixelColor(frame.left() + column * scale + scale // 2, frame.top() + row * scale + scale // 2)
        assert ink.lightness() < 60 and shot.pixelColor(frame.left() + 1, frame.top() + 1).lightness() > 240


def test_only_mistakes_shows_only_the_wrong_guesses(qtbot, five_or_eight):
    net, data, images, labels, A, _ = five_or_eight
    pick, expected_wrong = _some_right_some_wrong(five_or_eight)
    gallery = _show(qtbot, Gallery())
    gallery.set_predictions(images[pick], labels[pick], class_probabilities(A)[pick], ("5", "8"))
    qtbot.mouseClick(gallery.only_mistakes, Qt.MouseButton.LeftButton)
    assert gallery.only_mistakes.isChecked()
    assert gallery.shown == np.flatnonzero(expected_wrong).tolist()
    shot = gallery.thumbnails.grab().toImage()
    assert all(_near(shot.pixelColor(frame.left() - 3, frame.center().y()), style.WARNING)
               for _, frame in gallery.thumbnails.tile_rects())
    assert gallery.summary.text() == "6 of 32 wrong"
    qtbot.mouseClick(gallery.only_mistakes, Qt.MouseButton.LeftButton)
    assert len(gallery.shown) == 32


def test_only_mistakes_with_none_says_so_and_clear_empties(qtbot):
    gallery = _show(qtbot, Gallery())
    images = np.zeros((3, 784), np.uint8)
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    gallery.set_predictions(images, np.array([0, 1, 0]), probabilities, ("cat", "dog"))
    assert gallery.summary.text() == "0 of 3 wrong"
    assert [t[2] for t in gallery.thumbnails.tiles] == ["cat · 90%", "dog · 80%", "cat · 60%"]
    gallery.only_mistakes.setChecked(True)
    assert gallery.shown == [] and gallery.thumbnails.message == "No mistakes among these 3 digits."
    gallery.clear()
    assert gallery.shown == [] and gallery.summary.text() == ""


def test_a_guess_short_of_certain_never_reads_100_percent(qtbot):
    gallery = _show(qtbot, Gallery())
    gallery.set_predictions(np.zeros((2, 784), np.uint8), np.array([1, 1]),
                            np.array([[0.0004, 0.9996], [0.0, 1.0]]), ("5", "8"))
    assert [t[2] for t in gallery.thumbnails.tiles] == ["8 · 99.9%", "8 · 100%"]


def test_gallery_input_of_the_wrong_shape_names_the_argument(qtbot):
    gallery = _show(qtbot, Gallery())
    with pytest.raises(DataError, match="^probabilities: expected shape \\(2, 2\\)"):
        gallery.set_predictions(np.zeros((2, 784), np.uint8), np.array([0, 1]), np.ones((2, 3)), ("5", "8"))
    with pytest.raises(DataError, match="^true: expected class indices 0-1, got \\[0 2\\]"):
        gallery.set_predictions(np.zeros((2, 784), np.uint8), np.array([0, 2]), np.ones((2, 2)), ("5", "8"))
    gallery.set_predictions(np.zeros((2, 784), np.uint8), np.array([0.0, 1.0]), np.eye(2), ("5", "8"))
    assert gallery.summary.text() == "0 of 2 wrong"  # labels as whole floats, like a Y row
    with pytest.raises(DataError, match="^images: expected shape \\(k, 784\\)"):
        gallery.set_predictions(np.zeros((2, 28, 28), np.uint8), np.array([0, 1]), np.ones((2, 2)), ("5", "8"))


# --- ConfusionMatrix ------------------------------------------------------------------

def test_the_confusion_matrix_of_a_real_model_shows_its_counts_and_accuracies(qtbot, five_or_eight):
    net, data, images, labels, A, A_train = five_or_eight
    counts = confusion_matrix(labels, net.labels_from_output(A), 2)
    train_accuracy, test_accuracy = net.accuracy(A_train, data.Y), net.accuracy(A, data.Y_test)
    matrix = _show(qtbot, ConfusionMatrix(), 560, 540)
    matrix.set_matrix(counts, ("5", "8"), train_accuracy, test_accuracy)
    assert matrix.counts.tolist() == counts.tolist() and matrix.class_names == ("5", "8")
    assert matrix.accuracy_text == (f"train accuracy {100 * train_accuracy:.1f} % · "
                                    f"test accuracy {100 * test_accuracy:.1f} %")
    assert np.trace(matrix.counts) / matrix.counts.sum() == pytest.approx(test_accuracy)
    shot = matrix.grab().toImage()
    assert len({shot.pixelColor(x, y).rgb() for x in range(0, 560, 7) for y in range(0, 540, 7)}) > 10
    right = matrix.cell_rect(0, 0)
    assert _near(shot.pixelColor(int(right.left()) + 4, int(right.top()) + 4), style.UPDATE, 20)
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
    matrix = _show(qtbot, ConfusionMatrix(), 640, 620)
    matrix.set_matrix(counts, tuple("0123456789"), None, net.accuracy(A, data.Y_test))
    assert matrix.accuracy_text.startswith("test accuracy ") and "train" not in matrix.accuracy_text
    shot = matrix.grab().toImage()
    for (row, column), count in np.ndenumerate(counts):
        rect = matrix.cell_rect(row, column)
        colour = shot.pixelColor(int(rect.left()) + 3, int(rect.top()) + 3)
        if row == column:
            assert colour.green() > colour.red() and colour.green() > colour.blue()
        elif count == 0:
            assert _near(colour, QColor("white"), 3)
        else:
            assert colour.red() > colour.green() > colour.blue()


def test_an_empty_matrix_invites_a_run(qtbot):
    matrix = _show(qtbot, ConfusionMatrix(), 400, 300)
    matrix.set_matrix(np.eye(2, dtype=int), ("5", "8"), 1.0, 1.0)
    before = matrix.grab().toImage()
    matrix.clear()
    assert matrix.counts is None and matrix.accuracy_text == ""
    assert matrix.grab().toImage() != before
    with pytest.raises(DataError, match="^counts: expected shape \\(3, 3\\)"):
        matrix.set_matrix(np.eye(2), ("a", "b", "c"), None, None)
