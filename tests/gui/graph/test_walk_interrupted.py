"""A walk along the chain interrupted by the user (a key, a preset, a pause) leaves the
graph and the equation telling the same story: no factor lit that nothing lights."""

from __future__ import annotations

from tests.gui.conftest import on_screen
from tests.gui.tour.helpers import choose, settle, step_to
from tests.gui.userpath import press


def _mid_walk(qtbot, window):
    """Play from step 20 of notebook-regression until step 21's walk lights a factor."""
    page = window.step_page
    choose(qtbot, page.controls.preset, "notebook-regression")
    step_to(qtbot, window, 20)
    press(qtbot, window, "Space", widget=page.graph)
    qtbot.waitUntil(lambda: page.graph.walking() and page.graph._walked >= 1, timeout=10000)
    assert page.equation.chain.linked  # the factor walked is lit in the equation
    return page


def test_a_key_pressed_mid_walk_leaves_no_factor_lit_in_the_equation(qtbot, main_window):
    window = main_window
    on_screen(qtbot, window, "desktop", (1920, 1080))
    page = _mid_walk(qtbot, window)
    press(qtbot, window, "Space", widget=page.graph)  # pause
    press(qtbot, window, "Left", widget=page.graph)
    settle(qtbot)
    assert not page.graph.walking()
    assert page.transport.position.text().startswith("step 20 ")
    assert page.equation.chain.linked == "", "a factor stays lit with nothing hovered or walked"


def test_a_preset_chosen_mid_walk_leaves_no_factor_lit_in_the_equation(qtbot, main_window):
    window = main_window
    on_screen(qtbot, window, "desktop", (1920, 1080))
    page = _mid_walk(qtbot, window)
    choose(qtbot, page.controls.preset, "two-outputs")
    settle(qtbot)
    assert not page.graph.walking()
    assert page.equation.chain.linked == ""


def test_pausing_mid_walk_finishes_the_walk_and_shows_the_result(qtbot, main_window):
    window = main_window
    on_screen(qtbot, window, "desktop", (1920, 1080))
    page = _mid_walk(qtbot, window)
    press(qtbot, window, "Space", widget=page.graph)  # pause
    assert not page.controller.playing
    qtbot.waitUntil(lambda: not page.graph.walking(), timeout=5000)
    assert "dw" in page.graph.edges["w1.2.1"].values
    assert all(page.graph.edges[e].chain for e in ("J.1", "w2.1.2", "w1.2.1"))
    assert page.equation.chain.linked == ""
