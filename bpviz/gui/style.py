"""The app's colours in one place, in a light, a dark and a high-contrast theme: forward
blue, backward red (also dashed, so the two read apart in greyscale and for colour-blind
viewers), update green (dotted), the debugger's orange (with a "!").

The colours are live objects. ``apply_theme`` changes them in place and then emits
``theme.changed``: whatever reads ``style.INK`` when it paints draws the current theme,
and a widget that bakes a colour into a style sheet or a pen connects to the signal.
"""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPalette, QPixmap

#: Each theme's colours. The forward blue and backward red keep a contrast of at least
#: 3:1 against the background in all (tests/gui/test_theme.py checks it). Forward, backward,
#: update and the debugger's orange stay ΔE2000 >= 10 apart, and from the background, under
#: deuteranopia, protanopia and tritanopia too (tests/gui/test_colour_vision.py). The
#: high-contrast theme's text colours keep 7:1 against its backgrounds (WCAG AAA). A disabled
#: control's text and edge (DISABLED) keep 4.5:1 (7:1 in high contrast: 7.8:1 on black) yet
#: read apart from the ink, at most 3.3:1 from it (grey, where enabled text is white).
THEMES: dict[str, dict[str, str]] = {
    "light": {
        "FORWARD": "#1f5fbf", "BACKWARD": "#c8321e", "UPDATE": "#1e7a46",
        "INK": "#1d232b", "MUTED": "#5f6873",
        "EDGE_POSITIVE": "#4a5564", "EDGE_NEGATIVE": "#9a6b2e",
        "NODE_FILL": "#ffffff", "NODE_READ": "#ffe98a", "REUSED": "#7b3fb5",
        "WARNING": "#e4600c", "BACKGROUND": "#f7f8fa", "SURFACE": "#ffffff",
        "LABEL_FILL": "#eeffffff", "LABEL_BORDER": "#c8cdd4", "FIELD_EDGE": "#7d8590",
        "DISABLED": "#646c76",
    },
    "dark": {
        "FORWARD": "#6ea8ff", "BACKWARD": "#ed5a56", "UPDATE": "#a4dd9d",
        "INK": "#e8ebef", "MUTED": "#9aa4b0",
        "EDGE_POSITIVE": "#aab4c2", "EDGE_NEGATIVE": "#d8a25e",
        "NODE_FILL": "#23282f", "NODE_READ": "#4d4320", "REUSED": "#b78cf2",
        "WARNING": "#fdaa29", "BACKGROUND": "#16191d", "SURFACE": "#1e2227",
        "LABEL_FILL": "#ee23282f", "LABEL_BORDER": "#4b535e", "FIELD_EDGE": "#838c98",
        "DISABLED": "#8a939e",
    },
    "contrast": {  # high contrast: bright on black, for a washed-out projector or low vision
        "FORWARD": "#83a3fd", "BACKWARD": "#fd7866", "UPDATE": "#96f7b1",
        "INK": "#ffffff", "MUTED": "#d4d4d4",
        "EDGE_POSITIVE": "#e6e6e6", "EDGE_NEGATIVE": "#f5b56a",
        "NODE_FILL": "#000000", "NODE_READ": "#3a3000", "REUSED": "#d9b3ff",
        "WARNING": "#fbab28", "BACKGROUND": "#000000", "SURFACE": "#000000",
        "LABEL_FILL": "#f0000000", "LABEL_BORDER": "#ffffff", "FIELD_EDGE": "#ffffff",
        "DISABLED": "#9e9e9e",
    },
}
#: The look each theme builds on (a page's own colour tables are "light" and "dark").
BASE = {"light": "light", "dark": "dark", "contrast": "dark"}
#: The names View > Theme gives the themes.
THEME_TITLES = {"light": "Light", "dark": "Dark", "contrast": "High contrast"}
#: Pens are this much wider in each theme (the high-contrast theme's lines are thicker).
LINE_SCALE = {"light": 1.0, "dark": 1.0, "contrast": 1.6}
#: The paths of a chain rule that sums over several, each in its own shade of the backward
#: red (the first is BACKWARD itself); each keeps 3:1 on its theme's background.
PATH_SHADES = {"light": ("#c8321e", "#a3195b", "#d9480f", "#7c2d12"),
               "dark": ("#ed5a56", "#f783ac", "#ffa94d", "#e8590c"),
               "contrast": ("#fd7866", "#ff9ed2", "#ffc078", "#ff5c8a")}


#: One colour per layer of a network (layer 1, 2, ...; they repeat past eight) on the
#: training page's per-layer plots: distinct from each other and at least 3:1 against the
#: plots' background in each theme (tests/gui/test_style.py checks it).
LAYER_COLORS = {
    "light": ("#2563eb", "#d97706", "#059669", "#c026d3", "#0e7490", "#4d7c0f", "#be123c", "#57534e"),
    "dark": ("#60a5fa", "#fbbf24", "#34d399", "#e879f9", "#22d3ee", "#a3e635", "#fb7185", "#a8a29e"),
}


