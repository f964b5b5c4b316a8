"""GUI test setup: the app's settings go to a fresh folder for every test (never the
user's own), and every test starts and ends in the light theme."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from bpviz.gui import style


@pytest.fixture(autouse=True)
def private_settings(tmp_path, qapp):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    style.apply_theme("light")
    yield tmp_path / "settings"
    style.apply_theme("light")


@pytest.fixture
def main_window(qtbot):
    """The real main window, shown at 1280x800 (a common laptop and projector size)."""
    from bpviz.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window
