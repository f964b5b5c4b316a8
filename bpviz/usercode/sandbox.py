"""Code that is not ours, run apart: a spawned child process calls a work function on a
copy of the request, within a time and a memory limit, and hands back plain data or a
message for people. The parent polls (``Job.done()``), so a window never waits on it.

The child's side is bpviz.usercode._child; both import the standard library only, and the
child then imports what its work needs. As with any spawn, the child first imports the
program's main script again (as ``__mp_main__``; ``python -m`` packages are left alone), so
a script that starts jobs keeps its own work under ``if __name__ == "__main__":``, as the
``bpviz`` console script does. A frozen app (PyInstaller) must also call
multiprocessing.freeze_support() first thing in its entry point; that is the entry point's
business.
"""

from __future__ import annotations

import io
import os
import pickle
import signal
import threading
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass

from bpviz.errors import UserCodeError
from bpviz.usercode import _child

#: What the child keeps of what the user's code prints; the rest is only counted.
OUTPUT_LIMIT = _child.OUTPUT_LIMIT
_POLL = 0.02    # wait(): how often it asks done()
_GRACE = 0.3    # a child still there this long after SIGTERM gets SIGKILL


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0         # seconds for the whole job, start to answer
    memory_mb: int | None = 2048  # the child's address space may grow this much after its imports
    #                               (RLIMIT_AS, where the OS has it); None: no cap


@dataclass(frozen=True)
class Outcome:
    value: object   # what the work function returned (plain, picklable data)
    output: str     # what the user's code printed (stdout and stderr), cut past OUTPUT_LIMIT
    elapsed: float  # seconds, from start() to the answer


class Cancelled(UserCodeError):
    """The job was cancelled (Job.cancel, or the ``cancel`` event of wait) before it answered."""


Progress = _child.Progress


def start(work: str, request: object, path, limits: Limits = Limits(), source: str | None = None) -> Job:
    """Spawn a child that imports ``work`` ("package.module:function") and calls
    function(request, progress); return at once. ``path`` (the user's file) and ``source``
    (its text as run) only name the place in messages: "update.py, line 12 (x = f(x)): ..."."""
    return Job(work, request, path, limits, source)


def run(work: str, request: object, path, limits: Limits = Limits(), source: str | None = None,
        cancel=None) -> Outcome:
    """start(...).wait(cancel): blocking, for the command line and tests."""
    return start(work, request, path, limits, source).wait(cancel)


