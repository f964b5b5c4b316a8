"""The file choosers every page uses: the desktop's own when bpviz looks like the desktop,
Qt's (which wears bpviz's theme) when the user chose a theme the desktop does not have."""

from __future__ import annotations

import os
import stat

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from bpviz.fileio import shown_path
from bpviz.gui import style


def _options() -> QFileDialog.Option:
    if style.theme.name != style.system_theme():
        return QFileDialog.Option.DontUseNativeDialog  # a native chooser would stay light (or dark)
    return QFileDialog.Option(0)


#: The window's properties: the folder a file was last saved to from it, and the path its
#: last save chooser returned (its folder counts once a file is there: a failed write, to a
#: read-only folder or /proc, must not send the next chooser there).
LAST_FOLDER, LAST_CHOSEN = "bpvizLastFolder", "bpvizLastChosen"


def save_path(parent: QWidget | None, title: str, suggested: str, filters: str,
              ask_to_replace: bool = True) -> tuple[str, str]:
    """(the path chosen, the filter used), or ("", "") when cancelled. A bare name
    (``suggested`` without a folder) is offered in the folder the window last saved to,
    as desktop apps do, rather than wherever the app was started. ``ask_to_replace``
    False: the chooser does not ask about a file already there (the caller asks about
    every file it will write)."""
    options = _options()
    if not ask_to_replace:
        options |= QFileDialog.Option.DontConfirmOverwrite
    window = parent.window() if parent is not None else None
    last = _last_folder(window) if window is not None else None
    if last and not os.path.dirname(suggested):
        suggested = os.path.join(last, suggested)
    path, used = QFileDialog.getSaveFileName(parent, title, suggested, filters, options=options)
    if path and window is not None:
        window.setProperty(LAST_CHOSEN, os.path.abspath(path))
    return path, used


def _last_folder(window: QWidget) -> str | None:
    """The folder of the last file the window saved: the last chosen path's once a regular
    file is there (os.stat: no read, so a FIFO or a device cannot hold the app up)."""
    chosen = window.property(LAST_CHOSEN)
    try:
        if chosen and stat.S_ISREG(os.stat(chosen).st_mode):
            window.setProperty(LAST_FOLDER, os.path.dirname(chosen))
    except (OSError, ValueError):
        pass
    folder = window.property(LAST_FOLDER)
    return folder if folder and os.path.isdir(folder) else None


def open_path(parent: QWidget | None, title: str, folder: str, filters: str) -> tuple[str, str]:
    """(the path chosen, the filter used), or ("", "") when cancelled."""
    return QFileDialog.getOpenFileName(parent, title, folder, filters, options=_options())


def with_ending(parent: QWidget | None, chosen: str, path: str) -> str | None:
    """``path``: the chooser's ``chosen`` name with its file type's ending added ("notes"
    chosen, "notes.bpviz" written). The chooser asked only about the name as typed: when
    the ending made another name and a file of it is already there, one question names
    it. Returns the path to write, or None when the user keeps the file (nothing is
    written). The window then remembers the path as the one chosen (see save_path)."""
    if os.path.abspath(path) != os.path.abspath(chosen) and os.path.lexists(path):
        if not may_replace(parent, [path], "Replace it? No keeps it, and nothing is written."):
            return None
    window = parent.window() if parent is not None else None
    if window is not None:
        window.setProperty(LAST_CHOSEN, os.path.abspath(path))
    return path


def may_replace(parent: QWidget | None, taken: list[str], question: str) -> bool:
    """Ask whether the files ``taken`` (already there, in one folder) may be replaced: one
    question names them ("a.md and a-graph.png already exist in F."), ``question`` under it;
    No is the default. True for Yes."""
    one = len(taken) == 1
    names = " and ".join(shown_path(os.path.basename(path)) for path in taken)
    folder = shown_path(os.path.dirname(os.path.abspath(taken[0])))
    box = QMessageBox(QMessageBox.Icon.Question, "Replace " + ("the file?" if one else "the files?"),
                      f"{names} already exist{'s' if one else ''} in {folder}.",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setInformativeText(question)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    try:
        return box.exec() == QMessageBox.StandardButton.Yes
    finally:
        box.deleteLater()
