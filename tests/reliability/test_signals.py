"""Ctrl-C and SIGTERM at any moment (issue 18, kind 7), sent to real processes at moments
read from their output: one line, exit 130 or 143, no traceback, and with --save the model
of the last whole update saved. Also stdout that fails (/dev/full, a closed pipe)."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from bpviz.cli import main
from bpviz.nn.serialize import load_model

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="POSIX signals and /dev/full")
pytestmark = linux_only

WORDS = {signal.SIGINT: ("interrupted (Ctrl-C)", 130), signal.SIGTERM: ("terminated (SIGTERM)", 143)}
#: Runs the command line with a hook that prints MOMENT (and waits) at one moment of the run.
WRAPPER = """
import sys, time
def moment(original, seconds):
    def hooked(*args, **kwargs):
        print("MOMENT", file=sys.stderr, flush=True)
        time.sleep(seconds)
        return original(*args, **kwargs)
    return hooked
{hook}
from bpviz.cli import main
sys.argv = ["bpviz", *sys.argv[1:]]
sys.exit(main())
"""
HOOKS = {
    "loading MNIST": "import bpviz.presets as m; m.load_mnist = moment(m.load_mnist, 30)",
    "setting up": "import bpviz.presets as m; m.Recipe.network = moment(m.Recipe.network, 30)",
    "saving": "import bpviz.fileio as m; m.os.fsync = moment(m.os.fsync, 1)",
    "tracing": "import bpviz.commands.trace as m; m.trace_layers = moment(m.trace_layers, 30)",
    "checking": "import bpviz.commands.gradcheck as m; m.check_gradients = moment(m.check_gradients, 30)",
    "opening the window": "import bpviz.gui.main_window as m; m.MainWindow.__init__ = moment(m.MainWindow.__init__, 1)",
    "window shown": "import bpviz.gui.main_window as m; m.MainWindow.showEvent = moment(m.MainWindow.showEvent, 0)",
}


class Run:
    """A bpviz process whose stdout and stderr lines are read as they come."""

    def __init__(self, argv, cwd, hook=None, env=None, **popen):
        command = [sys.executable, "-m", "bpviz"] if hook is None else \
            [sys.executable, "-c", WRAPPER.format(hook=HOOKS[hook])]
        self.process = subprocess.Popen([*command, *argv], cwd=cwd, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=env, **popen)
        self.lines = {"out": [], "err": []}
        self._queue = queue.Queue()
        for name, stream in (("out", self.process.stdout), ("err", self.process.stderr)):
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()

    def _read(self, name, stream):
        for line in stream:
            self._queue.put((name, line.rstrip("\n")))
        self._queue.put((name, None))

    def wait_for(self, name: str, text: str, timeout: float = 60) -> None:
        """Until a line of ``name`` ("out" or "err") holds ``text``."""
        while not any(text in line for line in self.lines[name]):
            try:
                which, line = self._queue.get(timeout=timeout)
            except queue.Empty:
                self.process.kill()
                raise AssertionError(f"no {text!r} within {timeout} s: {self.lines}") from None
            if line is None:
                assert self.process.poll() is None or any(text in x for x in self.lines[name]), \
                    f"ended before {text!r}: {self.lines}"
                continue
            self.lines[which].append(line)

    def finish(self, timeout: float = 30) -> int:
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"still running {timeout} s after the signal: {self.lines}") from None
        ended = 0
        while ended < 2:
            which, line = self._queue.get(timeout=10)
            if line is None:
                ended += 1
            else:
                self.lines[which].append(line)
        return code


def _stop(run: Run, signum) -> tuple[int, str]:
    """Send ``signum``; the exit code and the one line said after it (anything else fails)."""
    said = len(run.lines["err"])
    run.process.send_signal(signum)
    code = run.finish()
    after = [line for line in run.lines["err"][said:] if line.strip() and line != "MOMENT"]
    everything = "\n".join(run.lines["err"] + run.lines["out"])
    assert "Traceback" not in everything and "Error" not in everything, everything
    assert len(after) == 1, after
    return code, after[0]


TRAIN = ["train", "--preset", "fast", "--train-size", "500", "--quiet"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_training_saves_the_model_of_the_last_whole_update(tmp_path, signum):
    run = Run([*TRAIN, "--iterations", "100000", "--eval-every", "50", "--save", "m.npz", "--json", "r.json"],
              tmp_path)
    run.wait_for("out", "after 100 iterations")  # training, a few updates in
    code, line = _stop(run, signum)
    words, expected_code = WORDS[signum]
    assert code == expected_code
    found = re.fullmatch(rf"bpviz train: {re.escape(words)} after ([\d,]+) of 100,000 updates; "
                         rf"saved the model of update ([\d,]+) to m\.npz and the run to r\.json", line)
    assert found and found[1] == found[2], line
    updates = int(found[1].replace(",", ""))
    assert updates >= 100
    net, extra = load_model(tmp_path / "m.npz")
    assert extra["updates"] == updates and extra["stopped"] == "interrupted"
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["stopped"] == "interrupted" and report["history"][-1]["iteration"] == updates - 1
    # The saved model is exactly the one that many whole updates make.
    assert main([*TRAIN, "--iterations", str(updates), "--save", str(tmp_path / "same.npz")]) == 0
    again, _ = load_model(tmp_path / "same.npz")
    for key, value in net.params.items():
        np.testing.assert_array_equal(value, again.params[key])


@pytest.mark.parametrize("moment, signum", [("loading MNIST", signal.SIGINT), ("setting up", signal.SIGTERM),
                                            ("loading MNIST", signal.SIGTERM)])
def test_a_signal_before_training_says_so_and_leaves_the_old_model(tmp_path, moment, signum):
    (tmp_path / "m.npz").write_bytes(b"the model saved yesterday")
    run = Run([*TRAIN, "--iterations", "50", "--save", "m.npz"], tmp_path, hook=moment)
    run.wait_for("err", "MOMENT")
    code, line = _stop(run, signum)
    words, expected_code = WORDS[signum]
    assert code == expected_code
    assert line == f"bpviz train: {words} while {moment}; nothing was trained or saved"
    assert (tmp_path / "m.npz").read_bytes() == b"the model saved yesterday"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_saving_lets_the_save_finish(tmp_path, signum):
    run = Run([*TRAIN, "--iterations", "20", "--save", "m.npz"], tmp_path, hook="saving")
    run.wait_for("err", "MOMENT")  # the bytes are in the temporary file, not yet on disk
    code, line = _stop(run, signum)
    words, expected_code = WORDS[signum]
    assert code == expected_code
    assert line == f"bpviz train: {words} after the run finished; saved the model of update 20 to m.npz"
    assert load_model(tmp_path / "m.npz")[1]["updates"] == 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


@pytest.mark.parametrize("argv, moment, signum, line", [
    (["trace", "--preset", "tutorial", "--mode", "layers"], "tracing", signal.SIGINT, "bpviz trace: interrupted (Ctrl-C)"),
    (["gradcheck"], "checking", signal.SIGINT, "bpviz gradcheck: interrupted (Ctrl-C)"),
    (["gradcheck", "--preset", "tutorial"], "checking", signal.SIGTERM, "bpviz gradcheck: terminated (SIGTERM)"),
])
def test_trace_and_gradcheck_stop_in_one_line(tmp_path, argv, moment, signum, line):
    run = Run(argv, tmp_path, hook=moment)
    run.wait_for("err", "MOMENT")
    code, said = _stop(run, signum)
    assert (code, said) == (WORDS[signum][1], line)


@pytest.mark.parametrize("moment, signum", [("window shown", signal.SIGINT), ("window shown", signal.SIGTERM),
                                            ("opening the window", signal.SIGINT)])
def test_the_app_closes_its_window_on_a_signal(tmp_path, moment, signum):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    run = Run([], tmp_path, hook=moment, env=env)
    run.wait_for("err", "MOMENT", timeout=120)
    said = len(run.lines["err"])
    run.process.send_signal(signum)
    code = run.finish()
    after = [line for line in run.lines["err"][said:] if line.strip() and "propagateSizeHints" not in line]
    words, expected_code = WORDS[signum]
    assert (code, after) == (expected_code, [f"bpviz: {words}; the window was closed"])


@pytest.mark.parametrize("argv", [["trace"], ["trace", "--format", "json"], ["gradcheck"]])
def test_a_full_disk_on_stdout_is_one_line_and_exit_2(argv):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "bpviz", *argv], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"bpviz {argv[0]}: error: could not write the output (standard output): the disk is full; "
        f"free some space or choose another disk"]


def test_a_full_disk_on_stdout_does_not_lose_the_trained_model(tmp_path):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "bpviz", *TRAIN, "--iterations", "5", "--save", "m.npz"],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-2:] == [
        "saved the model to m.npz",
        "bpviz train: error: could not write the output (standard output): the disk is full; "
        "free some space or choose another disk"]
    assert load_model(tmp_path / "m.npz")[1]["updates"] == 5


def test_a_reader_that_goes_away_ends_the_output_quietly(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "bpviz", "trace", "--preset", "tutorial", "--mode", "layers",
                                "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.read(10)
    process.stdout.close()  # as `| head -c 10` does
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""
    process.stderr.close()


def test_stdout_closed_is_not_an_error():
    result = subprocess.run(f"{sys.executable} -m bpviz trace >&-", shell=True, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
                            cwd=Path(__file__).parents[2])
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr, result.stderr
