"""The transport bar in a narrow window: the speed gives way, the buttons and the
position stay whole."""

from __future__ import annotations


def _whole(widget) -> bool:
    return widget.isVisible() and widget.width() >= max(widget.minimumSizeHint().width(), widget.minimumWidth())


def test_the_speed_gives_way_in_a_narrow_window_and_comes_back(qtbot, main_window):
    """At 1000 px the transport's slider and its title give way (they held the centre at 578
    px, the window at 1179); the buttons and "step 0 of 32" stay whole; + and - still set
    the speed; a wide window shows the slider again."""
    transport = main_window.step_page.transport
    main_window.resize(1000, 700)
    qtbot.waitUntil(lambda: main_window.width() == 1000)
    qtbot.waitUntil(lambda: not transport.speed.isVisible())
    assert transport.minimumSizeHint().width() < transport.full_width()
    assert all(_whole(b) for b in transport.buttons.values()) and _whole(transport.position)
    assert transport.position.text().startswith("ready")
    speed = main_window.step_page.controller.speed
    main_window.step_page.controller.set_speed(speed - 1)
    assert transport.speed.value() == speed - 1  # it follows while hidden
    main_window.resize(1600, 900)
    qtbot.waitUntil(lambda: transport.speed.isVisible() and transport.speed_title.isVisible())
    assert _whole(transport.speed) and _whole(transport.speed_label)
