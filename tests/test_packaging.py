"""An installed wheel carries the embedded MNIST and finds it, like a checkout does."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from bpviz.data.mnist import FILE_NAMES
from bpviz.resources import resources_dir

ROOT = Path(__file__).resolve().parents[1]


def test_a_checkout_finds_resources_beside_the_package():
    assert resources_dir() == ROOT / "resources"


def test_the_wheel_contains_mnist_and_loads_it_when_installed(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("bpviz-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name in FILE_NAMES.values():
            assert f"bpviz/_resources/mnist/{name}.gz" in names
        assert "bpviz/_resources/mnist/README.md" in names
        site = tmp_path / "site"
        archive.extractall(site)
    code = (
        "import bpviz.resources as r, bpviz.data.mnist as m;"
        "d = m.load_mnist(); print(r.resources_dir()); print(len(d.train_images), len(d.test_images))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    where, counts = run.stdout.strip().splitlines()
    assert Path(where) == site / "bpviz" / "_resources"
    assert counts == "60000 10000"
