"""Hostile files (issue 18), one table per kind: each row makes a file, opens it the way bpviz
does, and reads the message. It must name the file (and the field), say what was expected,
come at once, and never be a traceback; a lesson the pages cannot take changes nothing."""

from __future__ import annotations

import gzip
import io
import json
import os
import struct
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from bpviz.data.idx import read_images, read_labels, write_idx
from bpviz.data.mnist import FILE_NAMES, load_mnist
from bpviz.data.toy import csv_header, get_table, load_csv
from bpviz.errors import BpvizError
from bpviz.lesson import Lesson, StepLesson, lesson_json, load_lesson
from bpviz.nn import Network
from bpviz.nn.handwritten import read_source
from bpviz.nn.serialize import load_model
from bpviz.presets import get_preset

EXPECTS = ("expected", "at most", "at least")


@dataclass(frozen=True)
class Row:
    id: str
    make: Callable[[Path], Path]  # writes the hostile file (or folder) under tmp, returns it
    open: Callable[[Path], object]  # opens it as bpviz does
    words: tuple[str, ...] = ()  # the field and what is said, besides the file's name


def refusal(row: Row, tmp: Path) -> str:
    path = row.make(tmp)
    began = time.monotonic()
    with pytest.raises(BpvizError) as caught:
        row.open(path)
    assert time.monotonic() - began < 3, "the refusal took too long: was the file read whole?"
    message = str(caught.value)
    assert path.name in message, f"the file is not named: {message}"
    for word in row.words:
        assert word.lower() in message.lower(), f"{word!r} not said in: {message}"
    assert any(word in message.lower() for word in EXPECTS), f"what was expected is not said: {message}"
    assert "Traceback" not in message and "unhashable" not in message, message
    return message


