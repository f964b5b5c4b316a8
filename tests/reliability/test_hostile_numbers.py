"""Hostile numbers (issue 18, kind 4): every number the command line and the forms take goes
through one parser (bpviz.numbers) that reads ASCII digits only, checks the range the core
allows (nn.train's LIMITS and MAX_SEED) and describes a 5,000-digit input instead of
echoing it. The CLI prints one line naming the flag and exits 2; a form shows the message
under the field, Start stays off and nothing the page had is lost."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from bpviz.cli import main
from bpviz.nn.train import LIMITS, MAX_SEED
from bpviz.numbers import NumberError, positive, shown, unit_counts, whole
from tests.gui.userpath import press, type_into

HUGE = "9" * 5000
TINY = "0." + "0" * 5000 + "1"
#: Not whole numbers, or far out of any range: refused by every whole-number flag.
NOT_WHOLE = ["²", "٣", "①", "１２", "1.5", "1e3", "0x10", "nan", "inf", "", " ", "ten", "2**40",
             "-1", "0", str(10**100), HUGE, "-" + HUGE, "1 2", "+", "1__0", "\u200b1"]
#: Not positive finite numbers: refused by --lr, --threshold and the learning-rate fields.
NOT_POSITIVE = ["０.１", "１.５", "²", "nan", "-nan", "inf", "-inf", "Infinity", "1e400", "-1e400", "0",
                "-0.1", "1e-400", "", "fast", "0.1.2", "1e", HUGE, TINY, "1,5", "0x1p-3"]


def _cli(*argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse refuses a flag by exiting 2
        code = exc.code
    return code, ""


def _refused(capsys, argv, flag: str) -> str:
    code, _ = _cli(*argv)
    err = capsys.readouterr().err
    assert code == 2, f"{argv[:6]} gave exit {code}: {err[:300]}"
    lines = err.strip().splitlines()
    assert len(lines) == 1, err[:500]
    line = lines[0]
    assert flag in line and "expected" in line, line
    assert "Traceback" not in err and len(line) < 300, line[:400]  # a long input is described, not echoed
    return line


WHOLE_FLAGS = [("train", "--iterations", LIMITS["iterations"]), ("train", "--epochs", LIMITS["epochs"]),
               ("train", "--batch-size", LIMITS["batch_size"]), ("train", "--train-size", LIMITS["batch_size"]),
               ("train", "--eval-every", LIMITS["iterations"]), ("train", "--log-every", LIMITS["iterations"]),
               ("train", "--seed", MAX_SEED), ("gradcheck", "--seed", MAX_SEED),
               ("gradcheck", "--examples", LIMITS["batch_size"]), ("gradcheck", "--elements", LIMITS["batch_size"])]


@pytest.mark.parametrize("command, flag, high", WHOLE_FLAGS, ids=lambda v: str(v))
def test_every_whole_number_flag_refuses_what_is_not_one_in_its_range(capsys, command, flag, high):
    for value in [*NOT_WHOLE, str(high + 1), str(2**40)]:
        if value in ("0", "-1") and flag == "--seed":
            continue  # seeds start at 0; -1 is tested below
        line = _refused(capsys, [command, f"{flag}={value}"], flag)
        assert f"from {0 if flag == '--seed' else 1} to {high:,}" in line, line
    assert "got -1" in _refused(capsys, ["train", "--seed", "-1"], "--seed")
    assert "a number of 5,000 digits" in _refused(capsys, [command, flag, HUGE], flag)


def test_the_message_names_the_flag_and_the_range_as_the_issue_asks(capsys):
    line = _refused(capsys, ["train", "--iterations", str(10**100)], "--iterations")
    assert line == ("bpviz train: error: argument --iterations: expected a whole number from 1 to "
                    "10,000,000, got a number of 101 digits")
    line = _refused(capsys, ["train", "--seed", str(2**40)], "--seed")
    assert line.endswith("expected a whole number from 0 to 2,147,483,647, got 1099511627776")
    assert _refused(capsys, ["train", "--iterations", "²"], "--iterations").endswith("got '²'")


@pytest.mark.parametrize("command, flag", [("train", "--lr"), ("gradcheck", "--threshold")])
def test_the_decimal_flags_refuse_unicode_digits_nan_inf_and_numbers_too_large_to_hold(capsys, command, flag):
    for value in NOT_POSITIVE:
        _refused(capsys, [command, f"{flag}={value}"], flag)
    assert "too large to hold" in _refused(capsys, [command, f"{flag}=1e400"], flag)
    assert "too small to hold" in _refused(capsys, [command, f"{flag}={TINY}"], flag)


@pytest.mark.parametrize("argv, flag", [
    (["train", "--digits", "²", "3"], "--digits"), (["train", "--digits", "5", "٣"], "--digits"),
    (["train", "--digits", HUGE, "3"], "--digits"), (["train", "--digits", "-1", "3"], "--digits"),
    (["train", "--digits", "1", "2", "3"], "--digits"),
    (["train", "--hidden", "²"], "--hidden"), (["train", "--hidden", "196,١"], "--hidden"),
    (["train", "--hidden", HUGE], "--hidden"), (["train", "--hidden", ",".join(["8"] * 5000)], "--hidden"),
    (["gradcheck", "--layers", "3,①"], "--layers"), (["train", "--layers", f"{HUGE},1"], "--layers"),
    (["train", "--init", "constant:nan"], "--init"), (["train", "--init", "constant:1e400"], "--init"),
    (["train", "--init", "constant:１"], "--init"), (["train", "--init", "constant:"], "--init"),
    (["train", "--init", "x" * 5000], "--init"),
    (["trace", "--row", "²"], "--row"), (["trace", "--row", HUGE], "--row"), (["trace", "--row", str(2**40)], "--row"),
    (["trace", "--row", "0"], "--row"), (["gradcheck", "--row", "-3"], "--row"),
    (["trace", "--sample", HUGE], "--sample"),
])
def test_lists_digits_inits_and_rows_are_refused_in_one_line(capsys, argv, flag):
    _refused(capsys, argv, flag)


def test_a_real_process_refuses_a_5000_digit_seed_in_one_short_line():
    result = subprocess.run([sys.executable, "-m", "bpviz", "train", "--seed", HUGE],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "bpviz train: error: argument --seed: expected a whole number from 0 to 2,147,483,647, "
        "got a number of 5,000 digits"]


def test_the_shared_parser_reads_ascii_digits_only_and_says_why():
    assert whole(" 1_000 ", "n", 1, 10**4) == 1000
    assert whole("11,272", "n", 1, 10**5, grouping=True) == 11272
    assert whole("FULL", "n", 1, 10, words=("full",)) == "full"
    assert positive(".5e-3", "lr") == 0.0005
    assert unit_counts("392, 196 98", "h", 4096, 11, "1") == (392, 196, 98)
    for text in ("²", "٣", "①", "１"):
        assert text.isdigit()  # what str.isdigit lets through
        with pytest.raises(NumberError, match="expected a whole number from 1 to 9"):
            whole(text, "n", 1, 9)
        with pytest.raises(NumberError, match="expected a positive number"):
            positive(text, "lr")
    with pytest.raises(NumberError) as caught:
        whole("1,27", "n", 1, 10**5, grouping=True)  # a comma that groups no thousands
    assert caught.value.field == "n" and caught.value.detail.startswith("expected")
    assert shown(HUGE) == "a number of 5,000 digits" and shown("x" * 100).startswith("a text of 100 characters")
    assert shown("a\nb") == "'a\\nb'"  # a control character cannot break the message's one line


# --- the forms, typed into as a person does ---------------------------------------------------

def _enter(qtbot, window, widget, text: str) -> None:
    """Type ``text`` over what the field holds and press Return, as a person does; text a
    keyboard does not type (Unicode digits, 5,000 characters) is pasted with Ctrl+V."""
    editor = widget.lineEdit() if hasattr(widget, "lineEdit") and widget.lineEdit() else widget
    if not text:
        widget.setFocus()
        editor.selectAll()
        press(qtbot, window, "Delete", editor)
    elif text.isascii() and len(text) <= 40:
        type_into(qtbot, widget, text)
    else:
        QApplication.clipboard().setText(text)
        widget.setFocus()
        editor.selectAll()
        press(qtbot, window, QKeySequence(QKeySequence.StandardKey.Paste).toString(), editor)
        assert editor.text() == text
    press(qtbot, window, "Return", editor)


TRAIN_FIELDS = {"hidden": ("196", ["²", "196,٣", "1e9", HUGE, ",".join(["8"] * 300), "0"]),
                "lr": ("0.1", ["１.５", "²", "nan", "inf", "1e400", HUGE, TINY, "-1"]),
                "batch": ("full", ["²", "①", "0", str(10**100), HUGE, "1.5", "fulll"]),
                "train_size": ("all", ["٣", "-5", "1e3", str(2**40), HUGE, "1,27"])}


def test_the_training_form_explains_hostile_numbers_under_the_field_and_start_stays_off(qtbot, main_window):
    page = main_window.train_page
    press(qtbot, main_window, "Ctrl+2")
    form = page.form
    good = form.recipe()
    assert good is not None and page.start_button.isEnabled()
    for name, (fine, values) in TRAIN_FIELDS.items():
        widget = form.fields[name][0]
        for value in values:
            _enter(qtbot, main_window, widget, value)
            label = form.error_labels[name]
            assert label.isVisible() and "expected" in label.text(), (name, value, label.text())
            assert len(label.text()) < 160, label.text()  # described, not echoed: it fits under the field
            assert form.recipe() is None and not page.start_button.isEnabled(), (name, value)
        _enter(qtbot, main_window, widget, fine)
        assert not form.error_labels[name].isVisible()
        assert form.recipe() == good and page.start_button.isEnabled()


def test_the_step_form_explains_hostile_numbers_and_keeps_its_network(qtbot, main_window):
    page = main_window.step_page
    controls = page.controls
    before = page.session.recipe
    for field, values in (("hidden", ["²", "2,①", HUGE, "0", ",".join(["2"] * 400)]),
                          ("lr", ["１.５", "nan", "-inf", "1e400", HUGE, TINY, "²"])):
        widget = getattr(controls, field)
        for value in values:
            _enter(qtbot, main_window, widget, value)
            text = controls.error.text()
            assert controls.error.isVisible() and "expected" in text, (field, value, text)
            assert ("Hidden layers" if field == "hidden" else "Learning rate") in text
            assert len(text) < 200 and "border" in widget.styleSheet()
            assert page.session.recipe == before  # the page keeps its network
        _enter(qtbot, main_window, widget, {"hidden": ",".join(map(str, before.layers[:-1])), "lr": f"{before.lr:g}"}[field])
        assert not controls.error.isVisible()
