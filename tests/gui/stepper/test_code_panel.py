"""The "Your code" tab, as a person reaches it: a file opened from the Debug menu, run apart
with Ctrl+R (the window stays live; Cancel, Esc and the time limit stop it), its wrong
lines marked in the gutter with their diagnosis, each linked with its parameters on the
graph and their gradient's step, reloaded after an edit on disk, and the exercises."""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip

from bpviz.gui import style
from bpviz.gui.stepper import exercises
from bpviz.gui.stepper.code_view import FAILURE, FINDING
from bpviz.gui.stepper.debugger import element_of_check
from bpviz.resources import resource_path
from tests.gui.tour.helpers import click, click_tab, settle, window_back
from tests.gui.userpath import (
    choose_file,
    click_menu,
    menu_action,
    plain,
    press,
    type_into,
)

BUGGY = resource_path("examples", "notebook_update.py")
FIXED = resource_path("examples", "notebook_update_fixed.py")
ENDLESS = "def update(params, x, y, lr):\n    n = 0\n    while True:\n        n += 1\n"
RUN = 30_000  # ms: a child process starts, runs every row, and answers


@pytest.fixture
def window(make_main_window):
    return make_main_window()


def run_and_wait(qtbot, window, timeout: int = RUN):
    """Ctrl+R, then wait for the run's end as a person does (the window keeps working)."""
    page = window.step_page
    window_back(qtbot, window)  # a menu closed: the window is active again
    press(qtbot, window, "Ctrl+R")
    assert page.debugger.busy() or page.code.error.isVisibleTo(page.code)
    qtbot.waitUntil(lambda: not page.debugger.busy(), timeout=timeout)
    return page.debugger.report


def open_file(qtbot, window, monkeypatch, path) -> None:
    choose_file(monkeypatch, path, save=False)
    click_menu(qtbot, window, "Debug", "Open your update or gradients…")
    window_back(qtbot, window)


def line_point(view, line: int) -> QPoint:
    """Where line ``line`` is drawn in the code view's viewport (scrolled into view first)."""
    block = view.document().findBlockByNumber(line - 1)
    view.setTextCursor(QTextCursor(block))
    view.centerCursor()  # scrolled to the middle, as a person scrolls to read it
    QApplication.processEvents()
    rect = view.blockBoundingGeometry(block).translated(view.contentOffset())
    return QPoint(40, round(rect.top() + view.fontMetrics().height() / 2))


def hover_tip(qtbot, widget, point: QPoint) -> str:
    """The tooltip the mouse resting at ``point`` of ``widget`` shows ("" for none)."""
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=3000)
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, point, widget.mapToGlobal(point)))
    return QToolTip.text() if QToolTip.isVisible() else ""


def edge_point(graph, edge) -> QPoint:
    """A point of the graph where a click meets ``edge`` (its line or its label), not an arrow over it."""
    for t in [i / 20 for i in range(3, 18)]:
        point = graph.mapFromScene(edge.line.pointAt(t))
        if graph.element_at(point) is edge:
            return point
    raise AssertionError(f"{edge.edge_id} is covered everywhere")


def list_lines(panel) -> list[int]:
    return [panel.findings[i].line for i in range(panel.list.count())]


def click_list_item(qtbot, panel, row: int) -> None:
    item = panel.list.item(row)
    panel.list.scrollToItem(item)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=panel.list.visualItemRect(item).center())


