"""Smoke test of scripts/run: it reuses the set-up .venv and passes arguments to bpviz."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bpviz import __version__

ROOT = Path(__file__).resolve().parents[2]


def test_run_passes_arguments_to_bpviz_without_reinstalling():
    result = subprocess.run([str(ROOT / "scripts" / "run"), "--version"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"bpviz {__version__}"
    assert "installing" not in result.stderr  # the test run already set .venv up