class Job:
    """One child at work. Poll ``done()`` (from a timer: it never blocks for long), then take
    ``outcome()``. ``line`` is the line of the user's file the child last reported.
    Not thread-safe: use a job from one thread."""

    def __init__(self, work: str, request: object, path, limits: Limits, source: str | None):
        import multiprocessing  # here: the child need not import it twice over

        context = multiprocessing.get_context("spawn")  # never fork: the parent may hold Qt and threads
        self._name = os.path.basename(os.fspath(path))
        self._limits, self._source = limits, source
        self._line = context.RawValue("i", 0)
        self._inbox: list = []
        self._result: tuple | None = None  # ("ok", Outcome) or (error class, message, line)
        self._output = ""
        self._elapsed = 0.0
        self._started = time.monotonic()
        reader, writer = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_child.main, name="bpviz-usercode", daemon=True,
            args=(work, request, limits.timeout, limits.memory_mb, writer, self._line, os.getpid()))
        with _sigint_blocked():  # a Ctrl-C while the child starts up is the parent's alone
            self._process.start()
            # a job dropped unfinished (or left at exit) takes its child with it
            self._abandoned = weakref.finalize(self, _end, self._process, True)
        writer.close()
        self._reader = threading.Thread(target=_receive, args=(reader, self._inbox),
                                        name="bpviz-usercode-reader", daemon=True)
        self._reader.start()

    @property
    def line(self) -> int:
        return self._line.value

    @property
    def elapsed(self) -> float:
        return self._elapsed if self._result is not None else time.monotonic() - self._started

    @property
    def output(self) -> str:
        """What the user's code printed, once done (also when it failed, if the child said)."""
        return self._output

    def done(self) -> bool:
        """Non-blocking: takes the answer if there is one, ends a child past the time limit,
        reaps an ended child. True once outcome() has something to give."""
        if self._result is not None:
            return True
        if self._inbox and self._inbox[0] is not None:
            self._finish(self._answer(self._inbox[0]), kill=False)
        elif _exited(self._process):
            self._finish(None, kill=False)
        elif self.elapsed > self._limits.timeout:
            self._finish(self._error(f"still running after {self._limits.timeout:g} s, the time limit "
                                     "(an endless loop or a long sleep?); raise the limit in the "
                                     "debugger or with --timeout"), kill=True)
        return self._result is not None

    def cancel(self) -> None:
        """End the child now; outcome() then raises Cancelled."""
        if self._result is None:
            self._finish(self._error("cancelled", Cancelled), kill=True)

    def outcome(self) -> Outcome:
        """The Outcome; or raises UserCodeError (Cancelled after cancel()). Call after done()."""
        if self._result is None:
            raise RuntimeError("the job has not finished: call outcome() once done() is True")
        if self._result[0] == "ok":
            return self._result[1]
        cls, message, line = self._result
        raise cls(message, line)

    def wait(self, cancel=None) -> Outcome:
        """Block until done, polling every ~20 ms; ``cancel`` (a threading.Event) ends the
        child. A KeyboardInterrupt (or any exception) while waiting ends it too, then goes on."""
        try:
            while not self.done():
                if cancel is not None and cancel.is_set():
                    self.cancel()
                elif cancel is not None:
                    cancel.wait(_POLL)
                else:
                    time.sleep(_POLL)
        except BaseException:
            self.cancel()
            raise
        return self.outcome()

    # -- the end of a job -------------------------------------------------------------

    def _finish(self, result: tuple | None, *, kill: bool) -> None:
        self._elapsed = time.monotonic() - self._started
        self._abandoned.detach()
        code = _end(self._process, kill)
        if result is None:  # ended without sending: an answer may still be on its way in
            self._reader.join(1.0)
            message = self._inbox[0] if self._inbox else None
            result = self._answer(message) if message is not None else self._error(_death(code, self._limits))
        if result[0] == "ok":
            result = ("ok", Outcome(result[1], self._output, self._elapsed))
        self._result = result

    def _answer(self, message: tuple) -> tuple:
        """The child's message, as a result: ("ok", value) or an error."""
        kind, body = message
        if kind == "refused":
            return self._error(f"its answer holds {body}, which bpviz does not take back; expected "
                               "plain data (numbers, strings, lists, dicts, numpy arrays)", line=False)
        if kind == "unreadable":
            return self._error(f"its answer could not be read ({body})", line=False)
        kind, *rest, self._output = body
        if kind == "ok":
            return ("ok", rest[0])
        if kind == "error":  # the work's own UserCodeError: its words, as they are
            return (UserCodeError, rest[0], rest[1])
        if kind == "unsent":
            return self._error(f"its answer could not be passed back ({rest[0]})", line=False)
        what, line = rest
        return (UserCodeError, f"{_where(self._name, line, self._source)}: {what}", line or None)

    def _error(self, what: str, cls=UserCodeError, line: bool = True) -> tuple:
        at = self.line if line else 0
        return (cls, f"{_where(self._name, at, self._source)}: {what}", at or None)


def _where(name: str, line: int, source: str | None) -> str:
    """"update.py, line 12 (x = f(x))", or "update.py" when no line is known."""
    if not line:
        return name
    lines = source.splitlines() if source else []
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{name}, line {line}" + (f" ({text})" if text else "")


def _death(code: int | None, limits: Limits) -> str:
    """What an exit status without an answer means, for people."""
    if code == _child.EXIT_LATE:
        return (f"still running after {limits.timeout:g} s, the time limit (an endless loop or a long "
                "sleep?); raise the limit in the debugger or with --timeout")
    if code is None:
        return "ended without an answer and could not be reaped"
    if code == 0:
        return "exited without an answer (os._exit?)"
    if code == _child.EXIT_UNSENT:
        return "could not send its answer: its pipe to bpviz was closed (os.closerange?)"
    if code > 0:
        return f"exited with status {code} without an answer (os._exit({code})?)"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        return f"was ended by signal {-code} without an answer"
    if name == "SIGKILL":
        memory = f"the memory limit of {limits.memory_mb} MB" if limits.memory_mb else "a memory limit"
        return (f"was killed ({name}), often for using too much memory ({memory} or the system's "
                "out-of-memory killer)")
    if name == "SIGSEGV":
        return (f"crashed ({name}), e.g. recursion deeper than the C stack "
                "(after sys.setrecursionlimit?)")
    if name in ("SIGBUS", "SIGILL", "SIGFPE", "SIGABRT"):
        return f"crashed ({name})"
    if name == "SIGXCPU":
        return (f"used more processor time than the time limit of {limits.timeout:g} s allows "
                "(an endless loop?); raise the limit in the debugger or with --timeout")
    if name == "SIGTERM":
        return f"was terminated ({name})"
    return f"was ended by {name} without an answer"


