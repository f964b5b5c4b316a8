"""GUI test setup: the app's settings go to a fresh folder for every test (never the
user's own), and every test starts and ends in the light theme."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from bpviz.gui import style


@pytest.fixture(autouse=True)
def garbage_between_events():
    """As in the app (bpviz.gui.app.collect_garbage_between_events): Python's cycle collector
    never runs inside a Qt call during a test, where it deadlocked the suite once (a menu
    deleted during a signal's disconnect); it runs between tests, in plain Python."""
    import gc

    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def private_settings(tmp_path, qapp, garbage_between_events):
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


def on_screen(qtbot, window, name: str, size=None):
    """Move ``window`` onto the screen called ``name`` ("desktop", 1920×1080, or
    "projector", 1280×800, beside it when Qt draws offscreen), at ``size`` (default: the
    screen's available size), as a person drags a window onto a projector."""
    from PySide6.QtWidgets import QApplication

    screen = next((s for s in QApplication.screens() if s.name() == name), None)
    if screen is None:
        pytest.skip(f"no screen called {name!r} on this display")
    area = screen.availableGeometry()
    if window.windowHandle() is not None:
        window.windowHandle().setScreen(screen)  # offscreen Qt does not always follow a move alone
    window.move(area.topLeft())
    window.resize(*(size or (area.width(), area.height())))
    qtbot.waitUntil(lambda: window.screen() is screen, timeout=5000)
    return screen
