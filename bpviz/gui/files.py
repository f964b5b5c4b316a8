"""The file choosers every page uses: the desktop's own when bpviz looks like the desktop,
Qt's (which wears bpviz's theme) when the user chose a theme the desktop does not have."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QFileDialog, QWidget

from bpviz.gui import style


def _options() -> QFileDialog.Option:
    if style.theme.name != style.system_theme():
        return QFileDialog.Option.DontUseNativeDialog  # a native chooser would stay light (or dark)
    return QFileDialog.Option(0)


#: The window's property holding the folder a file was last saved to from it.
LAST_FOLDER = "bpvizLastFolder"


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
    last = window.property(LAST_FOLDER) if window is not None else None
    if last and not os.path.dirname(suggested) and os.path.isdir(last):
        suggested = os.path.join(last, suggested)
    path, used = QFileDialog.getSaveFileName(parent, title, suggested, filters, options=options)
    if path and window is not None:
        window.setProperty(LAST_FOLDER, os.path.dirname(os.path.abspath(path)))
    return path, used


def open_path(parent: QWidget | None, title: str, folder: str, filters: str) -> tuple[str, str]:
    """(the path chosen, the filter used), or ("", "") when cancelled."""
    return QFileDialog.getOpenFileName(parent, title, folder, filters, options=_options())
