"""A step as a screen reader says it: the notation read aloud, tested on whole passes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from bpviz.nn.network import Network
from bpviz.nn.notation import result
from bpviz.nn.spoken import digit_words, sentence, speak, spoken_number
from bpviz.nn.trace import trace
from bpviz.presets import TOY_PRESETS, get_preset

#: What the notation writes and a listener must never hear as characters.
RAW = re.compile(r"[\[\]_·∂σΣ^²½α←()]|\b(?:da|dz|dw|db)\b|[azwb]\[")


def _pass(name: str, **changes):
    recipe = get_preset(name).replace(**changes) if changes else get_preset(name)
    data = recipe.data()
    return trace(recipe.network(), data.X[:, 0], data.Y[:, 0], recipe.lr)


def test_the_issues_sentence_is_step_14_of_the_notebooks_pass():
    steps = _pass("notebook-regression")  # 2-2-1, every weight 0.1, linear, mse: the app's first page
    assert sentence(steps[13], len(steps)) == (
        "Backward pass, step 14 of 32: d a one of layer one equals w one one of layer two times d z one "
        "of layer two, that is 0.1 times minus 7.36, equals minus 0.736")


def test_every_step_of_the_notebooks_pass_is_said_in_words_with_its_result():
    steps = _pass("notebook-regression")
    heads = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass", "update": "Update"}
    for step in steps:
        said = sentence(step, len(steps))
        assert said.startswith(f"{heads[step.phase]}, step {step.number} of 32: "), said
        assert not RAW.search(said.split(": ", 1)[1]), said
        assert spoken_number(result(step.value).text) in said, said  # the result is heard
        assert " of layer " in said or step.phase == "loss", said
        hidden = sentence(step, len(steps), hidden=True)
        assert hidden.endswith("equals what?"), hidden  # quiz mode keeps the result back
    update = sentence(steps[23], 32)
    assert update.startswith("Update, step 24 of 32: w one one of layer one becomes w one one of layer one minus "
                             "alpha times d w one one of layer one, that is 0.1 minus 0.001 times minus 5.888")


@pytest.mark.parametrize("changes", [{}, {"activation": "tanh"}, {"activation": "relu"},
                                     {"activation": "sigmoid", "loss": "quadratic"}])
def test_every_toy_preset_and_activation_reads_without_a_sign_of_the_notation(changes):
    for name in TOY_PRESETS:
        steps = _pass(name, **changes)
        for step in steps:
            said = sentence(step, len(steps))
            assert not RAW.search(said.split(": ", 1)[1]), said


def test_a_softmax_layer_reads_as_words_too():
    net = Network([2, 2, 3], ["sigmoid", "softmax"], "cross_entropy", init="constant:0.1", seed=None)
    steps = trace(net, np.array([1.0, 2.0]), np.array([0.0, 1.0, 0.0]), 0.1)
    for step in steps:
        assert not RAW.search(sentence(step, len(steps)).split(": ", 1)[1]), step.text()
    a = next(s for s in steps if s.quantity == ("a", 2, 1))
    assert "e to the z one of layer two over the sum over k of e to the z k of layer two" in sentence(a, len(steps))


def test_symbols_numbers_and_brackets_are_said_as_a_reader_would():
    assert speak("w[2]_11·dz[2]_1") == "w one one of layer two times d z one of layer two"
    assert speak("0.1·(-7.36)") == "0.1 times minus 7.36"
    assert speak("2(a[2]_1 - y_1)") == "2 times open bracket a one of layer two minus y one close bracket"
    assert speak("σ(z[1]_1)") == "sigma of z one of layer one"
    assert speak("∂a[2]_1/∂z[2]_1") == "partial a one of layer two over partial z one of layer two"
    assert spoken_number("1.2e-05") == "1.2 times 10 to the minus 5"
    assert digit_words("10,2") == "ten two" and digit_words("12") == "one two"


def test_a_negative_number_squared_keeps_its_brackets_aloud():
    # tanh's derivative on two-layer's row 1: dz[1]_2 = da[1]_2·(1 - (-1)²), a[1]_2 being -1.
    steps = _pass("two-layer", activation="tanh")
    step = next(s for s in steps if s.symbol.text == "dz[1]_2")
    assert "(1 - (-1)²)" in step.numbers.text
    said = sentence(step, len(steps))
    assert "open bracket 1 minus open bracket minus 1 close bracket squared close bracket" in said, said
    assert "minus minus" not in said
