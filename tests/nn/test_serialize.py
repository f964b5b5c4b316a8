"""Model files: a round trip, and a clear refusal of anything else (pickles above all)."""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import numpy as np
import pytest

from bpviz.nn import Network
from bpviz.nn.serialize import ModelFileError, load_model, save_model


def test_a_saved_model_loads_back_identical(tmp_path):
    net = Network([5, 4, 3], ["tanh", "softmax"], "cross_entropy", init="xavier", seed=7,
                  dtype="float32")
    path = save_model(tmp_path / "m.npz", net, {"recipe": {"name": "custom", "lr": 0.1}})
    back, extra = load_model(path)
    assert back.config == net.config
    assert extra == {"recipe": {"name": "custom", "lr": 0.1}}
    for key in net.params:
        np.testing.assert_array_equal(back.params[key], net.params[key])
        assert back.params[key].dtype == np.float32
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # no temporary file left


def test_a_pickle_named_npz_is_refused_and_never_unpickled(tmp_path):
    class Boom:
        def __reduce__(self):
            return (exec, ("raise SystemExit('unpickled!')",))

    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(ModelFileError, match="evil.npz: not a bpviz model"):
        load_model(path)
    # A well-formed model whose parameter holds pickled objects is refused too.
    path.write_bytes(_model_bytes(params={"W1": np.array([Boom()], dtype=object)}))
    with pytest.raises(ModelFileError, match="pickled Python objects"):
        load_model(path)


def _model_bytes(header_changes=None, params=None):
    net = Network([2, 2, 1], "linear", "mse", init="constant:0.1")
    header = {"format": "bpviz-model", "version": 1, "network": net.config, "extra": {}}
    header.update(header_changes or {})
    buffer = io.BytesIO()
    np.savez(buffer, **{"bpviz.json": np.array(json.dumps(header))}, **(params or net.params))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, words",
    [
        (_model_bytes()[:200], "not a bpviz model"),
        (_model_bytes({"version": 99}), "model format version 99; expected version 1"),
        (_model_bytes({"format": "other"}), "not a bpviz model: format 'other'"),
        (_model_bytes(params={"W1": np.zeros((3, 2)), "b1": np.zeros((2, 1)),
                              "W2": np.zeros((1, 2)), "b2": np.zeros((1, 1))}),
         "W1 expected shape (2, 2), got (3, 2)"),
        (b"", "not a bpviz model"),
    ],
)
def test_bad_model_files_name_the_file_and_the_problem(tmp_path, content, words):
    path = tmp_path / "model.npz"
    path.write_bytes(content)
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    assert str(path) in str(caught.value) and words in str(caught.value)


def _zip(**entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _pickle_entry_npz() -> bytes:
    return _model_bytes(params={"W1": np.array([{"a": 1}], dtype=object)})


def _npy() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(3))
    return buffer.getvalue()


FOUND = "not a bpviz model: expected a .npz (zip) file saved by bpviz, found "


@pytest.mark.parametrize("name, content, words", [
    ("notes.txt", "W1 = 0.1, 0.2\nb1 = 0\n", FOUND + "text"),
    ("model.npz", '{"format": "bpviz-model"}', FOUND + "text"),
    ("picture.png", b"\x89PNG\r\n\x1a\n" + bytes(40), FOUND + "a PNG image"),
    ("noise.npz", bytes(range(256)) * 4, FOUND + "binary data of no kind bpviz knows"),
    ("empty.npz", b"", FOUND + "an empty file"),
    ("pickle.npz", pickle.dumps({"W1": [0.1]}), FOUND + "a Python pickle, which bpviz never loads"),
    ("array.npy", _npy(), FOUND + "a single NumPy array (.npy)"),
    ("other.zip", _zip(**{"readme.txt": "hello"}), FOUND + "a zip file that is not an .npz (it holds readme.txt, no arrays)"),
    ("cut.npz", _model_bytes()[:300], FOUND + "a zip file that is cut short or damaged"),
    ("objects.npz", _pickle_entry_npz(), "W1 holds pickled Python objects (an object array), which bpviz never loads"),
])
def test_a_file_that_is_not_a_model_is_called_what_it_is(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and words in message
    assert ("pickled" in message) == (name == "objects.npz")  # only an .npz with object arrays holds pickles


def test_a_missing_model_file(tmp_path):
    with pytest.raises(ModelFileError, match="nope.npz: file not found"):
        load_model(tmp_path / "nope.npz")


def test_an_npz_without_the_bpviz_header(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, W1=np.zeros(2))
    with pytest.raises(ModelFileError, match="no bpviz.json entry"):
        load_model(path)
    assert zipfile.is_zipfile(path)