def written(name: str, content: bytes | str | Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        data = content() if callable(content) else content
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path
    return make


def fifo(name: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        os.mkfifo(tmp / name)
        return tmp / name
    return make


def sparse(name: str, size: int = 40 << 30) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        with open(tmp / name, "wb") as handle:
            handle.truncate(size)
        return tmp / name
    return make


def device(path: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        if not os.path.exists(path):
            pytest.skip(f"{path} is not on this system")
        return Path(path)
    return make


# --- what the files hold --------------------------------------------------------------------

def lesson_document() -> dict:
    recipe = get_preset("notebook-classification")
    table = get_table(recipe.dataset)
    lesson = Lesson("step", StepLesson(recipe, table, recipe.network().params, 1, 2, (0.5,), 3),
                    get_preset("tutorial"))
    return json.loads(lesson_json(lesson))


def lesson(name: str, change: Callable[[dict], None] | None = None, text: Callable[[str], str] | None = None):
    def content() -> bytes:
        document = lesson_document()
        if change is not None:
            change(document)
        out = json.dumps(document)
        return (text(out) if text else out).encode()
    return written(name, content)


def at(*keys_and_value):
    """A change setting document[k1][k2]... = value."""
    *keys, value = keys_and_value

    def change(document):
        for key in keys[:-1]:
            document = document[key]
        document[keys[-1]] = value
    return change


def model_bytes(params: dict | None = None, network: dict | None = None, **header) -> bytes:
    net = Network([3, 2, 1], "sigmoid", "bce", init="xavier", seed=0)
    document = {"format": "bpviz-model", "version": 1, "network": {**net.config, **(network or {})}, "extra": {}}
    document.update(header)
    buffer = io.BytesIO()
    np.savez(buffer, **{"bpviz.json": np.array(json.dumps(document))}, **{**net.params, **(params or {})})
    return buffer.getvalue()


def npy_header(shape, descr="<f8", data=b"") -> bytes:
    text = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode("latin1")
    pad = (64 - (10 + len(text) + 1) % 64) % 64
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text) + pad + 1) + text + b" " * pad + b"\n" + data


def model_with(member: str, content: bytes, compression=zipfile.ZIP_STORED) -> bytes:
    with zipfile.ZipFile(io.BytesIO(model_bytes())) as good:
        members = {info.filename: good.read(info) for info in good.infolist()}
    members[member] = content
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def deflated_w1(zeros: int, declared: int) -> bytes:
    """A model whose W1 is deflated from a .npy header and ``zeros`` zero bytes, its zip
    headers declaring ``declared`` bytes unpacked (the truth or not)."""
    data = model_with("W1.npy", npy_header((2, 3), data=bytes(48)) + bytes(zeros), zipfile.ZIP_DEFLATED)
    true, said = struct.pack("<L", 176 + zeros), struct.pack("<L", declared)
    assert data.count(true) == 2  # its local header and its directory entry
    return data.replace(true, said)


def zip_bomb() -> bytes:
    """W1 declared 1 GB unpacked (of zeros: a megabyte packed)."""
    return deflated_w1(16 << 20, 1 << 30)


def lying_zip_bomb() -> bytes:
    """W1 declared 176 bytes, inflating to 64 MB: the read must stop at 176."""
    return deflated_w1(64 << 20, 176)


def encrypted() -> bytes:
    """W1 flagged as encrypted (bit 0 of its flags) in its local header and its entry in
    the zip's directory."""
    data = bytearray(model_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        local = archive.getinfo("W1.npy").header_offset
    data[local + 6] |= 1
    entry = data.find(b"W1.npy", data.find(b"PK\x01\x02")) - 46
    assert data[entry:entry + 4] == b"PK\x01\x02"
    data[entry + 8] |= 1
    return bytes(data)


def mnist_folder(name: str, **arrays) -> Callable[[Path], Path]:
    """A small MNIST folder (20 training, 10 test images of 28x28, every digit) with
    some of its arrays replaced."""
    def make(tmp: Path) -> Path:
        folder = tmp / name
        folder.mkdir()
        rng = np.random.default_rng(0)
        files = {"train_images": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
                 "train_labels": np.arange(20, dtype=np.uint8) % 10,
                 "test_images": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
                 "test_labels": np.arange(10, dtype=np.uint8)}
        files.update(arrays)
        for key, array in files.items():
            if isinstance(array, str):  # a special file in place of the array
                special(folder / f"{FILE_NAMES[key]}.gz", array)
            else:
                write_idx(folder / f"{FILE_NAMES[key]}.gz", array)
        return folder
    return make


def special(path: Path, kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(path)


def under_a_file(tmp: Path) -> Path:
    (tmp / "notes.txt").write_text("not a folder")
    return tmp / "notes.txt" / "mnist"


def recipe_data(digits):
    return lambda folder: get_preset("tutorial").replace(digits=digits).data(folder)


def gz_bomb() -> bytes:
    """A labels file whose header declares 60,000 labels, inflating to 64 MB."""
    return gzip.compress(b"\x00\x00\x08\x01" + (60000).to_bytes(4, "big") + bytes(64 << 20), 1)


def declares_huge() -> bytes:
    """A small .gz whose header declares 10^6 images of 1000x1000 pixels."""
    return gzip.compress(b"\x00\x00\x08\x03" + (10**6).to_bytes(4, "big") + (1000).to_bytes(4, "big") * 2 + bytes(64))


# --- 2. reading without bounds --------------------------------------------------------------

UNBOUNDED = [
    Row("lesson /dev/zero", device("/dev/zero"), load_lesson, ("device", "lesson")),
    Row("lesson FIFO", fifo("class.json"), load_lesson, ("FIFO",)),
    Row("lesson 40 GB sparse", sparse("class.json"), load_lesson, ("40 GB", "at most 16 MB")),
    Row("csv FIFO", fifo("table.csv"), load_csv, ("FIFO", "CSV")),
    Row("csv header of a FIFO", fifo("table.csv"), csv_header, ("FIFO",)),
    Row("csv 40 GB sparse", sparse("table.csv"), load_csv, ("40 GB", "at most 16 MB")),
    Row("model /dev/zero", device("/dev/zero"), load_model, ("device", "model")),
    Row("model FIFO", fifo("model.npz"), load_model, ("FIFO",)),
    Row("model 40 GB sparse", sparse("model.npz"), load_model, ("40 GB",)),
    Row("model zip bomb", written("bomb.npz", zip_bomb), load_model, ("declares 1 GB",)),
    Row("model zip bomb lying about its size", written("liar.npz", lying_zip_bomb), load_model, ("W1", "damaged")),
    Row("model declaring a (10^6, 10^6) array", written("huge.npz", lambda: model_with(
        "W1.npy", npy_header((10**6, 10**6)))), load_model, ("W1", "(1000000, 1000000)")),
    Row("model of 3,000 members", written("many.npz", lambda: _many_members()), load_model, ("3,000 members",)),
    Row("mnist gzip bomb", written("train-labels-idx1-ubyte.gz", gz_bomb), read_labels, ("header declares",)),
    Row("mnist header declaring 931 GB", written("t10k-images-idx3-ubyte.gz", declares_huge), read_images,
        ("1000000x1000x1000", "at most 256 MB")),
    Row("mnist FIFO", mnist_folder("fifo", train_images="fifo"), load_mnist, ("FIFO", "train-images")),
    Row("mnist /dev/zero", device("/dev/zero"), read_images, ("device",)),
    Row("user code FIFO", fifo("mine.py"), read_source, ("FIFO",)),
]


def _many_members() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(3000):
            archive.writestr(f"W{i}.npy", b"")
    return buffer.getvalue()


# --- 3. loaders that catch too little --------------------------------------------------------

TYPES = [
    Row("lesson a list", written("list.json", "[1, 2]"), load_lesson, ("not a bpviz lesson",)),
    Row("lesson step of a string", lesson("s.json", at("step", "x")), load_lesson, ("step", "expected an object")),
    Row("lesson table rows of strings", lesson("r.json", at("step", "table", "rows", [["8", "8", "1"]] * 4)),
        load_lesson, ("step.table.rows", "'8'")),
    Row("lesson weights of objects", lesson("w.json", at("step", "params", "W1", [[{"re": 1}, 0], [0, 0]])),
        load_lesson, ("step.params.W1", "numbers")),
    Row("lesson weights of booleans", lesson("b.json", at("step", "params", "b1", [[True], [False]])),
        load_lesson, ("step.params.b1", "numbers")),
    Row("lesson nested 100,000 deep", written("deep.json", "[" * 100_000 + "]" * 100_000), load_lesson,
        ("nested",)),
    Row("lesson a 5,000-digit number", lesson("digits.json", text=lambda t: t.replace('"epoch": 2', '"epoch": ' + "7" * 5000)),
        load_lesson, ("thousands of digits",)),
    Row("lesson recipe lr a string", lesson("lr.json", at("step", "recipe", "lr", "0.1")), load_lesson,
        ("step.recipe", "lr", "'0.1'")),
    Row("lesson recipe layers of text", lesson("layers.json", at("train", "recipe", "layers", "196,1")), load_lesson,
        ("train.recipe", "layers")),
    Row("model parameters of strings", written("text.npz", lambda: model_bytes({"W1": np.full((2, 3), "x")})),
        load_model, ("W1", "text")),
    Row("model parameters of records", written("records.npz", lambda: model_bytes(
        {"W1": np.zeros((2, 3), [("a", "f8")])})), load_model, ("W1", "structured")),
    Row("model parameters of complex numbers", written("complex.npz", lambda: model_bytes(
        {"W1": np.zeros((2, 3), complex)})), load_model, ("W1", "complex")),
    Row("model parameters of raw bytes", written("bytes.npz", lambda: model_bytes({"W1": np.zeros((2, 3), "S4")})),
        load_model, ("W1", "raw bytes")),
    Row("model encrypted member", written("locked.npz", encrypted), load_model, ("W1", "encrypted")),
    Row("model unknown compression", written("bz.npz", lambda: model_with("W1.npy", b"x", zipfile.ZIP_BZIP2)),
        load_model, ("compression method 12",)),
    Row("model settings nested deep", written("deep.npz", lambda: model_bytes(extra=json.loads("[" * 900 + "]" * 900))),
        load_model, ("extra", "JSON object")),
    Row("model loss a list", written("loss.npz", lambda: model_bytes(network={"loss": ["bce"]})), load_model,
        ("network.loss", "['bce']")),
    Row("model layer sizes of text", written("sizes.npz", lambda: model_bytes(network={"layer_sizes": ["3", 2, 1]})),
        load_model, ("network.layer_sizes",)),
    Row("user code with NUL bytes", written("nul.py", b"x = 1\ny = '\x00'\n"), read_source, ("NUL", "line 2")),
    Row("user code with an unknown coding", written("coding.py", "# coding: klingon\n"), read_source,
        ("coding line", "klingon")),
    Row("recipe lr fast", lesson("fast.json", at("train", "recipe", "lr", "fast")), load_lesson,
        ("train.recipe", "lr", "'fast'")),
]


# --- 5. data that breaks the maths without a word -------------------------------------------

MATHS = [
    Row("mnist a chosen digit without images", mnist_folder("no8", train_labels=np.full(20, 5, np.uint8)),
        recipe_data((5, 8)), ("train-labels", "no training images of 8")),
    Row("mnist a digit without test images", mnist_folder("no8test", test_labels=np.full(10, 3, np.uint8)),
        recipe_data((3, 7)), ("t10k-labels", "no test images of 7")),
    Row("mnist all ten, one missing", mnist_folder("no9", train_labels=np.arange(20, dtype=np.uint8) % 9),
        lambda folder: get_preset("mnist10").data(folder), ("train-labels", "of 9")),
    Row("mnist 1x1 images", mnist_folder("tiny", train_images=np.zeros((20, 1, 1), np.uint8)), load_mnist,
        ("train-images", "1x1", "28x28")),
    Row("mnist 0x0 images", mnist_folder("empty", test_images=np.zeros((10, 0, 0), np.uint8)), load_mnist,
        ("t10k-images", "0x0", "28x28")),
    Row("mnist labels outside 0-9", mnist_folder("labels", train_labels=np.arange(20, dtype=np.uint8) + 5),
        load_mnist, ("train-labels", "0-9")),
    Row("mnist no images at all", mnist_folder("none", test_images=np.zeros((0, 28, 28), np.uint8),
                                                test_labels=np.zeros(0, np.uint8)), load_mnist, ("t10k-images", "no images")),
    Row("init constant:nan", lesson("nan.json", at("train", "recipe", "init", "constant:nan")), load_lesson,
        ("train.recipe", "init", "constant:nan")),
    Row("init constant:inf in a lesson", lesson("inf.json", at("step", "recipe", "init", "constant:inf")), load_lesson,
        ("step.recipe", "init")),
    Row("lesson weights that overflow", lesson("huge.json", at("step", "params", "W1", [[1e308, 1e308]] * 2)),
        load_lesson, ("step.params", "overflow")),
    Row("init constant:nan in a model", written("nan.npz", lambda: model_bytes(network={"init": "constant:nan"})),
        load_model, ("network.init",)),
]


# --- 8. valid files refused, data dropped silently -------------------------------------------

DROPPED = [
    Row("csv first row all numbers", written("numbers.csv", "1,2,3\n4,5,6\n"), load_csv, ("no header", "header row")),
    Row("csv header all numbers", written("numbers.csv", "0.5,2,1\n"), csv_header, ("no header",)),
    Row("csv separated by ;", written("semi.csv", "a;b;y\n1;2;3\n"), load_csv, ("';'", "comma")),
    Row("csv separated by tabs", written("tabs.csv", "a\tb\ty\n1\t2\t3\n"), load_csv, ("tabs", "comma")),
    Row("csv rows separated by ;", written("rows.csv", "a,b,y\n1;2;3\n"), load_csv, ("line 2", "';'", "comma")),
    Row("lesson duplicate feature names", lesson("twice.json", at("step", "table", "features", ["cgpa", "cgpa"])),
        load_lesson, ("step.table.features", "distinct")),
    Row("lesson a feature named as the target", lesson("target.json", at("step", "table", "features", ["cgpa", "placed"])),
        load_lesson, ("step.table.features", "distinct")),
    Row("lesson a key given twice", lesson("key.json", text=lambda t: t.replace('"page": "step"', '"page": "step", "page": "train"')),
        load_lesson, ("'page'", "twice")),
]

UPDATE = "def update(params, x, y, lr):\n    return params\n"

#: Files bpviz must take (they were refused or misread).
VALID = [
    (written("notepad.py", b"\xef\xbb\xbf" + UPDATE.encode()), read_source),
    (written("latin.py", "# -*- coding: latin-1 -*-\n# café\n".encode("latin-1") + UPDATE.encode()), read_source),
    (lesson("notepad.json", text=lambda t: "\ufeff" + t), load_lesson),
    (written("excel.csv", "\ufeffa,b,y\n1,2,3\n".encode()), load_csv),
]


# --- 9. messages that mislead ---------------------------------------------------------------

MISLEADING = [
    Row("model a text file", written("notes.npz", "W1 = 0.1\n"), load_model, ("found text",)),
    Row("model NaN weights", written("nan.npz", lambda: model_bytes({"W1": np.full((2, 3), np.nan)})), load_model,
        ("W1", "NaN", "finite")),
    Row("model infinite bias", written("inf.npz", lambda: model_bytes({"b2": np.full((1, 1), np.inf)})), load_model,
        ("b2", "infinite")),
    Row("mnist folder under a file", under_a_file, load_mnist, ("notes.txt", "part of its path is a file")),
    Row("mnist FIFO is not missing", mnist_folder("pipe", test_labels="fifo"), load_mnist, ("t10k-labels", "FIFO")),
    Row("mnist folder is not missing", mnist_folder("dir", train_labels="folder"), load_mnist,
        ("train-labels", "is a folder")),
    Row("mnist symlink loop is not missing", mnist_folder("loop", test_images="loop"), load_mnist,
        ("t10k-images", "loop of symbolic links")),
    Row("lesson init 5", lesson("init.json", at("step", "recipe", "init", 5)), load_lesson, ("step.recipe", "init", "5")),
    Row("lesson loss ['bce']", lesson("loss.json", at("step", "recipe", "loss", ["bce"])), load_lesson,
        ("step.recipe", "loss", "['bce']")),
    Row("lesson seed of 5,000 digits", lesson("seed.json", text=lambda t: t.replace('"seed": 1', '"seed": ' + "3" * 5000, 1)),
        load_lesson, ("thousands of digits",)),
    Row("recipe iterations of 4,000 digits", lesson("long.json", text=lambda t: t.replace(
        '"iterations": 1000', '"iterations": 1' + "0" * 3999)), load_lesson, ("train.recipe", "iterations", "4000 digits")),
]


# --- 1. a lesson the pages cannot take ------------------------------------------------------

def units(n):
    def change(document):
        step = document["step"]
        step["recipe"]["layers"] = [n, 1]
        step["params"] = {"W1": [[0.1, 0.1]] * n, "b1": [[0.0]] * n, "W2": [[0.1] * n], "b2": [[0.0]]}
    return change


def inputs(n):
    def change(document):
        table = document["step"]["table"]
        table.update(name="wide", features=[f"x{i}" for i in range(n)], rows=[[1] * n + [0]] * 4)
        document["step"]["params"]["W1"] = [[0.1] * n] * 2
    return change


def layers(n):
    def change(document):
        step = document["step"]
        sizes = [2] + [2] * (n - 1) + [1]
        step["recipe"]["layers"] = sizes[1:]
        step["params"] = {}
        for l in range(1, len(sizes)):
            step["params"][f"W{l}"] = [[0.1] * sizes[l - 1]] * sizes[l]
            step["params"][f"b{l}"] = [[0.0]] * sizes[l]
    return change


def rows(n):
    return at("step", "table", "rows", [[8, 8, 1], [7, 9, 0]] * (n // 2))


def targets(names, rows, loss=None):
    """A table of several targets (and an output layer of a unit each), with ``loss``."""
    def change(document):
        step = document["step"]
        table = step["table"]
        table.pop("target")
        table.update(name="classes", targets=names, rows=rows)  # a CSV table, not the preset's
        step["recipe"]["layers"] = [2, len(names)]
        step["params"]["W2"] = [[0.1, 0.1]] * len(names)
        step["params"]["b2"] = [[0.0]] * len(names)
        if loss is not None:
            step["recipe"].update(loss=loss, output="softmax")
    return change


PAGE_LIMITS = [
    Row("step page: 5 targets", lesson("five.json", targets(list("abcde"), [[8, 8, 1, 0, 0, 0, 0]] * 4)),
        load_lesson, ("step.table.targets", "1 to 4 target names")),
    Row("step page: classes that are not one-hot", lesson("classes.json", targets(
        ["a", "b"], [[8, 8, 1, 0], [7, 9, 1, 1]], loss="cross_entropy")), load_lesson,
        ("step.recipe.loss", "one-hot", "row 2 holds 1, 1 in a, b")),
    Row("step page: 9 inputs", lesson("wide.json", inputs(9)), load_lesson, ("step.table.features", "8 inputs")),
    Row("step page: a hidden layer of 9 units", lesson("units.json", units(9)), load_lesson,
        ("step.recipe.layers", "8 units")),
    Row("step page: 5 layers", lesson("deep.json", layers(5)), load_lesson, ("step.recipe.layers", "4 layers")),
    Row("step page: a seed beyond its field", lesson("seed.json", at("step", "recipe", "seed", 2_000_000)), load_lesson,
        ("step.recipe.seed", "1,000,000")),
    Row("step page: more rows than it takes", lesson("long.json", rows(10_002)), load_lesson,
        ("step.table.rows", "10,000")),
    Row("step page: bce targets of 2", lesson("bce.json", at("step", "table", "rows", [[8, 8, 2]] * 4)), load_lesson,
        ("step.recipe.loss", "0 or 1", "placed")),
    Row("step page: a step past the trace", lesson("step.json", at("step", "step", 99)), load_lesson,
        ("step.step", "32")),
    Row("training page: no hidden layer", lesson("train.json", at("train", "recipe", "layers", [1])), load_lesson,
        ("train.recipe.layers", "hidden layer")),
    Row("training page: a seed beyond its field", lesson("tseed.json", at("train", "recipe", "seed", 3_000_000_000)),
        load_lesson, ("train.recipe.seed", "2,147,483,647")),
    Row("training page: more images than MNIST has", lesson("size.json", at("train", "recipe", "train_size", 20_000)),
        load_lesson, ("train.recipe.train_size", "11,272")),
    Row("training page: a loss its task does not take", lesson("ce.json", at("train", "recipe", "loss", "cross_entropy")),
        load_lesson, ("train.recipe.loss", "for two digits (a sigmoid output)")),
    Row("training page: an init its preset does not have", lesson("init.json", at("train", "recipe", "init", "he")),
        load_lesson, ("train.recipe.init", "preset tutorial")),
]

TABLES = {"unbounded": UNBOUNDED, "types": TYPES, "maths": MATHS, "dropped": DROPPED,
          "misleading": MISLEADING, "page limits": PAGE_LIMITS}
ALL = [pytest.param(row, id=f"{kind}: {row.id}") for kind, rows_ in TABLES.items() for row in rows_]


@pytest.mark.parametrize("row", ALL)
def test_a_hostile_file_is_refused_by_name_saying_what_was_expected(row, tmp_path):
    refusal(row, tmp_path)


@pytest.mark.parametrize("make, open_it", VALID, ids=["py with a BOM", "py with a coding line",
                                                      "lesson with a BOM", "csv with a BOM"])
def test_valid_files_with_a_bom_or_a_coding_line_are_read(make, open_it, tmp_path):
    assert open_it(make(tmp_path)) is not None


def test_each_kind_has_at_least_three_rows_of_its_own():
    assert all(len(rows_) >= 3 for rows_ in TABLES.values())
    ids = [row.id for rows_ in TABLES.values() for row in rows_]
    assert len(ids) == len(set(ids))


def test_a_lesson_the_step_page_cannot_take_leaves_the_window_as_it_was(main_window, tmp_path):
    """Through the window: a lesson breaking a limit of the step page is refused whole,
    and the page keeps its session, its step and its weights."""
    page = main_window.step_page
    for _ in range(5):
        page.controller.step_forward()
    session, index = page.session, page.controller.index
    weights = {key: value.copy() for key, value in session.net.params.items()}
    for row in PAGE_LIMITS[:5]:
        path = row.make(tmp_path)
        assert not main_window.open_lesson(path)
        assert path.name in main_window.message.text()
        assert page.session is session and page.controller.index == index
        assert all(np.array_equal(session.net.params[key], value) for key, value in weights.items())


def test_a_lesson_that_loads_is_one_the_step_page_takes(main_window, tmp_path):
    document = lesson_document()
    document["step"]["step"] = 32  # the last step of the update
    path = tmp_path / "last.json"
    path.write_text(json.dumps(document))
    assert main_window.open_lesson(path)
    assert main_window.step_page.controller.index == 31


def test_files_one_may_not_read_say_so_through_the_window(main_window, tmp_path, monkeypatch):
    """A good file the user may not read is not called a bad file (every loader reads
    through fileio.read_limited, whose open is refused here as a locked file's would be)."""
    import errno

    from bpviz import fileio

    model, lesson_file = tmp_path / "model.npz", tmp_path / "lesson.json"
    model.write_bytes(model_bytes())
    lesson_file.write_text(json.dumps(lesson_document()))

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    with monkeypatch.context() as patched:
        patched.setattr(fileio.os, "open", denied)
        assert not main_window.train_page.load_model(model)
        shown = main_window.train_page.status.text()
        assert not main_window.open_lesson(lesson_file)
    for message, name in ((shown, "model.npz"), (main_window.message.text(), "lesson.json")):
        assert name in message and "permission denied" in message.lower() and "expected" in message
