"""Bounded reads: whatever a path turns out to be (a FIFO, a device, a folder, a sparse
40 GB file, a symlink loop, a gzip bomb), it is refused in words, at once, without
reading past the limit."""

from __future__ import annotations

import gzip
import os
import threading

import pytest

from bpviz.fileio import UnreadableFile, gunzip_limited, read_limited

EXPECTED = "a bpviz lesson (.json)"


def _refusal(path, limit=1 << 20) -> str:
    with pytest.raises(UnreadableFile) as caught:
        read_limited(path, limit, EXPECTED)
    text = str(caught.value)
    assert f"expected {EXPECTED}" in text and "Traceback" not in text
    return text


def test_a_regular_file_within_the_limit_is_read_whole(tmp_path):
    path = tmp_path / "lesson.json"
    path.write_bytes(b"{}" * 50)
    assert read_limited(path, 100, EXPECTED) == b"{}" * 50


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = {}
    reader = threading.Thread(target=lambda: result.update(text=_refusal(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=5)
    assert not reader.is_alive(), "opening a FIFO blocked"
    assert "FIFO" in result["text"] and "not a regular file" in result["text"]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused(device):
    if not os.path.exists(device):
        pytest.skip(f"{device} is not on this system")
    assert "device" in _refusal(device)


def test_a_folder_a_missing_file_a_path_under_a_file_and_a_loop_are_each_named(tmp_path):
    assert "folder" in _refusal(tmp_path)
    assert "does not exist" in _refusal(tmp_path / "missing.json")
    (tmp_path / "file").write_text("x")
    assert "part of its path is a file" in _refusal(tmp_path / "file" / "lesson.json")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    assert "loop of symbolic links" in _refusal(tmp_path / "loop")


def test_a_huge_sparse_file_is_refused_by_its_size_before_reading(tmp_path):
    sparse = tmp_path / "sparse.json"
    with open(sparse, "wb") as handle:
        handle.truncate(40 << 30)  # 40 GB of holes: reading it would take minutes
    assert "40 GB" in _refusal(sparse, 10 << 20) and "at most 10 MB" in _refusal(sparse, 10 << 20)


def test_a_gzip_bomb_stops_at_the_limit_and_damaged_gzip_is_named():
    bomb = gzip.compress(b"\0" * (64 << 20))  # 64 MB of zeros in about 64 kB
    with pytest.raises(UnreadableFile, match="inflates to more than 8 MB"):
        gunzip_limited(bomb, 8 << 20, "an MNIST file")
    assert gunzip_limited(gzip.compress(b"digits"), 100, "an MNIST file") == b"digits"
    with pytest.raises(UnreadableFile, match="cut short"):
        gunzip_limited(gzip.compress(b"digits" * 100)[:-12], 10_000, "an MNIST file")
    with pytest.raises(UnreadableFile, match="damaged gzip"):
        gunzip_limited(b"\x1f\x8b\x08\x00garbage" * 4, 10_000, "an MNIST file")


# --- the write side: saves that do no harm to what they replace (issue 18, kind 6) -----------

import errno  # noqa: E402
import socket  # noqa: E402
import stat  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from bpviz.fileio import (  # noqa: E402
    STALE_SECONDS, WriteRefused, atomic_write_bytes, remove_leftovers, same_file, write_problem, write_target,
)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _temporaries(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


@pytest.fixture
def umask():
    """Set the process's umask for a test, and put it back."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield os.umask
    os.umask(previous)


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o640, 0o664, 0o755, 0o606])
def test_a_save_keeps_the_permission_bits_of_the_file_it_replaces(tmp_path, mode):
    target = tmp_path / "lesson.json"
    target.write_bytes(b"old")
    os.chmod(target, mode)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and _mode(target) == mode  # a shared 0644 lesson stays 0644
    assert _temporaries(tmp_path) == []


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002, 0o027])
def test_a_new_file_gets_0666_less_the_umask(tmp_path, umask, mask):
    umask(mask)
    atomic_write_bytes(tmp_path / "new.npz", b"data")
    assert _mode(tmp_path / "new.npz") == 0o666 & ~mask


def test_a_save_keeps_the_owner_and_group_where_allowed(tmp_path):
    target = tmp_path / "model.npz"
    target.write_bytes(b"old")
    try:  # root may give the file to another owner; a normal user keeps their own
        os.chown(target, 4321, 4322)
    except PermissionError:
        pass
    before = os.stat(target)
    atomic_write_bytes(target, b"new")
    after = os.stat(target)
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


def test_a_read_only_file_is_refused_or_kept_read_only(tmp_path):
    """A normal user is told the file is read-only; root (whom chmod does not stop) writes
    it and it stays read-only."""
    target = tmp_path / "kept.json"
    target.write_bytes(b"old")
    os.chmod(target, 0o444)
    if os.access(target, os.W_OK):
        atomic_write_bytes(target, b"new")
        assert target.read_bytes() == b"new" and _mode(target) == 0o444
    else:
        with pytest.raises(WriteRefused, match="read-only"):
            atomic_write_bytes(target, b"new")
        assert target.read_bytes() == b"old"


@pytest.mark.parametrize("how", ["relative", "absolute", "chain", "other folder"])
def test_saving_onto_a_symlink_writes_its_target_and_keeps_the_link(tmp_path, how):
    elsewhere = tmp_path / "elsewhere" if how == "other folder" else tmp_path
    elsewhere.mkdir(exist_ok=True)
    real = elsewhere / "real.json"
    real.write_bytes(b"old")
    os.chmod(real, 0o644)
    link = tmp_path / "link.json"
    if how == "chain":
        (tmp_path / "middle.json").symlink_to("real.json")
        link.symlink_to("middle.json")
    else:
        link.symlink_to(real if how != "relative" else "real.json")
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new" and _mode(real) == 0o644
    assert _temporaries(tmp_path) == [] and _temporaries(elsewhere) == []


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.npz"
    link.symlink_to("made.npz")
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and (tmp_path / "made.npz").read_bytes() == b"new"


def test_a_symlink_loop_or_a_link_to_a_folder_is_refused_and_left(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(WriteRefused, match="loop of symbolic links"):
        atomic_write_bytes(tmp_path / "a", b"x")
    (tmp_path / "folder").mkdir()
    (tmp_path / "to-folder").symlink_to("folder")
    with pytest.raises(WriteRefused, match="folder"):
        atomic_write_bytes(tmp_path / "to-folder", b"x")
    assert (tmp_path / "a").is_symlink() and (tmp_path / "to-folder").is_symlink()
    assert sorted(os.listdir(tmp_path)) == ["a", "b", "folder", "to-folder"]


def _refused(path, words: str) -> str:
    with pytest.raises(WriteRefused) as caught:
        atomic_write_bytes(path, b"data")
    message = write_problem(path, caught.value)
    assert words in message and str(path) in message, message
    return message


def test_a_fifo_is_refused_at_once_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    done = threading.Event()
    saver = threading.Thread(target=lambda: (_refused(fifo, "FIFO (named pipe), not a regular file"),
                                             done.set()), daemon=True)
    saver.start()
    saver.join(timeout=5)
    assert done.is_set(), "saving onto a FIFO blocked or failed otherwise"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and _temporaries(tmp_path) == []


def test_a_device_node_is_refused_and_stays_a_device(tmp_path):
    device = tmp_path / "null"
    try:  # root can make one: a private /dev/null
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        device = "/dev/null"
    _refused(device, "character device, not a regular file")
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    with pytest.raises(WriteRefused, match="character device"):
        write_target("/dev/null")  # (checked only: never written)


def test_dev_stdout_and_a_socket_and_a_folder_are_refused(tmp_path):
    for stream in ("/dev/stdout", "/proc/self/fd/1", "/dev/fd/2"):
        if os.path.exists(os.path.dirname(stream)):
            with pytest.raises(WriteRefused, match="open file or stream"):
                write_target(stream)
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock.json"))
        _refused(tmp_path / "sock.json", "socket, not a regular file")
    finally:
        server.close()
    _refused(tmp_path, "is a folder; expected a file name")
    _refused(f"{tmp_path}/missing/", "expected a file name")


@pytest.mark.parametrize("name", ["m" * 246 + ".npz", "l" * 255, "é" * 126 + ".j", "模" * 83 + ".n"])
def test_a_name_as_long_as_the_system_takes_saves(tmp_path, name):
    assert len(os.fsencode(name)) <= 255
    atomic_write_bytes(tmp_path / name, b"data")
    atomic_write_bytes(tmp_path / name, b"again")  # replacing it too
    assert (tmp_path / name).read_bytes() == b"again" and _temporaries(tmp_path) == []


def test_a_name_too_long_is_refused_with_its_length(tmp_path):
    with pytest.raises(WriteRefused) as caught:
        atomic_write_bytes(tmp_path / ("x" * 300), b"data")
    message = write_problem(tmp_path / ("x" * 300), caught.value)
    assert "has a name of 300 bytes; the file system takes at most 255; choose a shorter name" in message
    assert len(message) < 500 and list(tmp_path.iterdir()) == []  # the name is cut in the message


@pytest.mark.parametrize("second", ["same", "dotted", "symlink", "hard link"])
def test_two_names_of_one_file_are_the_same_file(tmp_path, second):
    first = tmp_path / "run.json"
    first.write_bytes(b"x")
    other = {"same": first, "dotted": tmp_path / "sub" / ".." / "run.json",
             "symlink": tmp_path / "link.json", "hard link": tmp_path / "hard.json"}[second]
    (tmp_path / "sub").mkdir()
    if second == "symlink":
        other.symlink_to(first)
    elif second == "hard link":
        os.link(first, other)
    assert same_file(first, other)
    assert not same_file(first, tmp_path / "other.json")


def _leftover(folder, name: str, age: float = 0.0) -> str:
    path = os.path.join(folder, name)
    with open(path, "wb") as handle:
        handle.write(b"half a save")
    then = time.time() - age
    os.utime(path, (then, then))
    return name


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_whose_writer_is_gone_or_that_are_stale_are_removed_by_the_next_save(tmp_path):
    dead = _dead_pid()
    gone = [_leftover(tmp_path, f".model.npz.bpviz{dead}-abcdefgh.tmp"),            # killed, this name
            _leftover(tmp_path, f".run.json.bpviz{dead}-x1y2z3_4.tmp"),             # killed, another name
            _leftover(tmp_path, ".model.npz.q8w7e6r5.tmp", age=STALE_SECONDS + 60)]  # an older bpviz's, stale
    kept = [_leftover(tmp_path, ".model.npz.fresh123.tmp"),                           # its writer may be at work
            _leftover(tmp_path, ".notes.txt.oldstuff.tmp", age=10 * STALE_SECONDS),  # not ours, another name
            _leftover(tmp_path, f".model.npz.bpviz{os.getpid()}-livelive.tmp")]     # a live writer
    atomic_write_bytes(tmp_path / "model.npz", b"new")
    left = _temporaries(tmp_path)
    assert not set(gone) & set(left) and set(kept) <= set(left)
    assert (tmp_path / "model.npz").read_bytes() == b"new"


def test_a_leftover_held_by_a_live_writer_is_kept(tmp_path):
    import fcntl

    name = _leftover(tmp_path, f".model.npz.bpviz{_dead_pid()}-heldheld.tmp", age=10 * STALE_SECONDS)
    with open(tmp_path / name, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a save at work holds its temporary file
        assert remove_leftovers(tmp_path, "model.npz") == []
    assert remove_leftovers(tmp_path, "model.npz") == [name]


def test_leftovers_that_are_not_regular_files_are_left(tmp_path):
    dead = _dead_pid()
    (tmp_path / f".model.npz.bpviz{dead}-linklink.tmp").symlink_to("/etc/hostname")
    (tmp_path / f".model.npz.bpviz{dead}-folderxx.tmp").mkdir()
    assert remove_leftovers(tmp_path, "model.npz") == []


SAVE_AND_HANG = """
import os, sys, time
from bpviz import fileio

def hang(fd):
    print("writing", flush=True)
    time.sleep(60)

fileio.os.fsync = hang
fileio.atomic_write_bytes(sys.argv[1], b"new bytes")
"""


def test_a_killed_saves_temporary_is_removed_by_the_next_save(tmp_path):
    target = tmp_path / "lesson.json"
    target.write_bytes(b"old")
    process = subprocess.Popen([sys.executable, "-c", SAVE_AND_HANG, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "writing"
        process.kill()
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert len(_temporaries(tmp_path)) == 1 and target.read_bytes() == b"old"
    atomic_write_bytes(tmp_path / "other.json", b"x")  # the next save to the folder
    assert _temporaries(tmp_path) == [] and target.read_bytes() == b"old"


def test_write_problem_names_the_file_and_says_what_to_do(tmp_path):
    assert write_problem(tmp_path / "m.npz", OSError(errno.ENAMETOOLONG, "x")).endswith("choose a shorter name")
    assert "\\n" in write_problem("bad\nname.npz", OSError(errno.ENOSPC, "x"))  # still one line


# --- several files, all or none ---------------------------------------------------------------

from bpviz.fileio import atomic_write_files  # noqa: E402


def test_several_files_are_written_together(tmp_path):
    text, picture = tmp_path / "notes.md", tmp_path / "notes-graph.png"
    text.write_bytes(b"old text")
    atomic_write_files([(text, b"new text"), (picture, b"new picture")])
    assert text.read_bytes() == b"new text" and picture.read_bytes() == b"new picture"
    assert _temporaries(tmp_path) == []


def test_a_rename_that_fails_puts_back_the_files_renamed_before_it(tmp_path, monkeypatch):
    """The second rename fails (the folder changed meanwhile): the first target gets its old
    file back, a new one is removed, and no temporary file stays."""
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_bytes(b"the user's text")
    third = tmp_path / "third.png"
    renames = []
    replace = os.replace

    def failing(source, target):
        renames.append(target)
        if len(renames) == 3:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        replace(source, target)

    monkeypatch.setattr("bpviz.fileio.os.replace", failing)
    with pytest.raises(OSError) as caught:
        atomic_write_files([(old, b"new text"), (new, b"new file"), (third, b"picture")])
    assert caught.value.filename == str(third)  # the file it is about
    assert old.read_bytes() == b"the user's text" and not new.exists() and not third.exists()
    assert sorted(os.listdir(tmp_path)) == ["old.md"]


def test_two_names_of_one_file_are_refused_before_anything_is_written(tmp_path):
    text = tmp_path / "notes.md"
    (tmp_path / "notes-graph.png").symlink_to("notes.md")
    with pytest.raises(WriteRefused) as caught:
        atomic_write_files([(text, b"text"), (tmp_path / "notes-graph.png", b"picture")])
    assert caught.value.filename == str(tmp_path / "notes-graph.png")
    assert write_problem(caught.value.filename, caught.value).endswith(
        f"could not write: leads to the same file as {text}; choose another name")
    assert sorted(os.listdir(tmp_path)) == ["notes-graph.png"]
