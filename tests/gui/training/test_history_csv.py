"""The history CSV (Export > History as CSV…): the layers' statistics after the old columns."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest

from bpviz.gui.training.history import COLUMNS, RunHistory, histories_csv
from bpviz.nn.train import train
from bpviz.presets import get_preset


def _run(number, recipe):
    data = recipe.data()
    history = RunHistory(number, recipe)
    history.extend(list(train(recipe.network(), data, recipe.train_config())))
    return history


def test_the_csv_has_each_layers_statistics_where_they_were_recorded():
    shallow = _run(1, get_preset("fast").replace(train_size=200, epochs=None, iterations=6, eval_every=3))
    deep = _run(2, get_preset("tutorial").replace(train_size=200, layers=(16, 8, 1), iterations=4,
                                                   eval_every=2))
    rows = list(csv.DictReader(io.StringIO(histories_csv([shallow, deep]).decode())))
    header = list(rows[0])
    # The old columns first, as they were; then 8 per layer, for the deepest run's 3 layers.
    assert header[:len(COLUMNS)] == list(COLUMNS)
    assert header[len(COLUMNS):len(COLUMNS) + 8] == ["dW1_norm", "db1_norm", "W1_norm", "update_ratio1",
                                                     "A1_mean", "A1_std", "saturated1", "dead1"]
    assert len(header) == len(COLUMNS) + 3 * 8 and header[-1] == "dead3"
    assert len(rows) == 6 + 4
    fast, tutorial = rows[:6], rows[6:]
    # Filled on the first update and the evaluated ones: the fast run's 3rd and 6th, the
    # tutorial's 2nd and 4th.
    assert [bool(r["dW1_norm"]) for r in fast] == [True, False, True, False, False, True]
    assert [bool(r["dW1_norm"]) for r in tutorial] == [True, True, False, True]
    record = shallow.records[2]
    assert float(fast[2]["dW1_norm"]) == record.layers[0].dW_norm
    assert float(fast[2]["update_ratio2"]) == record.layers[1].update_ratio
    # ReLU then sigmoid: dead units in layer 1, saturation in layer 2; no layer 3.
    assert fast[2]["saturated1"] == "" and 0 <= float(fast[2]["dead1"]) <= 1
    assert fast[2]["dead2"] == "" and 0 <= float(fast[2]["saturated2"]) <= 1
    assert fast[2]["dW3_norm"] == ""
    assert float(tutorial[3]["A3_mean"]) == pytest.approx(deep.records[3].layers[2].A_mean, rel=1e-15)
    assert float(tutorial[3]["saturated1"]) >= 0 and tutorial[3]["dead1"] == ""


def test_a_history_without_statistics_keeps_the_old_columns_alone():
    recipe = get_preset("fast").replace(train_size=200, epochs=None, iterations=2)
    history = RunHistory(1, recipe)
    config = dataclasses.replace(recipe.train_config(), layer_stats=False)
    history.extend([r for r in train(recipe.network(), recipe.data(), config)][:1])
    rows = list(csv.reader(io.StringIO(histories_csv([history]).decode())))
    assert rows[0] == list(COLUMNS) and len(rows[1]) == len(COLUMNS)
