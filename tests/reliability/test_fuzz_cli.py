"""Random command lines built from the real flags and hostile values (issue 18): Unicode
digits, huge and negative numbers, nan and inf, empty and very long strings, paths to
FIFOs, devices, folders and links. Whatever the mix, bpviz exits 2 with one line naming
what was wrong, or does the (small) work asked; never a traceback, never a hang."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bpviz.presets
from bpviz.cli import main

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="FIFOs, devices and sockets")

HUGE = "9" * 5000
NUMBERS = ["²", "٣", "①", "１２", "１.５", "٠.١", "1.5", "1e3", "1e400", "-1e400", "1e-400", "0x10", "nan", "-nan",
           "inf", "-inf", "Infinity", "", " ", "-1", "0", "-0", "+3", "1_000", "1__0", "10,000", str(2**40),
           str(2**64), str(10**100), HUGE, "-" + HUGE, "0." + "0" * 4000 + "1", "\u200b2", "2\n", "3\x00", "None",
           "true", "[1]", "1 2", "½", "Ⅻ", "𝟗", "\udcff", "'" + "1" * 5 + "'"]
TEXTS = ["", " ", "x" * 5000, "\n", "é" * 300, "\udcff\udcfe", "-", "--", "all", "full", "none", "constant:",
         "constant:nan", "constant:１", "constant:" + HUGE, "%s%n", "../../etc/passwd", ",,,", ",".join(["7"] * 3000)]
SMALL = ["1", "2", "3", "5", "8", "64"]
#: Whole-number flags: a valid large value would make a long run, so only small ones are valid here.
COUNTS = {"train": ["--iterations", "--train-size", "--batch-size", "--eval-every", "--log-every", "--seed"],
          "gradcheck": ["--examples", "--elements", "--seed", "--row"], "trace": ["--row"]}
DECIMALS = {"train": ["--lr"], "gradcheck": ["--threshold"], "trace": []}
LISTS = {"train": ["--hidden", "--layers", "--init"], "gradcheck": ["--hidden", "--layers", "--init"], "trace": []}
PATHS = {"train": ["--save", "--json", "--mnist-dir"], "gradcheck": ["--user-file"], "trace": []}
CHOICES = {"train": {"--preset": ["fast", "turbo", "", "FAST"], "--dtype": ["float32", "float16", "²"],
                     "--optimizer": ["adam", "sgd", "x"], "--activation": ["relu", "tanh", "softmax", "x"],
                     "--loss": ["bce", "mse", "x"]},
           "gradcheck": {"--preset": ["notebook-regression", "notebook-classification", "tutorial", "x"],
                         "--activation": ["tanh", "x"]},
           "trace": {"--preset": ["notebook-regression", "two-layer", "tutorial", "x"], "--mode": ["units", "layers", "x"],
                     "--format": ["text", "json", "x"]}}
BASE = {"train": ["train", "--preset", "fast", "--train-size", "64", "--iterations", "1", "--quiet"],
        "gradcheck": ["gradcheck"], "trace": ["trace"]}


@pytest.fixture(scope="module")
def hostile_paths(tmp_path_factory):
    """Paths that are not what a flag expects: a FIFO, a device, a folder, a socket, a link
    loop, a dangling link, a missing folder, a name too long, /dev/stdout."""
    folder = tmp_path_factory.mktemp("hostile")
    os.mkfifo(folder / "fifo")
    (folder / "dir").mkdir()
    (folder / "loop").symlink_to("loop")
    (folder / "dangling").symlink_to("nowhere/x.npz")
    (folder / "to-fifo").symlink_to("fifo")
    (folder / "empty.py").write_text("")
    (folder / "binary.py").write_bytes(b"\xff\xfe\x00")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "sock"))
    paths = [str(folder / name) for name in ("fifo", "dir", "loop", "dangling", "to-fifo", "empty.py", "binary.py",
                                             "sock", "missing/x.npz", "dir/", "new.npz")]
    paths += ["/dev/null", "/dev/zero", "/dev/stdout", "/dev/full", "/proc/self/fd/1", str(folder / ("n" * 300)),
              str(folder / ("é" * 10)), "", "."]
    yield paths
    server.close()


@pytest.fixture(scope="module", autouse=True)
def mnist_read_once():
    """The embedded MNIST is read once for the module (the flags are what is tested)."""
    real = bpviz.presets.load_mnist
    cache = {}

    def load(directory=None):
        if directory is None:
            if None not in cache:
                cache[None] = real(None)
            return cache[None]
        return real(directory)

    bpviz.presets.load_mnist = load
    yield
    bpviz.presets.load_mnist = real


@st.composite
def command_lines(draw, paths):
    command = draw(st.sampled_from(list(BASE)))
    argv = list(BASE[command])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["count", "decimal", "list", "path", "choice", "digits"]))
        if kind == "count":
            flag = draw(st.sampled_from(COUNTS[command]))
            argv += [f"{flag}={draw(st.sampled_from(NUMBERS + SMALL + TEXTS))}"]
        elif kind == "decimal" and DECIMALS[command]:
            value = draw(st.one_of(st.sampled_from(NUMBERS + TEXTS), st.floats(allow_nan=True).map(repr)))
            argv += [f"{draw(st.sampled_from(DECIMALS[command]))}={value}"]
        elif kind == "list" and LISTS[command]:
            argv += [f"{draw(st.sampled_from(LISTS[command]))}={draw(st.sampled_from(NUMBERS + TEXTS + SMALL))}"]
        elif kind == "path" and PATHS[command]:
            argv += [f"{draw(st.sampled_from(PATHS[command]))}={draw(st.sampled_from(paths))}"]
        elif kind == "choice":
            flag = draw(st.sampled_from(list(CHOICES[command])))
            argv += [f"{flag}={draw(st.sampled_from(CHOICES[command][flag]))}"]
        elif kind == "digits" and command == "train":
            argv += ["--digits", *draw(st.lists(st.sampled_from(["5", "8", "²", "all", "10", HUGE, ""]),
                                                min_size=1, max_size=3))]
    return argv


def _run(argv) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    return code, err.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_a_hostile_command_line_is_one_line_and_exit_2_or_works(data, hostile_paths, tmp_path_factory):
    argv = data.draw(command_lines(hostile_paths))
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("run"))
    try:
        code, err = _run(argv)
    finally:
        os.chdir(cwd)
    assert "Traceback" not in err and 'File "' not in err, (argv, err)
    assert code in (0, 1, 2), (argv, code, err)
    errors = [line for line in err.splitlines() if ": error: " in line]
    if code == 2:
        assert len(errors) == 1, (argv, err)
        assert len(errors[0]) < 700, errors[0][:800]  # long input is described, not echoed
        assert any(word in errors[0] for word in ("expected", "choose", "at most", "at least", "invalid choice",
                                                  "not allowed", "required", "unrecognized", "renamed", "; use ",
                                                  "Error: ")), errors[0]  # (the last: a user file's own error)
    else:
        assert not errors, (argv, err)
