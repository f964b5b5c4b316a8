"""Smoke test of scripts/bench: it runs a case and writes the JSON table."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_lists_cases_and_writes_json(tmp_path):
    listing = subprocess.run([str(ROOT / "scripts" / "bench"), "--list"],
                             capture_output=True, text=True, timeout=300)
    assert listing.returncode == 0, listing.stderr
    assert "load" in listing.stdout
    out = tmp_path / "bench.json"
    run = subprocess.run([str(ROOT / "scripts" / "bench"), "--only", "load", "--repeat", "1",
                          "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "speed-up vs python-mnist" in run.stdout
    rows = json.loads(out.read_text())["cases"]["load"]["rows"]
    by_name = {row["name"]: row for row in rows}
    assert by_name["bpviz load_mnist"]["unit"] == "s"
    assert by_name["bpviz load_mnist"]["value"] > 0
    assert by_name["speed-up vs python-mnist"]["unit"] == "x"


def test_bench_refuses_an_unknown_case_by_name():
    run = subprocess.run([str(ROOT / "scripts" / "bench"), "--only", "nope"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2
    assert "--only" in run.stderr and "invalid choice: 'nope'" in run.stderr
