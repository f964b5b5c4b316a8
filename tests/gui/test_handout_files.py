"""File > Export worked example… and the files already there: the graph's picture beside a
Markdown or LaTeX handout is never replaced without a question naming it, the two files
are written together or not at all, and hostile targets (a folder, a FIFO, a link, a
read-only file or folder, odd or very long names) get a message naming the file."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import tempfile
from urllib.parse import unquote

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from tests.gui.userpath import answer_dialogs, button, choose_file, click_menu, ok_button

MARKDOWN, LATEX, PDF = "Markdown with LaTeX maths", "LaTeX document", "PDF, typeset for printing"
MINE = b"the user's own picture, not a PNG bpviz wrote"


def _export(qtbot, window, monkeypatch, chosen, kind: str, *answers):
    """File > Export worked example… as ``kind``, ``chosen`` in the file chooser (a list:
    one per chooser shown, then cancelled); ``answers`` answer the questions that follow.
    Returns the choosers shown."""
    shown = choose_file(monkeypatch, chosen, save=True)

    def fill(dialog):
        dialog.kind.setCurrentIndex(dialog.kind.findText(kind))
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with answer_dialogs(qtbot, fill, *answers):
        click_menu(qtbot, window, "File", "Export worked example…")
    return shown


def _answer(word: str, seen: list):
    """Answers the question about files already there with ``word``, noting what it said."""
    def answer(question):
        seen.append((question.windowTitle(), question.text(), question.informativeText()))
        QTest.mouseClick(button(question, word), Qt.MouseButton.LeftButton)
    return answer


def _message(qtbot, window) -> str:
    qtbot.waitUntil(lambda: window.message is not None and window.message.isVisible(), timeout=5000)
    text = window.message.text()
    window.message.close()
    return text


def _temporaries(folder) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_users_picture_of_that_name_is_asked_about_and_no_chooses_another_name(qtbot, main_window, tmp_path,
                                                                                  monkeypatch):
    mine = tmp_path / "notes-graph.png"
    mine.write_bytes(MINE)
    seen = []
    shown = _export(qtbot, main_window, monkeypatch, [tmp_path / "notes.md", tmp_path / "lesson.md"], MARKDOWN,
                    _answer("No", seen))
    assert seen == [("Replace the file?", f"notes-graph.png already exists in {tmp_path}.",
                     "Replace it with its picture of the graph? No chooses another name.")]
    assert len(shown) == 2 and shown[1]["directory"] == str(tmp_path / "notes.md")  # the chooser again, at that name
    assert mine.read_bytes() == MINE and not (tmp_path / "notes.md").exists()
    assert "![The network's graph](lesson-graph.png)" in (tmp_path / "lesson.md").read_text(encoding="utf-8")
    assert not QImage(str(tmp_path / "lesson-graph.png")).isNull()
    assert "to " + str(tmp_path / "lesson.md") + ", its graph to lesson-graph.png" in \
           main_window.statusBar().currentMessage()


def test_no_then_cancel_writes_nothing_and_yes_replaces(qtbot, main_window, tmp_path, monkeypatch):
    mine = tmp_path / "notes-graph.png"
    mine.write_bytes(MINE)
    seen = []
    _export(qtbot, main_window, monkeypatch, [tmp_path / "notes.md"], MARKDOWN, _answer("No", seen))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes-graph.png"] and mine.read_bytes() == MINE
    _export(qtbot, main_window, monkeypatch, [tmp_path / "notes.md"], MARKDOWN, _answer("Yes", seen))
    assert len(seen) == 2 and not QImage(str(mine)).isNull()  # replaced by the graph, once asked
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes-graph.png", "notes.md"]


def test_a_name_typed_without_its_ending_is_asked_about_with_both_files(qtbot, main_window, tmp_path, monkeypatch):
    """The chooser knew only "notes"; the export writes notes.tex and notes-graph.png."""
    for name in ("notes.tex", "notes-graph.png"):
        (tmp_path / name).write_bytes(MINE)
    seen = []
    _export(qtbot, main_window, monkeypatch, [tmp_path / "notes"], LATEX, _answer("No", seen))
    assert seen == [("Replace the files?", f"notes.tex and notes-graph.png already exist in {tmp_path}.",
                     "Replace them with the worked example and its picture of the graph? No chooses another name.")]
    assert all((tmp_path / name).read_bytes() == MINE for name in ("notes.tex", "notes-graph.png"))


def test_a_pdf_already_there_is_asked_about_once(qtbot, main_window, tmp_path, monkeypatch):
    old = tmp_path / "worked.pdf"
    old.write_bytes(MINE)
    seen = []
    _export(qtbot, main_window, monkeypatch, [old], PDF, _answer("Yes", seen))
    assert [text for _, text, _ in seen] == [f"worked.pdf already exists in {tmp_path}."]
    assert old.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("which, says", [
    ("notes.md", "is a folder; expected a file name ending in .md"),
    ("notes-graph.png", "could not write: is a folder; expected a file name"),
])
def test_a_folder_of_either_name_leaves_everything_as_it_was(qtbot, main_window, tmp_path, monkeypatch, which, says):
    (tmp_path / which).mkdir()
    _export(qtbot, main_window, monkeypatch, [tmp_path / "notes.md"], MARKDOWN)  # refused: no question
    assert _message(qtbot, main_window) == f"{tmp_path / which}: {says}"
    assert [p.name for p in tmp_path.iterdir()] == [which] and not any((tmp_path / which).iterdir())


@pytest.fixture
def read_only_folder(tmp_path, monkeypatch):
    """A folder that refuses new files: by its mode, and, for root (whom the mode does not
    stop), by refusing them as such a folder does (as tests/reliability/test_faults.py)."""
    folder = tmp_path / "handouts"
    folder.mkdir()
    (folder / "notes-graph.png").write_bytes(MINE)
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):
        def refuse(*args, **kwargs):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    yield folder
    folder.chmod(0o755)


def test_a_read_only_folder_gets_a_message_and_keeps_the_users_picture(qtbot, main_window, read_only_folder,
                                                                      monkeypatch):
    _export(qtbot, main_window, monkeypatch, [read_only_folder / "notes.md"], MARKDOWN, _answer("Yes", []))
    assert _message(qtbot, main_window) == (f"{read_only_folder / 'notes.md'}: could not write: permission denied; "
                                            f"choose a folder you can write to")
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["notes-graph.png"]
    assert (read_only_folder / "notes-graph.png").read_bytes() == MINE


def test_a_disk_full_at_the_picture_leaves_neither_file_half_done(qtbot, main_window, tmp_path, monkeypatch):
    """The text is flushed, then the picture finds the disk full: no new text, no picture,
    no temporary file; the old text is as it was."""
    old = tmp_path / "notes.md"
    old.write_bytes(b"last week's notes")
    flushed = []
    fsync = os.fsync

    def full_at_the_second(fd):
        flushed.append(fd)
        if len(flushed) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        fsync(fd)

    monkeypatch.setattr("bpviz.fileio.os.fsync", full_at_the_second)
    _export(qtbot, main_window, monkeypatch, [old], MARKDOWN, _answer("Yes", []))
    assert _message(qtbot, main_window) == (f"{tmp_path / 'notes-graph.png'}: could not write: the disk is full; "
                                            f"free some space or choose another disk")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md"] and old.read_bytes() == b"last week's notes"


@pytest.mark.parametrize("which", ["notes.md", "notes-graph.png"])
def test_a_fifo_of_either_name_is_refused_at_once(qtbot, main_window, tmp_path, monkeypatch, which):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    os.mkfifo(tmp_path / which)
    _export(qtbot, main_window, monkeypatch, [tmp_path / "notes.md"], MARKDOWN)  # never opened: no hang
    assert _message(qtbot, main_window) == (f"{tmp_path / which}: could not write: is a FIFO (named pipe), "
                                            f"not a regular file; choose a file name")
    assert [p.name for p in tmp_path.iterdir()] == [which]


def test_a_picture_that_is_a_link_writes_where_it_leads_and_one_to_the_text_is_refused(qtbot, main_window,
                                                                                      tmp_path, monkeypatch):
    elsewhere = tmp_path / "pictures"
    elsewhere.mkdir()
    (elsewhere / "graph.png").write_bytes(MINE)
    folder = tmp_path / "handouts"
    folder.mkdir()
    (folder / "notes-graph.png").symlink_to(elsewhere / "graph.png")
    seen = []
    _export(qtbot, main_window, monkeypatch, [folder / "notes.md"], MARKDOWN, _answer("Yes", seen))
    assert [text for _, text, _ in seen] == [f"notes-graph.png already exists in {folder}."]
    assert (folder / "notes-graph.png").is_symlink() and not QImage(str(elsewhere / "graph.png")).isNull()
    (folder / "other-graph.png").symlink_to("other.md")  # the picture would overwrite the text
    _export(qtbot, main_window, monkeypatch, [folder / "other.md"], MARKDOWN)
    assert _message(qtbot, main_window) == (f"{folder / 'other-graph.png'}: could not write: leads to the same "
                                            f"file as {folder / 'other.md'}; choose another name")
    assert not (folder / "other.md").exists() and _temporaries(folder) == []


def test_a_read_only_picture_is_refused_by_name(qtbot, main_window, tmp_path, monkeypatch):
    """Root writes a read-only file (chmod does not stop root): there the system is made to
    say what it says to a normal user."""
    mine = tmp_path / "notes-graph.png"
    mine.write_bytes(MINE)
    mine.chmod(0o444)
    if os.access(mine, os.W_OK):
        access = os.access
        monkeypatch.setattr("bpviz.fileio.os.access", lambda p, mode, **kw: os.fspath(p) != str(mine) and
                            access(p, mode, **kw))
    _export(qtbot, main_window, monkeypatch, [tmp_path / "notes.md"], MARKDOWN)
    assert _message(qtbot, main_window) == (f"{mine}: could not write: is read-only; make it writable or choose "
                                            f"another file")
    assert mine.read_bytes() == MINE and [p.name for p in tmp_path.iterdir()] == ["notes-graph.png"]


def test_a_very_long_name_is_refused_for_the_picture_that_would_not_fit(qtbot, main_window, tmp_path, monkeypatch):
    long = "x" * 240 + ".md"  # fits; "…-graph.png" (250 bytes) does too; 246 does not
    longer = "y" * 246 + ".md"
    _export(qtbot, main_window, monkeypatch, [tmp_path / long], MARKDOWN)
    assert (tmp_path / ("x" * 240 + "-graph.png")).exists()
    _export(qtbot, main_window, monkeypatch, [tmp_path / longer], MARKDOWN)
    message = _message(qtbot, main_window)
    assert message.endswith("-graph.png: could not write: has a name of 256 bytes; the file system takes at most "
                            "255; choose a shorter name"), message
    assert not (tmp_path / longer).exists() and _temporaries(tmp_path) == []


ODD = "Übung 1 – $x_50% #3 {b}"  # accents, spaces, LaTeX's specials


def test_an_odd_name_in_markdown_links_the_picture_written(qtbot, main_window, tmp_path, monkeypatch):
    _export(qtbot, main_window, monkeypatch, [tmp_path / f"{ODD}.md"], MARKDOWN)
    text = (tmp_path / f"{ODD}.md").read_text(encoding="utf-8")
    link = re.search(r"!\[The network's graph\]\(([^()\s]+)\)", text)[1]  # one Markdown link: no space or bracket
    assert unquote(link) == f"{ODD}-graph.png" and (tmp_path / unquote(link)).is_file()


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_an_odd_name_in_latex_compiles_with_its_picture(qtbot, main_window, tmp_path, monkeypatch):
    pypdf = pytest.importorskip("pypdf")
    _export(qtbot, main_window, monkeypatch, [tmp_path / f"{ODD}.tex"], LATEX)
    picture = "Übung 1 – $x_50- -3 -b--graph.png"  # % # { } are "-": pdflatex reads the rest
    assert (tmp_path / picture).is_file()
    assert f"Exported the worked example (steps 1 to 32) to {tmp_path / ODD}.tex, its graph to {picture}" == \
           main_window.statusBar().currentMessage()
    shutil.copy(tmp_path / f"{ODD}.tex", tmp_path / "handout.tex")  # the document's own name is pdflatex's business
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "handout.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    first = pypdf.PdfReader(str(tmp_path / "handout.pdf")).pages[0]
    assert len(first.images) == 1  # the graph, found by its name
