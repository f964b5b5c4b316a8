"""The architecture's one rule: the maths and the data never import Qt."""

from __future__ import annotations

import subprocess
import sys


def test_nn_data_and_usercode_import_neither_pyside6_nor_pyqtgraph():
    code = (
        "import sys, bpviz.nn, bpviz.data, bpviz.data.idx, bpviz.data.mnist, bpviz.usercode.check;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'pyqtgraph')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_command_line_imports_qt_only_to_open_the_app():
    code = (
        "import sys, bpviz.cli; bpviz.cli.build_parser();"
        "print('PySide6' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_the_command_lets_blas_threads_sleep_unless_the_user_chose_otherwise():
    code = "import os, bpviz.cli; print(os.environ['OPENBLAS_THREAD_TIMEOUT'])"
    env = {k: v for k, v in __import__("os").environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env).stdout.strip() == "4"
    env["OPENBLAS_THREAD_TIMEOUT"] = "10"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env).stdout.strip() == "10"
