"""A network typed from a book: its layer sizes, every weight and bias, one input row with
its targets, the activations, the loss and the learning rate; and that network as the step
page takes it (a recipe, a one-row table, the weights). No Qt here: the dialog is
values_dialog.py."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np

from bpviz.data.toy import Table
from bpviz.errors import BpvizError, shown
from bpviz.lesson import StepLesson
from bpviz.numbers import WHOLE, NumberError, decimal, whole
from bpviz.page_limits import check_step_page, check_step_recipe

#: The table a typed network plays: its one row, under a name no built-in table has.
TYPED = "typed"
#: A layer size past this is refused before the page's own limits are asked.
_FAR = 10_000
SIZES_EXAMPLE = "2-2-1"
_SIZES_SPLIT = re.compile(r"\s*[-,;]\s*|\s+")
#: "0,15" or "-1,5": a decimal comma (the dialog takes decimal points).
DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+")


@dataclass(frozen=True)
class NetworkValues:
    """Everything a worked example gives, in the tutorial's notation: ``sizes`` n_0 (the
    inputs) to n_L (the outputs); ``params`` W1 (n_1, n_0), b1 (n_1, 1), ...; the input row
    ``x`` (n_0,) and its targets ``y`` (n_L,); the hidden and output activations, the loss
    and the learning rate."""

    sizes: tuple[int, ...]
    params: dict[str, np.ndarray]
    x: np.ndarray
    y: np.ndarray
    hidden: str
    output: str
    loss: str
    lr: float


def values_of(state: StepLesson) -> NetworkValues:
    """What the step page shows in ``state``: its network, and its current row with its target."""
    recipe, table = state.recipe, state.table
    _, Y = table.columns()
    return NetworkValues(
        (len(table.feature_names), *recipe.layers), {k: np.array(v, dtype=np.float64) for k, v in state.params.items()},
        np.array(table.features[state.sample], dtype=np.float64), np.array(Y[:, state.sample], dtype=np.float64),
        recipe.activation, recipe.output_activation, recipe.loss, float(recipe.lr))


def step_state(values: NetworkValues, like: StepLesson) -> StepLesson:
    """The step page's state for ``values``, checked by every limit of the page
    (check_step_page): ``like``'s recipe with the typed layers, activations, loss and
    learning rate (its table, init and seed stay), a one-row table called TYPED (the
    input names of ``like``'s table when their number is the same, else x1, x2, ...), the
    typed weights, on row 1, epoch 1, before the first step. BpvizError naming the field
    ("layers: ...", "recipe.loss: ...") when the page cannot take it."""
    recipe = like.recipe.replace(name="custom", description="Typed in Edit > Network values",
                                 layers=tuple(values.sizes[1:]), activation=values.hidden,
                                 output=values.output, loss=values.loss, lr=values.lr, outputs=values.sizes[-1])
    features, targets = column_names(like.table, values.sizes)
    table = one_row_table(features, targets, values.x, values.y)
    params = {key: np.array(value, dtype=np.float64) for key, value in values.params.items()}
    state = StepLesson(recipe, table, params, sample=0, epoch=1, epoch_losses=(), step=-1)
    check_step_page(state)
    return state


def column_names(table: Table, sizes) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The typed row's input and target names: ``table``'s when it has as many, else x1,
    x2, ... and y (one output) or y1, y2, ..."""
    n_in, n_out = sizes[0], sizes[-1]
    features = tuple(table.feature_names) if len(table.feature_names) == n_in else \
        tuple(f"x{i}" for i in range(1, n_in + 1))
    targets = tuple(table.target_names) if table.n_targets == n_out else \
        ("y",) if n_out == 1 else tuple(f"y{k}" for k in range(1, n_out + 1))
    if set(targets) & set(features):
        features = tuple(f"x{i}" for i in range(1, n_in + 1))
        targets = ("y",) if n_out == 1 else targets
    return features, targets


def one_row_table(features, targets, x, y) -> Table:
    """The table of one row: the inputs ``x`` named ``features``, the targets ``y`` named
    ``targets`` (one per output unit)."""
    return Table(TYPED, tuple(features), tuple(targets), np.array(x, dtype=np.float64).reshape(1, -1),
                 np.array(y, dtype=np.float64).reshape(1, -1))


def parse_sizes(text: str, field: str = "Layer sizes") -> tuple[int, ...]:
    """"2-2-1", "2,2,1" or "2 2 1": the units of every layer, the inputs first and the
    outputs last; NumberError naming ``field`` otherwise (the page's limits are
    ``check_sizes``')."""
    expected = f"the units of each layer from the inputs to the outputs, such as {SIZES_EXAMPLE} or 2,2,1"
    parts = _SIZES_SPLIT.split(text.strip()) if text.strip() else []
    if len(parts) < 2 or not all(WHOLE.fullmatch(part) for part in parts):
        raise NumberError(field, f"expected {expected}; got {shown(text)}")
    return tuple(whole(part, field, 1, _FAR, expected=f"at least 1 unit per layer, such as {SIZES_EXAMPLE}")
                 for part in parts)


def check_sizes(sizes: tuple[int, ...], like: StepLesson) -> None:
    """The step page's limits on layer sizes (check_step_recipe: its layers, units and
    inputs), so that the dialog and the page say the same; BpvizError otherwise."""
    recipe = dataclasses.replace(like.recipe, layers=tuple(sizes[1:]), loss="mse")
    features, targets = column_names(like.table, sizes)
    check_step_recipe(recipe, one_row_table(features, targets, np.zeros(sizes[0]), np.zeros(sizes[-1])))


def cell_number(text: str, field: str) -> float:
    """A typed cell's number (bpviz.numbers.decimal: ASCII digits, finite); NumberError
    naming ``field`` for an empty cell, a decimal comma or anything else."""
    typed = text.strip()
    if not typed:
        raise NumberError(field, "empty; expected a number")
    if DECIMAL_COMMA.fullmatch(typed):
        raise NumberError(field, f"expected a number with a decimal point, such as {typed.replace(',', '.')}, "
                                 f"got {shown(text)}")
    return decimal(text, field, example="", underscores=False)


class BlockError(BpvizError):
    """A pasted text that is not a block of cells; the message says why and what is taken."""


#: What a pasted block may be, said where the dialog explains paste.
PASTE_RULES = ("cells separated by tabs (a spreadsheet's copy), semicolons, commas or spaces, "
               "one line per row; numbers with a decimal point (0.15, not 0,15)")


def is_block(text: str) -> bool:
    """Whether a clipboard text is more than one cell (a line break or a separator in it)."""
    return bool(re.search(r"[\t\n\r;,]|\S\s+\S", text.strip("\r\n")))


def read_block(text: str) -> list[list[str]]:
    """The rows of cells of a pasted text: one line per row; cells separated by tabs, else
    semicolons, else commas, else spaces. BlockError when the rows differ in length, or
    when commas could as well be decimal commas ("0,15 0,20"; "0,15,0,20")."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():  # a spreadsheet's copy ends with a line break
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise BlockError("Nothing pasted: the clipboard holds no text")
    body = "\n".join(lines)
    if "\t" in body:
        rows = [line.split("\t") for line in lines]
    elif ";" in body:
        rows = [line.split(";") for line in lines]
    elif "," in body:
        if "." not in body and re.search(r"[0-9],[0-9]", body) and not re.search(r",\s", body):
            raise BlockError(f"Nothing pasted: in {shown(body.replace(chr(10), ' / '))} a comma could be a "
                             f"decimal comma or a separator; expected {PASTE_RULES}")
        rows = [line.split(",") for line in lines]
    else:
        rows = [line.split() for line in lines]
    rows = [[cell.strip() for cell in row] for row in rows]
    widths = sorted({len(row) for row in rows})
    if len(widths) > 1:
        raise BlockError(f"Nothing pasted: the block's rows have {' and '.join(map(str, widths))} cells; expected "
                         f"the same number in every row ({PASTE_RULES})")
    return rows
