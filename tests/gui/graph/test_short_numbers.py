"""The graph's short numbers (four significant digits, 1.2e-4 below 0.001 and from
10,000) hold at the edges of their ranges, on values a person types into the graph."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox

from tests.gui.tour.helpers import choose, double_click_item, shown_window, window_back
from tests.gui.userpath import answer_dialog, ok_button, type_into


def _set_weight(qtbot, window, eid: str, text: str) -> None:
    page = window.step_page

    def fill(dialog):
        type_into(qtbot, dialog.findChild(QDoubleSpinBox), text)
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with answer_dialog(qtbot, fill):
        double_click_item(qtbot, page.graph, page.graph.edges[eid])
    window_back(qtbot, window)


def test_a_weight_that_rounds_to_ten_thousand_reads_in_four_digits(qtbot, make_main_window):
    """9999.96 has four significant digits only as 1.0e4: "9999.96" would be six."""
    window = shown_window(qtbot, make_main_window)
    page = window.step_page
    choose(qtbot, page.controls.preset, "notebook-regression")
    _set_weight(qtbot, window, "w1.1.1", "-9999.96")
    assert page.session.net.params["W1"][0, 0] == -9999.96
    latex = page.graph.edges["w1.1.1"].label_lines()[0][0]
    assert latex.endswith("= -1.0e4"), latex
