"""Smoke test of scripts/run: it reuses the set-up .venv and passes arguments to bpviz."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bpviz import __version__

ROOT = Path(__file__).resolve().parents[2]


def test_run_passes_arguments_to_bpviz_without_reinstalling():
    result = subprocess.run([str(ROOT / "scripts" / "run"), "--version"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"bpviz {__version__}"
    assert "installing" not in result.stderr  # the test run already set .venv up


@pytest.mark.skipif(sys.platform != "linux", reason="elsewhere the desktop is always there")
def test_run_without_a_display_says_what_is_missing_instead_of_qts_abort():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([str(ROOT / "scripts" / "run")], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("bpviz: no display to open the window on")
    assert "bpviz train, trace, gradcheck" in lines[0] and "Aborted" not in result.stderr
