"""The standalone app's entry point (scripts/bundle): the ``bpviz`` command, frozen."""

import multiprocessing
import sys

if __name__ == "__main__":
    # A user's file runs in a spawned child (bpviz.usercode.sandbox): in a frozen app the
    # child is this executable again, and freeze_support() makes it the child.
    multiprocessing.freeze_support()
    from bpviz.cli import main

    sys.exit(main())
