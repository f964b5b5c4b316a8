"""Small tables for the step-through view: the notebook's two, and users' own CSV files.

A :class:`Table` holds named feature columns and one target column, row by row as in the
file; ``columns()`` gives them in the network's layout (features as rows, examples as
columns).
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bpviz.errors import DataError

#: The step view draws at most this many units in a layer, inputs included.
MAX_FEATURES = 8
#: ... and plays one example at a time; a table longer than this is not a toy.
MAX_ROWS = 10_000


@dataclass(frozen=True)
class Table:
    """Feature columns (rows, n_features) and a target (rows,), with their names."""

    name: str
    feature_names: tuple[str, ...]
    target_name: str
    features: np.ndarray
    target: np.ndarray

    def columns(self, dtype="float64") -> tuple[np.ndarray, np.ndarray]:
        """X (n_features, m) and Y (1, m): examples as columns."""
        return (np.array(self.features.T, dtype=dtype, order="C"),
                np.array(self.target.reshape(1, -1), dtype=dtype))

    def __len__(self) -> int:
        return len(self.target)


def _table(name, header, rows) -> Table:
    array = np.array(rows, dtype=np.float64)
    array.setflags(write=False)
    return Table(name, tuple(header[:-1]), header[-1], array[:, :-1], array[:, -1])


#: The notebook's tables: cgpa and resume_score, then the target.
NOTEBOOK_REGRESSION = _table(
    "notebook-regression", ["cgpa", "resume_score", "lpa"],
    [[8, 8, 4], [7, 9, 5], [6, 10, 6], [5, 12, 7]],
)
NOTEBOOK_CLASSIFICATION = _table(
    "notebook-classification", ["cgpa", "resume_score", "placed"],
    [[8, 8, 1], [7, 9, 1], [6, 10, 0], [5, 5, 0]],
)
TABLES = {t.name: t for t in (NOTEBOOK_REGRESSION, NOTEBOOK_CLASSIFICATION)}


def get_table(name: str) -> Table:
    if name not in TABLES:
        raise DataError(f"table: expected one of {', '.join(TABLES)}, got {name!r}")
    return TABLES[name]


def _rows(path: Path) -> list[list[str]]:
    """The file's non-empty rows; errors name the file."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a text CSV file (expected UTF-8 text)") from None
    except (OSError, csv.Error) as exc:
        raise DataError(f"{path}: cannot be read as CSV ({exc})") from None


def csv_header(path: str | os.PathLike) -> list[str]:
    """The column names of a CSV file (its first non-empty row), for choosing columns."""
    rows = _rows(Path(path))
    if not rows:
        raise DataError(f"{path}: the file is empty; expected a header row and data rows")
    return [cell.strip() for cell in rows[0]]


def load_csv(path: str | os.PathLike, features=None, target: str | None = None) -> Table:
    """A table from a CSV file with a header row.

    ``features`` (names) default to every column but the target; ``target`` defaults to
    the last column. Every cell must be a number. Raises :class:`DataError` naming the
    file, and the row and column where it applies.
    """
    path = Path(path)
    rows = _rows(path)
    if not rows:
        raise DataError(f"{path}: the file is empty; expected a header row and data rows")
    header = [cell.strip() for cell in rows[0]]
    if len(rows) < 2:
        raise DataError(f"{path}: only a header row; expected at least one data row")
    if len(rows) - 1 > MAX_ROWS:
        raise DataError(f"{path}: {len(rows) - 1} data rows; the step view takes at most {MAX_ROWS}")
    if len(set(header)) != len(header) or not all(header):
        raise DataError(f"{path}: the header needs a distinct, non-empty name per column, got {header}")
    target = header[-1] if target is None else target
    if target not in header:
        raise DataError(f"{path}: target column {target!r} not found; columns are {', '.join(header)}")
    chosen = [h for h in header if h != target] if features is None else list(features)
    for name in chosen:
        if name not in header or name == target:
            raise DataError(f"{path}: feature column {name!r} not found among {', '.join(h for h in header if h != target)}")
    if not chosen:
        raise DataError(f"{path}: no feature columns; expected at least one besides the target {target!r}")
    if len(chosen) > MAX_FEATURES:
        raise DataError(
            f"{path}: {len(chosen)} feature columns; the step view shows at most {MAX_FEATURES} "
            f"inputs: choose up to {MAX_FEATURES} of them"
        )
    values = _parse_cells(path, header, rows[1:], [*chosen, target])
    name = path.stem
    return _table(name, [*chosen, target], values)


def _parse_cells(path: Path, header, rows, wanted) -> list[list[float]]:
    index = [header.index(name) for name in wanted]
    values = []
    for line, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise DataError(f"{path}: row {line} has {len(row)} cells; expected {len(header)} like the header")
        parsed = []
        for i in index:
            cell = row[i].strip()
            if cell == "" or cell.lower() in ("na", "nan", "null", "none"):
                raise DataError(f"{path}: row {line}, column {header[i]!r} is missing a value")
            try:
                number = float(cell)
            except ValueError:
                raise DataError(
                    f"{path}: row {line}, column {header[i]!r}: expected a number, got {cell!r}"
                ) from None
            if not math.isfinite(number):
                raise DataError(f"{path}: row {line}, column {header[i]!r}: expected a finite number, got {cell!r}")
            parsed.append(number)
        values.append(parsed)
    return values
