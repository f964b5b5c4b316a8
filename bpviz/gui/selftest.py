"""``bpviz --self-test [LESSON]``: proves that an installed or bundled bpviz works end to
end. It opens the window (at LESSON when given), presses → through the rest of the pass
as a person would, says in one line what it saw, closes the window and exits 0; on any
failure, or any error inside Qt's slots, it says what went wrong and exits 1."""

from __future__ import annotations

import sys
import tempfile
import traceback


def run_self_test(lesson: str | None) -> int:
    from PySide6.QtCore import QSettings

    from bpviz.gui.settings import Settings

    with tempfile.TemporaryDirectory(prefix="bpviz-self-test-") as folder:
        # Settings of its own: a check leaves the user's window, theme and recent lessons alone.
        return _run(Settings(QSettings(f"{folder}/bpviz.ini", QSettings.Format.IniFormat)), lesson)


def _run(settings, lesson: str | None) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from bpviz.gui.app import create_application
    from bpviz.gui.main_window import MainWindow

    app = create_application()
    errors: list[str] = []
    previous, sys.excepthook = sys.excepthook, lambda *exc: errors.append("".join(traceback.format_exception(*exc)))
    window = None
    try:
        window = MainWindow(settings=settings)
        window.show()
        app.processEvents()
        if lesson is not None and not window.open_lesson(lesson):
            return _failed(f"could not open the lesson: {window.message.text()}")
        window.pages.setCurrentWidget(window.step_page)
        # Keys go to the active window (a desktop's window manager activates a new one;
        # a bare X server, as under xvfb-run, does not).
        window.activateWindow()
        if not QTest.qWaitForWindowActive(window, 5000):
            return _failed("the window did not become active, so it would take no keys")
        window.step_page.graph.setFocus()
        app.processEvents()
        controller, position = window.step_page.controller, window.step_page.transport.position
        start, pressed = position.text(), 0
        while controller.index < len(controller.steps) - 1 and pressed <= len(controller.steps):
            QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Right)
            app.processEvents()
            pressed += 1
        if controller.index != len(controller.steps) - 1:
            return _failed(f"→ stopped at {position.text()} after {pressed} presses")
        if window.grab().isNull():
            return _failed("the window could not be drawn")
        where = f"opened {lesson}" if lesson is not None else "opened the window"
        print(f"bpviz self-test: {where}; pressed → {pressed} times, from {start!r} to {position.text()!r}; "
              f"{len(errors)} errors")
        return _failed(errors[0]) if errors else 0
    except Exception:  # noqa: BLE001 -- the point of a self-test is to say so
        return _failed(traceback.format_exc())
    finally:
        if window is not None:
            window.close()
        sys.excepthook = previous


def _failed(why: str) -> int:
    print(f"bpviz self-test: FAILED: {why.rstrip()}", file=sys.stderr)
    return 1
