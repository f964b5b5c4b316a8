"""The tour's window: the real main window at 1280×800 on the desktop screen, active (as
a window manager makes a window that opens), so its keys reach it."""

from __future__ import annotations

import pytest

from tests.gui.tour.helpers import shown_window


@pytest.fixture
def main_window(qtbot, make_main_window):
    return shown_window(qtbot, make_main_window)
