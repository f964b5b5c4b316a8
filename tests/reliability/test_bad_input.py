"""Bad input, table-driven, through the surfaces a person uses: the command line, the
app's forms, and the files the app and the CLI open.

Every row feeds one bad input and reads what the user is shown. The message must name
the field or the file and say what is expected; nothing may raise (pytest-qt fails a
test when a slot raises), and no traceback may reach the user.
"""

from __future__ import annotations

import gzip
import io
import json
import pickle
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from bpviz.cli import main
from bpviz.data.mnist import FILE_NAMES, embedded_mnist_dir
from bpviz.nn.network import Network
from bpviz.nn.serialize import save_model
from bpviz.presets import get_preset

#: Words that say what is expected (the house style leads with "expected").
EXPECTS = ("expected", "at most", "at least", "choose")


@dataclass(frozen=True)
class Bad:
    """One bad input: ``feed`` gives it to a surface and returns the message shown."""

    id: str
    feed: Callable
    names: tuple[str, ...]  # the field or the file the message must name


def assert_clear(message: str, names) -> None:
    assert message.strip(), "no message at all"
    for name in names:
        assert name.lower() in message.lower(), f"{name!r} not named in: {message}"
    assert any(word in message.lower() for word in EXPECTS), f"what is expected is not said: {message}"
    assert "Traceback" not in message and 'File "' not in message, message


# --- the command line ---------------------------------------------------------------------

def cli(*argv: str) -> Callable:
    def feed(env) -> str:
        try:
            code = main([*argv, "--quiet"] if argv[0] == "train" else list(argv))
        except SystemExit as exc:  # argparse refuses a flag by exiting 2
            code = exc.code
        err = env.capsys.readouterr().err
        assert code == 2, f"exit code {code}: {err}"
        return err
    return feed


CLI_ROWS = [
    Bad("layers 784,abc,1", cli("train", "--layers", "784,abc,1"), ("--layers", "784,abc,1")),
    Bad("layers 0", cli("train", "--layers", "0"), ("--layers",)),
    Bad("layers -3", cli("train", "--layers=-3"), ("--layers", "-3")),
    Bad("layers empty", cli("train", "--layers", ""), ("--layers",)),
    Bad("layers 1e9", cli("train", "--layers", "1e9"), ("--layers", "1e9")),
    Bad("layers a billion units", cli("train", "--layers", "1000000000,1"), ("layers", "4096")),
    Bad("layers 100 of them", cli("train", "--layers", ",".join(["8"] * 100)), ("layers", "100")),
    Bad("lr 0", cli("train", "--lr", "0"), ("--lr",)),
    Bad("lr negative", cli("train", "--lr=-0.5"), ("--lr", "-0.5")),
    Bad("lr nan", cli("train", "--lr", "nan"), ("--lr", "nan")),
    Bad("lr inf", cli("train", "--lr", "inf"), ("--lr", "inf")),
    Bad("lr fast", cli("train", "--lr", "fast"), ("--lr", "fast")),
    Bad("digits twice", cli("train", "--digits", "4", "4"), ("digits", "different")),
    Bad("digits 10", cli("train", "--digits", "10", "3"), ("digits", "0-9")),
    Bad("digits single", cli("train", "--digits", "7"), ("--digits", "two")),
    Bad("batch 0", cli("train", "--batch-size", "0"), ("--batch-size",)),
    Bad("batch ten", cli("train", "--batch-size", "ten"), ("--batch-size", "ten")),
    Bad("batch over the data", cli("train", "--train-size", "10", "--batch-size", "50"), ("--batch-size", "50")),
    Bad("iterations 0", cli("train", "--iterations", "0"), ("--iterations",)),
    Bad("iterations -5", cli("train", "--iterations=-5"), ("--iterations", "-5")),
    Bad("epochs x", cli("train", "--epochs", "x"), ("--epochs", "x")),
    Bad("train size over MNIST", cli("train", "--train-size", "999999"), ("--train-size", "11,272")),
    Bad("eval every 0", cli("train", "--eval-every", "0"), ("--eval-every",)),
    Bad("init bogus", cli("train", "--init", "bogus"), ("init", "bogus")),
    Bad("preset unknown", cli("train", "--preset", "turbo"), ("--preset", "turbo")),
    Bad("mnist dir missing", cli("train", "--mnist-dir", "no-such-folder"), ("no-such-folder",)),
    Bad("save into a missing folder", cli("train", "--save", "no-such-folder/m.npz"), ("--save", "no-such-folder")),
    Bad("trace row 99", cli("trace", "--row", "99"), ("--row", "99")),
    Bad("trace row 0", cli("trace", "--row", "0"), ("--row", "from 1")),
    Bad("gradcheck row 9", cli("gradcheck", "--row", "9"), ("--row", "9")),
    Bad("hidden 196,abc", cli("train", "--hidden", "196,abc"), ("--hidden", "196,abc")),
    Bad("hidden 0", cli("gradcheck", "--hidden", "0"), ("--hidden", "0")),
    Bad("gradcheck threshold 0", cli("gradcheck", "--threshold", "0"), ("--threshold",)),
    Bad("gradcheck user file missing", cli("gradcheck", "--user-file", "nope.py"), ("nope.py",)),
]