def test_the_notebooks_three_bugs_are_marked_at_their_lines(qtbot, window):
    page, panel = window.step_page, window.step_page.code
    click_menu(qtbot, window, "Debug", "Open the notebook's update (buggy example)")
    assert page.tabs.currentWidget() is panel and panel.isVisible()
    assert "notebook_update.py" in panel.file_label.text() and "modified " in panel.file_label.text()
    assert not panel.view.marks  # not run yet
    report = run_and_wait(qtbot, window)
    assert report is not None, panel.error.text()
    by_line = {}
    for finding in report.findings:
        by_line.setdefault(finding.line, set()).update(finding.cause.kinds)
    assert "wrong operand" in by_line[31]  # b2 set from W2
    assert all("stale read" in by_line[n] for n in (33, 34, 35, 37, 38, 39))  # W2 read after lines 29-30
    assert "swapped index" in by_line[34] and "swapped index" in by_line[37]
    assert set(panel.view.marks) == set(by_line)
    assert all(mark.kind == FINDING for mark in panel.view.marks.values())
    # in the gutter: the mark in the warning colour, and the diagnosis where the mouse rests
    gutter = panel.view.gutter
    for line, words in ((31, ["wrong operand", "W2"]), (34, ["stale read", "swapped index"]), (37, ["swapped index"])):
        point = line_point(panel.view, line)
        QApplication.processEvents()
        image = gutter.grab().toImage()
        row = [image.pixelColor(x, y) for x in range(image.width() // 2) for y in range(point.y() - 3, point.y() + 4)]
        assert any(abs(c.red() - style.WARNING.red()) < 40 and abs(c.green() - style.WARNING.green()) < 40
                   and abs(c.blue() - style.WARNING.blue()) < 40 for c in row), f"no mark drawn at line {line}"
        tip = hover_tip(qtbot, gutter, QPoint(8, point.y()))
        assert f"line {line}" in tip and all(w in tip for w in words), tip
        assert hover_tip(qtbot, panel.view.viewport(), point) == tip  # the line itself says the same
    assert hover_tip(qtbot, gutter, QPoint(8, line_point(panel.view, 28).y())) == ""  # a right line says nothing
    # the list: every finding with its line, code, cause and rows
    items = [panel.list.item(i).text() for i in range(panel.list.count())]
    first = next(text for text in items if "line 31:" in text)
    assert "b2[0][0] = …" in first and "wrong operand" in first and "rows 1–4" in first
    assert any("line 34:" in text and "stale read and swapped index" in text for text in items)
    # the step page shows the row the report shows, and says so
    assert page.session.sample == report.shown_row
    assert f"Row {report.shown_row + 1} shows every bug" in panel.status.text()
    assert page.debug.comparison is report.comparison


def test_the_fixed_update_marks_nothing(qtbot, window, monkeypatch):
    page, panel = window.step_page, window.step_page.code
    open_file(qtbot, window, monkeypatch, FIXED)
    assert panel.rows.value() == panel.rows.maximum() == page.session.m  # every row, by default
    type_into(qtbot, panel.rows, "2")  # a budget of two calls
    report = run_and_wait(qtbot, window)
    assert report is not None and report.findings == () and report.rows == (0, 1)
    assert "2 rows checked" in panel.status.text() and "2 of 4 rows" in panel.status.text()
    type_into(qtbot, panel.rows, "4")
    report = run_and_wait(qtbot, window)
    assert report is not None and report.findings == () and len(report.rows) == 4
    assert not panel.view.marks and panel.list.count() == 0 and not panel.list.isVisible()
    assert "No wrong line" in panel.status.text()
    assert not any(e.flagged for e in page.graph.edges.values())


def test_a_line_lights_its_parameters_and_shows_their_gradient_and_back(qtbot, window):
    page, panel = window.step_page, window.step_page.code
    click_menu(qtbot, window, "Debug", "Open the notebook's update (buggy example)")
    report = run_and_wait(qtbot, window)
    graph = page.graph
    lit = lambda: {e for e, item in {**graph.edges, **graph.nodes}.items() if item.hovered_link}
    # the list, clicked: line 31 selected in the code, b2's unit lit, db[2]_1's step shown
    row = list_lines(panel).index(31)
    click_list_item(qtbot, panel, row)
    assert panel.view.selected_line() == 31 and panel.view.textCursor().selectedText().strip().startswith("params['b2']")
    assert panel.detail.isVisible() and "wrong operand" in panel.detail.text() and "W2" in panel.detail.text()
    assert lit() == {"n2.1"}
    assert page.controller.step.quantity == ("db", 2, 1)
    check = page.equation.check.text()
    assert "line 31" in check and "params['b2'][0][0]" in check and "wrong operand" in check
    # the keyboard: the next finding in the list
    panel.list.setFocus()
    press(qtbot, window, "Down", widget=panel.list)
    chosen = panel.findings[panel.list.currentRow()]
    assert chosen.line != 31 and panel.view.selected_line() == chosen.line
    assert lit() == {element_of_check(k, i) for k, i in chosen.params}
    assert f"line {chosen.line}" in page.equation.check.text()
    # a flagged line clicked in the code: its item chosen in the list
    view = panel.view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=line_point(view, 37))
    assert panel.findings[panel.list.currentRow()].line == 37
    assert lit() == {element_of_check(k, i) for f in report.findings if f.line == 37 for k, i in f.params}
    assert page.controller.step.quantity[0] in ("dw", "db")
    # an orange weight clicked on the graph: the line that wrote it, selected
    click_tab(qtbot, page.tabs, "Gradient check")
    settle(qtbot)  # the column narrowed: the graph refits
    finding = next(f for f in report.findings if f.line == 34)
    element = element_of_check(*finding.params[0])
    edge = graph.edges[element]
    assert edge.flagged
    qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=edge_point(graph, edge))
    assert page.tabs.currentWidget() is panel
    selected = panel.findings[panel.list.currentRow()]
    assert element in {element_of_check(k, i) for k, i in selected.params} and view.selected_line() == selected.line
    # ... and the page agrees with the list: that line's parameters lit, its gradient's step shown
    assert edge.hovered_link  # lit, as choosing the line in the list lights it
    step = page.controller.step
    assert step.quantity[0] == "dw" and element_of_check(f"W{step.quantity[1]}", (step.quantity[2] - 1,
                                                                                 step.quantity[3] - 1)) == element


