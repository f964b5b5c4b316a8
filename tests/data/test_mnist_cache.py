"""MNIST's cache: the arrays it keeps are the IDX files' exactly, a changed file is read
again, and anything wrong with the cache (or its folder) only costs the speed, silently."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import bpviz.data.mnist as mnist_module
from bpviz.data import cache
from bpviz.data.idx import write_idx
from bpviz.data.mnist import FILE_NAMES, embedded_mnist_dir, find_mnist_files, load_mnist

ROOT = Path(__file__).resolve().parents[2]
KEYS = tuple(FILE_NAMES)


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    """A cache folder of the test's own, as BPVIZ_CACHE_DIR names it."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_VARIABLE, str(folder))
    return folder


@pytest.fixture
def small(tmp_path):
    """A folder of the four MNIST files (gzip) holding 6 training and 2 test images, and the
    arrays they hold."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    return folder, _write_small(folder, count=6)


def _write_small(folder: Path, count: int, seed: int = 3) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    arrays = {
        "train_images": rng.integers(0, 256, (count, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, count, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, 2, dtype=np.uint8),
    }
    for key, array in arrays.items():
        write_idx(folder / f"{FILE_NAMES[key]}.gz", array)
    return arrays


def entry_path(folder: Path, key: str) -> Path:
    """Where the cache keeps the array of ``folder``'s file ``key`` as the file is now."""
    return cache.entry(find_mnist_files(folder)[key], "mnist").path


def cached_names(cache_folder: Path) -> list[str]:
    return sorted(os.listdir(cache_folder / "mnist"))


def assert_holds(data, arrays) -> None:
    for key in KEYS:
        got = getattr(data, key)
        want = arrays[key].reshape(len(arrays[key]), -1) if key.endswith("images") else arrays[key]
        assert type(got) is np.ndarray and got.dtype == np.uint8 and not got.flags.writeable
        np.testing.assert_array_equal(got, want)


def only_the_cache(monkeypatch) -> None:
    """Loads from here on may not read an IDX file's data: they take it from the cache."""
    def refuse(path, **kwargs):
        raise AssertionError(f"read {path} instead of its cached copy")

    monkeypatch.setattr(mnist_module, "read_idx", refuse)


def count_idx_reads(monkeypatch) -> list[Path]:
    reads, real = [], mnist_module.read_idx

    def read(path, **kwargs):
        reads.append(Path(path))
        return real(path, **kwargs)

    monkeypatch.setattr(mnist_module, "read_idx", read)
    return reads


