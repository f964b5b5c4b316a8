"""File > Open recent: the last lessons opened or saved, newest first, kept in the settings.
A lesson no longer where it was is greyed out and says so; "Clear the list" forgets them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from bpviz.gui.settings import MAX_RECENT, Settings


def _shown_folder(folder: Path) -> str:
    """The folder as a person reads it: the home folder as ~."""
    try:
        return str(Path("~") / folder.relative_to(Path.home()))
    except (ValueError, RuntimeError):  # not under the home folder, or no home
        return str(folder)


#: An item shows at most this many characters of the file's name and of its folder (the
#: middle of a longer one gives way to "…"; the whole path is in the item's tooltip): a
#: deep folder made the menu wider than the screen.
NAME_CHARS, FOLDER_CHARS = 60, 80


def _middle(text: str, most: int) -> str:
    """``text``, or its two ends with "…" between when it is longer than ``most``."""
    if len(text) <= most:
        return text
    head = (most - 1) // 2
    return f"{text[:head]}…{text[len(text) - (most - 1 - head):]}"


def item_text(number: int, path: str) -> str:
    """"&1 lesson.bpviz — ~/lessons": a number to press, the file's name, its folder."""
    file = Path(path)
    key = f"&{number}" if number < 10 else "1&0" if number == 10 else str(number)
    name, folder = _middle(file.name, NAME_CHARS), _middle(_shown_folder(file.parent), FOLDER_CHARS)
    where = f"{name} — {folder}".replace("&", "&&")  # an & in a name is no mnemonic
    return f"{key} {where}"


class RecentLessons:
    """Fills ``menu`` from ``settings.recent_lessons``; a click calls ``open_lesson(path)``."""

    def __init__(self, menu: QMenu, settings: Settings, open_lesson: Callable[[str], bool]):
        self.menu = menu
        self.settings = settings
        self.open_lesson = open_lesson
        menu.setToolTipsVisible(True)  # a missing lesson's tooltip says why it is grey
        menu.aboutToShow.connect(self.refresh)  # a file moved since is greyed out when the menu opens
        self._items: list[tuple[QAction, str, str]] = []  # (item, path, text)
        # Not the menu's child: filling the menu anew (QMenu.clear) deletes those.
        self.clear_action = QAction("&Clear the list", menu.parentWidget())
        self.clear_action.setToolTip("Forget the lessons listed here (the files stay where they are)")
        self.clear_action.triggered.connect(self.clear)
        self.fill()

    def paths(self) -> list[str]:
        return self.settings.recent_lessons

    def add(self, path) -> None:
        """``path`` (just opened or saved) goes to the top; the oldest beyond MAX_RECENT goes."""
        path = os.path.abspath(path)
        self.settings.recent_lessons = [path, *[p for p in self.paths() if p != path]][:MAX_RECENT]
        self.fill()

    def clear(self) -> None:
        self.settings.recent_lessons = []
        self.fill()

    def folder(self, name: str = "") -> str:
        """Where a file chooser opens: the folder of the last lesson (with ``name`` in it)."""
        paths = self.paths()
        folder = Path(paths[0]).parent if paths else None
        if folder is None or not folder.is_dir():
            return name
        return str(folder / name) if name else str(folder)

    def fill(self) -> None:
        """Build the menu anew from the settings (after a lesson was opened or saved)."""
        menu = self.menu
        menu.clear()
        paths = self.paths()
        self._items = []
        for number, path in enumerate(paths, 1):
            action = menu.addAction(item_text(number, path))
            action.triggered.connect(lambda _=False, p=path: self.open_lesson(p))
            self._items.append((action, path, action.text()))
        self.refresh()
        if not paths:
            menu.addAction("&No lessons opened or saved yet").setEnabled(False)  # a mnemonic, as every item has
        menu.addSeparator()
        menu.addAction(self.clear_action)
        self.clear_action.setEnabled(bool(paths))

    def refresh(self) -> None:
        """Grey out the lessons that are no longer where they were (and back, when they are)."""
        for action, path, text in self._items:
            there = os.path.isfile(path)
            action.setEnabled(there)
            if there:
                action.setText(text)
                action.setToolTip(path)
            elif os.path.lexists(path):  # a folder, a pipe or a device by that name now
                action.setText(f"{text} (not a file)")
                action.setToolTip(f"{path} is no longer a file (a folder, a pipe or a device now)")
            else:
                action.setText(f"{text} (not found)")
                action.setToolTip(f"{path} is not there any more: moved, renamed or deleted")
