"""mnist_style: a drawing of any size becomes a 28x28 digit prepared the way MNIST's were."""

from __future__ import annotations

import numpy as np
import pytest

from bpviz.data.mnist import MNIST_CENTRE, load_mnist, mnist_style
from bpviz.errors import DataError


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


def centre_of_mass(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, dtype=np.float64)
    rows, cols = np.indices(image.shape)
    return np.array([(rows * image).sum(), (cols * image).sum()]) / image.sum()


def ink_span(image: np.ndarray) -> tuple[int, int]:
    rows, cols = np.nonzero(image)
    return rows.max() - rows.min() + 1, cols.max() - cols.min() + 1


def stroke(shape, points, width) -> np.ndarray:
    """A pen of ``width`` pixels along the polyline ``points`` (row, col), 1 = ink."""
    rows, cols = np.indices(shape, dtype=np.float64) + 0.5
    distance = np.full(shape, np.inf)
    for (r0, c0), (r1, c1) in zip(points[:-1], points[1:]):
        dr, dc = r1 - r0, c1 - c0
        t = np.clip(((rows - r0) * dr + (cols - c0) * dc) / max(dr * dr + dc * dc, 1e-12), 0, 1)
        np.minimum(distance, np.hypot(rows - r0 - t * dr, cols - c0 - t * dc), out=distance)
    return np.clip(width / 2 - distance + 0.5, 0, 1)


def figure_eight(centre, size):
    t = np.linspace(0, 2 * np.pi, 90)
    return np.stack([centre[0] - size * np.sin(t), centre[1] + 0.6 * size * np.sin(2 * t)], 1)


def test_mnist_puts_the_centre_of_mass_of_every_digit_within_half_a_pixel_of_14(mnist):
    # Why MNIST_CENTRE is 14 and not 13.5, the middle of pixels 0-27: the data says so.
    images = mnist.train_images.reshape(-1, 28, 28).astype(np.float64)
    rows = np.arange(28)
    mass = images.sum(axis=(1, 2))
    centres = np.stack([images.sum(2) @ rows, images.sum(1) @ rows], 1) / mass[:, None]
    assert np.allclose(centres.mean(axis=0), MNIST_CENTRE, atol=0.02)
    assert np.mean(np.abs(centres - MNIST_CENTRE).max(axis=1) <= 0.5) > 0.999


@pytest.mark.parametrize("index", range(12))
def test_a_real_digit_drawn_ten_times_larger_off_centre_comes_back_as_itself(mnist, index):
    digit = mnist.test_images[index].reshape(28, 28)
    canvas = np.zeros((400, 400))
    canvas[17:297, 103:383] = np.kron(digit / 255, np.ones((10, 10)))
    result = mnist_style(canvas)
    assert result.shape == (28, 28) and result.dtype == np.uint8
    assert np.corrcoef(result.ravel(), digit.ravel())[0, 1] > 0.99
    assert np.abs(result.astype(int) - digit).max() <= 2


def test_the_same_drawing_anywhere_and_at_any_size_gives_nearly_the_same_digit():
    small = stroke((400, 400), figure_eight((120, 110), 70), 16)
    moved = stroke((400, 400), figure_eight((260, 290), 70), 16)
    large = stroke((400, 400), figure_eight((200, 200), 70 * 1.7), 16 * 1.7)
    reference = mnist_style(small)
    assert np.array_equal(mnist_style(moved), reference)
    assert np.corrcoef(mnist_style(large).ravel(), reference.ravel())[0, 1] > 0.95


@pytest.mark.parametrize("centre, size", [((60, 60), 40), ((200, 300), 90), ((330, 140), 55)])
def test_the_digit_is_centred_by_its_centre_of_mass_and_its_larger_side_spans_20_pixels(
        centre, size):
    result = mnist_style(stroke((400, 400), figure_eight(centre, size), 12))
    assert np.abs(centre_of_mass(result) - MNIST_CENTRE).max() <= 0.5
    assert max(ink_span(result)) == 20


def test_a_wide_stroke_stays_wide():
    # 240 x 60 pixels of ink: scaled to 20 x 5, not stretched into a square.
    ink = np.zeros((300, 300))
    ink[100:160, 30:270] = 1
    result = mnist_style(ink)
    assert ink_span(result) == (5, 20)
    assert result[result > 0].min() == 255  # 240 / 20 = 12 input pixels per output pixel: no seams


def test_anti_aliasing_keeps_the_amount_of_ink():
    # A thin diagonal line: its pixels come out grey, and the area-average keeps the total ink.
    ink = stroke((280, 280), [(40, 40), (240, 200)], 3)
    result = mnist_style(ink)
    assert 0 < np.median(result[result > 0]) < 255
    scale = 20 / max(ink_span(ink))
    assert result.sum() / 255 == pytest.approx(ink.sum() * scale**2, rel=0.02)


def test_ink_pushed_past_the_border_is_cut_off_not_wrapped_around():
    # A heavy blob at the top of a long thin tail: the centre of mass is near the top, so
    # centring it moves the tail's end past the bottom edge of the frame.
    ink = np.zeros((200, 200))
    ink[0:30, 80:120] = 1
    ink[30:200, 99:101] = 1
    result = mnist_style(ink)
    assert np.abs(centre_of_mass(result) - MNIST_CENTRE).max() <= 0.5
    assert result[27].any() and not result[:8].any()


@pytest.mark.parametrize("ink", [np.zeros((280, 280)), np.zeros((0, 0)), np.zeros((5, 0)),
                                 np.full((10, 10), 1e-9)])
def test_no_ink_gives_an_empty_frame(ink):
    result = mnist_style(ink)
    assert result.shape == (28, 28) and result.dtype == np.uint8 and not result.any()


@pytest.mark.parametrize("ink, found", [
    (np.zeros(784), r"2-D.*shape \(784,\)"),
    (np.zeros((2, 28, 28)), r"2-D.*shape \(2, 28, 28\)"),
    (np.full((28, 28), np.nan), "NaN"),
    (np.full((28, 28), 255.0), r"\[0, 1\].*found 255"),
    ("an eight", "2-D"),
])
def test_a_bad_drawing_is_named_in_the_error(ink, found):
    with pytest.raises(DataError, match=rf"^drawing: expected .*{found}"):
        mnist_style(ink)
