"""What the fuzz modules share: JSON-like values of every kind (and the near misses a hand
edit makes), a place to write files, and the settings that keep each module fast."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: Each loader gets a few hundred inputs (BPVIZ_FUZZ_EXAMPLES asks for more, for a long
#: hunt), without a deadline (the first may import).
FUZZ = settings(max_examples=int(os.environ.get("BPVIZ_FUZZ_EXAMPLES", 200)), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: Scalars a hand edit or a hostile file puts where something else belongs.
scalars = (st.none() | st.booleans() | st.integers() | st.integers(-10, 10)
           | st.sampled_from([10**100, -(10**100), 10**400, 10**4000, 2**32, 2**31, 10**7 + 1, 0])
           | st.floats() | st.sampled_from([float("nan"), float("inf"), 1e308, -0.0, 0.5])
           | st.text(max_size=12)
           | st.sampled_from(["", "0.1", "1", "bce", "mse", "sigmoid", "relu", "softmax", "tutorial",
                              "constant:0.1", "constant:nan", "he", "mnist", "notebook-regression", "sgd",
                              "adam", "float32", "float64", "W1", "b1"]))
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=8), children, max_size=6),
    max_leaves=25,
)


def paths(document, prefix=()):
    """Every place in a JSON document (key paths), the document itself first."""
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document[:4]):
            yield from paths(value, (*prefix, index))


def replaced(document, path, value):
    """``document`` with the value at ``path`` replaced (or the whole document)."""
    if not path:
        return value
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


def scratch(name: str) -> Path:
    """A folder for one module's files, every example writing over the last, removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix=f"bpviz-fuzz-{name}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
