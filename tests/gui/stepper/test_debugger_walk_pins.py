"""Two debugger problems found walking the user's path, mended: a refused file leaves the
file shown, its findings and marks as they were, and the notebook's example sets up the
notebook's network instead of running on whatever network the page holds."""

from __future__ import annotations

import pytest

from bpviz.resources import resource_path
from tests.gui.stepper.test_code_panel import list_lines, open_file, run_and_wait
from tests.gui.tour.helpers import choose
from tests.gui.userpath import click_menu

NOTEBOOK_BUG_LINES = {31, 33, 34, 35, 37, 38, 39}


@pytest.fixture
def window(make_main_window):
    return make_main_window()


def test_a_refused_file_leaves_the_file_shown_and_its_findings(qtbot, window, monkeypatch, tmp_path):
    page, panel = window.step_page, window.step_page.code
    click_menu(qtbot, window, "Debug", "Open the notebook's update (buggy example)")
    report = run_and_wait(qtbot, window)
    assert {f.line for f in report.findings} == NOTEBOOK_BUG_LINES
    big = tmp_path / "big.py"
    big.write_text("def update(params, x, y, lr):\n    return params\n" + "# padding\n" * 200_000)  # 2 MB
    open_file(qtbot, window, monkeypatch, big)
    assert "big.py" in panel.error.text() and "MB" in panel.error.text()  # refused, and said so
    # ... and nothing the user had is lost: the notebook's file, its findings, its marks
    assert panel.user_file is not None and panel.user_file.name == "notebook_update.py"
    assert set(list_lines(panel)) == NOTEBOOK_BUG_LINES
    assert page.debugger.report is not None


def test_the_notebooks_example_sets_up_the_notebooks_network(qtbot, window):
    page = window.step_page
    choose(qtbot, page.controls.preset, "two-outputs")  # e.g. left there by an exercise
    click_menu(qtbot, window, "Debug", "Open the notebook's update (buggy example)")
    report = run_and_wait(qtbot, window)
    assert page.controls.preset.currentText() == "notebook-regression"
    assert {f.line for f in report.findings} == NOTEBOOK_BUG_LINES