def load_quietly(folder: Path, capfd, recwarn):
    """load_mnist(folder) within 20 s (a FIFO must never block it), saying nothing."""
    result = {}
    worker = threading.Thread(target=lambda: result.update(data=load_mnist(folder)), daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "load_mnist blocked"
    assert "data" in result, "load_mnist raised (see the thread's traceback above)"
    out, err = capfd.readouterr()
    assert (out, err) == ("", "") and len(recwarn) == 0
    return result["data"]


# --- the cached arrays are the files' ------------------------------------------------------

def test_the_embedded_copy_cached_is_the_idx_files_and_python_mnist(cache_folder, monkeypatch):
    from mnist import MNIST

    directory = embedded_mnist_dir()
    from_files = mnist_module._load(directory, use_cache=False)
    assert not (cache_folder / "mnist").exists()
    first = load_mnist(directory)  # reads the files and keeps their arrays
    assert len(cached_names(cache_folder)) == 4
    only_the_cache(monkeypatch)
    warm = load_mnist(directory)
    arrays = {key: getattr(from_files, key) for key in KEYS}
    assert_holds(first, arrays)
    assert_holds(warm, arrays)
    assert warm.train_images.shape == (60000, 784) and warm.test_images.shape == (10000, 784)
    test_images, test_labels = MNIST(str(directory), return_type="numpy", gz=True).load_testing()
    np.testing.assert_array_equal(warm.test_images, test_images)  # train: tests/data/test_mnist.py
    np.testing.assert_array_equal(warm.test_labels, test_labels)
    with pytest.raises(ValueError, match="read-only"):
        warm.train_images[0, 0] = 1


@pytest.mark.parametrize("gz", [False, True])
def test_a_folder_cached_loads_as_python_mnist_reads_it(cache_folder, tmp_path, monkeypatch, gz):
    from mnist import MNIST

    rng = np.random.default_rng(5)
    for key, shape in (("train_images", (5, 28, 28)), ("train_labels", (5,)),
                       ("test_images", (3, 28, 28)), ("test_labels", (3,))):
        write_idx(tmp_path / (FILE_NAMES[key] + (".gz" if gz else "")),
                  rng.integers(0, 10 if key.endswith("labels") else 256, shape, dtype=np.uint8))
    load_mnist(tmp_path)
    only_the_cache(monkeypatch)
    warm = load_mnist(tmp_path)
    reader = MNIST(str(tmp_path), return_type="numpy", gz=gz)
    (train_images, train_labels), (test_images, test_labels) = reader.load_training(), reader.load_testing()
    assert_holds(warm, {"train_images": train_images, "train_labels": train_labels,
                        "test_images": test_images, "test_labels": test_labels})


def test_the_first_load_keeps_the_four_arrays_and_the_next_reads_only_them(cache_folder, small, monkeypatch):
    folder, arrays = small
    reads = count_idx_reads(monkeypatch)
    assert_holds(load_mnist(folder), arrays)
    assert len(reads) == 4
    assert cached_names(cache_folder) == sorted(entry_path(folder, key).name for key in KEYS)
    assert_holds(load_mnist(folder), arrays)
    assert len(reads) == 4


def test_two_folders_keep_their_own_entries(cache_folder, small, tmp_path, monkeypatch):
    folder, arrays = small
    other = tmp_path / "other"
    other.mkdir()
    other_arrays = _write_small(other, count=4, seed=9)
    load_mnist(folder)
    load_mnist(other)
    assert len(cached_names(cache_folder)) == 8
    only_the_cache(monkeypatch)
    assert_holds(load_mnist(folder), arrays)
    assert_holds(load_mnist(other), other_arrays)


# --- a changed file is read again ----------------------------------------------------------

def test_a_touched_file_is_read_again_and_its_old_entry_removed(cache_folder, small, monkeypatch):
    folder, arrays = small
    load_mnist(folder)
    old = entry_path(folder, "train_images")
    source = find_mnist_files(folder)["train_images"]
    info = os.stat(source)
    os.utime(source, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    reads = count_idx_reads(monkeypatch)
    assert_holds(load_mnist(folder), arrays)
    assert reads == [source]
    assert not old.exists() and entry_path(folder, "train_images").exists()
    assert len(cached_names(cache_folder)) == 4


def test_a_file_of_another_size_is_read_again_with_its_new_data(cache_folder, small, monkeypatch):
    folder, _ = small
    load_mnist(folder)
    changed = _write_small(folder, count=9, seed=4)  # new files, new sizes, the same names
    reads = count_idx_reads(monkeypatch)
    assert_holds(load_mnist(folder), changed)
    assert len(reads) == 4 and len(cached_names(cache_folder)) == 4


def test_a_file_that_changes_while_it_is_read_is_not_cached(cache_folder, small, monkeypatch):
    folder, arrays = small
    real = mnist_module.read_idx

    def read_then_touched(path, **kwargs):
        array = real(path, **kwargs)
        info = os.stat(path)
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        return array

    monkeypatch.setattr(mnist_module, "read_idx", read_then_touched)
    assert_holds(load_mnist(folder), arrays)
    assert not (cache_folder / "mnist").exists() or cached_names(cache_folder) == []


def test_a_format_version_change_makes_every_entry_stale(cache_folder, small, monkeypatch):
    folder, arrays = small
    load_mnist(folder)
    before = cached_names(cache_folder)
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    reads = count_idx_reads(monkeypatch)
    assert_holds(load_mnist(folder), arrays)
    assert len(reads) == 4
    after = cached_names(cache_folder)
    assert len(after) == 4 and not set(after) & set(before)


# --- a damaged or hostile entry: read from the file, the entry rebuilt --------------------

def _npy(array, **kwargs) -> bytes:
    data = io.BytesIO()
    np.save(data, array, **kwargs)
    return data.getvalue()


def _header(version: bytes, text: str) -> bytes:
    """A .npy header of ``version`` (1.0 or 2.0) holding ``text``, padded as numpy pads."""
    size = 2 if version == b"\x01\x00" else 4
    body = text.encode("latin1")
    body += b" " * (-(8 + size + len(body) + 1) % 64) + b"\n"
    return b"\x93NUMPY" + version + len(body).to_bytes(size, "little") + body


def _fake_npy(kind: str, path: Path, arrays) -> None:
    images = arrays["train_images"]
    good = _npy(images)
    if kind == "truncated":
        path.write_bytes(good[:-100])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "trailing bytes":
        path.write_bytes(good + b"\0" * 784)
    elif kind == "not a .npy":
        path.write_bytes(os.urandom(len(good)))
    elif kind == "one image short":
        path.write_bytes(_npy(images[:-1]))
    elif kind == "flat images":
        path.write_bytes(_npy(images.reshape(len(images), -1)))
    elif kind == "float64":
        path.write_bytes(_npy(images.astype(np.float64)))
    elif kind == "big-endian uint16":
        path.write_bytes(_npy(images.astype(">u2")))
    elif kind == "Fortran order":
        path.write_bytes(_npy(np.asfortranarray(images)))
    elif kind == "pickled objects":
        path.write_bytes(_npy(np.array([print] * 6 * 28 * 28, dtype=object).reshape(6, 28, 28), allow_pickle=True))
    elif kind == "huge header":  # a 2.0 header that says it is 2 GB long
        path.write_bytes(b"\x93NUMPY\x02\x00" + (2 << 30).to_bytes(4, "little") + b"{" + b" " * 200)
    elif kind == "huge shape":  # a valid header of a 784 TB array, and no data
        path.write_bytes(_header(b"\x01\x00", "{'descr': '|u1', 'fortran_order': False, "
                                              "'shape': (1000000000000, 28, 28), }"))
    elif kind == "FIFO":
        os.mkfifo(path)
    elif kind == "symlink loop":
        os.symlink(path.name, path)
    elif kind == "folder":
        (path / "inside").mkdir(parents=True)
    elif kind == "no permission":
        path.write_bytes(good)
        path.chmod(0)
    else:
        raise ValueError(kind)


HOSTILE = ["truncated", "empty", "trailing bytes", "not a .npy", "one image short", "flat images", "float64",
           "big-endian uint16", "Fortran order", "pickled objects", "huge header", "huge shape", "FIFO",
           "symlink loop", "folder", "no permission"]


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_entry_falls_back_to_the_file_and_is_rebuilt(kind, cache_folder, small, monkeypatch,
                                                               capfd, recwarn):
    folder, arrays = small
    load_mnist(folder)
    entry = entry_path(folder, "train_images")
    entry.unlink()
    _fake_npy(kind, entry, arrays)
    with monkeypatch.context() as patch:
        if kind == "no permission" and os.access(entry, os.R_OK):
            _deny(patch, entry)  # root reads anything: the system refuses it here instead
        reads = count_idx_reads(patch)
        assert_holds(load_quietly(folder, capfd, recwarn), arrays)
        assert reads == [find_mnist_files(folder)["train_images"]]
    if kind == "folder":  # left alone: bpviz removes no folder
        assert entry.is_dir()
        return
    assert not entry.is_symlink() and entry.stat().st_mode & 0o600 == 0o600
    reads = count_idx_reads(monkeypatch)
    assert_holds(load_mnist(folder), arrays)
    assert reads == []


def _deny(monkeypatch, *paths: Path) -> None:
    """Opening any of ``paths`` (or anything inside them) fails with EACCES, as it does for a
    user without the permission (chmod does not stop root)."""
    real = os.open
    denied = [os.fspath(p) for p in paths]

    def open_(path, *args, **kwargs):
        text = os.fspath(path)
        if isinstance(text, str) and any(text == d or text.startswith(d + os.sep) for d in denied):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), text)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)