def layer_color(l: int) -> QColor:
    """Layer ``l``'s colour (from 1) in the current theme."""
    colours = LAYER_COLORS[theme.name if theme.name in LAYER_COLORS else "light"]
    return QColor(colours[(l - 1) % len(colours)])


def path_shade(index: int) -> QColor:
    """The shade of the ``index``-th path of a chain (they repeat past four)."""
    shades = PATH_SHADES[theme.key if theme.key in PATH_SHADES else "light"]
    return QColor(shades[index % len(shades)])


def line(width: float) -> float:
    """A pen's width in the current theme: wider in high contrast."""
    return width * LINE_SCALE.get(theme.key, 1.0)


#: The choices offered in View > Theme; "system" follows the desktop's light or dark.
THEME_CHOICES = ("system", "light", "dark", "contrast")

FORWARD = QColor(THEMES["light"]["FORWARD"])
BACKWARD = QColor(THEMES["light"]["BACKWARD"])
UPDATE = QColor(THEMES["light"]["UPDATE"])
INK = QColor(THEMES["light"]["INK"])
MUTED = QColor(THEMES["light"]["MUTED"])
EDGE_POSITIVE = QColor(THEMES["light"]["EDGE_POSITIVE"])
EDGE_NEGATIVE = QColor(THEMES["light"]["EDGE_NEGATIVE"])
NODE_FILL = QColor(THEMES["light"]["NODE_FILL"])
NODE_READ = QColor(THEMES["light"]["NODE_READ"])
REUSED = QColor(THEMES["light"]["REUSED"])
#: A parameter where the user's hand-written code disagrees with backprop: orange, with a
#: double outline, so it reads apart from backward red in greyscale too.
WARNING = QColor(THEMES["light"]["WARNING"])
#: The graph's and the image views' background, and the panels' (plots, equation).
BACKGROUND = QColor(THEMES["light"]["BACKGROUND"])
SURFACE = QColor(THEMES["light"]["SURFACE"])
LABEL_FILL = QColor(THEMES["light"]["LABEL_FILL"])
LABEL_BORDER = QColor(THEMES["light"]["LABEL_BORDER"])
#: The edge of a text field or a check box, where Fusion's own would not read (the dark theme).
FIELD_EDGE = QColor(THEMES["light"]["FIELD_EDGE"])
#: A disabled control's text and edge: legible (4.5:1), and plainly dimmer than the ink.
DISABLED = QColor(THEMES["light"]["DISABLED"])

PHASE_COLORS = {"forward": FORWARD, "loss": FORWARD, "backward": BACKWARD, "update": UPDATE}


class _Theme(QObject):
    """``key`` is the theme worn ("light", "dark", "contrast"); ``name`` the look it builds
    on ("light" or "dark"), by which pages look up their own colour tables."""

    changed = Signal(str)  # the look: "light" or "dark"

    def __init__(self):
        super().__init__()
        self.name = self.key = "light"


theme = _Theme()


class _Follower(QObject):
    """Calls ``apply`` on every theme change while its widget lives (it is the widget's
    child, so the connection goes with the widget)."""

    def __init__(self, widget: QObject, apply):
        super().__init__(widget)
        self.apply = apply
        theme.changed.connect(self._on_changed)

    def _on_changed(self, _name: str) -> None:
        self.apply()


def follow(widget: QObject, apply) -> None:
    """Run ``apply`` now and again whenever the theme changes, for as long as ``widget``
    lives: the one path by which a style sheet or a pen that holds a colour is renewed."""
    apply()
    _Follower(widget, apply)


def icon(pixmap, widget) -> QIcon:
    """A standard icon (a QStyle.StandardPixmap) of ``widget``'s style drawn in the theme's ink (Fusion's are black,
    which vanish on the dark theme)."""
    source = widget.style().standardIcon(pixmap)
    result = QIcon()
    for size in (16, 24, 32, 48, 64, 96):
        image = source.pixmap(size, size).toImage()
        if image.isNull():
            continue
        painter = QPainter(image)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(image.rect(), INK)
        painter.end()
        result.addPixmap(QPixmap.fromImage(image))
    return result


#: The side panels' text (forms, lists, tables) grows with the UI scale up to this much;
#: beyond it the panels would crowd out the graph, which focus mode enlarges instead.
SIDE_TEXT_MAX = 1.5


def scale_text(widget, scale: float) -> None:
    """Give ``widget`` and its children (those that do not set their own font) the app's
    font at ``scale``, up to SIDE_TEXT_MAX."""
    font = QFont(QGuiApplication.font())
    font.setPointSizeF(font.pointSizeF() * min(max(scale, 1.0), SIDE_TEXT_MAX))
    widget.setFont(font)


def hold_height(widgets) -> None:
    """Fix each widget's height at its natural height for its font now, so that a red error
    border does not resize it (and move the fields below); call again after a font change."""
    for widget in widgets:
        widget.setMinimumHeight(0)
        widget.setMaximumHeight(16777215)
        widget.setFixedHeight(widget.sizeHint().height())


def error_border() -> str:
    """The style sheet of a field that holds a bad value: a backward-red border."""
    return f"border: 2px solid {BACKWARD.name()}; border-radius: 3px;"


