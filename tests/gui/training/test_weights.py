"""The first layer's weights as images: units picked by number, the colour scale, long-lived
images, and what the view says about bad selections and layers that are not pixels."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from bpviz.errors import ConfigError
from bpviz.gui import style
from bpviz.gui.training.weights import NO_WEIGHTS, WeightImages, parse_units
from bpviz.nn.network import Network
from bpviz.presets import get_preset
from tests.gui.training.helpers import near, show


@pytest.fixture
def five_or_eight(five_or_eight) -> Network:
    """The quick real 5-vs-8 model alone."""
    return five_or_eight[0]


def _type_units(qtbot, view: WeightImages, text: str) -> None:
    view.units_field.selectAll()
    qtbot.keyClicks(view.units_field, text)
    qtbot.keyClick(view.units_field, Qt.Key.Key_Return)


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
    W1 = five_or_eight.params["W1"].copy()
    view = show(qtbot, WeightImages())
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
    view = show(qtbot, WeightImages(), 600, 500)
    _type_units(qtbot, view, "1,2")
    view.set_weights(W1)
    image = view.view.grab().toImage()

    def colour_at(unit, x, y):  # x, y as fractions of the image's on-screen width and height
        rect = view.view.mapFromScene(view.images[unit].sceneBoundingRect()).boundingRect()
        return image.pixelColor(rect.left() + round(x * rect.width()), rect.top() + round(y * rect.height()))

    assert near(colour_at(1, 0.5, 0.2), style.REUSED)  # purple, at the top as in W1's first rows
    assert near(colour_at(1, 0.5, 0.8), style.UPDATE)  # green
    assert near(colour_at(2, 0.5, 0.5), QColor("white"), 8)  # all zero


def test_updates_reuse_the_same_images_so_five_a_second_stays_cheap(qtbot, five_or_eight):
    W1 = five_or_eight.params["W1"].copy()
    view = show(qtbot, WeightImages())
    view.set_weights(W1)
    items = dict(view.images)
    view.set_weights(W1 * 2)
    assert view.images == items and all(a is b for a, b in zip(view.images.values(), items.values()))
    assert np.array_equal(view.images[5].image, 2 * W1[4].reshape(28, 28))


@pytest.mark.parametrize("text", ["abc", "0", "1-500"])
def test_bad_text_is_shown_in_red_beside_the_field_and_the_images_stay(qtbot, text):
    W1 = get_preset("tutorial").network().params["W1"]  # 196 hidden units
    view = show(qtbot, WeightImages())
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
    view = show(qtbot, WeightImages())
    view.set_weights(np.ones((10, 784)))
    assert list(view.images) == list(range(1, 11))
    assert view.note.isVisible()
    assert view.note.text().startswith("This layer has 10 units: 6 of the selected units are beyond it")
    view.set_weights(np.ones((20, 784)))
    assert len(view.images) == 16 and not view.note.isVisible()


def test_none_clears_to_the_hint_and_weights_that_are_not_pixels_say_so(qtbot):
    view = show(qtbot, WeightImages())
    view.set_weights(np.ones((20, 784)))
    view.set_weights(None)
    assert view.hint.isVisible() and view.hint.text() == NO_WEIGHTS
    assert not view.images and not view.view.isVisible()
    view.set_weights(np.ones((2, 2)))
    assert view.hint.isVisible() and "2 inputs, not the 28×28 = 784" in view.hint.text()
