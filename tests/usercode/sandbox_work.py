"""Work functions for the sandbox's tests, imported in the spawned child: a stand-in for the
real one (which loads the user's file under bpviz's line tracer), and a few that test the
plumbing itself."""

from __future__ import annotations

import sys

import numpy as np  # imported before the memory limit is set, as the real work's imports are

from bpviz.errors import UserCodeError


def call_update(request, progress):
    """Run the file at request["path"] and call its update(*request["args"]), reporting every
    line of that file as it runs; return what update returns."""
    path = request["path"]
    with open(path, encoding="utf-8") as file:
        code = compile(file.read(), path, "exec")

    def local(frame, event, arg):
        if event == "line":
            progress.line = frame.f_lineno
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename == path else None

    namespace = {"__name__": "user_code", "__file__": path}
    sys.settrace(calls)
    try:
        exec(code, namespace)
        return namespace["update"](*request.get("args", ()))
    finally:
        sys.settrace(None)


def echo(request, progress):
    return request


def modules(request, progress):
    """The modules the child has loaded whose top package is one of request's."""
    return sorted(name for name in sys.modules if name.split(".")[0] in request)


def array(request, progress):
    return {"W1": np.arange(6.0).reshape(2, 3), "n": np.int64(3), "x": np.float64(0.5)}


def generator(request, progress):
    return (i for i in range(3))


def user_error(request, progress):
    progress.line = 4
    raise UserCodeError("update.py, line 7 (return params): update returned None", line=7)


class Evil:
    def __reduce__(self):
        import os

        return (os.system, ("echo evil",))


def evil(request, progress):
    return {"a": Evil()}
