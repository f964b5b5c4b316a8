"""The quadratic loss, C = ½ Σ_k (a_k - y_k)², in both forms: the step page's Loss field
(values: a linear output, like mse) and the training page's (on the task's output). These
tests need the library's loss "quadratic" (bpviz.nn.losses.LOSSES)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt

from bpviz.nn.gradcheck import check_gradients
from bpviz.nn.losses import LOSSES
from tests.gui.tour.helpers import choose, shown_window, training_page
from tests.gui.userpath import choose_file, click_menu


def _losses(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_the_library_has_the_quadratic_loss():
    assert "quadratic" in LOSSES


def test_the_step_form_offers_quadratic_beside_mse_with_a_linear_output(qtbot, main_window):
    """On the two-outputs preset, row 1 (every weight 0.1, outputs 0.32 for targets 4 and 1):
    C = ½[(0.32 - 4)² + (0.32 - 1)²] = 7.0024 and da_k = a_k - y_k."""
    page = main_window.step_page
    assert _losses(page.controls.loss) == ["mse", "quadratic", "bce", "cross_entropy"]
    choose(qtbot, page.controls.preset, "two-outputs")
    choose(qtbot, page.controls.loss, "quadratic")
    assert page.controls.error.text() == ""
    session = page.session
    assert session.recipe.loss == "quadratic" and session.net.activations == ["linear", "linear"]
    values = {s.symbol.text: float(s.value) for s in page.controller.steps}
    assert values["J"] == pytest.approx(0.5 * ((0.32 - 4) ** 2 + (0.32 - 1) ** 2))
    assert values["da[2]_1"] == pytest.approx(0.32 - 4) and values["da[2]_2"] == pytest.approx(0.32 - 1)
    checks = check_gradients(session.net, session.x().reshape(-1, 1), session.y().reshape(-1, 1))
    assert checks and all(check.passes(1e-6) for check in checks)
    assert {page.debug.table.item(r, 4).text() for r in range(page.debug.table.rowCount())} == {"✓"}


def test_a_lesson_with_the_quadratic_loss_opens_with_it(qtbot, make_main_window, tmp_path, monkeypatch):
    home = shown_window(qtbot, make_main_window)
    choose(qtbot, home.step_page.controls.preset, "two-outputs")
    choose(qtbot, home.step_page.controls.loss, "quadratic")
    path = tmp_path / "quadratic.json"
    choose_file(monkeypatch, path, save=True)
    click_menu(qtbot, home, "File", "Save lesson…")
    assert json.loads(path.read_text())["step"]["recipe"]["loss"] == "quadratic"
    home.close()
    school = shown_window(qtbot, make_main_window)
    choose_file(monkeypatch, path, save=False)
    click_menu(qtbot, school, "File", "Open lesson…")
    assert school.step_page.session.recipe.loss == "quadratic"
    assert school.step_page.controls.loss.currentText() == "quadratic"


def test_the_training_form_offers_quadratic_for_two_digits_and_for_all_ten(qtbot, main_window):
    form = training_page(qtbot, main_window).form
    choose(qtbot, form.preset, "tutorial")
    assert _losses(form.loss) == ["bce", "mse", "quadratic"]
    choose(qtbot, form.loss, "quadratic")
    recipe = form.recipe()
    assert (recipe.loss, recipe.output_activation) == ("quadratic", "sigmoid")
    qtbot.mouseClick(form.all_digits, Qt.MouseButton.LeftButton, pos=QPoint(6, form.all_digits.height() // 2))
    assert _losses(form.loss) == ["cross_entropy", "mse", "quadratic"]
    recipe = form.recipe()  # all ten: the quadratic loss stays, on a softmax of ten
    assert (recipe.loss, recipe.layers[-1], recipe.output_activation) == ("quadratic", 10, "softmax")
