"""`bpviz train --save/--json` (issue 18, kind 6): outputs checked before training, never
the same file twice, never a device or a FIFO, and a model that cannot be saved is kept in
the temporary folder under a name that fits."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

import pytest

from bpviz.cli import main
from bpviz.commands.outputs import fallback_path
from bpviz.nn.serialize import load_model

QUICK = ["train", "--preset", "fast", "--train-size", "200", "--iterations", "2", "--quiet"]


def _train(capsys, *args) -> tuple[int, str]:
    try:
        code = main([*QUICK, *args])
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err


def _refused_before_training(capsys, *args) -> str:
    code, err = _train(capsys, *args)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    assert "fast: MNIST" not in err  # refused before loading MNIST and training
    return lines[0]


@pytest.mark.parametrize("second", ["same", "dotted", "symlink", "hard link", "symlink to a new file"])
def test_json_and_save_on_one_file_are_refused(capsys, tmp_path, monkeypatch, second):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    first = "out.npz"
    if second != "symlink to a new file":
        Path(first).write_bytes(b"the user's file")
    other = {"same": "out.npz", "dotted": "sub/../out.npz", "symlink": "link.npz", "hard link": "hard.npz",
             "symlink to a new file": "link.npz"}[second]
    if second.startswith("symlink"):
        os.symlink(first, other)
    elif second == "hard link":
        os.link(first, other)
    line = _refused_before_training(capsys, "--save", first, "--json", other)
    assert line == (f"bpviz train: error: --json: {other} is the same file as --save {first}; "
                    f"expected two different files")
    if second != "symlink to a new file":
        assert Path(first).read_bytes() == b"the user's file"


@pytest.mark.parametrize("flag, path, words", [
    ("--json", "/dev/stdout", "an open file or stream of a process, not a regular file"),
    ("--json", "/dev/null", "is a character device, not a regular file"),
    ("--save", "/proc/self/fd/2", "an open file or stream of a process"),
    ("--save", "fifo.npz", "is a FIFO (named pipe), not a regular file"),
    ("--save", "folder", "is a folder; expected a file name"),
    ("--save", "x" * 300 + ".npz", "the file system takes at most 255; choose a shorter name"),
    ("--json", "missing/run.json", "the folder missing does not exist"),
])
def test_outputs_that_are_not_regular_files_are_refused_before_training(capsys, tmp_path, monkeypatch,
                                                                      flag, path, words):
    monkeypatch.chdir(tmp_path)
    os.mkfifo("fifo.npz")
    os.mkdir("folder")
    line = _refused_before_training(capsys, flag, path)
    assert line.startswith(f"bpviz train: error: {flag}: ") and words in line, line
    assert stat.S_ISFIFO(os.lstat("fifo.npz").st_mode) and os.path.isdir("folder")
    if os.path.exists("/dev/null"):
        assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_a_long_name_saves_and_replacing_keeps_the_files_permissions(capsys, tmp_path):
    model = tmp_path / ("m" * 246 + ".npz")
    model.write_bytes(b"old")
    os.chmod(model, 0o644)
    code, err = _train(capsys, "--save", str(model))
    assert code == 0, err
    assert stat.S_IMODE(os.stat(model).st_mode) == 0o644
    assert load_model(model)[1]["updates"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [model.name]


def test_the_fallback_of_a_long_name_fits_the_temporary_folder(tmp_path, monkeypatch, capsys):
    full, spare = tmp_path / "full", tmp_path / "spare"
    full.mkdir()
    spare.mkdir()
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):  # the disk of the folder asked for is full
        if Path(dir) == full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(spare))
    wanted = full / ("é" * 120 + ".npz")  # 244 bytes: "bpviz-...-pid.npz" would not fit
    assert len(os.fsencode(fallback_path(wanted).name)) <= 255
    code, err = _train(capsys, "--save", str(wanted))
    assert code == 2 and "could not write: the disk is full" in err
    kept = list(spare.iterdir())
    assert len(kept) == 1 and f"the model is kept in {kept[0]} instead" in err
    assert len(os.fsencode(kept[0].name)) <= 255 and load_model(kept[0])[1]["updates"] == 2