def test_a_link_in_the_cache_is_replaced_not_written_through(cache_folder, small, tmp_path):
    folder, arrays = small
    load_mnist(folder)
    entry = entry_path(folder, "train_images")
    outside = tmp_path / "notes.txt"
    outside.write_text("mine")
    entry.unlink()
    entry.symlink_to(outside)
    assert_holds(load_mnist(folder), arrays)
    assert outside.read_text() == "mine"
    assert not entry.is_symlink() and entry.is_file()


# --- a hostile or unwritable cache folder: the files are read, nothing is said -------------

def _cache_is(kind: str, path: Path, monkeypatch) -> None:
    if kind == "a file":
        path.write_text("not a folder")
    elif kind == "a file in its path":
        path.write_text("not a folder")
        monkeypatch.setenv(cache.CACHE_DIR_VARIABLE, str(path / "cache"))
    elif kind == "its mnist folder a file":
        path.mkdir()
        (path / "mnist").write_text("not a folder")
    elif kind == "a symlink loop":
        os.symlink(path.name, path)
    elif kind == "a FIFO":
        os.mkfifo(path)
    elif kind == "no permission":
        path.mkdir()
        path.chmod(0)
        if os.access(path, os.R_OK | os.W_OK | os.X_OK):  # root: the system refuses it instead
            _deny(monkeypatch, path)
            monkeypatch.setattr(os, "mkdir", _refuse)
    else:
        raise ValueError(kind)