# -- the parent's plumbing -------------------------------------------------------------

@contextmanager
def _sigint_blocked():
    """SIGINT held back in this thread, and so in a child started meanwhile (the mask is
    inherited) until the child ignores it; one that came is delivered here afterwards."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    except (AttributeError, OSError, ValueError):  # no POSIX signal masks (Windows)
        old = {signal.SIGINT}
    try:
        yield
    finally:
        if signal.SIGINT not in old:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _exited(process) -> bool:
    """Has the child ended? Asked without reaping it where the OS allows (waitid WNOWAIT),
    so its pid, which names its process group, stays ours until _end has swept the group."""
    waitid = getattr(os, "waitid", None)
    if waitid is None:
        return process.exitcode is not None
    try:
        return waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:  # already reaped (multiprocessing reaps its finished children)
        return True


def _signal_group(process, signum) -> None:
    """Send ``signum`` to the child's process group (the child and anything it started);
    to the child alone before it has made its group."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signum)
            return
        except (ProcessLookupError, PermissionError):
            pass
        try:
            os.kill(process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass
    elif signum == signal.SIGTERM:
        process.terminate()
    else:
        process.kill()


def _end(process, kill: bool) -> int | None:
    """End the child if ``kill`` (SIGTERM, then SIGKILL if it lingers), end what it left
    running in its process group, reap it. Its exit status, or None if it would not go."""
    if kill and not _exited(process):
        _signal_group(process, signal.SIGTERM)
        _wait_exit(process, _GRACE)
    _signal_group(process, getattr(signal, "SIGKILL", signal.SIGTERM))
    if not _wait_exit(process, 2.0):
        return None  # stuck in the kernel: multiprocessing reaps it when it can
    process.join()  # it has ended, so this does not wait (join(timeout) would wait on a pipe
    #                 that a program it started may still hold open)
    code = process.exitcode
    process.close()
    return code


def _wait_exit(process, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not _exited(process):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def _receive(connection, inbox: list) -> None:
    """A job's reader thread: takes the child's one message off the pipe and reads it, so
    that done() never waits on a large answer. Appends ("message", ...), ("refused", what),
    ("unreadable", why), or None when the pipe closed with nothing on it."""
    try:
        with connection:
            data = connection.recv_bytes()
    except (EOFError, OSError):
        inbox.append(None)
        return
    try:
        message = _PlainUnpickler(io.BytesIO(data)).load()
    except _Refused as exc:
        inbox.append(("refused", str(exc)))
        return
    except Exception as exc:  # noqa: BLE001 - a broken answer is reported, not raised in a thread
        inbox.append(("unreadable", f"{type(exc).__name__}: {exc}"))
        return
    ok = (isinstance(message, tuple) and len(message) >= 2 and isinstance(message[0], str)
          and _child.KINDS.get(message[0]) == len(message) and isinstance(message[-1], str))
    inbox.append(("message", message) if ok else ("unreadable", "not a message of bpviz's"))


class _Refused(pickle.UnpicklingError):
    pass


#: What an answer may be built of: plain values, numpy arrays and scalars, paths, and the
#: dataclasses of bpviz's own modules. Anything else (a function to call, a user's class)
#: is refused, so reading an answer can neither run code nor wait on it.
_PLAIN = {
    "builtins": {"dict", "list", "tuple", "set", "frozenset", "int", "float", "complex", "str",
                 "bytes", "bytearray", "bool", "slice", "range"},
    "collections": {"OrderedDict", "deque"},
    "numpy": {"ndarray", "dtype"},
    "numpy._core.multiarray": {"_reconstruct", "scalar"},
    "numpy.core.multiarray": {"_reconstruct", "scalar"},
    "numpy._core.numeric": {"_frombuffer"},
    "numpy.core.numeric": {"_frombuffer"},
    "pathlib": {"Path", "PosixPath", "WindowsPath", "PurePath", "PurePosixPath", "PureWindowsPath"},
}


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if name in _PLAIN.get(module, ()):
            return super().find_class(module, name)
        if module == "bpviz" or module.startswith("bpviz."):
            found = super().find_class(module, name)
            if isinstance(found, type) and hasattr(found, "__dataclass_fields__"):
                return found
        raise _Refused(f"{module}.{name}")
