"""Start the Qt application and show the main window."""

from __future__ import annotations

import faulthandler
import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from bpviz import __version__
from bpviz.resources import resource_path


SWITCH_INTERVAL = 0.001  # seconds


def create_application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication, created once with bpviz's name and icon."""
    app = QApplication.instance()
    if app is None:
        # High-DPI: Qt 6 scales by the screen's factor; pass fractional factors (125 %,
        # 150 %) through unrounded, so text and lines are drawn at the screen's own pixels.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1] + list(argv or []))
    app.setApplicationName("bpviz")
    app.setApplicationDisplayName("bpviz")
    app.setOrganizationName("bpviz")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("bpviz")  # share/applications/bpviz.desktop: Wayland docks find the icon by it
    app.setWindowIcon(QIcon(str(resource_path("icons", "bpviz.svg"))))
    # Fusion draws the light and dark palettes (bpviz.gui.style) the same on every desktop.
    app.setStyle("Fusion")  # (style.apply_theme makes it FramedStyle, Fusion with field edges)
    # The training worker runs Python between its numpy calls: hand the interpreter over
    # every millisecond instead of every 5, so that neither thread waits long for the other.
    sys.setswitchinterval(SWITCH_INTERVAL)
    collect_garbage_between_events()
    return app


_collector = None


def collect_garbage_between_events() -> None:
    """Python's cycle collector may run inside any allocation, also inside a Qt call that
    holds a lock (a signal's disconnect) and then deletes a Qt object that takes the same
    lock: the app froze for good (seen in the test suite). pyqtgraph's GarbageCollector
    turns automatic collection off and collects from a timer of the event loop instead,
    between events, in the GUI thread."""
    global _collector
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _collector = GarbageCollector(interval=1.0)


def run_app(argv: list[str] | None = None, lesson: str | None = None) -> int:
    """Open the main window (at ``lesson`` when given) and run the event loop until it
    closes; returns the exit code."""
    app = create_application(argv)
    enable_faulthandler()
    from bpviz.gui.crash import install_crash_reporter
    from bpviz.gui.main_window import MainWindow

    # From here on, a bug in a slot shows a report instead of ending the app.
    reporter = install_crash_reporter()
    try:
        window = MainWindow()
        reporter.parent_widget = window
        window.show()
        if lesson is not None:
            window.open_lesson(lesson)  # a bad file is explained in a message; the app stays open
        return app.exec()
    finally:
        reporter.uninstall()


def enable_faulthandler() -> None:
    """A hard crash (in Qt or numpy) prints every thread's stack: to the terminal, or,
    started without one (pythonw, a desktop launcher), to crash.log in the app's data
    folder."""
    if faulthandler.is_enabled():
        return
    if sys.stderr is not None:
        faulthandler.enable()
        return
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        log = open(folder / "crash.log", "a")
    except OSError:
        return
    faulthandler.enable(log)  # which holds on to the file while it is enabled


def main() -> int:
    return run_app(sys.argv[1:])
