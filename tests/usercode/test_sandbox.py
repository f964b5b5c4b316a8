"""The sandbox: a user's file that loops, sleeps, recurses, exits, eats memory, prints
gigabytes, closes its streams, raises, kills itself or leaves threads behind ends as one
message naming the file and line, within the time limit, and bpviz's process is unharmed.
Real children, real hostile files."""

from __future__ import annotations

import ast
import gc
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from bpviz.errors import UserCodeError
from bpviz.nn.handwritten import UserCodeError as HandwrittenUserCodeError
from bpviz.usercode import sandbox
from bpviz.usercode.sandbox import Cancelled, Limits, Outcome

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the limits are Linux's")

ROOT = Path(__file__).resolve().parents[2]
WORK = "tests.usercode.sandbox_work:"
SHORT = Limits(timeout=2.0)
#: Past the time limit, the child is ended and the message given within this.
SLACK = 1.5


def user_file(tmp_path, body: str) -> tuple[Path, str]:
    source = textwrap.dedent(body).lstrip("\n")
    path = tmp_path / "update.py"
    path.write_text(source, encoding="utf-8")
    return path, source


def line_of(source: str, text: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if text in line)


def run_file(tmp_path, body: str, limits: Limits = SHORT, args=()) -> tuple[Outcome | UserCodeError, float, str]:
    path, source = user_file(tmp_path, body)
    began = time.monotonic()
    try:
        result = sandbox.run(WORK + "call_update", {"path": str(path), "args": args}, path, limits, source)
    except UserCodeError as exc:
        result = exc
    return result, time.monotonic() - began, source


def failure(tmp_path, body: str, limits: Limits = SHORT, **kw) -> tuple[UserCodeError, float, str]:
    result, took, source = run_file(tmp_path, body, limits, **kw)
    assert isinstance(result, UserCodeError), result
    return result, took, source


def assert_at(error: UserCodeError, source: str, text, what: str) -> None:
    """The message names the file, the line holding ``text`` (or one of several: a loop's
    lines take turns), its number and text, and ``what``."""
    lines = [line_of(source, t) for t in ((text,) if isinstance(text, str) else text)]
    assert error.line in lines, error
    code = source.splitlines()[error.line - 1].strip()
    assert str(error).startswith(f"update.py, line {error.line} ({code}): "), error
    assert what in str(error), error
    assert "Traceback" not in str(error)


@pytest.fixture(autouse=True)
def unharmed():
    """After every case: bpviz's process still has its streams and its Ctrl-C handler, and
    no child of its work is left (running or a zombie)."""
    handler = signal.getsignal(signal.SIGINT)
    before = set(multiprocessing.active_children()), set(children())
    yield
    assert not sys.stdout.closed and not sys.__stdout__.closed and not sys.stderr.closed
    assert signal.getsignal(signal.SIGINT) is handler
    assert set(multiprocessing.active_children()) <= before[0]
    assert set(children()) <= before[1]


def ended(pid: int, within: float) -> bool:
    """Has process ``pid`` (not our child) ended, within ``within`` seconds? A zombie has
    (it waits for its new parent, init, to reap it)."""
    deadline = time.monotonic() + within
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


