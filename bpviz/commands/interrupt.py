"""Ctrl-C (SIGINT) and SIGTERM for the commands: one line and exit 130 or 143, never a
traceback. Work that must not be cut in half (an update, a save) runs ``deferred()``: a
signal is then only noted, and the work checks ``received`` between whole steps."""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import Callable

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Signalled(BaseException):
    """SIGINT or SIGTERM arrived outside deferred work; raised where the program was.
    A BaseException, as KeyboardInterrupt is, so that ``except Exception`` lets it by."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def exit_code(signum: int) -> int:
    """130 for SIGINT, 143 for SIGTERM: 128 + the signal, as shells report them."""
    return 128 + int(signum)


def words(signum: int) -> str:
    return "interrupted (Ctrl-C)" if signum == signal.SIGINT else "terminated (SIGTERM)"


def signum_of(exc: BaseException) -> int:
    """The signal a Signalled or a KeyboardInterrupt stands for."""
    return exc.signum if isinstance(exc, Signalled) else signal.SIGINT


class Guard:
    """Turns SIGINT and SIGTERM into :class:`Signalled` (or, within ``deferred()``, into
    ``received``, and a call of ``notify``). Also when the process was started ignoring
    SIGINT (a shell's background job, a harness that runs in one): ``kill -INT`` asks for
    the stop explicitly."""

    def __init__(self):
        self.received: int | None = None
        self.count = 0
        self.notify: Callable[[int], None] | None = None
        self._deferred = 0
        self._previous: dict = {}

    def install(self) -> "Guard":
        self.received, self.count, self.notify, self._deferred = None, 0, None, 0
        for signum in SIGNALS:
            try:
                previous = signal.getsignal(signum)
                signal.signal(signum, self._on_signal)
                self._previous[signum] = previous
            except (ValueError, OSError):  # not the main thread: signals stay as they are
                pass
        return self

    def uninstall(self) -> None:
        for signum, previous in self._previous.items():
            try:
                signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
            except (ValueError, OSError):
                pass
        self._previous = {}

    def settle(self) -> None:
        """The command is done and the process about to exit: from now on a signal is
        ignored (Python's finalisation would otherwise restore the default, which kills
        the process in the middle of a clean exit)."""
        self._deferred += 1
        for signum in SIGNALS:
            try:
                signal.signal(signum, signal.SIG_IGN)
            except (ValueError, OSError):
                pass

    @contextmanager
    def deferred(self):
        self._deferred += 1
        try:
            yield self
        finally:
            self._deferred -= 1

    def _on_signal(self, signum, frame) -> None:
        self.count += 1
        if self.received is None:
            self.received = signum
        if self._deferred == 0:
            self._deferred += 1  # the stop this raises is not cut short by another signal
            raise Signalled(signum)
        if self.notify is not None:
            try:
                self.notify(signum)
            except Exception:  # noqa: BLE001 - a signal handler must not raise into the code it interrupted
                pass


#: The process's guard: ``bpviz.cli.main`` installs it around a command.
GUARD = Guard()