@dataclass
class Env:
    capsys: object = None
    window: object = None
    tmp: Path = None


@pytest.mark.parametrize("row", CLI_ROWS, ids=lambda row: row.id)
def test_the_command_line_explains_bad_input(row, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_clear(row.feed(Env(capsys=capsys, tmp=tmp_path)), row.names)


def test_a_real_process_prints_one_line_and_no_traceback():
    result = subprocess.run([sys.executable, "-m", "bpviz", "train", "--lr", "fast"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "bpviz train: error: argument --lr: expected a positive number such as 0.1, got 'fast'"]


# --- the app's forms ----------------------------------------------------------------------

def train_form(**fields) -> Callable:
    """Type into the training page's form; the message is what shows under the fields."""
    def feed(env) -> str:
        page = env.window.train_page
        env.window.page_tabs.setCurrentIndex(1)
        form = page.form
        for name, value in fields.items():
            widget = getattr(form, name)
            if hasattr(widget, "setText"):
                widget.setText(value)
            elif hasattr(widget, "setEditText"):
                widget.setEditText(value)
            else:
                widget.setValue(value)
        assert form.recipe() is None
        assert not page.start_button.isEnabled()  # a bad form cannot start a run
        shown = [label.text() for label in (*form.error_labels.values(), form.general_error) if label.isVisible()]
        return " ".join(shown)
    return feed


def step_form(**fields) -> Callable:
    """Type into the step page's network form; the page keeps the network it had."""
    def feed(env) -> str:
        page = env.window.step_page
        before = page.session.recipe
        for name, value in fields.items():
            field = getattr(page.controls, name)
            field.setText(value)
            QTest.keyClick(field, Qt.Key.Key_Return)  # the field is read when Return is pressed
        assert page.session.recipe == before
        return page.controls.error.text() if page.controls.error.isVisible() else ""
    return feed


FORM_ROWS = [
    Bad("hidden 784,abc", train_form(hidden="196,abc"), ("hidden layers", "196,abc")),
    Bad("hidden empty", train_form(hidden=""), ("hidden layers",)),
    Bad("hidden 0", train_form(hidden="0"), ("hidden layers",)),
    Bad("hidden -3", train_form(hidden="-3"), ("hidden layers", "-3")),
    Bad("hidden 1e9", train_form(hidden="1e9"), ("hidden layers", "1e9")),
    Bad("hidden 100 layers", train_form(hidden=",".join(["8"] * 100)), ("layers", "100")),
    Bad("lr 0", train_form(lr="0"), ("learning rate", "0")),
    Bad("lr negative", train_form(lr="-1"), ("learning rate", "-1")),
    Bad("lr nan", train_form(lr="nan"), ("learning rate", "nan")),
    Bad("lr inf", train_form(lr="inf"), ("learning rate", "inf")),
    Bad("lr fast", train_form(lr="fast"), ("learning rate", "fast")),
    Bad("digits twice", train_form(first=3, second=3), ("digits", "different")),
    Bad("batch 0", train_form(batch="0"), ("batch size",)),
    Bad("batch ten", train_form(batch="ten"), ("batch size", "ten")),
    Bad("batch over the images", train_form(train_size="100", batch="512"), ("batch size", "512")),
    Bad("images -5", train_form(train_size="-5"), ("training images", "-5")),
    Bad("images over MNIST", train_form(train_size="20000"), ("training images", "11,272")),
    Bad("step hidden abc", step_form(hidden="2,abc"), ("hidden layers", "2,abc")),
    Bad("step hidden 100 layers", step_form(hidden=",".join(["2"] * 100)), ("hidden layers",)),
    Bad("step lr nan", step_form(lr="nan"), ("learning rate", "nan")),
    Bad("step lr fast", step_form(lr="fast"), ("learning rate", "fast")),
]


@pytest.mark.parametrize("row", FORM_ROWS, ids=lambda row: row.id)
def test_the_forms_explain_bad_input_next_to_the_field(row, main_window, tmp_path):
    assert_clear(row.feed(Env(window=main_window, tmp=tmp_path)), row.names)


def test_a_digit_spin_box_does_not_take_10(qtbot, main_window):
    """The digit fields are 0-9 spin boxes: typing 10 cannot make a bad recipe."""
    form = main_window.train_page.form
    form.first.lineEdit().selectAll()
    qtbot.keyClicks(form.first, "10")
    assert 0 <= form.first.value() <= 9 and form.recipe() is not None


# --- files ----------------------------------------------------------------------------------

def _mnist_with(tmp: Path, key: str, content: bytes | Callable[[bytes], bytes]) -> Path:
    """A copy of the embedded MNIST folder (links) with one file replaced by ``content``
    (bytes, or a function of the file's uncompressed bytes)."""
    folder = tmp / "mnist"
    folder.mkdir(exist_ok=True)
    for name in FILE_NAMES.values():
        source = embedded_mnist_dir() / f"{name}.gz"
        target = folder / source.name
        if not target.exists():
            target.symlink_to(source)
    target = folder / f"{FILE_NAMES[key]}.gz"
    good = gzip.decompress(target.read_bytes())
    target.unlink()
    data = content(good) if callable(content) else content
    if callable(content):
        data = gzip.compress(data)
    target.write_bytes(data)
    return target


def idx(key: str, content) -> Callable:
    def feed(env) -> str:
        target = _mnist_with(env.tmp, key, content)
        return cli("train", "--mnist-dir", str(target.parent), "--iterations", "1")(env)
    return feed


def _int32(value: int) -> bytes:
    return value.to_bytes(4, "big")


IDX_ROWS = [
    Bad("idx wrong magic", idx("test_labels", lambda b: _int32(2051) + b[4:]), ("t10k-labels", "magic", "2049")),
    Bad("idx truncated header", idx("train_images", lambda b: b[:10]), ("train-images", "header")),
    Bad("idx truncated data", idx("train_labels", lambda b: b[:-100]), ("train-labels", "truncated data")),
    Bad("idx count mismatch", idx("test_labels", lambda b: _int32(2049) + _int32(9999) + b[8:8 + 9999]),
        ("t10k-labels", "9999 labels", "10000 images")),
    Bad("idx empty file", idx("test_images", b""), ("t10k-images",)),
    Bad("idx random bytes", idx("train_labels", lambda b: np.random.default_rng(0).bytes(5000)),
        ("train-labels", "magic")),
    Bad("idx .gz that is not gzip", idx("test_labels", b"\x00\x00\x08\x01not gzip at all"),
        ("t10k-labels-idx1-ubyte.gz", "gzip")),
]


@pytest.mark.parametrize("row", IDX_ROWS, ids=lambda row: row.id)
def test_damaged_mnist_files_are_named_with_what_was_expected(row, capsys, tmp_path):
    assert_clear(row.feed(Env(capsys=capsys, tmp=tmp_path)), row.names)


def _model_bytes(header_changes=None, params=None) -> bytes:
    net = Network([784, 4, 1], ["sigmoid", "sigmoid"], "bce", init="xavier", seed=0)
    recipe = {"name": "tutorial", "digits": [5, 8], "layers": [4, 1], "layer_sizes": [784, 4, 1]}
    header = {"format": "bpviz-model", "version": 1, "network": net.config, "extra": {"recipe": recipe}}
    header.update(header_changes or {})
    buffer = io.BytesIO()
    np.savez(buffer, **{"bpviz.json": np.array(json.dumps(header))}, **(params or net.params))
    return buffer.getvalue()


class Unpickled:
    """Unpickling this writes a marker file: the test checks that it never appears."""

    marker: Path = Path()

    def __reduce__(self):
        return (Path.write_text, (self.marker, "unpickled!"))


def file_row(name: str, content: Callable[[Path], bytes | str], open_it: Callable) -> Callable:
    def feed(env) -> str:
        path = env.tmp / name
        data = content(env.tmp)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return open_it(env, path)
    return feed


def model(name, content):
    def open_it(env, path):
        page = env.window.train_page
        recipe = get_preset("tutorial").replace(layers=(4, 1))
        good = recipe.network()
        save_model(env.tmp / "good.npz", good, {"recipe": {**recipe.to_dict(), "layer_sizes": good.layer_sizes}})
        assert page.load_model(env.tmp / "good.npz")
        shown = page.model
        assert not page.load_model(path)
        assert page.model is shown  # the model shown stays, nothing half-loaded
        np.testing.assert_array_equal(shown.params["W1"], good.params["W1"])
        return page.status.text()
    return file_row(name, content, open_it)


def lesson(name: str, damage: Callable[[str], str | bytes]) -> Callable:
    """A lesson the real window saved, damaged by ``damage`` (its text in, the bad file out)."""
    def feed(env) -> str:
        window = env.window
        for _ in range(7):
            window.step_page.controller.step_forward()
        where = window.step_page.controller.index
        good = env.tmp / "good.json"
        assert window.save_lesson(good)
        data = damage(good.read_text())
        path = env.tmp / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        assert not window.open_lesson(path)
        assert window.step_page.controller.index == where  # what was shown stays
        return window.message.text()
    return feed


def edited(change: Callable[[dict], None]) -> Callable[[str], str]:
    def damage(text: str) -> str:
        document = json.loads(text)
        change(document)
        return json.dumps(document)
    return damage


def table(name, content):
    def open_it(env, path):
        page = env.window.step_page
        before = page.session.recipe
        assert not page.load_csv(str(path))
        assert page.session.recipe == before
        return page.controls.error.text()
    return file_row(name, content, open_it)


def user_file(name, content):
    def open_it(env, path):
        page = env.window.step_page
        steps = page.controller.steps
        page.open_user_file(path)
        assert page.run_user_file()  # it runs apart: the window waits for nothing, the test for its end
        for _ in range(3000):
            if not page.debugger.busy():
                break
            QTest.qWait(10)
        assert not page.debugger.busy() and page.debugger.report is None
        assert page.controller.steps == steps  # nothing the user had is lost
        return page.code.error.text()
    return file_row(name, content, open_it)


def _pickled(tmp: Path) -> bytes:
    Unpickled.marker = tmp / "UNPICKLED"
    return pickle.dumps(Unpickled())


def _object_array_npz(tmp: Path) -> bytes:
    Unpickled.marker = tmp / "UNPICKLED"
    return _model_bytes(params={"W1": np.array([Unpickled()], dtype=object)})


def _zip_of_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not arrays")
    return buffer.getvalue()


UPDATE = "import numpy as np\n\ndef update(params, x, y, lr):\n"

FILE_ROWS = [
    Bad("model truncated", model("model.npz", lambda t: _model_bytes()[:300]), ("model.npz", "not a bpviz model")),
    Bad("model wrong shapes", model("shapes.npz", lambda t: _model_bytes(params={
        "W1": np.zeros((4, 10)), "b1": np.zeros((4, 1)), "W2": np.zeros((1, 4)), "b2": np.zeros((1, 1))})),
        ("shapes.npz", "W1", "(4, 784)")),
    Bad("model wrong version", model("future.npz", lambda t: _model_bytes({"version": 7})),
        ("future.npz", "version 7")),
    Bad("model pickle named .npz", model("evil.npz", _pickled), ("evil.npz", "not a bpviz model")),
    Bad("model npz holding pickles", model("objects.npz", _object_array_npz), ("objects.npz", "pickled")),
    Bad("model empty", model("empty.npz", lambda t: b""), ("empty.npz", "empty file")),
    Bad("model a text file", model("notes.txt", lambda t: "W1 = 0.1\n"), ("notes.txt", "found text")),
    Bad("model a PNG", model("picture.png", lambda t: b"\x89PNG\r\n\x1a\n" + bytes(64)), ("picture.png", "PNG image")),
    Bad("model random bytes", model("noise.npz", lambda t: bytes(range(256))), ("noise.npz", "binary data")),
    Bad("model a zip, not an npz", model("other.zip", lambda t: _zip_of_text()), ("other.zip", "not an .npz")),
    Bad("lesson truncated", lesson("cut.json", lambda text: text[: len(text) // 2]), ("cut.json", "JSON")),
    Bad("lesson wrong shapes", lesson("shape.json", edited(lambda d: d["step"]["params"].update(W1=[[1, 2]]))),
        ("shape.json", "step.params.W1", "(2, 2)")),
    Bad("lesson wrong version", lesson("new.json", edited(lambda d: d.update(version=3))),
        ("new.json", "version 3")),
    Bad("lesson binary", lesson("noise.json", lambda t: b"\x80\xff\x00" * 10), ("noise.json", "text")),
    Bad("csv empty", table("empty.csv", lambda t: ""), ("empty.csv", "empty")),
    Bad("csv a word in a number column", table("words.csv", lambda t: "a,b,y\n1,x,2\n"), ("words.csv", "line 2", "'b'")),
    Bad("csv ragged row", table("ragged.csv", lambda t: "a,b,y\n1,2\n"), ("ragged.csv", "line 2")),
    Bad("csv too many inputs", table("wide.csv", lambda t: ",".join(f"c{i}" for i in range(12)) + "\n" + ",".join("1" * 12) + "\n"),
        ("wide.csv", "8 inputs")),
    Bad("user file syntax error", user_file("mine.py", lambda t: "def update(params, x, y, lr)\n    return params\n"),
        ("mine.py", "line 1")),
    Bad("user file wrong shape", user_file("shape.py", lambda t: UPDATE + "    params['W2'] = params['W2'].T\n    return params\n"),
        ("shape.py", "W2", "(1, 2)")),
    Bad("user file defines nothing", user_file("empty.py", lambda t: "x = 1\n"), ("empty.py", "update(params, x, y, lr)")),
    Bad("user file returns None", user_file("none.py", lambda t: UPDATE + "    params['b1'][0] = 0\n"),
        ("none.py", "return params")),
]


@pytest.mark.parametrize("row", FILE_ROWS, ids=lambda row: row.id)
def test_bad_files_are_refused_by_name_and_nothing_is_lost(row, main_window, tmp_path):
    assert_clear(row.feed(Env(window=main_window, tmp=tmp_path)), row.names)
    assert not (tmp_path / "UNPICKLED").exists(), "a pickle was unpickled"


def test_the_table_covers_the_issue():
    tables = (CLI_ROWS, FORM_ROWS, IDX_ROWS, FILE_ROWS)
    assert sum(map(len, tables)) >= 30
    assert all(len({row.id for row in rows}) == len(rows) for rows in tables)
