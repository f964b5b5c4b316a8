"""Standard output and error when their reader or disk is gone (``| head``, ``> /dev/full``,
``2>&-``): a failed write to stdout becomes :class:`OutputFailed`, which the command line
reports in one line; stderr, the human's channel, fails quietly."""

from __future__ import annotations

import os
import sys


class OutputFailed(Exception):
    """Writing to standard output failed (a closed pipe, a full disk, /dev/full)."""

    def __init__(self, exc: OSError):
        super().__init__(exc.errno, exc.strerror)
        self.errno, self.strerror = exc.errno, exc.strerror


class Output:
    """sys.stdout, whose write errors become OutputFailed: they are the output's, not a
    file's the command reads or writes."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise OutputFailed(exc) from None

    def flush(self):
        try:
            return self._stream.flush()
        except OSError as exc:
            raise OutputFailed(exc) from None

    def __getattr__(self, name):
        return getattr(self._stream, name)


class Quiet:
    """A stream (stderr, for a progress bar) whose write errors are dropped: a bar that
    cannot be drawn must not stop the work it shows."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        try:
            return self._stream.write(text) if self._stream is not None else len(text)
        except (OSError, ValueError):
            return len(text)

    def flush(self):
        try:
            if self._stream is not None:
                self._stream.flush()
        except (OSError, ValueError):
            pass

    def __getattr__(self, name):
        return getattr(self._stream, name)


def silence(stream) -> None:
    """Point the stream's file descriptor at /dev/null, so that what is still buffered
    is dropped quietly at exit instead of failing again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def say(line: str) -> None:
    """One line on stderr: escaped when stderr cannot encode it, nothing when it is gone."""
    try:
        print(line, file=sys.stderr, flush=True)
    except UnicodeEncodeError:
        say(line.encode("ascii", "backslashreplace").decode("ascii"))
    except (OSError, ValueError, AttributeError):
        pass