def _refuse(*args, **kwargs):
    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))


def _state(path: Path):
    """What is at ``path``, to compare: a file's bytes, a folder's names and their states,
    or the kind of anything else."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISREG(info.st_mode):
        return path.read_bytes()
    if stat.S_ISDIR(info.st_mode):
        try:
            return sorted((name, _state(path / name)) for name in os.listdir(path))
        except PermissionError:
            return "a folder that cannot be listed"
    return stat.S_IFMT(info.st_mode)


@pytest.mark.parametrize("kind", ["a file", "a file in its path", "its mnist folder a file", "a symlink loop",
                                  "a FIFO", "no permission"])
def test_a_hostile_cache_folder_only_costs_the_speed(kind, cache_folder, small, monkeypatch, capfd, recwarn):
    folder, arrays = small
    _cache_is(kind, cache_folder, monkeypatch)
    before = _state(cache_folder)
    for _ in range(2):
        reads = count_idx_reads(monkeypatch)
        assert_holds(load_quietly(folder, capfd, recwarn), arrays)
        assert len(reads) == 4
    assert _state(cache_folder) == before


@pytest.fixture
def read_only(monkeypatch):
    """Makes a folder read-only: by its mode, and, for root (whom the mode does not stop), by
    refusing the new files a read-only folder refuses (as tests/reliability/test_faults.py)."""
    folders = []

    def make(folder: Path):
        folders.extend(path for path in [folder, *folder.rglob("*")] if path.is_dir())
        for path in folders:
            path.chmod(0o555)
        if os.access(folder, os.W_OK):
            monkeypatch.setattr(tempfile, "mkstemp", _refuse)

    yield make
    for path in folders:
        path.chmod(0o755)


def test_a_read_only_cache_folder_is_read_and_a_stale_entry_in_it_costs_the_speed(
        cache_folder, small, read_only, monkeypatch, capfd, recwarn):
    folder, arrays = small
    load_mnist(folder)
    names = cached_names(cache_folder)
    read_only(cache_folder)
    with monkeypatch.context() as patch:
        only_the_cache(patch)
        assert_holds(load_quietly(folder, capfd, recwarn), arrays)
    source = find_mnist_files(folder)["test_labels"]
    os.utime(source, ns=(0, os.stat(source).st_mtime_ns + 1_000_000_000))
    for _ in range(2):
        reads = count_idx_reads(monkeypatch)
        assert_holds(load_quietly(folder, capfd, recwarn), arrays)
        assert reads == [source]
    assert cached_names(cache_folder) == names


def test_an_empty_read_only_cache_folder_only_costs_the_speed(cache_folder, small, read_only, monkeypatch,
                                                              capfd, recwarn):
    folder, arrays = small
    (cache_folder / "mnist").mkdir(parents=True)
    read_only(cache_folder)
    for _ in range(2):
        reads = count_idx_reads(monkeypatch)
        assert_holds(load_quietly(folder, capfd, recwarn), arrays)
        assert len(reads) == 4
    assert cached_names(cache_folder) == []


# --- processes that load at once -------------------------------------------------------------

CHILD = """
import hashlib, sys, time
from pathlib import Path
from bpviz.data.mnist import load_mnist
Path(sys.argv[1]).touch()  # ready
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.002)
data = load_mnist()
print(" ".join(hashlib.sha256(getattr(data, k).tobytes()).hexdigest()
               for k in ("train_images", "train_labels", "test_images", "test_labels")))
