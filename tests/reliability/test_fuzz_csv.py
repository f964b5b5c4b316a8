"""CSV tables fuzzed: random text of the characters tables are made of (digits, commas,
semicolons, tabs, quotes, line ends, words), random bytes, and a good table with cells
replaced. Each is refused with DataError naming the file, or is a table the step page can
play: 1 to 8 distinct named inputs, finite numbers, at most MAX_ROWS rows."""

from __future__ import annotations


import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bpviz.data.toy import MAX_FEATURES, MAX_ROWS, csv_header, load_csv
from bpviz.errors import DataError
from tests.reliability.fuzzing import FUZZ, scratch

FOLDER = scratch("csv")
PIECES = ["0", "1", "2.5", "-3", "1e3", "1e400", "nan", "inf", "NA", ",", ",", ",", ";", "\t", "\n", "\r\n", "\n",
          '"', "'", " ", "x", "y", "cgpa", "lpa", "\ufeff", "\x00", "é", "a,b,y\n", "1,2,3\n", '"1,5"']
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=60).map("".join)


def _open(data: bytes, **choice):
    path = FOLDER / "table.csv"
    path.write_bytes(data)
    for read in (lambda: csv_header(path), lambda: load_csv(path, **choice)):
        try:
            result = read()
        except DataError as exc:
            assert str(exc).startswith(f"{path}: ") and "Traceback" not in str(exc)
            continue
        if isinstance(result, list):
            assert result and len(set(result)) == len(result) and all(result)
            continue
        table = result
        assert 1 <= len(table.feature_names) <= MAX_FEATURES and 1 <= len(table) <= MAX_ROWS
        names = [*table.feature_names, *table.target_names]
        assert len(set(names)) == len(names) and all(names)
        assert table.features.shape == (len(table), len(table.feature_names))
        assert np.isfinite(table.features).all() and np.isfinite(table.targets).all()


@FUZZ
@given(texts)
def test_random_text_is_a_table_or_refused(text):
    _open(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.binary(max_size=500))
def test_random_bytes_are_a_table_or_refused(data):
    _open(data)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.sampled_from(PIECES)), max_size=4),
       st.sampled_from([{}, {"target": "y"}, {"target": "a"}, {"features": ["a"]}, {"features": ["a", "a"]},
                        {"features": ["y"]}, {"target": "q"}]))
def test_a_good_table_with_cells_replaced_is_a_table_or_refused(changes, choice):
    rows = [["a", "b", "y"], ["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]]
    for row, column, cell in changes:
        rows[row][column] = cell
    _open("\n".join(",".join(row) for row in rows).encode(), **choice)


def test_the_good_table_loads():
    path = FOLDER / "good.csv"
    path.write_text("a,b,y\n1,2,3\n")
    assert load_csv(path).feature_names == ("a", "b")
