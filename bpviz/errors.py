"""The exceptions bpviz raises for things a person can fix: bad files, fields, arguments.

Every message names the file or field and says what was expected and what was found.
The CLI prints the message on one line and exits 2; the GUI shows it inline or in a dialog.
"""

from __future__ import annotations


class BpvizError(Exception):
    """Base of every error that is the user's input, not a bug in bpviz."""


class DataError(BpvizError, ValueError):
    """A dataset or a data argument is not what bpviz can use."""


class ConfigError(BpvizError, ValueError):
    """A network or training setting (a field, a flag, a preset entry) that cannot be used."""


class UserCodeError(BpvizError):
    """The user's file cannot be read, does not compile, raises, or returns the wrong thing.
    ``line`` is the line of their file it names, when one is known (the GUI marks it).
    Here, not in bpviz.nn.handwritten (which re-exports it), so that the sandbox's child
    can raise and recognise it without importing numpy."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line

    def __reduce__(self):
        return type(self), (str(self), self.line)


def shown(value, width: int = 40) -> str:
    """``value`` as a message repeats it: cut to ``width`` characters; a number of thousands
    of digits said by its size (Python refuses to print it), a structure nested too deep
    for repr by its kind."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        digits = f"about {int(abs(value).bit_length() * 0.30103) + 1:,}" if value.bit_length() > 13000 \
            else f"{len(str(abs(value)))}"
        return f"{'a negative' if value < 0 else 'a'} number of {digits} digits"
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # a huge int inside, or nesting deeper than repr goes
        return f"a {type(value).__name__} too large to show"
    return text if len(text) <= width else text[:width - 3] + "..."
