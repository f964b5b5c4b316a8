"""A bug in a slot shows a report the user can copy; the app and the user's work go on."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from bpviz import __version__
from bpviz.gui import shortcuts
from bpviz.gui.crash import MAX_REPORTS, install_crash_reporter

# pytest-qt turns exceptions in slots into test failures; here they are the subject.
pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def reporter(main_window):
    reporter = install_crash_reporter(main_window)
    yield reporter
    reporter.uninstall()
    if reporter.dialog is not None:
        reporter.dialog.close()


def _break_the_shortcut_sheet(monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug planted by the test")

    monkeypatch.setattr(shortcuts.ShortcutSheet, "__init__", broken)


def test_a_bug_in_a_slot_shows_a_copyable_report_and_the_app_goes_on(qtbot, main_window, reporter, monkeypatch, capsys):
    page = main_window.step_page
    for _ in range(5):
        page.controller.step_forward()
    where = page.controller.index
    _break_the_shortcut_sheet(monkeypatch)
    main_window.shortcuts_action.trigger()  # F1: its slot raises

    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    report = dialog.text.toPlainText()
    assert "ZeroDivisionError: a bug planted by the test" in report
    assert "Traceback" in report and f"bpviz {__version__}" in report and "thread MainThread" in report
    assert "Your work is still open" in dialog.headline.text()
    assert "Traceback" in capsys.readouterr().err  # a terminal user sees it too

    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == report
    assert "clipboard" in dialog.copied.text()

    # Nothing was lost, and the window still works.
    assert main_window.isVisible() and page.controller.index == where
    page.controller.step_forward()
    assert page.controller.index == where + 1


def test_the_same_bug_again_and_again_gives_one_dialog_that_counts(qtbot, main_window, reporter, monkeypatch):
    _break_the_shortcut_sheet(monkeypatch)
    for _ in range(30):
        main_window.shortcuts_action.trigger()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert reporter.count == 30
    assert len(reporter.dialog.reports) == 1
    assert "(the error above happened 29 more times)" in reporter.dialog.report()
    assert "(30 errors)" in reporter.dialog.headline.text()


def test_many_different_bugs_are_capped(qtbot, main_window, reporter):
    for i in range(MAX_REPORTS + 5):
        try:
            raise ValueError(f"bug {i}")
        except ValueError:
            reporter.excepthook(*sys.exc_info())
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert len(reporter.dialog.reports) == MAX_REPORTS
    assert reporter.dialog.dropped == 5 and reporter.dialog.repeats == 0
    assert "(5 other errors not shown)" in reporter.dialog.report()
    reporter.dialog.close()  # closing starts afresh
    assert reporter.dialog.report() == ""


class _Thrower(QObject):
    done = Signal()

    def run(self):
        try:
            raise RuntimeError("a bug on the worker thread")
        finally:
            self.done.emit()


def test_a_bug_on_a_worker_thread_is_shown_on_the_gui_thread(qtbot, reporter):
    thread, worker = QThread(), _Thrower()
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.done.connect(thread.quit)
    thread.start()
    try:
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    finally:
        thread.quit()
        thread.wait(2000)
    report = reporter.dialog.report()
    assert "RuntimeError: a bug on the worker thread" in report
    assert "thread MainThread" not in report


def test_the_report_can_be_saved_and_a_failed_save_says_why(qtbot, reporter, tmp_path, main_window, monkeypatch):
    _break_the_shortcut_sheet(monkeypatch)
    main_window.shortcuts_action.trigger()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    target = tmp_path / "report.txt"
    assert reporter.dialog.save_report(str(target))
    assert "ZeroDivisionError" in target.read_text()
    assert not reporter.dialog.save_report(str(tmp_path / "missing" / "report.txt"))
    assert "report.txt: could not write: the folder does not exist" in reporter.dialog.copied.text()


def test_uninstall_gives_the_hooks_back(main_window):
    import threading

    before, before_thread = sys.excepthook, threading.excepthook
    reporter = install_crash_reporter(main_window)
    assert sys.excepthook != before
    reporter.uninstall()
    assert sys.excepthook is before and threading.excepthook is before_thread


def test_the_real_app_survives_a_bug_in_its_event_loop_with_faulthandler_on(tmp_path):
    """bpviz's own run_app, outside pytest: a slot raises inside app.exec(); the report
    dialog opens, the window stays, and the app exits normally with code 0."""
    script = textwrap.dedent(
        """
        import faulthandler, sys
        from PySide6.QtCore import QSettings, QTimer
        from PySide6.QtWidgets import QApplication, QDialog
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
        from bpviz.gui import app as app_module, shortcuts

        def broken(*args, **kwargs):
            raise ZeroDivisionError("planted")
        shortcuts.ShortcutSheet.__init__ = broken

        def window():
            return next(w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window")

        def plant():
            window().shortcuts_action.trigger()
            QTimer.singleShot(500, check)

        def check():
            dialog = window().findChild(QDialog, "crash_dialog")
            print("faulthandler", faulthandler.is_enabled())
            print("dialog", dialog is not None and dialog.isVisible())
            print("window", window().isVisible())
            window().close()

        app_module.create_application([])  # the timer needs the app; run_app reuses it
        QTimer.singleShot(300, plant)
        sys.exit(app_module.run_app([]))
        """
    )
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "faulthandler True" in result.stdout
    assert "dialog True" in result.stdout
    assert "window True" in result.stdout
    assert "ZeroDivisionError: planted" in result.stderr


class _BrokenPaint(QWidget):
    def paintEvent(self, event):
        raise ValueError("a bug in a paint event")


def test_a_bug_in_every_paint_never_locks_the_user_out(qtbot, main_window, reporter):
    """The dialog is not modal, the report stays selectable while the error repeats, and
    once closed it does not come back for the same bug."""
    broken = _BrokenPaint(main_window.step_page)
    broken.resize(40, 40)
    broken.show()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    assert not dialog.isModal() and QApplication.activeModalWidget() is None
    dialog.text.selectAll()
    for _ in range(5):
        broken.update()
        qtbot.wait(30)
    assert dialog.repeats >= 5 and dialog.text.textCursor().hasSelection()
    dialog.close()
    for _ in range(5):
        broken.update()
        qtbot.wait(30)
    assert not dialog.isVisible()
    assert reporter.count >= 11  # the repaints did raise, and were counted
    main_window.step_page.controller.step_forward()  # the window still answers
    broken.hide()


def test_a_reporter_that_fails_falls_back_to_the_previous_hook_for_good(qtbot, main_window, reporter, monkeypatch):
    from bpviz.gui import crash

    def broken_add(self, report):
        raise RuntimeError("the reporter itself is broken")

    monkeypatch.setattr(crash.CrashDialog, "add", broken_add)
    fallback = []
    reporter._previous = lambda *exc_info: fallback.append(exc_info[0])
    _break_the_shortcut_sheet(monkeypatch)
    main_window.shortcuts_action.trigger()
    qtbot.waitUntil(lambda: reporter.broken)
    main_window.shortcuts_action.trigger()
    qtbot.wait(100)
    assert fallback == [RuntimeError, ZeroDivisionError]  # no loop: one each, then quiet
    assert reporter.count == 1


def test_python_threads_report_bugs_but_not_their_exits(qtbot, reporter):
    import threading

    def exits():
        raise SystemExit(0)

    def fails():
        raise KeyError("in a Python thread")

    for target in (exits, fails):
        thread = threading.Thread(target=target, name=target.__name__)
        thread.start()
        thread.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert reporter.count == 1
    assert "thread fails" in reporter.dialog.report() and "KeyError" in reporter.dialog.report()


def test_without_a_terminal_faulthandler_writes_to_a_log_in_the_data_folder(tmp_path):
    script = textwrap.dedent(
        """
        import faulthandler, sys
        from bpviz.gui.app import create_application, enable_faulthandler
        create_application([])
        sys.stderr = None  # as under pythonw or a desktop launcher
        enable_faulthandler()
        print(faulthandler.is_enabled())
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "XDG_DATA_HOME": str(tmp_path), "HOME": str(tmp_path)})
    assert result.stdout.strip() == "True", result.stderr
    assert list(tmp_path.rglob("crash.log"))
