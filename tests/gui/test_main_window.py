"""The main window opens with its menus, shows About with the MNIST credit, and closes."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from bpviz.gui.main_window import MainWindow


def _menu_titles(window):
    return [action.text().replace("&", "") for action in window.menuBar().actions()]


def test_main_window_opens_with_menus_and_closes(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "bpviz"
    assert _menu_titles(window) == ["File", "Edit", "Debug", "Train", "View", "Help"]
    assert window.pages.count() == 2
    assert [window.page_tabs.tabText(i) for i in range(window.page_tabs.count())] == \
        ["Step through backprop", "Train on MNIST"]
    assert window.close()
    assert not window.isVisible()


def test_quit_action_closes_the_window(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.quit_action.trigger()
    assert not window.isVisible()
    assert window.quit_action in window.actions()  # its shortcut works anywhere in the window
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"


def test_about_credits_mnist_and_its_authors(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.about_action.trigger()
    dialog = window._about
    qtbot.waitExposed(dialog)
    text = dialog.text.text()
    for credit in ("MNIST", "Yann LeCun", "Corinna Cortes", "Christopher J.C. Burges",
                   "Attribution-Share Alike 3.0"):
        assert credit in text
    dialog.reject()
    assert not dialog.isVisible()
    assert QApplication.activeModalWidget() is None


def test_focus_mode_gives_the_graph_the_window(qtbot, main_window):
    window = main_window
    page = window.step_page
    graph = page.graph
    page.controller.set_index(20)  # a weight's gradient: the longest chain of factors
    before, zoom = graph.width(), graph.transform().m11()
    assert not page.equation.is_side_by_side()
    assert window.focus_action.shortcut().toString() == "F" and window.focus_action in window.actions()
    window.focus_action.trigger()
    assert page.focus_mode()
    qtbot.waitUntil(lambda: graph.width() > before + 300)
    # The chain of factors moves beside the three lines, the graph takes the height, and
    # everything on it is drawn half as large again.
    qtbot.waitUntil(page.equation.is_side_by_side)
    qtbot.waitUntil(lambda: graph.transform().m11() > 1.4 * zoom)
    window.focus_action.trigger()
    assert not page.focus_mode()
    qtbot.waitUntil(lambda: not page.equation.is_side_by_side())


def test_pages_switch_from_the_view_menu_and_keep_their_keys_to_themselves(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.pages.currentWidget() is window.step_page
    assert window.focus_action.isEnabled() and not window.start_action.isEnabled()
    window.page_actions[1].trigger()
    assert window.pages.currentWidget() is window.train_page
    # On the training page F is a letter to type, and Ctrl+Return starts a run.
    assert not window.focus_action.isEnabled() and window.start_action.isEnabled()
    assert window.start_action in window.actions() and window.start_action.shortcut().toString() == "Ctrl+Return"
    assert window.page_tabs.currentIndex() == 1
    window.page_tabs.setCurrentIndex(0)  # a click on the first tab
    assert window.pages.currentWidget() is window.step_page


def test_a_lesson_reopens_exactly_where_it_was_saved(qtbot, tmp_path):
    from bpviz.gui.stepper.editing import Target

    window = MainWindow()
    qtbot.addWidget(window)
    page = window.step_page
    page.controls.preset.setCurrentText("two-layer")
    page.run_epochs(2)
    page.edit_value(Target("input", "x", (0, 0), "x_1"), 7.5)  # an edited table travels too
    page.controller.set_index(9)
    window.train_page.form.preset.setCurrentText("fast")
    window.train_page.form.first.setValue(2)
    window.pages.setCurrentWidget(window.train_page)
    state = (page.controller.index, page.controller.steps[9].text(), page.session.sample,
             page.session.epoch, list(page.session.epoch_losses))
    path = tmp_path / "lesson.json"
    assert window.save_lesson(path)

    other = MainWindow()
    qtbot.addWidget(other)
    assert other.open_lesson(path)
    again = other.step_page
    assert other.pages.currentWidget() is other.train_page
    assert (again.controller.index, again.controller.steps[9].text(), again.session.sample,
            again.session.epoch, list(again.session.epoch_losses)) == state
    assert all(np.array_equal(again.session.net.params[k], page.session.net.params[k]) for k in page.session.net.params)
    assert page.session.x()[0] == again.session.x()[0] == 7.5
    assert other.train_page.form.recipe().digits == (2, 8) and other.train_page.form.preset.currentText() == "fast"


def test_a_bad_lesson_is_explained_and_the_app_keeps_what_it_showed(qtbot, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    before = window.step_page.controller.steps[3].text()
    path = tmp_path / "lesson.json"
    path.write_text('{"format": "bpviz-lesson", "version": 7}')
    assert not window.open_lesson(path)
    assert window.message.isVisible() and str(path) in window.message.text()
    assert "version 7; expected version 1" in window.message.text()
    assert window.step_page.controller.steps[3].text() == before
    assert window.save_lesson_action.shortcut().toString() == "Ctrl+S"
    assert window.open_lesson_action in window.actions()
