"""What the tour's tests share: the small moves a person makes that tests/gui/userpath.py
does not name (a combo item chosen with the keyboard, a field typed and confirmed, a tab
clicked, a double-click on the graph) and a quick training run set up through the form."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from tests.gui.userpath import press, type_into


def settle(qtbot, rounds: int = 3) -> None:
    """Let queued layout and paint events run, as they do between a person's key presses."""
    for _ in range(rounds):
        QApplication.processEvents()
    qtbot.wait(5)


def choose(qtbot, combo, text: str) -> None:
    """Pick ``text`` in a combo box with the arrow keys, as a person can."""
    combo.setFocus()
    target = combo.findText(text)
    assert target >= 0, f"{text!r} is not offered; there are {[combo.itemText(i) for i in range(combo.count())]}"
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, key)


def enter(qtbot, field, text: str) -> None:
    """Type ``text`` over what ``field`` holds and press Return."""
    type_into(qtbot, field, text)
    editor = field.lineEdit() if hasattr(field, "lineEdit") and field.lineEdit() is not None else field
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), f"{button.text()!r} is {'off' if button.isVisible() else 'hidden'}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_tab(qtbot, tabs, title: str) -> None:
    """Click the tab called ``title`` of a QTabWidget or a QTabBar."""
    bar = tabs.tabBar() if hasattr(tabs, "tabBar") else tabs
    index = next((i for i in range(bar.count()) if bar.tabText(i).replace("&", "") == title), None)
    assert index is not None, f"no tab {title!r}; there are {[bar.tabText(i) for i in range(bar.count())]}"
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert bar.currentIndex() == index


def item_point(view, item) -> QPoint:
    """Where ``item`` of a QGraphicsView is on screen (viewport coordinates): the middle of
    what a click hits (a unit's circle, not the room its texts take)."""
    return view.mapFromScene(item.mapToScene(item.shape().boundingRect().center()))


def double_click_item(qtbot, view, item, at=None) -> None:
    """Double-click ``item`` of the graph (at the scene point ``at``, default its centre)."""
    point = view.mapFromScene(at) if at is not None else item_point(view, item)
    assert view.itemAt(point) in (item, getattr(item, "label", None)), f"something else is under {item}"
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def step_to(qtbot, window, number: int) -> None:
    """From the start of the trace, press → until the transport reads "step ``number``"."""
    page = window.step_page
    assert window.isActiveWindow(), "keys go to the active window"
    for _ in range(2 * len(page.controller.steps)):
        if page.controller.index + 1 == number:
            break
        press(qtbot, window, "Left" if page.controller.index + 1 > number else "Right", widget=page.graph)
    assert page.transport.position.text() == f"step {number} of {len(page.controller.steps)}"


def training_page(qtbot, window):
    """Ctrl+2, as a person switches to the training page."""
    press(qtbot, window, "Ctrl+2")
    assert window.pages.currentWidget() is window.train_page
    return window.train_page


def quick_run(qtbot, form, preset: str = "fast", images: int = 500, updates: int = 10,
              evaluate_every: int | None = None) -> None:
    """Fill the training form for a classroom-quick run: ``preset``, ``images`` training
    images and ``updates`` iterations, typed and chosen as a person does; the test set is
    checked every ``evaluate_every`` updates (default: once, at the end: each check takes
    time from so short a run)."""
    choose(qtbot, form.preset, preset)
    type_into(qtbot, form.train_size, str(images))
    choose(qtbot, form.length_unit, "iterations")
    type_into(qtbot, form.length, str(updates))
    type_into(qtbot, form.eval_every, str(updates if evaluate_every is None else evaluate_every))
    assert form.recipe() is not None, form.errors


def wait_until_idle(qtbot, page, timeout: int = 30_000) -> None:
    """The run has ended (finished, stopped or diverged) and the page shows its model."""
    qtbot.waitUntil(lambda: page.runner.state == "idle" and page.history is not None
                    and page.history.status != "running", timeout=timeout)


def shown_window(qtbot, make_main_window):
    """A new main window, active as a window manager makes a window that opens."""
    window = make_main_window()
    window_back(qtbot, window)
    return window


def window_back(qtbot, window) -> None:
    """What a window manager does when a modal dialog closes: the main window is active
    again (offscreen, with no window manager, no window is), so its keys work."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
