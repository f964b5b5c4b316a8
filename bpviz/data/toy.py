"""Small tables for the step-through view: the notebook's two, and users' own CSV files.

A :class:`Table` holds named feature columns and 1 to 4 target columns (one per output
unit), row by row as in the file; ``columns()`` gives them in the network's layout
(features and targets as rows, examples as columns).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bpviz.errors import DataError, shown
from bpviz.fileio import UnreadableFile, read_limited
from bpviz.numbers import NOT_FINITE, NumberError, decimal

#: The step view draws at most this many units in a layer, inputs included.
MAX_FEATURES = 8
#: ... and plays one example at a time; a table longer than this is not a toy.
MAX_ROWS = 10_000
#: A CSV file bpviz reads: 10,000 rows of a few columns fit in well under this.
MAX_CSV_BYTES = 16 << 20
#: The most target columns (output units) a table may have: the step view draws them all.
MAX_TARGETS = 4
#: The most columns a CSV file may have (the features are chosen among them).
MAX_COLUMNS = 1_000
#: The longest column name: names are drawn beside the graph's input units.
MAX_NAME = 100
_EXPECTED = "a CSV table (.csv): a header row, then rows of numbers, separated by commas"


@dataclass(frozen=True)
class Table:
    """Feature columns (rows, n_features) and K target columns (rows, K), with their
    names, row by row. K >= 1: one target per output unit (one-hot class columns for a
    softmax). The arrays are kept as float64 copies that cannot be written to."""

    name: str
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    features: np.ndarray
    targets: np.ndarray

    def __post_init__(self):
        for field in ("feature_names", "target_names"):
            object.__setattr__(self, field, tuple(getattr(self, field)))
        for field in ("features", "targets"):
            array = np.array(getattr(self, field), dtype=np.float64)
            array.setflags(write=False)
            object.__setattr__(self, field, array)
        rows = self.features.shape[0] if self.features.ndim == 2 else -1
        for field, names in (("features", self.feature_names), ("targets", self.target_names)):
            array = getattr(self, field)
            if array.ndim != 2 or array.shape != (rows, len(names)):
                raise DataError(f"table.{field}: expected an array of {max(rows, 0)} rows of {len(names)} "
                                f"columns (one per name: {', '.join(names)}), got shape {array.shape}")

    @property
    def n_targets(self) -> int:
        """K: the target columns, and the output units that predict them."""
        return len(self.target_names)

    def columns(self, dtype="float64") -> tuple[np.ndarray, np.ndarray]:
        """X (n_features, m) and Y (K, m): examples as columns."""
        return (np.array(self.features.T, dtype=dtype, order="C"),
                np.array(self.targets.T, dtype=dtype, order="C"))

    def __len__(self) -> int:
        return self.features.shape[0]


def _table(name, features, targets, rows) -> Table:
    """A table of ``rows`` whose first columns are the ``features`` and the last the ``targets``."""
    array = np.array(rows, dtype=np.float64).reshape(len(rows), len(features) + len(targets))
    n = len(features)
    return Table(name, tuple(features), tuple(targets), array[:, :n], array[:, n:])


#: The notebook's tables: cgpa and resume_score, then the target.
NOTEBOOK_REGRESSION = _table(
    "notebook-regression", ["cgpa", "resume_score"], ["lpa"],
    [[8, 8, 4], [7, 9, 5], [6, 10, 6], [5, 12, 7]],
)
NOTEBOOK_CLASSIFICATION = _table(
    "notebook-classification", ["cgpa", "resume_score"], ["placed"],
    [[8, 8, 1], [7, 9, 1], [6, 10, 0], [5, 5, 0]],
)
#: Two outputs for class: the notebook's regression table with a second target, the
#: number of job offers (small whole numbers, so that a 2-2-2 step can be checked by hand).
TWO_OUTPUTS = _table(
    "two-outputs", ["cgpa", "resume_score"], ["lpa", "offers"],
    [[8, 8, 4, 1], [7, 9, 5, 2], [6, 10, 6, 2], [5, 12, 7, 3]],
)
TABLES = {t.name: t for t in (NOTEBOOK_REGRESSION, NOTEBOOK_CLASSIFICATION, TWO_OUTPUTS)}


def get_table(name: str) -> Table:
    if name not in TABLES:
        raise DataError(f"table: expected one of {', '.join(TABLES)}, got {name!r}")
    return TABLES[name]


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """The file's non-empty rows, each with its line number; errors name the file."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found; expected {_EXPECTED}") from None
    except OSError:
        pass  # reading it says what is wrong
    try:
        data = read_limited(path, MAX_CSV_BYTES, _EXPECTED)
    except UnreadableFile as exc:
        raise DataError(f"{path}: {exc}") from None
    try:
        text = data.decode("utf-8-sig")  # a BOM (Excel's "CSV UTF-8") is not part of the first name
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a text CSV file (expected UTF-8 text)") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise DataError(f"{path}: line {reader.line_num} has {len(row):,} cells; expected at most "
                                f"{MAX_COLUMNS:,} columns")
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
            if len(rows) > MAX_ROWS + 1:
                raise DataError(f"{path}: more than {MAX_ROWS:,} data rows; the step view takes at most {MAX_ROWS:,}")
    except csv.Error as exc:
        raise DataError(f"{path}: cannot be read as CSV (line {reader.line_num}: {exc}); expected {_EXPECTED}") from None
    return rows


