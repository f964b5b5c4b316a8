"""The reliability suite drives the real window: the GUI tests' fixtures apply here too
(private settings, the light theme, ``main_window``)."""

from tests.gui.conftest import garbage_between_events, main_window, make_main_window, private_settings  # noqa: F401
