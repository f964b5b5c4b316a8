"""The training form: presets fill it, every field is checked inline, impossible
combinations are explained, and "auto" evaluation resolves to a cadence."""

from __future__ import annotations

import pytest

from bpviz.gui.training.form import TrainForm
from bpviz.presets import get_preset


@pytest.fixture
def form(qtbot):
    form = TrainForm()
    qtbot.addWidget(form)
    form.show()
    return form


def _shown_errors(form):
    return {name: label.text() for name, label in form.error_labels.items() if label.isVisible()}


def test_the_tutorial_preset_gives_the_tutorials_recipe(form):
    recipe = form.recipe()
    tutorial = get_preset("tutorial")
    assert (recipe.layers, recipe.lr, recipe.iterations, recipe.batch_size, recipe.digits) == \
        (tutorial.layers, tutorial.lr, tutorial.iterations, None, (5, 8))
    assert recipe.eval_every == 50  # auto: about 20 evaluations in 1000 updates
    assert form.hidden.text() == "196" and form.batch.currentText() == "full"
    assert "1,000 updates on 11,272 images" in form.summary.text()


def test_choosing_a_preset_fills_every_field(form):
    form.preset.setCurrentText("mnist10")
    assert form.all_digits.isChecked() and not form.first.isEnabled()
    assert (form.hidden.text(), form.optimizer.currentText(), form.dtype.currentText()) == ("256", "adam", "float32")
    assert form.length_unit.currentText() == "epochs" and form.length.value() == 10
    assert form.recipe().layers == (256, 10) and form.recipe().loss == "cross_entropy"
    form.preset.setCurrentText("tutorial-bigger")
    assert form.hidden.text() == "392,196,98"
    assert form.recipe().layers == (392, 196, 98, 1)


def test_all_ten_digits_gives_a_softmax_output_and_a_pair_a_sigmoid(form):
    form.all_digits.setChecked(True)
    assert form.recipe().layers[-1] == 10 and form.recipe().output_activation == "softmax"
    form.all_digits.setChecked(False)
    form.first.setValue(3)
    form.second.setValue(7)
    assert form.recipe().digits == (3, 7) and form.recipe().output_activation == "sigmoid"


@pytest.mark.parametrize("field, text, expected", [
    ("hidden", "196,abc", "hidden layers: expected whole numbers"),
    ("hidden", "", "hidden layers: expected at least one layer"),
    ("hidden", "0", "hidden layers: expected 1 to 4096 units per layer"),
    ("hidden", "100000", "hidden layers: expected 1 to 4096 units per layer"),
    ("hidden", "4096,4096,4096,4096", "layers: 784-4096-4096-4096-4096-1 has 53,547,008 weights; expected at most"),
    ("lr", "fast", "learning rate: expected a positive number such as 0.1"),
    ("lr", "0", "learning rate: expected a finite number greater than 0"),
    ("lr", "-1", "learning rate: expected a finite number greater than 0"),
    ("lr", "nan", "learning rate: expected a finite number greater than 0"),
    ("batch", "0", "batch size: expected a whole number from 1 to 10,000,000 or 'full', got 0"),
    ("batch", "ten", "batch size: expected a whole number"),
    ("train_size", "-5", "training images: expected a whole number from 1 to 10,000,000 or 'all', got -5"),
])
def test_a_bad_field_is_explained_next_to_it_and_start_is_refused(form, field, text, expected):
    widget = {"hidden": form.hidden, "lr": form.lr}.get(field)
    if widget is not None:
        widget.setText(text)
    else:
        getattr(form, field).setEditText(text)
    assert form.recipe() is None
    errors = _shown_errors(form)
    assert list(errors) == [field]
    assert errors[field].startswith(expected)
    assert "border" in (widget or getattr(form, field)).styleSheet()


def test_the_same_digit_twice_is_explained_at_the_digits(form):
    form.second.setValue(5)
    assert form.recipe() is None
    assert _shown_errors(form) == {"digits": "digits: expected two different digits, got 5 twice"}
    form.second.setValue(6)
    assert form.recipe() is not None and _shown_errors(form) == {}
    assert form.error_labels["digits"].isHidden()


