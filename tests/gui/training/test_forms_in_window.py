"""Both forms in the real window at 1280×800, typed into as a person does (issue 16): every
field shows whole, an error moves no field, and the training form explains every wrong
field at once, each under its own field."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QFormLayout

from tests.gui.userpath import press, type_into


def _training_fields(page) -> dict:
    form = page.form
    named = {"preset": form.preset, "first": form.first, "second": form.second,
             "all_digits": form.all_digits, "length_unit": form.length_unit}
    named.update({name: widgets[0] for name, widgets in form.fields.items()})
    return named


def _step_fields(page) -> dict:
    c = page.controls
    return {name: getattr(c, name) for name in ("preset", "hidden", "activation", "loss", "lr", "init",
                                                 "seed", "sample", "csv_button", "epochs", "run_button")}


def _geometry(fields: dict, window) -> dict:
    """Where each field is in the window, once the layouts have done what they were asked."""
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()
    return {name: QRect(w.mapTo(window, QPoint(0, 0)), w.size()) for name, w in fields.items()}


def _assert_all_whole(fields: dict, window) -> None:
    _geometry(fields, window)  # settled
    for name, widget in fields.items():
        assert widget.isVisible(), f"{name} is hidden"
        assert widget.visibleRegion().boundingRect() == widget.rect(), f"{name} is cut off"
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        assert window.rect().contains(rect), f"{name} at {rect} is outside the window {window.rect()}"


def _moved(before: dict, after: dict) -> dict:
    return {name: (before[name], after[name]) for name in before if before[name] != after[name]}


def _type(qtbot, window, field, text: str) -> None:
    type_into(qtbot, field, text)
    press(qtbot, window, "Return", field.lineEdit() if hasattr(field, "lineEdit") and field.lineEdit() else field)


def test_every_field_of_both_forms_shows_whole_at_1280_by_800(qtbot, main_window):
    window = main_window
    _assert_all_whole(_step_fields(window.step_page), window)
    press(qtbot, window, "Ctrl+2")
    _assert_all_whole(_training_fields(window.train_page), window)
    page = window.train_page
    for button in (page.start_button, page.pause_button, page.stop_button):
        _assert_all_whole({button.text(): button}, window)


def test_an_error_in_the_training_form_moves_no_field(qtbot, main_window):
    window = main_window
    press(qtbot, window, "Ctrl+2")
    page = window.train_page
    fields = _training_fields(page)
    before = _geometry(fields, window)
    _type(qtbot, window, page.form.hidden, "196,abc")
    assert page.form.error_labels["hidden"].isVisible()
    assert page.form.error_labels["hidden"].text().startswith("hidden layers: expected whole numbers")
    assert _moved(before, _geometry(fields, window)) == {}
    _type(qtbot, window, page.form.hidden, "196")  # and clearing it moves nothing either
    assert not page.form.error_labels["hidden"].isVisible()
    assert _moved(before, _geometry(fields, window)) == {}
    page.form.preset.setCurrentText("fast")  # a preset with a shorter description
    assert _moved(before, _geometry(fields, window)) == {}


def test_every_wrong_field_is_explained_at_once_under_its_own_field(qtbot, main_window):
    window = main_window
    press(qtbot, window, "Ctrl+2")
    page, form = window.train_page, window.train_page.form
    before = _geometry(_training_fields(page), window)
    _type(qtbot, window, form.hidden, "196,abc")
    _type(qtbot, window, form.train_size, "20000")  # more than MNIST has: a combination
    _type(qtbot, window, form.lr, "fast")
    shown = {name: label.text() for name, label in form.error_labels.items() if label.isVisible()}
    assert set(shown) == {"hidden", "train_size", "lr"}
    assert shown["train_size"].startswith("training images: MNIST has 11,272 training images of 5 and 8")
    assert shown["lr"].startswith("learning rate: expected a positive number")
    for name, widget in (("hidden", form.hidden), ("train_size", form.train_size), ("lr", form.lr)):
        assert "border" in widget.styleSheet(), f"{name} has no red border"
        label = form.error_labels[name]
        field_bottom = widget.mapTo(form, QPoint(0, widget.height())).y()
        assert 0 <= label.mapTo(form, QPoint(0, 0)).y() - field_bottom <= 8, f"{name}'s message is not under it"
    assert not page.start_button.isEnabled()
    assert _moved(before, _geometry(_training_fields(page), window)) == {}
    _type(qtbot, window, form.hidden, "196")  # fixing one clears only its message
    shown = {name for name, label in form.error_labels.items() if label.isVisible()}
    assert shown == {"train_size", "lr"} and form.hidden.styleSheet() == ""
    assert "border" in form.train_size.styleSheet() and not page.start_button.isEnabled()
    _type(qtbot, window, form.lr, "0.1")
    _type(qtbot, window, form.train_size, "500")
    assert form.recipe() is not None and page.start_button.isEnabled()
    assert not any(label.isVisible() for label in form.error_labels.values())


def test_an_error_in_the_step_form_moves_no_field(qtbot, main_window):
    window = main_window
    controls = window.step_page.controls
    fields = _step_fields(window.step_page)
    before = _geometry(fields, window)
    _type(qtbot, window, controls.hidden, "2,abc")
    assert controls.error.isVisible() and "Hidden layers" in controls.error.text()
    assert "border" in controls.hidden.styleSheet()
    assert _moved(before, _geometry(fields, window)) == {}
    _type(qtbot, window, controls.hidden, "2")
    _type(qtbot, window, controls.lr, "fast")
    assert "Learning rate" in controls.error.text() and "border" in controls.lr.styleSheet()
    assert _moved(before, _geometry(fields, window)) == {}


def test_the_step_forms_row_field_is_called_row_and_counts_from_1(qtbot, main_window):
    controls = main_window.step_page.controls
    form = next(layout for layout in controls.findChildren(QFormLayout))
    assert form.labelForField(controls.sample).text() == "Row"
    assert controls.sample.minimum() == 1
    _type(qtbot, main_window, controls.sample, "3")
    assert main_window.step_page.session.sample == 2  # the third row, counted from 0 inside
