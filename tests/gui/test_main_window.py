"""The main window opens with its menus, shows About with the MNIST credit, and closes."""

from __future__ import annotations

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


def test_focus_mode_gives_the_graph_the_window(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
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