"""


def _digests(data) -> str:
    return " ".join(hashlib.sha256(getattr(data, k).tobytes()).hexdigest() for k in KEYS)


def test_processes_loading_at_once_get_the_arrays_and_leave_a_valid_cache(cache_folder, tmp_path, monkeypatch):
    go, ready = tmp_path / "go", [tmp_path / f"ready-{n}" for n in range(3)]
    env = {**os.environ, cache.CACHE_DIR_VARIABLE: str(cache_folder), "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(flag), str(go)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for flag in ready]
    deadline = time.monotonic() + 60
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.01)  # every child has imported bpviz: they load at once
    go.touch()
    results = [child.communicate(timeout=120) for child in children]
    expected = _digests(mnist_module._load(embedded_mnist_dir(), use_cache=False))
    for child, (out, err) in zip(children, results):
        assert child.returncode == 0 and err == "", err
        assert out.strip() == expected
    names = cached_names(cache_folder)
    assert len(names) == 4 and all(name.endswith(".npy") for name in names)  # no temporary file left
    only_the_cache(monkeypatch)
    assert _digests(load_mnist(embedded_mnist_dir())) == expected


# --- where the cache is ---------------------------------------------------------------------

@pytest.mark.parametrize("platform, environ, expected", [
    ("linux", {"XDG_CACHE_HOME": "/var/tmp/xdg"}, "/var/tmp/xdg/bpviz"),
    ("linux", {"XDG_CACHE_HOME": "relative/ignored"}, "{home}/.cache/bpviz"),
    ("linux", {}, "{home}/.cache/bpviz"),
    ("darwin", {"XDG_CACHE_HOME": "/var/tmp/xdg"}, "{home}/Library/Caches/bpviz"),
    ("win32", {"LOCALAPPDATA": "/c/Users/ada/AppData/Local"}, "/c/Users/ada/AppData/Local/bpviz"),
    ("linux", {"BPVIZ_CACHE_DIR": "/srv/cache", "XDG_CACHE_HOME": "/var/tmp/xdg"}, "/srv/cache"),
])
def test_the_cache_is_where_the_platform_keeps_caches(platform, environ, expected, monkeypatch, tmp_path):
    for name in ("BPVIZ_CACHE_DIR", "XDG_CACHE_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", platform)
    assert cache.cache_dir() == Path(expected.format(home=tmp_path))


def test_the_tests_never_use_the_users_cache(monkeypatch):
    folder = cache.cache_dir()  # the session's (tests/conftest.py), which child processes inherit
    assert folder is not None and "bpviz-test-cache-" in folder.name
    monkeypatch.delenv(cache.CACHE_DIR_VARIABLE)
    users = cache.cache_dir()
    assert users is not None and folder != users and users not in folder.parents
