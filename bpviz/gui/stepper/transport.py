"""The transport bar: restart, phase and step buttons, play/pause, and the speed slider.

In a narrow window the speed gives way (the slider with its title first, then the
s/step label; + and - still set it): the buttons and the position always show."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

from bpviz.gui import style
from bpviz.gui.stepper.controller import SPEEDS, StepController


class Transport(QWidget):
    def __init__(self, controller: StepController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.buttons: dict[str, QToolButton] = {}
        self.big = False  # presenter mode's big buttons
        self.scale = 1.0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        for name, icon, tip, slot in (
            ("restart", QStyle.StandardPixmap.SP_BrowserReload, "Restart this trace", controller.restart),
            ("phase_start", QStyle.StandardPixmap.SP_MediaSkipBackward, "Start of this phase (Home); PgUp: previous phase", controller.phase_start),
            ("back", QStyle.StandardPixmap.SP_MediaSeekBackward, "Step back (←)", controller.step_back),
            ("play", QStyle.StandardPixmap.SP_MediaPlay, "Play / pause (Space)", controller.toggle_play),
            ("forward", QStyle.StandardPixmap.SP_MediaSeekForward, "Step forward (→)", controller.step_forward),
            ("phase_end", QStyle.StandardPixmap.SP_MediaSkipForward, "End of this phase (End); PgDn: next phase", controller.phase_end),
        ):
            button = QToolButton()
            button.setProperty("icon_name", icon)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            layout.addWidget(button)
            self.buttons[name] = button
        self.position = QLabel()
        layout.addWidget(self.position)
        layout.addStretch(1)
        self.speed_title = QLabel("Speed")
        layout.addWidget(self.speed_title)
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(controller.speed)
        self.speed.setToolTip("Speed (+ and -)")
        self.speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed.valueChanged.connect(controller.set_speed)
        layout.addWidget(self.speed)
        self.speed_label = QLabel()
        layout.addWidget(self.speed_label)
        self._points = self.position.font().pointSizeF()
        self._apply_size()
        style.follow(self, self._apply_icons)
        controller.playingChanged.connect(self._on_playing_changed)
        controller.indexChanged.connect(self._on_index_changed)
        controller.traceChanged.connect(lambda: self._on_index_changed(controller.index))
        controller.speedChanged.connect(self._on_speed_changed)
        self._on_speed_changed(controller.speed)
        self._on_index_changed(controller.index)

    def set_big(self, big: bool) -> None:
        """Presenter mode: buttons a hand's width, readable and easy to hit on a projector."""
        self.big = big
        self._apply_size()

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self._apply_size()

    def _apply_size(self) -> None:
        s = min(self.scale * (1.8 if self.big else 1.0), 2.4)  # 62 px icons at most: the graph needs the room
        icon = round(26 * s)
        for button in self.buttons.values():
            button.setIconSize(QSize(icon, icon))
        for label in (self.position, self.speed_title, self.speed_label):
            font = label.font()
            font.setPointSizeF(self._points * s)
            label.setFont(font)
        self.position.setMinimumWidth(round(120 * s))
        self.speed_label.setMinimumWidth(round(70 * s))
        self.speed.setMinimumWidth(round(80 * s))  # it gives way first in a narrow window
        self.speed.setMaximumWidth(round(160 * s))
        self._give_way(self.width())

    # --- the speed gives way in a narrow window ------------------------------------------
    def minimumSizeHint(self) -> QSize:
        """The buttons and the position: the speed shows only where there is room for it."""
        hint = super().minimumSizeHint()
        shown = [w for w in self._speed_widgets() if not w.isHidden()]
        return QSize(hint.width() - sum(self._room(w) for w in shown), hint.height())

    def full_width(self) -> int:
        """The width that shows everything: the buttons, the position and the speed."""
        return self.minimumSizeHint().width() + sum(self._room(w) for w in self._speed_widgets())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._give_way(event.size().width())

    def _speed_widgets(self) -> tuple[QWidget, ...]:
        return (self.speed_title, self.speed, self.speed_label)

    def _room(self, widget: QWidget) -> int:
        """What ``widget`` takes in the row, the spacing before it included."""
        least = max(widget.minimumWidth(), widget.minimumSizeHint().width())
        return least + self.layout().spacing()

    def _give_way(self, width: int) -> None:
        """Show the speed's slider and title, and its s/step label, as far as ``width``
        holds them. Presenter mode keeps the buttons and the speed in words; + and - set
        the speed."""
        least = self.minimumSizeHint().width()
        label = least + self._room(self.speed_label)
        slider = not self.big and width >= self.full_width()
        for widget, shown in ((self.speed, slider), (self.speed_title, slider),
                              (self.speed_label, slider or width >= label)):
            if widget.isHidden() == shown:
                widget.setVisible(shown)

    def _apply_icons(self) -> None:
        """The icons in the theme's ink (and play or pause as the controller is)."""
        for name, button in self.buttons.items():
            icon = button.property("icon_name")
            if name == "play" and self.controller.playing:
                icon = QStyle.StandardPixmap.SP_MediaPause
            button.setIcon(style.icon(icon, self))

    def _on_playing_changed(self, playing: bool) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.buttons["play"].setIcon(style.icon(icon, self))

    def _on_index_changed(self, index: int) -> None:
        total = len(self.controller.steps)
        self.position.setText(f"step {index + 1} of {total}" if index >= 0 else f"ready · {total} steps")

    def _on_speed_changed(self, speed: int) -> None:
        self.speed.blockSignals(True)
        self.speed.setValue(speed)
        self.speed.blockSignals(False)
        self.speed_label.setText(f"{SPEEDS[speed]:.2g} s/step")
