"""The worked example on paper: each step of a trace as a block (the formula, the same with
the numbers, the result and, for a backward step, its chain of factors from J), written
as Markdown with LaTeX maths or as a LaTeX document. No Qt: ``bpviz trace --format
markdown|latex`` and the app's File > Export worked example… write the same text (the
app's PDF typesets these same blocks). The chain's rows are the equation panel's.
"""

from __future__ import annotations

import math
import unicodedata
from urllib.parse import quote
from dataclasses import dataclass, field

from bpviz.nn.notation import result
from bpviz.nn.trace_records import PHASE_TITLES, Step  # noqa: F401 (PHASE_TITLES: its readers import it from here)
#: A chain shows at most this many paths, one per row; more are summed in a last row.
CHAIN_ROWS = 4
CHAIN_TITLE = "The chain rule, from J"


# --- the chain of factors, as the equation panel shows it ------------------------------
def factor_latex(factor, last: bool, hidden: bool = False) -> str:
    value = "?" if hidden else result(factor.value).latex
    return factor.symbol.latex + r"\,(" + value + ")" + ("" if last else r" \cdot ")


def chain_rows(step: Step | None) -> tuple[list[tuple], int]:
    """The rows a step's chain shows: each a path (its factors, J first), and how many
    more paths the last row sums up (0 when every path has its row)."""
    if step is None or step.phase != "backward":
        return [], 0
    paths = list(step.paths) or ([step.factors] if step.factors else [])
    count = max(step.path_count, len(paths))
    if not paths:
        return [], count
    if len(paths) <= CHAIN_ROWS:
        return paths, 0
    return paths[:CHAIN_ROWS - 1], count - (CHAIN_ROWS - 1)


def row_pieces(path, first: bool, with_value: bool, hidden: bool = False,
               blank: bool = False) -> list[tuple[str, object]]:
    """A row's pieces as (LaTeX, the factor it shows or None): "+ " before every row but
    the first, the factors joined by dots, then "= " and the path's product ("= ?" while
    the step's result is ``hidden``: the products add up to it; and the value of a lone
    path's lone factor, da[L] = ∂J/∂a[L] or a g′, which is the result itself). ``blank``
    (a worksheet, where every step is on the page at once): every factor's value "?"."""
    pieces: list[tuple[str, object]] = [] if first else [("+ ", None)]
    last = len(path) - 1
    lone = hidden and len(path) == 1 and not with_value
    pieces += [(factor_latex(f, i == last, blank or lone), f) for i, f in enumerate(path)]
    if with_value:
        pieces.append((r" = " + ("?" if hidden else result(math.prod(f.value for f in path)).latex), None))
    return pieces


def more_latex(more: int, step: Step | None, hidden: bool = False) -> str:
    if not more:
        return ""
    if step is not None and not step.paths:
        return rf"\text{{a sum over {more} paths (too many to list): the graph lights every one}}"
    rest = sum(math.prod(f.value for f in path) for path in step.paths[CHAIN_ROWS - 1:])  # the rows shown add up
    return rf"+ \text{{{more} more paths}} = " + ("?" if hidden else result(rest).latex)


def chain_latex(step: Step, blank: bool = False) -> list[str]:
    """The chain's rows as LaTeX lines (none outside the backward phase); ``blank`` (a
    worksheet): its factors, each value and each product "?"."""
    rows, more = chain_rows(step)
    several = len(rows) > 1 or bool(more)
    lines = ["".join(latex for latex, _ in row_pieces(row, i == 0, several, blank, blank))
             for i, row in enumerate(rows)]
    extra = more_latex(more, step, blank)
    return lines + ([extra] if extra else [])


# --- a step as a block ------------------------------------------------------------------
@dataclass(frozen=True)
class Block:
    """One step on paper: its heading and its lines in LaTeX."""

    number: int
    phase: str
    formula: str
    numbers: str
    result: str
    chain: tuple[str, ...] = ()
    note: str = ""

    @property
    def heading(self) -> str:
        """Its heading where no phase heading stands above it (the PDF's blocks)."""
        return f"Step {self.number} · {PHASE_TITLES[self.phase]}"

    @property
    def title(self) -> str:
        """Its heading under its phase's heading (Markdown, LaTeX)."""
        return f"Step {self.number}"


def block(step: Step, blank: bool = False) -> Block:
    """Step ``step`` on paper; ``blank`` (a worksheet): only its formula, its numbers, its
    result and its chain's values "?" to be worked out. On paper every step is in sight at
    once, and a step's numbers hold the results before it (z = 1.6 is in the next step's
    numbers): a worksheet leaves them all to the class, from the graph's values on top."""
    arrow = r" \leftarrow " if step.phase == "update" else " = "
    symbol = step.symbol.latex
    return Block(step.number, step.phase, symbol + arrow + step.formula.latex,
                 symbol + arrow + ("?" if blank else step.numbers.latex),
                 symbol + " = " + ("?" if blank else result(step.value).latex), tuple(chain_latex(step, blank)),
                 step.note)


