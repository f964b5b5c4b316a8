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
