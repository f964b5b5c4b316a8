"""``python -m bpviz``: the same as the ``bpviz`` command."""

import sys

from bpviz.cli import main

sys.exit(main())
