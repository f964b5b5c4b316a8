"""Shared test setup: Qt offscreen (on a desktop and a projector screen) when there is
no display, and the --runslow switch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Without a display, Qt draws offscreen on two screens: a 1920×1080 desktop (the first)
#: and a 1280×800 classroom projector beside it (see tests/gui/conftest.py: on_screen).
SCREENS = Path(__file__).with_name("screens.json")
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREENS}"


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
