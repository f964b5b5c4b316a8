"""The worked example's text (bpviz.handout): Markdown with $…$ maths and a LaTeX document,
one block per step, checked for structure; the LaTeX compiled with pdflatex where it is
installed."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from bpviz import handout
from bpviz.nn.trace import trace
from bpviz.presets import get_preset


def _worked(preset="notebook-regression", first=0, last=None):
    recipe = get_preset(preset)
    net, data = recipe.network(), recipe.data()
    steps = trace(net, data.X[:, 0], data.Y[:, 0], recipe.lr)
    title, about = handout.about_lines(preset, 1, data.m, net, recipe.lr, {"resume_score": 8.0}, {"lpa": 4.0})
    return steps, handout.handout(steps, title, about, first, last)


def test_markdown_has_a_block_per_step_under_its_phase_with_balanced_maths():
    steps, worked = _worked()
    text = handout.markdown(worked, graph="we-graph.png")
    assert text.startswith("# Worked example: notebook-regression, row 1 of 4")
    assert "resume\\_score = 8" in text  # a name's _ is not emphasis
    assert "![The network's graph](we-graph.png)" in text
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## Forward pass", "## Loss", "## Backward pass", "## Update"]
    assert [int(n) for n in re.findall(r"^### Step (\d+)$", text, re.M)] == list(range(1, 33))
    block = text.split("### Step 21\n")[1].split("###")[0]
    assert "- With the numbers: $dw^{[1]}_{21} = (-0.736) \\cdot 8$" in block
    assert "- Result: $dw^{[1]}_{21} = -5.888$" in block
    assert "- The chain rule, from J: $\\frac{\\partial J}{\\partial a^{[2]}_{1}}\\,(-7.36)" in block
    for line in text.splitlines():  # every $ opens and closes maths on its line
        assert line.count("$") % 2 == 0, line


def test_a_range_of_steps_keeps_only_those_and_a_sum_over_paths_gets_a_row_per_path():
    _, worked = _worked("two-outputs", 13, 16)
    text = handout.markdown(worked)
    assert [int(n) for n in re.findall(r"^### Step (\d+)$", text, re.M)] == [14, 15, 16, 17]
    _, every = _worked("two-outputs")
    several = next(b for b in every.blocks if len(b.chain) > 1)
    assert several.chain[1].startswith("+ ")  # the sum's second path
    with pytest.raises(ValueError, match="expected a range within 1 to 32"):
        handout.handout(_worked()[0], "t", (), 5, 40)


def test_latex_is_a_document_of_standard_packages_with_a_minipage_per_step():
    _, worked = _worked()
    text = handout.latex(worked, graph="we-graph.png", paper="Letter")
    assert text.startswith("\\documentclass[11pt,letterpaper]{article}")
    assert re.findall(r"\\usepackage(?:\[[^]]*\])?\{([^}]*)\}", text) == ["amsmath,amssymb,graphicx"]
    assert text.count("\\begin{minipage}") == text.count("\\end{minipage}") == 32
    assert text.rstrip().endswith("\\end{document}")
    assert text.count("{") == text.count("}")
    assert "resume\\_score" in text and "\\IfFileExists{we-graph.png}" in text
    outside_maths = re.sub(r"\\fitline\{.*\}$", "", text, flags=re.M)
    assert "_" not in outside_maths.replace("\\_", "")  # every underscore of text is escaped


@pytest.mark.parametrize("text, tex", [
    ("sigmoid + BCE: ∂J/∂a · ∂a/∂z", "sigmoid + BCE: $\\partial$J/$\\partial$a $\\cdot$ $\\partial$a/$\\partial$z"),
    ("z_j & 50% #1 {x} ~y ^", "z\\_j \\& 50\\% \\#1 \\{x\\} \\textasciitilde{}y \\textasciicircum{}"),
    ("café Ω", "cafe ?"),
])
def test_plain_text_becomes_latex_that_any_pdflatex_sets(text, tex):
    assert handout.tex_text(text) == tex


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("preset", ["notebook-classification", "two-outputs"])
def test_the_latex_document_compiles_with_pdflatex(tmp_path, preset):
    _, worked = _worked(preset)
    (tmp_path / "worked.tex").write_text(handout.latex(worked, graph="missing.png"))
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "worked.tex"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "worked.pdf").stat().st_size > 10_000
    assert "Overfull" not in (tmp_path / "worked.log").read_text(errors="replace")


@pytest.mark.parametrize("stem, kind, name", [
    ("notes", "markdown", "notes-graph.png"),
    ("notes", "latex", "notes-graph.png"),
    ("Übung 1 $x_50% #3 {b}", "markdown", "Übung 1 $x_50% #3 {b}-graph.png"),  # Markdown links any name
    ("Übung 1 $x_50% #3 {b}", "latex", "Übung 1 $x_50- -3 -b--graph.png"),  # pdflatex reads the rest
    ("a\\b\tc", "latex", "a-b-c-graph.png"),
])
def test_the_pictures_name_is_the_handouts_with_what_latex_cannot_read_as_dashes(stem, kind, name):
    assert handout.graph_name(stem, kind) == name


def test_markdown_links_a_picture_of_any_name_as_one_link():
    _, worked = _worked()
    text = handout.markdown(worked, "my notes (v2) #3%.png")
    assert "![The network's graph](my%20notes%20%28v2%29%20%233%25.png)" in text
