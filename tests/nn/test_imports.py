"""Imports inside bpviz.nn run one way: no module imports, even lazily inside a function,
one that imports it back (trace, trace_steps and trace_layers once did)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import bpviz.nn

NN = Path(bpviz.nn.__file__).parent
MODULES = sorted(p.stem for p in NN.glob("*.py") if p.stem != "__init__")
TRACE_MODULES = [m for m in MODULES if m.startswith("trace")]


def _imports(module: str) -> set[str]:
    """The bpviz.nn modules ``module`` imports anywhere in its file, function bodies too.
    (``from bpviz.nn import Network`` reads the package, which every submodule's import
    runs first anyway; only submodules count.)"""
    tree = ast.parse((NN / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["bpviz", "nn"] and len(parts) >= 3 and parts[2] in MODULES:
                found.add(parts[2])
    return found - {module}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph``, as the modules around it, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for other in sorted(graph[node]):
            if state.get(other) == "open":
                return stack[stack.index(other):] + [other]
            if other not in state:
                found = visit(other)
                if found:
                    return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_trace_modules_import_each_other_one_way():
    graph = {m: _imports(m) for m in MODULES}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))
    # The records are at the bottom; trace, the front, is imported by none of them.
    assert not _imports("trace_records") & set(TRACE_MODULES)
    assert all("trace" not in _imports(m) for m in MODULES)


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"trace": {"trace_steps"}, "trace_steps": {"trace_records"},
                   "trace_records": {"trace"}}) == ["trace", "trace_steps", "trace_records", "trace"]


@pytest.mark.parametrize("module", TRACE_MODULES)
def test_each_trace_module_imports_first_in_a_fresh_process(module):
    code = (f"import bpviz.nn.{module}\n"
            "from bpviz.nn.trace import Factor, Reuse, Step, PHASES, MAX_PATHS, trace, trace_layers, "
            "gradients_from_steps, steps_text\n"
            "from bpviz.nn.trace_records import Step as S\n"
            "assert S is Step\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
