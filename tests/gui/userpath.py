"""Drive the app the way a person does: a menu item clicked in its open menu, a key pressed
where the focus is, a modal dialog answered through its own widgets. Only the file chooser
(``QFileDialog.get*FileName``) is replaced, by a function that returns a path.

    click_menu(qtbot, window, "File", "Export animation of steps…")
    press(qtbot, window, "Ctrl+Shift+E")
    with answer_dialog(qtbot, fill): ...   # fill(dialog) sets its widgets and presses OK
    choose_file(monkeypatch, path)          # the next file chooser returns ``path``
"""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QDialogButtonBox, QFileDialog, QMenu, QWidget,
)


def plain(text: str) -> str:
    """A menu text as a person reads it: no mnemonic ampersand, no shortcut after a tab."""
    return text.split("\t")[0].replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def menu_action(window, *path: str) -> QAction:
    """The action at ``path`` (menu titles, then the item's text) in the window's menu bar."""
    actions = window.menuBar().actions()
    found = None
    for depth, text in enumerate(path):
        found = next((a for a in actions if plain(a.text()) == text), None)
        names = [plain(a.text()) for a in actions if not a.isSeparator()]
        assert found is not None, f"no menu item {text!r} under {path[:depth] or 'the menu bar'}; there are {names}"
        if depth < len(path) - 1:
            assert found.menu() is not None, f"{text!r} is not a menu"
            actions = found.menu().actions()
    return found


def click_menu(qtbot, window, *path: str) -> QAction:
    """Open the menus along ``path`` and click the last item, as a mouse would. Fails when
    a menu or the item is missing, hidden or disabled."""
    action = menu_action(window, *path)
    assert action.isVisible() and action.isEnabled(), f"{' > '.join(path)} is {'hidden' if not action.isVisible() else 'disabled'}"
    bar = window.menuBar()
    opened: list[QMenu] = []
    top = menu_action(window, path[0])
    if bar.isVisible():
        QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(top).center())
        menu = top.menu()
    else:  # presenter mode hides the menu bar; the menu still opens where it would be
        menu = top.menu()
        menu.popup(window.mapToGlobal(QPoint(0, 0)))
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    opened.append(menu)
    for depth in range(1, len(path) - 1):
        sub = menu_action(window, *path[:depth + 1])
        QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(sub).center())
        menu = sub.menu()
        if not menu.isVisible():
            menu.popup(opened[-1].mapToGlobal(opened[-1].actionGeometry(sub).topRight()))
        qtbot.waitUntil(menu.isVisible, timeout=2000)
        opened.append(menu)
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    for shown in opened:  # a click on an item closes its menus; an action that opened a dialog may still be running
        if shown.isVisible():
            shown.close()
    return action


def press(qtbot, window, keys: str, widget: QWidget | None = None) -> None:
    """Press ``keys`` ("Ctrl+Shift+E", "Right", "Space", "F5") where the focus is (or on
    ``widget``), so window shortcuts and page keys react as they would to a keyboard."""
    target = widget or QApplication.focusWidget() or window
    combo = QKeySequence(keys)[0]
    QTest.keyClick(target, combo.key(), combo.keyboardModifiers())


def button(dialog: QWidget, text: str) -> QAbstractButton:
    """The dialog's button whose text reads ``text`` (mnemonics ignored)."""
    found = [b for b in dialog.findChildren(QAbstractButton) if plain(b.text()) == text and b.isVisible()]
    assert found, f"no button {text!r} in {dialog.windowTitle()!r}; there are " \
                  f"{[plain(b.text()) for b in dialog.findChildren(QAbstractButton) if b.isVisible()]}"
    return found[0]


def ok_button(dialog: QWidget) -> QAbstractButton:
    box = dialog.findChild(QDialogButtonBox)
    return box.button(QDialogButtonBox.StandardButton.Ok)


def type_into(qtbot, field: QWidget, text: str) -> None:
    """Select what the field holds and type ``text`` over it, as a person does."""
    field.setFocus()
    editor = field.lineEdit() if hasattr(field, "lineEdit") and field.lineEdit() is not None else field
    editor.selectAll()
    qtbot.keyClicks(editor, text)


@contextmanager
def answer_dialog(qtbot, fill, timeout: int = 5000):
    """Inside the block something opens a modal dialog; ``fill(dialog)`` answers it through
    its widgets (and presses its button). Fails when no dialog came, or ``fill`` failed."""
    state = {"dialog": None, "error": None}

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(10, poll)
            return
        state["dialog"] = dialog
        try:
            fill(dialog)
        except BaseException as exc:  # noqa: BLE001 -- reported once the block ends
            state["error"] = exc
            dialog.reject() if hasattr(dialog, "reject") else dialog.close()

    QTimer.singleShot(0, poll)
    yield state
    qtbot.waitUntil(lambda: state["dialog"] is not None, timeout=timeout)
    if state["error"] is not None:
        raise state["error"]


@contextmanager
def answer_dialogs(qtbot, *fills, timeout: int = 5000):
    """As :func:`answer_dialog` for modal dialogs that come one after another (a dialog,
    then the question it leads to): each ``fill`` answers the next dialog. Fails when one
    did not come, or a ``fill`` failed."""
    state = {"answered": [], "error": None}

    def poll():
        if len(state["answered"]) == len(fills) or state["error"] is not None:
            return
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible() or any(dialog is done for done in state["answered"]):
            QTimer.singleShot(10, poll)
            return
        state["answered"].append(dialog)
        try:
            fills[len(state["answered"]) - 1](dialog)
        except BaseException as exc:  # noqa: BLE001 -- reported once the block ends
            state["error"] = exc
            dialog.reject() if hasattr(dialog, "reject") else dialog.close()
        QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    yield state
    qtbot.waitUntil(lambda: len(state["answered"]) == len(fills) or state["error"] is not None, timeout=timeout)
    if state["error"] is not None:
        raise state["error"]


def choose_file(monkeypatch, path, *, save: bool | None = None) -> list:
    """The next file choosers return ``path`` (None: as if cancelled); a list: one path
    per chooser, in turn, then cancelled. Returns the list of the choosers' calls (their
    titles) so a test can check one was shown."""
    shown: list = []

    def chooser(parent=None, caption="", directory="", filter="", *args, **kwargs):
        shown.append({"caption": caption, "directory": directory, "filter": filter, **kwargs})
        chosen = (path[len(shown) - 1] if len(shown) <= len(path) else None) if isinstance(path, list) else path
        return ("" if chosen is None else str(chosen)), filter.split(";;")[0] if filter else ""

    if save in (None, True):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", chooser)
    if save in (None, False):
        monkeypatch.setattr(QFileDialog, "getOpenFileName", chooser)
    return shown
