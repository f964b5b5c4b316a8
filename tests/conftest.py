"""Shared test setup: Qt offscreen (on a desktop and a projector screen) when there is
no display, a cache folder of the session's own (never the user's), and the --runslow switch."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

#: Without a display, Qt draws offscreen on two screens: a 1920×1080 desktop (the first)
#: and a 1280×800 classroom projector beside it (see tests/gui/conftest.py: on_screen).
SCREENS = Path(__file__).with_name("screens.json")
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREENS}"

#: MNIST's cached arrays (bpviz.data.cache.CACHE_DIR_VARIABLE; nothing of bpviz is imported
#: before the tests ask) go to a folder of this session's, which every process the tests
#: start inherits, and which is removed at the end.
SESSION_CACHE = tempfile.mkdtemp(prefix="bpviz-test-cache-")
os.environ["BPVIZ_CACHE_DIR"] = SESSION_CACHE


def pytest_unconfigure(config):
    shutil.rmtree(SESSION_CACHE, ignore_errors=True)


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