def test_an_endless_loop_is_cancelled_while_the_window_stays_live(qtbot, window, monkeypatch, tmp_path):
    page, panel = window.step_page, window.step_page.code
    path = tmp_path / "endless.py"
    path.write_text(ENDLESS)
    steps = page.controller.steps
    open_file(qtbot, window, monkeypatch, path)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    press(qtbot, window, "Ctrl+R")  # returns at once
    assert page.debugger.busy() and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: "running line" in panel.status.text(), timeout=RUN)
    assert panel.view.running_line in (3, 4)  # the gutter points into the loop
    before = len(ticks)
    qtbot.wait(300)
    assert len(ticks) > before + 5  # the event loop runs while the code does
    page.graph.setFocus()
    press(qtbot, window, "Right", widget=page.graph)  # the rest of the page works
    assert page.controller.index == 0 and page.debugger.busy()
    click(qtbot, panel.cancel_button)
    assert not page.debugger.busy() and "Cancelled" in panel.status.text()
    assert not panel.cancel_button.isEnabled() and panel.view.running_line == 0
    # Esc, with the focus in the debugger, cancels too
    press(qtbot, window, "Ctrl+R")
    qtbot.waitUntil(lambda: "running line" in panel.status.text(), timeout=RUN)
    panel.view.setFocus()
    press(qtbot, window, "Esc", widget=panel.view)
    assert not page.debugger.busy() and "Cancelled" in panel.status.text()
    timer.stop()
    assert page.controller.steps == steps  # nothing the user had is lost


def test_an_endless_loop_meets_the_time_limit_typed(qtbot, window, monkeypatch, tmp_path):
    page, panel = window.step_page, window.step_page.code
    path = tmp_path / "endless.py"
    path.write_text(ENDLESS)
    params = {k: v.copy() for k, v in page.session.net.params.items()}
    open_file(qtbot, window, monkeypatch, path)
    type_into(qtbot, panel.time_limit, "1")
    assert panel.time_limit.value() == 1
    type_into(qtbot, panel.time_limit, "9999")  # bounded: an hour at most, as --timeout
    assert panel.time_limit.value() <= 3600
    type_into(qtbot, panel.time_limit, "1")
    press(qtbot, window, "Ctrl+R")
    qtbot.waitUntil(lambda: not page.debugger.busy(), timeout=RUN)
    assert panel.error.isVisibleTo(panel), panel.status.text()
    assert "endless.py" in panel.error.text()
    failed = [line for line, mark in panel.view.marks.items() if mark.kind == FAILURE]
    assert failed and set(failed) <= {3, 4}, panel.view.marks  # inside the loop
    assert all(((page.session.net.params[k] == v).all() for k, v in params.items()))


