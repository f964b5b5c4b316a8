"""What the app remembers between sessions (QSettings, an INI file in the user's config
folder): the window's geometry, the last presets, the theme, the UI scale, the speed,
whether the graph's legend is shown, and the lessons opened or saved last.

A value that is missing, or was edited into something this bpviz does not know, reads as
its default: a settings file never stops the app from opening.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from bpviz.gui.style import THEME_CHOICES
from bpviz.gui.stepper.controller import DEFAULT_SPEED, SPEEDS
from bpviz.presets import MNIST_PRESETS, TOY_PRESETS

#: File > Open recent lists this many lessons.
MAX_RECENT = 10
#: The UI scale's steps, in percent (Ctrl+= and Ctrl+- move along them).
SCALES = (100, 125, 150, 175, 200, 250, 300)


def next_scale(percent: int, direction: int) -> int:
    """The step of ``SCALES`` above (``direction`` 1) or below (-1) ``percent``."""
    if direction > 0:
        return next((s for s in SCALES if s > percent), SCALES[-1])
    return next((s for s in reversed(SCALES) if s < percent), SCALES[0])


class Settings:
    """Typed, checked access to the app's QSettings."""

    def __init__(self, store: QSettings | None = None):
        self.store = store or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "bpviz", "bpviz")

    def _choice(self, key: str, choices, default):
        value = self.store.value(key, default)
        return value if value in choices else default

    def _int(self, key: str, low: int, high: int, default: int) -> int:
        try:
            value = int(self.store.value(key, default))
        except (TypeError, ValueError):
            return default
        return value if low <= value <= high else default

    @property
    def theme(self) -> str:
        return self._choice("view/theme", THEME_CHOICES, "system")

    @theme.setter
    def theme(self, value: str) -> None:
        self.store.setValue("view/theme", value)

    @property
    def scale(self) -> int:
        return self._int("view/scale", SCALES[0], SCALES[-1], 100)

    @scale.setter
    def scale(self, value: int) -> None:
        self.store.setValue("view/scale", int(value))

    @property
    def legend(self) -> bool:
        """The graph's legend: shown unless turned off (a first launch explains the picture)."""
        value = self.store.value("view/legend", True)
        return value not in (False, "false")

    @legend.setter
    def legend(self, value: bool) -> None:
        self.store.setValue("view/legend", bool(value))

    @property
    def speed(self) -> int:
        return self._int("step/speed", 0, len(SPEEDS) - 1, DEFAULT_SPEED)

    @speed.setter
    def speed(self, value: int) -> None:
        self.store.setValue("step/speed", int(value))

    @property
    def step_preset(self) -> str | None:
        return self._choice("step/preset", TOY_PRESETS, None)

    @step_preset.setter
    def step_preset(self, value: str) -> None:
        self.store.setValue("step/preset", value)

    @property
    def train_preset(self) -> str | None:
        return self._choice("train/preset", MNIST_PRESETS, None)

    @train_preset.setter
    def train_preset(self, value: str) -> None:
        self.store.setValue("train/preset", value)

    @property
    def geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.store.setValue("window/geometry", value)

    @property
    def recent_lessons(self) -> list[str]:
        """The lessons opened or saved last, newest first (absolute paths)."""
        value = self.store.value("lessons/recent", [])
        if isinstance(value, str):  # an INI file gives a list of one back as its one item
            value = [value]
        if not isinstance(value, list):
            return []
        paths = [path for path in value if isinstance(path, str) and path]
        return list(dict.fromkeys(paths))[:MAX_RECENT]  # a list edited by hand may repeat one

    @recent_lessons.setter
    def recent_lessons(self, paths: list[str]) -> None:
        self.store.setValue("lessons/recent", list(paths)[:MAX_RECENT])

    def sync(self) -> None:
        self.store.sync()
