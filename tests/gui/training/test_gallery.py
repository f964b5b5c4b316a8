"""The gallery of test digits: captions with the guess and its probability, the wrong
guesses framed in orange, the Only mistakes filter, and input checked at the boundary."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from bpviz.errors import DataError
from bpviz.gui import style
from bpviz.gui.training.gallery import Gallery
from bpviz.nn.metrics import class_probabilities
from tests.gui.training.helpers import near, show


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
    gallery = show(qtbot, Gallery())
    gallery.set_predictions(images[pick], labels[pick], probabilities, ("5", "8"))
    assert gallery.summary.text() == "6 of 32 wrong"
    assert gallery.wrong.tolist() == expected_wrong.tolist()
    assert gallery.shown == list(range(32))
    canvas = gallery.thumbnails
    shot = canvas.grab().toImage()
    for (index, frame), (_, _, caption, mistake) in zip(canvas.tile_rects(), canvas.tiles):
        guess, percent = caption.split(" · ")
        assert guess == "58"[int(probabilities[index].argmax())]
        if percent == ">99%":  # never "100%": a float output of 1.0 is still a guess
            assert probabilities[index].max() >= 0.995
        else:
            assert float(percent.rstrip("%")) == pytest.approx(100 * probabilities[index].max(), abs=0.5)
        framed = near(shot.pixelColor(frame.left() - 3, frame.center().y()), style.WARNING)
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
    gallery = show(qtbot, Gallery())
    gallery.set_predictions(images[pick], labels[pick], class_probabilities(A)[pick], ("5", "8"))
    qtbot.mouseClick(gallery.only_mistakes, Qt.MouseButton.LeftButton)
    assert gallery.only_mistakes.isChecked()
    assert gallery.shown == np.flatnonzero(expected_wrong).tolist()
    shot = gallery.thumbnails.grab().toImage()
    assert all(near(shot.pixelColor(frame.left() - 3, frame.center().y()), style.WARNING)
               for _, frame in gallery.thumbnails.tile_rects())
    assert gallery.summary.text() == "6 of 32 wrong"
    qtbot.mouseClick(gallery.only_mistakes, Qt.MouseButton.LeftButton)
    assert len(gallery.shown) == 32


def test_only_mistakes_with_none_says_so_and_clear_empties(qtbot):
    gallery = show(qtbot, Gallery())
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
    gallery = show(qtbot, Gallery())
    gallery.set_predictions(np.zeros((2, 784), np.uint8), np.array([1, 1]),
                            np.array([[0.0004, 0.9996], [0.0, 1.0]]), ("5", "8"))
    assert [t[2] for t in gallery.thumbnails.tiles] == ["8 · >99%", "8 · >99%"]


def test_gallery_input_of_the_wrong_shape_names_the_argument(qtbot):
    gallery = show(qtbot, Gallery())
    with pytest.raises(DataError, match="^probabilities: expected shape \\(2, 2\\)"):
        gallery.set_predictions(np.zeros((2, 784), np.uint8), np.array([0, 1]), np.ones((2, 3)), ("5", "8"))
    with pytest.raises(DataError, match="^true: expected class indices 0-1, got \\[0 2\\]"):
        gallery.set_predictions(np.zeros((2, 784), np.uint8), np.array([0, 2]), np.ones((2, 2)), ("5", "8"))
    gallery.set_predictions(np.zeros((2, 784), np.uint8), np.array([0.0, 1.0]), np.eye(2), ("5", "8"))
    assert gallery.summary.text() == "0 of 2 wrong"  # labels as whole floats, like a Y row
    with pytest.raises(DataError, match="^images: expected shape \\(k, 784\\)"):
        gallery.set_predictions(np.zeros((2, 28, 28), np.uint8), np.array([0, 1]), np.ones((2, 2)), ("5", "8"))
