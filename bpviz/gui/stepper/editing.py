"""Editing the toy network's state by hand: which number a graph element stands for, and
an undoable change of it (the whole state before and after, so undo is exact)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand

from bpviz.nn.notation import LOSS_NODE


@dataclass(frozen=True)
class Target:
    """One editable number: a weight, a bias or an input of the current sample."""

    kind: str  # "param" or "input"
    key: str  # "W1", "b2", or "x"
    index: tuple[int, int]  # (row, column) from 0; for an input, (feature, 0)
    label: str  # as the user reads it: w[1]_12, b[2]_1, x_2 (cgpa)


def target_of(element: str, feature_names=()) -> Target | None:
    """The number behind a graph element: an edge is its weight, a hidden or output unit
    its bias, an input unit the current sample's value; the loss J is not editable."""
    if element.startswith("w"):
        l, j, k = (int(p) for p in element[1:].split("."))
        return Target("param", f"W{l}", (j - 1, k - 1), f"w[{l}]_{j}{k}")
    if element.startswith("n") and element != LOSS_NODE:
        l, j = (int(p) for p in element[1:].split("."))
        if l == 0:
            name = feature_names[j - 1] if j - 1 < len(feature_names) else ""
            return Target("input", "x", (j - 1, 0), f"x_{j}" + (f" ({name})" if name else ""))
        return Target("param", f"b{l}", (j - 1, 0), f"b[{l}]_{j}")
    return None


def current_value(session, target: Target) -> float:
    if target.kind == "input":
        return float(session.X[target.index[0], session.sample])
    return float(session.net.params[target.key][target.index])


class EditCommand(QUndoCommand):
    """Set one number; undo and redo put back the whole state (parameters and table)."""

    def __init__(self, page, target: Target, value: float):
        super().__init__(f"set {target.label} to {value:g}")
        self.page = page
        self.before = page.session.snapshot()
        session = page.session
        if target.kind == "input":
            X = session.X.copy()
            X[target.index[0], session.sample] = value
            self.after = (self.before[0], X)
        else:
            params = {k: v.copy() for k, v in self.before[0].items()}
            params[target.key][target.index] = value
            self.after = (params, self.before[1])

    def redo(self) -> None:
        self.page.restore_state(self.after)

    def undo(self) -> None:
        self.page.restore_state(self.before)
