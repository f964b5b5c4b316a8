"""``bpviz`` (the app) where no window can open: one line saying what is missing and what
to do, exit 2, never Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bpviz.cli import main
from bpviz.commands import gui

NO_DISPLAY = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the checks are for Linux desktops")


def _environment_without_a_display() -> dict:
    return {key: value for key, value in os.environ.items() if key not in NO_DISPLAY}


@linux_only
def test_without_a_display_bpviz_says_so_in_one_line_and_exits_2():
    result = subprocess.run([sys.executable, "-m", "bpviz"], env=_environment_without_a_display(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "bpviz: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set); run it on a "
        "desktop, or over ssh -X, or use the command line (bpviz train, trace, gradcheck)"]
    assert "Aborted" not in result.stderr and "core dumped" not in result.stderr


def _missing(soname):
    def load_error(name):
        return f"{soname}: cannot open shared object file: No such file or directory" if name == soname else None
    return load_error


@linux_only
@pytest.mark.parametrize("soname, package", [("libxcb-cursor.so.0", "libxcb-cursor0"),
                                             ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
                                             ("libX11-xcb.so.1", "libx11-xcb1")])
def test_a_missing_xcb_library_is_named_with_the_package_to_install(monkeypatch, capsys, soname, package):
    if gui.missing_xcb_library() is not None or gui._pyside_qt_dir() is None:
        pytest.skip("this PySide6 has no xcb plugin to check, or a library is really missing here")
    monkeypatch.setattr(gui, "load_error", _missing(soname))
    for key in NO_DISPLAY:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DISPLAY", ":131")
    from bpviz.gui import app

    monkeypatch.setattr(app, "run_app", lambda **kwargs: pytest.fail("the app started"))
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"bpviz: cannot open the window: Qt's xcb platform plugin needs the system library {soname}, "
        f"which is not installed; on Debian or Ubuntu: sudo apt install {package}; "
        f"or use the command line (bpviz train, trace, gradcheck)"]


@linux_only
def test_a_library_the_missing_one_needs_is_the_one_named(monkeypatch):
    # The loader names the library it could not find, which may be a dependency of the one asked for.
    monkeypatch.setattr(gui, "load_error", lambda name: (
        "libxcb-image.so.0: cannot open shared object file: No such file or directory"
        if name == "libxcb-cursor.so.0" else None))
    if gui._pyside_qt_dir() is None:
        pytest.skip("no PySide6 Qt folder")
    assert gui.missing_xcb_library() == "libxcb-image.so.0"


@linux_only
@pytest.mark.parametrize("environ, checks_xcb", [
    ({"QT_QPA_PLATFORM": "offscreen"}, False),  # the test suite's way
    ({"WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"DISPLAY": ":1", "WAYLAND_DISPLAY": "wayland-0"}, False),  # Qt prefers Wayland there
    ({"DISPLAY": ":1"}, True),
    ({"DISPLAY": ":1", "QT_QPA_PLATFORM": "xcb"}, True),
])
def test_only_a_window_on_x11_needs_the_xcb_libraries(monkeypatch, environ, checks_xcb):
    monkeypatch.setattr(gui, "missing_xcb_library", lambda: "libxcb-cursor.so.0")
    problem = gui.display_problem(environ)
    assert (problem is not None and "libxcb-cursor0" in problem) == checks_xcb


def test_the_plugin_lists_the_libraries_it_links():
    qt = gui._pyside_qt_dir()
    plugin = qt / "plugins" / "platforms" / "libqxcb.so" if qt else None
    if plugin is None or not plugin.is_file():
        pytest.skip("this PySide6 has no xcb plugin")
    assert "libQt6XcbQpa.so.6" in gui.elf_needed(plugin)
    assert "libxcb-cursor.so.0" in gui.elf_needed(qt / "lib" / "libQt6XcbQpa.so.6")


def test_offscreen_qt_still_opens_the_app():
    assert gui.display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def _offscreen() -> dict:
    return {**_environment_without_a_display(), "QT_QPA_PLATFORM": "offscreen"}


def test_bpviz_opens_a_lesson_file_given_on_its_command_line_and_steps_through_it(tmp_path):
    """What a double-click on a lesson runs (the desktop entry's ``bpviz %f``), checked by
    the self-test scripts/bundle runs: the window opens there, → steps to the end, exit 0."""
    from bpviz.resources import resource_path

    lesson = resource_path("examples", "two-layer.bpviz")
    result = subprocess.run([sys.executable, "-m", "bpviz", "--self-test", str(lesson)], env=_offscreen(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"bpviz self-test: opened {lesson}; pressed → 23 times, from 'step 9 of 32' to 'step 32 of 32'; 0 errors"]


def test_the_self_test_fails_in_words_on_a_lesson_it_cannot_open(tmp_path):
    lesson = tmp_path / "cut short.bpviz"
    lesson.write_text('{"format": "bpviz-lesson", "version": 2, "page"')
    result = subprocess.run([sys.executable, "-m", "bpviz", "--self-test", str(lesson)], env=_offscreen(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"bpviz self-test: FAILED: could not open the lesson: {lesson}: not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_self_test_is_not_offered_in_the_help():
    result = subprocess.run([sys.executable, "-m", "bpviz", "gui", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "lesson" in result.stdout and "self-test" not in result.stdout
