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
    for load in ("cold (no cache)", "first (writes the cache)", "warm (from the cache)"):
        assert by_name[f"bpviz load_mnist, {load}"]["unit"] == "s"
        assert by_name[f"bpviz load_mnist, {load}"]["value"] > 0
    assert by_name["python-mnist (reference)"]["value"] > 0
    assert by_name["bpviz load_mnist, warm (from the cache)"]["target"] == "<= 0.03 s"
    for ratio in ("speed-up vs python-mnist, cold", "speed-up vs python-mnist, warm", "warm vs cold"):
        assert by_name[ratio]["unit"] == "x" and by_name[ratio]["value"] > 0


def test_bench_refuses_an_unknown_case_by_name():
    run = subprocess.run([str(ROOT / "scripts" / "bench"), "--only", "nope"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2
    assert "--only" in run.stderr and "invalid choice: 'nope'" in run.stderr


def test_bench_input_latency_times_keys_idle_and_while_training(tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run([str(ROOT / "scripts" / "bench"), "--only", "input-latency", "--repeat", "1",
                          "--json", str(out)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    rows = {row["name"]: row for row in json.loads(out.read_text())["cases"]["input-latency"]["rows"]}
    for condition in ("idle", "training"):
        for key in ("→ step forward", "Space play/pause", "Ctrl+2 to the training page",
                    "Ctrl+1 to the step page"):
            for stat in ("p50", "p95", "worst"):
                row = rows[f"{condition}: {key}, {stat}"]
                assert row["unit"] == "ms"
                assert row["value"] > 0
                assert row["samples"] and all(s > 0 for s in row["samples"])
            # Targets are marked, not asserted: benchmarks, not tests, judge speed.
            assert rows[f"{condition}: {key}, p95"]["target"] == "<= 50 ms"
    updates = next(row for name, row in rows.items() if name.startswith("training: updates made"))
    assert "still running" in updates["name"] and updates["value"] > 0


def test_bench_times_the_nielsen_updates_against_a_plain_numpy_loop(tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run([str(ROOT / "scripts" / "bench"), "--only", "nielsen", "--repeat", "1",
                          "--json", str(out)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    rows = {row["name"]: row for row in json.loads(out.read_text())["cases"]["nielsen"]["rows"]}
    for name in ("bpviz train(), 15,000 updates of 10", "plain numpy loop, 15,000 updates of 10"):
        assert rows[name]["unit"] == "s" and len(rows[name]["samples"]) == 3 and rows[name]["value"] > 0
    ratio = rows["bpviz / plain numpy"]
    assert ratio["unit"] == "x" and ratio["value"] > 0 and ratio["target"] == "<= 1.3 x"


def test_bench_bundle_reports_size_and_start_times_or_says_no_bundle_was_built(tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run([str(ROOT / "scripts" / "bench"), "--only", "bundle", "--repeat", "1",
                          "--json", str(out)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    rows = {row["name"]: row for row in json.loads(out.read_text())["cases"]["bundle"]["rows"]}
    if not (ROOT / "dist" / "bpviz" / "bpviz").is_file():
        assert "no bundle at dist/bpviz/bpviz: build it with ./scripts/bundle" in run.stdout
        assert list(rows) == ["skipped: no bundle built (./scripts/bundle)"]
        return
    assert rows["size on disk"]["unit"] == "MB" and rows["size on disk"]["target"] == "<= 250 MB"
    for name in ("bundle: bpviz --version", "checkout: bpviz --version", "checkout: the same"):
        assert rows[name]["unit"] == "s" and rows[name]["value"] > 0
    assert rows["bundle / checkout, window"]["unit"] == "x"
