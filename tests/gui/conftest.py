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
def make_main_window(qtbot):
    """Opens real main windows (with given settings, or the test's private ones), shown at
    1280x800, a common laptop and projector size."""
    from bpviz.gui.main_window import MainWindow

    def make(settings=None):
        window = MainWindow(settings=settings)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        return window
    return make


@pytest.fixture
def main_window(make_main_window):
    return make_main_window()