@dataclass(frozen=True)
class Handout:
    """A worked example: a title, a few lines about the network and the row, and the
    blocks of steps ``first`` to ``last`` (0-based, inclusive) of a trace."""

    title: str
    about: tuple[str, ...]
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    blank: bool = False  # a worksheet: its results "?", its graph drawn before its first step

    @property
    def graph_step(self) -> int:
        """The step (0-based) its graph shows: after its last block, or a worksheet's before
        its first (-1: before any step), so that no result to be found is on it."""
        return self.blocks[0].number - 2 if self.blank else self.blocks[-1].number - 1


#: A worksheet's first line under its title.
WORKSHEET_NOTE = ("A worksheet: each step's numbers and result are left as ?, to be worked out in order "
                  "from the values below (the inputs, the weights and biases).")


def handout(steps, title: str, about=(), first: int = 0, last: int | None = None, blank: bool = False) -> Handout:
    """Steps ``first`` to ``last`` as a worked example, or with ``blank`` as a worksheet (the
    results "?", the title "Worksheet: …" where it read "Worked example: …")."""
    last = len(steps) - 1 if last is None else last
    if not steps or not 0 <= first <= last < len(steps):
        raise ValueError(f"steps: expected a range within 1 to {len(steps)}, first before last; "
                         f"got {first + 1} to {last + 1}")
    if blank:
        title = "Worksheet" + title[len("Worked example"):] if title.startswith("Worked example") else title
        about = (WORKSHEET_NOTE, *about)
    return Handout(title, tuple(about), tuple(block(s, blank) for s in steps[first:last + 1]), blank)


def about_lines(name: str, row: int, rows: int, net, lr: float, inputs: dict, targets: dict) -> tuple[str, tuple[str, ...]]:
    """The title and the lines that say what is worked: the table and its row (from 1),
    the network (a bpviz.nn Network), the learning rate, the row's inputs and targets
    (name -> value), and the weights and biases it starts from (a worksheet, or the
    command line's text without a graph, works from them: the graph draws no bias)."""
    def listed(values: dict) -> str:
        return ", ".join(f"{key} = {result(value).text}" for key, value in values.items())

    activations = ", ".join(f"{g} in layer {l}" for l, g in enumerate(net.activations, start=1))
    weights, biases = {}, {}
    for l in range(1, len(net.layer_sizes)):  # as the graph names them: w[l]_jk, b[l]_j
        W, b = net.params[f"W{l}"], net.params[f"b{l}"]
        weights.update({f"w[{l}]_{j + 1}{k + 1}": W[j, k] for j in range(W.shape[0]) for k in range(W.shape[1])})
        biases.update({f"b[{l}]_{j + 1}": b[j, 0] for j in range(b.shape[0])})
    return (f"Worked example: {name}, row {row} of {rows}",
            (f"Network {'-'.join(map(str, net.layer_sizes))}: {activations}; loss {net.loss.name}; "
             f"learning rate {lr:g}.",
             f"Inputs: {listed(inputs)}. Targets: {listed(targets)}.",
             f"Weights: {listed(weights)}. Biases: {listed(biases)}."))


def _phase_runs(blocks):
    """(phase, its blocks) for each run of blocks of one phase, in order."""
    runs: list[tuple[str, list[Block]]] = []
    for b in blocks:
        if not runs or runs[-1][0] != b.phase:
            runs.append((b.phase, []))
        runs[-1][1].append(b)
    return runs


# --- the picture beside the text --------------------------------------------------------
#: What a file name in ``\includegraphics`` cannot hold (pdflatex reads the rest, spaces
#: and accents included): TeX's comment, parameter and group characters and its escape.
_TEX_NAME_UNSAFE = set("%#{}\\")


def graph_name(stem: str, kind: str) -> str:
    """The name of the graph's picture beside a Markdown or LaTeX handout named ``stem``
    (its name without the ending): ``{stem}-graph.png``; for LaTeX, each character it
    cannot read in a file name (% # { } \\ and control characters) is a "-"."""
    if kind == "latex":
        stem = "".join("-" if c in _TEX_NAME_UNSAFE or not c.isprintable() else c for c in stem)
    return f"{stem}-graph.png"


# --- Markdown ---------------------------------------------------------------------------
_MARKDOWN_SPECIAL = "\\`*_[]<>#|$"


def markdown_text(text: str) -> str:
    """Plain text for Markdown: its marks escaped (a name with _ stays a name)."""
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in text)


