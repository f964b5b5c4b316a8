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
