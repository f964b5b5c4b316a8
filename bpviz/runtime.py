"""Process settings that bpviz's entry points make before numpy is first imported."""

from __future__ import annotations

import os


def configure_blas_threads() -> None:
    """Let OpenBLAS's worker threads sleep as soon as a matrix product ends.

    By default they spin for about 2^28 cycles (a large fraction of a second) after each
    product, holding every core: bpviz's activations, which run on all cores between the
    products (bpviz.nn.parallel), and the app's GUI thread would wait for them. 2^4 cycles
    makes them yield at once. Has no effect once numpy is loaded; a value already set in
    the environment is kept.
    """
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