def colored_text(widget, color: QColor) -> None:
    """Give ``widget`` (a label) the text colour ``color``, in every theme, as legible text."""
    follow(widget, lambda: widget.setStyleSheet(f"color: {legible(color).name()};"))


#: The least contrast of text against its background: WCAG AA, AAA in high contrast.
TEXT_CONTRAST = {"light": 4.5, "dark": 4.5, "contrast": 7.0}


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG 2 contrast ratio of two colours (1 to 21)."""
    def lum(c: QColor) -> float:
        return sum(w * (v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4)
                   for w, v in zip((0.2126, 0.7152, 0.0722), (c.redF(), c.greenF(), c.blueF())))
    high, low = sorted((lum(a), lum(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def legible(color: QColor, against: QColor | None = None) -> QColor:
    """``color`` as text on ``against`` (the panels' SURFACE): taken towards the ink, as
    little as needed, until it keeps the theme's text contrast (a mark's orange, bright
    enough for a line, is darkened to read as words)."""
    against = SURFACE if against is None else against
    need = TEXT_CONTRAST.get(theme.key, 4.5)
    c = QColor(color)
    for step in range(21):
        mixed = QColor.fromRgbF(*(x + (y - x) * step / 20 for x, y in zip(
            (c.redF(), c.greenF(), c.blueF()), (INK.redF(), INK.greenF(), INK.blueF()))))
        if contrast(mixed, against) >= need:
            return mixed
    return QColor(INK)


def phase_color(phase: str) -> QColor:
    return PHASE_COLORS.get(phase, INK)


def is_dark() -> bool:
    return theme.name == "dark"  # the high-contrast theme too (its look is dark)


def tint(color: QColor, amount: float) -> QColor:
    """``color`` taken ``amount`` (0..1) of the way to the background: a pale band in the
    light theme, a deep one in the dark."""
    c, b = QColor(color), BACKGROUND
    return QColor.fromRgbF(c.redF() + (b.redF() - c.redF()) * amount,
                           c.greenF() + (b.greenF() - c.greenF()) * amount,
                           c.blueF() + (b.blueF() - c.blueF()) * amount)


def system_theme() -> str:
    """The desktop's choice, "light" when it does not say."""
    app = QGuiApplication.instance()
    if app is not None and app.styleHints().colorScheme() == Qt.ColorScheme.Dark:
        return "dark"
    return "light"


def resolve(choice: str) -> str:
    """A theme ("light", "dark", "contrast") for a View > Theme choice ("system" asks the desktop)."""
    return system_theme() if choice == "system" else choice if choice in THEMES else "light"


def apply_theme(name: str) -> None:
    """Switch every colour, and the widgets' palette, to theme ``name`` ("light", "dark"
    or "contrast")."""
    if name not in THEMES:
        raise ValueError(f"theme: expected one of {', '.join(THEMES)}, got {name!r}")
    for key, value in THEMES[name].items():
        globals()[key].setRgba(QColor(value).rgba())  # in place: held references follow
    theme.name, theme.key = BASE[name], name
    app = QGuiApplication.instance()
    if app is not None:
        if hasattr(app, "setStyle"):  # a widgets application: fields with edges that read
            from bpviz.gui.framing import install

            install()
        app.setPalette(palette())
    theme.changed.emit(theme.name)


@contextmanager
def paper():
    """Inside the block the colours are the light theme's, whatever the app wears (a
    handout is printed on white): nothing is told, so no widget restyles; what is painted
    in the block reads them. The theme's colours come back after it."""
    kept = {key: QColor(globals()[key]) for key in THEMES["light"]}
    name, worn = theme.name, theme.key
    for key, value in THEMES["light"].items():
        globals()[key].setRgba(QColor(value).rgba())
    theme.name = theme.key = "light"
    try:
        yield
    finally:
        for key, color in kept.items():
            globals()[key].setRgba(color.rgba())
        theme.name, theme.key = name, worn


def palette() -> QPalette:
    """The widgets' palette for the current theme (Fusion draws it the same everywhere)."""
    p = QPalette()
    role = QPalette.ColorRole
    window = {"light": QColor("#f0f1f3"), "dark": QColor("#202328"), "contrast": QColor("#000000")}[theme.key]
    base = SURFACE
    for r, color in ((role.Window, window), (role.Base, base), (role.AlternateBase, BACKGROUND),
                     (role.Button, window), (role.WindowText, INK), (role.Text, INK),
                     (role.ButtonText, INK), (role.ToolTipBase, SURFACE), (role.ToolTipText, INK),
                     # A box's note, never taken for typed text (high contrast's muted is near white).
                     (role.PlaceholderText, DISABLED if theme.key == "contrast" else MUTED),
                     (role.Highlight, FORWARD),
                     (role.HighlightedText, QColor("#ffffff") if not is_dark() else QColor("#0b0d10")),
                     (role.Link, FORWARD), (role.Mid, LABEL_BORDER), (role.Dark, LABEL_BORDER.darker(130)),
                     (role.Light, SURFACE.lighter(110)), (role.Midlight, LABEL_BORDER.lighter(115))):
        p.setColor(r, QColor(color))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor(DISABLED))
    return p
