"""The shortcut sheet (? or F1): every key the app answers to, read from the window's own
actions and the step page's keys, so it cannot drift from what the keys do; then the
graph's legend, drawn by the legend's own code."""

from __future__ import annotations

import base64
from html import escape

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from bpviz.gui import style
from bpviz.gui.graph.legend import GROUPS, glyph_image

#: The legend's glyphs on the sheet, in pixels high.
GLYPH_HEIGHT = 20

#: The step page's keys (its own shortcuts, not menu actions) and what they do.
STEP_KEYS = (
    ("Space", "Play / pause (quiz mode: reveal the result)"), ("→", "Step forward"), ("←", "Step back"),
    ("Home", "Start of this phase"), ("End", "End of this phase"),
    ("PgUp", "Previous phase"), ("PgDown", "Next phase"), ("+", "Faster"), ("-", "Slower"),
)
#: Quiz mode's keys (View > Quiz mode, Q), on the graph or in the answer box.
QUIZ_KEYS = (
    ("Q", "Quiz mode on / off"),
    ("Space", "Reveal the result; again: the next step"),
    ("A number, Enter", "Check your answer (to 3 significant figures)"),
    ("→ / ←", "Next / previous step (the answer box empty)"),
    ("Click the ?", "Reveal the result"),
)
MOUSE = (
    ("Click", "Pin a unit's or a weight's values"),
    ("Double-click", "Edit a weight, a bias or an input"),
    ("Wheel / drag", "Zoom / pan the graph"),
)


def key_text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def menu_rows(menu_bar) -> list[tuple[str, list[tuple[str, str]]]]:
    """(menu title, [(keys, action text)]) for every menu action that has a shortcut."""
    groups = []
    for menu_action in menu_bar.actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        rows = []
        for action in _actions(menu):
            keys = [key_text(s) for s in action.shortcuts() if not s.isEmpty()]
            if keys:
                rows.append((" or ".join(keys), action.text().replace("&", "").rstrip("…")))
        if rows:
            groups.append((menu.title().replace("&", ""), rows))
    return groups


def _actions(menu):
    for action in menu.actions():
        if action.menu() is not None:
            yield from _actions(action.menu())
        elif not action.isSeparator():
            yield action


class ShortcutSheet(QDialog):
    """A non-modal sheet; Esc or Close dismisses it."""

    def __init__(self, menu_bar, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.groups = [*menu_rows(menu_bar), ("Step page (when the graph has the focus)", list(STEP_KEYS)),
                       ("Quiz mode", list(QUIZ_KEYS)),
                       ("Mouse, on the graph", list(MOUSE))]
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setObjectName("shortcutSheet")
        self.text.setWordWrap(True)  # the legend's lines wrap in its columns
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        style.follow(self.text, lambda: self.text.setText(self._html() + legend_html()))  # glyphs in the theme
        scroll = QScrollArea()
        scroll.setWidget(self.text)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self.resize(760, 700)  # a 1280×800 screen holds it; the legend below the keys scrolls

    def _html(self) -> str:
        """Two columns of tables, the groups split about evenly between them."""
        blocks = []
        for title, rows in self.groups:
            body = "".join(f"<tr><td align='right' style='padding:2px 10px 2px 0'><b>{escape(keys)}</b></td>"
                           f"<td style='padding:2px 0; white-space:nowrap'>{escape(text)}</td></tr>" for keys, text in rows)
            blocks.append((len(rows) + 2, f"<h3>{escape(title)}</h3><table>{body}</table>"))
        half, count, left = sum(n for n, _ in blocks) / 2, 0, []
        while blocks and count + blocks[0][0] <= half + 2:
            count += blocks[0][0]
            left.append(blocks.pop(0)[1])
        right = [html for _, html in blocks]
        return ("<table width='100%'><tr><td valign='top' style='padding-right:24px'>" + "".join(left)
                + "</td><td valign='top'>" + "".join(right) + "</td></tr></table>")


def _image_source(kind: str) -> str:
    """A glyph as an inline PNG (a data URL), drawn at twice its pixels."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    glyph_image(kind, GLYPH_HEIGHT).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii")


def legend_html() -> str:
    """The graph's legend as the sheet's last section: each glyph, its words and what they
    mean, in two columns (the step's arrows and the units; the edges and your code's marks)."""
    width = round(GLYPH_HEIGHT * 34 / 18)
    columns = []
    for groups in (GROUPS[:2], GROUPS[2:]):
        rows = "".join(
            f"<tr><td valign='top' style='padding:3px 8px 3px 0'>"
            f"<img src='{_image_source(e.kind)}' width='{width}' height='{GLYPH_HEIGHT}'></td>"
            f"<td style='padding:2px 0'><b>{escape(e.text, quote=False)}</b><br>{escape(e.about[:1].upper() + e.about[1:], quote=False)}</td></tr>"
            for group in groups for e in group)
        columns.append(f"<table>{rows}</table>")
    return ("<h3>On the graph (L or View › Graph legend shows this key in its corner)</h3>"
            "<table width='100%'><tr><td valign='top' width='50%' style='padding-right:24px'>" + columns[0]
            + "</td><td valign='top' width='50%'>" + columns[1] + "</td></tr></table>")
