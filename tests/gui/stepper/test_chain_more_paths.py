"""A chain of more than four paths: the last row sums the rest, with its value, so that the
rows shown add up to the step's result."""

from __future__ import annotations

import pytest

from bpviz.gui.stepper.equation import more_latex
from tests.gui.conftest import on_screen
from tests.gui.tour.helpers import choose, enter, settle, step_to


def test_the_last_row_of_a_long_chain_says_what_the_other_paths_add_up_to(qtbot, main_window):
    window = main_window
    on_screen(qtbot, window, "desktop", (1920, 1080))
    page = window.step_page
    choose(qtbot, page.controls.preset, "two-outputs")
    enter(qtbot, page.controls.hidden, "3,3")  # da[1]_1 reaches J along 3 × 2 = 6 paths
    step = next(s for s in page.controller.steps if s.quantity == ("da", 1, 1))
    assert step.path_count == 6
    step_to(qtbot, window, step.index + 1)
    settle(qtbot)
    chain = page.equation.chain
    assert len(chain.rows) == 3 and chain.more == 3
    shown = sum(_product(row) for row in chain.rows)
    rest = sum(_product(path) for path in step.paths[3:])
    text = more_latex(chain.more, chain.step)
    assert "3 more paths" in text and text.rstrip().endswith(f"= {_value(rest)}"), text
    assert shown + rest == pytest.approx(step.value, rel=1e-12)


def _product(path):
    value = 1.0
    for factor in path:
        value *= factor.value
    return value


def _value(v):
    from bpviz.nn.notation import result
    return result(v).latex
