"""The worked example as a PDF: the graph at the top (drawn as vectors), then a block per
step (bpviz.handout's blocks) typeset by the app's own typesetter (widgets.mathtex) with
QPdfWriter, on A4 or Letter, in the light theme's colours whatever the app wears. A page
breaks between blocks, never inside one. Also the graph as a PNG, for the Markdown and
LaTeX handouts to show beside their text.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter

from bpviz.gui import style
from bpviz.gui.export import image_png, paint_view, render_image
from bpviz.gui.graph.view import GraphView
from bpviz.gui.widgets.mathtex import layout as typeset, paint
from bpviz.handout import CHAIN_TITLE, Handout, chain_rows, more_latex, row_pieces

PAPERS = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
MARGIN_MM = 16
#: The maths' size, and the chain's (as the equation panel sets it, smaller).
MATH_POINTS, CHAIN_POINTS = 13.0, 11.5
#: The graph takes at most this share of the first page's height.
GRAPH_SHARE = 0.42
GAP = 14.0  # between blocks, in the page's pixels


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


@dataclass
class _Line:
    """One line of a block: text (a font) or maths (its pieces, each with its colour)."""

    height: float
    draw: object  # (painter, x, y, width) -> None


def offscreen_graph(network: tuple, steps, index: int) -> GraphView:
    """The graph of ``network`` (GraphView.set_network's arguments) showing step ``index``."""
    view = GraphView()
    view.set_network(*network)
    view.show_step(steps, index, animate=False)
    view.show_values_only()  # on paper no step is "computed now"
    return view


def graph_png(network: tuple, steps, index: int) -> bytes:
    """The graph at step ``index`` as a PNG in the light theme (twice its scene's pixels)."""
    with style.paper():
        view = offscreen_graph(network, steps, index)
        try:
            return image_png(render_image(view, 2.0))
        finally:
            view.deleteLater()


class _Typesetter:
    """Measures and draws a handout's lines on one paint device (its pixels)."""

    def __init__(self, width: float):
        self.width = width

    def text(self, text: str, points: float, color, bold: bool = False) -> _Line:
        font = _font(points, bold)
        metrics = QFontMetricsF(font)
        flags = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft
        height = metrics.boundingRect(QRectF(0, 0, self.width, 10_000), flags, text).height() + 2

        def draw(painter, x, y, width):
            painter.setFont(font)
            painter.setPen(color)
            painter.drawText(QRectF(x, y, width, height), flags, text)
        return _Line(height, draw)

    def maths(self, pieces, points: float) -> _Line:
        """A line of maths: ``pieces`` [(LaTeX, colour)], shrunk to the width if wider."""
        boxes = [(typeset(latex, points), color) for latex, color in pieces]
        width = sum(box.width for box, _ in boxes)
        scale = min(1.0, self.width / width) if width else 1.0
        ascent = max((box.ascent for box, _ in boxes), default=0)
        descent = max((box.descent for box, _ in boxes), default=0)

        def draw(painter, x, y, _width):
            painter.save()
            painter.translate(x, y)
            painter.scale(scale, scale)
            left = 0.0
            for box, color in boxes:
                paint(painter, box, left, ascent + 2, color)
                left += box.width
            painter.restore()
        return _Line((ascent + descent + 6) * scale, draw)


def _block_lines(t: _Typesetter, block, step, blank: bool = False) -> list[_Line]:
    """A block's lines: heading, formula, numbers, result, then the chain in its arrows'
    colours (``blank``, a worksheet: its values "?", as ``handout.chain_latex`` writes it)."""
    color = style.phase_color(block.phase)
    lines = [t.text(block.heading, 11, color, bold=True),
             t.maths([(block.formula, style.INK)], MATH_POINTS),
             t.maths([(block.numbers, style.INK)], MATH_POINTS),
             t.maths([(block.result, color)], MATH_POINTS * 1.08)]
    rows, more = chain_rows(step)
    if rows or more:
        lines.append(t.text(CHAIN_TITLE + (": a sum over paths:" if len(rows) > 1 or more else ":"), 9, style.MUTED))
        several = len(rows) > 1 or bool(more)
        for i, row in enumerate(rows):
            pieces = [(latex, style.INK if factor is None else style.FORWARD if factor.arrow == "forward"
                       else style.BACKWARD) for latex, factor in row_pieces(row, i == 0, several, blank, blank)]
            lines.append(t.maths(pieces, CHAIN_POINTS))
        extra = more_latex(more, step, blank)
        if extra:
            lines.append(t.maths([(extra, style.MUTED)], CHAIN_POINTS))
    if block.note:
        lines.append(t.text(block.note, 9, style.MUTED))
    return lines


def handout_pdf(worked: Handout, steps, network: tuple, paper: str = "A4") -> bytes:
    """The PDF of ``worked``, whose blocks are ``steps`` (the trace's records, for their
    chains' colours); ``network``: GraphView.set_network's arguments, for the graph at
    the top, drawn as it stands after the last step."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(worked.title)
    writer.setCreator("bpviz")
    # The typesetter measures with the screen's fonts: the page gets the screen's pixels
    # per inch, so that what is measured is what is drawn.
    screen = QGuiApplication.primaryScreen()
    writer.setResolution(round(screen.logicalDotsPerInchY()) if screen else 96)
    writer.setPageLayout(QPageLayout(QPageSize(PAPERS[paper]), QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    page = QRectF(writer.pageLayout().paintRectPixels(writer.resolution()))
    page.moveTo(0, 0)
    by_number = {s.number: s for s in steps}
    with style.paper():
        painter = QPainter(writer)
        try:
            painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
            t = _Typesetter(page.width())
            y = 0.0
            for line in [t.text(worked.title, 16, style.INK, bold=True),
                         *(t.text(text, 10, style.INK) for text in worked.about)]:
                line.draw(painter, 0, y, page.width())
                y += line.height + 2
            y += _draw_graph(painter, network, steps, worked, QRectF(0, y + 6, page.width(),
                                                                       GRAPH_SHARE * page.height())) + 6
            for block in worked.blocks:
                lines = _block_lines(t, block, by_number[block.number], worked.blank)
                height = sum(line.height for line in lines)
                if y + height > page.height() and y > 0:  # never inside a block
                    writer.newPage()
                    y = 0.0
                for line in lines:
                    line.draw(painter, 0, y, page.width())
                    y += line.height
                y += GAP
        finally:
            painter.end()
    buffer.close()
    return bytes(data)


def _draw_graph(painter: QPainter, network: tuple, steps, worked: Handout, room: QRectF) -> float:
    """The graph after the handout's last step (a worksheet's: before its first), as large as
    ``room`` holds; its height."""
    shown = worked.graph_step
    view = offscreen_graph(network, steps, shown)
    try:
        scene = view.scene().sceneRect()
        scale = min(room.width() / scene.width(), room.height() / scene.height())
        target = QRectF(room.left(), room.top(), scene.width() * scale, scene.height() * scale)
        target.moveLeft(room.left() + (room.width() - target.width()) / 2)
        paint_view(view, painter, target)
        caption = f"The graph before step {shown + 2}: the values the worksheet starts from." if worked.blank \
            else f"The graph after step {shown + 1}: every value computed so far."
        painter.setFont(_font(8.5))
        painter.setPen(style.MUTED)
        painter.drawText(QRectF(room.left(), target.bottom() + 2, room.width(), 18),
                         Qt.AlignmentFlag.AlignHCenter, caption)
        return target.height() + 24
    finally:
        view.deleteLater()