def test_a_change_of_the_state_stops_the_run(qtbot, window, monkeypatch, tmp_path):
    from bpviz.gui.stepper.editing import target_of

    page, panel = window.step_page, window.step_page.code
    path = tmp_path / "endless.py"
    path.write_text(ENDLESS)
    open_file(qtbot, window, monkeypatch, path)
    press(qtbot, window, "Ctrl+R")
    assert page.debugger.busy()
    page.edit_value(target_of("w2.1.1"), 0.3)
    assert not page.debugger.busy() and "state changed" in panel.status.text()


def test_a_failure_marks_its_line_and_keeps_the_session(qtbot, window, monkeypatch, tmp_path):
    page, panel = window.step_page, window.step_page.code
    path = tmp_path / "mine.py"
    path.write_text("def update(params, x, y, lr):\n    x = 1\n    return params['W9']\n")
    steps = page.controller.steps
    open_file(qtbot, window, monkeypatch, path)
    assert run_and_wait(qtbot, window) is None
    assert "mine.py, line 3" in panel.error.text() and "KeyError" in panel.error.text()
    assert panel.view.marks[3].kind == FAILURE and "KeyError" in hover_tip(qtbot, panel.view.gutter, QPoint(
        8, line_point(panel.view, 3).y()))
    assert page.controller.steps == steps and page.debug.comparison is None


def test_ctrl_r_reloads_the_file_edited_on_disk(qtbot, window, monkeypatch, tmp_path):
    panel = window.step_page.code
    path = tmp_path / "mine.py"
    shutil.copy(FIXED, path)
    open_file(qtbot, window, monkeypatch, path)
    assert run_and_wait(qtbot, window).findings == ()
    assert "changed since the last run" not in panel.file_label.text()
    path.write_text(BUGGY.read_text())  # edited in another program (here: broken)
    later = os.stat(path).st_mtime + 5
    os.utime(path, (later, later))
    qtbot.waitUntil(lambda: "changed since the last run" in panel.file_label.text(), timeout=5000)
    assert time.strftime("%H:%M:%S", time.localtime(later)) in panel.file_label.text()
    report = run_and_wait(qtbot, window)  # Ctrl+R: read again, and run
    assert 31 in {f.line for f in report.findings} and 31 in panel.view.marks
    assert "params['b2'][0][0] = params['W2'][1][0]" in panel.view.toPlainText()
    assert "changed since the last run" not in panel.file_label.text()


def test_the_panel_follows_the_ui_scale_and_the_theme(qtbot, window):
    panel = window.step_page.code
    click_menu(qtbot, window, "Debug", "Open the notebook's update (buggy example)")
    size = panel.view.fontInfo().pointSizeF()
    gutter = panel.view.gutter.width()
    press(qtbot, window, "Ctrl+=")
    press(qtbot, window, "Ctrl+=")
    assert panel.view.fontInfo().pointSizeF() > size and panel.view.gutter.width() > gutter
    metrics = panel.view.fontMetrics()
    assert metrics.horizontalAdvance("iiii") == metrics.horizontalAdvance("mmmm")  # monospace
    click_menu(qtbot, window, "View", "Theme", "Dark")
    QApplication.processEvents()
    image = panel.view.grab().toImage()
    assert image.pixelColor(image.width() - 30, image.height() - 10).lightness() < 80  # the code on dark
    gutter = panel.view.gutter.grab().toImage()
    assert gutter.pixelColor(2, gutter.height() - 4).lightness() < 80

