"""Shared test setup: Qt offscreen (on a desktop and a projector screen) when there is
no display, cache, config and data folders of the session's own (never the user's), and
the --runslow and --runbundle switches."""

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
#: Where Qt's standard locations point (QStandardPaths, QSettings: the settings, the recent
#: lessons, crash.log) in this process and every one the tests start: the session's own
#: folders, so that no test, nor an app a test starts, writes to the user's home.
SESSION_HOME = tempfile.mkdtemp(prefix="bpviz-test-home-")
for variable, folder in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state")):
    os.environ[variable] = os.path.join(SESSION_HOME, folder)


def pytest_unconfigure(config):
    shutil.rmtree(SESSION_CACHE, ignore_errors=True)
    shutil.rmtree(SESSION_HOME, ignore_errors=True)


#: Markers whose tests run only when asked: (marker, option, why).
OPT_IN = (("slow", "--runslow", "slow: run with --runslow"),
          ("bundle", "--runbundle", "builds the standalone app (minutes): run with --runbundle"))


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", help="also run tests marked slow")
    parser.addoption("--runbundle", action="store_true",
                     help="also run tests marked bundle (build the standalone app with PyInstaller)")


def pytest_collection_modifyitems(config, items):
    for marker, option, why in OPT_IN:
        if config.getoption(option):
            continue
        skip = pytest.mark.skip(reason=why)
        for item in items:
            if marker in item.keywords:
                item.add_marker(skip)
