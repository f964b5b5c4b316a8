"""The ``bpviz`` command: version, help, and clear errors for unknown arguments."""

from __future__ import annotations

import subprocess
import sys

from bpviz import __version__


def _bpviz(*args):
    return subprocess.run([sys.executable, "-m", "bpviz", *args], capture_output=True,
                          text=True, timeout=60)


def test_version_and_help():
    assert _bpviz("--version").stdout.strip() == f"bpviz {__version__}"
    help_text = _bpviz("--help").stdout
    assert "gui" in help_text and "opens the app" in help_text


def test_an_unknown_option_is_one_clear_line_and_exit_2():
    result = _bpviz("gui", "--no-such-flag")
    assert result.returncode == 2
    assert "unrecognized arguments: --no-such-flag" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_sub_commands_error_starts_with_its_own_name():
    """An option a sub-command does not take is refused by that sub-command ("bpviz trace:
    error: ..."; it was "bpviz: error: ..."); the app's own stay "bpviz: error: ..."."""
    for command in ("train", "trace", "gradcheck"):
        result = _bpviz(command, "--no-such-flag")
        assert result.returncode == 2
        assert result.stderr.strip() == f"bpviz {command}: error: unrecognized arguments: --no-such-flag"
    assert _bpviz("--no-such-flag").stderr.strip() == "bpviz: error: unrecognized arguments: --no-such-flag"
