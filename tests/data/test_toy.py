"""The notebook's tables and users' CSV files, with a clear message for each bad file."""

from __future__ import annotations

import numpy as np
import pytest

from bpviz.data.toy import NOTEBOOK_CLASSIFICATION, NOTEBOOK_REGRESSION, Table, load_csv
from bpviz.errors import DataError


def test_the_notebook_tables():
    X, Y = NOTEBOOK_REGRESSION.columns()
    assert X.tolist() == [[8, 7, 6, 5], [8, 9, 10, 12]] and Y.tolist() == [[4, 5, 6, 7]]
    assert NOTEBOOK_REGRESSION.feature_names == ("cgpa", "resume_score")
    assert NOTEBOOK_REGRESSION.target_names == ("lpa",)
    X, Y = NOTEBOOK_CLASSIFICATION.columns()
    assert X[:, 3].tolist() == [5, 5] and Y.tolist() == [[1, 1, 0, 0]]


def test_a_csv_with_chosen_features_and_target(tmp_path):
    path = tmp_path / "houses.csv"
    path.write_text("rooms,age,garden,price\n3,10,1,200\n4,5,0,260\n2,30,1,150\n")
    table = load_csv(path)
    assert table.feature_names == ("rooms", "age", "garden") and table.target_names == ("price",)
    chosen = load_csv(path, features=["age", "rooms"], target="garden")
    X, Y = chosen.columns()
    assert X.tolist() == [[10, 5, 30], [3, 4, 2]] and Y.tolist() == [[1, 0, 1]]
    assert chosen.name == "houses" and len(chosen) == 3


@pytest.mark.parametrize(
    "content, kwargs, words",
    [
        ("a,b,y\n1,x,2\n", {}, "line 2, column 'b': expected a number, got 'x'"),
        ("a,b,y\n1,2,3\n4,,6\n", {}, "line 3, column 'b' is missing a value"),
        ("a,b,y\n1,NaN,3\n", {}, "line 2, column 'b' is missing a value"),
        # float() takes these; the command line's and the forms' parser does not.
        ("a,b,y\n1,2,3\n1,٣,3\n", {}, "line 3, column 'b': expected a number written in the digits 0 to 9, got '٣'"),
        ("a,b,y\n１,2,3\n", {}, "line 2, column 'a': expected a number written in the digits 0 to 9, got '１'"),
        ("a,b,y\n1,2,1_000\n", {}, "line 2, column 'y': expected a number written without _ between its digits, "
                                    "got '1_000'"),
        ("a,b,y\n1,0x10,3\n", {}, "line 2, column 'b': expected a number, got '0x10'"),
        ("a,b,y\n1, 1 2,3\n", {}, "line 2, column 'b': expected a number, got '1 2'"),
        ("a,b,y\n1,1e400,3\n", {}, "line 2, column 'b': expected a finite number, got '1e400', too large to hold"),
        ("a,b,y\n1,inf,3\n", {}, "expected a finite number, got 'inf'"),
        ("", {}, "the file is empty"),
        ("\n\n", {}, "the file is empty"),
        ("a,b,y\n", {}, "only a header row"),
        (",".join(f"c{i}" for i in range(10)) + "\n" + ",".join(["1"] * 10) + "\n", {},
         "9 feature columns; the step view shows at most 8 inputs"),
        ("a,b,y\n1,2\n", {}, "line 2 has 2 cells; expected 3"),
        ("a,b,y\n1,2,3\n", {"target": "z"}, "target column 'z' not found"),
        ("a,b,y\n1,2,3\n", {"features": ["q"]}, "feature column 'q' not found"),
        ("a,a,y\n1,2,3\n", {}, "a distinct, non-empty name per column"),
        ("y\n1\n", {}, "no feature columns"),
    ],
)
def test_bad_csv_files_name_the_file_and_the_place(tmp_path, content, kwargs, words):
    path = tmp_path / "table.csv"
    path.write_text(content)
    with pytest.raises(DataError) as caught:
        load_csv(path, **kwargs)
    assert str(caught.value).startswith(f"{path}: ") and words in str(caught.value), str(caught.value)


def test_a_missing_or_binary_csv(tmp_path):
    with pytest.raises(DataError, match="nope.csv: file not found"):
        load_csv(tmp_path / "nope.csv")
    binary = tmp_path / "image.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DataError, match="image.csv: not a text CSV file"):
        load_csv(binary)


def test_tables_are_read_only():
    with pytest.raises(ValueError):
        NOTEBOOK_REGRESSION.features[0, 0] = 1
    assert isinstance(NOTEBOOK_REGRESSION.targets, np.ndarray)


def test_csv_numbers_are_read_as_the_forms_read_them(tmp_path):
    """Every way to write a number that a CSV file takes, as the command line and the
    forms take it: signs, decimals, exponents, spaces around the cell."""
    path = tmp_path / "numbers.csv"
    path.write_text("a,b,y\n-1.5, +2 ,.5\n1e3,2.,-3E-2\n")
    X, Y = load_csv(path).columns()
    assert X.tolist() == [[-1.5, 1000.0], [2.0, 2.0]] and Y.tolist() == [[0.5, -0.03]]


def test_a_csv_with_several_target_columns(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("x1,x2,y1,y2\n1,2,0.5,1\n3,4,0.25,0\n")
    table = load_csv(path, targets=["y1", "y2"])
    assert table.feature_names == ("x1", "x2") and table.target_names == ("y1", "y2")
    assert table.n_targets == 2 and table.targets.shape == (2, 2)
    X, Y = table.columns()
    assert X.tolist() == [[1, 3], [2, 4]] and Y.tolist() == [[0.5, 0.25], [1, 0]]
    # The older keyword still chooses one target.
    assert load_csv(path, target="y1").target_names == ("y1",)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"targets": []}, "0 target columns (); the step view shows 1 to 4 outputs"),
        ({"targets": ["c1", "c2", "c3", "c4", "c5"]}, "5 target columns (c1, c2, c3, c4, c5); the step view "
                                                      "shows 1 to 4 outputs, one per target column"),
        ({"targets": ["c1", "c1"]}, "a target column is chosen twice"),
        ({"targets": ["c5"], "features": ["c1", "c5"]}, "column 'c5' is chosen both as a feature and as a target"),
        ({"targets": ["c1", "c2"], "features": []}, "no feature columns; expected at least one besides the "
                                                    "targets 'c1', 'c2'"),
    ],
)
def test_bad_target_choices_are_named(tmp_path, kwargs, words):
    path = tmp_path / "six.csv"
    path.write_text("c1,c2,c3,c4,c5,c6\n1,2,3,4,5,6\n")
    with pytest.raises(DataError) as caught:
        load_csv(path, **kwargs)
    assert words in str(caught.value), str(caught.value)


def test_a_table_checks_its_shapes():
    table = Table("one", ("x",), ("y1", "y2"), [[1.0]], [[0.0, 1.0]])
    assert table.columns()[1].shape == (2, 1) and len(table) == 1
    with pytest.raises(ValueError):
        table.targets[0, 0] = 5  # a copy that cannot be written to
    with pytest.raises(DataError, match=r"table.targets: expected an array of 1 rows of 2 columns .*got shape \(1,\)"):
        Table("one", ("x",), ("y1", "y2"), [[1.0]], [0.0])
