"""Hostile user files through the debugger's own check (child.run_file in the sandbox):
each ends in one message naming the file and, where known, the line, within the limit,
and bpviz's network and table are as they were."""

from __future__ import annotations

import time

import numpy as np
import pytest

from bpviz.nn.handwritten import UserCodeError
from bpviz.presets import get_preset
from bpviz.usercode.check import check_file
from bpviz.usercode.sandbox import Limits

HEAD = "import numpy as np\n\n\ndef update(params, x, y, lr):\n"  # the body starts on line 5
LIMIT = 2.0


def _state():
    recipe = get_preset("notebook-regression")
    data = recipe.data()
    return recipe.network(), data.X, data.Y, recipe.lr


CASES = [
    ("endless loop", "    while True: pass\n", ["line 5 (while True: pass)", "still running after 2 s",
                                                 "time limit"]),
    ("long sleep", "    import time\n    time.sleep(100)\n", ["line 6 (time.sleep(100))", "still running"]),
    ("os._exit(0)", "    import os\n    os._exit(0)\n", ["line 6 (os._exit(0))", "without an answer"]),
    ("huge allocation", "    big = np.ones(10**11)\n    return params\n", ["line 5", "memory"]),
    ("growing list", "    grow = []\n    while True:\n        grow.append(bytearray(1 << 20))\n",
     ["line 7", "memory"]),
    ("closed stdout", "    import sys\n    sys.stdout.close()\n    print('x')\n", ["line 7 (print('x'))",
                                                                              "ValueError"]),
    ("KeyboardInterrupt", "    raise KeyboardInterrupt\n", ["line 5 (raise KeyboardInterrupt)", "KeyboardInterrupt"]),
    ("an answer that raises when read",
     "    class Bad:\n        def __array__(self, *a, **k):\n            raise KeyboardInterrupt\n"
     "    params['W1'] = Bad()\n    return params\n", ["line 9 (return params)", "W1 cannot be read as numbers",
                                                       "KeyboardInterrupt"]),
    ("deep recursion", "    def f(n):\n        return f(n + 1)\n    return f(0)\n", ["line 6", "RecursionError"]),
]


@pytest.mark.parametrize("name, body, words", CASES, ids=[c[0] for c in CASES])
def test_a_hostile_file_is_one_message_within_the_limit_and_changes_nothing(tmp_path, name, body, words):
    path = tmp_path / "mine.py"
    path.write_text(HEAD + body, encoding="utf-8")
    net, X, Y, lr = _state()
    before = ({k: v.copy() for k, v in net.params.items()}, X.copy(), Y.copy())
    start = time.monotonic()
    with pytest.raises(UserCodeError) as info:
        check_file(path, net, X, Y, lr, limits=Limits(timeout=LIMIT, memory_mb=512))
    took = time.monotonic() - start
    message = str(info.value)
    assert message.startswith("mine.py") and "Traceback" not in message and "\n" not in message
    for word in words:
        assert word in message, message
    assert took < LIMIT + 5  # the limit, and the cost of starting and ending a child
    assert all(np.array_equal(before[0][k], net.params[k]) for k in net.params)
    assert np.array_equal(before[1], X) and np.array_equal(before[2], Y)


def test_a_huge_print_is_cut_and_the_check_still_answers(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(HEAD + "    for _ in range(200):\n        print('x' * 1_000_000)\n"
                           "    params['W1'] = params['W1'] * 1.0\n    return params\n", encoding="utf-8")
    net, X, Y, lr = _state()
    report = check_file(path, net, X, Y, lr, limits=Limits(timeout=20))
    assert len(report.output) < 20_000 and "more characters not kept" in report.output
    assert report.findings  # an update that does not update: every row shows it


def test_mutating_its_inputs_changes_nothing_of_bpvizs(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(HEAD + "    x *= 100\n    y *= 100\n    params['W1'] *= 8\n    return params\n",
                    encoding="utf-8")
    net, X, Y, lr = _state()
    before = ({k: v.copy() for k, v in net.params.items()}, X.copy(), Y.copy())
    check_file(path, net, X, Y, lr)
    assert all(np.array_equal(before[0][k], net.params[k]) for k in net.params)
    assert np.array_equal(before[1], X) and np.array_equal(before[2], Y)
