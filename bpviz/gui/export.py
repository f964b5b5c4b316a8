"""Pictures of what the app shows, for slides and notes: a view as PNG (twice the pixels of
the screen, so it stays sharp when projected) or as SVG (vector), written atomically.

Three kinds of view: pyqtgraph plots (as on screen for a PNG, pyqtgraph's exporter for an
SVG), a QGraphicsView such as the layer graph (its whole scene), and any other widget (what
it paints).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import pyqtgraph as pg
from pyqtgraph import exporters
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QWidget

from bpviz.fileio import WriteRefused, atomic_write_bytes
from bpviz.gui import style
from bpviz.gui.focus import FocusRing

FORMATS = ("png", "svg")
#: Pixels per on-screen pixel in a PNG of a graph or a panel.
PNG_SCALE = 2.0


class ExportError(WriteRefused):
    """A picture that cannot be made or written, refused before anything was written;
    ``strerror`` says why (``fileio.write_problem`` names the file)."""


def ending_problem(path, kinds=FORMATS) -> str:
    """What is wrong with ``path`` as the name of a file of one of ``kinds`` ("png", ...),
    decided by how its name ends ("" when nothing). A name that is only the extension
    (".png") is refused: its file would be hidden in the file manager, and most likely the
    name before it was left out."""
    text = os.fsdecode(os.fspath(path))
    name = os.path.basename(text)
    endings = " or ".join(f".{kind}" for kind in kinds)
    if name in ("", ".", "..") or os.path.isdir(text):
        return f"is a folder; expected a file name ending in {endings}"
    base, dot, ending = name.rpartition(".")
    if not dot or ending.lower() not in kinds:
        got = f"it ends in .{ending}" if dot and ending else "it has no extension"
        return f"expected a file name ending in {endings}; {got}"
    if not base:
        return (f"has only an extension; expected a name before it, such as lesson.{ending.lower()} "
                f"(a file named only {name} would be hidden)")
    return ""


def format_of(path) -> str:
    """"png" or "svg", by how ``path``'s name ends (ExportError when it is neither)."""
    problem = ending_problem(path)
    if problem:
        raise ExportError(problem)
    return os.fsdecode(os.fspath(path)).rpartition(".")[2].lower()


def export_view(view: QWidget, path) -> Path:
    """Write ``view`` to ``path`` as PNG or SVG (by its suffix); returns the path written."""
    kind = format_of(path)
    if isinstance(view, pg.GraphicsView):
        data = _plot_png(view) if kind == "png" else _plot_svg(view)
    else:
        data = image_png(render_image(view, PNG_SCALE)) if kind == "png" else _svg(view)
    return atomic_write_bytes(path, data)


def image_png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ExportError("could not encode the picture as PNG")
    return bytes(data)


def logical_size(view: QWidget) -> QSize:
    """The picture's size in on-screen pixels: a graph's whole scene at the view's zoom
    (at least the viewport's size), or the widget as it is."""
    if isinstance(view, QGraphicsView):
        rect = view.scene().sceneRect()
        zoom = view.transform().m11() or 1.0
        return QSize(max(1, round(rect.width() * zoom)), max(1, round(rect.height() * zoom)))
    return view.size()


def render_image(view: QWidget, scale: float = 1.0, size: QSize | None = None) -> QImage:
    """``view`` painted into an image of ``size`` (default: its logical size) times ``scale``
    pixels, marked with that pixel density so text and lines are drawn at full sharpness."""
    size = size or logical_size(view)
    image = QImage(round(size.width() * scale), round(size.height() * scale), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(style.SURFACE)
    painter = QPainter(image)
    try:
        _paint(view, painter, QRectF(0, 0, size.width(), size.height()))
    finally:
        painter.end()
    return image


def paint_view(view: QWidget, painter: QPainter, target: QRectF) -> None:
    """Draw ``view`` into ``target`` on any painter (a PDF's page: a graph stays vectors)."""
    _paint(view, painter, target)


def _paint(view: QWidget, painter: QPainter, target: QRectF) -> None:
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                           | QPainter.RenderHint.SmoothPixmapTransform)
    if isinstance(view, QGraphicsView):
        scene = view.scene()
        painter.fillRect(target, view.backgroundBrush())
        with _uncached(scene):
            scene.render(painter, target, scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
    else:
        rings = [ring for ring in view.findChildren(FocusRing) if ring.isVisible()]
        for ring in rings:  # where the keyboard is belongs to the screen, not to the picture
            ring.hide()
        try:
            view.render(painter, QPoint())
        finally:
            for ring in rings:
                ring.show()


@contextmanager
def _uncached(scene):
    """Items cached as pictures at the screen's pixels would land in a PNG of more pixels
    blocky, and in an SVG as pixels: draw them afresh while ``scene`` is drawn."""
    cached = [(item, item.cacheMode()) for item in scene.items()
              if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _ in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)


def _svg(view: QWidget) -> bytes:
    size = logical_size(view)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle("bpviz")
    generator.setDescription(view.accessibleName() or view.objectName() or "a view of bpviz")
    painter = QPainter(generator)
    try:
        painter.fillRect(QRectF(0, 0, size.width(), size.height()), style.SURFACE)
        _paint(view, painter, QRectF(0, 0, size.width(), size.height()))
    finally:
        painter.end()
    return bytes(data)


def _plot_png(view: pg.GraphicsView) -> bytes:
    """The plots as they are on screen, with PNG_SCALE times the pixels. (pyqtgraph's
    ImageExporter, asked for more pixels, leaves the legend's text at its screen size.)"""
    image = QImage(round(view.width() * PNG_SCALE), round(view.height() * PNG_SCALE), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(PNG_SCALE)
    image.fill(style.SURFACE)
    painter = QPainter(image)
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        with _uncached(view.scene()):
            QWidget.render(view, painter, QPoint())  # pyqtgraph's GraphicsView.render is another method
    finally:
        painter.end()
    return image_png(image)


def _plot_svg(view: pg.GraphicsView) -> bytes:
    with _svg_closed_paths_tolerated():
        return bytes(exporters.SVGExporter(view.scene()).export(toBytes=True))


@contextmanager
def _svg_closed_paths_tolerated():
    """pyqtgraph 0.14.0's SVG exporter cannot parse the "Z" (close path) that Qt 6.10 and
    later write into path data (pyqtgraph issue 3495, fixed after 0.14.0): drop those
    tokens before it reads the paths, while one export runs. The paths Qt closes, such as
    the plots' frames, already end with a line back to where they began."""
    module = sys.modules[exporters.SVGExporter.__module__]
    original = module.correctCoordinates

    def tolerant(node, *args, **kwargs):
        for path in node.getElementsByTagName("path"):
            d = path.getAttribute("d")
            if "Z" in d or "z" in d:
                path.setAttribute("d", " ".join(t for t in d.split() if t not in ("Z", "z")))
        return original(node, *args, **kwargs)

    module.correctCoordinates = tolerant
    try:
        yield
    finally:
        module.correctCoordinates = original
