"""Lesson files as a desktop app keeps them: File > Save lesson offers bpviz's own .bpviz
(JSON inside; .json still opens and can still be saved), File > Open recent lists the last
ten lessons (a moved one greyed out, a "Clear the list" item), and Help > About names the
versions bpviz runs on."""

from __future__ import annotations

import json
import platform

import numpy as np
import pyqtgraph as pg
import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QFileDialog

from bpviz import __version__
from tests.gui.tour.helpers import choose, shown_window, step_to
from tests.gui.userpath import answer_dialog, button, choose_file, click_menu, menu_action, plain, press


def _recent(window) -> list[str]:
    """File > Open recent's items as a person reads them (the menu filled as it opens)."""
    menu = menu_action(window, "File", "Open recent").menu()
    menu.aboutToShow.emit()
    return [plain(a.text()) for a in menu.actions() if not a.isSeparator()]


def _save_as(qtbot, window, monkeypatch, path):
    shown = choose_file(monkeypatch, path, save=True)
    click_menu(qtbot, window, "File", "Save lesson…")
    return shown[-1]


def test_save_lesson_offers_bpviz_lessons_and_adds_the_extension(qtbot, main_window, tmp_path, monkeypatch):
    chooser = _save_as(qtbot, main_window, monkeypatch, tmp_path / "week 3")  # typed without an extension
    assert chooser["directory"] == "lesson.bpviz"  # the name suggested
    assert chooser["filter"].split(";;") == ["bpviz lesson (*.bpviz)", "bpviz lesson as JSON (*.json)"]
    saved = tmp_path / "week 3.bpviz"
    assert json.loads(saved.read_text())["format"] == "bpviz-lesson"
    assert not (tmp_path / "week 3").exists()
    # The next save suggests the folder of the last lesson.
    chooser = _save_as(qtbot, main_window, monkeypatch, tmp_path / "week 4.bpviz")
    assert chooser["directory"] == str(tmp_path / "lesson.bpviz")


def test_choosing_the_json_type_saves_json_as_earlier_versions_did(qtbot, main_window, tmp_path, monkeypatch):
    def chooser(parent=None, caption="", directory="", filter="", *args, **kwargs):
        return str(tmp_path / "old-style"), filter.split(";;")[1]  # the person picked the JSON type

    monkeypatch.setattr(QFileDialog, "getSaveFileName", chooser)
    click_menu(qtbot, main_window, "File", "Save lesson…")
    assert json.loads((tmp_path / "old-style.json").read_text())["format"] == "bpviz-lesson"


def test_a_bpviz_lesson_opens_exactly_where_it_was_saved(qtbot, make_main_window, tmp_path, monkeypatch):
    home = shown_window(qtbot, make_main_window)
    assert home.windowTitle() == "bpviz"
    choose(qtbot, home.step_page.controls.preset, "two-layer")
    step_to(qtbot, home, 9)
    _save_as(qtbot, home, monkeypatch, tmp_path / "chain rule.bpviz")
    assert home.windowTitle() == "chain rule.bpviz — bpviz"  # the title names the lesson
    home.close()
    school = shown_window(qtbot, make_main_window)
    assert school.step_page.transport.position.text() != "step 9 of 32"
    assert school.windowTitle() == "bpviz"
    shown = choose_file(monkeypatch, tmp_path / "chain rule.bpviz", save=False)
    click_menu(qtbot, school, "File", "Open lesson…")
    assert shown[-1]["filter"].split(";;")[0] == "bpviz lesson (*.bpviz *.json)"
    assert school.step_page.controls.preset.currentText() == "two-layer"
    assert school.step_page.transport.position.text() == "step 9 of 32"
    assert school.windowTitle() == "chain rule.bpviz — bpviz"


