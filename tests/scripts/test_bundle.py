"""scripts/bundle (run with --runbundle: it builds the standalone app, about a minute): the
one-folder app starts without Python, opens a lesson from its command line, steps through
it, and trains the fast preset to the accuracy a checkout reaches; it stays under 250 MB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_MB = 250


@pytest.mark.bundle
def test_the_bundle_builds_opens_a_lesson_and_trains_like_a_checkout(tmp_path):
    figures = tmp_path / "bundle.json"
    build = subprocess.run([str(ROOT / "scripts" / "bundle"), "--json", str(figures)],
                           capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stderr[-4000:]
    assert "bpviz self-test: opened" in build.stdout and "to 'step 32 of 32'; 0 errors" in build.stdout
    numbers = json.loads(figures.read_text())
    assert numbers["size_mb"] < MAX_MB
    # The same run from the checkout: the bundle carries the same numpy and data.
    checkout = subprocess.run([sys.executable, "-m", "bpviz", "train", "--preset", "fast", "--quiet",
                               "--json", str(tmp_path / "fast.json")],
                              capture_output=True, text=True, timeout=600, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert checkout.returncode == 0, checkout.stderr
    expected = json.loads((tmp_path / "fast.json").read_text())["test_accuracy"]
    assert expected > 0.95
    assert abs(numbers["fast_test_accuracy"] - expected) <= 0.002
    print(f"bundle: {numbers}; a checkout's fast preset: {expected}")
