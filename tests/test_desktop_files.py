"""The desktop files the wheel installs (share/): the entry passes desktop-file-validate,
the MIME type compiles and claims *.bpviz, and the PNG icons are the SVG rendered."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARE = ROOT / "share"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)  # the hicolor sizes desktops look up


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian: apt-get install {package})")
    return path


def test_the_desktop_entry_passes_desktop_file_validate():
    validate = _tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([validate, str(SHARE / "applications" / "bpviz.desktop")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in (result.stdout + result.stderr).lower()


def test_the_mime_type_compiles_and_claims_bpviz_files_as_json(tmp_path):
    update = _tool("update-mime-database", "shared-mime-info")
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(SHARE / "mime" / "packages" / "bpviz.xml", packages)
    # As a user's install would be: their XDG_DATA_HOME (else it notes the folder is not searched).
    result = subprocess.run([update, str(tmp_path / "mime")], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "XDG_DATA_HOME": str(tmp_path)})
    assert result.returncode == 0 and not result.stderr, result.stderr  # a bad file is warned about there
    globs = (tmp_path / "mime" / "globs2").read_text().splitlines()
    assert any(line.endswith(":application/x-bpviz-lesson:*.bpviz") for line in globs)
    assert "application/x-bpviz-lesson application/json" in (tmp_path / "mime" / "subclasses").read_text()


def test_the_checked_in_png_icons_are_the_svg_rendered(tmp_path):
    """scripts/render_icons.py, run again, gives the PNGs in share/ (up to antialiasing)."""
    from PySide6.QtGui import QImage

    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "render_icons.py"), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr
    written = [Path(line) for line in run.stdout.splitlines()]
    assert len(written) == len(SIZES)
    for size, path in zip(SIZES, written):
        assert path == tmp_path / f"{size}x{size}" / "apps" / "bpviz.png"
        shipped = SHARE / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "bpviz.png"
        pixels = [_rgba(QImage(str(p))) for p in (shipped, path)]
        assert pixels[0].shape == pixels[1].shape == (size, size, 4)
        assert np.abs(pixels[0].astype(int) - pixels[1]).mean() < 1.0, f"{shipped} is not the SVG as it is now"


def _rgba(image) -> np.ndarray:
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)[:, :image.width()].copy()