def children() -> list[tuple[int, str]]:
    """This process's children, as (pid, state), a zombie's state being "Z";
    multiprocessing's own resource tracker, started once and kept, is left out."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == os.getpid() and b"resource_tracker" not in cmdline:
            found.append((int(entry.name), fields[0]))
    return found


# -- what comes back ---------------------------------------------------------------------

def test_the_answer_and_what_was_printed_come_back(tmp_path):
    result, took, _ = run_file(tmp_path, """
        import numpy as np
        def update(params, lr):
            print("step", lr)
            params["W1"] = np.asarray(params["W1"]) - lr
            return params
    """, limits=Limits(), args=({"W1": [[1.0, 2.0]]}, 0.5))
    assert isinstance(result, Outcome)
    assert result.value["W1"].tolist() == [[0.5, 1.5]]
    assert result.output == "step 0.5\n"
    assert 0 < result.elapsed <= took


def test_numpy_arrays_and_scalars_come_back_as_they_were():
    value = sandbox.run(WORK + "array", None, "update.py").value
    assert value["W1"].tolist() == [[0, 1, 2], [3, 4, 5]] and value["n"] == 3 and value["x"] == 0.5


def test_output_past_16_kB_is_cut_with_a_note(tmp_path):
    result, _, _ = run_file(tmp_path, """
        import sys
        def update():
            for i in range(10_000):
                print(f"{i:09d}")
            sys.stderr.write("the end\\n")
            return 1
    """)
    assert result.value == 1
    kept, note = result.output[:sandbox.OUTPUT_LIMIT], result.output[sandbox.OUTPUT_LIMIT:]
    assert kept.startswith("000000000\n000000001\n")
    assert note == "\n[... 83,624 more characters not kept]\n"  # 100,000 + 8 written, 16,384 kept


def test_a_print_of_gigabytes_is_counted_not_kept(tmp_path):
    result, took, _ = run_file(tmp_path, """
        def update():
            line = "x" * 10**8
            for _ in range(30):
                print(line)
            return "done"
    """, limits=Limits(timeout=20))
    assert result.value == "done"
    assert result.output.endswith(f"[... {30 * (10**8 + 1) - sandbox.OUTPUT_LIMIT:,} more characters not kept]\n")
    assert took < 10


def test_writes_to_the_terminal_itself_go_nowhere(tmp_path, capfd):
    result, _, _ = run_file(tmp_path, """
        import os, sys
        def update():
            os.write(1, b"LEAK-1")
            os.write(2, b"LEAK-2")
            sys.__stdout__.write("LEAK-3")
            sys.__stdout__.flush()
            print("kept")
            return 1
    """)
    assert result.value == 1 and result.output == "kept\n"
    out, err = capfd.readouterr()
    assert "LEAK" not in out + err


def test_a_user_code_error_from_the_work_is_relayed_word_for_word():
    with pytest.raises(UserCodeError) as caught:
        sandbox.run(WORK + "user_error", None, "update.py", source="x\n" * 10)
    assert str(caught.value) == "update.py, line 7 (return params): update returned None"
    assert caught.value.line == 7
    assert HandwrittenUserCodeError is UserCodeError  # still importable from where it was


def test_an_answer_that_cannot_be_pickled_is_named():
    with pytest.raises(UserCodeError, match=r"^update.py: its answer could not be passed back "
                                            r"\(TypeError: cannot pickle 'generator' object\)$"):
        sandbox.run(WORK + "generator", None, "update.py")


def test_an_answer_that_would_run_code_when_read_is_refused(capfd):
    with pytest.raises(UserCodeError, match=r"^update.py: its answer holds posix.system, which bpviz "
                                            r"does not take back"):
        sandbox.run(WORK + "evil", None, "update.py")
    assert "evil" not in capfd.readouterr().out


def test_a_work_that_cannot_be_imported_is_named():
    with pytest.raises(UserCodeError, match=r"^update.py: could not start tests.usercode.sandbox_work:"
                                            r"missing \(AttributeError"):
        sandbox.run(WORK + "missing", None, "update.py")


def test_the_child_loads_neither_qt_nor_bpvizs_gui():
    pytest.importorskip("PySide6.QtCore")  # loaded here, in the parent, it stays here
    loaded = sandbox.run(WORK + "modules", ("PySide6", "shiboken6", "pyqtgraph", "bpviz"), "update.py").value
    assert not [m for m in loaded if not m.startswith("bpviz")] and "bpviz.gui" not in loaded
    assert "bpviz.usercode.sandbox" not in loaded  # the child runs bpviz.usercode._child alone


# -- time --------------------------------------------------------------------------------

@pytest.mark.parametrize("body, at", [
    ("def update():\n    x = 0\n    while True:\n        x += 1\n", ("while True", "x += 1")),
    ("import time\ndef update():\n    time.sleep(100)\n", "time.sleep(100)"),
])
def test_an_endless_loop_or_a_long_sleep_ends_at_the_time_limit(tmp_path, body, at):
    error, took, source = failure(tmp_path, body)
    assert_at(error, source, at, "still running after 2 s, the time limit (an endless loop or a long "
                                 "sleep?); raise the limit in the debugger or with --timeout")
    assert SHORT.timeout <= took < SHORT.timeout + SLACK


def test_the_line_running_now_is_seen_while_it_runs(tmp_path):
    path, source = user_file(tmp_path, """
        def update():
            while True:
                pass
    """)
    job = sandbox.start(WORK + "call_update", {"path": str(path)}, path, SHORT, source)
    try:
        while job.line == 0 and job.elapsed < SHORT.timeout:
            assert not job.done()
            time.sleep(0.01)
        assert job.line in (2, 3) and not job.done()
    finally:
        job.cancel()


def test_cancel_ends_an_endless_loop_at_once(tmp_path):
    path, source = user_file(tmp_path, """
        def update():
            while True:
                pass
    """)
    job = sandbox.start(WORK + "call_update", {"path": str(path)}, path, Limits(timeout=30), source)
    while job.line == 0:
        time.sleep(0.01)
    began = time.monotonic()
    job.cancel()
    assert job.done() and time.monotonic() - began < 1.0
    with pytest.raises(Cancelled, match=r"^update.py, line (2 \(while True:\)|3 \(pass\)): cancelled$"):
        job.outcome()


def test_a_cancel_event_ends_the_wait(tmp_path):
    path, source = user_file(tmp_path, "import time\ndef update():\n    time.sleep(100)\n")
    event = threading.Event()
    threading.Timer(0.5, event.set).start()
    began = time.monotonic()
    with pytest.raises(Cancelled):
        sandbox.run(WORK + "call_update", {"path": str(path)}, path, Limits(timeout=30), source, cancel=event)
    assert time.monotonic() - began < 1.5


def test_ctrl_c_while_waiting_ends_the_child_and_goes_on(tmp_path):
    path, source = user_file(tmp_path, "import time\ndef update():\n    time.sleep(100)\n")
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        sandbox.run(WORK + "call_update", {"path": str(path)}, path, Limits(timeout=30), source)
    timer.join()


def test_the_child_ignores_ctrl_c_sent_to_it(tmp_path):
    path, source = user_file(tmp_path, "import time\ndef update():\n    time.sleep(0.5)\n    return 'slept'\n")
    job = sandbox.start(WORK + "call_update", {"path": str(path)}, path, SHORT, source)
    while job.line == 0:
        time.sleep(0.01)
    os.kill(job._process.pid, signal.SIGINT)  # as a terminal's Ctrl-C reaches its process group
    assert job.wait().value == "slept"


# -- the stack ---------------------------------------------------------------------------

def test_recursion_past_the_limit_is_a_recursion_error(tmp_path):
    error, _, source = failure(tmp_path, """
        def f(n):
            return f(n + 1)
        def update():
            return f(0)
    """)
    assert_at(error, source, "return f(n + 1)", "RecursionError: maximum recursion depth exceeded")


def test_recursion_deeper_than_the_c_stack_is_a_crash_named_as_such(tmp_path):
    error, took, source = failure(tmp_path, """
        import sys
        sys.setrecursionlimit(10**6)
        def f(n):
            return f(*[n + 1])
        def update():
            return f(0)
    """)
    assert_at(error, source, "return f(*[n + 1])", "crashed (SIGSEGV), e.g. recursion deeper than the C stack")
    assert took < SHORT.timeout


# -- exits and signals -------------------------------------------------------------------

@pytest.mark.parametrize("code, what", [
    (0, "exited without an answer (os._exit?)"),
    (3, "exited with status 3 without an answer (os._exit(3)?)"),
])
def test_os_exit_is_an_exit_without_an_answer(tmp_path, code, what):
    error, _, source = failure(tmp_path, f"import os\ndef update():\n    os._exit({code})\n")
    assert_at(error, source, "os._exit", what)


@pytest.mark.parametrize("raised, what", [
    ("KeyboardInterrupt", "KeyboardInterrupt"),
    ("SystemExit", "SystemExit (exit() or sys.exit() was called)"),
    ("SystemExit(2)", "SystemExit: 2 (exit() or sys.exit() was called)"),
    ("ValueError('bad x')", "ValueError: bad x"),
])
def test_whatever_it_raises_is_a_message(tmp_path, raised, what):
    error, _, source = failure(tmp_path, f"def update():\n    y = 1\n    raise {raised}\n")
    assert_at(error, source, "raise", what)
    assert str(error).endswith(what)


@pytest.mark.parametrize("name, what", [
    ("SIGKILL", "was killed (SIGKILL), often for using too much memory"),
    ("SIGTERM", "was terminated (SIGTERM)"),
])
def test_a_signal_that_ends_it_is_named(tmp_path, name, what):
    error, _, source = failure(tmp_path, f"import os, signal\ndef update():\n    os.kill(os.getpid(), signal.{name})\n")
    assert_at(error, source, "os.kill", what)


# -- memory ------------------------------------------------------------------------------

@pytest.mark.parametrize("body, at", [
    ("import numpy as np\ndef update():\n    return np.ones(10**11)\n", "np.ones"),
    ("def update():\n    x = []\n    while True:\n        x.append([len(x)])\n", "x.append"),
])
def test_a_runaway_allocation_ends_at_the_memory_limit(tmp_path, body, at):
    error, took, source = failure(tmp_path, body, Limits(timeout=10, memory_mb=200))
    assert_at(error, source, at, "ran out of memory: the limit is 200 MB")
    assert took < 5


def test_numpy_works_under_a_small_memory_limit(tmp_path):
    result, _, _ = run_file(tmp_path, """
        import numpy as np
        def update():
            rng = np.random.default_rng(0)
            W = rng.normal(size=(50, 50))
            return float(np.linalg.inv(W + 50 * np.eye(50)).sum()) != 0 and float((W @ W.T).trace()) > 0
    """, Limits(timeout=10, memory_mb=100))
    assert result.value is True


# -- streams -----------------------------------------------------------------------------

def test_closing_sys_stdout_does_not_stop_the_answer(tmp_path):
    result, _, _ = run_file(tmp_path, """
        import sys
        def update():
            print("before")
            sys.stdout.close()
            sys.stderr.close()
            return 1
    """)
    assert result.value == 1 and result.output == "before\n"


def test_printing_after_closing_sys_stdout_is_the_error_python_gives(tmp_path):
    error, _, source = failure(tmp_path, """
        import sys
        def update():
            sys.stdout.close()
            print("after")
    """)
    assert_at(error, source, 'print("after")', "ValueError: I/O operation on closed file.")


def test_closing_the_real_stdout_does_not_stop_the_answer(tmp_path):
    result, _, _ = run_file(tmp_path, """
        import os, sys
        def update():
            sys.__stdout__.close()
            sys.__stderr__.close()
            os.close(0)
            print("still")
            return 1
    """)
    assert result.value == 1 and result.output == "still\n"


def test_closing_the_pipe_to_bpviz_is_named(tmp_path):
    error, _, source = failure(tmp_path, "import os\ndef update():\n    os.closerange(3, 4096)\n    return 1\n")
    assert_at(error, source, "return 1", "could not send its answer: its pipe to bpviz was closed")


# -- what it leaves behind ---------------------------------------------------------------

def test_a_thread_left_running_neither_holds_the_answer_nor_outlives_the_job(tmp_path):
    result, took, _ = run_file(tmp_path, """
        import threading, time
        def forever():
            while True:
                time.sleep(0.05)
        def update():
            threading.Thread(target=forever).start()
            return "answered"
    """)
    assert result.value == "answered" and took < 1.5


def test_a_program_it_starts_is_ended_with_it(tmp_path):
    marker = tmp_path / "sleeper.pid"
    error, _, source = failure(tmp_path, f"""
        import subprocess, time
        def update():
            p = subprocess.Popen(["sleep", "100"])
            open({str(marker)!r}, "w").write(str(p.pid))
            time.sleep(100)
    """)
    assert_at(error, source, "time.sleep(100)", "the time limit")
    assert ended(int(marker.read_text()), within=1.0)


def test_many_jobs_leave_no_child_behind():
    before = set(children())
    values = []
    for first in range(0, 20, 4):
        jobs = [sandbox.start(WORK + "echo", first + i, "update.py") for i in range(4)]
        while not all(job.done() for job in jobs):  # polled, as a window's timer does
            time.sleep(0.01)
        values += [job.outcome().value for job in jobs]
    assert sorted(values) == list(range(20))
    assert multiprocessing.active_children() == [] and set(children()) <= before


def test_a_job_dropped_unfinished_takes_its_child_with_it(tmp_path):
    path, source = user_file(tmp_path, "def update():\n    while True:\n        pass\n")
    job = sandbox.start(WORK + "call_update", {"path": str(path)}, path, Limits(timeout=30), source)
    while job.line == 0:
        time.sleep(0.01)
    pid = job._process.pid
    del job
    gc.collect()
    assert not Path(f"/proc/{pid}").exists()  # ended and reaped


def test_an_orphaned_child_ends_itself(tmp_path):
    """The parent killed outright (no chance to end its child): the child's watchdog ends it."""
    path, _ = user_file(tmp_path, "def update():\n    while True:\n        pass\n")
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent(f"""
        import os, time
        from bpviz.usercode import sandbox
        if __name__ == "__main__":
            job = sandbox.start({WORK + "call_update"!r}, {{"path": {str(path)!r}}}, "update.py",
                                sandbox.Limits(timeout=60))
            while job.line == 0:
                time.sleep(0.01)
            print(job._process.pid, flush=True)
            os._exit(0)
    """))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    parent = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env,
                            timeout=30, check=False)
    assert ended(int(parent.stdout.split()[0]), within=1.0)


def test_a_program_that_imports_the_command_line_at_its_top_spawns_cleanly(tmp_path):
    """The ``bpviz`` console script is such a program: the child imports it again (as
    __mp_main__) but neither runs it nor loads Qt."""
    script = tmp_path / "bpviz_script.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        from bpviz.cli import main
        if __name__ == "__main__":
            from bpviz.usercode import sandbox
            print(sandbox.run({WORK + "modules"!r}, ("PySide6", "bpviz"), "update.py").value)
    """))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env,
                         timeout=30, check=False)
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    loaded = ast.literal_eval(ran.stdout)
    assert "bpviz.cli" in loaded and not [m for m in loaded if m.startswith(("PySide6", "bpviz.gui"))]


def test_no_limits_at_all_is_allowed():
    unlimited = Limits(timeout=float("inf"), memory_mb=None)
    assert sandbox.run(WORK + "echo", [1, "two"], "update.py", unlimited).value == [1, "two"]