def markdown(h: Handout, graph: str | None = None) -> str:
    """The handout as Markdown, its maths as $…$ (GitHub and Jupyter render it); ``graph``:
    the file name of a picture of the graph, shown at the top."""
    out = [f"# {markdown_text(h.title)}", ""]
    out += [markdown_text(line) + "  " for line in h.about] + [""]
    if graph:
        out += [f"![The network's graph]({quote(graph, errors='surrogateescape')})", ""]  # a space, "(" or "#" kept in the name
    for phase, blocks in _phase_runs(h.blocks):
        out += [f"## {PHASE_TITLES[phase]}", ""]
        for b in blocks:
            out += [f"### {b.title}", "",
                    f"- Formula: ${b.formula}$",
                    f"- With the numbers: ${b.numbers}$",
                    f"- Result: ${b.result}$"]
            if b.chain:
                out.append(f"- {CHAIN_TITLE}:" + (f" ${b.chain[0]}$" if len(b.chain) == 1 else ""))
                if len(b.chain) > 1:
                    out += [f"  - ${row}$" for row in b.chain]
            if b.note:
                out.append(f"- Note: {markdown_text(b.note)}")
            out.append("")
    return "\n".join(out)


# --- LaTeX ------------------------------------------------------------------------------
#: Characters of the trace's plain texts (notes, names) as LaTeX; other letters lose their
#: accents (é: e) and what is left beyond ASCII becomes "?", so that any pdflatex sets it
#: in its default fonts.
_TEX_CHARS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
    "∂": r"$\partial$", "·": r"$\cdot$", "Σ": r"$\Sigma$", "σ": r"$\sigma$", "α": r"$\alpha$",
    "−": "-", "–": "--", "—": "---", "←": r"$\leftarrow$", "→": r"$\to$", "⊙": r"$\odot$",
    "²": r"$^2$", "′": "'", "×": r"$\times$", "½": r"$\frac{1}{2}$", "✓": r"$\checkmark$",
    "✗": r"$\times$", "…": r"\dots{}", "≥": r"$\ge$", "≤": r"$\le$",
}


def tex_text(text: str) -> str:
    """Plain text as LaTeX: its special characters escaped, its maths symbols as maths."""
    return "".join(_TEX_CHARS.get(c) or _ascii(c) for c in text)


def _ascii(c: str) -> str:
    if ord(c) < 128:
        return c
    base = unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode()
    return "".join(_TEX_CHARS.get(b, b) for b in base) or "?"


PAPERS = {"A4": "a4paper", "Letter": "letterpaper"}

_PREAMBLE = r"""\documentclass[11pt,{paper}]{{article}}
\usepackage{{amsmath,amssymb,graphicx}}
% A line of maths as wide as the text at most: a long chain shrinks instead of overflowing.
\newcommand{{\fitline}}[1]{{\par\vspace{{3pt}}\noindent\resizebox{{\ifdim\width>\linewidth\linewidth\else\width\fi}}{{!}}{{$\displaystyle #1$}}\par}}
\setlength{{\parindent}}{{0pt}}
\begin{{document}}
"""


def latex(h: Handout, graph: str | None = None, paper: str = "A4") -> str:
    """The handout as a LaTeX document (amsmath, amssymb and graphicx: any TeX installation
    compiles it with pdflatex); each step is a minipage, so a page never breaks inside one.
    ``graph``: a picture of the graph beside the file (a name from :func:`graph_name`),
    shown at the top when it is there."""
    out = [_PREAMBLE.format(paper=PAPERS[paper]).rstrip("\n"),
           rf"\section*{{{tex_text(h.title)}}}"]
    out += [tex_text(line) + r"\\" for line in h.about]
    if graph:
        out.append(rf"\IfFileExists{{{graph}}}{{\begin{{center}}\includegraphics[width=\linewidth,"
                   rf"height=0.4\textheight,keepaspectratio]{{{graph}}}\end{{center}}}}{{}}")
    for phase, blocks in _phase_runs(h.blocks):
        out.append(rf"\subsection*{{{PHASE_TITLES[phase]}}}")
        for b in blocks:
            out += [r"\noindent\begin{minipage}{\linewidth}",
                    rf"\textbf{{{b.title}}}\smallskip",
                    rf"\fitline{{{b.formula}}}", rf"\fitline{{{b.numbers}}}", rf"\fitline{{{b.result}}}"]
            if b.chain:
                out.append(rf"\smallskip{{\small {CHAIN_TITLE}:}}")
                out += [rf"\fitline{{{row}}}" for row in b.chain]
            if b.note:
                out.append(rf"{{\small {tex_text(b.note)}}}")
            out += [r"\end{minipage}", r"\medskip", ""]
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"
