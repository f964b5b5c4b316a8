"""An installed wheel carries the embedded MNIST and finds it, like a checkout does; and
installed like an app, it puts its desktop entry, icons and lesson MIME type where the
freedesktop specifications look for them."""

from __future__ import annotations

import configparser
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bpviz import __version__
from bpviz.data.mnist import FILE_NAMES
from bpviz.resources import resources_dir

ROOT = Path(__file__).resolve().parents[1]
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from this checkout, as `pip wheel` builds it (once for the module)."""
    folder = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(folder), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    return next(folder.glob("bpviz-*.whl"))


def test_a_checkout_finds_resources_beside_the_package():
    assert resources_dir() == ROOT / "resources"


def test_the_wheel_contains_mnist_and_loads_it_when_installed(wheel, tmp_path):
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


def test_the_wheel_has_the_version_of_bpviz_version(wheel):
    assert wheel.name.startswith(f"bpviz-{__version__}-")
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"bpviz-{__version__}.dist-info/METADATA").decode()
    assert f"\nVersion: {__version__}\n" in metadata


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_installed_like_an_app_it_puts_entry_icons_and_mime_type_under_share(wheel, tmp_path):
    """pip (or pipx, or pip --user) installs the wheel's data files under the environment's
    prefix: share/applications/, share/icons/hicolor/ and share/mime/packages/ there are
    where desktops look (XDG_DATA_DIRS, or ~/.local/share for --user)."""
    prefix = tmp_path / "prefix"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--no-compile",
         "--disable-pip-version-check", "--prefix", str(prefix), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr
    share = prefix / "share"
    assert (prefix / "bin" / "bpviz").is_file()

    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(share / "applications" / "bpviz.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "bpviz"
    assert desktop["Exec"] == "bpviz %f"  # a double-clicked lesson is its argument
    assert desktop["Icon"] == "bpviz"
    assert desktop["MimeType"] == "application/x-bpviz-lesson;"

    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "bpviz.svg").read_bytes() == \
        (ROOT / "resources" / "icons" / "bpviz.svg").read_bytes()
    for size in ICON_SIZES:
        png = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "bpviz.png"
        assert _png_size(png) == (size, size)

    mime = (share / "mime" / "packages" / "bpviz.xml").read_text()
    assert 'type="application/x-bpviz-lesson"' in mime and '<glob pattern="*.bpviz"/>' in mime
    assert '<sub-class-of type="application/json"/>' in mime
