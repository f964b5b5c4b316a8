"""Render the app's icon (resources/icons/bpviz.svg) as the PNG sizes of the hicolor icon
theme, into share/icons/hicolor/NxN/apps/bpviz.png, where the wheel installs them from.

The PNGs are checked in (a wheel is built without Qt); run this again after changing the
SVG: ``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_icons.py [--out DIR]``.
tests/test_desktop_files.py checks that the checked-in PNGs are what it renders.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "bpviz.svg"
#: The sizes desktops look up in hicolor (menus 16-48, launchers and docks 64-512).
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int):
    """The SVG drawn on a transparent ``size``×``size`` image."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def write_icons(out: Path, svg: Path = SVG) -> list[Path]:
    """Write ``out``/NxN/apps/bpviz.png for every size; returns the paths written."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 -- QImage needs one
    written = []
    for size in SIZES:
        path = out / f"{size}x{size}" / "apps" / "bpviz.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(svg, size).save(str(path), "PNG"):
            raise OSError(f"{path}: could not write the PNG")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/render_icons.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "share" / "icons" / "hicolor",
                        help="the hicolor folder to write into (default: share/icons/hicolor)")
    args = parser.parse_args(argv)
    for path in write_icons(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
