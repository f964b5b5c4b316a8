"""What the graph's tests share: a layer graph view, shown."""

from __future__ import annotations

import pytest

from bpviz.gui.graph.view import GraphView


@pytest.fixture
def view(qtbot):
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(1100, 650)
    view.show()
    return view
