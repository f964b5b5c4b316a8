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
