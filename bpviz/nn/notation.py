"""The tutorial's notation as text and LaTeX: symbols like z^[l]_j, numbers, graph ids.

Every symbol comes in two renderings: ``latex`` for a view that typesets (z^{[1]}_{2})
and ``text`` for a terminal (z[1]_2). Graph ids name what a view draws: node
``n{l}.{j}`` (unit j of layer l, inputs are layer 0), edge ``w{l}.{j}.{k}`` (weight from
unit k of layer l-1 to unit j of layer l), ``J`` (the loss node) and ``J.{j}`` (the edge
from output j to it). Layer-level ids: ``L{l}`` (the block of layer l) and ``E{l}``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Formula:
    """One expression, as LaTeX and as plain text."""

    latex: str
    text: str

    def __add__(self, other: "Formula") -> "Formula":
        return Formula(self.latex + other.latex, self.text + other.text)


def join(parts, latex_sep: str, text_sep: str) -> Formula:
    parts = list(parts)
    return Formula(latex_sep.join(p.latex for p in parts), text_sep.join(p.text for p in parts))


def plain(latex: str, text: str | None = None) -> Formula:
    return Formula(latex, latex if text is None else text)


def _indices(*idx: int) -> tuple[str, str]:
    sep = "," if any(i >= 10 for i in idx) else ""
    joined = sep.join(str(i) for i in idx)
    return joined, joined


def sym(name: str, l: int | None = None, *idx: int) -> Formula:
    """A symbol of the notation: sym("w", 1, 1, 2) is w^[1]_12; sym("J") is J."""
    latex_name = {"da": "da", "dz": "dz", "dw": "dw", "db": "db", "alpha": r"\alpha"}.get(name, name)
    text_name = {"alpha": "α"}.get(name, name)
    layer_latex = f"^{{[{l}]}}" if l is not None else ""
    layer_text = f"[{l}]" if l is not None else ""
    sub_latex, sub_text = _indices(*idx) if idx else ("", "")
    return Formula(
        f"{latex_name}{layer_latex}" + (f"_{{{sub_latex}}}" if idx else ""),
        f"{text_name}{layer_text}" + (f"_{sub_text}" if idx else ""),
    )


def partial(top: Formula, bottom: Formula) -> Formula:
    """∂top/∂bottom."""
    return Formula(rf"\frac{{\partial {top.latex}}}{{\partial {bottom.latex}}}",
                   f"∂{top.text}/∂{bottom.text}")


def number(value) -> Formula:
    """A value for a formula: 5 significant digits; negatives in parentheses (for products);
    a batch of values as a bracketed list."""
    if np.ndim(value) > 0 and np.size(value) > 1:
        items = [number(v) for v in np.ravel(value)]
        return Formula(r"\left[" + ", ".join(i.latex for i in items) + r"\right]",
                       "[" + ", ".join(i.text for i in items) + "]")
    v = float(np.ravel(value)[0]) if np.ndim(value) else float(value)
    text = f"{v:.5g}"
    if text == "-0":
        text = "0"
    if v < 0 and text != "0":
        return Formula(f"({text})", f"({text})")
    return Formula(text, text)


def result(value) -> Formula:
    """A value standing alone (no parentheses)."""
    f = number(value)
    if f.text.startswith("(") and f.text.endswith(")"):
        return Formula(f.latex[1:-1], f.text[1:-1])
    return f


def node_id(l: int, j: int) -> str:
    return f"n{l}.{j}"


def edge_id(l: int, j: int, k: int) -> str:
    return f"w{l}.{j}.{k}"


LOSS_NODE = "J"


def loss_edge_id(j: int) -> str:
    return f"J.{j}"


def layer_id(l: int) -> str:
    return f"L{l}"


def layer_edge_id(l: int) -> str:
    return f"E{l}"


def shape_text(shape) -> str:
    return "(" + ",".join(str(n) for n in shape) + ")"
