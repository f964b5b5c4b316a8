"""A walk along the chain while playing: interrupted by the user (a key, a preset, a pause)
it leaves the graph and the equation telling the same story (no factor lit that nothing
lights), and a long path is walked in the time of a short one."""

from __future__ import annotations

import time

from tests.gui.conftest import on_screen
from tests.gui.tour.helpers import choose, enter, settle, step_to
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


def test_a_long_path_is_walked_in_the_time_of_a_short_one(qtbot, main_window):
    """At the page's limit (3 hidden layers of 8 units), da[1]_1 reaches J along 128 paths
    through about 100 elements: walked a factor every 200 ms that single step would take
    20 s while playing. A walk takes at most the time of 12 factors; the next step waits
    for it, and no longer."""
    window = main_window
    on_screen(qtbot, window, "desktop", (1920, 1080))
    page = window.step_page
    choose(qtbot, page.controls.preset, "two-outputs")
    enter(qtbot, page.controls.hidden, "8,8,8")
    c, graph = page.controller, page.graph
    longest = max(c.steps, key=lambda s: len(s.chain))
    assert len(longest.chain) > 60
    c.set_index(longest.index - 1)  # (step_to would press → some 150 times)
    press(qtbot, window, "Space", widget=graph)
    qtbot.waitUntil(lambda: c.index == longest.index, timeout=10000)
    assert graph.walking()
    started = time.monotonic()
    qtbot.waitUntil(lambda: not graph.walking(), timeout=30000)
    took = time.monotonic() - started
    assert took <= 12 * 0.25 + 0.5, f"the walk took {took:.1f} s"
    assert c._timer.interval() <= (c.seconds_per_step() + 12 * 0.25) * 1000
    press(qtbot, window, "Space", widget=graph)
    assert all((graph.nodes.get(e) or graph.edges[e]).chain for e in longest.chain if e != "J")


def test_labels_stay_put_while_a_path_is_walked(qtbot, main_window):
    """A label steps aside from the path when the step begins, not half-way through its
    walk: step 27 of two-outputs (dw[1]_12, two paths) walked with no label jumping."""
    window = main_window
    on_screen(qtbot, window, "desktop", (1920, 1080))
    page = window.step_page
    choose(qtbot, page.controls.preset, "two-outputs")
    step_to(qtbot, window, 26)
    c, graph = page.controller, page.graph
    seen = []

    def where(_element):
        if c.index == 26:
            seen.append({e: (item.label.pos().toTuple(), item.label.isVisible())
                         for e, item in graph.edges.items() if e.startswith("w")})

    graph.linkedElement.connect(where)
    press(qtbot, window, "Space", widget=graph)
    qtbot.waitUntil(lambda: c.index == 26 and graph.walking(), timeout=10000)
    qtbot.waitUntil(lambda: not graph.walking(), timeout=10000)
    press(qtbot, window, "Space", widget=graph)
    assert len(seen) > 5
    jumped = {e for a, b in zip(seen, seen[1:]) for e in a if a[e] != b[e]}
    assert not jumped, f"labels moved during the walk: {sorted(jumped)}"