def _index(tmp_path, entries) -> None:
    folder = tmp_path / "exercises"
    folder.mkdir(exist_ok=True)
    shutil.copy(BUGGY, folder / "b2_from_w2.py")
    (folder / "index.json").write_text(json.dumps(entries))
    return folder / "index.json"


def test_an_exercise_from_the_menu_loads_its_preset_and_runs(qtbot, make_main_window, monkeypatch, tmp_path):
    index = _index(tmp_path, [{"file": "b2_from_w2.py", "title": "The bias from a weight",
                               "task": "find the line that sets a bias from a weight.",
                               "preset": "notebook-regression", "overrides": {"lr": 0.01},
                               "bug_lines": [31], "cause": "wrong operand", "note": ""},
                              {"file": "b2_from_w2.py", "title": "Another init", "task": "the same, with He's init.",
                               "preset": "notebook-regression", "overrides": {"init": "he"},
                               "bug_lines": [31], "cause": "wrong operand", "note": ""}])
    monkeypatch.setattr(exercises, "index_path", lambda: index)
    window = make_main_window()
    page, panel = window.step_page, window.step_page.code
    other = menu_action(window, "Debug", "Exercises", "Another init (does not fit the step page)")
    assert not other.isEnabled() and "init" in other.toolTip()  # the step page takes no He init: said, not offered
    click_menu(qtbot, window, "Debug", "Exercises", "The bias from a weight")
    assert page.session.recipe.lr == 0.01 and page.controls.lr.text() == "0.01"
    assert page.session.recipe.name == "notebook-regression" and page.controls.preset.currentText() == "custom"
    assert panel.task.isVisibleTo(panel) and "sets a bias from a weight" in panel.task.text()
    assert page.debugger.busy() or page.debugger.report is not None
    qtbot.waitUntil(lambda: not page.debugger.busy(), timeout=RUN)
    assert 31 in panel.view.marks, panel.error.text()


def test_each_shipped_exercise_shows_its_bug_line(qtbot, main_window):
    """Every exercise the step page can play, chosen from the menu: its bug lines, and only
    those, marked (the index's bug_lines, as the engine finds them)."""
    page, panel = main_window.step_page, main_window.step_page.code
    shipped = exercises.load_exercises(exercises.index_path())
    playable = [e for e in shipped if not page.debugger.exercise_problem(e)]
    assert len(playable) >= 5
    for exercise in shipped:
        item = next(a for a in main_window.exercises_menu.actions() if plain(a.text()).startswith(exercise.title))
        assert item.isEnabled() == (exercise in playable), item.toolTip()
    for exercise in playable:
        window_back(qtbot, main_window)
        click_menu(qtbot, main_window, "Debug", "Exercises", exercise.title)
        qtbot.waitUntil(lambda: not page.debugger.busy(), timeout=RUN)
        assert set(panel.view.marks) == set(exercise.bug_lines), (exercise.title, panel.error.text())
        assert exercise.task[:30] in panel.task.text()
        click_list_item(qtbot, panel, 0)  # its line lights what it wrote and shows its step
        graph = page.graph
        assert any(item.hovered_link for item in [*graph.edges.values(), *graph.nodes.values()]), exercise.title
        assert page.controller.step is not None and page.controller.step.phase == "backward", exercise.title


@pytest.mark.parametrize("content", ["[{\"file\": 3}]", "not json", None])
def test_a_broken_exercises_index_says_so_in_the_menu(qtbot, make_main_window, monkeypatch, tmp_path, content):
    index = tmp_path / "index.json"
    if content is not None:
        index.write_text(content)
    monkeypatch.setattr(exercises, "index_path", lambda: index)
    window = make_main_window()
    items = window.exercises_menu.actions()
    assert len(items) == 1 and not items[0].isEnabled() and plain(items[0].text()).startswith("No exercises: index.json")
    assert menu_action(window, "Debug", "Exercises") is not None