def _header(path: Path, rows) -> list[str]:
    """The first row's names, checked: a header (not numbers), commas between the names,
    a distinct, short, non-empty name per column."""
    if not rows:
        raise DataError(f"{path}: the file is empty; expected a header row and data rows")
    header = [cell.strip() for cell in rows[0][1]]
    if len(header) == 1 and _separator(rows[0][1]):
        raise DataError(f"{path}: the first row {shown(rows[0][1][0], 60)} seems separated by "
                        f"{_separator(rows[0][1])}; expected commas between the columns (the separator must be a comma)")
    if all(_is_number(cell) for cell in header):
        raise DataError(f"{path}: the first row ({shown(', '.join(header), 60)}) is all numbers, so the file "
                        f"has no header; expected a header row naming the columns, such as "
                        f"{','.join(f'x{i}' for i in range(1, len(header)))}{',' if len(header) > 1 else ''}y")
    if len(set(header)) != len(header) or not all(header):
        raise DataError(f"{path}: the header needs a distinct, non-empty name per column, got {shown(header, 120)}")
    long = next((name for name in header if len(name) > MAX_NAME), None)
    if long is not None:
        raise DataError(f"{path}: the column name {shown(long)} has {len(long):,} characters; expected at most {MAX_NAME}")
    return header


def _separator(cells) -> str:
    """What seems to separate the columns of a row read as one cell: "';'" or "tabs", or ""."""
    text = ",".join(cells)
    return "';'" if ";" in text else "tabs" if "\t" in text else ""


def _is_number(cell: str) -> bool:
    """Whether a cell reads as a number (or nan, inf) by the data rows' rule."""
    try:
        _number(cell, "")
    except NumberError:
        return NOT_FINITE.fullmatch(cell.strip()) is not None
    return True


def _number(cell: str, field: str) -> float:
    """The cell's finite number, read by the parser the command line and the forms share:
    ASCII digits only, no _ between them (float() also takes '٣', '１', '1_000', '1 ' and
    nan); NumberError, naming ``field``, when it is not one."""
    return decimal(cell, field, example="", underscores=False)


def csv_header(path: str | os.PathLike) -> list[str]:
    """The column names of a CSV file (its first non-empty row), for choosing columns."""
    path = Path(path)
    return _header(path, _rows(path))


def load_csv(path: str | os.PathLike, features=None, targets=None, *, target: str | None = None) -> Table:
    """A table from a CSV file with a header row.

    ``targets`` (1 to MAX_TARGETS names, or one name) default to the last column;
    ``features`` (names) to every other column. ``target`` is the older keyword for one
    target. Every cell must be a number. Raises :class:`DataError` naming the file, and the
    line and column where it applies.
    """
    path = Path(path)
    rows = _rows(path)
    header = _header(path, rows)
    if len(rows) < 2:
        raise DataError(f"{path}: only a header row; expected at least one data row")
    if targets is None:
        targets = [header[-1]] if target is None else [target]
    elif isinstance(targets, str):
        targets = [targets]
    targets = list(targets)
    _check_targets(path, header, targets)
    chosen = [h for h in header if h not in targets] if features is None else list(features)
    _check_features(path, header, chosen, targets)
    values = _parse_cells(path, header, rows[1:], [*chosen, *targets])
    return _table(path.stem, chosen, targets, values)


def _check_targets(path: Path, header, targets) -> None:
    for name in targets:
        if name not in header:
            raise DataError(f"{path}: target column {shown(name)} not found; columns are {', '.join(header)}")
    if len(set(targets)) != len(targets):
        raise DataError(f"{path}: a target column is chosen twice ({', '.join(targets)}); expected each once")
    if not 1 <= len(targets) <= MAX_TARGETS:
        raise DataError(f"{path}: {len(targets)} target columns ({', '.join(targets)}); the step view shows 1 to "
                        f"{MAX_TARGETS} outputs, one per target column: choose up to {MAX_TARGETS} of them")


def _check_features(path: Path, header, chosen, targets) -> None:
    for name in chosen:
        if name in targets:
            raise DataError(f"{path}: column {shown(name)} is chosen both as a feature and as a target; "
                            f"expected each column in one role")
        if name not in header:
            raise DataError(f"{path}: feature column {shown(name)} not found among "
                            f"{', '.join(h for h in header if h not in targets)}")
    if len(set(chosen)) != len(chosen):
        raise DataError(f"{path}: a feature column is chosen twice ({', '.join(chosen)}); expected each once")
    if not chosen:
        raise DataError(f"{path}: no feature columns; expected at least one besides the target"
                        f"{'s' if len(targets) > 1 else ''} {', '.join(map(repr, targets))}")
    if len(chosen) > MAX_FEATURES:
        raise DataError(
            f"{path}: {len(chosen)} feature columns; the step view shows at most {MAX_FEATURES} "
            f"inputs: choose up to {MAX_FEATURES} of them"
        )


def _parse_cells(path: Path, header, rows, wanted) -> list[list[float]]:
    index = [header.index(name) for name in wanted]
    values = []
    for line, row in rows:
        if len(row) != len(header):
            hint = f" (it seems separated by {_separator(row)}: the separator must be a comma)" if _separator(row) else ""
            raise DataError(f"{path}: line {line} has {len(row)} cells; expected {len(header)} like the header{hint}")
        parsed = []
        for i in index:
            cell = row[i].strip()
            if cell == "" or cell.lower() in ("na", "nan", "null", "none"):
                raise DataError(f"{path}: line {line}, column {header[i]!r} is missing a value")
            try:
                parsed.append(_number(cell, header[i]))
            except NumberError as exc:
                raise DataError(f"{path}: line {line}, column {header[i]!r}: {exc.detail}") from None
        values.append(parsed)
    return values
