"""``bpviz gradcheck | head``: a failing check must not exit 0 because the reader went
away (found walking the user's path)."""

from __future__ import annotations

import subprocess
import sys

from bpviz.resources import resource_path

BUGGY = resource_path("examples", "notebook_update.py")


def test_a_failing_check_read_by_head_still_exits_1():
    process = subprocess.Popen([sys.executable, "-m", "bpviz", "gradcheck", "--user-file", str(BUGGY),
                                "--init", "tutorial", "--seed", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline()  # the first line, as `| head -1` reads it
    process.stdout.close()  # and goes away
    code = process.wait(timeout=120)
    process.stderr.close()
    assert code == 1  # the check failed: a script with `set -o pipefail` must see it