def test_impossible_combinations_are_explained(form):
    form.train_size.setEditText("20000")
    assert _shown_errors(form)["train_size"] == (
        "training images: MNIST has 11,272 training images of 5 and 8; expected at most that, or 'all'")
    form.train_size.setEditText("100")
    form.batch.setEditText("256")
    assert _shown_errors(form)["batch"].startswith("batch size: 256 is more than the 100 training images")
    form.batch.setEditText("full")
    form.length.setValue(10)
    form.eval_every.setValue(50)
    assert _shown_errors(form)["eval_every"].startswith("evaluate every: the run makes only 10 updates")
    form.eval_every.setValue(0)
    assert form.recipe() is not None and form.recipe().train_size == 100


def test_epochs_with_mini_batches_count_their_updates(form):
    form.preset.setCurrentText("fast")
    form.train_size.setEditText("1000")
    assert form.iterations_total == 8 * 16  # 8 epochs of ceil(1000 / 64) batches
    form.length_unit.setCurrentText("iterations")
    form.length.setValue(30)
    assert form.recipe().iterations == 30 and form.recipe().epochs is None


def test_a_recipe_of_another_loss_is_shown_in_the_loss_field(form):
    """A model trained with --loss mse: its recipe fits the form, the Loss field shows it."""
    from bpviz.page_limits import check_training_form

    recipe = get_preset("fast").replace(loss="mse", train_size=500)
    check_training_form(recipe)
    form.set_recipe(recipe)
    assert form.loss.currentText() == "mse" and form.recipe().loss == "mse"


@pytest.mark.parametrize("digits, loss, expected", [
    ((5, 8), "cross_entropy", ("loss: expected bce", "mse", "for two digits (a sigmoid output), as the training "
                                                              "page takes, got 'cross_entropy'")),
    (None, "bce", ("loss: expected cross_entropy", "mse", "for all ten digits (a softmax output), as the training "
                                                          "page takes, got 'bce'")),
])
def test_a_loss_the_task_cannot_take_is_refused_by_name(digits, loss, expected):
    from bpviz.errors import ConfigError
    from bpviz.page_limits import check_training_form

    recipe = get_preset("mnist10" if digits is None else "tutorial").replace(loss=loss)
    with pytest.raises(ConfigError) as caught:
        check_training_form(recipe)
    message = str(caught.value)
    assert message.startswith(expected[0]) and expected[1] in message and message.endswith(expected[2]), message


def test_the_output_field_gives_ten_sigmoids_and_a_softmax_on_two_digits_is_refused_there(form):
    """Nielsen's network from the form's own widgets: all ten digits, the Output field set to
    sigmoid; the Loss field then offers bce (not cross_entropy) for the ten sigmoids."""
    form.all_digits.setChecked(True)
    assert form.output.currentText() == "softmax"  # the output follows the digits
    form.output.setCurrentText("sigmoid")
    recipe = form.recipe()
    assert recipe.layers[-1] == 10 and recipe.output_activation == "sigmoid" and recipe.output == "sigmoid"
    assert [form.loss.itemText(i) for i in range(form.loss.count())] == ["bce", "mse", "quadratic"]
    assert recipe.loss == "bce" and recipe.network().activations == ["sigmoid", "sigmoid"]
    form.all_digits.setChecked(False)  # two digits: back to the task's own sigmoid
    assert form.output.currentText() == "sigmoid" and form.recipe().output is None
    form.output.setCurrentText("softmax")
    assert form.recipe() is None
    assert form.general_error.isVisible() and form.general_error.text().startswith(
        "output: a softmax output needs at least 2 units")
    assert "border" in form.output.styleSheet()
    form.output.setCurrentText("sigmoid")
    assert form.recipe() is not None and not form.general_error.isVisible()


def test_the_nielsen_preset_fills_the_form_with_its_recipe(form):
    form.preset.setCurrentText("nielsen")
    assert form.output.currentText() == "sigmoid" and form.loss.currentText() == "quadratic"
    assert (form.hidden.text(), form.lr.text(), form.batch.currentText()) == ("30", "3", "10")
    assert form.train_size.currentText() == "50000" and form.all_digits.isChecked()
    recipe = form.recipe()
    nielsen = get_preset("nielsen")
    assert recipe.replace(eval_every=0) == nielsen
    assert form.iterations_total == 150_000
