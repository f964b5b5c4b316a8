"""The first launch, as a new user has it: bpviz started with no settings on a 1280×800
projector and on a 1920×1080 desktop, each with a window manager's title bar. The whole
window, its status bar included, is on the screen; a large screen gets a large window."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, sys
from PySide6.QtCore import QSettings, QTimer
from bpviz.gui.app import create_application
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
app = create_application()
from bpviz.gui.main_window import MainWindow
window = MainWindow()
window.show()
def report():
    bar = window.statusBar()
    top_left = bar.mapToGlobal(bar.rect().topLeft())
    area = window.screen().availableGeometry()
    frame = window.frameGeometry()
    print(json.dumps({"area": area.getRect(), "frame": frame.getRect(), "window": window.geometry().getRect(),
                      "status": [top_left.x(), top_left.y(), bar.width(), bar.height()],
                      "status_visible": bar.isVisible(), "panel_points": window.step_page.controls.font().pointSizeF()}))
    app.quit()
QTimer.singleShot(300, report)
app.exec()
"""


def _first_launch(tmp_path, width, height) -> dict:
    screens = tmp_path / "screen.json"
    screens.write_text(json.dumps({"synthesizedWindowDecorations": True, "screens": [
        {"name": "only", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96,
         "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}"}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "settings")], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def _inside(inner, outer) -> bool:
    x, y, w, h = inner
    X, Y, W, H = outer
    return X <= x and Y <= y and x + w <= X + W and y + h <= Y + H


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768), (1920, 1080), (2560, 1440)], ids=str)
def test_the_first_window_fits_its_screen_with_its_status_bar(tmp_path, size):
    seen = _first_launch(tmp_path, *size)
    assert seen["status_visible"]
    assert _inside(seen["frame"], seen["area"]), seen
    assert _inside(seen["status"], seen["area"]), seen
    width, height = seen["window"][2:]
    if size[0] >= 1920:  # a large screen gets most of it, not a 1280×800 window
        assert width >= 0.85 * size[0] and height >= 0.8 * size[1], seen
    else:
        assert width >= 0.95 * size[0], seen
