"""Model files fuzzed: random bytes, zips of random members (random .npy headers: kinds,
shapes, sizes; compressions; flags), saved models with bytes flipped or cut, and headers
with any setting replaced. Each either loads as a network of finite weights that runs, or is
refused with ModelFileError; nothing is unpickled, nothing inflates unbounded."""

from __future__ import annotations

import copy
import io
import json
import struct
import warnings
import zipfile

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bpviz.nn import Network
from bpviz.nn.serialize import ModelFileError, load_model
from tests.reliability.fuzzing import FUZZ, scratch, json_values, paths, replaced

FOLDER = scratch("model")
NET = Network([3, 2, 1], "sigmoid", "bce", init="xavier", seed=0)
HEADER = {"format": "bpviz-model", "version": 1, "network": NET.config, "extra": {"recipe": {"name": "custom"}}}
NAMES = ["bpviz.json.npy", "W1.npy", "b1.npy", "W2.npy", "b2.npy", "W3.npy", "notes.txt", "dir/", "W1"]
DESCRS = ["<f8", "<f4", ">f8", "<f2", "<c16", "|O", "|S3", "<U5", "<i8", "|b1", "|V8", "<M8[s]", "zz", "<f16",
          [("a", "<f8")], [("a", "|O")]]


def _model(header=HEADER, params=None) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **{"bpviz.json": np.array(json.dumps(header))}, **(params or NET.params))
    return buffer.getvalue()


GOOD = _model()


def _open(data: bytes):
    path = FOLDER / "model.npz"
    path.write_bytes(data)
    try:
        net, extra = load_model(path)
    except ModelFileError as exc:
        assert str(exc).startswith(f"{path}: ") and "Traceback" not in str(exc)
        return None
    assert isinstance(extra, dict)
    assert all(np.isfinite(value).all() for value in net.params.values())
    with np.errstate(all="ignore"):  # weights may be large: the point is that it runs
        A, cache = net.forward(np.zeros((net.layer_sizes[0], 2)))
        net.backward(cache, np.zeros_like(A))
    return net


npy_headers = st.builds(
    lambda descr, shape, fortran, version: (
        lambda text: b"\x93NUMPY" + bytes(version) + (struct.pack("<H", len(text)) if version[0] == 1
                                                     else struct.pack("<I", len(text))) + text)(
        (repr({"descr": descr, "fortran_order": fortran, "shape": shape}) + " " * 3 + "\n").encode("latin1")),
    st.sampled_from(DESCRS),
    st.lists(st.integers(-2, 4) | st.sampled_from([10**6, 2**40, 10**30]), max_size=3).map(tuple),
    st.booleans(),
    st.sampled_from([(1, 0), (2, 0), (3, 0), (9, 9)]),
)
members = st.builds(lambda head, body: head + body, npy_headers | st.binary(max_size=20),
                    st.binary(max_size=64) | st.integers(0, 200).map(bytes))


@st.composite
def zips(draw) -> bytes:
    buffer = io.BytesIO()
    compression = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                                        zipfile.ZIP_LZMA]))
    with zipfile.ZipFile(buffer, "w", compression) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a name twice is what is wanted here
        for name in draw(st.lists(st.sampled_from(NAMES), max_size=6)):
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            archive.writestr(info, draw(members))
    data = bytearray(buffer.getvalue())
    if draw(st.booleans()) and data.find(b"PK\x03\x04") >= 0:
        data[data.find(b"PK\x03\x04") + 6] |= draw(st.integers(1, 255))  # flags of the first member
    return bytes(data)


@FUZZ
@given(st.binary(max_size=2000) | st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b))
def test_random_bytes_are_refused(data):
    assert _open(data) is None


@FUZZ
@given(zips())
def test_zips_of_random_members_are_refused_or_load(data):
    _open(data)


@FUZZ
@given(st.data())
def test_a_saved_model_with_bytes_changed_or_cut_loads_whole_or_is_refused(data):
    model = bytearray(GOOD)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(model) - 1))
        model[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(model)))
    _open(bytes(model[:cut]))


@FUZZ
@given(st.data())
def test_a_saved_model_with_any_setting_replaced_loads_whole_or_is_refused(data):
    header = copy.deepcopy(HEADER)
    where = data.draw(st.sampled_from(list(paths(header))))
    _open(_model(replaced(header, where, data.draw(json_values))))


@FUZZ
@given(st.sampled_from(["W1", "b1", "W2", "b2"]), st.sampled_from(DESCRS[:11]),
       st.lists(st.integers(0, 4), max_size=3).map(tuple))
def test_a_saved_model_with_a_parameter_of_any_kind_or_shape_loads_whole_or_is_refused(key, descr, shape):
    try:
        value = np.zeros(shape, dtype=np.dtype(descr))
    except TypeError:
        return
    _open(_model(params={**NET.params, key: value}))


def test_the_saved_model_loads():
    assert _open(GOOD) is not None
