"""The sandbox's child process: shut off from the terminal and from Ctrl-C, limited in time
and memory, it calls the work and sends back one message, whatever the user's code does.
Standard library only at import (the work imports numpy when it needs it)."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time

from bpviz.errors import UserCodeError

try:
    import resource
except ImportError:  # Windows: no rlimits; the parent's time limit still holds
    resource = None

OUTPUT_LIMIT = 16 * 1024
#: The messages the child sends, by their first item, and their length; the last item is
#: always the output: ("ok", value, output), ("error", message, line, output) (the work's
#: UserCodeError), ("raised", what, line, output) (anything else), ("unsent", why, output).
KINDS = {"ok": 3, "error": 4, "raised": 4, "unsent": 3}
#: The child ends itself with this status this long after its time limit, should the
#: parent not have ended it (as timeout(1) exits 124); and at once when the parent is gone.
EXIT_LATE = 124
#: The child's status when its message could not be sent (its end of the pipe was closed).
EXIT_UNSENT = 125
BACKSTOP = 2.0

# Taken now, before any user code can replace them.
_exit, _getppid, _monotonic, _sleep = os._exit, os.getppid, time.monotonic, time.sleep


class Progress:
    """What the work reports while it runs: the line of the user's file it is at. Set on
    every line event, so it is a bare shared int (a RawValue, no lock)."""

    __slots__ = ("_shared",)

    def __init__(self, shared):
        self._shared = shared

    @property
    def line(self) -> int:
        return self._shared.value

    @line.setter
    def line(self, number: int) -> None:
        self._shared.value = number


def main(work: str, request, timeout: float, memory_mb: int | None, connection, line, parent: int) -> None:
    """The child's whole life: set apart, call the work, send one message, exit at once
    (no atexit handlers, no waiting on threads the user's code left running)."""
    status = 1
    try:
        _isolate(connection)
        capture = _Capture()
        sys.stdout, sys.stderr = capture.stream("<stdout>"), capture.stream("<stderr>")
        _watch(parent, _monotonic() + timeout + BACKSTOP)
        _limit_cpu(timeout)
        memory = _Memory(memory_mb)
        try:
            function = _import(work)
            memory.cap()
            message = ("ok", function(request, Progress(line)))
        except BaseException as exc:  # noqa: BLE001 - whatever their code raises, even SystemExit
            memory.lift()  # room to say so
            message = _failure(exc, line.value, memory_mb)
        status = 0 if _send(connection, message, capture.text(), memory) else EXIT_UNSENT
    finally:
        _exit(status)


def _isolate(connection) -> None:
    """Ctrl-C is the parent's to act on; SIGTERM ends us; our own process group, so that
    the parent can end whatever the user's code starts; nothing reaches the terminal
    (os.write(1, ...) and C-level prints go to the null device); no core files."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a parent that ignores it would pass that on
    if hasattr(signal, "pthread_sigmask"):  # blocked by the parent while it started us
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if hasattr(os, "setpgid"):
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    if null > 2:
        os.close(null)
    os.set_inheritable(connection.fileno(), False)  # a program the user's code runs gets no copy
    if resource is not None:
        try:
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash is reported, not dumped
        except (ValueError, OSError):
            pass
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"  # a hand-sized network needs no BLAS threads (nor their memory)


def _watch(parent: int, deadline: float) -> None:
    """The backstop: a thread that ends the child when the parent is gone, or a while past
    the time limit should the parent not have ended it (a parent that stopped polling)."""

    def watch():
        while True:
            _sleep(0.1)
            if _getppid() != parent:
                _exit(EXIT_LATE)
            if _monotonic() > deadline:
                _exit(EXIT_LATE)

    threading.Thread(target=watch, name="bpviz-watchdog", daemon=True).start()


def _limit_cpu(timeout: float) -> None:
    """Processor time capped generously above the time limit: ends a loop that holds the
    interpreter's lock in C (where the watchdog thread cannot run) if no one else does."""
    if resource is None or not timeout < 10**9:  # no limit wanted (inf, nan)
        return
    try:
        used = resource.getrusage(resource.RUSAGE_SELF)
        soft = int(used.ru_utime + used.ru_stime + 4 * timeout + 5)
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard == resource.RLIM_INFINITY or hard > soft + 1:
            resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
    except (ValueError, OSError, OverflowError):
        pass


class _Memory:
    """RLIMIT_AS set to what the child uses after its imports plus ``mb`` megabytes, so a
    runaway allocation raises MemoryError; lifted again to report it."""

    def __init__(self, mb: int | None):
        self.mb = mb
        self.saved = None

    def cap(self) -> None:
        if self.mb is None or resource is None:
            return
        try:
            with open("/proc/self/statm", encoding="ascii") as statm:
                size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return  # no /proc (macOS: its address space counts differently): left uncapped
        try:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = size + self.mb * 2**20
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
            self.saved = (soft, hard)
        except (ValueError, OSError, OverflowError):  # a limit beyond what the OS counts: none
            pass

    def lift(self) -> None:
        if self.saved is not None:
            try:
                resource.setrlimit(resource.RLIMIT_AS, self.saved)
            except (ValueError, OSError):
                pass


def _import(work: str):
    import importlib

    module, _, name = work.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise _Unstartable(f"could not start {work} ({type(exc).__name__}: {exc})") from None


class _Unstartable(Exception):
    pass


def _failure(exc: BaseException, line: int, memory_mb: int | None) -> tuple:
    """The message for what escaped the work: a UserCodeError's words as they are; anything
    else said as what happened (the parent puts the file and line in front)."""
    if isinstance(exc, UserCodeError):
        return ("error", _text(exc), exc.line)
    if isinstance(exc, _Unstartable):
        return ("raised", str(exc), 0)
    if isinstance(exc, MemoryError):
        what = f"ran out of memory: the limit is {memory_mb} MB" if memory_mb else "ran out of memory"
    elif isinstance(exc, SystemExit):
        code = "" if exc.code is None else f": {_text(exc.code)}"
        what = f"SystemExit{code} (exit() or sys.exit() was called)"
    else:
        said = _text(exc)
        what = f"{type(exc).__name__}: {said}" if said else type(exc).__name__
    return ("raised", what, line)


def _text(value, limit: int = 300) -> str:
    """str(value), cut; the user's own __str__ may fail (or be enormous)."""
    try:
        text = str(value)
    except BaseException:  # noqa: BLE001 - their __str__, their problem
        return f"(a {type(value).__name__} that cannot be shown)"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _send(connection, message: tuple, output: str, memory: _Memory) -> bool:
    """Pickle the message here (to name what cannot be), then write it in one piece."""
    from multiprocessing.reduction import ForkingPickler

    try:
        data = ForkingPickler.dumps(message + (output,))
    except BaseException as exc:  # noqa: BLE001 - e.g. a generator in the answer
        memory.lift()
        data = ForkingPickler.dumps(("unsent", f"{type(exc).__name__}: {_text(exc)}", output))
    try:
        connection.send_bytes(data)
    except OSError:  # the parent is gone, or the user's code closed our end
        return False
    return True


class _Capture:
    """What the user's code prints to stdout and stderr alike: the first OUTPUT_LIMIT
    characters kept, the rest only counted (a print of gigabytes costs nothing more)."""

    def __init__(self, limit: int = OUTPUT_LIMIT):
        self.limit, self.parts, self.kept, self.cut = limit, [], 0, 0

    def add(self, text: str) -> None:
        room = self.limit - self.kept
        if room > 0:
            part = text[:room]
            self.parts.append(part)
            self.kept += len(part)
            self.cut += len(text) - len(part)
        else:
            self.cut += len(text)

    def text(self) -> str:
        kept = "".join(self.parts)
        if not self.cut:
            return kept
        return kept + ("" if kept.endswith("\n") else "\n") + f"[... {self.cut:,} more characters not kept]\n"

    def stream(self, name: str) -> _Stream:
        return _Stream(self, name)


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr in the child: a text stream into the capture. Closing it
    works as closing a file does (a later print raises ValueError); what it took is kept."""

    def __init__(self, capture: _Capture, name: str):
        super().__init__()
        self._capture, self.name = capture, name

    @property
    def encoding(self) -> str:
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._capture.add(text)
        return len(text)
