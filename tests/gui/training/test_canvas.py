"""The drawing panel: draw with the mouse, see the 28x28 digit and the model's live prediction."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QElapsedTimer, QPoint, Qt

from bpviz.data.mnist import MNIST_CENTRE, load_mnist, to_columns
from bpviz.errors import DataError
from bpviz.gui.training.canvas import NO_MODEL, SIDE, DrawPanel
from bpviz.nn.network import Network
from bpviz.nn.train import train
from bpviz.presets import get_preset

TEN = tuple(str(d) for d in range(10))


def trained(preset: str, **overrides) -> Network:
    recipe = get_preset(preset).replace(**overrides)
    net = recipe.network()
    list(train(net, recipe.data(), recipe.train_config()))
    return net


@pytest.fixture(scope="module")
def five_or_eight() -> Network:
    return trained("fast", train_size=600, epochs=3)


@pytest.fixture(scope="module")
def ten_digits() -> Network:
    return trained("mnist10", train_size=2000, epochs=3)


@pytest.fixture
def panel(qtbot):
    widget = DrawPanel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_digit(label: int, nth: int = 0) -> np.ndarray:
    mnist = load_mnist()
    index = np.nonzero(mnist.test_labels == label)[0][nth]
    return mnist.test_images[index].reshape(28, 28)


test_digit.__test__ = False  # a helper, not a test


def drawn(digit: np.ndarray) -> np.ndarray:
    """An MNIST digit as ink on the whole canvas: ten canvas pixels per MNIST pixel."""
    return np.kron(digit / 255, np.ones((SIDE // 28, SIDE // 28)))


def on_screen(canvas, point) -> QPoint:
    """Where a point of the SIDE x SIDE drawing is on the canvas, shown at any size."""
    scale = canvas.width() / SIDE
    return QPoint(round(point[0] * scale), round(point[1] * scale))


def draw(qtbot, canvas, points, release: bool = True) -> None:
    """Press, move through ``points`` (x, y in drawing pixels) and release the left button."""
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=on_screen(canvas, points[0]))
    for point in points[1:]:
        qtbot.mouseMove(canvas, on_screen(canvas, point))
    if release:
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=on_screen(canvas, points[-1]))


def figure_eight(n: int = 80) -> list[tuple[int, int]]:
    t = np.linspace(0, 2 * np.pi, n)
    return [(int(140 + 55 * np.sin(2 * a)), int(140 - 95 * np.sin(a))) for a in t]


def centre_of_mass(image: np.ndarray) -> np.ndarray:
    rows, cols = np.indices(image.shape)
    return np.array([(rows * image).sum(), (cols * image).sum()]) / image.sum()


def test_a_stroke_in_a_corner_becomes_a_centred_digit(qtbot, panel):
    assert not panel.image().any()
    draw(qtbot, panel.canvas, [(30, 30), (40, 60), (50, 90), (60, 110)])
    image = panel.image()
    assert image.shape == (28, 28) and image.dtype == np.uint8
    assert image.max() == 255
    assert np.abs(centre_of_mass(image) - MNIST_CENTRE).max() <= 0.5
    assert panel.canvas.ink()[30:110, 30:60].max() == pytest.approx(1.0)  # ink where drawn
    assert panel.canvas.ink()[150:, 150:].max() == 0


def test_the_preview_shows_the_28_by_28_digit_with_crisp_pixels(qtbot, panel):
    draw(qtbot, panel.canvas, figure_eight())
    shown = panel.preview.grab().toImage()
    drawn = panel.preview.image_rect()
    scale = drawn.width() // 28
    assert drawn.width() == drawn.height() == 28 * scale and scale >= 2
    image = panel.image()
    for row, col in [tuple(np.argwhere(image == 255)[0]), (0, 0)]:
        # Every screen pixel of one model pixel has the model pixel's shade (ink is dark).
        shades = {shown.pixelColor(drawn.x() + col * scale + dx, drawn.y() + row * scale + dy).value()
                  for dx in range(scale) for dy in range(scale)}
        assert shades == {255 - int(image[row, col])}


def test_clear_and_right_click_empty_the_drawing(qtbot, panel, five_or_eight):
    panel.set_model(five_or_eight, ("5", "8"))
    draw(qtbot, panel.canvas, figure_eight())
    assert panel.prediction() is not None
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert not panel.image().any() and panel.prediction() is None
    assert not panel.canvas.ink().any()
    draw(qtbot, panel.canvas, figure_eight())
    qtbot.mouseClick(panel.canvas, Qt.MouseButton.RightButton, pos=QPoint(140, 140))
    assert not panel.image().any() and panel.prediction() is None
    assert "Draw a digit" in panel.message.text()


def test_a_real_eight_is_an_eight_and_a_real_five_a_five(qtbot, panel, five_or_eight):
    panel.set_model(five_or_eight, ("5", "8"))
    with qtbot.waitSignal(panel.predicted) as emitted:
        panel.set_ink(drawn(test_digit(8)))
    name, probabilities = panel.prediction()
    assert name == "8" and probabilities.shape == (2,)
    assert probabilities.sum() == pytest.approx(1.0)
    assert np.array_equal(emitted.args[0], probabilities)
    assert panel.top_label.text().startswith("8 — ")
    panel.set_ink(drawn(test_digit(5)))
    assert panel.prediction()[0] == "5"


def test_the_model_sees_exactly_the_mnist_image_that_was_drawn(panel, ten_digits):
    panel.set_model(ten_digits, TEN)
    digit = test_digit(3)
    panel.set_ink(drawn(digit))
    assert np.array_equal(panel.image(), digit)
    A, _ = ten_digits.forward(to_columns(digit.reshape(1, 784), ten_digits.dtype))
    name, probabilities = panel.prediction()
    assert np.allclose(probabilities, A[:, 0]) and probabilities.sum() == pytest.approx(1.0)
    assert name == str(int(np.argmax(A[:, 0])))


def test_a_figure_eight_drawn_with_the_mouse_is_an_eight(qtbot, panel, five_or_eight):
    panel.set_model(five_or_eight, ("5", "8"))
    draw(qtbot, panel.canvas, figure_eight())
    assert panel.prediction()[0] == "8"
    assert not panel.bars.isHidden() and panel.message.isHidden()


def test_the_prediction_follows_the_pen_but_at_most_about_30_times_a_second(
        qtbot, panel, five_or_eight):
    panel.set_model(five_or_eight, ("5", "8"))
    passes = []
    panel.predicted.connect(passes.append)
    points = figure_eight(60)
    clock = QElapsedTimer()
    clock.start()
    qtbot.mousePress(panel.canvas, Qt.MouseButton.LeftButton,
                     pos=on_screen(panel.canvas, points[0]))
    for point in points[1:]:
        qtbot.mouseMove(panel.canvas, on_screen(panel.canvas, point))
        qtbot.wait(4)  # a brisk hand: a move every few milliseconds
    elapsed = clock.elapsed()
    assert panel.prediction() is not None  # live, before the pen is lifted
    # At most one pass per 33 ms of drawing (however slowly a loaded machine delivers the
    # moves), and fewer than one per move whenever the moves came faster than that.
    assert 1 <= len(passes) <= elapsed / 33 + 2
    assert len(passes) < len(points) - 1 or elapsed / 33 + 2 >= len(points) - 1
    before = len(passes)
    qtbot.mouseRelease(panel.canvas, Qt.MouseButton.LeftButton,
                       pos=on_screen(panel.canvas, points[-1]))
    assert len(passes) == before + 1  # always one when the pen is lifted, with the whole stroke
    qtbot.wait(60)
    assert len(passes) == before + 1  # and nothing left over from the throttle


def test_a_model_set_after_drawing_predicts_at_once(panel, five_or_eight):
    panel.set_ink(drawn(test_digit(8)))
    assert panel.prediction() is None
    panel.set_model(five_or_eight, ("5", "8"))
    assert panel.prediction()[0] == "8"


def test_without_a_model_the_panel_says_so_and_drawing_still_works(qtbot, panel, five_or_eight):
    assert panel.message.text() == NO_MODEL and not panel.message.isHidden()
    draw(qtbot, panel.canvas, figure_eight())
    assert panel.image().any() and panel.prediction() is None
    assert panel.bars.isHidden() and panel.message.text() == NO_MODEL
    panel.set_model(five_or_eight, ("5", "8"))
    panel.set_model(None, ())
    assert panel.prediction() is None and panel.message.text() == NO_MODEL


@pytest.mark.parametrize("net, names, expected", [
    (Network([2, 2, 1], "sigmoid", "bce"), ("no", "yes"), "takes 2 inputs"),
    (Network([784, 8, 1], "sigmoid", "bce"), TEN, "cannot be read as probabilities"),
    (Network([784, 8, 1], ["relu", "linear"], "mse"), ("5", "8"), "1 linear output"),
])
def test_a_model_that_cannot_read_a_drawing_gets_a_message_not_a_crash(
        qtbot, panel, net, names, expected):
    panel.set_model(net, names)
    draw(qtbot, panel.canvas, figure_eight())
    assert expected in panel.message.text() and not panel.message.isHidden()
    assert panel.prediction() is None


def test_a_diverged_model_gets_a_message_not_a_crash(panel, five_or_eight):
    broken = five_or_eight.copy()
    broken.set_params({k: np.full_like(v, np.nan) for k, v in broken.params.items()})
    panel.set_model(broken, ("5", "8"))
    panel.set_ink(drawn(test_digit(8)))
    assert "not a number" in panel.message.text() and panel.prediction() is None


def test_ink_of_the_wrong_size_is_refused_with_a_message(panel):
    with pytest.raises(DataError, match="drawing: expected a \\(280, 280\\) array"):
        panel.set_ink(np.ones((28, 28)))


def test_in_a_side_panel_the_canvas_shrinks_and_still_draws_where_the_pen_is(
        qtbot, panel, ten_digits):
    # The Draw tab of the training page is about 350 x 520 on a 1280 x 800 window.
    panel.set_model(ten_digits, TEN)
    assert panel.minimumHeight() <= 480 and panel.minimumWidth() <= 350
    panel.resize(350, 520)
    qtbot.waitUntil(lambda: panel.canvas.width() < SIDE)
    assert panel.canvas.width() == panel.canvas.height()
    assert panel.bars.geometry().bottom() <= panel.height()
    assert panel.bars.y() > panel.canvas.mapTo(panel, QPoint(0, panel.canvas.height())).y()
    draw(qtbot, panel.canvas, [(30, 30), (40, 60), (50, 90), (60, 110)])
    ink = panel.canvas.ink()
    assert ink[40:100, 35:55].max() > 0.9 and ink[150:, 150:].max() == 0


def test_in_a_wide_panel_the_prediction_sits_beside_the_canvas(qtbot, panel, ten_digits):
    panel.set_model(ten_digits, TEN)
    panel.resize(1000, 600)
    qtbot.waitUntil(lambda: panel.bars.x() > panel.preview.mapTo(panel, QPoint(0, 0)).x())
    assert panel.canvas.width() == SIDE
    assert panel.bars.y() < SIDE / 2  # level with the canvas, not below it
    assert panel.bars.height() >= 10 * 28  # ten rows in one column