def test_open_recent_lists_the_last_lessons_newest_first_and_opens_one(qtbot, make_main_window, tmp_path, monkeypatch):
    home = shown_window(qtbot, make_main_window)
    assert _recent(home) == ["No lessons opened or saved yet", "Clear the list"]
    assert not menu_action(home, "File", "Open recent", "No lessons opened or saved yet").isEnabled()
    assert not menu_action(home, "File", "Open recent", "Clear the list").isEnabled()
    step_to(qtbot, home, 5)
    _save_as(qtbot, home, monkeypatch, tmp_path / "first.bpviz")
    step_to(qtbot, home, 12)
    _save_as(qtbot, home, monkeypatch, tmp_path / "second.bpviz")
    assert _recent(home) == [f"1 second.bpviz — {tmp_path}", f"2 first.bpviz — {tmp_path}", "Clear the list"]
    home.close()

    school = shown_window(qtbot, make_main_window)  # the next day: the list was kept
    assert _recent(school)[:2] == [f"1 second.bpviz — {tmp_path}", f"2 first.bpviz — {tmp_path}"]
    click_menu(qtbot, school, "File", "Open recent", f"2 first.bpviz — {tmp_path}")
    assert school.step_page.transport.position.text() == "step 5 of 32"
    assert _recent(school)[:2] == [f"1 first.bpviz — {tmp_path}", f"2 second.bpviz — {tmp_path}"]


def test_open_recent_keeps_ten_and_greys_out_a_lesson_moved_away(qtbot, main_window, tmp_path, monkeypatch):
    for i in range(1, 12):
        _save_as(qtbot, main_window, monkeypatch, tmp_path / f"lesson {i}.bpviz")
    items = _recent(main_window)
    assert len(items) == 11 and items[-1] == "Clear the list"  # ten lessons and Clear
    assert items[0] == f"1 lesson 11.bpviz — {tmp_path}" and items[9] == f"10 lesson 2.bpviz — {tmp_path}"
    (tmp_path / "lesson 10.bpviz").rename(tmp_path / "moved.bpviz")
    assert _recent(main_window)[1] == f"2 lesson 10.bpviz — {tmp_path} (not found)"  # as the menu opens
    item = menu_action(main_window, "File", "Open recent", f"2 lesson 10.bpviz — {tmp_path} (not found)")
    assert not item.isEnabled()
    assert "not there any more" in item.toolTip() and str(tmp_path / "lesson 10.bpviz") in item.toolTip()
    assert menu_action(main_window, "File", "Open recent", f"1 lesson 11.bpviz — {tmp_path}").isEnabled()


def test_clear_the_list_forgets_the_recent_lessons_not_the_files(qtbot, main_window, tmp_path, monkeypatch):
    _save_as(qtbot, main_window, monkeypatch, tmp_path / "kept.bpviz")
    click_menu(qtbot, main_window, "File", "Open recent", "Clear the list")
    assert _recent(main_window) == ["No lessons opened or saved yet", "Clear the list"]
    assert (tmp_path / "kept.bpviz").is_file()
    assert main_window.settings.recent_lessons == []


def test_a_recent_lesson_that_went_bad_is_explained_and_nothing_changes(qtbot, main_window, tmp_path, monkeypatch):
    path = tmp_path / "spoilt.bpviz"
    _save_as(qtbot, main_window, monkeypatch, path)
    path.write_text("{ not json")
    before = main_window.step_page.transport.position.text()
    click_menu(qtbot, main_window, "File", "Open recent", f"1 spoilt.bpviz — {tmp_path}")
    qtbot.waitUntil(lambda: main_window.message is not None and main_window.message.isVisible())
    assert str(path) in main_window.message.text() and "not valid JSON" in main_window.message.text()
    assert main_window.step_page.transport.position.text() == before
    assert main_window.windowTitle() == "spoilt.bpviz — bpviz"  # still the lesson saved, not one half-opened
    main_window.message.close()


