"""File > Export worked example…: the steps of the row shown on paper, through the dialog's
own widgets (format, paper size, range) with only the file chooser replaced; the PDF read
back with pypdf, the Markdown and LaTeX beside the graph's PNG."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from bpviz.cli import main
from bpviz.gui import style
from tests.gui.userpath import answer_dialog, answer_dialogs, button, choose_file, click_menu, ok_button, type_into

pypdf = pytest.importorskip("pypdf")

A4_POINTS, LETTER_POINTS = (595, 842), (612, 792)


def _export(qtbot, window, monkeypatch, target, kind: str, paper: str | None = None, steps=None, *answers,
            blank: bool = False):
    """File > Export worked example…, the dialog filled as a person does, ``target`` chosen
    (a list: one per chooser shown); ``answers`` answer the dialogs that follow it (the
    question about files already there); ``blank``: its Results box ticked (a worksheet)."""
    shown = choose_file(monkeypatch, target, save=True)

    def fill(dialog):
        if dialog.blank.isChecked() != blank:  # ticked or not as asked (the dialog offers last time's)
            qtbot.mouseClick(dialog.blank, Qt.MouseButton.LeftButton, pos=dialog.blank.rect().center())
        assert dialog.spec().blank == blank and ("left as ?" in dialog.summary.text()) == blank
        dialog.kind.setCurrentIndex(dialog.kind.findText(kind))
        if paper:
            dialog.paper.setCurrentIndex(dialog.paper.findText(paper))
        if steps:
            qtbot.mouseClick(dialog.some, Qt.MouseButton.LeftButton)
            type_into(qtbot, dialog.first, str(steps[0]))
            type_into(qtbot, dialog.last, str(steps[1]))
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with answer_dialogs(qtbot, fill, *answers):
        click_menu(qtbot, window, "File", "Export worked example…")
    return shown


def _pages(path) -> list[str]:
    """Each page's text with its spaces and line breaks gone (the typesetter draws a
    formula piece by piece, and pypdf gives each piece its own line)."""
    return [re.sub(r"\s+", "", page.extract_text()) for page in pypdf.PdfReader(str(path)).pages]


def test_the_whole_pass_as_a_pdf_on_a4_with_a_block_per_step_never_split(qtbot, main_window, tmp_path, monkeypatch):
    window = main_window
    target = tmp_path / "worked.pdf"
    shown = _export(qtbot, window, monkeypatch, target, "PDF, typeset for printing", "A4")
    assert shown and shown[0]["filter"] == "PDF document (*.pdf)"
    reader = pypdf.PdfReader(str(target))
    assert len(reader.pages) >= 4  # 32 steps under the graph
    assert tuple(round(float(v)) for v in reader.pages[0].mediabox[2:]) == A4_POINTS
    pages = _pages(target)
    assert pages[0].startswith("Workedexample:notebook-regression,row1of4")
    for number in range(1, 33):  # each step's heading and its result on one page
        heading = f"Step{number}·"
        holding = [i for i, text in enumerate(pages) if re.search(heading + r"(Forward|Loss|Backward|Update)", text)]
        assert len(holding) == 1, number
    step_21 = next(text for text in pages if "Step21·Backwardpass" in text)
    block = step_21.split("Step21·")[1].split("Step22·")[0]
    assert "dw[1]21=(−0.736)·8" in block and "dw[1]21=−5.888" in block  # the numbers and the result
    assert "∂J∂a[2]1(−7.36)" in block  # the chain, from J
    assert "Exported the worked example (steps 1 to 32)" in window.statusBar().currentMessage()


def test_a_range_on_letter_paper_and_the_app_keeps_its_dark_theme(qtbot, main_window, tmp_path, monkeypatch):
    window = main_window
    window.set_theme("dark", save=False)
    ink = style.INK.name()
    target = tmp_path / "range"  # no extension typed: the format's is added
    _export(qtbot, window, monkeypatch, target, "PDF, typeset for printing", "Letter", steps=(20, 23))
    written = tmp_path / "range.pdf"
    reader = pypdf.PdfReader(str(written))
    assert tuple(round(float(v)) for v in reader.pages[0].mediabox[2:]) == LETTER_POINTS
    text = "".join(_pages(written))
    assert [int(n) for n in re.findall(r"Step(\d+)·", text)] == [20, 21, 22, 23]
    assert "Thegraphafterstep23" in text
    assert style.INK.name() == ink and style.is_dark()  # printed in the light theme's colours, then back


def test_markdown_and_latex_come_with_the_graph_and_say_what_bpviz_trace_says(qtbot, main_window, tmp_path,
                                                                            monkeypatch, capsys):
    window = main_window
    _export(qtbot, window, monkeypatch, tmp_path / "notes.md", "Markdown with LaTeX maths")
    text = (tmp_path / "notes.md").read_text(encoding="utf-8")
    graph = QImage(str(tmp_path / "notes-graph.png"))
    assert not graph.isNull() and graph.width() > 800
    assert "![The network's graph](notes-graph.png)" in text
    assert main(["trace", "--format", "markdown"]) == 0
    printed = capsys.readouterr().out
    assert text.replace("![The network's graph](notes-graph.png)\n\n", "") == printed
    asked = []

    def replace(question):  # the Markdown's picture is there: asked about, by name, before it changes
        asked.append(question.text())
        qtbot.mouseClick(button(question, "Yes"), Qt.MouseButton.LeftButton)

    _export(qtbot, window, monkeypatch, tmp_path / "notes.tex", "LaTeX document", "Letter", (8, 23), replace)
    assert asked == [f"notes-graph.png already exists in {tmp_path}."]
    tex = (tmp_path / "notes.tex").read_text(encoding="utf-8")
    assert "letterpaper" in tex and tex.count("\\begin{minipage}") == 16
    assert "\\includegraphics" in tex and "{notes-graph.png}" in tex


def test_the_dialog_offers_a_range_only_first_before_last(qtbot, main_window, tmp_path, monkeypatch):
    window = main_window
    choose_file(monkeypatch, tmp_path / "never.pdf", save=True)
    seen = {}

    def fill(dialog):
        assert dialog.whole.isChecked() and "steps 1 to 32" in dialog.whole.text()
        dialog.kind.setCurrentIndex(dialog.kind.findText("Markdown with LaTeX maths"))
        seen["paper"] = dialog.paper.isEnabled()  # Markdown has no paper size
        type_into(qtbot, dialog.first, "12")
        type_into(qtbot, dialog.last, "5")
        assert dialog.some.isChecked()  # typing a step chose the range
        seen["ok"] = ok_button(dialog).isEnabled()
        seen["summary"] = dialog.summary.text()
        dialog.reject()

    with answer_dialog(qtbot, fill):
        click_menu(qtbot, window, "File", "Export worked example…")
    assert seen == {"paper": False, "ok": False, "summary": "The first step must come before the last."}
    assert list(tmp_path.iterdir()) == []


def test_a_folder_chosen_is_refused_by_name_and_nothing_is_written(qtbot, main_window, tmp_path, monkeypatch):
    window = main_window
    folder = tmp_path / "handouts"
    folder.mkdir()
    _export(qtbot, window, monkeypatch, folder, "PDF, typeset for printing")
    qtbot.waitUntil(lambda: window.message is not None and window.message.isVisible(), timeout=5000)
    assert "handouts" in window.message.text() and "is a folder" in window.message.text()
    assert list(folder.iterdir()) == []


def test_a_worksheet_leaves_each_result_to_the_class_and_its_graph_shows_none(qtbot, main_window, tmp_path,
                                                                              monkeypatch, capsys):
    """"Leave the results blank": the PDF's title says Worksheet; each block keeps its formula
    and shows "?" for its numbers (they hold the results before it: step 2's would be step
    1's 1.6) and its result; the graph on top is drawn before the first step, so no result
    is on it. The Markdown is what `bpviz trace --worksheet` prints."""
    window = main_window
    target = tmp_path / "sheet.pdf"
    _export(qtbot, window, monkeypatch, target, "PDF, typeset for printing", "A4", blank=True)
    pages = _pages(target)
    assert pages[0].startswith("Worksheet:notebook-regression,row1of4")
    above = pages[0].split("Step1·")[0]
    assert "Thegraphbeforestep1" in above and "1.6" not in above and "13.54" not in above
    text = "".join(pages)
    step_21 = text.split("Step21·")[1].split("Step22·")[0]
    assert "dw[1]21=dz[1]2·a[0]1" in step_21 and step_21.count("dw[1]21=?") == 2  # the numbers and the result
    assert not any(n in step_21 for n in ("0.736", "5.888", "7.36"))
    blocks = text.split("Step1·", 1)[1]
    assert not any(value in blocks for value in ("1.6", "0.32", "13.54", "0.10589"))  # z, a, J, an update: none
    _export(qtbot, window, monkeypatch, tmp_path / "sheet.md", "Markdown with LaTeX maths", blank=True)
    markdown = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    assert main(["trace", "--format", "markdown", "--worksheet"]) == 0
    assert markdown.replace("![The network's graph](sheet-graph.png)\n\n", "") == capsys.readouterr().out
    assert "- With the numbers: $da^{[1]}_{1} = ?$" in markdown and "- Result: $da^{[1]}_{1} = ?$" in markdown
    # What it is worked from, the graph drawing no bias: the weights and biases, in words.
    assert "Weights: w\\[1\\]\\_11 = 0.1" in markdown and "Biases: b\\[1\\]\\_1 = 0" in markdown


def test_the_dialog_offers_the_choices_of_last_time_even_after_a_failed_export(qtbot, main_window, tmp_path,
                                                                              monkeypatch):
    """A worksheet of steps 8 to 23 as LaTeX on Letter: the next time the dialog offers the
    same, the worksheet tick above all (a teacher who had to tick it again printed the
    answers), also when the export failed (a folder in the way)."""
    window = main_window
    (tmp_path / "sheet.tex").mkdir()  # the export fails
    _export(qtbot, window, monkeypatch, tmp_path / "sheet.tex", "LaTeX document", "Letter", (8, 23), blank=True)
    qtbot.waitUntil(lambda: window.message is not None and window.message.isVisible())
    window.message.close()
    seen = []

    def look(dialog):
        seen.append((dialog.kind.currentText(), dialog.paper.currentText(), dialog.blank.isChecked(),
                     dialog.some.isChecked(), dialog.first.value(), dialog.last.value()))
        dialog.reject()

    choose_file(monkeypatch, None, save=True)
    with answer_dialog(qtbot, look):
        click_menu(qtbot, window, "File", "Export worked example…")
    assert seen == [("LaTeX document", "Letter", True, True, 8, 23)]
