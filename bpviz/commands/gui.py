"""``bpviz`` / ``bpviz gui``: check that a window can open, then start the app.

Without a display, or when a system library of Qt's xcb platform plugin is missing, Qt
aborts the process (exit 134) with a long message. These checks run first, without Qt,
and say in one line what is missing and what to do.
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

COMMAND_LINE = "use the command line (bpviz train, trace, gradcheck)"

#: Debian/Ubuntu packages whose name does not follow from the library's soname.
PACKAGES = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
            "libstdc++.so.6": "libstdc++6", "libgcc_s.so.1": "libgcc-s1", "libc.so.6": "libc6",
            "libm.so.6": "libc6"}


def run_gui(args) -> int:
    problem = display_problem()
    if problem is not None:
        print(f"bpviz: {problem}", file=sys.stderr)
        return 2
    from bpviz.commands.interrupt import GUARD, exit_code, words

    # Ctrl-C or SIGTERM closes the window as closing it does (a run stops, the settings
    # are kept), at any moment: while Qt starts, the window opens, or the app runs.
    with GUARD.deferred():
        code = None
        if GUARD.received is None:
            from bpviz.gui.app import create_application, run_app

            app = create_application()
            with _closing_on_signal(app, GUARD):
                if GUARD.received is None and getattr(args, "self_test", False):
                    from bpviz.gui.selftest import run_self_test

                    code = run_self_test(args.lesson)
                elif GUARD.received is None:
                    code = run_app(lesson=args.lesson)
    if GUARD.received is not None:
        print(f"bpviz: {words(GUARD.received)}; the window was closed", file=sys.stderr)
        return exit_code(GUARD.received)
    return code


@contextmanager
def _closing_on_signal(app, guard):
    """While the app runs, a signal wakes Qt's event loop (through a socket Python's
    C-level handler writes to) and closes every window; a second one ends the loop."""
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier, QTimer

    def close_all():
        app.closeAllWindows()
        app.quit()

    def on_signal(signum):
        if guard.count > 1:
            app.exit(128 + signum)
        else:
            QTimer.singleShot(0, close_all)

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    try:
        previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    except (ValueError, OSError):  # not the main thread
        previous = None
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(lambda *_: _drain(reader))  # running Python runs the handler
    guard.notify = on_signal
    QTimer.singleShot(0, lambda: guard.received is not None and close_all())  # one before the loop ran
    try:
        yield
    finally:
        guard.notify = None
        notifier.setEnabled(False)
        if previous is not None:
            try:
                signal.set_wakeup_fd(previous)
            except (ValueError, OSError):
                pass
        reader.close()
        writer.close()


def _drain(reader) -> None:
    try:
        while reader.recv(512):
            pass
    except OSError:
        pass


def display_problem(environ=None) -> str | None:
    """Why the window cannot open here (one line, with what to do), or None."""
    if sys.platform != "linux":
        return None
    env = os.environ if environ is None else environ
    display, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if not platform and not display and not wayland:
        return ("no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set); run it "
                f"on a desktop, or over ssh -X, or {COMMAND_LINE}")
    if platform == "xcb" and not display:
        return ("no X display to open the window on (QT_QPA_PLATFORM is xcb but DISPLAY is not set); "
                f"set DISPLAY, or run it on a desktop, or {COMMAND_LINE}")
    # Qt takes xcb when told to, or on X11 when no Wayland compositor is there to prefer.
    uses_xcb = platform == "xcb" or (not platform and display and (not wayland or env.get("XDG_SESSION_TYPE") == "x11"))
    missing = missing_xcb_library() if uses_xcb else None
    if missing is None:
        return None
    return (f"cannot open the window: Qt's xcb platform plugin needs the system library {missing}, "
            f"which is not installed; on Debian or Ubuntu: sudo apt install {debian_package(missing)}; "
            f"or {COMMAND_LINE}")


def missing_xcb_library() -> str | None:
    """The first library Qt's xcb plugin links that the dynamic loader cannot load, or None
    (also None when this PySide6 keeps its plugins elsewhere: then Qt has its say)."""
    qt = _pyside_qt_dir()
    if qt is None:
        return None
    plugin, integration = qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6"
    if not plugin.is_file():
        return None
    bundled = set(os.listdir(qt / "lib")) if (qt / "lib").is_dir() else set()
    needed = dict.fromkeys(elf_needed(plugin) + (elf_needed(integration) if integration.is_file() else []))
    for soname in needed:
        if soname in bundled:
            continue  # Qt's own libraries ship with PySide6
        error = load_error(soname)
        if error is not None:
            # The loader names the library it could not find: this one, or one it needs.
            named = error.split(":", 1)[0].strip()
            return named if ".so" in named and "/" not in named else soname
    return None


def load_error(soname: str) -> str | None:
    """What the dynamic loader says when it cannot load ``soname`` (and its own
    dependencies), or None when it loads."""
    try:
        ctypes.CDLL(soname)
    except OSError as exc:
        return str(exc)
    return None


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that usually ships ``soname``: libxcb-cursor.so.0 is in
    libxcb-cursor0, libxkbcommon-x11.so.0 in libxkbcommon-x11-0, libX11.so.6 in libx11-6."""
    if soname in PACKAGES:
        return PACKAGES[soname]
    name, _, version = soname.partition(".so.")
    version = version.split(".")[0]
    if not version:
        return name.lower()
    return f"{name}-{version}".lower() if name[-1].isdigit() else f"{name}{version}".lower()


def elf_needed(path: Path) -> list[str]:
    """The sonames an ELF shared library lists as DT_NEEDED ([] for anything else)."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] not in (1, 2) or data[5] not in (1, 2):
        return []
    wide, order = data[4] == 2, "<" if data[5] == 1 else ">"
    (shoff,) = struct.unpack_from(order + ("Q" if wide else "I"), data, 0x28 if wide else 0x20)
    shentsize, shnum = struct.unpack_from(order + "HH", data, 0x3A if wide else 0x2E)
    field = "IIQQQQIIQQ" if wide else "IIIIIIIIII"
    sections = [struct.unpack_from(order + field, data, shoff + i * shentsize) for i in range(shnum)]
    names = []
    for _, kind, _, _, offset, size, link, *_ in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strings = sections[link][4]
        entry = "qQ" if wide else "iI"
        for tag, value in struct.iter_unpack(order + entry, data[offset:offset + size]):
            if tag == 0:  # DT_NULL
                break
            if tag == 1:  # DT_NEEDED
                start = strings + value
                names.append(data[start:data.index(b"\0", start)].decode())
    return names


def _pyside_qt_dir() -> Path | None:
    spec = find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    qt = Path(list(spec.submodule_search_locations)[0]) / "Qt"
    return qt if qt.is_dir() else None