def test_help_about_names_bpviz_and_the_versions_it_runs_on(qtbot, main_window):
    click_menu(qtbot, main_window, "Help", "About bpviz")
    dialog = main_window._about
    qtbot.waitExposed(dialog)
    text = dialog.text.text()
    assert f"bpviz {__version__}" in text
    for version in (f"Qt {qVersion()}", f"PySide6 {PySide6.__version__}", f"pyqtgraph {pg.__version__}",
                    f"numpy {np.__version__}", f"Python {platform.python_version()}"):
        assert version in text
    press(qtbot, dialog, "Escape", widget=dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_open_recent_copes_with_a_list_edited_by_hand_deep_folders_and_a_file_turned_folder(
        qtbot, make_main_window, tmp_path, monkeypatch):
    """A lesson saved in a deep folder made the menu as wide as its path (a 4,800-character
    one: 34,784 px); a list edited by hand in bpviz.ini that named a lesson twice showed it
    twice; a lesson replaced by a folder of its name said "(not found)", "moved, renamed or
    deleted". Now: the name and folder give way to "…" in their middle (the tooltip holds
    the path), each lesson once, and "(not a file)"."""
    from PySide6.QtCore import QSettings

    from bpviz.gui.settings import Settings

    deep = tmp_path.joinpath(*["a folder of lessons for the third term"] * 6)
    deep.mkdir(parents=True)
    window = shown_window(qtbot, make_main_window)
    _save_as(qtbot, window, monkeypatch, deep / ("the chain rule, step by step " * 4 + ".bpviz"))
    _save_as(qtbot, window, monkeypatch, tmp_path / "became a folder.bpviz")
    window.close()
    (tmp_path / "became a folder.bpviz").unlink()
    (tmp_path / "became a folder.bpviz").mkdir()
    ini = tmp_path / "bpviz.ini"
    listed = [str(tmp_path / "became a folder.bpviz"), str(next(deep.iterdir())), str(tmp_path / "became a folder.bpviz")]
    ini.write_text("[lessons]\nrecent=" + ", ".join(f'"{p}"' for p in listed) + "\n", encoding="utf-8")
    window = shown_window(qtbot, lambda: make_main_window(Settings(QSettings(str(ini), QSettings.Format.IniFormat))))
    items = _recent(window)
    assert len(items) == 3 and items[-1] == "Clear the list", items  # the lesson listed twice, once
    folder_item = menu_action(window, "File", "Open recent", items[0])
    assert items[0].endswith("(not a file)") and not folder_item.isEnabled()
    assert "no longer a file" in folder_item.toolTip()
    deep_item = menu_action(window, "File", "Open recent", items[1])
    assert "…" in items[1] and len(items[1]) < 150 and deep_item.isEnabled()
    assert deep_item.toolTip() == str(next(deep.iterdir()))
    menu = deep_item.menu() or menu_action(window, "File", "Open recent").menu()
    assert menu.sizeHint().width() < 1280, "the menu wider than the window"
    deep_item.trigger()
    assert _recent(window)[0] == items[1].replace("2 ", "1 ", 1)  # opened: on top


def test_a_name_typed_without_its_ending_never_replaces_a_lesson_unasked(qtbot, main_window, tmp_path, monkeypatch):
    """Save lesson, "week 3" typed when "week 3.bpviz" is there: the chooser asked about
    "week 3" only, and the lesson was replaced silently. Now one question names the file:
    No keeps it whole; Yes replaces it."""
    kept = tmp_path / "week 3.bpviz"
    _save_as(qtbot, main_window, monkeypatch, kept)
    before = kept.read_bytes()
    main_window.step_page.controller.set_index(5)  # something to save that differs
    asked = []

    def answer(word):
        def press(question):
            asked.append(question.text())
            qtbot.mouseClick(button(question, word), Qt.MouseButton.LeftButton)
        return press

    choose_file(monkeypatch, tmp_path / "week 3", save=True)
    with answer_dialog(qtbot, answer("No")):
        click_menu(qtbot, main_window, "File", "Save lesson…")
    assert asked == [f"week 3.bpviz already exists in {tmp_path}."] and kept.read_bytes() == before
    with answer_dialog(qtbot, answer("Yes")):
        click_menu(qtbot, main_window, "File", "Save lesson…")
    assert kept.read_bytes() != before and json.loads(kept.read_text())["step"]["step"] == 6
