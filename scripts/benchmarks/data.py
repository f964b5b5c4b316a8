"""Data benchmarks: loading MNIST with numpy (from the .gz files and from bpviz's cache)
against python-mnist, side by side."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from benchmarks import at_least, at_most, case, info, interleave, median


@case("load", "Load all 70,000 MNIST images (embedded .gz files; cold, first and warm bpviz loads)")
def load_mnist_side_by_side(repeat: int):
    from mnist import MNIST

    from bpviz.data.cache import CACHE_DIR_VARIABLE
    from bpviz.data.mnist import _load, embedded_mnist_dir

    directory = embedded_mnist_dir()
    saved = os.environ.get(CACHE_DIR_VARIABLE)
    with tempfile.TemporaryDirectory(prefix="bpviz-bench-cache-") as folder:
        caches = iter(range(repeat + 1))

        def loaded(data):
            assert len(data.train_images) + len(data.test_images) == 70000

        def cold():
            loaded(_load(directory, use_cache=False))  # reads and inflates the .gz files

        def first():  # an empty cache: reads the .gz files, then writes the cache
            os.environ[CACHE_DIR_VARIABLE] = str(Path(folder, f"first-{next(caches)}"))
            loaded(_load(directory))

        def warm():
            os.environ[CACHE_DIR_VARIABLE] = str(Path(folder, "warm"))
            loaded(_load(directory))

        def python_mnist():
            reader = MNIST(str(directory), return_type="numpy", gz=True)
            reader.load_training()
            reader.load_testing()

        try:
            warm()  # fills the warm cache
            samples = interleave(repeat, cold=cold, first=first, warm=warm, python_mnist=python_mnist)
        finally:
            if saved is None:
                os.environ.pop(CACHE_DIR_VARIABLE, None)
            else:
                os.environ[CACHE_DIR_VARIABLE] = saved
    cold_s, first_s, warm_s, theirs_s = (median(samples[key]) for key in ("cold", "first", "warm", "python_mnist"))
    return [
        at_most("bpviz load_mnist, cold (no cache)", cold_s, "s", 0.3, samples["cold"]),
        info("bpviz load_mnist, first (writes the cache)", first_s, "s", samples["first"]),
        at_most("bpviz load_mnist, warm (from the cache)", warm_s, "s", 0.03, samples["warm"]),
        info("python-mnist (reference)", theirs_s, "s", samples["python_mnist"]),
        at_least("speed-up vs python-mnist, cold", theirs_s / cold_s, "x", 20),
        info("speed-up vs python-mnist, warm", theirs_s / warm_s, "x"),
        info("warm vs cold", cold_s / warm_s, "x"),
    ]
