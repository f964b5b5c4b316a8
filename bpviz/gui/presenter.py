"""Presenter mode and the UI scale, for a classroom: full screen, only the graph, the
equation panel and big transport buttons (the training page: its diagram, plots and
views), everything at 100 % to 300 %, and a short note on screen when either changes."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from bpviz.gui import style
from bpviz.gui.settings import SCALES, next_scale

TOAST_MS = 2500


class Toast(QLabel):
    """A rounded note at the top of the window that fades out by itself (the status bar
    is hidden in presenter mode)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        style.follow(self, lambda: self.setStyleSheet(
            f"background: {style.INK.name()}; color: {style.SURFACE.name()}; border-radius: 8px;"
            " padding: 10px 18px; font-size: 16pt;"))
        self.hide()
        window.installEventFilter(self)  # centred again when the window resizes (presenter mode fills the screen)

    def say(self, text: str) -> None:
        self.setText(text)
        self._place()
        self.raise_()
        self.show()
        self._timer.start(TOAST_MS)

    def _place(self) -> None:
        """Centred at the top of the window, never wider than it (a long note wraps)."""
        window = self.parentWidget()
        room = max(window.width() - 48, 100)
        self.setWordWrap(False)
        self.adjustSize()
        if self.width() > room:
            self.setWordWrap(True)
            self.resize(room, self.heightForWidth(room))
        self.move((window.width() - self.width()) // 2, 24)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.parentWidget() and event.type() == event.Type.Resize and self.isVisible():
            self._place()
        return super().eventFilter(watched, event)


class Presenter(QObject):
    """Turns a main window's presenter mode on and off and sets its UI scale. The window
    has ``step_page`` and ``train_page`` (each with ``set_presenting`` and ``set_ui_scale``)."""

    presentingChanged = Signal(bool)
    scaleChanged = Signal(int)  # percent

    def __init__(self, window: QMainWindow, scale: int = 100):
        super().__init__(window)
        self.window = window
        self.presenting = False
        self.scale = scale if scale in SCALES else 100
        self.toast = Toast(window)
        self._chrome: list = []  # (widget, was visible) hidden while presenting
        self._was_maximized = False
        self._geometry = None  # the window's, to come back to
        self._apply_scale()

    def set_presenting(self, on: bool) -> None:
        if on == self.presenting:
            return
        self.presenting = on
        w = self.window
        if on:
            self._was_maximized = w.isMaximized()
            self._geometry = w.saveGeometry()
            self._chrome = [(widget, widget.isVisible()) for widget in w.chrome_widgets()]
            for widget, _ in self._chrome:
                widget.hide()
        else:
            for widget, visible in self._chrome:
                widget.setVisible(visible)
            self._chrome = []
        for page in (w.step_page, w.train_page):
            page.set_presenting(on)
        if on:
            w.setGeometry(w.screen().geometry())  # where no window manager makes it full screen
            w.showFullScreen()
            self.toast.say(f"Presenter mode · Esc or F5 leaves · Ctrl+= and Ctrl+- size ({self.scale} %)")
        else:
            w.showNormal()
            if self._geometry is not None:  # the normal geometry too, for a later un-maximise
                w.restoreGeometry(self._geometry)
            if self._was_maximized:
                w.showMaximized()
            self.toast.hide()
        self.presentingChanged.emit(on)

    def toggle(self) -> None:
        self.set_presenting(not self.presenting)

    def leave(self) -> None:
        self.set_presenting(False)

    def set_scale(self, percent: int) -> None:
        percent = min(max(int(percent), SCALES[0]), SCALES[-1])
        if percent == self.scale:
            self.toast.say(f"UI scale {percent} % (the {'largest' if percent == SCALES[-1] else 'smallest'})")
            return
        self.scale = percent
        self._apply_scale()
        self.toast.say(f"UI scale {percent} %{self._equation_note()}")
        self.scaleChanged.emit(percent)

    def _equation_note(self) -> str:
        """On the step page, when the equation could not grow as far (its share of the height
        is spent), say so: the rest of the window did grow."""
        page = self.window.step_page
        fitted = round(page.equation.scale * 100)
        if self.window.pages.currentWidget() is not page or fitted >= self.scale:
            return ""
        return f" · the equation at {fitted} %, the most that fits"

    def bigger(self) -> None:
        self.set_scale(next_scale(self.scale, 1))

    def smaller(self) -> None:
        self.set_scale(next_scale(self.scale, -1))

    def actual_size(self) -> None:
        self.set_scale(100)

    def _apply_scale(self) -> None:
        for page in (self.window.step_page, self.window.train_page):
            page.set_ui_scale(self.scale / 100)
