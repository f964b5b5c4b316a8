"""Smoke test of scripts/screenshots: it renders the real app's windows to PNG files."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def test_screenshots_writes_the_main_window_and_about_pictures(tmp_path):
    result = subprocess.run([str(ROOT / "scripts" / "screenshots"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    main = QImage(str(tmp_path / "main-window.png"))
    about = QImage(str(tmp_path / "about.png"))
    assert (main.width(), main.height()) == (1280, 800)
    assert not about.isNull() and about.width() >= 400
    # Not a blank frame: the window has drawn its menus and text.
    assert len({main.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)}) > 3
